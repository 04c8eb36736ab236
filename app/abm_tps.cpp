// SPDX-License-Identifier: MIT
#include "app/abm_tps.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "app/run_scenario.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/statistics.hpp"
#include "core/trial.hpp"
#include "models/abm/parameters.hpp"
#include "models/abm_coupling/hybrid_lesion.hpp"

namespace vct::abm_tps {

namespace {

using models::abm::P;

constexpr std::size_t kSpatialTable = 1;  // abm_spatial, HybridLesions::table_layouts()
constexpr std::size_t kSeedStride = 1000003;

/// The columns of abm_spatial the TPS needs, found once by name.
struct SpatialColumns {
  std::size_t width = 0, t_day = 0, window = 0, viable = 0, positive = 0;
};

SpatialColumns spatial_columns() {
  const CouplingTableLayout& t = models::hybrid::HybridLesions::table_layouts().at(kSpatialTable);
  auto find = [&](const char* name) {
    const auto it = std::find(t.columns.begin(), t.columns.end(), name);
    if (it == t.columns.end()) throw Error(ErrorKind::kInternal, std::string("abm_spatial has no column ") + name);
    return static_cast<std::size_t>(it - t.columns.begin());
  };
  return {t.columns.size(), find("t_day"), find("window_index"), find("viable_cancer_cells"),
          find("pdl1_positive_cells")};
}

/// Region shares f_j of the windows, in the order window_coupling() makes them.
std::vector<double> region_shares(const Scenario& s) {
  std::vector<double> f;
  for (const LesionWindows& w : s.lesion_windows) {
    f.push_back(w.margin ? 1.0 - w.margin_share : 1.0);
    if (w.margin) f.push_back(w.margin_share);
  }
  return f;
}

/// sum f_j pos_j / sum f_j viable_j over the day-0 rows, in %; NaN without viable cells.
double tps_of(const std::vector<double>& rows, const SpatialColumns& c, const std::vector<double>& f) {
  double positive = 0.0, viable = 0.0;
  for (std::size_t r = 0; r + c.width <= rows.size(); r += c.width) {
    if (rows[r + c.t_day] != 0.0) continue;
    const double share = f.at(static_cast<std::size_t>(rows[r + c.window]));
    positive += share * rows[r + c.positive];
    viable += share * rows[r + c.viable];
  }
  return viable > 0.0 ? 100.0 * positive / viable : std::nan("");
}

void set_override(std::vector<ParameterOverride>& list, const ParameterOverride& o) {
  const auto it =
      std::find_if(list.begin(), list.end(), [&](const ParameterOverride& x) { return x.index == o.index; });
  if (it != list.end())
    it->value = o.value;
  else
    list.push_back(o);
}

ParameterOverride window_parameter(P which, double value) {
  const std::size_t i = static_cast<std::size_t>(which);
  return {models::abm::parameter_table().at(i).name, static_cast<int>(i), value};
}

}  // namespace

std::vector<double> window_tps(const ModelDefinition& model, const Scenario& scenario,
                               const std::vector<ParameterOverride>& overrides, int threads) {
  if (scenario.lesion_windows.empty())
    throw Error(ErrorKind::kInput, "the window TPS needs a lesion with agent-based windows (lesions[].abm)");
  Scenario s = scenario;
  for (LesionWindows& w : s.lesion_windows)
    for (const ParameterOverride& o : overrides) set_override(w.parameters, o);
  TrialSpec spec = build_trial_spec(model, s, threads);
  // Day 0 is recorded when the windows start (after settling), before any dose: one untreated slice.
  TrialArm untreated;
  untreated.name = "untreated";
  spec.horizon_day = 0.25;
  spec.output_interval_day = 0.25;
  const SpatialColumns columns = spatial_columns();
  const std::vector<double> f = region_shares(s);
  const std::size_t n = spec.population.size();
  std::vector<double> tps(n, std::nan(""));
  parallel_for(0, n, spec.threads, [&](std::size_t row) {
    std::vector<double> y0;
    const CandidateResult c = screen_candidate(spec, row, &y0);
    if (c.status != CandidateStatus::kPatient) return;
    const ArmResult a = treat_candidate(spec, c, untreated, y0, {});
    if (a.coupling_rows.size() > kSpatialTable) tps[row] = tps_of(a.coupling_rows[kSpatialTable], columns, f);
  });
  tps.erase(std::remove_if(tps.begin(), tps.end(), [](double x) { return std::isnan(x); }), tps.end());
  return tps;
}

Evaluation score(const std::vector<double>& tps, const Strata& target) {
  Evaluation e;
  e.patients = tps.size();
  std::array<double, 3> count{};
  for (double t : tps) ++count[t >= 50.0 ? 0 : t >= 1.0 ? 1 : 2];
  const double N = static_cast<double>(tps.size());
  double total = 0.0;
  for (double t : target) total += t;
  for (std::size_t i = 0; i < 3; ++i) {
    e.strata_pct[i] = N > 0.0 ? 100.0 * count[i] / N : std::nan("");
    const double t = target[i] / total, m = (count[i] + 0.5) / (N + 1.5);
    if (t > 0.0) e.divergence += t * std::log(t / m);
  }
  std::vector<double> sorted = tps;
  std::sort(sorted.begin(), sorted.end());
  e.median_tps_pct = sorted.empty() ? std::nan("") : stats::quantile(sorted, 0.5);
  return e;
}

FitResult fit(const ModelDefinition& model, const Scenario& scenario, const FitOptions& o,
              const std::function<void(const Evaluation&)>& progress) {
  auto evaluate = [&](double release, double uptake, std::uint64_t seed) {
    Scenario s = scenario;
    s.population.seed = seed;
    const std::vector<ParameterOverride> overrides = {window_parameter(P::IFNg_release_ng_per_s, release),
                                                      window_parameter(P::IFNg_uptake_per_s, uptake)};
    Evaluation e = score(window_tps(model, s, overrides, o.threads), o.target_pct);
    e.ifng_release_ng_per_s = release;
    e.ifng_uptake_per_s = uptake;
    e.seed = seed;
    if (progress) progress(e);
    return e;
  };
  FitResult result;
  nlopt::opt opt(nlopt::LN_NELDERMEAD, 2);
  opt.set_lower_bounds({std::log10(o.release_lower), std::log10(o.uptake_lower)});
  opt.set_upper_bounds({std::log10(o.release_upper), std::log10(o.uptake_upper)});
  opt.set_initial_step({o.initial_step_decades, o.initial_step_decades});
  opt.set_xtol_abs(0.02);
  opt.set_maxeval(std::max(1, o.max_evaluations));
  std::vector<double> x = {std::log10(o.release_start), std::log10(o.uptake_start)};
  const std::uint64_t seed = scenario.population.seed;
  result.outcome = minimise(opt, x, [&](const std::vector<double>& v, nlopt::opt&) {
    result.trace.push_back(evaluate(std::pow(10.0, v[0]), std::pow(10.0, v[1]), seed));
    return result.trace.back().divergence;
  });
  result.best = *std::min_element(result.trace.begin(), result.trace.end(),
                                  [](const Evaluation& a, const Evaluation& b) { return a.divergence < b.divergence; });
  for (int k = 1; k <= o.fresh_seeds; ++k)
    result.fresh_seeds.push_back(evaluate(result.best.ifng_release_ng_per_s, result.best.ifng_uptake_per_s,
                                          seed + kSeedStride * static_cast<std::uint64_t>(k)));
  return result;
}

}  // namespace vct::abm_tps
