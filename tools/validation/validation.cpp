// SPDX-License-Identifier: MIT
#include "tools/validation/validation.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "core/error.hpp"
#include "models/registry.hpp"
#include "tools/io/scenario_loader.hpp"
#include "tools/run_scenario.hpp"

namespace vct::validation {

namespace fs = std::filesystem;

const char* to_string(Metric m) {
  switch (m) {
    case Metric::kBestOrr: return "best_orr";
    case Metric::kBestOrrOutOfField: return "best_orr_out_of_field";
    case Metric::kOrrFirstScan: return "orr_first_scan";
    case Metric::kOrrFirstScanOutOfField: return "orr_first_scan_out_of_field";
    case Metric::kOrrLastScan: return "orr_last_scan";
    case Metric::kRespondersAtFirstScan: return "responders_at_first_scan";
  }
  return "?";
}

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::kIo, "cannot open '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// Parses a YAML file; a syntax error is reported as file:line:col like any other problem.
YAML::Node parse_yaml_file(const std::string& path) {
  try {
    return YAML::Load(read_text(path));
  } catch (const YAML::Exception& e) {
    throw io::ScenarioError({{path, e.mark.line + 1, e.mark.column + 1, "", "not valid YAML: " + e.msg}});
  }
}

/// Collects problems in a suite file as file:line:col: key: message.
struct Checker {
  std::string file;
  std::vector<io::ScenarioProblem> problems;

  void problem(const YAML::Node& node, const std::string& path, const std::string& message) {
    problems.push_back({file, node.Mark().line + 1, node.Mark().column + 1, path, message});
  }
  void keys(const YAML::Node& map, const std::string& path, const std::set<std::string>& allowed) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.Scalar();
      if (allowed.count(key)) continue;
      std::string expected;
      for (const auto& a : allowed) expected += (expected.empty() ? "" : ", ") + a;
      problem(it->first, path + "." + key, "unknown key '" + key + "'; expected one of: " + expected);
    }
  }
  std::string text(const YAML::Node& map, const std::string& key, const std::string& path, bool required) {
    const YAML::Node n = map[key];
    if (!n) {
      if (required) problem(map, path + "." + key, "missing required key '" + key + "'");
      return "";
    }
    if (!n.IsScalar()) {
      problem(n, path + "." + key, "expected a text value");
      return "";
    }
    return n.Scalar();
  }
  double number(const YAML::Node& map, const std::string& key, const std::string& path, bool required, double lo,
                double hi) {
    const YAML::Node n = map[key];
    if (!n) {
      if (required) problem(map, path + "." + key, "missing required key '" + key + "'");
      return NAN;
    }
    try {
      const double v = n.as<double>();
      if (!(v >= lo && v <= hi)) {
        char range[96];
        std::snprintf(range, sizeof range, "expected a number from %g to %g, found ", lo, hi);
        problem(n, path + "." + key, range + n.Scalar());
        return NAN;
      }
      return v;
    } catch (const YAML::Exception&) {
      problem(n, path + "." + key, "expected a number, found " + (n.IsScalar() ? "'" + n.Scalar() + "'" : "a structure"));
      return NAN;
    }
  }
};

/// Percent-point numbers in the suite file are given in percent for readability.
double percent(double v) { return std::isnan(v) ? v : v / 100.0; }

}  // namespace

Suite load_suite(const std::string& path) {
  const YAML::Node root = parse_yaml_file(path);
  Checker c{path, {}};
  Suite s;
  s.path = path;
  s.folder = fs::path(path).parent_path().string();
  c.keys(root, "suite", {"schema_version", "description", "calibrated_file", "targets", "calibration"});
  s.calibrated_file = c.text(root, "calibrated_file", "suite", true);
  std::set<std::string> ids, calibration_ids;
  const YAML::Node targets = root["targets"];
  if (!targets || !targets.IsSequence() || targets.size() == 0) {
    c.problem(targets ? targets : root, "targets", "expected a non-empty list of targets");
  } else {
    for (std::size_t i = 0; i < targets.size(); ++i) {
      const YAML::Node t = targets[i];
      const std::string p = "targets[" + std::to_string(i) + "]";
      c.keys(t, p, {"id", "description", "source", "scenario", "arm", "metric", "role", "published_pct",
                    "published_ci_pct", "ci_note", "tolerance_pct", "reduced_tolerance_pct"});
      Target x;
      x.id = c.text(t, "id", p, true);
      if (!x.id.empty() && !ids.insert(x.id).second) c.problem(t["id"], p + ".id", "target id '" + x.id + "' is used twice");
      x.description = c.text(t, "description", p, true);
      x.source = c.text(t, "source", p, true);
      x.scenario = c.text(t, "scenario", p, true);
      x.arm = c.text(t, "arm", p, true);
      x.published_ci_note = c.text(t, "ci_note", p, false);
      if (!x.scenario.empty() && !fs::exists(fs::path(s.folder) / x.scenario))
        c.problem(t["scenario"], p + ".scenario", "no such scenario file '" + x.scenario + "' next to the suite");
      const std::string metric = c.text(t, "metric", p, true);
      const std::vector<Metric> metrics = {Metric::kBestOrr, Metric::kBestOrrOutOfField, Metric::kOrrFirstScan,
                                           Metric::kOrrFirstScanOutOfField, Metric::kOrrLastScan,
                                           Metric::kRespondersAtFirstScan};
      bool found = metric.empty();
      for (Metric m : metrics)
        if (metric == to_string(m)) {
          x.metric = m;
          found = true;
        }
      if (!found)
        c.problem(t["metric"], p + ".metric",
                  "expected best_orr, best_orr_out_of_field, orr_first_scan, orr_first_scan_out_of_field, "
                  "orr_last_scan or responders_at_first_scan, found '" +
                      metric + "'");
      const std::string role = c.text(t, "role", p, true);
      if (role != "calibration" && role != "held_out" && !role.empty())
        c.problem(t["role"], p + ".role", "expected calibration or held_out, found '" + role + "'");
      x.calibration = role == "calibration";
      x.published = percent(c.number(t, "published_pct", p, true, 0.0, 100.0));
      if (const YAML::Node ci = t["published_ci_pct"]) {
        if (!ci.IsSequence() || ci.size() != 2) {
          c.problem(ci, p + ".published_ci_pct", "expected [lower, upper] in percent");
        } else {
          x.published_lower = ci[0].as<double>() / 100.0;
          x.published_upper = ci[1].as<double>() / 100.0;
        }
      }
      x.tolerance = percent(c.number(t, "tolerance_pct", p, x.calibration, 0.0, 100.0));
      x.reduced_tolerance = percent(c.number(t, "reduced_tolerance_pct", p, x.calibration, 0.0, 100.0));
      if (x.calibration) calibration_ids.insert(x.id);
      s.targets.push_back(x);
    }
  }
  if (const YAML::Node steps = root["calibration"]) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
      const YAML::Node t = steps[i];
      const std::string p = "calibration[" + std::to_string(i) + "]";
      c.keys(t, p, {"name", "target", "parameter", "fit", "sigma", "lower", "upper", "scale", "iterations", "rationale"});
      CalibrationStep st;
      st.name = c.text(t, "name", p, true);
      st.target = c.text(t, "target", p, true);
      if (!st.target.empty() && !calibration_ids.count(st.target))
        c.problem(t["target"], p + ".target",
                  "'" + st.target + "' is not a calibration target (held-out targets may not be fitted)");
      st.parameter = c.text(t, "parameter", p, true);
      const std::string fit = c.text(t, "fit", p, true);
      if (fit != "population_median" && fit != "value" && !fit.empty())
        c.problem(t["fit"], p + ".fit", "expected population_median or value, found '" + fit + "'");
      st.population_median = fit == "population_median";
      if (st.population_median) st.sigma = c.number(t, "sigma", p, true, 0.0, 10.0);
      st.lower = c.number(t, "lower", p, true, -1e300, 1e300);
      st.upper = c.number(t, "upper", p, true, -1e300, 1e300);
      const std::string scale = c.text(t, "scale", p, false);
      if (!scale.empty() && scale != "log" && scale != "linear")
        c.problem(t["scale"], p + ".scale", "expected log or linear, found '" + scale + "'");
      st.log_scale = scale != "linear";
      if (st.log_scale && !(st.lower > 0.0)) c.problem(t, p + ".lower", "a log-scale search needs lower > 0");
      if (!(st.upper > st.lower)) c.problem(t, p + ".upper", "expected upper > lower");
      const double it = c.number(t, "iterations", p, false, 1.0, 40.0);
      if (!std::isnan(it)) st.iterations = static_cast<int>(it);
      st.rationale = c.text(t, "rationale", p, false);
      s.steps.push_back(st);
    }
  }
  if (!c.problems.empty()) throw io::ScenarioError(c.problems);
  return s;
}

Calibration load_calibration(const std::string& path, bool must_exist) {
  Calibration c;
  if (!fs::exists(path)) {
    if (must_exist) throw Error(ErrorKind::kIo, "no calibration file '" + path + "'");
    return c;
  }
  const YAML::Node root = parse_yaml_file(path);
  if (!root || root.IsNull()) return c;
  Checker check{path, {}};
  if (!root.IsMap()) {
    check.problem(root, "calibration", "expected a map with population_medians and parameters");
    throw io::ScenarioError(check.problems);
  }
  check.keys(root, "calibration", {"population_medians", "parameters"});
  if (const YAML::Node m = root["population_medians"]; m && !m.IsNull()) {
    if (!m.IsMap()) check.problem(m, "population_medians", "expected a map of parameter: {median, sigma}");
    for (auto it = m.begin(); m.IsMap() && it != m.end(); ++it) {
      const std::string p = "population_medians." + it->first.Scalar();
      if (!it->second.IsMap()) {
        check.problem(it->second, p, "expected {median: number > 0, sigma: number >= 0}");
        continue;
      }
      check.keys(it->second, p, {"median", "sigma"});
      const double median = check.number(it->second, "median", p, true, -1e300, 1e300);
      if (median <= 0.0)
        check.problem(it->second["median"], p + ".median", "expected a number > 0, found " + it->second["median"].Scalar());
      const double sigma = check.number(it->second, "sigma", p, true, 0.0, 10.0);
      c.population_medians[it->first.Scalar()] = {median, sigma};
    }
  }
  if (const YAML::Node v = root["parameters"]; v && !v.IsNull()) {
    if (!v.IsMap()) check.problem(v, "parameters", "expected a map of parameter: value");
    for (auto it = v.begin(); v.IsMap() && it != v.end(); ++it)
      c.parameters[it->first.Scalar()] = check.number(v, it->first.Scalar(), "parameters", true, -1e300, 1e300);
  }
  if (!check.problems.empty()) throw io::ScenarioError(check.problems);
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
  YAML::Node root = YAML::Load(scenario_text);
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

const Runner::Run& Runner::run(const std::string& scenario, const Calibration& calibration) {
  const std::string key = scenario + "|" + calibration_yaml(calibration, "");
  auto found = cache_.find(key);
  if (found != cache_.end()) return found->second;
  const std::string path = (fs::path(suite_.folder) / scenario).string();
  const std::string text = apply_calibration(read_text(path), path, calibration, options_.population_size);
  const io::LoadedScenario loaded = io::load_scenario_text(text, path);
  const ModelDefinition& model = models::get_model(loaded.scenario.model);
  Run r;
  r.spec = build_trial_spec(model, loaded.scenario, options_.threads);
  struct Keep : TrialSink {
    std::vector<CandidateResult>* out;
    void write_batch(const std::vector<CandidateResult>& b) override { out->insert(out->end(), b.begin(), b.end()); }
    void write_summary(const TrialSummary&) override {}
  } sink;
  sink.out = &r.results;
  const auto t0 = std::chrono::steady_clock::now();
  run_trial(r.spec, sink, {});
  r.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (on_trial) on_trial(scenario, r.spec.arms.size(), r.wall_seconds);
  return cache_.emplace(key, std::move(r)).first->second;
}

Simulated Runner::evaluate(const Target& target, const Calibration& calibration) {
  const Run& r = run(target.scenario, calibration);
  std::size_t arm = r.spec.arms.size();
  for (std::size_t a = 0; a < r.spec.arms.size(); ++a)
    if (r.spec.arms[a].name == target.arm) arm = a;
  if (arm == r.spec.arms.size())
    throw Error(ErrorKind::kInput, "target " + target.id + ": scenario " + target.scenario + " has no arm '" +
                                       target.arm + "'");
  int responders = 0, n = 0;
  auto responds = [](Response x) { return x == Response::kCR || x == Response::kPR; };
  for (const auto& c : r.results) {
    if (c.status != CandidateStatus::kPatient) continue;
    const ArmResult& a = c.arms[arm];
    if (!a.assessed) continue;
    const bool out_of_field =
        target.metric == Metric::kBestOrrOutOfField || target.metric == Metric::kOrrFirstScanOutOfField;
    if (out_of_field && !a.out_of_field)
      throw Error(ErrorKind::kInput, "target " + target.id + ": arm '" + target.arm + "' has no out-of-field lesions");
    const RecistOutcome& o = out_of_field ? a.recist_out_of_field : a.recist;
    if (target.metric == Metric::kRespondersAtFirstScan) {  // a share of the responders, not of all patients
      if (!responds(o.best)) continue;
      ++n;
      responders += !o.per_scan.empty() && responds(o.per_scan.front());
      continue;
    }
    ++n;
    switch (target.metric) {
      case Metric::kBestOrr:
      case Metric::kBestOrrOutOfField: responders += responds(o.best); break;
      case Metric::kOrrFirstScan:
      case Metric::kOrrFirstScanOutOfField: responders += !o.per_scan.empty() && responds(o.per_scan.front()); break;
      case Metric::kOrrLastScan: responders += !o.per_scan.empty() && responds(o.per_scan.back()); break;
      case Metric::kRespondersAtFirstScan: break;
    }
  }
  Simulated s;
  s.rate = stats::clopper_pearson(responders, n);
  s.n_candidates = static_cast<int>(r.results.size());
  s.wall_seconds = r.wall_seconds;
  return s;
}

std::vector<StepResult> calibrate(const Suite& suite, Runner& runner, Calibration& calibration,
                                  const std::function<void(const StepResult&)>& progress) {
  std::vector<StepResult> out;
  for (const auto& step : suite.steps) {
    const Target* target = nullptr;
    for (const auto& t : suite.targets)
      if (t.id == step.target) target = &t;
    if (!target) throw Error(ErrorKind::kInput, "calibration step " + step.name + ": unknown target " + step.target);
    StepResult res;
    res.step = step;
    res.target_value = target->published;
    auto rate_at = [&](double v) {
      Calibration trial = calibration;
      if (step.population_median)
        trial.population_medians[step.parameter] = {v, step.sigma};
      else
        trial.parameters[step.parameter] = v;
      const double r = runner.evaluate(*target, trial).rate.estimate;
      res.trace.emplace_back(v, r);
      return r;
    };
    auto to_x = [&](double v) { return step.log_scale ? std::log(v) : v; };
    auto from_x = [&](double x) { return step.log_scale ? std::exp(x) : x; };
    double xa = to_x(step.lower), xb = to_x(step.upper);
    double fa = rate_at(step.lower) - target->published, fb = rate_at(step.upper) - target->published;
    if (fa * fb > 0.0) {
      // The target is not bracketed: keep the closer end and say so.
      res.bracketed = false;
      res.value = std::abs(fa) <= std::abs(fb) ? step.lower : step.upper;  // ties keep the lower end
    } else {
      for (int k = 0; k < step.iterations; ++k) {
        const double xm = 0.5 * (xa + xb);
        const double fm = rate_at(from_x(xm)) - target->published;
        if ((fm <= 0.0) == (fa <= 0.0)) {
          xa = xm;
          fa = fm;
        } else {
          xb = xm;
          fb = fm;
        }
      }
      res.value = from_x(std::abs(fa) <= std::abs(fb) ? xa : xb);
    }
    // The value chosen is one of the evaluated points; report its rate.
    for (const auto& [v, r] : res.trace)
      if (v == res.value) res.achieved = r;
    if (step.population_median)
      calibration.population_medians[step.parameter] = {res.value, step.sigma};
    else
      calibration.parameters[step.parameter] = res.value;
    if (progress) progress(res);
    out.push_back(res);
  }
  return out;
}

std::vector<Row> validate(const Suite& suite, Runner& runner, const Calibration& calibration, bool reduced) {
  std::vector<Row> rows;
  for (const auto& t : suite.targets) {
    Row row;
    row.target = t;
    row.simulated = runner.evaluate(t, calibration);
    row.published_inside_ci =
        row.simulated.rate.n > 0 && t.published >= row.simulated.rate.lower && t.published <= row.simulated.rate.upper;
    if (t.calibration) {
      const double tol = reduced ? t.reduced_tolerance : t.tolerance;
      row.within_tolerance = row.simulated.rate.n > 0 && std::abs(row.simulated.rate.estimate - t.published) <= tol;
    }
    rows.push_back(row);
  }
  return rows;
}

namespace {

std::string pct(double v) {
  if (std::isnan(v)) return "";
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", 100.0 * v);
  return b;
}

std::string published_text(const Target& t, const char* dash) {
  std::string s = pct(t.published) + " %";
  if (!std::isnan(t.published_lower)) s += " (" + pct(t.published_lower) + dash + pct(t.published_upper) + ")";
  return s;
}

std::string simulated_text(const Simulated& s, const char* dash) {
  if (s.rate.n == 0) return "no patients";
  return pct(s.rate.estimate) + " % (" + pct(s.rate.lower) + dash + pct(s.rate.upper) + "), N " + std::to_string(s.rate.n);
}

std::string verdict(const Row& r) {
  std::string v = r.published_inside_ci ? "inside" : "outside";
  if (r.target.calibration) v += r.within_tolerance ? "; within tolerance" : "; OUT OF TOLERANCE";
  return v;
}

}  // namespace

std::string markdown_table(const std::vector<Row>& rows) {
  std::ostringstream out;
  out << "| target | role | metric | published (95 % CI) | simulated (95 % CI), N | published inside simulated CI |\n"
      << "|---|---|---|---|---|---|\n";
  for (const auto& r : rows)
    out << "| " << r.target.description << " | " << (r.target.calibration ? "calibration" : "held out") << " | "
        << to_string(r.target.metric) << " | " << published_text(r.target, "–") << " | " << simulated_text(r.simulated, "–")
        << " | " << verdict(r) << " |\n";
  return out.str();
}

std::string text_table(const std::vector<Row>& rows) {
  int id_width = 6;
  for (const auto& r : rows) id_width = std::max(id_width, static_cast<int>(r.target.id.size()));
  std::ostringstream out;
  char line[512];
  std::snprintf(line, sizeof line, "%-*s %-11s %-20s %-28s %s\n", id_width, "target", "role", "published % (CI)",
                "simulated % (95% CI), N", "published inside simulated CI");
  out << line;
  for (const auto& r : rows) {
    std::snprintf(line, sizeof line, "%-*s %-11s %-20s %-28s %s\n", id_width, r.target.id.c_str(),
                  r.target.calibration ? "calibration" : "held out", published_text(r.target, "-").c_str(),
                  simulated_text(r.simulated, "-").c_str(), verdict(r).c_str());
    out << line;
  }
  return out.str();
}

void write_into_markdown(const std::string& path, const std::string& block) {
  const std::string text = read_text(path);
  const std::string begin = "<!-- validate:begin -->", end = "<!-- validate:end -->";
  const std::size_t b = text.find(begin), e = text.find(end);
  if (b == std::string::npos || e == std::string::npos || e < b)
    throw Error(ErrorKind::kInput, path + " has no '" + begin + "' ... '" + end + "' block to replace");
  std::ofstream out(path);
  out << text.substr(0, b + begin.size()) << "\n" << block << text.substr(e);
  if (!out) throw Error(ErrorKind::kIo, "cannot write '" + path + "'");
}

}  // namespace vct::validation
