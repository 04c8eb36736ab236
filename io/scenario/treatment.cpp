// SPDX-License-Identifier: MIT
// Scenario loader: dosing regimens and trial arms.
#include <set>

#include "io/scenario/parts.hpp"
#include "io/scenario/schema.hpp"

namespace vct::io::detail {

namespace {

/// The regimen's drug: required, known to the model (resolved to its index).
void read_drug(Validator& v, const YAML::Node& item, const std::string& path, const ModelDefinition* model,
               DoseRegimen& r) {
  if (!item["drug"]) {
    v.problem(item, path + ".drug", "missing required key 'drug'");
    return;
  }
  schema::read_field(v, item, path, schema::regimen().field("drug"), r);
  if (!model || r.drug.empty()) return;
  if (const DrugInfo* drug = model->find_drug(r.drug)) {
    r.drug_index = static_cast<int>(drug - model->drugs().data());
    return;
  }
  std::vector<std::string> names;
  for (const auto& d : model->drugs()) names.push_back(d.name);
  std::string expected;
  for (const auto& n : names) expected += (expected.empty() ? "" : ", ") + n;
  std::string message = "unknown drug '" + r.drug + "' for model " + model->id() + "; expected one of: " + expected;
  const std::string hint = closest_name(r.drug, names);
  if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
  v.problem(item["drug"], path + ".drug", message);
}

/// Dose amount and calendar rules that tie several keys together.
void check_regimen(Validator& v, const YAML::Node& item, const std::string& path, double horizon_day, DoseRegimen& r) {
  const bool has_mg = static_cast<bool>(item["dose_mg"]);
  const bool has_per_kg = static_cast<bool>(item["dose_mg_per_kg"]);
  if (has_mg == has_per_kg)
    v.problem(item, path,
              has_mg ? "give either dose_mg or dose_mg_per_kg, not both"
                     : "missing dose: give dose_mg (flat) or dose_mg_per_kg (weight-based)");
  if (item["end_day"]) {
    if (item["doses"]) v.problem(item["end_day"], path + ".end_day", "give either doses or end_day, not both");
    if (r.end_day < r.start_day)
      v.problem(
          item["end_day"], path + ".end_day",
          "expected end_day >= start_day (" + format_number(r.start_day) + "), found " + format_number(r.end_day));
  }
  const bool repeats = (item["doses"] && r.n_doses > 1) || item["end_day"];
  if (repeats && !item["interval_day"])
    v.problem(item, path + ".interval_day", "repeated dosing needs interval_day (days between doses)");
  if (!repeats) r.interval_day = 0.0;
  // Resource cap (issue #19 F1): the plan holds every dose in memory and restarts the solver at
  // each, so a regimen gives at most kMaxDosesPerRegimen doses within the horizon.
  if (repeats && r.interval_day > 0.0) {
    const double last = item["end_day"] ? std::min(r.end_day, horizon_day) : horizon_day;
    const double by_interval = std::floor((last - r.start_day) / r.interval_day) + 1.0;
    const double doses = item["end_day"] ? by_interval : std::min<double>(r.n_doses, by_interval);
    if (doses > kMaxDosesPerRegimen)
      v.problem(item["interval_day"], path + ".interval_day",
                "expected at most " + format_count(kMaxDosesPerRegimen) +
                    " doses per regimen within the horizon, found " + format_count(doses) + " (every " +
                    format_number(r.interval_day) + " day from day " + format_number(r.start_day) + " to day " +
                    format_number(last) + ")");
  }
  if (r.start_day > horizon_day)
    v.problem(item["start_day"] ? item["start_day"] : item, path + ".start_day",
              "expected a start within the horizon (<= " + format_number(horizon_day) + " day), found " +
                  format_number(r.start_day));
}

/// One drug per target slot.
void check_one_drug_per_slot(Validator& v, const YAML::Node& list, const std::string& prefix,
                             const ModelDefinition* model, const std::vector<DoseRegimen>& regimens) {
  if (!model) return;
  for (std::size_t i = 0; i < regimens.size(); ++i)
    for (std::size_t j = 0; j < i; ++j) {
      if (regimens[i].drug_index < 0 || regimens[j].drug_index < 0) continue;
      const DrugInfo& a = model->drugs()[static_cast<std::size_t>(regimens[i].drug_index)];
      const DrugInfo& b = model->drugs()[static_cast<std::size_t>(regimens[j].drug_index)];
      if (a.slot == b.slot && a.name != b.name)
        v.problem(list[i]["drug"], prefix + "[" + std::to_string(i) + "].drug",
                  "drug '" + a.name + "' targets the " + a.slot + " slot already used by '" + b.name + "' in " +
                      prefix + "[" + std::to_string(j) + "]; one drug per target");
    }
}

}  // namespace

std::vector<DoseRegimen> load_regimens(Validator& v, const YAML::Node& list, const std::string& prefix,
                                       const ModelDefinition* model, double horizon_day) {
  std::vector<DoseRegimen> regimens;
  if (!list.IsSequence()) {
    v.problem(list, prefix, "expected a list of dosing regimens, found " + describe(list));
    return regimens;
  }
  const auto& section = schema::regimen();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = prefix + "[" + std::to_string(i) + "]";
    if (!v.is_map(item, path)) continue;
    v.check_keys(item, path, section.names());
    DoseRegimen r;
    read_drug(v, item, path, model, r);
    for (const auto& f : section.fields)
      if (f.key.name != "drug") schema::read_field(v, item, path, f, r);
    check_regimen(v, item, path, horizon_day, r);
    regimens.push_back(r);
  }
  check_one_drug_per_slot(v, list, prefix, model, regimens);
  return regimens;
}

/// `arms[].stop_ici`: at least one trigger, on an arm that doses a drug.
StopRule load_stop_rule(Validator& v, const YAML::Node& node, const std::string& path, const TrialArm& arm) {
  StopRule rule;
  if (!v.is_map(node, path)) return rule;
  const auto& section = schema::stop_rule();
  v.check_keys(node, path, section.names());
  for (const auto& f : section.fields) schema::read_field(v, node, path, f, rule);
  if (!node["after_day"] && !node["responding_scans"] && !rule.confirmed_complete_response && !rule.earliest_stop)
    v.problem(node, path,
              "expected at least one of after_day, responding_scans, confirmed_complete_response: true, "
              "earliest_stop: true, found " +
                  describe(node));
  else if (arm.treatment.empty())
    v.problem(node, path, "the arm has no treatment to stop; expected a treatment or no stop_ici");
  return rule;
}

void load_arms(Validator& v, const YAML::Node& list, const ModelDefinition* model, Scenario& s) {
  if (!list.IsSequence() || list.size() == 0) {
    v.problem(list, "arms", "expected a non-empty list of arms, found " + describe(list));
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = "arms[" + std::to_string(i) + "]";
    if (!v.is_map(item, path)) continue;
    v.check_keys(item, path, schema::arm().names());
    TrialArm arm;
    if (!item["name"]) {
      v.problem(item, path + ".name", "missing required key 'name'");
    } else {
      schema::read_field(v, item, path, schema::arm().field("name"), arm);
      const bool valid = !arm.name.empty() &&
                         arm.name.find_first_not_of(
                             "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+.") == std::string::npos;
      if (!valid)
        v.problem(
            item["name"], path + ".name",
            "expected a name of letters, digits and _ - + . (it names an HDF5 group), found " + describe(item["name"]));
      else if (!names.insert(arm.name).second)
        v.problem(item["name"], path + ".name", "arm name '" + arm.name + "' is used twice");
    }
    if (item["treatment"])
      arm.treatment = load_regimens(v, item["treatment"], path + ".treatment", model, s.horizon_day);
    if (item["radiotherapy"])
      arm.radiotherapy = load_radiotherapy(v, item["radiotherapy"], path + ".radiotherapy", model, s, arm.treatment);
    if (item["stop_ici"]) arm.stop_ici = load_stop_rule(v, item["stop_ici"], path + ".stop_ici", arm);
    s.arms.push_back(arm);
  }
}

std::string unknown_name(const std::string& what, const std::string& name, const ModelDefinition& model,
                         const std::vector<std::string>& candidates) {
  std::string message = "unknown " + what + " '" + name + "' for model " + model.id();
  const std::string hint = closest_name(name, candidates);
  if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
  return message;
}

std::vector<std::string> parameter_names(const ModelDefinition& model) {
  std::vector<std::string> names;
  for (const auto& row : model.parameters()) names.push_back(row.name);
  return names;
}

ParameterOverride make_override(const ModelDefinition* model, const std::string& name, double value) {
  return {name, model ? model->parameter_index(name) : -1, value};
}

}  // namespace vct::io::detail
