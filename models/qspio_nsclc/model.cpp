// SPDX-License-Identifier: MIT
// Rate laws of the QSP-IO NSCLC reference model as flattened in docs/models/qspio_nsclc.md
// (SimBiology semantics: concentration species change by flux / compartment volume, no dilution
// by the changing tumour volume; antibody binding does not deplete the drug).
#include "models/qspio_nsclc/model.hpp"

#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "core/geometry.hpp"
#include "core/radiotherapy.hpp"
#include "core/tabulated_model.hpp"
#include "models/common/modules.hpp"
#include "core/units.hpp"

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

// Lesion-local states, gathered into one contiguous block per lesion: the tumour interstitium,
// the tumour APCs' antigen processing, the T-C1 and M-C synapses, and (RT model) the doomed-cell
// pools, DAMP and RT signal. Lesion 1 keeps the reference model's positions in the state vector;
// further lesions and the RT states follow the 141 reference states.
namespace lc {
#define NSCLC_LESION_STATES(X)                                                                          \
  X(C1) X(C_x) X(T1_exh) X(Th_exh) X(T_T1) X(T_T0) X(T_Th) X(T_APC) X(T_mAPC) X(T_P0) X(T_P1) X(IFNg) \
  X(TGFb) X(IL12) X(IL10) X(CCL2) X(NO) X(ArgI) X(MDSC) X(Mac_M1) X(Mac_M2) X(T_aPD1) X(T_aPDL1)      \
  X(T_aCTLA4) X(e_P0) X(e_p0) X(e_P1) X(e_p1) X(e_M1) X(e_M1p0) X(e_M1p1) X(s_M1) X(s_M1p0) X(s_M1p1)
#define X_ENUM(name) name,
enum : int { NSCLC_LESION_STATES(X_ENUM) kCompartmentCount };
#undef X_ENUM
constexpr int kSynTC1 = kCompartmentCount;
constexpr int kSynMC = kSynTC1 + ts::kCount;
constexpr int kBaseCount = kSynMC + ms::kCount;
// Radiotherapy states (qspio_nsclc_rt only).
constexpr int D_icd = kBaseCount;      // lethally irradiated cells dying immunogenically
constexpr int D_non = kBaseCount + 1;  // lethally irradiated cells dying without immunogenicity
constexpr int DAMP = kBaseCount + 2;   // DAMP/maturation signal, immunogenic deaths per L
constexpr int R_RT = kBaseCount + 3;   // decaying RT dose signal driving PD-L1 upregulation, Gy
constexpr int kRtCount = kBaseCount + 4;
}  // namespace lc

/// Where each lesion's local states live in the full state vector.
struct Layout {
  int n_lesions = 1;
  bool rt = false;
  int local_count = lc::kBaseCount;
  std::vector<std::array<int, lc::kRtCount>> index;  ///< [lesion][local] -> state index
  int n_states = st::kCount;
  int first_rt_parameter = -1;  ///< index of the first RT parameter (RT model)
};

Layout make_layout(int n_lesions, bool rt) {
  Layout lay;
  lay.n_lesions = n_lesions;
  lay.rt = rt;
  lay.local_count = rt ? lc::kRtCount : lc::kBaseCount;
  std::array<int, lc::kRtCount> first{};
#define X_MAP(name) first[lc::name] = st::name;
  NSCLC_LESION_STATES(X_MAP)
#undef X_MAP
  for (int k = 0; k < ts::kCount; ++k) first[lc::kSynTC1 + k] = st::kSynTC1 + k;
  for (int k = 0; k < ms::kCount; ++k) first[lc::kSynMC + k] = st::kSynMC + k;
  int next = st::kCount;
  if (rt)
    for (int k = lc::kBaseCount; k < lc::kRtCount; ++k) first[k] = next++;
  lay.index.push_back(first);
  for (int l = 1; l < n_lesions; ++l) {
    std::array<int, lc::kRtCount> idx{};
    for (int k = 0; k < lay.local_count; ++k) idx[k] = next++;
    lay.index.push_back(idx);
  }
  lay.n_states = next;
  return lay;
}

enum Out : int {
  kTumourVolume, kTumourDiameter, kCancerCells, kCd8Tumour, kTregTumour, kThTumour, kHPD1C1,
  kHCD28APC, kHP1, kHP0, kNaT, kPD1Plasma, kPDL1Plasma, kCTLA4Plasma, kPD1Tumour, kPDL1Tumour,
  kCTLA4Tumour, kM1M2, kTregCd8, kCd8Cd4, kPdl1PerCell, kMdsc, kOutCount
};

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
void pdl_expression(const T& pdl1_total, const T& pdl2_total, const T& base, double r_pdl2, const T& h_ifn,
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
SynapseReadout<T> t_synapse(const T* s, T* ds, const T& aPD1, const T& aPDL1, const T& aCTLA4, const T& base_pdl1,
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
  // Only a fraction f of a T cell's PD-1 can be occupied by antibody; ligand binding does not tell
  // the two kinds apart, so the occupiable share of the PD-1 not bound by antibody (N) is
  // (f T - B) / N = 1 - (1 - f) T / N, with B the antibody-bound part and T = N + B.
  T pd1_free_occupiable = s[ts::PD1];
  if (p[P::f_PD1_blockable] != 1.0) {  // the Jacobian pattern is detected at perturbed f, so != 1
    const T pd1_bound = s[ts::PD1_aPD1] + 2.0 * s[ts::PD1_aPD1_PD1];
    const T pd1_not_bound = s[ts::PD1] + s[ts::PD1_PDL1] + s[ts::PD1_PDL2];
    pd1_free_occupiable =
        pd1_not_bound > 0.0
            ? T(s[ts::PD1] * positive_part(T(1.0 - (1.0 - p[P::f_PD1_blockable]) * (pd1_not_bound + pd1_bound) /
                                                      pd1_not_bound)))
            : T(0.0);
  }
  const T r3 = 2.0 * k_a1 * pd1_free_occupiable * aPD1 - kr_a1 * s[ts::PD1_aPD1];
  const T r4 = x_a1 * k_a1 * pd1_free_occupiable * s[ts::PD1_aPD1] - 2.0 * kr_a1 * s[ts::PD1_aPD1_PD1];
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
T m_synapse(const T* s, T* ds, const T& aPD1, const T& aPDL1, const T& h_ifn, const T& pdl1_base, const double* p) {
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
  pdl_expression(pdl1_total, pdl2_total, pdl1_base, p[P::r_PDL2C1], h_ifn, p, ds[ms::PDL1], ds[ms::PDL2]);
  const T h_sirpa = hill(s[ms::CD47_SIRPa], p[P::SIRPa_50_per_um2], p[P::n_SIRPa]);
  const T h_pd1 = hill(T(s[ms::PD1_PDL1] + s[ms::PD1_PDL2]), p[P::PD1_50_per_um2], p[P::n_PD1]);
  return 1.0 - (1.0 - h_sirpa) * (1.0 - h_pd1);
}

// Radiotherapy parameters of qspio_nsclc_rt, appended after the reference table so that the
// reference indices are unchanged (docs/models/radiotherapy.md gives the equations and sources).
#define NSCLC_RT_PARAMETERS(X)                                                                                      \
  X(alpha_C_per_Gy, "1/Gy", 0.146, 0.0, 3.0, "LQ alpha of cancer cells", "Kosinsky 2018 JITC 6:17, Table 1 (estimated)") \
  X(alpha_beta_C_Gy, "Gy", 10.0, 0.5, 100.0, "LQ alpha/beta of cancer cells (also used for BED/EQD2)",             \
    "Fowler 1989 Br J Radiol 62:679 (early-responding tissues and most carcinomas)")                                \
  X(alpha_T_per_Gy, "1/Gy", 0.347, 0.0, 5.0, "LQ alpha of lymphocytes (LD50 2 Gy)",                                  \
    "Nakamura 1990 Radiat Res 123:224 (lymphocyte LD50 about 2 Gy); ln2/2")                                          \
  X(beta_T_per_Gy2, "1/Gy^2", 0.0, 0.0, 1.0, "LQ beta of lymphocytes", "assumed: lymphocyte survival is nearly exponential in dose") \
  X(k_doomed_death_per_day, "1/day", 0.35, 0.01, 20.0, "death rate of lethally irradiated cells (half-life 2 days)",   \
    "assumed: mitotic catastrophe within one to two cell cycles after the lethal hit")                               \
  X(f_immunogenic, "1", 0.5, 0.0, 1.0, "fraction of radiation death that is immunogenic", "assumed; to be calibrated (issue #5)") \
  X(k_DAMP_deg_per_day, "1/day", 1.0, 0.01, 100.0, "clearance of the DAMP signal", "assumed: HMGB1/ATP signals last about a day") \
  X(DAMP_50_cell_per_L, "cell/L", 1e11, 1.0, 1e16, "DAMP signal for half-maximal effect on APCs",                  \
    "assumed")                                                                                                     \
  X(r_infiltration_DAMP, "1", 0.0, 0.0, 100.0,                                                                   \
    "max relative increase of effector T-cell infiltration into every lesion with systemic DAMP activation",        \
    "analogue of S_L in Kosinsky 2018 (infiltration under systemic antigen exposure); fitted by vct calibrate")      \
  X(k_RT_signal_decay_per_day, "1/day", 0.2, 0.001, 100.0, "decay of the RT signal driving PD-L1 upregulation",       \
    "Dovedi 2014 Cancer Res 74:5458 (PD-L1 up 1-7 days after fractionated RT)")                                      \
  X(RT_signal_50_Gy, "Gy", 2.0, 0.01, 100.0, "RT signal for half-maximal PD-L1 upregulation", "assumed")            \
  X(r_PDL1_RT, "1", 1.0, 0.0, 20.0, "maximal relative increase of cancer-cell PD-L1 after RT", "assumed (Dovedi 2014, qualitative)") \
  X(trex1_enabled, "1", 1.0, 0.0, 1.0, "1: attenuate immunogenicity of high single-fraction doses (TREX1)",           \
    "Vanpouille-Box 2017 Nat Commun 8:15618")                                                                        \
  X(trex1_onset_Gy, "Gy", 12.0, 0.0, 100.0, "dose per fraction above which TREX1 attenuation starts", "Vanpouille-Box 2017 (12-18 Gy)") \
  X(trex1_full_Gy, "Gy", 18.0, 0.0, 100.0, "dose per fraction at which attenuation is complete", "Vanpouille-Box 2017 (12-18 Gy)") \
  X(trex1_residual, "1", 0.1, 0.0, 1.0, "immunogenicity left at and above trex1_full_Gy", "assumed")                \
  X(blood_dose_per_fraction_Gy, "Gy", 0.0, 0.0, 10.0,                                                               \
    "mean dose to circulating lymphocytes per fraction (0: no systemic depletion)",                                 \
    "optional; Yovino 2013 Cancer Invest 31:140 estimate the blood dose of a fractionated course")

namespace rp {
#define X_ENUM(name, unit, value, lo, hi, desc, src) name,
enum : int { first_ = par::kCount - 1, NSCLC_RT_PARAMETERS(X_ENUM) kCount };
#undef X_ENUM
}  // namespace rp

/// Initial diameter parameter of lesion l >= 1 (0-based), after the RT parameters.
inline int lesion_diameter_parameter(int lesion) { return rp::kCount + lesion - 1; }

template <class T>
T lesion_volume(const T* x, const double* p, bool rt) {
  namespace P = par;
  auto n = [&](int i) { return positive_part(x[i]); };
  const T total_T = n(lc::T_T1) + n(lc::T_T0) + n(lc::T_Th);
  T cancer = n(lc::C_x) + n(lc::C1);
  if (rt) cancer = cancer + n(lc::D_icd) + n(lc::D_non);
  return (cancer * p[P::vol_cell_L] + (n(lc::T1_exh) + n(lc::Th_exh) + total_T) * p[P::vol_Tcell_L] +
          (n(lc::Mac_M1) + n(lc::Mac_M2)) * p[P::vol_Mcell_L]) /
         p[P::Ve_T];
}

/// TREX1 attenuation of immunogenicity for one fraction of dose_Gy (1 below the onset dose).
inline double trex1_factor(double dose_Gy, const double* p) {
  if (p[rp::trex1_enabled] < 0.5 || dose_Gy <= p[rp::trex1_onset_Gy]) return 1.0;
  if (dose_Gy >= p[rp::trex1_full_Gy]) return p[rp::trex1_residual];
  const double s = (dose_Gy - p[rp::trex1_onset_Gy]) / (p[rp::trex1_full_Gy] - p[rp::trex1_onset_Gy]);
  return 1.0 - s * (1.0 - p[rp::trex1_residual]);
}

/// Fluxes a lesion exchanges with the systemic compartments, summed over lesions.
template <class T>
struct SystemicExchange {
  T infiltration_T1{0.0}, infiltration_T0{0.0}, infiltration_Th{0.0};  ///< cells/day leaving blood
  T mapc_migration{0.0};                                               ///< mature APCs/day to the LN
  T ab_to_tumour[3] = {T(0.0), T(0.0), T(0.0)};                         ///< nmol/day, per antibody slot
  T ab_drain[3] = {T(0.0), T(0.0), T(0.0)};                             ///< nmol/day, tumour -> LN
  T pmhc_weight{0.0}, pmhc0{0.0}, pmhc1{0.0};                           ///< mAPC-weighted surface pMHC
  T h_ifn_primary{0.0};
  T pmhc0_primary{0.0}, pmhc1_primary{0.0};
};

/// One lesion's dynamics: x are its local states (lesion layout), y the full state (systemic
/// reads only). Writes dx and adds the lesion's exchange with blood and LN to `ex`.
template <class T>
void lesion_rhs(const Layout& lay, int lesion, const T* x, const T* y, const double* p, T* dx,
                SystemicExchange<T>& ex, const T& infiltration_boost) {
  namespace P = par;
  namespace S = st;
  namespace L = lc;
  const T C = positive_part(x[L::C1]);
  const T V_T = lesion_volume(x, p, lay.rt);
  if (lesion > 0 && !(V_T > 0.0)) {  // a lesion not yet seeded (growth phase) is inert
    for (int k = 0; k < lay.local_count; ++k) dx[k] = T(0.0);
    return;
  }
  const T C2 = C * C;
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
  T pdl1_base = T(p[P::C1_PDL1_base_molecule]);
  if (lay.rt) {
    pdl1_base = p[P::C1_PDL1_base_molecule] *
                (1.0 + p[rp::r_PDL1_RT] * x[L::R_RT] / (x[L::R_RT] + p[rp::RT_signal_50_Gy]));
  }

  // Synapses (§5.11, §5.12): T-C1 and M-C read tumour antibody / gamma.
  const T tC_aPD1 = x[L::T_aPD1] / p[P::gamma_T_aPD1];
  const T tC_aPDL1 = x[L::T_aPDL1] / p[P::gamma_T_aPDL1];
  const T tC_aCTLA4 = x[L::T_aCTLA4] / p[P::gamma_T_aCTLA4];
  const SynapseReadout<T> syn_c1 = t_synapse(x + L::kSynTC1, dx + L::kSynTC1, tC_aPD1, tC_aPDL1, tC_aCTLA4, pdl1_base,
                                             p[P::r_PDL2C1], H_IFN, p);
  const T H_Mac_C = m_synapse(x + L::kSynMC, dx + L::kSynMC, tC_aPD1, tC_aPDL1, H_IFN, pdl1_base, p);
  const T& H_PD1_C1 = syn_c1.H_PD1;

  // Cancer (§5.2)
  const T T1 = x[L::T_T1];
  const T R_kill = p[P::k_C_T1_per_day] * C * (T1 / (p[P::K_T_C] * C + T1 + 1.0)) *
                   (T1 / (T1 + p[P::K_T_Treg] * x[L::T_T0] + 1.0)) * (1.0 - H_TGFb_Teff) * (1.0 - H_PD1_C1) *
                   (1.0 - H_MDSC);
  const T R_phago = p[P::k_M1_phago_per_day] * C * x[L::Mac_M1] / (x[L::Mac_M1] + p[P::K_Mac_C] * C + 1.0) *
                    (1.0 - H_Mac_C) * (1.0 - H_IL10_phago);
  const T basal_death = (p[P::k_C1_death_per_day] + p[P::k_C1_therapy_per_day]) * C;
  dx[L::C1] = p[P::k_C1_growth_per_day] * C * (1.0 - C / p[P::C_max_cell]) - basal_death - R_kill - R_phago;
  dx[L::C_x] = basal_death + R_kill + R_phago - k_clear * x[L::C_x];

  // RT: lethally hit cells die over days; the immunogenic part releases antigen and DAMPs.
  T icd_death(0.0);
  T H_DAMP(0.0);
  if (lay.rt) {
    const double kd = p[rp::k_doomed_death_per_day];
    icd_death = kd * x[L::D_icd];
    dx[L::D_icd] = -icd_death;
    dx[L::D_non] = -kd * x[L::D_non];
    dx[L::C_x] = dx[L::C_x] + icd_death + kd * x[L::D_non];
    dx[L::DAMP] = icd_death / V_T - p[rp::k_DAMP_deg_per_day] * x[L::DAMP];
    dx[L::R_RT] = -p[rp::k_RT_signal_decay_per_day] * x[L::R_RT];
    H_DAMP = michaelis(x[L::DAMP], p[rp::DAMP_50_cell_per_L]);
  }

  // T cells in the tumour (§5.6); infiltration leaves the blood pools.
  const double kd1 = p[P::k_T1_death_per_day], kd0 = p[P::k_T0_death_per_day];
  T in_T1 = p[P::q_T1_T_in_per_L_per_day] * V_T * y[S::C_T1] * f_rec;
  T in_Th = p[P::q_T0_T_in_per_L_per_day] * V_T * y[S::C_Th] * f_rec;
  const T in_T0 = p[P::q_T0_T_in_per_L_per_day] * V_T * y[S::C_T0] * f_rec;
  if (lay.rt) {  // effector (not regulatory) T cells home more while radiation activation lasts
    in_T1 = in_T1 * infiltration_boost;
    in_Th = in_Th * infiltration_boost;
  }
  ex.infiltration_T1 = ex.infiltration_T1 + in_T1;
  ex.infiltration_Th = ex.infiltration_Th + in_Th;
  ex.infiltration_T0 = ex.infiltration_T0 + in_T0;
  const T suppression = p[P::k_Treg_per_day] * T1 * x[L::T_T0] / (T1 + x[L::T_T0] + 1.0) * H_IL10;
  const T exhaustion = p[P::k_T1_per_day] * T1 * C / (C + T1 + 1.0) * H_PD1_C1;
  const T conversion = p[P::k_Th_Treg_per_day] * x[L::T_Th] * H_TGFb * H_ArgI_Treg;
  dx[L::T_T1] = in_T1 - kd1 * T1 - k_clear * T1 * g_clr - suppression - exhaustion;
  dx[L::T1_exh] = kd1 * T1 + k_clear * T1 * g_clr + suppression + exhaustion - k_clear * x[L::T1_exh];
  dx[L::T_Th] = in_Th - kd0 * x[L::T_Th] - k_clear * x[L::T_Th] * g_clr - conversion;
  dx[L::Th_exh] = kd0 * x[L::T_Th] + k_clear * x[L::T_Th] * g_clr - k_clear * x[L::Th_exh];
  dx[L::T_T0] = in_T0 - kd0 * x[L::T_T0] - k_clear * x[L::T_T0] * g_clr + conversion;

  // Tumour cytokines (§5.8): secretion in nmol/day over V_T
  dx[L::IFNg] = (p[P::k_IFNg_Tsec_nmol_per_cell_per_day] * T1 + p[P::k_IFNg_Thsec_nmol_per_cell_per_day] * x[L::T_Th]) / V_T -
                p[P::k_IFNg_deg_per_day] * x[L::IFNg];
  dx[L::TGFb] = p[P::k_TGFb_deg_per_day] * (p[P::TGFbase_nM] - x[L::TGFb]) +
                (p[P::k_TGFb_Tsec_nmol_per_cell_per_day] * x[L::T_T0] + p[P::k_TGFb_Msec_nmol_per_cell_per_day] * x[L::Mac_M2]) / V_T;
  dx[L::IL12] = (p[P::k_IL12_sec_nmol_per_cell_per_day] * x[L::T_mAPC] + p[P::k_IL12_Msec_nmol_per_cell_per_day] * x[L::Mac_M1]) / V_T -
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
  ex.mapc_migration = ex.mapc_migration + p[P::k_APC_mig_per_day] * x[L::T_mAPC];

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
      T(p[P::n_T0_clones] * p[P::P0_C1_nmol_per_cell] * released_cells / V_T), x[L::T_APC], x[L::e_M1]);
  const T bind1 = antigen_presentation(
      x, dx, AntigenIndices{L::T_P1, L::e_P1, L::e_p1, L::e_M1p1, L::s_M1p1},
      rates(p[P::k_xP1_deg_per_day], p[P::k_P1_up_per_cell_per_day], p[P::k_P1_deg_per_day], p[P::k_p1_deg_per_day],
            p[P::k_P1_on_per_nM_per_day], p[P::k_P1_d1_nM]),
      T(p[P::n_T1_clones] * p[P::P1_C1_nmol_per_cell] * released_cells / V_T), x[L::T_APC], x[L::e_M1]);
  const T cycling = p[P::kout_per_day] * x[L::e_M1] * p[P::A_e_um2] - p[P::kin_per_day] * x[L::s_M1] * p[P::A_s_um2];
  dx[L::e_M1] = -cycling / p[P::A_e_um2] - bind0 - bind1;
  dx[L::s_M1] = cycling / p[P::A_s_um2] + p[P::k_P0_d1_nM] * p[P::k_P0_on_per_nM_per_day] * x[L::s_M1p0] +
                p[P::k_P1_d1_nM] * p[P::k_P1_on_per_nM_per_day] * x[L::s_M1p1];
  // Migrating mature APCs carry their lesion's surface pMHC to the LN (weights: mAPC + 1 cell).
  if (lesion == 0) {
    ex.pmhc0_primary = x[L::s_M1p0];
    ex.pmhc1_primary = x[L::s_M1p1];
  }
  const T w = x[L::T_mAPC] + 1.0;
  ex.pmhc_weight = ex.pmhc_weight + w;
  ex.pmhc0 = ex.pmhc0 + w * x[L::s_M1p0];
  ex.pmhc1 = ex.pmhc1 + w * x[L::s_M1p1];

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
    const T to_T = p[slots[a][2]] * (y[slots[a][0]] / p[gamma_C[a]] - x[slots[a][1]] / p[slots[a][3]]);
    const T drain_T = p[q_LD[a]] * V_T * x[slots[a][1]] / p[slots[a][3]];
    dx[slots[a][1]] = (to_T - drain_T) / V_exchange;
    ex.ab_to_tumour[a] = ex.ab_to_tumour[a] + to_T;
    ex.ab_drain[a] = ex.ab_drain[a] + drain_T;
  }
}

/// Antibody PK of one slot outside the tumour (§5.13): plasma, periphery, LN, with the lesions'
/// summed exchange.
template <class T>
void antibody_pk_systemic(const T* y, T* dy, int iC, int iP, int iLN, const T& to_T, const T& drain_T,
                          const double* p, int qP, int qLN, int qLD, int kcl, int gC, int gP, int gLN, int kcln,
                          int Kc, const T& V_T_primary) {
  namespace P = par;
  const T c = y[iC] / p[gC];
  const T to_P = p[qP] * (c - y[iP] / p[gP]);
  const T to_LN = p[qLN] * (c - y[iLN] / p[gLN]);
  const T drain_LN = p[qLD] * V_T_primary * y[iLN] / p[gLN];
  dy[iC] = (-to_P - to_T - to_LN + drain_LN - p[kcl] * y[iC] - p[kcln] * michaelis(y[iC], p[Kc])) / p[P::V_C_L];
  dy[iP] = to_P / p[P::V_P_L];
  dy[iLN] = (to_LN + drain_T - drain_LN) / p[P::V_LN_L];
}

#define NSCLC_PK_SYSTEMIC_ARGS(slot)                                                                         \
  par::q_P_##slot##_L_per_day, par::q_LN_##slot##_L_per_day, par::q_LD_##slot##_per_day,                    \
      par::k_cl_##slot##_L_per_day, par::gamma_C_##slot, par::gamma_P_##slot, par::gamma_LN_##slot,         \
      par::k_cln_##slot##_nmol_per_day, par::Kc_##slot##_nM

template <class T>
void eval_rhs(const Layout& lay, const T* y, const double* p, T* dy) {
  using std::exp2;
  namespace P = par;
  namespace S = st;
  const double V_LN = p[P::V_LN_L];

  // RT: systemic activation by immunogenic radiation death, the DAMP signal of the lesions
  // weighted by their mature APCs (the cells that carry it to the lymph node).
  T infiltration_boost(1.0);
  if (lay.rt) {
    T weighted(0.0), weight(0.0);
    for (int l = 0; l < lay.n_lesions; ++l) {
      const auto& idx = lay.index[static_cast<std::size_t>(l)];
      const T w = y[idx[lc::T_mAPC]] + 1.0;
      weighted = weighted + w * michaelis(T(y[idx[lc::DAMP]]), p[rp::DAMP_50_cell_per_L]);
      weight = weight + w;
    }
    infiltration_boost = 1.0 + p[rp::r_infiltration_DAMP] * (weighted / weight);
  }

  // Lesions: gather each lesion's local states, evaluate, scatter the derivatives.
  SystemicExchange<T> ex;
  T x[lc::kRtCount], dx[lc::kRtCount];
  T V_T_primary(0.0);
  for (int l = 0; l < lay.n_lesions; ++l) {
    const auto& idx = lay.index[static_cast<std::size_t>(l)];
    for (int k = 0; k < lay.local_count; ++k) x[k] = y[idx[static_cast<std::size_t>(k)]];
    if (l == 0) V_T_primary = lesion_volume(x, p, lay.rt);
    lesion_rhs(lay, l, x, y, p, dx, ex, infiltration_boost);
    for (int k = 0; k < lay.local_count; ++k) dy[idx[static_cast<std::size_t>(k)]] = dx[k];
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

  // Mature trafficking (§5.5); T0 and Th share the CD4 parameters; infiltration into every lesion.
  auto mature = [&](int iLN, int iC, int iP, const T& gain, double kdeath, double qLNout, double qPin, double qPout,
                    const T& infiltration) {
    dy[iLN] = gain - kdeath * y[iLN] - qLNout * y[iLN];
    dy[iC] = qLNout * y[iLN] - kdeath * y[iC] - qPin * y[iC] + qPout * y[iP] - infiltration;
    dy[iP] = qPin * y[iC] - qPout * y[iP] - kdeath * y[iP];
  };
  mature(S::LN_T1, S::C_T1, S::P_T1, T(exit_T1 * exp2(N_aT)), p[P::k_T1_death_per_day], p[P::q_T1_LN_out_per_day],
         p[P::q_T1_P_in_per_day], p[P::q_T1_P_out_per_day], ex.infiltration_T1);
  mature(S::LN_T0, S::C_T0, S::P_T0, T(exit_T0 * exp2(N_aT4)), p[P::k_T0_death_per_day], p[P::q_T0_LN_out_per_day],
         p[P::q_T0_P_in_per_day], p[P::q_T0_P_out_per_day], ex.infiltration_T0);
  mature(S::LN_Th, S::C_Th, S::P_Th, T(exit_Th * exp2(N_aT4)), p[P::k_T0_death_per_day], p[P::q_T0_LN_out_per_day],
         p[P::q_T0_P_in_per_day], p[P::q_T0_P_out_per_day], ex.infiltration_Th);

  // IL-2 in the LN
  dy[S::IL2] = (p[P::k_IL2_sec_nmol_per_cell_per_day] * (y[S::aT1] + y[S::aTh]) -
                p[P::k_IL2_cons_nmol_per_cell_per_day] * y[S::LN_T1] * il2_drive -
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

std::string lesion_label(const std::string& name, int lesion) {
  if (lesion == 0) return name;
  // "V_T.C1" -> "V_T2.C1", "syn_T_C1.PD1" -> "syn_T_C1_2.PD1"
  const std::size_t dot = name.find('.');
  const std::string head = dot == std::string::npos ? name : name.substr(0, dot);
  const std::string tail = dot == std::string::npos ? "" : name.substr(dot);
  const bool synapse = head.rfind("syn_", 0) == 0;
  return head + (synapse ? "_" : "") + std::to_string(lesion + 1) + tail;
}

class NsclcModel final : public TabulatedModel {
 public:
  NsclcModel(std::string id, int n_lesions, bool rt)
      : TabulatedModel(std::move(id), rt ? "QSP-IO NSCLC model with radiotherapy and " + std::to_string(n_lesions) +
                                              " lesion(s) (Wang et al. 2023 + docs/models/radiotherapy.md)"
                                         : "QSP-IO NSCLC reference model (Wang et al. 2023)"),
        layout_(make_layout(n_lesions, rt)) {
#define X_PARAM(name, unit, value, lo, hi, desc, src) parameters_.push_back({#name, unit, value, lo, hi, desc, src});
    NSCLC_PARAMETERS(X_PARAM)
    if (rt) {
      NSCLC_RT_PARAMETERS(X_PARAM)
      for (int l = 1; l < n_lesions; ++l)
        parameters_.push_back({"lesion" + std::to_string(l + 1) + "_initial_diameter_cm", "cm", 2.0, 0.1, 30.0,
                               "baseline diameter of lesion " + std::to_string(l + 1),
                               "scenario input (RECIST baseline)"});
    }
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
    if (rt) add_rt_states();
    for (int l = 1; l < n_lesions; ++l) {
      for (int k = 0; k < layout_.local_count; ++k) {
        StateInfo info = states_[static_cast<std::size_t>(local_state_of_lesion0(k))];
        info.name = lesion_label(info.name, l);
        info.compartment = lesion_label(info.compartment, l);
        info.description += " (lesion " + std::to_string(l + 1) + ")";
        states_.push_back(info);
      }
    }
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
    if (rt) {
      // Total tumour burden is the RECIST sum of diameters; per-lesion read-outs follow.
      outputs_[kTumourVolume].description = "total tumour volume, all lesions (cancer, doomed, dead, T cells, macrophages)";
      outputs_[kTumourDiameter].description = "RECIST sum of lesion diameters (equivalent spheres)";
      for (int l = 0; l < n_lesions; ++l) {
        const std::string k = "lesion" + std::to_string(l + 1) + "_";
        outputs_.push_back({k + "diameter_cm", "cm", "diameter of lesion " + std::to_string(l + 1)});
        outputs_.push_back({k + "volume_L", "L", "volume of lesion " + std::to_string(l + 1)});
        outputs_.push_back({k + "cancer_cells", "cell", "viable cancer cells"});
        outputs_.push_back({k + "doomed_cells", "cell", "lethally irradiated cells not yet dead"});
        outputs_.push_back({k + "cd8_cells", "cell", "effector CD8 in the lesion"});
        outputs_.push_back({k + "DAMP_cell_per_L", "cell/L", "DAMP signal"});
        outputs_.push_back({k + "PDL1_per_cancer_cell", "molecule", "PD-L1 total in the lesion's T-C1 synapse x A_cell"});
        if (l > 0)
          events_.push_back({"lesion" + std::to_string(l + 1) + "_eradication", lesion_label("V_T.C1", l), 0.5, 0.01});
      }
    }
  }

  int n_lesions() const override { return layout_.n_lesions; }
  bool supports_radiotherapy() const override { return layout_.rt; }

  /// One RT fraction (docs/models/radiotherapy.md): LQ kill of cancer cells into the doomed pools
  /// (immunogenic share attenuated by TREX1 at high doses), LQ kill of lesion T cells into their
  /// dead pools, optional depletion of circulating lymphocytes, and a jump of the RT signal.
  void apply_radiation_fraction(double dose_Gy, int lesion, const double* p, double* y) const override {
    if (!layout_.rt) ModelDefinition::apply_radiation_fraction(dose_Gy, lesion, p, y);
    const auto& idx = layout_.index[static_cast<std::size_t>(lesion)];
    auto at = [&](int local) -> double& { return y[idx[static_cast<std::size_t>(local)]]; };
    const double alpha = p[rp::alpha_C_per_Gy], beta = alpha / p[rp::alpha_beta_C_Gy];
    const double killed = at(lc::C1) * (1.0 - lq_survival(dose_Gy, alpha, beta));
    const double immunogenic = p[rp::f_immunogenic] * trex1_factor(dose_Gy, p);
    at(lc::C1) -= killed;
    at(lc::D_icd) += killed * immunogenic;
    at(lc::D_non) += killed * (1.0 - immunogenic);
    const double lymph_kill = 1.0 - lq_survival(dose_Gy, p[rp::alpha_T_per_Gy], p[rp::beta_T_per_Gy2]);
    const double dead_T1 = at(lc::T_T1) * lymph_kill, dead_Th = at(lc::T_Th) * lymph_kill;
    at(lc::T_T1) -= dead_T1;
    at(lc::T1_exh) += dead_T1;
    at(lc::T_Th) -= dead_Th;
    at(lc::Th_exh) += dead_Th;
    at(lc::T_T0) *= 1.0 - lymph_kill;  // the model keeps no dead-Treg pool
    at(lc::R_RT) += dose_Gy;
    if (p[rp::blood_dose_per_fraction_Gy] > 0.0) {
      const double s = lq_survival(p[rp::blood_dose_per_fraction_Gy], p[rp::alpha_T_per_Gy], p[rp::beta_T_per_Gy2]);
      for (int i : {st::C_nT1, st::C_nT0, st::C_T1, st::C_T0, st::C_Th}) y[i] *= s;
    }
  }

  /// Secondary lesions start as copies of the grown primary scaled to their own volume: the same
  /// composition (cell densities, cytokines, synapses) at the same stage of immune editing.
  void complete_initial_state(const double* p, double* y) const override {
    if (layout_.n_lesions == 1) return;
    const auto& first = layout_.index[0];
    double x0[lc::kRtCount];
    for (int k = 0; k < layout_.local_count; ++k) x0[k] = y[first[static_cast<std::size_t>(k)]];
    const double d0 = sphere_diameter_cm(lesion_volume(x0, p, layout_.rt));
    for (int l = 1; l < layout_.n_lesions; ++l) {
      const double d = p[lesion_diameter_parameter(l)];
      const double scale = (d / d0) * (d / d0) * (d / d0);
      const auto& idx = layout_.index[static_cast<std::size_t>(l)];
      for (int k = 0; k < layout_.local_count; ++k) {
        const StateInfo& info = states_[static_cast<std::size_t>(first[static_cast<std::size_t>(k)])];
        y[idx[static_cast<std::size_t>(k)]] = x0[k] * (info.unit == "cell" ? scale : 1.0);
      }
    }
  }


  void initial_state(const double* p, double* y) const override {
    namespace P = par;
    namespace S = st;
    for (int i = 0; i < layout_.n_states; ++i) y[i] = 0.0;
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

  void rhs(double, const double* y, const double* p, double* dydt) const override { eval_rhs(layout_, y, p, dydt); }
  void rhs(double, const Dual* y, const double* p, Dual* dydt) const override { eval_rhs(layout_, y, p, dydt); }
  /// The primary lesion, whose diameter the initial-condition procedure grows to.
  double tumour_volume_L(const double* y, const double* p) const override {
    return lesion_volume_of(0, y, p);
  }

  void compute_outputs(double, const double* y, const double* p, double* out) const override {
    namespace S = st;
    namespace P = par;
    const double V_T = lesion_volume_of(0, y, p);
    out[kTumourVolume] = V_T;
    out[kTumourDiameter] = sphere_diameter_cm(V_T);
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
    if (!layout_.rt) return;
    double total_volume = 0.0, sum_diameters = 0.0;
    for (int l = 0; l < layout_.n_lesions; ++l) {
      const auto& idx = layout_.index[static_cast<std::size_t>(l)];
      auto at = [&](int local) { return y[idx[static_cast<std::size_t>(local)]]; };
      const double v = lesion_volume_of(l, y, p);
      double* o = out + kOutCount + 7 * l;
      o[0] = sphere_diameter_cm(v);
      o[1] = v;
      o[2] = at(lc::C1);
      o[3] = at(lc::D_icd) + at(lc::D_non);
      o[4] = at(lc::T_T1);
      o[5] = at(lc::DAMP);
      const int s = idx[lc::kSynTC1];
      o[6] = (y[s + ts::PDL1] + y[s + ts::PD1_PDL1] + y[s + ts::PDL1_aPDL1] + 2.0 * y[s + ts::PDL1_aPDL1_PDL1] +
              y[s + ts::PDL1_CD80] + y[s + ts::PDL1_CD80_CD28] + y[s + ts::PDL1_CD80_CTLA4]) *
             p[P::A_cell_um2];
      total_volume += v;
      sum_diameters += o[0];
    }
    out[kTumourVolume] = total_volume;
    out[kTumourDiameter] = sum_diameters;
  }

 private:
  double lesion_volume_of(int lesion, const double* y, const double* p) const {
    const auto& idx = layout_.index[static_cast<std::size_t>(lesion)];
    double x[lc::kRtCount];
    for (int k = 0; k < layout_.local_count; ++k) x[k] = y[idx[static_cast<std::size_t>(k)]];
    return lesion_volume(x, p, layout_.rt);
  }
  /// State index of lesion 1's local state k (for naming the other lesions' states).
  int local_state_of_lesion0(int k) const { return layout_.index[0][static_cast<std::size_t>(k)]; }
  void add_rt_states() {
    states_.push_back({"V_T.C_doomed_icd", "cell", "V_T", "lethally irradiated cancer cells, immunogenic death"});
    states_.push_back({"V_T.C_doomed", "cell", "V_T", "lethally irradiated cancer cells, non-immunogenic death"});
    states_.push_back({"V_T.DAMP", "cell/L", "V_T", "DAMP signal (immunogenic deaths per litre)"});
    states_.push_back({"V_T.RT_signal", "Gy", "V_T", "decaying RT dose signal (PD-L1 upregulation)"});
  }

  Layout layout_;

};

}  // namespace

std::unique_ptr<ModelDefinition> make_qspio_nsclc() { return std::make_unique<NsclcModel>("qspio_nsclc", 1, false); }

std::unique_ptr<ModelDefinition> make_qspio_nsclc_rt(int n_lesions) {
  const std::string id = n_lesions == 1 ? "qspio_nsclc_rt" : "qspio_nsclc_rt@" + std::to_string(n_lesions);
  return std::make_unique<NsclcModel>(id, n_lesions, true);
}

}  // namespace vct::models
