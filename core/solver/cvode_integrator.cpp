// SPDX-License-Identifier: MIT
// CVODE (SUNDIALS 6.x) BDF integrator with a sparse KLU or dense linear solver and the exact
// coloured-AD Jacobian of core/jacobian.hpp.
#include <cvode/cvode.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunlinsol/sunlinsol_klu.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <cmath>
#include <cstdlib>
#include <limits>
#include <sstream>

#include "core/error.hpp"
#include "core/jacobian.hpp"
#include "core/solver/integrator.hpp"
#include "core/solver/sparse_lu.hpp"
#include "core/solver/sundials_kernels.hpp"

namespace vct {
namespace {

class CvodeIntegrator final : public Integrator {
 public:
  CvodeIntegrator(const ModelDefinition& model, const double* params, const SolverOptions& options,
                  std::vector<RootFunction> roots)
      : model_(model),
        params_(params),
        options_(options),
        roots_(std::move(roots)),
        n_(model.n_states()),
        jacobian_(model),
        state_(static_cast<std::size_t>(n_), 0.0) {
    if (SUNContext_Create(nullptr, &ctx_) != 0) fail_setup("SUNContext_Create");
    y_ = N_VNew_Serial(n_, ctx_);
    if (y_) sundials_kernels::install(y_);
    if (options_.linear_solver == "sparse_lu" || options_.linear_solver == "klu") {
      sparse_ = true;
      matrix_ = SUNSparseMatrix(n_, n_, model.jacobian_pattern().n_nonzeros, CSC_MAT, ctx_);
      if (matrix_) sundials_kernels::install(matrix_);
      if (options_.linear_solver == "sparse_lu") {
        solver_ = make_static_pivot_sparse_lu(ctx_);
      } else {
        solver_ = SUNLinSol_KLU(y_, matrix_, ctx_);
        // AMD fills the NSCLC iteration matrix less than KLU's default COLAMD (1,323 vs 1,492
        // nonzeros in L+U) and the solves are a third of the time per step.
        if (solver_) SUNLinSol_KLUSetOrdering(solver_, 0);
      }
    } else if (options_.linear_solver == "dense") {
      matrix_ = SUNDenseMatrix(n_, n_, ctx_);
      solver_ = SUNLinSol_Dense(y_, matrix_, ctx_);
    } else {
      throw Error(ErrorKind::kInput,
                  "unknown linear solver '" + options_.linear_solver + "' (expected sparse_lu, klu or dense)");
    }
    mem_ = CVodeCreate(CV_BDF, ctx_);
    if (!y_ || !matrix_ || !solver_ || !mem_) fail_setup("CVODE allocation");
    CVodeSetErrHandlerFn(mem_, &CvodeIntegrator::error_handler, this);
    N_VConst(0.0, y_);
    if (CVodeInit(mem_, &CvodeIntegrator::rhs, 0.0, y_) != CV_SUCCESS) fail_setup("CVodeInit");
    if (CVodeSStolerances(mem_, options_.rtol, options_.atol) != CV_SUCCESS)
      fail_setup("CVodeSStolerances (rtol " + std::to_string(options_.rtol) + ", atol " +
                 std::to_string(options_.atol) + ")");
    CVodeSetUserData(mem_, this);
    CVodeSetLinearSolver(mem_, solver_, matrix_);
    CVodeSetJacFn(mem_, &CvodeIntegrator::jac);
    CVodeSetMaxNumSteps(mem_, options_.max_steps);
    CVodeSetMaxHnilWarns(mem_, -1);
    // The default Newton test (0.1 of the error tolerance) leaves iteration error in the fast
    // binding states that the local error test then mistakes for truncation error; a tighter test
    // halves the step count of a treated NSCLC patient (docs/performance.md).
    CVodeSetNonlinConvCoef(mem_, options_.newton_convergence);
    if (options_.max_step_day > 0.0) CVodeSetMaxStep(mem_, options_.max_step_day);
    if (!roots_.empty()) {
      CVodeRootInit(mem_, static_cast<int>(roots_.size()), &CvodeIntegrator::root);
      std::vector<int> directions;
      for (const auto& r : roots_) directions.push_back(r.direction);
      CVodeSetRootDirection(mem_, directions.data());
      CVodeSetNoInactiveRootWarn(mem_);
    }
  }

  ~CvodeIntegrator() override {
    if (mem_) CVodeFree(&mem_);
    if (solver_) SUNLinSolFree(solver_);
    if (matrix_) SUNMatDestroy(matrix_);
    if (y_) N_VDestroy(y_);
    if (ctx_) SUNContext_Free(&ctx_);
  }

  void reset(double t0, const std::vector<double>& y0) override {
    accumulate_stats();
    std::copy(y0.begin(), y0.end(), N_VGetArrayPointer(y_));
    // CVODE integrates in time since the restart: its first step is bounded below by ~100 unit
    // roundoffs of |t| (8.7e-12 day at day 392), too long for the 1e-20 day transient of a dose
    // into an eradicated, near-zero-volume lesion; counted from the restart the bound vanishes.
    t_origin_ = t0;
    if (CVodeReInit(mem_, 0.0, y_) != CV_SUCCESS) fail_setup("CVodeReInit at t = " + fmt(t0));
    t_ = t0;
    state_ = y0;
  }

  AdvanceResult advance(double t_stop, bool stop_exactly) override {
    AdvanceResult result;
    if (t_stop <= t_) {
      result.t = t_;
      return result;
    }
    // SUNDIALS 6.4 has no CVodeClearStopTime; a stop time far ahead disables it.
    CVodeSetStopTime(mem_, stop_exactly ? t_stop - t_origin_ : std::numeric_limits<double>::max());
    double t_reached = 0.0;
    last_error_.clear();
    const int flag = options_.step_observer ? step_and_observe(t_stop - t_origin_, &t_reached)
                                            : CVode(mem_, t_stop - t_origin_, y_, &t_reached, CV_NORMAL);
    const double* y = N_VGetArrayPointer(y_);
    std::copy(y, y + n_, state_.begin());
    // Report the requested time exactly when it was reached, not origin + (t_stop - origin).
    t_reached = (flag >= 0 && flag != CV_ROOT_RETURN) ? t_stop : t_origin_ + t_reached;
    t_ = t_reached;
    result.t = t_reached;
    if (flag == CV_ROOT_RETURN) {
      std::vector<int> info(roots_.size(), 0);
      CVodeGetRootInfo(mem_, info.data());
      for (std::size_t k = 0; k < info.size(); ++k)
        if (info[k] != 0) {
          result.root = static_cast<int>(k);
          break;
        }
      return result;
    }
    if (flag < 0) throw Error(ErrorKind::kNumerical, failure_message(flag, t_stop));
    return result;
  }

  const std::vector<double>& state() const override { return state_; }
  double time() const override { return t_; }

  SolverStats stats() const override {
    SolverStats s = accumulated_;
    s += current_stats();
    return s;
  }

 private:
  /// CV_NORMAL one step at a time: reports each step, then interpolates to tout as CV_NORMAL does.
  int step_and_observe(double tout, double* t_reached) {
    N_Vector ele = N_VClone(y_);
    N_Vector ewt = N_VClone(y_);
    int flag = CV_SUCCESS;
    double t_current = 0.0;
    CVodeGetCurrentTime(mem_, &t_current);
    // Already stepped past tout (an output time inside the last step): no new step, as CV_NORMAL.
    for (bool step = t_current < tout; step;) {
      flag = CVode(mem_, tout, y_, t_reached, CV_ONE_STEP);
      if (flag < 0) break;
      StepRecord record;
      record.t_day = t_origin_ + *t_reached;
      CVodeGetLastStep(mem_, &record.step_day);
      CVodeGetLastOrder(mem_, &record.order);
      if (CVodeGetEstLocalErrors(mem_, ele) == CV_SUCCESS && CVodeGetErrWeights(mem_, ewt) == CV_SUCCESS) {
        const double* e = N_VGetArrayPointer(ele);
        const double* w = N_VGetArrayPointer(ewt);
        for (int i = 0; i < n_; ++i)
          if (std::abs(e[i] * w[i]) > record.weighted_error) {
            record.weighted_error = std::abs(e[i] * w[i]);
            record.limiting_state = i;
          }
      }
      options_.step_observer(record);
      step = !(flag == CV_ROOT_RETURN || flag == CV_TSTOP_RETURN || *t_reached >= tout);
    }
    if (t_current >= tout) *t_reached = t_current;
    if (flag >= 0 && flag != CV_ROOT_RETURN && *t_reached > tout) {
      flag = CVodeGetDky(mem_, tout, 0, y_);
      *t_reached = tout;
    }
    N_VDestroy(ele);
    N_VDestroy(ewt);
    return flag;
  }

  static int rhs(double t, N_Vector y, N_Vector ydot, void* user_data) {
    auto* self = static_cast<CvodeIntegrator*>(user_data);
    const double* yy = N_VGetArrayPointer(y);
    double* f = N_VGetArrayPointer(ydot);
    self->model_.rhs(self->t_origin_ + t, yy, self->params_, f);
    for (int i = 0; i < self->n_; ++i)
      if (!std::isfinite(f[i])) return 1;  // recoverable: CVODE retries with a smaller step
    return 0;
  }

  static int jac(double t, N_Vector y, N_Vector /*fy*/, SUNMatrix J, void* user_data, N_Vector, N_Vector, N_Vector) {
    auto* self = static_cast<CvodeIntegrator*>(user_data);
    if (self->sparse_)
      self->jacobian_.evaluate_csc(self->t_origin_ + t, N_VGetArrayPointer(y), self->params_, SM_INDEXPTRS_S(J),
                                   SM_INDEXVALS_S(J), SM_DATA_S(J));
    else
      self->jacobian_.evaluate_dense(self->t_origin_ + t, N_VGetArrayPointer(y), self->params_, SM_DATA_D(J));
    return 0;
  }

  static int root(double /*t*/, N_Vector y, double* gout, void* user_data) {
    auto* self = static_cast<CvodeIntegrator*>(user_data);
    const double* yy = N_VGetArrayPointer(y);
    for (std::size_t k = 0; k < self->roots_.size(); ++k) gout[k] = self->roots_[k].g(yy);
    return 0;
  }

  static void error_handler(int, const char* module, const char* function, char* msg, void* user_data) {
    auto* self = static_cast<CvodeIntegrator*>(user_data);
    self->last_error_ = std::string(module) + "::" + function + ": " + msg;
  }

  SolverStats current_stats() const {
    SolverStats s;
    long v = 0;
    CVodeGetNumSteps(mem_, &v);
    s.steps = v;
    CVodeGetNumRhsEvals(mem_, &v);
    s.rhs_evaluations = v;
    CVodeGetNumJacEvals(mem_, &v);
    s.jacobian_evaluations = v;
    CVodeGetNumErrTestFails(mem_, &v);
    s.error_test_failures = v;
    CVodeGetNumNonlinSolvConvFails(mem_, &v);
    s.convergence_failures = v;
    return s;
  }

  void accumulate_stats() {
    if (initialised_) accumulated_ += current_stats();
    initialised_ = true;
  }

  /// CVODE's name of a return flag. SUNDIALS 6 returns a malloc'd copy the caller frees (it
  /// leaked on every failure, issue #19 F11); SUNDIALS 7 returns a static string.
  static std::string flag_name(int flag) {
#if SUNDIALS_VERSION_MAJOR < 7
    char* name = CVodeGetReturnFlagName(flag);
    std::string copy = name ? name : "?";
    free(name);  // NOLINT: allocated by SUNDIALS with malloc
    return copy;
#else
    return CVodeGetReturnFlagName(flag);
#endif
  }

  std::string failure_message(int flag, double t_stop) const {
    std::ostringstream out;
    double h = 0.0;
    CVodeGetCurrentStep(mem_, &h);
    out << "CVODE failed (flag " << flag << ", " << flag_name(flag) << ") at t = " << t_ << " day while integrating to "
        << t_stop << " day, step size " << h << " day";
    N_Vector ele = N_VClone(y_);
    N_Vector ewt = N_VClone(y_);
    if (CVodeGetEstLocalErrors(mem_, ele) == CV_SUCCESS && CVodeGetErrWeights(mem_, ewt) == CV_SUCCESS) {
      const double* e = N_VGetArrayPointer(ele);
      const double* w = N_VGetArrayPointer(ewt);
      int worst = 0;
      for (int i = 1; i < n_; ++i)
        if (std::abs(e[i] * w[i]) > std::abs(e[worst] * w[worst])) worst = i;
      const auto& info = model_.states()[static_cast<std::size_t>(worst)];
      out << "; largest weighted local error in " << info.name << " = " << state_[static_cast<std::size_t>(worst)]
          << " " << info.unit;
    }
    N_VDestroy(ele);
    N_VDestroy(ewt);
    if (!last_error_.empty()) out << " (" << last_error_ << ")";
    if (flag == CV_TOO_MUCH_WORK) out << "; raise solver.max_steps (now " << options_.max_steps << ")";
    return out.str();
  }

  [[noreturn]] void fail_setup(const std::string& what) const {
    throw Error(ErrorKind::kInternal, "CVODE set-up failed: " + what);
  }

  static std::string fmt(double v) {
    std::ostringstream out;
    out << v;
    return out.str();
  }

  const ModelDefinition& model_;
  const double* params_;
  SolverOptions options_;
  std::vector<RootFunction> roots_;
  int n_;
  JacobianEvaluator jacobian_;
  std::vector<double> state_;
  double t_ = 0.0;
  double t_origin_ = 0.0;  ///< absolute time of the last restart; CVODE's clock starts there
  bool initialised_ = false;
  bool sparse_ = false;
  SolverStats accumulated_;
  std::string last_error_;

  SUNContext ctx_ = nullptr;
  N_Vector y_ = nullptr;
  SUNMatrix matrix_ = nullptr;
  SUNLinearSolver solver_ = nullptr;
  void* mem_ = nullptr;
};

}  // namespace

std::unique_ptr<Integrator> make_cvode_integrator(const ModelDefinition& model, const double* params,
                                                  const SolverOptions& options, std::vector<RootFunction> roots) {
  return std::make_unique<CvodeIntegrator>(model, params, options, std::move(roots));
}

}  // namespace vct
