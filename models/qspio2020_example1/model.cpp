// SPDX-License-Identifier: MIT
// Equations follow the flattened SimBiology export of QSP-IO example 1 (50 species, 94 reactions,
// 18 rules, 1 event), with concentration species updated as flux / compartment volume and no
// dilution term (SimBiology semantics, docs/models/qspio2020_example1.md).
#include "models/qspio2020_example1/model.hpp"

#include <cmath>

#include "core/geometry.hpp"
#include "core/tabulated_model.hpp"
#include "core/units.hpp"
#include "models/common/modules.hpp"

namespace vct::models {
namespace {

using namespace vct::units;

constexpr const char* kSrc = "Sove 2020 QSP-IO example 1 (popellab/qspio parameters/example1_parameters.json)";

// X(name, unit, value in internal units, lower, upper, description, source)
// clang-format off
#define EX1_PARAMETERS(X)                                                                                    \
  X(k_cell_clear_per_day, "1/day", 0.03, 0, kInf, "clearance of dead cancer and exhausted T cells", kSrc)    \
  X(vol_cell_L, "L/cell", 2527.3 * kLPerUm3, 0, kInf, "cancer cell volume (D = 16.9 um)", kSrc)             \
  X(vol_Tcell_L, "L/cell", 176.0 * kLPerUm3, 0, kInf, "T cell volume", kSrc)                                \
  X(V_Tmin_L, "L", 0.001 * kLPerUl, 0, kInf, "cancer-free tumour volume", kSrc)                              \
  X(k_C1_growth_per_day, "1/day", 0.012, 0, kInf, "cancer growth rate (logistic)", kSrc)                     \
  X(C_max_cell, "cell", 4.1888e12, 1, kInf, "cancer carrying capacity", kSrc)                                \
  X(k_C1_death_per_day, "1/day", 1e-5, 0, kInf, "basal cancer death rate", kSrc)                             \
  X(k_C1_therapy_per_day, "1/day", 0.0, 0, kInf, "extra therapy-induced cancer death (hook)", kSrc)          \
  X(initial_tumour_diameter_cm, "cm", 3.0, 0.01, 30, "pre-treatment tumour diameter", kSrc)                  \
  X(div_T1, "1", 1.11e6, 1, kInf, "naive CD8 TCR diversity", kSrc)                                           \
  X(n_T1_clones, "1", 100, 0, kInf, "tumour-specific CD8 clones", kSrc)                                      \
  X(q_LN_T1_in_per_day_per_L, "1/(day*L)", 0.07 / kLPerMl, 0, kInf, "naive CD8 entry into LN (x V_C)", kSrc) \
  X(q_T1_LN_out_per_day, "1/day", 1.13, 0, kInf, "CD8 exit from LN", kSrc)                                   \
  X(k_T1_act_per_day, "1/day", 20, 0, kInf, "naive CD8 activation rate", kSrc)                               \
  X(k_T1_pro_per_day, "1/day", 1, 0, kInf, "activated CD8 proliferation", kSrc)                              \
  X(k_T1_death_per_day, "1/day", 2, 0, kInf, "CD8 death", kSrc)                                              \
  X(q_T1_P_in_per_day, "1/day", 0.0402 * kMinutesPerDay, 0, kInf, "CD8 blood to periphery", kSrc)            \
  X(q_T1_P_out_per_day, "1/day", 1, 0, kInf, "CD8 periphery to blood", kSrc)                                 \
  X(q_T1_T_in_per_L_per_day, "1/(L*day)", 6.7e-7 * 1e3 * kMinutesPerDay, 0, kInf, "CD8 entry into tumour per tumour volume", kSrc) \
  X(Q_nT1_thym_cell_per_day, "cell/day", 3.2e9, 0, kInf, "thymic output of naive CD8", kSrc)                 \
  X(k_nT1_pro_cell_per_day, "cell/day", 3.2e8, 0, kInf, "naive CD8 homeostatic proliferation", kSrc)         \
  X(K_nT1_pro_cell, "cell", 1e9, 0, kInf, "half-max naive CD8 for proliferation", kSrc)                      \
  X(k_nT1_death_per_day, "1/day", 0.002, 0, kInf, "naive CD8 death", kSrc)                                   \
  X(k_IL2_deg_per_day, "1/day", 0.2 * kMinutesPerDay, 0, kInf, "IL-2 degradation", kSrc)                     \
  X(k_IL2_cons_nmol_per_cell_per_day, "nmol/cell/day", 6e-6 * kHoursPerDay, 0, kInf, "IL-2 consumption per T cell", kSrc) \
  X(k_IL2_sec_nmol_per_cell_per_day, "nmol/cell/day", 3e-5 * kHoursPerDay, 0, kInf, "IL-2 secretion per activated T cell", kSrc) \
  X(IL2_50_nM, "nM", 0.32, 0, kInf, "IL-2 half-max (Teff)", kSrc)                                            \
  X(IL2_50_Treg_nM, "nM", 0.0032, 0, kInf, "IL-2 half-max (Treg)", kSrc)                                     \
  X(N0, "1", 15, 0, 60, "generations from TCR signal", kSrc)                                                 \
  X(N_IL2, "1", 2, 0, 60, "extra generations from IL-2", kSrc)                                               \
  X(k_T1_per_day, "1/day", 0.1, 0, kInf, "CD8 exhaustion by cancer cells (PD-1 gated)", kSrc)                \
  X(k_C_T1_per_day, "1/day", 18, 0, kInf, "cancer killing by CD8", kSrc)                                     \
  X(k_Treg_per_day, "1/day", 0.1, 0, kInf, "CD8 inactivation by Treg", kSrc)                                 \
  X(div_T0, "1", 1.16e6, 1, kInf, "naive CD4 TCR diversity", kSrc)                                           \
  X(n_T0_clones, "1", 1000, 0, kInf, "self-antigen Treg clones", kSrc)                                       \
  X(q_LN_T0_in_per_day_per_L, "1/(day*L)", 0.07 / kLPerMl, 0, kInf, "naive Treg entry into LN (x V_C)", kSrc) \
  X(q_T0_LN_out_per_day, "1/day", 1.13, 0, kInf, "Treg exit from LN", kSrc)                                  \
  X(k_T0_act_per_day, "1/day", 20, 0, kInf, "naive Treg activation", kSrc)                                   \
  X(k_T0_pro_per_day, "1/day", 1, 0, kInf, "activated Treg proliferation", kSrc)                             \
  X(k_T0_death_per_day, "1/day", 2, 0, kInf, "Treg death", kSrc)                                             \
  X(q_T0_P_in_per_day, "1/day", 0.0402 * kMinutesPerDay, 0, kInf, "Treg blood to periphery", kSrc)           \
  X(q_T0_P_out_per_day, "1/day", 0.015, 0, kInf, "Treg periphery to blood", kSrc)                            \
  X(q_T0_T_in_per_L_per_day, "1/(L*day)", 6.7e-7 * 1e3 * kMinutesPerDay, 0, kInf, "Treg entry into tumour per tumour volume", kSrc) \
  X(Q_nT0_thym_cell_per_day, "cell/day", 5e8, 0, kInf, "thymic output of naive Treg", kSrc)                  \
  X(k_nT0_pro_cell_per_day, "cell/day", 3.2e8, 0, kInf, "naive Treg homeostatic proliferation", kSrc)        \
  X(K_nT0_pro_cell, "cell", 1e9, 0, kInf, "half-max naive Treg for proliferation", kSrc)                     \
  X(k_nT0_death_per_day, "1/day", 0.002, 0, kInf, "naive Treg death", kSrc)                                  \
  X(k_APC_mat_per_day, "1/day", 1.5, 0, kInf, "APC maturation", kSrc)                                        \
  X(k_APC_mig_per_day, "1/day", 4, 0, kInf, "mAPC migration tumour to LN", kSrc)                             \
  X(k_APC_death_per_day, "1/day", 0.01, 0, kInf, "APC turnover", kSrc)                                       \
  X(k_mAPC_death_per_day, "1/day", 0.02, 0, kInf, "mAPC death", kSrc)                                        \
  X(APC0_T_cell_per_L, "cell/L", 4e5 / kLPerMl, 0, kInf, "APC density in tumour", kSrc)                      \
  X(APC0_LN_cell_per_L, "cell/L", 1.2e6 / kLPerMl, 0, kInf, "APC density in LN", kSrc)                       \
  X(k_c_per_day, "1/day", 2, 0, kInf, "maturation cytokine turnover", kSrc)                                  \
  X(c0_nM, "nM", 1e-9 * kNmPerM, 0, kInf, "baseline maturation cytokine", kSrc)                              \
  X(c50_nM, "nM", 1e-9 * kNmPerM, 0, kInf, "half-max maturation cytokine", kSrc)                             \
  X(DAMPs_nmol_per_cell, "nmol/cell", 1.34e-14 * kNmolPerMol, 0, kInf, "DAMPs released per killed cell", kSrc) \
  X(n_sites_APC, "1", 10, 0, kInf, "T cells one APC engages", kSrc)                                          \
  X(kin_per_day, "1/day", 14.4, 0, kInf, "MHC internalisation", kSrc)                                        \
  X(kout_per_day, "1/day", 28.8, 0, kInf, "MHC externalisation", kSrc)                                       \
  X(k_P0_up_per_cell_per_day, "1/(cell*day)", 14.4, 0, kInf, "self-antigen uptake per mAPC", kSrc)           \
  X(k_xP0_deg_per_day, "1/day", 2, 0, kInf, "extracellular self-antigen degradation", kSrc)                  \
  X(k_P0_deg_per_day, "1/day", 17.28, 0, kInf, "endosomal self-antigen processing", kSrc)                    \
  X(k_p0_deg_per_day, "1/day", 144, 0, kInf, "endosomal self-epitope degradation", kSrc)                     \
  X(k_P0_on_per_nM_per_day, "1/(nM*day)", 1.44e5 / kNmPerM, 0, kInf, "self-epitope/MHC association", kSrc)   \
  X(k_P0_d1_nM, "nM", 1e-7 * kNmPerM, 0, kInf, "self-epitope/MHC Kd", kSrc)                                  \
  X(p0_50_per_um2, "molecule/um^2", 2.6455e-5, 0, kInf, "pMHC-TCR density for half-max Treg activation", kSrc) \
  X(P0_C1_nM_per_cell, "nM/cell", 1e-8 * kNmPerM, 0, kInf, "self-antigen released per dying cell", kSrc)      \
  X(k_TCR_on_um2_per_day, "um^2/(molecule*day)", 1 * kSecondsPerDay, 0, kInf, "pMHC-TCR 2-D on-rate", kSrc)  \
  X(k_TCR_off_per_day, "1/day", 1 * kSecondsPerDay, 0, kInf, "pMHC-TCR off-rate", kSrc)                      \
  X(k_TCR_p_per_day, "1/day", 1 * kSecondsPerDay, 0, kInf, "kinetic-proofreading step rate", kSrc)           \
  X(phi_TCR_per_day, "1/day", 0.09 * kSecondsPerDay, 0, kInf, "limited-signalling rate", kSrc)               \
  X(N_TCR, "1", 10, 0, 100, "kinetic-proofreading steps", kSrc)                                              \
  X(TCR_tot_per_um2, "molecule/um^2", 103.81, 0, kInf, "TCR density", kSrc)                                  \
  X(k_P1_up_per_cell_per_day, "1/(cell*day)", 14.4, 0, kInf, "neo-antigen uptake per mAPC", kSrc)           \
  X(k_xP1_deg_per_day, "1/day", 2, 0, kInf, "extracellular neo-antigen degradation", kSrc)                  \
  X(k_P1_deg_per_day, "1/day", 17.28, 0, kInf, "endosomal neo-antigen processing", kSrc)                    \
  X(k_p1_deg_per_day, "1/day", 144, 0, kInf, "endosomal neo-epitope degradation", kSrc)                     \
  X(k_P1_on_per_nM_per_day, "1/(nM*day)", 1.44e5 / kNmPerM, 0, kInf, "neo-epitope/MHC association", kSrc)   \
  X(k_P1_d1_nM, "nM", 4e-8 * kNmPerM, 0, kInf, "neo-epitope/MHC Kd", kSrc)                                  \
  X(p1_50_per_um2, "molecule/um^2", 2.6455e-5, 0, kInf, "pMHC-TCR density for half-max CD8 activation", kSrc) \
  X(P1_C1_nM_per_cell, "nM/cell", 1e-8 * kNmPerM, 0, kInf, "neo-antigen released per dying cell", kSrc)      \
  X(kon_PD1_PDL1_um2_per_day, "um^2/(molecule*day)", 0.058333 * kUm2PerMoleculePerInvUmNm * kSecondsPerDay, 0, kInf, "PD-1/PD-L1 2-D on-rate", kSrc) \
  X(koff_PD1_PDL1_per_day, "1/day", 1.435 * kSecondsPerDay, 0, kInf, "PD-1/PD-L1 off-rate", kSrc)            \
  X(kon_PD1_PDL2_um2_per_day, "um^2/(molecule*day)", 0.076667 * kUm2PerMoleculePerInvUmNm * kSecondsPerDay, 0, kInf, "PD-1/PD-L2 2-D on-rate", kSrc) \
  X(koff_PD1_PDL2_per_day, "1/day", 0.529 * kSecondsPerDay, 0, kInf, "PD-1/PD-L2 off-rate", kSrc)            \
  X(kon_PD1_aPD1_per_nM_per_day, "1/(nM*day)", 1.3e6 / kNmPerM * kSecondsPerDay, 0, kInf, "anti-PD-1 on-rate", kSrc) \
  X(koff_PD1_aPD1_per_day, "1/day", 0.00338 * kSecondsPerDay, 0, kInf, "anti-PD-1 off-rate", kSrc)           \
  X(Chi_PD1_nM_um2, "nM*um^2/molecule", 3.3333 * kChiPerNmToInternal, 0, kInf, "anti-PD-1 cross-arm factor", kSrc) \
  X(kon_PDL1_aPDL1_per_nM_per_day, "1/(nM*day)", 4.3e5 / kNmPerM * kSecondsPerDay, 0, kInf, "anti-PD-L1 on-rate", kSrc) \
  X(koff_PDL1_aPDL1_per_day, "1/day", 0.028595 * kSecondsPerDay, 0, kInf, "anti-PD-L1 off-rate", kSrc)       \
  X(Chi_PDL1_nM_um2, "nM*um^2/molecule", 33.333 * kChiPerNmToInternal, 0, kInf, "anti-PD-L1 cross-arm factor", kSrc) \
  X(PD1_50_per_um2, "molecule/um^2", 20, 0, kInf, "PD-1 complex density for half-max inhibition", kSrc)      \
  X(n_PD1, "1", 2, 0, 10, "Hill coefficient of PD-1 inhibition", kSrc)                                       \
  X(V_C_L, "L", 5, 0, kInf, "central (blood) volume", kSrc)                                                  \
  X(V_P_L, "L", 60, 0, kInf, "peripheral volume", kSrc)                                                      \
  X(V_LN_L, "L", 1374.4 * kLPerMm3, 0, kInf, "lymph-node volume", kSrc)                                      \
  X(V_e_L, "L", 4e-16, 0, kInf, "endosomal volume of one APC", kSrc)                                        \
  X(A_e_um2, "um^2", 15, 0, kInf, "endosomal membrane area", kSrc)                                          \
  X(A_s_um2, "um^2", 900, 0, kInf, "APC surface area", kSrc)                                                \
  X(q_P_aPD1_per_day, "1/day", 1.73655e-7 * kSecondsPerDay, 0, kInf, "antibody central-peripheral exchange (x V_C)", kSrc) \
  X(q_T_aPD1_per_day, "1/day", 8.52e-6 * kSecondsPerDay, 0, kInf, "antibody central-tumour exchange (x V_C)", kSrc) \
  X(q_LN_aPD1_per_day, "1/day", 1.73655e-7 * kSecondsPerDay, 0, kInf, "antibody central-LN exchange (x V_C)", kSrc) \
  X(q_LD_aPD1_per_day, "1/day", 0.0015 * kMinutesPerDay, 0, kInf, "lymphatic drainage", kSrc)                \
  X(k_cl_aPD1_per_day, "1/day", 7.1813e-7 * kSecondsPerDay, 0, kInf, "antibody clearance", kSrc)             \
  X(gamma_C_aPD1, "1", 0.77378, 1e-6, 1, "antibody-available fraction, central", kSrc)                       \
  X(gamma_P_aPD1, "1", 0.058847, 1e-6, 1, "antibody-available fraction, peripheral", kSrc)                   \
  X(gamma_T_aPD1, "1", 0.718, 1e-6, 1, "antibody-available fraction, tumour", kSrc)                          \
  X(gamma_LN_aPD1, "1", 0.1, 1e-6, 1, "antibody-available fraction, LN", kSrc)
// clang-format on

namespace par {
#define X_ENUM(name, unit, value, lo, hi, desc, src) name,
enum : int { EX1_PARAMETERS(X_ENUM) kCount };
#undef X_ENUM
}  // namespace par

// X(enum name, display name, unit, compartment, description)
// clang-format off
#define EX1_STATES(X)                                                            \
  X(C_nT1, "V_C.nT1", "cell", "V_C", "naive CD8 per clone, blood")             \
  X(C_T1, "V_C.T1", "cell", "V_C", "effector CD8, blood")                      \
  X(C_nT0, "V_C.nT0", "cell", "V_C", "naive CD4 (Treg lineage) per clone, blood") \
  X(C_T0, "V_C.T0", "cell", "V_C", "Treg, blood")                              \
  X(C_aPD1, "V_C.aPD1", "nM", "V_C", "nivolumab, blood")                       \
  X(P_nT1, "V_P.nT1", "cell", "V_P", "naive CD8 per clone, periphery")         \
  X(P_T1, "V_P.T1", "cell", "V_P", "effector CD8, periphery")                  \
  X(P_nT0, "V_P.nT0", "cell", "V_P", "naive CD4 per clone, periphery")         \
  X(P_T0, "V_P.T0", "cell", "V_P", "Treg, periphery")                          \
  X(P_aPD1, "V_P.aPD1", "nM", "V_P", "nivolumab, periphery")                   \
  X(C_x, "V_T.C_x", "cell", "V_T", "dead cancer cells")                        \
  X(T_exh, "V_T.T_exh", "cell", "V_T", "exhausted/dead T cells")               \
  X(C1, "V_T.C1", "cell", "V_T", "cancer cells")                               \
  X(T_T1, "V_T.T1", "cell", "V_T", "effector CD8, tumour")                     \
  X(T_T0, "V_T.T0", "cell", "V_T", "Treg, tumour")                             \
  X(T_APC, "V_T.APC", "cell", "V_T", "immature APC, tumour")                   \
  X(T_mAPC, "V_T.mAPC", "cell", "V_T", "mature APC, tumour")                   \
  X(c, "V_T.c", "nM", "V_T", "APC maturation cytokine")                        \
  X(T_P0, "V_T.P0", "nM", "V_T", "free self-antigen")                          \
  X(T_P1, "V_T.P1", "nM", "V_T", "free neo-antigen")                           \
  X(T_aPD1, "V_T.aPD1", "nM", "V_T", "nivolumab, tumour")                      \
  X(LN_nT1, "V_LN.nT1", "cell", "V_LN", "naive CD8 per clone, LN")             \
  X(aT1, "V_LN.aT1", "cell", "V_LN", "activated CD8, LN")                      \
  X(LN_T1, "V_LN.T1", "cell", "V_LN", "effector CD8, LN")                      \
  X(IL2, "V_LN.IL2", "nM", "V_LN", "interleukin-2")                            \
  X(LN_nT0, "V_LN.nT0", "cell", "V_LN", "naive CD4 per clone, LN")             \
  X(aT0, "V_LN.aT0", "cell", "V_LN", "activated Treg, LN")                     \
  X(LN_T0, "V_LN.T0", "cell", "V_LN", "Treg, LN")                              \
  X(LN_APC, "V_LN.APC", "cell", "V_LN", "immature APC, LN")                    \
  X(LN_mAPC, "V_LN.mAPC", "cell", "V_LN", "mature APC, LN")                    \
  X(LN_aPD1, "V_LN.aPD1", "nM", "V_LN", "nivolumab, LN")                       \
  X(e_P0, "V_e.P0", "nM", "V_e", "endosomal self-antigen")                     \
  X(e_p0, "V_e.p0", "nM", "V_e", "endosomal self-epitope")                     \
  X(e_P1, "V_e.P1", "nM", "V_e", "endosomal neo-antigen")                      \
  X(e_p1, "V_e.p1", "nM", "V_e", "endosomal neo-epitope")                      \
  X(e_M1, "A_e.M1", "molecule/um^2", "A_e", "free MHC, endosome")              \
  X(e_M1p0, "A_e.M1p0", "molecule/um^2", "A_e", "self pMHC, endosome")         \
  X(e_M1p1, "A_e.M1p1", "molecule/um^2", "A_e", "neo pMHC, endosome")          \
  X(s_M1, "A_s.M1", "molecule/um^2", "A_s", "free MHC, APC surface")           \
  X(s_M1p0, "A_s.M1p0", "molecule/um^2", "A_s", "self pMHC, APC surface")      \
  X(s_M1p1, "A_s.M1p1", "molecule/um^2", "A_s", "neo pMHC, APC surface")       \
  X(PD1_PDL1, "syn_T1_C1.PD1_PDL1", "molecule/um^2", "syn_T1_C1", "PD-1:PD-L1") \
  X(PD1_PDL2, "syn_T1_C1.PD1_PDL2", "molecule/um^2", "syn_T1_C1", "PD-1:PD-L2") \
  X(PD1, "syn_T1_C1.PD1", "molecule/um^2", "syn_T1_C1", "free PD-1")           \
  X(PDL1, "syn_T1_C1.PDL1", "molecule/um^2", "syn_T1_C1", "free PD-L1")        \
  X(PDL2, "syn_T1_C1.PDL2", "molecule/um^2", "syn_T1_C1", "free PD-L2")        \
  X(PD1_aPD1, "syn_T1_C1.PD1_aPD1", "molecule/um^2", "syn_T1_C1", "PD-1 bound by one antibody arm") \
  X(PD1_aPD1_PD1, "syn_T1_C1.PD1_aPD1_PD1", "molecule/um^2", "syn_T1_C1", "antibody bridging two PD-1") \
  X(PDL1_aPDL1, "syn_T1_C1.PDL1_aPDL1", "molecule/um^2", "syn_T1_C1", "PD-L1 bound by one antibody arm") \
  X(PDL1_aPDL1_PDL1, "syn_T1_C1.PDL1_aPDL1_PDL1", "molecule/um^2", "syn_T1_C1", "antibody bridging two PD-L1")
// clang-format on

namespace st {
#define X_ENUM(name, display, unit, comp, desc) name,
enum : int { EX1_STATES(X_ENUM) kCount };
#undef X_ENUM
}  // namespace st

enum Out : int {
  kTumourVolume,
  kTumourDiameter,
  kCancerCells,
  kTumourT,
  kCd8Density,
  kHPD1,
  kDrugPlasma,
  kDrugTumour,
  kHP1,
  kHP0,
  kOutCount
};

template <class T>
T tumour_volume(const T* y, const double* p) {
  return p[par::V_Tmin_L] + p[par::vol_cell_L] * (y[st::C_x] + y[st::C1]) +
         p[par::vol_Tcell_L] * (y[st::T_exh] + y[st::T_T1] + y[st::T_T0]);
}

template <class T>
void eval_rhs(const T* y, const double* p, T* dy) {
  using std::exp2;
  using std::pow;
  namespace P = par;
  namespace S = st;
  const T C_total = y[S::C1];
  const T T_total = y[S::T_T1] + y[S::T_T0];
  const T V_T = tumour_volume(y, p);
  const T H_PD1_C1 = hill(y[S::PD1_PDL1] + y[S::PD1_PDL2], p[P::PD1_50_per_um2], p[P::n_PD1]);
  const T denom = C_total + T_total + 1.0;  // "+ cell" avoids 0/0

  const double proofreading =
      proofreading_factor(p[P::k_TCR_off_per_day], p[P::phi_TCR_per_day], p[P::k_TCR_p_per_day], p[P::N_TCR]);
  const double kd_tcr = p[P::k_TCR_off_per_day] / p[P::k_TCR_on_um2_per_day];
  const T pTCR1 = proofreading * tcr_complexes(T(y[S::s_M1p1] / p[P::n_T1_clones]), p[P::TCR_tot_per_um2], kd_tcr);
  const T H_P1 = pTCR1 / (pTCR1 + p[P::p1_50_per_um2]);
  // Self antigen: plain receptor occupancy, no proofreading (QSP-IO 2020).
  const T pTCR0 = tcr_complexes(T(y[S::s_M1p0] / p[P::n_T0_clones]), p[P::TCR_tot_per_um2], kd_tcr);
  const T H_P0 = pTCR0 / (pTCR0 + p[P::p0_50_per_um2]);

  const T N_aT = p[P::N0] + p[P::N_IL2] * y[S::IL2] / (p[P::IL2_50_nM] + y[S::IL2]);
  const T expansion = exp2(N_aT);
  const T T_total_LN = y[S::LN_T1];
  const T H_mAPC = p[P::n_sites_APC] * y[S::LN_mAPC] / (p[P::n_sites_APC] * y[S::LN_mAPC] + T_total_LN + 1.0);
  const T H_APC = p[P::n_sites_APC] * y[S::LN_APC] / (p[P::n_sites_APC] * y[S::LN_APC] + T_total_LN + 1.0);

  const T kill = p[P::k_C_T1_per_day] * y[S::T_T1] * y[S::C1] / denom * (1.0 - H_PD1_C1);  // R_Tcell

  // Cancer and dead cells
  const T growth = p[P::k_C1_growth_per_day] * y[S::C1] * (1.0 - C_total / p[P::C_max_cell]);
  const T basal_death = p[P::k_C1_death_per_day] * y[S::C1];
  dy[S::C1] = growth - basal_death - kill;
  dy[S::C_x] = basal_death + kill - p[P::k_cell_clear_per_day] * y[S::C_x];

  // Naive T cells (per clone), i = 1 CD8, i = 0 Treg lineage
  const double V_C = p[P::V_C_L];
  auto naive = [&](int iC, int iP, int iLN, double Q, double div, double kpro, double Kpro, double kdeath, double qPin,
                   double qPout, double qLNin, double qLNout, const T& activation) {
    const T pro_P = kpro / div * y[iP] / (Kpro / div + y[iP]);
    const T pro_C = kpro / div * y[iC] / (Kpro / div + y[iC]);
    dy[iC] = Q / div + pro_C - kdeath * y[iC] - qPin * y[iC] + qPout * y[iP] - qLNin * y[iC] * V_C + qLNout * y[iLN];
    dy[iP] = pro_P - kdeath * y[iP] + qPin * y[iC] - qPout * y[iP];
    dy[iLN] = qLNin * y[iC] * V_C - qLNout * y[iLN] - activation;
  };
  const T act1 = p[P::k_T1_act_per_day] * H_mAPC * H_P1 * y[S::LN_nT1];
  const T act0 = p[P::k_T0_act_per_day] * H_APC * H_P0 * y[S::LN_nT0];
  naive(S::C_nT1, S::P_nT1, S::LN_nT1, p[P::Q_nT1_thym_cell_per_day], p[P::div_T1], p[P::k_nT1_pro_cell_per_day],
        p[P::K_nT1_pro_cell], p[P::k_nT1_death_per_day], p[P::q_T1_P_in_per_day], p[P::q_T1_P_out_per_day],
        p[P::q_LN_T1_in_per_day_per_L], p[P::q_T1_LN_out_per_day], act1);
  naive(S::C_nT0, S::P_nT0, S::LN_nT0, p[P::Q_nT0_thym_cell_per_day], p[P::div_T0], p[P::k_nT0_pro_cell_per_day],
        p[P::K_nT0_pro_cell], p[P::k_nT0_death_per_day], p[P::q_T0_P_in_per_day], p[P::q_T0_P_out_per_day],
        p[P::q_LN_T0_in_per_day_per_L], p[P::q_T0_LN_out_per_day], act0);

  // Activated and mature T cells
  dy[S::aT1] = act1 * p[P::n_T1_clones] - p[P::k_T1_pro_per_day] * y[S::aT1];
  dy[S::aT0] = act0 * p[P::n_T0_clones] - p[P::k_T0_pro_per_day] * y[S::aT0];
  const T treg_suppression = p[P::k_Treg_per_day] * y[S::T_T1] * y[S::T_T0] / denom;
  const T exhaustion = p[P::k_T1_per_day] * y[S::T_T1] * C_total / denom * H_PD1_C1;
  dy[S::LN_T1] = p[P::k_T1_pro_per_day] * expansion * y[S::aT1] - p[P::k_T1_death_per_day] * y[S::LN_T1] -
                 p[P::q_T1_LN_out_per_day] * y[S::LN_T1];
  dy[S::C_T1] = -p[P::k_T1_death_per_day] * y[S::C_T1] - p[P::q_T1_P_in_per_day] * y[S::C_T1] +
                p[P::q_T1_P_out_per_day] * y[S::P_T1] - p[P::q_T1_T_in_per_L_per_day] * V_T * y[S::C_T1] +
                p[P::q_T1_LN_out_per_day] * y[S::LN_T1];
  dy[S::P_T1] = -p[P::k_T1_death_per_day] * y[S::P_T1] + p[P::q_T1_P_in_per_day] * y[S::C_T1] -
                p[P::q_T1_P_out_per_day] * y[S::P_T1];
  dy[S::T_T1] = -p[P::k_T1_death_per_day] * y[S::T_T1] - treg_suppression - exhaustion +
                p[P::q_T1_T_in_per_L_per_day] * V_T * y[S::C_T1];
  dy[S::LN_T0] = p[P::k_T0_pro_per_day] * expansion * y[S::aT0] - p[P::k_T0_death_per_day] * y[S::LN_T0] -
                 p[P::q_T0_LN_out_per_day] * y[S::LN_T0];
  dy[S::C_T0] = -p[P::k_T0_death_per_day] * y[S::C_T0] - p[P::q_T0_P_in_per_day] * y[S::C_T0] +
                p[P::q_T0_P_out_per_day] * y[S::P_T0] - p[P::q_T0_T_in_per_L_per_day] * V_T * y[S::C_T0] +
                p[P::q_T0_LN_out_per_day] * y[S::LN_T0];
  dy[S::P_T0] = -p[P::k_T0_death_per_day] * y[S::P_T0] + p[P::q_T0_P_in_per_day] * y[S::C_T0] -
                p[P::q_T0_P_out_per_day] * y[S::P_T0];
  dy[S::T_T0] = -p[P::k_T0_death_per_day] * y[S::T_T0] + p[P::q_T0_T_in_per_L_per_day] * V_T * y[S::C_T0];
  dy[S::T_exh] = -p[P::k_cell_clear_per_day] * y[S::T_exh] + p[P::k_T1_death_per_day] * y[S::T_T1] + treg_suppression +
                 exhaustion + p[P::k_T0_death_per_day] * y[S::T_T0];

  // IL-2 in the lymph node (nmol/day over V_LN)
  const double V_LN = p[P::V_LN_L];
  dy[S::IL2] = (p[P::k_IL2_sec_nmol_per_cell_per_day] * y[S::aT1] -
                p[P::k_IL2_cons_nmol_per_cell_per_day] * T_total_LN * y[S::IL2] / (p[P::IL2_50_nM] + y[S::IL2]) -
                p[P::k_IL2_cons_nmol_per_cell_per_day] * y[S::LN_T0] * y[S::IL2] / (p[P::IL2_50_Treg_nM] + y[S::IL2])) /
                   V_LN -
               p[P::k_IL2_deg_per_day] * y[S::IL2];

  // APCs and maturation cytokine
  const T maturation = p[P::k_APC_mat_per_day] * y[S::c] / (y[S::c] + p[P::c50_nM]) * y[S::T_APC];
  dy[S::T_APC] = p[P::k_APC_death_per_day] * (p[P::APC0_T_cell_per_L] * V_T - y[S::T_APC]) - maturation;
  dy[S::T_mAPC] = maturation - p[P::k_APC_mig_per_day] * y[S::T_mAPC] - p[P::k_mAPC_death_per_day] * y[S::T_mAPC];
  dy[S::LN_APC] = p[P::k_APC_death_per_day] * (p[P::APC0_LN_cell_per_L] * V_LN - y[S::LN_APC]);
  dy[S::LN_mAPC] = p[P::k_APC_mig_per_day] * y[S::T_mAPC] - p[P::k_mAPC_death_per_day] * y[S::LN_mAPC];
  dy[S::c] = p[P::k_c_per_day] * (p[P::c0_nM] - y[S::c]) + kill * p[P::DAMPs_nmol_per_cell] / V_T;

  // Antigen release, uptake (by LN mAPCs in this version), processing and MHC loading
  const T release_rate = (p[P::k_C1_death_per_day] + p[P::k_C1_therapy_per_day] +
                          p[P::k_C_T1_per_day] * y[S::T_T1] / denom * (1.0 - H_PD1_C1)) *
                         y[S::C1];
  auto rates = [&](double kx, double kup, double kdeg, double kpdeg, double kon, double kd) {
    return AntigenRates{kx, kup, kdeg, kpdeg, kon, kd, p[P::kout_per_day], p[P::A_e_um2], p[P::A_s_um2], p[P::V_e_L]};
  };
  const T bind0 =
      antigen_presentation(y, dy, AntigenIndices{S::T_P0, S::e_P0, S::e_p0, S::e_M1p0, S::s_M1p0},
                           rates(p[P::k_xP0_deg_per_day], p[P::k_P0_up_per_cell_per_day], p[P::k_P0_deg_per_day],
                                 p[P::k_p0_deg_per_day], p[P::k_P0_on_per_nM_per_day], p[P::k_P0_d1_nM]),
                           T(p[P::n_T0_clones] * p[P::P0_C1_nM_per_cell] * release_rate), y[S::LN_mAPC], y[S::e_M1]);
  const T bind1 =
      antigen_presentation(y, dy, AntigenIndices{S::T_P1, S::e_P1, S::e_p1, S::e_M1p1, S::s_M1p1},
                           rates(p[P::k_xP1_deg_per_day], p[P::k_P1_up_per_cell_per_day], p[P::k_P1_deg_per_day],
                                 p[P::k_p1_deg_per_day], p[P::k_P1_on_per_nM_per_day], p[P::k_P1_d1_nM]),
                           T(p[P::n_T1_clones] * p[P::P1_C1_nM_per_cell] * release_rate), y[S::LN_mAPC], y[S::e_M1]);
  const T cycling = p[P::kout_per_day] * y[S::e_M1] * p[P::A_e_um2] - p[P::kin_per_day] * y[S::s_M1] * p[P::A_s_um2];
  dy[S::e_M1] = -cycling / p[P::A_e_um2] - bind0 - bind1;
  dy[S::s_M1] = cycling / p[P::A_s_um2] + p[P::k_P0_d1_nM] * p[P::k_P0_on_per_nM_per_day] * y[S::s_M1p0] +
                p[P::k_P1_d1_nM] * p[P::k_P1_on_per_nM_per_day] * y[S::s_M1p1];

  // Nivolumab PK: first-order exchange constants multiplied by V_C (SimBiology flux rule)
  const double gC = p[P::gamma_C_aPD1], gP = p[P::gamma_P_aPD1], gT = p[P::gamma_T_aPD1], gLN = p[P::gamma_LN_aPD1];
  const T to_P = p[P::q_P_aPD1_per_day] * (y[S::C_aPD1] / gC - y[S::P_aPD1] / gP) * V_C;
  const T to_T = p[P::q_T_aPD1_per_day] * (y[S::C_aPD1] / gC - y[S::T_aPD1] / gT) * V_C;
  const T to_LN = p[P::q_LN_aPD1_per_day] * (y[S::C_aPD1] / gC - y[S::LN_aPD1] / gLN) * V_C;
  const T drain_T = p[P::q_LD_aPD1_per_day] * y[S::T_aPD1] / gT * V_T;
  const T drain_LN = p[P::q_LD_aPD1_per_day] * y[S::LN_aPD1] / gLN * V_LN;
  const T clearance = p[P::k_cl_aPD1_per_day] * y[S::C_aPD1] * V_C;
  dy[S::C_aPD1] = (-to_P - to_T - to_LN + drain_LN - clearance) / V_C;
  dy[S::P_aPD1] = to_P / p[P::V_P_L];
  dy[S::T_aPD1] = (to_T - drain_T) / V_T;
  dy[S::LN_aPD1] = (to_LN + drain_T - drain_LN) / V_LN;

  // T1-C1 synapse; the source passes gamma_C (not gamma_T) for the tumour antibody: kept as is.
  const T aPD1 = y[S::T_aPD1] / gC;
  const double aPDL1 = 0.0;
  const T r89 = p[P::kon_PD1_PDL1_um2_per_day] * y[S::PD1] * y[S::PDL1] - p[P::koff_PD1_PDL1_per_day] * y[S::PD1_PDL1];
  const T r90 = p[P::kon_PD1_PDL2_um2_per_day] * y[S::PD1] * y[S::PDL2] - p[P::koff_PD1_PDL2_per_day] * y[S::PD1_PDL2];
  const T r91 =
      2.0 * p[P::kon_PD1_aPD1_per_nM_per_day] * y[S::PD1] * aPD1 - p[P::koff_PD1_aPD1_per_day] * y[S::PD1_aPD1];
  const T r92 = p[P::Chi_PD1_nM_um2] * p[P::kon_PD1_aPD1_per_nM_per_day] * y[S::PD1] * y[S::PD1_aPD1] -
                2.0 * p[P::koff_PD1_aPD1_per_day] * y[S::PD1_aPD1_PD1];
  const T r93 =
      2.0 * p[P::kon_PDL1_aPDL1_per_nM_per_day] * y[S::PDL1] * aPDL1 - p[P::koff_PDL1_aPDL1_per_day] * y[S::PDL1_aPDL1];
  const T r94 = p[P::Chi_PDL1_nM_um2] * p[P::kon_PDL1_aPDL1_per_nM_per_day] * y[S::PDL1] * y[S::PDL1_aPDL1] -
                2.0 * p[P::koff_PDL1_aPDL1_per_day] * y[S::PDL1_aPDL1_PDL1];
  dy[S::PD1_PDL1] = r89;
  dy[S::PD1_PDL2] = r90;
  dy[S::PD1] = -r89 - r90 - r91 - r92;
  dy[S::PDL1] = -r89 - r93 - r94;
  dy[S::PDL2] = -r90;
  dy[S::PD1_aPD1] = r91 - r92;
  dy[S::PD1_aPD1_PD1] = r92;
  dy[S::PDL1_aPDL1] = r93 - r94;
  dy[S::PDL1_aPDL1_PDL1] = r94;
}

class Example1Model final : public TabulatedModel {
 public:
  Example1Model() : TabulatedModel("qspio2020_example1", "QSP-IO 2020 example 1 (NSCLC-like, nivolumab)") {
#define X_PARAM(name, unit, value, lo, hi, desc, src) parameters_.push_back({#name, unit, value, lo, hi, desc, src});
    EX1_PARAMETERS(X_PARAM)
#undef X_PARAM
#define X_STATE(name, display, unit, comp, desc) states_.push_back({display, unit, comp, desc});
    EX1_STATES(X_STATE)
#undef X_STATE
    outputs_ = {
        {"tumour_volume_L", "L", "V_T = V_Tmin + cell volumes (no Ve_T in this model)"},
        {"tumour_diameter_cm", "cm", "diameter of the equivalent sphere, 2(3V_T/4pi)^(1/3)"},
        {"cancer_cells", "cell", "C1"},
        {"tumour_T_cells", "cell", "V_T.T1 + V_T.T0"},
        {"cd8_density_per_uL", "cell/uL", "V_T.T1 / V_T"},
        {"H_PD1_C1", "1", "PD-1 inhibition of killing in the T1-C1 synapse"},
        {"aPD1_plasma_nM", "nM", "nivolumab in blood"},
        {"aPD1_tumour_nM", "nM", "nivolumab in tumour"},
        {"H_P1", "1", "neo-antigen TCR signal"},
        {"H_P0", "1", "self-antigen TCR signal"},
    };
    drug_slots_ = {{"aPD1", "PD-1", "V_C.aPD1", "V_C_L"}};
    // Example 1 ships nivolumab only; its PK constants are the slot defaults above.
    drugs_ = {{"nivolumab", "aPD1", 1.436e8, {}, "QIO model/pk_parameters.m (Bajaj 2017 PMID 28019091)"}};
    events_ = {{"tumour_eradication", "V_T.C1", 0.9, 0.0}};
  }

  bool supports_growth_initialisation() const override { return false; }

  void initial_state(const double* p, double* y) const override { published_treatment_start_state(p, y); }

  bool published_treatment_start_state(const double*, double* y) const override {
    // State at D_T = 3 cm from the flattened export ("Initial Conditions"), with the cancer,
    // dead-cell and tumour T-cell counts at the full precision of the MATLAB day-0 output row.
    // Concentrations converted from M to nM.
    const double M = kNmPerM;
    y[st::C_nT1] = 10918;
    y[st::C_T1] = 1.6706e8;
    y[st::C_nT0] = 21.358;
    y[st::C_T0] = 6.4799e7;
    y[st::C_aPD1] = 0;
    y[st::P_nT1] = 6.316e5;
    y[st::P_T1] = 3.2167e9;
    y[st::P_nT0] = 76380;
    y[st::P_T0] = 1.8641e9;
    y[st::P_aPD1] = 0;
    y[st::C_x] = 2366275.41763324;
    y[st::T_exh] = 6.8995e7;
    y[st::C1] = 5586480665.74453;
    y[st::T_T1] = 1076400.93051691;
    y[st::T_T0] = 439766.695919215;
    y[st::T_APC] = 38653;
    y[st::T_mAPC] = 13817;
    y[st::c] = 2.452e-8 * M;
    y[st::T_P0] = 4.2576e-8 * M;
    y[st::T_P1] = 4.2576e-9 * M;
    y[st::T_aPD1] = 0;
    y[st::LN_nT1] = 3.3792e6;
    y[st::aT1] = 5.7527e5;
    y[st::LN_T1] = 6.0102e9;
    y[st::IL2] = 2.655e-15 * M;
    y[st::LN_nT0] = 6308.4;
    y[st::aT0] = 3.2544e5;
    y[st::LN_T0] = 3.4101e9;
    y[st::LN_APC] = 1.6493e6;
    y[st::LN_mAPC] = 1.7283e6;
    y[st::LN_aPD1] = 0;
    y[st::e_P0] = 3.5474e-8 * M;
    y[st::e_p0] = 4.0746e-9 * M;
    y[st::e_P1] = 3.5474e-9 * M;
    y[st::e_p1] = 4.0746e-10 * M;
    y[st::e_M1] = 718.4;
    y[st::e_M1p0] = 0.014627;
    y[st::e_M1p1] = 0.0014631;
    y[st::s_M1] = 23.947;
    y[st::s_M1p0] = 0.41716;
    y[st::s_M1p1] = 0.091836;
    y[st::PD1_PDL1] = 0;
    y[st::PD1_PDL2] = 0;
    y[st::PD1] = 396.54;
    y[st::PDL1] = 1783.2;
    y[st::PDL2] = 44.58;
    y[st::PD1_aPD1] = 0;
    y[st::PD1_aPD1_PD1] = 0;
    y[st::PDL1_aPDL1] = 0;
    y[st::PDL1_aPDL1_PDL1] = 0;
    return true;
  }

  void rhs(double, const double* y, const double* p, double* dydt) const override { eval_rhs(y, p, dydt); }
  void rhs(double, const Dual* y, const double* p, Dual* dydt) const override { eval_rhs(y, p, dydt); }

  double tumour_volume_L(const double* y, const double* p) const override { return tumour_volume(y, p); }

  void compute_outputs(double, const double* y, const double* p, double* out) const override {
    const double V_T = tumour_volume(y, p);
    out[kTumourVolume] = V_T;
    out[kTumourDiameter] = sphere_diameter_cm(V_T);
    out[kCancerCells] = y[st::C1];
    out[kTumourT] = y[st::T_T1] + y[st::T_T0];
    out[kCd8Density] = y[st::T_T1] / (V_T / kLPerUl);
    out[kHPD1] = hill(y[st::PD1_PDL1] + y[st::PD1_PDL2], p[par::PD1_50_per_um2], p[par::n_PD1]);
    out[kDrugPlasma] = y[st::C_aPD1];
    out[kDrugTumour] = y[st::T_aPD1];
    const double proofreading =
        proofreading_factor(p[par::k_TCR_off_per_day], p[par::phi_TCR_per_day], p[par::k_TCR_p_per_day], p[par::N_TCR]);
    const double kd = p[par::k_TCR_off_per_day] / p[par::k_TCR_on_um2_per_day];
    const double c1 = proofreading * tcr_complexes(y[st::s_M1p1] / p[par::n_T1_clones], p[par::TCR_tot_per_um2], kd);
    const double c0 = tcr_complexes(y[st::s_M1p0] / p[par::n_T0_clones], p[par::TCR_tot_per_um2], kd);
    out[kHP1] = c1 / (c1 + p[par::p1_50_per_um2]);
    out[kHP0] = c0 / (c0 + p[par::p0_50_per_um2]);
  }
};

static_assert(st::kCount == 50, "example 1 has 50 species");

}  // namespace

std::unique_ptr<ModelDefinition> make_qspio2020_example1() { return std::make_unique<Example1Model>(); }

}  // namespace vct::models
