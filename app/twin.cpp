// SPDX-License-Identifier: MIT
#include "app/twin.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <nlopt.hpp>

#include "app/run_scenario.hpp"
#include "core/error.hpp"

namespace vct {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The trial machinery set up for one patient: one candidate at the population medians, the
/// given arm, no read-out modules, no enrolment rule, the lesion diameters kept.
TrialSpec patient_spec(const ModelDefinition& model, const Scenario& scenario) {
  Scenario one = scenario;
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

PatientModel::PatientModel(const ModelDefinition& model, const Scenario& scenario)
    : spec_(patient_spec(model, scenario)) {
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
  error_ = scenario.observations.error;
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

std::vector<double> PatientModel::predict(const std::vector<double>& z) {
  std::vector<double> out(scans_.size(), kNaN);
  for (std::size_t k = 0; k < columns_.size(); ++k)
    spec_.population.values[columns_[k]] = prior_value(laws_[k], z.at(k));
  std::vector<double> y0;
  const CandidateResult c = screen_candidate(spec_, 0, &y0);
  if (c.status != CandidateStatus::kPatient) return out;
  const ArmResult a = treat_candidate(spec_, c, arm_, y0, scan_days_);
  const std::size_t nt = output_grid(spec_.horizon_day, spec_.output_interval_day).size();
  for (std::size_t s = 0; s < scans_.size(); ++s) {
    const int lesion = scans_[s].lesion;
    const std::size_t series = spec_.trajectory_outputs.size() > 1 ? static_cast<std::size_t>(lesion) : 0;
    const double position = scans_[s].day / spec_.output_interval_day;
    const std::size_t i0 = std::min(static_cast<std::size_t>(std::floor(position)), nt - 1);
    const std::size_t i1 = std::min(i0 + 1, nt - 1);
    const double f = position - static_cast<double>(i0);
    const double v0 = a.trajectories[series * nt + i0], v1 = a.trajectories[series * nt + i1];
    const double start = a.trajectories[series * nt];
    // The model's diameter relative to its own baseline, times the measured baseline: the tumour
    // is grown to the scan's diameter in cancer cells, and its total diameter at t = 0 (with
    // immune and dead cells) differs by a few per cent.
    out[s] = baseline_mm_.at(static_cast<std::size_t>(lesion)) * (f > 0.0 ? (1.0 - f) * v0 + f * v1 : v0) / start;
  }
  return out;
}

double PatientModel::negative_log_posterior(const std::vector<double>& z) {
  double prior = 0.0;
  for (double x : z) prior += 0.5 * x * x;
  return negative_log_likelihood(scans_, predict(z), error_) + prior;
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
  struct Context {
    PatientModel* patient;
    PatientFit* fit;
    std::exception_ptr failure;
    nlopt::opt* opt;
  } context{&patient, &fit, nullptr, &opt};
  opt.set_min_objective(
      [](const std::vector<double>& z, std::vector<double>&, void* data) {
        auto* c = static_cast<Context*>(data);
        ++c->fit->evaluations;
        try {
          const double f = c->patient->negative_log_posterior(z);
          return std::isfinite(f) ? f : 1e30;
        } catch (...) {
          c->failure = std::current_exception();
          c->opt->force_stop();
          return 1e30;
        }
      },
      &context);
  std::vector<double> z(k, 0.0);
  double minimum = 0.0;
  try {
    const nlopt::result r = opt.optimize(z, minimum);
    fit.result = r == nlopt::MAXEVAL_REACHED ? "stopped at fit.evaluations" : "converged";
  } catch (const nlopt::roundoff_limited&) {
    fit.result = "stopped: roundoff-limited";
  } catch (const nlopt::forced_stop&) {
    fit.result = "stopped";
  }
  if (context.failure) std::rethrow_exception(context.failure);
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
  const std::vector<double> predicted = patient.predict(z);
  fit.negative_log_likelihood = negative_log_likelihood(patient.scans(), predicted, patient.error());
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

}  // namespace vct
