// SPDX-License-Identifier: MIT
// Which parameter values a run starts from (app/parameter_source.hpp; issue #20 item 4): the
// built-in calibration fills what a qspio_nsclc scenario does not give, the scenario's own values
// win, `calibration: published` and --published give the scenario as written bit for bit, other
// models run as published, and a calibration file replaces the scenario's values as before.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>

#include "app/parameter_source.hpp"
#include "io/scenario/loader.hpp"
#include "io/scenario/validator.hpp"
#include "io/suite.hpp"
#include "models/registry.hpp"

namespace vct {
namespace {

namespace fs = std::filesystem;

fs::path write(const std::string& name, const std::string& text) {
  const fs::path path = fs::temp_directory_path() / name;
  std::ofstream(path) << text;
  return path;
}

const std::string kNsclcPatient = R"(schema_version: 1
model: qspio_nsclc
treatment:
  - {drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14}
simulation: {horizon_day: 28}
)";

/// The value the loaded scenario gives `name`, or NaN when it does not override it.
double override_of(const io::LoadedScenario& loaded, const std::string& name) {
  for (const auto& o : loaded.scenario.parameter_overrides)
    if (o.name == name) return o.value;
  return std::nan("");
}

validation::Calibration builtin() { return validation::parse_calibration(builtin_calibration_text(), "built-in"); }

TEST(ParameterSource, BuiltInCalibrationIsTheShippedFile) {
  // The binary carries scenarios/validation/calibrated.yaml as it was when built.
  EXPECT_EQ(builtin_calibration_text(),
            io::read_text_file(std::string(VCT_SOURCE_DIR) + "/scenarios/validation/calibrated.yaml"));
  EXPECT_FALSE(builtin().parameters.empty());
}

TEST(ParameterSource, DefaultFillsEveryCalibratedParameterOfTheModel) {
  const fs::path path = write("vct_ps_default.yaml", kNsclcPatient);
  ParameterSource source;
  const io::LoadedScenario loaded = load_for_run(path.string(), "", false, source);
  EXPECT_EQ(source.kind, ParameterSource::Kind::kBuiltIn);
  EXPECT_EQ(source.calibration_text, builtin_calibration_text());
  // f_PD1_blockable is one of the fitted values (0.956 at the time of writing): taken as is.
  const auto cal = builtin();
  ASSERT_TRUE(cal.parameters.count("f_PD1_blockable"));
  EXPECT_EQ(override_of(loaded, "f_PD1_blockable"), cal.parameters.at("f_PD1_blockable"));
  // The scenario's own text is what the result file records, not the combined one.
  EXPECT_EQ(loaded.source_text, kNsclcPatient);
}

TEST(ParameterSource, ScenarioValuesWinOverTheBuiltInCalibration) {
  const fs::path path = write("vct_ps_own.yaml", kNsclcPatient + "patient:\n  parameters: {f_PD1_blockable: 1.0}\n");
  ParameterSource source;
  const io::LoadedScenario loaded = load_for_run(path.string(), "", false, source);
  EXPECT_EQ(override_of(loaded, "f_PD1_blockable"), 1.0);  // the scenario's, not the fitted 0.956
  // Every other fitted value the model has is still filled in.
  const ModelDefinition& model = models::get_model("qspio_nsclc");
  int filled = 0;
  for (const auto& [name, value] : builtin().parameters)
    if (name != "f_PD1_blockable" && model.parameter_index(name) >= 0) {
      EXPECT_EQ(override_of(loaded, name), value) << name;
      ++filled;
    }
  EXPECT_GT(filled, 0);
}

TEST(ParameterSource, APopulationFromAFileKeepsItsValuesUnderTheBuiltInCalibration) {
  // population.file excludes population.parameters; the built-in calibration's population medians
  // used to be added there, so every scenario re-using a population failed to load unless run
  // --published ("population.file supplies the patients; remove 'parameters' or the file").
  const fs::path path = write("vct_ps_population_file.yaml", R"(schema_version: 1
model: qspio_nsclc
population: {file: earlier_result.h5}
arms:
  - name: nivolumab
    treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14}]
simulation: {horizon_day: 56}
)");
  ParameterSource source;
  const io::LoadedScenario loaded = load_for_run(path.string(), "", false, source);
  EXPECT_EQ(source.kind, ParameterSource::Kind::kBuiltIn);
  EXPECT_EQ(loaded.scenario.population.file, "earlier_result.h5");
  EXPECT_TRUE(loaded.scenario.population.distributions.empty());  // nothing added to the population
  const auto cal = builtin();
  ASSERT_FALSE(cal.population_medians.empty());
  EXPECT_EQ(override_of(loaded, "f_PD1_blockable"), cal.parameters.at("f_PD1_blockable"));  // fixed values still
  EXPECT_NE(source.label.find("the population comes from earlier_result.h5 as stored"), std::string::npos)
      << source.label;
}

TEST(ParameterSource, PublishedKeyAndFlagGiveTheScenarioAsWritten) {
  const fs::path plain = write("vct_ps_plain.yaml", kNsclcPatient);
  const fs::path keyed = write("vct_ps_keyed.yaml", kNsclcPatient + "calibration: published\n");
  const io::LoadedScenario as_written = io::load_scenario_file(plain.string());
  ParameterSource source;
  const io::LoadedScenario flag = load_for_run(plain.string(), "", true, source);
  EXPECT_EQ(source.kind, ParameterSource::Kind::kPublished);
  EXPECT_TRUE(source.calibration_path.empty());
  EXPECT_TRUE(flag.scenario.parameter_overrides.empty());
  // The resolved scenario differs from the plain file's only in the recorded choice.
  const io::LoadedScenario key = load_for_run(keyed.string(), "", false, source);
  EXPECT_EQ(source.kind, ParameterSource::Kind::kPublished);
  EXPECT_TRUE(key.scenario.parameter_overrides.empty());
  EXPECT_EQ(flag.resolved_yaml, as_written.resolved_yaml);
  EXPECT_NE(key.resolved_yaml.find("calibration: published"), std::string::npos);
}

TEST(ParameterSource, OtherModelsRunAsPublished) {
  ParameterSource source;
  const std::string example1 = std::string(VCT_SOURCE_DIR) + "/scenarios/example1_nivolumab_3mgkg_q2w.yaml";
  const io::LoadedScenario loaded = load_for_run(example1, "", false, source);
  EXPECT_EQ(source.kind, ParameterSource::Kind::kPublished);
  EXPECT_NE(source.label.find("not qspio2020_example1"), std::string::npos) << source.label;
  EXPECT_EQ(loaded.resolved_yaml, io::load_scenario_file(example1).resolved_yaml);
}

TEST(ParameterSource, BuiltInModelsAreThoseTheSuiteCalibrates) {
  const std::string suite_path = std::string(VCT_SOURCE_DIR) + "/scenarios/validation/suite.yaml";
  const validation::Suite suite = validation::load_suite(suite_path);
  std::set<std::string> models;
  for (const auto& t : suite.targets) {
    const auto loaded = io::load_scenario_file((fs::path(suite.folder) / t.scenario).string());
    const std::string id = loaded.scenario.model.substr(0, loaded.scenario.model.find_first_of("@{"));
    models.insert(id);
    EXPECT_TRUE(builtin_calibration_applies(loaded.scenario.model)) << t.id << " runs " << id;
  }
  EXPECT_EQ(models, (std::set<std::string>{"qspio_nsclc", "qspio_nsclc_rt"}));
  EXPECT_FALSE(builtin_calibration_applies("qspio2020_example1"));
}

TEST(ParameterSource, CalibrationFileReplacesTheScenarioValues) {
  const fs::path path = write("vct_ps_file.yaml", kNsclcPatient + "patient:\n  parameters: {f_PD1_blockable: 1.0}\n");
  const fs::path cal = write("vct_ps_cal.yaml", "parameters:\n  f_PD1_blockable: 0.5\n");
  ParameterSource source;
  const io::LoadedScenario loaded = load_for_run(path.string(), cal.string(), false, source);
  EXPECT_EQ(source.kind, ParameterSource::Kind::kFile);
  EXPECT_EQ(override_of(loaded, "f_PD1_blockable"), 0.5);
  EXPECT_TRUE(std::isnan(override_of(loaded, "new_lesion_occult_per_burden")));  // only the file's values
}

TEST(ParameterSource, ProblemsAreReportedAgainstTheFileAsWritten) {
  // Line 3 of the file itself, not of a text with calibrated values merged in.
  const fs::path path = write("vct_ps_bad.yaml", "schema_version: 1\nmodel: qspio_nsclc\ncalibration: tuned\n");
  ParameterSource source;
  try {
    load_for_run(path.string(), "", false, source);
    FAIL() << "expected a ScenarioError";
  } catch (const io::ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("vct_ps_bad.yaml:3:14: calibration:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vct
