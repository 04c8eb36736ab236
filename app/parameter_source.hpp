// SPDX-License-Identifier: MIT
// Which parameter values a run starts from (docs/validation.md, "Calibrated defaults"): the
// calibrated values compiled into this build, a calibration file, or the model's published table.
// Values the scenario gives itself win over the built-in calibration.
#pragma once

#include <string>

#include "io/scenario/loader.hpp"

namespace vct {

/// How the loaded scenario's parameter values were chosen; recorded in the result file (the
/// calibration path and text of its RunInfo) and printed by `vct run` and `vct check`.
struct ParameterSource {
  enum class Kind { kBuiltIn, kFile, kPublished };
  Kind kind = Kind::kPublished;
  std::string label;             ///< one line for people, e.g. "calibrated (built-in, ...)"
  std::string calibration_path;  ///< "built-in:scenarios/validation/calibrated.yaml", a file path, or empty
  std::string calibration_text;  ///< the calibration file's text, or empty
};

/// The calibration compiled into this build (scenarios/validation/calibrated.yaml when it was built).
const std::string& builtin_calibration_text();
/// True for the models the validation suite calibrates (qspio_nsclc, qspio_nsclc_rt): the built-in
/// calibration applies to them only.
bool builtin_calibration_applies(const std::string& model_id);

/// Loads a scenario for a run. The file is first checked as written, so problems carry its own
/// file:line:column; then, unless `published` (vct run --published) or the scenario's
/// `calibration: published`, the values of `calibration_path` (replacing the scenario's own) or of
/// the built-in calibration (filling only what the scenario does not give) are applied, for the
/// models the calibration was fitted to. Throws like load_scenario_file, and Error(kIo/kInput) for
/// a calibration file that cannot be read or is malformed.
io::LoadedScenario load_for_run(const std::string& scenario_path, const std::string& calibration_path, bool published,
                                ParameterSource& source);
/// The same for a scenario given as text (the Python package's dicts); `name` stands for the file
/// in messages.
io::LoadedScenario load_text_for_run(const std::string& text, const std::string& name,
                                     const std::string& calibration_path, bool published, ParameterSource& source);

}  // namespace vct
