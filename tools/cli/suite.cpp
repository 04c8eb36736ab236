// SPDX-License-Identifier: MIT
// vct command line: `vct calibrate` and `vct validate` (commands.hpp).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/run_scenario.hpp"
#include "app/validation.hpp"
#include "core/error.hpp"
#include "core/statistics.hpp"
#include "tools/cli/commands.hpp"

namespace vct::cli {
namespace {

std::string calibrated_path(const validation::Suite& suite) {
  return (std::filesystem::path(suite.folder) / suite.calibrated_file).string();
}

void announce_trial(const std::string& scenario, std::size_t arms, double seconds) {
  std::fprintf(stderr, "  simulated %s (%zu arm(s)) in %.1f s\n", scenario.c_str(), arms, seconds);
}

/// Writes a calibration file through a temporary file renamed into place, so that a reader (or a
/// run killed mid-write) never sees half a file.
void write_calibration_file(const std::string& path, const validation::Calibration& c, const std::string& header) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    out << validation::calibration_yaml(c, header);
    if (!out) throw Error(ErrorKind::kIo, "cannot write '" + tmp + "'");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot rename '" + tmp + "' to '" + path + "': " + ec.message());
}

std::string calibration_header(const char* summary) {
  return "# Written by: " + process().command_line + "\n# vct " + software_version() +
         "; do not edit by hand, re-run the command (docs/validation.md).\n" + summary;
}

/// One line per objective evaluation: parameters, then each calibration target's value.
void print_evaluation(const validation::Suite& suite, const validation::CalibrationEvaluation& e) {
  std::printf("%4d  objective %9.3f |", e.index, e.objective);
  for (double v : e.values) std::printf(" %.4g", v);
  std::printf(" |");
  std::size_t k = 0;
  for (const auto& t : suite.targets)
    if (t.calibration) std::printf(" %.1f", 100.0 * e.rates[k++]);
  std::printf("\n");
  std::fflush(stdout);
}

/// calibrate --only: keeps the named parameters of the suite's fit and returns the calibrated
/// file's values, which hold every other parameter; false with a message for an unknown name.
bool restrict_parameters(const SuiteArgs& a, validation::Suite& suite, validation::Calibration& base) {
  if (a.only.empty()) return true;
  std::vector<validation::CalibratedParameter> kept;
  for (const auto& name : a.only) {
    bool known = false;
    for (const auto& q : suite.calibration.parameters)
      if (q.parameter == name) {
        kept.push_back(q);
        known = true;
      }
    if (!known) {
      std::fprintf(stderr, "vct: --only %s: not a calibrated parameter of %s\n", name.c_str(), a.suite.c_str());
      return false;
    }
  }
  suite.calibration.parameters = kept;
  base = validation::load_calibration(calibrated_path(suite), true);
  return true;
}

/// Keeps the targets named with --target (and only calibration targets with --calibration-only);
/// false with a message for an unknown id.
bool filter_targets(const SuiteArgs& a, validation::Suite& suite) {
  if (!a.options.calibration_only && a.targets.empty()) return true;
  for (const auto& id : a.targets) {
    bool known = false;
    for (const auto& t : suite.targets) known = known || t.id == id;
    if (!known) {
      std::fprintf(stderr, "vct: no target '%s' in %s\n", id.c_str(), a.suite.c_str());
      return false;
    }
  }
  std::vector<validation::Target> kept;
  for (const auto& t : suite.targets) {
    const bool named = std::find(a.targets.begin(), a.targets.end(), t.id) != a.targets.end();
    if ((a.targets.empty() || named) && (!a.options.calibration_only || t.calibration)) kept.push_back(t);
  }
  suite.targets = kept;
  return true;
}

void write_validation_csv(const std::string& path, const std::vector<validation::Row>& rows) {
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  std::error_code ignored;  // a failure shows as the open error below
  if (!folder.empty()) std::filesystem::create_directories(folder, ignored);
  std::ofstream csv(path);
  if (!csv) throw Error(ErrorKind::kIo, "cannot write '" + path + "'");
  csv << "target,role,metric,published,published_lower,published_upper,simulated,simulated_lower,simulated_upper,"
         "n,published_inside_ci,within_tolerance,trial_n,trial_lower,trial_upper,published_inside_trial_prediction,"
         "trial_p_value,scenario,arm,source,fresh_seed_values\n";
  for (const auto& r : rows) {
    csv << r.target.id << "," << (r.target.calibration ? "calibration" : "held_out") << ","
        << validation::to_string(r.target.metric) << "," << r.target.published << "," << r.target.published_lower << ","
        << r.target.published_upper << "," << r.simulated.rate.estimate << "," << r.simulated.rate.lower << ","
        << r.simulated.rate.upper << "," << r.simulated.rate.n << "," << r.published_inside_ci << ","
        << r.within_tolerance << ",";
    if (r.trial.n > 0)
      csv << r.trial.n << "," << r.trial.lower << "," << r.trial.upper << "," << r.trial.inside() << ","
          << r.trial.p_value << ",";
    else
      csv << ",,,,,";
    csv << r.target.scenario << "," << r.target.arm << ",\"" << r.target.source << "\",";
    for (std::size_t k = 0; k < r.seeds.size(); ++k) csv << (k ? " " : "") << r.seeds[k];
    csv << "\n";
  }
}

/// "N candidates per scenario", with "in each of K populations (seed offsets 0, 1001, ...)" for K > 1.
std::string population_text(int size, int populations) {
  std::string text = std::to_string(size) + " candidates per scenario";
  if (populations == 1) return text;
  text += " in each of " + std::to_string(populations) + " populations (seed offsets";
  for (int k = 0; k < populations; ++k)
    text += (k ? ", " : " ") + std::to_string(validation::calibration_seed_offset(k));
  return text + ")";
}

void print_calibration_plan(const SuiteArgs& a, const validation::Suite& suite, int size) {
  const validation::CalibrationSpec& spec = suite.calibration;
  std::printf(
      "Calibrating %zu parameter(s) jointly to the calibration targets of %s (NLopt %s, %s; at most %d "
      "evaluations)\nparameters:",
      spec.parameters.size(), a.suite.c_str(), spec.algorithm.c_str(), population_text(size, a.seeds).c_str(),
      spec.max_evaluations);
  for (const auto& q : spec.parameters)
    std::printf(" %s%s", q.parameter.c_str(), q.population_median ? " (median)" : q.population_sigma ? " (sigma)" : "");
  std::printf("\ntargets (%%):");
  for (const auto& t : suite.targets)
    if (t.calibration) std::printf(" %s %.1f", t.id.c_str(), 100.0 * t.published);
  std::printf("\n");
}

/// The best values, each calibration target at them (the mean over the populations) and, with more
/// than one population, each population's value and their standard deviation.
void print_calibration_result(const validation::Suite& suite, const validation::CalibrationReport& report) {
  std::printf("\n%s after %zu evaluations; best: evaluation %d, objective %.3f\n", report.result.c_str(),
              report.trace.size(), report.best.index, report.best.objective);
  std::size_t k = 0;
  for (const auto& q : suite.calibration.parameters)
    std::printf("  %-26s %.6g%s\n", q.parameter.c_str(), report.best.values[k++],
                q.population_median  ? " (population median)"
                : q.population_sigma ? " (population sigma)"
                                     : "");
  const auto& by_population = report.best.population_rates;
  const bool spread = by_population.size() > 1;
  if (spread) std::printf("  %-40s %7s %17s   %s\n", "target", "mean %", "(published %)", "each population %; SD");
  k = 0;
  for (const auto& t : suite.targets) {
    if (!t.calibration) continue;
    std::printf("  %-40s %5.1f %% (published %.1f %%)", t.id.c_str(), 100.0 * report.best.rates[k],
                100.0 * t.published);
    if (spread) {
      std::vector<double> values;
      std::printf("  ");
      for (const auto& p : by_population) {
        values.push_back(p[k]);
        std::printf(" %.1f", 100.0 * p[k]);
      }
      std::printf("; %.1f", 100.0 * stats::spread(values).sd);
    }
    std::printf("\n");
    ++k;
  }
}

}  // namespace

int cmd_calibrate(const SuiteArgs& a) {
  validation::Suite suite = validation::load_suite(a.suite);
  if (a.evaluations > 0) suite.calibration.max_evaluations = a.evaluations;
  validation::Calibration base;
  if (!restrict_parameters(a, suite, base) || !filter_targets(a, suite)) return kUsage;
  validation::RunOptions options = a.options;
  if (options.population_size == 0) options.population_size = suite.calibration.population_size;
  options.smoothing_pct = suite.calibration.smoothing_pct;
  // One runner per population; the first uses the scenarios' own seeds (calibration_seed_offset).
  std::vector<validation::Runner> runners;
  std::vector<validation::Runner*> populations;
  runners.reserve(static_cast<std::size_t>(a.seeds));
  for (int k = 0; k < a.seeds; ++k) {
    validation::RunOptions o = options;
    o.seed_offset = validation::calibration_seed_offset(k);
    populations.push_back(&runners.emplace_back(suite, o));
  }
  print_calibration_plan(a, suite, options.population_size);
  const std::string path = a.calibration.empty() ? calibrated_path(suite) : a.calibration;
  // Every new best goes to PATH.partial as it is found, so a killed run keeps it; the finished run
  // writes PATH and removes the partial file.
  const std::string partial = path + ".partial";
  const std::string sample = population_text(options.population_size, a.seeds);
  const auto report = validation::calibrate(suite, populations, base, [&](const auto& e, const auto& so_far) {
    print_evaluation(suite, e);
    if (so_far.best.index != e.index) return;
    char line[512];
    std::snprintf(line, sizeof line,
                  "# unfinished: best of the %zu evaluations so far, objective %.4g at evaluation %d; %s; the "
                  "finished run writes %s and removes this file\n",
                  so_far.trace.size(), so_far.best.objective, so_far.best.index, sample.c_str(),
                  std::filesystem::path(path).filename().string().c_str());
    write_calibration_file(partial, so_far.calibration, calibration_header(line));
  });
  print_calibration_result(suite, report);
  char summary[256];
  std::snprintf(summary, sizeof summary, "# %s: %zu evaluations, objective %.4g at evaluation %d; %s\n",
                report.result.c_str(), report.trace.size(), report.best.objective, report.best.index, sample.c_str());
  write_calibration_file(path, report.calibration, calibration_header(summary));
  std::error_code ec;
  std::filesystem::remove(partial, ec);
  std::printf("\nWrote %s\n", path.c_str());
  return kOk;
}

int cmd_validate(const SuiteArgs& a) {
  validation::Suite suite = validation::load_suite(a.suite);
  if (!filter_targets(a, suite)) return kUsage;
  const std::string cal_path = a.calibration.empty() ? calibrated_path(suite) : a.calibration;
  const validation::Calibration calibration = validation::load_calibration(cal_path, !a.calibration.empty());
  if (calibration.population_medians.empty() && calibration.parameters.empty())
    std::fprintf(stderr, "vct: %s not found or empty: validating the uncalibrated model\n", cal_path.c_str());
  validation::Runner runner(suite, a.options);
  runner.on_trial = announce_trial;
  const auto start = std::chrono::steady_clock::now();
  const bool reduced = a.options.population_size > 0;
  auto rows = validation::validate(suite, runner, calibration, reduced);
  if (a.seeds > 0) {
    const auto values = validation::validate_seeds(suite, a.options, calibration, a.seeds, announce_trial);
    for (std::size_t t = 0; t < rows.size(); ++t) rows[t].seeds = values[t];
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\n%s", validation::text_table(rows).c_str());
  std::printf("\nCalibrated values from %s; %.0f s. %s\n", cal_path.c_str(), seconds,
              reduced ? "Reduced population: calibration targets are held to their reduced tolerance."
                      : "Tolerances apply to calibration targets only.");
  write_validation_csv(a.output, rows);
  std::printf("Output     %s\n", a.output.c_str());
  if (!a.docs.empty()) {
    const std::string block = "Produced by `" + process().command_line + "` (vct " + software_version() + ", " +
                              std::to_string(static_cast<long>(seconds)) + " s on this machine):\n\n" +
                              validation::markdown_table(rows);
    validation::write_into_markdown(a.docs, block);
    std::printf("Updated    %s\n", a.docs.c_str());
  }
  if (a.check)
    for (const auto& r : rows)
      if (r.target.calibration && !r.within_tolerance) {
        std::fprintf(stderr, "vct: calibration target %s is outside its tolerance\n", r.target.id.c_str());
        return kTargetOutOfTolerance;
      }
  return kOk;
}
}  // namespace vct::cli
