// SPDX-License-Identifier: MIT
// Calibration and validation against published response rates (docs/validation.md): runs the
// suite's scenarios with a calibration applied, fits calibration steps, tabulates the results.
#pragma once

#include <cmath>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/statistics.hpp"
#include "core/trial.hpp"
#include "io/suite.hpp"

namespace vct::validation {

/// Fresh-seed validation (validate_seeds, `vct validate --seeds N`) uses seed offsets 1..N with N at
/// most this; calibration populations beyond the first use offsets above it (calibration_seed_offset),
/// so a fit never sees the patients its fresh-seed check is run on.
constexpr int kMaxFreshSeeds = 1000;

/// The seed offset (RunOptions::seed_offset) of calibration population k (0-based): 0 for the first,
/// the scenarios' own seeds, so one population reproduces the single-seed fit; kMaxFreshSeeds + k
/// for k >= 1. k in [0, 1000].
constexpr int calibration_seed_offset(int k) { return k == 0 ? 0 : kMaxFreshSeeds + k; }

/// Options shared by calibrate and validate.
struct RunOptions {
  int population_size = 0;  ///< 0: each scenario's own size
  int threads = 0;
  bool calibration_only = false;
  int seed_offset = 0;         ///< population seeds + 1000003 x offset (fresh patients)
  double smoothing_pct = 1.5;  ///< width of the smoothed response threshold (Simulated::soft)
};

/// A simulated value with its 95 % CI: a response rate (Clopper-Pearson) or a mean ratio (normal
/// approximation), as a fraction.
struct Simulated {
  stats::Proportion rate;
  double soft = NAN;  ///< the same with responses smoothed across the threshold (calibration objective)
  int n_candidates = 0;
  double wall_seconds = 0.0;
};

/// Runs (and caches) the scenario behind a target with a calibration applied.
class Runner {
 public:
  Runner(const Suite& suite, RunOptions options) : suite_(suite), options_(std::move(options)) {}
  Simulated evaluate(const Target& target, const Calibration& calibration);
  /// Called after each simulated scenario: scenario file, arms, wall seconds.
  std::function<void(const std::string&, std::size_t, double)> on_trial;

  struct Run {
    TrialSpec spec;
    std::vector<CandidateResult> results;
    double wall_seconds = 0.0;
  };

 private:
  const Run& run(const std::string& scenario, const Calibration& calibration);
  /// `numerator` divided by target `other`'s rate (Target::relative_to), Katz log CI.
  Simulated ratio_to(const Simulated& numerator, const Target& other, const Calibration& calibration);
  const Suite& suite_;
  RunOptions options_;
  std::map<std::string, Run> cache_;
};

/// One evaluation of the calibration objective.
struct CalibrationEvaluation {
  int index = 0;
  std::vector<double> values;                         ///< the parameters (CalibrationSpec order)
  std::vector<double> soft;                           ///< each calibration target's smoothed value (suite order), the
                                                      ///< mean over the calibration populations
  std::vector<double> rates;                          ///< ... and its exact value (mean over the populations)
  std::vector<std::vector<double>> population_rates;  ///< [population][target] exact values
  double objective = NAN;                             ///< sum ((soft - published) / tolerance)^2
};

struct CalibrationReport {
  CalibrationEvaluation best;  ///< the lowest objective evaluated
  Calibration calibration;     ///< the values of `best` on top of the base calibration
  std::vector<CalibrationEvaluation> trace;
  std::string result;  ///< how the optimiser stopped
};

using CalibrationProgress = std::function<void(const CalibrationEvaluation&, const CalibrationReport& so_far)>;

/// Fits every parameter of suite.calibration jointly to every calibration target with NLopt
/// (derivative-free, bounded, in scaled coordinates), starting from each parameter's start value,
/// on top of `base` (values not fitted). Each target's value is the mean over `populations` (one
/// runner per population, e.g. seed offsets calibration_seed_offset(0..K-1); at least one; the
/// runners are used in turn, not concurrently). Deterministic: every evaluation uses the same
/// populations. `progress` (may be empty) is called after every evaluation with it and the report
/// so far, whose `best` and `calibration` already include it: a caller can keep the best values of
/// a run that is later killed.
CalibrationReport calibrate(const Suite& suite, const std::vector<Runner*>& populations, const Calibration& base,
                            const CalibrationProgress& progress);
/// The same on one population.
CalibrationReport calibrate(const Suite& suite, Runner& runner, const Calibration& base,
                            const CalibrationProgress& progress);

/// One row of the validation table.
struct Row {
  Target target;
  Simulated simulated;
  bool published_inside_ci = false;
  /// With the target's published_n: what a trial of that size drawn from the simulated patients
  /// could show (trial.n 0 otherwise).
  stats::TrialPrediction trial;
  bool within_tolerance = true;  ///< calibration targets only
  std::vector<double> seeds;     ///< the value on fresh seeds (validate_seeds), when run
};
std::vector<Row> validate(const Suite& suite, Runner& runner, const Calibration& calibration, bool reduced);

/// The targets again on fresh patients: each target's value with seed offsets 1..n_seeds (the
/// seed-to-seed spread), [target][seed].
std::vector<std::vector<double>> validate_seeds(
    const Suite& suite, const RunOptions& options, const Calibration& calibration, int n_seeds,
    const std::function<void(const std::string&, std::size_t, double)>& on_trial);

/// The table as Markdown (docs/validation.md) and as fixed-width text (terminal).
std::string markdown_table(const std::vector<Row>& rows);
std::string text_table(const std::vector<Row>& rows);

}  // namespace vct::validation
