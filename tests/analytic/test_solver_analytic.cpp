// SPDX-License-Identifier: MIT
// Solver oracles: a test-only logistic-growth model with a closed-form solution, a threshold
// event whose crossing time is known analytically, and agreement of every solver back end.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/simulation.hpp"
#include "core/tabulated_model.hpp"

namespace vct {
namespace {

/// dC/dt = r C (1 - C/K) - k_kill C; state 1 is a decoupled exponential decay dA/dt = -k A.
class LogisticModel final : public TabulatedModel {
 public:
  LogisticModel() : TabulatedModel("logistic", "logistic test model") {
    parameters_ = {{"r_per_day", "1/day", 0.2, 0, 10, "growth", "test"},
                   {"K_cell", "cell", 1e6, 1, 1e12, "capacity", "test"},
                   {"k_per_day", "1/day", 0.3, 0, 10, "decay", "test"},
                   {"V_C_L", "L", 2.0, 0, 10, "volume", "test"}};
    states_ = {{"C", "cell", "T", "cells"}, {"A", "nM", "C", "drug"}};
    outputs_ = {{"tumour_diameter_cm", "cm", "dummy"}, {"cancer_cells", "cell", "C"}};
    drug_slots_ = {{"slot", "target", "A", "V_C_L"}};
    drugs_ = {{"testdrug", "slot", 1.5e8, {}, "test"}};
    events_ = {{"eradication", "C", 0.5, 0.01}};
  }
  void initial_state(const double*, double* y) const override {
    y[0] = 10.0;
    y[1] = 0.0;
  }
  template <class T>
  void eval(const T* y, const double* p, T* dy) const {
    dy[0] = p[0] * y[0] * (1.0 - y[0] / p[1]);
    dy[1] = -p[2] * y[1];
  }
  void rhs(double, const double* y, const double* p, double* dy) const override { eval(y, p, dy); }
  void rhs(double, const Dual* y, const double* p, Dual* dy) const override { eval(y, p, dy); }
  void compute_outputs(double, const double* y, const double*, double* out) const override {
    out[0] = 0.0;
    out[1] = y[0];
  }
  double tumour_volume_L(const double* y, const double*) const override { return y[0] * 1e-6; }
};

double logistic(double t, double c0, double r, double K) { return K / (1.0 + (K / c0 - 1.0) * std::exp(-r * t)); }

class SolverBackends : public ::testing::TestWithParam<std::pair<std::string, std::string>> {};

TEST_P(SolverBackends, LogisticGrowthMatchesClosedForm) {
  LogisticModel model;
  const auto p = model.default_parameters();
  SolverOptions options;
  options.method = GetParam().first;
  options.linear_solver = GetParam().second;
  options.rtol = 1e-9;
  options.atol = 1e-12;
  TreatmentPlan plan;
  plan.horizon_day = 60.0;
  plan.output_interval_day = 5.0;
  InitialisationOptions init;
  init.mode = InitialisationMode::kModelDefault;
  const PatientRun run = simulate_patient(model, p, init, plan, options);
  ASSERT_EQ(run.status, PatientStatus::kOk) << run.message;
  for (std::size_t k = 0; k < run.trajectory.time_day.size(); ++k) {
    const double t = run.trajectory.time_day[k];
    const double expected = logistic(t, 10.0, 0.2, 1e6);
    EXPECT_NEAR(run.trajectory.states[2 * k], expected, 1e-7 * expected) << "t = " << t;
  }
}

TEST_P(SolverBackends, BolusDosesGiveSumOfExponentials) {
  // Two boluses of testdrug (30 mg at day 0 and 10) into V_C = 2 L, first-order decay k = 0.3/day.
  LogisticModel model;
  const auto p = model.default_parameters();
  SolverOptions options;
  options.method = GetParam().first;
  options.linear_solver = GetParam().second;
  options.rtol = 1e-10;
  options.atol = 1e-14;
  TreatmentPlan plan;
  plan.horizon_day = 20.0;
  plan.output_interval_day = 1.0;
  plan.doses = expand_schedule(model, {{"testdrug", 30.0, 0.0, 0.0, 10.0, 2}}, 70.0, 20.0, p);
  ASSERT_EQ(plan.doses.size(), 2u);
  InitialisationOptions init;
  init.mode = InitialisationMode::kModelDefault;
  const PatientRun run = simulate_patient(model, p, init, plan, options);
  ASSERT_EQ(run.status, PatientStatus::kOk) << run.message;
  const double c_dose = 30.0 / 1.5e8 * 1e9 / 2.0;  // nM
  for (std::size_t k = 0; k < run.trajectory.time_day.size(); ++k) {
    const double t = run.trajectory.time_day[k];
    double expected = c_dose * std::exp(-0.3 * t);
    if (t >= 10.0) expected += c_dose * std::exp(-0.3 * (t - 10.0));  // output at t = 10 is post-dose
    EXPECT_NEAR(run.trajectory.states[2 * k + 1], expected, 1e-7 * c_dose) << "t = " << t;
  }
}

TEST_P(SolverBackends, ThresholdEventFiresAtAnalyticTimeAndResets) {
  // With r = 0 and k_kill via negative growth: C(t) = 10 exp(-0.5 t) crosses 0.5 at ln(20)/0.5.
  LogisticModel model;
  auto p = model.default_parameters();
  p[0] = -0.5;
  p[1] = 1e30;  // make the logistic term negligible: pure exponential decay
  SolverOptions options;
  options.method = GetParam().first;
  options.linear_solver = GetParam().second;
  options.rtol = 1e-10;
  options.atol = 1e-12;
  TreatmentPlan plan;
  plan.horizon_day = 10.0;
  InitialisationOptions init;
  init.mode = InitialisationMode::kModelDefault;
  const PatientRun run = simulate_patient(model, p, init, plan, options);
  ASSERT_EQ(run.status, PatientStatus::kOk) << run.message;
  ASSERT_EQ(run.events.size(), 1u);
  EXPECT_EQ(run.events[0].kind, "eradication");
  EXPECT_NEAR(run.events[0].time_day, std::log(20.0) / 0.5, 1e-6);
  // After the reset to 0.01 the decay continues from 0.01.
  const double t_event = std::log(20.0) / 0.5;
  EXPECT_NEAR(run.trajectory.states[2 * 10], 0.01 * std::exp(-0.5 * (10.0 - t_event)), 1e-9);
}

INSTANTIATE_TEST_SUITE_P(AllBackends, SolverBackends,
                         ::testing::Values(std::make_pair(std::string("cvode_bdf"), std::string("sparse_lu")),
                                           std::make_pair(std::string("cvode_bdf"), std::string("klu")),
                                           std::make_pair(std::string("cvode_bdf"), std::string("dense")),
                                           std::make_pair(std::string("odeint_rosenbrock4"), std::string("klu"))),
                         [](const auto& p) { return p.param.first + "_" + p.param.second; });

TEST(Solver, GrowToDiameterStopsExactlyAtTarget) {
  LogisticModel model;
  const auto p = model.default_parameters();
  // tumour_volume_L = C * 1e-6 L; 1 cm diameter = pi/6 mL = 5.236e-4 L -> C = 523.6 cells.
  SolverOptions options;
  options.rtol = 1e-10;
  options.atol = 1e-12;
  const InitialisationResult ic = grow_to_diameter(model, p, 1.0, 1000.0, options);
  ASSERT_TRUE(ic.reached);
  const double target_cells = 3.14159265358979 / 6.0 * 1e-3 / 1e-6;
  EXPECT_NEAR(ic.state[0], target_cells, 1e-6 * target_cells);
  const double t_expected = -std::log((1e6 / target_cells - 1.0) / (1e6 / 10.0 - 1.0)) / 0.2;
  EXPECT_NEAR(ic.growth_time_day, t_expected, 1e-7);
}

TEST(Solver, StepLimitBecomesPatientStatusNotACrash) {
  LogisticModel model;
  const auto p = model.default_parameters();
  SolverOptions options;
  options.max_steps = 10;
  TreatmentPlan plan;
  plan.horizon_day = 400.0;
  InitialisationOptions init;
  init.mode = InitialisationMode::kModelDefault;
  const PatientRun run = simulate_patient(model, p, init, plan, options);
  EXPECT_EQ(run.status, PatientStatus::kSolverFailure);
  EXPECT_NE(run.message.find("raise solver.max_steps (now 10)"), std::string::npos) << run.message;
  EXPECT_NE(run.message.find("at t = "), std::string::npos) << run.message;
  EXPECT_FALSE(run.trajectory.time_day.empty());  // rows computed before the failure are kept
}

/// dA/dt = k (B - A), dB/dt = -0.01 B: A follows B with a time constant of 1e-20 day, as the
/// antibody in an eradicated lesion follows plasma after a dose.
class FastRelaxationModel final : public TabulatedModel {
 public:
  FastRelaxationModel() : TabulatedModel("fast_relaxation", "fast relaxation test model") {
    parameters_ = {{"k_per_day", "1/day", 1e20, 0, 1e30, "relaxation rate", "test"}};
    states_ = {{"A", "nM", "C", "fast follower"}, {"B", "nM", "C", "slow decay"}};
    outputs_ = {{"tumour_diameter_cm", "cm", "dummy"}};
  }
  void initial_state(const double*, double* y) const override { y[0] = y[1] = 0.0; }
  template <class T>
  void eval(const T* y, const double* p, T* dy) const {
    dy[0] = p[0] * (y[1] - y[0]);
    dy[1] = -0.01 * y[1];
  }
  void rhs(double, const double* y, const double* p, double* dy) const override { eval(y, p, dy); }
  void rhs(double, const Dual* y, const double* p, Dual* dy) const override { eval(y, p, dy); }
  void compute_outputs(double, const double*, const double*, double* out) const override { out[0] = 0.0; }
  double tumour_volume_L(const double*, const double*) const override { return 1e-3; }
};

// CVODE's first step after a restart is bounded below by ~100 unit roundoffs of |t| (8.7e-12 day
// at day 392); seven error-test failures cannot shrink that to the 1e-20 day the transient needs.
// The integrator counts CVODE's time from the restart, so day 392 behaves like day 0.
TEST(Solver, RestartLateInTheRunResolvesTransientsFasterThanItsClock) {
  FastRelaxationModel model;
  const auto p = model.default_parameters();
  auto integrator = make_integrator(model, p.data(), SolverOptions{}, {});
  integrator->reset(392.0, {100.0, 200.0});
  const AdvanceResult r = integrator->advance(393.0);
  EXPECT_DOUBLE_EQ(r.t, 393.0);
  EXPECT_DOUBLE_EQ(integrator->time(), 393.0);
  const double b = 200.0 * std::exp(-0.01);
  EXPECT_NEAR(integrator->state()[1], b, 1e-5 * b);
  EXPECT_NEAR(integrator->state()[0], b, 1e-5 * b);
}

TEST(Solver, UnknownMethodIsAnInputError) {
  LogisticModel model;
  const auto p = model.default_parameters();
  SolverOptions options;
  options.method = "euler";
  try {
    make_integrator(model, p.data(), options, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_STREQ(e.what(), "unknown solver method 'euler' (expected cvode_bdf or odeint_rosenbrock4)");
  }
}

}  // namespace
TEST(Solver, StepTraceReportsEveryStepWithoutChangingTheSolution) {
  // The bolus problem above, with and without the step observer: the traced run must take the same
  // steps (CV_ONE_STEP with interpolation to the output times, as CV_NORMAL does) and report each.
  LogisticModel model;
  const auto p = model.default_parameters();
  TreatmentPlan plan;
  plan.horizon_day = 20.0;
  plan.output_interval_day = 1.0;
  plan.doses = expand_schedule(model, {{"testdrug", 30.0, 0.0, 0.0, 10.0, 2}}, 70.0, 20.0, p);
  InitialisationOptions init;
  init.mode = InitialisationMode::kModelDefault;
  SolverOptions options;
  options.rtol = 1e-8;
  options.atol = 1e-12;
  const PatientRun plain = simulate_patient(model, p, init, plan, options);
  std::vector<StepRecord> steps;
  options.step_observer = [&steps](const StepRecord& r) { steps.push_back(r); };
  const PatientRun traced = simulate_patient(model, p, init, plan, options);
  ASSERT_EQ(plain.status, PatientStatus::kOk) << plain.message;
  ASSERT_EQ(traced.status, PatientStatus::kOk) << traced.message;
  EXPECT_EQ(traced.stats.steps, plain.stats.steps);
  EXPECT_EQ(static_cast<long>(steps.size()), traced.stats.steps + traced.initialisation.stats.steps);
  ASSERT_EQ(traced.trajectory.states.size(), plain.trajectory.states.size());
  for (std::size_t k = 0; k < plain.trajectory.states.size(); ++k)
    EXPECT_EQ(traced.trajectory.states[k], plain.trajectory.states[k]) << "entry " << k;
  double last_t = 0.0;
  bool restarted = false;
  for (const auto& r : steps) {
    EXPECT_GT(r.step_day, 0.0);
    EXPECT_GE(r.order, 1);
    EXPECT_LE(r.order, 5);
    EXPECT_GE(r.limiting_state, 0);
    EXPECT_LT(r.limiting_state, 2);
    // An accepted step has a root-mean-square weighted error of at most 1, so no single state's
    // exceeds sqrt(n) = sqrt(2).
    EXPECT_LE(r.weighted_error, std::sqrt(2.0));
    if (r.t_day > 10.0 && last_t <= 10.0) restarted = r.order == 1;  // the second dose restarts BDF
    last_t = r.t_day;
  }
  EXPECT_TRUE(restarted);
  EXPECT_GE(last_t, 20.0);  // the last step reaches the horizon (it may step past and interpolate)
}

TEST(Solver, StepTraceIsAnInputErrorForOdeint) {
  LogisticModel model;
  const auto p = model.default_parameters();
  SolverOptions options;
  options.method = "odeint_rosenbrock4";
  options.step_observer = [](const StepRecord&) {};
  try {
    make_integrator(model, p.data(), options, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_STREQ(e.what(), "a step trace is available for the cvode_bdf solver only, not odeint_rosenbrock4");
  }
}

}  // namespace vct
