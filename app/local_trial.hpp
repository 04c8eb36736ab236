// SPDX-License-Identifier: MIT
// A virtual trial in one process, written so that nothing finished is ever lost: results go to
// OUTPUT.partial in the output's folder and are renamed into place when the run completes; an
// interrupted run is renamed into place too, unless that would replace a complete result. A
// killed or interrupted run is continued with `resume` and gives the same file an uninterrupted
// run writes (docs/cluster.md, "Resuming").
#pragma once

#include <string>

#include "core/model.hpp"
#include "core/trial.hpp"
#include "io/hdf5_writer.hpp"
#include "io/run_identity.hpp"
#include "io/scenario/loader.hpp"

namespace vct {

struct LocalRunOptions {
  std::string output;          ///< the result file
  int threads = 0;             ///< 0: the scenario's setting, or all cores
  bool resume = false;         ///< continue the unfinished run in OUTPUT.partial or OUTPUT
  bool force = false;          ///< discard an unfinished earlier run instead of refusing
  int stop_after_batches = 0;  ///< stop after this many batches that simulated someone (0: never)
};

struct LocalRunResult {
  TrialSummary summary;           ///< of every candidate in the file (earlier attempts included)
  std::string file;               ///< where the results are: the output, or OUTPUT.partial
  std::size_t n_resumed = 0;      ///< candidates taken over from the earlier attempt
  bool already_complete = false;  ///< resume found the output complete; nothing was simulated
  /// Resume: an OUTPUT.partial that could not be read (a run killed while HDF5 wrote it), renamed
  /// to OUTPUT.partial.unreadable and kept; the run went on from OUTPUT or from the beginning.
  std::vector<io::SetAsideFile> set_aside;
};

/// Runs the trial as described above. Throws Error(kInput) when an unfinished earlier run would be
/// overwritten (without `resume` or `force`) or when `resume` finds a different run (the message
/// says what differs; an unreadable OUTPUT.partial is set aside instead), and Error(kIo) on write
/// failures (the finished candidates stay in OUTPUT.partial).
LocalRunResult run_local_trial(const io::LoadedScenario& loaded, const ModelDefinition& model,
                               const LocalRunOptions& options, const io::RunInfo& info,
                               const ProgressCallback& progress);

/// Writes a single patient's result through OUTPUT.partial and renames it into place.
void write_patient_file(const std::string& output, const ModelDefinition& model, const Scenario& scenario,
                        const std::vector<double>& params, const PatientRun& run, const io::RunInfo& info);

}  // namespace vct
