// SPDX-License-Identifier: MIT
#include "core/subgroups.hpp"

#include <cmath>
#include <limits>

#include "core/trial.hpp"

namespace vct {

namespace {

/// Response rates and survival medians of one arm's patients in one level.
SubgroupArmResult arm_row(const std::vector<ArmOutcome>& arm, const std::vector<int>& level_of, int level) {
  SubgroupArmResult r;
  r.level = level;
  int responders = 0, controlled = 0;
  std::vector<double> pfs_t, os_t;
  std::vector<bool> pfs_e, os_e;
  for (std::size_t j = 0; j < arm.size(); ++j) {
    const ArmOutcome& o = arm[j];
    if (level_of[j] != level || !o.evaluable) continue;
    ++r.n;
    responders += responds(o.best);
    controlled += responds(o.best) || o.best == Response::kSD;
    pfs_t.push_back(o.pfs_day);
    pfs_e.push_back(o.pfs_event);
    if (o.has_os) {
      os_t.push_back(o.os_day);
      os_e.push_back(o.os_event);
    }
  }
  r.orr = stats::clopper_pearson(responders, r.n);
  r.dcr = stats::clopper_pearson(controlled, r.n);
  const stats::KaplanMeier pfs = stats::kaplan_meier(pfs_t, pfs_e);
  r.median_pfs_day = pfs.median;
  r.median_pfs_lower_day = pfs.median_lower;
  r.median_pfs_upper_day = pfs.median_upper;
  r.has_os = !os_t.empty();
  if (r.has_os) {
    const stats::KaplanMeier os = stats::kaplan_meier(os_t, os_e);
    r.median_os_day = os.median;
    r.median_os_lower_day = os.median_lower;
    r.median_os_upper_day = os.median_upper;
  }
  return r;
}

/// The paired effect of arm b against arm a among the level's patients evaluable in both.
SubgroupEffect level_effect(const std::vector<ArmOutcome>& a, const std::vector<ArmOutcome>& b,
                            const std::vector<int>& level_of, int level) {
  SubgroupEffect e;
  e.level = level;
  int only_b = 0, only_a = 0;
  std::vector<double> ta, tb, oa, ob;
  std::vector<bool> ea, eb, sa, sb;
  for (std::size_t j = 0; j < a.size(); ++j) {
    if (level_of[j] != level || !a[j].evaluable || !b[j].evaluable) continue;
    ++e.n_pairs;
    const bool ra = responds(a[j].best), rb = responds(b[j].best);
    only_b += rb && !ra;
    only_a += ra && !rb;
    ta.push_back(a[j].pfs_day);
    ea.push_back(a[j].pfs_event);
    tb.push_back(b[j].pfs_day);
    eb.push_back(b[j].pfs_event);
    if (a[j].has_os && b[j].has_os) {
      oa.push_back(a[j].os_day);
      sa.push_back(a[j].os_event);
      ob.push_back(b[j].os_day);
      sb.push_back(b[j].os_event);
    }
  }
  const stats::PairedDifference d = stats::paired_difference(only_b, only_a, e.n_pairs);
  e.orr_difference = d.estimate;
  e.orr_difference_se = d.se;
  e.orr_difference_lower = d.lower;
  e.orr_difference_upper = d.upper;
  e.pfs_hr = stats::peto_hazard_ratio(stats::log_rank(ta, ea, tb, eb));
  e.has_os = !oa.empty();
  e.os_hr = e.has_os ? stats::peto_hazard_ratio(stats::log_rank(oa, sa, ob, sb)) : stats::peto_hazard_ratio({});
  return e;
}

/// Cochran's Q across the levels for one pair (effects of that pair, level order).
SubgroupInteraction interaction(const std::vector<const SubgroupEffect*>& effects) {
  SubgroupInteraction in;
  std::vector<double> orr, orr_se, pfs, pfs_se, os, os_se;
  for (const SubgroupEffect* e : effects) {
    orr.push_back(e->orr_difference);
    orr_se.push_back(e->orr_difference_se);
    pfs.push_back(e->pfs_hr.log_hr);
    pfs_se.push_back(e->pfs_hr.se);
    in.has_os = in.has_os || e->has_os;
    os.push_back(e->has_os ? e->os_hr.log_hr : std::numeric_limits<double>::quiet_NaN());
    os_se.push_back(e->has_os ? e->os_hr.se : std::numeric_limits<double>::quiet_NaN());
  }
  in.orr = stats::cochran_q(orr, orr_se);
  in.pfs = stats::cochran_q(pfs, pfs_se);
  if (in.has_os) in.os = stats::cochran_q(os, os_se);
  return in;
}

SubgroupAnalysis analyse(const std::vector<std::vector<ArmOutcome>>& outcomes, const SubgroupDefinition& def,
                         const std::vector<std::pair<std::size_t, std::size_t>>& pairs) {
  SubgroupAnalysis s;
  s.definition = def;
  const int n_levels = static_cast<int>(def.cuts.size()) + 1;
  for (int l = 0; l < n_levels; ++l) s.level_labels.push_back(subgroup_level_label(def, l));
  s.level_patients.assign(static_cast<std::size_t>(n_levels), 0);
  const std::vector<ArmOutcome>& first_arm = outcomes.front();
  std::vector<int> level_of(first_arm.size(), -1);
  for (std::size_t j = 0; j < first_arm.size(); ++j) {
    level_of[j] = subgroup_level(def, first_arm[j].biomarkers[static_cast<std::size_t>(def.biomarker)]);
    bool evaluable = false;
    for (const auto& arm : outcomes) evaluable = evaluable || arm[j].evaluable;
    if (!evaluable) continue;
    if (level_of[j] < 0)
      ++s.not_classified;
    else
      ++s.level_patients[static_cast<std::size_t>(level_of[j])];
  }
  for (int l = 0; l < n_levels; ++l)
    for (std::size_t a = 0; a < outcomes.size(); ++a) {
      s.rows.push_back(arm_row(outcomes[a], level_of, l));
      s.rows.back().arm = a;
    }
  for (int l = 0; l < n_levels; ++l)
    for (const auto& [a, b] : pairs) {
      s.effects.push_back(level_effect(outcomes[a], outcomes[b], level_of, l));
      s.effects.back().first = a;
      s.effects.back().second = b;
    }
  for (std::size_t k = 0; k < pairs.size(); ++k) {
    std::vector<const SubgroupEffect*> of_pair;
    for (int l = 0; l < n_levels; ++l) of_pair.push_back(&s.effects[static_cast<std::size_t>(l) * pairs.size() + k]);
    s.interactions.push_back(interaction(of_pair));
    s.interactions.back().first = pairs[k].first;
    s.interactions.back().second = pairs[k].second;
  }
  return s;
}

}  // namespace

std::vector<SubgroupAnalysis> summarise_subgroups(const std::vector<std::vector<ArmOutcome>>& outcomes,
                                                  const std::vector<SubgroupDefinition>& definitions,
                                                  const std::vector<std::pair<std::size_t, std::size_t>>& pairs) {
  std::vector<SubgroupAnalysis> out;
  if (outcomes.empty()) return out;
  for (const auto& def : definitions) out.push_back(analyse(outcomes, def, pairs));
  return out;
}

}  // namespace vct
