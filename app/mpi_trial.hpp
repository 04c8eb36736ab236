// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "core/error.hpp"
#include "core/model.hpp"
#include "core/trial.hpp"
#include "io/hdf5_writer.hpp"
#include "io/run_identity.hpp"
#include "io/scenario/loader.hpp"

namespace vct::mpi {

/// Whether this process was started by an MPI launcher (mpirun, srun with PMI).
bool launched_by_mpi();

struct MpiRunOptions {
  std::string output;
  int threads = 0;             ///< OpenMP threads per rank (0: scenario setting or all cores)
  bool resume = false;         ///< skip candidates already in <output>.parts (same run identity only)
  bool force = false;          ///< remove parts of an earlier run instead of refusing
  int stop_after_batches = 0;  ///< stop each rank after this many simulation batches (0: never)
  bool quiet = false;
};

struct MpiRunResult {
  TrialSummary summary;  ///< rank 0: the merged trial's; other ranks: their own candidates'
  /// Rank 0, resumed runs: earlier parts that could not be read (a rank killed while HDF5 wrote
  /// them), renamed to PART.unreadable in the parts folder and kept; their candidates were
  /// simulated again. The folder stays while it holds them.
  std::vector<io::SetAsideFile> set_aside;
};

/// Runs a trial scenario across the ranks of MPI_COMM_WORLD: batches are handed out dynamically
/// (an atomic counter in an RMA window on rank 0), each rank writes <output>.parts/part-A-R.h5
/// (attempt A, rank R), and rank 0 merges the parts into <output>, laid out exactly as a
/// single-process run, then removes the parts. With `resume`, an earlier part that cannot be read
/// is set aside (MpiRunResult::set_aside) rather than refusing the run; one another process is
/// writing is refused.
/// MPI must already be initialised. Files are read by rank 0 alone (earlier parts, the done
/// candidates of a resumed run), which tells the others; a refusal, or a failure to open a part or
/// to merge, is a CollectiveError on every rank. A failure while simulating is rethrown as it came,
/// on that rank only (see CollectiveError).
MpiRunResult run_trial_mpi(const io::LoadedScenario& loaded, const ModelDefinition& model, const MpiRunOptions& options,
                           const io::RunInfo& info, const ProgressCallback& progress);

int rank();
int size();

/// An error every rank raised together, after agreeing on it: each rank can end normally (the
/// message is the same everywhere; rank 0 reports it). An exception of any other type thrown by
/// run_trial_mpi came from one rank alone, while the others may wait for it in a collective
/// operation: the caller must end the whole job (abort_job).
class CollectiveError : public Error {
 public:
  using Error::Error;
};

/// Collective: every rank of MPI_COMM_WORLD must call it at the same step. Returns when every
/// `problem` is empty; otherwise every rank throws CollectiveError with the message and kind of the
/// lowest-numbered rank whose `problem` is not empty.
void throw_if_any_rank_failed(const std::string& problem, ErrorKind kind);

/// Ends every rank of the job with `exit_code` (MPI_Abort); for a failure on one rank only.
[[noreturn]] void abort_job(int exit_code);

}  // namespace vct::mpi
