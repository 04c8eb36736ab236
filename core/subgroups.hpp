// SPDX-License-Identifier: MIT
// Subgroup analyses of a virtual trial (docs/biomarkers.md): patients split by a baseline
// biomarker (SubgroupDefinition), and per level and arm the response rates and survival medians
// with CIs; per level and compared pair of arms the treatment effect (paired ORR difference, PFS
// and OS hazard ratios) with CIs, the data behind a forest plot; and per pair the test of
// interaction between arm and subgroup (Cochran's Q across levels, as meta-analyses test
// subgroup heterogeneity; Higgins & Green, Cochrane Handbook 10.11.3).
// Thread safety: re-entrant.
#pragma once

#include <string>
#include <vector>

#include "core/biomarkers.hpp"
#include "core/statistics.hpp"

namespace vct {

struct ArmOutcome;  // core/trial.hpp

/// One level of a subgroup in one arm.
struct SubgroupArmResult {
  int level = 0;
  std::size_t arm = 0;
  int n = 0;                   ///< evaluable patients of the level
  stats::Proportion orr, dcr;  ///< Clopper-Pearson
  double median_pfs_day = 0.0, median_pfs_lower_day = 0.0, median_pfs_upper_day = 0.0;  ///< Kaplan-Meier
  bool has_os = false;
  double median_os_day = 0.0, median_os_lower_day = 0.0, median_os_upper_day = 0.0;
};

/// The effect of arm `second` against arm `first` in one level (same patients in both arms).
struct SubgroupEffect {
  int level = 0;
  std::size_t first = 0, second = 0;
  int n_pairs = 0;
  /// ORR second minus first with the Wald interval of a paired difference,
  /// (b - c)/n +- 1.96 sqrt(b + c - (b - c)^2 / n) / n (Agresti 2013, 10.1.2), and its SE.
  double orr_difference = 0.0, orr_difference_lower = 0.0, orr_difference_upper = 0.0, orr_difference_se = 0.0;
  stats::HazardRatio pfs_hr;  ///< second against first (log-rank, Peto); NaN without events
  bool has_os = false;
  stats::HazardRatio os_hr;
};

/// Arm-by-subgroup interaction for one pair of arms: heterogeneity of the level effects.
struct SubgroupInteraction {
  std::size_t first = 0, second = 0;
  stats::Heterogeneity orr;  ///< of the paired ORR differences
  stats::Heterogeneity pfs;  ///< of the PFS log hazard ratios
  bool has_os = false;
  stats::Heterogeneity os;
};

struct SubgroupAnalysis {
  SubgroupDefinition definition;
  std::vector<std::string> level_labels;
  std::vector<int> level_patients;                ///< patients (evaluable in any arm) per level
  int not_classified = 0;                         ///< patients without a value of the biomarker
  std::vector<SubgroupArmResult> rows;            ///< level-major, then arm
  std::vector<SubgroupEffect> effects;            ///< level-major, then pair (the trial's comparisons)
  std::vector<SubgroupInteraction> interactions;  ///< per pair
};

/// The analyses of `definitions` over outcomes[arm][patient] (patients aligned across arms, each
/// carrying its baseline biomarkers), for the arm pairs (first, second) the trial compares.
std::vector<SubgroupAnalysis> summarise_subgroups(const std::vector<std::vector<ArmOutcome>>& outcomes,
                                                  const std::vector<SubgroupDefinition>& definitions,
                                                  const std::vector<std::pair<std::size_t, std::size_t>>& pairs);

}  // namespace vct
