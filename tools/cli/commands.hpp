// SPDX-License-Identifier: MIT
// vct command line: the commands behind the parser (main.cpp builds the CLI11 parser, fills these
// option structs and calls one command). Commands print and return an exit code; nothing below
// tools/ does either. Not thread-safe: one command runs per process.
#pragma once

#include <exception>
#include <string>
#include <vector>

#include "app/validation.hpp"
#include "core/error.hpp"

namespace vct::cli {

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

int exit_code_for(ErrorKind kind);

/// Set once in main() before any command runs.
struct Process {
  std::string command_line;  ///< argv joined by spaces, stored in result files as provenance
  bool mpi = false;          ///< started by an MPI launcher (VCT_HAVE_MPI builds)
  bool verbose = false;      ///< --verbose: print HDF5's own diagnostics after an I/O error
};
Process& process();
bool is_root_process();

#ifdef VCT_HAVE_MPI
/// For an error this MPI rank met alone, while the others may wait for it in a collective step:
/// prints it with the rank and `then` (what the user can do next), and ends every rank with the
/// error's exit code (docs/cluster.md, "When one rank fails").
[[noreturn]] void end_mpi_job_after(const std::exception& e, const std::string& then);
#endif

/// `vct run` / `vct check` options (main.cpp documents each flag in its --help text).
struct RunArgs {
  std::string scenario_path, output, calibration_path;
  bool check_only = false, quiet = false, resume = false, force = false;
  bool published = false;  ///< --published: the model's published values, no built-in calibration
  int threads = 0, stop_after = 0;
};

/// `vct calibrate` / `vct validate` options.
struct SuiteArgs {
  std::string suite = "scenarios/validation/suite.yaml";
  validation::RunOptions options;
  bool check = false;
  std::string output = "results/validation.csv";
  std::string docs;
  std::string calibration;           ///< validate --calibration FILE / calibrate --output FILE
  std::vector<std::string> targets;  ///< --target ID (repeatable): only these
  int seeds = 0;                     ///< validate --seeds N: also run every target on N fresh seeds;
                                     ///< calibrate --seeds K: average the targets over K populations
  int evaluations = 0;               ///< calibrate --evaluations N: at most N objective evaluations
  std::vector<std::string> only;     ///< calibrate --only PARAMETER (repeatable): fit these, hold the rest
};

/// `vct tps-fit` options: result files and the target prevalence (% at TPS >= 50 and below 1).
struct TpsFitArgs {
  std::vector<std::string> files;
  double high_pct = 22.0, low_pct = 48.0;
};

/// `vct abm-tps-fit` options.
struct AbmTpsFitArgs {
  std::string scenario_path;
  double high_pct = 22.0, low_pct = 48.0;
  int size = 0, evaluations = 30, seeds = 3, threads = 0;
  double release_start = 3e-10, uptake_start = 1e-3, step_decades = 0.4;
};

/// `vct search` options.
struct SearchArgs {
  std::string scenario_path, output, calibration_path;
  int threads = 0, size = 0, evaluations = 0;
  bool quiet = false, published = false;
};

/// `vct fit` and `vct predict` options.
struct FitArgs {
  std::string patient_path, calibration_path, output;
  int threads = 0;  ///< predict: 0 the scenario's (run.threads), or all
  bool quiet = false, published = false;
};

int cmd_run(const RunArgs& r);  ///< run.cpp; `check` is run with check_only
int cmd_merge(const std::string& output);
int cmd_table(const std::string& what, const std::string& model);  ///< params | states | drugs
int cmd_models();
int cmd_calibrate(const SuiteArgs& a);  ///< suite.cpp
int cmd_validate(const SuiteArgs& a);
/// report.cpp: the HTML report of RESULT (python3 -m vct.report); `output` empty: RESULT.html.
int cmd_report(const std::string& result, const std::string& output);
/// search.cpp: the scenario's schedule search, printed and written to HDF5.
int cmd_search(const SearchArgs& a);
/// fit.cpp: one patient's parameters from their scans (docs/twin.md).
int cmd_fit(const FitArgs& a);
/// fit.cpp: the fitted patient's predicted course under the patient file's arms (docs/twin.md).
int cmd_predict(const FitArgs& a);
/// `vct twin-check` options.
struct TwinCheckArgs {
  FitArgs fit;  ///< patient file, output, calibration, threads, quiet
  int patients = 20, fit_scans = 0, samples = 100;
  long long seed = 1;
  bool vary_all = false;
};
/// fit.cpp: parameter recovery and interval coverage on synthetic patients (docs/twin.md).
int cmd_twin_check(const TwinCheckArgs& a);
/// tps_fit.cpp: the PD-L1 TPS mapping fitted to a prevalence on result files' baseline PD-L1.
int cmd_tps_fit(const TpsFitArgs& a);
int cmd_abm_tps_fit(const AbmTpsFitArgs& a);

}  // namespace vct::cli
