// SPDX-License-Identifier: MIT
// The validation suite's files (docs/validation.md): the suite (published targets, how each is
// simulated, calibration steps) and calibration files, read and checked by the same Validator as
// scenarios; the calibration applied to a scenario's text; the docs block writer.
#pragma once

#include <cmath>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace vct::validation {

/// What is read from a simulated arm.
enum class Metric {
  kBestOrr,                 ///< best overall response CR/PR over the horizon, all lesions
  kBestOrrOutOfField,       ///< the same on the lesions the arm does not irradiate
  kOrrFirstScan,            ///< CR/PR at the first scan, all lesions
  kOrrFirstScanOutOfField,  ///< CR/PR at the first scan, non-irradiated lesions
  kOrrLastScan,             ///< CR/PR at the last scan of the horizon ("ORR at day 400"), all lesions
  kRespondersAtFirstScan,   ///< of the patients with best response CR/PR, the share already CR/PR at the first scan
  kLymphocytesAtDay,        ///< mean over patients of blood lymphocytes on `day` / at day 0
  kLymphocyteNadir,         ///< mean over patients of the lowest blood lymphocytes / at day 0
  kBestPd,                  ///< best overall response PD, all lesions (new lesions included)
  kPfsAtDay,                ///< Kaplan-Meier PFS on `day` (deaths are events with overall_survival)
  kOsAtDay,                 ///< Kaplan-Meier overall survival on `day` (progression.overall_survival)
  kTpsPrevalence,           ///< share of the patients at baseline (enrolled or not) with TPS in tps_range_pct
};
const char* to_string(Metric m);

/// One published response rate (docs/validation.md): where it comes from, how it is simulated,
/// and whether calibration may use it.
struct Target {
  std::string id;
  std::string description;
  std::string source;    ///< citation
  std::string scenario;  ///< scenario file, resolved against the suite's folder
  std::string arm;
  std::string reference_arm;  ///< when set: the paired difference arm - reference_arm (same patients)
  /// When set: the ratio of this target's response rate to that of target `relative_to` (another
  /// population, e.g. first vs second line; Katz log CI); published values are the ratio x 100.
  std::string relative_to;
  std::vector<Target> denominator;  ///< the target relative_to names (one, resolved by load_suite)
  Metric metric = Metric::kBestOrr;
  bool calibration = false;                             ///< true: used to fit; false: held out
  double published = NAN;                               ///< fraction
  double published_lower = NAN, published_upper = NAN;  ///< 95 % CI when known
  std::string published_ci_note;                        ///< how the CI was obtained
  /// Patients behind a published proportion (`published_n`; 0: not given). With it, validate
  /// reports what a trial of that size drawn from the model could show (stats::trial_prediction).
  long published_n = 0;
  double tolerance = NAN;          ///< calibration targets: |simulated - published| allowed (fraction)
  double reduced_tolerance = NAN;  ///< the same for the reduced CI population
  double day = NAN;                ///< kLymphocytesAtDay, kPfsAtDay, kOsAtDay: the day read
  /// `tps_range_pct: [min, max]`: only patients with min <= PD-L1 TPS < max (response metrics;
  /// kTpsPrevalence: the range counted). NaN: no restriction.
  double tps_min_pct = NAN, tps_max_pct = NAN;
  bool restricts_tps() const { return !std::isnan(tps_min_pct); }
};

/// A parameter fitted by the joint calibration: a fixed value for every patient, or the median of
/// a log-normal population distribution (keeping its sigma).
struct CalibratedParameter {
  std::string parameter;           ///< model parameter
  bool population_median = false;  ///< fit the median of a log-normal population distribution
  double sigma = 1.0;              ///< its sigma (population_median; replaced by a population_sigma fit)
  /// Fit the sigma of a log-normal population distribution (`fit: population_sigma`), keeping its
  /// median: the fitted one of a population_median entry for the same parameter, else `median`.
  bool population_sigma = false;
  double median = NAN;              ///< population_sigma without a population_median entry: the median kept
  double lower = 0.0, upper = 0.0;  ///< bounds of the search
  double start = 0.0;               ///< starting value
  bool log_scale = true;            ///< search in log(value)
  std::string rationale;
};

/// The joint calibration (docs/validation.md): every parameter fitted at once to every calibration
/// target by a derivative-free optimiser (NLopt), minimising sum ((simulated - published) /
/// tolerance)^2 with smoothed response counts.
struct CalibrationSpec {
  std::string algorithm = "bobyqa";  ///< bobyqa, sbplx or neldermead (NLopt LN_*)
  int population_size = 1000;        ///< candidates per calibration scenario
  int max_evaluations = 100;
  double initial_step = 0.15;    ///< first step in the scaled parameters (fraction of each range), (0, 0.5]
  double step_tolerance = 1e-3;  ///< stop when steps in the scaled parameters fall below this
  double smoothing_pct = 1.5;    ///< width of the smoothed response threshold, percentage points
  std::vector<CalibratedParameter> parameters;
};

struct Suite {
  std::string path;    ///< the suite file
  std::string folder;  ///< its folder (scenario and calibration paths are relative to it)
  std::vector<Target> targets;
  CalibrationSpec calibration;
  std::string calibrated_file;  ///< where `calibrate` writes, `validate` reads
};

/// Reads and checks a suite file; problems are reported as file:line:col: key: message.
Suite load_suite(const std::string& path);

/// Fitted values: population medians (log-normal, with sigma) and fixed parameter values.
struct Calibration {
  std::map<std::string, std::pair<double, double>> population_medians;  ///< name -> (median, sigma)
  std::map<std::string, double> parameters;
};
/// Reads and checks a calibration file (problems as file:line:col: key: message). A missing file
/// gives an empty calibration, or an I/O error when `must_exist` (a file the user named).
Calibration load_calibration(const std::string& path, bool must_exist = false);
/// The same checks on a calibration file's text; `path` names it in messages.
Calibration parse_calibration(const std::string& text, const std::string& path);
std::string calibration_yaml(const Calibration& c, const std::string& header);

/// How a calibration meets values the scenario gives itself.
enum class ScenarioValues {
  kReplaced,  ///< the calibration's values replace them (validation suite, `vct run --calibration`)
  kKept,      ///< they win; the calibration fills only the rest (`vct run`'s built-in calibration)
};

/// The scenario text with a calibration (and optionally a population size and a seed offset: the
/// population's seed + 1000003 x offset) applied. A population read from a file (population.file)
/// keeps its stored values: the calibration's population medians are not applied to it.
std::string apply_calibration(const std::string& scenario_text, const std::string& name, const Calibration& c,
                              int population_size, int seed_offset = 0,
                              ScenarioValues scenario_values = ScenarioValues::kReplaced);

/// Replaces the text between `<!-- validate:begin -->` and `<!-- validate:end -->` in a file.
void write_into_markdown(const std::string& path, const std::string& block);

}  // namespace vct::validation
