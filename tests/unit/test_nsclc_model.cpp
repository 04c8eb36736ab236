// SPDX-License-Identifier: MIT
// The NSCLC reference model: structure, derived parameter values against the dossier's
// canonical column (§6), initial assignments (§4), conservation of synapse receptors, the
// initial-condition procedure (§7.1) and per-patient status handling.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "core/dual.hpp"
#include "core/simulation.hpp"
#include "models/common/modules.hpp"
#include "models/registry.hpp"

namespace vct {
namespace {

const ModelDefinition& nsclc() { return models::get_model("qspio_nsclc"); }

double param(const char* name) {
  const int k = nsclc().parameter_index(name);
  EXPECT_GE(k, 0) << name;
  return nsclc().parameters()[static_cast<std::size_t>(k)].value;
}

TEST(NsclcStructure, Has141UniquelyNamedStates) {
  const auto& states = nsclc().states();
  EXPECT_EQ(states.size(), 141u);
  std::set<std::string> names;
  for (const auto& s : states) names.insert(s.name);
  EXPECT_EQ(names.size(), states.size());
  std::set<std::string> params;
  for (const auto& p : nsclc().parameters()) {
    EXPECT_TRUE(params.insert(p.name).second) << p.name;
    EXPECT_LE(p.lower, p.value) << p.name;
    EXPECT_GE(p.upper, p.value) << p.name;
    EXPECT_FALSE(p.unit.empty()) << p.name;
    EXPECT_FALSE(p.source.empty()) << p.name;
  }
}

struct Canonical {
  const char* name;
  double dossier_value;  // 4-significant-figure canonical value from dossier §6
};

TEST(NsclcParameters, DerivedValuesMatchDossierCanonicalColumn) {
  const Canonical table[] = {
      {"V_LN_L", 0.001374},
      {"vol_cell_L", 2527e-15},
      {"vol_Tcell_L", 175.0e-15},
      {"vol_Mcell_L", 4849e-15},
      {"A_cell_um2", 897.3},
      {"A_Tcell_um2", 151.3},
      {"A_Mcell_um2", 1385},
      {"k_IL2_deg_per_day", 288},
      {"k_IL2_cons_nmol_per_cell_per_day", 0.000144},
      {"q_nT1_P_in_per_day", 254},
      {"q_T1_P_in_per_day", 3508},
      {"q_T1_T_in_per_L_per_day", 208.8},
      {"APC0_T_cell_per_L", 4e8},
      {"k_P1_on_per_nM_per_day", 0.000144},
      {"p1_50_per_um2", 2.646e-05},
      {"TCR_tot_per_um2", 103.8},
      {"k_TCR_on_um2_per_day", 8.64e4},
      {"phi_TCR_per_day", 7776},
      {"kon_PD1_PDL1_um2_per_day", 8608},
      {"koff_PD1_PDL1_per_day", 1.275e5},
      {"kon_PD1_PDL2_um2_per_day", 1.148e4},
      {"koff_PD1_PDL2_per_day", 4.769e4},
      {"kon_CD28_CD80_um2_per_day", 1.913e4},
      {"koff_CD28_CD80_per_day", 1.382e5},
      {"kon_CD28_CD86_um2_per_day", 6.695e4},
      {"koff_CD28_CD86_per_day", 2.419e6},
      {"kon_CTLA4_CD80_um2_per_day", 4.782e4},
      {"koff_CTLA4_CD80_per_day", 3.629e4},
      {"kon_CTLA4_CD86_um2_per_day", 9.565e4},
      {"koff_CTLA4_CD86_per_day", 4.493e5},
      {"kon_CD80_PDL1_um2_per_day", 1.53e4},
      {"koff_CD80_PDL1_per_day", 5.198e5},
      {"kon_CD80_CD80_um2_per_day", 28.22},
      {"koff_CD80_CD80_per_day", 866.6},
      {"kon_PD1_aPD1_per_nM_per_day", 57.89},
      {"koff_PD1_aPD1_per_day", 231.6},
      {"kon_PDL1_aPDL1_per_nM_per_day", 37.15},
      {"koff_PDL1_aPDL1_per_day", 14.86},
      {"kon_CTLA4_aCTLA4_per_nM_per_day", 33.09},
      {"koff_CTLA4_aCTLA4_per_day", 602.3},
      {"T_PD1_total_molecule", 2.666e4},
      {"C1_PDL1_base_molecule", 2.24e5},
      {"k_out_PDL1_molecule_per_day", 5e4},
      {"IFNg_50_ind_nM", 0.00296},
      {"kon_CD47_SIRPa_um2_per_day", 149.4},
      {"koff_CD47_SIRPa_per_day", 432},
      {"k_MDSC_rec_cell_per_L_per_day", 2e6},
      {"k_CCL2_deg_per_day", 1.44},
      {"k_ArgI_sec_mU_L_per_cell_per_day", 1.4e-8},
      {"k_IL12_deg_per_day", 0.5544},
      {"IL12_50_nM", 0.00014},
      {"q_P_aPDL1_L_per_day", 0.4804},
      {"q_T_aPDL1_L_per_day", 7.361e-3},
      {"q_LN_aPDL1_L_per_day", 2.808e-4},
      {"q_LD_aPDL1_per_day", 2.16},
  };
  for (const auto& row : table)
    EXPECT_NEAR(param(row.name), row.dossier_value, 1e-3 * std::abs(row.dossier_value)) << row.name;
  // Cross-arm constants are quoted as Chi x kon (um^2/(molecule day)).
  EXPECT_NEAR(param("Chi_PD1_aPD1_nM_um2") * param("kon_PD1_aPD1_per_nM_per_day"), 3.204e6, 3.204e3);
  EXPECT_NEAR(param("Chi_PDL1_aPDL1_nM_um2") * param("kon_PDL1_aPDL1_per_nM_per_day"), 2.056e6, 2.056e3);
  EXPECT_NEAR(param("Chi_CTLA4_aCTLA4_nM_um2") * param("kon_CTLA4_aCTLA4_per_nM_per_day"), 1.832e6, 1.832e3);
}

TEST(NsclcInitialState, MatchesDossierSection4) {
  const ModelDefinition& m = nsclc();
  const auto p = m.default_parameters();
  std::vector<double> y(141);
  m.initial_state(p.data(), y.data());
  auto at = [&](const char* name) { return y[static_cast<std::size_t>(m.state_index(name))]; };
  EXPECT_NEAR(at("V_C.nT1"), 2274.8, 0.05);
  EXPECT_NEAR(at("V_P.nT1"), 113739, 2);
  EXPECT_NEAR(at("V_LN.nT1"), 113.74, 0.005);
  EXPECT_NEAR(at("V_C.nT0"), 3706.9, 0.05);
  EXPECT_NEAR(at("V_P.nT0"), 185345, 2);
  EXPECT_NEAR(at("V_LN.nT0"), 155.69, 0.005);
  EXPECT_EQ(at("V_T.C1"), 1.0);
  EXPECT_NEAR(at("A_e.M1"), 2185.8, 0.05);
  EXPECT_NEAR(at("syn_T_C1.PD1"), 176.2, 0.05);
  EXPECT_NEAR(at("syn_T_C1.PDL1"), 249.6, 0.05);
  EXPECT_NEAR(at("syn_T_APC.PDL1"), 224000.0 / 900.0, 1e-9);
  EXPECT_NEAR(at("syn_M_C.PD1"), 9.02, 0.005);
  EXPECT_EQ(at("syn_T_C1.PD1_PDL1"), 0.0);
  EXPECT_NEAR(at("V_LN.IL2"), 1.9e-4, 1e-12);
}

/// Totals of receptors that the synapse reactions only redistribute (expression acts on PD-L1/L2).
std::vector<double> synapse_totals(const ModelDefinition& m, const double* y, const std::string& syn) {
  auto s = [&](const char* species) { return y[m.state_index(syn + "." + species)]; };
  const double pd1 = s("PD1") + s("PD1_PDL1") + s("PD1_PDL2") + s("PD1_aPD1") + 2 * s("PD1_aPD1_PD1");
  const double cd28 = s("CD28") + s("CD28_CD80") + 2 * s("CD28_CD80_CD28") + s("CD28_CD86") + s("PDL1_CD80_CD28");
  const double ctla4 = s("CTLA4") + s("CD80_CTLA4") + s("CD80_CTLA4_CD80") + 2 * s("CTLA4_CD80_CTLA4") +
                       2 * s("CD80_CTLA4_CD80_CTLA4") + s("CD86_CTLA4") + s("CD86_CTLA4_CD86") + s("PDL1_CD80_CTLA4") +
                       s("CTLA4_aCTLA4") + 2 * s("CTLA4_aCTLA4_CTLA4");
  const double cd80 = 2 * s("CD80") + s("CD80m") + 2 * s("CD28_CD80") + 2 * s("CD28_CD80_CD28") + 2 * s("CD80_CTLA4") +
                      4 * s("CD80_CTLA4_CD80") + 2 * s("CTLA4_CD80_CTLA4") + 4 * s("CD80_CTLA4_CD80_CTLA4") +
                      s("PDL1_CD80") + s("PDL1_CD80_CD28") + s("PDL1_CD80_CTLA4");
  const double cd86 = s("CD86") + s("CD28_CD86") + s("CD86_CTLA4") + 2 * s("CD86_CTLA4_CD86");
  const double tpdl1 = s("TPDL1") + s("TPDL1_aPDL1") + 2 * s("TPDL1_aPDL1_TPDL1");
  return {pd1, cd28, ctla4, cd80, cd86, tpdl1};
}

// hill() squares instead of calling pow when n = 2 (docs/performance.md): same value to rounding,
// and the AD derivative is the analytic one, 2 r / (x (1 + r)^2) with r = (x/k)^2.
TEST(ModelModules, HillWithCoefficientTwoMatchesPowAndItsDerivative) {
  for (double x : {1e-6, 0.3, 6.0, 42.0, 1e4}) {
    const double k = 6.0, r = std::pow(x / k, 2.0);
    EXPECT_NEAR(models::hill(x, k, 2.0), r / (r + 1.0), 1e-15) << x;
    Dual xd(x);
    xd.d[0] = 1.0;
    const Dual h = models::hill(xd, k, 2.0);
    // r / (r + 1) differentiated by the quotient rule cancels for large r: 1e-9 relative.
    EXPECT_NEAR(h.d[0], 2.0 * r / (x * (1.0 + r) * (1.0 + r)), 1e-9 * std::abs(h.d[0])) << x;
    EXPECT_NEAR(models::hill(x, k, 2.5), std::pow(x / k, 2.5) / (std::pow(x / k, 2.5) + 1.0), 1e-15) << x;
  }
}

class NsclcPatient : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    const ModelDefinition& m = nsclc();
    params_ = new std::vector<double>(m.default_parameters());
    ic_ = new InitialisationResult(grow_to_diameter(m, *params_, 3.7, 8000.0, SolverOptions{}));
  }
  static void TearDownTestSuite() {
    delete params_;
    delete ic_;
  }
  static std::vector<double>* params_;
  static InitialisationResult* ic_;
};
std::vector<double>* NsclcPatient::params_ = nullptr;
InitialisationResult* NsclcPatient::ic_ = nullptr;

TEST_F(NsclcPatient, InitialConditionProcedureReachesTheTargetDiameterExactly) {
  const ModelDefinition& m = nsclc();
  ASSERT_TRUE(ic_->reached);
  std::vector<double> out(m.outputs().size());
  m.compute_outputs(0.0, ic_->state.data(), params_->data(), out.data());
  EXPECT_NEAR(out[static_cast<std::size_t>(m.output_index("tumour_diameter_cm"))], 3.7, 1e-6);
  // Unrestrained growth alone needs ln(7.9e9)/0.007 = 3250 days (dossier §10); QSP-IO gives up at 8000.
  EXPECT_GT(ic_->growth_time_day, 3250.0);
  EXPECT_LT(ic_->growth_time_day, 8000.0);
  // About 7.9e9 cancer cells make 26.5 mL at Ve_T = 0.75 (dossier §5.1); immune cells take some room.
  const double c1 = ic_->state[static_cast<std::size_t>(m.state_index("V_T.C1"))];
  EXPECT_GT(c1, 6.5e9);
  EXPECT_LT(c1, 7.9e9);
}

TEST_F(NsclcPatient, BaselineImmuneRatiosLieWithinObservedNsclcRange) {
  // Observed iAtlas NSCLC ratios (dossier §7.4): ln-mean +- 2 ln-sd.
  const ModelDefinition& m = nsclc();
  std::vector<double> out(m.outputs().size());
  m.compute_outputs(0.0, ic_->state.data(), params_->data(), out.data());
  auto within = [&](const char* name, double mean_ln, double sd_ln) {
    const double v = out[static_cast<std::size_t>(m.output_index(name))];
    EXPECT_GT(std::log(v), mean_ln - 2 * sd_ln) << name << " = " << v;
    EXPECT_LT(std::log(v), mean_ln + 2 * sd_ln) << name << " = " << v;
  };
  within("M1_M2_ratio", -1.664, 1.111);
  within("Treg_CD8_ratio", -1.690, 1.197);
  within("CD8_CD4_ratio", -0.025, 0.992);
}

TEST_F(NsclcPatient, SynapseReceptorsAreConservedUnderTripleBlockade) {
  const ModelDefinition& m = nsclc();
  std::vector<double> p = *params_;
  const std::vector<DoseRegimen> regimen = {{"pembrolizumab", 200.0, 0.0, 0.0, 21.0, 3},
                                            {"durvalumab", 0.0, 10.0, 0.0, 14.0, 4},
                                            {"ipilimumab", 0.0, 1.0, 0.0, 42.0, 2}};
  apply_drug_parameters(m, regimen, p);
  TreatmentPlan plan;
  plan.horizon_day = 60.0;
  plan.doses = expand_schedule(m, regimen, 80.0, 60.0, p);
  SolverOptions options;
  options.rtol = 1e-8;
  options.atol = 1e-12;
  const PatientRun run = simulate_treatment(m, p, ic_->state, plan, options);
  ASSERT_EQ(run.status, PatientStatus::kOk) << run.message;
  const std::size_t n = 141;
  for (const std::string syn : {"syn_T_C1", "syn_T_APC"}) {
    const auto start = synapse_totals(m, run.trajectory.states.data(), syn);
    for (std::size_t k = 1; k < run.trajectory.time_day.size(); ++k) {
      const auto now = synapse_totals(m, run.trajectory.states.data() + k * n, syn);
      for (std::size_t r = 0; r < start.size(); ++r)
        EXPECT_NEAR(now[r], start[r], 1e-6 * start[r]) << syn << " receptor " << r << " day " << k;
    }
  }
  // The drugs actually bound: free PD-1 in the tumour synapse fell by more than half.
  const int pd1 = m.state_index("syn_T_C1.PD1");
  EXPECT_LT(run.trajectory.states[30 * n + static_cast<std::size_t>(pd1)],
            0.5 * run.trajectory.states[static_cast<std::size_t>(pd1)]);
}

TEST_F(NsclcPatient, NoDrugKeepsAntibodyStatesAtZeroAndCheckpointBlockadeLowersPd1Signal) {
  const ModelDefinition& m = nsclc();
  TreatmentPlan untreated;
  untreated.horizon_day = 28.0;
  const PatientRun control = simulate_treatment(m, *params_, ic_->state, untreated, SolverOptions{});
  ASSERT_EQ(control.status, PatientStatus::kOk);
  // Linear-solver round-off may leave values of order 1e-16 nM; nothing larger may appear.
  for (const char* s : {"V_C.aPD1", "V_T.aPDL1", "V_LN.aCTLA4"})
    EXPECT_NEAR(control.trajectory.states[28 * 141 + static_cast<std::size_t>(m.state_index(s))], 0.0, 1e-12) << s;
  std::vector<double> p = *params_;
  const std::vector<DoseRegimen> regimen = {{"nivolumab", 0.0, 3.0, 0.0, 14.0, 2}};
  apply_drug_parameters(m, regimen, p);
  TreatmentPlan treated = untreated;
  treated.doses = expand_schedule(m, regimen, 80.0, 28.0, p);
  const PatientRun run = simulate_treatment(m, p, ic_->state, treated, SolverOptions{});
  ASSERT_EQ(run.status, PatientStatus::kOk);
  const std::size_t h = static_cast<std::size_t>(m.output_index("H_PD1_C1"));
  const std::size_t no = m.outputs().size();
  EXPECT_LT(run.trajectory.outputs[7 * no + h], 0.5 * control.trajectory.outputs[7 * no + h]);
}

// Durvalumab 10 mg/kg (80 kg) every 14 days, `doses` doses, over as many fortnights; sets the
// drug's parameters in p.
TreatmentPlan durvalumab_10mgkg_q2w(const ModelDefinition& m, std::vector<double>& p, int doses) {
  const std::vector<DoseRegimen> regimen = {{"durvalumab", 0.0, 10.0, 0.0, 14.0, doses}};
  apply_drug_parameters(m, regimen, p);
  TreatmentPlan plan;
  plan.horizon_day = 14.0 * doses;
  plan.doses = expand_schedule(m, regimen, 80.0, plan.horizon_day, p);
  return plan;
}

// With CVODE's default Newton test (0.1 of the tolerance) iteration error in the fast binding
// states reaches the local error estimate and costs steps and error-test failures; the engine's
// 0.003 removes them at the same accuracy (docs/solver.md).
TEST_F(NsclcPatient, TightNewtonTestSavesStepsAtTheSameAccuracy) {
  const ModelDefinition& m = nsclc();
  std::vector<double> p = *params_;
  const TreatmentPlan plan = durvalumab_10mgkg_q2w(m, p, 4);
  SolverOptions loose;
  loose.newton_convergence = 0.1;
  const PatientRun tight = simulate_treatment(m, p, ic_->state, plan, SolverOptions{});
  const PatientRun reference = simulate_treatment(m, p, ic_->state, plan, loose);
  ASSERT_EQ(tight.status, PatientStatus::kOk);
  ASSERT_EQ(reference.status, PatientStatus::kOk);
  EXPECT_LT(static_cast<double>(tight.stats.steps), 0.8 * static_cast<double>(reference.stats.steps))
      << tight.stats.steps << " vs " << reference.stats.steps;
  EXPECT_LT(tight.stats.error_test_failures, reference.stats.error_test_failures)
      << tight.stats.error_test_failures << " vs " << reference.stats.error_test_failures;
  const std::size_t d = static_cast<std::size_t>(m.output_index("tumour_diameter_cm"));
  const std::size_t last = 56 * m.outputs().size() + d;
  EXPECT_NEAR(tight.trajectory.outputs[last], reference.trajectory.outputs[last],
              1e-6 * reference.trajectory.outputs[last]);
}

// The engine's static-pivot sparse LU (default) and SUNDIALS' KLU module factorise the same Newton
// matrices, so a treated course must agree to well within the tolerances, with similar step counts.
TEST_F(NsclcPatient, StaticPivotSparseLuAgreesWithKlu) {
  const ModelDefinition& m = nsclc();
  std::vector<double> p = *params_;
  const TreatmentPlan plan = durvalumab_10mgkg_q2w(m, p, 8);
  SolverOptions klu;
  klu.linear_solver = "klu";
  ASSERT_EQ(SolverOptions{}.linear_solver, "sparse_lu");
  const PatientRun ours = simulate_treatment(m, p, ic_->state, plan, SolverOptions{});
  const PatientRun reference = simulate_treatment(m, p, ic_->state, plan, klu);
  ASSERT_EQ(ours.status, PatientStatus::kOk) << ours.message;
  ASSERT_EQ(reference.status, PatientStatus::kOk) << reference.message;
  const std::size_t no = m.outputs().size();
  for (const char* name : {"tumour_diameter_cm", "H_PD1_C1"}) {
    const std::size_t k = static_cast<std::size_t>(m.output_index(name));
    for (std::size_t day = 0; day <= 112; day += 7) {
      const double expected = reference.trajectory.outputs[day * no + k];
      EXPECT_NEAR(ours.trajectory.outputs[day * no + k], expected, 1e-6 * std::abs(expected)) << name << " day " << day;
    }
  }
  EXPECT_NEAR(static_cast<double>(ours.stats.steps), static_cast<double>(reference.stats.steps),
              0.05 * static_cast<double>(reference.stats.steps));
}

// Tumour antibody: dX_T/dt = [q_T (X_C/g_C - X_T/g_T) - q_LD V_T X_T/g_T] / (V_T + floor). For an
// eradicated lesion (all cells gone, V_T = 0) the floor alone sets the exchange; 0 restores the
// reference's division by V_T.
TEST_F(NsclcPatient, AntibodyExchangeOfAVanishedLesionUsesTheVolumeFloor) {
  const ModelDefinition& m = nsclc();
  std::vector<double> y = ic_->state;
  for (const char* cells :
       {"V_T.C1", "V_T.C_x", "V_T.T0", "V_T.T1", "V_T.Th", "V_T.T1_exh", "V_T.Th_exh", "V_T.Mac_M1", "V_T.Mac_M2"})
    y[static_cast<std::size_t>(m.state_index(cells))] = 0.0;
  const std::size_t plasma = static_cast<std::size_t>(m.state_index("V_C.aPD1"));
  const std::size_t tumour = static_cast<std::size_t>(m.state_index("V_T.aPD1"));
  y[plasma] = 500.0;
  y[tumour] = 100.0;
  std::vector<double> p = *params_;
  std::vector<double> dy(y.size());
  const double inflow = param("q_T_aPD1_L_per_day") * (500.0 / param("gamma_C_aPD1") - 100.0 / param("gamma_T_aPD1"));
  m.rhs(0.0, y.data(), p.data(), dy.data());
  EXPECT_NEAR(dy[tumour], inflow / 1e-9, 1e-9 * std::abs(inflow / 1e-9));

  p[static_cast<std::size_t>(m.parameter_index("V_T_exchange_floor_L"))] = 0.0;
  m.rhs(0.0, y.data(), p.data(), dy.data());
  EXPECT_FALSE(std::isfinite(dy[tumour])) << "the reference rule divides by a zero volume";
}

/// Two doses of `drug` (10 mg/kg Q2W) from the model's initial state with parameter `cap` set to
/// f: the run (28 days) and the antibody-held share at day 28 of tumour-synapse PD-1 (pd1) or of
/// its PD-L1 in no synapse complex (free or antibody-held).
struct Blockade {
  PatientRun run;
  double occupancy = 0.0;
};
Blockade blockade(const std::vector<double>& params, const char* drug, const char* cap, double f, bool pd1) {
  const ModelDefinition& m = nsclc();
  const std::vector<DoseRegimen> regimen = {{drug, 0.0, 10.0, 0.0, 14.0, 2}};
  std::vector<double> p = params;
  p[static_cast<std::size_t>(m.parameter_index(cap))] = f;
  std::vector<double> y0(static_cast<std::size_t>(m.n_states()));
  m.initial_state(p.data(), y0.data());
  apply_drug_parameters(m, regimen, p);
  TreatmentPlan plan;
  plan.horizon_day = 28.0;
  plan.doses = expand_schedule(m, regimen, 80.0, 28.0, p);
  Blockade b;
  b.run = simulate_treatment(m, p, y0, plan, SolverOptions{});
  EXPECT_EQ(b.run.status, PatientStatus::kOk) << b.run.message;
  const double* y = b.run.trajectory.states.data() + 28 * static_cast<std::size_t>(m.n_states());
  auto s = [&](const char* species) { return y[m.state_index(std::string("syn_T_C1.") + species)]; };
  if (pd1) {
    const double total = synapse_totals(m, y, "syn_T_C1")[0];
    EXPECT_NEAR(total, synapse_totals(m, y0.data(), "syn_T_C1")[0], 1e-6 * total) << "PD-1 conserved, f " << f;
    b.occupancy = (s("PD1_aPD1") + 2 * s("PD1_aPD1_PD1")) / total;
  } else {
    const double bound = s("PDL1_aPDL1") + 2 * s("PDL1_aPDL1_PDL1");
    b.occupancy = bound / (bound + s("PDL1"));  // of the PD-L1 in no synapse complex
  }
  return b;
}

// f_PD1_blockable < 1: antibody occupancy of T-cell PD-1 plateaus at f however high the dose, the
// rest still binds PD-L1, and PD-1 is conserved; f = 1 is the reference (near-complete occupancy).
TEST_F(NsclcPatient, AntiPd1OccupancyPlateausAtTheBlockableFraction) {
  EXPECT_GT(blockade(*params_, "nivolumab", "f_PD1_blockable", 1.0, true).occupancy, 0.95);
  const double partial = blockade(*params_, "nivolumab", "f_PD1_blockable", 0.8, true).occupancy;
  EXPECT_LE(partial, 0.8 + 1e-6);
  EXPECT_GT(partial, 0.75);
}

// f_PDL1_blockable < 1: the same plateau for anti-PD-L1 on the cancer cells' PD-L1 not engaged by
// PD-1 or CD80 (PD-L1, unlike PD-1, is made and lost, so it is not conserved); f = 1 is the reference.
TEST_F(NsclcPatient, AntiPdl1OccupancyPlateausAtTheBlockableFraction) {
  EXPECT_GT(blockade(*params_, "durvalumab", "f_PDL1_blockable", 1.0, false).occupancy, 0.95);
  const double partial = blockade(*params_, "durvalumab", "f_PDL1_blockable", 0.8, false).occupancy;
  EXPECT_LE(partial, 0.8 + 1e-6);
  EXPECT_GT(partial, 0.75);
}

// Each cap acts only on its own antibody: with no anti-PD-L1 in the body, the PD-L1 cap multiplies
// a zero binding rate, so a nivolumab run is the same bit for bit at f_PDL1_blockable 0.5 and 1.
TEST_F(NsclcPatient, AntiPdl1CapLeavesAntiPd1TherapyUnchanged) {
  const Blockade capped = blockade(*params_, "nivolumab", "f_PDL1_blockable", 0.5, true);
  const Blockade reference = blockade(*params_, "nivolumab", "f_PDL1_blockable", 1.0, true);
  EXPECT_EQ(capped.run.stats.steps, reference.run.stats.steps);
  ASSERT_EQ(capped.run.trajectory.states.size(), reference.run.trajectory.states.size());
  for (std::size_t k = 0; k < capped.run.trajectory.states.size(); ++k)
    ASSERT_EQ(capped.run.trajectory.states[k], reference.run.trajectory.states[k]) << k;
}

// After eradication, round-off leaves cell counts of order -1e-28. A growth law applied to a
// negative count makes it grow exponentially negative until the lesion volume crosses zero and
// the solver stops (docs/models/qspio_nsclc.md): negative counts must neither grow nor count.
TEST_F(NsclcPatient, CellCountsBelowZeroNeitherGrowNorAddVolume) {
  const ModelDefinition& m = nsclc();
  std::vector<double> y = ic_->state;
  const std::size_t c1 = static_cast<std::size_t>(m.state_index("V_T.C1"));
  const std::size_t mac = static_cast<std::size_t>(m.state_index("V_T.Mac_M1"));
  const std::size_t volume = static_cast<std::size_t>(m.output_index("tumour_volume_L"));
  std::vector<double> dy(y.size()), out(m.outputs().size()), out_zero(m.outputs().size());
  y[c1] = 0.0;
  y[mac] = 0.0;
  m.compute_outputs(0.0, y.data(), params_->data(), out_zero.data());
  y[c1] = -1e-20;
  y[mac] = -1e-20;
  m.rhs(0.0, y.data(), params_->data(), dy.data());
  m.compute_outputs(0.0, y.data(), params_->data(), out.data());
  EXPECT_EQ(dy[c1], 0.0);
  EXPECT_EQ(out[volume], out_zero[volume]);
}

TEST(NsclcStatus, ParameterSetThatNeverReachesDiameterIsNotAPatient) {
  const ModelDefinition& m = nsclc();
  auto p = m.default_parameters();
  p[static_cast<std::size_t>(m.parameter_index("k_C1_growth_per_day"))] = 1e-4;  // slower than k_C1_death + killing
  TreatmentPlan plan;
  const PatientRun run = simulate_patient(m, p, InitialisationOptions{}, plan, SolverOptions{});
  EXPECT_EQ(run.status, PatientStatus::kNotAPatient);
  EXPECT_EQ(run.message, "tumour did not reach 3.7 cm within 8000 days");
  EXPECT_TRUE(run.trajectory.time_day.empty());
}

}  // namespace
}  // namespace vct
