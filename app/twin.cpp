// SPDX-License-Identifier: MIT
#include "app/twin.hpp"

#include <omp.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlopt.hpp>

#include "app/minimise.hpp"
#include "app/run_scenario.hpp"
#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/random.hpp"
#include "core/statistics.hpp"

namespace vct {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The trial machinery set up for one patient: one candidate at the population medians, the
/// given arm, no read-out modules, no enrolment rule, the lesion diameters kept.
TrialSpec patient_spec(const ModelDefinition& model, const Scenario& scenario, double horizon_day) {
  Scenario one = scenario;
  if (std::isnan(horizon_day)) {  // the last scan
    one.horizon_day = 0.0;
    for (const auto& s : scenario.observations.scans) one.horizon_day = std::max(one.horizon_day, s.day);
  } else {
    one.horizon_day = horizon_day;
  }
  one.population.size = 1;
  one.population.file.clear();
  one.population.selection = false;
  TrialSpec spec = build_trial_spec(model, one, 1);
  spec.progression = {};
  spec.subgroups.clear();
  spec.tps_min_pct = spec.tps_max_pct = kNaN;
  spec.select_by_inclusion = false;
  const ResolvedModel& r = model.resolved();
  spec.trajectory_outputs =
      r.lesion_diameter_outputs.empty() ? std::vector<int>{r.diameter_output} : r.lesion_diameter_outputs;
  return spec;
}

/// One candidate holding every population law's median (PK blocks at their nominal values).
Population median_population(const ModelDefinition& model, const PopulationSpec& ps) {
  Population p;
  p.seed = ps.seed;
  p.n = 1;
  for (const auto& d : ps.distributions) {
    const int k = model.parameter_index(d.parameter);
    p.parameters.push_back(d.parameter);
    p.units.push_back(k >= 0 ? model.parameters()[static_cast<std::size_t>(k)].unit : "");
    p.drug.push_back("");
    p.values.push_back(d.quantile(0.5));
  }
  resolve_columns(model, p);
  return p;
}

/// The parameter that sets lesion l's baseline diameter (cm).
int baseline_parameter(const ModelDefinition& model, int lesion) {
  return lesion == 0 ? model.resolved().initial_diameter_parameter
                     : model.parameter_index("lesion" + std::to_string(lesion + 1) + "_initial_diameter_cm");
}

}  // namespace

PatientModel::PatientModel(const ModelDefinition& model, const Scenario& scenario, double horizon_day)
    : spec_(patient_spec(model, scenario, horizon_day)) {
  if (!scenario.observations.enabled || !scenario.fit.enabled || scenario.fit.arm.index < 0)
    throw Error(ErrorKind::kInput, "a patient file needs `observations` and `fit` (docs/twin.md)");
  arm_ = scenario.arms.at(static_cast<std::size_t>(scenario.fit.arm.index));
  spec_.arms = {arm_};
  const PopulationSpec ps = population_spec(model, scenario.population);
  spec_.population = median_population(model, ps);
  for (const auto& name : scenario.fit.parameters) {
    const auto it = std::find(spec_.population.parameters.begin(), spec_.population.parameters.end(), name);
    if (it == spec_.population.parameters.end())
      throw Error(ErrorKind::kInput, "fit parameter '" + name + "' has no population law");
    const std::size_t column = static_cast<std::size_t>(it - spec_.population.parameters.begin());
    columns_.push_back(column);
    laws_.push_back(ps.distributions[column]);
  }
  scans_ = scenario.observations.scans;
  counts_ = scenario.observations.lymphocytes;
  error_ = scenario.observations.error;
  lesion_series_ = spec_.trajectory_outputs.size();
  if (!counts_.empty()) {
    const int blood = model.output_index("blood_lymphocytes_per_L");
    if (blood < 0) throw Error(ErrorKind::kInput, "model " + model.id() + " has no blood lymphocyte output");
    spec_.trajectory_outputs.push_back(blood);
    for (const auto& c : counts_)
      if (c.day == 0.0) baseline_count_ = c.per_uL;
  }
  baseline_mm_.assign(scenario.lesion_names.size(), kNaN);
  for (const auto& s : scans_) {  // the lesions start from their baseline scans
    if (s.day != 0.0) continue;
    baseline_mm_.at(static_cast<std::size_t>(s.lesion)) = s.diameter_mm;
    const int k = baseline_parameter(model, s.lesion);
    if (k < 0) throw Error(ErrorKind::kInput, "model " + model.id() + " cannot set lesion baselines");
    spec_.overrides.push_back({model.parameters()[static_cast<std::size_t>(k)].name, k, s.diameter_mm / 10.0});
  }
  scan_days_ = scan_days(spec_.recist, spec_.horizon_day);
}

namespace {

/// Series `series` of a treated candidate's trajectories at `day`, linear between output times.
double trajectory_at(const ArmResult& a, std::size_t series, std::size_t nt, double interval_day, double day) {
  const double position = day / interval_day;
  const std::size_t i0 = std::min(static_cast<std::size_t>(std::floor(position)), nt - 1);
  const std::size_t i1 = std::min(i0 + 1, nt - 1);
  const double f = position - static_cast<double>(i0);
  const double v0 = a.trajectories[series * nt + i0], v1 = a.trajectories[series * nt + i1];
  return f > 0.0 ? (1.0 - f) * v0 + f * v1 : v0;
}

}  // namespace

PatientModel::Predicted PatientModel::predict_all(const std::vector<double>& z) {
  Predicted out{std::vector<double>(scans_.size(), kNaN), std::vector<double>(counts_.size(), kNaN)};
  for (std::size_t k = 0; k < columns_.size(); ++k)
    spec_.population.values[columns_[k]] = prior_value(laws_[k], z.at(k));
  std::vector<double> y0;
  const CandidateResult c = screen_candidate(spec_, 0, &y0);
  if (c.status != CandidateStatus::kPatient) return out;
  const ArmResult a = treat_candidate(spec_, c, arm_, y0, scan_days_);
  const std::size_t nt = output_grid(spec_.horizon_day, spec_.output_interval_day).size();
  for (std::size_t s = 0; s < scans_.size(); ++s) {
    const int lesion = scans_[s].lesion;
    const std::size_t series = lesion_series_ > 1 ? static_cast<std::size_t>(lesion) : 0;
    out.mm[s] = scale_mm(lesion, a.trajectories[series * nt]) *
                trajectory_at(a, series, nt, spec_.output_interval_day, scans_[s].day);
  }
  for (std::size_t k = 0; k < counts_.size(); ++k)  // the blood series follows the lesions'
    out.per_uL[k] = baseline_count_ * trajectory_at(a, lesion_series_, nt, spec_.output_interval_day, counts_[k].day) /
                    a.trajectories[lesion_series_ * nt];
  return out;
}

double PatientModel::scale_mm(int lesion, double start_cm) const {
  // The model's diameter relative to its own baseline, times the measured baseline: the tumour is
  // grown to the scan's diameter in cancer cells, and its total diameter at t = 0 (with immune and
  // dead cells) differs by a few per cent.
  const double baseline = baseline_mm_.at(static_cast<std::size_t>(lesion));
  return std::isnan(baseline) ? 10.0 : baseline / start_cm;
}

double PatientModel::negative_log_posterior(const std::vector<double>& z) {
  double prior = 0.0;
  for (double x : z) prior += 0.5 * x * x;
  const Predicted p = predict_all(z);
  return negative_log_likelihood(scans_, p.mm, error_) +
         negative_log_likelihood(counts_, p.per_uL, error_.lymphocyte_log_sd) + prior;
}

namespace {

/// The mode by NLopt subplex on [-5, 5]^k from z = 0; a failed prediction is the worst value.
std::vector<double> find_mode(PatientModel& patient, int evaluations, PatientFit& fit) {
  const std::size_t k = patient.dimension();
  nlopt::opt opt(nlopt::LN_SBPLX, static_cast<unsigned>(k));
  opt.set_lower_bounds(std::vector<double>(k, -5.0));
  opt.set_upper_bounds(std::vector<double>(k, 5.0));
  opt.set_maxeval(evaluations);
  opt.set_xtol_abs(1e-3);
  opt.set_initial_step(0.5);
  std::vector<double> z(k, 0.0);
  const MinimiseOutcome end = minimise(opt, z, [&](const std::vector<double>& at, nlopt::opt&) {
    ++fit.evaluations;
    const double f = patient.negative_log_posterior(at);
    return std::isfinite(f) ? f : 1e30;  // a failed prediction is the worst value
  });
  fit.result = end.end == MinimiseEnd::kMaxEvaluations ? "stopped at fit.evaluations"
               : end.end == MinimiseEnd::kRoundoff     ? "stopped: roundoff-limited"
               : end.end == MinimiseEnd::kForcedStop   ? "stopped"
                                                       : "converged";
  return z;
}

void summarise_parameters(const Scenario& scenario, const ModelDefinition& model, const PatientModel& patient,
                          const std::vector<double>& z, const LaplaceApproximation& laplace, PatientFit& fit) {
  const double z90 = 1.6448536269514722;  // the standard normal's 95th percentile
  for (std::size_t k = 0; k < patient.dimension(); ++k) {
    FittedParameter p;
    p.name = scenario.fit.parameters[k];
    const int index = model.parameter_index(p.name);
    p.unit = index >= 0 ? model.parameters()[static_cast<std::size_t>(index)].unit : "";
    p.prior = patient.laws()[k];
    p.prior_median = prior_value(p.prior, 0.0);
    p.prior_lower = prior_value(p.prior, -z90);
    p.prior_upper = prior_value(p.prior, z90);
    p.z = z[k];
    p.value = prior_value(p.prior, p.z);
    const auto kk = static_cast<Eigen::Index>(k);
    p.sd_z = laplace.positive_definite ? std::sqrt(laplace.covariance(kk, kk)) : kNaN;
    p.lower = std::isnan(p.sd_z) ? kNaN : prior_value(p.prior, p.z - z90 * p.sd_z);
    p.upper = std::isnan(p.sd_z) ? kNaN : prior_value(p.prior, p.z + z90 * p.sd_z);
    p.informed = !(p.sd_z > kInformedSd) && !std::isnan(p.sd_z);
    char text[200];
    if (!std::isnan(p.sd_z) && !p.informed) {
      std::snprintf(text, sizeof text,
                    "%s: the scans barely inform it (posterior sd %.2f of the prior's); its estimate is mostly the "
                    "prior",
                    p.name.c_str(), p.sd_z);
      fit.warnings.push_back(text);
    }
    if (std::abs(p.z) > 3.0) {
      std::snprintf(text, sizeof text, "%s: the mode lies %.1f prior sd from the population median", p.name.c_str(),
                    p.z);
      fit.warnings.push_back(text);
    }
    fit.parameters.push_back(p);
  }
}

}  // namespace

PatientFit fit_patient(const ModelDefinition& model, const Scenario& scenario) {
  const auto t0 = std::chrono::steady_clock::now();
  PatientModel patient(model, scenario);
  PatientFit fit;
  const std::vector<double> z = find_mode(patient, scenario.fit.evaluations, fit);
  const LaplaceApproximation laplace =
      laplace_at([&](const std::vector<double>& x) { return patient.negative_log_posterior(x); }, z);
  fit.evaluations += laplace.evaluations;
  if (!laplace.positive_definite)
    fit.warnings.push_back(
        "the posterior's curvature at the mode is not positive definite: the scans cannot "
        "identify these parameters together; no intervals");
  else
    fit.covariance_z = laplace.covariance;
  summarise_parameters(scenario, model, patient, z, laplace, fit);
  const PatientModel::Predicted at_mode = patient.predict_all(z);
  const std::vector<double>& predicted = at_mode.mm;
  fit.negative_log_likelihood =
      negative_log_likelihood(patient.scans(), predicted, patient.error()) +
      negative_log_likelihood(patient.counts(), at_mode.per_uL, patient.error().lymphocyte_log_sd);
  for (std::size_t k = 0; k < patient.counts().size(); ++k) {
    CountFit r;
    r.count = patient.counts()[k];
    r.predicted_per_uL = at_mode.per_uL[k];
    r.standardised = (std::log(r.count.per_uL) - std::log(r.predicted_per_uL)) / patient.error().lymphocyte_log_sd;
    fit.lymphocytes.push_back(r);
  }
  fit.negative_log_posterior = patient.negative_log_posterior(z);
  for (std::size_t s = 0; s < patient.scans().size(); ++s) {
    ScanFit r;
    r.scan = patient.scans()[s];
    r.predicted_mm = predicted[s];
    r.sd_mm = patient.error().sd_mm(predicted[s]);
    r.standardised = (r.scan.diameter_mm - r.predicted_mm) / r.sd_mm;
    fit.scans.push_back(r);
  }
  fit.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return fit;
}

namespace {

/// One posterior draw's course under one arm.
struct DrawCourse {
  bool ok = false, no_baseline = false;
  std::vector<double> model_mm;     ///< [series][time]: lesions, then their sum
  std::vector<double> measured_mm;  ///< the same as a scan would measure it
  Response best = Response::kNE;
  double pfs_day = kNaN;
  bool pfs_event = false;
};

/// The patient's trial with one candidate per draw: the population medians, the fitted
/// parameters at each draw's z.
TrialSpec draw_spec(const PatientModel& patient, const Eigen::MatrixXd& z) {
  TrialSpec spec = patient.spec();
  Population& p = spec.population;
  const std::vector<double> median = p.values;
  p.n = static_cast<std::size_t>(z.rows());
  p.values.clear();
  for (Eigen::Index i = 0; i < z.rows(); ++i) {
    std::vector<double> row = median;
    for (std::size_t k = 0; k < patient.columns().size(); ++k)
      row[patient.columns()[k]] = prior_value(patient.laws()[k], z(i, static_cast<Eigen::Index>(k)));
    p.values.insert(p.values.end(), row.begin(), row.end());
  }
  return spec;
}

/// Draw `draw`'s course under each arm: the tumour grown to its baselines once, then each arm.
std::vector<DrawCourse> simulate_draw(const TrialSpec& spec, const PatientModel& patient,
                                      const std::vector<const TrialArm*>& arms, std::size_t draw,
                                      const std::vector<double>& scans, std::uint64_t seed) {
  std::vector<DrawCourse> courses(arms.size());
  std::vector<double> y0;
  const CandidateResult c = screen_candidate(spec, draw, &y0);
  for (auto& course : courses) course.no_baseline = c.status == CandidateStatus::kNotAPatient;
  if (c.status != CandidateStatus::kPatient) return courses;
  const std::size_t nt = output_grid(spec.horizon_day, spec.output_interval_day).size();
  const std::size_t lesions = patient.lesion_series();
  for (std::size_t k = 0; k < arms.size(); ++k) {
    const ArmResult a = treat_candidate(spec, c, *arms[k], y0, scans);
    if (a.status != PatientStatus::kOk) continue;
    DrawCourse& course = courses[k];
    course.model_mm.assign((lesions + 1) * nt, 0.0);
    course.measured_mm.assign((lesions + 1) * nt, 0.0);
    Rng noise(seed, Stream::kTwinNoise, draw);  // the same for every arm: paired futures
    for (std::size_t l = 0; l < lesions; ++l) {
      const double scale = patient.scale_mm(static_cast<int>(l), a.trajectories[l * nt]);
      for (std::size_t i = 0; i < nt; ++i) {
        const double f = scale * a.trajectories[l * nt + i];
        const double y = std::max(0.0, f + patient.error().sd_mm(f) * normal_quantile(noise.uniform()));
        course.model_mm[l * nt + i] = f;
        course.measured_mm[l * nt + i] = y;
        course.model_mm[lesions * nt + i] += f;
        course.measured_mm[lesions * nt + i] += y;
      }
    }
    course.ok = true;
    course.best = a.recist.best;
    course.pfs_day = a.recist.pfs_day;
    course.pfs_event = a.recist.pfs_event;
  }
  return courses;
}

/// The draws' bands per series and time, and their RECIST summaries.
ArmPrediction summarise_draws(const std::string& name, const std::vector<DrawCourse>& courses, double horizon_day,
                              const std::vector<double>& days, double interval) {
  ArmPrediction out;
  out.arm = name;
  out.days = days;
  out.draws = static_cast<int>(courses.size());
  const double lo = 0.5 * (1.0 - interval), hi = 0.5 * (1.0 + interval);
  std::vector<const DrawCourse*> ok;
  for (const auto& c : courses) {
    if (c.ok) ok.push_back(&c);
    out.no_baseline += c.no_baseline ? 1 : 0;
  }
  out.failed = out.draws - static_cast<int>(ok.size()) - out.no_baseline;
  if (ok.empty()) return out;
  const std::size_t cells = ok.front()->model_mm.size();
  std::vector<double> model(ok.size()), measured(ok.size());
  for (std::size_t j = 0; j < cells; ++j) {
    for (std::size_t d = 0; d < ok.size(); ++d) {
      model[d] = ok[d]->model_mm[j];
      measured[d] = ok[d]->measured_mm[j];
    }
    std::sort(model.begin(), model.end());
    std::sort(measured.begin(), measured.end());
    out.median_mm.push_back(stats::quantile(model, 0.5));
    out.lower_mm.push_back(stats::quantile(model, lo));
    out.upper_mm.push_back(stats::quantile(model, hi));
    out.scan_lower_mm.push_back(stats::quantile(measured, lo));
    out.scan_upper_mm.push_back(stats::quantile(measured, hi));
  }
  // PFS without an event by the horizon counts as beyond it: a quantile among those is NaN.
  constexpr double kBeyond = 1e300;
  std::vector<double> pfs;
  const double n = static_cast<double>(ok.size());
  for (const DrawCourse* c : ok) {
    out.best_response[static_cast<std::size_t>(c->best)] += 1.0 / n;
    out.p_progression += c->pfs_event ? 1.0 / n : 0.0;
    pfs.push_back(c->pfs_event ? c->pfs_day : kBeyond);
  }
  out.p_response = out.best_response[0] + out.best_response[1];
  std::sort(pfs.begin(), pfs.end());
  const auto reached = [&](double q) { return q <= horizon_day ? q : kNaN; };
  out.pfs_median_day = reached(stats::quantile(pfs, 0.5));
  out.pfs_lower_day = reached(stats::quantile(pfs, lo));
  out.pfs_upper_day = reached(stats::quantile(pfs, hi));
  return out;
}

}  // namespace

PatientPrediction predict_patient(const ModelDefinition& model, const Scenario& scenario, const PatientFit& fit,
                                  int threads) {
  const auto t0 = std::chrono::steady_clock::now();
  const PredictSettings& settings = scenario.predict;
  if (!settings.enabled) throw Error(ErrorKind::kInput, "a patient file needs `predict` (docs/twin.md)");
  const PatientModel patient(model, scenario, scenario.horizon_day);
  PatientPrediction out;
  out.interval = settings.interval;
  out.seed = settings.seed;
  std::vector<double> mode;
  for (const auto& p : fit.parameters) mode.push_back(p.z);
  if (fit.covariance_z.size() == 0)
    out.warnings.push_back(
        "the fit has no Laplace covariance: the draws come from the prior around the mode, so the intervals are "
        "wider than the data warrant");
  out.z = draw_posterior(mode, fit.covariance_z, static_cast<std::size_t>(settings.samples), settings.seed);
  const TrialSpec spec = draw_spec(patient, out.z);
  const std::vector<double> scans = scan_days(spec.recist, spec.horizon_day);
  const std::vector<double> days = output_grid(spec.horizon_day, spec.output_interval_day);
  const int workers = threads > 0 ? threads : (scenario.threads > 0 ? scenario.threads : omp_get_max_threads());
  std::vector<const TrialArm*> arms;
  for (const NamedIndex& arm : settings.arms) arms.push_back(&scenario.arms.at(static_cast<std::size_t>(arm.index)));
  std::vector<std::vector<DrawCourse>> by_draw(static_cast<std::size_t>(settings.samples));
  parallel_for(0, by_draw.size(), workers,
               [&](std::size_t d) { by_draw[d] = simulate_draw(spec, patient, arms, d, scans, settings.seed); });
  for (std::size_t k = 0; k < arms.size(); ++k) {
    std::vector<DrawCourse> courses;
    for (auto& draw : by_draw) courses.push_back(std::move(draw[k]));
    out.arms.push_back(summarise_draws(settings.arms[k].name, courses, spec.horizon_day, days, settings.interval));
    const ArmPrediction& a = out.arms.back();
    if (a.failed > 0)
      out.warnings.push_back(a.arm + ": " + std::to_string(a.failed) + " of " + std::to_string(a.draws) +
                             " draws failed in the solver and are left out");
  }
  if (!out.arms.empty() && out.arms.front().no_baseline > 0) {
    const ArmPrediction& a = out.arms.front();
    out.warnings.push_back(std::to_string(a.no_baseline) + " of " + std::to_string(a.draws) +
                           " draws cannot grow the tumour to its baseline scan (parameter sets the scans rule out) "
                           "and are left out of every arm");
  }
  out.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return out;
}

}  // namespace vct
