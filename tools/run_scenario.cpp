// SPDX-License-Identifier: MIT
#include "tools/run_scenario.hpp"

#include "core/dosing.hpp"
#include "core/error.hpp"

namespace vct {

std::vector<double> resolve_parameters(const ModelDefinition& model, const Scenario& scenario) {
  std::vector<double> params = model.default_parameters();
  apply_drug_parameters(model, scenario.treatment, params);
  for (const auto& [name, value] : scenario.parameter_overrides) {
    const int k = model.parameter_index(name);
    if (k < 0) throw Error(ErrorKind::kInput, "unknown parameter '" + name + "' for model " + model.id());
    params[static_cast<std::size_t>(k)] = value;
  }
  return params;
}

PatientRun run_single_patient(const ModelDefinition& model, const Scenario& scenario,
                              const std::vector<double>& params) {
  TreatmentPlan plan;
  plan.horizon_day = scenario.horizon_day;
  plan.output_interval_day = scenario.output_interval_day;
  plan.doses = expand_schedule(model, scenario.treatment, scenario.weight_kg, scenario.horizon_day, params);
  return simulate_patient(model, params, scenario.initialisation, plan, scenario.solver);
}

}  // namespace vct
