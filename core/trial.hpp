// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <functional>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/biomarkers.hpp"
#include "core/coupling.hpp"
#include "core/dosing.hpp"
#include "core/population.hpp"
#include "core/progression.hpp"
#include "core/radiotherapy.hpp"
#include "core/recist.hpp"
#include "core/selection.hpp"
#include "core/simulation.hpp"
#include "core/statistics.hpp"
#include "core/stopping.hpp"
#include "core/subgroups.hpp"
#include "core/tumour_kinetics.hpp"

namespace vct {

struct TrialArm {
  std::string name;
  std::vector<DoseRegimen> treatment;
  std::vector<RadiotherapyCourse> radiotherapy;
  StopRule stop_ici;  ///< when the arm stops dosing a patient (core/stopping.hpp); off by default
  /// Indices in model.drugs() of the drugs the arm doses (see regimen_drug_index).
  std::vector<int> drug_indices(const ModelDefinition& model) const;
};

/// The progression read-out modules (core/progression.hpp), off unless the scenario asks.
struct ProgressionSpec {
  bool new_lesions = false;
  bool occult_growth = false;  ///< new-lesion law: occult_growth (true) or burden_rate (false, the first one)
  bool overall_survival = false;
  bool non_target = false;
  double follow_up_day = std::numeric_limits<double>::quiet_NaN();  ///< OS follow-up (NaN: the horizon)
  ProgressionParameterIndices parameters;                           ///< resolved from the model's table
  bool any() const { return new_lesions || overall_survival || non_target; }
};

/// Everything a virtual trial needs. Every arm treats the same candidates (paired design).
/// Which pairs of arms a trial compares and how their p-values are adjusted (scenario section
/// `comparisons`, docs/recist.md "Comparisons of arms").
struct ComparisonPlan {
  int control = 0;         ///< index of the arm every other arm is compared with (default the first)
  bool all_pairs = false;  ///< every pair of arms instead of the control against each other arm
  bool holm = true;        ///< Holm-adjust each family of p-values (McNemar, Fisher, log-rank) over the comparisons
};

struct TrialSpec {
  const ModelDefinition* model = nullptr;
  std::vector<ParameterOverride> overrides;  ///< fixed for every patient (resolved indices)
  double weight_kg = 80.0;
  Population population;
  InitialisationOptions initialisation;
  std::vector<TrialArm> arms;
  std::vector<std::string> lesion_names = {"primary"};
  double horizon_day = 400.0;
  double output_interval_day = 1.0;
  RecistOptions recist;
  ProgressionSpec progression;
  ComparisonPlan comparisons;
  SolverOptions solver;
  std::vector<int> trajectory_outputs;      ///< model output indices kept per patient and arm
  bool select_by_inclusion = false;         ///< QSP-IO probability-of-inclusion selection
  std::vector<Point3> observed_log_ratios;  ///< data for the selection
  /// Enrolment by PD-L1 TPS (population.tps_min_pct / tps_max_pct): a patient is enrolled when
  /// min <= TPS < max (NaN: no bound); the others are kNotSelected. Decided per candidate from its
  /// own baseline, so it needs no screening pass.
  double tps_min_pct = std::numeric_limits<double>::quiet_NaN();
  double tps_max_pct = std::numeric_limits<double>::quiet_NaN();
  std::vector<SubgroupDefinition> subgroups;  ///< analyses of every trial summary (docs/biomarkers.md)
  /// population.line_of_therapy: first_line applies the model's first-line scaling
  /// (ResolvedModel::first_line_scaling) to every candidate; false: the table's pretreated population.
  bool first_line = false;
  /// A sub-model coupled to every patient run (the agent-based lesion windows); empty: none.
  SliceCouplingFactory coupling;
  int threads = 1;
  int batch_size = 0;  ///< candidates per parallel batch (0: 32 per thread)
};

/// Candidate status beyond PatientStatus: not selected by the probability of inclusion.
enum class CandidateStatus : int { kPatient = 0, kNotAPatient = 1, kSolverFailure = 2, kNotSelected = 3 };
const char* to_string(CandidateStatus s);

struct ArmResult {
  PatientStatus status = PatientStatus::kOk;
  std::string message;
  bool assessed = false;  ///< RECIST available (a solver failure is assessed on the scans before it)
  RecistOutcome recist;
  /// Multi-lesion RT model: RECIST on the lesions irradiated in this arm (in field) and on the
  /// others (out of field, the abscopal read-out); flags say whether each site has lesions.
  bool in_field = false, out_of_field = false;
  RecistOutcome recist_in_field, recist_out_of_field;
  BiexponentialFit kinetics;  ///< of the sum of diameters at the scans (NaN with fewer than 3 scans)
  double first_scan_change_pct = std::numeric_limits<double>::quiet_NaN();         ///< at the first scan
  double tgr_first_scan_pct_per_month = std::numeric_limits<double>::quiet_NaN();  ///< baseline to first scan
  bool hyperprogression = false;  ///< Ferrara 2018: PD at the first scan and TGR up by > 50 %/month
  /// Progression modules (NaN / false when off): first new lesion (+inf: none within the horizon),
  /// death (the survival link's time, may lie beyond follow-up), OS censored at follow-up, the
  /// non-target disease's log-diameter growth beyond the measured disease (1/day).
  double new_lesion_day = std::numeric_limits<double>::quiet_NaN();
  double non_target_growth_per_day = std::numeric_limits<double>::quiet_NaN();
  double death_day = std::numeric_limits<double>::quiet_NaN();
  double os_day = std::numeric_limits<double>::quiet_NaN();
  bool os_event = false;
  /// The arm's stopping rule gave no dose on or after this day (NaN: not stopped, or the rule
  /// fired after the last scheduled dose).
  double ici_stop_day = std::numeric_limits<double>::quiet_NaN();
  /// StopRule::earliest_stop: the earliest scan day (from the first response, before the last
  /// dose given) at which stopping every drug keeps the outcome (no PFS event within the
  /// horizon); +inf when no such scan; NaN when not analysed (no analysis, or the outcome was not
  /// kept).
  double earliest_stop_day = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> trajectories;  ///< [output][time] for TrialSpec::trajectory_outputs
  /// With TrialSpec::coupling: its records of this run, per table of coupling.tables, row-major.
  std::vector<std::vector<double>> coupling_rows;
  long steps = 0;
  double wall_seconds = 0.0;
};

/// Biomarkers of a candidate at baseline (treatment start), read from the model state
/// (docs/recist.md, "Baseline biomarkers"); NaN when the model does not offer one or the
/// candidate is not a patient.
struct BaselineBiomarkers {
  double pdl1_per_cancer_cell = std::numeric_limits<double>::quiet_NaN();  ///< molecules per cancer cell (T-C1 synapse)
  double cd8_density_per_mm3 = std::numeric_limits<double>::quiet_NaN();   ///< CD8 T cells in the tumour per mm^3
  double clone_number = std::numeric_limits<double>::quiet_NaN();          ///< tumour-specific CD8 clones (a TMB proxy)
  double tps_pct =
      std::numeric_limits<double>::quiet_NaN();  ///< PD-L1 tumour proportion score, % (core/biomarkers.hpp)
};

struct CandidateResult {
  std::size_t candidate = 0;
  CandidateStatus status = CandidateStatus::kPatient;
  std::string message;
  double growth_time_day = 0.0;
  double baseline_diameter_cm = 0.0;
  /// Untreated growth at baseline (the model's flow at t = 0 without drug), as a tumour growth
  /// rate of the sum of diameters, %/month of volume (Ferté 2014); NaN when not a patient.
  double tgr_pre_pct_per_month = std::numeric_limits<double>::quiet_NaN();
  Point3 immune_log_ratios{};  ///< ln M1/M2, ln Treg/CD8, ln CD8/CD4 at baseline
  BaselineBiomarkers biomarkers;
  double selection_probability = 1.0;
  double wall_seconds_initialisation = 0.0;
  std::vector<ArmResult> arms;  ///< empty unless status is kPatient
};

/// The arm's tumour kinetics as tumour-dynamics analyses report them (docs/recist.md): quantiles
/// (type 7, as numpy) of the change at the first scan and of the bi-exponential rates.
struct KineticsSummary {
  int n_first_scan = 0;                            ///< patients with a first scan
  std::array<double, 5> first_scan_change_pct{};   ///< P10, P25, P50, P75, P90
  double first_scan_grow_20 = 0.0;                 ///< fraction at or above +20 %
  double first_scan_shrink_30 = 0.0;               ///< fraction at or below -30 %
  int n_fitted = 0;                                ///< patients with at least 3 scans
  std::array<double, 3> g_per_day{}, d_per_day{};  ///< P10, P50, P90
  double g_zero = 0.0, d_zero = 0.0;               ///< fractions fitted at 0 (no regrowth / no shrinkage)
  std::array<double, 3> tgr_pre_pct_per_month{};   ///< P10, P50, P90 of the untreated growth at baseline
  double hyperprogression = 0.0;                   ///< fraction of patients with a first scan (Ferrara 2018)
};

/// Response counts restricted to one site (in-field or out-of-field lesions).
struct SiteSummary {
  int n = 0;
  std::array<int, 5> counts{};  ///< CR, PR, SD, PD, NE
  stats::Proportion orr, dcr;
};

struct ArmSummary {
  std::string name;
  SiteSummary in_field, out_of_field;  ///< n = 0 when the arm has no such lesions
  int n = 0;  ///< evaluable patients (including solver failures, assessed on the scans before the failure)
  std::array<int, 5> counts{};  ///< CR, PR, SD, PD, NE
  stats::Proportion orr, dcr;
  stats::KaplanMeier pfs;
  stats::SurvivalAt pfs_6_months, pfs_12_months;  ///< PFS landmarks (182.625 and 365.25 days); NaN beyond follow-up
  double median_time_to_response_day = 0.0;       ///< among responders (NaN without responders)
  stats::KaplanMeier duration_of_response;        ///< among responders; censored when the response had not ended
  KineticsSummary kinetics;
  int solver_failures = 0;  ///< of which stopped early by the solver
  /// Patients whose PFS ended by a PD scan, of whom those whose first PD showed a new lesion or
  /// unequivocal non-target progression (progression modules), and those whose PFS ended by death.
  int progressed = 0, pd_new_lesion = 0, pd_non_target = 0, pfs_deaths = 0;
  bool has_os = false;  ///< overall_survival on: the OS curve and landmarks below
  stats::KaplanMeier os;
  stats::SurvivalAt os_6_months, os_12_months, os_24_months;  ///< NaN beyond follow-up
  /// Stopping rule (TrialArm::stop_ici): patients whose dosing it stopped, the median stop day
  /// (NaN when none), and of them those with a PFS event after the stop day (regrowth, a new
  /// lesion or death: the response was not kept).
  int ici_stopped = 0;
  double median_ici_stop_day = std::numeric_limits<double>::quiet_NaN();
  int progressed_after_stop = 0;
  /// StopRule::earliest_stop: patients analysed (outcome kept), of whom those who could have
  /// stopped at an earlier scan, and the median earliest stop day over the analysed ones (+inf
  /// when more than half could not stop earlier; NaN when none analysed).
  int earliest_stop_analysed = 0, earliest_stop_found = 0;
  double median_earliest_stop_day = std::numeric_limits<double>::quiet_NaN();
};

/// Landmark times of the summaries: 6 and 12 months of 365.25 / 12 days.
inline constexpr double kSixMonthsDay = 182.625;
inline constexpr double kTwelveMonthsDay = 365.25;
inline constexpr double kTwentyFourMonthsDay = 730.5;

struct ArmComparison {
  std::string first, second;
  int n_pairs = 0;
  double orr_difference = 0.0;  ///< second minus first
  int responders_first_only = 0, responders_second_only = 0;
  double mcnemar_p = 1.0;  ///< paired (same patients in both arms)
  double fisher_p = 1.0;   ///< as if the arms were independent
  stats::LogRank pfs_log_rank;
  bool has_os = false;
  stats::LogRank os_log_rank;  ///< when both arms have OS
  /// The p-values above adjusted for multiplicity over the trial's comparisons (Holm, each test's
  /// family separately; equal to the raw ones with one comparison or `adjustment: none`).
  double mcnemar_p_adjusted = 1.0, fisher_p_adjusted = 1.0, pfs_log_rank_p_adjusted = 1.0,
         os_log_rank_p_adjusted = std::numeric_limits<double>::quiet_NaN();
};

struct TrialSummary {
  std::size_t n_candidates = 0, n_plausible = 0, n_not_a_patient = 0, n_initialisation_failures = 0, n_selected = 0,
              n_patients = 0;
  SelectionResult selection;  ///< when selection was used
  std::vector<ArmSummary> arms;
  std::vector<ArmComparison> comparisons;   ///< the control against each other arm, or every pair (ComparisonPlan)
  std::vector<SubgroupAnalysis> subgroups;  ///< per TrialSpec::subgroups
  ComparisonPlan comparison_plan;           ///< how `comparisons` were chosen and adjusted
  bool completed = false;                   ///< false when stopped early; the summary covers the patients done
  std::size_t n_finished = 0;               ///< candidates whose results are written (0 when stopped in screening)
  double wall_seconds = 0.0;
};

/// Receives results in candidate order, one batch at a time and never two calls at once.
/// write_batch runs on a writer thread while the next batch is simulated; the other calls come
/// from the thread that called run_trial, after the previous write has finished.
class TrialSink {
 public:
  virtual ~TrialSink() = default;
  virtual void write_selection(const std::vector<CandidateResult>& /*screened*/, const SelectionResult& /*s*/) {}
  virtual void write_batch(const std::vector<CandidateResult>& batch) = 0;
  virtual void write_summary(const TrialSummary& summary) = 0;
};

struct TrialProgress {
  std::string phase;  ///< "screening" or "simulating"
  std::size_t done = 0;
  std::size_t total = 0;
  double elapsed_seconds = 0.0;
  std::size_t simulated = 0;  ///< candidates simulated in the batch just written (0: all done in an earlier attempt)
};
/// Called after each batch from the calling thread; returning false stops the trial after the
/// batch (the sink keeps everything written so far).
using ProgressCallback = std::function<bool(const TrialProgress&)>;

/// How candidates are shared among processes (MPI ranks); the default is one process taking
/// batches in order. Implementations must hand every batch to exactly one process.
class TrialDistribution {
 public:
  virtual ~TrialDistribution() = default;
  /// Next batch [begin, end) of [0, total) for this process in `phase` (0 screening, 1 simulation).
  virtual bool next_batch(int phase, std::size_t total, std::size_t batch, std::size_t& begin, std::size_t& end) = 0;
  /// Element-wise sum over all processes, in place (used to share screening results).
  virtual void sum_over_processes(std::vector<double>& values) = 0;
  /// Whether a stop request may end this process's screening pass early. Not when the other
  /// processes wait for its screening results in sum_over_processes (MPI): it then finishes the
  /// pass and stops after its first simulated batch.
  virtual bool may_stop_during_screening() const { return true; }
};

/// One process, batches in candidate order.
class LocalDistribution : public TrialDistribution {
 public:
  bool next_batch(int phase, std::size_t total, std::size_t batch, std::size_t& begin, std::size_t& end) override;
  void sum_over_processes(std::vector<double>&) override {}

 private:
  int phase_ = -1;
  std::size_t next_ = 0;
};

/// Parameters of candidate `row` in an arm dosing `arm_drugs` (empty: the initial-condition
/// phase): defaults, fixed overrides, the population row, the drugs' PK, the population's
/// drug-specific PK, and the fixed overrides again (so they win over drug tables); then, for a
/// first-line population (TrialSpec::first_line), the model's first-line scaling.
std::vector<double> candidate_parameters(const TrialSpec& spec, std::size_t row, const std::vector<DoseRegimen>& arm);

/// Multiplies each first-line-scaled parameter by its factor (ResolvedModel::first_line_scaling),
/// in place; a model without a line-of-therapy description leaves `p` unchanged.
void apply_first_line_scaling(const ModelDefinition& model, std::vector<double>& p);

/// The initial-condition phase of candidate `row` (growth to its baseline, biomarkers) and its
/// enrolment by TPS (kNotSelected outside the bounds). `state` (optional) receives the state at
/// treatment start of a patient, and is emptied otherwise. Thread-safe; depends only on the inputs.
CandidateResult screen_candidate(const TrialSpec& spec, std::size_t row, std::vector<double>* state);

/// Candidate `c` (a patient screened by screen_candidate, whose treatment-start state is `y0`)
/// treated in `arm`, assessed at `scans` (scan_days of the spec): the arm's stopping rule,
/// RECIST, kinetics, progression events and hyperprogression. Thread-safe; a patient's result
/// does not depend on the other arms or patients (the design behind "grow once, treat many").
ArmResult treat_candidate(const TrialSpec& spec, const CandidateResult& c, const TrialArm& arm,
                          const std::vector<double>& y0, const std::vector<double>& scans);

/// The summary's view of one patient's result in one arm.
struct ArmOutcome;
ArmOutcome arm_outcome(const CandidateResult& c, const ArmResult& a);

/// Candidates per batch: the scenario's batch_size, or 32 per thread.
std::size_t effective_batch_size(const TrialSpec& spec);

/// Runs the trial. Thread count does not change any result (each candidate's work depends only on
/// its own inputs; output order is candidate order within a batch). With a `distribution` shared
/// among processes, this process simulates only the batches it is handed and the returned summary
/// covers only those (merge the processes' outputs for the trial summary). Candidates marked in
/// `done` (resume) are skipped and not written again.
TrialSummary run_trial(const TrialSpec& spec, TrialSink& sink, const ProgressCallback& progress,
                       TrialDistribution* distribution = nullptr, const std::vector<bool>* done = nullptr);

/// Counts candidates by status and summarises arms from complete results (any order).
TrialSummary summarise_results(const TrialSpec& spec, const std::vector<CandidateResult>& results);

/// One patient's outcome in one arm, as the summary needs it.
struct ArmOutcome {
  bool evaluable = false;  ///< assessed by RECIST
  bool solver_failure = false;
  Response best = Response::kNE;
  double pfs_day = 0.0;
  bool pfs_event = false;
  bool in_field_evaluable = false, out_of_field_evaluable = false;
  Response best_in_field = Response::kNE, best_out_of_field = Response::kNE;
  double first_scan_change_pct = std::numeric_limits<double>::quiet_NaN();
  double g_per_day = std::numeric_limits<double>::quiet_NaN();                 ///< bi-exponential regrowth rate
  double d_per_day = std::numeric_limits<double>::quiet_NaN();                 ///< bi-exponential shrinkage rate
  double time_to_response_day = std::numeric_limits<double>::quiet_NaN();      ///< responders only
  double duration_of_response_day = std::numeric_limits<double>::quiet_NaN();  ///< responders only
  bool response_ended = false;  ///< the response ended in progression (else censored)
  double tgr_pre_pct_per_month = std::numeric_limits<double>::quiet_NaN();
  bool hyperprogression = false;
  bool pd_new_lesion = false;  ///< the first PD scan showed a new lesion
  bool pd_non_target = false;  ///< the first PD scan showed non-target progression
  bool pfs_death = false;      ///< PFS ended by death
  bool has_os = false;         ///< overall_survival on
  double os_day = std::numeric_limits<double>::quiet_NaN();
  bool os_event = false;
  BiomarkerValues biomarkers = no_biomarkers();                    ///< the patient's baseline biomarkers (subgroups)
  double ici_stop_day = std::numeric_limits<double>::quiet_NaN();  ///< ArmResult::ici_stop_day
  double earliest_stop_day = std::numeric_limits<double>::quiet_NaN();  ///< ArmResult::earliest_stop_day
  static BiomarkerValues no_biomarkers() {
    BiomarkerValues v;
    v.fill(std::numeric_limits<double>::quiet_NaN());
    return v;
  }
};

/// The candidate's baseline biomarkers by Biomarker (NaN where not offered).
BiomarkerValues biomarker_values(const CandidateResult& c);

/// Arm summaries and pairwise comparisons; outcomes[arm][patient], patients aligned across arms.
void summarise_arms(const std::vector<std::string>& arm_names, const std::vector<std::vector<ArmOutcome>>& outcomes,
                    TrialSummary& summary, const ComparisonPlan& plan = {});

}  // namespace vct
