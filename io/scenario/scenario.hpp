// SPDX-License-Identifier: MIT
#pragma once

#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "core/dosing.hpp"
#include "core/population.hpp"
#include "core/radiotherapy.hpp"
#include "core/recist.hpp"
#include "core/schedule_search.hpp"
#include "core/simulation.hpp"
#include "core/solver/integrator.hpp"
#include "core/trial.hpp"
#include "core/twin.hpp"

namespace vct {

/// A name given in a scenario with its index in the model's table, resolved by the loader.
struct NamedIndex {
  std::string name;
  int index = -1;
};

/// How the virtual population is obtained (docs/scenario-reference.md, `population`).
struct PopulationSettings {
  bool enabled = false;
  int size = 1;
  std::uint64_t seed = 1;
  bool latin_hypercube = true;
  std::string preset;                                ///< a model preset (e.g. wang2023), or empty
  bool pk_variability = true;                        ///< include the preset's latent PK blocks
  std::vector<ParameterDistribution> distributions;  ///< explicit; replace preset entries of the same parameter
  bool selection = false;                            ///< probability-of-inclusion selection against observed data
  std::string file;                                  ///< read the population from this result file instead of sampling
  bool first_line = false;  ///< line_of_therapy: first_line (the model's first-line scaling); false: pretreated
  /// Enrolment by PD-L1 TPS (%): min <= TPS < max; NaN: no bound (docs/biomarkers.md).
  double tps_min_pct = std::numeric_limits<double>::quiet_NaN();
  double tps_max_pct = std::numeric_limits<double>::quiet_NaN();
};

/// Which parameter values `vct run` starts from (scenario key `calibration`; docs/validation.md,
/// "Calibrated defaults"). The loader only records it; app/ applies the calibration.
enum class CalibrationMode { kCalibrated, kPublished };
inline const char* to_string(CalibrationMode m) {
  return m == CalibrationMode::kPublished ? "published" : "calibrated";
}

/// `comparisons`: which arms a trial compares (docs/recist.md, "Comparisons of arms"). The loader
/// resolves the control arm's name to its index (default: the first arm).
struct ComparisonSettings {
  NamedIndex control;
  bool all_pairs = false;
  bool holm = true;
};

/// `search` (docs/search.md): the schedule search of `vct search`, its arms given by name and
/// resolved to indices in `settings` by the loader.
struct SearchBlock {
  SearchSettings settings;
  std::string arm, reference;  ///< names as given (or the defaults)
  bool confirm_seed_given = false;
};

/// `observations` (docs/twin.md): one patient's lesion measurements and their error model; the
/// scans of `scans_file` (CSV) are read into `scans` by the loader, which resolves lesion names.
struct PatientObservations {
  bool enabled = false;
  MeasurementError error;
  std::vector<LesionScan> scans;             ///< in file order; lesion names resolved to indices
  std::vector<LymphocyteCount> lymphocytes;  ///< blood counts (inline or the CSV's lymphocytes_per_uL)
  std::string scans_file;                    ///< as written (relative to the patient file), empty: inline scans
};

/// `fit` (docs/twin.md): which parameters `vct fit` estimates, from which arm's treatment.
struct FitSettings {
  bool enabled = false;
  std::vector<std::string> parameters;  ///< each has a population law (the prior); resolved by the loader
  NamedIndex arm;                       ///< the treatment given so far (default: the first arm)
  int evaluations = 300;                ///< optimiser evaluations at most
};

/// `predict` (docs/twin.md): the fitted patient's course under the patient file's arms, to the
/// scenario's horizon.
struct PredictSettings {
  bool enabled = false;
  std::vector<NamedIndex> arms;  ///< resolved by the loader (default: every arm, in file order)
  int samples = 200;             ///< posterior draws
  double interval = 0.9;         ///< central prediction interval
  std::uint64_t seed = 0;        ///< the loader fills the population's seed when absent
};

/// Resource caps the loader enforces on valid-looking input (issue #19 F1; docs/scenario-reference.md,
/// "Limits"), so that a run cannot exhaust memory or disk after `vct check` passed it.
constexpr double kMaxDosesPerRegimen = 100000;  ///< doses of one regimen within the horizon
constexpr double kMaxOutputTimes = 1000000;     ///< rows of the output grid, horizon / interval + 1
constexpr double kMaxStoredGiB = 64;            ///< estimated trajectory data of one result file

/// `lesions[].abm`: agent-based windows of one lesion (docs/models/abm.md, "Coupling"): a core
/// window, or a core and an invasive-margin window, holding `share` of the lesion together.
struct LesionWindows {
  int lesion = 0;              ///< 0-based, set by the loader
  int share_parameter = -1;    ///< the model's lesion<k>_abm_share, resolved by the loader
  double share = 0.2;          ///< s in (0, 0.9]
  bool margin = false;         ///< windows: core_and_margin
  int size_voxels = 32;        ///< voxels per edge of each window
  double margin_share = 0.05;  ///< the margin window's share of the windows (the core has the rest)
  double settle_days = 14.0;   ///< days the windows advance on the initial state before day 0
  /// Window parameters by name (models/abm/parameters.inc), index into abm::parameter_table().
  std::vector<ParameterOverride> parameters;
};

/// A fully resolved scenario (schema_version 1, docs/scenario-reference.md): one patient with one
/// treatment, or a virtual trial (population and/or arms). Every field holds a value: defaults
/// are filled in by the loader and echoed to the output; names of parameters, drugs and outputs
/// are resolved to the model's table indices (the code below io/ reads the indices).
struct Scenario {
  int schema_version = 1;
  std::string description;
  std::string model;  ///< the model's id (an RT model's id names its lesions and modules)
  CalibrationMode calibration = CalibrationMode::kCalibrated;  ///< applied by app/ (run_scenario.hpp)
  std::vector<std::string> rt_modules;  ///< RT models: the immune modules switched on, canonical order
  double weight_kg = 80.0;
  std::vector<ParameterOverride> parameter_overrides;  ///< In file order, resolved to table indices.
  InitialisationOptions initialisation;
  std::vector<DoseRegimen> treatment;
  std::vector<RadiotherapyCourse> radiotherapy;         ///< single-patient scenarios (arms carry their own)
  std::vector<std::string> lesion_names = {"primary"};  ///< lesion 1 is the primary
  std::vector<LesionWindows> lesion_windows;            ///< lesions with agent-based windows
  double horizon_day = 400.0;
  double output_interval_day = 1.0;
  SolverOptions solver;
  std::string output_file = "results.h5";
  bool write_states = true;
  PopulationSettings population;
  std::vector<TrialArm> arms;
  RecistOptions recist;
  ComparisonSettings comparisons;
  SearchBlock search;                ///< `vct search` only (settings.enabled when the block is present)
  PatientObservations observations;  ///< `vct fit` only
  FitSettings fit;                   ///< `vct fit` and `vct predict`
  PredictSettings predict;           ///< `vct predict` only
  ProgressionSpec progression;       ///< read-out modules; parameter indices resolved by the loader
  /// Subgroup analyses of a trial (`subgroups`; docs/biomarkers.md): by default TPS < 1 / 1-49 /
  /// >= 50 % when the model offers TPS, else none; biomarker names resolved by the loader.
  std::vector<SubgroupDefinition> subgroups;
  std::vector<NamedIndex> trajectory_outputs = {{"tumour_diameter_cm", -1}};  ///< resolved by the loader
  int threads = 0;                                                            ///< 0: all available
  int batch_size = 0;  ///< candidates per parallel batch (0: 32 per thread)

  bool is_trial() const { return population.enabled || !arms.empty(); }
};

}  // namespace vct
