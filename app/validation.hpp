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

/// Options shared by calibrate and validate.
struct RunOptions {
  int population_size = 0;  ///< 0: each scenario's own size
  int threads = 0;
  bool calibration_only = false;
};

/// A simulated rate with its Clopper-Pearson 95 % CI.
struct Simulated {
  stats::Proportion rate;
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

 private:
  struct Run {
    TrialSpec spec;
    std::vector<CandidateResult> results;
    double wall_seconds = 0.0;
  };
  const Run& run(const std::string& scenario, const Calibration& calibration);
  const Suite& suite_;
  RunOptions options_;
  std::map<std::string, Run> cache_;
};

/// One fitted step, for the report.
struct StepResult {
  CalibrationStep step;
  double value = NAN;
  double achieved = NAN;
  double target_value = NAN;
  std::vector<std::pair<double, double>> trace;  ///< (value tried, rate)
  bool bracketed = true;                         ///< false when the target lies outside the rates at the interval ends
};

/// Fits the steps in order (each on top of the previous ones) by bisection on a monotone rate.
std::vector<StepResult> calibrate(const Suite& suite, Runner& runner, Calibration& calibration,
                                  const std::function<void(const StepResult&)>& progress);

/// One row of the validation table.
struct Row {
  Target target;
  Simulated simulated;
  bool published_inside_ci = false;
  bool within_tolerance = true;  ///< calibration targets only
};
std::vector<Row> validate(const Suite& suite, Runner& runner, const Calibration& calibration, bool reduced);

/// The table as Markdown (docs/validation.md) and as fixed-width text (terminal).
std::string markdown_table(const std::vector<Row>& rows);
std::string text_table(const std::vector<Row>& rows);

}  // namespace vct::validation
