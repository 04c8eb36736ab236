// SPDX-License-Identifier: MIT
// Under `mpirun -np 2`: mpi::throw_if_any_rank_failed makes every rank throw the same error when
// any rank reports a problem, so no rank goes on alone into a collective operation the failed one
// will never join (the hang of a resumed run, docs/testing.md). Rank 0 prints the verdict.
#include <mpi.h>

#include <cstdio>
#include <string>

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
  int failures = 0;
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
