// SPDX-License-Identifier: MIT
// Anti-CTLA-4 modules (docs/models/anti-ctla4.md).
//  M5 treg_adcc: CTLA-4 per regulatory T cell in each lesion and in the periphery binds the
//    antibody (one arm, then both); Fc-mediated cytotoxicity removes Tregs at
//    k_CTLA4_ADCC H, H a Hill function of the bound CTLA-4 per cell (QSP-IO Treg_ADCC_module).
//  M6 ctla4_priming: CTLA-4 blockade in the lymph node lets unlicensed APCs prime the subdominant
//    (T2) clone family: the licensing gate of T2 priming becomes L + (1 - L) theta O, with O the
//    CTLA-4 occupancy of the T-APC synapse.
// States: lc::TR_CTLA4.. (per lesion) and sy::P_TR_CTLA4.. (periphery); parameters in
// ctla4_parameters.inc. Templates over the scalar type. Thread safety: pure functions.
#pragma once

#include "models/common/modules.hpp"
#include "models/qspio_nsclc/layout.hpp"

namespace vct::models::nsclc::ctla4 {

/// CTLA-4 of one Treg: b[0] free, b[1] bound by one antibody arm, b[2] bridged by both arms
/// (molecules per cell). a_nM is the free antibody concentration already divided by its
/// partition coefficient. Writes db and returns the Fc killing signal H in [0, 1):
///   r1 = kon b0 a - koff b1
///   r2 = Chi kon b0 b1 / A_Tcell - koff b2
///   db0 = -r1 - r2, db1 = r1 - r2, db2 = r2          (b0 + b1 + 2 b2 is conserved)
///   H = Hill(b1 + 2 b2; Treg_CTLA4_50, n_Treg_CTLA4)
/// As in the QSP-IO module (qspio-model.md 11.4): no statistical factor 2 on either arm.
template <class T>
T treg_binding(const T* b, T* db, const T& a_nM, const double* p) {
  namespace P = par;
  const double kon = p[P::kon_CTLA4_aCTLA4_per_nM_per_day], koff = p[P::koff_CTLA4_aCTLA4_per_day];
  const T r1 = kon * b[0] * a_nM - koff * b[1];
  const T r2 = p[P::Chi_CTLA4_aCTLA4_nM_um2] * kon * b[0] * b[1] / p[P::A_Tcell_um2] - koff * b[2];
  db[0] = -r1 - r2;
  db[1] = r1 - r2;
  db[2] = r2;
  return hill(positive_part(T(b[1] + 2.0 * b[2])), p[mp::Treg_CTLA4_50_molecule], p[mp::n_Treg_CTLA4]);
}

/// Share of the CTLA-4 of the lymph-node T-APC synapse held by antibody, 0..1 (the synapse's
/// CTLA-4 total is conserved at T_CTLA4_syn / A_Tcell).
template <class T>
T ln_occupancy(const T* syn, const double* p) {
  namespace P = par;
  const double total = p[P::T_CTLA4_syn_molecule] / p[P::A_Tcell_um2];
  return positive_part(T((syn[ts::CTLA4_aCTLA4] + 2.0 * syn[ts::CTLA4_aCTLA4_CTLA4]) / total));
}

/// The T2 priming gate with CTLA-4 blockade: L + (1 - L) theta O.
template <class T>
T priming_gate(const T& licensing, const T& occupancy, const double* p) {
  return licensing + (1.0 - licensing) * p[mp::theta_CTLA4_priming] * occupancy;
}

}  // namespace vct::models::nsclc::ctla4
