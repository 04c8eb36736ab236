// SPDX-License-Identifier: MIT
// Scenario loader: the patient's lesions (multi-lesion radiotherapy model).
#include <algorithm>
#include <set>

#include "io/scenario/parts.hpp"
#include "io/scenario/schema.hpp"
#include "models/abm/parameters.hpp"
#include "models/qspio_nsclc/model.hpp"
#include "models/registry.hpp"

namespace vct::io::detail {

namespace {
constexpr std::size_t kMaxLesions = 8;

/// `lesions[i].abm.parameters`: window parameters by table name, each within its bounds.
void read_window_parameters(Validator& v, const YAML::Node& node, const std::string& path, LesionWindows& w) {
  if (!v.is_map(node, path)) return;
  const std::vector<ParameterInfo>& table = models::abm::parameter_table();
  std::vector<std::string> names;
  for (const ParameterInfo& info : table) names.push_back(info.name);
  for (auto it = node.begin(); it != node.end(); ++it) {
    const std::string key = it->first.Scalar();
    const auto found = std::find(names.begin(), names.end(), key);
    if (found == names.end()) {
      const std::string hint = closest_name(key, names);
      v.problem(it->first, path + "." + key,
                "unknown window parameter '" + key + "'" + (hint.empty() ? "" : " (did you mean '" + hint + "'?)") +
                    "; docs/models/abm.md, \"Parameters\", lists them");
      continue;
    }
    const std::size_t k = static_cast<std::size_t>(found - names.begin());
    double value = table[k].value;
    const std::size_t before = v.count();
    v.number(node, key, path, value, table[k].lower, table[k].upper, table[k].lower_open);
    if (v.count() == before) w.parameters.push_back({key, static_cast<int>(k), value});
  }
}

/// `lesions[i].abm`: the lesion's agent-based windows.
void load_windows(Validator& v, const YAML::Node& node, const std::string& path, int lesion,
                  const ModelDefinition* model, Scenario& s) {
  if (!v.is_map(node, path)) return;
  const auto& section = schema::lesion_windows();
  v.check_keys(node, path, section.names());
  LesionWindows w;
  w.lesion = lesion;
  const std::size_t before = v.count();
  for (const auto& f : section.fields) schema::read_field(v, node, path, f, w);
  if (node["parameters"]) read_window_parameters(v, node["parameters"], path + ".parameters", w);
  const std::string share = "lesion" + std::to_string(lesion + 1) + "_abm_share";
  if (model) {
    w.share_parameter = model->parameter_index(share);
    if (w.share_parameter < 0)
      v.problem(node, path, "model " + model->id() + " has no parameter " + share + "; windows need qspio_nsclc_rt");
  }
  if (v.count() == before) s.lesion_windows.push_back(w);
}
}  // namespace

void load_lesions(Validator& v, const YAML::Node& list, const ModelDefinition*& model, Scenario& s) {
  if (!list.IsSequence() || list.size() == 0) {
    v.problem(list, "lesions", "expected a non-empty list of lesions, found " + describe(list));
    return;
  }
  if (model && !model->supports_radiotherapy()) {
    v.problem(
        list, "lesions",
        "lesions need a model with lesions and radiotherapy; expected model qspio_nsclc_rt, found " + model->id());
    return;
  }
  if (list.size() > kMaxLesions) {
    v.problem(list, "lesions", "expected at most 8 lesions, found " + std::to_string(list.size()));
    return;
  }
  const int n = static_cast<int>(list.size());
  if (model && model->n_lesions() != 1 && model->n_lesions() != n) {
    v.problem(list, "lesions",
              "model " + model->id() + " has " + std::to_string(model->n_lesions()) + " lesions, the list names " +
                  std::to_string(n));
    return;
  }
  int n_model = 1;
  std::vector<std::string> modules;
  if (model && n > 1 && models::parse_rt_model_id(s.model, n_model, modules)) {
    s.model = models::rt_model_id(n, modules);
    model = &models::get_model(s.model);
  }
  const auto& section = schema::lesion();
  s.lesion_names.clear();
  std::set<std::string> seen;
  for (int i = 0; i < n; ++i) {
    const YAML::Node item = list[static_cast<std::size_t>(i)];
    const std::string path = "lesions[" + std::to_string(i) + "]";
    schema::LesionEntry entry{i == 0 ? "primary" : "lesion" + std::to_string(i + 1), 0.0};
    if (!v.is_map(item, path)) continue;
    v.check_keys(item, path, section.names());
    schema::read_field(v, item, path, section.field("name"), entry);
    if (!seen.insert(entry.name).second)
      v.problem(item["name"], path + ".name", "lesion name '" + entry.name + "' is used twice");
    s.lesion_names.push_back(entry.name);
    if (schema::read_field(v, item, path, section.field("diameter_cm"), entry))
      s.parameter_overrides.push_back(make_override(
          model, i == 0 ? "initial_tumour_diameter_cm" : "lesion" + std::to_string(i + 1) + "_initial_diameter_cm",
          entry.diameter_cm));
    if (item["abm"]) load_windows(v, item["abm"], path + ".abm", i, model, s);
  }
}

}  // namespace vct::io::detail
