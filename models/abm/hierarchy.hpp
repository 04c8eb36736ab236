// SPDX-License-Identifier: MIT
// The cancer-cell hierarchy of the window (stem -> progenitor generations -> senescent; SPQ rules,
// spatial-abm.md §1.3) as per-slice probabilities, and its stationary composition.
//
// Per slice of length dt (days), each cell present at the start of the slice does at most one of:
//   stem:        divides with p_s = (e^(k_C dt) - 1) / (1 - a); asymmetric (a): stem + progenitor
//                generation 1, else two stems. The mean stem pool then grows by exactly
//                1 + p_s (1 - a) = e^(k_C dt) per slice: the QSP lesion's growth rate k_C.
//                (SPQ uses jittered fixed division clocks of mean T = ln 2 (1 - a)/k_C, whose stem
//                pool grows at about ln(2 - a)/T = 1.41 k_C for a = 0.95; memoryless divisions
//                give k_C exactly.)
//   progenitor g: divides with p_p = 1 - e^(-r_p dt) into two cells of generation g + 1, or two
//                senescent cells after the last generation;
//   senescent:   dies with p_d = 1 - e^(-mu dt).
// A division needs a free Moore neighbour (contact inhibition); daughters act from the next slice.
// Without crowding the mean counts obey
//   S' = S (1 + p_s (1 - a)),  P_1' = P_1 (1 - p_p) + a p_s S,  P_g' = P_g (1 - p_p) + 2 p_p P_(g-1),
//   Sen' = Sen (1 - p_d) + 2 p_p P_G,
// whose composition at the growth factor lambda = e^(k_C dt) is
//   P_1 = a p_s S / (lambda - 1 + p_p),  P_g = 2 p_p P_(g-1) / (lambda - 1 + p_p),
//   Sen = 2 p_p P_G / (lambda - 1 + p_d).
#pragma once

#include <cmath>
#include <stdexcept>
#include <vector>

#include "models/abm/parameters.hpp"

namespace vct::models::abm {

struct HierarchyRates {
  double p_stem_division = 0.0;
  double asymmetric = 0.0;
  double p_progenitor_division = 0.0;
  int generations = 9;
  double p_senescent_death = 0.0;
  double p_doomed_clearance = 0.0;
  double growth_factor = 1.0;  ///< lambda = e^(k_C dt)
};

inline HierarchyRates hierarchy_rates(const Parameters& p) {
  const double dt = p.slice_days();
  HierarchyRates r;
  r.asymmetric = p[P::asymmetric_division];
  r.growth_factor = std::exp(p[P::k_C_growth_per_day] * dt);
  r.p_stem_division = (r.growth_factor - 1.0) / (1.0 - r.asymmetric);
  if (r.p_stem_division > 1.0)
    throw std::invalid_argument(
        "abm: k_C_growth_per_day too large for asymmetric_division and slice_h (stem division probability above 1)");
  r.p_progenitor_division = -std::expm1(-p[P::k_progenitor_division_per_day] * dt);
  r.generations = static_cast<int>(std::lround(p[P::progenitor_divisions]));
  r.p_senescent_death = -std::expm1(-p[P::k_senescent_death_per_day] * dt);
  r.p_doomed_clearance = -std::expm1(-p[P::k_doomed_death_per_day] * dt);
  return r;
}

/// Stationary fractions: [stem, progenitor generation 1..G, senescent], summing to 1.
inline std::vector<double> stationary_composition(const HierarchyRates& r) {
  std::vector<double> f(static_cast<std::size_t>(r.generations) + 2);
  const double lam = r.growth_factor;
  f[0] = 1.0;
  f[1] = r.asymmetric * r.p_stem_division / (lam - 1.0 + r.p_progenitor_division);
  for (int g = 2; g <= r.generations; ++g)
    f[static_cast<std::size_t>(g)] =
        2.0 * r.p_progenitor_division * f[static_cast<std::size_t>(g) - 1] / (lam - 1.0 + r.p_progenitor_division);
  f.back() =
      2.0 * r.p_progenitor_division * f[static_cast<std::size_t>(r.generations)] / (lam - 1.0 + r.p_senescent_death);
  double total = 0.0;
  for (double v : f) total += v;
  for (double& v : f) v /= total;
  return f;
}

}  // namespace vct::models::abm
