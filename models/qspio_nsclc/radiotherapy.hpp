// SPDX-License-Identifier: MIT
// The radiotherapy module of qspio_nsclc_rt (docs/models/radiotherapy.md): its parameter table is
// radiotherapy_parameters.inc, its lesion states D_icd, D_non, DAMP, R_RT (layout.hpp, lc::), and
// its terms enter the equations at four hooks: a fraction's jump (apply_fraction), the doomed
// cells' death and the signals they leave (lesion_terms), PD-L1 upregulation (cancer_pdl1_base)
// and the systemic homing boost (infiltration_boost). Templates over the scalar type.
#pragma once

#include <vector>

#include "core/model.hpp"
#include "core/radiotherapy.hpp"
#include "models/common/modules.hpp"
#include "models/qspio_nsclc/layout.hpp"

namespace vct::models::nsclc::rt {

/// TREX1 attenuation of immunogenicity for one fraction of dose_Gy (1 below the onset dose).
inline double trex1_factor(double dose_Gy, const double* p) {
  if (p[rp::trex1_enabled] < 0.5 || dose_Gy <= p[rp::trex1_onset_Gy]) return 1.0;
  if (dose_Gy >= p[rp::trex1_full_Gy]) return p[rp::trex1_residual];
  const double s = (dose_Gy - p[rp::trex1_onset_Gy]) / (p[rp::trex1_full_Gy] - p[rp::trex1_onset_Gy]);
  return 1.0 - s * (1.0 - p[rp::trex1_residual]);
}

/// One fraction as a jump of the full state y: LQ kill of the lesion's cancer cells into the
/// doomed pools (immunogenic share attenuated by TREX1; with the licensing module TREX1 acts on
/// the IFN-I arm instead, lc::g_TREX1), LQ kill of lesion T cells into their dead pools, optional
/// depletion of circulating lymphocytes (blood_dose_per_fraction_Gy), the RT signal's jump; with
/// the lymphodepletion module, the circulating and nodal doses of the fraction
/// (lymphodepletion.cpp).
void apply_fraction(const Layout& lay, const RadiationFraction& fraction, const double* p, double* y);
/// The share of the cells a fraction kills in its lesion that die immunogenically (as apply_fraction
/// splits them between D_icd and D_non), at the state y before the fraction.
double immunogenic_share(const Layout& lay, const RadiationFraction& fraction, const double* p, const double* y);

/// State-table rows of the module's lesion states (lesion 1 names; other lesions are relabelled).
std::vector<StateInfo> lesion_state_info();
/// State-table row of an immune module's lesion state (lc::IFN_I, lc::g_TREX1, lc::T_T2).
StateInfo module_state_info(int local);
/// State-table rows of the immune modules' systemic states (sy:: order).
std::vector<StateInfo> systemic_state_info(const ModuleSet& modules);

/// Cancer-cell PD-L1 baseline, raised while the RT signal lasts.
template <class T>
T cancer_pdl1_base(const T* x, const double* p) {
  namespace L = lc;
  namespace P = par;
  return p[P::C1_PDL1_base_molecule] * (1.0 + p[rp::r_PDL1_RT] * x[L::R_RT] / (x[L::R_RT] + p[rp::RT_signal_50_Gy]));
}

template <class T>
struct LesionTerms {
  T icd_death{0.0};  ///< immunogenic deaths of doomed cells, cells/day (release antigen)
  T H_DAMP{0.0};     ///< DAMP drive of APC maturation, 0..1
};

/// The doomed pools of one lesion die at k_doomed; their deaths become dead cells, the immunogenic
/// part a DAMP signal; the RT signal decays. Writes dx of the module's states and adds to dx[C_x].
template <class T>
LesionTerms<T> lesion_terms(const T* x, T* dx, const T& V_T, const double* p) {
  namespace L = lc;
  LesionTerms<T> out;
  const double kd = p[rp::k_doomed_death_per_day];
  out.icd_death = kd * x[L::D_icd];
  dx[L::D_icd] = -out.icd_death;
  dx[L::D_non] = -kd * x[L::D_non];
  dx[L::C_x] = dx[L::C_x] + out.icd_death + kd * x[L::D_non];
  dx[L::DAMP] = out.icd_death / V_T - p[rp::k_DAMP_deg_per_day] * x[L::DAMP];
  dx[L::R_RT] = -p[rp::k_RT_signal_decay_per_day] * x[L::R_RT];
  out.H_DAMP = michaelis(x[L::DAMP], p[rp::DAMP_50_cell_per_L]);
  return out;
}

/// Systemic activation by immunogenic radiation death: effector homing into every lesion is
/// multiplied by 1 + r_infiltration_DAMP times the lesions' DAMP drive weighted by their mature
/// APCs (the cells that carry it to the lymph node).
template <class T>
T infiltration_boost(const Layout& lay, const T* y, const double* p) {
  T weighted(0.0), weight(0.0);
  for (int l = 0; l < lay.n_lesions; ++l) {
    const auto& idx = lay.index[static_cast<std::size_t>(l)];
    const T w = y[idx[lc::T_mAPC]] + 1.0;
    weighted = weighted + w * michaelis(T(y[idx[lc::DAMP]]), p[rp::DAMP_50_cell_per_L]);
    weight = weight + w;
  }
  return 1.0 + p[rp::r_infiltration_DAMP] * (weighted / weight);
}

}  // namespace vct::models::nsclc::rt
