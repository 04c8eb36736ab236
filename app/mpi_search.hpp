// SPDX-License-Identifier: MIT
#pragma once

#include "core/schedule_search.hpp"

namespace vct::mpi {

/// A schedule search across the ranks of MPI_COMM_WORLD (docs/search.md): each rank grows and
/// treats a contiguous block of the candidates, and every arm's outcomes are gathered on every
/// rank in candidate order, so every rank computes the same objectives and the optimiser takes
/// the same path on all of them; results equal a single process's. MPI must be initialised;
/// every rank must make the same calls.
class MpiOutcomeExchange : public OutcomeExchange {
 public:
  std::pair<std::size_t, std::size_t> share(std::size_t n) const override;
  std::vector<ArmOutcome> gather(const std::vector<ArmOutcome>& mine) override;
  std::size_t sum(std::size_t mine) override;
  bool all(bool mine) override;
};

}  // namespace vct::mpi
