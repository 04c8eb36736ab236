// SPDX-License-Identifier: MIT
// Rate laws of the QSP-IO NSCLC reference model as flattened in docs/models/qspio_nsclc.md
// (SimBiology semantics: concentration species change by flux / compartment volume, no dilution
// by the changing tumour volume; antibody binding does not deplete the drug): each lesion's
// dynamics, then the systemic compartments (blood, periphery, lymph node) and antibody PK.
// Module hooks (radiotherapy.hpp) are called where their terms enter.
#include "models/qspio_nsclc/equations.hpp"

#include <cmath>

#include "core/dual.hpp"
#include "models/common/modules.hpp"
#include "models/qspio_nsclc/ctla4.hpp"
#include "models/qspio_nsclc/epitope_spreading.hpp"
#include "models/qspio_nsclc/il7_recovery.hpp"
#include "models/qspio_nsclc/licensing.hpp"
#include "models/qspio_nsclc/radiotherapy.hpp"
#include "models/qspio_nsclc/synapses.hpp"
#include "models/qspio_nsclc/trafficking.hpp"

namespace vct::models::nsclc {

namespace {

/// Fluxes a lesion exchanges with the systemic compartments, summed over lesions.
template <class T>
struct SystemicExchange {
  T infiltration_T1{0.0}, infiltration_T0{0.0}, infiltration_Th{0.0};  ///< cells/day leaving blood
  T mapc_migration{0.0};                                               ///< mature APCs/day to the LN
  T ab_to_tumour[3] = {T(0.0), T(0.0), T(0.0)};                        ///< nmol/day, per antibody slot
  T ab_drain[3] = {T(0.0), T(0.0), T(0.0)};                            ///< nmol/day, tumour -> LN
  T pmhc_weight{0.0}, pmhc0{0.0}, pmhc1{0.0};                          ///< mAPC-weighted surface pMHC
  T h_ifn_primary{0.0};
  T pmhc0_primary{0.0}, pmhc1_primary{0.0};
  T infiltration_T2{0.0};  ///< epitope spreading: T2 effectors/day leaving blood
  T licensing{0.0};        ///< licensing: sum over lesions of (mAPC + 1) L
};

/// One lesion's dynamics: x are its local states (lesion layout), y the full state (systemic
/// reads only). Writes dx and adds the lesion's exchange with blood and LN to `ex`.
template <class T>
void lesion_rhs(const Layout& lay, int lesion, const T* x, const T* y, const double* p, T* dx, SystemicExchange<T>& ex,
                const T& infiltration_boost, LesionSignals* signals_out) {
  namespace P = par;
  namespace S = st;
  namespace L = lc;
  const T C = positive_part(x[L::C1]);
  const bool t2 = lay.modules.epitope_spreading;
  const T V_T = lesion_volume(x, p, lay.rt, t2);
  if (lesion > 0 && !(V_T > 0.0)) {  // a lesion not yet seeded (growth phase) is inert
    for (int k : lay.locals) dx[k] = T(0.0);
    return;
  }
  // Hybrid lesion (models/abm_coupling): the compartment holds the share w of the lesion, its
  // agent-based windows the rest. Extensive states and V_T are w times the whole lesion's, so the
  // rate laws hold as they are except where a whole-lesion quantity enters: the carrying capacity
  // and recruitment saturation, the antigen and DAMP released into the whole lesion, and the
  // lesion's exchange with plasma and lymph node. w = 1 (no windows) is the compartmental lesion.
  const double w = lesion_weight(lay, lesion, p);
  const T C_lesion = C / w;
  const T C2 = C_lesion * C_lesion;
  const T f_rec = C2 / (C2 + p[P::Kc_rec_cell2]);
  const T g_clr = p[P::Kc_rec_cell2] / (C2 + p[P::Kc_rec_cell2]);
  const double k_clear = p[P::k_cell_clear_per_day];

  // Cytokine Hill functions (§5.7)
  const T H_TGFb = michaelis(x[L::TGFb], p[P::TGFb_50_nM]);
  const T H_TGFb_Teff = michaelis(x[L::TGFb], p[P::TGFb_50_Teff_nM]);
  const T H_NO = michaelis(x[L::NO], p[P::NO_50_Teff_nM]);
  const T H_ArgI_Teff = michaelis(x[L::ArgI], p[P::ArgI_50_Teff_mU]);
  const T H_ArgI_Treg = michaelis(x[L::ArgI], p[P::ArgI_50_Treg_mU]);
  const T H_MDSC = 1.0 - (1.0 - H_NO) * (1.0 - H_ArgI_Teff);
  const T H_IL10 = michaelis(x[L::IL10], p[P::IL10_50_nM]);
  const T H_IL10_phago = michaelis(x[L::IL10], p[P::IL10_50_phago_nM]);
  const T H_IL12 = michaelis(x[L::IL12], p[P::IL12_50_nM]);
  const T H_IFN = michaelis(x[L::IFNg], p[P::IFNg_50_ind_nM]);
  if (lesion == 0) ex.h_ifn_primary = H_IFN;

  // RT: PD-L1 upregulation on cancer cells while the RT signal lasts.
  const T pdl1_base = lay.rt ? rt::cancer_pdl1_base(x, p) : T(p[P::C1_PDL1_base_molecule]);

  // Synapses (§5.11, §5.12): T-C1 and M-C read tumour antibody / gamma.
  const T tC_aPD1 = x[L::T_aPD1] / p[P::gamma_T_aPD1];
  const T tC_aPDL1 = x[L::T_aPDL1] / p[P::gamma_T_aPDL1];
  const T tC_aCTLA4 = x[L::T_aCTLA4] / p[P::gamma_T_aCTLA4];
  const SynapseReadout<T> syn_c1 =
      t_synapse(x + L::kSynTC1, dx + L::kSynTC1, tC_aPD1, tC_aPDL1, tC_aCTLA4, pdl1_base, p[P::r_PDL2C1], H_IFN, p);
  const T H_Mac_C = m_synapse(x + L::kSynMC, dx + L::kSynMC, tC_aPD1, tC_aPDL1, H_IFN, pdl1_base, p);
  const T& H_PD1_C1 = syn_c1.H_PD1;

  // Cancer (§5.2); with epitope spreading both CD8 families (T1, T2) kill.
  const T T1 = x[L::T_T1];
  const T Teff = t2 ? T(T1 + x[L::T_T2]) : T1;
  const T R_kill = p[P::k_C_T1_per_day] * C * (Teff / (p[P::K_T_C] * C + Teff + 1.0)) *
                   (Teff / (Teff + p[P::K_T_Treg] * x[L::T_T0] + 1.0)) * (1.0 - H_TGFb_Teff) * (1.0 - H_PD1_C1) *
                   (1.0 - H_MDSC);
  const T R_phago = p[P::k_M1_phago_per_day] * C * x[L::Mac_M1] / (x[L::Mac_M1] + p[P::K_Mac_C] * C + 1.0) *
                    (1.0 - H_Mac_C) * (1.0 - H_IL10_phago);
  const T basal_death = (p[P::k_C1_death_per_day] + p[P::k_C1_therapy_per_day]) * C;
  dx[L::C1] = p[P::k_C1_growth_per_day] * C * (1.0 - C / (p[P::C_max_cell] * w)) - basal_death - R_kill - R_phago;
  dx[L::C_x] = basal_death + R_kill + R_phago - k_clear * x[L::C_x];

  // RT: lethally hit cells die over days; the immunogenic part releases antigen and DAMPs.
  const rt::LesionTerms<T> rt_terms = lay.rt ? rt::lesion_terms(x, dx, T(V_T / w), p) : rt::LesionTerms<T>{};
  const T& icd_death = rt_terms.icd_death;
  const T& H_DAMP = rt_terms.H_DAMP;
  // Licensing module: the danger signal of this lesion.
  const T licensing = lay.modules.licensing ? licensing::lesion_licensing(x, dx, C, R_kill, p) : T(0.0);

  // T cells in the tumour (§5.6); infiltration leaves the blood pools.
  const double kd1 = p[P::k_T1_death_per_day], kd0 = p[P::k_T0_death_per_day];
  T in_T1 = p[P::q_T1_T_in_per_L_per_day] * V_T * y[S::C_T1] * f_rec;
  T in_Th = p[P::q_T0_T_in_per_L_per_day] * V_T * y[S::C_Th] * f_rec;
  const T in_T0 = p[P::q_T0_T_in_per_L_per_day] * V_T * y[S::C_T0] * f_rec;
  if (lay.rt) {  // effector (not regulatory) T cells home more while radiation activation lasts
    in_T1 = in_T1 * infiltration_boost;
    in_Th = in_Th * infiltration_boost;
  }
  if (signals_out) {
    signals_out->V_T_L = value_of(V_T);
    signals_out->cd8_homing_per_L_per_day =
        value_of(T(p[P::q_T1_T_in_per_L_per_day] * f_rec * (lay.rt ? infiltration_boost : T(1.0))));
    signals_out->treg_homing_per_L_per_day = value_of(T(p[P::q_T0_T_in_per_L_per_day] * f_rec));
    signals_out->H_PD1 = value_of(H_PD1_C1);
    signals_out->kill_factor = value_of(T((1.0 - H_TGFb_Teff) * (1.0 - H_MDSC)));
    signals_out->kill_per_cell_per_day = value_of(C) > 0.0 ? value_of(R_kill) / value_of(C) : 0.0;
  }
  ex.infiltration_T1 = ex.infiltration_T1 + in_T1;
  ex.infiltration_Th = ex.infiltration_Th + in_Th;
  ex.infiltration_T0 = ex.infiltration_T0 + in_T0;
  const T suppression = p[P::k_Treg_per_day] * T1 * x[L::T_T0] / (Teff + x[L::T_T0] + 1.0) * H_IL10;
  const T exhaustion = p[P::k_T1_per_day] * T1 * C / (C + Teff + 1.0) * H_PD1_C1;
  const T conversion = p[P::k_Th_Treg_per_day] * x[L::T_Th] * H_TGFb * H_ArgI_Treg;
  dx[L::T_T1] = in_T1 - kd1 * T1 - k_clear * T1 * g_clr - suppression - exhaustion;
  dx[L::T1_exh] = kd1 * T1 + k_clear * T1 * g_clr + suppression + exhaustion - k_clear * x[L::T1_exh];
  if (t2) {  // the T2 family: the same homing, death (times f_T2_death), Treg suppression and exhaustion
    const T T2 = x[L::T_T2];
    T in_T2 = p[P::q_T1_T_in_per_L_per_day] * V_T * y[lay.sys[sy::C_T2]] * f_rec;
    if (lay.rt) in_T2 = in_T2 * infiltration_boost;
    ex.infiltration_T2 = ex.infiltration_T2 + in_T2;
    const T loss2 = kd1 * p[mp::f_T2_death] * T2 + k_clear * T2 * g_clr +
                    p[P::k_Treg_per_day] * T2 * x[L::T_T0] / (Teff + x[L::T_T0] + 1.0) * H_IL10 +
                    p[P::k_T1_per_day] * T2 * C / (C + Teff + 1.0) * H_PD1_C1;
    dx[L::T_T2] = in_T2 - loss2;
    dx[L::T1_exh] = dx[L::T1_exh] + loss2;  // dead and exhausted CD8 of both families
  }
  dx[L::T_Th] = in_Th - kd0 * x[L::T_Th] - k_clear * x[L::T_Th] * g_clr - conversion;
  dx[L::Th_exh] = kd0 * x[L::T_Th] + k_clear * x[L::T_Th] * g_clr - k_clear * x[L::Th_exh];
  dx[L::T_T0] = in_T0 - kd0 * x[L::T_T0] - k_clear * x[L::T_T0] * g_clr + conversion;
  if (lay.modules.treg_adcc) {  // anti-CTLA-4 binds the tumour Tregs' CTLA-4; Fc effectors kill them
    const T H_adcc = ctla4::treg_binding(x + L::TR_CTLA4, dx + L::TR_CTLA4, tC_aCTLA4, p);
    dx[L::T_T0] = dx[L::T_T0] - p[mp::k_CTLA4_ADCC_per_day] * H_adcc * x[L::T_T0];
  }

  // Tumour cytokines (§5.8): secretion in nmol/day over V_T
  dx[L::IFNg] =
      (p[P::k_IFNg_Tsec_nmol_per_cell_per_day] * Teff + p[P::k_IFNg_Thsec_nmol_per_cell_per_day] * x[L::T_Th]) / V_T -
      p[P::k_IFNg_deg_per_day] * x[L::IFNg];
  dx[L::TGFb] =
      p[P::k_TGFb_deg_per_day] * (p[P::TGFbase_nM] - x[L::TGFb]) +
      (p[P::k_TGFb_Tsec_nmol_per_cell_per_day] * x[L::T_T0] + p[P::k_TGFb_Msec_nmol_per_cell_per_day] * x[L::Mac_M2]) /
          V_T;
  dx[L::IL12] =
      (p[P::k_IL12_sec_nmol_per_cell_per_day] * x[L::T_mAPC] + p[P::k_IL12_Msec_nmol_per_cell_per_day] * x[L::Mac_M1]) /
          V_T -
      p[P::k_IL12_deg_per_day] * x[L::IL12];
  dx[L::IL10] = p[P::k_IL10_sec_nmol_per_cell_per_day] * x[L::Mac_M2] / V_T - p[P::k_IL10_deg_per_day] * x[L::IL10];
  dx[L::CCL2] = p[P::k_CCL2_sec_nmol_per_cell_per_day] * C / V_T - p[P::k_CCL2_deg_per_day] * x[L::CCL2];
  dx[L::NO] = p[P::k_NO_sec_nmol_per_cell_per_day] * x[L::MDSC] / V_T - p[P::k_NO_deg_per_day] * x[L::NO];
  dx[L::ArgI] = p[P::k_ArgI_sec_mU_L_per_cell_per_day] * x[L::MDSC] / V_T - p[P::k_ArgI_deg_per_day] * x[L::ArgI];

  // APCs (§5.9): maturation by IL-12 (and, after RT, DAMPs), blocked by IL-10
  const T maturation_drive = lay.rt ? T(1.0 - (1.0 - H_IL12) * (1.0 - H_DAMP)) : H_IL12;
  const T maturation = p[P::k_APC_mat_per_day] * x[L::T_APC] * maturation_drive * (1.0 - H_IL10);
  dx[L::T_APC] = p[P::k_APC_death_per_day] * (p[P::APC0_T_cell_per_L] * V_T - x[L::T_APC]) - maturation;
  dx[L::T_mAPC] = maturation - p[P::k_APC_mig_per_day] * x[L::T_mAPC] - p[P::k_mAPC_death_per_day] * x[L::T_mAPC];
  ex.mapc_migration = ex.mapc_migration + p[P::k_APC_mig_per_day] * x[L::T_mAPC] / w;

  // MDSC and macrophages (§5.11)
  const T ccl2_drive = michaelis(x[L::CCL2], p[P::CCL2_50_nM]);
  dx[L::MDSC] = p[P::k_MDSC_rec_cell_per_L_per_day] * V_T * ccl2_drive - p[P::k_MDSC_death_per_day] * x[L::MDSC] -
                k_clear * x[L::MDSC] * g_clr;
  const T to_M2 = p[P::k_M2_pol_per_day] * x[L::Mac_M1] * (H_TGFb + H_IL10);
  const T to_M1 = p[P::k_M1_pol_per_day] * x[L::Mac_M2] * (H_IL12 + michaelis(x[L::IFNg], p[P::IFNg_50_nM]));
  const T mac_loss = p[P::k_Mac_death_per_day] + k_clear * g_clr;
  dx[L::Mac_M1] = p[P::k_Mac_rec_cell_per_L_per_day] * V_T * ccl2_drive - mac_loss * x[L::Mac_M1] - to_M2 + to_M1;
  dx[L::Mac_M2] = -mac_loss * x[L::Mac_M2] + to_M2 - to_M1;

  // Antigen release (not from phagocytosis; RT deaths only when immunogenic), uptake by
  // immature tumour APCs, processing and MHC loading (§5.10)
  const T released_cells = lay.rt ? T(basal_death + R_kill + icd_death) : T(basal_death + R_kill);
  auto rates = [&](double kx, double kup, double kdeg, double kpdeg, double kon, double kd) {
    return AntigenRates{kx, kup, kdeg, kpdeg, kon, kd, p[P::kout_per_day], p[P::A_e_um2], p[P::A_s_um2], p[P::V_e_L]};
  };
  const T bind0 = antigen_presentation(
      x, dx, AntigenIndices{L::T_P0, L::e_P0, L::e_p0, L::e_M1p0, L::s_M1p0},
      rates(p[P::k_xP0_deg_per_day], p[P::k_P0_up_per_cell_per_day], p[P::k_P0_deg_per_day], p[P::k_p0_deg_per_day],
            p[P::k_P0_on_per_nM_per_day], p[P::k_P0_d1_nM]),
      T(p[P::n_T0_clones] * p[P::P0_C1_nmol_per_cell] * released_cells * w / V_T), x[L::T_APC], x[L::e_M1]);
  const T bind1 = antigen_presentation(
      x, dx, AntigenIndices{L::T_P1, L::e_P1, L::e_p1, L::e_M1p1, L::s_M1p1},
      rates(p[P::k_xP1_deg_per_day], p[P::k_P1_up_per_cell_per_day], p[P::k_P1_deg_per_day], p[P::k_p1_deg_per_day],
            p[P::k_P1_on_per_nM_per_day], p[P::k_P1_d1_nM]),
      T(p[P::n_T1_clones] * p[P::P1_C1_nmol_per_cell] * released_cells * w / V_T), x[L::T_APC], x[L::e_M1]);
  const T cycling = p[P::kout_per_day] * x[L::e_M1] * p[P::A_e_um2] - p[P::kin_per_day] * x[L::s_M1] * p[P::A_s_um2];
  dx[L::e_M1] = -cycling / p[P::A_e_um2] - bind0 - bind1;
  dx[L::s_M1] = cycling / p[P::A_s_um2] + p[P::k_P0_d1_nM] * p[P::k_P0_on_per_nM_per_day] * x[L::s_M1p0] +
                p[P::k_P1_d1_nM] * p[P::k_P1_on_per_nM_per_day] * x[L::s_M1p1];
  // Migrating mature APCs carry their lesion's surface pMHC to the LN (weights: mAPC + 1 cell).
  if (lesion == 0) {
    ex.pmhc0_primary = x[L::s_M1p0];
    ex.pmhc1_primary = x[L::s_M1p1];
  }
  const T w_apc = x[L::T_mAPC] / w + 1.0;
  ex.pmhc_weight = ex.pmhc_weight + w_apc;
  ex.pmhc0 = ex.pmhc0 + w_apc * x[L::s_M1p0];
  ex.pmhc1 = ex.pmhc1 + w_apc * x[L::s_M1p1];
  if (lay.modules.licensing) {
    ex.licensing = ex.licensing + w_apc * licensing;
    if (signals_out) signals_out->licensing = value_of(licensing);
  }

  // Antibody exchange between plasma and this lesion, drainage to the LN (§5.13)
  const int slots[3][4] = {{S::C_aPD1, L::T_aPD1, P::q_T_aPD1_L_per_day, P::gamma_T_aPD1},
                           {S::C_aPDL1, L::T_aPDL1, P::q_T_aPDL1_L_per_day, P::gamma_T_aPDL1},
                           {S::C_aCTLA4, L::T_aCTLA4, P::q_T_aCTLA4_L_per_day, P::gamma_T_aCTLA4}};
  const int gamma_C[3] = {P::gamma_C_aPD1, P::gamma_C_aPDL1, P::gamma_C_aCTLA4};
  const int q_LD[3] = {P::q_LD_aPD1_per_day, P::q_LD_aPDL1_per_day, P::q_LD_aCTLA4_per_day};
  // The reference divides by V_T alone; its flow q_T does not shrink with the lesion, so after
  // eradication the exchange rate q_T / V_T grows without bound (1e20 /day and beyond) and no
  // solver can follow a dose. The floor changes a 3.7 cm lesion's rate by 4e-8 (relative).
  const T V_exchange = V_T + p[P::V_T_exchange_floor_L];
  for (int a = 0; a < 3; ++a) {
    const T to_T = p[slots[a][2]] * w * (y[slots[a][0]] / p[gamma_C[a]] - x[slots[a][1]] / p[slots[a][3]]);
    const T drain_T = p[q_LD[a]] * V_T * x[slots[a][1]] / p[slots[a][3]];
    dx[slots[a][1]] = (to_T - drain_T) / V_exchange;
    ex.ab_to_tumour[a] = ex.ab_to_tumour[a] + to_T / w;  // the whole lesion's exchange
    ex.ab_drain[a] = ex.ab_drain[a] + drain_T / w;
  }
}

/// Antibody PK of one slot outside the tumour (§5.13): plasma, periphery, LN, with the lesions'
/// summed exchange.
template <class T>
void antibody_pk_systemic(const T* y, T* dy, int iC, int iP, int iLN, const T& to_T, const T& drain_T, const double* p,
                          int qP, int qLN, int qLD, int kcl, int gC, int gP, int gLN, int kcln, int Kc,
                          const T& V_T_primary) {
  namespace P = par;
  const T c = y[iC] / p[gC];
  const T to_P = p[qP] * (c - y[iP] / p[gP]);
  const T to_LN = p[qLN] * (c - y[iLN] / p[gLN]);
  const T drain_LN = p[qLD] * V_T_primary * y[iLN] / p[gLN];
  dy[iC] = (-to_P - to_T - to_LN + drain_LN - p[kcl] * y[iC] - p[kcln] * michaelis(y[iC], p[Kc])) / p[P::V_C_L];
  dy[iP] = to_P / p[P::V_P_L];
  dy[iLN] = (to_LN + drain_T - drain_LN) / p[P::V_LN_L];
}

// clang-format off
#define NSCLC_PK_SYSTEMIC_ARGS(slot)                                                                         \
  par::q_P_##slot##_L_per_day, par::q_LN_##slot##_L_per_day, par::q_LD_##slot##_per_day,                    \
      par::k_cl_##slot##_L_per_day, par::gamma_C_##slot, par::gamma_P_##slot, par::gamma_LN_##slot,         \
      par::k_cln_##slot##_nmol_per_day, par::Kc_##slot##_nM
// clang-format on

template <class T>
void rhs_impl(const Layout& lay, const T* y, const double* p, T* dy, ModuleSignals* signals = nullptr) {
  using std::exp2;
  namespace P = par;
  namespace S = st;
  const double V_LN = p[P::V_LN_L];

  // RT: systemic activation by immunogenic radiation death, the DAMP signal of the lesions
  // weighted by their mature APCs (the cells that carry it to the lymph node).
  const T infiltration_boost = lay.rt ? rt::infiltration_boost(lay, y, p) : T(1.0);

  // Lesions: gather each lesion's local states, evaluate, scatter the derivatives.
  SystemicExchange<T> ex;
  T x[lc::kMaxCount], dx[lc::kMaxCount];
  T V_T_primary(0.0);
  if (signals) signals->lesions.assign(static_cast<std::size_t>(lay.n_lesions), LesionSignals{});
  for (int l = 0; l < lay.n_lesions; ++l) {
    const auto& idx = lay.index[static_cast<std::size_t>(l)];
    for (int k : lay.locals) x[k] = y[idx[static_cast<std::size_t>(k)]];
    if (l == 0) V_T_primary = lesion_volume(x, p, lay.rt, lay.modules.epitope_spreading) / lesion_weight(lay, 0, p);
    lesion_rhs(lay, l, x, y, p, dx, ex, infiltration_boost,
               signals ? &signals->lesions[static_cast<std::size_t>(l)] : nullptr);
    for (int k : lay.locals) dy[idx[static_cast<std::size_t>(k)]] = dx[k];
  }

  // T-APC synapse in the LN; its PD-L1 expression follows the primary tumour's IFN-gamma.
  const SynapseReadout<T> syn_apc =
      t_synapse(y + S::kSynTAPC, dy + S::kSynTAPC, T(y[S::LN_aPD1] / p[P::gamma_LN_aPD1]),
                T(y[S::LN_aPDL1] / p[P::gamma_LN_aPDL1]), T(y[S::LN_aCTLA4] / p[P::gamma_LN_aCTLA4]),
                T(p[P::APC_PDL1_base_molecule]), p[P::r_PDL2APC], ex.h_ifn_primary, p);
  const T& H_CD28_APC = syn_apc.H_CD28;

  // Antigen recognition (§5.10) on the pMHC the migrating APCs carry, and APC availability (§5.4)
  const T s0 = lay.n_lesions == 1 ? ex.pmhc0_primary : T(ex.pmhc0 / ex.pmhc_weight);
  const T s1 = lay.n_lesions == 1 ? ex.pmhc1_primary : T(ex.pmhc1 / ex.pmhc_weight);
  const T H_P0 = antigen_signal(s0, p[P::n_T0_clones], p, p[P::p0_50_per_um2]);
  const T H_P1 = antigen_signal(s1, p[P::n_T1_clones], p, p[P::p1_50_per_um2]);
  const T sites = p[P::n_sites_APC] * y[S::LN_mAPC];
  const T H_mAPC = sites / (sites + y[S::LN_nT1] * p[P::n_T1_clones] + 1.0);
  const T H_APC = sites / (sites + y[S::LN_nT0] * p[P::n_T0_clones] + 1.0);
  const T H_APCh = sites / (sites + y[S::LN_nT0] * p[P::n_T1_clones] + 1.0);

  // Naive T cells per clone (§5.3); the IL-7 recovery module drives their homeostatic
  // proliferation by the relative IL-7 level (il7_recovery.hpp).
  T il7_drive(1.0);
  const T* drive = nullptr;
  if (lay.modules.il7_recovery) {
    il7_drive = il7::proliferation_factor(lay, y, p);
    drive = &il7_drive;
    dy[lay.sys[sy::N0_IL7]] = T(0.0);  // the set point is constant
    dy[lay.sys[sy::IL7]] = il7::rate(lay, y, p);
  }
  const T act_T1 = p[P::k_T1_act_per_day] * H_mAPC * H_P1 * y[S::LN_nT1];
  const T act_T0 = p[P::k_T0_act_per_day] * H_APC * H_P0 * y[S::LN_nT0];
  const T act_Th = p[P::k_Th_act_per_day] * H_APCh * H_P1 * y[S::LN_nT0];
  naive_pool(y, dy, S::C_nT1, S::P_nT1, S::LN_nT1,
             NaiveRates{p[P::Q_nT1_thym_cell_per_day], p[P::div_T1], p[P::k_nT1_pro_cell_per_day], p[P::K_nT1_pro_cell],
                        p[P::k_nT1_death_per_day], p[P::q_nT1_P_in_per_day], p[P::q_nT1_P_out_per_day],
                        p[P::q_nT1_LN_in_per_day], p[P::q_nT1_LN_out_per_day]},
             act_T1, drive);
  naive_pool(y, dy, S::C_nT0, S::P_nT0, S::LN_nT0,
             NaiveRates{p[P::Q_nT0_thym_cell_per_day], p[P::div_T0], p[P::k_nT0_pro_cell_per_day], p[P::K_nT0_pro_cell],
                        p[P::k_nT0_death_per_day], p[P::q_nT0_P_in_per_day], p[P::q_nT0_P_out_per_day],
                        p[P::q_nT0_LN_in_per_day], p[P::q_nT0_LN_out_per_day]},
             T(act_T0 + act_Th), drive);

  // Programmed expansion (§5.4): N generations, daughters released as mature cells in the LN.
  const T il2_drive = michaelis(y[S::IL2], p[P::IL2_50_nM]);
  const T N_aT = p[P::N0] + p[P::N_costim] * H_CD28_APC + p[P::N_IL2_CD8] * il2_drive;
  const T N_aT4 = p[P::N0] + p[P::N_costim] * H_CD28_APC + p[P::N_IL2_CD4] * il2_drive;
  const T exit_T1 = p[P::k_T1_pro_per_day] / N_aT * y[S::aT1];
  const T exit_T0 = p[P::k_T0_pro_per_day] / N_aT4 * y[S::aT0];
  const T exit_Th = p[P::k_T0_pro_per_day] / N_aT4 * y[S::aTh];
  dy[S::aT1] = act_T1 * p[P::n_T1_clones] - exit_T1;
  dy[S::aT0] = act_T0 * p[P::n_T0_clones] - exit_T0;
  dy[S::aTh] = act_Th * p[P::n_T1_clones] - exit_Th;

  // Mature trafficking (§5.5); T0 and Th share the CD4 parameters; infiltration into every lesion.
  const MatureRates cd8{p[P::k_T1_death_per_day], p[P::q_T1_LN_out_per_day], p[P::q_T1_P_in_per_day],
                        p[P::q_T1_P_out_per_day]};
  const MatureRates cd4{p[P::k_T0_death_per_day], p[P::q_T0_LN_out_per_day], p[P::q_T0_P_in_per_day],
                        p[P::q_T0_P_out_per_day]};
  mature_pool(y, dy, S::LN_T1, S::C_T1, S::P_T1, cd8, T(exit_T1 * exp2(N_aT)), ex.infiltration_T1);
  mature_pool(y, dy, S::LN_T0, S::C_T0, S::P_T0, cd4, T(exit_T0 * exp2(N_aT4)), ex.infiltration_T0);
  if (lay.modules.treg_adcc) {  // the same Fc-mediated Treg loss in the periphery
    const int b = lay.sys[sy::P_TR_CTLA4];
    const T H_adcc = ctla4::treg_binding(y + b, dy + b, T(y[S::P_aCTLA4] / p[P::gamma_P_aCTLA4]), p);
    dy[S::P_T0] = dy[S::P_T0] - p[mp::k_CTLA4_ADCC_per_day] * H_adcc * y[S::P_T0];
  }
  mature_pool(y, dy, S::LN_Th, S::C_Th, S::P_Th, cd4, T(exit_Th * exp2(N_aT4)), ex.infiltration_Th);

  // Licensing and epitope spreading: the T2 family, primed only by licensed APCs.
  const T licensing = lay.modules.licensing ? T(ex.licensing / ex.pmhc_weight) : T(0.0);
  // CTLA-4 blockade in the LN lets unlicensed APCs prime the T2 family (ctla4_priming).
  const T ctla4_occupancy = lay.modules.ctla4_priming ? ctla4::ln_occupancy(y + S::kSynTAPC, p) : T(0.0);
  // Priming threshold (M8): licensed APCs prime the T2 family only as far as the licensing clears it.
  const T licensed = lay.modules.priming_threshold ? spreading::thresholded_licensing(licensing, p) : licensing;
  const T priming_gate = lay.modules.ctla4_priming ? ctla4::priming_gate(licensed, ctla4_occupancy, p) : licensed;
  if (signals) {
    for (const LesionSignals& s : signals->lesions) signals->lesion_licensing.push_back(s.licensing);
    signals->licensing = value_of(licensing);
    signals->H_PD1_APC = value_of(syn_apc.H_PD1);
    signals->ctla4_occupancy_LN = value_of(ctla4_occupancy);
  }
  T il2_secreting = y[S::aT1] + y[S::aTh], il2_consuming = y[S::LN_T1];
  if (lay.modules.epitope_spreading) {
    spreading::systemic_rhs(
        lay, y, dy, p,
        spreading::PrimingInputs<T>{sites, s1, priming_gate, N_aT, syn_apc.H_PD1, ex.infiltration_T2, drive});
    il2_secreting = il2_secreting + y[lay.sys[sy::aT2]];
    il2_consuming = il2_consuming + y[lay.sys[sy::LN_T2]];
  }

  // IL-2 in the LN
  dy[S::IL2] = (p[P::k_IL2_sec_nmol_per_cell_per_day] * il2_secreting -
                p[P::k_IL2_cons_nmol_per_cell_per_day] * il2_consuming * il2_drive -
                p[P::k_IL2_cons_nmol_per_cell_per_day] * y[S::LN_T0] * michaelis(y[S::IL2], p[P::IL2_50_Treg_nM])) /
                   V_LN -
               p[P::k_IL2_deg_per_day] * y[S::IL2];

  // LN APCs (§5.9)
  dy[S::LN_APC] = p[P::k_APC_death_per_day] * (p[P::APC0_LN_cell_per_L] * V_LN - y[S::LN_APC]);
  dy[S::LN_mAPC] = ex.mapc_migration - p[P::k_mAPC_death_per_day] * y[S::LN_mAPC];

  // Antibody PK outside the tumour (§5.13). LN drainage scales with the primary tumour volume,
  // as in the single-tumour reference model.
  antibody_pk_systemic(y, dy, S::C_aPD1, S::P_aPD1, S::LN_aPD1, ex.ab_to_tumour[0], ex.ab_drain[0], p,
                       NSCLC_PK_SYSTEMIC_ARGS(aPD1), V_T_primary);
  antibody_pk_systemic(y, dy, S::C_aPDL1, S::P_aPDL1, S::LN_aPDL1, ex.ab_to_tumour[1], ex.ab_drain[1], p,
                       NSCLC_PK_SYSTEMIC_ARGS(aPDL1), V_T_primary);
  antibody_pk_systemic(y, dy, S::C_aCTLA4, S::P_aCTLA4, S::LN_aCTLA4, ex.ab_to_tumour[2], ex.ab_drain[2], p,
                       NSCLC_PK_SYSTEMIC_ARGS(aCTLA4), V_T_primary);
}

}  // namespace

void eval_rhs(const Layout& lay, const double* y, const double* p, double* dydt) { rhs_impl(lay, y, p, dydt); }

double lesion_volume_of(const Layout& lay, int lesion, const double* y, const double* p) {
  const auto& idx = lay.index[static_cast<std::size_t>(lesion)];
  double x[lc::kMaxCount] = {};
  for (int k : lay.locals) x[k] = y[idx[static_cast<std::size_t>(k)]];
  return lesion_volume(x, p, lay.rt, lay.modules.epitope_spreading) / lesion_weight(lay, lesion, p);
}

ModuleSignals module_signals(const Layout& lay, const double* y, const double* p) {
  ModuleSignals signals;
  std::vector<double> scratch(static_cast<std::size_t>(lay.n_states));
  rhs_impl(lay, y, p, scratch.data(), &signals);
  return signals;
}
void eval_rhs(const Layout& lay, const Dual* y, const double* p, Dual* dydt) { rhs_impl(lay, y, p, dydt); }

}  // namespace vct::models::nsclc
