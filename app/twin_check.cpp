// SPDX-License-Identifier: MIT
#include "app/twin_check.hpp"

#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cmath>

#include "app/run_scenario.hpp"
#include "app/twin.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/random.hpp"

namespace vct {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kZ90 = 1.6448536269514722;  // the standard normal's 95th percentile

/// The distinct scan days, in order.
std::vector<double> scan_day_list(const std::vector<LesionScan>& scans) {
  std::vector<double> days;
  for (const auto& s : scans) days.push_back(s.day);
  std::sort(days.begin(), days.end());
  days.erase(std::unique(days.begin(), days.end()), days.end());
  return days;
}

/// Patient j's truth: z ~ N(0, I) from its stream, redrawn (up to 100 times) until the tumour
/// grows to its baselines, and its diameters at the scans.
PatientModel::Predicted draw_truth(PatientModel& truth, Rng& rng, std::vector<double>& z) {
  const auto finite = [](const std::vector<double>& x) {
    return std::all_of(x.begin(), x.end(), [](double v) { return std::isfinite(v); });
  };
  for (int attempt = 0; attempt < 100; ++attempt) {
    for (double& x : z) x = normal_quantile(rng.uniform());
    PatientModel::Predicted p = truth.predict_all(z);
    if (finite(p.mm) && finite(p.per_uL)) return p;
  }
  throw Error(ErrorKind::kInput, "no prior draw of the fitted parameters grows the tumour to its baseline scans");
}

/// The scenario the truth is simulated from: the patient file, or with vary_all every parameter
/// with a (non-fixed) population law among the "fitted" ones (drawn from the prior).
Scenario truth_scenario(const ModelDefinition& model, const Scenario& file, bool vary_all) {
  Scenario truth = file;
  if (!vary_all) return truth;
  truth.fit.parameters.clear();
  for (const auto& d : population_spec(model, file.population).distributions)
    if (d.kind != DistributionKind::kFixed) truth.fit.parameters.push_back(d.parameter);
  return truth;
}

SyntheticPatient check_one(const ModelDefinition& model, const Scenario& file, const TwinCheckSettings& settings,
                           double cutoff_day, std::size_t j) {
  SyntheticPatient p;
  const Scenario truth_file = truth_scenario(model, file, settings.vary_all);
  PatientModel truth(model, truth_file);
  Rng rng(settings.seed, Stream::kTwinSynthetic, j);
  std::vector<double> z(truth.dimension(), 0.0);
  const PatientModel::Predicted true_values = draw_truth(truth, rng, z);
  p.true_mm = true_values.mm;
  for (const auto& name : file.fit.parameters) {  // the fitted parameters' truth
    const auto at = std::find(truth_file.fit.parameters.begin(), truth_file.fit.parameters.end(), name);
    p.true_z.push_back(z.at(static_cast<std::size_t>(at - truth_file.fit.parameters.begin())));
  }
  p.scans = file.observations.scans;
  for (std::size_t s = 0; s < p.scans.size(); ++s)  // a measurement: the truth plus the error model's noise
    p.scans[s].diameter_mm =
        std::max(0.5, p.true_mm[s] + truth.error().sd_mm(p.true_mm[s]) * normal_quantile(rng.uniform()));
  std::vector<LymphocyteCount> counts = file.observations.lymphocytes;  // log-normal around the truth
  for (std::size_t k = 0; k < counts.size(); ++k)
    counts[k].per_uL =
        true_values.per_uL[k] * std::exp(truth.error().lymphocyte_log_sd * normal_quantile(rng.uniform()));
  Scenario fitted = file;
  fitted.observations.scans.clear();
  for (const auto& s : p.scans)
    if (s.day <= cutoff_day) fitted.observations.scans.push_back(s);
  fitted.observations.lymphocytes.clear();
  for (const auto& c : counts)
    if (c.day <= cutoff_day) fitted.observations.lymphocytes.push_back(c);
  const PatientFit fit = fit_patient(model, fitted);
  for (const auto& q : fit.parameters) {
    p.estimate_z.push_back(q.z);
    p.sd_z.push_back(q.sd_z);
  }
  fitted.predict.enabled = true;
  fitted.predict.arms = {fitted.fit.arm};
  fitted.predict.samples = settings.samples;
  fitted.predict.seed = settings.seed + j;
  fitted.horizon_day = p.scans.empty() ? 0.0 : scan_day_list(p.scans).back();
  const PatientPrediction prediction = predict_patient(model, fitted, fit, 1);
  const ArmPrediction& arm = prediction.arms.front();
  p.draws_used = arm.draws - arm.no_baseline - arm.failed;
  p.median_mm.assign(p.scans.size(), kNaN);
  p.lower_mm.assign(p.scans.size(), kNaN);
  p.upper_mm.assign(p.scans.size(), kNaN);
  const std::size_t nt = arm.days.size();
  if (arm.median_mm.empty()) return p;
  for (std::size_t s = 0; s < p.scans.size(); ++s) {
    if (p.scans[s].day <= cutoff_day) continue;
    const auto at = std::lower_bound(arm.days.begin(), arm.days.end(), p.scans[s].day - 1e-9);
    const std::size_t i = std::min(static_cast<std::size_t>(at - arm.days.begin()), nt - 1);
    const std::size_t cell = static_cast<std::size_t>(p.scans[s].lesion) * nt + i;
    p.median_mm[s] = arm.median_mm[cell];
    p.lower_mm[s] = arm.scan_lower_mm[cell];
    p.upper_mm[s] = arm.scan_upper_mm[cell];
  }
  return p;
}

/// Recovery per parameter and the held-out scans' coverage.
void summarise(TwinCheck& c) {
  const std::size_t k = c.parameters.size();
  c.rmse_z.assign(k, 0.0);
  c.correlation.assign(k, kNaN);
  c.coverage.assign(k, 0.0);
  const double n = static_cast<double>(c.patients.size());
  for (std::size_t q = 0; q < k; ++q) {
    double mt = 0.0, me = 0.0, stt = 0.0, see = 0.0, ste = 0.0, covered = 0.0;
    for (const auto& p : c.patients) {
      mt += p.true_z[q] / n;
      me += p.estimate_z[q] / n;
      c.rmse_z[q] += (p.estimate_z[q] - p.true_z[q]) * (p.estimate_z[q] - p.true_z[q]) / n;
      covered += std::abs(p.estimate_z[q] - p.true_z[q]) <= kZ90 * p.sd_z[q] ? 1.0 : 0.0;
    }
    for (const auto& p : c.patients) {
      stt += (p.true_z[q] - mt) * (p.true_z[q] - mt);
      see += (p.estimate_z[q] - me) * (p.estimate_z[q] - me);
      ste += (p.true_z[q] - mt) * (p.estimate_z[q] - me);
    }
    c.rmse_z[q] = std::sqrt(c.rmse_z[q]);
    if (stt > 0.0 && see > 0.0) c.correlation[q] = ste / std::sqrt(stt * see);
    c.coverage[q] = covered / n;
  }
  int inside = 0;
  for (const auto& p : c.patients)
    for (std::size_t s = 0; s < p.scans.size(); ++s) {
      if (std::isnan(p.lower_mm[s])) continue;
      ++c.held_out;
      inside += p.scans[s].diameter_mm >= p.lower_mm[s] && p.scans[s].diameter_mm <= p.upper_mm[s] ? 1 : 0;
    }
  c.scan_coverage = c.held_out > 0 ? static_cast<double>(inside) / c.held_out : kNaN;
}

}  // namespace

TwinCheck check_twin(const ModelDefinition& model, const Scenario& file, const TwinCheckSettings& settings) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!file.fit.enabled || file.fit.arm.index < 0)
    throw Error(ErrorKind::kInput, "a synthetic-patient check needs a patient file with `fit` (docs/twin.md)");
  const std::vector<double> days = scan_day_list(file.observations.scans);
  const int fitted_days = settings.fit_scans > 0 ? settings.fit_scans : static_cast<int>(days.size()) - 1;
  if (fitted_days < 2 || fitted_days >= static_cast<int>(days.size()))
    throw Error(ErrorKind::kInput, "--fit-scans " + std::to_string(fitted_days) + ": expected 2 to " +
                                       std::to_string(days.size() - 1) + " (the file has " +
                                       std::to_string(days.size()) + " scan days; at least one is held out)");
  TwinCheck c;
  c.parameters = file.fit.parameters;
  c.cutoff_day = days[static_cast<std::size_t>(fitted_days) - 1];
  c.interval = file.predict.enabled ? file.predict.interval : PredictSettings{}.interval;
  Scenario base = file;
  base.predict.interval = c.interval;
  c.patients.resize(static_cast<std::size_t>(settings.patients));
  const int workers =
      settings.threads > 0 ? settings.threads : (file.threads > 0 ? file.threads : omp_get_max_threads());
  parallel_for(0, c.patients.size(), workers,
               [&](std::size_t j) { c.patients[j] = check_one(model, base, settings, c.cutoff_day, j); });
  summarise(c);
  c.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return c;
}

}  // namespace vct
