// SPDX-License-Identifier: MIT
// Rate laws of the QSP-IO NSCLC reference model as flattened in docs/models/qspio_nsclc.md
// (SimBiology semantics: concentration species change by flux / compartment volume, no dilution
// by the changing tumour volume; antibody binding does not deplete the drug).
#include "models/qspio_nsclc/model.hpp"

#include <cmath>

#include "core/tabulated_model.hpp"
#include "models/common/modules.hpp"
#include "models/units.hpp"

namespace vct::models {
namespace {

using namespace vct::units;

constexpr double kon2d(double kon_per_uM_per_s) {
  constexpr double kSynapticGapNm = 3.0;  // Jansson 2005
  return kon_per_uM_per_s / kSynapticGapNm * kUm2PerMoleculePerInvUmNm * kSecondsPerDay;
}

#include "models/qspio_nsclc/parameters.inc"
#include "models/qspio_nsclc/states.inc"

namespace par {
#define X_ENUM(name, unit, value, lo, hi, desc, src) name,
enum : int { NSCLC_PARAMETERS(X_ENUM) kCount };
#undef X_ENUM
}  // namespace par

namespace ts {  // offsets within a T-cell synapse
#define X_ENUM(name) name,
enum : int { NSCLC_TSYN_SPECIES(X_ENUM) kCount };
#undef X_ENUM
}  // namespace ts

namespace ms {  // offsets within the macrophage-cancer synapse
#define X_ENUM(name) name,
enum : int { NSCLC_MSYN_SPECIES(X_ENUM) kCount };
#undef X_ENUM
}  // namespace ms

namespace st {
#define X_ENUM(name, display, unit, comp, desc) name,
enum : int { NSCLC_COMPARTMENT_STATES(X_ENUM) kCompartmentCount };
#undef X_ENUM
constexpr int kSynTC1 = kCompartmentCount;
constexpr int kSynTAPC = kSynTC1 + ts::kCount;
constexpr int kSynMC = kSynTAPC + ts::kCount;
constexpr int kCount = kSynMC + ms::kCount;
}  // namespace st

static_assert(st::kCompartmentCount == 64, "64 compartment states (dossier §4)");
static_assert(st::kCount == 141, "141 ODE states (dossier §4)");

enum Out : int {
  kTumourVolume, kTumourDiameter, kCancerCells, kCd8Tumour, kTregTumour, kThTumour, kHPD1C1,
  kHCD28APC, kHP1, kHP0, kNaT, kPD1Plasma, kPDL1Plasma, kCTLA4Plasma, kPD1Tumour, kPDL1Tumour,
  kCTLA4Tumour, kM1M2, kTregCd8, kCd8Cd4, kPdl1PerCell, kMdsc, kOutCount
};

template <class T>
T tumour_volume(const T* y, const double* p) {
  namespace P = par;
  const T total_T = y[st::T_T1] + y[st::T_T0] + y[st::T_Th];
  return ((y[st::C_x] + y[st::C1]) * p[P::vol_cell_L] + (y[st::T1_exh] + y[st::Th_exh] + total_T) * p[P::vol_Tcell_L] +
          (y[st::Mac_M1] + y[st::Mac_M2]) * p[P::vol_Mcell_L]) /
         p[P::Ve_T];
}

template <class T>
T antigen_signal(const T& surface_pmhc, double n_clones, const double* p, double p50) {
  namespace P = par;
  const double proofreading =
      proofreading_factor(p[P::k_TCR_off_per_day], p[P::phi_TCR_per_day], p[P::k_TCR_p_per_day], p[P::N_TCR]);
  const double kd = p[P::k_TCR_off_per_day] / p[P::k_TCR_on_um2_per_day];
  const T signal = proofreading * tcr_complexes(T(surface_pmhc / n_clones), p[P::TCR_tot_per_um2], kd);
  return signal / (signal + p50);
}

/// PD-L1/PD-L2 expression terms s1..s4, shared by the three synapses. The divisor is A_cell in
/// every synapse, as in checkpoint_module.m (a 0.3 % mismatch for the APC synapse, kept).
template <class T>
void pdl_expression(const T& pdl1_total, const T& pdl2_total, double base, double r_pdl2, const T& h_ifn,
                    const double* p, T& d_pdl1, T& d_pdl2) {
  namespace P = par;
  const double k_out = p[P::k_out_PDL1_molecule_per_day] / p[P::A_syn_um2];
  const double a = p[P::A_cell_um2];
  const double fold = p[P::r_PDL1_IFNg];
  d_pdl1 += k_out * h_ifn * (1.0 - pdl1_total / (base * fold / a)) + p[P::k_in_PDL1_per_day] * (base / a - pdl1_total);
  d_pdl2 += k_out * r_pdl2 * h_ifn * (1.0 - pdl2_total / (base * fold * r_pdl2 / a)) +
            p[P::k_in_PDL1_per_day] * (base * r_pdl2 / a - pdl2_total);
}

template <class T>
struct SynapseReadout {
  T H_PD1;
  T H_CD28;
};

/// One T-cell synapse (T-C1 or T-APC); a* are free antibody concentrations (nM, already / gamma).
template <class T>
SynapseReadout<T> t_synapse(const T* s, T* ds, const T& aPD1, const T& aPDL1, const T& aCTLA4, double base_pdl1,
                            double r_pdl2, const T& h_ifn, const double* p) {
  namespace P = par;
  const double k_pdl1 = p[P::kon_PD1_PDL1_um2_per_day], kr_pdl1 = p[P::koff_PD1_PDL1_per_day];
  const double k_pdl2 = p[P::kon_PD1_PDL2_um2_per_day], kr_pdl2 = p[P::koff_PD1_PDL2_per_day];
  const double k_a1 = p[P::kon_PD1_aPD1_per_nM_per_day], kr_a1 = p[P::koff_PD1_aPD1_per_day];
  const double x_a1 = p[P::Chi_PD1_aPD1_nM_um2];
  const double k_al1 = p[P::kon_PDL1_aPDL1_per_nM_per_day], kr_al1 = p[P::koff_PDL1_aPDL1_per_day];
  const double x_al1 = p[P::Chi_PDL1_aPDL1_nM_um2];
  const double k_2880 = p[P::kon_CD28_CD80_um2_per_day], kr_2880 = p[P::koff_CD28_CD80_per_day];
  const double k_2886 = p[P::kon_CD28_CD86_um2_per_day], kr_2886 = p[P::koff_CD28_CD86_per_day];
  const double k_c80 = p[P::kon_CTLA4_CD80_um2_per_day], kr_c80 = p[P::koff_CTLA4_CD80_per_day];
  const double k_c86 = p[P::kon_CTLA4_CD86_um2_per_day], kr_c86 = p[P::koff_CTLA4_CD86_per_day];
  const double k_ac = p[P::kon_CTLA4_aCTLA4_per_nM_per_day], kr_ac = p[P::koff_CTLA4_aCTLA4_per_day];
  const double x_ac = p[P::Chi_CTLA4_aCTLA4_nM_um2];
  const double k_dim = p[P::kon_CD80_CD80_um2_per_day], kr_dim = p[P::koff_CD80_CD80_per_day];
  const double k_cis = p[P::kon_CD80_PDL1_um2_per_day], kr_cis = p[P::koff_CD80_PDL1_per_day];

  const T r1 = k_pdl1 * s[ts::PD1] * s[ts::PDL1] - kr_pdl1 * s[ts::PD1_PDL1];
  const T r2 = k_pdl2 * s[ts::PD1] * s[ts::PDL2] - kr_pdl2 * s[ts::PD1_PDL2];
  const T r3 = 2.0 * k_a1 * s[ts::PD1] * aPD1 - kr_a1 * s[ts::PD1_aPD1];
  const T r4 = x_a1 * k_a1 * s[ts::PD1] * s[ts::PD1_aPD1] - 2.0 * kr_a1 * s[ts::PD1_aPD1_PD1];
  const T r5 = 2.0 * k_al1 * s[ts::PDL1] * aPDL1 - kr_al1 * s[ts::PDL1_aPDL1];
  const T r6 = x_al1 * k_al1 * s[ts::PDL1] * s[ts::PDL1_aPDL1] - 2.0 * kr_al1 * s[ts::PDL1_aPDL1_PDL1];
  const T r7 = 2.0 * k_2880 * s[ts::CD28] * s[ts::CD80] - kr_2880 * s[ts::CD28_CD80];
  const T r8 = k_2880 * s[ts::CD28] * s[ts::CD28_CD80] - 2.0 * kr_2880 * s[ts::CD28_CD80_CD28];
  const T r9 = k_2886 * s[ts::CD28] * s[ts::CD86] - kr_2886 * s[ts::CD28_CD86];
  const T r10 = 4.0 * k_c80 * s[ts::CTLA4] * s[ts::CD80] - kr_c80 * s[ts::CD80_CTLA4];
  const T r11 = 2.0 * k_c80 * s[ts::CTLA4] * s[ts::CD80_CTLA4] - 2.0 * kr_c80 * s[ts::CTLA4_CD80_CTLA4];
  const T r12 = 4.0 * k_c80 * s[ts::CD80] * s[ts::CTLA4_CD80_CTLA4] - kr_c80 * s[ts::CD80_CTLA4_CD80_CTLA4];
  const T r13 = 2.0 * k_c80 * s[ts::CD80_CTLA4] * s[ts::CD80] - 2.0 * kr_c80 * s[ts::CD80_CTLA4_CD80];
  const T r14 = 4.0 * k_c80 * s[ts::CTLA4] * s[ts::CD80_CTLA4_CD80] - kr_c80 * s[ts::CD80_CTLA4_CD80_CTLA4];
  const T r15 = 2.0 * k_c86 * s[ts::CTLA4] * s[ts::CD86] - kr_c86 * s[ts::CD86_CTLA4];
  const T r16 = k_c86 * s[ts::CD86_CTLA4] * s[ts::CD86] - 2.0 * kr_c86 * s[ts::CD86_CTLA4_CD86];
  const T r17 = 4.0 * k_ac * s[ts::CTLA4] * aCTLA4 - kr_ac * s[ts::CTLA4_aCTLA4];
  const T r18 = 2.0 * x_ac * k_ac * s[ts::CTLA4] * s[ts::CTLA4_aCTLA4] - 2.0 * kr_ac * s[ts::CTLA4_aCTLA4_CTLA4];
  const T r19 = k_dim * s[ts::CD80m] * s[ts::CD80m] - kr_dim * s[ts::CD80];
  const T r20 = k_cis * s[ts::CD80m] * s[ts::PDL1] - kr_cis * s[ts::PDL1_CD80];
  const T r21 = k_2880 * s[ts::PDL1_CD80] * s[ts::CD28] - kr_2880 * s[ts::PDL1_CD80_CD28];
  const T r22 = 2.0 * k_c80 * s[ts::PDL1_CD80] * s[ts::CTLA4] - kr_c80 * s[ts::PDL1_CD80_CTLA4];
  const T r23 = 2.0 * k_al1 * s[ts::TPDL1] * aPDL1 - kr_al1 * s[ts::TPDL1_aPDL1];
  const T r24 = x_al1 * k_al1 * s[ts::TPDL1] * s[ts::TPDL1_aPDL1] - 2.0 * kr_al1 * s[ts::TPDL1_aPDL1_TPDL1];

  ds[ts::PD1] = -r1 - r2 - r3 - r4;
  ds[ts::PDL1] = -r1 - r5 - r6 - r20;
  ds[ts::PDL2] = -r2;
  ds[ts::PD1_PDL1] = r1;
  ds[ts::PD1_PDL2] = r2;
  ds[ts::PD1_aPD1] = r3 - r4;
  ds[ts::PD1_aPD1_PD1] = r4;
  ds[ts::PDL1_aPDL1] = r5 - r6;
  ds[ts::PDL1_aPDL1_PDL1] = r6;
  ds[ts::TPDL1] = -r23 - r24;
  ds[ts::TPDL1_aPDL1] = r23 - r24;
  ds[ts::TPDL1_aPDL1_TPDL1] = r24;
  ds[ts::CD28] = -r7 - r8 - r9 - r21;
  ds[ts::CTLA4] = -r10 - r11 - r14 - r15 - r17 - r18 - r22;
  ds[ts::CD80] = -r7 - r10 - r12 - r13 + r19;
  ds[ts::CD80m] = -2.0 * r19 - r20;
  ds[ts::CD86] = -r9 - r15 - r16;
  ds[ts::CD28_CD80] = r7 - r8;
  ds[ts::CD28_CD80_CD28] = r8;
  ds[ts::CD28_CD86] = r9;
  ds[ts::CD80_CTLA4] = r10 - r11 - r13;
  ds[ts::CD80_CTLA4_CD80] = r13 - r14;
  ds[ts::CTLA4_CD80_CTLA4] = r11 - r12;
  ds[ts::CD80_CTLA4_CD80_CTLA4] = r12 + r14;
  ds[ts::CD86_CTLA4] = r15 - r16;
  ds[ts::CD86_CTLA4_CD86] = r16;
  ds[ts::PDL1_CD80] = r20 - r21 - r22;
  ds[ts::PDL1_CD80_CD28] = r21;
  ds[ts::PDL1_CD80_CTLA4] = r22;
  ds[ts::CTLA4_aCTLA4] = r17 - r18;
  ds[ts::CTLA4_aCTLA4_CTLA4] = r18;

  const T pdl1_total = s[ts::PDL1] + s[ts::PD1_PDL1] + s[ts::PDL1_aPDL1] + 2.0 * s[ts::PDL1_aPDL1_PDL1] +
                       s[ts::PDL1_CD80] + s[ts::PDL1_CD80_CD28] + s[ts::PDL1_CD80_CTLA4];
  const T pdl2_total = s[ts::PDL2] + s[ts::PD1_PDL2];
  pdl_expression(pdl1_total, pdl2_total, base_pdl1, r_pdl2, h_ifn, p, ds[ts::PDL1], ds[ts::PDL2]);

  SynapseReadout<T> out;
  out.H_PD1 = hill(T(s[ts::PD1_PDL1] + s[ts::PD1_PDL2]), p[P::PD1_50_per_um2], p[P::n_PD1]);
  out.H_CD28 = hill(T(s[ts::CD28_CD80] + s[ts::CD28_CD86] + 2.0 * s[ts::CD28_CD80_CD28] + s[ts::PDL1_CD80_CD28]),
                    p[P::CD28_CD8X_50_per_um2], p[P::n_CD28_CD8X]);
  return out;
}

/// Macrophage-cancer synapse; returns H_Mac_C = 1 - (1 - H_SIRPa)(1 - H_PD1_M).
template <class T>
T m_synapse(const T* s, T* ds, const T& aPD1, const T& aPDL1, const T& h_ifn, const double* p) {
  namespace P = par;
  const double k_a1 = p[P::kon_PD1_aPD1_per_nM_per_day], kr_a1 = p[P::koff_PD1_aPD1_per_day];
  const double k_al1 = p[P::kon_PDL1_aPDL1_per_nM_per_day], kr_al1 = p[P::koff_PDL1_aPDL1_per_day];
  const T r1 = p[P::kon_CD47_SIRPa_um2_per_day] * s[ms::CD47] * s[ms::SIRPa] - p[P::koff_CD47_SIRPa_per_day] * s[ms::CD47_SIRPa];
  const T r2 = p[P::kon_PD1_PDL1_um2_per_day] * s[ms::PD1] * s[ms::PDL1] - p[P::koff_PD1_PDL1_per_day] * s[ms::PD1_PDL1];
  const T r3 = p[P::kon_PD1_PDL2_um2_per_day] * s[ms::PD1] * s[ms::PDL2] - p[P::koff_PD1_PDL2_per_day] * s[ms::PD1_PDL2];
  const T r4 = 2.0 * k_a1 * s[ms::PD1] * aPD1 - kr_a1 * s[ms::PD1_aPD1];
  const T r5 = p[P::Chi_PD1_aPD1_nM_um2] * k_a1 * s[ms::PD1] * s[ms::PD1_aPD1] - 2.0 * kr_a1 * s[ms::PD1_aPD1_PD1];
  const T r6 = 2.0 * k_al1 * s[ms::PDL1] * aPDL1 - kr_al1 * s[ms::PDL1_aPDL1];
  const T r7 = p[P::Chi_PDL1_aPDL1_nM_um2] * k_al1 * s[ms::PDL1] * s[ms::PDL1_aPDL1] - 2.0 * kr_al1 * s[ms::PDL1_aPDL1_PDL1];
  const T r8 = p[P::kon_CD80_CD80_um2_per_day] * s[ms::CD80m] * s[ms::CD80m] - p[P::koff_CD80_CD80_per_day] * s[ms::CD80];
  const T r9 = p[P::kon_CD80_PDL1_um2_per_day] * s[ms::CD80m] * s[ms::PDL1] - p[P::koff_CD80_PDL1_per_day] * s[ms::PDL1_CD80];
  ds[ms::CD47] = -r1;
  ds[ms::SIRPa] = -r1;
  ds[ms::CD47_SIRPa] = r1;
  ds[ms::PD1] = -r2 - r3 - r4 - r5;
  ds[ms::PDL1] = -r2 - r6 - r7 - r9;
  ds[ms::PDL2] = -r3;
  ds[ms::PD1_PDL1] = r2;
  ds[ms::PD1_PDL2] = r3;
  ds[ms::PD1_aPD1] = r4 - r5;
  ds[ms::PD1_aPD1_PD1] = r5;
  ds[ms::PDL1_aPDL1] = r6 - r7;
  ds[ms::PDL1_aPDL1_PDL1] = r7;
  ds[ms::CD80] = r8;
  ds[ms::CD80m] = -2.0 * r8 - r9;
  ds[ms::PDL1_CD80] = r9;
  const T pdl1_total = s[ms::PDL1] + s[ms::PD1_PDL1] + s[ms::PDL1_aPDL1] + 2.0 * s[ms::PDL1_aPDL1_PDL1] + s[ms::PDL1_CD80];
  const T pdl2_total = s[ms::PDL2] + s[ms::PD1_PDL2];
  pdl_expression(pdl1_total, pdl2_total, p[P::C1_PDL1_base_molecule], p[P::r_PDL2C1], h_ifn, p, ds[ms::PDL1], ds[ms::PDL2]);
  const T h_sirpa = hill(s[ms::CD47_SIRPa], p[P::SIRPa_50_per_um2], p[P::n_SIRPa]);
  const T h_pd1 = hill(T(s[ms::PD1_PDL1] + s[ms::PD1_PDL2]), p[P::PD1_50_per_um2], p[P::n_PD1]);
  return 1.0 - (1.0 - h_sirpa) * (1.0 - h_pd1);
}

/// Four-compartment antibody PK of one slot (dossier §5.13). Indices of C, P, T, LN states.
template <class T>
void antibody_pk(const T* y, T* dy, int iC, int iP, int iT, int iLN, const T& V_T, const double* p, int qP, int qT,
                 int qLN, int qLD, int kcl, int gC, int gP, int gT, int gLN, int kcln, int Kc) {
  namespace P = par;
  const T c = y[iC] / p[gC];
  const T to_P = p[qP] * (c - y[iP] / p[gP]);
  const T to_T = p[qT] * (c - y[iT] / p[gT]);
  const T to_LN = p[qLN] * (c - y[iLN] / p[gLN]);
  const T drain_T = p[qLD] * V_T * y[iT] / p[gT];
  const T drain_LN = p[qLD] * V_T * y[iLN] / p[gLN];
  dy[iC] = (-to_P - to_T - to_LN + drain_LN - p[kcl] * y[iC] - p[kcln] * michaelis(y[iC], p[Kc])) / p[P::V_C_L];
  dy[iP] = to_P / p[P::V_P_L];
  dy[iT] = (to_T - drain_T) / V_T;
  dy[iLN] = (to_LN + drain_T - drain_LN) / p[P::V_LN_L];
}

#define NSCLC_PK_ARGS(slot)                                                                                   \
  par::q_P_##slot##_L_per_day, par::q_T_##slot##_L_per_day, par::q_LN_##slot##_L_per_day,                     \
      par::q_LD_##slot##_per_day, par::k_cl_##slot##_L_per_day, par::gamma_C_##slot, par::gamma_P_##slot,     \
      par::gamma_T_##slot, par::gamma_LN_##slot, par::k_cln_##slot##_nmol_per_day, par::Kc_##slot##_nM

template <class T>
void eval_rhs(const T* y, const double* p, T* dy) {
  using std::exp2;
  namespace P = par;
  namespace S = st;
  const T C = y[S::C1];
  const T V_T = tumour_volume(y, p);
  const double V_LN = p[P::V_LN_L];
  const T C2 = C * C;
  const T f_rec = C2 / (C2 + p[P::Kc_rec_cell2]);
  const T g_clr = p[P::Kc_rec_cell2] / (C2 + p[P::Kc_rec_cell2]);
  const double k_clear = p[P::k_cell_clear_per_day];

  // Cytokine Hill functions (§5.7)
  const T H_TGFb = michaelis(y[S::TGFb], p[P::TGFb_50_nM]);
  const T H_TGFb_Teff = michaelis(y[S::TGFb], p[P::TGFb_50_Teff_nM]);
  const T H_NO = michaelis(y[S::NO], p[P::NO_50_Teff_nM]);
  const T H_ArgI_Teff = michaelis(y[S::ArgI], p[P::ArgI_50_Teff_mU]);
  const T H_ArgI_Treg = michaelis(y[S::ArgI], p[P::ArgI_50_Treg_mU]);
  const T H_MDSC = 1.0 - (1.0 - H_NO) * (1.0 - H_ArgI_Teff);
  const T H_IL10 = michaelis(y[S::IL10], p[P::IL10_50_nM]);
  const T H_IL10_phago = michaelis(y[S::IL10], p[P::IL10_50_phago_nM]);
  const T H_IL12 = michaelis(y[S::IL12], p[P::IL12_50_nM]);
  const T H_IFN = michaelis(y[S::IFNg], p[P::IFNg_50_ind_nM]);

  // Synapses (§5.11, §5.12): T-C1 reads tumour antibody, T-APC reads LN antibody, both / gamma.
  const T tC_aPD1 = y[S::T_aPD1] / p[P::gamma_T_aPD1];
  const T tC_aPDL1 = y[S::T_aPDL1] / p[P::gamma_T_aPDL1];
  const T tC_aCTLA4 = y[S::T_aCTLA4] / p[P::gamma_T_aCTLA4];
  const SynapseReadout<T> syn_c1 = t_synapse(y + S::kSynTC1, dy + S::kSynTC1, tC_aPD1, tC_aPDL1, tC_aCTLA4,
                                             p[P::C1_PDL1_base_molecule], p[P::r_PDL2C1], H_IFN, p);
  const SynapseReadout<T> syn_apc =
      t_synapse(y + S::kSynTAPC, dy + S::kSynTAPC, T(y[S::LN_aPD1] / p[P::gamma_LN_aPD1]),
                T(y[S::LN_aPDL1] / p[P::gamma_LN_aPDL1]), T(y[S::LN_aCTLA4] / p[P::gamma_LN_aCTLA4]),
                p[P::APC_PDL1_base_molecule], p[P::r_PDL2APC], H_IFN, p);
  const T H_Mac_C = m_synapse(y + S::kSynMC, dy + S::kSynMC, tC_aPD1, tC_aPDL1, H_IFN, p);
  const T& H_PD1_C1 = syn_c1.H_PD1;
  const T& H_CD28_APC = syn_apc.H_CD28;

  // Cancer (§5.2)
  const T T1 = y[S::T_T1];
  const T R_kill = p[P::k_C_T1_per_day] * C * (T1 / (p[P::K_T_C] * C + T1 + 1.0)) *
                   (T1 / (T1 + p[P::K_T_Treg] * y[S::T_T0] + 1.0)) * (1.0 - H_TGFb_Teff) * (1.0 - H_PD1_C1) *
                   (1.0 - H_MDSC);
  const T R_phago = p[P::k_M1_phago_per_day] * C * y[S::Mac_M1] / (y[S::Mac_M1] + p[P::K_Mac_C] * C + 1.0) *
                    (1.0 - H_Mac_C) * (1.0 - H_IL10_phago);
  const T basal_death = (p[P::k_C1_death_per_day] + p[P::k_C1_therapy_per_day]) * C;
  dy[S::C1] = p[P::k_C1_growth_per_day] * C * (1.0 - C / p[P::C_max_cell]) - basal_death - R_kill - R_phago;
  dy[S::C_x] = basal_death + R_kill + R_phago - k_clear * y[S::C_x];

  // Antigen recognition (§5.10) and APC availability (§5.4)
  const T H_P0 = antigen_signal(y[S::s_M1p0], p[P::n_T0_clones], p, p[P::p0_50_per_um2]);
  const T H_P1 = antigen_signal(y[S::s_M1p1], p[P::n_T1_clones], p, p[P::p1_50_per_um2]);
  const T sites = p[P::n_sites_APC] * y[S::LN_mAPC];
  const T H_mAPC = sites / (sites + y[S::LN_nT1] * p[P::n_T1_clones] + 1.0);
  const T H_APC = sites / (sites + y[S::LN_nT0] * p[P::n_T0_clones] + 1.0);
  const T H_APCh = sites / (sites + y[S::LN_nT0] * p[P::n_T1_clones] + 1.0);

  // Naive T cells per clone (§5.3)
  const T act_T1 = p[P::k_T1_act_per_day] * H_mAPC * H_P1 * y[S::LN_nT1];
  const T act_T0 = p[P::k_T0_act_per_day] * H_APC * H_P0 * y[S::LN_nT0];
  const T act_Th = p[P::k_Th_act_per_day] * H_APCh * H_P1 * y[S::LN_nT0];
  auto naive = [&](int iC, int iP, int iLN, double Q, double div, double kpro, double Kpro, double kdeath,
                   double qPin, double qPout, double qLNin, double qLNout, const T& activation) {
    dy[iC] = Q / div - kdeath * y[iC] - qPin * y[iC] + qPout * y[iP] - qLNin * y[iC] + qLNout * y[iLN];
    dy[iP] = kpro / div * y[iP] / (Kpro / div + y[iP]) - kdeath * y[iP] + qPin * y[iC] - qPout * y[iP];
    dy[iLN] = kpro / div * y[iLN] / (Kpro / div + y[iLN]) - kdeath * y[iLN] + qLNin * y[iC] - qLNout * y[iLN] -
              activation;
  };
  naive(S::C_nT1, S::P_nT1, S::LN_nT1, p[P::Q_nT1_thym_cell_per_day], p[P::div_T1], p[P::k_nT1_pro_cell_per_day],
        p[P::K_nT1_pro_cell], p[P::k_nT1_death_per_day], p[P::q_nT1_P_in_per_day], p[P::q_nT1_P_out_per_day],
        p[P::q_nT1_LN_in_per_day], p[P::q_nT1_LN_out_per_day], act_T1);
  naive(S::C_nT0, S::P_nT0, S::LN_nT0, p[P::Q_nT0_thym_cell_per_day], p[P::div_T0], p[P::k_nT0_pro_cell_per_day],
        p[P::K_nT0_pro_cell], p[P::k_nT0_death_per_day], p[P::q_nT0_P_in_per_day], p[P::q_nT0_P_out_per_day],
        p[P::q_nT0_LN_in_per_day], p[P::q_nT0_LN_out_per_day], T(act_T0 + act_Th));

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

  // Mature trafficking (§5.5); T0 and Th share the CD4 parameters.
  auto mature = [&](int iLN, int iC, int iP, const T& gain, double kdeath, double qLNout, double qPin, double qPout,
                    double qTin) {
    dy[iLN] = gain - kdeath * y[iLN] - qLNout * y[iLN];
    dy[iC] = qLNout * y[iLN] - kdeath * y[iC] - qPin * y[iC] + qPout * y[iP] - qTin * V_T * y[iC] * f_rec;
    dy[iP] = qPin * y[iC] - qPout * y[iP] - kdeath * y[iP];
  };
  mature(S::LN_T1, S::C_T1, S::P_T1, T(exit_T1 * exp2(N_aT)), p[P::k_T1_death_per_day], p[P::q_T1_LN_out_per_day],
         p[P::q_T1_P_in_per_day], p[P::q_T1_P_out_per_day], p[P::q_T1_T_in_per_L_per_day]);
  mature(S::LN_T0, S::C_T0, S::P_T0, T(exit_T0 * exp2(N_aT4)), p[P::k_T0_death_per_day], p[P::q_T0_LN_out_per_day],
         p[P::q_T0_P_in_per_day], p[P::q_T0_P_out_per_day], p[P::q_T0_T_in_per_L_per_day]);
  mature(S::LN_Th, S::C_Th, S::P_Th, T(exit_Th * exp2(N_aT4)), p[P::k_T0_death_per_day], p[P::q_T0_LN_out_per_day],
         p[P::q_T0_P_in_per_day], p[P::q_T0_P_out_per_day], p[P::q_T0_T_in_per_L_per_day]);

  // IL-2 in the LN
  dy[S::IL2] = (p[P::k_IL2_sec_nmol_per_cell_per_day] * (y[S::aT1] + y[S::aTh]) -
                p[P::k_IL2_cons_nmol_per_cell_per_day] * y[S::LN_T1] * il2_drive -
                p[P::k_IL2_cons_nmol_per_cell_per_day] * y[S::LN_T0] * michaelis(y[S::IL2], p[P::IL2_50_Treg_nM])) /
                   V_LN -
               p[P::k_IL2_deg_per_day] * y[S::IL2];

  // T cells in the tumour (§5.6)
  const double kd1 = p[P::k_T1_death_per_day], kd0 = p[P::k_T0_death_per_day];
  const T suppression = p[P::k_Treg_per_day] * T1 * y[S::T_T0] / (T1 + y[S::T_T0] + 1.0) * H_IL10;
  const T exhaustion = p[P::k_T1_per_day] * T1 * C / (C + T1 + 1.0) * H_PD1_C1;
  const T conversion = p[P::k_Th_Treg_per_day] * y[S::T_Th] * H_TGFb * H_ArgI_Treg;
  dy[S::T_T1] = p[P::q_T1_T_in_per_L_per_day] * V_T * y[S::C_T1] * f_rec - kd1 * T1 - k_clear * T1 * g_clr -
                suppression - exhaustion;
  dy[S::T1_exh] = kd1 * T1 + k_clear * T1 * g_clr + suppression + exhaustion - k_clear * y[S::T1_exh];
  dy[S::T_Th] = p[P::q_T0_T_in_per_L_per_day] * V_T * y[S::C_Th] * f_rec - kd0 * y[S::T_Th] -
                k_clear * y[S::T_Th] * g_clr - conversion;
  dy[S::Th_exh] = kd0 * y[S::T_Th] + k_clear * y[S::T_Th] * g_clr - k_clear * y[S::Th_exh];
  dy[S::T_T0] = p[P::q_T0_T_in_per_L_per_day] * V_T * y[S::C_T0] * f_rec - kd0 * y[S::T_T0] -
                k_clear * y[S::T_T0] * g_clr + conversion;

  // Tumour cytokines (§5.8): secretion in nmol/day over V_T
  dy[S::IFNg] = (p[P::k_IFNg_Tsec_nmol_per_cell_per_day] * T1 + p[P::k_IFNg_Thsec_nmol_per_cell_per_day] * y[S::T_Th]) / V_T -
                p[P::k_IFNg_deg_per_day] * y[S::IFNg];
  dy[S::TGFb] = p[P::k_TGFb_deg_per_day] * (p[P::TGFbase_nM] - y[S::TGFb]) +
                (p[P::k_TGFb_Tsec_nmol_per_cell_per_day] * y[S::T_T0] + p[P::k_TGFb_Msec_nmol_per_cell_per_day] * y[S::Mac_M2]) / V_T;
  dy[S::IL12] = (p[P::k_IL12_sec_nmol_per_cell_per_day] * y[S::T_mAPC] + p[P::k_IL12_Msec_nmol_per_cell_per_day] * y[S::Mac_M1]) / V_T -
                p[P::k_IL12_deg_per_day] * y[S::IL12];
  dy[S::IL10] = p[P::k_IL10_sec_nmol_per_cell_per_day] * y[S::Mac_M2] / V_T - p[P::k_IL10_deg_per_day] * y[S::IL10];
  dy[S::CCL2] = p[P::k_CCL2_sec_nmol_per_cell_per_day] * C / V_T - p[P::k_CCL2_deg_per_day] * y[S::CCL2];
  dy[S::NO] = p[P::k_NO_sec_nmol_per_cell_per_day] * y[S::MDSC] / V_T - p[P::k_NO_deg_per_day] * y[S::NO];
  dy[S::ArgI] = p[P::k_ArgI_sec_mU_L_per_cell_per_day] * y[S::MDSC] / V_T - p[P::k_ArgI_deg_per_day] * y[S::ArgI];

  // APCs (§5.9): maturation by IL-12, blocked by IL-10
  const T maturation = p[P::k_APC_mat_per_day] * y[S::T_APC] * H_IL12 * (1.0 - H_IL10);
  dy[S::T_APC] = p[P::k_APC_death_per_day] * (p[P::APC0_T_cell_per_L] * V_T - y[S::T_APC]) - maturation;
  dy[S::T_mAPC] = maturation - p[P::k_APC_mig_per_day] * y[S::T_mAPC] - p[P::k_mAPC_death_per_day] * y[S::T_mAPC];
  dy[S::LN_APC] = p[P::k_APC_death_per_day] * (p[P::APC0_LN_cell_per_L] * V_LN - y[S::LN_APC]);
  dy[S::LN_mAPC] = p[P::k_APC_mig_per_day] * y[S::T_mAPC] - p[P::k_mAPC_death_per_day] * y[S::LN_mAPC];

  // MDSC and macrophages (§5.11)
  const T ccl2_drive = michaelis(y[S::CCL2], p[P::CCL2_50_nM]);
  dy[S::MDSC] = p[P::k_MDSC_rec_cell_per_L_per_day] * V_T * ccl2_drive - p[P::k_MDSC_death_per_day] * y[S::MDSC] -
                k_clear * y[S::MDSC] * g_clr;
  const T to_M2 = p[P::k_M2_pol_per_day] * y[S::Mac_M1] * (H_TGFb + H_IL10);
  const T to_M1 = p[P::k_M1_pol_per_day] * y[S::Mac_M2] *
                  (H_IL12 + michaelis(y[S::IFNg], p[P::IFNg_50_nM]));
  const T mac_loss = p[P::k_Mac_death_per_day] + k_clear * g_clr;
  dy[S::Mac_M1] = p[P::k_Mac_rec_cell_per_L_per_day] * V_T * ccl2_drive - mac_loss * y[S::Mac_M1] - to_M2 + to_M1;
  dy[S::Mac_M2] = -mac_loss * y[S::Mac_M2] + to_M2 - to_M1;

  // Antigen release, uptake by immature tumour APCs, processing and MHC loading (§5.10)
  const T released_cells = basal_death + R_kill;  // not from phagocytosis
  auto rates = [&](double kx, double kup, double kdeg, double kpdeg, double kon, double kd) {
    return AntigenRates{kx, kup, kdeg, kpdeg, kon, kd, p[P::kout_per_day], p[P::A_e_um2], p[P::A_s_um2], p[P::V_e_L]};
  };
  const T bind0 = antigen_presentation(
      y, dy, AntigenIndices{S::T_P0, S::e_P0, S::e_p0, S::e_M1p0, S::s_M1p0},
      rates(p[P::k_xP0_deg_per_day], p[P::k_P0_up_per_cell_per_day], p[P::k_P0_deg_per_day], p[P::k_p0_deg_per_day],
            p[P::k_P0_on_per_nM_per_day], p[P::k_P0_d1_nM]),
      T(p[P::n_T0_clones] * p[P::P0_C1_nmol_per_cell] * released_cells / V_T), y[S::T_APC], y[S::e_M1]);
  const T bind1 = antigen_presentation(
      y, dy, AntigenIndices{S::T_P1, S::e_P1, S::e_p1, S::e_M1p1, S::s_M1p1},
      rates(p[P::k_xP1_deg_per_day], p[P::k_P1_up_per_cell_per_day], p[P::k_P1_deg_per_day], p[P::k_p1_deg_per_day],
            p[P::k_P1_on_per_nM_per_day], p[P::k_P1_d1_nM]),
      T(p[P::n_T1_clones] * p[P::P1_C1_nmol_per_cell] * released_cells / V_T), y[S::T_APC], y[S::e_M1]);
  const T cycling = p[P::kout_per_day] * y[S::e_M1] * p[P::A_e_um2] - p[P::kin_per_day] * y[S::s_M1] * p[P::A_s_um2];
  dy[S::e_M1] = -cycling / p[P::A_e_um2] - bind0 - bind1;
  dy[S::s_M1] = cycling / p[P::A_s_um2] + p[P::k_P0_d1_nM] * p[P::k_P0_on_per_nM_per_day] * y[S::s_M1p0] +
                p[P::k_P1_d1_nM] * p[P::k_P1_on_per_nM_per_day] * y[S::s_M1p1];

  // Antibody PK (§5.13)
  antibody_pk(y, dy, S::C_aPD1, S::P_aPD1, S::T_aPD1, S::LN_aPD1, V_T, p, NSCLC_PK_ARGS(aPD1));
  antibody_pk(y, dy, S::C_aPDL1, S::P_aPDL1, S::T_aPDL1, S::LN_aPDL1, V_T, p, NSCLC_PK_ARGS(aPDL1));
  antibody_pk(y, dy, S::C_aCTLA4, S::P_aCTLA4, S::T_aCTLA4, S::LN_aCTLA4, V_T, p, NSCLC_PK_ARGS(aCTLA4));
}

class NsclcModel final : public TabulatedModel {
 public:
  NsclcModel() : TabulatedModel("qspio_nsclc", "QSP-IO NSCLC reference model (Wang et al. 2023)") {
#define X_PARAM(name, unit, value, lo, hi, desc, src) parameters_.push_back({#name, unit, value, lo, hi, desc, src});
    NSCLC_PARAMETERS(X_PARAM)
#undef X_PARAM
#define X_STATE(name, display, unit, comp, desc) states_.push_back({display, unit, comp, desc});
    NSCLC_COMPARTMENT_STATES(X_STATE)
#undef X_STATE
#define X_TSYN(name) states_.push_back({std::string(prefix) + #name, "molecule/um^2", compartment, #name});
    {
      const char* prefix = "syn_T_C1.";
      const char* compartment = "syn_T_C1";
      NSCLC_TSYN_SPECIES(X_TSYN)
    }
    {
      const char* prefix = "syn_T_APC.";
      const char* compartment = "syn_T_APC";
      NSCLC_TSYN_SPECIES(X_TSYN)
    }
#undef X_TSYN
#define X_MSYN(name) states_.push_back({std::string("syn_M_C.") + #name, "molecule/um^2", "syn_M_C", #name});
    NSCLC_MSYN_SPECIES(X_MSYN)
#undef X_MSYN
    outputs_ = {
        {"tumour_volume_L", "L", "V_T = cell volumes / Ve_T (cancer, dead, T cells, macrophages)"},
        {"tumour_diameter_cm", "cm", "diameter of the equivalent sphere, 2(3V_T/4pi)^(1/3)"},
        {"cancer_cells", "cell", "C1"},
        {"cd8_tumour_cells", "cell", "V_T.T1"},
        {"treg_tumour_cells", "cell", "V_T.T0"},
        {"th_tumour_cells", "cell", "V_T.Th"},
        {"H_PD1_C1", "1", "PD-1 inhibition in the T-C1 synapse"},
        {"H_CD28_APC", "1", "CD28 co-stimulation in the T-APC synapse"},
        {"H_P1", "1", "neo-antigen TCR signal"},
        {"H_P0", "1", "self-antigen TCR signal"},
        {"N_aT", "1", "CD8 generations per activation"},
        {"aPD1_plasma_nM", "nM", "anti-PD-1 in blood"},
        {"aPDL1_plasma_nM", "nM", "anti-PD-L1 in blood"},
        {"aCTLA4_plasma_nM", "nM", "anti-CTLA-4 in blood"},
        {"aPD1_tumour_nM", "nM", "anti-PD-1 in tumour"},
        {"aPDL1_tumour_nM", "nM", "anti-PD-L1 in tumour"},
        {"aCTLA4_tumour_nM", "nM", "anti-CTLA-4 in tumour"},
        {"M1_M2_ratio", "1", "Mac_M1 / Mac_M2"},
        {"Treg_CD8_ratio", "1", "T0 / (T1 + T1_exh), tumour"},
        {"CD8_CD4_ratio", "1", "(T1 + T1_exh) / (T0 + Th + Th_exh), tumour"},
        {"PDL1_per_cancer_cell", "molecule", "PD-L1 total in the T-C1 synapse x A_cell"},
        {"mdsc_tumour_cells", "cell", "V_T.MDSC"},
    };
    drug_slots_ = {{"aPD1", "PD-1", "V_C.aPD1", "V_C_L"},
                   {"aPDL1", "PD-L1", "V_C.aPDL1", "V_C_L"},
                   {"aCTLA4", "CTLA-4", "V_C.aCTLA4", "V_C_L"}};
    // Drug PK from QT model/pk_parameters.m; q_P given in L/s there. Only durvalumab carries the
    // Michaelis-Menten clearance (dose_type 'n' in the NSCLC script).
    auto pk = [](const std::string& slot, double qP_L_per_s, double kcl, double gC, double gP, double kcln, double Kc) {
      return std::vector<std::pair<std::string, double>>{
          {"q_P_" + slot + "_L_per_day", qP_L_per_s * kSecondsPerDay}, {"k_cl_" + slot + "_L_per_day", kcl},
          {"gamma_C_" + slot, gC}, {"gamma_P_" + slot, gP}, {"k_cln_" + slot + "_nmol_per_day", kcln},
          {"Kc_" + slot + "_nM", Kc}};
    };
    drugs_ = {
        {"pembrolizumab", "aPD1", 1.49e8, pk("aPD1", 9.16e-6, 0.315, 0.698, 0.0789, 0, 1), "Ahamadi 2016 (PMID 27863186)"},
        {"nivolumab", "aPD1", 1.436e8, pk("aPD1", 8.8e-6, 0.37, 0.61, 0.0452, 0, 1), "Bajaj 2017 (PMID 28019091)"},
        {"atezolizumab", "aPDL1", 1.436e8, pk("aPDL1", 8.7e-6, 0.324, 0.61, 0.068, 0, 1), "Stroh 2017 (PMID 27981577)"},
        {"durvalumab", "aPDL1", 1.49e8, pk("aPDL1", 5.56e-6, 0.33, 0.70, 0.057, 5.6, 1.69), "Baverel 2018 (PMID 29243223)"},
        {"ipilimumab", "aCTLA4", 1.486349e8, pk("aCTLA4", 1.15e-5, 0.524, 0.686, 0.0496, 0, 1), "Feng 2014 (PMID 24433434)"},
        {"tremelimumab", "aCTLA4", 1.4638e8, pk("aCTLA4", 5.331e-6, 0.3276, 0.794, 0.062, 0, 1), "Wang 2014 (PMID 24737343)"},
    };
    events_ = {{"tumour_eradication", "V_T.C1", 0.5, 0.01}};
  }


  void initial_state(const double* p, double* y) const override {
    namespace P = par;
    namespace S = st;
    for (int i = 0; i < S::kCount; ++i) y[i] = 0.0;
    // Naive pools per clone: blood density x V_C / diversity; periphery 50x, LN 0.05x (CD8) and 0.042x (CD4).
    const double nT1 = p[P::rho_nT1_cell_per_L] * p[P::V_C_L] / p[P::div_T1];
    const double nT0 = p[P::rho_nT0_cell_per_L] * p[P::V_C_L] / p[P::div_T0];
    y[S::C_nT1] = nT1;
    y[S::P_nT1] = 50.0 * nT1;
    y[S::LN_nT1] = 0.05 * nT1;
    y[S::C_nT0] = nT0;
    y[S::P_nT0] = 50.0 * nT0;
    y[S::LN_nT0] = 0.042 * nT0;
    y[S::C1] = 1.0;
    const double trace_nM = 1e-18 * kNmPerM;  // 1e-18 M seeds
    y[S::T_P0] = y[S::T_P1] = trace_nM;
    y[S::e_P0] = y[S::e_p0] = y[S::e_P1] = y[S::e_p1] = trace_nM;
    y[S::IL2] = p[P::IL2_0_nM];
    y[S::e_M1] = p[P::n_MHC_T_molecule] / (p[P::A_e_um2] + p[P::A_s_um2]);
    y[S::e_M1p0] = y[S::e_M1p1] = 1e-6;
    y[S::s_M1] = y[S::s_M1p0] = y[S::s_M1p1] = 1e-6;
    // Initial assignments of the synapse densities.
    auto t_synapse_init = [&](int base, double pdl1_base, double r_pdl2, double cd80, double cd86, double area) {
      y[base + ts::PD1] = p[P::T_PD1_total_molecule] / p[P::A_Tcell_um2];
      y[base + ts::CD28] = p[P::T_CD28_total_molecule] / p[P::A_Tcell_um2];
      y[base + ts::CTLA4] = p[P::T_CTLA4_syn_molecule] / p[P::A_Tcell_um2];
      y[base + ts::TPDL1] = p[P::T_PDL1_total_molecule] / p[P::A_Tcell_um2];
      y[base + ts::PDL1] = pdl1_base / area;
      y[base + ts::PDL2] = pdl1_base * r_pdl2 / area;
      y[base + ts::CD80] = cd80 / area;
      y[base + ts::CD86] = cd86 / area;
    };
    t_synapse_init(S::kSynTC1, p[P::C1_PDL1_base_molecule], p[P::r_PDL2C1], p[P::C1_CD80_total_molecule],
                   p[P::C1_CD86_total_molecule], p[P::A_cell_um2]);
    t_synapse_init(S::kSynTAPC, p[P::APC_PDL1_base_molecule], p[P::r_PDL2APC], p[P::APC_CD80_total_molecule],
                   p[P::APC_CD86_total_molecule], p[P::A_APC_um2]);
    y[S::kSynMC + ms::CD47] = p[P::C_CD47_per_um2];
    y[S::kSynMC + ms::SIRPa] = p[P::M_SIRPa_per_um2];
    y[S::kSynMC + ms::PD1] = p[P::M_PD1_total_molecule] / p[P::A_Mcell_um2];
    y[S::kSynMC + ms::PDL1] = p[P::C1_PDL1_base_molecule] / p[P::A_cell_um2];
    y[S::kSynMC + ms::PDL2] = p[P::C1_PDL1_base_molecule] * p[P::r_PDL2C1] / p[P::A_cell_um2];
    y[S::kSynMC + ms::CD80] = p[P::C1_CD80_total_molecule] / p[P::A_cell_um2];
  }

  void rhs(double, const double* y, const double* p, double* dydt) const override { eval_rhs(y, p, dydt); }
  void rhs(double, const Dual* y, const double* p, Dual* dydt) const override { eval_rhs(y, p, dydt); }
  double tumour_volume_L(const double* y, const double* p) const override { return tumour_volume(y, p); }

  void compute_outputs(double, const double* y, const double* p, double* out) const override {
    namespace S = st;
    namespace P = par;
    const double V_T = tumour_volume(y, p);
    out[kTumourVolume] = V_T;
    out[kTumourDiameter] = 2.0 * std::cbrt(3.0 * V_T / kLPerMl / (4.0 * kPi));
    out[kCancerCells] = y[S::C1];
    out[kCd8Tumour] = y[S::T_T1];
    out[kTregTumour] = y[S::T_T0];
    out[kThTumour] = y[S::T_Th];
    const double* c1 = y + S::kSynTC1;
    const double* apc = y + S::kSynTAPC;
    out[kHPD1C1] = hill(c1[ts::PD1_PDL1] + c1[ts::PD1_PDL2], p[P::PD1_50_per_um2], p[P::n_PD1]);
    out[kHCD28APC] = hill(apc[ts::CD28_CD80] + apc[ts::CD28_CD86] + 2.0 * apc[ts::CD28_CD80_CD28] + apc[ts::PDL1_CD80_CD28],
                          p[P::CD28_CD8X_50_per_um2], p[P::n_CD28_CD8X]);
    out[kHP1] = antigen_signal(y[S::s_M1p1], p[P::n_T1_clones], p, p[P::p1_50_per_um2]);
    out[kHP0] = antigen_signal(y[S::s_M1p0], p[P::n_T0_clones], p, p[P::p0_50_per_um2]);
    out[kNaT] = p[P::N0] + p[P::N_costim] * out[kHCD28APC] + p[P::N_IL2_CD8] * michaelis(y[S::IL2], p[P::IL2_50_nM]);
    out[kPD1Plasma] = y[S::C_aPD1];
    out[kPDL1Plasma] = y[S::C_aPDL1];
    out[kCTLA4Plasma] = y[S::C_aCTLA4];
    out[kPD1Tumour] = y[S::T_aPD1];
    out[kPDL1Tumour] = y[S::T_aPDL1];
    out[kCTLA4Tumour] = y[S::T_aCTLA4];
    out[kM1M2] = y[S::Mac_M1] / y[S::Mac_M2];
    out[kTregCd8] = y[S::T_T0] / (y[S::T_T1] + y[S::T1_exh]);
    out[kCd8Cd4] = (y[S::T_T1] + y[S::T1_exh]) / (y[S::T_T0] + y[S::T_Th] + y[S::Th_exh]);
    out[kPdl1PerCell] = (c1[ts::PDL1] + c1[ts::PD1_PDL1] + c1[ts::PDL1_aPDL1] + 2.0 * c1[ts::PDL1_aPDL1_PDL1] +
                         c1[ts::PDL1_CD80] + c1[ts::PDL1_CD80_CD28] + c1[ts::PDL1_CD80_CTLA4]) *
                        p[P::A_cell_um2];
    out[kMdsc] = y[S::MDSC];
  }

};

}  // namespace

std::unique_ptr<ModelDefinition> make_qspio_nsclc() { return std::make_unique<NsclcModel>(); }

}  // namespace vct::models
