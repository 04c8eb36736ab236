// SPDX-License-Identifier: MIT
// Scenario loader: the document (top level, model, patient, simulation, solver, output, RECIST,
// run); lists and the population are read by the other files of io/scenario.
#include "io/scenario/loader.hpp"

#include <algorithm>
#include <cmath>

#include "io/scenario/parts.hpp"
#include "io/scenario/schema.hpp"
#include "models/qspio_nsclc/model.hpp"
#include "models/registry.hpp"

namespace vct::io {

namespace {

using detail::make_override;

void read_schema_version(Validator& v, const YAML::Node& root) {
  if (!root["schema_version"]) {
    v.problem(root, "schema_version", "missing required key 'schema_version' (this release reads 1)");
    return;
  }
  long schema = 0;
  v.integer(root, "schema_version", "", schema, 1, 1000);
  if (schema != 1 && schema != 0)
    v.problem(root["schema_version"], "schema_version",
              "expected 1 (the schema this release reads), found " + std::to_string(schema));
}

/// `model`: a registered model (or an RT model variant, qspio_nsclc_rt@N{modules}); nullptr when
/// missing or unknown.
const ModelDefinition* read_model(Validator& v, const YAML::Node& root, Scenario& s) {
  if (!root["model"]) {
    v.problem(root, "model", "missing required key 'model'");
    return nullptr;
  }
  const YAML::Node node = root["model"];
  if (node.IsScalar() && node.Scalar().rfind("qspio_nsclc_rt", 0) == 0 && node.Scalar() != "qspio_nsclc_rt") {
    try {
      const ModelDefinition* model = &models::get_model(node.Scalar());
      s.model = node.Scalar();
      return model;
    } catch (const Error& e) {
      v.problem(node, "model", e.what());
      return nullptr;
    }
  }
  const auto names = models::model_names();
  const int k = v.choice(root, "model", "", names);
  if (k < 0) return nullptr;
  s.model = names[static_cast<std::size_t>(k)];
  return &models::get_model(s.model);
}

/// `modules`: the RT model's immune modules (default: all eight); selects the model variant.
void read_modules(Validator& v, const YAML::Node& root, const ModelDefinition*& model, Scenario& s) {
  const YAML::Node node = root["modules"];
  int n = 1;
  std::vector<std::string> modules;
  if (!model || !models::parse_rt_model_id(s.model, n, modules)) {
    if (node && model)
      v.problem(node, "modules",
                "modules need a radiotherapy model; expected model qspio_nsclc_rt, found " + model->id());
    return;
  }
  if (node) {
    if (!node.IsSequence()) {
      v.problem(node, "modules", "expected a list of module names (or []), found " + describe(node));
      return;
    }
    const std::vector<std::string>& names = models::rt_module_names();
    std::vector<std::string> chosen;
    const std::size_t before = v.count();
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string name = node[i].IsScalar() ? node[i].Scalar() : "";
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        std::string expected;
        for (const auto& m : names) expected += (expected.empty() ? "" : ", ") + m;
        std::string message = "unknown module " + describe(node[i]) + "; expected one of: " + expected;
        const std::string hint = closest_name(name, names);
        if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
        v.problem(node[i], "modules[" + std::to_string(i) + "]", message);
      } else if (std::find(chosen.begin(), chosen.end(), name) != chosen.end()) {
        v.problem(node[i], "modules[" + std::to_string(i) + "]", "module '" + name + "' is listed twice");
      } else {
        chosen.push_back(name);
      }
    }
    if (v.count() != before) return;
    try {
      s.model = models::rt_model_id(n, chosen);
    } catch (const Error& e) {
      v.problem(node, "modules", e.what());
      return;
    }
    modules = chosen;
  }
  model = &models::get_model(s.model);
  s.rt_modules.clear();
  for (const auto& name : models::rt_module_names())  // canonical order
    if (std::find(modules.begin(), modules.end(), name) != modules.end()) s.rt_modules.push_back(name);
}

void read_simulation(Validator& v, const YAML::Node& root, Scenario& s) {
  const YAML::Node sim = root["simulation"];
  if (!sim || !v.is_map(sim, "simulation")) return;
  schema::read_section(v, sim, schema::simulation(), s, "simulation");
  if (s.output_interval_day > s.horizon_day)
    v.problem(sim["output_interval_day"] ? sim["output_interval_day"] : sim, "simulation.output_interval_day",
              "expected an interval <= horizon_day (" + format_number(s.horizon_day) + "), found " +
                  format_number(s.output_interval_day));
  const double rows = std::floor(s.horizon_day / s.output_interval_day) + 1.0;
  if (rows > kMaxOutputTimes)
    v.problem(sim["output_interval_day"] ? sim["output_interval_day"] : sim, "simulation.output_interval_day",
              "expected at most " + format_count(kMaxOutputTimes) +
                  " output times (horizon_day / output_interval_day + 1), found " + format_count(rows));
}

/// Estimated size of the series a run stores (8-byte values): a single patient's states and
/// outputs at every output time, or a trial's kept trajectories for every candidate and arm.
void check_stored_size(Validator& v, const YAML::Node& root, const ModelDefinition* model, const Scenario& s) {
  if (!model) return;
  const double rows = std::floor(s.horizon_day / s.output_interval_day) + 1.0;
  if (rows > kMaxOutputTimes) return;  // reported with simulation.output_interval_day
  double values = 0.0;
  std::string what;
  if (s.is_trial()) {
    const double candidates = s.population.enabled ? s.population.size : 1.0;
    const double arms = s.arms.empty() ? 1.0 : static_cast<double>(s.arms.size());
    values = candidates * arms * rows * static_cast<double>(s.trajectory_outputs.size());
    what = format_count(candidates) + " candidates x " + format_count(arms) + " arm(s) x " + format_count(rows) +
           " times x " + std::to_string(s.trajectory_outputs.size()) + " trajectories";
  } else {
    const double series = static_cast<double>(model->outputs().size()) + (s.write_states ? model->n_states() : 0);
    values = rows * series;
    what = format_count(rows) + " times x " + format_count(series) + " series";
  }
  const double gib = values * 8.0 / (1024.0 * 1024.0 * 1024.0);
  if (gib > kMaxStoredGiB) {
    const YAML::Node sim = root["simulation"];
    v.problem(sim && sim["output_interval_day"] ? sim["output_interval_day"] : root, "simulation.output_interval_day",
              "expected results of at most " + format_number(kMaxStoredGiB) + " GiB, found an estimated " +
                  format_number(std::round(gib * 10.0) / 10.0) + " GiB (" + what +
                  "); lengthen output_interval_day or keep fewer trajectories");
  }
}

/// `patient`: weight and parameter overrides by table name, within the table's bounds.
void read_patient(Validator& v, const YAML::Node& root, const ModelDefinition* model, Scenario& s) {
  const YAML::Node patient = root["patient"];
  if (!patient || !v.is_map(patient, "patient")) return;
  schema::read_section(v, patient, schema::patient(), s, "patient");
  const YAML::Node params = patient["parameters"];
  if (!params || !v.is_map(params, "patient.parameters") || !model) return;
  const std::vector<std::string> names = detail::parameter_names(*model);
  for (auto it = params.begin(); it != params.end(); ++it) {
    const std::string key = it->first.Scalar();
    const std::string path = "patient.parameters." + key;
    const int k = model->parameter_index(key);
    if (k < 0) {
      v.problem(
          it->first, path,
          detail::unknown_name("parameter", key, *model, names) + "; 'vct params " + model->id() + "' lists them");
      continue;
    }
    if (const std::string why = detail::parameter_not_settable(key); !why.empty()) {
      v.problem(it->first, path, why);
      continue;
    }
    const ParameterInfo& info = model->parameters()[static_cast<std::size_t>(k)];
    double value = info.value;
    const std::size_t before = v.count();
    v.number(params, key, "patient.parameters", value, info.lower, info.upper, info.lower_open);
    if (v.count() == before) s.parameter_overrides.push_back({key, k, value});
  }
}

void read_initialisation(Validator& v, const YAML::Node& root, const ModelDefinition* model, Scenario& s) {
  const bool given = schema::read_field(v, root, "", schema::top_level().field("initialisation"), s);
  if (model && !given && !model->supports_growth_initialisation())
    s.initialisation.mode = InitialisationMode::kPublishedState;
  if (model && s.initialisation.mode == InitialisationMode::kGrowToDiameter && !model->supports_growth_initialisation())
    v.problem(root["initialisation"], "initialisation",
              "model " + model->id() + " cannot grow its own initial state; expected published_state or model_default");
  const bool il7 = std::find(s.rt_modules.begin(), s.rt_modules.end(), "il7_recovery") != s.rt_modules.end();
  if (model && il7 && s.initialisation.mode != InitialisationMode::kGrowToDiameter)
    v.problem(
        root["initialisation"] ? root["initialisation"] : root, "initialisation",
        std::string("module il7_recovery takes its IL-7 set point from the naive T cells that growth "
                    "initialisation reaches at the treatment start; expected grow_to_diameter (or a `modules` list "
                    "without il7_recovery), found ") +
            to_string(s.initialisation.mode));
  if (model && s.initialisation.mode == InitialisationMode::kPublishedState) {
    std::vector<double> p = model->default_parameters(), y(static_cast<std::size_t>(model->n_states()));
    if (!model->published_treatment_start_state(p.data(), y.data()))
      v.problem(root["initialisation"], "initialisation",
                "model " + model->id() + " ships no published state; expected grow_to_diameter or model_default");
  }
}

void read_treatment(Validator& v, const YAML::Node& root, const ModelDefinition* model, Scenario& s) {
  if (const YAML::Node treatment = root["treatment"])
    s.treatment = detail::load_regimens(v, treatment, "treatment", model, s.horizon_day);
  if (const YAML::Node rt = root["radiotherapy"])
    s.radiotherapy = detail::load_radiotherapy(v, rt, "radiotherapy", model, s, s.treatment);
  if (const YAML::Node arms = root["arms"]) {
    if (root["treatment"] || root["radiotherapy"])
      v.problem(arms, "arms", "give either treatment/radiotherapy (one arm) or arms, not both");
    detail::load_arms(v, arms, model, s);
  }
  if (const YAML::Node population = root["population"]) detail::load_population(v, population, model, s);
  if (s.population.enabled && s.arms.empty()) s.arms.push_back({"treatment", s.treatment, s.radiotherapy, {}});
}

void read_recist(Validator& v, const YAML::Node& root, Scenario& s) {
  if (const YAML::Node recist = root["recist"]; recist && v.is_map(recist, "recist"))
    schema::read_section(v, recist, schema::recist(), s.recist, "recist");
  if (!s.is_trial()) return;
  const YAML::Node where = root["recist"] ? root["recist"] : root;
  const double k1 = s.recist.first_scan_day / s.output_interval_day;
  const double k2 = s.recist.scan_interval_day / s.output_interval_day;
  if (std::abs(k1 - std::round(k1)) > 1e-9 || std::abs(k2 - std::round(k2)) > 1e-9)
    v.problem(where, "recist",
              "scan days must fall on the output grid: first_scan_day and scan_interval_day must be multiples of "
              "simulation.output_interval_day (" +
                  format_number(s.output_interval_day) + ")");
  if (s.recist.first_scan_day > s.horizon_day)
    v.problem(where, "recist.first_scan_day",
              "expected a first scan within the horizon (<= " + format_number(s.horizon_day) + " day), found " +
                  format_number(s.recist.first_scan_day));
}

/// `comparisons`: the control arm resolved by name (default the first arm), trials only.
void read_comparisons(Validator& v, const YAML::Node& root, Scenario& s) {
  const YAML::Node node = root["comparisons"];
  if (node && v.is_map(node, "comparisons")) {
    schema::read_section(v, node, schema::comparisons(), s.comparisons, "comparisons");
    if (!s.is_trial()) v.problem(node, "comparisons", "expected a trial (population or arms) to compare arms");
  }
  if (s.arms.empty()) return;
  NamedIndex& control = s.comparisons.control;
  if (control.name.empty()) control.name = s.arms.front().name;
  std::string names;
  for (std::size_t a = 0; a < s.arms.size(); ++a) {
    if (s.arms[a].name == control.name) control.index = static_cast<int>(a);
    names += (a ? ", " : "") + s.arms[a].name;
  }
  if (control.index < 0)
    v.problem(node["control"], "comparisons.control",
              "expected one of the arms: " + names + "; found '" + control.name + "'");
}

/// `progression`: the read-out modules, on a model that offers them, with an OS follow-up of at
/// least the horizon (default: the horizon).
void read_progression(Validator& v, const YAML::Node& root, const ModelDefinition* model, Scenario& s) {
  const YAML::Node node = root["progression"];
  if (!node || !v.is_map(node, "progression")) return;
  schema::read_section(v, node, schema::progression(), s.progression, "progression");
  if (!s.is_trial()) v.problem(node, "progression", "expected a trial (population or arms) for progression read-outs");
  if (!s.progression.any()) return;
  if (model) {
    s.progression.parameters = resolve_progression_parameters(model->parameters());
    if (!s.progression.parameters.available())
      v.problem(
          node, "progression",
          "expected a model with the progression parameters (qspio_nsclc, qspio_nsclc_rt), found model " + model->id());
  }
  if (std::isnan(s.progression.follow_up_day)) {
    s.progression.follow_up_day = s.horizon_day;
  } else if (s.progression.follow_up_day < s.horizon_day) {
    v.problem(node["follow_up_day"], "progression.follow_up_day",
              "expected a follow-up of at least the horizon (simulation.horizon_day " + format_number(s.horizon_day) +
                  "), found " + format_number(s.progression.follow_up_day));
  }
}

/// `output`: file, states and (trials) the trajectories kept, resolved to output indices.
void read_output(Validator& v, const YAML::Node& root, const ModelDefinition* model, Scenario& s) {
  const YAML::Node output = root["output"];
  if (!output || !v.is_map(output, "output")) return;
  schema::read_section(v, output, schema::output(), s, "output");
  const YAML::Node traj = output["trajectories"];
  if (!traj) return;
  s.trajectory_outputs.clear();
  if (traj.IsScalar() && traj.Scalar() == "all" && model) {
    for (std::size_t k = 0; k < model->outputs().size(); ++k)
      s.trajectory_outputs.push_back({model->outputs()[k].name, static_cast<int>(k)});
    return;
  }
  if (!traj.IsSequence()) {
    v.problem(traj, "output.trajectories", "expected a list of output names or 'all', found " + describe(traj));
    return;
  }
  if (!model) return;
  std::vector<std::string> names;
  for (const auto& o : model->outputs()) names.push_back(o.name);
  for (std::size_t i = 0; i < traj.size(); ++i) {
    const std::string output_name = traj[i].IsScalar() ? traj[i].Scalar() : "";
    const int k = model->output_index(output_name);
    if (k < 0) {
      std::string message = "unknown output " + describe(traj[i]) + " for model " + model->id();
      const std::string hint = closest_name(output_name, names);
      if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
      v.problem(traj[i], "output.trajectories[" + std::to_string(i) + "]", message);
    } else {
      s.trajectory_outputs.push_back({output_name, k});
    }
  }
}

/// Names given by default (not in the file) resolved once the model is known.
void resolve_defaults(const ModelDefinition* model, Scenario& s) {
  if (!model) return;
  if (s.lesion_names.size() != static_cast<std::size_t>(model->n_lesions())) {
    s.lesion_names.clear();
    for (int l = 0; l < model->n_lesions(); ++l)
      s.lesion_names.push_back(l == 0 ? "primary" : "lesion" + std::to_string(l + 1));
  }
  for (auto& o : s.trajectory_outputs)
    if (o.index < 0) o.index = model->output_index(o.name);
}

LoadedScenario load_document(const YAML::Node& root, const std::string& name, const std::string& text) {
  Validator v(name);
  Scenario s;
  if (!root.IsMap()) {
    v.problem(root, "", "expected a mapping at the top level, found " + describe(root));
    v.throw_if_problems();
  }
  v.check_keys(root, "", schema::top_level().names());
  read_schema_version(v, root);
  schema::read_field(v, root, "", schema::top_level().field("description"), s);
  const ModelDefinition* model = read_model(v, root, s);
  schema::read_field(v, root, "", schema::top_level().field("calibration"), s);
  read_simulation(v, root, s);
  if (const YAML::Node lesions = root["lesions"]) detail::load_lesions(v, lesions, model, s);
  read_modules(v, root, model, s);
  resolve_defaults(model, s);
  read_patient(v, root, model, s);
  read_initialisation(v, root, model, s);
  read_treatment(v, root, model, s);
  read_recist(v, root, s);
  read_comparisons(v, root, s);
  read_progression(v, root, model, s);
  detail::load_subgroups(v, root, model, s);
  detail::load_search(v, root, s);
  detail::load_observations(v, root, model, name, s);
  detail::load_predict(v, root, s);
  if (const YAML::Node run = root["run"]; run && v.is_map(run, "run"))
    schema::read_section(v, run, schema::run(), s, "run");
  if (const YAML::Node solver = root["solver"]; solver && v.is_map(solver, "solver"))
    schema::read_section(v, solver, schema::solver(), s.solver, "solver");
  read_output(v, root, model, s);
  check_stored_size(v, root, model, s);
  v.throw_if_problems();
  LoadedScenario loaded;
  loaded.scenario = s;
  loaded.source_text = text;
  loaded.resolved_yaml = resolved_scenario_yaml(s);
  return loaded;
}

}  // namespace

LoadedScenario load_scenario_text(const std::string& text, const std::string& name) {
  return load_document(parse_yaml(text, name), name, text);
}

LoadedScenario load_scenario_file(const std::string& path) {
  std::string text;
  try {
    text = read_text_file(path);
  } catch (const Error&) {
    throw Error(ErrorKind::kIo, "cannot open scenario file '" + path + "'");
  }
  return load_scenario_text(text, path);
}

}  // namespace vct::io
