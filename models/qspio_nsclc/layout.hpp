// SPDX-License-Identifier: MIT
// Layout of the QSP-IO NSCLC model's state and parameter vectors: the index enums generated from the
// tables (parameters.inc, radiotherapy_parameters.inc, states.inc), the lesion-local block each
// lesion owns, and where every lesion's block lives in the state vector.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "core/units.hpp"

namespace vct {
class ModelDefinition;
}

namespace vct::models::nsclc {

using namespace vct::units;

constexpr double kon2d(double kon_per_uM_per_s) {
  constexpr double kSynapticGapNm = 3.0;  // Jansson 2005
  return kon_per_uM_per_s / kSynapticGapNm * kUm2PerMoleculePerInvUmNm * kSecondsPerDay;
}

#include "models/qspio_nsclc/ctla4_parameters.inc"
#include "models/qspio_nsclc/epitope_spreading_parameters.inc"
#include "models/qspio_nsclc/il7_recovery_parameters.inc"
#include "models/qspio_nsclc/licensing_parameters.inc"
#include "models/qspio_nsclc/lymphodepletion_parameters.inc"
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
// pools, DAMP and RT signal, then the states of the immune modules that are switched on. Lesion 1
// keeps the reference model's positions in the state vector; its RT and module states, further
// lesions and the modules' systemic states follow the 141 reference states.
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
// Licensing module (licensing.hpp).
constexpr int IFN_I = kRtCount;        // type-I IFN (cGAS-STING) activity, 1/day
constexpr int g_TREX1 = kRtCount + 1;  // TREX1 factor of the lesion's latest fraction, 1
// Epitope-spreading module (epitope_spreading.hpp).
constexpr int T_T2 = kRtCount + 2;  // effector CD8 of the subdominant clone family
// Treg ADCC module (ctla4.hpp): CTLA-4 per tumour Treg, free, one-arm and two-arm bound (molecule).
constexpr int TR_CTLA4 = kRtCount + 3;
constexpr int TR_CTLA4_aCTLA4 = kRtCount + 4;
constexpr int TR_CTLA4_aCTLA4_CTLA4 = kRtCount + 5;
constexpr int kMaxCount = kRtCount + 6;  // every local state of every module
}  // namespace lc

/// Systemic states of the immune modules, after every lesion block (their index: Layout::sys).
namespace sy {
enum : int {
  C_nT2,
  P_nT2,
  LN_nT2,  // naive subdominant-family CD8 per clone (blood, periphery, LN)
  aT2,     // activated, proliferating T2 in the LN
  LN_T2,
  C_T2,
  P_T2,  // mature T2 effectors (LN, blood, periphery)
  P_TR_CTLA4,
  P_TR_CTLA4_aCTLA4,
  P_TR_CTLA4_aCTLA4_CTLA4,  // Treg ADCC: CTLA-4 per peripheral Treg (molecule)
  N0_IL7,                   // IL-7 recovery: naive T cells at the treatment start (constant, cell)
  IL7,                      // IL-7 recovery: IL-7 relative to the treatment start (1)
  kCount
};
}  // namespace sy

namespace rp {
#define X_ENUM(name, unit, value, lo, hi, desc, src) name,
enum : int { first_ = par::kCount - 1, NSCLC_RT_PARAMETERS(X_ENUM) kCount };
#undef X_ENUM
}  // namespace rp

/// Parameters of the immune modules, after the RT parameters (tables: licensing_parameters.inc,
/// epitope_spreading_parameters.inc, lymphodepletion_parameters.inc, ctla4_parameters.inc,
/// il7_recovery_parameters.inc). Present in every RT model,
/// whether or not a module is switched on, so their indices are fixed.
namespace mp {
#define X_ENUM(name, unit, value, lo, hi, desc, src) name,
enum : int {
  first_ = rp::kCount - 1,
  NSCLC_LICENSING_PARAMETERS(X_ENUM) NSCLC_SPREADING_PARAMETERS(X_ENUM) NSCLC_LYMPHODEPLETION_PARAMETERS(X_ENUM)
      NSCLC_CTLA4_PARAMETERS(X_ENUM) NSCLC_IL7_PARAMETERS(X_ENUM) kCount
};
#undef X_ENUM
}  // namespace mp

/// The immune modules of the extended model (docs/models/radiotherapy.md, docs/models/anti-ctla4.md),
/// each switchable; with every module off the model is the RT model before them, bit for bit.
struct ModuleSet {
  bool licensing = false;           ///< danger/IFN-I licensing signal per lesion (M1)
  bool epitope_spreading = false;   ///< subdominant clone family primed under licensing (M2; needs M1)
  bool priming_checkpoint = false;  ///< PD-1-gated loss of newly primed T2 cells (M3; needs M2)
  bool lymphodepletion = false;     ///< RT kill of the recirculating lymphocyte pool (M4)
  bool treg_adcc = false;           ///< Fc-mediated Treg depletion by anti-CTLA-4 (M5)
  bool ctla4_priming = false;       ///< CTLA-4 blockade lets unlicensed APCs prime T2 (M6; needs M2)
  bool il7_recovery = false;        ///< IL-7 feedback on naive homeostatic proliferation (M7)
  bool priming_threshold = false;   ///< T2 priming needs licensing above a threshold (M8; needs M2)
  bool any() const {
    return licensing || epitope_spreading || priming_checkpoint || lymphodepletion || treg_adcc || ctla4_priming ||
           il7_recovery || priming_threshold;
  }
  /// The flags in module_names() order.
  std::array<bool, 8> flags() const {
    return {licensing, epitope_spreading, priming_checkpoint, lymphodepletion,
            treg_adcc, ctla4_priming,     il7_recovery,       priming_threshold};
  }
};

/// Names of the modules as scenarios and model ids spell them, in ModuleSet order.
const std::vector<std::string>& module_names();

/// The modules a scenario without a `modules` key gets (model id "qspio_nsclc_rt[@N]"): every
/// module (il7_recovery joined them with the joint recalibration of issue #16, priming_threshold
/// with its recalibration of the T2 parameters).
const std::vector<std::string>& default_module_names();

/// Initial diameter parameter of lesion l >= 1 (0-based), after the RT and module parameters.
inline int lesion_diameter_parameter(int lesion, bool modules_tables) {
  return (modules_tables ? static_cast<int>(mp::kCount) : static_cast<int>(rp::kCount)) + lesion - 1;
}

/// Where each lesion's local states and the modules' systemic states live in the state vector.
struct Layout {
  int n_lesions = 1;
  bool rt = false;
  ModuleSet modules;
  int local_count = lc::kBaseCount;                   ///< base and RT locals (contiguous from 0)
  std::vector<int> locals;                            ///< every local offset in use, ascending
  std::vector<std::array<int, lc::kMaxCount>> index;  ///< [lesion][local] -> state index (-1: absent)
  std::array<int, sy::kCount> sys{};                  ///< systemic module state -> index (-1: absent)
  int n_states = st::kCount;
  /// Index of lesion 0's hybrid share parameter (lesion l: + l), -1 without one (models before
  /// the agent-based coupling). The lesion's compartment holds w = 1 - share of it (lesion_weight).
  int abm_share_parameter = -1;
};

/// The layout of a QSP-IO NSCLC model built by make_qspio_nsclc or make_qspio_nsclc_rt; nullptr for
/// any other model. Valid while the model lives.
const Layout* layout_of(const ModelDefinition& model);

/// The share w of lesion `lesion` its compartment holds (1 without agent-based windows).
inline double lesion_weight(const Layout& lay, int lesion, const double* p) {
  return lay.abm_share_parameter < 0 ? 1.0 : 1.0 - p[lay.abm_share_parameter + lesion];
}

/// The layout of a model with n_lesions lesions, with (rt) or without the radiotherapy states,
/// and the immune modules switched on in `modules` (RT models only).
Layout make_layout(int n_lesions, bool rt, ModuleSet modules = {});

/// State or compartment name of lesion `lesion` (0-based): "V_T.C1" -> "V_T2.C1",
/// "syn_T_C1.PD1" -> "syn_T_C1_2.PD1"; lesion 0 keeps the reference name.
std::string lesion_label(const std::string& name, int lesion);

}  // namespace vct::models::nsclc
