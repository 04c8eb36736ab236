// SPDX-License-Identifier: MIT
#include "models/qspio_nsclc/population.hpp"

#include <sstream>
#include <string>

#include "core/units.hpp"

namespace vct::models {

extern const char* const kNsclcObservedImmuneRatiosCsv;  // generated from data/*.csv at build time

namespace {

using units::kMinutesPerDay;

constexpr auto lognormal = &ParameterDistribution::lognormal;
constexpr auto uniform = &ParameterDistribution::uniform;
constexpr auto loguniform = &ParameterDistribution::loguniform;

}  // namespace

std::vector<PopulationPreset> nsclc_population_presets() {
  PopulationPreset p;
  p.name = "wang2023";
  p.description = "QSP-IO NSCLC virtual-trial design: 30 parameters by Latin hypercube, durvalumab PK variability";
  p.source =
      "Wang et al. 2023 npj Precis Oncol; QSPIO-TNBC@72ba442 parameters/PSA_param_in_NSCLC.m, scripts/PK_pars.mat";
  const double q_T_in_per_cm3_min = 1e3 * kMinutesPerDay;  // 1/(cm^3 min) -> 1/(L day)
  p.distributions = {
      lognormal("k_C1_growth_per_day", 0.007, 1),
      loguniform("k_C1_death_per_day", 1e-5, 1e-3),
      loguniform("k_T1_per_day", 0.01, 1),
      loguniform("k_Treg_per_day", 0.01, 1),
      loguniform("k_cell_clear_per_day", 0.01, 1),
      lognormal("k_C_T1_per_day", 0.9, 1),
      lognormal("k_P1_d1_nM", 40, 1),
      lognormal("n_T1_clones", 92, 1),
      lognormal("n_T0_clones", 100, 1),
      uniform("N_IL2_CD8", 9, 13),
      uniform("N_IL2_CD4", 5, 11),
      uniform("q_T0_T_in_per_L_per_day", 7.25e-5 * q_T_in_per_cm3_min, 2.9e-4 * q_T_in_per_cm3_min),
      uniform("q_T1_T_in_per_L_per_day", 7.25e-5 * q_T_in_per_cm3_min, 2.9e-4 * q_T_in_per_cm3_min),
      lognormal("initial_tumour_diameter_cm", 3.7, 0.4),
      loguniform("T_PD1_total_molecule", 1.2e4, 6.2e4),
      lognormal("PD1_50_per_um2", 6, 1),
      loguniform("r_PDL2C1", 0.001, 0.1),
      loguniform("r_PDL2APC", 0.001, 0.1),
      lognormal("k_Th_Treg_per_day", 0.022, 1),
      lognormal("k_MDSC_rec_cell_per_L_per_day", 2e3 / units::kLPerMl, 0.6),
      lognormal("k_Mac_rec_cell_per_L_per_day", 2e5 / units::kLPerMl, 0.6),
      lognormal("k_M1_pol_per_day", 0.02, 1),
      lognormal("k_M2_pol_per_day", 0.25, 1),
      lognormal("k_CCL2_sec_nmol_per_cell_per_day", 1.7e-12, 0.6),
      uniform("C_CD47_per_um2", 50, 150),
      uniform("M_SIRPa_per_um2", 20, 180),
      loguniform("M_PD1_total_molecule", 1.5e3, 6.2e4),
      lognormal("k_M1_phago_per_day", 0.33, 1),
      lognormal("SIRPa_50_per_um2", 37, 0.5),
      lognormal("K_Mac_C", 2, 1),
  };

  LatentLogLinearBlock pk;
  pk.name = "durvalumab_pk";
  pk.drug = "durvalumab";
  // theta = [q_P (L/s), k_cl (L/day), gamma_P, V_C (L), k_cln (nmol/day), Kc (nM)]
  pk.parameters = {"q_P_aPDL1_L_per_day",      "k_cl_aPDL1_L_per_day", "gamma_P_aPDL1", "V_C_L",
                   "k_cln_aPDL1_nmol_per_day", "Kc_aPDL1_nM"};
  pk.unit_scale = {units::kSecondsPerDay, 1, 1, 1, 1, 1};
  pk.V.resize(6, 6);
  pk.V << 0.02395, -0.13445, -0.10683, 0.98225, 0.03586, 0.06200, 0.99325, 0.04816, 0.08069, -0.00700, 0.04159,
      -0.05333, -0.06052, -0.26688, 0.95777, 0.06754, -0.03472, 0.04501, 0.06226, -0.95282, -0.24793, -0.15629, 0.01047,
      -0.04741, -0.05687, 0.00850, 0.04547, -0.01391, 0.97198, -0.22292, 0.04590, -0.02100, -0.03487, -0.07720, 0.22568,
      0.96920;
  pk.log_centre.resize(6);
  pk.log_centre << -12.01218, -0.97852, -2.94749, 1.75386, 1.77223, 0.40579;
  pk.psi_min.resize(6);
  pk.psi_min << -0.6983, -0.2765, -0.3676, -0.1715, -0.2724, -0.2330;
  pk.psi_max.resize(6);
  pk.psi_max << 0.4035, 0.2909, 0.3650, 0.0433, 0.1930, 0.0000;
  p.latent_blocks = {pk};
  return {p};
}

const std::vector<std::array<double, 3>>& nsclc_observed_immune_log_ratios() {
  static const std::vector<std::array<double, 3>> data = [] {
    std::vector<std::array<double, 3>> rows;
    std::istringstream in(kNsclcObservedImmuneRatiosCsv);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#' || line[0] == 'l') continue;  // comments, header
      std::array<double, 3> row{};
      std::istringstream fields(line);
      std::string cell;
      for (double& v : row) {
        std::getline(fields, cell, ',');
        v = std::stod(cell);
      }
      rows.push_back(row);
    }
    return rows;
  }();
  return data;
}

}  // namespace vct::models
