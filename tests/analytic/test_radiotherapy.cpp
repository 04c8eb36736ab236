// SPDX-License-Identifier: MIT
// Radiotherapy against hand-computed values: LQ survival, BED/EQD2, fraction days, the fraction
// jump of the RT model (cell kill into the doomed pools, TREX1 attenuation, lymphocyte kill),
// conservation of cells through the doomed pools, event timing, zero-dose RT, and the equivalence
// of the RT and multi-lesion models with the reference model where they must agree.
#include <gtest/gtest.h>

#include <cmath>
#include <memory>

#include "core/coupling.hpp"
#include "core/dose_map.hpp"
#include "core/error.hpp"
#include "core/radiotherapy.hpp"
#include "core/simulation.hpp"
#include "models/registry.hpp"
#include "tests/support/model_access.hpp"

namespace vct {
namespace {

using test_support::idx;
using test_support::param;

/// The RT model without the immune modules of issue #16 (their tests: test_rt_modules.cpp).
const ModelDefinition& rt_model() { return models::get_model("qspio_nsclc_rt{}"); }

TEST(LinearQuadratic, SurvivalMatchesHandValues) {
  EXPECT_NEAR(lq_survival(2.0, 0.3, 0.03), std::exp(-0.72), 1e-15);  // 0.486752...
  EXPECT_NEAR(lq_survival(2.0, 0.3, 0.03), 0.4867522559599, 1e-12);
  EXPECT_DOUBLE_EQ(lq_survival(0.0, 0.3, 0.03), 1.0);
  EXPECT_NEAR(lq_survival(8.0, 0.146, 0.0146), std::exp(-1.168 - 0.9344), 1e-15);
}

TEST(LinearQuadratic, BedAndEqd2MatchHandValues) {
  EXPECT_DOUBLE_EQ(bed_Gy(30, 2.0, 10.0), 72.0);
  EXPECT_DOUBLE_EQ(eqd2_Gy(30, 2.0, 10.0), 60.0);  // 2-Gy fractions are their own EQD2
  EXPECT_NEAR(bed_Gy(3, 8.0, 10.0), 43.2, 1e-12);
  EXPECT_NEAR(eqd2_Gy(3, 8.0, 10.0), 36.0, 1e-12);
  EXPECT_NEAR(bed_Gy(1, 30.0, 10.0), 120.0, 1e-12);
  EXPECT_NEAR(eqd2_Gy(1, 30.0, 10.0), 100.0, 1e-12);
  EXPECT_NEAR(bed_Gy(5, 7.0, 3.0), 35.0 * (1.0 + 7.0 / 3.0), 1e-12);  // late tissue, 116.67 Gy
  EXPECT_NEAR(eqd2_Gy(5, 7.0, 3.0), 70.0, 1e-12);
}

TEST(FractionDays, SchedulesExpandAsDocumented) {
  RadiotherapyCourse c;
  c.fractions = 7;
  c.start_day = 3;
  c.schedule = FractionSchedule::kWeekdays;
  EXPECT_EQ(c.fraction_days(), (std::vector<double>{3, 4, 5, 6, 7, 10, 11}));
  c.schedule = FractionSchedule::kDaily;
  c.fractions = 3;
  EXPECT_EQ(c.fraction_days(), (std::vector<double>{3, 4, 5}));
  c.schedule = FractionSchedule::kAlternate;
  EXPECT_EQ(c.fraction_days(), (std::vector<double>{3, 5, 7}));
  c.schedule = FractionSchedule::kExplicit;
  c.days = {0, 7, 21};
  EXPECT_EQ(c.fraction_days(), (std::vector<double>{3, 10, 24}));
  c.lesions = {0, 1};
  const auto f = expand_radiotherapy({c}, 20.0);  // the day-24 fraction is past the horizon
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[1].time_day, 3.0);
  EXPECT_EQ(f[1].lesion, 1);
  EXPECT_EQ(f[3].time_day, 10.0);
}

/// A grown treatment-start state of the RT model (one lesion) with default parameters.
std::vector<double> grown_state(const ModelDefinition& m, const std::vector<double>& p) {
  const InitialisationResult ic = grow_to_diameter(m, p, 3.0, 8000.0, SolverOptions{});
  EXPECT_TRUE(ic.reached);
  return ic.state;
}

TEST(RadiationFraction, KillsByLqIntoDoomedPoolsWithTrex1Attenuation) {
  const ModelDefinition& m = rt_model();
  std::vector<double> p = m.default_parameters();
  std::vector<double> y(static_cast<std::size_t>(m.n_states()));
  m.initial_state(p.data(), y.data());
  const std::size_t C1 = idx(m, "V_T.C1"), Di = idx(m, "V_T.C_doomed_icd"), Dn = idx(m, "V_T.C_doomed"),
                    T1 = idx(m, "V_T.T1"), T1x = idx(m, "V_T.T1_exh"), R = idx(m, "V_T.RT_signal");
  y[C1] = 1e9;
  y[T1] = 1e7;
  const double alpha = param(m, p, "alpha_C_per_Gy"), beta = alpha / param(m, p, "alpha_beta_C_Gy");
  const double f = param(m, p, "f_immunogenic");
  for (double dose : {2.0, 8.0, 15.0, 20.0}) {
    std::vector<double> x = y;
    m.apply_radiation_fraction(dose, 0, p.data(), x.data());
    const double killed = 1e9 * (1.0 - std::exp(-alpha * dose - beta * dose * dose));
    EXPECT_NEAR(x[C1], 1e9 - killed, 1e-6) << dose;
    EXPECT_NEAR(x[Di] + x[Dn], killed, 1e-6) << dose;  // no cell lost or created
    // TREX1: full immunogenicity up to 12 Gy, linear to 10 % at 18 Gy and above.
    const double trex = dose <= 12.0 ? 1.0 : dose >= 18.0 ? 0.1 : 1.0 - (dose - 12.0) / 6.0 * 0.9;
    EXPECT_NEAR(x[Di], killed * f * trex, 1e-6 * killed) << dose;
    const double t_killed = 1e7 * (1.0 - std::exp(-param(m, p, "alpha_T_per_Gy") * dose));
    EXPECT_NEAR(x[T1], 1e7 - t_killed, 1e-6) << dose;
    EXPECT_NEAR(x[T1x] - y[T1x], t_killed, 1e-6) << dose;
    EXPECT_DOUBLE_EQ(x[R], dose);
    EXPECT_EQ(x[idx(m, "V_C.T1")], y[idx(m, "V_C.T1")]);  // no blood dose by default
  }
  param(m, p, "trex1_enabled") = 0.0;
  std::vector<double> x = y;
  m.apply_radiation_fraction(20.0, 0, p.data(), x.data());
  EXPECT_NEAR(x[Di] / (x[Di] + x[Dn]), f, 1e-12);
  param(m, p, "blood_dose_per_fraction_Gy") = 0.5;
  y[idx(m, "V_C.T1")] = 1e6;
  x = y;
  m.apply_radiation_fraction(2.0, 0, p.data(), x.data());
  EXPECT_NEAR(x[idx(m, "V_C.T1")], 1e6 * std::exp(-param(m, p, "alpha_T_per_Gy") * 0.5), 1e-6);
}

TEST(DoseMaps, HistogramsHoldTheirVolumesByHand) {
  DoseMap uniform;
  const auto one = dose_volume_histogram(uniform, 12.0);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].volume_fraction, 1.0);
  EXPECT_EQ(one[0].relative_dose, 1.0);
  // partial, no fall-off: 30 % of the volume at 1, the rest at 0.1
  DoseMap partial;
  partial.kind = DoseMapKind::kPartial;
  partial.periphery_relative = 0.1;
  auto bins = dose_volume_histogram(partial, 10.0);
  ASSERT_EQ(bins.size(), 2u);
  EXPECT_NEAR(bins[0].relative_dose, 0.1, 1e-15);
  EXPECT_NEAR(bins[0].volume_fraction, 0.7, 1e-12);
  EXPECT_NEAR(bins[1].volume_fraction, 0.3, 1e-12);
  // a 5-mm fall-off on a 10-mm lesion: the target stays 0.3; the mean dose is
  // 0.3 + int_rt^1 (1 - 0.9 (r - rt) / 0.5) 3 r^2 dr, rt = 0.3^(1/3) = 0.66943 (periphery never reached)
  partial.falloff_mm = 5.0;
  bins = dose_volume_histogram(partial, 10.0);
  double mean = 0.0, total = 0.0;
  for (const auto& b : bins) {
    mean += b.volume_fraction * b.relative_dose;
    total += b.volume_fraction;
  }
  const double rt = std::cbrt(0.3);
  double exact = 0.3;
  for (int i = 0; i < 100000; ++i) {  // fine midpoint rule
    const double r = rt + (1.0 - rt) * (i + 0.5) / 100000.0;
    exact += (1.0 - 0.9 * (r - rt) / 0.5) * 3.0 * r * r * (1.0 - rt) / 100000.0;
  }
  EXPECT_NEAR(total, 1.0, 1e-12);
  EXPECT_NEAR(mean, exact, 1e-4);
  // lattice: only the central vertex (radius 5 mm) inside a 20-mm lesion: (5/20)^3 = 0.015625 at 1
  DoseMap lattice;
  lattice.kind = DoseMapKind::kLattice;
  lattice.spacing_mm = 50.0;
  lattice.valley_relative = 0.2;
  bins = dose_volume_histogram(lattice, 20.0);
  ASSERT_EQ(bins.size(), 2u);
  EXPECT_NEAR(bins[1].volume_fraction, 0.015625, 0.05 * 0.015625);  // sampled on 64^3 points
  EXPECT_NEAR(bins[0].relative_dose, 0.2, 1e-12);
}

TEST(DoseMaps, KindsGiveTheirRelativeDoseByPosition) {
  DoseMap partial;
  partial.kind = DoseMapKind::kPartial;
  partial.periphery_relative = 0.2;
  partial.falloff_mm = 2.0;
  // R 10 mm: target radius 6.694; at 8 mm, 1 + (0.2 - 1) (8 - 6.694) / 2 = 0.4775
  EXPECT_DOUBLE_EQ(partial.relative_dose_at({5.0, 0.0, 0.0}, 10.0), 1.0);
  EXPECT_NEAR(partial.relative_dose_at({0.0, 8.0, 0.0}, 10.0), 1.0 - 0.8 * (8.0 - 10.0 * std::cbrt(0.3)) / 2.0, 1e-12);
  EXPECT_DOUBLE_EQ(partial.relative_dose_at({0.0, 0.0, 9.5}, 10.0), 0.2);
  EXPECT_DOUBLE_EQ(partial.relative_dose_at({0.0, 0.0, 10.5}, 10.0), 0.0);  // outside the lesion
  DoseMap lattice;
  lattice.kind = DoseMapKind::kLattice;
  lattice.valley_relative = 3.0 / 18.0;  // Amendola 2019: 18 Gy vertices, 3 Gy between
  lattice.falloff_mm = 4.0;
  EXPECT_DOUBLE_EQ(lattice.relative_dose_at({30.0, 0.0, 4.0}, 40.0), 1.0);  // 4 mm from the vertex at (30, 0, 0)
  EXPECT_NEAR(lattice.relative_dose_at({7.0, 0.0, 0.0}, 40.0), 1.0 - (1.0 - 3.0 / 18.0) * 2.0 / 4.0, 1e-15);
  EXPECT_DOUBLE_EQ(lattice.relative_dose_at({15.0, 15.0, 0.0}, 40.0), 3.0 / 18.0);  // between vertices
  DoseMap file;
  file.kind = DoseMapKind::kGrid;
  file.grid = {2, 2, 1, {-1.0, -1.0, 0.0}, 2.0, {0.1, 0.2, 0.3, 0.4}};
  EXPECT_DOUBLE_EQ(file.relative_dose_at({0.9, -1.2, 0.3}, 5.0), 0.2);  // nearest point (1, 0, 0)
  EXPECT_DOUBLE_EQ(file.relative_dose_at({-1.0, 1.0, 0.0}, 5.0), 0.3);
  EXPECT_DOUBLE_EQ(file.relative_dose_at({4.0, 0.0, 0.0}, 5.0), 0.0);  // off the grid
}

TEST(DoseMaps, PlanningMarginExtendsTheDoseBeyondTheSurfaceAndLeavesTheHistogramAlone) {
  DoseMap uniform;
  uniform.margin_mm = 5.0;
  // R 10 mm, margin 5 mm: 1 out to r = 15 mm, 0 beyond
  EXPECT_DOUBLE_EQ(uniform.relative_dose_at({0.0, 12.0, 0.0}, 10.0), 1.0);
  EXPECT_DOUBLE_EQ(uniform.relative_dose_at({9.0, 12.0, 0.0}, 10.0), 1.0);  // r = 15 exactly
  EXPECT_DOUBLE_EQ(uniform.relative_dose_at({0.0, 15.01, 0.0}, 10.0), 0.0);
  EXPECT_DOUBLE_EQ(DoseMap{}.relative_dose_at({0.0, 10.01, 0.0}, 10.0), 0.0);  // no margin: 0 beyond R
  // partial: the margin gets the periphery's dose (the target's edge at 6.694 mm + 2 mm fall-off < 12)
  DoseMap partial;
  partial.kind = DoseMapKind::kPartial;
  partial.periphery_relative = 0.2;
  partial.falloff_mm = 2.0;
  partial.margin_mm = 3.0;
  EXPECT_DOUBLE_EQ(partial.relative_dose_at({0.0, 0.0, 12.0}, 10.0), 0.2);
  EXPECT_DOUBLE_EQ(partial.relative_dose_at({0.0, 0.0, 13.5}, 10.0), 0.0);
  // the histogram covers the lesion only: bin for bin the same with and without the margin
  DoseMap lattice;
  lattice.kind = DoseMapKind::kLattice;
  lattice.valley_relative = 0.2;
  lattice.margin_mm = 4.0;
  for (DoseMap map : {uniform, partial, lattice}) {
    const auto with = dose_volume_histogram(map, 10.0);
    map.margin_mm = 0.0;
    const auto without = dose_volume_histogram(map, 10.0);
    ASSERT_EQ(with.size(), without.size());
    for (std::size_t i = 0; i < with.size(); ++i) {
      EXPECT_EQ(with[i].volume_fraction, without[i].volume_fraction);
      EXPECT_EQ(with[i].relative_dose, without[i].relative_dose);
    }
  }
  EXPECT_EQ(describe(uniform), "uniform; planning margin 5 mm");
}

TEST(DoseMaps, QspFractionAveragesTheLqKillOverTheHistogram) {
  const ModelDefinition& m = rt_model();
  std::vector<double> p = m.default_parameters();
  std::vector<double> y(static_cast<std::size_t>(m.n_states()));
  m.initial_state(p.data(), y.data());
  const std::size_t C1 = idx(m, "V_T.C1"), Di = idx(m, "V_T.C_doomed_icd"), Dn = idx(m, "V_T.C_doomed"),
                    T1 = idx(m, "V_T.T1"), R = idx(m, "V_T.RT_signal");
  y[C1] = 1e9;
  y[T1] = 1e7;
  RadiationFraction f;
  f.dose_Gy = 10.0;
  // a uniform map is the plain fraction, bit for bit
  std::vector<double> plain = y, mapped = y;
  m.apply_radiation_fraction(f, p.data(), plain.data());
  f.dose_map = std::make_shared<DoseMap>();
  m.apply_radiation_fraction(f, p.data(), mapped.data());
  EXPECT_EQ(plain, mapped);
  // 10 Gy to the central 30 %, nothing elsewhere: 30 % of the cells see S(10 Gy), the rest survive
  auto partial = std::make_shared<DoseMap>();
  partial->kind = DoseMapKind::kPartial;
  f.dose_map = partial;
  std::vector<double> x = y;
  m.apply_radiation_fraction(f, p.data(), x.data());
  const double alpha = param(m, p, "alpha_C_per_Gy"), beta = alpha / param(m, p, "alpha_beta_C_Gy");
  const double killed = 0.3 * 1e9 * (1.0 - std::exp(-alpha * 10.0 - beta * 100.0));
  EXPECT_NEAR(x[C1], 1e9 - killed, 1e-3);
  EXPECT_NEAR(x[Di] + x[Dn], killed, 1e-3);
  EXPECT_NEAR(x[T1], 1e7 - 0.3 * 1e7 * (1.0 - std::exp(-param(m, p, "alpha_T_per_Gy") * 10.0)), 1e-6);
  EXPECT_NEAR(x[R], 0.3 * 10.0, 1e-12);  // the signal reads the mean dose
}

TEST(RadiationFraction, ModelWithoutRadiotherapyRefusesIt) {
  const ModelDefinition& m = models::get_model("qspio_nsclc");
  std::vector<double> p = m.default_parameters(), y(static_cast<std::size_t>(m.n_states()));
  EXPECT_FALSE(m.supports_radiotherapy());
  EXPECT_THROW(m.apply_radiation_fraction(2.0, 0, p.data(), y.data()), Error);
}

TEST(DoomedPools, ConserveCellsAndDecayAtTheirRate) {
  // With growth, basal death, clearance, killing and phagocytosis off, the only cancer-cell flux
  // is doomed -> dead: d(C1 + doomed + dead)/dt = 0 and d(doomed)/dt = -k doomed.
  const ModelDefinition& m = rt_model();
  std::vector<double> p = m.default_parameters();
  for (const char* k : {"k_C1_growth_per_day", "k_C1_death_per_day", "k_C1_therapy_per_day", "k_cell_clear_per_day"})
    param(m, p, k) = 0.0;
  std::vector<double> y(static_cast<std::size_t>(m.n_states())), dy(y.size());
  m.initial_state(p.data(), y.data());
  const std::size_t C1 = idx(m, "V_T.C1"), Cx = idx(m, "V_T.C_x"), Di = idx(m, "V_T.C_doomed_icd"),
                    Dn = idx(m, "V_T.C_doomed");
  y[C1] = 1e9;
  y[Di] = 3e8;
  y[Dn] = 2e8;
  m.rhs(0.0, y.data(), p.data(), dy.data());
  const double k = param(m, p, "k_doomed_death_per_day");
  EXPECT_NEAR(dy[Di], -k * 3e8, 1e-6);
  EXPECT_NEAR(dy[Dn], -k * 2e8, 1e-6);
  EXPECT_NEAR(dy[C1] + dy[Cx] + dy[Di] + dy[Dn], 0.0, 1e-6 * k * 5e8);
  EXPECT_GT(dy[idx(m, "V_T.DAMP")], 0.0);  // immunogenic deaths raise the DAMP signal
}

TEST(SystemicActivation, DampSignalSpeedsEffectorHomingByTheStatedFactor) {
  // One lesion with its DAMP signal at the half-maximum: H_sys = 1/2, so r_infiltration_DAMP = 2
  // doubles the CD8 and Th inflow, which leaves blood exactly as it enters the lesion; Treg
  // inflow is unchanged.
  const ModelDefinition& m = rt_model();
  std::vector<double> p = m.default_parameters();
  const std::vector<double> y0 = grown_state(m, p);
  std::vector<double> y = y0;
  y[idx(m, "V_T.DAMP")] = param(m, p, "DAMP_50_cell_per_L");
  std::vector<double> f0(y.size()), f2(y.size());
  m.rhs(0.0, y.data(), p.data(), f0.data());
  param(m, p, "r_infiltration_DAMP") = 2.0;
  m.rhs(0.0, y.data(), p.data(), f2.data());
  std::vector<double> out(m.outputs().size());
  m.compute_outputs(0.0, y.data(), p.data(), out.data());
  const double V_T = out[static_cast<std::size_t>(m.output_index("lesion1_volume_L"))];
  const double C = y[idx(m, "V_T.C1")], Kc = param(m, p, "Kc_rec_cell2");
  const double inflow = param(m, p, "q_T1_T_in_per_L_per_day") * V_T * y[idx(m, "V_C.T1")] * C * C / (C * C + Kc);
  const double extra = 2.0 * 0.5 * inflow;
  EXPECT_NEAR(f2[idx(m, "V_T.T1")] - f0[idx(m, "V_T.T1")], extra, 1e-9 * extra);
  EXPECT_NEAR(f2[idx(m, "V_C.T1")] - f0[idx(m, "V_C.T1")], -extra, 1e-9 * extra);
  EXPECT_GT(f2[idx(m, "V_T.Th")] - f0[idx(m, "V_T.Th")], 0.0);
  EXPECT_EQ(f2[idx(m, "V_T.T0")], f0[idx(m, "V_T.T0")]);
  EXPECT_EQ(f2[idx(m, "V_C.T0")], f0[idx(m, "V_C.T0")]);
}

/// 20 days with 3 x 8 Gy to lesion 1 on days 1, 3 and 5.
TreatmentPlan three_by_eight_plan() {
  TreatmentPlan plan;
  plan.horizon_day = 20.0;
  plan.fractions = expand_radiotherapy({test_support::three_by_eight_course()}, plan.horizon_day);
  return plan;
}

TEST(RadiationEvents, FractionsApplyAtTheirDaysAndZeroDoseChangesNothing) {
  const ModelDefinition& m = rt_model();
  const std::vector<double> p = m.default_parameters();
  const std::vector<double> y0 = grown_state(m, p);
  const TreatmentPlan plan = three_by_eight_plan();
  const PatientRun rt = simulate_treatment(m, p, y0, plan, SolverOptions{});
  ASSERT_EQ(rt.status, PatientStatus::kOk) << rt.message;
  std::vector<double> times;
  for (const auto& e : rt.events)
    if (e.kind == "radiotherapy") times.push_back(e.time_day);
  EXPECT_EQ(times, (std::vector<double>{1.0, 3.0, 5.0}));
  const std::size_t ns = static_cast<std::size_t>(m.n_states()), R = idx(m, "V_T.RT_signal");
  // Output rows at fraction days hold the post-fraction state; none before day 1.
  EXPECT_EQ(rt.trajectory.states[0 * ns + R], 0.0);
  EXPECT_NEAR(rt.trajectory.states[1 * ns + R], 8.0, 1e-12);
  EXPECT_GT(rt.trajectory.states[3 * ns + R], 8.0);

  TreatmentPlan none = plan;
  none.fractions.clear();
  TreatmentPlan zero = plan;
  for (auto& f : zero.fractions) f.dose_Gy = 0.0;
  // Tight tolerances: a zero-dose fraction still restarts the solver, which moves results by
  // about rtol; what must not change is the solution itself.
  SolverOptions tight;
  tight.rtol = 1e-10;
  tight.atol = 1e-12;
  const PatientRun a = simulate_treatment(m, p, y0, none, tight);
  const PatientRun b = simulate_treatment(m, p, y0, zero, tight);
  ASSERT_EQ(a.status, PatientStatus::kOk);
  ASSERT_EQ(b.status, PatientStatus::kOk);
  const std::size_t d = static_cast<std::size_t>(m.output_index("tumour_diameter_cm")), no = m.outputs().size();
  for (std::size_t t = 0; t < a.trajectory.time_day.size(); ++t)
    EXPECT_NEAR(b.trajectory.outputs[t * no + d], a.trajectory.outputs[t * no + d],
                1e-7 * a.trajectory.outputs[t * no + d]);
  // ...while 8 Gy fractions shrink the tumour within days.
  EXPECT_LT(rt.trajectory.outputs[20 * no + d], 0.95 * a.trajectory.outputs[20 * no + d]);
}

/// A coupled sub-model that records what the simulator shows it and may add cancer cells.
struct RecordingCoupling : SliceCoupling {
  std::size_t C1 = 0;
  double add_per_slice = 0.0;
  std::vector<double> slices, fraction_days, c1_before_fraction;
  double slice_days() const override { return 0.25; }
  bool exchange(double t, double* y, const double*) override {
    slices.push_back(t);
    y[C1] += add_per_slice;
    return add_per_slice != 0.0;
  }
  void on_fraction(const RadiationFraction& f, const double* y, const double*) override {
    fraction_days.push_back(f.time_day);
    c1_before_fraction.push_back(y[C1]);
  }
};

TEST(SliceCoupling, SlicesEndEveryQuarterDayAndSeeFractionsBeforeTheirJump) {
  const ModelDefinition& m = rt_model();
  const std::vector<double> p = m.default_parameters();
  const std::vector<double> y0 = grown_state(m, p);
  const TreatmentPlan plan = three_by_eight_plan();
  const PatientRun alone = simulate_treatment(m, p, y0, plan, SolverOptions{});
  RecordingCoupling quiet;
  quiet.C1 = idx(m, "V_T.C1");
  const PatientRun coupled = simulate_treatment(m, p, y0, plan, SolverOptions{}, &quiet);
  ASSERT_EQ(coupled.status, PatientStatus::kOk) << coupled.message;
  // 20 days / 0.25 = 80 slices, ending at 0.25, 0.5, ..., 20
  ASSERT_EQ(quiet.slices.size(), 80u);
  EXPECT_EQ(quiet.slices.front(), 0.25);
  EXPECT_EQ(quiet.slices.back(), 20.0);
  EXPECT_EQ(quiet.fraction_days, (std::vector<double>{1.0, 3.0, 5.0}));
  // the state announced with a fraction is the pre-fraction one: the row at day 1 holds C1 x S(8 Gy)
  const std::size_t ns = static_cast<std::size_t>(m.n_states());
  std::vector<double> q = p;
  const double alpha = param(m, q, "alpha_C_per_Gy");  // alpha/beta 10 Gy
  const double s8 = std::exp(-alpha * 8.0 - alpha / 10.0 * 64.0);
  EXPECT_NEAR(coupled.trajectory.states[1 * ns + quiet.C1], quiet.c1_before_fraction[0] * s8,
              1e-9 * quiet.c1_before_fraction[0]);
  // a sub-model that changes nothing leaves the solution as it was (the extra stops move it by
  // about the tolerance, not bit for bit)
  const std::size_t d = static_cast<std::size_t>(m.output_index("tumour_diameter_cm")), no = m.outputs().size();
  for (std::size_t t = 0; t < alone.trajectory.time_day.size(); ++t)
    EXPECT_NEAR(coupled.trajectory.outputs[t * no + d], alone.trajectory.outputs[t * no + d],
                1e-5 * alone.trajectory.outputs[t * no + d]);
  // jumps are applied: 1e6 cells per slice, the last one at day 20 itself
  RecordingCoupling adding = quiet;
  adding.slices.clear();
  adding.fraction_days.clear();
  adding.c1_before_fraction.clear();
  adding.add_per_slice = 1e6;
  const PatientRun grown = simulate_treatment(m, p, y0, plan, SolverOptions{}, &adding);
  ASSERT_EQ(grown.status, PatientStatus::kOk);
  const std::size_t last = alone.trajectory.time_day.size() - 1;
  EXPECT_GT(grown.trajectory.states[last * ns + quiet.C1] - alone.trajectory.states[last * ns + quiet.C1], 0.99e6);
}

TEST(Lesions, RtModelWithoutRadiationMatchesReferenceModel) {
  // The RT model's right-hand side on a reference state with empty RT pools equals the reference
  // model's, and a treated single-lesion patient follows the same trajectory.
  const ModelDefinition& base = models::get_model("qspio_nsclc");
  const ModelDefinition& m = rt_model();
  ASSERT_EQ(m.n_states(), base.n_states() + 4);
  const std::vector<double> pb = base.default_parameters();
  std::vector<double> pm = m.default_parameters();
  const std::vector<double> yb = grown_state(base, pb);
  std::vector<double> ym(static_cast<std::size_t>(m.n_states()), 0.0);
  std::copy(yb.begin(), yb.end(), ym.begin());
  std::vector<double> fb(yb.size()), fm(ym.size());
  base.rhs(0.0, yb.data(), pb.data(), fb.data());
  m.rhs(0.0, ym.data(), pm.data(), fm.data());
  for (std::size_t i = 0; i < fb.size(); ++i)
    EXPECT_NEAR(fm[i], fb[i], 1e-12 * std::abs(fb[i]) + 1e-300) << base.states()[i].name;

  TreatmentPlan plan;
  plan.horizon_day = 120.0;
  std::vector<double> p1 = pb, p2 = pm;
  const std::vector<DoseRegimen> niv = {{"nivolumab", 240.0, 0.0, 0.0, 14.0, 9}};
  apply_drug_parameters(base, niv, p1);
  apply_drug_parameters(m, niv, p2);
  plan.doses = expand_schedule(base, niv, 80.0, plan.horizon_day, p1);
  const PatientRun a = simulate_treatment(base, p1, yb, plan, SolverOptions{});
  plan.doses = expand_schedule(m, niv, 80.0, plan.horizon_day, p2);
  const PatientRun b = simulate_treatment(m, p2, ym, plan, SolverOptions{});
  ASSERT_EQ(a.status, PatientStatus::kOk);
  ASSERT_EQ(b.status, PatientStatus::kOk);
  const std::size_t da = static_cast<std::size_t>(base.output_index("tumour_diameter_cm")), na = base.outputs().size();
  const std::size_t db = static_cast<std::size_t>(m.output_index("tumour_diameter_cm")), nb = m.outputs().size();
  for (std::size_t t = 0; t < a.trajectory.time_day.size(); ++t)
    EXPECT_NEAR(b.trajectory.outputs[t * nb + db], a.trajectory.outputs[t * na + da],
                2e-5 * a.trajectory.outputs[t * na + da])
        << "day " << t;
}

TEST(Lesions, AnEmptySecondLesionLeavesTheFirstUnchanged) {
  // Two-lesion model with lesion 2 unseeded: every shared and lesion-1 derivative equals the
  // one-lesion model's, and lesion 2 stays inert.
  const ModelDefinition& one = rt_model();
  const ModelDefinition& two = models::get_model("qspio_nsclc_rt@2{}");
  ASSERT_EQ(two.n_lesions(), 2);
  const std::vector<double> p1 = one.default_parameters();
  std::vector<double> p2 = two.default_parameters();
  const std::vector<double> y1 = grown_state(one, p1);
  std::vector<double> y2(static_cast<std::size_t>(two.n_states()), 0.0);
  std::copy(y1.begin(), y1.end(), y2.begin());
  std::vector<double> f1(y1.size()), f2(y2.size());
  one.rhs(0.0, y1.data(), p1.data(), f1.data());
  two.rhs(0.0, y2.data(), p2.data(), f2.data());
  for (std::size_t i = 0; i < f1.size(); ++i)
    EXPECT_NEAR(f2[i], f1[i], 1e-12 * std::abs(f1[i]) + 1e-300) << one.states()[i].name;
  for (std::size_t i = f1.size(); i < f2.size(); ++i) EXPECT_EQ(f2[i], 0.0) << two.states()[i].name;
}

TEST(Lesions, SecondLesionStartsAtItsDiameterAndIsIrradiatedAlone) {
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt@2{}");
  std::vector<double> p = m.default_parameters();
  param(m, p, "lesion2_initial_diameter_cm") = 2.0;
  const InitialisationResult ic = grow_to_diameter(m, p, 3.0, 8000.0, SolverOptions{});
  ASSERT_TRUE(ic.reached);
  std::vector<double> out(m.outputs().size());
  m.compute_outputs(0.0, ic.state.data(), p.data(), out.data());
  const auto o = [&](const char* name) { return out[static_cast<std::size_t>(m.output_index(name))]; };
  EXPECT_NEAR(o("lesion1_diameter_cm"), 3.0, 1e-6);
  EXPECT_NEAR(o("lesion2_diameter_cm"), 2.0, 1e-6);
  EXPECT_NEAR(o("tumour_diameter_cm"), 5.0, 2e-6);  // RECIST sum of diameters
  std::vector<double> y = ic.state;
  m.apply_radiation_fraction(8.0, 1, p.data(), y.data());
  EXPECT_EQ(y[idx(m, "V_T.C1")], ic.state[idx(m, "V_T.C1")]);
  EXPECT_LT(y[idx(m, "V_T2.C1")], 0.2 * ic.state[idx(m, "V_T2.C1")]);
}

}  // namespace
}  // namespace vct
