// SPDX-License-Identifier: MIT
#include "models/qspio_nsclc/radiotherapy.hpp"

#include "core/radiotherapy.hpp"

namespace vct::models::nsclc::rt {

void apply_fraction(const Layout& lay, double dose_Gy, int lesion, const double* p, double* y) {
  const auto& idx = lay.index[static_cast<std::size_t>(lesion)];
  auto at = [&](int local) -> double& { return y[idx[static_cast<std::size_t>(local)]]; };
  const double alpha = p[rp::alpha_C_per_Gy], beta = alpha / p[rp::alpha_beta_C_Gy];
  const double killed = at(lc::C1) * (1.0 - lq_survival(dose_Gy, alpha, beta));
  const double immunogenic = p[rp::f_immunogenic] * trex1_factor(dose_Gy, p);
  at(lc::C1) -= killed;
  at(lc::D_icd) += killed * immunogenic;
  at(lc::D_non) += killed * (1.0 - immunogenic);
  const double lymph_kill = 1.0 - lq_survival(dose_Gy, p[rp::alpha_T_per_Gy], p[rp::beta_T_per_Gy2]);
  const double dead_T1 = at(lc::T_T1) * lymph_kill, dead_Th = at(lc::T_Th) * lymph_kill;
  at(lc::T_T1) -= dead_T1;
  at(lc::T1_exh) += dead_T1;
  at(lc::T_Th) -= dead_Th;
  at(lc::Th_exh) += dead_Th;
  at(lc::T_T0) *= 1.0 - lymph_kill;  // the model keeps no dead-Treg pool
  at(lc::R_RT) += dose_Gy;
  if (p[rp::blood_dose_per_fraction_Gy] > 0.0) {
    const double s = lq_survival(p[rp::blood_dose_per_fraction_Gy], p[rp::alpha_T_per_Gy], p[rp::beta_T_per_Gy2]);
    for (int i : {st::C_nT1, st::C_nT0, st::C_T1, st::C_T0, st::C_Th}) y[i] *= s;
  }
}

std::vector<StateInfo> lesion_state_info() {
  return {{"V_T.C_doomed_icd", "cell", "V_T", "lethally irradiated cancer cells, immunogenic death"},
          {"V_T.C_doomed", "cell", "V_T", "lethally irradiated cancer cells, non-immunogenic death"},
          {"V_T.DAMP", "cell/L", "V_T", "DAMP signal (immunogenic deaths per litre)"},
          {"V_T.RT_signal", "Gy", "V_T", "decaying RT dose signal (PD-L1 upregulation)"}};
}

}  // namespace vct::models::nsclc::rt
