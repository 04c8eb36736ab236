// SPDX-License-Identifier: MIT
// The worked example of docs/adding-a-model.md, compiled: a two-state model (cancer cells with
// logistic growth, an antibody that kills them) written the way a model folder is, then grown to
// its baseline diameter and treated through the engine like any registered model. If this file
// changes, the guide's snippets change with it.
#include <gtest/gtest.h>

#include <cmath>

#include "core/geometry.hpp"
#include "core/simulation.hpp"
#include "core/tabulated_model.hpp"
#include "core/units.hpp"
#include "models/common/modules.hpp"

namespace vct {
namespace {

using namespace vct::units;

// --- models/toy_ici/parameters.inc: the table, once ---------------------------------------------
// clang-format off
#define TOY_PARAMETERS(X)                                                                              \
  X(k_growth_per_day, "1/day", 0.05, 0, 10, "logistic growth rate", "assumed")                        \
  X(C_max_cell, "cell", 1e11, 1, kInf, "carrying capacity", "assumed")                                 \
  X(k_kill_per_day, "1/day", 0.2, 0, 10, "maximal antibody-driven kill", "assumed")                    \
  X(EC50_nM, "nM", 10, 1e-6, kInf, "antibody for half-maximal kill", "assumed")                        \
  X(k_cl_per_day, "1/day", 0.05, 0, 10, "antibody elimination", "assumed")                             \
  X(V_C_L, "L", 5, 0.1, 50, "central volume", "assumed")                                               \
  X(vol_cell_L, "L/cell", 2.5e-12, 0, kInf, "cancer cell volume", "assumed")                           \
  X(initial_tumour_diameter_cm, "cm", 2.0, 0.05, 30, "pre-treatment diameter", "scenario input")
// clang-format on

namespace par {
#define X_ENUM(name, unit, value, lo, hi, desc, src) name,
enum : int { TOY_PARAMETERS(X_ENUM) kCount };
#undef X_ENUM
}  // namespace par
namespace st {
enum : int { C, A, kCount };
}  // namespace st
enum Out : int { kVolume, kDiameter, kCells, kOutCount };

// --- models/toy_ici/equations: the right-hand side, once, for double and Dual -------------------
template <class T>
void toy_rhs(const T* y, const double* p, T* dy) {
  const T C = models::positive_part(y[st::C]);
  const T kill = p[par::k_kill_per_day] * models::michaelis(y[st::A], p[par::EC50_nM]) * C;
  dy[st::C] = p[par::k_growth_per_day] * C * (1.0 - C / p[par::C_max_cell]) - kill;
  dy[st::A] = -p[par::k_cl_per_day] * y[st::A];
}

// --- models/toy_ici/model.cpp: the class with its tables ----------------------------------------
class ToyIciModel final : public TabulatedModel {
 public:
  ToyIciModel() : TabulatedModel("toy_ici", "toy tumour with a killing antibody (docs/adding-a-model.md)") {
#define X_PARAM(name, unit, value, lo, hi, desc, src) parameters_.push_back({#name, unit, value, lo, hi, desc, src});
    TOY_PARAMETERS(X_PARAM)
#undef X_PARAM
    states_ = {{"V_T.C", "cell", "V_T", "cancer cells"}, {"V_C.A", "nM", "V_C", "antibody, blood"}};
    outputs_ = {{"tumour_volume_L", "L", "C x vol_cell"},
                {"tumour_diameter_cm", "cm", "diameter of the equivalent sphere"},
                {"cancer_cells", "cell", "C"}};
    drug_slots_ = {{"aPD1", "PD-1", "V_C.A", "V_C_L"}};
    drugs_ = {{"toymab", "aPD1", 1.46e8, {{"k_cl_per_day", 0.04}}, "example"}};
    events_ = {{"tumour_eradication", "V_T.C", 0.5, 0.0}};
  }
  void initial_state(const double*, double* y) const override {
    y[st::C] = 1.0;  // one cancer cell; grow_to_diameter takes it to the baseline
    y[st::A] = 0.0;
  }
  void rhs(double, const double* y, const double* p, double* dy) const override { toy_rhs(y, p, dy); }
  void rhs(double, const Dual* y, const double* p, Dual* dy) const override { toy_rhs(y, p, dy); }
  void compute_outputs(double, const double* y, const double* p, double* out) const override {
    out[kVolume] = tumour_volume_L(y, p);
    out[kDiameter] = sphere_diameter_cm(out[kVolume]);
    out[kCells] = y[st::C];
  }
  double tumour_volume_L(const double* y, const double* p) const override {
    return std::max(y[st::C], 0.0) * p[par::vol_cell_L];
  }
};

TEST(AddingAModel, TheWorkedExampleResolvesItsTablesByConventionalNames) {
  const ToyIciModel m;
  EXPECT_EQ(m.resolved().initial_diameter_parameter, par::initial_tumour_diameter_cm);
  EXPECT_EQ(m.resolved().diameter_output, kDiameter);
  EXPECT_EQ(m.resolved().event_states, std::vector<int>{st::C});
  EXPECT_EQ(m.resolved().drugs[0].pk_parameters, std::vector<int>{par::k_cl_per_day});
}

TEST(AddingAModel, TheWorkedExampleGrowsToItsDiameterAtTheLogisticTime) {
  const ToyIciModel m;
  const std::vector<double> p = m.default_parameters();
  const InitialisationResult ic = grow_to_diameter(m, p, 2.0, 8000.0, SolverOptions{});
  ASSERT_TRUE(ic.reached);
  // N cells fill a 2 cm sphere: pi/6 * 8 cm^3 = 4.18879 mL = 4.18879e-3 L / 2.5e-12 L = 1.67552e9.
  // Logistic time from 1 cell: t = ln(N (K - 1) / (K - N)) / r = ln(1.67552e9 * 1.017041) / 0.05
  //                                                             = 21.25628 / 0.05 = 425.13 days.
  const double N = sphere_volume_L(2.0) / 2.5e-12;
  const double t = std::log(N * (1e11 - 1.0) / (1e11 - N)) / 0.05;
  EXPECT_NEAR(t, 425.13, 0.01);
  EXPECT_NEAR(ic.growth_time_day, t, 1e-3 * t);
  EXPECT_NEAR(ic.state[st::C], N, 1e-6 * N);
}

TEST(AddingAModel, ItsDrugShrinksTheTumourThroughTheEngine) {
  const ToyIciModel m;
  std::vector<double> p = m.default_parameters();
  const InitialisationResult ic = grow_to_diameter(m, p, 2.0, 8000.0, SolverOptions{});
  DoseRegimen toymab;
  toymab.drug = "toymab";
  toymab.dose_mg = 1000.0;  // 1000 mg / 1.46e8 mg/mol / 5 L = 1.370 uM = 1370 nM >> EC50
  toymab.interval_day = 14.0;
  toymab.n_doses = 5;
  apply_drug_parameters(m, {toymab}, p);
  EXPECT_DOUBLE_EQ(p[par::k_cl_per_day], 0.04);  // the drug's PK replaced the slot's default
  const TreatmentPlan plan = make_treatment_plan(m, {toymab}, {}, 80.0, 56.0, 1.0, p);
  const PatientRun run = simulate_treatment(m, p, ic.state, plan, SolverOptions{});
  ASSERT_EQ(run.status, PatientStatus::kOk);
  EXPECT_NEAR(run.trajectory.states[st::A], 1000.0 / 1.46e8 * 1e9 / 5.0, 1e-9);  // post-dose row at t = 0
  // Net rate about 0.05 - 0.2 * 0.99 = -0.148 /day while the antibody is high: shrinks by day 56.
  const double last = run.trajectory.outputs[(run.trajectory.time_day.size() - 1) * kOutCount + kDiameter];
  EXPECT_LT(last, 0.5 * 2.0);
}

}  // namespace
}  // namespace vct
