// SPDX-License-Identifier: MIT
// vct command line: `vct abm-tps-fit`, the agent-based windows' IFN-gamma secretion and uptake
// fitted to a PD-L1 TPS prevalence (app/abm_tps.hpp, docs/models/abm.md "PD-L1 calibration").
#include <cmath>
#include <cstdio>
#include <string>

#include "app/abm_tps.hpp"
#include "app/parameter_source.hpp"
#include "core/error.hpp"
#include "models/registry.hpp"
#include "tools/cli/commands.hpp"

namespace vct::cli {

namespace {

void print_evaluation(const char* label, const abm_tps::Evaluation& e) {
  std::printf("%-10s %12.4g %12.4g %12llu %8zu   %5.1f / %5.1f / %5.1f %10.2f %10.4f\n", label, e.ifng_release_ng_per_s,
              e.ifng_uptake_per_s, static_cast<unsigned long long>(e.seed), e.patients, e.strata_pct[0],
              e.strata_pct[1], e.strata_pct[2], e.median_tps_pct, e.divergence);
  std::fflush(stdout);
}

const char* ending(MinimiseEnd end) {
  switch (end) {
    case MinimiseEnd::kMaxEvaluations:
      return "evaluation limit reached";
    case MinimiseEnd::kConverged:
      return "converged (step below 0.02 decades)";
    case MinimiseEnd::kRoundoff:
      return "stopped by roundoff";
    case MinimiseEnd::kForcedStop:
      return "stopped";
    case MinimiseEnd::kOther:
      break;
  }
  return "ended otherwise";
}

}  // namespace

int cmd_abm_tps_fit(const AbmTpsFitArgs& a) {
  ParameterSource source;
  io::LoadedScenario loaded = load_for_run(a.scenario_path, "", false, source);
  Scenario& s = loaded.scenario;
  if (s.lesion_windows.empty())
    throw Error(ErrorKind::kInput,
                a.scenario_path + ": no lesion has agent-based windows (lesions[].abm); the window TPS needs them");
  if (a.size > 0) s.population.size = static_cast<std::size_t>(a.size);
  const ModelDefinition& model = models::get_model(s.model);
  abm_tps::FitOptions o;
  o.target_pct = {a.high_pct, 100.0 - a.high_pct - a.low_pct, a.low_pct};
  o.max_evaluations = a.evaluations;
  o.threads = a.threads;
  o.fresh_seeds = a.seeds;
  o.release_start = a.release_start;
  o.uptake_start = a.uptake_start;
  o.initial_step_decades = a.step_decades;
  std::printf("Window PD-L1 fit: %s, %zu candidates, seed %llu; target TPS >= 50 / 1-49 / < 1: %.0f / %.0f / %.0f %%\n",
              a.scenario_path.c_str(), static_cast<std::size_t>(s.population.size),
              static_cast<unsigned long long>(s.population.seed), o.target_pct[0], o.target_pct[1], o.target_pct[2]);
  std::printf("%-10s %12s %12s %12s %8s   %-21s %10s %10s\n", "", "release ng/s", "uptake 1/s", "seed", "patients",
              "TPS >=50 / 1-49 / <1 %", "median TPS", "KL");
  int k = 0;
  const abm_tps::FitResult r = abm_tps::fit(model, s, o, [&](const abm_tps::Evaluation& e) {
    const std::string label = ++k <= static_cast<int>(o.max_evaluations) && e.seed == s.population.seed
                                  ? "eval " + std::to_string(k)
                                  : "fresh";
    print_evaluation(label.c_str(), e);
  });
  std::printf("\n%s after %zu evaluations\n", ending(r.outcome.end), r.trace.size());
  print_evaluation("best", r.best);
  if (!r.fresh_seeds.empty()) {
    double lo[3] = {INFINITY, INFINITY, INFINITY}, hi[3] = {-INFINITY, -INFINITY, -INFINITY};
    for (const auto& e : r.fresh_seeds)
      for (int i = 0; i < 3; ++i) {
        lo[i] = std::fmin(lo[i], e.strata_pct[static_cast<std::size_t>(i)]);
        hi[i] = std::fmax(hi[i], e.strata_pct[static_cast<std::size_t>(i)]);
      }
    std::printf("fresh seeds (%zu): TPS >= 50 %.1f-%.1f %%, 1-49 %.1f-%.1f %%, < 1 %.1f-%.1f %%\n",
                r.fresh_seeds.size(), lo[0], hi[0], lo[1], hi[1], lo[2], hi[2]);
  }
  std::printf(
      "Set them in a scenario as lesions[].abm.parameters: {IFNg_release_ng_per_s: %.3g, IFNg_uptake_per_s: "
      "%.3g}\n",
      r.best.ifng_release_ng_per_s, r.best.ifng_uptake_per_s);
  return r.best.patients > 0 ? kOk : kNumericalError;
}

}  // namespace vct::cli
