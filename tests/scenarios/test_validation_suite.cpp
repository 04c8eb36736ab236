// SPDX-License-Identifier: MIT
// The validation suite: the shipped suite file loads and keeps calibration and held-out targets
// apart; bad suite files fail with file:line messages from the scenarios' Validator; a calibration is applied to a scenario as
// population medians and patient parameters; calibration by bisection brackets and approaches
// its target on a small trial; each metric counts responses at its scans; the docs block is
// replaced between its markers.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "app/run_scenario.hpp"
#include "app/validation.hpp"
#include "core/error.hpp"
#include "io/scenario/loader.hpp"
#include "io/scenario/validator.hpp"
#include "models/registry.hpp"

namespace vct::validation {
namespace {

namespace fs = std::filesystem;

fs::path write(const fs::path& path, const std::string& text) {
  std::ofstream(path) << text;
  return path;
}

/// Every candidate's result of a qspio_nsclc trial scenario, simulated directly (the reference
/// the suite's metrics are checked against).
std::vector<CandidateResult> run_candidates(const std::string& trial) {
  const io::LoadedScenario loaded = io::load_scenario_text(trial, "trial.yaml");
  const TrialSpec spec = build_trial_spec(models::get_model("qspio_nsclc"), loaded.scenario, 2);
  struct Keep : TrialSink {
    std::vector<CandidateResult> all;
    void write_batch(const std::vector<CandidateResult>& b) override { all.insert(all.end(), b.begin(), b.end()); }
    void write_summary(const TrialSummary&) override {}
  } sink;
  run_trial(spec, sink, {});
  return sink.all;
}

TEST(ValidationSuite, ShippedSuiteLoadsWithCalibrationAndHeldOutTargets) {
  const Suite s = load_suite((fs::path(VCT_SOURCE_DIR) / "scenarios/validation/suite.yaml").string());
  int calibration = 0, held_out = 0;
  for (const auto& t : s.targets) {
    (t.calibration ? calibration : held_out)++;
    EXPECT_FALSE(t.source.empty()) << t.id;
    EXPECT_GE(t.published, 0.0);
    if (t.calibration) {
      EXPECT_GT(t.tolerance, 0.0) << t.id;
    }
  }
  EXPECT_GE(calibration, 1);
  EXPECT_GE(held_out, 5);
  EXPECT_GE(s.calibration.parameters.size(), 1u);
  for (const auto& q : s.calibration.parameters) {
    EXPECT_GE(q.start, q.lower) << q.parameter;
    EXPECT_LE(q.start, q.upper) << q.parameter;
    EXPECT_FALSE(q.rationale.empty()) << q.parameter;
  }
}

/// Loads a suite written to a fresh folder beside a minimal scenario s.yaml and returns the error
/// message ("accepted" when it loads); `path` receives the suite's path, which messages start with.
std::string suite_error(const std::string& folder, const std::string& text, std::string& path) {
  const fs::path dir = fs::temp_directory_path() / folder;
  fs::create_directories(dir);
  write(dir / "s.yaml", "schema_version: 1\nmodel: qspio_nsclc\n");
  path = write(dir / "suite.yaml", text).string();
  std::string message = "accepted";
  try {
    load_suite(path);
  } catch (const io::ScenarioError& e) {
    message = e.what();
  }
  fs::remove_all(dir);
  return message;
}

TEST(ValidationSuite, BadSuiteNamesFileLineAndKey) {
  std::string f;
  const std::string message = suite_error("vct_bad_suite", R"(calibrated_file: c.yaml
targets:
  - {id: a, description: d, source: s, scenario: s.yaml, arm: x, metric: os_at_day, role: held_out, published_pct: 20}
  - {id: b, description: d, source: s, scenario: missing.yaml, arm: x, metric: orr_week12, role: calibration,
     published_pct: 150, tolerance_pct: 2, reduced_tolerance_pct: 5}
calibration:
  algorithm: newton
  initial_step: 0.7
  parameters:
    - {parameter: n_T1_clones, fit: value, lower: 0, upper: 1, start: 2}
)",
                                          f);
  EXPECT_EQ(message, f + ":3:5: targets[0].day: metric os_at_day needs the day read (day: N)\n" + f +
                         ":4:50: targets[1].scenario: no such scenario file 'missing.yaml' next to the suite\n" + f +
                         ":4:80: targets[1].metric: expected one of: best_orr, best_orr_out_of_field, orr_first_scan, "
                         "orr_first_scan_out_of_field, orr_last_scan, responders_at_first_scan, "
                         "blood_lymphocytes_at_day, blood_lymphocyte_nadir, best_pd, pfs_at_day, os_at_day, "
                         "tps_prevalence; found 'orr_week12'\n" +
                         f + ":5:21: targets[1].published_pct: expected a number >= 0 and <= 100, found 150\n" + f +
                         ":7:14: calibration.algorithm: expected one of: bobyqa, sbplx, neldermead; found 'newton'\n" +
                         f + ":8:17: calibration.initial_step: expected a number > 0 and <= 0.5, found 0.7\n" + f +
                         ":10:7: calibration.parameters[0].lower: a log-scale search needs lower > 0\n" + f +
                         ":10:71: calibration.parameters[0].start: expected a start within [0, 1], found 2");
}

TEST(ValidationSuite, BadTrialSizesNameFileLineAndKey) {
  // A trial of no patients, a fractional one, a size on a survival landmark and on a paired difference.
  std::string f;
  const std::string message = suite_error("vct_bad_suite_n", R"(calibrated_file: c.yaml
targets:
  - {id: a, description: d, source: s, scenario: s.yaml, arm: x, metric: best_orr, role: held_out, published_pct: 20, published_n: 0}
  - {id: b, description: d, source: s, scenario: s.yaml, arm: x, metric: best_orr, role: held_out, published_pct: 20, published_n: 2.5}
  - {id: c, description: d, source: s, scenario: s.yaml, arm: x, metric: pfs_at_day, day: 90, role: held_out, published_pct: 50, published_n: 40}
  - {id: e, description: d, source: s, scenario: s.yaml, arm: x, reference_arm: y, metric: best_orr, role: held_out, published_pct: 8, published_n: 396}
)",
                                          f);
  const std::string where =
      "a trial size belongs to a proportion of one arm (best_orr, orr_first_scan, best_pd, "
      "tps_prevalence, ...; no reference_arm or relative_to), found metric ";
  EXPECT_EQ(message, f + ":3:132: targets[0].published_n: expected a whole number from 1 to 10000000, found 0\n" + f +
                         ":4:132: targets[1].published_n: expected a whole number, found '2.5'\n" + f +
                         ":5:143: targets[2].published_n: " + where + "pfs_at_day\n" + f +
                         ":6:149: targets[3].published_n: " + where + "best_orr with reference_arm");
}

TEST(ValidationSuite, BadTpsRangesNameFileLineAndKey) {
  // An inverted range, a prevalence without the range it counts, and a range on a survival metric.
  std::string f;
  const std::string message = suite_error("vct_bad_suite_tps", R"(calibrated_file: c.yaml
targets:
  - {id: a, description: d, source: s, scenario: s.yaml, arm: x, metric: best_orr, tps_range_pct: [50, 10], role: held_out, published_pct: 20}
  - {id: b, description: d, source: s, scenario: s.yaml, arm: x, metric: tps_prevalence, role: held_out, published_pct: 22}
  - {id: c, description: d, source: s, scenario: s.yaml, arm: x, metric: pfs_at_day, day: 90, tps_range_pct: [1, 100], role: held_out, published_pct: 50}
)",
                                          f);
  EXPECT_EQ(message, f +
                         ":3:99: targets[0].tps_range_pct: expected [min, max] in percent with 0 <= min < max <= 100, "
                         "found [50, 10]\n" +
                         f +
                         ":4:5: targets[1].tps_range_pct: metric tps_prevalence needs the TPS range counted "
                         "(tps_range_pct: [min, max])\n" +
                         f +
                         ":5:110: targets[2].tps_range_pct: a TPS range restricts best_orr, orr_first_scan, "
                         "orr_last_scan, best_pd or counts tps_prevalence (no reference_arm), found pfs_at_day");
}

TEST(ValidationSuite, CalibratingAScenarioWithoutAModelNamesTheFile) {
  try {
    apply_calibration("population: {size: 3}\n", "suite/trial.yaml", Calibration{}, 0);
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_STREQ(e.what(), "suite/trial.yaml: model: expected a model name to apply the calibration to");
  }
}

TEST(ValidationSuite, CalibrationIsAppliedAsMediansAndParameters) {
  Calibration c;
  c.population_medians["n_T1_clones"] = {38.5, 1.0};
  c.parameters["k_C_T1_per_day"] = 1.25;
  c.parameters["r_infiltration_DAMP"] = 3.0;  // not a qspio_nsclc parameter: skipped
  const std::string text = apply_calibration(
      "schema_version: 1\nmodel: qspio_nsclc\npopulation: {size: 300, seed: 3, preset: wang2023}\n"
      "arms: [{name: a, treatment: [{drug: nivolumab, dose_mg: 240, interval_day: 14, end_day: 28}]}]\n",
      "x.yaml", c, 12);
  const io::LoadedScenario s = io::load_scenario_text(text, "x.yaml");
  EXPECT_EQ(s.scenario.population.size, 12);
  ASSERT_EQ(s.scenario.population.distributions.size(), 1u);
  EXPECT_EQ(s.scenario.population.distributions[0].parameter, "n_T1_clones");
  EXPECT_DOUBLE_EQ(s.scenario.population.distributions[0].median, 38.5);
  ASSERT_EQ(s.scenario.parameter_overrides.size(), 1u);
  EXPECT_EQ(s.scenario.parameter_overrides[0].name, "k_C_T1_per_day");
  EXPECT_EQ(s.scenario.parameter_overrides[0].index,
            models::get_model("qspio_nsclc").parameter_index("k_C_T1_per_day"));
  EXPECT_DOUBLE_EQ(s.scenario.parameter_overrides[0].value, 1.25);
  // Round trip of the calibrated file.
  const fs::path path = fs::temp_directory_path() / "vct_calibrated.yaml";
  std::ofstream(path) << calibration_yaml(c, "# test\n");
  const Calibration back = load_calibration(path.string());
  EXPECT_EQ(back.population_medians, c.population_medians);
  EXPECT_EQ(back.parameters, c.parameters);
  fs::remove(path);
}

TEST(ValidationSuite, BadCalibrationFileNamesFileLineAndKey) {
  const fs::path path = write(fs::temp_directory_path() / "vct_bad_calibration.yaml", R"(population_medians:
  k_C_T1_per_day: {median: -1, sigma: 1}
  alpha_C_per_Gy: 0.1
parameters:
  f_PD1_blockable: high
seed: 3
)");
  try {
    load_calibration(path.string());
    FAIL() << "accepted";
  } catch (const io::ScenarioError& e) {
    const std::string f = path.string();
    EXPECT_EQ(std::string(e.what()),
              f + ":2:28: population_medians.k_C_T1_per_day.median: expected a number > 0, found -1\n" + f +
                  ":3:19: population_medians.alpha_C_per_Gy: expected {median: number > 0, sigma: number >= 0}\n" + f +
                  ":5:20: parameters.f_PD1_blockable: expected a number, found 'high'\n" + f +
                  ":6:1: calibration.seed: unknown key 'seed'; expected one of: population_medians, parameters");
  }
  fs::remove(path);
  // A missing file is empty for the suite's own calibrated file, an I/O error when named.
  EXPECT_TRUE(load_calibration(path.string()).parameters.empty());
  try {
    load_calibration(path.string(), true);
    FAIL() << "a missing named calibration file was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()), "no calibration file '" + path.string() + "'");
  }
  // The shipped calibration loads.
  const Calibration shipped =
      load_calibration((fs::path(VCT_SOURCE_DIR) / "scenarios/validation/calibrated.yaml").string());
  EXPECT_FALSE(shipped.parameters.empty());
}

TEST(ValidationSuite, TextTableColumnsLineUpForLongIds) {
  Row a, b;
  a.target.id = "short";
  b.target.id = "mdacc_conventional_rt_out_of_field_best_orr";
  a.target.published = b.target.published = 0.2;
  a.simulated.rate = b.simulated.rate = stats::clopper_pearson(10, 50);
  const std::string table = text_table({a, b});
  std::vector<std::size_t> role_column;
  for (std::size_t start = 0, end; (end = table.find('\n', start)) != std::string::npos; start = end + 1) {
    const std::string line = table.substr(start, end - start);
    const std::size_t at = line.find(start == 0 ? "role" : "held out");
    ASSERT_NE(at, std::string::npos) << line;
    role_column.push_back(at);
  }
  ASSERT_EQ(role_column.size(), 3u);
  EXPECT_EQ(role_column[0], b.target.id.size() + 1);
  EXPECT_EQ(role_column[1], role_column[0]);
  EXPECT_EQ(role_column[2], role_column[0]);
}

/// A one-scenario calibration suite in `dir`: nivolumab to day 168 on `size` candidates (seed 11),
/// one calibration target (best ORR 40 %, tolerance 10), the held-out target `held_out` (suite YAML
/// list items, may be empty), n_T1_clones' median fitted from 10 in at most `evaluations`.
fs::path write_calibration_suite(const fs::path& dir, int size, int evaluations, const std::string& held_out) {
  fs::create_directories(dir);
  write(dir / "trial.yaml",
        "schema_version: 1\nmodel: qspio_nsclc\npopulation: {size: " + std::to_string(size) +
            ", seed: 11, preset: wang2023}\n" +
            R"(arms: [{name: niv, treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 168}]}]
simulation: {horizon_day: 168}
recist: {first_scan_day: 56, scan_interval_day: 56}
)");
  return write(dir / "suite.yaml", R"(calibrated_file: calibrated.yaml
targets:
  - {id: t, description: d, source: s, scenario: trial.yaml, arm: niv, metric: best_orr, role: calibration,
     published_pct: 40, tolerance_pct: 10, reduced_tolerance_pct: 10}
)" + held_out + "calibration:\n  algorithm: bobyqa\n  max_evaluations: " +
                                       std::to_string(evaluations) + R"(
  parameters:
    - {parameter: n_T1_clones, fit: population_median, sigma: 1, lower: 3, upper: 3000, start: 10, scale: log}
)");
}

TEST(ValidationSuite, JointCalibrationLowersTheObjectiveAndApproachesItsTargets) {
  const fs::path dir = fs::temp_directory_path() / "vct_calibration_suite";
  const fs::path suite_path = write_calibration_suite(
      dir, 16, 12,
      R"(  - {id: h, description: d, source: s, scenario: trial.yaml, arm: niv, metric: orr_last_scan, role: held_out,
     published_pct: 10}
)");
  const Suite suite = load_suite(suite_path.string());
  RunOptions options{0, 2, false};
  Runner runner(suite, options);
  // After every evaluation the progress callback sees the report so far with that evaluation in it
  // and its best already updated, which is what `vct calibrate` writes to FILE.partial.
  int calls = 0;
  double lowest = HUGE_VAL;
  const CalibrationReport report =
      calibrate(suite, runner, Calibration{}, [&](const CalibrationEvaluation& e, const CalibrationReport& so_far) {
        ++calls;
        lowest = std::min(lowest, e.objective);
        EXPECT_EQ(so_far.trace.size(), static_cast<std::size_t>(calls));
        EXPECT_EQ(so_far.trace.back().index, e.index);
        EXPECT_EQ(so_far.best.objective, lowest);
        EXPECT_DOUBLE_EQ(so_far.calibration.population_medians.at("n_T1_clones").first, so_far.best.values[0]);
      });
  EXPECT_EQ(static_cast<std::size_t>(calls), report.trace.size());
  ASSERT_GE(report.trace.size(), 2u);
  ASSERT_LE(report.trace.size(), 12u);
  // The first evaluation is the start; the best is no worse and closer to the 40 % target (ORR
  // rises with the number of tumour-specific clones, so 10 clones start below it).
  const CalibrationEvaluation& start = report.trace.front();
  EXPECT_NEAR(start.values[0], 10.0, 1e-9);
  ASSERT_EQ(start.rates.size(), 1u);  // only the calibration target enters the objective
  EXPECT_LT(start.rates[0], 0.4);
  EXPECT_LT(report.best.objective, start.objective);
  EXPECT_LT(std::abs(report.best.rates[0] - 0.4), std::abs(start.rates[0] - 0.4));
  // objective = ((smoothed rate - 0.4) / 0.1)^2
  EXPECT_NEAR(report.best.objective, std::pow((report.best.soft[0] - 0.4) / 0.1, 2), 1e-12);
  EXPECT_DOUBLE_EQ(report.calibration.population_medians.at("n_T1_clones").first, report.best.values[0]);
  // validate() with the fitted value reproduces the best evaluation's rate.
  const auto rows = validate(suite, runner, report.calibration, false);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_DOUBLE_EQ(rows[0].simulated.rate.estimate, report.best.rates[0]);
  fs::remove_all(dir);
}

TEST(ValidationSuite, CalibrationOnSeveralPopulationsFitsTheMeanOfEachTarget) {
  // Calibration populations: the scenarios' own seeds, then offsets above the fresh-seed range, so a
  // fit never sees the patients `vct validate --seeds N` (offsets 1..1000) checks it on.
  EXPECT_EQ(calibration_seed_offset(0), 0);
  EXPECT_EQ(calibration_seed_offset(1), 1001);  // kMaxFreshSeeds 1000 + 1
  EXPECT_EQ(calibration_seed_offset(2), 1002);
  const fs::path dir = fs::temp_directory_path() / "vct_calibration_populations";
  const fs::path suite_path = write_calibration_suite(dir, 16, 3, "");
  const Suite suite = load_suite(suite_path.string());
  // Population 1 samples seed 11 + 1000003 x 1001 = 1001003014.
  EXPECT_NE(apply_calibration(io::read_text_file((dir / "trial.yaml").string()), "t", Calibration{}, 0, 1001)
                .find("seed: 1001003014"),
            std::string::npos);
  std::vector<Runner> runners;
  for (int k = 0; k < 2; ++k) runners.emplace_back(suite, RunOptions{0, 2, false, calibration_seed_offset(k)});
  const CalibrationReport report = calibrate(suite, {&runners[0], &runners[1]}, Calibration{}, {});
  ASSERT_EQ(report.trace.size(), 3u);
  // Each evaluation holds both populations' values and fits their mean: for the best, rerun each
  // population on its own at the fitted value.
  const CalibrationEvaluation& best = report.best;
  ASSERT_EQ(best.population_rates.size(), 2u);
  double mean_rate = 0.0, mean_soft = 0.0;
  for (int k = 0; k < 2; ++k) {
    Runner alone(suite, RunOptions{0, 2, false, calibration_seed_offset(k)});
    const Simulated s = alone.evaluate(suite.targets[0], report.calibration);
    EXPECT_DOUBLE_EQ(best.population_rates[static_cast<std::size_t>(k)][0], s.rate.estimate) << "population " << k;
    mean_rate += s.rate.estimate / 2.0;
    mean_soft += s.soft / 2.0;
  }
  EXPECT_NE(best.population_rates[0][0], best.population_rates[1][0]);  // 16 different patients each
  EXPECT_DOUBLE_EQ(best.rates[0], mean_rate);
  EXPECT_DOUBLE_EQ(best.soft[0], mean_soft);
  // objective = ((mean smoothed rate - 0.4) / 0.1)^2
  EXPECT_NEAR(best.objective, std::pow((mean_soft - 0.4) / 0.1, 2), 1e-12);
  // The first of several populations is the scenarios' own (offset 0): at the start (median 10) it
  // reads what a single-seed runner reads. (The one-runner overload is a list of one; the single-seed
  // fit is pinned by JointCalibrationLowersTheObjectiveAndApproachesItsTargets.)
  Calibration start;
  start.population_medians["n_T1_clones"] = {10.0, 1.0};
  Runner own(suite, RunOptions{0, 2, false, 0});
  EXPECT_EQ(own.evaluate(suite.targets[0], start).rate.estimate, report.trace[0].population_rates[0][0]);
  fs::remove_all(dir);
}

// Each metric counts, among assessed patients, CR/PR as its definition says: best over the
// horizon, at the first scan, at the last scan ("ORR at day N").
/// The nivolumab trial the metric tests count on: 24 candidates, scans every 56 days to day 224;
/// `extra` adds keys (patient parameters, progression).
std::string metric_trial(const std::string& extra = "") {
  return "schema_version: 1\nmodel: qspio_nsclc\n" + extra +
         "population: {size: 24, seed: 5, preset: wang2023}\n"
         "arms: [{name: niv, treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 224}]}]\n"
         "simulation: {horizon_day: 224}\nrecist: {first_scan_day: 56, scan_interval_day: 56}\n";
}

/// Validates `targets` (suite YAML list items on scenario trial.yaml, arm niv) against `trial`,
/// written to a fresh folder, with the model's published values.
std::vector<Row> validate_targets(const std::string& folder, const std::string& trial, const std::string& targets) {
  const fs::path dir = fs::temp_directory_path() / folder;
  fs::create_directories(dir);
  write(dir / "trial.yaml", trial);
  const fs::path suite_path = write(dir / "suite.yaml", "calibrated_file: calibrated.yaml\ntargets:\n" + targets);
  const Suite suite = load_suite(suite_path.string());
  Runner runner(suite, RunOptions{0, 2, false});
  std::vector<Row> rows = validate(suite, runner, Calibration{}, false);
  fs::remove_all(dir);
  return rows;
}

TEST(ValidationSuite, TrialSizePredictionUsesTheSimulatedCountAndThePublishedCount) {
  // published_n 40 at 20 %: the published count is round(0.20 x 40) = 8; the interval is the
  // beta-binomial one of the simulated k of N; a target without published_n has none.
  const auto rows = validate_targets("vct_trial_size_suite", metric_trial(), R"(
  - {id: best, description: d, source: s, scenario: trial.yaml, arm: niv, metric: best_orr, role: held_out, published_pct: 20, published_n: 40}
  - {id: plain, description: d, source: s, scenario: trial.yaml, arm: niv, metric: best_orr, role: held_out, published_pct: 20}
)");
  ASSERT_EQ(rows.size(), 2u);
  const auto& r = rows[0].simulated.rate;
  ASSERT_GT(r.n, 0);
  const stats::TrialPrediction expected = stats::trial_prediction(r.successes, r.n, 40, 8);
  EXPECT_EQ(rows[0].trial.n, 40);
  EXPECT_EQ(rows[0].trial.observed, 8);
  EXPECT_EQ(rows[0].trial.lower, expected.lower);
  EXPECT_EQ(rows[0].trial.upper, expected.upper);
  EXPECT_EQ(rows[0].trial.p_value, expected.p_value);
  EXPECT_EQ(rows[1].trial.n, 0);
}

TEST(ValidationSuite, TablesPrintTheTrialSizePrediction) {
  // The PEMBRO-RT SBRT best-response row of docs/validation.md: 7-19 of 36, 17 published.
  Row row;
  row.target.id = "t";
  row.target.description = "d";
  row.target.published = 0.472;
  row.simulated.rate = stats::clopper_pearson(75, 219);
  row.trial = stats::trial_prediction(75, 219, 36, 17);
  const std::string md = markdown_table({row}), text = text_table({row});
  EXPECT_NE(md.find("| 7–19 of 36: inside (p 0.18) |"), std::string::npos) << md;
  EXPECT_NE(text.find("7-19 of 36: inside (p 0.18)"), std::string::npos) << text;
  Row none = row;
  none.trial = stats::TrialPrediction{};
  EXPECT_NE(markdown_table({none}).find("| outside |  |"), std::string::npos);
}

TEST(ValidationSuite, MetricsCountResponsesAtTheirScans) {
  const std::string trial = metric_trial();
  const auto rows = validate_targets("vct_metric_suite", trial, R"(
  - {id: best, description: d, source: s, scenario: trial.yaml, arm: niv, metric: best_orr, role: held_out, published_pct: 20}
  - {id: first, description: d, source: s, scenario: trial.yaml, arm: niv, metric: orr_first_scan, role: held_out, published_pct: 20}
  - {id: last, description: d, source: s, scenario: trial.yaml, arm: niv, metric: orr_last_scan, role: held_out, published_pct: 20}
  - {id: early, description: d, source: s, scenario: trial.yaml, arm: niv, metric: responders_at_first_scan, role: held_out, published_pct: 75}
)");
  ASSERT_EQ(rows.size(), 4u);

  const std::vector<CandidateResult> all = run_candidates(trial);
  int n = 0, best = 0, first = 0, last = 0;
  for (const auto& c : all) {
    if (c.status != CandidateStatus::kPatient || !c.arms[0].assessed) continue;
    const RecistOutcome& o = c.arms[0].recist;
    ASSERT_EQ(o.per_scan.size(), 4u);  // days 56, 112, 168, 224
    ++n;
    best += responds(o.best);
    first += responds(o.per_scan.front());
    last += responds(o.per_scan.back());
  }
  ASSERT_GT(n, 0);
  EXPECT_NE(best, last) << "the population should contain a response that does not last";
  EXPECT_DOUBLE_EQ(rows[0].simulated.rate.estimate, static_cast<double>(best) / n);
  EXPECT_DOUBLE_EQ(rows[1].simulated.rate.estimate, static_cast<double>(first) / n);
  EXPECT_DOUBLE_EQ(rows[2].simulated.rate.estimate, static_cast<double>(last) / n);
  // Responders at the first scan are a share of the responders: every first-scan responder is one.
  ASSERT_GT(best, 0);
  EXPECT_DOUBLE_EQ(rows[3].simulated.rate.estimate, static_cast<double>(first) / best);
}

TEST(ValidationSuite, PopulationSigmaFitKeepsItsMedianAndJoinsTheMedianFit) {
  // n_T1_clones: median and sigma fitted together (the sigma entry replaces the median entry's
  // sigma 1); k_C_T1_per_day: sigma alone around the median it names (0.9). Every evaluation's
  // calibration is the start or best point, so the report's log-normals are (value, value).
  const fs::path dir = fs::temp_directory_path() / "vct_sigma_suite";
  fs::create_directories(dir);
  write(dir / "trial.yaml", metric_trial());
  const fs::path suite_path = write(dir / "suite.yaml", R"(calibrated_file: calibrated.yaml
targets:
  - {id: t, description: d, source: s, scenario: trial.yaml, arm: niv, metric: best_orr, role: calibration,
     published_pct: 40, tolerance_pct: 10, reduced_tolerance_pct: 10}
calibration:
  algorithm: bobyqa
  max_evaluations: 8
  parameters:
    - {parameter: n_T1_clones, fit: population_median, sigma: 1, lower: 3, upper: 3000, start: 30, scale: log}
    - {parameter: n_T1_clones, fit: population_sigma, lower: 0.1, upper: 2, start: 0.5, scale: linear}
    - {parameter: k_C_T1_per_day, fit: population_sigma, median: 0.9, lower: 0.1, upper: 2, start: 1, scale: linear}
)");
  const Suite suite = load_suite(suite_path.string());
  Runner runner(suite, RunOptions{0, 2, false});
  const CalibrationReport report = calibrate(suite, runner, Calibration{}, {});
  ASSERT_GE(report.trace.size(), 4u);  // BOBYQA's start and one step per coordinate at least
  const auto& start = report.trace.front().values;
  EXPECT_NEAR(start[0], 30.0, 1e-9);
  EXPECT_NEAR(start[1], 0.5, 1e-12);
  EXPECT_NEAR(start[2], 1.0, 1e-12);
  const auto& best = report.best.values;
  EXPECT_EQ(report.calibration.population_medians.at("n_T1_clones"), std::make_pair(best[0], best[1]));
  EXPECT_EQ(report.calibration.population_medians.at("k_C_T1_per_day"), std::make_pair(0.9, best[2]));
  EXPECT_TRUE(report.calibration.parameters.empty());
  // The trace moves the sigmas: some evaluation differs from the start in each sigma.
  bool moved1 = false, moved2 = false;
  for (const auto& e : report.trace) {
    moved1 = moved1 || e.values[1] != start[1];
    moved2 = moved2 || e.values[2] != start[2];
  }
  EXPECT_TRUE(moved1);
  EXPECT_TRUE(moved2);
  fs::remove_all(dir);
}

TEST(ValidationSuite, PopulationSigmaEntriesNameWhatTheyLack) {
  std::string f;
  const std::string message = suite_error("vct_bad_sigma_suite", R"(calibrated_file: c.yaml
targets:
  - {id: a, description: d, source: s, scenario: s.yaml, arm: x, metric: best_orr, role: calibration, published_pct: 20, tolerance_pct: 2, reduced_tolerance_pct: 5}
calibration:
  parameters:
    - {parameter: n_T1_clones, fit: population_sigma, lower: 0.1, upper: 2, start: 1}
    - {parameter: k_C_T1_per_day, fit: value, lower: 0.1, upper: 2, start: 1}
    - {parameter: k_C_T1_per_day, fit: population_sigma, median: 1, lower: 0.1, upper: 2, start: 1}
    - {parameter: q_T1_T_in_per_L_per_day, fit: value, median: 3, lower: 0.1, upper: 2, start: 1}
)",
                                          f);
  EXPECT_EQ(message, f +
                         ":6:7: calibration.parameters[0].median: fit: population_sigma needs the median it keeps: "
                         "a population_median entry for 'n_T1_clones' or median: N\n" +
                         f +
                         ":7:40: calibration.parameters[1].fit: 'k_C_T1_per_day' has a population_sigma fit: "
                         "fit its population_median, not a value\n" +
                         f +
                         ":9:64: calibration.parameters[3].median: median is the value a population_sigma fit "
                         "keeps; this entry fits a value");
}

TEST(ValidationSuite, TpsMetricsCountThePatientsOfTheirRange) {
  // tps_range_pct [20, 100] restricts best_orr to the patients with TPS >= 20 %; tps_prevalence
  // [0, 20] is the share of candidates at baseline below 20 %. Recounted from the candidates.
  const std::string trial = metric_trial();
  const auto rows = validate_targets("vct_tps_suite", trial, R"(
  - {id: high, description: d, source: s, scenario: trial.yaml, arm: niv, metric: best_orr, tps_range_pct: [20, 100], role: held_out, published_pct: 30}
  - {id: low_share, description: d, source: s, scenario: trial.yaml, arm: niv, metric: tps_prevalence, tps_range_pct: [0, 20], role: held_out, published_pct: 50}
)");
  ASSERT_EQ(rows.size(), 2u);
  int high = 0, high_responders = 0, below = 0, baseline = 0;
  for (const auto& c : run_candidates(trial)) {
    if (c.status != CandidateStatus::kPatient) continue;
    ++baseline;
    below += c.biomarkers.tps_pct < 20.0;
    if (c.biomarkers.tps_pct >= 20.0 && c.arms[0].assessed) {
      ++high;
      high_responders += responds(c.arms[0].recist.best);
    }
  }
  ASSERT_GT(high, 0);
  ASSERT_GT(below, 0);
  EXPECT_EQ(rows[0].simulated.rate.n, high);
  EXPECT_DOUBLE_EQ(rows[0].simulated.rate.estimate, static_cast<double>(high_responders) / high);
  EXPECT_EQ(rows[1].simulated.rate.n, baseline);
  EXPECT_DOUBLE_EQ(rows[1].simulated.rate.estimate, static_cast<double>(below) / baseline);
}

TEST(ValidationSuite, ProgressionMetricsReadTheKaplanMeierCurvesAndBestPd) {
  // With new lesions at a high rate and survival exp(4.8 + 0.6 z): best_pd is the share of PD, and
  // pfs_at_day / os_at_day are the Kaplan-Meier curves of the patients' PFS and OS on that day.
  const fs::path dir = fs::temp_directory_path() / "vct_progression_suite";
  fs::create_directories(dir);
  const std::string trial = R"(schema_version: 1
model: qspio_nsclc
patient:
  parameters: {new_lesion_rate_per_day: 0.002, os_intercept_log_day: 4.8, os_sigma_log: 0.6}
population: {size: 24, seed: 5, preset: wang2023}
arms: [{name: niv, treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 224}]}]
simulation: {horizon_day: 224}
recist: {first_scan_day: 56, scan_interval_day: 56}
progression: {new_lesions: true, overall_survival: true, follow_up_day: 300}
)";
  write(dir / "trial.yaml", trial);
  const fs::path suite_path = write(dir / "suite.yaml", R"(calibrated_file: calibrated.yaml
targets:
  - {id: pd, description: d, source: s, scenario: trial.yaml, arm: niv, metric: best_pd, role: held_out, published_pct: 40}
  - {id: pfs, description: d, source: s, scenario: trial.yaml, arm: niv, metric: pfs_at_day, day: 120, role: held_out, published_pct: 50}
  - {id: os, description: d, source: s, scenario: trial.yaml, arm: niv, metric: os_at_day, day: 250, role: held_out, published_pct: 50}
)");
  const Suite suite = load_suite(suite_path.string());
  Runner runner(suite, RunOptions{0, 2, false});
  const auto rows = validate(suite, runner, Calibration{}, false);
  ASSERT_EQ(rows.size(), 3u);

  const std::vector<CandidateResult> all = run_candidates(trial);
  int n = 0, pd = 0;
  std::vector<double> pfs_t, os_t;
  std::vector<bool> pfs_e, os_e;
  for (const auto& c : all) {
    if (c.status != CandidateStatus::kPatient || !c.arms[0].assessed) continue;
    const ArmResult& a = c.arms[0];
    ++n;
    pd += a.recist.best == Response::kPD;
    pfs_t.push_back(a.recist.pfs_day);
    pfs_e.push_back(a.recist.pfs_event);
    os_t.push_back(a.os_day);
    os_e.push_back(a.os_event);
  }
  ASSERT_GT(pd, 0);
  EXPECT_DOUBLE_EQ(rows[0].simulated.rate.estimate, static_cast<double>(pd) / n);
  const stats::SurvivalAt pfs = stats::survival_at(stats::kaplan_meier(pfs_t, pfs_e), 120.0);
  const stats::SurvivalAt os = stats::survival_at(stats::kaplan_meier(os_t, os_e), 250.0);
  EXPECT_DOUBLE_EQ(rows[1].simulated.rate.estimate, pfs.estimate);
  EXPECT_DOUBLE_EQ(rows[1].simulated.rate.lower, pfs.lower);
  EXPECT_DOUBLE_EQ(rows[2].simulated.rate.estimate, os.estimate);
  EXPECT_DOUBLE_EQ(rows[2].simulated.rate.upper, os.upper);
  EXPECT_GT(os.estimate, 0.0);
  EXPECT_LT(os.estimate, 1.0);  // exp(4.8) = 122 days median: deaths happen by day 250

  // os_at_day on a scenario without overall survival names the target and the missing switch; a
  // day beyond follow-up is refused.
  write(dir / "plain.yaml", trial.substr(0, trial.find("progression:")));
  const fs::path bad = write(dir / "bad.yaml", R"(calibrated_file: calibrated.yaml
targets:
  - {id: os_plain, description: d, source: s, scenario: plain.yaml, arm: niv, metric: os_at_day, day: 100, role: held_out, published_pct: 50}
  - {id: os_late, description: d, source: s, scenario: trial.yaml, arm: niv, metric: os_at_day, day: 400, role: held_out, published_pct: 50}
)");
  const Suite bad_suite = load_suite(bad.string());
  Runner bad_runner(bad_suite, RunOptions{0, 2, false});
  try {
    bad_runner.evaluate(bad_suite.targets[0], Calibration{});
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              "target os_plain: scenario plain.yaml must switch on progression.overall_survival for os_at_day");
  }
  EXPECT_THROW(bad_runner.evaluate(bad_suite.targets[1], Calibration{}), Error);
  fs::remove_all(dir);
}

TEST(ValidationSuite, PairedDifferenceCountsTheDiscordantPatients) {
  // Nivolumab and durvalumab at published parameters respond differently (about 35 % against 17 %),
  // so the same patients give discordant pairs. The target reads arm minus reference arm:
  // (b - c) / n and the Wald interval (b - c)/n +- 1.96 sqrt(b + c - (b - c)^2 / n) / n, with b
  // the patients responding only on nivolumab (the arm), c only on durvalumab (the reference).
  const fs::path dir = fs::temp_directory_path() / "vct_paired_suite";
  fs::create_directories(dir);
  const std::string trial = R"(schema_version: 1
model: qspio_nsclc
population: {size: 40, seed: 3, preset: wang2023}
arms:
  - {name: niv, treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 168}]}
  - {name: durva, treatment: [{drug: durvalumab, dose_mg_per_kg: 10, interval_day: 14, end_day: 168}]}
simulation: {horizon_day: 168}
recist: {first_scan_day: 56, scan_interval_day: 56}
)";
  write(dir / "trial.yaml", trial);
  const fs::path suite_path = write(dir / "suite.yaml", R"(calibrated_file: calibrated.yaml
targets:
  - {id: gain, description: d, source: s, scenario: trial.yaml, arm: niv, reference_arm: durva, metric: best_orr,
     role: held_out, published_pct: 10}
)");
  const Suite suite = load_suite(suite_path.string());
  Runner runner(suite, RunOptions{0, 2, false});
  const auto rows = validate(suite, runner, Calibration{}, false);
  ASSERT_EQ(rows.size(), 1u);

  const std::vector<CandidateResult> all = run_candidates(trial);
  int n = 0, b = 0, c = 0;
  for (const auto& k : all) {
    if (k.status != CandidateStatus::kPatient || !k.arms[0].assessed || !k.arms[1].assessed) continue;
    ++n;
    const bool niv = responds(k.arms[0].recist.best), durva = responds(k.arms[1].recist.best);
    b += niv && !durva;
    c += !niv && durva;
  }
  ASSERT_GT(b + c, 0) << "the two drugs should disagree on some patient";
  const double d = static_cast<double>(b - c) / n;
  const double half = 1.959963984540054 * std::sqrt(b + c - d * d * n) / n;
  const stats::Proportion& r = rows[0].simulated.rate;
  EXPECT_EQ(r.n, n);
  EXPECT_DOUBLE_EQ(r.estimate, d);
  EXPECT_NEAR(r.lower, d - half, 1e-12);
  EXPECT_NEAR(r.upper, d + half, 1e-12);
  fs::remove_all(dir);
}

TEST(ValidationSuite, PairedDifferenceNeedsAResponseRateMetric) {
  const fs::path dir = fs::temp_directory_path() / "vct_paired_bad_suite";
  fs::create_directories(dir);
  write(dir / "s.yaml", "schema_version: 1\nmodel: qspio_nsclc\n");
  const fs::path suite = write(dir / "suite.yaml", R"(calibrated_file: c.yaml
targets:
  - {id: a, description: d, source: s, scenario: s.yaml, arm: x, reference_arm: y, metric: blood_lymphocyte_nadir,
     role: held_out, published_pct: 20}
)");
  try {
    load_suite(suite.string());
    FAIL() << "accepted";
  } catch (const io::ScenarioError& e) {
    EXPECT_EQ(std::string(e.what()), suite.string() +
                                         ":3:81: targets[0].reference_arm: a paired difference needs a response-rate "
                                         "metric (best_orr, ...), found blood_lymphocyte_nadir");
  }
  fs::remove_all(dir);
}

/// Responders and assessed patients of arm 0 (best response CR/PR).
std::pair<int, int> responders_of(const std::vector<CandidateResult>& all) {
  int x = 0, n = 0;
  for (const auto& k : all) {
    if (k.status != CandidateStatus::kPatient || !k.arms[0].assessed) continue;
    ++n;
    x += responds(k.arms[0].recist.best);
  }
  return {x, n};
}

TEST(ValidationSuite, RatioTargetDividesTheTwoPopulationsRatesWithTheKatzInterval) {
  // The first-line population (naive CD8 supply x 2) over the pretreated one, same design and
  // seed: estimate (x1/n1)/(x2/n2), bounds RR exp(-+1.96 sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2)), counted
  // here from the candidates. The denominator travels with the ratio target, so the ratio is
  // still computed when the denominator's own target is filtered out (vct calibrate --target).
  const fs::path dir = fs::temp_directory_path() / "vct_ratio_suite";
  fs::create_directories(dir);
  const std::string second = R"(schema_version: 1
model: qspio_nsclc
calibration: published
population: {size: 60, seed: 3, preset: wang2023}
arms: [{name: niv, treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 168}]}]
simulation: {horizon_day: 168}
recist: {first_scan_day: 56, scan_interval_day: 56}
)";
  std::string first = second;
  first.replace(first.find("preset: wang2023"), 16,
                "preset: wang2023, line_of_therapy: first_line, parameters: {first_line_naive_CD8_supply_factor: "
                "{distribution: fixed, value: 2}}");
  write(dir / "second.yaml", second);
  write(dir / "first.yaml", first);
  const fs::path suite_path = write(dir / "suite.yaml", R"(calibrated_file: calibrated.yaml
targets:
  - {id: 2l, description: d, source: s, scenario: second.yaml, arm: niv, metric: best_orr, role: held_out,
     published_pct: 20}
  - {id: ratio, description: d, source: s, scenario: first.yaml, arm: niv, metric: best_orr, relative_to: 2l,
     role: held_out, published_pct: 150}
)");
  Suite suite = load_suite(suite_path.string());
  suite.targets.erase(suite.targets.begin());  // only the ratio left
  Runner runner(suite, RunOptions{0, 2, false});
  const auto rows = validate(suite, runner, Calibration{}, false);
  ASSERT_EQ(rows.size(), 1u);

  const auto [x1, n1] = responders_of(run_candidates(first));
  const auto [x2, n2] = responders_of(run_candidates(second));
  ASSERT_GT(x1, x2) << "the first-line population should respond more";
  const double rr = (static_cast<double>(x1) / n1) / (static_cast<double>(x2) / n2);
  const double se = std::sqrt(1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2);
  const stats::Proportion& r = rows[0].simulated.rate;
  EXPECT_NEAR(r.estimate, rr, 1e-12);
  EXPECT_NEAR(r.lower, rr * std::exp(-1.959963984540054 * se), 1e-12);
  EXPECT_NEAR(r.upper, rr * std::exp(1.959963984540054 * se), 1e-12);
  fs::remove_all(dir);
}

TEST(ValidationSuite, RatioTargetsNameAnotherPlainTargetOfTheSameMetric) {
  const fs::path dir = fs::temp_directory_path() / "vct_ratio_bad_suite";
  fs::create_directories(dir);
  write(dir / "s.yaml", "schema_version: 1\nmodel: qspio_nsclc\n");
  const fs::path suite = write(dir / "suite.yaml", R"(calibrated_file: c.yaml
targets:
  - {id: a, description: d, source: s, scenario: s.yaml, arm: x, metric: best_orr, relative_to: nowhere,
     role: held_out, published_pct: 150}
  - {id: b, description: d, source: s, scenario: s.yaml, arm: x, metric: best_pd, relative_to: c,
     role: held_out, published_pct: 150}
  - {id: c, description: d, source: s, scenario: s.yaml, arm: x, metric: best_orr, role: held_out,
     published_pct: 20}
  - {id: d, description: d, source: s, scenario: s.yaml, arm: x, metric: orr_last_scan, relative_to: c,
     role: held_out, published_pct: 150}
)");
  try {
    load_suite(suite.string());
    FAIL() << "accepted";
  } catch (const io::ScenarioError& e) {
    const std::string f = suite.string();
    EXPECT_EQ(std::string(e.what()),
              f + ":3:97: targets[0].relative_to: expected the id of another target, found 'nowhere'\n" + f +
                  ":5:96: targets[1].relative_to: a ratio of response rates needs best_orr, orr_first_scan or "
                  "orr_last_scan without reference_arm, found best_pd\n" +
                  f +
                  ":9:102: targets[3].relative_to: expected a target with the same metric (orr_last_scan) that "
                  "is neither a ratio nor a paired difference, found 'c'");
  }
  fs::remove_all(dir);
}

TEST(ValidationSuite, FreshSeedsDrawOtherPatientsAndRepeatTheTargets) {
  const fs::path dir = fs::temp_directory_path() / "vct_seed_suite";
  fs::create_directories(dir);
  write(dir / "trial.yaml", R"(schema_version: 1
model: qspio_nsclc
population: {size: 12, seed: 5, preset: wang2023}
arms: [{name: niv, treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 112}]}]
simulation: {horizon_day: 112}
)");
  const fs::path suite_path = write(dir / "suite.yaml", R"(calibrated_file: calibrated.yaml
targets:
  - {id: best, description: d, source: s, scenario: trial.yaml, arm: niv, metric: best_orr, role: held_out, published_pct: 20}
)");
  const Suite suite = load_suite(suite_path.string());
  RunOptions options{0, 2, false};
  const auto values = validate_seeds(suite, options, Calibration{}, 2, {});
  ASSERT_EQ(values.size(), 1u);
  ASSERT_EQ(values[0].size(), 2u);
  // Seed offset k samples seed 5 + 1000003 k: the same scenario as the offset's own text.
  const std::string text =
      apply_calibration(io::read_text_file((dir / "trial.yaml").string()), "t", Calibration{}, 0, 2);
  EXPECT_NE(text.find("seed: 2000011"), std::string::npos) << text;
  options.seed_offset = 2;
  Runner runner(suite, options);
  EXPECT_DOUBLE_EQ(runner.evaluate(suite.targets[0], Calibration{}).rate.estimate, values[0][1]);
  fs::remove_all(dir);
}

TEST(ValidationSuite, DocsBlockIsReplacedBetweenMarkers) {
  const fs::path path = fs::temp_directory_path() / "vct_validation_doc.md";
  std::ofstream(path) << "# T\nbefore\n<!-- validate:begin -->\nold\n<!-- validate:end -->\nafter\n";
  write_into_markdown(path.string(), "new table\n");
  std::ifstream in(path);
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(text, "# T\nbefore\n<!-- validate:begin -->\nnew table\n<!-- validate:end -->\nafter\n");
  std::ofstream(path) << "no markers\n";
  EXPECT_THROW(write_into_markdown(path.string(), "x"), Error);
  fs::remove(path);
}

}  // namespace
}  // namespace vct::validation
