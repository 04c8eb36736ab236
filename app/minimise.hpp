// SPDX-License-Identifier: MIT
// One NLopt minimisation run for the calibration, the schedule search and the patient fit: the
// objective's exceptions are kept (NLopt would turn them into a generic failure), the run is
// stopped and the exception rethrown; how the run ended is returned for the caller to word.
#pragma once

#include <functional>
#include <nlopt.hpp>
#include <vector>

namespace vct {

/// How a minimisation ended.
enum class MinimiseEnd {
  kMaxEvaluations,  ///< opt's evaluation limit
  kConverged,       ///< a step, objective or value tolerance reached (or NLopt's plain success)
  kRoundoff,        ///< NLopt's roundoff-limited stop
  kForcedStop,      ///< the objective called opt.force_stop()
  kOther            ///< any other NLopt result (`result` says which)
};

struct MinimiseOutcome {
  MinimiseEnd end = MinimiseEnd::kOther;
  nlopt::result result = nlopt::FAILURE;
  double minimum = 0.0;
};

/// Minimises `f` from x (updated in place) with `opt`, whose bounds and stopping rules the caller
/// set. `f` gets the point and `opt` (to call force_stop). An exception thrown by `f` stops the
/// run and is rethrown here. Not thread-safe for one `opt`.
MinimiseOutcome minimise(nlopt::opt& opt, std::vector<double>& x,
                         const std::function<double(const std::vector<double>&, nlopt::opt&)>& f);

}  // namespace vct
