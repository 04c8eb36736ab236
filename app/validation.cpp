// SPDX-License-Identifier: MIT
#include "app/validation.hpp"

#include "app/minimise.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <nlopt.hpp>
#include "app/run_scenario.hpp"

#include <cmath>

#include "core/error.hpp"
#include "io/scenario/loader.hpp"
#include "io/scenario/validator.hpp"
#include "models/registry.hpp"

namespace vct::validation {

namespace fs = std::filesystem;

namespace {

/// Smoothed response indicator: 1 well below the PR threshold (change <= -30 %), 0 well above it,
/// 1/2 on it, over a width of `width` percentage points (a logistic step). Makes the calibration's
/// objective continuous in the parameters; reported rates count responses exactly.
double soft_response(double change_pct, double width) { return 1.0 / (1.0 + std::exp((change_pct + 30.0) / width)); }

bool out_of_field(Metric m) { return m == Metric::kBestOrrOutOfField || m == Metric::kOrrFirstScanOutOfField; }

/// Mean of ratios with a normal-approximation 95 % CI, in the Proportion fields.
stats::Proportion mean_with_ci(const std::vector<double>& values) {
  stats::Proportion p;
  p.n = static_cast<int>(values.size());
  if (values.empty()) return p;
  double sum = 0.0, sum2 = 0.0;
  for (double v : values) sum += v;
  const double mean = sum / p.n;
  for (double v : values) sum2 += (v - mean) * (v - mean);
  const double se = p.n > 1 ? std::sqrt(sum2 / (p.n - 1) / p.n) : 0.0;
  p.estimate = mean;
  p.lower = mean - 1.96 * se;
  p.upper = mean + 1.96 * se;
  return p;
}

}  // namespace

const Runner::Run& Runner::run(const std::string& scenario, const Calibration& calibration) {
  const std::string path = (fs::path(suite_.folder) / scenario).string();
  // The calibrated scenario text is the key: parameters a scenario's model does not have are
  // dropped by apply_calibration, so changing them re-uses the run.
  const std::string text =
      apply_calibration(io::read_text_file(path), path, calibration, options_.population_size, options_.seed_offset);
  auto found = cache_.find(text);
  if (found != cache_.end()) return found->second;
  const io::LoadedScenario loaded = io::load_scenario_text(text, path);
  const ModelDefinition& model = models::get_model(loaded.scenario.model);
  Run r;
  r.spec = build_trial_spec(model, loaded.scenario, options_.threads);
  struct Keep : TrialSink {
    std::vector<CandidateResult>* out;
    void write_batch(const std::vector<CandidateResult>& b) override { out->insert(out->end(), b.begin(), b.end()); }
    void write_summary(const TrialSummary&) override {}
  } sink;
  sink.out = &r.results;
  const auto t0 = std::chrono::steady_clock::now();
  run_trial(r.spec, sink, {});
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (on_trial) on_trial(scenario, r.spec.arms.size(), r.wall_seconds);
  return cache_.emplace(text, std::move(r)).first->second;
}

namespace {

/// Response metrics: the exact rate and its smoothed counterpart.
/// Per-patient responses of an arm (exact and smoothed), in candidate order, for paired differences.
struct Responses {
  std::vector<std::size_t> candidate;
  std::vector<bool> responds;
  std::vector<double> soft;
};

/// Whether a candidate's PD-L1 TPS lies in the target's range (always without one); the upper
/// bound is exclusive unless it is 100.
bool in_tps_range(const Target& target, const CandidateResult& c) {
  if (!target.restricts_tps()) return true;
  const double tps = c.biomarkers.tps_pct;
  return tps >= target.tps_min_pct && (tps < target.tps_max_pct || target.tps_max_pct >= 100.0);
}

/// tps_prevalence: the share of the candidates at baseline (enrolled or not) in the range.
void tps_prevalence_metric(const Target& target, const std::vector<CandidateResult>& results, Simulated& s) {
  int in = 0, n = 0;
  for (const auto& c : results) {
    if ((c.status != CandidateStatus::kPatient && c.status != CandidateStatus::kNotSelected) ||
        std::isnan(c.biomarkers.tps_pct))
      continue;
    ++n;
    in += in_tps_range(target, c);
  }
  if (n == 0)
    throw Error(ErrorKind::kInput, "target " + target.id + ": scenario " + target.scenario +
                                       " has no patient with a PD-L1 TPS (a model without the TPS read-out)");
  s.rate = stats::clopper_pearson(in, n);
  s.soft = s.rate.estimate;
}

void response_metric(const Target& target, const std::vector<CandidateResult>& results, std::size_t arm, double width,
                     Simulated& s, Responses* each = nullptr) {
  int responders = 0, n = 0;
  double soft_numerator = 0.0, soft_denominator = 0.0;
  for (const auto& c : results) {
    if (c.status != CandidateStatus::kPatient || !in_tps_range(target, c)) continue;
    const ArmResult& a = c.arms[arm];
    if (!a.assessed) continue;
    if (out_of_field(target.metric) && !a.out_of_field)
      throw Error(ErrorKind::kInput, "target " + target.id + ": arm '" + target.arm + "' has no out-of-field lesions");
    const RecistOutcome& o = out_of_field(target.metric) ? a.recist_out_of_field : a.recist;
    const double first_change = o.per_scan_change_pct.empty() ? 0.0 : o.per_scan_change_pct.front();
    if (target.metric == Metric::kRespondersAtFirstScan) {  // a share of the responders, not of all patients
      const double best_soft = soft_response(o.best_change_pct, width);
      soft_numerator += best_soft * soft_response(first_change, width);
      soft_denominator += best_soft;
      if (!responds(o.best)) continue;
      ++n;
      responders += !o.per_scan.empty() && responds(o.per_scan.front());
      continue;
    }
    ++n;
    bool r = false;
    double soft = 0.0;
    switch (target.metric) {
      case Metric::kBestOrr:
      case Metric::kBestOrrOutOfField:
        r = responds(o.best);
        soft = soft_response(o.best_change_pct, width);
        break;
      case Metric::kOrrFirstScan:
      case Metric::kOrrFirstScanOutOfField:
        r = !o.per_scan.empty() && responds(o.per_scan.front());
        soft = soft_response(first_change, width);
        break;
      case Metric::kOrrLastScan:
        r = !o.per_scan.empty() && responds(o.per_scan.back());
        soft = soft_response(o.last_change_pct, width);
        break;
      case Metric::kBestPd:  // progression is not smoothed: new lesions and deaths are events, not sizes
        r = o.best == Response::kPD;
        soft = r ? 1.0 : 0.0;
        break;
      default:
        break;
    }
    responders += r;
    soft_numerator += soft;
    soft_denominator += 1.0;
    if (each) {
      each->candidate.push_back(static_cast<std::size_t>(&c - results.data()));
      each->responds.push_back(r);
      each->soft.push_back(soft);
    }
  }
  s.rate = stats::clopper_pearson(responders, n);
  s.soft = soft_denominator > 0.0 ? soft_numerator / soft_denominator : s.rate.estimate;
}

/// A paired difference of response rates, arm minus reference arm, over the patients assessed in
/// both: estimate (b - c) / n with b, c the discordant pairs, and the Wald interval of a paired
/// difference (stats::paired_difference).
void paired_difference(const Responses& arm, const Responses& reference, Simulated& s) {
  std::size_t j = 0;
  int b = 0, c = 0, n = 0;
  double soft = 0.0;
  for (std::size_t i = 0; i < arm.candidate.size(); ++i) {
    while (j < reference.candidate.size() && reference.candidate[j] < arm.candidate[i]) ++j;
    if (j == reference.candidate.size() || reference.candidate[j] != arm.candidate[i]) continue;
    ++n;
    b += arm.responds[i] && !reference.responds[j];
    c += !arm.responds[i] && reference.responds[j];
    soft += arm.soft[i] - reference.soft[j];
  }
  s.rate = stats::Proportion{};
  s.rate.n = n;
  s.rate.successes = b - c;
  if (n == 0) return;
  const stats::PairedDifference d = stats::paired_difference(b, c, n);
  s.rate.estimate = d.estimate;
  s.rate.lower = d.lower;
  s.rate.upper = d.upper;
  s.soft = soft / n;
}

/// Lymphocyte metrics: the mean over patients of blood lymphocytes relative to day 0, on a day or
/// at their lowest, from the trajectory the scenario keeps.
void lymphocyte_metric(const Target& target, const Runner::Run& r, std::size_t arm, Simulated& s) {
  const ModelDefinition& model = *r.spec.model;
  const int output = model.output_index("blood_lymphocytes_per_L");
  std::size_t column = r.spec.trajectory_outputs.size();
  for (std::size_t k = 0; k < r.spec.trajectory_outputs.size(); ++k)
    if (r.spec.trajectory_outputs[k] == output) column = k;
  if (output < 0 || column == r.spec.trajectory_outputs.size())
    throw Error(ErrorKind::kInput, "target " + target.id + ": scenario " + target.scenario +
                                       " must keep the trajectory blood_lymphocytes_per_L (output.trajectories)");
  const std::size_t nt = output_grid(r.spec.horizon_day, r.spec.output_interval_day).size();
  std::vector<double> ratios;
  for (const auto& c : r.results) {
    if (c.status != CandidateStatus::kPatient) continue;
    const ArmResult& a = c.arms[arm];
    const double* series = a.trajectories.data() + column * nt;
    if (!(series[0] > 0.0)) continue;
    double value = NAN;
    if (target.metric == Metric::kLymphocytesAtDay) {
      value = series[static_cast<std::size_t>(std::lround(target.day / r.spec.output_interval_day))];
    } else {
      value = series[0];
      for (std::size_t t = 0; t < nt; ++t)
        if (std::isfinite(series[t])) value = std::min(value, series[t]);
    }
    if (std::isfinite(value)) ratios.push_back(value / series[0]);
  }
  s.rate = mean_with_ci(ratios);
  s.soft = s.rate.estimate;
}

/// Kaplan-Meier PFS or OS of an arm on target.day, with the curve's pointwise 95 % CI.
void survival_metric(const Target& target, const std::vector<CandidateResult>& results, std::size_t arm, Simulated& s) {
  std::vector<double> t;
  std::vector<bool> e;
  for (const auto& c : results) {
    if (c.status != CandidateStatus::kPatient || !in_tps_range(target, c)) continue;
    const ArmResult& a = c.arms[arm];
    if (!a.assessed) continue;
    if (target.metric == Metric::kOsAtDay) {
      if (std::isnan(a.os_day))
        throw Error(ErrorKind::kInput, "target " + target.id + ": scenario " + target.scenario +
                                           " must switch on progression.overall_survival for os_at_day");
      t.push_back(a.os_day);
      e.push_back(a.os_event);
    } else {
      t.push_back(a.recist.pfs_day);
      e.push_back(a.recist.pfs_event);
    }
  }
  const stats::SurvivalAt at = stats::survival_at(stats::kaplan_meier(t, e), target.day);
  if (std::isnan(at.estimate))
    throw Error(ErrorKind::kInput, "target " + target.id + ": day " + std::to_string(target.day) +
                                       " is beyond the follow-up of scenario " + target.scenario);
  s.rate = stats::Proportion{};
  s.rate.n = static_cast<int>(t.size());
  s.rate.estimate = at.estimate;
  s.rate.lower = at.lower;
  s.rate.upper = at.upper;
  s.soft = at.estimate;
}

}  // namespace

Simulated Runner::evaluate(const Target& target, const Calibration& calibration) {
  const Run& r = run(target.scenario, calibration);
  std::size_t arm = r.spec.arms.size();
  for (std::size_t a = 0; a < r.spec.arms.size(); ++a)
    if (r.spec.arms[a].name == target.arm) arm = a;
  if (arm == r.spec.arms.size())
    throw Error(ErrorKind::kInput,
                "target " + target.id + ": scenario " + target.scenario + " has no arm '" + target.arm + "'");
  Simulated s;
  if (!target.reference_arm.empty()) {
    std::size_t ref = r.spec.arms.size();
    for (std::size_t a = 0; a < r.spec.arms.size(); ++a)
      if (r.spec.arms[a].name == target.reference_arm) ref = a;
    if (ref == r.spec.arms.size())
      throw Error(ErrorKind::kInput, "target " + target.id + ": scenario " + target.scenario +
                                         " has no reference arm '" + target.reference_arm + "'");
    Responses with, without;
    Simulated ignored;
    response_metric(target, r.results, arm, options_.smoothing_pct, ignored, &with);
    response_metric(target, r.results, ref, options_.smoothing_pct, ignored, &without);
    paired_difference(with, without, s);
  } else if (target.metric == Metric::kLymphocytesAtDay || target.metric == Metric::kLymphocyteNadir) {
    lymphocyte_metric(target, r, arm, s);
  } else if (target.metric == Metric::kPfsAtDay || target.metric == Metric::kOsAtDay) {
    survival_metric(target, r.results, arm, s);
  } else if (target.metric == Metric::kTpsPrevalence) {
    tps_prevalence_metric(target, r.results, s);
  } else {
    response_metric(target, r.results, arm, options_.smoothing_pct, s);
  }
  s.n_candidates = static_cast<int>(r.results.size());
  s.wall_seconds = r.wall_seconds;
  if (!target.denominator.empty()) s = ratio_to(s, target.denominator.front(), calibration);
  return s;
}

Simulated Runner::ratio_to(const Simulated& numerator, const Target& other, const Calibration& calibration) {
  const Simulated denominator = evaluate(other, calibration);
  const stats::IntervalEstimate r = stats::ratio_of_proportions(numerator.rate.successes, numerator.rate.n,
                                                                denominator.rate.successes, denominator.rate.n);
  Simulated s = numerator;
  s.rate.estimate = r.estimate;
  s.rate.lower = r.lower;
  s.rate.upper = r.upper;
  s.soft = numerator.soft / denominator.soft;
  s.n_candidates += denominator.n_candidates;
  s.wall_seconds += denominator.wall_seconds;
  return s;
}

namespace {

/// A point of the scaled search space [0, 1]^n (log or linear in each parameter) as values.
Calibration calibration_at(const CalibrationSpec& spec, const Calibration& base, const std::vector<double>& x,
                           std::vector<double>& values) {
  Calibration c = base;
  values.clear();
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const CalibratedParameter& q = spec.parameters[k];
    const double u = std::clamp(x[k], 0.0, 1.0);
    const double v = q.log_scale ? std::exp(std::log(q.lower) + u * (std::log(q.upper) - std::log(q.lower)))
                                 : q.lower + u * (q.upper - q.lower);
    values.push_back(v);
    if (q.population_median)
      c.population_medians[q.parameter] = {v, q.sigma};
    else if (!q.population_sigma)
      c.parameters[q.parameter] = v;
  }
  // Sigma fits after the medians: the median of the same parameter's median entry, else their own.
  for (std::size_t k = 0; k < spec.parameters.size(); ++k) {
    const CalibratedParameter& q = spec.parameters[k];
    if (!q.population_sigma) continue;
    const bool fitted_median = std::any_of(spec.parameters.begin(), spec.parameters.end(), [&](const auto& m) {
      return m.population_median && m.parameter == q.parameter;
    });
    const double median = fitted_median ? c.population_medians.at(q.parameter).first : q.median;
    c.population_medians[q.parameter] = {median, values[k]};
  }
  return c;
}

double scaled(const CalibratedParameter& q, double v) {
  return q.log_scale ? (std::log(v) - std::log(q.lower)) / (std::log(q.upper) - std::log(q.lower))
                     : (v - q.lower) / (q.upper - q.lower);
}

nlopt::algorithm nlopt_algorithm(const std::string& name) {
  if (name == "sbplx") return nlopt::LN_SBPLX;
  if (name == "neldermead") return nlopt::LN_NELDERMEAD;
  return nlopt::LN_BOBYQA;
}

}  // namespace

CalibrationReport calibrate(const Suite& suite, const std::vector<Runner*>& populations, const Calibration& base,
                            const CalibrationProgress& progress) {
  const CalibrationSpec& spec = suite.calibration;
  if (spec.parameters.empty()) throw Error(ErrorKind::kInput, suite.path + ": no calibration parameters to fit");
  if (populations.empty()) throw Error(ErrorKind::kInput, suite.path + ": calibration needs at least one population");
  std::vector<const Target*> targets;
  for (const auto& t : suite.targets)
    if (t.calibration) targets.push_back(&t);
  CalibrationReport report;
  report.best.objective = HUGE_VAL;
  const double k = static_cast<double>(populations.size());
  auto objective = [&](const std::vector<double>& x) {
    CalibrationEvaluation e;
    e.index = static_cast<int>(report.trace.size()) + 1;
    const Calibration c = calibration_at(spec, base, x, e.values);
    e.soft.assign(targets.size(), 0.0);
    e.rates.assign(targets.size(), 0.0);
    for (Runner* runner : populations) {
      std::vector<double>& rates = e.population_rates.emplace_back();
      for (std::size_t t = 0; t < targets.size(); ++t) {
        const Simulated s = runner->evaluate(*targets[t], c);
        e.soft[t] += s.soft / k;
        e.rates[t] += s.rate.estimate / k;
        rates.push_back(s.rate.estimate);
      }
    }
    e.objective = 0.0;
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const double z = (e.soft[t] - targets[t]->published) / targets[t]->tolerance;
      e.objective += z * z;
    }
    report.trace.push_back(e);
    if (e.objective < report.best.objective) {
      report.best = e;
      report.calibration = c;
    }
    if (progress) progress(e, report);
    return e.objective;
  };
  const std::size_t n = spec.parameters.size();
  nlopt::opt opt(nlopt_algorithm(spec.algorithm), static_cast<unsigned>(n));
  opt.set_lower_bounds(std::vector<double>(n, 0.0));
  opt.set_upper_bounds(std::vector<double>(n, 1.0));
  opt.set_maxeval(spec.max_evaluations);
  opt.set_xtol_abs(spec.step_tolerance);
  opt.set_initial_step(spec.initial_step);
  std::vector<double> x;
  for (const auto& q : spec.parameters) x.push_back(scaled(q, q.start));
  const MinimiseOutcome end = minimise(opt, x, [&](const std::vector<double>& p, nlopt::opt&) { return objective(p); });
  switch (end.end) {
    case MinimiseEnd::kMaxEvaluations:
      report.result = "stopped at max_evaluations";
      break;
    case MinimiseEnd::kRoundoff:
      report.result = "stopped: roundoff-limited";
      break;
    case MinimiseEnd::kForcedStop:
      report.result = "stopped";
      break;
    default:
      report.result = end.result == nlopt::XTOL_REACHED ? "converged (step below step_tolerance)"
                      : end.result == nlopt::FTOL_REACHED
                          ? "converged (objective change below tolerance)"
                          : "finished (NLopt result " + std::to_string(static_cast<int>(end.result)) + ")";
      break;
  }
  return report;
}

CalibrationReport calibrate(const Suite& suite, Runner& runner, const Calibration& base,
                            const CalibrationProgress& progress) {
  return calibrate(suite, std::vector<Runner*>{&runner}, base, progress);
}

std::vector<Row> validate(const Suite& suite, Runner& runner, const Calibration& calibration, bool reduced) {
  std::vector<Row> rows;
  for (const auto& t : suite.targets) {
    Row row;
    row.target = t;
    row.simulated = runner.evaluate(t, calibration);
    row.published_inside_ci =
        row.simulated.rate.n > 0 && t.published >= row.simulated.rate.lower && t.published <= row.simulated.rate.upper;
    if (t.published_n > 0 && row.simulated.rate.n > 0) {
      const int n = static_cast<int>(t.published_n);
      row.trial = stats::trial_prediction(row.simulated.rate.successes, row.simulated.rate.n, n,
                                          static_cast<int>(std::lround(t.published * n)));
    }
    if (t.calibration) {
      const double tol = reduced ? t.reduced_tolerance : t.tolerance;
      row.within_tolerance = row.simulated.rate.n > 0 && std::abs(row.simulated.rate.estimate - t.published) <= tol;
    }
    rows.push_back(row);
  }
  return rows;
}

std::vector<std::vector<double>> validate_seeds(
    const Suite& suite, const RunOptions& options, const Calibration& calibration, int n_seeds,
    const std::function<void(const std::string&, std::size_t, double)>& on_trial) {
  std::vector<std::vector<double>> values(suite.targets.size());
  for (int k = 1; k <= n_seeds; ++k) {
    RunOptions o = options;
    o.seed_offset = k;
    Runner runner(suite, o);
    runner.on_trial = on_trial;
    for (std::size_t t = 0; t < suite.targets.size(); ++t)
      values[t].push_back(runner.evaluate(suite.targets[t], calibration).rate.estimate);
  }
  return values;
}

namespace {

std::string pct(double v) {
  if (std::isnan(v)) return "";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", 100.0 * v);
  return b;
}

std::string published_text(const Target& t, const char* dash) {
  std::string s = pct(t.published) + " %";
  if (!std::isnan(t.published_lower)) s += " (" + pct(t.published_lower) + dash + pct(t.published_upper) + ")";
  return s;
}

std::string simulated_text(const Simulated& s, const char* dash) {
  if (s.rate.n == 0) return "no patients";
  return pct(s.rate.estimate) + " % (" + pct(s.rate.lower) + dash + pct(s.rate.upper) + "), N " +
         std::to_string(s.rate.n);
}

/// "mean ± SD (min–max)" over the fresh seeds, empty without them.
std::string seeds_text(const Row& r, const char* dash) {
  if (r.seeds.empty()) return "";
  const stats::Spread s = stats::spread(r.seeds);
  return pct(s.mean) + " ± " + pct(s.n > 1 ? s.sd : 0.0) + " (" + pct(s.min) + dash + pct(s.max) + ")";
}

/// "7–19 of 36: inside (p 0.18)": the trial-size prediction, empty without published_n.
std::string trial_text(const Row& r, const char* dash) {
  if (r.trial.n == 0) return "";
  char b[96];
  std::snprintf(b, sizeof b, "%d%s%d of %d: %s (p %.2f)", r.trial.lower, dash, r.trial.upper, r.trial.n,
                r.trial.inside() ? "inside" : "outside", r.trial.p_value);
  return b;
}

bool any_seeds(const std::vector<Row>& rows) {
  for (const auto& r : rows)
    if (!r.seeds.empty()) return true;
  return false;
}

std::string verdict(const Row& r) {
  std::string v = r.published_inside_ci ? "inside" : "outside";
  if (r.target.calibration) v += r.within_tolerance ? "; within tolerance" : "; OUT OF TOLERANCE";
  return v;
}

}  // namespace

std::string markdown_table(const std::vector<Row>& rows) {
  std::ostringstream out;
  const bool seeds = any_seeds(rows);
  out << "| target | role | metric | published (95 % CI) | simulated (95 % CI), N | published inside simulated CI |"
         " published responders in a trial of its size from the model (95 % prediction) |"
      << (seeds ? " fresh seeds: mean ± SD (range) |" : "") << "\n"
      << "|---|---|---|---|---|---|---|" << (seeds ? "---|" : "") << "\n";
  for (const auto& r : rows) {
    out << "| " << r.target.description << " | " << (r.target.calibration ? "calibration" : "held out") << " | "
        << to_string(r.target.metric) << (std::isnan(r.target.day) ? "" : " (day " + pct(r.target.day / 100.0) + ")")
        << " | " << published_text(r.target, "–") << " | " << simulated_text(r.simulated, "–") << " | " << verdict(r)
        << " | " << trial_text(r, "–") << " |";
    if (seeds) out << " " << seeds_text(r, "–") << " |";
    out << "\n";
  }
  return out.str();
}

std::string text_table(const std::vector<Row>& rows) {
  int id_width = 6;
  for (const auto& r : rows) id_width = std::max(id_width, static_cast<int>(r.target.id.size()));
  std::ostringstream out;
  char line[512];
  const bool seeds = any_seeds(rows);
  std::snprintf(line, sizeof line, "%-*s %-11s %-20s %-28s %-30s %-30s%s\n", id_width, "target", "role",
                "published % (CI)", "simulated % (95% CI), N", "published inside simulated CI",
                "trial of its size (95% pred.)", seeds ? " fresh seeds: mean ± SD (range)" : "");
  out << line;
  for (const auto& r : rows) {
    std::snprintf(line, sizeof line, "%-*s %-11s %-20s %-28s %-30s %-30s%s\n", id_width, r.target.id.c_str(),
                  r.target.calibration ? "calibration" : "held out", published_text(r.target, "-").c_str(),
                  simulated_text(r.simulated, "-").c_str(), verdict(r).c_str(), trial_text(r, "-").c_str(),
                  seeds ? (" " + seeds_text(r, "-")).c_str() : "");
    out << line;
  }
  return out.str();
}

}  // namespace vct::validation
