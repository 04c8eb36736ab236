// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "core/model.hpp"
#include "core/trial.hpp"
#include "io/hdf5_writer.hpp"
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

/// Runs a trial scenario across the ranks of MPI_COMM_WORLD: batches are handed out dynamically
/// (an atomic counter in an RMA window on rank 0), each rank writes <output>.parts/part-A-R.h5
/// (attempt A, rank R), and rank 0 merges the parts into <output>, laid out exactly as a
/// single-process run, then removes the parts. Returns rank 0's summary (others: their own).
/// MPI must already be initialised.
TrialSummary run_trial_mpi(const io::LoadedScenario& loaded, const ModelDefinition& model, const MpiRunOptions& options,
                           const io::RunInfo& info, const ProgressCallback& progress);

int rank();
int size();

}  // namespace vct::mpi
