// SPDX-License-Identifier: MIT
// The window's T cells (recruitment, movement, activation, suppression, division, ageing), the
// killing of cancer cells, PD-L1 induction and the cytokine fields (spatial-abm.md §1.3, §6.3).
#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "models/abm/window.hpp"

namespace vct::models::abm {

double induced_pdl1(double c_ng_per_mL, const Parameters& p) {
  const double b = p[P::PDL1_base_fraction];
  if (!(c_ng_per_mL > 0.0)) return b;
  const double q = std::pow(c_ng_per_mL / p[P::IFNg_PDL1_half_ng_per_mL], p[P::n_IFNg_PDL1]);
  return b + (1.0 - b) * q / (1.0 + q);
}

double pd1_suppression(double pdl1, double bond_scale, double n) {
  if (!(bond_scale > 0.0) || !(pdl1 > 0.0)) return 0.0;
  const double q = std::pow(bond_scale * pdl1, n);
  return q / (1.0 + q);
}

int Window::t_capacity(std::uint32_t v) const {
  return static_cast<int>(occupant_[v] >= 0 ? parameters_[P::T_per_voxel_with_cancer] : parameters_[P::T_per_voxel]);
}

bool Window::t_room_near(std::uint32_t voxel, bool include_self, std::uint32_t& chosen) {
  std::array<std::uint32_t, 26> around{};
  const int n = grid_.moore(voxel, around);
  std::array<std::uint32_t, 27> room{};
  int m = 0;
  if (include_self && t_count_[voxel] < t_capacity(voxel)) room[static_cast<std::size_t>(m++)] = voxel;
  for (int k = 0; k < n; ++k) {
    const std::uint32_t v = around[static_cast<std::size_t>(k)];
    if (t_count_[v] < t_capacity(v)) room[static_cast<std::size_t>(m++)] = v;
  }
  if (m == 0) return false;
  chosen = room[static_cast<std::size_t>(rng_.below(static_cast<std::uint64_t>(m)))];
  return true;
}

void Window::place_t(const TCell& t) {
  if (t.voxel >= grid_.size() || t_count_[t.voxel] >= t_capacity(t.voxel))
    throw std::invalid_argument("abm window: a T cell placed outside the window or on a full voxel");
  ++t_count_[t.voxel];
  if (t.kind == TKind::kTreg) ++treg_count_[t.voxel];
  if (t.kind == TKind::kCD8 && t.state == TState::kCytotoxic) ++cyt_count_[t.voxel];
  t_cells_.push_back(t);
}

void Window::add_t_cell(const TCell& cell) {
  place_t(cell);
  recount();
}

TCell Window::recruit(TKind kind, std::uint32_t v) {
  TCell t;
  t.voxel = v;
  t.kind = kind;
  const double slice = parameters_.slice_days();
  double life_days = 0.0;
  if (kind == TKind::kCD8)
    life_days = parameters_[P::CD8_life_mean_day] + parameters_[P::CD8_life_sd_day] * normal_quantile(rng_.uniform());
  else
    life_days = -std::log(rng_.uniform()) * parameters_[P::Treg_life_mean_day];
  t.life = static_cast<std::int32_t>(std::max(1.0, std::min(1e6, std::round(life_days / slice))));
  return t;
}

std::int64_t Window::seed_t_cells(std::int64_t cd8, std::int64_t treg) {
  std::int64_t placed = 0;
  const double n = static_cast<double>(grid_.size());
  for (std::int64_t k = 0; k < cd8 + treg; ++k) {
    for (int attempt = 0; attempt < 16; ++attempt) {
      const auto v = static_cast<std::uint32_t>(std::min(n - 1.0, std::floor(rng_.uniform() * n)));
      if (t_count_[v] >= t_capacity(v)) continue;
      TCell t = recruit(k < cd8 ? TKind::kCD8 : TKind::kTreg, v);
      t.life = static_cast<std::int32_t>(std::max(1.0, std::ceil(rng_.uniform() * t.life)));
      place_t(t);
      ++placed;
      break;
    }
  }
  recount();
  return placed;
}

// Port weights: 1 each, or with gating the TNBC spQSP rule on the cancer density n of the port's
// box: port_weight_free at n = 0, rising linearly to 1 at port_gate_density, port_weight_dense above.
void Window::port_weights(std::vector<double>& weight) const {
  weight.assign(ports_.size(), 1.0);
  if (!(parameters_[P::port_gating] > 0.5)) return;
  std::vector<char> cancer(grid_.size(), 0);
  for (const CancerCell& c : cells_) cancer[c.voxel] = 1;
  std::vector<int> count, volume;
  box_counts(grid_, cancer, static_cast<int>(std::lround(parameters_[P::port_gate_radius])), count, volume);
  const double dense = parameters_[P::port_gate_density], w0 = parameters_[P::port_weight_free];
  for (std::size_t k = 0; k < ports_.size(); ++k) {
    const double n = static_cast<double>(count[ports_[k]]) / volume[ports_[k]];
    weight[k] = n <= 0.0 ? w0 : n >= dense ? parameters_[P::port_weight_dense] : w0 + (1.0 - w0) * n / dense;
  }
}

void Window::recruit_at_ports(const SliceInputs& in) {
  if (ports_.empty() || (!(in.cd8_expected > 0.0) && !(in.treg_expected > 0.0))) return;
  port_weights(port_weight_);
  double total = 0.0;
  for (double w : port_weight_) total += w;
  if (!(total > 0.0)) return;
  for (std::size_t k = 0; k < ports_.size(); ++k) {
    const double share = port_weight_[k] / total;
    const bool cd8 = rng_.uniform() < std::min(1.0, in.cd8_expected * share);
    const bool treg = rng_.uniform() < std::min(1.0, in.treg_expected * share);
    std::uint32_t v = 0;
    if (cd8 && t_room_near(ports_[k], true, v)) {
      place_t(recruit(TKind::kCD8, v));
      ++counts_.cd8_recruited;
    }
    if (treg && t_room_near(ports_[k], true, v)) {
      place_t(recruit(TKind::kTreg, v));
      ++counts_.treg_recruited;
    }
  }
}

void Window::move_t_cells() {
  const double p_move = parameters_[P::move_T];
  if (!(p_move > 0.0)) return;
  for (TCell& t : t_cells_) {
    if (!(rng_.uniform() < p_move)) continue;
    std::uint32_t target = 0;
    if (!t_room_near(t.voxel, false, target)) continue;
    --t_count_[t.voxel];
    ++t_count_[target];
    if (t.kind == TKind::kTreg) {
      --treg_count_[t.voxel];
      ++treg_count_[target];
    } else if (t.state == TState::kCytotoxic) {
      --cyt_count_[t.voxel];
      ++cyt_count_[target];
    }
    t.voxel = target;
  }
}

// PD-L1 rises at once to what the local IFN-gamma induces and falls slowly (SPQ's rule).
void Window::update_pdl1() {
  const double loss = std::exp(-parameters_[P::k_PDL1_loss_per_day] * parameters_.slice_days());
  for (CancerCell& c : cells_) {
    const double induced = induced_pdl1(ifng_[c.voxel], parameters_);
    const double decayed = c.pdl1 < 0.0f ? 0.0 : static_cast<double>(c.pdl1) * loss;
    c.pdl1 = static_cast<float>(std::max(decayed, induced));
  }
}

double Window::local_max_pdl1(std::uint32_t v) const {
  std::array<std::uint32_t, 26> around{};
  const int n = grid_.moore(v, around);
  double best = occupant_[v] >= 0 ? static_cast<double>(cells_[static_cast<std::size_t>(occupant_[v])].pdl1) : 0.0;
  for (int k = 0; k < n; ++k) {
    const std::int32_t o = occupant_[around[static_cast<std::size_t>(k)]];
    if (o >= 0) best = std::max(best, static_cast<double>(cells_[static_cast<std::size_t>(o)].pdl1));
  }
  return best;
}

// Killing is decided on the cancer side (SPQ): with n_T cytotoxic CD8 cells in the cell's voxel
// and its Moore neighbours and n_C other cancer cells among the neighbours, q = n_T / (n_T + n_C)
// and the cell dies with 1 - exp(-k dt q (1 - H_PD1) f), f the non-spatial suppression.
void Window::kill_step(const SliceInputs& in) {
  const double k_dt = parameters_[P::k_kill_per_day] * parameters_.slice_days() * in.kill_factor;
  const double n_pd1 = parameters_[P::n_PD1], K = parameters_[P::K_kill_cancer_weight];
  std::array<std::uint32_t, 26> around{};
  const std::size_t present = dead_.size();
  for (std::size_t i = 0; i < present; ++i) {
    const CancerCell& c = cells_[i];
    if (c.doomed) continue;
    const int n = grid_.moore(c.voxel, around);
    int n_t = cyt_count_[c.voxel], n_c = 0;
    for (int k = 0; k < n; ++k) {
      const std::uint32_t v = around[static_cast<std::size_t>(k)];
      n_t += cyt_count_[v];
      n_c += occupant_[v] >= 0 ? 1 : 0;
    }
    if (n_t == 0) continue;
    const double q = static_cast<double>(n_t) / (static_cast<double>(n_t) + K * static_cast<double>(n_c));
    const double h = pd1_suppression(static_cast<double>(c.pdl1), in.pd1_bond_scale, n_pd1);
    if (rng_.uniform() < -std::expm1(-k_dt * q * (1.0 - h))) {
      dead_[i] = 1;
      ++counts_.kills;
    }
  }
}

// T cells present at the start of the step, in order: ageing; effector CD8 cells next to a viable
// stem or progenitor cell become cytotoxic and start secreting; cytotoxic cells are suppressed by
// Tregs (rate k_Treg, weighted by the Treg share of their neighbours and 1 + H_PD1) or, next to
// cancer cells, by PD-1 (rate k_exhaustion x H_PD1 at the highest neighbouring PD-L1); otherwise
// they divide, first on activation and then while their IL-2 exposure is above threshold.
bool Window::try_activate(TCell& t) {
  std::array<std::uint32_t, 26> around{};
  const int n = grid_.moore(t.voxel, around);
  bool antigen = false;
  for (int k = -1; k < n && !antigen; ++k) {
    const std::int32_t o = occupant_[k < 0 ? t.voxel : around[static_cast<std::size_t>(k)]];
    if (o < 0) continue;
    const CancerCell& c = cells_[static_cast<std::size_t>(o)];
    antigen = !c.doomed && !dead_[static_cast<std::size_t>(o)] && c.state != CellState::kSenescent;
  }
  if (!antigen) return false;
  t.state = TState::kCytotoxic;
  ++cyt_count_[t.voxel];
  t.ifng_left_s = static_cast<float>(parameters_[P::IFNg_release_h] * 3600.0);
  t.il2_left_s = static_cast<float>(parameters_[P::IL2_release_h] * 3600.0);
  t.divisions_left = static_cast<std::uint8_t>(std::lround(parameters_[P::CD8_divisions]));
  t.cooldown = 0;
  t.il2_exposure = 0.0f;
  return true;
}

// Tregs among the neighbours: rate k_Treg x (Treg share of the neighbours) x (1 + H); otherwise,
// next to cancer cells, rate k_exhaustion x H; H at the highest neighbouring PD-L1.
bool Window::try_suppress(TCell& t, const SliceInputs& in) {
  std::array<std::uint32_t, 26> around{};
  const int n = grid_.moore(t.voxel, around);
  int n_treg = treg_count_[t.voxel], n_all = t_count_[t.voxel] - 1 + (occupant_[t.voxel] >= 0 ? 1 : 0);
  bool cancer_near = occupant_[t.voxel] >= 0;
  for (int k = 0; k < n; ++k) {
    const std::uint32_t v = around[static_cast<std::size_t>(k)];
    n_treg += treg_count_[v];
    n_all += t_count_[v] + (occupant_[v] >= 0 ? 1 : 0);
    cancer_near = cancer_near || occupant_[v] >= 0;
  }
  if (n_treg == 0 && !cancer_near) return false;
  const double dt_days = parameters_.slice_days();
  const double h = pd1_suppression(local_max_pdl1(t.voxel), in.pd1_bond_scale, parameters_[P::n_PD1]);
  const double p_suppress = n_treg > 0
                                ? -std::expm1(-parameters_[P::k_Treg_suppression_per_day] * dt_days *
                                              static_cast<double>(n_treg) / static_cast<double>(n_all) * (1.0 + h))
                                : -std::expm1(-parameters_[P::k_exhaustion_per_day] * dt_days * h);
  if (!(p_suppress > 0.0) || !(rng_.uniform() < p_suppress)) return false;
  t.state = TState::kSuppressed;
  --cyt_count_[t.voxel];
  t.ifng_left_s = t.il2_left_s = 0.0f;
  return true;
}

// After the cool-down: the first division after activation, later ones while the IL-2 exposure
// is above threshold, into a neighbour with room; the daughter shares the mother's state.
void Window::try_divide(std::size_t i) {
  TCell& t = t_cells_[i];
  if (t.cooldown > 0) {
    --t.cooldown;
    return;
  }
  const auto divisions = static_cast<std::uint8_t>(std::lround(parameters_[P::CD8_divisions]));
  const bool first = t.divisions_left == divisions;
  if (t.divisions_left == 0 || !(first || t.il2_exposure > parameters_[P::IL2_proliferation_ng_s_per_mL])) return;
  std::uint32_t target = 0;
  if (!t_room_near(t.voxel, false, target)) return;
  const auto interval = static_cast<std::uint8_t>(std::lround(parameters_[P::CD8_division_interval_slices]));
  --t.divisions_left;
  t.cooldown = interval > 0 ? static_cast<std::uint8_t>(interval - 1) : 0;
  TCell daughter = recruit(TKind::kCD8, target);
  daughter.state = TState::kCytotoxic;
  daughter.divisions_left = t.divisions_left;
  daughter.cooldown = t.cooldown;
  daughter.il2_exposure = t.il2_exposure;
  daughter.ifng_left_s = t.ifng_left_s;
  daughter.il2_left_s = t.il2_left_s;
  place_t(daughter);  // t may dangle from here on
  t_dead_.push_back(0);
  ++counts_.cd8_divisions;
}

void Window::t_step(const SliceInputs& in, std::size_t present) {
  t_dead_.assign(present, 0);
  const double dt_s = parameters_.slice_seconds();
  for (std::size_t i = 0; i < present; ++i) {
    TCell& t = t_cells_[i];
    if (--t.life <= 0) {
      t_dead_[i] = 1;
      ++counts_.t_deaths;
      continue;
    }
    if (t.kind == TKind::kTreg || t.state == TState::kSuppressed) continue;
    if (t.state == TState::kEffector) {
      try_activate(t);
      continue;
    }
    t.il2_exposure += static_cast<float>(il2_[t.voxel] * dt_s);
    if (!try_suppress(t, in)) try_divide(i);
  }
}

// Sources: each cytotoxic CD8 cell still secreting releases at its rate for the part of the slice
// it has left (the rate averaged over the slice); sinks: viable cancer cells take up IFN-gamma.
void Window::advance_fields() {
  const std::size_t size = grid_.size();
  const double slice = parameters_.slice_seconds();
  const int substeps = static_cast<int>(std::lround(parameters_[P::pde_substeps]));
  for (int field = 0; field < 2; ++field) {
    std::vector<double>& c = field == 0 ? ifng_ : il2_;
    const double rate = parameters_[field == 0 ? P::IFNg_release_ng_per_s : P::IL2_release_ng_per_s];
    release_.assign(size, 0.0);
    bool any = false;
    for (TCell& t : t_cells_) {
      float& left = field == 0 ? t.ifng_left_s : t.il2_left_s;
      if (!(left > 0.0f)) continue;
      release_[t.voxel] += rate * std::min(static_cast<double>(left), slice) / slice;
      left = static_cast<float>(std::max(0.0, static_cast<double>(left) - slice));
      any = true;
    }
    if (!any && std::all_of(c.begin(), c.end(), [](double v) { return v == 0.0; })) continue;
    uptake_.clear();
    if (field == 0) {
      uptake_.assign(size, 0.0);
      for (const CancerCell& k : cells_)
        if (!k.doomed) uptake_[k.voxel] = parameters_[P::IFNg_uptake_per_s];
    }
    const DiffusionSolver& solver = field == 0 ? ifng_solver_ : il2_solver_;
    if (!any) release_.clear();
    for (int s = 0; s < substeps; ++s) solver.step(c, release_, uptake_, work_);
  }
  double a = 0.0, b = 0.0;
  for (std::size_t i = 0; i < size; ++i) {
    a += ifng_[i];
    b += il2_[i];
  }
  counts_.mean_ifng_ng_per_mL = a / static_cast<double>(size);
  counts_.mean_il2_ng_per_mL = b / static_cast<double>(size);
}

}  // namespace vct::models::abm
