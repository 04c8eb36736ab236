// SPDX-License-Identifier: MIT
// Checkpoint synapses of the QSP-IO NSCLC model (§5.11, §5.12): the T-cell synapse (T-C1 in each
// lesion, T-APC in the lymph node), the macrophage-cancer synapse, PD-L1/PD-L2 expression, and
// the TCR antigen signal. Templates over the scalar type (double, Dual) for the exact Jacobian.
#pragma once

#include "models/common/modules.hpp"
#include "models/qspio_nsclc/layout.hpp"

namespace vct::models::nsclc {

template <class T>
T antigen_signal(const T& surface_pmhc, double n_clones, const double* p, double p50) {
  namespace P = par;
  const double proofreading =
      proofreading_factor(p[P::k_TCR_off_per_day], p[P::phi_TCR_per_day], p[P::k_TCR_p_per_day], p[P::N_TCR]);
  const double kd = p[P::k_TCR_off_per_day] / p[P::k_TCR_on_um2_per_day];
  const T signal = proofreading * tcr_complexes(T(surface_pmhc / n_clones), p[P::TCR_tot_per_um2], kd);
  return signal / (signal + p50);
}

/// PD-L1/PD-L2 expression terms s1..s4, shared by the three synapses. The divisor is A_cell in
/// every synapse, as in checkpoint_module.m (a 0.3 % mismatch for the APC synapse, kept).
template <class T>
void pdl_expression(const T& pdl1_total, const T& pdl2_total, const T& base, double r_pdl2, const T& h_ifn,
                    const double* p, T& d_pdl1, T& d_pdl2) {
  namespace P = par;
  const double k_out = p[P::k_out_PDL1_molecule_per_day] / p[P::A_syn_um2];
  const double a = p[P::A_cell_um2];
  const double fold = p[P::r_PDL1_IFNg];
  d_pdl1 += k_out * h_ifn * (1.0 - pdl1_total / (base * fold / a)) + p[P::k_in_PDL1_per_day] * (base / a - pdl1_total);
  d_pdl2 += k_out * r_pdl2 * h_ifn * (1.0 - pdl2_total / (base * fold * r_pdl2 / a)) +
            p[P::k_in_PDL1_per_day] * (base * r_pdl2 / a - pdl2_total);
}

/// The free receptor an antibody can still bind when only a fraction f of the receptor can ever
/// be antibody-occupied. Ligand binding does not tell the two kinds apart, so the occupiable share
/// of the receptor not bound by antibody (N, of which `free` is unbound) is
/// (f T - B) / N = 1 - (1 - f) T / N, with B the antibody-bound part and T = N + B.
template <class T>
T occupiable_free(const T& free, const T& not_bound, const T& bound, double f) {
  return not_bound > 0.0 ? T(free * positive_part(T(1.0 - (1.0 - f) * (not_bound + bound) / not_bound))) : T(0.0);
}

template <class T>
struct SynapseReadout {
  T H_PD1;
  T H_CD28;
};

/// One T-cell synapse (T-C1 or T-APC); a* are free antibody concentrations (nM, already / gamma).
template <class T>
SynapseReadout<T> t_synapse(const T* s, T* ds, const T& aPD1, const T& aPDL1, const T& aCTLA4, const T& base_pdl1,
                            double r_pdl2, const T& h_ifn, const double* p) {
  namespace P = par;
  const double k_pdl1 = p[P::kon_PD1_PDL1_um2_per_day], kr_pdl1 = p[P::koff_PD1_PDL1_per_day];
  const double k_pdl2 = p[P::kon_PD1_PDL2_um2_per_day], kr_pdl2 = p[P::koff_PD1_PDL2_per_day];
  const double k_a1 = p[P::kon_PD1_aPD1_per_nM_per_day], kr_a1 = p[P::koff_PD1_aPD1_per_day];
  const double x_a1 = p[P::Chi_PD1_aPD1_nM_um2];
  const double k_al1 = p[P::kon_PDL1_aPDL1_per_nM_per_day], kr_al1 = p[P::koff_PDL1_aPDL1_per_day];
  const double x_al1 = p[P::Chi_PDL1_aPDL1_nM_um2];
  const double k_2880 = p[P::kon_CD28_CD80_um2_per_day], kr_2880 = p[P::koff_CD28_CD80_per_day];
  const double k_2886 = p[P::kon_CD28_CD86_um2_per_day], kr_2886 = p[P::koff_CD28_CD86_per_day];
  const double k_c80 = p[P::kon_CTLA4_CD80_um2_per_day], kr_c80 = p[P::koff_CTLA4_CD80_per_day];
  const double k_c86 = p[P::kon_CTLA4_CD86_um2_per_day], kr_c86 = p[P::koff_CTLA4_CD86_per_day];
  const double k_ac = p[P::kon_CTLA4_aCTLA4_per_nM_per_day], kr_ac = p[P::koff_CTLA4_aCTLA4_per_day];
  const double x_ac = p[P::Chi_CTLA4_aCTLA4_nM_um2];
  const double k_dim = p[P::kon_CD80_CD80_um2_per_day], kr_dim = p[P::koff_CD80_CD80_per_day];
  const double k_cis = p[P::kon_CD80_PDL1_um2_per_day], kr_cis = p[P::koff_CD80_PDL1_per_day];

  const T r1 = k_pdl1 * s[ts::PD1] * s[ts::PDL1] - kr_pdl1 * s[ts::PD1_PDL1];
  const T r2 = k_pdl2 * s[ts::PD1] * s[ts::PDL2] - kr_pdl2 * s[ts::PD1_PDL2];
  // Only a fraction f of a T cell's PD-1 (f_PD1_blockable) can be occupied by antibody
  // (occupiable_free); of the PD-L1 facing it, at most a fraction f_PDL1_blockable of the PD-L1 in
  // no synapse complex (free or antibody-held): N is then the free PD-L1 alone, which adds no
  // Jacobian entry (the antibody rates already read all three), so f = 1 stays bit for bit.
  const T pd1_free_occupiable =
      p[P::f_PD1_blockable] == 1.0  // the Jacobian pattern is detected at perturbed f, so != 1
          ? s[ts::PD1]
          : occupiable_free(s[ts::PD1], T(s[ts::PD1] + s[ts::PD1_PDL1] + s[ts::PD1_PDL2]),
                            T(s[ts::PD1_aPD1] + 2.0 * s[ts::PD1_aPD1_PD1]), p[P::f_PD1_blockable]);
  const T pdl1_free_occupiable =
      p[P::f_PDL1_blockable] == 1.0
          ? s[ts::PDL1]
          : occupiable_free(s[ts::PDL1], s[ts::PDL1], T(s[ts::PDL1_aPDL1] + 2.0 * s[ts::PDL1_aPDL1_PDL1]),
                            p[P::f_PDL1_blockable]);
  const T r3 = 2.0 * k_a1 * pd1_free_occupiable * aPD1 - kr_a1 * s[ts::PD1_aPD1];
  const T r4 = x_a1 * k_a1 * pd1_free_occupiable * s[ts::PD1_aPD1] - 2.0 * kr_a1 * s[ts::PD1_aPD1_PD1];
  const T r5 = 2.0 * k_al1 * pdl1_free_occupiable * aPDL1 - kr_al1 * s[ts::PDL1_aPDL1];
  const T r6 = x_al1 * k_al1 * pdl1_free_occupiable * s[ts::PDL1_aPDL1] - 2.0 * kr_al1 * s[ts::PDL1_aPDL1_PDL1];
  const T r7 = 2.0 * k_2880 * s[ts::CD28] * s[ts::CD80] - kr_2880 * s[ts::CD28_CD80];
  const T r8 = k_2880 * s[ts::CD28] * s[ts::CD28_CD80] - 2.0 * kr_2880 * s[ts::CD28_CD80_CD28];
  const T r9 = k_2886 * s[ts::CD28] * s[ts::CD86] - kr_2886 * s[ts::CD28_CD86];
  const T r10 = 4.0 * k_c80 * s[ts::CTLA4] * s[ts::CD80] - kr_c80 * s[ts::CD80_CTLA4];
  const T r11 = 2.0 * k_c80 * s[ts::CTLA4] * s[ts::CD80_CTLA4] - 2.0 * kr_c80 * s[ts::CTLA4_CD80_CTLA4];
  const T r12 = 4.0 * k_c80 * s[ts::CD80] * s[ts::CTLA4_CD80_CTLA4] - kr_c80 * s[ts::CD80_CTLA4_CD80_CTLA4];
  const T r13 = 2.0 * k_c80 * s[ts::CD80_CTLA4] * s[ts::CD80] - 2.0 * kr_c80 * s[ts::CD80_CTLA4_CD80];
  const T r14 = 4.0 * k_c80 * s[ts::CTLA4] * s[ts::CD80_CTLA4_CD80] - kr_c80 * s[ts::CD80_CTLA4_CD80_CTLA4];
  const T r15 = 2.0 * k_c86 * s[ts::CTLA4] * s[ts::CD86] - kr_c86 * s[ts::CD86_CTLA4];
  const T r16 = k_c86 * s[ts::CD86_CTLA4] * s[ts::CD86] - 2.0 * kr_c86 * s[ts::CD86_CTLA4_CD86];
  const T r17 = 4.0 * k_ac * s[ts::CTLA4] * aCTLA4 - kr_ac * s[ts::CTLA4_aCTLA4];
  const T r18 = 2.0 * x_ac * k_ac * s[ts::CTLA4] * s[ts::CTLA4_aCTLA4] - 2.0 * kr_ac * s[ts::CTLA4_aCTLA4_CTLA4];
  const T r19 = k_dim * s[ts::CD80m] * s[ts::CD80m] - kr_dim * s[ts::CD80];
  const T r20 = k_cis * s[ts::CD80m] * s[ts::PDL1] - kr_cis * s[ts::PDL1_CD80];
  const T r21 = k_2880 * s[ts::PDL1_CD80] * s[ts::CD28] - kr_2880 * s[ts::PDL1_CD80_CD28];
  const T r22 = 2.0 * k_c80 * s[ts::PDL1_CD80] * s[ts::CTLA4] - kr_c80 * s[ts::PDL1_CD80_CTLA4];
  const T r23 = 2.0 * k_al1 * s[ts::TPDL1] * aPDL1 - kr_al1 * s[ts::TPDL1_aPDL1];
  const T r24 = x_al1 * k_al1 * s[ts::TPDL1] * s[ts::TPDL1_aPDL1] - 2.0 * kr_al1 * s[ts::TPDL1_aPDL1_TPDL1];

  ds[ts::PD1] = -r1 - r2 - r3 - r4;
  ds[ts::PDL1] = -r1 - r5 - r6 - r20;
  ds[ts::PDL2] = -r2;
  ds[ts::PD1_PDL1] = r1;
  ds[ts::PD1_PDL2] = r2;
  ds[ts::PD1_aPD1] = r3 - r4;
  ds[ts::PD1_aPD1_PD1] = r4;
  ds[ts::PDL1_aPDL1] = r5 - r6;
  ds[ts::PDL1_aPDL1_PDL1] = r6;
  ds[ts::TPDL1] = -r23 - r24;
  ds[ts::TPDL1_aPDL1] = r23 - r24;
  ds[ts::TPDL1_aPDL1_TPDL1] = r24;
  ds[ts::CD28] = -r7 - r8 - r9 - r21;
  ds[ts::CTLA4] = -r10 - r11 - r14 - r15 - r17 - r18 - r22;
  ds[ts::CD80] = -r7 - r10 - r12 - r13 + r19;
  ds[ts::CD80m] = -2.0 * r19 - r20;
  ds[ts::CD86] = -r9 - r15 - r16;
  ds[ts::CD28_CD80] = r7 - r8;
  ds[ts::CD28_CD80_CD28] = r8;
  ds[ts::CD28_CD86] = r9;
  ds[ts::CD80_CTLA4] = r10 - r11 - r13;
  ds[ts::CD80_CTLA4_CD80] = r13 - r14;
  ds[ts::CTLA4_CD80_CTLA4] = r11 - r12;
  ds[ts::CD80_CTLA4_CD80_CTLA4] = r12 + r14;
  ds[ts::CD86_CTLA4] = r15 - r16;
  ds[ts::CD86_CTLA4_CD86] = r16;
  ds[ts::PDL1_CD80] = r20 - r21 - r22;
  ds[ts::PDL1_CD80_CD28] = r21;
  ds[ts::PDL1_CD80_CTLA4] = r22;
  ds[ts::CTLA4_aCTLA4] = r17 - r18;
  ds[ts::CTLA4_aCTLA4_CTLA4] = r18;

  const T pdl1_total = s[ts::PDL1] + s[ts::PD1_PDL1] + s[ts::PDL1_aPDL1] + 2.0 * s[ts::PDL1_aPDL1_PDL1] +
                       s[ts::PDL1_CD80] + s[ts::PDL1_CD80_CD28] + s[ts::PDL1_CD80_CTLA4];
  const T pdl2_total = s[ts::PDL2] + s[ts::PD1_PDL2];
  pdl_expression(pdl1_total, pdl2_total, base_pdl1, r_pdl2, h_ifn, p, ds[ts::PDL1], ds[ts::PDL2]);

  SynapseReadout<T> out;
  out.H_PD1 = hill(T(s[ts::PD1_PDL1] + s[ts::PD1_PDL2]), p[P::PD1_50_per_um2], p[P::n_PD1]);
  out.H_CD28 = hill(T(s[ts::CD28_CD80] + s[ts::CD28_CD86] + 2.0 * s[ts::CD28_CD80_CD28] + s[ts::PDL1_CD80_CD28]),
                    p[P::CD28_CD8X_50_per_um2], p[P::n_CD28_CD8X]);
  return out;
}

/// Macrophage-cancer synapse; returns H_Mac_C = 1 - (1 - H_SIRPa)(1 - H_PD1_M).
template <class T>
T m_synapse(const T* s, T* ds, const T& aPD1, const T& aPDL1, const T& h_ifn, const T& pdl1_base, const double* p) {
  namespace P = par;
  const double k_a1 = p[P::kon_PD1_aPD1_per_nM_per_day], kr_a1 = p[P::koff_PD1_aPD1_per_day];
  const double k_al1 = p[P::kon_PDL1_aPDL1_per_nM_per_day], kr_al1 = p[P::koff_PDL1_aPDL1_per_day];
  const T r1 =
      p[P::kon_CD47_SIRPa_um2_per_day] * s[ms::CD47] * s[ms::SIRPa] - p[P::koff_CD47_SIRPa_per_day] * s[ms::CD47_SIRPa];
  const T r2 =
      p[P::kon_PD1_PDL1_um2_per_day] * s[ms::PD1] * s[ms::PDL1] - p[P::koff_PD1_PDL1_per_day] * s[ms::PD1_PDL1];
  const T r3 =
      p[P::kon_PD1_PDL2_um2_per_day] * s[ms::PD1] * s[ms::PDL2] - p[P::koff_PD1_PDL2_per_day] * s[ms::PD1_PDL2];
  const T r4 = 2.0 * k_a1 * s[ms::PD1] * aPD1 - kr_a1 * s[ms::PD1_aPD1];
  const T r5 = p[P::Chi_PD1_aPD1_nM_um2] * k_a1 * s[ms::PD1] * s[ms::PD1_aPD1] - 2.0 * kr_a1 * s[ms::PD1_aPD1_PD1];
  const T r6 = 2.0 * k_al1 * s[ms::PDL1] * aPDL1 - kr_al1 * s[ms::PDL1_aPDL1];
  const T r7 =
      p[P::Chi_PDL1_aPDL1_nM_um2] * k_al1 * s[ms::PDL1] * s[ms::PDL1_aPDL1] - 2.0 * kr_al1 * s[ms::PDL1_aPDL1_PDL1];
  const T r8 =
      p[P::kon_CD80_CD80_um2_per_day] * s[ms::CD80m] * s[ms::CD80m] - p[P::koff_CD80_CD80_per_day] * s[ms::CD80];
  const T r9 =
      p[P::kon_CD80_PDL1_um2_per_day] * s[ms::CD80m] * s[ms::PDL1] - p[P::koff_CD80_PDL1_per_day] * s[ms::PDL1_CD80];
  ds[ms::CD47] = -r1;
  ds[ms::SIRPa] = -r1;
  ds[ms::CD47_SIRPa] = r1;
  ds[ms::PD1] = -r2 - r3 - r4 - r5;
  ds[ms::PDL1] = -r2 - r6 - r7 - r9;
  ds[ms::PDL2] = -r3;
  ds[ms::PD1_PDL1] = r2;
  ds[ms::PD1_PDL2] = r3;
  ds[ms::PD1_aPD1] = r4 - r5;
  ds[ms::PD1_aPD1_PD1] = r5;
  ds[ms::PDL1_aPDL1] = r6 - r7;
  ds[ms::PDL1_aPDL1_PDL1] = r7;
  ds[ms::CD80] = r8;
  ds[ms::CD80m] = -2.0 * r8 - r9;
  ds[ms::PDL1_CD80] = r9;
  const T pdl1_total =
      s[ms::PDL1] + s[ms::PD1_PDL1] + s[ms::PDL1_aPDL1] + 2.0 * s[ms::PDL1_aPDL1_PDL1] + s[ms::PDL1_CD80];
  const T pdl2_total = s[ms::PDL2] + s[ms::PD1_PDL2];
  pdl_expression(pdl1_total, pdl2_total, pdl1_base, p[P::r_PDL2C1], h_ifn, p, ds[ms::PDL1], ds[ms::PDL2]);
  const T h_sirpa = hill(s[ms::CD47_SIRPa], p[P::SIRPa_50_per_um2], p[P::n_SIRPa]);
  const T h_pd1 = hill(T(s[ms::PD1_PDL1] + s[ms::PD1_PDL2]), p[P::PD1_50_per_um2], p[P::n_PD1]);
  return 1.0 - (1.0 - h_sirpa) * (1.0 - h_pd1);
}

}  // namespace vct::models::nsclc
