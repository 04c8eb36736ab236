// SPDX-License-Identifier: MIT
#include "app/minimise.hpp"

#include <cmath>
#include <exception>

namespace vct {

MinimiseOutcome minimise(nlopt::opt& opt, std::vector<double>& x,
                         const std::function<double(const std::vector<double>&, nlopt::opt&)>& f) {
  struct Context {
    const std::function<double(const std::vector<double>&, nlopt::opt&)>* f;
    nlopt::opt* opt;
    std::exception_ptr failure;
  } context{&f, &opt, nullptr};
  opt.set_min_objective(
      [](const std::vector<double>& point, std::vector<double>&, void* data) {
        auto* c = static_cast<Context*>(data);
        try {
          return (*c->f)(point, *c->opt);
        } catch (...) {
          c->failure = std::current_exception();
          c->opt->force_stop();
          return HUGE_VAL;
        }
      },
      &context);
  MinimiseOutcome out;
  try {
    out.result = opt.optimize(x, out.minimum);
    switch (out.result) {
      case nlopt::MAXEVAL_REACHED:
        out.end = MinimiseEnd::kMaxEvaluations;
        break;
      case nlopt::SUCCESS:
      case nlopt::XTOL_REACHED:
      case nlopt::FTOL_REACHED:
      case nlopt::STOPVAL_REACHED:
        out.end = MinimiseEnd::kConverged;
        break;
      default:
        out.end = MinimiseEnd::kOther;
        break;
    }
  } catch (const nlopt::roundoff_limited&) {
    out.end = MinimiseEnd::kRoundoff;
  } catch (const nlopt::forced_stop&) {
    out.end = MinimiseEnd::kForcedStop;
  }
  if (context.failure) std::rethrow_exception(context.failure);
  return out;
}

}  // namespace vct
