// SPDX-License-Identifier: MIT
#include "models/abm_coupling/hybrid_lesion.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <iterator>
#include <string>

#include "core/error.hpp"
#include "core/geometry.hpp"
#include "core/parallel.hpp"
#include "models/abm/spatial_stats.hpp"
#include "models/qspio_nsclc/equations.hpp"
#include "models/qspio_nsclc/layout.hpp"
#include "models/qspio_nsclc/radiotherapy.hpp"

namespace vct::models::hybrid {

namespace {

namespace nsclc = vct::models::nsclc;
using abm::P;

const nsclc::Layout& rt_layout(const ModelDefinition& model) {
  const nsclc::Layout* lay = nsclc::layout_of(model);
  if (!lay || !lay->rt || lay->abm_share_parameter < 0)
    throw Error(ErrorKind::kInput,
                "agent-based windows need a QSP-IO NSCLC RT model (qspio_nsclc_rt...), not '" + model.id() + "'");
  return *lay;
}

/// Tissue volume of a window, L (1 um = 1e-5 dm).
double window_volume_L(const Grid& g) {
  const double edge_dm = g.voxel_um * 1e-5;
  return static_cast<double>(g.size()) * edge_dm * edge_dm * edge_dm;
}

/// Mean PD-L1 share of maximum over the window's viable cancer cells (the base level for cells
/// not yet exposed); the base level when there are none.
double mean_pdl1(const Window& w) {
  const double base = w.parameters()[P::PDL1_base_fraction];
  double sum = 0.0;
  std::int64_t n = 0;
  for (const abm::CancerCell& c : w.cells()) {
    if (c.doomed) continue;
    sum += c.pdl1 < 0.0f ? base : static_cast<double>(c.pdl1);
    ++n;
  }
  return n > 0 ? sum / static_cast<double>(n) : base;
}

/// r_j = m_j / (sum_k f_k m_k / sum_k f_k) over the windows k of window j's lesion, with m the
/// margin_recruitment_fold of a margin window (its own value, scenario overrides included) and 1 for
/// a core window. With every m = 1, r_j is exactly 1.
std::vector<double> recruitment_factors(const HybridConfig& c) {
  std::vector<double> fold(c.windows.size(), 1.0);
  for (std::size_t j = 0; j < c.windows.size(); ++j) {
    const WindowSpec& w = c.windows[j];
    if (w.region != WindowRegion::kMargin) continue;
    fold[j] = c.parameters[P::margin_recruitment_fold];
    for (const auto& [index, value] : w.parameter_overrides)
      if (index == static_cast<std::size_t>(P::margin_recruitment_fold)) fold[j] = value;
  }
  std::vector<double> factor(c.windows.size(), 1.0);
  for (std::size_t j = 0; j < c.windows.size(); ++j) {
    double weighted = 0.0, shares = 0.0;
    for (std::size_t k = 0; k < c.windows.size(); ++k) {
      if (c.windows[k].lesion != c.windows[j].lesion) continue;
      weighted += c.windows[k].region_share * fold[k];
      shares += c.windows[k].region_share;
    }
    factor[j] = fold[j] / (weighted / shares);
  }
  return factor;
}

}  // namespace

HybridLesions::HybridLesions(const ModelDefinition& model, HybridConfig config)
    : model_(model), config_(std::move(config)) {
  const nsclc::Layout& lay = rt_layout(model);
  for (const WindowSpec& w : config_.windows) {
    if (w.lesion < 0 || w.lesion >= lay.n_lesions)
      throw Error(ErrorKind::kInput, "a window of lesion " + std::to_string(w.lesion + 1) + " but the model has " +
                                         std::to_string(lay.n_lesions) + " lesion(s)");
    if (!(w.region_share > 0.0 && w.region_share <= 1.0))
      throw Error(ErrorKind::kInput,
                  "a window's region share must be in (0, 1], found " + std::to_string(w.region_share));
  }
}

HybridLesions::~HybridLesions() = default;

double HybridLesions::slice_days() const { return config_.parameters.slice_days(); }

double HybridLesions::lesion_volume_L(int lesion, const double* y, const double* p) const {
  return nsclc::lesion_volume_of(rt_layout(model_), lesion, y, p);
}

void HybridLesions::start(const double* y, const double* p) {
  const nsclc::Layout& lay = rt_layout(model_);
  for (int l = 0; l < lay.n_lesions; ++l) {
    bool has_window = false;
    for (const WindowSpec& w : config_.windows) has_window = has_window || w.lesion == l;
    const double share = p[lay.abm_share_parameter + l];
    if (has_window != (share > 0.0))
      throw Error(ErrorKind::kInput, "lesion " + std::to_string(l + 1) + (has_window ? " has" : " has no") +
                                         " agent-based windows but lesion" + std::to_string(l + 1) + "_abm_share is " +
                                         std::to_string(share));
  }
  // The windows follow the patient's own rates: growth, T-cell kill, radiosensitivity, clearance.
  Parameters q = config_.parameters;
  // A stem cell divides at most once per slice, so the stem pool can grow by at most a factor
  // 2 - a per slice (a: asymmetric share): faster patients' windows grow at that cap,
  // ln(2 - a) / slice = 0.195 /day at the defaults (docs/models/abm.md, "Coupling").
  const double growth_cap = std::log(2.0 - q[P::asymmetric_division]) / q.slice_days();
  q[P::k_C_growth_per_day] = std::min(p[nsclc::par::k_C1_growth_per_day], growth_cap);
  q[P::k_kill_per_day] = p[nsclc::par::k_C_T1_per_day];
  q[P::K_kill_cancer_weight] = p[nsclc::par::K_T_C];
  q[P::alpha_C_per_Gy] = p[nsclc::rp::alpha_C_per_Gy];
  q[P::beta_C_per_Gy2] = p[nsclc::rp::alpha_C_per_Gy] / p[nsclc::rp::alpha_beta_C_Gy];
  q[P::alpha_T_per_Gy] = p[nsclc::rp::alpha_T_per_Gy];
  q[P::beta_T_per_Gy2] = p[nsclc::rp::beta_T_per_Gy2];
  q[P::k_doomed_death_per_day] = p[nsclc::rp::k_doomed_death_per_day];
  // Tregs live as long as the compartment's (1 / k_T0_death; SPQ's 10 days would leave the window
  // with a tenth of the compartment's Treg density).
  if (p[nsclc::par::k_T0_death_per_day] > 0.0)
    q[P::Treg_life_mean_day] = std::min(1000.0, 1.0 / p[nsclc::par::k_T0_death_per_day]);
  // CD8 cells likewise live 1 / k_T1_death (SD in SPQ's proportion, 1.5 of 10 days); exhaustion by
  // PD-1 (the window's suppressed state) shortens their killing life as the compartment's does.
  if (p[nsclc::par::k_T1_death_per_day] > 0.0) {
    const double life = std::min(1000.0, 1.0 / p[nsclc::par::k_T1_death_per_day]);
    q[P::CD8_life_sd_day] = q[P::CD8_life_sd_day] / q[P::CD8_life_mean_day] * life;
    q[P::CD8_life_mean_day] = life;
  }
  k_treg_ = p[nsclc::par::K_T_Treg];
  std::vector<std::uint32_t> per_lesion(static_cast<std::size_t>(lay.n_lesions), 0);
  windows_.reserve(config_.windows.size());
  recruitment_factor_ = recruitment_factors(config_);
  for (const WindowSpec& spec : config_.windows) {
    const double radius_mm = 5.0 * sphere_diameter_cm(lesion_volume_L(spec.lesion, y, p));
    const bool margin = spec.region == WindowRegion::kMargin;
    const DosePoint centre{margin ? radius_mm : 0.0, 0.0, 0.0};  // a margin window's tumour side faces the centre
    Parameters own = q;
    for (const auto& [index, value] : spec.parameter_overrides) own.values.at(index) = value;
    windows_.emplace_back(own, spec.grid, centre,
                          abm::window_stream(config_.seed, config_.patient, static_cast<std::uint32_t>(spec.lesion),
                                             per_lesion[static_cast<std::size_t>(spec.lesion)]++));
    windows_.back().populate(margin ? 0.5 : 1.0);
    equivalent_volume_.push_back(anchored_volume_L(windows_.size() - 1, y, p));
    // T cells at the compartment's ratio to cancer cells, times the recruitment factor (a better
    // perfused margin holds more of them).
    const auto& idx = lay.index[static_cast<std::size_t>(spec.lesion)];
    const double v = equivalent_volume_.back() /
                     (lesion_volume_L(spec.lesion, y, p) * nsclc::lesion_weight(lay, spec.lesion, p)) *
                     recruitment_factor_[windows_.size() - 1];
    windows_.back().seed_t_cells(std::llround(std::max(0.0, y[idx[nsclc::lc::T_T1]]) * v),
                                 std::llround(std::max(0.0, y[idx[nsclc::lc::T_T0]]) * v));
  }
  icd_pool_.assign(windows_.size(), 0.0);
  non_pool_.assign(windows_.size(), 0.0);
  settle_or_restore(y, p);
  const auto& days = config_.assessment_days;
  if (next_assessment_ < days.size() && days[next_assessment_] <= 0.0) {
    record_assessment(0.0);
    while (next_assessment_ < days.size() && days[next_assessment_] <= 0.0) ++next_assessment_;
  }
}

// The window stands for the compartment tissue holding as many cancer cells: V_eq = C_window x
// (w V_lesion) / C1. The lattice packs a quarter of the compartment's cancer-cell density (one
// 20-um voxel per cell at 60 % occupancy against 16.9-um cells filling 75 % of the tissue), so
// the geometric volume would give each cancer cell about four times the compartment's T cells.
double HybridLesions::anchored_volume_L(std::size_t j, const double* y, const double* p) const {
  const nsclc::Layout& lay = rt_layout(model_);
  const WindowSpec& spec = config_.windows[j];
  const auto& idx = lay.index[static_cast<std::size_t>(spec.lesion)];
  const double V_cpt = lesion_volume_L(spec.lesion, y, p) * nsclc::lesion_weight(lay, spec.lesion, p);
  const double C_cpt = y[idx[nsclc::lc::C1]];
  const double C_win = static_cast<double>(windows_[j].counts().cells());
  return C_cpt > 0.0 && C_win > 0.0 ? C_win * V_cpt / C_cpt : window_volume_L(spec.grid);
}

// Settling: each window advances settle_days on the initial state, slice by slice, with the inputs of the
// initial compartment (recomputed each slice from the windows' own counts and PD-L1), and nothing is
// fed back. Seeded CD8 cells all meet cancer cells at once and secrete IFN-gamma together; the PD-L1
// this pulse induces falls below the positivity threshold after ln(1 / 0.5) / k_PDL1_loss = 7 days
// at the defaults. The windows then stand again for as many cancer cells as they hold.
void HybridLesions::settle(const double* y, const double* p) {
  std::vector<long> slices(windows_.size());
  long most = 0;
  for (std::size_t j = 0; j < windows_.size(); ++j) {
    slices[j] = static_cast<long>(std::floor(config_.windows[j].settle_days / slice_days() + 1e-9));
    most = std::max(most, slices[j]);
  }
  if (most <= 0) return;
  const nsclc::ModuleSignals signals = nsclc::module_signals(rt_layout(model_), y, p);
  std::vector<SliceInputs> inputs(windows_.size());
  for (long k = 0; k < most; ++k) {
    for (std::size_t j = 0; j < windows_.size(); ++j)
      inputs[j] = inputs_for(j, signals.lesions[static_cast<std::size_t>(config_.windows[j].lesion)], y);
    parallel_for(0, windows_.size(), static_cast<int>(windows_.size()), [&](std::size_t j) {
      if (k < slices[j]) windows_[j].advance_slice(inputs[j]);
    });
  }
  for (std::size_t j = 0; j < windows_.size(); ++j)
    if (slices[j] > 0) equivalent_volume_[j] = anchored_volume_L(j, y, p);
}

// Settles the windows, or restores those another run of this patient settled from the same start.
void HybridLesions::settle_or_restore(const double* y, const double* p) {
  if (!config_.settled) {
    settle(y, p);
    return;
  }
  std::vector<double> y0(y, y + model_.n_states()), p0(p, p + model_.parameters().size());
  if (const auto found = config_.settled->find(config_.patient, y0, p0)) {
    for (std::size_t j = 0; j < windows_.size(); ++j) windows_[j].restore(found->windows[j]);
    equivalent_volume_ = found->equivalent_volume_L;
    return;
  }
  settle(y, p);
  auto entry = std::make_shared<SettledWindowCache::Entry>();
  entry->y = std::move(y0);
  entry->p = std::move(p0);
  for (const Window& w : windows_) entry->windows.push_back(w.checkpoint());
  entry->equivalent_volume_L = equivalent_volume_;
  config_.settled->store(config_.patient, std::move(entry));
}

std::shared_ptr<const SettledWindowCache::Entry> SettledWindowCache::find(std::uint64_t patient,
                                                                          const std::vector<double>& y,
                                                                          const std::vector<double>& p) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  for (const auto& [who, entry] : entries_) {
    if (who != patient || entry->y.size() != y.size() || entry->p.size() != p.size()) continue;
    // bit for bit (memcmp: NaN parameters compare equal to themselves)
    if (std::memcmp(entry->y.data(), y.data(), y.size() * sizeof(double)) != 0 ||
        std::memcmp(entry->p.data(), p.data(), p.size() * sizeof(double)) != 0)
      continue;
    ++hits_;
    return entry;
  }
  return nullptr;
}

void SettledWindowCache::store(std::uint64_t patient, std::shared_ptr<const Entry> entry) {
  const std::lock_guard<std::mutex> lock(mutex_);
  entries_.emplace_back(patient, std::move(entry));
  ++stores_;
  while (entries_.size() > capacity_) entries_.pop_front();
}

std::size_t SettledWindowCache::hits() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return hits_;
}

std::size_t SettledWindowCache::stores() const {
  const std::lock_guard<std::mutex> lock(mutex_);
  return stores_;
}

void HybridLesions::begin(const double* y, const double* params) {
  if (windows_.empty() && !config_.windows.empty()) start(y, params);
}

void HybridLesions::record_assessment(double t_day) {
  for (std::size_t j = 0; j < windows_.size(); ++j) {
    const Window& w = windows_[j];
    const abm::SpatialStats st = abm::spatial_statistics(w);
    const double jd = static_cast<double>(j);
    const WindowCounts& n = w.counts();
    const auto viable = static_cast<double>(n.cells() - n.doomed);
    const auto positive = static_cast<double>(n.pdl1_positive);
    const double spatial[] = {t_day,
                              jd,
                              static_cast<double>(st.label),
                              st.cd8_per_mm3,
                              st.cancer_near_cd8,
                              st.median_cd8_to_cancer_um,
                              st.mixing_score,
                              viable,
                              positive,
                              viable > 0.0 ? positive / viable : std::nan("")};
    spatial_rows_.insert(spatial_rows_.end(), std::begin(spatial), std::end(spatial));
    for (const abm::ProfileBin& b : st.profile) {
      const double bin[] = {t_day, jd,          b.lower_um, b.upper_um,      b.volume_mm3,    b.cancer,
                            b.cd8, b.cytotoxic, b.treg,     b.pdl1_positive, b.cd8_per_mm3(), b.pdl1_positive_share()};
      profile_rows_.insert(profile_rows_.end(), std::begin(bin), std::end(bin));
    }
    if (config_.sections) record_section(j, t_day);
  }
}

void HybridLesions::record_section(std::size_t j, double t_day) {
  const Window& w = windows_[j];
  const Grid& g = w.grid();
  const int z = g.nz / 2;
  const std::size_t plane = static_cast<std::size_t>(g.nx) * static_cast<std::size_t>(g.ny);
  std::vector<double> cancer(plane, 0.0), t(plane, 0.0), pdl1(plane, 0.0);
  auto plane_index = [&](std::uint32_t voxel, std::size_t& k) {
    const abm::Voxel v = g.voxel(voxel);
    if (v.z != z) return false;
    k = static_cast<std::size_t>(v.y) * static_cast<std::size_t>(g.nx) + static_cast<std::size_t>(v.x);
    return true;
  };
  const double base = w.parameters()[P::PDL1_base_fraction];
  for (const abm::CancerCell& c : w.cells()) {
    std::size_t k = 0;
    if (!plane_index(c.voxel, k)) continue;
    cancer[k] = c.doomed ? 4.0 : 1.0 + static_cast<double>(c.state);
    pdl1[k] = c.pdl1 < 0.0f ? base : static_cast<double>(c.pdl1);
  }
  static const int kRank[5] = {0, 2, 1, 3, 4};  // T code -> priority: cytotoxic, effector, suppressed, Treg
  for (const abm::TCell& c : w.t_cells()) {
    std::size_t k = 0;
    if (!plane_index(c.voxel, k)) continue;
    const int code = c.kind == abm::TKind::kTreg ? 4 : 1 + static_cast<int>(c.state);
    const int now = static_cast<int>(t[k]);
    if (now == 0 || kRank[code] < kRank[now]) t[k] = code;
  }
  const double jd = static_cast<double>(j);
  for (std::size_t k = 0; k < plane; ++k) {
    if (cancer[k] == 0.0 && t[k] == 0.0) continue;
    const double row[] = {t_day,
                          jd,
                          static_cast<double>(k % static_cast<std::size_t>(g.nx)),
                          static_cast<double>(k / static_cast<std::size_t>(g.nx)),
                          cancer[k],
                          t[k],
                          pdl1[k]};
    section_rows_.insert(section_rows_.end(), std::begin(row), std::end(row));
  }
}

SliceInputs HybridLesions::inputs_for(std::size_t j, const nsclc::LesionSignals& lesion, const double* y) const {
  const Window& w = windows_[j];
  const double v = equivalent_volume_[j] * recruitment_factor_[j] * slice_days();
  SliceInputs in;
  in.cd8_expected = lesion.cd8_homing_per_L_per_day * std::max(0.0, y[nsclc::st::C_T1]) * v;
  in.treg_expected = lesion.treg_homing_per_L_per_day * std::max(0.0, y[nsclc::st::C_T0]) * v;
  // H_PD1 = (x p)^n / (1 + (x p)^n) at the window's mean PD-L1 share p: x = (H / (1 - H))^(1/n) / p.
  const double H = std::clamp(lesion.H_PD1, 0.0, 1.0 - 1e-12);
  const double pbar = mean_pdl1(w);
  in.pd1_bond_scale = H > 0.0 && pbar > 0.0 ? std::pow(H / (1.0 - H), 1.0 / w.parameters()[P::n_PD1]) / pbar : 0.0;
  // The compartment's Treg factor of killing, Teff / (Teff + K_T_Treg Treg + 1), on the window's own
  // counts: the window's Tregs also turn cytotoxic cells suppressed by contact, as the compartment's
  // Tregs also remove effectors (its suppression term).
  const double teff = static_cast<double>(w.counts().cd8_effector + w.counts().cd8_cytotoxic);
  in.kill_factor = lesion.kill_factor * teff / (teff + k_treg_ * static_cast<double>(w.counts().treg) + 1.0);
  return in;
}

void HybridLesions::push_back_to_model(std::size_t j, double t_day, double* y, const double* p, double V_lesion) {
  namespace st = nsclc::st;
  namespace par = nsclc::par;
  const nsclc::Layout& lay = rt_layout(model_);
  const WindowSpec& spec = config_.windows[j];
  const WindowCounts& c = windows_[j].counts();
  SliceRecord r;
  r.t_day = t_day;
  r.window = static_cast<int>(j);
  r.counts = c;
  r.scale = p[lay.abm_share_parameter + spec.lesion] * spec.region_share * V_lesion / equivalent_volume_[j];
  // Recruits leave the blood; what it cannot supply is a deficit (conservation checked below).
  const double cd8_before = y[st::C_T1], treg_before = y[st::C_T0];
  const double cd8_wanted = static_cast<double>(c.cd8_recruited) * r.scale;
  const double treg_wanted = static_cast<double>(c.treg_recruited) * r.scale;
  r.cd8_from_blood = std::min(std::max(0.0, cd8_before), cd8_wanted);
  r.treg_from_blood = std::min(std::max(0.0, treg_before), treg_wanted);
  r.deficit = (cd8_wanted - r.cd8_from_blood) + (treg_wanted - r.treg_from_blood);
  y[st::C_T1] = cd8_before - r.cd8_from_blood;
  y[st::C_T0] = treg_before - r.treg_from_blood;
  // Every recruit is accounted for: taken from the blood or recorded as a deficit, and the blood
  // never goes below zero (compared with the recruits' own scale, not the blood's).
  const bool balanced = std::abs(r.cd8_from_blood + r.treg_from_blood + r.deficit - cd8_wanted - treg_wanted) <=
                        1e-12 * (cd8_wanted + treg_wanted);
  if (!balanced || (cd8_before >= 0.0 && y[st::C_T1] < 0.0) || (treg_before >= 0.0 && y[st::C_T0] < 0.0))
    throw Error(ErrorKind::kInternal, "hybrid lesion: T cells not conserved across the window interface");
  // Radiation deaths of the slice, split by the fate recorded when the cells were doomed.
  const double pool = icd_pool_[j] + non_pool_[j];
  const double icd = pool > 0.0 ? static_cast<double>(c.doomed_cleared) * icd_pool_[j] / pool : 0.0;
  icd_pool_[j] = std::max(0.0, icd_pool_[j] - icd);
  non_pool_[j] = std::max(0.0, non_pool_[j] - (static_cast<double>(c.doomed_cleared) - icd));
  r.immunogenic_rt_deaths = icd * r.scale;
  r.antigen_cells = static_cast<double>(c.kills + c.senescent_deaths) * r.scale + r.immunogenic_rt_deaths;
  // The compartment's own laws: antigen per dead cell over the whole lesion's volume; DAMP per litre.
  const auto& idx = lay.index[static_cast<std::size_t>(spec.lesion)];
  y[idx[nsclc::lc::T_P0]] += p[par::n_T0_clones] * p[par::P0_C1_nmol_per_cell] * r.antigen_cells / V_lesion;
  y[idx[nsclc::lc::T_P1]] += p[par::n_T1_clones] * p[par::P1_C1_nmol_per_cell] * r.antigen_cells / V_lesion;
  y[idx[nsclc::lc::DAMP]] += r.immunogenic_rt_deaths / V_lesion;
  records_.push_back(r);
}

bool HybridLesions::exchange(double t_day, double* y, const double* params) {
  if (windows_.empty() && !config_.windows.empty()) start(y, params);
  if (windows_.empty()) return false;
  const nsclc::Layout& lay = rt_layout(model_);
  const nsclc::ModuleSignals signals = nsclc::module_signals(lay, y, params);
  // Every window's inputs come from the state at the slice's end, before any window's jump.
  std::vector<SliceInputs> inputs(windows_.size());
  std::vector<double> volume(windows_.size());
  for (std::size_t j = 0; j < windows_.size(); ++j) {
    const int l = config_.windows[j].lesion;
    inputs[j] = inputs_for(j, signals.lesions[static_cast<std::size_t>(l)], y);
    volume[j] = lesion_volume_L(l, y, params);
  }
  // The windows advance independently, each on its own stream, so on any number of threads (one per
  // window; a single thread inside a trial's parallel loop) with the same result; their jumps are
  // applied in window order.
  parallel_for(0, windows_.size(), static_cast<int>(windows_.size()),
               [&](std::size_t j) { windows_[j].advance_slice(inputs[j]); });
  bool changed = false;
  for (std::size_t j = 0; j < windows_.size(); ++j) {
    if (!(volume[j] > 0.0)) continue;  // an empty lesion takes nothing back
    push_back_to_model(j, t_day, y, params, volume[j]);
    const nsclc::LesionSignals& l = signals.lesions[static_cast<std::size_t>(config_.windows[j].lesion)];
    records_.back().compartment_kill_per_cell_per_day = l.kill_per_cell_per_day;
    records_.back().compartment_H_PD1 = l.H_PD1;
    changed = true;
  }
  const auto& days = config_.assessment_days;
  if (next_assessment_ < days.size() && days[next_assessment_] <= t_day + 1e-9) {
    record_assessment(t_day);
    while (next_assessment_ < days.size() && days[next_assessment_] <= t_day + 1e-9) ++next_assessment_;
  }
  return changed;
}

void HybridLesions::on_fraction(const RadiationFraction& fraction, const double* y, const double* params) {
  if (windows_.empty() && !config_.windows.empty()) start(y, params);
  const nsclc::Layout& lay = rt_layout(model_);
  const DoseMap uniform;
  const DoseMap& map = fraction.dose_map ? *fraction.dose_map : uniform;
  for (std::size_t j = 0; j < windows_.size(); ++j) {
    if (config_.windows[j].lesion != fraction.lesion) continue;
    const double radius_mm = 5.0 * sphere_diameter_cm(lesion_volume_L(fraction.lesion, y, params));
    const double doomed = static_cast<double>(windows_[j].irradiate(map, fraction.dose_Gy, radius_mm));
    const double share = nsclc::rt::immunogenic_share(lay, fraction, params, y);
    icd_pool_[j] += doomed * share;
    non_pool_[j] += doomed * (1.0 - share);
  }
}

const std::vector<CouplingTableLayout>& HybridLesions::table_layouts() {
  static const std::vector<CouplingTableLayout> kTables = {
      {"abm_slices",
       {"t_day",
        "window_index",
        "stem_cells",
        "progenitor_cells",
        "senescent_cells",
        "doomed_cells",
        "cd8_effector_cells",
        "cd8_cytotoxic_cells",
        "cd8_suppressed_cells",
        "treg_cells",
        "pdl1_positive_cells",
        "divisions_per_slice",
        "kills_per_slice",
        "senescent_deaths_per_slice",
        "doomed_cleared_per_slice",
        "cd8_recruited_per_slice",
        "treg_recruited_per_slice",
        "cd8_divisions_per_slice",
        "t_deaths_per_slice",
        "mean_ifng_ng_per_mL",
        "mean_il2_ng_per_mL",
        "scale_1",
        "cd8_from_blood_cells",
        "treg_from_blood_cells",
        "deficit_cells",
        "antigen_release_cells",
        "immunogenic_rt_deaths_cells",
        "compartment_kill_per_cell_per_day",
        "compartment_H_PD1_1",
        "cancer_left_per_slice",
        "t_left_per_slice"}},
      {"abm_spatial",
       {"t_day", "window_index", "label_code", "cd8_per_mm3", "cancer_near_cd8_share", "median_cd8_to_cancer_um",
        "mixing_score", "viable_cancer_cells", "pdl1_positive_cells", "pdl1_positive_share_1"}},
      {"abm_profiles",
       {"t_day", "window_index", "depth_lower_um", "depth_upper_um", "volume_mm3", "cancer_cells", "cd8_cells",
        "cytotoxic_cells", "treg_cells", "pdl1_positive_cells", "cd8_per_mm3", "pdl1_positive_share"}},
      {"abm_sections", {"t_day", "window_index", "x_voxel", "y_voxel", "cancer_code", "t_code", "pdl1_share"}}};
  return kTables;
}

std::vector<std::vector<double>> HybridLesions::tables() const {
  std::vector<double> slices;
  slices.reserve(records_.size() * columns().size());
  for (const SliceRecord& r : records_) {
    const WindowCounts& c = r.counts;
    auto n = [](std::int64_t x) { return static_cast<double>(x); };
    const double row[] = {r.t_day,
                          static_cast<double>(r.window),
                          n(c.stem),
                          n(c.progenitor),
                          n(c.senescent),
                          n(c.doomed),
                          n(c.cd8_effector),
                          n(c.cd8_cytotoxic),
                          n(c.cd8_suppressed),
                          n(c.treg),
                          n(c.pdl1_positive),
                          n(c.divisions),
                          n(c.kills),
                          n(c.senescent_deaths),
                          n(c.doomed_cleared),
                          n(c.cd8_recruited),
                          n(c.treg_recruited),
                          n(c.cd8_divisions),
                          n(c.t_deaths),
                          c.mean_ifng_ng_per_mL,
                          c.mean_il2_ng_per_mL,
                          r.scale,
                          r.cd8_from_blood,
                          r.treg_from_blood,
                          r.deficit,
                          r.antigen_cells,
                          r.immunogenic_rt_deaths,
                          r.compartment_kill_per_cell_per_day,
                          r.compartment_H_PD1,
                          n(c.cancer_left),
                          n(c.t_left)};
    static_assert(sizeof(row) / sizeof(row[0]) == 31, "one value per column");
    slices.insert(slices.end(), std::begin(row), std::end(row));
  }
  return {slices, spatial_rows_, profile_rows_, section_rows_};
}

}  // namespace vct::models::hybrid
