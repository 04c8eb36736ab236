// SPDX-License-Identifier: MIT
// The trial runner's parallel loop over candidates (OpenMP), shared by the schedule search.
#pragma once

#include <cstddef>
#include <exception>

namespace vct {

/// Runs f(i) for i in [begin, end) on `threads` threads, one index at a time (dynamic schedule);
/// the first exception thrown by any f is rethrown after the loop. Results are identical for any
/// thread count when each f(i) writes only its own slot.
template <class F>
void parallel_for(std::size_t begin, std::size_t end, int threads, F&& f) {
  std::exception_ptr failure;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads)
  for (long i = static_cast<long>(begin); i < static_cast<long>(end); ++i) {
    try {
      f(static_cast<std::size_t>(i));
    } catch (...) {
#pragma omp critical(vct_parallel_for_failure)
      if (!failure) failure = std::current_exception();
    }
  }
  if (failure) std::rethrow_exception(failure);
}

}  // namespace vct
