// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <cstdint>
#include <vector>

namespace vct {

using Point3 = std::array<double, 3>;

/// Result of selecting virtual patients against observed data (QSP-IO probability of inclusion,
/// Allen et al. 2016; dossier §7.4).
struct SelectionResult {
  std::vector<double> probability;  ///< p_i = D_obs(x_i) / D_plausible(x_i)
  std::vector<bool> selected;
  double scale_factor = 1.0;
  double mean_ks_sum = 0.0;              ///< objective at the chosen scale factor
  std::array<double, 3> ks_statistic{};  ///< selected cohort vs observed, per dimension
  std::array<double, 3> ks_p_value{};
};

/// Density of the observed points at each plausible patient (10 nearest observed neighbours,
/// normalised as QSP-IO does) over the density of plausible patients at itself (5 nearest,
/// self included) gives p_i. The scale factor sf in [1, 1/max p] minimises the mean over 100
/// draws of the summed two-sample Kolmogorov-Smirnov statistics, where a draw keeps patient i
/// when u_i < sf p_i. The draws use common random numbers from (seed, patient) streams, so the
/// objective is deterministic; it is minimised by a grid over log10(sf) refined by golden-section
/// search (QSP-IO uses simulated annealing on the same objective). The cohort is one further draw.
SelectionResult select_by_probability_of_inclusion(const std::vector<Point3>& plausible,
                                                   const std::vector<Point3>& observed, std::uint64_t seed);

/// Two-sample Kolmogorov-Smirnov statistic and its asymptotic p-value.
std::array<double, 2> ks_two_sample(std::vector<double> a, std::vector<double> b);

}  // namespace vct
