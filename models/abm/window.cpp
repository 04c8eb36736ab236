// SPDX-License-Identifier: MIT
// The window's container, cancer cells, radiation and bookkeeping; T cells, killing and the
// cytokine fields are in immune.cpp.
#include "models/abm/window.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace vct::models::abm {
namespace {

DiffusionSolver field_solver(const Parameters& p, const Grid& g, P diffusivity, P decay) {
  if (!(p[P::pde_substeps] >= 1.0)) throw std::invalid_argument("abm window: pde_substeps must be at least 1");
  return DiffusionSolver(g, p[diffusivity], p[decay], p.slice_seconds() / std::round(p[P::pde_substeps]));
}

std::uint64_t bits(double v) {
  std::uint64_t b = 0;
  std::memcpy(&b, &v, sizeof b);
  return b;
}

}  // namespace

Rng window_stream(std::uint64_t seed, std::uint64_t patient, std::uint32_t lesion, std::uint32_t window) {
  return Rng(seed, Stream::kAbmWindow,
             mix64(patient) ^ mix64(mix64(lesion) ^ (static_cast<std::uint64_t>(window) << 32)));
}

Window::Window(const Parameters& parameters, const Grid& grid, const DosePoint& centre_mm, Rng stream)
    : parameters_(parameters),
      rates_(hierarchy_rates(parameters)),
      grid_(grid),
      centre_mm_(centre_mm),
      rng_(stream),
      ifng_solver_(field_solver(parameters, grid, P::IFNg_diffusivity_um2_per_s, P::IFNg_decay_per_s)),
      il2_solver_(field_solver(parameters, grid, P::IL2_diffusivity_um2_per_s, P::IL2_decay_per_s)),
      occupant_(grid.size(), -1),
      t_count_(grid.size(), 0),
      cyt_count_(grid.size(), 0),
      treg_count_(grid.size(), 0),
      ifng_(grid.size(), 0.0),
      il2_(grid.size(), 0.0) {
  if (grid.nx < 1 || grid.ny < 1 || grid.nz < 1 || !(grid.voxel_um > 0.0))
    throw std::invalid_argument("abm window: the grid needs at least one voxel per axis and a positive voxel size");
  if (rates_.generations < 1 || rates_.generations > 250)
    throw std::invalid_argument("abm window: progenitor_divisions must be 1 to 250");
  if (parameters[P::T_per_voxel] > 255.0 || parameters[P::CD8_divisions] > 255.0)
    throw std::invalid_argument("abm window: T_per_voxel and CD8_divisions must be at most 255");
}

void Window::add_cell(const CancerCell& cell) {
  if (cell.voxel >= occupant_.size() || occupant_[cell.voxel] >= 0 ||
      t_count_[cell.voxel] > parameters_[P::T_per_voxel_with_cancer])
    throw std::invalid_argument("abm window: a cancer cell placed outside the window or on a voxel without room");
  occupant_[cell.voxel] = static_cast<std::int32_t>(cells_.size());
  cells_.push_back(cell);
  recount();
}

void Window::add_port(std::uint32_t v) {
  if (v >= grid_.size()) throw std::invalid_argument("abm window: a port outside the window");
  ports_.push_back(v);
}

void Window::populate(double tumour_extent) {
  const std::vector<double> composition = stationary_composition(rates_);
  const double density = parameters_[P::initial_density];
  const double x_limit = tumour_extent * grid_.nx;
  for (std::uint32_t v = 0; v < grid_.size(); ++v) {
    if (occupant_[v] >= 0 || grid_.voxel(v).x >= x_limit || rng_.uniform() >= density) continue;
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
  if (tumour_extent < 1.0) front_planes_ = static_cast<int>(std::ceil(x_limit));
  const double port_fraction = parameters_[P::port_fraction];
  for (std::uint32_t v = 0; v < grid_.size(); ++v)
    if (rng_.uniform() < port_fraction) ports_.push_back(v);
  recount();
}

// A neighbour a cancer cell may move or divide into: no cancer cell, and no more T cells than a
// voxel holds beside one.
bool Window::free_neighbour(std::uint32_t voxel, std::uint32_t& chosen) {
  std::array<std::uint32_t, 26> around{};
  const int n = grid_.moore(voxel, around);
  std::array<std::uint32_t, 26> free{};
  int m = 0;
  const double t_limit = parameters_[P::T_per_voxel_with_cancer];
  for (int k = 0; k < n; ++k) {
    const std::uint32_t v = around[static_cast<std::size_t>(k)];
    if (occupant_[v] < 0 && t_count_[v] <= t_limit) free[static_cast<std::size_t>(m++)] = v;
  }
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
  daughter.pdl1 = cells_[i].pdl1;
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

// Division, senescent death and doomed clearance of the cancer cells present at the start of the
// slice that T cells did not kill.
void Window::cancer_step(std::size_t present) {
  for (std::size_t i = 0; i < present; ++i) {
    if (dead_[i]) continue;
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
}

const WindowCounts& Window::advance_slice(const SliceInputs& in) {
  const double mean_ifng = counts_.mean_ifng_ng_per_mL, mean_il2 = counts_.mean_il2_ng_per_mL;
  counts_ = WindowCounts{};
  counts_.t_deaths = rt_t_deaths_;  // fractions given since the last slice
  rt_t_deaths_ = 0;
  counts_.mean_ifng_ng_per_mL = mean_ifng;
  counts_.mean_il2_ng_per_mL = mean_il2;
  recruit_at_ports(in);
  const std::size_t present = cells_.size();
  for (std::size_t i = 0; i < present; ++i) {  // cancer cells move (doomed cells stay)
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
  move_t_cells();
  update_pdl1();
  dead_.assign(present, 0);
  kill_step(in);
  t_step(in, t_cells_.size());
  cancer_step(present);
  remove_dead();
  advance_fields();
  ++slice_;
  const auto interval = static_cast<std::int64_t>(std::lround(parameters_[P::front_follow_interval_slices]));
  if (front_planes_ > 0 && parameters_[P::front_follow] > 0.5 && slice_ % std::max<std::int64_t>(1, interval) == 0) {
    const int k = front_plane() - front_planes_;
    if (k > 0) shift_toward_tumour(k);
  }
  recount();
  return counts_;
}

int Window::front_plane() const {
  std::vector<int> per_plane(static_cast<std::size_t>(grid_.nx), 0);
  for (const CancerCell& c : cells_) ++per_plane[static_cast<std::size_t>(grid_.voxel(c.voxel).x)];
  const double threshold = 0.5 * parameters_[P::initial_density] * grid_.ny * grid_.nz;
  int x = 0;
  while (x < grid_.nx && per_plane[static_cast<std::size_t>(x)] >= threshold) ++x;
  return x;
}

void Window::shift_toward_tumour(int k) {
  // Keeps the cells of planes x >= k, moved k planes down; counts the others as having left.
  auto shift = [&](auto& cells, std::int64_t& left) {
    std::size_t kept = 0;
    for (auto cell : cells) {
      const Voxel p = grid_.voxel(cell.voxel);
      if (p.x < k) {
        ++left;
        continue;
      }
      cell.voxel = grid_.index(p.x - k, p.y, p.z);
      cells[kept++] = cell;
    }
    cells.resize(kept);
  };
  shift(cells_, counts_.cancer_left);
  shift(t_cells_, counts_.t_left);
  occupant_.assign(grid_.size(), -1);
  t_count_.assign(grid_.size(), 0);
  cyt_count_.assign(grid_.size(), 0);
  treg_count_.assign(grid_.size(), 0);
  for (std::size_t i = 0; i < cells_.size(); ++i) occupant_[cells_[i].voxel] = static_cast<std::int32_t>(i);
  for (const TCell& t : t_cells_) {
    ++t_count_[t.voxel];
    if (t.kind == TKind::kTreg) ++treg_count_[t.voxel];
    if (t.kind == TKind::kCD8 && t.state == TState::kCytotoxic) ++cyt_count_[t.voxel];
  }
  for (std::vector<double>* field : {&ifng_, &il2_})
    for (int z = 0; z < grid_.nz; ++z)
      for (int y = 0; y < grid_.ny; ++y)
        for (int x = 0; x < grid_.nx; ++x)
          (*field)[grid_.index(x, y, z)] = (*field)[grid_.index(std::min(x + k, grid_.nx - 1), y, z)];
}

void Window::remove_dead() {
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
  dead_.clear();
  kept = 0;
  for (std::size_t i = 0; i < t_cells_.size(); ++i) {
    const TCell& t = t_cells_[i];
    if (i < t_dead_.size() && t_dead_[i]) {
      --t_count_[t.voxel];
      if (t.kind == TKind::kTreg) --treg_count_[t.voxel];
      if (t.kind == TKind::kCD8 && t.state == TState::kCytotoxic) --cyt_count_[t.voxel];
      continue;
    }
    t_cells_[kept++] = t;
  }
  t_cells_.resize(kept);
  t_dead_.clear();
}

DosePoint Window::voxel_centre_mm(std::uint32_t i) const {
  const Voxel v = grid_.voxel(i);
  const double h = grid_.voxel_um * 1e-3;
  return {centre_mm_.x + (v.x + 0.5 - 0.5 * grid_.nx) * h, centre_mm_.y + (v.y + 0.5 - 0.5 * grid_.ny) * h,
          centre_mm_.z + (v.z + 0.5 - 0.5 * grid_.nz) * h};
}

std::int64_t Window::irradiate(const DoseMap& map, double prescription_Gy, double lesion_radius_mm) {
  const double alpha = parameters_[P::alpha_C_per_Gy], beta = parameters_[P::beta_C_per_Gy2];
  std::int64_t doomed = 0;
  for (CancerCell& c : cells_) {
    if (c.doomed) continue;
    const double d = prescription_Gy * map.relative_dose_at(voxel_centre_mm(c.voxel), lesion_radius_mm);
    if (!(d > 0.0)) continue;
    if (rng_.uniform() >= std::exp(-alpha * d - beta * d * d)) {
      c.doomed = true;
      ++doomed;
    }
  }
  const double alpha_t = parameters_[P::alpha_T_per_Gy], beta_t = parameters_[P::beta_T_per_Gy2];
  t_dead_.assign(t_cells_.size(), 0);
  std::int64_t t_deaths = 0;
  for (std::size_t i = 0; i < t_cells_.size(); ++i) {
    const double d = prescription_Gy * map.relative_dose_at(voxel_centre_mm(t_cells_[i].voxel), lesion_radius_mm);
    if (!(d > 0.0)) continue;
    if (rng_.uniform() >= std::exp(-alpha_t * d - beta_t * d * d)) {
      t_dead_[i] = 1;
      ++t_deaths;
    }
  }
  dead_.assign(cells_.size(), 0);
  remove_dead();
  recount();
  counts_.t_deaths = t_deaths;
  rt_t_deaths_ += t_deaths;
  return doomed;
}

void Window::recount() {
  WindowCounts& n = counts_;
  n.stem = n.progenitor = n.senescent = n.doomed = n.pdl1_positive = 0;
  n.cd8_effector = n.cd8_cytotoxic = n.cd8_suppressed = n.treg = 0;
  const double positive = parameters_[P::PDL1_positive_fraction];
  const double base = parameters_[P::PDL1_base_fraction];
  for (const CancerCell& c : cells_) {
    if (c.doomed)
      ++n.doomed;
    else if ((c.pdl1 < 0.0f ? base : static_cast<double>(c.pdl1)) > positive)
      ++n.pdl1_positive;
    if (c.state == CellState::kStem)
      ++n.stem;
    else if (c.state == CellState::kProgenitor)
      ++n.progenitor;
    else
      ++n.senescent;
  }
  for (const TCell& t : t_cells_) {
    if (t.kind == TKind::kTreg)
      ++n.treg;
    else if (t.state == TState::kEffector)
      ++n.cd8_effector;
    else if (t.state == TState::kCytotoxic)
      ++n.cd8_cytotoxic;
    else
      ++n.cd8_suppressed;
  }
}

std::uint64_t Window::digest() const {
  std::uint64_t h = mix64(static_cast<std::uint64_t>(slice_));
  for (const CancerCell& c : cells_)
    h = mix64(h ^
              (static_cast<std::uint64_t>(c.voxel) | static_cast<std::uint64_t>(c.state) << 32 |
               static_cast<std::uint64_t>(c.generation) << 40 | static_cast<std::uint64_t>(c.doomed) << 48) ^
              mix64(bits(static_cast<double>(c.pdl1))));
  for (const TCell& t : t_cells_)
    h = mix64(h ^
              (static_cast<std::uint64_t>(t.voxel) | static_cast<std::uint64_t>(t.kind) << 32 |
               static_cast<std::uint64_t>(t.state) << 36 | static_cast<std::uint64_t>(t.divisions_left) << 40 |
               static_cast<std::uint64_t>(t.cooldown) << 48) ^
              mix64(static_cast<std::uint64_t>(t.life)));
  for (std::size_t i = 0; i < ifng_.size(); ++i) h = mix64(h ^ bits(ifng_[i]) ^ mix64(bits(il2_[i])));
  for (std::uint64_t w : rng_.state()) h = mix64(h ^ w);
  return h;
}

WindowState Window::checkpoint() const {
  return {rng_.state(), slice_, cells_, t_cells_, ports_, ifng_, il2_, front_planes_, rt_t_deaths_};
}

void Window::restore(const WindowState& state) {
  if (state.ifng.size() != grid_.size() || state.il2.size() != grid_.size())
    throw std::invalid_argument("abm window: a checkpoint of another grid size");
  rng_.set_state(state.rng);
  slice_ = state.slice;
  front_planes_ = state.front_planes;
  rt_t_deaths_ = state.rt_t_deaths;
  cells_.clear();
  t_cells_.clear();
  ports_ = state.ports;
  ifng_ = state.ifng;
  il2_ = state.il2;
  occupant_.assign(grid_.size(), -1);
  t_count_.assign(grid_.size(), 0);
  cyt_count_.assign(grid_.size(), 0);
  treg_count_.assign(grid_.size(), 0);
  for (const TCell& t : state.t_cells) place_t(t);
  for (const CancerCell& c : state.cells) {
    if (c.voxel >= occupant_.size() || occupant_[c.voxel] >= 0)
      throw std::invalid_argument("abm window: a checkpoint with a cell outside the window or two cells in one voxel");
    occupant_[c.voxel] = static_cast<std::int32_t>(cells_.size());
    cells_.push_back(c);
  }
  recount();
}

}  // namespace vct::models::abm
