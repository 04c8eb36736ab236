// SPDX-License-Identifier: MIT
#include "tools/run_scenario.hpp"

#include <algorithm>

#include "core/dosing.hpp"
#include "core/error.hpp"
#include "models/registry.hpp"
#include "tools/io/trial_writer.hpp"

#include <omp.h>

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
  plan.fractions = expand_radiotherapy(scenario.radiotherapy, scenario.horizon_day);
  return simulate_patient(model, params, scenario.initialisation, plan, scenario.solver);
}

TrialSpec build_trial_spec(const ModelDefinition& model, const Scenario& s, int threads) {
  TrialSpec spec;
  spec.model = &model;
  spec.overrides = s.parameter_overrides;
  spec.weight_kg = s.weight_kg;
  spec.initialisation = s.initialisation;
  spec.arms = s.arms;
  spec.lesion_names = s.lesion_names;
  spec.horizon_day = s.horizon_day;
  spec.output_interval_day = s.output_interval_day;
  spec.recist = s.recist;
  spec.solver = s.solver;
  for (const auto& name : s.trajectory_outputs) {
    const int k = model.output_index(name);
    if (k < 0) throw Error(ErrorKind::kInput, "unknown output '" + name + "' for model " + model.id());
    spec.trajectory_outputs.push_back(k);
  }
  spec.threads = threads > 0 ? threads : (s.threads > 0 ? s.threads : omp_get_max_threads());
  spec.batch_size = s.batch_size;

  const PopulationSettings& p = s.population;
  if (!p.file.empty()) {
    spec.population = io::read_population(p.file, model);
  } else {
    PopulationSpec ps;
    ps.size = p.enabled ? p.size : 1;
    ps.seed = p.seed;
    ps.latin_hypercube = p.latin_hypercube;
    if (!p.preset.empty()) {
      for (const auto& preset : models::population_presets(model.id()))
        if (preset.name == p.preset) {
          ps.distributions = preset.distributions;
          if (p.pk_variability) ps.latent_blocks = preset.latent_blocks;
        }
    }
    for (const auto& d : p.distributions) {
      auto same = [&](const ParameterDistribution& x) { return x.parameter == d.parameter; };
      const auto it = std::find_if(ps.distributions.begin(), ps.distributions.end(), same);
      if (it != ps.distributions.end()) *it = d; else ps.distributions.push_back(d);
    }
    spec.population = sample_population(model, ps);
  }
  if (p.selection) {
    spec.select_by_inclusion = true;
    spec.observed_log_ratios = models::selection_data(model.id());
  }
  return spec;
}

}  // namespace vct
