// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/dosing.hpp"
#include "core/simulation.hpp"
#include "core/solver/integrator.hpp"

namespace vct {

/// A fully resolved single-patient scenario (schema_version 1, docs/scenario-reference.md).
/// Every field holds a value: defaults are filled in by the loader and echoed to the output.
struct Scenario {
  int schema_version = 1;
  std::string description;
  std::string model;
  double weight_kg = 80.0;
  std::vector<std::pair<std::string, double>> parameter_overrides;  ///< In file order.
  InitialisationOptions initialisation;
  std::vector<DoseRegimen> treatment;
  double horizon_day = 400.0;
  double output_interval_day = 1.0;
  SolverOptions solver;
  std::string output_file = "results.h5";
  bool write_states = true;
};

const char* to_string(InitialisationMode mode);

}  // namespace vct
