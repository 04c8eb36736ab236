// SPDX-License-Identifier: MIT
// The IL-7 recovery module (M7, il7_recovery.hpp; docs/models/radiotherapy.md) against hand
// arithmetic: its set point is the naive pool at the treatment start, so an undepleted patient's
// right-hand side is the model without it bit for bit; a halved pool raises IL-7 towards
// 1/(phi + (1 - phi)/2) and naive proliferation by it to the power gamma; gamma 0 is the module
// off; and after liver SBRT it brings blood lymphocytes back faster, the more so the larger gamma.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "models/registry.hpp"
#include "tests/support/model_access.hpp"  // also core/simulation.hpp, core/radiotherapy.hpp

namespace vct {
namespace {

namespace ts = test_support;
using ts::grown, ts::idx, ts::output, ts::param;

constexpr const char* kWith = "qspio_nsclc_rt{lymphodepletion,il7_recovery}";
constexpr const char* kWithout = "qspio_nsclc_rt{lymphodepletion}";
const char* const kNaive[] = {"V_C.nT1", "V_P.nT1", "V_LN.nT1", "V_C.nT0", "V_P.nT0", "V_LN.nT0"};

/// The module-off model's state: the module's model state without its two states.
std::vector<double> without_set_point(const ModelDefinition& on, const ModelDefinition& off,
                                      const std::vector<double>& y) {
  std::vector<double> x(static_cast<std::size_t>(off.n_states()));
  for (int i = 0; i < off.n_states(); ++i) x[static_cast<std::size_t>(i)] = y[idx(on, off.states()[i].name)];
  return x;
}

TEST(Il7Recovery, SetPointIsTheNaivePoolAtTreatmentStartSoNothingChangesThere) {
  const ModelDefinition& on = models::get_model(kWith);
  const ModelDefinition& off = models::get_model(kWithout);
  const std::vector<double> p = on.default_parameters(), q = off.default_parameters();
  const std::vector<double> y = grown(on, p);
  // N0 = naive CD8 (blood + periphery + LN per clone) x 1.11e6 + naive CD4 x 1.16e6.
  double naive = 0.0;
  for (int k = 0; k < 6; ++k) naive += y[idx(on, kNaive[k])] * (k < 3 ? 1.11e6 : 1.16e6);
  EXPECT_DOUBLE_EQ(y[idx(on, "V_P.N0_IL7")], naive);
  EXPECT_DOUBLE_EQ(output(on, p, y, "naive_T_cells"), naive);
  EXPECT_EQ(output(on, p, y, "IL7_relative"), 1.0);
  // Growth was untouched (the set point is 0 until the treatment start, IL-7 held at 1): the grown
  // states equal the module-off model's to solver tolerance (the module's two states enter the
  // solver's error norm, so the steps differ), and at the same state the right-hand sides are
  // equal bit for bit, with dI/dt = 2/day x (1 - 1 x (0.8 + 0.2 x 1)) = 0.
  const std::vector<double> grown_off = grown(off, q);
  for (int i = 0; i < off.n_states(); ++i) {
    const double a = y[idx(on, off.states()[i].name)], b = grown_off[static_cast<std::size_t>(i)];
    EXPECT_NEAR(a, b, 1e-4 * std::abs(b) + 1e-12) << off.states()[i].name;
  }
  const std::vector<double> x = without_set_point(on, off, y);
  std::vector<double> dy(static_cast<std::size_t>(on.n_states())), dx(static_cast<std::size_t>(off.n_states()));
  on.rhs(0.0, y.data(), p.data(), dy.data());
  off.rhs(0.0, x.data(), q.data(), dx.data());
  for (int i = 0; i < off.n_states(); ++i)
    EXPECT_EQ(dy[idx(on, off.states()[i].name)], dx[static_cast<std::size_t>(i)]) << off.states()[i].name;
  EXPECT_EQ(dy[idx(on, "V_P.N0_IL7")], 0.0);
  EXPECT_EQ(dy[idx(on, "V_P.IL7")], 0.0);
}

TEST(Il7Recovery, HalvedNaivePoolDrivesProliferationByTheIl7LevelToThePowerGamma) {
  const ModelDefinition& on = models::get_model(kWith);
  const ModelDefinition& off = models::get_model(kWithout);
  const std::vector<double> p = on.default_parameters(), q = off.default_parameters();
  std::vector<double> y = grown(on, p);
  for (const char* s : kNaive) y[idx(on, s)] *= 0.5;
  std::vector<double> dy(static_cast<std::size_t>(on.n_states())), dx(static_cast<std::size_t>(off.n_states()));
  // Still at I = 1, IL-7 rises at k (1 - I (phi + (1 - phi) N/N0)) = 2 x (1 - (0.8 + 0.2 x 0.5)) = 0.2 /day
  // towards its new level 1 / (0.8 + 0.2 x 0.5) = 1/0.9 = 1.1111.
  on.rhs(0.0, y.data(), p.data(), dy.data());
  EXPECT_NEAR(dy[idx(on, "V_P.IL7")], 0.2, 1e-12);
  // There, dI/dt = 0 and proliferation is driven by 1.1111^5 = 1.6935.
  const double level = 1.0 / 0.9, drive = std::pow(level, 5.0);
  y[idx(on, "V_P.IL7")] = level;
  EXPECT_NEAR(drive, 1.693509, 1e-6);
  const std::vector<double> x = without_set_point(on, off, y);
  on.rhs(0.0, y.data(), p.data(), dy.data());
  off.rhs(0.0, x.data(), q.data(), dx.data());
  EXPECT_NEAR(dy[idx(on, "V_P.IL7")], 0.0, 1e-12);
  // Periphery and LN naive pools gain homeostatic proliferation x (drive - 1):
  // k_pro/div x n/(K_pro/div + n), k_pro 3.2e8 cell/day, K_pro 1e9 cells.
  for (const auto& [state, div] : {std::pair{"V_P.nT1", 1.11e6}, {"V_LN.nT1", 1.11e6}, {"V_P.nT0", 1.16e6}}) {
    const double n = y[idx(on, state)];
    const double pro = 3.2e8 / div * n / (1e9 / div + n);
    EXPECT_NEAR(dy[idx(on, state)] - dx[idx(off, state)], pro * (drive - 1.0), 1e-9 * pro) << state;
  }
  // Blood naive cells have no homeostatic proliferation: unchanged.
  EXPECT_EQ(dy[idx(on, "V_C.nT1")], dx[idx(off, "V_C.nT1")]);
}

/// Blood lymphocytes (fraction of day 0): lowest over days 0-30 and at day 365 after liver SBRT
/// 45 Gy / 5 fx (EDIC 4.05 Gy).
std::pair<double, double> after_liver_sbrt(const ModelDefinition& m, double gamma) {
  std::vector<double> p = m.default_parameters();
  if (m.parameter_index("gamma_IL7") >= 0) param(m, p, "gamma_IL7") = gamma;
  RadiotherapyCourse c;
  c.dose_per_fraction_Gy = 9.0;
  c.fractions = 5;
  c.lesions = {0};
  c.edic_Gy = 4.05;
  const TreatmentPlan plan = make_treatment_plan(m, {}, {c}, 70.0, 365.0, 1.0, p);
  const PatientRun r = simulate_patient(m, p, InitialisationOptions{}, plan, SolverOptions{});
  EXPECT_EQ(r.status, PatientStatus::kOk);
  const std::size_t no = m.outputs().size(), k = static_cast<std::size_t>(m.output_index("blood_lymphocytes_per_L"));
  const double base = r.trajectory.outputs[k];
  double lowest = 1.0;
  for (std::size_t d = 0; d <= 30; ++d) lowest = std::min(lowest, r.trajectory.outputs[d * no + k] / base);
  return {lowest, r.trajectory.outputs[365 * no + k] / base};
}

TEST(Il7Recovery, GammaZeroIsTheModuleOffAndLargerGammaRecoversFaster) {
  const ModelDefinition& on = models::get_model(kWith);
  const ModelDefinition& off = models::get_model(kWithout);
  const auto [nadir_off, year_off] = after_liver_sbrt(off, 0.0);
  const auto [nadir_0, year_0] = after_liver_sbrt(on, 0.0);
  // (IL-7)^0 = 1 exactly; the set point state changes only the solver's steps.
  EXPECT_NEAR(nadir_0, nadir_off, 1e-5);
  EXPECT_NEAR(year_0, year_off, 1e-5);
  // Five fractions of 0.81 Gy to circulating cells leave exp(-0.17 x 4.05) = 0.50 of blood and
  // periphery; the lymph node's share (not in the field) refills blood, so the lowest is a little higher.
  EXPECT_GT(nadir_off, 0.5);
  EXPECT_LT(nadir_off, 0.65);
  double previous = year_off;
  for (double gamma : {5.0, 10.0, 20.0}) {
    const auto [nadir, year] = after_liver_sbrt(on, gamma);
    EXPECT_GT(year, previous) << "gamma " << gamma;
    EXPECT_GE(nadir, nadir_off - 1e-5) << "gamma " << gamma;  // recovery starts during the course
    previous = year;
  }
}

}  // namespace
}  // namespace vct
