// SPDX-License-Identifier: MIT
// Scenario loader: `search`, the schedule search of `vct search` (docs/search.md).
#include <algorithm>
#include <cmath>

#include "io/scenario/parts.hpp"
#include "io/scenario/schema.hpp"

namespace vct::io::detail {

namespace {

constexpr std::size_t kMaxValuesPerVariable = 10000;
constexpr std::size_t kMaxGridPoints = 100000;

/// The values a variable may take: [lo, hi] (lo excluded when lo_open), whole numbers for integer kinds.
struct Admissible {
  double lo, hi;
  bool lo_open;
};
Admissible admissible(ScheduleVariable kind, double horizon_day) {
  switch (kind) {
    case ScheduleVariable::kRtDosePerFraction:
      return {0.0, 50.0, true};
    case ScheduleVariable::kRtFractions:
      return {1.0, 100.0, false};
    case ScheduleVariable::kRtSpacingDay:
      return {0.25, 365.0, false};
    case ScheduleVariable::kRtStartFromIciDay:
      return {-horizon_day, horizon_day, false};
    case ScheduleVariable::kRtLesion:
      return {0.0, 1e9, false};
    case ScheduleVariable::kIciStartDay:
      return {0.0, horizon_day, false};
    case ScheduleVariable::kIciDose:
      return {0.0, 1e5, true};
    case ScheduleVariable::kIciIntervalDay:
      return {0.0, 365.0, true};
  }
  return {0.0, 0.0, false};
}

/// One value of a variable: a number in its admissible range (a lesion name for rt_lesion).
bool read_value(Validator& v, const YAML::Node& node, const std::string& where, ScheduleVariable kind,
                const Scenario& s, double& x) {
  if (kind == ScheduleVariable::kRtLesion) {
    const std::string name = node.IsScalar() ? node.Scalar() : "";
    const auto it = std::find(s.lesion_names.begin(), s.lesion_names.end(), name);
    if (it == s.lesion_names.end()) {
      std::string names;
      for (const auto& n : s.lesion_names) names += (names.empty() ? "" : ", ") + n;
      v.problem(node, where, "expected one of the lesions: " + names + "; found " + describe(node));
      return false;
    }
    x = static_cast<double>(it - s.lesion_names.begin());
    return true;
  }
  const Admissible a = admissible(kind, s.horizon_day);
  if (!Validator::parse_number(node, x) || !Validator::in_range(x, a.lo, a.hi, a.lo_open) ||
      (is_integer(kind) && x != std::floor(x))) {
    v.problem(node, where,
              std::string("expected ") + (is_integer(kind) ? "a whole number " : "a number ") +
                  Validator::range_text(a.lo, a.hi, a.lo_open) + ", found " + describe(node));
    return false;
  }
  return true;
}

/// A range {min, max, step}: its values (step given) or its continuous bounds.
void read_range(Validator& v, const YAML::Node& node, const std::string& path, const Scenario& s, SearchVariable& var) {
  v.check_keys(node, path, {"min", "max", "step"});
  if (var.kind == ScheduleVariable::kRtLesion) {
    v.problem(node, path, "expected a list of lesion names, found a mapping");
    return;
  }
  double lo = 0.0, hi = 0.0;
  for (const char* key : {"min", "max"})
    if (!node[key]) v.problem(node, path + "." + key, std::string("missing required key '") + key + "'");
  if (!node["min"] || !node["max"] || !read_value(v, node["min"], path + ".min", var.kind, s, lo) ||
      !read_value(v, node["max"], path + ".max", var.kind, s, hi))
    return;
  if (!(hi > lo)) {
    v.problem(node["max"], path + ".max", "expected max > min (" + format_number(lo) + "), found " + format_number(hi));
    return;
  }
  if (!node["step"]) {
    if (is_integer(var.kind))
      v.problem(node, path, "expected a step for a whole-number variable (e.g. step: 1), found none");
    var.continuous = true;
    var.lower = lo;
    var.upper = hi;
    return;
  }
  double step = 0.0;
  v.number(node, "step", path, step, 0.0, hi - lo, true);
  if (!(step > 0.0)) return;
  const double count = std::floor((hi - lo) / step + 1e-9) + 1.0;
  if (count > static_cast<double>(kMaxValuesPerVariable)) {
    v.problem(node["step"], path + ".step",
              "expected at most " + std::to_string(kMaxValuesPerVariable) + " values, found " + format_count(count));
    return;
  }
  for (double k = 0.0; k < count; k += 1.0) var.values.push_back(lo + k * step);
}

SearchVariable read_variable(Validator& v, const YAML::Node& node, const std::string& path, ScheduleVariable kind,
                             const Scenario& s) {
  SearchVariable var;
  var.kind = kind;
  if (node.IsMap()) {
    read_range(v, node, path, s, var);
  } else if (node.IsSequence() && node.size() > 0) {
    for (std::size_t k = 0; k < node.size(); ++k) {
      double x = 0.0;
      if (read_value(v, node[k], path + "[" + std::to_string(k) + "]", kind, s, x)) var.values.push_back(x);
    }
    std::sort(var.values.begin(), var.values.end());
    var.values.erase(std::unique(var.values.begin(), var.values.end()), var.values.end());
  } else {
    v.problem(node, path, "expected a non-empty list of values or a range {min, max, step}, found " + describe(node));
  }
  return var;
}

void read_variables(Validator& v, const YAML::Node& block, Scenario& s) {
  const YAML::Node node = block["variables"];
  SearchSettings& settings = s.search.settings;
  if (!node) {
    v.problem(block, "search.variables", "missing required key 'variables'");
    return;
  }
  if (!v.is_map(node, "search.variables")) return;
  const std::vector<std::string> names = schema::search_variables().names();
  v.check_keys(node, "search.variables", names);
  for (const auto& item : node) {
    const std::string key = item.first.Scalar();
    const auto it = std::find(names.begin(), names.end(), key);
    if (it == names.end()) continue;
    const auto kind = static_cast<ScheduleVariable>(it - names.begin());
    settings.variables.push_back(read_variable(v, item.second, "search.variables." + key, kind, s));
  }
  if (node.size() == 0) v.problem(node, "search.variables", "expected at least one variable, found none");
}

/// What the searched arm must offer for its variables.
void check_arm_offers(Validator& v, const YAML::Node& node, const Scenario& s) {
  const SearchSettings& settings = s.search.settings;
  if (settings.arm < 0) return;
  const TrialArm& arm = s.arms[static_cast<std::size_t>(settings.arm)];
  for (const auto& var : settings.variables) {
    const std::string path = std::string("search.variables.") + to_string(var.kind);
    const YAML::Node where = node[to_string(var.kind)];
    const bool rt = var.kind == ScheduleVariable::kRtDosePerFraction || var.kind == ScheduleVariable::kRtFractions ||
                    var.kind == ScheduleVariable::kRtSpacingDay || var.kind == ScheduleVariable::kRtStartFromIciDay ||
                    var.kind == ScheduleVariable::kRtLesion;
    if (rt && arm.radiotherapy.empty())
      v.problem(where, path, "arm '" + arm.name + "' has no radiotherapy course to vary; expected an arm with one");
    if (!rt && arm.treatment.empty())
      v.problem(where, path, "arm '" + arm.name + "' has no treatment to vary; expected an arm with one");
    if (var.kind == ScheduleVariable::kRtStartFromIciDay && arm.treatment.empty())
      v.problem(where, path, "arm '" + arm.name + "' has no ICI dose to time the RT from");
    if (var.kind == ScheduleVariable::kIciDose && arm.treatment.size() > 1)
      v.problem(where, path,
                "arm '" + arm.name + "' doses " + std::to_string(arm.treatment.size()) +
                    " regimens; expected one (ici_dose sets its dose)");
  }
}

void check_method(Validator& v, const YAML::Node& block, const Scenario& s) {
  const SearchSettings& settings = s.search.settings;
  if (settings.method != SearchMethod::kGrid) return;
  double points = 1.0;
  for (const auto& var : settings.variables) {
    if (var.continuous)
      v.problem(block["variables"][to_string(var.kind)], std::string("search.variables.") + to_string(var.kind),
                "a grid needs values: expected a list or a range with a step (or method: nlopt), found a range "
                "without a step");
    points *= static_cast<double>(std::max<std::size_t>(1, var.values.size()));
  }
  if (points > static_cast<double>(kMaxGridPoints))
    v.problem(block["variables"], "search.variables",
              "expected a grid of at most " + std::to_string(kMaxGridPoints) + " schedules (or method: nlopt), found " +
                  format_count(points));
}

void check_objective(Validator& v, const YAML::Node& block, const Scenario& s) {
  const SearchObjective& o = s.search.settings.objective;
  const YAML::Node node = block["objective"];
  for (const auto& t : o.terms) {
    const std::string path = std::string("search.objective.") + to_string(t.metric);
    const bool os = t.metric == SearchMetric::kMedianOsDay || t.metric == SearchMetric::kRestrictedOsDay;
    if (os && !s.progression.overall_survival)
      v.problem(node[to_string(t.metric)], path, "expected progression.overall_survival: true for an OS metric");
    if (t.metric == SearchMetric::kOutOfFieldOrr && s.lesion_names.size() < 2)
      v.problem(node[to_string(t.metric)], path, "expected a scenario with at least two lesions for out-of-field ORR");
  }
  if (node && !o.terms.empty() &&
      std::all_of(o.terms.begin(), o.terms.end(), [](const ObjectiveTerm& t) { return t.weight == 0.0; }))
    v.problem(node, "search.objective", "expected at least one non-zero weight, found only zeros");
  if (!std::isnan(o.horizon_day)) {
    const double follow_up = std::isnan(s.progression.follow_up_day) ? s.horizon_day : s.progression.follow_up_day;
    const double limit = s.progression.overall_survival ? std::max(s.horizon_day, follow_up) : s.horizon_day;
    if (o.horizon_day > limit)
      v.problem(node["horizon_day"], "search.objective.horizon_day",
                "expected at most " + format_number(limit) + " days (the horizon or the OS follow-up), found " +
                    format_number(o.horizon_day));
  }
}

}  // namespace

/// (parts.hpp)
int resolve_arm(Validator& v, const YAML::Node& node, const std::string& path, const Scenario& s,
                const std::string& name) {
  std::string names;
  for (std::size_t a = 0; a < s.arms.size(); ++a) {
    if (s.arms[a].name == name) return static_cast<int>(a);
    names += (a ? ", " : "") + s.arms[a].name;
  }
  v.problem(node, path, "expected one of the arms: " + names + "; found '" + name + "'");
  return -1;
}

void load_search(Validator& v, const YAML::Node& root, Scenario& s) {
  const YAML::Node block = root["search"];
  if (!block || !v.is_map(block, "search")) return;
  SearchBlock& b = s.search;
  SearchSettings& settings = b.settings;
  settings.enabled = true;
  schema::read_section(v, block, schema::search(), b, "search");
  if (s.arms.empty()) {
    v.problem(block, "search", "expected a trial with arms (the search varies one arm's schedule)");
    return;
  }
  if (s.population.selection)
    v.problem(block, "search", "a schedule search does not support population.selection; expected no selection");
  if (b.arm.empty()) {
    const auto rt =
        std::find_if(s.arms.begin(), s.arms.end(), [](const TrialArm& a) { return !a.radiotherapy.empty(); });
    b.arm = (rt != s.arms.end() ? *rt : s.arms.back()).name;
  }
  if (b.reference.empty()) b.reference = s.comparisons.control.name;
  // A default that names no arm (a bad comparisons.control) is reported at the block.
  settings.arm = resolve_arm(v, block["arm"] ? block["arm"] : block, "search.arm", s, b.arm);
  settings.reference_arm =
      resolve_arm(v, block["reference"] ? block["reference"] : block, "search.reference", s, b.reference);
  if (!b.confirm_seed_given) settings.confirm_seed = s.population.seed + 1;
  read_variables(v, block, s);
  if (const YAML::Node c = block["constraints"]; c && v.is_map(c, "search.constraints"))
    schema::read_section(v, c, schema::search_constraints(), settings.constraints, "search.constraints");
  if (const YAML::Node o = block["objective"]; o && v.is_map(o, "search.objective"))
    schema::read_section(v, o, schema::search_objective(), settings.objective, "search.objective");
  if (settings.objective.terms.empty() && !block["objective"]) settings.objective.terms = {{SearchMetric::kOrr, 1.0}};
  if (block["objective"] && settings.objective.terms.empty())
    v.problem(block["objective"], "search.objective", "expected at least one metric with its weight, found none");
  check_arm_offers(v, block["variables"], s);
  check_method(v, block, s);
  check_objective(v, block, s);
}

}  // namespace vct::io::detail
