// SPDX-License-Identifier: MIT
// Scenario files in (schema_version 1, docs/scenario-reference.md): parse, check every key against
// the schema (io/scenario/schema.cpp) and the model's tables, fill every default, resolve names
// to table indices. The parts live in io/scenario/: validator (the checker), schema (the key
// declarations), treatment, radiotherapy, lesions, population, loader (the document), emitter
// (the resolved scenario).
#pragma once

#include <string>

#include "io/scenario/scenario.hpp"
#include "io/scenario/validator.hpp"

namespace vct::io {

struct LoadedScenario {
  Scenario scenario;
  std::string source_text;    ///< The file verbatim.
  std::string resolved_yaml;  ///< Every default filled in.
};

/// Parses and validates a scenario file against schema_version 1 and the model's metadata. Throws
/// ScenarioError with every problem at once (file:line:column: key.path: message), Error(kIo)
/// when the file cannot be read.
LoadedScenario load_scenario_file(const std::string& path);
/// Same, from text; `name` is used in messages in place of the file name.
LoadedScenario load_scenario_text(const std::string& text, const std::string& name);

/// The resolved scenario as YAML (also written to the HDF5 output); loading it gives the same
/// scenario (emitter.cpp).
std::string resolved_scenario_yaml(const Scenario& scenario);

}  // namespace vct::io
