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
  static const std::vector<Metric> metrics = {Metric::kBestOrr,          Metric::kBestOrrOutOfField,
                                              Metric::kOrrFirstScan,     Metric::kOrrFirstScanOutOfField,
                                              Metric::kOrrLastScan,      Metric::kRespondersAtFirstScan,
                                              Metric::kLymphocytesAtDay, Metric::kLymphocyteNadir,
                                              Metric::kBestPd,           Metric::kPfsAtDay,
                                              Metric::kOsAtDay,          Metric::kTpsPrevalence};
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
double percent(io::Validator& v, const YAML::Node& map, const std::string& key, const std::string& path, bool required,
               double upper = 100.0) {
  if (!map[key]) {
    if (required) v.problem(map, path + "." + key, "missing required key '" + key + "'");
    return NAN;
  }
  double value = NAN;
  v.number(map, key, path, value, 0.0, upper);
  return value / 100.0;
}

/// `tps_range_pct: [min, max]` (0 <= min < max <= 100): response metrics over the patients in
/// the range; needed by tps_prevalence, which counts them.
void load_tps_range(io::Validator& v, const YAML::Node& t, const std::string& p, Target& x) {
  const YAML::Node range = t["tps_range_pct"];
  if (!range) {
    if (x.metric == Metric::kTpsPrevalence)
      v.problem(t, p + ".tps_range_pct",
                "metric tps_prevalence needs the TPS range counted (tps_range_pct: [min, max])");
    return;
  }
  double lo = NAN, hi = NAN;
  if (!range.IsSequence() || range.size() != 2 || !io::Validator::parse_number(range[0], lo) ||
      !io::Validator::parse_number(range[1], hi) || !(lo >= 0.0 && lo < hi && hi <= 100.0)) {
    std::string found = io::describe(range);
    if (range.IsSequence()) {
      found = "[";
      for (std::size_t k = 0; k < range.size(); ++k)
        found += (k ? ", " : "") + (range[k].IsScalar() ? range[k].Scalar() : io::describe(range[k]));
      found += "]";
    }
    v.problem(range, p + ".tps_range_pct", "expected [min, max] in percent with 0 <= min < max <= 100, found " + found);
    return;
  }
  const bool response = x.metric == Metric::kBestOrr || x.metric == Metric::kOrrFirstScan ||
                        x.metric == Metric::kOrrLastScan || x.metric == Metric::kBestPd ||
                        x.metric == Metric::kTpsPrevalence;
  if (!response || !x.reference_arm.empty())
    v.problem(range, p + ".tps_range_pct",
              std::string("a TPS range restricts best_orr, orr_first_scan, orr_last_scan, best_pd or counts "
                          "tps_prevalence (no reference_arm), found ") +
                  to_string(x.metric));
  x.tps_min_pct = lo;
  x.tps_max_pct = hi;
}

/// The per-patient CR/PR rates of one arm (best, first scan, last scan; out of field or not).
bool response_rate(Metric m) {
  return m == Metric::kBestOrr || m == Metric::kBestOrrOutOfField || m == Metric::kOrrFirstScan ||
         m == Metric::kOrrFirstScanOutOfField || m == Metric::kOrrLastScan;
}

bool ratio_metric(const Target& x) {
  return x.reference_arm.empty() &&
         (x.metric == Metric::kBestOrr || x.metric == Metric::kOrrFirstScan || x.metric == Metric::kOrrLastScan);
}

/// `relative_to` names another target of the suite, itself not a ratio, on the same metric.
/// Keeps a copy of it in Target::denominator, so that a ratio survives filtering the targets.
void resolve_ratio_references(io::Validator& v, const YAML::Node& nodes, std::vector<Target>& targets) {
  for (std::size_t i = 0; i < targets.size(); ++i) {
    Target& t = targets[i];
    if (t.relative_to.empty() || !ratio_metric(t)) continue;  // a wrong metric is reported by load_target
    const YAML::Node node = nodes[i]["relative_to"];
    const std::string p = "targets[" + std::to_string(i) + "].relative_to";
    const Target* other = nullptr;
    for (const auto& o : targets)
      if (o.id == t.relative_to) other = &o;
    if (!other || other == &t)
      v.problem(node, p, "expected the id of another target, found '" + t.relative_to + "'");
    else if (!other->relative_to.empty() || other->metric != t.metric || !other->reference_arm.empty())
      v.problem(node, p,
                "expected a target with the same metric (" + std::string(to_string(t.metric)) +
                    ") that is neither a ratio nor a paired difference, found '" + t.relative_to + "'");
    else
      t.denominator = {*other};
  }
}

/// `published_n`: the patients behind a published proportion (a response rate, best PD or a TPS
/// prevalence of one arm), for the trial-size prediction of validate.
void load_published_n(io::Validator& v, const YAML::Node& t, const std::string& p, Target& x) {
  if (!t["published_n"]) return;
  v.integer(t, "published_n", p, x.published_n, 1, 10000000);
  const bool proportion = response_rate(x.metric) || x.metric == Metric::kRespondersAtFirstScan ||
                          x.metric == Metric::kBestPd || x.metric == Metric::kTpsPrevalence;
  if (!proportion || !x.reference_arm.empty() || !x.relative_to.empty())
    v.problem(t["published_n"], p + ".published_n",
              std::string("a trial size belongs to a proportion of one arm (best_orr, orr_first_scan, best_pd, "
                          "tps_prevalence, ...; no reference_arm or relative_to), found metric ") +
                  to_string(x.metric) + (x.reference_arm.empty() ? "" : " with reference_arm") +
                  (x.relative_to.empty() ? "" : " with relative_to"));
}

Target load_target(io::Validator& v, const YAML::Node& t, const std::string& p, const std::string& folder) {
  v.check_keys(t, p,
               {"id", "description", "source", "scenario", "arm", "reference_arm", "metric", "day", "role",
                "published_pct", "published_ci_pct", "published_n", "ci_note", "tolerance_pct", "reduced_tolerance_pct",
                "tps_range_pct", "relative_to"});
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
  v.number(t, "day", p, x.day, 0.0, 1e5);
  if ((x.metric == Metric::kLymphocytesAtDay || x.metric == Metric::kPfsAtDay || x.metric == Metric::kOsAtDay) &&
      !t["day"])
    v.problem(t, p + ".day", std::string("metric ") + to_string(x.metric) + " needs the day read (day: N)");
  v.string(t, "reference_arm", p, x.reference_arm);
  if (!x.reference_arm.empty() && !response_rate(x.metric))
    v.problem(
        t["reference_arm"], p + ".reference_arm",
        std::string("a paired difference needs a response-rate metric (best_orr, ...), found ") + to_string(x.metric));
  load_tps_range(v, t, p, x);
  v.string(t, "relative_to", p, x.relative_to);
  if (!x.relative_to.empty() && !ratio_metric(x))
    v.problem(t["relative_to"], p + ".relative_to",
              std::string("a ratio of response rates needs best_orr, orr_first_scan or orr_last_scan without "
                          "reference_arm, found ") +
                  to_string(x.metric));
  // A ratio may exceed 100 %; a rate may not.
  const double most = x.relative_to.empty() ? 100.0 : 10000.0;
  if (!t["role"]) v.problem(t, p + ".role", "missing required key 'role'");
  x.calibration = v.choice(t, "role", p, {"calibration", "held_out"}) == 0;
  x.published = percent(v, t, "published_pct", p, true, most);
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
  load_published_n(v, t, p, x);
  x.tolerance = percent(v, t, "tolerance_pct", p, x.calibration, most);
  x.reduced_tolerance = percent(v, t, "reduced_tolerance_pct", p, x.calibration, most);
  return x;
}

CalibratedParameter load_parameter(io::Validator& v, const YAML::Node& t, const std::string& p) {
  v.check_keys(t, p, {"parameter", "fit", "sigma", "median", "lower", "upper", "start", "scale", "rationale"});
  CalibratedParameter x;
  x.parameter = required_text(v, t, "parameter", p);
  if (!t["fit"]) v.problem(t, p + ".fit", "missing required key 'fit'");
  const int fit = v.choice(t, "fit", p, {"population_median", "value", "population_sigma"});
  x.population_median = fit == 0;
  x.population_sigma = fit == 2;
  if (x.population_median) {
    if (!t["sigma"]) v.problem(t, p + ".sigma", "missing required key 'sigma'");
    v.number(t, "sigma", p, x.sigma, 0.0, 10.0);
  }
  if (x.population_sigma) v.number(t, "median", p, x.median, 0.0, kInf, true);
  if (!x.population_sigma && t["median"])
    v.problem(t["median"], p + ".median",
              "median is the value a population_sigma fit keeps; this entry fits " +
                  std::string(x.population_median ? "the median" : "a value"));
  for (const char* key : {"lower", "upper", "start"})
    if (!t[key]) v.problem(t, p + "." + key, std::string("missing required key '") + key + "'");
  v.number(t, "lower", p, x.lower, -kInf, kInf);
  v.number(t, "upper", p, x.upper, -kInf, kInf);
  v.number(t, "start", p, x.start, -kInf, kInf);
  x.log_scale = v.choice(t, "scale", p, {"log", "linear"}) != 1;
  if (x.log_scale && !(x.lower > 0.0)) v.problem(t, p + ".lower", "a log-scale search needs lower > 0");
  if (!(x.upper > x.lower)) v.problem(t, p + ".upper", "expected upper > lower");
  if (t["start"] && !(x.start >= x.lower && x.start <= x.upper))
    v.problem(t["start"], p + ".start",
              "expected a start within [" + io::format_number(x.lower) + ", " + io::format_number(x.upper) +
                  "], found " + io::format_number(x.start));
  v.string(t, "rationale", p, x.rationale);
  return x;
}

CalibrationSpec load_calibration_spec(io::Validator& v, const YAML::Node& node, bool any_calibration_target) {
  CalibrationSpec spec;
  if (!v.is_map(node, "calibration")) return spec;
  v.check_keys(node, "calibration",
               {"algorithm", "population_size", "max_evaluations", "initial_step", "step_tolerance", "smoothing_pct",
                "parameters"});
  const std::vector<std::string> algorithms = {"bobyqa", "sbplx", "neldermead"};
  const int a = v.choice(node, "algorithm", "calibration", algorithms);
  if (a >= 0) spec.algorithm = algorithms[static_cast<std::size_t>(a)];
  long size = spec.population_size, evaluations = spec.max_evaluations;
  v.integer(node, "population_size", "calibration", size, 1, 10000000);
  v.integer(node, "max_evaluations", "calibration", evaluations, 1, 100000);
  spec.population_size = static_cast<int>(size);
  spec.max_evaluations = static_cast<int>(evaluations);
  v.number(node, "initial_step", "calibration", spec.initial_step, 0.0, 0.5, true);
  v.number(node, "step_tolerance", "calibration", spec.step_tolerance, 0.0, 1.0, true);
  v.number(node, "smoothing_pct", "calibration", spec.smoothing_pct, 0.0, 50.0, true);
  const YAML::Node params = node["parameters"];
  if (!params || !params.IsSequence() || params.size() == 0) {
    v.problem(params ? params : node, "calibration.parameters", "expected a non-empty list of parameters to fit");
    return spec;
  }
  std::set<std::string> names, medians;
  for (std::size_t i = 0; i < params.size(); ++i) {
    const std::string p = "calibration.parameters[" + std::to_string(i) + "]";
    if (!v.is_map(params[i], p)) continue;
    CalibratedParameter x = load_parameter(v, params[i], p);
    // A parameter is fitted once, except a log-normal's median and sigma (one entry each).
    const std::string key = x.parameter + (x.population_sigma ? "#sigma" : "");
    if (!x.parameter.empty() && !names.insert(key).second)
      v.problem(params[i]["parameter"], p + ".parameter", "parameter '" + x.parameter + "' is fitted twice");
    if (x.population_median) medians.insert(x.parameter);
    spec.parameters.push_back(x);
  }
  for (std::size_t i = 0; i < spec.parameters.size(); ++i) {
    const CalibratedParameter& x = spec.parameters[i];
    const std::string p = "calibration.parameters[" + std::to_string(i) + "]";
    if (names.count(x.parameter) && !x.population_sigma && !x.population_median && names.count(x.parameter + "#sigma"))
      v.problem(params[i]["fit"], p + ".fit",
                "'" + x.parameter + "' has a population_sigma fit: fit its population_median, not a value");
    if (x.population_sigma && !medians.count(x.parameter) && std::isnan(x.median))
      v.problem(params[i], p + ".median",
                "fit: population_sigma needs the median it keeps: a population_median entry for '" + x.parameter +
                    "' or median: N");
  }
  if (!any_calibration_target)
    v.problem(node, "calibration", "a calibration needs at least one target with role: calibration");
  return spec;
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
    case Metric::kLymphocytesAtDay:
      return "blood_lymphocytes_at_day";
    case Metric::kLymphocyteNadir:
      return "blood_lymphocyte_nadir";
    case Metric::kRespondersAtFirstScan:
      return "responders_at_first_scan";
    case Metric::kBestPd:
      return "best_pd";
    case Metric::kPfsAtDay:
      return "pfs_at_day";
    case Metric::kOsAtDay:
      return "os_at_day";
    case Metric::kTpsPrevalence:
      return "tps_prevalence";
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
    resolve_ratio_references(v, targets, s.targets);
  }
  if (const YAML::Node calibration = root["calibration"])
    s.calibration = load_calibration_spec(v, calibration, !calibration_ids.empty());
  v.throw_if_problems();
  return s;
}

Calibration load_calibration(const std::string& path, bool must_exist) {
  Calibration c;
  if (!fs::exists(path)) {
    if (must_exist) throw Error(ErrorKind::kIo, "no calibration file '" + path + "'");
    return c;
  }
  return parse_calibration(io::read_text_file(path), path);
}

Calibration parse_calibration(const std::string& text, const std::string& path) {
  Calibration c;
  const YAML::Node root = io::parse_yaml(text, path);
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

namespace {

/// True when the scenario itself gives `section.parameters.<parameter>`.
bool gives(const YAML::Node& root, const char* section, const std::string& parameter) {
  const YAML::Node s = root[section];
  if (!s || !s.IsMap()) return false;
  const YAML::Node p = s["parameters"];
  return p && p.IsMap() && p[parameter];
}

}  // namespace

std::string apply_calibration(const std::string& scenario_text, const std::string& name, const Calibration& c,
                              int population_size, int seed_offset, ScenarioValues scenario_values) {
  YAML::Node root = io::parse_yaml(scenario_text, name);
  const bool keep = scenario_values == ScenarioValues::kKept;
  if (!root["model"] || !root["model"].IsScalar())
    throw Error(ErrorKind::kInput, name + ": model: expected a model name to apply the calibration to");
  const ModelDefinition& model = models::get_model(root["model"].Scalar());
  for (const auto& [parameter, value] : c.parameters) {
    if (model.parameter_index(parameter) < 0) continue;  // e.g. RT constants in an ICI-only scenario
    if (keep && gives(root, "patient", parameter)) continue;
    root["patient"]["parameters"][parameter] = value;
  }
  if (root["population"]) {
    // A population read from a file (population.file) keeps its stored values: the medians
    // cannot resample it, and the scenario may not give population.parameters with a file.
    const bool from_file = root["population"].IsMap() && root["population"]["file"];
    for (const auto& [parameter, ms] : c.population_medians) {
      if (from_file || model.parameter_index(parameter) < 0) continue;
      if (keep && gives(root, "population", parameter)) continue;
      YAML::Node d;
      d["distribution"] = "lognormal";
      d["median"] = ms.first;
      d["sigma"] = ms.second;
      root["population"]["parameters"][parameter] = d;
    }
    if (population_size > 0) root["population"]["size"] = population_size;
    if (seed_offset != 0) {
      const long long seed = root["population"]["seed"] ? root["population"]["seed"].as<long long>() : 1;
      root["population"]["seed"] = seed + 1000003LL * seed_offset;
    }
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
