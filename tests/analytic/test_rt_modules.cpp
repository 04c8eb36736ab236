// SPDX-License-Identifier: MIT
// The immune modules of the RT model (issue #16; docs/models/radiotherapy.md) against hand
// arithmetic: the licensing signal and its IFN-I arm, the dose dependence and TREX1 factors of a
// fraction, T2 cells killing as T1 cells do, the PD-1-gated loss of new T2 cells, the
// lymphodepletion jump, checkpoint inhibitors alone priming no T2 cell, and the model ids that
// switch the modules.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/radiotherapy.hpp"
#include "core/simulation.hpp"
#include "models/qspio_nsclc/model.hpp"
#include "models/registry.hpp"
#include "tests/support/model_access.hpp"

namespace vct {
namespace {

using test_support::grown;
using test_support::idx;
using test_support::output;
using test_support::param;

TEST(ModuleIds, NameTheModulesSwitchedOnAndCheckTheirDependencies) {
  const auto& all = models::rt_module_names();
  // four RT modules (M1-M4), two anti-CTLA-4 modules (M5, M6), IL-7 recovery (M7), priming threshold (M8)
  ASSERT_EQ(all.size(), 8u);
  const auto& defaults = models::rt_default_module_names();
  ASSERT_EQ(defaults.size(), 8u);  // every module: il7_recovery and priming_threshold joined with recalibrations
  EXPECT_EQ(models::rt_model_id(1, defaults), "qspio_nsclc_rt");
  EXPECT_EQ(models::rt_model_id(1, all), "qspio_nsclc_rt");
  EXPECT_EQ(models::rt_model_id(1, {all.begin(), all.end() - 1}),
            "qspio_nsclc_rt{licensing,epitope_spreading,priming_checkpoint,lymphodepletion,treg_adcc,ctla4_priming,"
            "il7_recovery}");
  EXPECT_EQ(models::rt_model_id(2, {}), "qspio_nsclc_rt@2{}");
  EXPECT_EQ(models::rt_model_id(3, {"lymphodepletion", "licensing"}), "qspio_nsclc_rt@3{licensing,lymphodepletion}");
  int n = 0;
  std::vector<std::string> modules;
  ASSERT_TRUE(models::parse_rt_model_id("qspio_nsclc_rt@3{licensing,lymphodepletion}", n, modules));
  EXPECT_EQ(n, 3);
  EXPECT_EQ(modules, (std::vector<std::string>{"licensing", "lymphodepletion"}));
  ASSERT_TRUE(models::parse_rt_model_id("qspio_nsclc_rt", n, modules));
  EXPECT_EQ(modules, defaults);
  EXPECT_FALSE(models::parse_rt_model_id("qspio_nsclc", n, modules));
  try {
    models::rt_model_id(1, {"epitope_spreading"});
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "module epitope_spreading needs module licensing (licensed APCs prime the T2 family)");
  }
  EXPECT_THROW(models::rt_model_id(1, {"licensing", "priming_checkpoint"}), Error);
  try {
    models::rt_model_id(1, {"licensing", "priming_threshold"});
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "module priming_threshold needs module epitope_spreading (it acts on T2 priming)");
  }
  EXPECT_THROW(models::rt_model_id(1, {"licencing"}), Error);
  try {
    models::rt_model_id(1, {"licensing", "ctla4_priming"});
    FAIL() << "accepted";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "module ctla4_priming needs module epitope_spreading (CTLA-4 blockade acts on T2 priming)");
  }
  // Modules add states: per lesion IFN-I and TREX1 factor, T2, three CTLA-4 states per Treg;
  // systemic: seven T2 pools and three CTLA-4 states per peripheral Treg, and the IL-7 level and
  // its set point; the priming threshold adds none. 2 x 6 + 7 + 3 + 2 = 24.
  EXPECT_EQ(models::get_model("qspio_nsclc_rt@2").n_states(), models::get_model("qspio_nsclc_rt@2{}").n_states() + 24);
  EXPECT_EQ(models::get_model("qspio_nsclc_rt{treg_adcc}").n_states(),
            models::get_model("qspio_nsclc_rt{}").n_states() + 3 + 3);
}

TEST(Licensing, IsTheHillFunctionOfTheImmunogenicDeathRate) {
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt");
  std::vector<double> p = m.default_parameters();
  std::vector<double> y = grown(m, p);
  y[idx(m, "V_T.C1")] = 1e9;
  y[idx(m, "V_T.C_doomed_icd")] = 2e9;
  y[idx(m, "V_T.C_doomed")] = 1e9;
  y[idx(m, "V_T.IFN_I")] = 0.1;
  y[idx(m, "V_T.TREX1_factor")] = 0.5;
  // cells = 4e9 + 1; X = 0.35 x 2e9 / cells + 0.5 x 0.1 = 0.175 + 0.05 = 0.225 (per day)
  // L = 0.225^2 / (0.225^2 + 0.2^2) = 0.050625 / 0.090625 = 0.558621
  const double cells = 4e9 + 1.0;
  const double X = 0.35 * 2e9 / cells + 0.5 * 0.1;
  EXPECT_NEAR(X, 0.225, 1e-9);
  EXPECT_NEAR(output(m, p, y, "lesion1_licensing"), X * X / (X * X + 0.04), 1e-12);
  EXPECT_NEAR(output(m, p, y, "lesion1_licensing"), 0.558621, 1e-6);
  // One lesion: the systemic licensing is the lesion's.
  EXPECT_NEAR(output(m, p, y, "licensing_systemic"), 0.558621, 1e-6);
  // dI/dt = k_I (k_d (D_icd + D_non) / cells g - I) = 0.7 (0.35 x 3e9 / cells x 0.5 - 0.1) = 0.021875
  std::vector<double> dy(y.size());
  m.rhs(0.0, y.data(), p.data(), dy.data());
  EXPECT_NEAR(dy[idx(m, "V_T.IFN_I")], 0.7 * (0.35 * 3e9 / cells * 0.5 - 0.1), 1e-12);
  EXPECT_NEAR(dy[idx(m, "V_T.IFN_I")], 0.021875, 1e-8);
  EXPECT_EQ(dy[idx(m, "V_T.TREX1_factor")], 0.0);
  // Without doomed cells or IFN-I (checkpoint inhibitors alone) nothing licenses.
  y[idx(m, "V_T.C_doomed_icd")] = y[idx(m, "V_T.C_doomed")] = y[idx(m, "V_T.IFN_I")] = 0.0;
  EXPECT_EQ(output(m, p, y, "lesion1_licensing"), 0.0);
}

TEST(Licensing, FractionsSetTheDoseAndTrex1FactorsOfBothArms) {
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt");
  std::vector<double> p = m.default_parameters();
  std::vector<double> y(static_cast<std::size_t>(m.n_states()));
  m.initial_state(p.data(), y.data());
  y[idx(m, "V_T.C1")] = 1e9;
  const double alpha = param(m, p, "alpha_C_per_Gy"), beta = alpha / param(m, p, "alpha_beta_C_Gy");
  // h(d) = d^3 / (d^3 + 5^3): h(2) = 8/133, h(5) = 1/2, h(8) = 512/637, h(15) = 3375/3500, h(30) = 27000/27125.
  // TREX1 on the IFN-I arm: 1 to 12 Gy, 1 - (15 - 12)/6 x 0.7 = 0.65 at 15 Gy, 0.3 from 18 Gy.
  const struct {
    double dose, h, trex1;
  } cases[] = {{2.0, 8.0 / 133.0, 1.0},
               {5.0, 0.5, 1.0},
               {8.0, 512.0 / 637.0, 1.0},
               {15.0, 3375.0 / 3500.0, 0.65},
               {30.0, 27000.0 / 27125.0, 0.3}};
  for (const auto& c : cases) {
    std::vector<double> x = y;
    m.apply_radiation_fraction(c.dose, 0, p.data(), x.data());
    const double killed = 1e9 * (1.0 - std::exp(-alpha * c.dose - beta * c.dose * c.dose));
    EXPECT_NEAR(x[idx(m, "V_T.C_doomed_icd")], killed * 0.5 * c.h, 1e-6 * killed) << c.dose;
    EXPECT_NEAR(x[idx(m, "V_T.C_doomed_icd")] + x[idx(m, "V_T.C_doomed")], killed, 1e-6 * killed) << c.dose;
    EXPECT_NEAR(x[idx(m, "V_T.TREX1_factor")], c.h * c.trex1, 1e-12) << c.dose;
  }
}

TEST(EpitopeSpreading, T2CellsKillAsT1CellsDo) {
  // Moving effectors from T1 to T2 in a lesion leaves the cancer cells' derivative unchanged:
  // killing, suppression and exhaustion see T1 + T2.
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt");
  std::vector<double> p = m.default_parameters();
  std::vector<double> a = grown(m, p);
  const double t1 = a[idx(m, "V_T.T1")];
  std::vector<double> b = a;
  b[idx(m, "V_T.T1")] = 0.4 * t1;
  b[idx(m, "V_T.T2")] = 0.6 * t1;
  std::vector<double> da(a.size()), db(b.size());
  m.rhs(0.0, a.data(), p.data(), da.data());
  m.rhs(0.0, b.data(), p.data(), db.data());
  const std::size_t c1 = idx(m, "V_T.C1"), cx = idx(m, "V_T.C_x"), exh = idx(m, "V_T.T1_exh");
  EXPECT_NEAR(db[c1], da[c1], 1e-9 * std::abs(da[c1]));
  EXPECT_NEAR(db[cx], da[cx], 1e-9 * std::abs(da[cx]));
  // The dead/exhausted pool receives both families' losses: the same total.
  EXPECT_NEAR(db[exh], da[exh], 1e-6 * std::abs(da[exh]) + 1e-9);
  // T2 cells count in the lesion's volume like T1 cells.
  EXPECT_NEAR(output(m, p, b, "lesion1_volume_L"), output(m, p, a, "lesion1_volume_L"), 1e-15);
}

TEST(PrimingCheckpoint, LosesNewT2CellsAtTheRateGatedByPd1) {
  // The same state in the model with and without the priming checkpoint (no state differs):
  // d(aT2)/dt differs by k_loss H_PD1_APC aT2.
  const ModelDefinition& with = models::get_model("qspio_nsclc_rt{licensing,epitope_spreading,priming_checkpoint}");
  const ModelDefinition& without = models::get_model("qspio_nsclc_rt{licensing,epitope_spreading}");
  ASSERT_EQ(with.n_states(), without.n_states());
  std::vector<double> p = with.default_parameters();
  std::vector<double> y = grown(with, p);
  y[idx(with, "V_LN.aT2")] = 1e5;
  std::vector<double> d1(y.size()), d0(y.size());
  with.rhs(0.0, y.data(), p.data(), d1.data());
  without.rhs(0.0, y.data(), p.data(), d0.data());
  const double h = output(with, p, y, "H_PD1_APC");
  EXPECT_GT(h, 0.5);  // PD-1 engaged without blockade
  const std::size_t a = idx(with, "V_LN.aT2");
  EXPECT_NEAR(d0[a] - d1[a], 0.3 * h * 1e5, 1e-9 * 0.3 * 1e5);
}

TEST(EpitopeSpreading, T2EffectorsDieAtTheCd8RateTimesFT2Death) {
  // f_T2_death scales only the death of the T2 effectors: with 10^6 of them in the lesion and in
  // blood, d/dt of each differs between f = 1 and f = 0.3 by k_T1_death (1 - 0.3) 10^6
  // = 0.01 x 0.7 x 10^6 = 7000 cells/day, and no other derivative changes.
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt{licensing,epitope_spreading}");
  std::vector<double> p = m.default_parameters();
  ASSERT_EQ(param(m, p, "f_T2_death"), 1.0);
  ASSERT_EQ(param(m, p, "k_T1_death_per_day"), 0.01);
  std::vector<double> y = grown(m, p);
  const std::size_t lesion = idx(m, "V_T.T2"), blood = idx(m, "V_C.T2");
  y[lesion] = 1e6;
  y[blood] = 1e6;
  std::vector<double> d1(y.size()), d03(y.size());
  m.rhs(0.0, y.data(), p.data(), d1.data());
  param(m, p, "f_T2_death") = 0.3;
  m.rhs(0.0, y.data(), p.data(), d03.data());
  EXPECT_NEAR(d03[lesion] - d1[lesion], 7000.0, 1e-6);
  EXPECT_NEAR(d03[blood] - d1[blood], 7000.0, 1e-6);
  for (std::size_t i = 0; i < y.size(); ++i) {
    if (i != lesion && i != blood && i != idx(m, "V_T.T1_exh") && i != idx(m, "V_LN.T2") && i != idx(m, "V_P.T2")) {
      EXPECT_EQ(d03[i], d1[i]) << m.states()[i].name;
    }
  }
}

TEST(PrimingThreshold, ScalesT2ActivationByTheHillFunctionOfTheLicensing) {
  // The same state in the model with and without the threshold (M8 adds no state): no T2 cell is
  // activated yet, so d(aT2)/dt is the activation alone and the two differ by F(L).
  const ModelDefinition& with =
      models::get_model("qspio_nsclc_rt{licensing,epitope_spreading,priming_checkpoint,priming_threshold}");
  const ModelDefinition& without = models::get_model("qspio_nsclc_rt{licensing,epitope_spreading,priming_checkpoint}");
  ASSERT_EQ(with.n_states(), without.n_states());
  std::vector<double> p = with.default_parameters();
  std::vector<double> y = grown(with, p);
  const std::size_t a = idx(with, "V_LN.aT2");
  ASSERT_EQ(y[a], 0.0);
  std::vector<double> d1(y.size()), d0(y.size());
  auto ratio = [&] {
    with.rhs(0.0, y.data(), p.data(), d1.data());
    without.rhs(0.0, y.data(), p.data(), d0.data());
    EXPECT_GT(d0[a], 0.0);
    return d1[a] / d0[a];
  };
  // Strong licensing, the state of Licensing.IsTheHillFunctionOfTheImmunogenicDeathRate: L = 0.558621;
  // L^2 = 0.312057, L^4 = 0.097380; F = 0.097380 / (0.097380 + 0.2^4 = 0.0016) = 0.983836
  y[idx(with, "V_T.C1")] = 1e9;
  y[idx(with, "V_T.C_doomed_icd")] = 2e9;
  y[idx(with, "V_T.C_doomed")] = 1e9;
  y[idx(with, "V_T.IFN_I")] = 0.1;
  const double L = output(with, p, y, "licensing_systemic");
  ASSERT_NEAR(L, 0.558621, 1e-6);
  EXPECT_NEAR(ratio(), std::pow(L, 4) / (std::pow(L, 4) + 0.0016), 1e-12);
  EXPECT_NEAR(ratio(), 0.983836, 1e-6);
  // Weak licensing, as after 3 Gy fractions: X = 0.35 x 0.1e9 / 4e9 + 0.5 x 0.02 = 0.01875 per day,
  // L = 0.01875^2 / (0.01875^2 + 0.04) = 0.000351563 / 0.0403516 = 0.00871249;
  // F = L^4 / (L^4 + 0.0016) = 5.7617e-9 / 0.0016 = 3.6011e-6: the threshold primes almost nothing.
  y[idx(with, "V_T.C1")] = 3.9e9;
  y[idx(with, "V_T.C_doomed_icd")] = 0.1e9;
  y[idx(with, "V_T.C_doomed")] = 0.0;
  y[idx(with, "V_T.IFN_I")] = 0.02;
  ASSERT_NEAR(output(with, p, y, "licensing_systemic"), 0.00871249, 1e-8);
  EXPECT_NEAR(ratio(), 3.6011e-6, 1e-9);
}

TEST(PrimingThreshold, KeepsAblativeFractionsPrimingAndStopsThreeGyFractions) {
  // Two lesions, SBRT 4 x 12.5 Gy or 15 x 3 Gy (weekdays) to the primary, nivolumab from day 0:
  // the T2 effectors in blood at day 60 with the threshold, relative to without it. The ablative
  // course licenses far above K (kept), the 3 Gy course near 0.09 (F = 0.036, lost).
  const ModelDefinition& with = models::get_model("qspio_nsclc_rt@2");
  const ModelDefinition& without = models::get_model(
      "qspio_nsclc_rt@2{licensing,epitope_spreading,priming_checkpoint,lymphodepletion,treg_adcc,ctla4_priming,"
      "il7_recovery}");
  auto t2_at_day_60 = [&](const ModelDefinition& m, double dose, int fractions, FractionSchedule schedule) {
    std::vector<double> p = m.default_parameters();
    param(m, p, "lesion2_initial_diameter_cm") = 2.5;
    param(m, p, "initial_tumour_diameter_cm") = 4.0;
    RadiotherapyCourse course;
    course.dose_per_fraction_Gy = dose;
    course.fractions = fractions;
    course.schedule = schedule;
    course.lesions = {0};
    const std::vector<DoseRegimen> niv = {{"nivolumab", 240.0, 0.0, 0.0, 14.0, 5}};
    apply_drug_parameters(m, niv, p);
    const TreatmentPlan plan = make_treatment_plan(m, niv, {course}, 80.0, 60.0, 1.0, p);
    const PatientRun r = simulate_patient(m, p, InitialisationOptions{}, plan, SolverOptions{});
    EXPECT_EQ(r.status, PatientStatus::kOk);
    return r.trajectory.states[60 * static_cast<std::size_t>(m.n_states()) + idx(m, "V_C.T2")];
  };
  const double sbrt =
      t2_at_day_60(with, 12.5, 4, FractionSchedule::kDaily) / t2_at_day_60(without, 12.5, 4, FractionSchedule::kDaily);
  const double conventional = t2_at_day_60(with, 3.0, 15, FractionSchedule::kWeekdays) /
                              t2_at_day_60(without, 3.0, 15, FractionSchedule::kWeekdays);
  EXPECT_GT(sbrt, 0.5);
  EXPECT_LT(conventional, 0.1);
}

TEST(Lymphodepletion, FractionsKillTheRecirculatingPoolAndInFieldNodes) {
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt");
  std::vector<double> p = m.default_parameters();
  const std::vector<double> y = grown(m, p);
  RadiationFraction f;
  f.dose_Gy = 2.0;
  f.circulating_dose_Gy = 1.0;
  f.lymph_node_dose_Gy = 2.0;
  std::vector<double> x = y;
  m.apply_radiation_fraction(f, p.data(), x.data());
  // Blood and periphery x exp(-0.17 x 1) = 0.843665; LN x exp(-0.347 x 2) = 0.499574.
  const double s_blood = std::exp(-param(m, p, "alpha_L_per_Gy") * 1.0);
  const double s_node = std::exp(-param(m, p, "alpha_T_per_Gy") * 2.0);
  EXPECT_NEAR(s_blood, 0.843665, 1e-6);
  EXPECT_NEAR(s_node, 0.499574, 1e-6);
  for (const char* s : {"V_C.nT1", "V_P.nT1", "V_C.nT0", "V_P.nT0", "V_C.T1", "V_P.T1", "V_C.Th", "V_P.T0", "V_C.nT2"})
    EXPECT_NEAR(x[idx(m, s)], y[idx(m, s)] * s_blood, 1e-12 * y[idx(m, s)]) << s;
  for (const char* s : {"V_LN.nT1", "V_LN.aT1", "V_LN.T1", "V_LN.T0", "V_LN.nT2"})
    EXPECT_NEAR(x[idx(m, s)], y[idx(m, s)] * s_node, 1e-12 * y[idx(m, s)]) << s;
  // Blood lymphocytes fall by the blood factor (effector and naive pools alike).
  EXPECT_NEAR(output(m, p, x, "blood_lymphocytes_per_L"), s_blood * output(m, p, y, "blood_lymphocytes_per_L"),
              1e-9 * output(m, p, y, "blood_lymphocytes_per_L"));
  // A session's circulating dose counts once, on the first lesion a course treats that day.
  RadiotherapyCourse c;
  c.dose_per_fraction_Gy = 8.0;
  c.fractions = 3;
  c.lesions = {0, 1};
  c.edic_Gy = 3.0;
  c.lymph_node_in_field = true;
  const auto fractions = expand_radiotherapy({c}, 100.0);
  ASSERT_EQ(fractions.size(), 6u);
  EXPECT_DOUBLE_EQ(fractions[0].circulating_dose_Gy, 1.0);  // 3 Gy EDIC / 3 fractions
  EXPECT_DOUBLE_EQ(fractions[1].circulating_dose_Gy, 0.0);
  EXPECT_DOUBLE_EQ(fractions[0].lymph_node_dose_Gy, 8.0);
  EXPECT_DOUBLE_EQ(fractions[1].lymph_node_dose_Gy, 0.0);
}

TEST(EpitopeSpreading, CheckpointInhibitorsAlonePrimeNoT2Cell) {
  // Nivolumab without radiation: licensing stays 0, so not one T2 cell is primed, and the
  // lesions follow the model without modules to solver tolerance.
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt@2");
  const ModelDefinition& off = models::get_model("qspio_nsclc_rt@2{}");
  std::vector<double> p = m.default_parameters(), q = off.default_parameters();
  param(m, p, "lesion2_initial_diameter_cm") = param(off, q, "lesion2_initial_diameter_cm") = 2.0;
  const std::vector<DoseRegimen> niv = {{"nivolumab", 240.0, 0.0, 0.0, 14.0, 8}};
  apply_drug_parameters(m, niv, p);
  apply_drug_parameters(off, niv, q);
  const TreatmentPlan plan_on = make_treatment_plan(m, niv, {}, 80.0, 112.0, 1.0, p);
  const TreatmentPlan plan_off = make_treatment_plan(off, niv, {}, 80.0, 112.0, 1.0, q);
  const PatientRun a = simulate_patient(m, p, InitialisationOptions{}, plan_on, SolverOptions{});
  const PatientRun b = simulate_patient(off, q, InitialisationOptions{}, plan_off, SolverOptions{});
  ASSERT_EQ(a.status, PatientStatus::kOk);
  ASSERT_EQ(b.status, PatientStatus::kOk);
  const std::size_t ns = static_cast<std::size_t>(m.n_states());
  for (std::size_t t = 0; t < a.trajectory.time_day.size(); ++t) {
    for (const char* s : {"V_LN.aT2", "V_C.T2", "V_T.T2", "V_T2.T2"})
      EXPECT_EQ(a.trajectory.states[t * ns + idx(m, s)], 0.0) << s << " day " << t;
  }
  const std::size_t na = m.outputs().size(), nb = off.outputs().size();
  const std::size_t da = static_cast<std::size_t>(m.output_index("tumour_diameter_cm"));
  const std::size_t db = static_cast<std::size_t>(off.output_index("tumour_diameter_cm"));
  for (std::size_t t = 0; t < a.trajectory.time_day.size(); ++t)
    EXPECT_NEAR(a.trajectory.outputs[t * na + da], b.trajectory.outputs[t * nb + db],
                2e-5 * b.trajectory.outputs[t * nb + db])
        << "day " << t;
}

TEST(EpitopeSpreading, ConcurrentBlockadeKeepsMoreOfTheT2Wave) {
  // SBRT 3 x 8 Gy to the primary; nivolumab from day 0 (concurrent) or day 11 (sequential): the
  // priming checkpoint loses fewer new T2 cells under blockade, so more T2 effectors reach blood.
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt@2");
  std::vector<double> p = m.default_parameters();
  param(m, p, "lesion2_initial_diameter_cm") = 2.0;
  RadiotherapyCourse sbrt;
  sbrt.dose_per_fraction_Gy = 8.0;
  sbrt.fractions = 3;
  sbrt.schedule = FractionSchedule::kAlternate;
  sbrt.lesions = {0};
  auto t2_blood_at_day_28 = [&](double ici_start) {
    DoseRegimen niv;
    niv.drug = "nivolumab";
    niv.dose_mg = 240.0;
    niv.start_day = ici_start;
    niv.interval_day = 14.0;
    niv.n_doses = 6;
    std::vector<double> q = p;
    apply_drug_parameters(m, {niv}, q);
    const TreatmentPlan plan = make_treatment_plan(m, {niv}, {sbrt}, 80.0, 28.0, 1.0, q);
    const PatientRun r = simulate_patient(m, q, InitialisationOptions{}, plan, SolverOptions{});
    EXPECT_EQ(r.status, PatientStatus::kOk);
    return r.trajectory.states[28 * static_cast<std::size_t>(m.n_states()) + idx(m, "V_C.T2")];
  };
  const double concurrent = t2_blood_at_day_28(0.0), sequential = t2_blood_at_day_28(11.0);
  EXPECT_GT(sequential, 0.0);
  EXPECT_GT(concurrent, 1.2 * sequential);
}

}  // namespace
}  // namespace vct
