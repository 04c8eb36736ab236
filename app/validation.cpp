// SPDX-License-Identifier: MIT
#include "app/validation.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "app/run_scenario.hpp"
#include "core/error.hpp"
#include "io/scenario/loader.hpp"
#include "io/scenario/validator.hpp"
#include "models/registry.hpp"

namespace vct::validation {

namespace fs = std::filesystem;

const Runner::Run& Runner::run(const std::string& scenario, const Calibration& calibration) {
  const std::string key = scenario + "|" + calibration_yaml(calibration, "");
  auto found = cache_.find(key);
  if (found != cache_.end()) return found->second;
  const std::string path = (fs::path(suite_.folder) / scenario).string();
  const std::string text = apply_calibration(io::read_text_file(path), path, calibration, options_.population_size);
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
    throw Error(ErrorKind::kInput,
                "target " + target.id + ": scenario " + target.scenario + " has no arm '" + target.arm + "'");
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
      case Metric::kBestOrrOutOfField:
        responders += responds(o.best);
        break;
      case Metric::kOrrFirstScan:
      case Metric::kOrrFirstScanOutOfField:
        responders += !o.per_scan.empty() && responds(o.per_scan.front());
        break;
      case Metric::kOrrLastScan:
        responders += !o.per_scan.empty() && responds(o.per_scan.back());
        break;
      case Metric::kRespondersAtFirstScan:
        break;
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
  return pct(s.rate.estimate) + " % (" + pct(s.rate.lower) + dash + pct(s.rate.upper) + "), N " +
         std::to_string(s.rate.n);
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
        << to_string(r.target.metric) << " | " << published_text(r.target, "–") << " | "
        << simulated_text(r.simulated, "–") << " | " << verdict(r) << " |\n";
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

}  // namespace vct::validation
