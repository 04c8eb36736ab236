// SPDX-License-Identifier: MIT
// The right-hand side of the QSP-IO NSCLC model (equations.cpp) and the lesion volume it and the
// model's outputs share.
#pragma once

#include <vector>

#include "core/dual.hpp"
#include "models/common/modules.hpp"
#include "models/qspio_nsclc/layout.hpp"

namespace vct::models::nsclc {

/// Volume (L) of one lesion from its local states x (lesion layout): cancer (and, with RT, doomed)
/// cells, dead cells, T cells and macrophages over the cellular volume fraction.
template <class T>
T lesion_volume(const T* x, const double* p, bool rt, bool t2 = false) {
  namespace P = par;
  auto n = [&](int i) { return positive_part(x[i]); };
  T total_T = n(lc::T_T1) + n(lc::T_T0) + n(lc::T_Th);
  if (t2) total_T = total_T + n(lc::T_T2);  // epitope-spreading module
  T cancer = n(lc::C_x) + n(lc::C1);
  if (rt) cancer = cancer + n(lc::D_icd) + n(lc::D_non);
  return (cancer * p[P::vol_cell_L] + (n(lc::T1_exh) + n(lc::Th_exh) + total_T) * p[P::vol_Tcell_L] +
          (n(lc::Mac_M1) + n(lc::Mac_M2)) * p[P::vol_Mcell_L]) /
         p[P::Ve_T];
}

/// Volume (L) of the whole lesion `lesion` (0-based) from the full state: its compartment's volume
/// over the compartment's share w (lesion_weight; 1 without agent-based windows).
double lesion_volume_of(const Layout& lay, int lesion, const double* y, const double* p);

/// dy/dt of the whole state vector in internal units per day. Thread-safe (pure).
void eval_rhs(const Layout& lay, const double* y, const double* p, double* dydt);
void eval_rhs(const Layout& lay, const Dual* y, const double* p, Dual* dydt);

/// What a lesion's rate laws use that agent-based windows of the lesion need (models/abm_coupling),
/// at the state the signals were evaluated at.
struct LesionSignals {
  double V_T_L = 0.0;  ///< the compartment's volume (w times the whole lesion's), L
  /// Effector CD8 (T1) homing per blood T1 cell per litre of lesion, 1/(L day): q_T1 f_rec x the RT
  /// infiltration boost; Tregs (T0) the same without the boost.
  double cd8_homing_per_L_per_day = 0.0, treg_homing_per_L_per_day = 0.0;
  double H_PD1 = 0.0;                  ///< PD-1 engagement of the T-C1 synapse (anti-PD-(L)1 included), 0..1
  double kill_factor = 1.0;            ///< the non-contact part of killing: (1 - H_TGFb,Teff)(1 - H_MDSC)
  double licensing = 0.0;              ///< L of the lesion (licensing module)
  double kill_per_cell_per_day = 0.0;  ///< CD8 killing per cancer cell, R_kill / C1, 1/day
};

/// Module signals that are not states, for the model's outputs.
struct ModuleSignals {
  std::vector<LesionSignals> lesions;    ///< per lesion
  std::vector<double> lesion_licensing;  ///< L per lesion (licensing module)
  double licensing = 0.0;                ///< systemic licensing L_sys
  double H_PD1_APC = 0.0;                ///< PD-1 engagement in the T-APC synapse
  double ctla4_occupancy_LN = 0.0;       ///< antibody-held share of CTLA-4 in the T-APC synapse (ctla4_priming)
};
/// Evaluates the right-hand side at y and returns the module signals (the derivatives are discarded).
ModuleSignals module_signals(const Layout& lay, const double* y, const double* p);

}  // namespace vct::models::nsclc
