// SPDX-License-Identifier: MIT
// IL-7 recovery module (M7; docs/models/radiotherapy.md, "M7 — IL-7-driven lymphocyte recovery"):
// IL-7 is made at a constant rate and cleared partly by the T cells that use it, so when
// radiotherapy depletes the naive pools its level rises and drives their homeostatic proliferation
// harder until they refill (Byun 2021: serum IL-7 rises after RT-induced lymphopenia and predicts the
// count two months later). IL-7 relative to its level at the treatment start, I, follows
//     dI/dt = k_IL7 (1 - I (phi + (1 - phi) N / N0)),
// N the naive T cells (CD8 and CD4; blood, periphery, lymph node), N0 their number at the start of
// treatment, phi the share of IL-7 cleared other than by T cells, k_IL7 its turnover there; it
// settles within hours at 1 / (phi + (1 - phi) N / N0). Every naive pool's homeostatic
// proliferation is multiplied by I^gamma. N0 is a constant state set when initialisation reaches
// the treatment start (0 before, and I held at 1: the growth phase is untouched), so at the
// treatment start dI/dt = 0, I = 1 and the module changes nothing until something depletes the
// pools. IL-7 is a state rather than its quasi-steady value so that only its own row reads the six
// naive pools: the quasi-steady form puts all six into every naive row and doubles the cost of a
// step (docs/performance.md). Parameter table: il7_recovery_parameters.inc.
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

/// dI/dt, 1/day: k_IL7 (1 - I (phi + (1 - phi) N / N0)); 0 while N0 is unset (<= 0).
template <class T>
T rate(const Layout& lay, const T* y, const double* p) {
  const T& n0 = y[lay.sys[sy::N0_IL7]];
  if (!(n0 > 0.0)) return T(0.0);
  const double phi = p[mp::phi_IL7];
  return p[mp::k_IL7_per_day] * (1.0 - y[lay.sys[sy::IL7]] * (phi + (1.0 - phi) * naive_cells(y, p) / n0));
}

/// Factor on naive homeostatic proliferation, I^gamma.
template <class T>
T proliferation_factor(const Layout& lay, const T* y, const double* p) {
  using std::pow;
  return pow(y[lay.sys[sy::IL7]], p[mp::gamma_IL7]);
}

/// Sets the set point N0 to the naive T cells of `y` (at the treatment start).
inline void set_reference(const Layout& lay, const double* p, double* y) { y[lay.sys[sy::N0_IL7]] = naive_cells(y, p); }

}  // namespace vct::models::nsclc::il7
