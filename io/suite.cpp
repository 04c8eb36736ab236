// SPDX-License-Identifier: MIT
#include "io/suite.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <limits>
#include <set>

#include "core/error.hpp"
#include "io/scenario/validator.hpp"
#include "models/registry.hpp"

namespace vct::validation {

namespace fs = std::filesystem;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

const std::vector<Metric>& all_metrics() {
  static const std::vector<Metric> metrics = {Metric::kBestOrr,      Metric::kBestOrrOutOfField,
                                              Metric::kOrrFirstScan, Metric::kOrrFirstScanOutOfField,
                                              Metric::kOrrLastScan,  Metric::kRespondersAtFirstScan};
  return metrics;
}

std::vector<std::string> metric_names() {
  std::vector<std::string> names;
  for (Metric m : all_metrics()) names.push_back(to_string(m));
  return names;
}

/// A required text key: reported when missing, read when present.
std::string required_text(io::Validator& v, const YAML::Node& map, const std::string& key, const std::string& path) {
  std::string value;
  if (!map[key]) v.problem(map, path + "." + key, "missing required key '" + key + "'");
  v.string(map, key, path, value);
  return value;
}

/// A number given in percent (the suite's unit for rates), returned as a fraction.
double percent(io::Validator& v, const YAML::Node& map, const std::string& key, const std::string& path,
               bool required) {
  if (!map[key]) {
    if (required) v.problem(map, path + "." + key, "missing required key '" + key + "'");
    return NAN;
  }
  double value = NAN;
  v.number(map, key, path, value, 0.0, 100.0);
  return value / 100.0;
}

Target load_target(io::Validator& v, const YAML::Node& t, const std::string& p, const std::string& folder) {
  v.check_keys(t, p,
               {"id", "description", "source", "scenario", "arm", "metric", "role", "published_pct", "published_ci_pct",
                "ci_note", "tolerance_pct", "reduced_tolerance_pct"});
  Target x;
  x.id = required_text(v, t, "id", p);
  x.description = required_text(v, t, "description", p);
  x.source = required_text(v, t, "source", p);
  x.scenario = required_text(v, t, "scenario", p);
  x.arm = required_text(v, t, "arm", p);
  v.string(t, "ci_note", p, x.published_ci_note);
  if (!x.scenario.empty() && !fs::exists(fs::path(folder) / x.scenario))
    v.problem(t["scenario"], p + ".scenario", "no such scenario file '" + x.scenario + "' next to the suite");
  if (!t["metric"]) v.problem(t, p + ".metric", "missing required key 'metric'");
  const int metric = v.choice(t, "metric", p, metric_names());
  if (metric >= 0) x.metric = all_metrics()[static_cast<std::size_t>(metric)];
  if (!t["role"]) v.problem(t, p + ".role", "missing required key 'role'");
  x.calibration = v.choice(t, "role", p, {"calibration", "held_out"}) == 0;
  x.published = percent(v, t, "published_pct", p, true);
  if (const YAML::Node ci = t["published_ci_pct"]) {
    double lower = NAN, upper = NAN;
    if (!ci.IsSequence() || ci.size() != 2 || !io::Validator::parse_number(ci[0], lower) ||
        !io::Validator::parse_number(ci[1], upper) || !(lower <= upper)) {
      v.problem(ci, p + ".published_ci_pct", "expected [lower, upper] in percent, found " + io::describe(ci));
    } else {
      x.published_lower = lower / 100.0;
      x.published_upper = upper / 100.0;
    }
  }
  x.tolerance = percent(v, t, "tolerance_pct", p, x.calibration);
  x.reduced_tolerance = percent(v, t, "reduced_tolerance_pct", p, x.calibration);
  return x;
}

CalibrationStep load_step(io::Validator& v, const YAML::Node& t, const std::string& p,
                          const std::set<std::string>& calibration_ids) {
  v.check_keys(t, p,
               {"name", "target", "parameter", "fit", "sigma", "lower", "upper", "scale", "iterations", "rationale"});
  CalibrationStep st;
  st.name = required_text(v, t, "name", p);
  st.target = required_text(v, t, "target", p);
  if (!st.target.empty() && !calibration_ids.count(st.target))
    v.problem(t["target"], p + ".target",
              "'" + st.target + "' is not a calibration target (held-out targets may not be fitted)");
  st.parameter = required_text(v, t, "parameter", p);
  if (!t["fit"]) v.problem(t, p + ".fit", "missing required key 'fit'");
  st.population_median = v.choice(t, "fit", p, {"population_median", "value"}) == 0;
  if (st.population_median) {
    if (!t["sigma"]) v.problem(t, p + ".sigma", "missing required key 'sigma'");
    v.number(t, "sigma", p, st.sigma, 0.0, 10.0);
  }
  for (const char* key : {"lower", "upper"})
    if (!t[key]) v.problem(t, p + "." + key, std::string("missing required key '") + key + "'");
  v.number(t, "lower", p, st.lower, -kInf, kInf);
  v.number(t, "upper", p, st.upper, -kInf, kInf);
  st.log_scale = v.choice(t, "scale", p, {"log", "linear"}) != 1;
  if (st.log_scale && !(st.lower > 0.0)) v.problem(t, p + ".lower", "a log-scale search needs lower > 0");
  if (!(st.upper > st.lower)) v.problem(t, p + ".upper", "expected upper > lower");
  long iterations = st.iterations;
  v.integer(t, "iterations", p, iterations, 1, 40);
  st.iterations = static_cast<int>(iterations);
  v.string(t, "rationale", p, st.rationale);
  return st;
}

}  // namespace

const char* to_string(Metric m) {
  switch (m) {
    case Metric::kBestOrr:
      return "best_orr";
    case Metric::kBestOrrOutOfField:
      return "best_orr_out_of_field";
    case Metric::kOrrFirstScan:
      return "orr_first_scan";
    case Metric::kOrrFirstScanOutOfField:
      return "orr_first_scan_out_of_field";
    case Metric::kOrrLastScan:
      return "orr_last_scan";
    case Metric::kRespondersAtFirstScan:
      return "responders_at_first_scan";
  }
  return "?";
}

Suite load_suite(const std::string& path) {
  const YAML::Node root = io::parse_yaml_file(path);
  io::Validator v(path);
  Suite s;
  s.path = path;
  s.folder = fs::path(path).parent_path().string();
  if (!v.is_map(root, "suite")) v.throw_if_problems();
  v.check_keys(root, "suite", {"schema_version", "description", "calibrated_file", "targets", "calibration"});
  s.calibrated_file = required_text(v, root, "calibrated_file", "suite");
  std::set<std::string> ids, calibration_ids;
  const YAML::Node targets = root["targets"];
  if (!targets || !targets.IsSequence() || targets.size() == 0) {
    v.problem(targets ? targets : root, "targets", "expected a non-empty list of targets");
  } else {
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const std::string p = "targets[" + std::to_string(i) + "]";
      if (!v.is_map(targets[i], p)) continue;
      Target x = load_target(v, targets[i], p, s.folder);
      if (!x.id.empty() && !ids.insert(x.id).second)
        v.problem(targets[i]["id"], p + ".id", "target id '" + x.id + "' is used twice");
      if (x.calibration) calibration_ids.insert(x.id);
      s.targets.push_back(x);
    }
  }
  if (const YAML::Node steps = root["calibration"]) {
    if (!steps.IsSequence())
      v.problem(steps, "calibration", "expected a list of calibration steps, found " + io::describe(steps));
    for (std::size_t i = 0; steps.IsSequence() && i < steps.size(); ++i) {
      const std::string p = "calibration[" + std::to_string(i) + "]";
      if (v.is_map(steps[i], p)) s.steps.push_back(load_step(v, steps[i], p, calibration_ids));
    }
  }
  v.throw_if_problems();
  return s;
}

Calibration load_calibration(const std::string& path, bool must_exist) {
  Calibration c;
  if (!fs::exists(path)) {
    if (must_exist) throw Error(ErrorKind::kIo, "no calibration file '" + path + "'");
    return c;
  }
  const YAML::Node root = io::parse_yaml_file(path);
  if (!root || root.IsNull()) return c;
  io::Validator v(path);
  if (!root.IsMap()) {
    v.problem(root, "calibration", "expected a map with population_medians and parameters");
    v.throw_if_problems();
  }
  v.check_keys(root, "calibration", {"population_medians", "parameters"});
  if (const YAML::Node m = root["population_medians"]; m && !m.IsNull()) {
    if (!m.IsMap()) v.problem(m, "population_medians", "expected a map of parameter: {median, sigma}");
    for (auto it = m.begin(); m.IsMap() && it != m.end(); ++it) {
      const std::string p = "population_medians." + it->first.Scalar();
      if (!it->second.IsMap()) {
        v.problem(it->second, p, "expected {median: number > 0, sigma: number >= 0}");
        continue;
      }
      v.check_keys(it->second, p, {"median", "sigma"});
      double median = NAN, sigma = NAN;
      for (const char* key : {"median", "sigma"})
        if (!it->second[key]) v.problem(it->second, p + "." + key, std::string("missing required key '") + key + "'");
      v.number(it->second, "median", p, median, 0.0, kInf, true);
      v.number(it->second, "sigma", p, sigma, 0.0, 10.0);
      c.population_medians[it->first.Scalar()] = {median, sigma};
    }
  }
  if (const YAML::Node p = root["parameters"]; p && !p.IsNull()) {
    if (!p.IsMap()) v.problem(p, "parameters", "expected a map of parameter: value");
    for (auto it = p.begin(); p.IsMap() && it != p.end(); ++it) {
      double value = NAN;
      v.number(p, it->first.Scalar(), "parameters", value, -kInf, kInf);
      c.parameters[it->first.Scalar()] = value;
    }
  }
  v.throw_if_problems();
  return c;
}

std::string calibration_yaml(const Calibration& c, const std::string& header) {
  YAML::Emitter out;
  out.SetDoublePrecision(10);
  out << YAML::BeginMap;
  out << YAML::Key << "population_medians" << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : c.population_medians)
    out << YAML::Key << k << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "median" << YAML::Value
        << v.first << YAML::Key << "sigma" << YAML::Value << v.second << YAML::EndMap;
  out << YAML::EndMap;
  out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
  for (const auto& [k, v] : c.parameters) out << YAML::Key << k << YAML::Value << v;
  out << YAML::EndMap << YAML::EndMap;
  return header + out.c_str() + "\n";
}

std::string apply_calibration(const std::string& scenario_text, const std::string& name, const Calibration& c,
                              int population_size) {
  YAML::Node root = io::parse_yaml(scenario_text, name);
  if (!root["model"] || !root["model"].IsScalar())
    throw Error(ErrorKind::kInput, name + ": model: expected a model name to apply the calibration to");
  const ModelDefinition& model = models::get_model(root["model"].Scalar());
  for (const auto& [parameter, value] : c.parameters) {
    if (model.parameter_index(parameter) < 0) continue;  // e.g. RT constants in an ICI-only scenario
    root["patient"]["parameters"][parameter] = value;
  }
  if (root["population"]) {
    for (const auto& [parameter, ms] : c.population_medians) {
      if (model.parameter_index(parameter) < 0) continue;
      YAML::Node d;
      d["distribution"] = "lognormal";
      d["median"] = ms.first;
      d["sigma"] = ms.second;
      root["population"]["parameters"][parameter] = d;
    }
    if (population_size > 0) root["population"]["size"] = population_size;
  }
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << root;
  return std::string(out.c_str()) + "\n";
}

void write_into_markdown(const std::string& path, const std::string& block) {
  const std::string text = io::read_text_file(path);
  const std::string begin = "<!-- validate:begin -->", end = "<!-- validate:end -->";
  const std::size_t b = text.find(begin), e = text.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b)
    throw Error(ErrorKind::kInput, path + " has no '" + begin + "' ... '" + end + "' block to replace");
  std::ofstream out(path);
  out << text.substr(0, b + begin.size()) << "\n" << block << text.substr(e);
  if (!out) throw Error(ErrorKind::kIo, "cannot write '" + path + "'");
}

}  // namespace vct::validation
