// SPDX-License-Identifier: MIT
#include "models/abm/window.hpp"

#include <cmath>
#include <stdexcept>

namespace vct::models::abm {

Rng window_stream(std::uint64_t seed, std::uint64_t patient, std::uint32_t lesion, std::uint32_t window) {
  return Rng(seed, Stream::kAbmWindow,
             mix64(patient) ^ mix64(mix64(lesion) ^ (static_cast<std::uint64_t>(window) << 32)));
}

Window::Window(const Parameters& parameters, const Grid& grid, const Point& centre_mm, Rng stream)
    : parameters_(parameters),
      rates_(hierarchy_rates(parameters)),
      grid_(grid),
      centre_mm_(centre_mm),
      rng_(stream),
      occupant_(grid.size(), -1) {
  if (grid.nx < 1 || grid.ny < 1 || grid.nz < 1 || !(grid.voxel_um > 0.0))
    throw std::invalid_argument("abm window: the grid needs at least one voxel per axis and a positive voxel size");
  if (rates_.generations < 1 || rates_.generations > 250)
    throw std::invalid_argument("abm window: progenitor_divisions must be 1 to 250");
}

void Window::add_cell(const CancerCell& cell) {
  if (cell.voxel >= occupant_.size() || occupant_[cell.voxel] >= 0)
    throw std::invalid_argument("abm window: a cell placed outside the window or on an occupied voxel");
  occupant_[cell.voxel] = static_cast<std::int32_t>(cells_.size());
  cells_.push_back(cell);
  recount();
}

void Window::populate() {
  const std::vector<double> composition = stationary_composition(rates_);
  const double density = parameters_[P::initial_density];
  for (std::uint32_t v = 0; v < grid_.size(); ++v) {
    if (occupant_[v] >= 0 || rng_.uniform() >= density) continue;
    double u = rng_.uniform();
    std::size_t k = 0;
    while (k + 1 < composition.size() && u >= composition[k]) u -= composition[k++];
    CancerCell c;
    c.voxel = v;
    if (k == 0) {
      c.state = CellState::kStem;
    } else if (k + 1 == composition.size()) {
      c.state = CellState::kSenescent;
    } else {
      c.state = CellState::kProgenitor;
      c.generation = static_cast<std::uint8_t>(k);
    }
    occupant_[v] = static_cast<std::int32_t>(cells_.size());
    cells_.push_back(c);
  }
  recount();
}

bool Window::free_neighbour(std::uint32_t voxel, std::uint32_t& chosen) {
  std::array<std::uint32_t, 26> around{};
  const int n = grid_.moore(voxel, around);
  std::array<std::uint32_t, 26> free{};
  int m = 0;
  for (int k = 0; k < n; ++k)
    if (occupant_[around[static_cast<std::size_t>(k)]] < 0)
      free[static_cast<std::size_t>(m++)] = around[static_cast<std::size_t>(k)];
  if (m == 0) return false;
  chosen = free[static_cast<std::size_t>(rng_.below(static_cast<std::uint64_t>(m)))];
  return true;
}

void Window::divide(std::size_t i) {
  std::uint32_t target = 0;
  if (!free_neighbour(cells_[i].voxel, target)) {
    ++counts_.blocked_divisions;
    return;
  }
  CancerCell daughter;
  daughter.voxel = target;
  CancerCell& mother = cells_[i];
  if (mother.state == CellState::kStem) {
    if (rng_.uniform() < rates_.asymmetric) {
      daughter.state = CellState::kProgenitor;
      daughter.generation = 1;
    }
  } else if (mother.generation >= rates_.generations) {
    mother.state = daughter.state = CellState::kSenescent;
    mother.generation = 0;
  } else {
    ++mother.generation;
    daughter.state = CellState::kProgenitor;
    daughter.generation = mother.generation;
  }
  ++counts_.divisions;
  occupant_[target] = static_cast<std::int32_t>(cells_.size());
  cells_.push_back(daughter);
  dead_.push_back(0);
}

const WindowCounts& Window::advance_slice() {
  counts_.divisions = counts_.blocked_divisions = counts_.senescent_deaths = counts_.doomed_cleared = 0;
  const std::size_t present = cells_.size();
  // movement
  for (std::size_t i = 0; i < present; ++i) {
    CancerCell& c = cells_[i];
    if (c.doomed) continue;
    const double p_move = c.state == CellState::kStem ? parameters_[P::move_stem] : parameters_[P::move_progenitor];
    if (!(rng_.uniform() < p_move)) continue;
    std::uint32_t target = 0;
    if (!free_neighbour(c.voxel, target)) continue;
    occupant_[c.voxel] = -1;
    occupant_[target] = static_cast<std::int32_t>(i);
    c.voxel = target;
  }
  // division, death and clearance of the cells present at the start
  dead_.assign(present, 0);
  for (std::size_t i = 0; i < present; ++i) {
    const CancerCell c = cells_[i];
    const double u = rng_.uniform();
    if (c.doomed) {
      if (u < rates_.p_doomed_clearance) {
        dead_[i] = 1;
        ++counts_.doomed_cleared;
      }
    } else if (c.state == CellState::kSenescent) {
      if (u < rates_.p_senescent_death) {
        dead_[i] = 1;
        ++counts_.senescent_deaths;
      }
    } else if (u < (c.state == CellState::kStem ? rates_.p_stem_division : rates_.p_progenitor_division)) {
      divide(i);
    }
  }
  // remove the dead, keeping the order of the living
  std::size_t kept = 0;
  for (std::size_t i = 0; i < cells_.size(); ++i) {
    if (dead_[i]) {
      occupant_[cells_[i].voxel] = -1;
      continue;
    }
    cells_[kept] = cells_[i];
    occupant_[cells_[kept].voxel] = static_cast<std::int32_t>(kept);
    ++kept;
  }
  cells_.resize(kept);
  ++slice_;
  recount();
  return counts_;
}

Point Window::voxel_centre_mm(std::uint32_t i) const {
  const Voxel v = grid_.voxel(i);
  const double h = grid_.voxel_um * 1e-3;
  return {centre_mm_.x + (v.x + 0.5 - 0.5 * grid_.nx) * h, centre_mm_.y + (v.y + 0.5 - 0.5 * grid_.ny) * h,
          centre_mm_.z + (v.z + 0.5 - 0.5 * grid_.nz) * h};
}

std::int64_t Window::irradiate(const DoseMap& map, double lesion_radius_mm) {
  const double alpha = parameters_[P::alpha_C_per_Gy], beta = parameters_[P::beta_C_per_Gy2];
  std::int64_t doomed = 0;
  for (CancerCell& c : cells_) {
    if (c.doomed) continue;
    const double d = map.dose_at(voxel_centre_mm(c.voxel), lesion_radius_mm);
    if (!(d > 0.0)) continue;
    if (rng_.uniform() >= std::exp(-alpha * d - beta * d * d)) {
      c.doomed = true;
      ++doomed;
    }
  }
  recount();
  return doomed;
}

void Window::recount() {
  counts_.stem = counts_.progenitor = counts_.senescent = counts_.doomed = 0;
  for (const CancerCell& c : cells_) {
    if (c.doomed) ++counts_.doomed;
    if (c.state == CellState::kStem)
      ++counts_.stem;
    else if (c.state == CellState::kProgenitor)
      ++counts_.progenitor;
    else
      ++counts_.senescent;
  }
}

std::uint64_t Window::digest() const {
  std::uint64_t h = mix64(static_cast<std::uint64_t>(slice_));
  for (const CancerCell& c : cells_)
    h = mix64(h ^ (static_cast<std::uint64_t>(c.voxel) | static_cast<std::uint64_t>(c.state) << 32 |
                   static_cast<std::uint64_t>(c.generation) << 40 | static_cast<std::uint64_t>(c.doomed) << 48));
  for (std::uint64_t w : rng_.state()) h = mix64(h ^ w);
  return h;
}

WindowState Window::checkpoint() const { return {rng_.state(), slice_, cells_}; }

void Window::restore(const WindowState& state) {
  rng_.set_state(state.rng);
  slice_ = state.slice;
  cells_.clear();
  occupant_.assign(grid_.size(), -1);
  for (const CancerCell& c : state.cells) {
    if (c.voxel >= occupant_.size() || occupant_[c.voxel] >= 0)
      throw std::invalid_argument("abm window: a checkpoint with a cell outside the window or two cells in one voxel");
    occupant_[c.voxel] = static_cast<std::int32_t>(cells_.size());
    cells_.push_back(c);
  }
  recount();
}

}  // namespace vct::models::abm
