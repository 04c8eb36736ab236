// SPDX-License-Identifier: MIT
// vct command line: `vct run` and `vct check` (commands.hpp).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "app/local_trial.hpp"
#include "app/parameter_source.hpp"
#include "app/run_scenario.hpp"
#include "app/validation.hpp"
#include "io/hdf5_writer.hpp"
#include "io/rt_report.hpp"
#include "io/run_identity.hpp"
#include "io/scenario/loader.hpp"
#include "io/trial_writer.hpp"
#include "models/registry.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/summary.hpp"
#ifdef VCT_HAVE_MPI
#include "app/mpi_trial.hpp"
#endif

namespace vct::cli {
namespace {

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted = true; }

/// A resumed run could not read a file an earlier attempt left; it was renamed and kept.
void report_set_aside(const io::SetAsideFile& moved) {
  std::fprintf(stderr,
               "vct: warning: '%s' could not be read (%s), probably because a process was killed while writing it; "
               "it is kept as '%s' and its candidates were simulated again\n",
               moved.from.c_str(), moved.problem.c_str(), moved.to.c_str());
}

int run_trial_scenario(const io::LoadedScenario& loaded, const ModelDefinition& model, const LocalRunOptions& options,
                       const io::RunInfo& info, bool quiet) {
  const bool bar = !quiet && isatty(STDERR_FILENO) && !std::getenv("CI");
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  const auto progress = [&](const TrialProgress& p) {
    if (bar) {
      const double rate = p.elapsed_seconds > 0 ? p.done / p.elapsed_seconds : 0.0;
      const double eta = rate > 0 ? (p.total - p.done) / rate : 0.0;
      const int width = 30, filled = static_cast<int>(width * p.done / std::max<std::size_t>(1, p.total));
      std::fprintf(stderr, "\r%-10s [%s%s] %zu/%zu  %.1f/s  ETA %.0f s   ", p.phase.c_str(),
                   std::string(static_cast<std::size_t>(filled), '#').c_str(),
                   std::string(static_cast<std::size_t>(width - filled), '.').c_str(), p.done, p.total, rate, eta);
      if (p.done == p.total) std::fprintf(stderr, "\n");
    }
    return !g_interrupted.load();
  };
  if (!quiet) {
    const PopulationSettings& pop = loaded.scenario.population;
    const std::string candidates = !pop.file.empty() ? "the candidates of " + pop.file
                                   : pop.enabled     ? std::to_string(pop.size) + " candidates"
                                                     : "1 candidate";
    std::printf("Virtual trial: model %s, %s, %zu arm(s)%s\n", model.id().c_str(), candidates.c_str(),
                loaded.scenario.arms.size(), options.resume ? " (resuming)" : "");
  }
  const LocalRunResult r = run_local_trial(loaded, model, options, info, progress);
  const TrialSummary& summary = r.summary;
  if (bar && !summary.completed) std::fprintf(stderr, "\n");
  for (const auto& moved : r.set_aside) report_set_aside(moved);
  if (r.already_complete) std::fprintf(stderr, "vct: %s is already complete; nothing to resume\n", r.file.c_str());
  if (r.n_resumed > 0 && !quiet) std::printf("Resumed: %zu candidates taken from the earlier attempt\n", r.n_resumed);
  if (!quiet) print_trial_summary(summary, r.file);
  if (!summary.completed) {
    if (summary.n_finished == 0)
      std::fprintf(stderr, "vct: interrupted before any candidate was finished; %s records the interruption\n",
                   r.file.c_str());
    else
      std::fprintf(stderr, "vct: interrupted; %s holds %zu of %zu candidates: run again with --resume to finish\n",
                   r.file.c_str(), summary.n_finished, summary.n_candidates);
    return kInterrupted;
  }
  if (summary.n_patients == 0) {
    std::fprintf(stderr, "vct: no candidate became an evaluable patient (%zu candidates); %s holds the screening\n",
                 summary.n_candidates, r.file.c_str());
    return kNumericalError;
  }
  return kOk;
}

/// True when `output` names the same file as an input (the scenario or the calibration file), which
/// the run would otherwise overwrite with its result.
bool is_input_file(const std::string& output, const std::string& input) {
  if (input.empty()) return false;
  std::error_code ec;
  if (std::filesystem::exists(output, ec) && std::filesystem::equivalent(output, input, ec)) return true;
  return std::filesystem::weakly_canonical(output, ec) == std::filesystem::weakly_canonical(input, ec);
}

/// `vct check`: what the scenario describes, its RT courses with BED/EQD2, the resolved text.
int print_check(const RunArgs& r, const io::LoadedScenario& loaded, const ModelDefinition& model,
                const ParameterSource& source) {
  const Scenario& s = loaded.scenario;
  const std::string& scenario_path = r.scenario_path;
  const bool quiet = r.quiet;
  if (s.is_trial())
    std::printf("%s: valid (model %s, virtual trial of %d candidates, %zu arm(s), horizon %g days)\n",
                scenario_path.c_str(), s.model.c_str(), s.population.enabled ? s.population.size : 1, s.arms.size(),
                s.horizon_day);
  else
    std::printf("%s: valid (model %s, %zu dosing regimen(s), horizon %g days)\n", scenario_path.c_str(),
                s.model.c_str(), s.treatment.size(), s.horizon_day);
  std::printf("  parameters: %s\n", source.label.c_str());
  auto print_rt = [&](const std::string& label, const std::vector<RadiotherapyCourse>& courses) {
    const double alpha_beta = io::nominal_alpha_beta_Gy(model, s.parameter_overrides);
    for (const auto& course : io::report_courses(courses, alpha_beta, s.lesion_names))
      std::printf("  %s%s\n", label.c_str(), io::describe_radiotherapy({course}).c_str());
  };
  if (s.is_trial())
    for (const auto& arm : s.arms) print_rt(arm.name + ": ", arm.radiotherapy);
  else
    print_rt("", s.radiotherapy);
  if (!quiet) std::printf("\nResolved scenario:\n%s", loaded.resolved_yaml.c_str());
  return kOk;
}

}  // namespace

int cmd_run(const RunArgs& r) {
  ParameterSource source;
  const io::LoadedScenario loaded = load_for_run(r.scenario_path, r.calibration_path, r.published, source);
  const Scenario& s = loaded.scenario;
  const ModelDefinition& model = models::get_model(s.model);
  if (r.check_only) return print_check(r, loaded, model, source);
  const std::string& scenario_path = r.scenario_path;
  const std::string& calibration_path = r.calibration_path;
  const std::string output = r.output.empty() ? s.output_file : r.output;
  const bool quiet = r.quiet, resume = r.resume, force = r.force;
  const int threads = r.threads, stop_after = r.stop_after;
  for (const std::string* input : {&scenario_path, &calibration_path})
    if (is_input_file(output, *input)) {
      std::fprintf(stderr, "vct: the output file '%s' is the input file '%s'; the run would overwrite it\n",
                   output.c_str(), input->c_str());
      return kUsage;
    }
  for (const std::string* input : {&scenario_path, &calibration_path})
    if (!input->empty() && (is_input_file(io::partial_path(output), *input))) {
      std::fprintf(stderr, "vct: the run's temporary file '%s' is the input file '%s'\n",
                   io::partial_path(output).c_str(), input->c_str());
      return kUsage;
    }
  if ((resume || stop_after > 0 || force) && !s.is_trial()) {
    std::fprintf(stderr, "vct: --resume, --force and --stop-after apply to virtual trials; %s is a single patient\n",
                 scenario_path.c_str());
    return kUsage;
  }
  const io::RunInfo info =
      make_run_info(process().command_line, scenario_path, loaded, source.calibration_path, source.calibration_text);
  if (!quiet && is_root_process()) std::printf("Parameters %s\n", source.label.c_str());
#ifdef VCT_HAVE_MPI
  if (process().mpi) {
    if (!s.is_trial()) {
      if (mpi::rank() == 0)
        std::fprintf(stderr,
                     "vct: under mpirun only virtual trials are distributed; run single patients without mpirun\n");
      return kUsage;
    }
    const bool root = mpi::rank() == 0;
    const bool bar = root && !quiet && isatty(STDERR_FILENO) && !std::getenv("CI");
    if (root && !quiet)
      std::printf("Virtual trial on %d MPI ranks: model %s, output %s%s\n", mpi::size(), model.id().c_str(),
                  output.c_str(), resume ? " (resuming)" : "");
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    const auto progress = [&](const TrialProgress& p) {
      if (bar) std::fprintf(stderr, "\rrank 0: %-10s %zu candidates done   ", p.phase.c_str(), p.done);
      return !g_interrupted.load();
    };
    mpi::MpiRunResult result;
    try {
      result = mpi::run_trial_mpi(loaded, model, {output, threads, resume, force, stop_after, quiet}, info, progress);
    } catch (const mpi::CollectiveError&) {
      throw;  // every rank has it: main reports it once and every rank ends normally
    } catch (const std::exception& e) {
      end_mpi_job_after(e, "; the finished batches are kept in " + output + ".parts: rerun with --resume to finish");
    }
    if (bar) std::fprintf(stderr, "\n");
    const TrialSummary& summary = result.summary;
    for (const auto& moved : result.set_aside) report_set_aside(moved);
    if (root && !quiet) print_trial_summary(summary, output);
    if (root && !summary.completed)
      std::fprintf(stderr, "vct: incomplete; the parts are kept in %s.parts: rerun with --resume to finish\n",
                   output.c_str());
    return summary.completed ? kOk : kInterrupted;
  }
#endif
  if (s.is_trial()) return run_trial_scenario(loaded, model, {output, threads, resume, force, stop_after}, info, quiet);
  const std::vector<double> params = resolve_parameters(model, s);
  const PatientRun run = run_single_patient(model, s, params);
  write_patient_file(output, model, s, params, run, info);
  if (!quiet) print_summary(model, s, run, output);
  if (run.status != PatientStatus::kOk) {
    std::fprintf(stderr, "vct: the patient's simulation failed (%s): %s; %s holds the rows computed before it\n",
                 to_string(run.status), run.message.c_str(), output.c_str());
    return kNumericalError;
  }
  return kOk;
}

}  // namespace vct::cli
