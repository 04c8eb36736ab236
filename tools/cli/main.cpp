// SPDX-License-Identifier: MIT
// vct: command-line front end. The only code that prints or chooses an exit code. The parser is
// CLI11 (Debian libcli11-dev; docs/dependencies.md): `vct --help` and `vct COMMAND --help` print
// the text declared here; values are read as text and checked below, so that every message names
// the flag, what it expects and what it found.
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "app/run_scenario.hpp"
#include "app/validation.hpp"
#include "core/error.hpp"
#include "io/hdf5_util.hpp"
#include "io/hdf5_writer.hpp"
#include "io/scenario/schema.hpp"
#include "io/scenario/validator.hpp"
#include "tools/cli/commands.hpp"
#ifdef VCT_HAVE_MPI
#include <mpi.h>

#include "app/mpi_trial.hpp"
#endif

namespace vct::cli {

int exit_code_for(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kInput:
      return kInputError;
    case ErrorKind::kNumerical:
      return kNumericalError;
    case ErrorKind::kIo:
      return kIoError;
    case ErrorKind::kInternal:
      return kInternalError;
  }
  return kInternalError;
}

Process& process() {
  static Process p;
  return p;
}

bool is_root_process() {
#ifdef VCT_HAVE_MPI
  if (process().mpi) return mpi::rank() == 0;
#endif
  return true;
}

#ifdef VCT_HAVE_MPI
void end_mpi_job_after(const std::exception& e, const std::string& then) {
  const auto* known = dynamic_cast<const Error*>(&e);
  std::fprintf(stderr, "vct: error on MPI rank %d: %s\nvct: stopping every rank%s\n", mpi::rank(), e.what(),
               then.c_str());
  std::fflush(stderr);
  mpi::abort_job(known ? exit_code_for(known->kind()) : kInternalError);
}
#endif

namespace {

/// A usage error found after CLI11 has parsed: printed like CLI11's own, exit code 1.
struct UsageError {
  std::string command, message;
};

/// Values of one flag as CLI11 collected them (every occurrence, each one value), checked after
/// parsing so that repeats and empty values get the project's messages.
struct FlagValues {
  std::string flag;
  std::vector<std::string> values;
};

CLI::Option* add_values(CLI::App* app, const std::string& names, FlagValues& v, const std::string& type,
                        const std::string& help) {
  v.flag = names.substr(names.rfind(',') == std::string::npos ? 0 : names.rfind(',') + 1);
  return app->add_option(names, v.values, help)
      ->type_name(type)
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->allow_extra_args(false);
}

/// The one value of a flag that may be given once (empty when absent).
std::string single(const std::string& command, const FlagValues& v, bool file_name) {
  if (v.values.size() > 1)
    throw UsageError{command, v.flag + " given twice ('" + v.values[0] + "' and '" + v.values[1] + "')"};
  if (v.values.empty()) return {};
  if (v.values[0].empty()) throw UsageError{command, v.flag + (file_name ? " needs a file name" : " needs a value")};
  return v.values[0];
}

/// A whole number in [lo, hi]; "2abc", "9999" and "" are usage errors naming the flag.
int whole_number(const std::string& command, const FlagValues& v, long lo, long hi, int absent) {
  const std::string text = single(command, v, false);
  if (v.values.empty()) return absent;
  char* end = nullptr;
  errno = 0;
  const long n = std::strtol(text.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE || n < lo || n > hi)
    throw UsageError{command, v.flag + " expects a whole number from " + std::to_string(lo) + " to " +
                                  std::to_string(hi) + ", found '" + text + "'"};
  return static_cast<int>(n);
}

void add_verbose(CLI::App* app) {
  app->add_flag_callback(
      "--verbose", [] { process().verbose = true; }, "after an I/O error, also print HDF5's own diagnostics");
}

/// `vct run` and `vct check`: the flags, and a function that reads them into RunArgs.
struct RunFlags {
  std::string scenario;
  FlagValues output, calibration, threads, stop_after;
  bool quiet = false, resume = false, force = false, published = false, check = false;

  void declare(CLI::App* app, bool check_only) {
    app->add_option("SCENARIO", scenario, "the scenario file (docs/scenario-reference.md)")
        ->required()
        ->type_name("FILE.yaml");
    add_values(app, "--calibration", calibration, "FILE.yaml",
               "apply this calibration file's values (written by vct calibrate) instead of the built-in "
               "calibrated values");
    app->add_flag("--published", published,
                  "use the model's published parameter values: no calibration (also the scenario key "
                  "'calibration: published')");
    app->add_flag("--quiet", quiet, check_only ? "print only the check's verdict" : "print nothing on success");
    add_verbose(app);
    if (check_only) return;
    app->add_flag("--check", check, "only validate the scenario (same as vct check)");
    add_values(app, "-o,--output", output, "FILE.h5",
               "write the result here (default: the scenario's output.file); written through FILE.h5.partial "
               "and renamed into place when complete");
    add_values(app, "-j,--threads", threads, "N",
               "worker threads, 1-1024 (default: the scenario's run.threads, or all)");
    const std::string trials = "Virtual trials (docs/cluster.md)";
    app->add_flag("--resume", resume, "continue an interrupted or killed run from its output file")->group(trials);
    app->add_flag("--force", force, "discard an earlier unfinished run of this output file")->group(trials);
    add_values(app, "--stop-after", stop_after, "BATCHES", "stop after this many new batches (1-1000000)")
        ->group(trials);
  }

  RunArgs read(const std::string& command, bool check_only) const {
    RunArgs r;
    r.scenario_path = scenario;
    r.check_only = check_only || check;
    r.quiet = quiet;
    r.resume = resume;
    r.force = force;
    r.published = published;
    r.output = single(command, output, true);
    r.calibration_path = single(command, calibration, true);
    r.threads = whole_number(command, threads, 1, 1024, 0);
    r.stop_after = whole_number(command, stop_after, 1, 1000000, 0);
    if (r.resume && r.force)
      throw UsageError{command, "--resume continues an earlier run and --force discards it; give one of them"};
    if (r.published && !r.calibration_path.empty())
      throw UsageError{command, "--published and --calibration ask for different parameter values; give one of them"};
    return r;
  }
};

/// `vct calibrate` and `vct validate`.
struct SuiteFlags {
  std::string suite = "scenarios/validation/suite.yaml";
  FlagValues size, threads, seeds, evaluations, output, docs, calibration, targets, only;
  bool calibration_only = false, check = false;

  void declare(CLI::App* app, bool validate) {
    app->add_option("SUITE", suite, "the validation suite (default: scenarios/validation/suite.yaml)")
        ->type_name("FILE.yaml");
    add_values(app, "--size", size, "N", "candidates per scenario (default: the suite's own)");
    add_values(app, "-j,--threads", threads, "N", "worker threads (default: all)");
    add_values(app, "--target", targets, "ID", "keep only this target (repeatable)");
    add_verbose(app);
    if (!validate) {
      add_values(app, "--evaluations", evaluations, "N", "at most N objective evaluations (1-100000)");
      add_values(app, "--only", only, "PARAMETER",
                 "fit only this calibrated parameter, every other held at its calibrated value (repeatable)");
      add_values(app, "--seeds", seeds, "K",
                 "average every calibration target over K populations: the scenarios' own seeds and K-1 more "
                 "(1-100, default 1)");
      add_values(app, "-o,--output", output, "FILE.yaml",
                 "write the calibrated values here (default: the suite's "
                 "calibrated file)");
      return;
    }
    add_values(app, "--seeds", seeds, "N", "also run every target on N fresh population seeds and report the spread");
    app->add_flag("--calibration-only", calibration_only, "only the calibration targets");
    app->add_flag("--check", check, "exit with code 1 when a calibration target is outside its tolerance");
    add_values(app, "-o,--output", output, "FILE.csv", "the table as CSV (default: results/validation.csv)");
    add_values(app, "--write-docs", docs, "FILE.md", "replace the table between the validate markers of FILE.md");
    add_values(app, "--calibration", calibration, "FILE.yaml",
               "validate these calibrated values instead of the suite's calibrated file");
  }

  SuiteArgs read(const std::string& command, bool validate) const {
    SuiteArgs a;
    a.suite = suite;
    a.options.population_size = whole_number(command, size, 0, 10000000, 0);
    a.options.threads = whole_number(command, threads, 0, 1024, 0);
    a.seeds = validate ? whole_number(command, seeds, 0, validation::kMaxFreshSeeds, 0)
                       : whole_number(command, seeds, 1, 100, 1);
    a.evaluations = whole_number(command, evaluations, 1, 100000, 0);
    a.options.calibration_only = calibration_only;
    a.check = check;
    for (const FlagValues* list : {&targets, &only})
      for (const auto& v : list->values)
        if (v.empty()) throw UsageError{command, list->flag + " needs a value"};
    a.targets = targets.values;
    a.only = only.values;
    const std::string out = single(command, output, true);
    if (validate) {
      if (!out.empty()) a.output = out;
      a.docs = single(command, docs, true);
      a.calibration = single(command, calibration, true);
    } else {
      a.calibration = out;  // calibrate: where to write the calibrated values
    }
    return a;
  }
};

/// `vct search`: the scenario's schedule search.
struct SearchFlags {
  std::string scenario;
  FlagValues output, calibration, threads, size, evaluations;
  bool quiet = false, published = false;

  void declare(CLI::App* app, bool) {
    app->add_option("SCENARIO", scenario, "a trial scenario with a `search` block (docs/search.md)")
        ->required()
        ->type_name("FILE.yaml");
    add_values(app, "-o,--output", output, "FILE.h5", "write the evaluated schedules here (default: output.file)");
    add_values(app, "-j,--threads", threads, "N", "worker threads, 1-1024 (default: the scenario's, or all)");
    add_values(app, "--size", size, "N", "candidates in the population (default: population.size)");
    add_values(app, "--evaluations", evaluations, "N", "method nlopt: schedules simulated at most (1-100000)");
    add_values(app, "--calibration", calibration, "FILE.yaml", "apply this calibration file's values");
    app->add_flag("--published", published, "the model's published parameter values: no calibration");
    app->add_flag("--quiet", quiet, "print nothing on success");
    add_verbose(app);
  }

  SearchArgs read(const std::string& command, bool) const {
    SearchArgs a;
    a.scenario_path = scenario;
    a.output = single(command, output, true);
    a.calibration_path = single(command, calibration, true);
    a.threads = whole_number(command, threads, 1, 1024, 0);
    a.size = whole_number(command, size, 1, 10000000, 0);
    a.evaluations = whole_number(command, evaluations, 1, 100000, 0);
    a.quiet = quiet;
    a.published = published;
    if (a.published && !a.calibration_path.empty())
      throw UsageError{command, "--published and --calibration ask for different parameter values; give one of them"};
    return a;
  }
};

/// `vct fit`: one patient's parameters from their scans; `vct predict` (predict = true): and
/// their predicted course.
struct FitFlags {
  std::string patient;
  FlagValues calibration, output, threads;
  bool quiet = false, published = false;

  void declare(CLI::App* app, bool predict) {
    app->add_option("PATIENT", patient,
                    predict ? "a patient file with a `predict` block (docs/twin.md)"
                            : "a patient file: scans, treatment so far, prior (docs/twin.md)")
        ->required()
        ->type_name("FILE.yaml");
    add_values(app, "-o,--output", output, "FILE.h5",
               predict ? "write the fit and the predictions here (default: the file's output.file)"
                       : "write the fit here (default: the file's output.file)");
    if (predict)
      add_values(app, "-j,--threads", threads, "N", "worker threads, 1-1024 (default: the file's run.threads, or all)");
    add_values(app, "--calibration", calibration, "FILE.yaml", "apply this calibration file's values");
    app->add_flag("--published", published, "the model's published parameter values: no calibration");
    app->add_flag("--quiet", quiet, "print nothing on success");
    add_verbose(app);
  }

  FitArgs read(const std::string& command, bool) const {
    FitArgs a;
    a.patient_path = patient;
    a.threads = whole_number(command, threads, 1, 1024, 0);
    a.output = single(command, output, true);
    a.calibration_path = single(command, calibration, true);
    a.quiet = quiet;
    a.published = published;
    if (a.published && !a.calibration_path.empty())
      throw UsageError{command, "--published and --calibration ask for different parameter values; give one of them"};
    return a;
  }
};

/// `vct twin-check`: the fit and the predictions checked on synthetic patients.
struct TwinCheckFlags {
  FitFlags fit;
  FlagValues patients, fit_scans, samples, seed;
  bool vary_all = false;

  void declare(CLI::App* app, bool) {
    fit.declare(app, true);
    app->add_flag("--vary-all", vary_all,
                  "draw every parameter with a population law for the truth, not only the fitted ones (a "
                  "misspecified fit)");
    add_values(app, "--patients", patients, "N", "synthetic patients, 1-100000 (default 20)");
    add_values(app, "--fit-scans", fit_scans, "K",
               "scan days fitted, baseline included (default: all but the last); later ones are predicted");
    add_values(app, "--samples", samples, "N", "posterior draws per patient, 10-20000 (default 100)");
    add_values(app, "--seed", seed, "N", "seed of the synthetic patients (default 1)");
  }

  TwinCheckArgs read(const std::string& command, bool) const {
    TwinCheckArgs a;
    a.fit = fit.read(command, true);
    a.patients = whole_number(command, patients, 1, 100000, 20);
    a.fit_scans = whole_number(command, fit_scans, 2, 1000, 0);
    a.samples = whole_number(command, samples, 10, 20000, 100);
    a.seed = whole_number(command, seed, 0, 2000000000, 1);
    a.vary_all = vary_all;
    return a;
  }
};

constexpr const char* kFooter =
    "Exit codes: 0 success; 1 usage error (or validate --check with a calibration target outside its "
    "tolerance); 2 bad input; 3 numerical failure; 4 I/O error; 5 internal error; 130 interrupted "
    "(the result file keeps what was finished). Documentation: README.md and docs/.";

/// The parser and, once it has run, the command to call.
struct Cli {
  CLI::App app{"vct " + software_version() +
                   ": virtual clinical trials of radiotherapy and immune checkpoint inhibitors (QSP models).",
               "vct"};
  RunFlags run, check;
  SuiteFlags calibrate, validate;
  SearchFlags search;
  FitFlags fit, predict;
  TwinCheckFlags twin_check;
  std::string merge_output, table_model, help_topic, report_result;
  FlagValues report_output, tps_prevalence;
  TpsFitArgs tps_fit;
  AbmTpsFitArgs abm_tps_fit;
  FlagValues abm_tps_prevalence;
  std::function<int()> command;

  Cli() {
    app.footer(kFooter);
    app.set_help_flag("-h,--help", "print this help and exit");
    app.require_subcommand(0, 1);
    add_flagged(run, false, "run", "simulate a scenario (one patient or a virtual trial) and write HDF5", cmd_run);
    add_flagged(check, true, "check",
                "validate a scenario without simulating; print its RT courses and the resolved scenario", cmd_run);
    auto* m = app.add_subcommand("merge", "merge the part files OUTPUT.h5.parts/ of an MPI run into OUTPUT.h5");
    m->add_option("OUTPUT", merge_output, "the MPI run's output file")->required()->type_name("FILE.h5");
    add_verbose(m);
    m->callback([this] { command = [this] { return cmd_merge(merge_output); }; });
    add_flagged(calibrate, false, "calibrate",
                "fit the suite's calibrated parameters jointly to its calibration targets (NLopt; docs/validation.md)",
                cmd_calibrate);
    add_flagged(validate, true, "validate",
                "run the validation suite with the calibrated values; print published vs simulated figures",
                cmd_validate);
    add_flagged(search, false, "search",
                "search the best schedule of one arm over a scenario's `search` block (grid or NLopt; docs/search.md)",
                cmd_search);
    add_flagged(fit, false, "fit",
                "estimate one patient's parameters from their scans: MAP with population priors and Laplace "
                "uncertainty (docs/twin.md)",
                cmd_fit);
    add_flagged(predict, true, "predict",
                "fit one patient, then predict their course under the patient file's arms: diameter bands, RECIST "
                "probabilities (docs/twin.md)",
                cmd_predict);
    add_flagged(twin_check, false, "twin-check",
                "check vct fit and vct predict on synthetic patients: parameter recovery and prediction-interval "
                "coverage (docs/twin.md)",
                cmd_twin_check);
    auto* rep = app.add_subcommand("report",
                                   "write a self-contained HTML report of a result file: tables, "
                                   "RT courses with BED/EQD2, figures, provenance (docs/python.md)");
    rep->add_option("RESULT", report_result, "a result file of vct run")->required()->type_name("FILE.h5");
    add_values(rep, "-o,--output", report_output, "FILE.html", "where to write it (default: RESULT.html beside it)");
    rep->callback([this, rep] {
      command = [this, rep] { return cmd_report(report_result, single(name(rep), report_output, true)); };
    });
    add_tps_fit();
    add_abm_tps_fit();
    add_tables();
  }

  /// HIGH,MID,LOW percentages of --prevalence into a's high and low shares (unchanged when empty).
  static void parse_prevalence(const std::string& command, const std::string& text, double& high_pct, double& low_pct) {
    if (text.empty()) return;
    double high = 0, mid = 0, low = 0;
    char tail = 0;
    if (std::sscanf(text.c_str(), "%lf,%lf,%lf%c", &high, &mid, &low, &tail) != 3 || !(high > 0) || !(mid > 0) ||
        !(low > 0) || std::abs(high + mid + low - 100.0) > 0.5)
      throw UsageError{command,
                       "--prevalence expects three positive percentages summing to 100, as "
                       "HIGH,MID,LOW (e.g. 22,30,48); found '" +
                           text + "'"};
    high_pct = high;
    low_pct = low;
  }

  void add_prevalence(CLI::App* t, FlagValues& values) {
    add_values(t, "--prevalence", values, "HIGH,MID,LOW",
               "percent of patients with TPS >= 50, 1-49 and < 1, summing to 100 (default 22,30,48: EXPRESS, "
               "Dietel 2019)");
  }

  void add_abm_tps_fit() {
    auto* t = app.add_subcommand("abm-tps-fit",
                                 "fit the agent-based windows' IFN-gamma secretion and uptake to a PD-L1 TPS "
                                 "prevalence on a scenario's population (NLopt; docs/models/abm.md)");
    t->add_option("SCENARIO", abm_tps_fit.scenario_path, "a trial scenario with lesions[].abm windows")
        ->required()
        ->type_name("FILE.yaml");
    add_prevalence(t, abm_tps_prevalence);
    t->add_option("--size", abm_tps_fit.size, "candidates (default: the scenario's population size)")
        ->check(CLI::Range(1, 1000000));
    t->add_option("--evaluations", abm_tps_fit.evaluations, "at most this many objective evaluations (default 30)")
        ->check(CLI::Range(1, 10000));
    t->add_option("--seeds", abm_tps_fit.seeds, "then the optimum on this many fresh populations (default 3)")
        ->check(CLI::Range(0, 100));
    t->add_option("--start-release", abm_tps_fit.release_start,
                  "IFN-gamma secretion to start from, ng/s (default 3e-10; searched in [1e-12, 1e-9])")
        ->check(CLI::Range(1e-12, 1e-9));
    t->add_option("--start-uptake", abm_tps_fit.uptake_start,
                  "IFN-gamma uptake to start from, 1/s (default 1e-3; searched in [1e-4, 1e-2])")
        ->check(CLI::Range(1e-4, 1e-2));
    t->add_option("--step", abm_tps_fit.step_decades, "the first simplex's step on both log10 axes (default 0.4)")
        ->check(CLI::Range(0.01, 3.0));
    t->add_option("--threads", abm_tps_fit.threads, "threads (default: the scenario's setting, or all cores)")
        ->check(CLI::Range(0, 4096));
    add_verbose(t);
    t->callback([this, t] {
      command = [this, t] {
        parse_prevalence(name(t), single(name(t), abm_tps_prevalence, true), abm_tps_fit.high_pct, abm_tps_fit.low_pct);
        return cmd_abm_tps_fit(abm_tps_fit);
      };
    });
  }

  void add_tps_fit() {
    auto* t = app.add_subcommand("tps-fit",
                                 "fit the PD-L1 TPS mapping to a TPS prevalence on trial result files (one fit per "
                                 "file and pooled; docs/biomarkers.md)");
    t->add_option("RESULT", tps_fit.files, "trial result files of vct run (e.g. one per population seed)")
        ->required()
        ->type_name("FILE.h5");
    add_prevalence(t, tps_prevalence);
    add_verbose(t);
    t->callback([this, t] {
      command = [this, t] {
        parse_prevalence(name(t), single(name(t), tps_prevalence, true), tps_fit.high_pct, tps_fit.low_pct);
        return cmd_tps_fit(tps_fit);
      };
    });
  }

  void add_tables() {
    app.add_subcommand("schema", "print the scenario reference (docs/scenario-reference.md, Markdown)")
        ->callback([this] {
          command = [] {
            std::printf("%s", io::schema::scenario_reference_markdown().c_str());
            return static_cast<int>(kOk);
          };
        });
    app.add_subcommand("models", "list the registered models")->callback([this] {
      command = [] { return cmd_models(); };
    });
    for (const char* what : {"params", "states", "drugs"}) {
      const std::string text = std::string("print a model's ") +
                               (what[0] == 'p'   ? "parameter table"
                                : what[0] == 's' ? "state table"
                                                 : "drugs") +
                               " (Markdown)";
      auto* t = app.add_subcommand(what, text);
      t->add_option("MODEL", table_model, "a model id (vct models lists them)")->required();
      t->callback([this, what] { command = [this, what] { return cmd_table(what, table_model); }; });
    }
    app.add_subcommand("version", "print the software version")->callback([this] {
      command = [] {
        std::printf("vct %s\n", software_version().c_str());
        return static_cast<int>(kOk);
      };
    });
    app.set_version_flag("--version", "vct " + software_version(), "print the software version and exit");
    auto* h = app.add_subcommand("help", "print this help, or a command's (vct help COMMAND)");
    h->add_option("COMMAND", help_topic, "a command");
    h->callback([this] { command = [this] { return help(); }; });
  }

  static std::string name(const CLI::App* sub) { return "vct " + sub->get_name(); }

  /// A command whose flags struct declares its options (`variant`: check-only run, validate-only
  /// suite) and reads them into the arguments `command` takes.
  template <class Flags, class Args>
  void add_flagged(Flags& flags, bool variant, const char* command_name, const char* help,
                   int (*run_command)(const Args&)) {
    CLI::App* sub = app.add_subcommand(command_name, help);
    flags.declare(sub, variant);
    sub->callback([this, sub, &flags, variant, run_command] {
      command = [sub, &flags, variant, run_command] { return run_command(flags.read(name(sub), variant)); };
    });
  }

  int help() {
    if (help_topic.empty()) {
      std::printf("%s", app.help().c_str());
      return kOk;
    }
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      if (sub->get_name() == help_topic) {
        std::printf("%s", sub->help("vct").c_str());
        return kOk;
      }
    std::fprintf(stderr, "vct: unknown command '%s'; vct --help lists the commands\n", help_topic.c_str());
    return kUsage;
  }

  bool is_command(const std::string& word) {
    for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
      if (sub->get_name() == word) return true;
    return false;
  }
};

int parse_and_run(int argc, char** argv) {
  Cli cli;
  if (argc < 2) {
    std::fprintf(stderr, "%s", cli.app.help().c_str());
    return kUsage;
  }
  const std::string first = argv[1];
  if (first.empty() || (first[0] != '-' && !cli.is_command(first))) {
    std::fprintf(stderr, "vct: unknown command '%s'; vct --help lists the commands\n", first.c_str());
    return kUsage;
  }
  try {
    cli.app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    const CLI::App* sub = nullptr;
    for (const CLI::App* s : cli.app.get_subcommands()) sub = s;
    std::printf("%s", sub ? sub->help("vct").c_str() : cli.app.help().c_str());
    return kOk;
  } catch (const CLI::CallForVersion&) {
    std::printf("vct %s\n", software_version().c_str());
    return kOk;
  } catch (const CLI::ParseError& e) {
    const CLI::App* sub = nullptr;
    for (const CLI::App* s : cli.app.get_subcommands()) sub = s;
    const std::string command = sub ? "vct " + sub->get_name() : "vct";
    std::fprintf(stderr, "%s: %s\nRun '%s --help' for the options.\n", command.c_str(), e.what(), command.c_str());
    return kUsage;
  }
  if (!cli.command) {
    std::fprintf(stderr, "%s", cli.app.help().c_str());
    return kUsage;
  }
  try {
    return cli.command();
  } catch (const UsageError& e) {
    std::fprintf(stderr, "%s: %s\nRun '%s --help' for the options.\n", e.command.c_str(), e.message.c_str(),
                 e.command.c_str());
    return kUsage;
  }
}

}  // namespace
}  // namespace vct::cli

int main(int argc, char** argv) {
  using namespace vct::cli;
  vct::io::h5::skip_exit_cleanup();
  std::string line;
  for (int i = 0; i < argc; ++i) line += (i ? " " : "") + std::string(argv[i]);
  process().command_line = line;
#ifdef VCT_HAVE_MPI
  process().mpi = vct::mpi::launched_by_mpi();
  if (process().mpi) {
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
  }
  struct Finalize {
    ~Finalize() {
      if (process().mpi) MPI_Finalize();
    }
  } finalize;
#endif
  try {
    return parse_and_run(argc, argv);
  } catch (const vct::io::ScenarioError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    std::fprintf(stderr, "vct: %zu problem(s) in the scenario; nothing was simulated\n", e.problems().size());
    return kInputError;
  } catch (const vct::Error& e) {
    if (is_root_process()) {
      std::fprintf(stderr, "vct: error: %s\n", e.what());
      const std::string diagnostics = vct::io::h5::last_diagnostics();
      if (e.kind() == vct::ErrorKind::kIo && !diagnostics.empty()) {
        if (process().verbose)
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
