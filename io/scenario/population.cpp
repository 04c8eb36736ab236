// SPDX-License-Identifier: MIT
// Scenario loader: the virtual population (sampling design, varied parameters, selection).
#include <limits>

#include "io/scenario/parts.hpp"
#include "io/scenario/schema.hpp"
#include "models/registry.hpp"

namespace vct::io::detail {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

ParameterDistribution load_distribution(Validator& v, const YAML::Node& node, const std::string& path,
                                        const std::string& parameter) {
  ParameterDistribution d;
  d.parameter = parameter;
  if (!v.is_map(node, path)) return d;
  const auto& section = schema::distribution();
  const int kind = v.choice(node, "distribution", path, section.field("distribution").key.choices);
  if (!node["distribution"]) v.problem(node, path + ".distribution", "missing required key 'distribution'");
  if (kind < 0) return d;
  d.kind = static_cast<DistributionKind>(kind);
  v.check_keys(node, path, schema::distribution_keys(d.kind));
  auto required = [&](const char* key, double& target, double lo, bool open) {
    if (!node[key])
      v.problem(node, path + "." + key, std::string("missing required key '") + key + "' for " + to_string(d.kind));
    v.number(node, key, path, target, lo, kInf, open);
  };
  switch (d.kind) {
    case DistributionKind::kFixed:
      required("value", d.value, -kInf, false);
      break;
    case DistributionKind::kUniform:
    case DistributionKind::kLogUniform:
      required("lower", d.lower, d.kind == DistributionKind::kLogUniform ? 0.0 : -kInf,
               d.kind == DistributionKind::kLogUniform);
      required("upper", d.upper, -kInf, false);
      if (node["lower"] && node["upper"] && !(d.lower < d.upper))
        v.problem(node["upper"], path + ".upper",
                  "expected upper > lower (" + format_number(d.lower) + "), found " + format_number(d.upper));
      break;
    case DistributionKind::kNormal:
      required("mean", d.mean, -kInf, false);
      required("sd", d.sd, 0.0, true);
      v.number(node, "lower", path, d.lower, -kInf, kInf);
      v.number(node, "upper", path, d.upper, -kInf, kInf);
      break;
    case DistributionKind::kLogNormal:
      required("median", d.median, 0.0, true);
      required("sigma", d.sigma, 0.0, true);
      v.number(node, "lower", path, d.lower, 0.0, kInf);
      v.number(node, "upper", path, d.upper, 0.0, kInf, true);
      break;
  }
  return d;
}

/// `population.preset`: one of the model's published designs.
void read_preset(Validator& v, const YAML::Node& node, const ModelDefinition* model, PopulationSettings& pop) {
  if (!node["preset"] || !model) return;
  std::vector<std::string> presets;
  for (const auto& p : models::population_presets(model->id())) presets.push_back(p.name);
  if (presets.empty()) {
    v.problem(node["preset"], "population.preset", "model " + model->id() + " has no population presets");
    return;
  }
  const int k = v.choice(node, "preset", "population", presets);
  if (k >= 0) pop.preset = presets[static_cast<std::size_t>(k)];
}

/// `population.parameters`: distributions of model parameters not fixed in patient.parameters.
void read_varied_parameters(Validator& v, const YAML::Node& node, const ModelDefinition* model, Scenario& s) {
  const YAML::Node params = node["parameters"];
  if (!params || !v.is_map(params, "population.parameters") || !model) return;
  const std::vector<std::string> names = parameter_names(*model);
  for (auto it = params.begin(); it != params.end(); ++it) {
    const std::string key = it->first.Scalar();
    const std::string path = "population.parameters." + key;
    if (model->parameter_index(key) < 0) {
      v.problem(it->first, path, unknown_name("parameter", key, *model, names));
      continue;
    }
    if (const std::string why = parameter_not_settable(key); !why.empty()) {
      v.problem(it->first, path, why);
      continue;
    }
    for (const auto& fixed : s.parameter_overrides)
      if (fixed.name == key)
        v.problem(it->first, path, "'" + key + "' is also fixed in patient.parameters; vary it here or fix it there");
    s.population.distributions.push_back(load_distribution(v, it->second, path, key));
  }
}

/// `population.tps_min_pct` / `tps_max_pct`: enrolment by PD-L1 TPS, min < max, on a model that
/// offers TPS.
void read_tps_range(Validator& v, const YAML::Node& node, const ModelDefinition* model, PopulationSettings& pop) {
  const auto& section = schema::population();
  const bool has_min = schema::read_field(v, node, "population", section.field("tps_min_pct"), pop);
  const bool has_max = schema::read_field(v, node, "population", section.field("tps_max_pct"), pop);
  if (!has_min && !has_max) return;
  if (has_min && has_max && !(pop.tps_min_pct < pop.tps_max_pct))
    v.problem(node["tps_max_pct"], "population.tps_max_pct",
              "expected tps_max_pct > tps_min_pct (" + format_number(pop.tps_min_pct) + "), found " +
                  format_number(pop.tps_max_pct));
  if (model && !model_offers_tps(model))
    v.problem(node[has_min ? "tps_min_pct" : "tps_max_pct"],
              has_min ? "population.tps_min_pct" : "population.tps_max_pct",
              "model " + model->id() + " has no PD-L1 TPS read-out (qspio_nsclc and qspio_nsclc_rt do)");
}

}  // namespace

void load_population(Validator& v, const YAML::Node& node, const ModelDefinition* model, Scenario& s) {
  if (!v.is_map(node, "population")) return;
  PopulationSettings& pop = s.population;
  pop.enabled = true;
  const auto& section = schema::population();
  v.check_keys(node, "population", section.names());
  schema::read_field(v, node, "population", section.field("file"), pop);
  if (!pop.file.empty())
    for (const char* key : {"size", "sampling", "preset", "parameters"})
      if (node[key])
        v.problem(node[key], std::string("population.") + key,
                  "population.file supplies the patients; remove '" + std::string(key) + "' or the file");
  for (const char* key : {"size", "seed", "sampling", "pk_variability"})
    schema::read_field(v, node, "population", section.field(key), pop);
  read_preset(v, node, model, pop);
  read_varied_parameters(v, node, model, s);
  schema::read_field(v, node, "population", section.field("selection"), pop);
  if (pop.selection && model && models::selection_data(model->id()).empty())
    v.problem(node["selection"], "population.selection",
              "model " + model->id() + " ships no observed data to select against; expected none");
  if (pop.selection && s.initialisation.mode != InitialisationMode::kGrowToDiameter)
    v.problem(node["selection"], "population.selection", "selection needs initialisation: grow_to_diameter");
  read_tps_range(v, node, model, pop);
  schema::read_field(v, node, "population", section.field("line_of_therapy"), pop);
  if (pop.first_line && model && model->resolved().first_line_scaling.empty())
    v.problem(node["line_of_therapy"], "population.line_of_therapy",
              "model " + model->id() +
                  " has no line-of-therapy description (qspio_nsclc and qspio_nsclc_rt do); expected pretreated");
}

}  // namespace vct::io::detail
