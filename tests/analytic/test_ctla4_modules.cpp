// SPDX-License-Identifier: MIT
// The anti-CTLA-4 modules (issue #17; docs/models/anti-ctla4.md) against hand arithmetic: CTLA-4
// per Treg is conserved while the antibody binds it; the one-arm binding equilibrium is
// a / (a + Kd); Fc-mediated Treg loss is k_ADCC H T0 with H the Hill function of bound CTLA-4, in
// the lesions and the periphery; CTLA-4 blockade in the lymph node primes the T2 family in
// proportion to theta x occupancy, and nothing without antibody.
#include <gtest/gtest.h>

#include <cmath>

#include "core/simulation.hpp"
#include "models/registry.hpp"
#include "tests/support/model_access.hpp"

namespace vct {
namespace {

using test_support::grown;
using test_support::idx;
using test_support::param;

std::vector<double> rhs(const ModelDefinition& m, const std::vector<double>& p, const std::vector<double>& y) {
  std::vector<double> dy(y.size());
  m.rhs(0.0, y.data(), p.data(), dy.data());
  return dy;
}

TEST(TregAdcc, ConservesCtla4PerTregWithAllThreeAntibodies) {
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt@2{treg_adcc}");
  const std::vector<double> p = m.default_parameters();
  std::vector<double> y = grown(m, p);
  // All three antibodies present (anti-PD-1 and anti-PD-L1 bind only in the synapses).
  for (const char* ab : {"aCTLA4", "aPD1", "aPDL1"})
    for (const std::string c : {"V_C.", "V_P.", "V_T.", "V_T2."}) y[idx(m, c + ab)] = 100.0;  // nM
  y[idx(m, "V_T.Treg_CTLA4_aCTLA4")] = 700.0;  // part bound, so that both arms react
  y[idx(m, "V_T.Treg_CTLA4")] = 5000.0 - 700.0;
  const std::vector<double> dy = rhs(m, p, y);
  for (const std::string c : {"V_T", "V_T2", "V_P"}) {
    const double free = dy[idx(m, c + ".Treg_CTLA4")], one = dy[idx(m, c + ".Treg_CTLA4_aCTLA4")];
    const double two = dy[idx(m, c + ".Treg_CTLA4_aCTLA4_CTLA4")];
    EXPECT_LT(free, 0.0) << c;                                              // antibody present: CTLA-4 is being bound
    EXPECT_NEAR(free + one + 2.0 * two, 0.0, 1e-9 * std::fabs(free)) << c;  // d(b0 + b1 + 2 b2)/dt = 0
  }
}

TEST(TregAdcc, OneArmBindingSettlesAtAOverAPlusKd) {
  // Without the second arm (Chi = 0), b1 / (b0 + b1) = a / (a + Kd): at a = Kd = 18.2 nM, half
  // the Treg's 5000 CTLA-4 is bound, so b0 = b1 = 2500 makes the derivatives zero.
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt{treg_adcc}");
  std::vector<double> p = m.default_parameters();
  param(m, p, "Chi_CTLA4_aCTLA4_nM_um2") = 0.0;
  std::vector<double> y = grown(m, p);
  const double kd = param(m, p, "koff_CTLA4_aCTLA4_per_day") / param(m, p, "kon_CTLA4_aCTLA4_per_nM_per_day");
  EXPECT_NEAR(kd, 18.2, 1e-9);
  y[idx(m, "V_P.aCTLA4")] = kd * param(m, p, "gamma_P_aCTLA4");  // free concentration a = Kd after partition
  y[idx(m, "V_P.Treg_CTLA4")] = 2500.0;
  y[idx(m, "V_P.Treg_CTLA4_aCTLA4")] = 2500.0;
  const std::vector<double> dy = rhs(m, p, y);
  const double rate = param(m, p, "koff_CTLA4_aCTLA4_per_day") * 2500.0;  // each flux's size, molecule/day
  EXPECT_NEAR(dy[idx(m, "V_P.Treg_CTLA4")], 0.0, 1e-9 * rate);
  EXPECT_NEAR(dy[idx(m, "V_P.Treg_CTLA4_aCTLA4")], 0.0, 1e-9 * rate);
}

TEST(TregAdcc, KillsTregsAtKTimesTheHillOfBoundCtla4) {
  // b1 = 1000 = Treg_CTLA4_50 and b2 = 0: H = 1^2 / (1 + 1^2) = 0.5, so k_ADCC = 0.1 /day adds
  // -0.05 T0 /day to the tumour and peripheral Tregs' derivatives against k_ADCC = 0.
  const ModelDefinition& m = models::get_model("qspio_nsclc_rt{treg_adcc}");
  std::vector<double> p = m.default_parameters();
  std::vector<double> y = grown(m, p);
  for (const std::string c : {"V_T", "V_P"}) {
    y[idx(m, c + ".Treg_CTLA4")] = 4000.0;
    y[idx(m, c + ".Treg_CTLA4_aCTLA4")] = 1000.0;
  }
  param(m, p, "k_CTLA4_ADCC_per_day") = 0.0;
  const std::vector<double> d0 = rhs(m, p, y);
  param(m, p, "k_CTLA4_ADCC_per_day") = 0.1;
  const std::vector<double> d1 = rhs(m, p, y);
  for (const char* s : {"V_T.T0", "V_P.T0"}) {
    const double t0 = y[idx(m, s)];
    ASSERT_GT(t0, 0.0) << s;
    EXPECT_NEAR(d1[idx(m, s)] - d0[idx(m, s)], -0.05 * t0, 1e-9 * t0) << s;
  }
}

TEST(Ctla4Priming, PrimesT2InProportionToThetaTimesOccupancyAndNotWithoutAntibody) {
  // No radiotherapy: licensing is 0, so only CTLA-4 blockade opens T2 priming. With no activated
  // T2 yet (aT2 = 0), daT2/dt = k_act H_APC2 H_P2 theta O nT2_LN n_clones: linear in theta and in O.
  const ModelDefinition& m =
      models::get_model("qspio_nsclc_rt{licensing,epitope_spreading,priming_checkpoint,ctla4_priming}");
  std::vector<double> p = m.default_parameters();
  std::vector<double> y = grown(m, p);
  const std::size_t aT2 = idx(m, "V_LN.aT2");
  y[aT2] = 0.0;
  param(m, p, "theta_CTLA4_priming") = 0.1;
  EXPECT_EQ(rhs(m, p, y)[aT2], 0.0);                         // no antibody bound in the synapse: no T2 priming
  const double total = 8000.0 / param(m, p, "A_Tcell_um2");  // synapse CTLA-4 per um^2
  auto set_occupancy = [&](double o) {
    y[idx(m, "syn_T_APC.CTLA4_aCTLA4")] = o * total;
    y[idx(m, "syn_T_APC.CTLA4")] = (1.0 - o) * total;
  };
  set_occupancy(0.4);
  const double base = rhs(m, p, y)[aT2];
  EXPECT_GT(base, 0.0);
  param(m, p, "theta_CTLA4_priming") = 0.2;
  EXPECT_NEAR(rhs(m, p, y)[aT2], 2.0 * base, 1e-12 * base);  // theta doubled
  set_occupancy(0.8);
  EXPECT_NEAR(rhs(m, p, y)[aT2], 4.0 * base, 1e-12 * base);  // and occupancy doubled
}

TEST(Ctla4Modules, IpilimumabAddsResponseOnlyThroughThem) {
  // One patient on nivolumab + ipilimumab: with both anti-CTLA-4 modules off the tumour follows
  // nivolumab alone within solver tolerance (CD28 co-stimulation is saturated, issue #17); with
  // them on it shrinks further.
  const ModelDefinition& off = models::get_model("qspio_nsclc_rt{licensing,epitope_spreading,priming_checkpoint}");
  const ModelDefinition& on =
      models::get_model("qspio_nsclc_rt{licensing,epitope_spreading,priming_checkpoint,treg_adcc,ctla4_priming}");
  auto final_diameter = [](const ModelDefinition& m, bool ipilimumab) {
    const std::vector<double> p = m.default_parameters();
    const std::vector<double> y0 = grown(m, p);
    std::vector<DoseRegimen> regimens;
    DoseRegimen nivo;
    nivo.drug = "nivolumab";
    nivo.dose_mg_per_kg = 3.0;
    nivo.interval_day = 14.0;
    nivo.end_day = 168.0;
    regimens.push_back(nivo);
    if (ipilimumab) {
      DoseRegimen ipi = nivo;
      ipi.drug = "ipilimumab";
      ipi.dose_mg_per_kg = 1.0;
      ipi.interval_day = 42.0;
      regimens.push_back(ipi);
    }
    const TreatmentPlan plan = make_treatment_plan(m, regimens, {}, 80.0, 168.0, 168.0, p);
    const PatientRun run = simulate_treatment(m, p, y0, plan, SolverOptions{});
    EXPECT_EQ(run.status, PatientStatus::kOk) << run.message;
    const int d = m.output_index("tumour_diameter_cm");
    return run.trajectory.outputs[run.trajectory.outputs.size() - m.outputs().size() + static_cast<std::size_t>(d)];
  };
  EXPECT_NEAR(final_diameter(off, true), final_diameter(off, false), 1e-4);
  EXPECT_LT(final_diameter(on, true), final_diameter(on, false) - 0.01);
}

}  // namespace
}  // namespace vct
