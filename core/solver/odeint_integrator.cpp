// SPDX-License-Identifier: MIT
// Boost.Odeint rosenbrock4 (4th-order L-stable Rosenbrock, dense output) behind the Integrator
// seam. It factorises a dense uBLAS LU on every step, so it is the cross-check path, not the
// fast one (docs/solver.md). Roots are located by bisection on the dense output.
#include <boost/numeric/odeint.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4.hpp>
#include <boost/numeric/odeint/stepper/rosenbrock4_dense_output.hpp>

#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "core/jacobian.hpp"
#include "core/solver/integrator.hpp"

namespace vct {
namespace {

namespace odeint = boost::numeric::odeint;
using UVector = boost::numeric::ublas::vector<double>;
using UMatrix = boost::numeric::ublas::matrix<double>;

class OdeintIntegrator final : public Integrator {
 public:
  OdeintIntegrator(const ModelDefinition& model, const double* params, const SolverOptions& options,
                   std::vector<RootFunction> roots)
      : model_(model),
        params_(params),
        options_(options),
        roots_(std::move(roots)),
        n_(model.n_states()),
        jacobian_(model),
        jac_buffer_(static_cast<std::size_t>(n_) * static_cast<std::size_t>(n_)),
        stepper_(odeint::make_dense_output(options.atol, options.rtol, odeint::rosenbrock4<double>())),
        x_(static_cast<std::size_t>(n_)),
        state_(static_cast<std::size_t>(n_), 0.0) {
    if (options.step_observer)
      throw Error(ErrorKind::kInput, "a step trace is available for the cvode_bdf solver only, not odeint_rosenbrock4");
  }

  void reset(double t0, const std::vector<double>& y0) override {
    std::copy(y0.begin(), y0.end(), x_.begin());
    t_ = t0;
    state_ = y0;
    started_ = false;
  }

  AdvanceResult advance(double t_stop, bool stop_exactly) override {
    AdvanceResult result;
    result.t = t_;
    if (t_stop <= t_) return result;
    if (!started_) {
      const double dt0 = std::min(1e-6, t_stop - t_);
      stepper_.initialize(x_, t_, dt0);
      started_ = true;
    }
    std::vector<double> g_prev = root_values(x_);
    UVector x_probe(static_cast<std::size_t>(n_));
    long steps_this_segment = 0;
    auto system = std::make_pair(Rhs{this}, Jac{this});
    while (stepper_.current_time() < t_stop) {
      if (++steps_this_segment > options_.max_steps) {
        std::ostringstream out;
        out << "odeint rosenbrock4 exceeded solver.max_steps (" << options_.max_steps
            << ") at t = " << stepper_.current_time() << " day, step size " << stepper_.current_time_step() << " day";
        throw Error(ErrorKind::kNumerical, out.str());
      }
      const double t_before = stepper_.current_time();
      if (options_.max_step_day > 0.0 && stepper_.current_time_step() > options_.max_step_day)
        stepper_.initialize(stepper_.current_state(), t_before, options_.max_step_day);
      stepper_.do_step(system);
      ++stats_.steps;
      const double t_after = std::min(stepper_.current_time(), t_stop);
      if (!std::isfinite(stepper_.current_time_step()) || stepper_.current_time_step() < 1e-14) {
        std::ostringstream out;
        out << "odeint rosenbrock4 step size collapsed to " << stepper_.current_time_step()
            << " day at t = " << t_before << " day";
        throw Error(ErrorKind::kNumerical, out.str());
      }
      stepper_.calc_state(t_after, x_probe);
      const std::vector<double> g_now = root_values(x_probe);
      const int k = crossed(g_prev, g_now);
      if (k >= 0) {
        double lo = t_before, hi = t_after;
        for (int it = 0; it < 200 && hi - lo > 1e-12 * std::max(1.0, std::abs(hi)); ++it) {
          const double mid = 0.5 * (lo + hi);
          stepper_.calc_state(mid, x_probe);
          const double gm = roots_[static_cast<std::size_t>(k)].g(&x_probe[0]);
          if (same_side(g_prev[static_cast<std::size_t>(k)], gm))
            lo = mid;
          else
            hi = mid;
        }
        stepper_.calc_state(hi, x_);
        finish_at(hi);
        result.t = hi;
        result.root = k;
        started_ = false;  // continue from the root with a fresh start
        return result;
      }
      g_prev = g_now;
    }
    stepper_.calc_state(t_stop, x_);
    finish_at(t_stop);
    // Always restart here: a root beyond t_stop inside the last step would otherwise be missed.
    (void)stop_exactly;
    started_ = false;
    result.t = t_stop;
    return result;
  }

  const std::vector<double>& state() const override { return state_; }
  double time() const override { return t_; }
  SolverStats stats() const override { return stats_; }

 private:
  struct Rhs {
    OdeintIntegrator* self;
    void operator()(const UVector& x, UVector& dxdt, double t) const {
      ++self->stats_.rhs_evaluations;
      self->model_.rhs(t, &x[0], self->params_, &dxdt[0]);
    }
  };
  struct Jac {
    OdeintIntegrator* self;
    void operator()(const UVector& x, UMatrix& J, const double& t, UVector& dfdt) const {
      ++self->stats_.jacobian_evaluations;
      self->jacobian_.evaluate_dense(t, &x[0], self->params_, self->jac_buffer_.data());
      const std::size_t n = static_cast<std::size_t>(self->n_);
      for (std::size_t j = 0; j < n; ++j)
        for (std::size_t i = 0; i < n; ++i) J(i, j) = self->jac_buffer_[j * n + i];
      // Models are autonomous between events.
      for (std::size_t i = 0; i < n; ++i) dfdt[i] = 0.0;
    }
  };

  std::vector<double> root_values(const UVector& x) const {
    std::vector<double> g;
    g.reserve(roots_.size());
    for (const auto& r : roots_) g.push_back(r.g(&x[0]));
    return g;
  }

  static bool same_side(double a, double b) { return (a < 0.0) == (b < 0.0); }

  int crossed(const std::vector<double>& before, const std::vector<double>& after) const {
    for (std::size_t k = 0; k < roots_.size(); ++k) {
      if (same_side(before[k], after[k])) continue;
      const int dir = after[k] > before[k] ? 1 : -1;
      if (roots_[k].direction == 0 || roots_[k].direction == dir) return static_cast<int>(k);
    }
    return -1;
  }

  void finish_at(double t) {
    t_ = t;
    std::copy(x_.begin(), x_.end(), state_.begin());
  }

  const ModelDefinition& model_;
  const double* params_;
  SolverOptions options_;
  std::vector<RootFunction> roots_;
  int n_;
  JacobianEvaluator jacobian_;
  std::vector<double> jac_buffer_;
  odeint::rosenbrock4_dense_output<odeint::rosenbrock4_controller<odeint::rosenbrock4<double>>> stepper_;
  UVector x_;
  std::vector<double> state_;
  double t_ = 0.0;
  bool started_ = false;
  SolverStats stats_;
};

}  // namespace

std::unique_ptr<Integrator> make_odeint_integrator(const ModelDefinition& model, const double* params,
                                                   const SolverOptions& options, std::vector<RootFunction> roots) {
  return std::make_unique<OdeintIntegrator>(model, params, options, std::move(roots));
}

}  // namespace vct
