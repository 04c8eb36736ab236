// SPDX-License-Identifier: MIT
#include "app/search.hpp"

#include "app/minimise.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <memory>
#include <nlopt.hpp>

#include "app/run_scenario.hpp"
#include "core/error.hpp"
#include "io/search_writer.hpp"

namespace vct {

std::vector<std::vector<double>> grid_points(const std::vector<SearchVariable>& variables, std::size_t max_points) {
  std::size_t total = 1;
  for (const auto& v : variables) {
    if (v.continuous || v.values.empty())
      throw Error(ErrorKind::kInput, std::string("search variable ") + to_string(v.kind) +
                                         " is a range without a step; a grid needs values or a step");
    total *= v.values.size();
    if (total > max_points)
      throw Error(ErrorKind::kInput, "the search grid has more than " + std::to_string(max_points) +
                                         " schedules; use method nlopt or fewer values");
  }
  std::vector<std::vector<double>> points;
  points.reserve(total);
  std::vector<std::size_t> at(variables.size(), 0);
  for (std::size_t p = 0; p < total; ++p) {
    std::vector<double> x;
    for (std::size_t k = 0; k < variables.size(); ++k) x.push_back(variables[k].values[at[k]]);
    points.push_back(std::move(x));
    for (std::size_t k = variables.size(); k-- > 0;) {  // the last variable varies fastest
      if (++at[k] < variables[k].values.size()) break;
      at[k] = 0;
    }
  }
  return points;
}

namespace {

/// Proposes schedules, checks, evaluates once, records.
struct Recorder {
  ScheduleProblem& problem;
  SearchSink& sink;
  const std::function<bool()>& keep_going;
  SearchOutcome out;
  std::map<std::vector<double>, double> seen;  ///< objective of each schedule proposed (skipped: -inf)
  bool stop = false;

  /// The objective of x (-inf when skipped), evaluating it the first time.
  double propose(const std::vector<double>& x) {
    const auto found = seen.find(x);
    if (found != seen.end()) return found->second;
    ++out.n_considered;
    const std::string why = problem.violation(x);
    if (!why.empty()) {
      ++out.n_skipped;
      sink.write_skipped(x, why);
      return seen[x] = -HUGE_VAL;
    }
    EvaluatedSchedule e = problem.evaluate(x);
    e.index = static_cast<int>(out.evaluated.size()) + 1;
    e.x = x;
    sink.write_evaluated(e);
    out.evaluated.push_back(e);
    if (keep_going && !keep_going()) {
      stop = true;
      out.completed = false;
    }
    return seen[x] = std::isnan(e.objective) ? -HUGE_VAL : e.objective;
  }
};

/// The variable's value at u in [0, 1]: its values by index, or its continuous range.
double value_at(const SearchVariable& v, double u) {
  u = std::clamp(u, 0.0, 1.0);
  if (v.continuous) return v.lower + u * (v.upper - v.lower);
  const double m = static_cast<double>(v.values.size() - 1);
  return v.values[static_cast<std::size_t>(std::lround(u * m))];
}

/// The position in [0, 1] of the value nearest to x (the middle when x is NaN).
double position_of(const SearchVariable& v, double x) {
  if (std::isnan(x)) return 0.5;
  if (v.continuous) return v.upper > v.lower ? std::clamp((x - v.lower) / (v.upper - v.lower), 0.0, 1.0) : 0.0;
  if (v.values.size() < 2) return 0.0;
  std::size_t best = 0;
  for (std::size_t k = 1; k < v.values.size(); ++k)
    if (std::abs(v.values[k] - x) < std::abs(v.values[best] - x)) best = k;
  return static_cast<double>(best) / static_cast<double>(v.values.size() - 1);
}

void run_nlopt(const SearchSettings& settings, Recorder& rec, const std::vector<double>& start) {
  const std::size_t n = settings.variables.size();
  nlopt::opt opt(settings.algorithm == "neldermead" ? nlopt::LN_NELDERMEAD : nlopt::LN_SBPLX, static_cast<unsigned>(n));
  opt.set_lower_bounds(std::vector<double>(n, 0.0));
  opt.set_upper_bounds(std::vector<double>(n, 1.0));
  opt.set_maxeval(50 * settings.max_evaluations);  // proposals; repeats and skipped ones cost no simulation
  opt.set_xtol_abs(1e-3);
  opt.set_initial_step(0.25);
  std::vector<double> u;
  for (std::size_t k = 0; k < n; ++k) u.push_back(position_of(settings.variables[k], start.at(k)));
  const MinimiseOutcome end = minimise(opt, u, [&](const std::vector<double>& at, nlopt::opt& o) {
    std::vector<double> x;
    for (std::size_t k = 0; k < at.size(); ++k) x.push_back(value_at(settings.variables[k], at[k]));
    const double f = rec.propose(x);
    if (rec.stop || static_cast<int>(rec.out.evaluated.size()) >= settings.max_evaluations) o.force_stop();
    return std::isfinite(f) ? -f : 1e30;  // NLopt minimises; a skipped schedule is worst
  });
  rec.out.result = end.end == MinimiseEnd::kForcedStop       ? (rec.stop ? "interrupted" : "stopped at max_evaluations")
                   : end.end == MinimiseEnd::kRoundoff       ? "stopped: roundoff-limited"
                   : end.end == MinimiseEnd::kMaxEvaluations ? "stopped at the proposal limit"
                                                             : "converged";
}

}  // namespace

SearchOutcome search_schedules(const SearchSettings& settings, ScheduleProblem& problem, SearchSink& sink,
                               const std::vector<double>& start, const std::function<bool()>& keep_going) {
  Recorder rec{problem, sink, keep_going, {}, {}, false};
  if (settings.method == SearchMethod::kGrid) {
    for (const auto& x : grid_points(settings.variables)) {
      rec.propose(x);
      if (rec.stop) break;
    }
    rec.out.result = rec.stop ? "interrupted" : "grid complete";
  } else {
    run_nlopt(settings, rec, start);
  }
  SearchOutcome& out = rec.out;
  out.ranking.resize(out.evaluated.size());
  for (std::size_t k = 0; k < out.ranking.size(); ++k) out.ranking[k] = static_cast<int>(k);
  auto key = [&](int k) {
    const double f = out.evaluated[static_cast<std::size_t>(k)].objective;
    return std::isnan(f) ? -HUGE_VAL : f;
  };
  std::stable_sort(out.ranking.begin(), out.ranking.end(), [&](int a, int b) { return key(a) > key(b); });
  return out;
}

namespace {
GrownPopulation grow_share(const TrialSpec& spec, const OutcomeExchange& exchange) {
  const auto [begin, end] = exchange.share(spec.population.size());
  return GrownPopulation(spec, begin, end);
}
}  // namespace

PopulationProblem::PopulationProblem(const TrialSpec& spec, const SearchSettings& settings, OutcomeExchange* exchange)
    : spec_(spec),
      settings_(settings),
      exchange_(exchange ? *exchange : local_),
      population_(grow_share(spec, exchange_)) {
  n_candidates_ = exchange_.sum(population_.n_candidates());
  n_patients_ = exchange_.sum(population_.n_patients());
  const auto t0 = std::chrono::steady_clock::now();
  const TrialArm& reference = spec.arms.at(static_cast<std::size_t>(settings.reference_arm));
  reference_outcomes_ = treat(reference);
  treat_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ++treated_;
  std::vector<double> metrics;
  const double f = objective_value(settings.objective, spec.horizon_day, reference_outcomes_, metrics);
  score_schedule(settings.objective, spec.horizon_day, reference_outcomes_, reference_outcomes_, f, reference_);
  reference_.arm = reference;
}

std::string PopulationProblem::violation(const std::vector<double>& x) {
  const TrialArm arm = schedule_arm(spec_.arms.at(static_cast<std::size_t>(settings_.arm)), settings_.variables, x,
                                    static_cast<int>(spec_.lesion_names.size()));
  return constraint_violation(arm, settings_.constraints);
}

EvaluatedSchedule PopulationProblem::evaluate_arm(const TrialArm& arm, const std::vector<double>& x) {
  const auto t0 = std::chrono::steady_clock::now();
  EvaluatedSchedule e;
  e.x = x;
  e.arm = arm;
  e.dose = schedule_dose(arm, settings_.constraints.alpha_beta_Gy);
  const std::vector<ArmOutcome> outcomes = treat(arm);
  score_schedule(settings_.objective, spec_.horizon_day, reference_outcomes_, outcomes, reference_.objective, e);
  treat_seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  ++treated_;
  return e;
}

std::vector<ArmOutcome> PopulationProblem::treat(const TrialArm& arm) {
  return exchange_.gather(population_.treat(arm));
}

EvaluatedSchedule PopulationProblem::evaluate(const std::vector<double>& x) {
  TrialArm arm = schedule_arm(spec_.arms.at(static_cast<std::size_t>(settings_.arm)), settings_.variables, x,
                              static_cast<int>(spec_.lesion_names.size()));
  arm.name = "schedule";
  return evaluate_arm(arm, x);
}

std::vector<double> PopulationProblem::base_values() const {
  const TrialArm& arm = spec_.arms.at(static_cast<std::size_t>(settings_.arm));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double first_ici = nan;
  for (const auto& r : arm.treatment)
    first_ici = std::isnan(first_ici) ? r.start_day : std::min(first_ici, r.start_day);
  const RadiotherapyCourse* c = arm.radiotherapy.empty() ? nullptr : &arm.radiotherapy[0];
  const DoseRegimen* r = arm.treatment.empty() ? nullptr : &arm.treatment[0];
  std::vector<double> x;
  for (const auto& v : settings_.variables) {
    double value = nan;
    switch (v.kind) {
      case ScheduleVariable::kRtDosePerFraction:
        if (c) value = c->dose_per_fraction_Gy;
        break;
      case ScheduleVariable::kRtFractions:
        if (c) value = c->fractions;
        break;
      case ScheduleVariable::kRtSpacingDay:
        if (c && c->fractions > 1) value = c->fraction_days()[1] - c->fraction_days()[0];
        break;
      case ScheduleVariable::kRtStartFromIciDay:
        if (c) value = c->start_day - first_ici;
        break;
      case ScheduleVariable::kRtLesion:
        if (c && !c->lesions.empty()) value = c->lesions[0];
        break;
      case ScheduleVariable::kIciStartDay:
        value = first_ici;
        break;
      case ScheduleVariable::kIciDose:
        if (r) value = r->dose_mg_per_kg > 0.0 ? r->dose_mg_per_kg : r->dose_mg;
        break;
      case ScheduleVariable::kIciIntervalDay:
        if (r) value = r->interval_day;
        break;
    }
    x.push_back(value);
  }
  return x;
}

namespace {

/// The best schedules and the reference re-evaluated on a fresh population of the same design.
void confirm(const io::LoadedScenario& loaded, const ModelDefinition& model, const SearchRunOptions& options,
             SearchRun& run, io::SearchWriter* writer, OutcomeExchange* exchange) {
  Scenario fresh = loaded.scenario;
  fresh.population.seed = run.settings.confirm_seed;
  fresh.population.size = run.settings.confirm_size;
  fresh.trajectory_outputs.clear();
  TrialSpec spec = build_trial_spec(model, fresh, options.threads);
  spec.trajectory_outputs.clear();
  PopulationProblem problem(spec, run.settings, exchange);
  run.confirm_reference = problem.reference();
  const std::size_t top = std::min(run.outcome.ranking.size(), static_cast<std::size_t>(run.settings.top));
  for (std::size_t k = 0; k < top; ++k) {
    const EvaluatedSchedule& best = run.outcome.evaluated[static_cast<std::size_t>(run.outcome.ranking[k])];
    EvaluatedSchedule e = problem.evaluate_arm(best.arm, best.x);
    e.index = best.index;
    run.confirm_schedules.push_back(e);
  }
  run.confirmed = true;
  run.confirm_patients = problem.n_patients();
  if (writer)
    writer->write_confirmation(run.confirm_reference, run.confirm_schedules, run.confirm_patients,
                               run.settings.confirm_seed);
}

}  // namespace

namespace {
/// The sink of a process that does not write (the other MPI ranks).
class NoSink : public SearchSink {
 public:
  void write_reference(const EvaluatedSchedule&) override {}
  void write_evaluated(const EvaluatedSchedule&) override {}
  void write_skipped(const std::vector<double>&, const std::string&) override {}
};
}  // namespace

SearchRun run_search(const io::LoadedScenario& loaded, const ModelDefinition& model, const SearchRunOptions& options,
                     const io::RunInfo& info, const std::function<bool()>& keep_going, OutcomeExchange* exchange,
                     bool writes) {
  Scenario scenario = loaded.scenario;
  if (!scenario.search.settings.enabled)
    throw Error(ErrorKind::kInput, "the scenario has no `search` block (docs/search.md)");
  if (options.size > 0) scenario.population.size = options.size;
  if (options.evaluations > 0) scenario.search.settings.max_evaluations = options.evaluations;
  SearchRun run;
  run.settings = scenario.search.settings;
  run.file = options.output.empty() ? scenario.output_file : options.output;
  TrialSpec spec = build_trial_spec(model, scenario, options.threads);
  spec.trajectory_outputs.clear();  // a search keeps read-outs, not trajectories
  std::unique_ptr<io::SearchWriter> writer;
  if (writes) writer = std::make_unique<io::SearchWriter>(run.file, model, scenario, info);
  NoSink none;
  SearchSink& sink = writer ? static_cast<SearchSink&>(*writer) : none;
  PopulationProblem problem(spec, run.settings, exchange);
  run.reference = problem.reference();
  sink.write_reference(run.reference);
  std::function<bool()> go = keep_going;
  if (exchange)  // every process stops together, or the others would wait for it forever
    go = [&] { return exchange->all(!keep_going || keep_going()); };
  run.outcome = search_schedules(run.settings, problem, sink, problem.base_values(), go);
  run.n_candidates = problem.n_candidates();
  run.n_patients = problem.n_patients();
  run.growth_wall_seconds = problem.population().growth_wall_seconds();
  run.treat_wall_seconds = problem.treat_wall_seconds();
  run.n_treated = problem.schedules_treated();
  if (run.outcome.completed && run.settings.confirm_size > 0)
    confirm(loaded, model, options, run, writer.get(), exchange);
  io::SearchTotals totals;
  totals.result = run.outcome.result;
  totals.n_considered = run.outcome.n_considered;
  totals.n_skipped = run.outcome.n_skipped;
  totals.n_evaluated = static_cast<int>(run.outcome.evaluated.size());
  totals.n_candidates = run.n_candidates;
  totals.n_patients = run.n_patients;
  totals.growth_wall_seconds = run.growth_wall_seconds;
  totals.treat_wall_seconds = run.treat_wall_seconds;
  totals.completed = run.outcome.completed;
  for (int k : run.outcome.ranking) totals.ranking.push_back(run.outcome.evaluated[static_cast<std::size_t>(k)].index);
  if (writer) writer->finish(totals);
  return run;
}

}  // namespace vct
