// SPDX-License-Identifier: MIT
// Licensing module (M1; docs/models/radiotherapy.md, "Licensing"): per lesion, a danger signal that
// is a threshold function of the fraction of the lesion dying per day (Kosinsky 2018), near zero
// at baseline. Two arms: the immunogenic deaths of doomed cells (DAMP arm) and a type-I IFN
// (cGAS-STING) programme driven by radiation deaths and attenuated by TREX1 after high single
// doses (Vanpouille-Box 2017). Its states are lc::IFN_I and lc::g_TREX1; parameters in
// licensing_parameters.inc. The systemic licensing of the lymph node weights each lesion by the
// mature APCs that leave it (as the pMHC the APCs carry). Templates over the scalar type.
#pragma once

#include <cmath>

#include "models/common/modules.hpp"
#include "models/qspio_nsclc/layout.hpp"

namespace vct::models::nsclc::licensing {

/// IFN-I arm left after a fraction of dose_Gy: 1 up to trex1_onset_Gy, falling linearly to
/// trex1_residual_IFN at trex1_full_Gy and above (1 throughout when trex1_enabled is 0).
inline double trex1_ifn_factor(double dose_Gy, const double* p) {
  if (p[rp::trex1_enabled] < 0.5 || dose_Gy <= p[rp::trex1_onset_Gy]) return 1.0;
  if (dose_Gy >= p[rp::trex1_full_Gy]) return p[mp::trex1_residual_IFN];
  const double s = (dose_Gy - p[rp::trex1_onset_Gy]) / (p[rp::trex1_full_Gy] - p[rp::trex1_onset_Gy]);
  return 1.0 - s * (1.0 - p[mp::trex1_residual_IFN]);
}

/// Share of a fraction's radiation deaths that is immunogenic, relative to f_immunogenic (DAMP arm)
/// and to a full IFN-I arm: h(d) = d^n / (d^n + d50^n) (1 when ICD_dose_50_Gy is 0).
inline double immunogenic_dose_factor(double dose_Gy, const double* p) {
  const double d50 = p[mp::ICD_dose_50_Gy];
  if (!(d50 > 0.0)) return 1.0;
  const double q = std::pow(dose_Gy / d50, p[mp::n_ICD_dose]);
  return q / (1.0 + q);
}

/// One lesion's licensing: writes dx of IFN_I and g_TREX1 and returns L in [0, 1].
///   cells X0 = C1 + D_icd + D_non + 1; r_RT = k_d (D_icd + D_non) / X0 (fraction dying per day)
///   dI/dt = k_I (r_RT g - I);  X = k_d D_icd / X0 + w_I I + w_kill R_kill / X0
///   L = X^n / (X^n + K^n)
template <class T>
T lesion_licensing(const T* x, T* dx, const T& C, const T& R_kill, const double* p) {
  namespace L = lc;
  const T icd = positive_part(x[L::D_icd]), non = positive_part(x[L::D_non]);
  const T cells = C + icd + non + 1.0;
  const double kd = p[rp::k_doomed_death_per_day];
  const T radiation_death_rate = kd * (icd + non) / cells;
  dx[L::IFN_I] = p[mp::k_IFN_I_per_day] * (radiation_death_rate * x[L::g_TREX1] - x[L::IFN_I]);
  dx[L::g_TREX1] = T(0.0);
  const T X = kd * icd / cells + p[mp::w_IFN_I] * positive_part(x[L::IFN_I]) + p[mp::w_immune_kill] * R_kill / cells;
  return hill(X, p[mp::K_licensing_per_day], p[mp::n_licensing]);
}

}  // namespace vct::models::nsclc::licensing
