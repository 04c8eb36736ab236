// SPDX-License-Identifier: MIT
// Schedule search (docs/search.md): the schedule variables a search varies on one arm, the
// clinical constraints a schedule must meet, the objective read from an arm's outcomes, and a
// population grown once and treated with any number of schedules (paired: the same patients in
// every schedule). The search methods (grid, NLopt) are in app/search.hpp.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/trial.hpp"

namespace vct {

/// A schedule knob. RT variables act on the arm's first radiotherapy course, ICI variables on
/// every regimen of the arm (a combination moves together).
enum class ScheduleVariable {
  kRtDosePerFraction,  ///< Gy per fraction
  kRtFractions,        ///< number of fractions (integer >= 1)
  kRtSpacingDay,       ///< days between fractions (the course becomes explicit: 0, s, 2s, ...)
  kRtStartFromIciDay,  ///< RT start minus the first ICI dose's day (negative: RT first)
  kRtLesion,           ///< the irradiated lesion (0-based index; the course treats that one only)
  kIciStartDay,        ///< first ICI dose, day (the RT start moves with it only when rt_start_from_ici_day is searched)
  kIciDose,            ///< dose per administration in the regimen's own unit (mg or mg/kg)
  kIciIntervalDay,     ///< days between ICI doses
};
inline constexpr int kScheduleVariableCount = 8;
const char* to_string(ScheduleVariable v);
/// Unit of the variable's values ("Gy", "1", "day", "index", "mg or mg/kg").
const char* unit_of(ScheduleVariable v);
/// Integer-valued variables (fractions, lesion index).
bool is_integer(ScheduleVariable v);

/// One searched variable: the values it may take, ascending (a list, or a range expanded with its
/// step); an optimiser moves on them by index. `continuous`: a range without a step, which the
/// optimiser searches continuously in [lower, upper] (a grid cannot).
struct SearchVariable {
  ScheduleVariable kind = ScheduleVariable::kRtDosePerFraction;
  std::vector<double> values;
  bool continuous = false;
  double lower = 0.0, upper = 0.0;  ///< continuous range
};

/// Clinical constraints a schedule must meet before it is simulated. NaN (or 0 for counts)
/// means no bound. BED and EQD2 use alpha_beta_Gy, summed over the arm's courses.
struct ScheduleConstraints {
  double alpha_beta_Gy = 10.0;
  double bed_min_Gy = std::numeric_limits<double>::quiet_NaN(), bed_max_Gy = std::numeric_limits<double>::quiet_NaN();
  double eqd2_min_Gy = std::numeric_limits<double>::quiet_NaN(), eqd2_max_Gy = std::numeric_limits<double>::quiet_NaN();
  double edic_max_Gy =
      std::numeric_limits<double>::quiet_NaN();  ///< effective dose to circulating immune cells, all courses
  int fractions_max = 0;                         ///< all courses
  /// Treatment window: first RT fraction or ICI dose to the last RT fraction or the first ICI
  /// dose, whichever is later (the time over which the schedule's parts are delivered), days.
  double window_max_day = std::numeric_limits<double>::quiet_NaN();
};

/// The dose metrics of an arm's radiotherapy that the constraints read.
struct ScheduleDose {
  double bed_Gy = 0.0, eqd2_Gy = 0.0, edic_Gy = 0.0;
  int fractions = 0;
  double window_day = 0.0;
};
ScheduleDose schedule_dose(const TrialArm& arm, double alpha_beta_Gy);

/// The first constraint the arm violates, as a sentence ("BED 120 Gy above bed_max_Gy 100"),
/// or empty when it meets them all.
std::string constraint_violation(const TrialArm& arm, const ScheduleConstraints& constraints);

/// `base` with the variables set to `x` (one value per variable, in order). The course's EDIC
/// follows its new dose: recomputed by default_edic_Gy when the scenario did not give one, else
/// scaled with the total dose (the EDIC formula is linear in dose for a fixed plan). Throws
/// Error(kInput) when a variable has nothing to act on (no course, no regimen, a lesion index
/// outside [0, n_lesions)).
TrialArm schedule_arm(const TrialArm& base, const std::vector<SearchVariable>& variables, const std::vector<double>& x,
                      int n_lesions);

/// What a search maximises: a weighted sum of arm metrics (each in its own unit: a rate as a
/// fraction in [0, 1], a time in days).
enum class SearchMetric {
  kOrr,               ///< whole-disease objective response rate
  kOutOfFieldOrr,     ///< ORR of the lesions the arm does not irradiate
  kDcr,               ///< disease control rate
  kMedianPfsDay,      ///< Kaplan-Meier median PFS (the horizon when not reached)
  kRestrictedPfsDay,  ///< restricted mean PFS to the objective's horizon
  kMedianOsDay,       ///< median OS (progression module overall_survival)
  kRestrictedOsDay,   ///< restricted mean OS to the horizon
};
inline constexpr int kSearchMetricCount = 7;
const char* to_string(SearchMetric m);
const char* unit_of(SearchMetric m);

struct ObjectiveTerm {
  SearchMetric metric = SearchMetric::kOutOfFieldOrr;
  double weight = 1.0;
};

struct SearchObjective {
  std::vector<ObjectiveTerm> terms;
  double horizon_day = std::numeric_limits<double>::quiet_NaN();  ///< restricted means (NaN: the trial's horizon)
};

/// The metric over an arm's outcomes (patients aligned as in summarise_arms). NaN when it cannot
/// be read (no out-of-field lesions, no OS). `horizon_day` bounds the restricted means and stands
/// for a median not reached.
double metric_value(SearchMetric m, const std::vector<ArmOutcome>& outcomes, double horizon_day);

/// How a search explores the space.
enum class SearchMethod { kGrid, kNlopt };

/// A scenario's `search` block, resolved (arm names to indices; docs/search.md).
struct SearchSettings {
  bool enabled = false;
  int arm = 0;            ///< the arm whose schedule is varied (its other settings are kept)
  int reference_arm = 0;  ///< the arm every schedule is compared with, paired
  std::vector<SearchVariable> variables;
  ScheduleConstraints constraints;
  SearchObjective objective;
  SearchMethod method = SearchMethod::kGrid;
  std::string algorithm = "sbplx";  ///< NLopt: sbplx or neldermead
  int max_evaluations = 40;         ///< NLopt: schedules simulated at most
  int top = 5;                      ///< best schedules reported (and confirmed)
  /// Confirmation on a fresh population (the best schedules and the reference re-evaluated on
  /// confirm_size candidates drawn with confirm_seed), against the optimism of the best of many
  /// (0: no confirmation).
  int confirm_size = 0;
  std::uint64_t confirm_seed = 0;
};

/// One schedule's outcome in a search, with its paired comparison with the reference arm (the
/// same patients; differences are this schedule minus the reference).
struct EvaluatedSchedule {
  int index = 0;          ///< 1-based order of evaluation (0: the reference arm)
  std::vector<double> x;  ///< the variables' values
  TrialArm arm;
  ScheduleDose dose;
  std::vector<double> metrics;              ///< per objective term
  double objective = 0.0;                   ///< sum of weight * metric (NaN when a metric is NaN)
  int n = 0;                                ///< evaluable patients
  stats::Proportion orr, out_of_field_orr;  ///< out_of_field_orr.n = 0 without out-of-field lesions
  double median_pfs_day = 0.0;              ///< NaN when not reached
  stats::PairedDifference orr_difference, out_of_field_orr_difference;
  double mcnemar_p = 1.0;  ///< whole-disease responders, exact
  stats::HazardRatio pfs_hazard_ratio;
  double pfs_log_rank_p = 1.0;
  double objective_difference = 0.0;
};

/// Receives a search's results as they come (in evaluation order), so a killed search keeps every
/// schedule evaluated before it.
class SearchSink {
 public:
  virtual ~SearchSink() = default;
  virtual void write_reference(const EvaluatedSchedule& reference) = 0;
  virtual void write_evaluated(const EvaluatedSchedule& schedule) = 0;
  /// A schedule the constraints excluded before simulation, with the reason.
  virtual void write_skipped(const std::vector<double>& x, const std::string& reason) = 0;
};

/// Compares `schedule` (outcomes of the schedule's arm) with the reference arm's outcomes, paired
/// by patient, and fills the schedule's read-outs and objective.
void score_schedule(const SearchObjective& objective, double horizon_day, const std::vector<ArmOutcome>& reference,
                    const std::vector<ArmOutcome>& outcomes, double reference_objective, EvaluatedSchedule& schedule);

/// The objective of an arm's outcomes: the weighted sum of its terms; fills `metrics`.
double objective_value(const SearchObjective& objective, double horizon_day, const std::vector<ArmOutcome>& outcomes,
                       std::vector<double>& metrics);

/// Arm outcomes as flat numbers, kPackedOutcomeSize per patient (to move them between processes).
inline constexpr std::size_t kPackedOutcomeSize = 30 + kBiomarkerCount;
std::vector<double> pack_outcomes(const std::vector<ArmOutcome>& outcomes);
/// The inverse of pack_outcomes; throws Error(kInternal) when the size is not a multiple.
std::vector<ArmOutcome> unpack_outcomes(const std::vector<double>& packed);

/// How the processes of a search share its population (MPI ranks; the default is one process
/// holding every candidate). Every process must make the same calls in the same order.
class OutcomeExchange {
 public:
  virtual ~OutcomeExchange() = default;
  /// This process's candidates, [begin, end) of [0, n).
  virtual std::pair<std::size_t, std::size_t> share(std::size_t n) const { return {0, n}; }
  /// Every process's outcomes of one arm, in candidate order, from this process's own.
  virtual std::vector<ArmOutcome> gather(const std::vector<ArmOutcome>& mine) { return mine; }
  /// The sum over processes (counts).
  virtual std::size_t sum(std::size_t mine) { return mine; }
  /// True when every process wants to go on.
  virtual bool all(bool mine) { return mine; }
};

/// A population grown once (the initial-condition phase of every candidate) and treated with
/// any number of arms, in parallel over patients: the same patients for every schedule, and
/// results identical for any thread count (each patient depends only on its own inputs).
class GrownPopulation {
 public:
  /// Screens the candidates [begin, end) of spec.population (spec.threads threads; default every
  /// candidate). The spec must outlive this object. Throws Error(kInput) for
  /// probability-of-inclusion selection, which a search does not support.
  explicit GrownPopulation(const TrialSpec& spec, std::size_t begin = 0,
                           std::size_t end = std::numeric_limits<std::size_t>::max());
  const TrialSpec& spec() const { return spec_; }
  std::size_t n_candidates() const { return candidates_.size(); }
  std::size_t n_patients() const { return patients_.size(); }
  const std::vector<CandidateResult>& candidates() const { return candidates_; }
  /// Every patient treated in `arm`, in candidate order.
  std::vector<ArmOutcome> treat(const TrialArm& arm) const;
  /// Wall time spent growing (the cost a search shares among its schedules), s.
  double growth_wall_seconds() const { return growth_wall_seconds_; }

 private:
  const TrialSpec& spec_;
  std::vector<double> scans_;
  std::vector<CandidateResult> candidates_;
  std::vector<std::size_t> patients_;          ///< candidate indices of the patients
  std::vector<std::vector<double>> baseline_;  ///< their states at treatment start
  double growth_wall_seconds_ = 0.0;
};

}  // namespace vct
