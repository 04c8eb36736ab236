// SPDX-License-Identifier: MIT
// One agent-based window of a lesion (spatial-abm.md §6): a lattice (grid.hpp) of cancer cells in
// the stem / progenitor / senescent hierarchy (hierarchy.hpp) with contact inhibition and random
// walks, and per-cell linear-quadratic radiation kill from a dose map (dose_map.hpp): a cell that
// fails its survival draw is doomed, keeps its voxel, stops dividing and moving, and is cleared
// with the QSP lesion's doomed-cell rate.
//
// The window sits at centre_mm in lesion coordinates (mm from the lesion centre), so a voxel's
// dose is the map's value at its centre. Randomness: one stream per (seed, patient, lesion,
// window) (window_stream), consumed in a fixed order (cells in vector order, daughters appended),
// so a window's trajectory does not depend on threads, ranks or other windows. A Window is not
// thread-safe; different windows may run on different threads.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/random.hpp"
#include "models/abm/dose_map.hpp"
#include "models/abm/grid.hpp"
#include "models/abm/hierarchy.hpp"
#include "models/abm/parameters.hpp"

namespace vct::models::abm {

enum class CellState : std::uint8_t { kStem = 0, kProgenitor = 1, kSenescent = 2 };

struct CancerCell {
  std::uint32_t voxel = 0;
  CellState state = CellState::kStem;
  std::uint8_t generation = 0;  ///< progenitors: 1 .. progenitor_divisions; else 0
  bool doomed = false;          ///< lethally irradiated, awaiting clearance
};

/// Cell counts of a window, and the events of the last slice or fraction.
struct WindowCounts {
  std::int64_t stem = 0, progenitor = 0, senescent = 0, doomed = 0;
  std::int64_t divisions = 0;          ///< last slice
  std::int64_t blocked_divisions = 0;  ///< last slice: no free neighbour
  std::int64_t senescent_deaths = 0;   ///< last slice
  std::int64_t doomed_cleared = 0;     ///< last slice: radiation deaths handed to the QSP
  std::int64_t cells() const { return stem + progenitor + senescent; }  ///< every cell, doomed included
};

/// Everything a window needs to resume bit for bit (a checkpoint).
struct WindowState {
  std::array<std::uint64_t, 4> rng{};
  std::int64_t slice = 0;
  std::vector<CancerCell> cells;
};

/// The random stream of one window.
Rng window_stream(std::uint64_t seed, std::uint64_t patient, std::uint32_t lesion, std::uint32_t window);

class Window {
 public:
  Window(const Parameters& parameters, const Grid& grid, const Point& centre_mm, Rng stream);

  /// Fills each voxel with a cancer cell with probability initial_density, its state drawn from
  /// the stationary composition (SPQ's initial-condition sampler, with this window's rates).
  void populate();
  /// Places one cell (tests, and the coupling's seeding); the voxel must be free.
  void add_cell(const CancerCell& cell);

  /// One slice: every cell present at its start moves (random free neighbour, doomed cells stay),
  /// then acts (division, senescent death, doomed clearance); the dead are removed at the end.
  const WindowCounts& advance_slice();
  /// One fraction: each viable cell survives with exp(-alpha D - beta D^2) at its voxel's dose
  /// for a lesion of radius lesion_radius_mm; returns the number newly doomed. Draws nothing
  /// where the dose is 0, so a zero map leaves the run unchanged.
  std::int64_t irradiate(const DoseMap& map, double lesion_radius_mm);

  const WindowCounts& counts() const { return counts_; }
  const std::vector<CancerCell>& cells() const { return cells_; }
  const Grid& grid() const { return grid_; }
  std::int64_t slice() const { return slice_; }
  /// Centre of voxel i in lesion coordinates (mm).
  Point voxel_centre_mm(std::uint32_t i) const;
  /// A 64-bit digest of the cells and the stream (for determinism tests and logs).
  std::uint64_t digest() const;

  WindowState checkpoint() const;
  void restore(const WindowState& state);

 private:
  bool free_neighbour(std::uint32_t voxel, std::uint32_t& chosen);
  void divide(std::size_t i);
  void recount();

  Parameters parameters_;
  HierarchyRates rates_;
  Grid grid_;
  Point centre_mm_;
  Rng rng_;
  std::int64_t slice_ = 0;
  std::vector<CancerCell> cells_;
  std::vector<std::int32_t> occupant_;  ///< per voxel: index into cells_, or -1
  std::vector<std::uint8_t> dead_;      ///< per cell, during a slice
  WindowCounts counts_;
};

}  // namespace vct::models::abm
