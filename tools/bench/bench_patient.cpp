// SPDX-License-Identifier: MIT
// Wall time of single-patient runs of a scenario, repeated: prints median, min and max for the
// initial-condition phase, the treatment phase and the total, with solver step counts. With
// --trace-steps FILE.csv one more run (not timed) writes every CVODE step: phase, time, step size,
// order and the state with the largest weighted local error (docs/performance.md).
// usage: vct_bench_patient SCENARIO.yaml [repeats=21] [--trace-steps FILE.csv]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/run_scenario.hpp"
#include "core/error.hpp"
#include "io/scenario/loader.hpp"
#include "models/registry.hpp"

namespace {
struct Stats {
  double median, min, max;
};
Stats summarise(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return {v[v.size() / 2], v.front(), v.back()};
}
}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> positional;
  std::string trace_file;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--trace-steps" && i + 1 < argc)
      trace_file = argv[++i];
    else
      positional.push_back(arg);
  }
  if (positional.empty() || positional.size() > 2) {
    std::fprintf(stderr, "usage: %s SCENARIO.yaml [repeats] [--trace-steps FILE.csv]\n", argv[0]);
    return 1;
  }
  const int repeats = positional.size() > 1 ? std::atoi(positional[1].c_str()) : 21;
  if (repeats < 1) {
    std::fprintf(stderr, "repeats must be at least 1, found '%s'\n", positional[1].c_str());
    return 1;
  }
  try {
    const auto loaded = vct::io::load_scenario_file(positional[0]);
    const auto& model = vct::models::get_model(loaded.scenario.model);
    const auto params = vct::resolve_parameters(model, loaded.scenario);
    model.jacobian_pattern();  // one-off per process; not part of a patient's cost
    std::vector<double> init, treat, total;
    vct::PatientRun run;
    for (int r = 0; r < repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      run = vct::run_single_patient(model, loaded.scenario, params);
      total.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
      init.push_back(run.wall_seconds_initialisation);
      treat.push_back(run.wall_seconds_treatment);
    }
    std::printf("scenario   %s (model %s, solver %s/%s, rtol %g, atol %g)\n", positional[0].c_str(), model.id().c_str(),
                loaded.scenario.solver.method.c_str(), loaded.scenario.solver.linear_solver.c_str(),
                loaded.scenario.solver.rtol, loaded.scenario.solver.atol);
    std::printf("status     %s; %ld initialisation steps, %ld treatment steps, %zu doses/events\n",
                vct::to_string(run.status), run.initialisation.stats.steps, run.stats.steps, run.events.size());
    std::printf("repeats    %d (single thread)\n", repeats);
    std::printf("%-16s %10s %10s %10s\n", "phase (ms)", "median", "min", "max");
    for (const auto& [name, v] :
         {std::make_pair("initialisation", init), std::make_pair("treatment", treat), std::make_pair("total", total)}) {
      const Stats s = summarise(v);
      std::printf("%-16s %10.1f %10.1f %10.1f\n", name, 1e3 * s.median, 1e3 * s.min, 1e3 * s.max);
    }
    if (!trace_file.empty()) {
      std::vector<vct::StepRecord> steps;
      vct::Scenario traced = loaded.scenario;
      traced.solver.step_observer = [&steps](const vct::StepRecord& r) { steps.push_back(r); };
      const vct::PatientRun trace_run = vct::run_single_patient(model, traced, params);
      std::FILE* out = std::fopen(trace_file.c_str(), "w");
      if (!out) throw vct::Error(vct::ErrorKind::kInput, "cannot write " + trace_file);
      std::fprintf(out, "phase,t_day,step_day,order,limiting_state,weighted_error\n");
      const auto n_init = static_cast<std::size_t>(trace_run.initialisation.stats.steps);
      for (std::size_t k = 0; k < steps.size(); ++k) {
        const auto& r = steps[k];
        std::fprintf(out, "%s,%.17g,%.6e,%d,%s,%.4e\n", k < n_init ? "initialisation" : "treatment", r.t_day,
                     r.step_day, r.order, model.states()[static_cast<std::size_t>(r.limiting_state)].name.c_str(),
                     r.weighted_error);
      }
      std::fclose(out);
      std::printf("trace      %zu steps (%zu initialisation) written to %s\n", steps.size(), n_init,
                  trace_file.c_str());
    }
  } catch (const vct::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
