// SPDX-License-Identifier: MIT
// Wall time of single-patient runs of a scenario, repeated: prints median, min and max for the
// initial-condition phase, the treatment phase and the total, with solver step counts.
// usage: vct_bench_patient SCENARIO.yaml [repeats=21]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "core/error.hpp"
#include "models/registry.hpp"
#include "tools/io/scenario_loader.hpp"
#include "tools/run_scenario.hpp"

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
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s SCENARIO.yaml [repeats]\n", argv[0]);
    return 1;
  }
  const int repeats = argc > 2 ? std::atoi(argv[2]) : 21;
  try {
    const auto loaded = vct::io::load_scenario_file(argv[1]);
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
    std::printf("scenario   %s (model %s, solver %s/%s, rtol %g, atol %g)\n", argv[1], model.id().c_str(),
                loaded.scenario.solver.method.c_str(), loaded.scenario.solver.linear_solver.c_str(),
                loaded.scenario.solver.rtol, loaded.scenario.solver.atol);
    std::printf("status     %s; %ld initialisation steps, %ld treatment steps, %zu doses/events\n",
                vct::to_string(run.status), run.initialisation.stats.steps, run.stats.steps, run.events.size());
    std::printf("repeats    %d (single thread)\n", repeats);
    std::printf("%-16s %10s %10s %10s\n", "phase (ms)", "median", "min", "max");
    for (const auto& [name, v] : {std::make_pair("initialisation", init), std::make_pair("treatment", treat),
                                  std::make_pair("total", total)}) {
      const Stats s = summarise(v);
      std::printf("%-16s %10.1f %10.1f %10.1f\n", name, 1e3 * s.median, 1e3 * s.min, 1e3 * s.max);
    }
  } catch (const vct::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
