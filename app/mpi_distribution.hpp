// SPDX-License-Identifier: MIT
#pragma once

#include <mpi.h>

#include <cstddef>
#include <vector>

#include "core/trial.hpp"

namespace vct::mpi {

/// Dynamic batches across the ranks of MPI_COMM_WORLD: one shared counter per phase, held on rank 0
/// in an RMA window, which every rank fetches-and-adds to take its next batch, so the batches of a
/// phase go out in order, each to exactly one rank, whichever rank asks first.
/// Construction and destruction are collective: every rank creates one at the same step and
/// destroys it at the same step (MPI_Win_free waits for all ranks), unless it abandons it.
/// Not thread safe: one thread per rank calls it (run_trial does).
class MpiDistribution : public TrialDistribution {
 public:
  MpiDistribution();
  ~MpiDistribution() override;
  MpiDistribution(const MpiDistribution&) = delete;
  MpiDistribution& operator=(const MpiDistribution&) = delete;

  /// This rank failed alone and the job is about to be aborted (abort_job): its destructor then
  /// returns at once instead of waiting in MPI_Win_free for ranks that may be in another collective
  /// step (the screening sum) and never come. The window is left to MPI_Abort.
  void abandon() { abandoned_ = true; }

  /// Batch `ticket` of `phase` (0 or 1) is [ticket x batch, min(total, (ticket + 1) x batch)).
  bool next_batch(int phase, std::size_t total, std::size_t batch, std::size_t& begin, std::size_t& end) override;
  /// MPI_Allreduce (collective).
  void sum_over_processes(std::vector<double>& values) override;
  bool may_stop_during_screening() const override { return false; }  // the others wait in the sum

 private:
  long* base_ = nullptr;
  MPI_Win win_;
  bool abandoned_ = false;
};

}  // namespace vct::mpi
