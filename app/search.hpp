// SPDX-License-Identifier: MIT
// `vct search` (docs/search.md): the search methods over a schedule space (an exhaustive grid, or
// an NLopt derivative-free optimiser moving on the variables' values), and the population problem
// that evaluates a schedule on one grown population (common random numbers: every schedule treats
// the same patients, paired with the reference arm).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/schedule_search.hpp"
#include "core/trial.hpp"
#include "io/hdf5_writer.hpp"
#include "io/scenario/loader.hpp"

namespace vct {

/// What a search method needs from a problem: the constraint check (cheap, before any simulation)
/// and the evaluation of a feasible schedule.
class ScheduleProblem {
 public:
  virtual ~ScheduleProblem() = default;
  /// Empty when the schedule meets every constraint, else the first violation as a sentence.
  virtual std::string violation(const std::vector<double>& x) = 0;
  /// Simulates the schedule (only called on feasible ones); sets objective and read-outs.
  virtual EvaluatedSchedule evaluate(const std::vector<double>& x) = 0;
};

struct SearchOutcome {
  std::vector<EvaluatedSchedule> evaluated;  ///< in evaluation order (index 1, 2, ...)
  std::vector<int> ranking;                  ///< positions in `evaluated`, best objective first (NaN last)
  int n_considered = 0;                      ///< distinct schedules proposed (evaluated + skipped)
  int n_skipped = 0;                         ///< excluded by the constraints, not simulated
  std::string result;                        ///< how the method ended
  bool completed = true;                     ///< false when stopped by `keep_going`
};

/// Every combination of the variables' values (the first variable varies slowest). Throws
/// Error(kInput) for a continuous variable or more than `max_points` combinations.
std::vector<std::vector<double>> grid_points(const std::vector<SearchVariable>& variables,
                                             std::size_t max_points = 100000);

/// Runs the search: the grid in order, or NLopt (settings.algorithm) from `start` (values of the
/// variables, snapped to their grids) until settings.max_evaluations schedules were simulated or it
/// converged. Each proposed schedule is checked, then evaluated once (a repeated proposal reuses
/// its result); skipped and evaluated schedules go to `sink` as they come. `keep_going` is asked
/// after each evaluation (false: stop, completed = false). Deterministic for a deterministic problem.
SearchOutcome search_schedules(const SearchSettings& settings, ScheduleProblem& problem, SearchSink& sink,
                               const std::vector<double>& start, const std::function<bool()>& keep_going = {});

/// A schedule problem on a population grown once: the search's arm with the variables applied,
/// checked against the constraints, treated on every patient and compared with the reference arm.
class PopulationProblem : public ScheduleProblem {
 public:
  /// `spec` is the trial's (its arms give the varied and the reference arm); it must outlive this.
  /// `exchange` shares the population among processes (null: this process holds it all).
  PopulationProblem(const TrialSpec& spec, const SearchSettings& settings, OutcomeExchange* exchange = nullptr);
  std::string violation(const std::vector<double>& x) override;
  EvaluatedSchedule evaluate(const std::vector<double>& x) override;
  /// Evaluates a whole arm (the reference, or a schedule's arm on another population).
  EvaluatedSchedule evaluate_arm(const TrialArm& arm, const std::vector<double>& x);
  const EvaluatedSchedule& reference() const { return reference_; }
  const GrownPopulation& population() const { return population_; }
  /// Candidates and patients over every process.
  std::size_t n_candidates() const { return n_candidates_; }
  std::size_t n_patients() const { return n_patients_; }
  /// The variables' values of the searched arm as the scenario gives it (the optimiser's start).
  std::vector<double> base_values() const;
  /// Wall time spent treating the population, and the arms treated (the reference included).
  double treat_wall_seconds() const { return treat_seconds_; }
  int schedules_treated() const { return treated_; }

 private:
  std::vector<ArmOutcome> treat(const TrialArm& arm);

  const TrialSpec& spec_;
  const SearchSettings& settings_;
  OutcomeExchange local_;
  OutcomeExchange& exchange_;
  GrownPopulation population_;
  std::size_t n_candidates_ = 0, n_patients_ = 0;
  std::vector<ArmOutcome> reference_outcomes_;
  EvaluatedSchedule reference_;
  double treat_seconds_ = 0.0;
  int treated_ = 0;
};

/// `vct search` options beyond the scenario (0 / empty: the scenario's).
struct SearchRunOptions {
  std::string output;
  int threads = 0;
  int size = 0;         ///< population size
  int evaluations = 0;  ///< NLopt's max_evaluations
};

/// A finished (or interrupted) search of a scenario's `search` block.
struct SearchRun {
  std::string file;
  SearchSettings settings;  ///< as run (options applied)
  SearchOutcome outcome;
  EvaluatedSchedule reference;
  std::size_t n_candidates = 0, n_patients = 0;
  double growth_wall_seconds = 0.0, treat_wall_seconds = 0.0;
  int n_treated = 0;  ///< arms treated on the search population (the schedules and the reference)
  /// Confirmation on a fresh population (settings.confirm_size > 0): the reference, then the best
  /// schedules in ranking order.
  bool confirmed = false;
  std::size_t confirm_patients = 0;
  EvaluatedSchedule confirm_reference;
  std::vector<EvaluatedSchedule> confirm_schedules;
};

/// Runs the scenario's search and writes every schedule to the result file as it is evaluated.
/// With `exchange` (MPI ranks), each process grows and treats its share of the population and
/// only the process with `writes` true writes the file; every process returns the same run.
/// Throws Error(kInput) when the scenario has no `search` block.
SearchRun run_search(const io::LoadedScenario& loaded, const ModelDefinition& model, const SearchRunOptions& options,
                     const io::RunInfo& info, const std::function<bool()>& keep_going = {},
                     OutcomeExchange* exchange = nullptr, bool writes = true);

}  // namespace vct
