// SPDX-License-Identifier: MIT
// Scenario files: every shipped scenario loads; every file in tests/scenarios/bad fails with
// exactly the messages in its .expected sidecar (all problems of a file, in file order).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/scenario/loader.hpp"

namespace vct::io {
namespace {

namespace fs = std::filesystem;

std::string read_file(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<fs::path> files_in(const fs::path& dir, const std::string& extension) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == extension) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  return files;
}

TEST(ShippedScenarios, AllLoadWithoutProblems) {
  auto files = files_in(fs::path(VCT_SOURCE_DIR) / "scenarios", ".yaml");
  ASSERT_GE(files.size(), 5u);
  for (const auto& f : files_in(fs::path(VCT_SOURCE_DIR) / "scenarios" / "patients", ".yaml")) {
    files.push_back(f);  // patient files (docs/twin.md): their resolved form, scans inline, loads back the same
    const LoadedScenario s = load_scenario_file(f.string());
    EXPECT_EQ(load_scenario_text(s.resolved_yaml, "resolved.yaml").resolved_yaml, s.resolved_yaml) << f;
  }
  for (const auto& f : files) {
    try {
      const LoadedScenario s = load_scenario_file(f.string());
      EXPECT_FALSE(s.resolved_yaml.empty());
    } catch (const ScenarioError& e) {
      ADD_FAILURE() << e.what();
    }
  }
}

TEST(BadScenarios, EachFailsWithItsExpectedMessages) {
  const fs::path dir = fs::path(VCT_SOURCE_DIR) / "tests" / "scenarios" / "bad";
  const auto files = files_in(dir, ".yaml");
  ASSERT_GE(files.size(), 12u);
  for (const auto& f : files) {
    fs::path expected_path = f;
    expected_path.replace_extension(".expected");
    ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path;
    std::string expected = read_file(expected_path);
    while (!expected.empty() && expected.back() == '\n') expected.pop_back();
    try {
      load_scenario_text(read_file(f), f.filename().string());
      ADD_FAILURE() << f.filename() << " was accepted";
    } catch (const ScenarioError& e) {
      EXPECT_EQ(std::string(e.what()), expected) << f.filename();
    }
  }
}

// A grid dose map from a CSV next to the scenario: a good file loads into its grid; a bad one is
// reported at the CSV's own lines.
TEST(DoseMapFiles, GridCsvLoadsAndItsProblemsNameTheirLines) {
  const fs::path dir = fs::temp_directory_path() / "vct_dose_map_test";
  fs::create_directories(dir);
  const auto write = [&](const std::string& name, const std::string& text) {
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const std::string scenario =
      "schema_version: 1\nmodel: qspio_nsclc_rt\nradiotherapy:\n"
      "  - {dose_per_fraction_Gy: 15, fractions: 1, dose_map: {kind: grid, file: dose.csv}}\n";
  // 2 x 2 x 1 points, 5 mm apart, columns in another order
  write("dose.csv",
        "# a plan export\nrelative_dose,x_mm,y_mm,z_mm\n1,-2.5,-2.5,0\n0.5,2.5,-2.5,0\n0.2,-2.5,2.5,0\n0,2.5,2.5,0\n");
  const Scenario s = load_scenario_file(write("plan.yaml", scenario)).scenario;
  ASSERT_EQ(s.radiotherapy.size(), 1u);
  const auto& map = s.radiotherapy[0].dose_map;
  ASSERT_TRUE(map);
  EXPECT_EQ(map->kind, DoseMapKind::kGrid);
  EXPECT_EQ(map->grid.nx, 2);
  EXPECT_EQ(map->grid.nz, 1);
  EXPECT_DOUBLE_EQ(map->grid.spacing_mm, 5.0);
  EXPECT_DOUBLE_EQ(map->relative_dose_at({2.0, -2.0, 0.0}, 10.0), 0.5);  // nearest point (2.5, -2.5, 0)
  // a value out of range, a short row and a missing point
  write("dose.csv", "x_mm,y_mm,z_mm,relative_dose\n-2.5,-2.5,0,11\n2.5,-2.5,0\n-2.5,2.5,0,0.2\n2.5,2.5,0,0\n");
  try {
    load_scenario_file((dir / "plan.yaml").string());
    ADD_FAILURE() << "accepted";
  } catch (const ScenarioError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("dose.csv:2:4: relative_dose: expected a number in [0, 10], found '11'"), std::string::npos)
        << what;
    EXPECT_NE(what.find("dose.csv:3:1: row: expected 4 cells, found 3"), std::string::npos) << what;
  }
  write("dose.csv", "x_mm,y_mm,z_mm,relative_dose\n-2.5,-2.5,0,1\n2.5,-2.5,0,1\n-2.5,2.5,0,1\n");
  try {
    load_scenario_file((dir / "plan.yaml").string());
    ADD_FAILURE() << "accepted";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find(
                  "dose.csv:4:1: grid: expected every point of the 2 x 2 x 1 grid once (4 rows), found 3"),
              std::string::npos)
        << e.what();
  }
  fs::remove_all(dir);
}

TEST(DoseMapFiles, ResolvedScenarioKeepsTheMapAndTheDefaultEdicScalesWithIt) {
  // 3 x 10 Gy to the lung, partial map: 30 % of the volume at 1, the rest 0 (no fall-off), so the
  // mean relative dose is 0.3 and the default EDIC 0.033 /Gy x 30 Gy x 0.3 = 0.297 Gy; a 4-mm
  // planning margin lies outside the lesion, so it changes neither
  const std::string text =
      "schema_version: 1\nmodel: qspio_nsclc_rt\nradiotherapy:\n"
      "  - {dose_per_fraction_Gy: 10, fractions: 3, schedule: alternate,\n"
      "     dose_map: {kind: partial, target_volume_fraction: 0.3, margin_mm: 4}}\n";
  const LoadedScenario a = load_scenario_text(text, "pathy.yaml");
  ASSERT_EQ(a.scenario.radiotherapy.size(), 1u);
  EXPECT_NEAR(a.scenario.radiotherapy[0].edic_Gy, 0.033 * 30.0 * 0.3, 1e-12);
  const LoadedScenario b = load_scenario_text(a.resolved_yaml, "resolved.yaml");
  EXPECT_EQ(b.resolved_yaml, a.resolved_yaml);
  ASSERT_TRUE(b.scenario.radiotherapy[0].dose_map);
  EXPECT_EQ(b.scenario.radiotherapy[0].dose_map->kind, DoseMapKind::kPartial);
  EXPECT_EQ(b.scenario.radiotherapy[0].dose_map->target_volume_fraction, 0.3);
  EXPECT_EQ(b.scenario.radiotherapy[0].dose_map->margin_mm, 4.0);  // emitted and read back
}

TEST(Encoding, WellFormedUtf8PassesAndTheFirstBadByteIsLocated) {
  // Two-, three- and four-byte characters (é, 東, 🙂) are accepted and kept verbatim.
  const std::string good =
      "schema_version: 1\ndescription: \"Montr\xC3\xA9"
      "al \xE6\x9D\xB1 \xF0\x9F\x99\x82\"\n"
      "model: qspio_nsclc\n";
  EXPECT_EQ(load_scenario_text(good, "good.yaml").scenario.description,
            "Montr\xC3\xA9"
            "al \xE6\x9D\xB1 \xF0\x9F\x99\x82");
  // An overlong '/' (0xC0 0xAF), a UTF-16 surrogate (0xED 0xA0 0x80) and a lone continuation byte
  // are refused at their column: line 2, after `description: "ab` (16 characters).
  for (const std::string bad : {"\xC0\xAF", "\xED\xA0\x80", "\x80"}) {
    try {
      load_scenario_text("schema_version: 1\ndescription: \"ab" + bad + "\"\n", "bad.yaml");
      FAIL() << "accepted";
    } catch (const ScenarioError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("bad.yaml:2:17: ", 0), 0u) << e.what();
      EXPECT_NE(std::string(e.what()).find("not valid UTF-8"), std::string::npos);
    }
  }
}

TEST(Radiotherapy, StartRelativeToIciResolvesToTheTreatmentClock) {
  const LoadedScenario a = load_scenario_text(R"(schema_version: 1
model: qspio_nsclc_rt
treatment: [{drug: nivolumab, dose_mg_per_kg: 3, start_day: 11, interval_day: 14, end_day: 400}]
radiotherapy: [{name: SBRT, total_dose_Gy: 24, fractions: 3, schedule: alternate, start_relative_to_ici_day: -11}]
)",
                                              "rel.yaml");
  ASSERT_EQ(a.scenario.radiotherapy.size(), 1u);
  const RadiotherapyCourse& c = a.scenario.radiotherapy[0];
  EXPECT_DOUBLE_EQ(c.start_day, 0.0);
  EXPECT_DOUBLE_EQ(c.dose_per_fraction_Gy, 8.0);  // from total and fractions
  EXPECT_EQ(c.fraction_days(), (std::vector<double>{0.0, 2.0, 4.0}));
  EXPECT_EQ(c.lesions, std::vector<int>{0});
  // The resolved scenario holds the absolute start and reloads to the same course.
  const LoadedScenario b = load_scenario_text(a.resolved_yaml, "resolved.yaml");
  EXPECT_EQ(b.scenario.radiotherapy[0].fraction_days(), c.fraction_days());
}

TEST(Radiotherapy, EdicDefaultsBySiteAndFractionation) {
  // Default EDIC = total dose x 0.033 (lung, <= 5 fractions), 0.093 (lung, more), 0.09 (liver,
  // <= 5), 0.15 (liver, more); an explicit value is kept.
  const LoadedScenario a = load_scenario_text(R"(schema_version: 1
model: qspio_nsclc_rt
lesions: [{name: a}, {name: b}]
radiotherapy:
  - {name: sbrt, dose_per_fraction_Gy: 8, fractions: 3, lesions: [a]}
  - {name: conv, dose_per_fraction_Gy: 2, fractions: 30, schedule: weekdays, start_day: 10, lesions: [b]}
  - {name: liver, dose_per_fraction_Gy: 9, fractions: 5, start_day: 60, site: liver, lesions: [a]}
  - {name: liver_conv, dose_per_fraction_Gy: 3, fractions: 15, start_day: 80, site: liver, lesions: [b]}
  - {name: given, dose_per_fraction_Gy: 2, fractions: 5, start_day: 120, edic_Gy: 7.3, lymph_node_in_field: true}
)",
                                              "edic.yaml");
  const auto& c = a.scenario.radiotherapy;
  ASSERT_EQ(c.size(), 5u);
  EXPECT_NEAR(c[0].edic_Gy, 0.033 * 24.0, 1e-12);  // 0.792 Gy
  EXPECT_NEAR(c[1].edic_Gy, 0.093 * 60.0, 1e-12);  // 5.58 Gy
  EXPECT_NEAR(c[2].edic_Gy, 0.09 * 45.0, 1e-12);   // 4.05 Gy
  EXPECT_NEAR(c[3].edic_Gy, 0.15 * 45.0, 1e-12);   // 6.75 Gy
  EXPECT_DOUBLE_EQ(c[4].edic_Gy, 7.3);
  EXPECT_TRUE(c[4].lymph_node_in_field);
  EXPECT_FALSE(c[0].lymph_node_in_field);
  EXPECT_EQ(a.scenario.rt_modules.size(), 8u);  // every module by default (M1-M8)
  const LoadedScenario b = load_scenario_text(a.resolved_yaml, "resolved.yaml");
  EXPECT_EQ(b.resolved_yaml, a.resolved_yaml);
  EXPECT_NEAR(b.scenario.radiotherapy[0].edic_Gy, 0.792, 1e-12);
  // modules: [] selects the RT model without the immune modules, and round-trips.
  const LoadedScenario none = load_scenario_text("schema_version: 1\nmodel: qspio_nsclc_rt\nmodules: []\n", "m.yaml");
  EXPECT_EQ(none.scenario.model, "qspio_nsclc_rt{}");
  EXPECT_EQ(load_scenario_text(none.resolved_yaml, "r.yaml").scenario.model, "qspio_nsclc_rt{}");
}

TEST(ResolvedScenario, FillsDefaultsAndRoundTrips) {
  const LoadedScenario a = load_scenario_text("schema_version: 1\nmodel: qspio_nsclc\n", "minimal.yaml");
  EXPECT_EQ(a.scenario.solver.method, "cvode_bdf");
  EXPECT_EQ(a.scenario.solver.linear_solver, "sparse_lu");
  EXPECT_DOUBLE_EQ(a.scenario.horizon_day, 400.0);
  EXPECT_DOUBLE_EQ(a.scenario.weight_kg, 80.0);
  EXPECT_EQ(a.scenario.initialisation.mode, InitialisationMode::kGrowToDiameter);
  EXPECT_NE(a.resolved_yaml.find("max_growth_day: 8000"), std::string::npos) << a.resolved_yaml;
  // The resolved text is itself a valid scenario that resolves to the same text.
  const LoadedScenario b = load_scenario_text(a.resolved_yaml, "resolved.yaml");
  EXPECT_EQ(a.resolved_yaml, b.resolved_yaml);
}

TEST(ResolvedScenario, ModelWithoutGrowthDefaultsToItsPublishedState) {
  const LoadedScenario a = load_scenario_text("schema_version: 1\nmodel: qspio2020_example1\n", "ex1.yaml");
  EXPECT_EQ(a.scenario.initialisation.mode, InitialisationMode::kPublishedState);
}

}  // namespace
}  // namespace vct::io
