// SPDX-License-Identifier: MIT
// vct command line: `vct search`, the best schedule of one arm (app/search.hpp, docs/search.md).
#include <atomic>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <string>

#include "app/parameter_source.hpp"
#include "app/run_scenario.hpp"
#include "app/search.hpp"
#include "models/registry.hpp"
#include "tools/cli/commands.hpp"
#ifdef VCT_HAVE_MPI
#include "app/mpi_search.hpp"
#endif

namespace vct::cli {

namespace {

std::atomic<bool> g_search_interrupted{false};
extern "C" void on_search_interrupt(int) { g_search_interrupted = true; }

std::string pct(double x) {
  char b[32];
  std::snprintf(b, sizeof b, "%.1f", 100.0 * x);
  return std::isnan(x) ? "-" : b;
}

std::string pct_ci(const stats::IntervalEstimate& d) {
  if (std::isnan(d.estimate)) return "-";
  char b[64];
  std::snprintf(b, sizeof b, "%+.1f (%+.1f, %+.1f)", 100.0 * d.estimate, 100.0 * d.lower, 100.0 * d.upper);
  return b;
}

std::string hr_ci(const stats::HazardRatio& h) {
  if (std::isnan(h.estimate)) return "-";
  char b[64];
  std::snprintf(b, sizeof b, "%.2f (%.2f, %.2f)", h.estimate, h.lower, h.upper);
  return b;
}

void print_header(const SearchSettings& s) {
  std::printf("%5s %4s", "rank", "#");
  for (const auto& v : s.variables)
    std::printf(" %*s", std::max(8, static_cast<int>(std::string(to_string(v.kind)).size())), to_string(v.kind));
  std::printf(" %7s %6s %10s %6s %8s %22s %22s %19s\n", "BED", "EDIC", "objective", "ORR %", "OOF ORR%",
              "dORR pts (95% CI)", "dOOF ORR pts (95% CI)", "PFS HR (95% CI)");
}

void print_row(const SearchSettings& s, const std::string& rank, const EvaluatedSchedule& e,
               const std::vector<std::string>& lesions) {
  std::printf("%5s %4d", rank.c_str(), e.index);
  for (std::size_t k = 0; k < s.variables.size(); ++k) {
    const int width = std::max(8, static_cast<int>(std::string(to_string(s.variables[k].kind)).size()));
    if (k >= e.x.size())
      std::printf(" %*s", width, "-");
    else if (s.variables[k].kind == ScheduleVariable::kRtLesion)
      std::printf(" %*s", width, lesions.at(static_cast<std::size_t>(e.x[k])).c_str());
    else
      std::printf(" %*.4g", width, e.x[k]);
  }
  const bool reference = e.index == 0;  // no difference with itself
  std::printf(" %7.1f %6.2f %10.4g %6s %8s %22s %22s %19s\n", e.dose.bed_Gy, e.dose.edic_Gy, e.objective,
              pct(e.orr.estimate).c_str(), pct(e.out_of_field_orr.n > 0 ? e.out_of_field_orr.estimate : NAN).c_str(),
              reference ? "-" : pct_ci(e.orr_difference).c_str(),
              reference ? "-" : pct_ci(e.out_of_field_orr_difference).c_str(),
              reference ? "-" : hr_ci(e.pfs_hazard_ratio).c_str());
}

void print_search(const SearchRun& run, const Scenario& s) {
  const SearchSettings& st = run.settings;
  const SearchOutcome& o = run.outcome;
  std::string objective;
  for (const auto& t : st.objective.terms) {
    char w[32];
    std::snprintf(w, sizeof w, "%g", t.weight);
    objective += (objective.empty() ? "" : " + ") + std::string(w) + " x " + to_string(t.metric);
  }
  std::printf("Population: %zu candidates, %zu patients, grown once in %.1f s\n", run.n_candidates, run.n_patients,
              run.growth_wall_seconds);
  std::printf("Objective (maximised): %s\n", objective.c_str());
  const std::size_t n = o.evaluated.size();
  std::printf("Schedules: %d considered, %d skipped by the constraints, %zu simulated (%s); %.2f s per arm treated\n\n",
              o.n_considered, o.n_skipped, n, o.result.c_str(), run.treat_wall_seconds / std::max(1, run.n_treated));
  std::printf("Best schedules of arm '%s'; differences are the schedule minus '%s' on the same patients:\n",
              s.search.arm.c_str(), s.search.reference.c_str());
  print_header(st);
  print_row(st, "ref", run.reference, s.lesion_names);
  const std::size_t top = std::min(o.ranking.size(), static_cast<std::size_t>(st.top));
  for (std::size_t k = 0; k < top; ++k)
    print_row(st, std::to_string(k + 1), o.evaluated[static_cast<std::size_t>(o.ranking[k])], s.lesion_names);
  if (run.confirmed) {
    std::printf("\nConfirmation on a fresh population (seed %llu, %zu patients): the same schedules again\n",
                static_cast<unsigned long long>(st.confirm_seed), run.confirm_patients);
    print_header(st);
    print_row(st, "ref", run.confirm_reference, s.lesion_names);
    for (std::size_t k = 0; k < run.confirm_schedules.size(); ++k)
      print_row(st, std::to_string(k + 1), run.confirm_schedules[k], s.lesion_names);
  } else {
    std::printf(
        "\nThe best of many schedules is optimistic on the population it was picked on; set "
        "search.confirm_size to re-evaluate the best on a fresh population.\n");
  }
  std::printf("\nEvery evaluated schedule: %s (/search/evaluated)\n", run.file.c_str());
}

}  // namespace

int cmd_search(const SearchArgs& a) {
  ParameterSource source;
  const io::LoadedScenario loaded = load_for_run(a.scenario_path, a.calibration_path, a.published, source);
  const Scenario& s = loaded.scenario;
  if (!s.search.settings.enabled) {
    std::fprintf(stderr, "vct: %s has no `search` block; docs/search.md describes it\n", a.scenario_path.c_str());
    return kUsage;
  }
  const ModelDefinition& model = models::get_model(s.model);
  const io::RunInfo info =
      make_run_info(process().command_line, a.scenario_path, loaded, source.calibration_path, source.calibration_text);
  const bool root = is_root_process();
  if (!a.quiet && root)
    std::printf("Schedule search: model %s, arm '%s' against '%s', method %s; parameters %s\n", model.id().c_str(),
                s.search.arm.c_str(), s.search.reference.c_str(),
                s.search.settings.method == SearchMethod::kGrid ? "grid" : "nlopt", source.label.c_str());
  std::signal(SIGINT, on_search_interrupt);
  std::signal(SIGTERM, on_search_interrupt);
  const SearchRunOptions options{a.output, a.threads, a.size, a.evaluations};
  const auto keep_going = [] { return !g_search_interrupted.load(); };
#ifdef VCT_HAVE_MPI
  mpi::MpiOutcomeExchange exchange;  // each rank grows and treats its block of the candidates
  SearchRun run;
  if (process().mpi) {
    try {
      run = run_search(loaded, model, options, info, keep_going, &exchange, root);
    } catch (const std::exception& e) {
      // The ranks exchange outcomes after every schedule: one that fails (rank 0 writing the file)
      // would leave the others waiting, so it ends every rank.
      end_mpi_job_after(e, "");
    }
  } else {
    run = run_search(loaded, model, options, info, keep_going);
  }
#else
  const SearchRun run = run_search(loaded, model, options, info, keep_going);
#endif
  if (!root) return run.outcome.completed ? kOk : kInterrupted;
  if (!a.quiet) print_search(run, s);
  if (!run.outcome.completed) {
    std::fprintf(stderr, "vct: interrupted; %s holds the %zu schedules evaluated so far\n", run.file.c_str(),
                 run.outcome.evaluated.size());
    return kInterrupted;
  }
  if (run.n_patients == 0) {
    std::fprintf(stderr, "vct: no candidate became an evaluable patient; nothing to compare\n");
    return kNumericalError;
  }
  return kOk;
}

}  // namespace vct::cli
