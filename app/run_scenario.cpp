// SPDX-License-Identifier: MIT
#include "app/run_scenario.hpp"

#include <algorithm>

#include "core/dosing.hpp"
#include "core/error.hpp"
#include "io/run_identity.hpp"
#include "io/trial_writer.hpp"
#include "models/abm_coupling/hybrid_lesion.hpp"
#include "models/registry.hpp"
#include "vct_version.h"

#include <omp.h>

namespace vct {

namespace {

/// The scenario's parameter overrides and the hybrid shares of its lesions with windows.
std::vector<ParameterOverride> all_overrides(const Scenario& s) {
  std::vector<ParameterOverride> out = s.parameter_overrides;
  for (const LesionWindows& w : s.lesion_windows)
    out.push_back({"lesion" + std::to_string(w.lesion + 1) + "_abm_share", w.share_parameter, w.share});
  return out;
}

}  // namespace

SliceCouplingFactory window_coupling(const ModelDefinition& model, const Scenario& s,
                                     std::shared_ptr<models::hybrid::SettledWindowCache> settled) {
  SliceCouplingFactory f;
  if (s.lesion_windows.empty()) return f;
  models::hybrid::HybridConfig base;
  for (const LesionWindows& w : s.lesion_windows) {
    models::hybrid::WindowSpec core;
    core.lesion = w.lesion;
    core.grid.nx = core.grid.ny = core.grid.nz = w.size_voxels;
    core.region_share = w.margin ? 1.0 - w.margin_share : 1.0;
    core.settle_days = w.settle_days;
    for (const ParameterOverride& o : w.parameters)
      core.parameter_overrides.emplace_back(static_cast<std::size_t>(o.index), o.value);
    base.windows.push_back(core);
    if (w.margin) {
      models::hybrid::WindowSpec margin = core;
      margin.region = models::hybrid::WindowRegion::kMargin;
      margin.region_share = w.margin_share;
      base.windows.push_back(margin);
    }
  }
  base.seed = s.population.seed;
  // spatial statistics at baseline and at every scan (single patients: baseline and the horizon)
  base.assessment_days = {0.0};
  if (s.is_trial()) {
    for (double day : scan_days(s.recist, s.horizon_day)) base.assessment_days.push_back(day);
  } else {
    base.assessment_days.push_back(s.horizon_day);
  }
  base.settled = std::move(settled);
  const ModelDefinition* m = &model;
  f.make = [m, base](std::size_t candidate) -> std::unique_ptr<SliceCoupling> {
    models::hybrid::HybridConfig c = base;
    c.patient = candidate;
    c.sections = candidate < kSectionCandidates;
    return std::make_unique<models::hybrid::HybridLesions>(*m, std::move(c));
  };
  f.tables = models::hybrid::HybridLesions::table_layouts();
  return f;
}

std::vector<double> resolve_parameters(const ModelDefinition& model, const Scenario& scenario) {
  std::vector<double> params = model.default_parameters();
  apply_drug_parameters(model, scenario.treatment, params);
  for (const auto& o : all_overrides(scenario)) {
    if (o.index < 0 || static_cast<std::size_t>(o.index) >= params.size())
      throw Error(ErrorKind::kInput, "unknown parameter '" + o.name + "' for model " + model.id());
    params[static_cast<std::size_t>(o.index)] = o.value;
  }
  return params;
}

PatientRun run_single_patient(const ModelDefinition& model, const Scenario& scenario,
                              const std::vector<double>& params) {
  const TreatmentPlan plan = make_treatment_plan(model, scenario.treatment, scenario.radiotherapy, scenario.weight_kg,
                                                 scenario.horizon_day, scenario.output_interval_day, params);
  const SliceCouplingFactory windows = window_coupling(model, scenario);
  const std::unique_ptr<SliceCoupling> coupling = windows ? windows.make(0) : nullptr;
  PatientRun run = simulate_patient(model, params, scenario.initialisation, plan, scenario.solver, coupling.get());
  if (coupling) run.coupling_tables = windows.tables;
  return run;
}

PopulationSpec population_spec(const ModelDefinition& model, const PopulationSettings& p) {
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
    if (it != ps.distributions.end())
      *it = d;
    else
      ps.distributions.push_back(d);
  }
  return ps;
}

TrialSpec build_trial_spec(const ModelDefinition& model, const Scenario& s, int threads) {
  TrialSpec spec;
  spec.model = &model;
  spec.overrides = all_overrides(s);
  spec.weight_kg = s.weight_kg;
  spec.initialisation = s.initialisation;
  spec.arms = s.arms;
  spec.lesion_names = s.lesion_names;
  spec.horizon_day = s.horizon_day;
  spec.output_interval_day = s.output_interval_day;
  spec.recist = s.recist;
  spec.comparisons = {std::max(0, s.comparisons.control.index), s.comparisons.all_pairs, s.comparisons.holm};
  spec.progression = s.progression;
  spec.subgroups = s.subgroups;
  spec.tps_min_pct = s.population.tps_min_pct;
  spec.tps_max_pct = s.population.tps_max_pct;
  spec.first_line = s.population.first_line;
  spec.solver = s.solver;
  for (const auto& o : s.trajectory_outputs) {
    if (o.index < 0 || static_cast<std::size_t>(o.index) >= model.outputs().size())
      throw Error(ErrorKind::kInput, "unknown output '" + o.name + "' for model " + model.id());
    spec.trajectory_outputs.push_back(o.index);
  }
  spec.threads = threads > 0 ? threads : (s.threads > 0 ? s.threads : omp_get_max_threads());
  // the arms of a candidate run one after another on one thread: keep each thread's last
  // candidates' settled windows for its other arms
  spec.coupling = window_coupling(model, s,
                                  std::make_shared<models::hybrid::SettledWindowCache>(
                                      2 * static_cast<std::size_t>(std::max(1, spec.threads)) + 2));
  spec.batch_size = s.batch_size;

  const PopulationSettings& p = s.population;
  spec.population =
      p.file.empty() ? sample_population(model, population_spec(model, p)) : io::read_population(p.file, model);
  if (p.selection) {
    spec.select_by_inclusion = true;
    spec.observed_log_ratios = models::selection_data(model.id());
  }
  return spec;
}

std::string software_version() { return VCT_VERSION; }

io::RunInfo make_run_info(const std::string& command_line, const std::string& scenario_path,
                          const std::string& scenario_text, const std::string& resolved_yaml) {
  io::RunInfo info;
  info.software_version = software_version();
  info.command_line = command_line;
  info.scenario_path = scenario_path;
  info.scenario_text = scenario_text;
  info.resolved_yaml = resolved_yaml;
  return info;
}

io::RunInfo make_run_info(const std::string& command_line, const std::string& scenario_path,
                          const io::LoadedScenario& loaded, const std::string& calibration_path,
                          const std::string& calibration_text) {
  io::RunInfo info = make_run_info(command_line, scenario_path, loaded.source_text, loaded.resolved_yaml);
  Scenario identity = loaded.scenario;  // minus what cannot change a result
  identity.threads = Scenario{}.threads;
  identity.batch_size = Scenario{}.batch_size;
  identity.output_file = Scenario{}.output_file;
  info.identity_yaml = io::resolved_scenario_yaml(identity);
  if (!calibration_path.empty()) {
    info.calibration_path = calibration_path;
    info.calibration_hash = io::text_hash(calibration_text);
  }
  return info;
}

}  // namespace vct
