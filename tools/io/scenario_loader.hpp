// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/scenario.hpp"

namespace vct::io {

/// One problem found in a scenario file, located by file, line and column (1-based).
struct ScenarioProblem {
  std::string file;
  int line = 0;
  int column = 0;
  std::string key_path;  ///< e.g. "treatment[0].dose_mg"
  std::string message;   ///< e.g. "expected a number > 0, found -3"
  std::string format() const;
};

/// Thrown with every problem of a file at once (not just the first).
class ScenarioError : public Error {
 public:
  explicit ScenarioError(std::vector<ScenarioProblem> problems);
  const std::vector<ScenarioProblem>& problems() const { return problems_; }

 private:
  std::vector<ScenarioProblem> problems_;
};

struct LoadedScenario {
  Scenario scenario;
  std::string source_text;    ///< The file verbatim.
  std::string resolved_yaml;  ///< Every default filled in.
};

/// Parses and validates a scenario file against schema_version 1 and the model's metadata.
LoadedScenario load_scenario_file(const std::string& path);
/// Same, from text; `name` is used in messages in place of the file name.
LoadedScenario load_scenario_text(const std::string& text, const std::string& name);

/// The resolved scenario as YAML (also written to the HDF5 output).
std::string resolved_scenario_yaml(const Scenario& scenario);

}  // namespace vct::io
