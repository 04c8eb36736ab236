// SPDX-License-Identifier: MIT
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace vct {

/// Solver settings; defaults follow the QSP-IO NSCLC configuration (CVODE BDF, RelTol 1e-6)
/// with AbsTol applied in internal units (docs/solver.md).
/// One internal solver step, for diagnostics (which state limits the step size).
struct StepRecord {
  double t_day = 0.0;           ///< Time reached by the step.
  double step_day = 0.0;        ///< Its size.
  int order = 0;                ///< BDF order used.
  int limiting_state = -1;      ///< State with the largest weighted local error estimate.
  double weighted_error = 0.0;  ///< That estimate times its error weight; CVODE accepts a step when
                                ///< the root-mean-square over the states is at most 1.
};

struct SolverOptions {
  std::string method = "cvode_bdf";  ///< "cvode_bdf" or "odeint_rosenbrock4".
  /// CVODE only: "sparse_lu" (KLU-pivoted compiled sparse LU), "klu" (SUNDIALS' KLU module) or "dense".
  std::string linear_solver = "sparse_lu";
  double rtol = 1e-6;
  double atol = 1e-9;
  long max_steps = 200000;    ///< Per integration segment (between two events).
  double max_step_day = 0.0;  ///< 0: no limit.
  /// CVODE only: the Newton iteration stops when its correction is below this fraction of the
  /// local error tolerance (CVODE's default is 0.1; docs/solver.md explains 0.003).
  double newton_convergence = 0.003;
  /// CVODE only, not a scenario key: called after every internal step (tools/bench's step
  /// trace). Empty: CVODE takes its steps without returning between output times.
  std::function<void(const StepRecord&)> step_observer;
};

struct SolverStats {
  long steps = 0;
  long rhs_evaluations = 0;
  long jacobian_evaluations = 0;
  long error_test_failures = 0;
  long convergence_failures = 0;

  SolverStats& operator+=(const SolverStats& o) {
    steps += o.steps;
    rhs_evaluations += o.rhs_evaluations;
    jacobian_evaluations += o.jacobian_evaluations;
    error_test_failures += o.error_test_failures;
    convergence_failures += o.convergence_failures;
    return *this;
  }
};

/// A root function g(y); the integrator stops where g crosses zero in `direction`
/// (-1 falling, +1 rising, 0 both).
struct RootFunction {
  std::function<double(const double* y)> g;
  int direction = 0;
};

struct AdvanceResult {
  double t = 0.0;
  int root = -1;  ///< Index of the root function that stopped the integration, -1 if none.
};

/// Narrow integrator seam (SUNDIALS style): the caller integrates piecewise between events,
/// applies jumps to the state and restarts with reset(). Failures throw vct::Error(kNumerical)
/// with time, step size and the worst state named.
class Integrator {
 public:
  virtual ~Integrator() = default;
  /// Restart from (t0, y0); clears history, as after a bolus dose.
  virtual void reset(double t0, const std::vector<double>& y0) = 0;
  /// Integrate to t_target, or to the first root before it. With stop_exactly the solver never
  /// steps past t_target (required before a discontinuity such as a dose); otherwise it may step
  /// beyond and interpolate, which is how output times are reached.
  virtual AdvanceResult advance(double t_target, bool stop_exactly = true) = 0;
  virtual const std::vector<double>& state() const = 0;
  virtual double time() const = 0;
  /// Statistics accumulated since construction.
  virtual SolverStats stats() const = 0;
};

/// Builds the integrator named by options.method for one patient. `params` must outlive it.
std::unique_ptr<Integrator> make_integrator(const ModelDefinition& model, const double* params,
                                            const SolverOptions& options, std::vector<RootFunction> roots);

std::unique_ptr<Integrator> make_cvode_integrator(const ModelDefinition& model, const double* params,
                                                  const SolverOptions& options, std::vector<RootFunction> roots);
std::unique_ptr<Integrator> make_odeint_integrator(const ModelDefinition& model, const double* params,
                                                   const SolverOptions& options, std::vector<RootFunction> roots);

const std::vector<std::string>& solver_methods();

}  // namespace vct
