// SPDX-License-Identifier: MIT
// Under `mpirun -np 2`: mpi::throw_if_any_rank_failed makes every rank throw the same error when
// any rank reports a problem, so no rank goes on alone into a collective operation the failed one
// will never join (the hang of a resumed run, docs/testing.md); MpiDistribution hands every batch
// to exactly one rank, and a rank that abandons it leaves without waiting for the others. Rank 0
// prints the verdict.
#include <mpi.h>

#include <cstdio>
#include <string>
#include <vector>

#include "app/mpi_distribution.hpp"
#include "app/mpi_trial.hpp"

namespace {

/// Whether `problem` on this rank makes every rank throw `want` (empty: nothing thrown) of `kind`.
bool agrees(const std::string& problem, const std::string& want, vct::ErrorKind kind) {
  try {
    vct::mpi::throw_if_any_rank_failed(problem, kind);
    return want.empty();
  } catch (const vct::mpi::CollectiveError& e) {
    return e.what() == want && e.kind() == kind;
  }
}

/// Every batch of 10 candidates in batches of 3 ([0,3) [3,6) [6,9) [9,10)) goes to exactly one rank:
/// each rank counts the candidates it took, and the counts summed over ranks are one per candidate.
bool batches_cover_each_candidate_once() {
  std::vector<double> taken(10, 0.0);
  {
    vct::mpi::MpiDistribution distribution;
    std::size_t begin = 0, end = 0;
    while (distribution.next_batch(1, taken.size(), 3, begin, end))
      for (std::size_t i = begin; i < end; ++i) taken[i] += 1.0;
    distribution.sum_over_processes(taken);
  }
  for (double t : taken)
    if (t != 1.0) return false;
  return true;
}

/// Rank 1 fails alone and abandons its distribution: its destructor must return while rank 0 still
/// holds its own (rank 0 waits for rank 1's message before doing anything else). Without abandon,
/// rank 1 would wait in MPI_Win_free for rank 0, which waits for the message: a hang, stopped by
/// the test's watchdog. Neither rank frees the window afterwards (a real run aborts the job).
int abandon_leaves_at_once() {
  const int r = vct::mpi::rank();
  auto* distribution = new vct::mpi::MpiDistribution;
  int left = 0;
  if (r == 1) {
    distribution->abandon();
    delete distribution;
    left = 1;
    MPI_Send(&left, 1, MPI_INT, 0, 7, MPI_COMM_WORLD);
  } else {
    MPI_Recv(&left, 1, MPI_INT, 1, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    distribution->abandon();
    delete distribution;
    std::printf("abandon: rank 1 left its distribution while rank 0 still held its own\n");
  }
  MPI_Finalize();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  MPI_Init(&argc, &argv);
  using vct::ErrorKind;
  const int r = vct::mpi::rank();
  if (argc > 1 && std::string(argv[1]) == "abort") {
    // Rank 1 fails alone while rank 0 waits in a collective step it will never complete:
    // abort_job must end both with rank 1's code instead of leaving rank 0 waiting.
    if (r == 1) {
      std::printf("rank 1 ends the job\n");
      std::fflush(stdout);
      vct::mpi::abort_job(3);
    }
    MPI_Barrier(MPI_COMM_WORLD);
    std::printf("rank %d passed a barrier rank 1 never reached\n", r);
    MPI_Finalize();
    return 0;
  }
  if (argc > 1 && std::string(argv[1]) == "abandon") return abandon_leaves_at_once();
  int failures = 0;
  failures += !batches_cover_each_candidate_once();
  // Nobody fails: nothing is thrown.
  failures += !agrees("", "", ErrorKind::kIo);
  // Rank 1 alone fails: rank 0, which had no problem, throws rank 1's message and kind too.
  failures += !agrees(r == 1 ? "rank 1 cannot write its part" : "", "rank 1 cannot write its part", ErrorKind::kIo);
  // Both fail: everyone throws the lowest rank's message (rank 0's), with its kind.
  failures += !agrees(r == 0 ? "zero" : "one", "zero", ErrorKind::kInput);
  // A message longer than any buffer a rank could have guessed arrives whole.
  const std::string long_text(100000, 'x');
  failures += !agrees(r == 1 ? long_text : "", long_text, ErrorKind::kInternal);
  int total = 0;
  MPI_Reduce(&failures, &total, 1, MPI_INT, MPI_SUM, 0, MPI_COMM_WORLD);
  if (r == 0)
    std::printf(total == 0 ? "agreement: %d ranks, every check passed\n" : "agreement: %d checks failed\n",
                total == 0 ? vct::mpi::size() : total);
  MPI_Finalize();
  return total == 0 ? 0 : 1;
}
