// SPDX-License-Identifier: MIT
// Epitope-spreading module (M2) and the priming checkpoint (M3) (docs/models/radiotherapy.md):
// a second, subdominant family of tumour-antigen CD8 clones (T2) with its own naive precursors,
// priming, expansion, trafficking and killing. Its antigens are presented by the same APCs as the
// neo-antigens (surface pMHC rho_P2 s1), but only licensed APCs prime it: the activation rate is
// gated by the systemic licensing L_sys of the licensing module, which checkpoint inhibitors alone
// leave at zero. With the priming checkpoint on, proliferating new T2 cells are lost at a rate
// gated by PD-1 in the T-APC synapse, so blockade present during the priming wave keeps more of
// it. With the priming threshold on (M8), only licensing above a threshold primes the family.
// In the lesions T2 cells kill, suppress, exhaust and secrete IFN-gamma as T1 cells do.
// States: sy:: (systemic) and lc::T_T2 (per lesion); parameters in
// epitope_spreading_parameters.inc, otherwise the CD8 (T1) parameters. Templates over the scalar type.
#pragma once

#include <cmath>

#include "models/common/modules.hpp"
#include "models/qspio_nsclc/layout.hpp"
#include "models/qspio_nsclc/synapses.hpp"
#include "models/qspio_nsclc/trafficking.hpp"

namespace vct::models::nsclc::spreading {

/// Lymph-node signals the T2 family reads, computed once per right-hand side.
template <class T>
struct PrimingInputs {
  T sites;               ///< APC binding sites, n_sites_APC x LN mature APCs
  T pmhc1;               ///< neo-antigen surface pMHC carried by the migrating APCs (molecule/um^2)
  T licensing;           ///< systemic licensing L_sys, 0..1
  T N_aT;                ///< CD8 generations per activation (shared with T1)
  T H_PD1_APC;           ///< PD-1 engagement in the T-APC synapse, 0..1
  T infiltration;        ///< T2 effectors/day leaving blood into all lesions
  const T* naive_drive;  ///< factor on naive homeostatic proliferation (IL-7 recovery); nullptr: none
};

/// The priming threshold (M8): the share of licensed APCs that prime the T2 family,
///   L F(L),  F(L) = L^n / (L^n + K^n)  (K = K_priming_licensing, n = n_priming_licensing),
/// so that weak licensing (3 Gy fractions) primes almost no T2 cell and strong licensing (6 Gy and
/// more per fraction) nearly as many as without the threshold. 0 at L = 0; at most L.
template <class T>
T thresholded_licensing(const T& licensing, const double* p) {
  return licensing * hill(licensing, p[mp::K_priming_licensing], p[mp::n_priming_licensing]);
}

/// Naive, activated and mature T2 pools (the caller adds aT2 and LN_T2 to IL-2 secretion and
/// consumption with the T1 family).
template <class T>
void systemic_rhs(const Layout& lay, const T* y, T* dy, const double* p, const PrimingInputs<T>& in) {
  namespace P = par;
  using std::exp2;
  const auto& s = lay.sys;
  const double n_clones = p[mp::n_T2_clones];
  const T H_P2 = antigen_signal(T(p[mp::rho_P2] * in.pmhc1), n_clones, p, p[P::p1_50_per_um2]);
  const T H_APC2 = in.sites / (in.sites + y[s[sy::LN_nT2]] * n_clones + 1.0);
  const T activation = p[P::k_T1_act_per_day] * H_APC2 * H_P2 * in.licensing * y[s[sy::LN_nT2]];
  naive_pool(y, dy, s[sy::C_nT2], s[sy::P_nT2], s[sy::LN_nT2],
             NaiveRates{p[P::Q_nT1_thym_cell_per_day], p[P::div_T1], p[P::k_nT1_pro_cell_per_day], p[P::K_nT1_pro_cell],
                        p[P::k_nT1_death_per_day], p[P::q_nT1_P_in_per_day], p[P::q_nT1_P_out_per_day],
                        p[P::q_nT1_LN_in_per_day], p[P::q_nT1_LN_out_per_day]},
             activation, in.naive_drive);
  const T exit = p[P::k_T1_pro_per_day] / in.N_aT * y[s[sy::aT2]];
  const T loss =
      lay.modules.priming_checkpoint ? T(p[mp::k_T2_PD1_loss_per_day] * in.H_PD1_APC * y[s[sy::aT2]]) : T(0.0);
  dy[s[sy::aT2]] = activation * n_clones - exit - loss;
  mature_pool(y, dy, s[sy::LN_T2], s[sy::C_T2], s[sy::P_T2],
              MatureRates{p[P::k_T1_death_per_day] * p[mp::f_T2_death], p[P::q_T1_LN_out_per_day],
                          p[P::q_T1_P_in_per_day], p[P::q_T1_P_out_per_day]},
              T(exit * exp2(in.N_aT)), in.infiltration);
}

/// Naive T2 pools at model build: the same per-clone precursor frequency as T1.
inline void initial_state(const Layout& lay, const double* p, double* y) {
  namespace P = par;
  const double n = p[P::rho_nT1_cell_per_L] * p[P::V_C_L] / p[P::div_T1];
  y[lay.sys[sy::C_nT2]] = n;
  y[lay.sys[sy::P_nT2]] = 50.0 * n;
  y[lay.sys[sy::LN_nT2]] = 0.05 * n;
}

}  // namespace vct::models::nsclc::spreading
