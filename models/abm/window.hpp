// SPDX-License-Identifier: MIT
// One agent-based window of a lesion (spatial-abm.md §6; docs/models/abm.md): a lattice
// (grid.hpp) of cancer cells in the stem / progenitor / senescent hierarchy (hierarchy.hpp),
// CD8 T cells (effector, cytotoxic, suppressed) and Tregs recruited at ports, and two cytokine
// fields (IFN-gamma, IL-2; diffusion.hpp). Cancer cells carry PD-L1 induced by local IFN-gamma;
// cytotoxic CD8 cells kill neighbouring cancer cells and are suppressed by PD-L1 and Tregs. A
// radiation fraction kills each cell with the linear-quadratic law at its voxel's dose
// (core/dose_map.hpp): cancer cells become doomed (they keep their voxel, stop dividing and moving, and
// are cleared at the QSP's doomed-cell rate); T cells die at once.
//
// What the QSP lesion supplies each slice (SliceInputs): how many cells each port recruits, the
// PD-1 bond scale that reproduces the lesion's PD-1 suppression (anti-PD-1 included), and the
// non-spatial suppression of killing. What the window returns (WindowCounts): cells by kind and
// state, and the slice's kills, recruits, deaths and divisions.
//
// Randomness: one stream per (seed, patient, lesion, window) (window_stream), consumed in a fixed
// order (ports, then cells in vector order, daughters appended), so a window's trajectory does
// not depend on threads, ranks or other windows. A Window is not thread-safe; different windows
// may run on different threads.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "core/dose_map.hpp"
#include "core/random.hpp"
#include "models/abm/diffusion.hpp"
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
  float pdl1 = -1.0f;           ///< PD-L1 as a share of its maximum; < 0: not yet set (base level)
};

enum class TKind : std::uint8_t { kCD8 = 0, kTreg = 1 };
enum class TState : std::uint8_t { kEffector = 0, kCytotoxic = 1, kSuppressed = 2 };

struct TCell {
  std::uint32_t voxel = 0;
  TKind kind = TKind::kCD8;
  TState state = TState::kEffector;
  std::uint8_t divisions_left = 0;
  std::uint8_t cooldown = 0;  ///< slices until the next division may happen
  std::int32_t life = 0;      ///< slices left
  float il2_exposure = 0.0f;  ///< ng s/mL since activation
  float ifng_left_s = 0.0f;   ///< secretion time left, s
  float il2_left_s = 0.0f;
};

/// What the QSP lesion tells the window for one slice (set by the coupling; defaults: no
/// recruitment, no PD-1 suppression, no other suppression of killing).
struct SliceInputs {
  /// Expected CD8 recruits into the whole window this slice (the QSP lesion's influx times the
  /// window's share of the lesion); shared among the ports by their weights, each port recruiting
  /// with probability min(1, expected x weight / total weight).
  double cd8_expected = 0.0;
  double treg_expected = 0.0;  ///< expected Treg recruits, shared the same way
  /// x in H_PD1 = (x p)^n / (1 + (x p)^n), p the cancer cell's PD-L1 share: the coupling picks x
  /// so that a cell at the lesion's mean PD-L1 has the QSP lesion's H_PD1 (anti-PD-1 included).
  double pd1_bond_scale = 0.0;
  double kill_factor = 1.0;  ///< non-spatial suppression of killing, e.g. (1 - H_TGFb)(1 - H_MDSC)
};

/// Cell counts of a window, and the events of the last slice or fraction.
struct WindowCounts {
  std::int64_t stem = 0, progenitor = 0, senescent = 0, doomed = 0;  ///< doomed cells count in their state too
  std::int64_t cd8_effector = 0, cd8_cytotoxic = 0, cd8_suppressed = 0, treg = 0;
  std::int64_t pdl1_positive = 0;                      ///< viable cancer cells above PDL1_positive_fraction
  std::int64_t divisions = 0;                          ///< cancer divisions, last slice
  std::int64_t blocked_divisions = 0;                  ///< last slice: no free neighbour
  std::int64_t senescent_deaths = 0;                   ///< last slice
  std::int64_t doomed_cleared = 0;                     ///< last slice: radiation deaths handed to the QSP
  std::int64_t kills = 0;                              ///< last slice: cancer cells killed by CD8 cells
  std::int64_t cd8_recruited = 0, treg_recruited = 0;  ///< last slice
  std::int64_t cd8_divisions = 0;                      ///< last slice
  /// T cells that died: after a slice, of their lifespan in it plus those radiation killed since
  /// the slice before; right after irradiate(), those that fraction killed
  std::int64_t t_deaths = 0;
  /// last slice: cells that left the window on its tumour side as it followed the front (front_follow)
  std::int64_t cancer_left = 0, t_left = 0;
  double mean_ifng_ng_per_mL = 0.0, mean_il2_ng_per_mL = 0.0;
  std::int64_t cells() const { return stem + progenitor + senescent; }  ///< every cancer cell, doomed included
  std::int64_t cd8() const { return cd8_effector + cd8_cytotoxic + cd8_suppressed; }
};

/// Everything a window needs to resume bit for bit (a checkpoint).
struct WindowState {
  std::array<std::uint64_t, 4> rng{};
  std::int64_t slice = 0;
  std::vector<CancerCell> cells;
  std::vector<TCell> t_cells;
  std::vector<std::uint32_t> ports;
  std::vector<double> ifng, il2;
  int front_planes = 0;
  std::int64_t rt_t_deaths = 0;  ///< T cells radiation killed since the last slice, not yet reported
};

/// The random stream of one window.
Rng window_stream(std::uint64_t seed, std::uint64_t patient, std::uint32_t lesion, std::uint32_t window);

/// PD-L1 share of maximum that IFN-gamma at c (ng/mL) induces: b + (1 - b) c^n / (c^n + K^n).
double induced_pdl1(double c_ng_per_mL, const Parameters& p);
/// PD-1 suppression of a synapse with a cancer cell of PD-L1 share pdl1: (x pdl1)^n / (1 + (x pdl1)^n).
double pd1_suppression(double pdl1, double bond_scale, double n);

class Window {
 public:
  Window(const Parameters& parameters, const Grid& grid, const DosePoint& centre_mm, Rng stream);

  /// Fills each voxel with a cancer cell with probability initial_density, its state drawn from
  /// the stationary composition (SPQ's initial-condition sampler, with this window's rates), and
  /// makes each voxel a recruitment port with probability port_fraction. With tumour_extent < 1
  /// only the voxels with x < tumour_extent nx get cancer cells: an invasive-margin window, tumour
  /// on one side and stroma on the other (SPQ's margin window).
  /// With tumour_extent < 1 it also sets the front the window follows (follow_front_at) to the
  /// ceil(tumour_extent nx) planes it fills.
  void populate(double tumour_extent = 1.0);
  /// With front_follow = 1, every front_follow_interval_slices the window finds its front, the
  /// first plane x (from the tumour side, x = 0) whose share of voxels holding a cancer cell is below
  /// initial_density / 2, and when it lies k >= 1 planes beyond `planes`, shifts its content k planes
  /// toward the tumour: the cells of planes x < k leave (counts().cancer_left, t_left), empty stroma
  /// planes enter at the far side with the fields of the last plane, and the ports stay in place
  /// (spQSP-IO's margin window, whose camera follows the front). planes = 0: never shifts.
  void follow_front_at(int planes) { front_planes_ = planes; }
  /// Places one cell (tests, and the coupling's seeding); the voxel must have room.
  void add_cell(const CancerCell& cell);
  void add_t_cell(const TCell& cell);
  /// Makes voxel v a recruitment port.
  void add_port(std::uint32_t v);
  /// A T cell as recruited now (effector CD8 or Treg, with a fresh lifespan), at voxel v.
  TCell recruit(TKind kind, std::uint32_t v);
  /// Seeds cd8 effector CD8 cells and treg Tregs at uniformly random voxels with room (16 tries
  /// each), each with a residual life uniform over a fresh lifespan (the age structure of a steady
  /// influx): a window starting at the density of the compartment it samples. Returns the number placed.
  std::int64_t seed_t_cells(std::int64_t cd8, std::int64_t treg);

  /// One slice: recruitment at the ports; movement (cancer cells, then T cells); PD-L1 from the
  /// IFN-gamma field; killing (decided on the cancer side); T-cell activation, suppression,
  /// division and ageing; cancer division, senescent death and doomed clearance; removal of the
  /// dead; then the cytokine fields for the length of the slice; then, when it follows its front,
  /// the shift (follow_front_at).
  const WindowCounts& advance_slice(const SliceInputs& in = {});
  /// One fraction of prescription_Gy shaped by `map`, for a lesion of radius lesion_radius_mm:
  /// at its voxel's dose D, a viable cancer cell survives with exp(-alpha D - beta D^2) or becomes
  /// doomed; a T cell survives with exp(-alpha_T D - beta_T D^2) or dies. Returns the number of
  /// cancer cells newly doomed. Draws nothing where the dose is 0, so a zero dose changes nothing.
  std::int64_t irradiate(const DoseMap& map, double prescription_Gy, double lesion_radius_mm);

  const WindowCounts& counts() const { return counts_; }
  const std::vector<CancerCell>& cells() const { return cells_; }
  const std::vector<TCell>& t_cells() const { return t_cells_; }
  const std::vector<std::uint32_t>& ports() const { return ports_; }
  const std::vector<double>& ifng() const { return ifng_; }
  const std::vector<double>& il2() const { return il2_; }
  const Grid& grid() const { return grid_; }
  const Parameters& parameters() const { return parameters_; }
  std::int64_t slice() const { return slice_; }
  /// Centre of voxel i in lesion coordinates (mm).
  DosePoint voxel_centre_mm(std::uint32_t i) const;
  /// A 64-bit digest of the cells, fields and stream (for determinism tests and logs).
  std::uint64_t digest() const;

  WindowState checkpoint() const;
  void restore(const WindowState& state);

 private:
  // window.cpp: cancer cells, radiation, bookkeeping
  bool free_neighbour(std::uint32_t voxel, std::uint32_t& chosen);
  void divide(std::size_t i);
  void cancer_step(std::size_t present);
  void remove_dead();
  void recount();
  int front_plane() const;
  void shift_toward_tumour(int k);
  // immune.cpp: T cells, killing, PD-L1, fields
  int t_capacity(std::uint32_t v) const;
  bool t_room_near(std::uint32_t voxel, bool include_self, std::uint32_t& chosen);
  void place_t(const TCell& cell);
  void recruit_at_ports(const SliceInputs& in);
  void port_weights(std::vector<double>& weight) const;
  void move_t_cells();
  void update_pdl1();
  void kill_step(const SliceInputs& in);
  void t_step(const SliceInputs& in, std::size_t present);
  bool try_activate(TCell& t);
  bool try_suppress(TCell& t, const SliceInputs& in);
  void try_divide(std::size_t i);
  void advance_fields();
  double local_max_pdl1(std::uint32_t v) const;

  Parameters parameters_;
  HierarchyRates rates_;
  Grid grid_;
  DosePoint centre_mm_;
  Rng rng_;
  DiffusionSolver ifng_solver_, il2_solver_;
  std::int64_t slice_ = 0;
  int front_planes_ = 0;          ///< the front's plane to keep (follow_front_at); 0: fixed window
  std::int64_t rt_t_deaths_ = 0;  ///< T cells radiation killed since the last slice (its t_deaths count them)
  std::vector<CancerCell> cells_;
  std::vector<TCell> t_cells_;
  std::vector<std::uint32_t> ports_;
  std::vector<std::int32_t> occupant_;    ///< per voxel: index into cells_, or -1
  std::vector<std::uint8_t> t_count_;     ///< per voxel: T cells of any kind
  std::vector<std::uint8_t> cyt_count_;   ///< per voxel: cytotoxic CD8 cells
  std::vector<std::uint8_t> treg_count_;  ///< per voxel: Tregs
  std::vector<std::uint8_t> dead_, t_dead_;
  std::vector<double> ifng_, il2_, release_, uptake_, work_, port_weight_;
  WindowCounts counts_;
};

}  // namespace vct::models::abm
