// SPDX-License-Identifier: MIT
#include "models/qspio_nsclc/lymphodepletion.hpp"

#include <cmath>

namespace vct::models::nsclc::lymphodepletion {

void apply_fraction(const Layout& lay, const RadiationFraction& fraction, const double* p, double* y) {
  const bool t2 = lay.modules.epitope_spreading;
  if (fraction.circulating_dose_Gy > 0.0) {
    const double s = std::exp(-p[mp::alpha_L_per_Gy] * fraction.circulating_dose_Gy);
    for (int i :
         {st::C_nT1, st::C_nT0, st::C_T1, st::C_T0, st::C_Th, st::P_nT1, st::P_nT0, st::P_T1, st::P_T0, st::P_Th})
      y[i] *= s;
    if (t2)
      for (int k : {sy::C_nT2, sy::P_nT2, sy::C_T2, sy::P_T2}) y[lay.sys[static_cast<std::size_t>(k)]] *= s;
  }
  if (fraction.lymph_node_dose_Gy > 0.0) {
    const double d = fraction.lymph_node_dose_Gy;
    const double s = std::exp(-p[rp::alpha_T_per_Gy] * d - p[rp::beta_T_per_Gy2] * d * d);
    for (int i : {st::LN_nT1, st::LN_nT0, st::aT1, st::aT0, st::aTh, st::LN_T1, st::LN_T0, st::LN_Th}) y[i] *= s;
    if (t2)
      for (int k : {sy::LN_nT2, sy::aT2, sy::LN_T2}) y[lay.sys[static_cast<std::size_t>(k)]] *= s;
  }
}

double blood_lymphocytes_per_L(const Layout& lay, const double* y, const double* p) {
  double cells =
      y[st::C_nT1] * p[par::div_T1] + y[st::C_nT0] * p[par::div_T0] + y[st::C_T1] + y[st::C_T0] + y[st::C_Th];
  if (lay.modules.epitope_spreading) cells += y[lay.sys[sy::C_T2]];  // naive T2 are among the CD8 repertoire
  return cells / p[par::V_C_L];
}

}  // namespace vct::models::nsclc::lymphodepletion
