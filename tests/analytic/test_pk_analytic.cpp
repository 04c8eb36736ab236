// SPDX-License-Identifier: MIT
// Antibody PK of the NSCLC model against closed forms: dose conversion, the one-compartment
// limit, and exchange between two compartments (mass balance and equilibrium ratio).
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/simulation.hpp"
#include "models/registry.hpp"

namespace vct {
namespace {

const ModelDefinition& nsclc() { return models::get_model("qspio_nsclc"); }

double param(const ModelDefinition& m, const std::vector<double>& p, const char* name) {
  const int k = m.parameter_index(name);
  EXPECT_GE(k, 0) << name;
  return p[static_cast<std::size_t>(k)];
}
void set_param(const ModelDefinition& m, std::vector<double>& p, const char* name, double v) {
  const int k = m.parameter_index(name);
  ASSERT_GE(k, 0) << name;
  p[static_cast<std::size_t>(k)] = v;
}

TEST(DoseConversion, DurvalumabExampleFromDossier) {
  // Dossier §5.13: 10 mg/kg x 80 kg, MW 1.49e8 mg/mol -> 5.369e-6 mol -> +1073.8 nM in 5 L.
  EXPECT_NEAR(dose_mg_to_nM(800.0, 1.49e8, 5.0), 1073.8, 0.05);
  const ModelDefinition& m = nsclc();
  auto p = m.default_parameters();
  const auto doses = expand_schedule(m, {{"durvalumab", 0.0, 10.0, 0.0, 14.0, 1}}, 80.0, 400.0, p);
  ASSERT_EQ(doses.size(), 1u);
  EXPECT_DOUBLE_EQ(doses[0].amount_mg, 800.0);
  EXPECT_NEAR(doses[0].delta_nM, 800.0 / 1.49e8 * 1e9 / 5.0, 1e-9);
  EXPECT_EQ(m.states()[static_cast<std::size_t>(doses[0].state_index)].name, "V_C.aPDL1");
}

TEST(DoseConversion, NivolumabMatchesMatlabDayZeroPlasma) {
  // Example 1, 3 mg/kg x 70 kg: the MATLAB day-0 plasma value is 2.92479108635097e-07 M.
  EXPECT_NEAR(dose_mg_to_nM(210.0, 1.436e8, 5.0) * 1e-9, 2.92479108635097e-07, 1e-18);
}

TEST(Schedule, EndDayIsInclusiveAndHorizonCapsDoses) {
  const ModelDefinition& m = nsclc();
  auto p = m.default_parameters();
  DoseRegimen r{"nivolumab", 240.0, 0.0, 7.0, 14.0, 1};
  r.end_day = 63.0;
  auto doses = expand_schedule(m, {r}, 80.0, 400.0, p);
  ASSERT_EQ(doses.size(), 5u);  // 7, 21, 35, 49, 63
  EXPECT_DOUBLE_EQ(doses.back().time_day, 63.0);
  doses = expand_schedule(m, {{"nivolumab", 240.0, 0.0, 0.0, 14.0, 100}}, 80.0, 50.0, p);
  EXPECT_EQ(doses.size(), 4u);  // 0, 14, 28, 42 within 50 days
}

TEST(Schedule, UnknownDrugAndSharedSlotAreInputErrors) {
  const ModelDefinition& m = nsclc();
  auto p = m.default_parameters();
  try {
    expand_schedule(m, {{"aspirin", 100.0, 0.0, 0.0, 0.0, 1}}, 80.0, 400.0, p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_STREQ(e.what(),
                 "unknown drug 'aspirin' for model qspio_nsclc (expected one of: pembrolizumab, nivolumab, "
                 "atezolizumab, durvalumab, ipilimumab, tremelimumab)");
  }
  try {
    apply_drug_parameters(m, {{"nivolumab", 240.0}, {"pembrolizumab", 200.0}}, p);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(
        e.what(),
        "drugs 'nivolumab' and 'pembrolizumab' both use the aPD1 slot; one scenario can dose one drug per target");
  }
}

PatientRun run_pk(std::vector<double>& p, const std::string& drug, double dose_mg, double horizon) {
  const ModelDefinition& m = nsclc();
  const std::vector<DoseRegimen> regimen = {{drug, dose_mg, 0.0, 0.0, 0.0, 1}};
  TreatmentPlan plan;
  plan.horizon_day = horizon;
  plan.doses = expand_schedule(m, regimen, 80.0, horizon, p);
  SolverOptions options;
  options.rtol = 1e-10;
  options.atol = 1e-12;
  InitialisationOptions init;
  init.mode = InitialisationMode::kModelDefault;
  return simulate_patient(m, p, init, plan, options);
}

TEST(AntibodyPk, OneCompartmentLimitIsExponential) {
  // With all exchange flows off, dC/dt = -k_cl C / V_C: C(t) = C0 exp(-k_cl t / V_C).
  const ModelDefinition& m = nsclc();
  auto p = m.default_parameters();
  apply_drug_parameters(m, {{"pembrolizumab", 200.0}}, p);
  for (const char* q : {"q_P_aPD1_L_per_day", "q_T_aPD1_L_per_day", "q_LN_aPD1_L_per_day", "q_LD_aPD1_per_day"})
    set_param(m, p, q, 0.0);
  const PatientRun run = run_pk(p, "pembrolizumab", 200.0, 42.0);
  ASSERT_EQ(run.status, PatientStatus::kOk) << run.message;
  const double c0 = dose_mg_to_nM(200.0, 1.49e8, 5.0);
  const double k = param(m, p, "k_cl_aPD1_L_per_day") / param(m, p, "V_C_L");
  EXPECT_DOUBLE_EQ(k, 0.315 / 5.0);
  const int ic = m.state_index("V_C.aPD1");
  for (int day : {1, 7, 21, 42}) {
    const double c = run.trajectory.states[static_cast<std::size_t>(day * m.n_states() + ic)];
    EXPECT_NEAR(c, c0 * std::exp(-k * day), 1e-7 * c0) << "day " << day;
  }
}

TEST(AntibodyPk, CentralPeripheralExchangeConservesMassAndEquilibrates) {
  // Clearance off, tumour and LN flows off: amount in C + P is conserved and C/gamma_C -> P/gamma_P,
  // approached with rate q_P (1/(gamma_C V_C) + 1/(gamma_P V_P)).
  const ModelDefinition& m = nsclc();
  auto p = m.default_parameters();
  apply_drug_parameters(m, {{"nivolumab", 240.0}}, p);
  for (const char* q : {"q_T_aPD1_L_per_day", "q_LN_aPD1_L_per_day", "q_LD_aPD1_per_day", "k_cl_aPD1_L_per_day"})
    set_param(m, p, q, 0.0);
  const PatientRun run = run_pk(p, "nivolumab", 240.0, 60.0);
  ASSERT_EQ(run.status, PatientStatus::kOk) << run.message;
  const double VC = param(m, p, "V_C_L"), VP = param(m, p, "V_P_L");
  const double gC = param(m, p, "gamma_C_aPD1"), gP = param(m, p, "gamma_P_aPD1");
  const double qP = param(m, p, "q_P_aPD1_L_per_day");
  const double amount0 = 240.0 / 1.436e8 * 1e9;  // nmol
  const int ic = m.state_index("V_C.aPD1"), ip = m.state_index("V_P.aPD1");
  const double lambda = qP * (1.0 / (gC * VC) + 1.0 / (gP * VP));
  for (int day : {1, 5, 20, 60}) {
    const double c = run.trajectory.states[static_cast<std::size_t>(day * m.n_states() + ic)];
    const double pp = run.trajectory.states[static_cast<std::size_t>(day * m.n_states() + ip)];
    EXPECT_NEAR(c * VC + pp * VP, amount0, 1e-7 * amount0) << "day " << day;
    // Closed form of the linear 2x2 system: the gradient C/gC - P/gP decays as exp(-lambda t).
    const double gradient0 = amount0 / VC / gC;
    EXPECT_NEAR(c / gC - pp / gP, gradient0 * std::exp(-lambda * day), 1e-6 * gradient0) << "day " << day;
  }
}

}  // namespace
}  // namespace vct
