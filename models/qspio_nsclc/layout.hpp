// SPDX-License-Identifier: MIT
// Layout of the QSP-IO NSCLC model's state and parameter vectors: the index enums generated from the
// tables (parameters.inc, radiotherapy_parameters.inc, states.inc), the lesion-local block each
// lesion owns, and where every lesion's block lives in the state vector.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/units.hpp"

namespace vct::models::nsclc {

using namespace vct::units;

constexpr double kon2d(double kon_per_uM_per_s) {
  constexpr double kSynapticGapNm = 3.0;  // Jansson 2005
  return kon_per_uM_per_s / kSynapticGapNm * kUm2PerMoleculePerInvUmNm * kSecondsPerDay;
}

#include "models/qspio_nsclc/parameters.inc"
#include "models/qspio_nsclc/radiotherapy_parameters.inc"
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
// clang-format off
#define NSCLC_LESION_STATES(X)                                                                          \
  X(C1) X(C_x) X(T1_exh) X(Th_exh) X(T_T1) X(T_T0) X(T_Th) X(T_APC) X(T_mAPC) X(T_P0) X(T_P1) X(IFNg) \
  X(TGFb) X(IL12) X(IL10) X(CCL2) X(NO) X(ArgI) X(MDSC) X(Mac_M1) X(Mac_M2) X(T_aPD1) X(T_aPDL1)      \
  X(T_aCTLA4) X(e_P0) X(e_p0) X(e_P1) X(e_p1) X(e_M1) X(e_M1p0) X(e_M1p1) X(s_M1) X(s_M1p0) X(s_M1p1)
// clang-format on
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

namespace rp {
#define X_ENUM(name, unit, value, lo, hi, desc, src) name,
enum : int { first_ = par::kCount - 1, NSCLC_RT_PARAMETERS(X_ENUM) kCount };
#undef X_ENUM
}  // namespace rp

/// Initial diameter parameter of lesion l >= 1 (0-based), after the RT parameters.
inline int lesion_diameter_parameter(int lesion) { return rp::kCount + lesion - 1; }

/// Where each lesion's local states live in the full state vector.
struct Layout {
  int n_lesions = 1;
  bool rt = false;
  int local_count = lc::kBaseCount;
  std::vector<std::array<int, lc::kRtCount>> index;  ///< [lesion][local] -> state index
  int n_states = st::kCount;
  int first_rt_parameter = -1;  ///< index of the first RT parameter (RT model)
};

/// The layout of a model with n_lesions lesions, with (rt) or without the radiotherapy states.
Layout make_layout(int n_lesions, bool rt);

/// State or compartment name of lesion `lesion` (0-based): "V_T.C1" -> "V_T2.C1",
/// "syn_T_C1.PD1" -> "syn_T_C1_2.PD1"; lesion 0 keeps the reference name.
std::string lesion_label(const std::string& name, int lesion);

}  // namespace vct::models::nsclc
