// SPDX-License-Identifier: MIT
#include "app/parameter_source.hpp"

#include "app/run_scenario.hpp"
#include "io/suite.hpp"

namespace vct {

extern const char* const kBuiltinCalibrationYaml;  // generated from scenarios/validation/calibrated.yaml

namespace {

constexpr const char* kBuiltinName = "built-in:scenarios/validation/calibrated.yaml";

/// The model id without an RT model's lesion count and modules ("qspio_nsclc_rt@2{...}").
std::string base_model_id(const std::string& id) { return id.substr(0, id.find_first_of("@{")); }

}  // namespace

const std::string& builtin_calibration_text() {
  static const std::string text = kBuiltinCalibrationYaml;
  return text;
}

bool builtin_calibration_applies(const std::string& model_id) {
  const std::string id = base_model_id(model_id);
  return id == "qspio_nsclc" || id == "qspio_nsclc_rt";
}

namespace {

/// The scenario checked as written, with the chosen values applied (load_for_run).
io::LoadedScenario apply_source(io::LoadedScenario as_written, const std::string& scenario_path,
                                const std::string& calibration_path, bool published, ParameterSource& source) {
  source = ParameterSource{};
  const std::string model = base_model_id(as_written.scenario.model);
  validation::Calibration calibration;
  validation::ScenarioValues scenario_values = validation::ScenarioValues::kReplaced;
  if (!calibration_path.empty()) {
    calibration = validation::load_calibration(calibration_path, true);
    source.kind = ParameterSource::Kind::kFile;
    source.calibration_path = calibration_path;
    source.calibration_text = io::read_text_file(calibration_path);
    source.label = "calibration file " + calibration_path + " (its values replace the scenario's own)";
  } else if (published || as_written.scenario.calibration == CalibrationMode::kPublished) {
    source.label = std::string("published (the model's table values; ") +
                   (published ? "--published" : "the scenario's calibration: published") + ")";
    return as_written;
  } else if (!builtin_calibration_applies(model)) {
    source.label =
        "published (the built-in calibration is fitted to qspio_nsclc and qspio_nsclc_rt, not " + model + ")";
    return as_written;
  } else {
    calibration = validation::parse_calibration(builtin_calibration_text(), kBuiltinName);
    scenario_values = validation::ScenarioValues::kKept;
    source.kind = ParameterSource::Kind::kBuiltIn;
    source.calibration_path = kBuiltinName;
    source.calibration_text = builtin_calibration_text();
    source.label = "calibrated (built-in values of vct " + software_version() +
                   ", from scenarios/validation/calibrated.yaml; --published for the published ones)";
  }
  if (!as_written.scenario.population.file.empty() && !calibration.population_medians.empty())
    source.label += "; the population comes from " + as_written.scenario.population.file +
                    " as stored, so the calibration's population medians do not apply to it";
  const std::string combined =
      validation::apply_calibration(as_written.source_text, scenario_path, calibration, 0, 0, scenario_values);
  io::LoadedScenario loaded = io::load_scenario_text(
      combined, scenario_path + " + " + (source.calibration_path.empty() ? "calibration" : source.calibration_path));
  loaded.source_text = as_written.source_text;
  return loaded;
}

}  // namespace

io::LoadedScenario load_for_run(const std::string& scenario_path, const std::string& calibration_path, bool published,
                                ParameterSource& source) {
  return apply_source(io::load_scenario_file(scenario_path), scenario_path, calibration_path, published, source);
}

io::LoadedScenario load_text_for_run(const std::string& text, const std::string& name,
                                     const std::string& calibration_path, bool published, ParameterSource& source) {
  return apply_source(io::load_scenario_text(text, name), name, calibration_path, published, source);
}

}  // namespace vct
