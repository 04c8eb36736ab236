// SPDX-License-Identifier: MIT
#include "models/qspio_nsclc/radiotherapy.hpp"

#include "core/dose_map.hpp"
#include "core/geometry.hpp"
#include "core/radiotherapy.hpp"
#include "models/qspio_nsclc/equations.hpp"
#include "models/qspio_nsclc/licensing.hpp"
#include "models/qspio_nsclc/lymphodepletion.hpp"

namespace vct::models::nsclc::rt {

namespace {

/// What one fraction does to a lesion, per unit of its cells: the share of cancer cells lethally
/// hit, the immunogenic share of those, the TREX1 state it leaves, the share of T cells killed and
/// the dose signal. With a dose map these are averages over its dose-volume histogram.
struct FractionEffect {
  double cancer_kill = 0.0;
  double immunogenic = 0.0;  ///< of the killed
  double trex1 = 0.0;        ///< licensing: g_TREX1 after the fraction
  double lymph_kill = 0.0;
  double mean_dose_Gy = 0.0;
};

FractionEffect effect_at(const Layout& lay, double dose_Gy, const double* p) {
  FractionEffect e;
  const double alpha = p[rp::alpha_C_per_Gy], beta = alpha / p[rp::alpha_beta_C_Gy];
  e.cancer_kill = 1.0 - lq_survival(dose_Gy, alpha, beta);
  // With the licensing module, immunogenicity rises with the dose per fraction on both arms and TREX1
  // attenuates the IFN-I arm only (licensing.hpp); without it, TREX1 attenuates the immunogenic share.
  const double dose_factor = lay.modules.licensing ? licensing::immunogenic_dose_factor(dose_Gy, p) : 1.0;
  e.immunogenic =
      lay.modules.licensing ? p[rp::f_immunogenic] * dose_factor : p[rp::f_immunogenic] * trex1_factor(dose_Gy, p);
  if (lay.modules.licensing) e.trex1 = dose_factor * licensing::trex1_ifn_factor(dose_Gy, p);
  e.lymph_kill = 1.0 - lq_survival(dose_Gy, p[rp::alpha_T_per_Gy], p[rp::beta_T_per_Gy2]);
  e.mean_dose_Gy = dose_Gy;
  return e;
}

/// The lesion's dose-volume histogram at its current size, each bin's effect weighted by volume
/// (immunogenic share and TREX1 state by the cells each bin kills).
FractionEffect map_effect(const Layout& lay, const RadiationFraction& fraction, const double* p, const double* y) {
  const double radius_mm = 5.0 * sphere_diameter_cm(lesion_volume_of(lay, fraction.lesion, y, p));
  FractionEffect total;
  double trex1_weight = 0.0;
  for (const DoseBin& bin : dose_volume_histogram(*fraction.dose_map, radius_mm)) {
    const FractionEffect e = effect_at(lay, fraction.dose_Gy * bin.relative_dose, p);
    const double killed = bin.volume_fraction * e.cancer_kill;
    total.cancer_kill += killed;
    total.immunogenic += killed * e.immunogenic;
    total.trex1 += killed * e.trex1;
    trex1_weight += killed;
    total.lymph_kill += bin.volume_fraction * e.lymph_kill;
    total.mean_dose_Gy += bin.volume_fraction * e.mean_dose_Gy;
  }
  if (total.cancer_kill > 0.0) total.immunogenic /= total.cancer_kill;
  total.trex1 = trex1_weight > 0.0 ? total.trex1 / trex1_weight : 1.0;
  return total;
}

}  // namespace

double immunogenic_share(const Layout& lay, const RadiationFraction& fraction, const double* p, const double* y) {
  return (fraction.dose_map ? map_effect(lay, fraction, p, y) : effect_at(lay, fraction.dose_Gy, p)).immunogenic;
}

void apply_fraction(const Layout& lay, const RadiationFraction& fraction, const double* p, double* y) {
  const FractionEffect e = fraction.dose_map ? map_effect(lay, fraction, p, y) : effect_at(lay, fraction.dose_Gy, p);
  const auto& idx = lay.index[static_cast<std::size_t>(fraction.lesion)];
  auto at = [&](int local) -> double& { return y[idx[static_cast<std::size_t>(local)]]; };
  const double killed = at(lc::C1) * e.cancer_kill;
  if (lay.modules.licensing) at(lc::g_TREX1) = e.trex1;
  at(lc::C1) -= killed;
  at(lc::D_icd) += killed * e.immunogenic;
  at(lc::D_non) += killed * (1.0 - e.immunogenic);
  const double dead_T1 = at(lc::T_T1) * e.lymph_kill, dead_Th = at(lc::T_Th) * e.lymph_kill;
  at(lc::T_T1) -= dead_T1;
  at(lc::T1_exh) += dead_T1;
  at(lc::T_Th) -= dead_Th;
  at(lc::Th_exh) += dead_Th;
  at(lc::T_T0) *= 1.0 - e.lymph_kill;  // the model keeps no dead-Treg pool
  at(lc::R_RT) += e.mean_dose_Gy;
  if (p[rp::blood_dose_per_fraction_Gy] > 0.0) {
    const double s = lq_survival(p[rp::blood_dose_per_fraction_Gy], p[rp::alpha_T_per_Gy], p[rp::beta_T_per_Gy2]);
    for (int i : {st::C_nT1, st::C_nT0, st::C_T1, st::C_T0, st::C_Th}) y[i] *= s;
  }
  if (lay.modules.lymphodepletion) lymphodepletion::apply_fraction(lay, fraction, p, y);
}

std::vector<StateInfo> lesion_state_info() {
  return {{"V_T.C_doomed_icd", "cell", "V_T", "lethally irradiated cancer cells, immunogenic death"},
          {"V_T.C_doomed", "cell", "V_T", "lethally irradiated cancer cells, non-immunogenic death"},
          {"V_T.DAMP", "cell/L", "V_T", "DAMP signal (immunogenic deaths per litre)"},
          {"V_T.RT_signal", "Gy", "V_T", "decaying RT dose signal (PD-L1 upregulation)"}};
}

StateInfo module_state_info(int local) {
  switch (local) {
    case lc::IFN_I:
      return {"V_T.IFN_I", "1/day", "V_T", "type-I IFN (cGAS-STING) activity after radiation deaths (licensing)"};
    case lc::g_TREX1:
      return {"V_T.TREX1_factor", "1", "V_T", "IFN-I arm left by TREX1 after the lesion's latest fraction (licensing)"};
    case lc::T_T2:
      return {"V_T.T2", "cell", "V_T", "effector CD8 of the subdominant clone family (epitope spreading)"};
    case lc::TR_CTLA4:
      return {"V_T.Treg_CTLA4", "molecule", "V_T", "free CTLA-4 per tumour Treg (Treg ADCC)"};
    case lc::TR_CTLA4_aCTLA4:
      return {"V_T.Treg_CTLA4_aCTLA4", "molecule", "V_T",
              "CTLA-4 per tumour Treg bound by one antibody arm (Treg ADCC)"};
    case lc::TR_CTLA4_aCTLA4_CTLA4:
      return {"V_T.Treg_CTLA4_aCTLA4_CTLA4", "molecule", "V_T",
              "antibodies bridging two CTLA-4 per tumour Treg (Treg ADCC)"};
    default:
      return {"?", "?", "?", "?"};
  }
}

std::vector<StateInfo> systemic_state_info(const ModuleSet& modules) {
  std::vector<StateInfo> rows;
  if (modules.epitope_spreading)
    rows = {{"V_C.nT2", "cell", "V_C", "naive subdominant-family CD8 per clone, blood (epitope spreading)"},
            {"V_P.nT2", "cell", "V_P", "naive subdominant-family CD8 per clone, periphery (epitope spreading)"},
            {"V_LN.nT2", "cell", "V_LN", "naive subdominant-family CD8 per clone, LN (epitope spreading)"},
            {"V_LN.aT2", "cell", "V_LN", "activated T2 (epitope spreading)"},
            {"V_LN.T2", "cell", "V_LN", "effector T2, LN (epitope spreading)"},
            {"V_C.T2", "cell", "V_C", "effector T2, blood (epitope spreading)"},
            {"V_P.T2", "cell", "V_P", "effector T2, periphery (epitope spreading)"}};
  if (modules.treg_adcc) {
    rows.push_back({"V_P.Treg_CTLA4", "molecule", "V_P", "free CTLA-4 per peripheral Treg (Treg ADCC)"});
    rows.push_back({"V_P.Treg_CTLA4_aCTLA4", "molecule", "V_P",
                    "CTLA-4 per peripheral Treg bound by one antibody arm (Treg ADCC)"});
    rows.push_back({"V_P.Treg_CTLA4_aCTLA4_CTLA4", "molecule", "V_P",
                    "antibodies bridging two CTLA-4 per peripheral Treg (Treg ADCC)"});
  }
  if (modules.il7_recovery) {
    rows.push_back({"V_P.N0_IL7", "cell", "V_P",
                    "IL-7 set point: naive T cells at the treatment start (constant; IL-7 recovery)"});
    rows.push_back({"V_P.IL7", "1", "V_P", "IL-7 relative to its level at the treatment start (IL-7 recovery)"});
  }
  return rows;
}

}  // namespace vct::models::nsclc::rt
