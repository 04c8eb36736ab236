// SPDX-License-Identifier: MIT
// IL-7 recovery module (M7; docs/models/radiotherapy.md, "M7 — IL-7-driven lymphocyte recovery"):
// IL-7 is made at a constant rate and cleared partly by the T cells that use it, so when
// radiotherapy depletes the naive pools its level rises and drives their homeostatic proliferation
// harder until they refill (Byun 2021: serum IL-7 rises after RT-induced lymphopenia and predicts the
// count two months later). In quasi-steady state (IL-7 turns over in hours, the pools in months)
// the level relative to the set point is
//     I = 1 / (phi + (1 - phi) N / N0),
// N the naive T cells (CD8 and CD4; blood, periphery, lymph node), N0 their number at the start of
// treatment, phi the share of IL-7 cleared other than by T cells. Every naive pool's homeostatic
// proliferation is multiplied by I^gamma. N0 is a constant state set when initialisation reaches
// the treatment start (0 before: the growth phase is untouched), so at treatment start I = 1 and
// the module changes nothing until something depletes the pools. Parameter table:
// il7_recovery_parameters.inc.
#pragma once

#include <cmath>

#include "models/qspio_nsclc/layout.hpp"

namespace vct::models::nsclc::il7 {

/// Naive T cells in the body (cell): CD8 and CD4, blood, periphery and lymph node (per-clone
/// pools x diversity). The subdominant family's naive cells belong to the same CD8 repertoire.
template <class T>
T naive_cells(const T* y, const double* p) {
  return (y[st::C_nT1] + y[st::P_nT1] + y[st::LN_nT1]) * p[par::div_T1] +
         (y[st::C_nT0] + y[st::P_nT0] + y[st::LN_nT0]) * p[par::div_T0];
}

/// IL-7 relative to the set point, 1 / (phi + (1 - phi) N / N0); 1 while N0 is unset (<= 0).
template <class T>
T relative_level(const Layout& lay, const T* y, const double* p) {
  const T& n0 = y[lay.sys[sy::N0_IL7]];
  if (!(n0 > 0.0)) return T(1.0);
  const double phi = p[mp::phi_IL7];
  return 1.0 / (phi + (1.0 - phi) * naive_cells(y, p) / n0);
}

/// Factor on naive homeostatic proliferation, (relative IL-7)^gamma.
template <class T>
T proliferation_factor(const Layout& lay, const T* y, const double* p) {
  using std::pow;
  return pow(relative_level(lay, y, p), p[mp::gamma_IL7]);
}

/// Sets the set point N0 to the naive T cells of `y` (at the treatment start).
inline void set_reference(const Layout& lay, const double* p, double* y) { y[lay.sys[sy::N0_IL7]] = naive_cells(y, p); }

}  // namespace vct::models::nsclc::il7
