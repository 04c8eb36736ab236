// SPDX-License-Identifier: MIT
#include "app/mpi_search.hpp"

#include <mpi.h>

#include "app/mpi_trial.hpp"

namespace vct::mpi {

std::pair<std::size_t, std::size_t> MpiOutcomeExchange::share(std::size_t n) const {
  const std::size_t r = static_cast<std::size_t>(rank()), s = static_cast<std::size_t>(size());
  return {n * r / s, n * (r + 1) / s};
}

std::vector<ArmOutcome> MpiOutcomeExchange::gather(const std::vector<ArmOutcome>& mine) {
  const std::vector<double> packed = pack_outcomes(mine);
  const int n_ranks = size();
  int count = static_cast<int>(packed.size());
  std::vector<int> counts(static_cast<std::size_t>(n_ranks)), offsets(static_cast<std::size_t>(n_ranks), 0);
  MPI_Allgather(&count, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD);
  for (std::size_t r = 1; r < counts.size(); ++r) offsets[r] = offsets[r - 1] + counts[r - 1];
  std::vector<double> all(static_cast<std::size_t>(offsets.back() + counts.back()));
  MPI_Allgatherv(packed.data(), count, MPI_DOUBLE, all.data(), counts.data(), offsets.data(), MPI_DOUBLE,
                 MPI_COMM_WORLD);
  return unpack_outcomes(all);  // rank blocks in rank order: candidate order
}

std::size_t MpiOutcomeExchange::sum(std::size_t mine) {
  unsigned long long in = mine, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  return static_cast<std::size_t>(out);
}

bool MpiOutcomeExchange::all(bool mine) {
  int in = mine ? 1 : 0, out = 0;
  MPI_Allreduce(&in, &out, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
  return out == 1;
}

}  // namespace vct::mpi
