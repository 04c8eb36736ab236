// SPDX-License-Identifier: MIT
// vct: command-line front end. The only code that prints or chooses an exit code.
#include <unistd.h>
#include <cerrno>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "app/validation.hpp"
#include "core/error.hpp"
#include "io/hdf5_util.hpp"
#include "io/hdf5_writer.hpp"
#include "io/rt_report.hpp"
#include "io/scenario/loader.hpp"
#include "io/scenario/schema.hpp"
#include "io/trial_merge.hpp"
#include "io/trial_writer.hpp"
#include "models/registry.hpp"
#ifdef VCT_HAVE_MPI
#include <mpi.h>

#include "app/mpi_trial.hpp"
#endif
#include "app/local_trial.hpp"
#include "app/run_scenario.hpp"

namespace {

/// Exit codes (docs/architecture.md): 0 success; 1 usage error, or `validate --check` with a
/// calibration target outside its tolerance; 2-5 by error kind; 130 interrupted (the result file
/// keeps what was finished).
enum ExitCode {
  kOk = 0,
  kUsage = 1,
  kTargetOutOfTolerance = 1,
  kInputError = 2,
  kNumericalError = 3,
  kIoError = 4,
  kInternalError = 5,
  kInterrupted = 130,
};

constexpr const char* kUsageText =
    "usage: vct <command> [options]\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.yaml [--output FILE.h5] [--threads N] [--check] [--quiet] [--calibration FILE]\n"
    "                    [--verbose]\n"
    "                       simulate the scenario (one patient or a virtual trial), write HDF5 (through\n"
    "                       FILE.h5.partial, renamed into place); --verbose adds HDF5's diagnostics to\n"
    "                       an I/O error\n"
    "      trials:          [--resume] continue an interrupted or killed run; [--force] discard one;\n"
    "                       [--stop-after BATCHES] stop after that many new batches (docs/cluster.md)\n"
    "  merge OUTPUT.h5      merge the part files OUTPUT.h5.parts/ of an MPI run into OUTPUT.h5\n"
    "  calibrate [SUITE.yaml] [--size N] [--threads N] [--evaluations N] [--output FILE.yaml]\n"
    "            [--only PARAMETER]... [--target ID]...\n"
    "                       fit the suite's calibrated parameters jointly to its calibration targets\n"
    "                       (NLopt) and write the calibrated values to the suite's calibrated file\n"
    "                       or FILE.yaml; --only fits the named parameters with every other held at\n"
    "                       its calibrated value, --target keeps only those targets (docs/validation.md)\n"
    "  validate [SUITE.yaml] [--size N] [--threads N] [--calibration-only] [--target ID]... [--check]\n"
    "           [--output FILE.csv] [--write-docs FILE.md] [--calibration FILE] [--seeds N]\n"
    "                       run the validation suite with the calibrated values (or those of FILE) and\n"
    "                       print published vs simulated response rates; --check exits 1 when a\n"
    "                       calibration target is outside its tolerance; --seeds N adds each target's\n"
    "                       spread over N fresh population seeds\n"
    "  check SCENARIO.yaml  validate a scenario without simulating (same as run --check)\n"
    "  schema               print the scenario reference (docs/scenario-reference.md, Markdown)\n"
    "  models               list the registered models\n"
    "  params MODEL         print a model's parameter table (Markdown)\n"
    "  states MODEL         print a model's state table (Markdown)\n"
    "  drugs MODEL          print the drugs a model can dose (Markdown)\n"
    "  version              print the software version\n";

int exit_code_for(vct::ErrorKind kind) {
  switch (kind) {
    case vct::ErrorKind::kInput:
      return kInputError;
    case vct::ErrorKind::kNumerical:
      return kNumericalError;
    case vct::ErrorKind::kIo:
      return kIoError;
    case vct::ErrorKind::kInternal:
      return kInternalError;
  }
  return kInternalError;
}

std::string command_line(int argc, char** argv) {
  std::string text;
  for (int i = 0; i < argc; ++i) text += (i ? " " : "") + std::string(argv[i]);
  return text;
}

void print_summary(const vct::ModelDefinition& model, const vct::Scenario& s, const vct::PatientRun& run,
                   const std::string& output) {
  std::printf("Model      %s (%s)\n", model.title().c_str(), model.id().c_str());
  std::string regimen;
  for (const auto& r : s.treatment) {
    char line[256];
    if (r.dose_mg > 0)
      std::snprintf(line, sizeof line, "%s %g mg", r.drug.c_str(), r.dose_mg);
    else
      std::snprintf(line, sizeof line, "%s %g mg/kg", r.drug.c_str(), r.dose_mg_per_kg);
    regimen += (regimen.empty() ? "" : " + ") + std::string(line);
    if (r.interval_day > 0) {
      char every[64];
      std::snprintf(every, sizeof every, " every %g days", r.interval_day);
      regimen += every;
    }
  }
  std::printf("Treatment  %s\n", regimen.empty() ? "none" : regimen.c_str());
  if (!s.radiotherapy.empty())
    std::printf("RT         %s\n",
                vct::io::describe_radiotherapy(
                    vct::io::report_courses(
                        s.radiotherapy, vct::io::nominal_alpha_beta_Gy(model, s.parameter_overrides), s.lesion_names))
                    .c_str());
  std::printf("Status     %s%s%s\n", vct::to_string(run.status), run.message.empty() ? "" : ": ", run.message.c_str());
  if (run.initialisation.growth_time_day > 0)
    std::printf("Pre-treatment growth from one cancer cell: %.0f days\n", run.initialisation.growth_time_day);
  const auto& traj = run.trajectory;
  if (!traj.time_day.empty()) {
    const int d = model.resolved().diameter_output;
    const int c = model.resolved().cancer_cells_output;
    const std::size_t no = static_cast<std::size_t>(traj.n_outputs);
    const double base = traj.outputs[static_cast<std::size_t>(d)];
    // Multi-lesion models: one diameter column per lesion after the RECIST sum.
    std::vector<int> lesion_columns;
    if (model.n_lesions() > 1) lesion_columns = model.resolved().lesion_diameter_outputs;
    std::printf("\n%8s %14s %10s %14s", "day", lesion_columns.empty() ? "diameter_cm" : "sum_diam_cm", "change_%",
                lesion_columns.empty() ? "cancer_cells" : "cells_lesion1");
    for (std::size_t l = 0; l < lesion_columns.size(); ++l)
      std::printf(" %14s", (s.lesion_names[l].substr(0, 10) + "_cm").c_str());
    std::printf("\n");
    const double scan_interval = 56.0;  // QSP-IO read-out: every 8 weeks
    double next_scan = 0.0;
    double best = 0.0;
    for (std::size_t k = 0; k < traj.time_day.size(); ++k) {
      const double t = traj.time_day[k];
      const double dia = traj.outputs[k * no + static_cast<std::size_t>(d)];
      const double change = 100.0 * (dia - base) / base;
      best = std::min(best, change);
      if (t + 1e-9 >= next_scan || k + 1 == traj.time_day.size()) {
        std::printf("%8.0f %14.3f %+10.1f %14.4g", t, dia, change, traj.outputs[k * no + static_cast<std::size_t>(c)]);
        for (int col : lesion_columns) std::printf(" %14.3f", traj.outputs[k * no + static_cast<std::size_t>(col)]);
        std::printf("\n");
        while (next_scan <= t + 1e-9) next_scan += scan_interval;
      }
    }
    std::printf("\nBest change in diameter: %+.1f %% (QSP-IO read-out: PR at <= -30 %%)\n", best);
  }
  std::printf("Solver     %s/%s: %ld steps (treatment), %ld steps (initialisation); wall %.3f s + %.3f s\n",
              s.solver.method.c_str(), s.solver.linear_solver.c_str(), run.stats.steps, run.initialisation.stats.steps,
              run.wall_seconds_initialisation, run.wall_seconds_treatment);
  if (!output.empty()) std::printf("Output     %s\n", output.c_str());
}

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted = true; }

std::string percent(const vct::stats::Proportion& p) {
  if (p.n == 0) return "-";
  char text[64];
  std::snprintf(text, sizeof text, "%5.1f (%4.1f-%4.1f)", 100.0 * p.estimate, 100.0 * p.lower, 100.0 * p.upper);
  return text;
}

std::string days(double median, double lower, double upper) {
  auto one = [](double v) {
    return std::isnan(v) ? std::string("NR") : std::to_string(static_cast<long>(std::lround(v)));
  };
  return one(median) + " (" + one(lower) + "-" + one(upper) + ")";
}

void print_timing(const vct::TrialSummary& s);
void print_progression(const vct::TrialSummary& s);
void print_kinetics(const vct::TrialSummary& s);

void print_trial_summary(const vct::TrialSummary& s, const std::string& output) {
  std::printf("\nVirtual trial: %zu candidates, %zu patients", s.n_candidates, s.n_patients);
  std::printf(" (%zu did not reach their baseline diameter", s.n_not_a_patient);
  if (s.n_plausible > s.n_patients) std::printf(", %zu not selected", s.n_plausible - s.n_patients);
  std::printf(", %zu initialisation failures)%s\n", s.n_initialisation_failures, s.completed ? "" : " -- INTERRUPTED");
  if (s.n_plausible > s.n_patients && !s.selection.probability.empty())
    std::printf(
        "Selection: probability of inclusion, scale factor %.3g; KS p-values vs observed data: "
        "M1/M2 %.2f, Treg/CD8 %.2f, CD8/CD4 %.2f\n",
        s.selection.scale_factor, s.selection.ks_p_value[0], s.selection.ks_p_value[1], s.selection.ks_p_value[2]);
  std::printf("\n%-18s %5s %4s %4s %4s %4s  %-19s %-19s %-22s\n", "arm", "N", "CR", "PR", "SD", "PD", "ORR % (95% CI)",
              "DCR % (95% CI)", "median PFS, d (95% CI)");
  for (const auto& a : s.arms) {
    std::printf("%-18s %5d %4d %4d %4d %4d  %-19s %-19s %-22s", a.name.c_str(), a.n, a.counts[0], a.counts[1],
                a.counts[2], a.counts[3], percent(a.orr).c_str(), percent(a.dcr).c_str(),
                days(a.pfs.median, a.pfs.median_lower, a.pfs.median_upper).c_str());
    if (a.solver_failures) std::printf("  (%d stopped by the solver, assessed on earlier scans)", a.solver_failures);
    std::printf("\n");
  }
  bool sites = false;
  for (const auto& a : s.arms) sites = sites || a.in_field.n > 0 || a.out_of_field.n > 0;
  if (sites) {
    std::printf("\nBy site (sum of diameters of the lesions irradiated in the arm, and of the others):\n");
    std::printf("%-18s %5s %-19s %5s %-19s %-19s\n", "arm", "N", "in-field ORR %", "N", "out-of-field ORR %",
                "out-of-field DCR %");
    for (const auto& a : s.arms)
      std::printf("%-18s %5d %-19s %5d %-19s %-19s\n", a.name.c_str(), a.in_field.n, percent(a.in_field.orr).c_str(),
                  a.out_of_field.n, percent(a.out_of_field.orr).c_str(), percent(a.out_of_field.dcr).c_str());
  }
  print_timing(s);
  print_progression(s);
  print_kinetics(s);
  for (const auto& c : s.comparisons) {
    std::printf(
        "\n%s vs %s (%d paired patients): ORR difference %+.1f points, McNemar p = %.3g (paired), "
        "Fisher p = %.3g; PFS log-rank p = %.3g",
        c.second.c_str(), c.first.c_str(), c.n_pairs, 100.0 * c.orr_difference, c.mcnemar_p, c.fisher_p,
        c.pfs_log_rank.p_value);
    if (c.has_os) std::printf("; OS log-rank p = %.3g", c.os_log_rank.p_value);
    std::printf("\n");
  }
  std::printf("\nRECIST 1.1 on the tumour diameter (scans every 8 weeks by default; docs/recist.md). %.1f s.\n",
              s.wall_seconds);
  std::printf("Output     %s\n", output.c_str());
}

std::string landmark(const vct::stats::SurvivalAt& x) {
  if (std::isnan(x.estimate)) return std::string("beyond follow-up");
  char text[64];
  std::snprintf(text, sizeof text, "%5.1f (%4.1f-%4.1f)", 100.0 * x.estimate, 100.0 * x.lower, 100.0 * x.upper);
  return std::string(text);
}

/// Time to response, duration of response and PFS landmarks per arm.
void print_timing(const vct::TrialSummary& s) {
  std::printf("\n%-18s %-9s %-22s %-19s %-19s\n", "timing", "TTR, d", "median DoR, d (95% CI)", "PFS 6 mo % (95% CI)",
              "PFS 12 mo % (95% CI)");
  for (const auto& a : s.arms) {
    const auto& dor = a.duration_of_response;
    std::printf("%-18s %-9s %-22s %-19s %-19s\n", a.name.c_str(),
                std::isnan(a.median_time_to_response_day)
                    ? "-"
                    : std::to_string(static_cast<long>(std::lround(a.median_time_to_response_day))).c_str(),
                dor.time.empty() && std::isnan(dor.last_time)
                    ? "-"
                    : days(dor.median, dor.median_lower, dor.median_upper).c_str(),
                landmark(a.pfs_6_months).c_str(), landmark(a.pfs_12_months).c_str());
  }
}

/// New lesions, deaths and overall survival per arm (progression modules; nothing when off).
void print_progression(const vct::TrialSummary& s) {
  bool any = false;
  for (const auto& a : s.arms) any = any || a.has_os || a.pd_new_lesion > 0 || a.pd_non_target > 0 || a.pfs_deaths > 0;
  if (!any) return;
  std::printf("\n%-18s %-28s %-9s %-22s %-19s %-19s %-19s\n", "progression", "PD / new lesion / non-target", "death",
              "median OS, d (95% CI)", "OS 6 mo %", "OS 12 mo %", "OS 24 mo %");
  for (const auto& a : s.arms) {
    auto share = [&](int k) { return a.progressed > 0 ? static_cast<int>(std::lround(100.0 * k / a.progressed)) : 0; };
    char pd[64];
    std::snprintf(pd, sizeof pd, "%d / %d (%d%%) / %d (%d%%)", a.progressed, a.pd_new_lesion, share(a.pd_new_lesion),
                  a.pd_non_target, share(a.pd_non_target));
    std::printf("%-18s %-28s %-9d %-22s %-19s %-19s %-19s\n", a.name.c_str(), pd, a.pfs_deaths,
                a.has_os ? days(a.os.median, a.os.median_lower, a.os.median_upper).c_str() : "-",
                a.has_os ? landmark(a.os_6_months).c_str() : "-", a.has_os ? landmark(a.os_12_months).c_str() : "-",
                a.has_os ? landmark(a.os_24_months).c_str() : "-");
  }
}

/// First-scan change and bi-exponential rates per arm.
void print_kinetics(const vct::TrialSummary& s) {
  std::printf("\n%-18s %-37s %-9s %-9s %-27s %-12s %-6s\n", "tumour kinetics",
              "first-scan change % P10/P25/P50/P75/P90", ">=+20 %", "<=-30 %", "regrowth g /day P10/P50/P90",
              "TGR0 %/mo", "HPD %");
  for (const auto& a : s.arms) {
    const auto& k = a.kinetics;
    if (k.n_first_scan == 0) continue;
    char change[64], rates[64] = "-";
    std::snprintf(change, sizeof change, "%+.0f/%+.0f/%+.0f/%+.0f/%+.0f", k.first_scan_change_pct[0],
                  k.first_scan_change_pct[1], k.first_scan_change_pct[2], k.first_scan_change_pct[3],
                  k.first_scan_change_pct[4]);
    if (k.n_fitted > 0)
      std::snprintf(rates, sizeof rates, "%.2g/%.2g/%.2g", k.g_per_day[0], k.g_per_day[1], k.g_per_day[2]);
    std::printf("%-18s %-37s %-9.1f %-9.1f %-27s %-12.1f %-6.1f\n", a.name.c_str(), change,
                100.0 * k.first_scan_grow_20, 100.0 * k.first_scan_shrink_30, rates, k.tgr_pre_pct_per_month[1],
                100.0 * k.hyperprogression);
  }
}

int run_trial_scenario(const vct::io::LoadedScenario& loaded, const vct::ModelDefinition& model,
                       const vct::LocalRunOptions& options, const vct::io::RunInfo& info, bool quiet) {
  const bool bar = !quiet && isatty(STDERR_FILENO) && !std::getenv("CI");
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  const auto progress = [&](const vct::TrialProgress& p) {
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
  if (!quiet)
    std::printf("Virtual trial: model %s, %d candidates, %zu arm(s)%s\n", model.id().c_str(),
                loaded.scenario.population.enabled ? loaded.scenario.population.size : 1, loaded.scenario.arms.size(),
                options.resume ? " (resuming)" : "");
  const vct::LocalRunResult r = vct::run_local_trial(loaded, model, options, info, progress);
  const vct::TrialSummary& summary = r.summary;
  if (bar && !summary.completed) std::fprintf(stderr, "\n");
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

/// A whole number in [lo, hi] given to `option`; false with a message otherwise ("2abc", "9999").
bool parse_count(const std::string& option, const std::string& text, long lo, long hi, int& out) {
  char* end = nullptr;
  errno = 0;
  const long n = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || n < lo || n > hi) {
    std::fprintf(stderr, "vct: %s expects a whole number from %ld to %ld, found '%s'\n", option.c_str(), lo, hi,
                 text.c_str());
    return false;
  }
  out = static_cast<int>(n);
  return true;
}

/// True when `output` names the same file as an input (the scenario or the calibration file), which
/// the run would otherwise overwrite with its result.
bool is_input_file(const std::string& output, const std::string& input) {
  if (input.empty()) return false;
  std::error_code ec;
  if (std::filesystem::exists(output, ec) && std::filesystem::equivalent(output, input, ec)) return true;
  return std::filesystem::weakly_canonical(output, ec) == std::filesystem::weakly_canonical(input, ec);
}

[[maybe_unused]] bool g_mpi = false;  // started by an MPI launcher (VCT_HAVE_MPI builds)
bool g_verbose = false;               ///< --verbose: print HDF5's own diagnostics after an I/O error

bool is_root_process() {
#ifdef VCT_HAVE_MPI
  if (g_mpi) return vct::mpi::rank() == 0;
#endif
  return true;
}

/// `vct run` / `vct check` options.
struct RunArgs {
  std::string scenario_path, output, calibration_path;
  bool check_only = false, quiet = false, resume = false, force = false;
  int threads = 0, stop_after = 0;
};

/// Reads the options; false (after printing why) on a usage error.
bool parse_run_args(const std::vector<std::string>& args, RunArgs& r) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--check") {
      r.check_only = true;
    } else if (a == "--quiet") {
      r.quiet = true;
    } else if (a == "--threads" || a == "-j" || a == "--stop-after") {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "vct: %s needs a number\n", a.c_str());
        return false;
      }
      // Threads as the scenario's run.threads allows (1-1024); batches up to a million.
      const bool batches = a == "--stop-after";
      if (!parse_count(a, args[++i], 1, batches ? 1000000 : 1024, batches ? r.stop_after : r.threads)) return false;
    } else if (a == "--resume") {
      r.resume = true;
    } else if (a == "--force") {
      r.force = true;
    } else if (a == "--verbose") {
      g_verbose = true;
    } else if (a == "--output" || a == "-o" || a == "--calibration") {
      std::string& target = a == "--calibration" ? r.calibration_path : r.output;
      if (i + 1 >= args.size() || args[i + 1].empty()) {
        std::fprintf(stderr, "vct: %s needs a file name\n", a.c_str());
        return false;
      }
      if (!target.empty()) {
        std::fprintf(stderr, "vct: %s given twice ('%s' and '%s')\n", a.c_str(), target.c_str(), args[i + 1].c_str());
        return false;
      }
      target = args[++i];
    } else if (!a.empty() && a[0] == '-') {
      std::fprintf(stderr, "vct: unknown option '%s'\n%s", a.c_str(), kUsageText);
      return false;
    } else if (r.scenario_path.empty()) {
      r.scenario_path = a;
    } else {
      std::fprintf(stderr, "vct: unexpected argument '%s'\n", a.c_str());
      return false;
    }
  }
  if (r.scenario_path.empty()) {
    std::fprintf(stderr, "vct: missing scenario file\n%s", kUsageText);
    return false;
  }
  if (r.resume && r.force) {
    std::fprintf(stderr, "vct: --resume continues an earlier run and --force discards it; give one of them\n");
    return false;
  }
  return true;
}

/// The scenario, with the calibration file's values applied when one is given (problems are then
/// reported against the combined text); `calibration_text` receives that file's text.
vct::io::LoadedScenario load_run_scenario(const RunArgs& r, std::string& calibration_text) {
  if (r.calibration_path.empty()) return vct::io::load_scenario_file(r.scenario_path);
  const vct::validation::Calibration calibration = vct::validation::load_calibration(r.calibration_path, true);
  std::ifstream in(r.scenario_path);
  if (!in) throw vct::Error(vct::ErrorKind::kIo, "cannot open scenario file '" + r.scenario_path + "'");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string combined = vct::validation::apply_calibration(text, r.scenario_path, calibration, 0);
  std::ifstream cal(r.calibration_path);
  calibration_text.assign(std::istreambuf_iterator<char>(cal), std::istreambuf_iterator<char>());
  return vct::io::load_scenario_text(combined, r.scenario_path + " + " + r.calibration_path);
}

/// `vct check`: what the scenario describes, its RT courses with BED/EQD2, the resolved text.
int print_check(const RunArgs& r, const vct::io::LoadedScenario& loaded, const vct::ModelDefinition& model) {
  const vct::Scenario& s = loaded.scenario;
  const std::string& scenario_path = r.scenario_path;
  const bool quiet = r.quiet;
  if (s.is_trial())
    std::printf("%s: valid (model %s, virtual trial of %d candidates, %zu arm(s), horizon %g days)\n",
                scenario_path.c_str(), s.model.c_str(), s.population.enabled ? s.population.size : 1, s.arms.size(),
                s.horizon_day);
  else
    std::printf("%s: valid (model %s, %zu dosing regimen(s), horizon %g days)\n", scenario_path.c_str(),
                s.model.c_str(), s.treatment.size(), s.horizon_day);
  auto print_rt = [&](const std::string& label, const std::vector<vct::RadiotherapyCourse>& courses) {
    const double alpha_beta = vct::io::nominal_alpha_beta_Gy(model, s.parameter_overrides);
    for (const auto& course : vct::io::report_courses(courses, alpha_beta, s.lesion_names))
      std::printf("  %s%s\n", label.c_str(), vct::io::describe_radiotherapy({course}).c_str());
  };
  if (s.is_trial())
    for (const auto& arm : s.arms) print_rt(arm.name + ": ", arm.radiotherapy);
  else
    print_rt("", s.radiotherapy);
  if (!quiet) std::printf("\nResolved scenario:\n%s", loaded.resolved_yaml.c_str());
  return kOk;
}

int cmd_run(const std::vector<std::string>& args, int argc, char** argv, bool check_only) {
  RunArgs r;
  r.check_only = check_only;
  if (!parse_run_args(args, r)) return kUsage;
  std::string calibration_text;
  const vct::io::LoadedScenario loaded = load_run_scenario(r, calibration_text);
  const vct::Scenario& s = loaded.scenario;
  const vct::ModelDefinition& model = vct::models::get_model(s.model);
  if (r.check_only) return print_check(r, loaded, model);
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
    if (!input->empty() && (is_input_file(vct::io::partial_path(output), *input))) {
      std::fprintf(stderr, "vct: the run's temporary file '%s' is the input file '%s'\n",
                   vct::io::partial_path(output).c_str(), input->c_str());
      return kUsage;
    }
  if ((resume || stop_after > 0 || force) && !s.is_trial()) {
    std::fprintf(stderr, "vct: --resume, --force and --stop-after apply to virtual trials; %s is a single patient\n",
                 scenario_path.c_str());
    return kUsage;
  }
  const vct::io::RunInfo info =
      vct::make_run_info(command_line(argc, argv), scenario_path, loaded, calibration_path, calibration_text);
#ifdef VCT_HAVE_MPI
  if (g_mpi) {
    if (!s.is_trial()) {
      if (vct::mpi::rank() == 0)
        std::fprintf(stderr,
                     "vct: under mpirun only virtual trials are distributed; run single patients without mpirun\n");
      return kUsage;
    }
    const bool root = vct::mpi::rank() == 0;
    const bool bar = root && !quiet && isatty(STDERR_FILENO) && !std::getenv("CI");
    if (root && !quiet)
      std::printf("Virtual trial on %d MPI ranks: model %s, output %s%s\n", vct::mpi::size(), model.id().c_str(),
                  output.c_str(), resume ? " (resuming)" : "");
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    const auto progress = [&](const vct::TrialProgress& p) {
      if (bar) std::fprintf(stderr, "\rrank 0: %-10s %zu candidates done   ", p.phase.c_str(), p.done);
      return !g_interrupted.load();
    };
    const vct::TrialSummary summary =
        vct::mpi::run_trial_mpi(loaded, model, {output, threads, resume, force, stop_after, quiet}, info, progress);
    if (bar) std::fprintf(stderr, "\n");
    if (root && !quiet) print_trial_summary(summary, output);
    if (root && !summary.completed)
      std::fprintf(stderr, "vct: incomplete; the parts are kept in %s.parts: rerun with --resume to finish\n",
                   output.c_str());
    return summary.completed ? kOk : kInterrupted;
  }
#endif
  if (s.is_trial()) return run_trial_scenario(loaded, model, {output, threads, resume, force, stop_after}, info, quiet);
  const std::vector<double> params = vct::resolve_parameters(model, s);
  const vct::PatientRun run = vct::run_single_patient(model, s, params);
  vct::write_patient_file(output, model, s, params, run, info);
  if (!quiet) print_summary(model, s, run, output);
  if (run.status != vct::PatientStatus::kOk) {
    std::fprintf(stderr, "vct: the patient's simulation failed (%s): %s; %s holds the rows computed before it\n",
                 vct::to_string(run.status), run.message.c_str(), output.c_str());
    return kNumericalError;
  }
  return kOk;
}

std::string bound_text(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char text[64];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

int cmd_table(const std::string& what, const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::fprintf(stderr, "vct: %s needs one model name\n", what.c_str());
    return kUsage;
  }
  const vct::ModelDefinition& model = vct::models::get_model(args[0]);
  if (what == "params") {
    std::printf("| name | unit | default | bounds | description | source |\n|---|---|---|---|---|---|\n");
    for (const auto& p : model.parameters())
      std::printf("| %s | %s | %.6g | %s%s, %s] | %s | %s |\n", p.name.c_str(), p.unit.c_str(), p.value,
                  p.lower_open ? "(" : "[", bound_text(p.lower).c_str(), bound_text(p.upper).c_str(),
                  p.description.c_str(), p.source.c_str());
  } else if (what == "states") {
    std::printf("| # | name | unit | compartment | description |\n|---|---|---|---|---|\n");
    int i = 0;
    for (const auto& s : model.states())
      std::printf("| %d | %s | %s | %s | %s |\n", i++, s.name.c_str(), s.unit.c_str(), s.compartment.c_str(),
                  s.description.c_str());
  } else {
    std::printf("| drug | slot | molecular weight (mg/mol) | PK source |\n|---|---|---|---|\n");
    for (const auto& d : model.drugs())
      std::printf("| %s | %s | %.6g | %s |\n", d.name.c_str(), d.slot.c_str(), d.molecular_weight_mg_per_mol,
                  d.source.c_str());
  }
  return kOk;
}

int cmd_merge(const std::vector<std::string>& args, int argc, char** argv) {
  if (args.size() != 1) {
    std::fprintf(stderr, "vct: merge needs the output file name\n");
    return kUsage;
  }
  const std::string output = args[0];
  const auto parts = vct::io::list_parts(output);
  if (parts.empty()) {
    std::fprintf(stderr, "vct: no part files in %s.parts\n", output.c_str());
    return kInputError;
  }
  const std::string resolved = vct::io::read_resolved_scenario(parts.front());
  const vct::io::LoadedScenario loaded = vct::io::load_scenario_text(resolved, parts.front() + ":/scenario/resolved");
  const vct::ModelDefinition& model = vct::models::get_model(loaded.scenario.model);
  vct::TrialSpec spec = vct::build_trial_spec(model, loaded.scenario, 1);
  spec.population = vct::io::read_population(parts.front(), model);
  const vct::io::RunInfo info = vct::make_run_info(command_line(argc, argv), parts.front(), resolved, resolved);
  const vct::TrialSummary summary = vct::io::merge_trial_parts(parts, spec, loaded.scenario, info, output);
  print_trial_summary(summary, output);
  if (!summary.completed) {
    std::fprintf(stderr, "vct: %s is incomplete (parts kept): finish it with mpirun ... vct run --resume\n",
                 output.c_str());
    return kInterrupted;
  }
  std::filesystem::remove_all(output + ".parts");
  return kOk;
}

struct SuiteArgs {
  std::string suite = "scenarios/validation/suite.yaml";
  vct::validation::RunOptions options;
  bool check = false;
  std::string output = "results/validation.csv";
  std::string docs;
  std::string calibration;           ///< --calibration FILE: instead of the suite's calibrated file
  std::vector<std::string> targets;  ///< --target ID (repeatable): only these
  int seeds = 0;                     ///< --seeds N: also run every target on N fresh seeds
  int evaluations = 0;               ///< calibrate --evaluations N: at most N objective evaluations
  std::vector<std::string> only;     ///< calibrate --only PARAMETER (repeatable): fit these, hold the rest
};

bool parse_suite_args(const std::vector<std::string>& args, bool validate, SuiteArgs& a) {
  bool have_suite = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& x = args[i];
    auto value = [&](const char* name) -> const std::string* {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "vct: %s needs a value\n", name);
        return nullptr;
      }
      return &args[++i];
    };
    if (x == "--size" || x == "--threads" || (validate && x == "--seeds")) {
      const std::string* v = value(x.c_str());
      if (!v) return false;
      char* end = nullptr;
      const long n = std::strtol(v->c_str(), &end, 10);
      if (*end != '\0' || n < 0 || n > 10000000) {
        std::fprintf(stderr, "vct: %s expects a whole number >= 0, found '%s'\n", x.c_str(), v->c_str());
        return false;
      }
      (x == "--size" ? a.options.population_size : x == "--seeds" ? a.seeds : a.options.threads) = static_cast<int>(n);
    } else if (!validate && x == "--evaluations") {
      const std::string* v = value(x.c_str());
      if (!v) return false;
      char* end = nullptr;
      const long n = std::strtol(v->c_str(), &end, 10);
      if (*end != '\0' || n < 1 || n > 100000) {
        std::fprintf(stderr, "vct: --evaluations expects a whole number >= 1, found '%s'\n", v->c_str());
        return false;
      }
      a.evaluations = static_cast<int>(n);
    } else if (validate && x == "--calibration-only") {
      a.options.calibration_only = true;
    } else if (validate && x == "--check") {
      a.check = true;
    } else if (!validate && x == "--only") {
      const std::string* v = value(x.c_str());
      if (!v) return false;
      a.only.push_back(*v);
    } else if (x == "--target") {
      const std::string* v = value(x.c_str());
      if (!v) return false;
      a.targets.push_back(*v);
    } else if (!validate && x == "--output") {
      const std::string* v = value(x.c_str());
      if (!v) return false;
      a.calibration = *v;  // calibrate: where to write the calibrated values
    } else if (validate && (x == "--output" || x == "--write-docs" || x == "--calibration")) {
      const std::string* v = value(x.c_str());
      if (!v) return false;
      (x == "--output" ? a.output : x == "--write-docs" ? a.docs : a.calibration) = *v;
    } else if (!x.empty() && x[0] != '-' && !have_suite) {
      a.suite = x;
      have_suite = true;
    } else {
      std::fprintf(stderr, "vct: unexpected argument '%s'\n%s", x.c_str(), kUsageText);
      return false;
    }
  }
  return true;
}

std::string calibrated_path(const vct::validation::Suite& suite) {
  return (std::filesystem::path(suite.folder) / suite.calibrated_file).string();
}

void announce_trial(const std::string& scenario, std::size_t arms, double seconds) {
  std::fprintf(stderr, "  simulated %s (%zu arm(s)) in %.1f s\n", scenario.c_str(), arms, seconds);
}

/// One line per objective evaluation: parameters, then each calibration target's value.
void print_evaluation(const vct::validation::Suite& suite, const vct::validation::CalibrationEvaluation& e) {
  std::printf("%4d  objective %9.3f |", e.index, e.objective);
  for (double v : e.values) std::printf(" %.4g", v);
  std::printf(" |");
  std::size_t k = 0;
  for (const auto& t : suite.targets)
    if (t.calibration) std::printf(" %.1f", 100.0 * e.rates[k++]);
  std::printf("\n");
  std::fflush(stdout);
}

bool filter_targets(const SuiteArgs& a, vct::validation::Suite& suite);

/// calibrate --only: keeps the named parameters of the suite's fit and returns the calibrated
/// file's values, which hold every other parameter; false with a message for an unknown name.
bool restrict_parameters(const SuiteArgs& a, vct::validation::Suite& suite, vct::validation::Calibration& base) {
  if (a.only.empty()) return true;
  std::vector<vct::validation::CalibratedParameter> kept;
  for (const auto& name : a.only) {
    bool known = false;
    for (const auto& q : suite.calibration.parameters)
      if (q.parameter == name) {
        kept.push_back(q);
        known = true;
      }
    if (!known) {
      std::fprintf(stderr, "vct: --only %s: not a calibrated parameter of %s\n", name.c_str(), a.suite.c_str());
      return false;
    }
  }
  suite.calibration.parameters = kept;
  base = vct::validation::load_calibration(calibrated_path(suite), true);
  return true;
}

int cmd_calibrate(const std::vector<std::string>& args, int argc, char** argv) {
  SuiteArgs a;
  if (!parse_suite_args(args, false, a)) return kUsage;
  vct::validation::Suite suite = vct::validation::load_suite(a.suite);
  if (a.evaluations > 0) suite.calibration.max_evaluations = a.evaluations;
  vct::validation::Calibration base;
  if (!restrict_parameters(a, suite, base) || !filter_targets(a, suite)) return kUsage;
  const vct::validation::CalibrationSpec& spec = suite.calibration;
  vct::validation::RunOptions options = a.options;
  if (options.population_size == 0) options.population_size = spec.population_size;
  options.smoothing_pct = spec.smoothing_pct;
  vct::validation::Runner runner(suite, options);
  std::printf(
      "Calibrating %zu parameter(s) jointly to the calibration targets of %s (NLopt %s, %d candidates per "
      "scenario, at most %d evaluations)\nparameters:",
      spec.parameters.size(), a.suite.c_str(), spec.algorithm.c_str(), options.population_size, spec.max_evaluations);
  for (const auto& q : spec.parameters)
    std::printf(" %s%s", q.parameter.c_str(), q.population_median ? " (median)" : "");
  std::printf("\ntargets (%%):");
  for (const auto& t : suite.targets)
    if (t.calibration) std::printf(" %s %.1f", t.id.c_str(), 100.0 * t.published);
  std::printf("\n");
  const auto report =
      vct::validation::calibrate(suite, runner, base, [&](const auto& e) { print_evaluation(suite, e); });
  std::printf("\n%s after %zu evaluations; best: evaluation %d, objective %.3f\n", report.result.c_str(),
              report.trace.size(), report.best.index, report.best.objective);
  std::size_t k = 0;
  for (const auto& q : spec.parameters)
    std::printf("  %-26s %.6g%s\n", q.parameter.c_str(), report.best.values[k++],
                q.population_median ? " (population median)" : "");
  k = 0;
  for (const auto& t : suite.targets)
    if (t.calibration) {
      std::printf("  %-40s %5.1f %% (published %.1f %%)\n", t.id.c_str(), 100.0 * report.best.rates[k],
                  100.0 * t.published);
      ++k;
    }
  char summary[256];
  std::snprintf(
      summary, sizeof summary, "# %s: %zu evaluations, objective %.4g at evaluation %d; %d candidates per scenario\n",
      report.result.c_str(), report.trace.size(), report.best.objective, report.best.index, options.population_size);
  const std::string header = "# Written by: " + command_line(argc, argv) + "\n# vct " + vct::software_version() +
                             "; do not edit by hand, re-run the command (docs/validation.md).\n" + summary;
  const std::string path = a.calibration.empty() ? calibrated_path(suite) : a.calibration;
  std::ofstream out(path);
  out << vct::validation::calibration_yaml(report.calibration, header);
  if (!out) throw vct::Error(vct::ErrorKind::kIo, "cannot write '" + path + "'");
  std::printf("\nWrote %s\n", path.c_str());
  return kOk;
}

/// Keeps the targets named with --target (and only calibration targets with --calibration-only);
/// false with a message for an unknown id.
bool filter_targets(const SuiteArgs& a, vct::validation::Suite& suite) {
  if (!a.options.calibration_only && a.targets.empty()) return true;
  for (const auto& id : a.targets) {
    bool known = false;
    for (const auto& t : suite.targets) known = known || t.id == id;
    if (!known) {
      std::fprintf(stderr, "vct: no target '%s' in %s\n", id.c_str(), a.suite.c_str());
      return false;
    }
  }
  std::vector<vct::validation::Target> kept;
  for (const auto& t : suite.targets) {
    const bool named = std::find(a.targets.begin(), a.targets.end(), t.id) != a.targets.end();
    if ((a.targets.empty() || named) && (!a.options.calibration_only || t.calibration)) kept.push_back(t);
  }
  suite.targets = kept;
  return true;
}

void write_validation_csv(const std::string& path, const std::vector<vct::validation::Row>& rows) {
  const std::filesystem::path folder = std::filesystem::path(path).parent_path();
  std::error_code ignored;  // a failure shows as the open error below
  if (!folder.empty()) std::filesystem::create_directories(folder, ignored);
  std::ofstream csv(path);
  if (!csv) throw vct::Error(vct::ErrorKind::kIo, "cannot write '" + path + "'");
  csv << "target,role,metric,published,published_lower,published_upper,simulated,simulated_lower,simulated_upper,"
         "n,published_inside_ci,within_tolerance,scenario,arm,source,fresh_seed_values\n";
  for (const auto& r : rows) {
    csv << r.target.id << "," << (r.target.calibration ? "calibration" : "held_out") << ","
        << vct::validation::to_string(r.target.metric) << "," << r.target.published << "," << r.target.published_lower
        << "," << r.target.published_upper << "," << r.simulated.rate.estimate << "," << r.simulated.rate.lower << ","
        << r.simulated.rate.upper << "," << r.simulated.rate.n << "," << r.published_inside_ci << ","
        << r.within_tolerance << "," << r.target.scenario << "," << r.target.arm << ",\"" << r.target.source << "\",";
    for (std::size_t k = 0; k < r.seeds.size(); ++k) csv << (k ? " " : "") << r.seeds[k];
    csv << "\n";
  }
}

int cmd_validate(const std::vector<std::string>& args, int argc, char** argv) {
  SuiteArgs a;
  if (!parse_suite_args(args, true, a)) return kUsage;
  vct::validation::Suite suite = vct::validation::load_suite(a.suite);
  if (!filter_targets(a, suite)) return kUsage;
  const std::string cal_path = a.calibration.empty() ? calibrated_path(suite) : a.calibration;
  const vct::validation::Calibration calibration = vct::validation::load_calibration(cal_path, !a.calibration.empty());
  if (calibration.population_medians.empty() && calibration.parameters.empty())
    std::fprintf(stderr, "vct: %s not found or empty: validating the uncalibrated model\n", cal_path.c_str());
  vct::validation::Runner runner(suite, a.options);
  runner.on_trial = announce_trial;
  const auto start = std::chrono::steady_clock::now();
  const bool reduced = a.options.population_size > 0;
  auto rows = vct::validation::validate(suite, runner, calibration, reduced);
  if (a.seeds > 0) {
    const auto values = vct::validation::validate_seeds(suite, a.options, calibration, a.seeds, announce_trial);
    for (std::size_t t = 0; t < rows.size(); ++t) rows[t].seeds = values[t];
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\n%s", vct::validation::text_table(rows).c_str());
  std::printf("\nCalibrated values from %s; %.0f s. %s\n", cal_path.c_str(), seconds,
              reduced ? "Reduced population: calibration targets are held to their reduced tolerance."
                      : "Tolerances apply to calibration targets only.");
  write_validation_csv(a.output, rows);
  std::printf("Output     %s\n", a.output.c_str());
  if (!a.docs.empty()) {
    const std::string block = "Produced by `" + command_line(argc, argv) + "` (vct " + vct::software_version() + ", " +
                              std::to_string(static_cast<long>(seconds)) + " s on this machine):\n\n" +
                              vct::validation::markdown_table(rows);
    vct::validation::write_into_markdown(a.docs, block);
    std::printf("Updated    %s\n", a.docs.c_str());
  }
  if (a.check)
    for (const auto& r : rows)
      if (r.target.calibration && !r.within_tolerance) {
        std::fprintf(stderr, "vct: calibration target %s is outside its tolerance\n", r.target.id.c_str());
        return kTargetOutOfTolerance;
      }
  return kOk;
}

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "%s", kUsageText);
    return kUsage;
  }
  const std::string command = argv[1];
  const std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "run") return cmd_run(args, argc, argv, false);
  if (command == "check") return cmd_run(args, argc, argv, true);
  if (command == "merge") return cmd_merge(args, argc, argv);
  if (command == "calibrate") return cmd_calibrate(args, argc, argv);
  if (command == "validate") return cmd_validate(args, argc, argv);
  if (command == "models") {
    for (const auto& name : vct::models::model_names()) {
      const auto& m = vct::models::get_model(name);
      std::printf("%-22s %3d states %4zu parameters  %s\n", name.c_str(), m.n_states(), m.parameters().size(),
                  m.title().c_str());
    }
    return kOk;
  }
  if (command == "params" || command == "states" || command == "drugs") return cmd_table(command, args);
  if (command == "schema") {
    std::printf("%s", vct::io::schema::scenario_reference_markdown().c_str());
    return kOk;
  }
  if (command == "version" || command == "--version") {
    std::printf("vct %s\n", vct::software_version().c_str());
    return kOk;
  }
  if (command == "help" || command == "--help" || command == "-h") {
    std::printf("%s", kUsageText);
    return kOk;
  }
  std::fprintf(stderr, "vct: unknown command '%s'\n%s", command.c_str(), kUsageText);
  return kUsage;
}

}  // namespace

int main(int argc, char** argv) {
  vct::io::h5::skip_exit_cleanup();
#ifdef VCT_HAVE_MPI
  g_mpi = vct::mpi::launched_by_mpi();
  if (g_mpi) {
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  }
  struct Finalize {
    ~Finalize() {
      if (g_mpi) MPI_Finalize();
    }
  } finalize;
#endif
  try {
    return dispatch(argc, argv);
  } catch (const vct::io::ScenarioError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    std::fprintf(stderr, "vct: %zu problem(s) in the scenario; nothing was simulated\n", e.problems().size());
    return kInputError;
  } catch (const vct::Error& e) {
    if (is_root_process()) {
      std::fprintf(stderr, "vct: error: %s\n", e.what());
      const std::string diagnostics = vct::io::h5::last_diagnostics();
      if (e.kind() == vct::ErrorKind::kIo && !diagnostics.empty()) {
        if (g_verbose)
          std::fprintf(stderr, "HDF5 diagnostics:\n%s", diagnostics.c_str());
        else
          std::fprintf(stderr, "vct: (add --verbose for HDF5's own diagnostics)\n");
      }
    }
    return exit_code_for(e.kind());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "vct: internal error: %s\n", e.what());
    return kInternalError;
  }
}
