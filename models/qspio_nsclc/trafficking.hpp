// SPDX-License-Identifier: MIT
// T-cell pools outside the tumour, shared by every clone family (QSP-IO §5.3, §5.5): naive cells
// per clone in blood, periphery and lymph node, and mature effectors leaving the lymph node for
// blood, periphery and the lesions. Templates over the scalar type.
#pragma once

namespace vct::models::nsclc {

/// Naive T cells of one clone (per clone: totals / diversity): thymic output into blood,
/// homeostatic proliferation in periphery and LN, death, recirculation, activation in the LN.
struct NaiveRates {
  double Q, div, kpro, Kpro, kdeath, qPin, qPout, qLNin, qLNout;
};

/// `drive`: factor on homeostatic proliferation (IL-7 recovery module); nullptr: none.
template <class T>
void naive_pool(const T* y, T* dy, int iC, int iP, int iLN, const NaiveRates& r, const T& activation,
                const T* drive = nullptr) {
  T pro_P = r.kpro / r.div * y[iP] / (r.Kpro / r.div + y[iP]);
  T pro_LN = r.kpro / r.div * y[iLN] / (r.Kpro / r.div + y[iLN]);
  if (drive) {
    pro_P = pro_P * *drive;
    pro_LN = pro_LN * *drive;
  }
  dy[iC] = r.Q / r.div - r.kdeath * y[iC] - r.qPin * y[iC] + r.qPout * y[iP] - r.qLNin * y[iC] + r.qLNout * y[iLN];
  dy[iP] = pro_P - r.kdeath * y[iP] + r.qPin * y[iC] - r.qPout * y[iP];
  dy[iLN] = pro_LN - r.kdeath * y[iLN] + r.qLNin * y[iC] - r.qLNout * y[iLN] - activation;
}

/// Mature T cells of one family: released into the LN (`gain`), leave it for blood, exchange
/// with the periphery, die, and infiltrate the lesions from blood (`infiltration`, cells/day).
struct MatureRates {
  double kdeath, qLNout, qPin, qPout;
};

template <class T>
void mature_pool(const T* y, T* dy, int iLN, int iC, int iP, const MatureRates& r, const T& gain,
                 const T& infiltration) {
  dy[iLN] = gain - r.kdeath * y[iLN] - r.qLNout * y[iLN];
  dy[iC] = r.qLNout * y[iLN] - r.kdeath * y[iC] - r.qPin * y[iC] + r.qPout * y[iP] - infiltration;
  dy[iP] = r.qPin * y[iC] - r.qPout * y[iP] - r.kdeath * y[iP];
}

}  // namespace vct::models::nsclc
