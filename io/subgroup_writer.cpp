// SPDX-License-Identifier: MIT
#include "io/subgroup_writer.hpp"

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "io/hdf5_util.hpp"

namespace vct::io {

namespace {

using namespace h5;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Text columns shared by the three tables: analysis name, biomarker and its unit.
struct Labels {
  std::vector<std::string> subgroup, biomarker, unit;
  void add(const SubgroupAnalysis& a) {
    subgroup.push_back(a.definition.name);
    biomarker.push_back(to_string(a.definition.biomarker));
    unit.push_back(unit_of(a.definition.biomarker));
  }
  std::vector<Column> columns() const {
    return {text_column("subgroup", subgroup), text_column("biomarker", biomarker), text_column("unit", unit)};
  }
};

/// The level's bounds [lower, upper) in the biomarker's unit (-inf / +inf at the ends).
std::pair<double, double> level_bounds(const SubgroupDefinition& d, int level) {
  const auto k = static_cast<std::size_t>(level);
  const double inf = std::numeric_limits<double>::infinity();
  return {k == 0 ? -inf : d.cuts[k - 1], k == d.cuts.size() ? inf : d.cuts[k]};
}

void write_rows(hid_t group, const TrialSummary& s) {
  Labels labels;
  std::vector<std::string> level_label, arm;
  std::map<std::string, std::vector<double>> c;
  for (const auto& a : s.subgroups)
    for (const auto& r : a.rows) {
      labels.add(a);
      level_label.push_back(a.level_labels[static_cast<std::size_t>(r.level)]);
      arm.push_back(r.arm < s.arms.size() ? s.arms[r.arm].name : std::string("?"));
      const auto [lo, hi] = level_bounds(a.definition, r.level);
      c["level"].push_back(r.level);
      c["lower_bound"].push_back(lo);
      c["upper_bound"].push_back(hi);
      c["n"].push_back(r.n);
      c["responders"].push_back(r.orr.successes);
      c["orr"].push_back(r.orr.estimate);
      c["orr_lower"].push_back(r.orr.lower);
      c["orr_upper"].push_back(r.orr.upper);
      c["dcr"].push_back(r.dcr.estimate);
      c["dcr_lower"].push_back(r.dcr.lower);
      c["dcr_upper"].push_back(r.dcr.upper);
      c["median_pfs_day"].push_back(r.median_pfs_day);
      c["median_pfs_lower_day"].push_back(r.median_pfs_lower_day);
      c["median_pfs_upper_day"].push_back(r.median_pfs_upper_day);
      c["median_os_day"].push_back(r.has_os ? r.median_os_day : kNaN);
      c["median_os_lower_day"].push_back(r.has_os ? r.median_os_lower_day : kNaN);
      c["median_os_upper_day"].push_back(r.has_os ? r.median_os_upper_day : kNaN);
    }
  std::vector<Column> cols = labels.columns();
  cols.push_back(text_column("level_label", level_label));
  cols.push_back(text_column("arm", arm));
  for (const char* k : {"level", "lower_bound", "upper_bound", "n", "responders", "orr", "orr_lower", "orr_upper",
                        "dcr", "dcr_lower", "dcr_upper", "median_pfs_day", "median_pfs_lower_day",
                        "median_pfs_upper_day", "median_os_day", "median_os_lower_day", "median_os_upper_day"})
    cols.push_back(number_column(k, c[k]));
  compound_table(group, "subgroups", cols, arm.size());
}

void write_effects(hid_t group, const TrialSummary& s) {
  Labels labels;
  std::vector<std::string> level_label, first, second;
  std::map<std::string, std::vector<double>> c;
  auto name = [&](std::size_t a) { return a < s.arms.size() ? s.arms[a].name : std::string("?"); };
  for (const auto& a : s.subgroups)
    for (const auto& e : a.effects) {
      labels.add(a);
      level_label.push_back(a.level_labels[static_cast<std::size_t>(e.level)]);
      first.push_back(name(e.first));
      second.push_back(name(e.second));
      c["level"].push_back(e.level);
      c["n_pairs"].push_back(e.n_pairs);
      c["orr_difference"].push_back(e.orr_difference);
      c["orr_difference_lower"].push_back(e.orr_difference_lower);
      c["orr_difference_upper"].push_back(e.orr_difference_upper);
      c["pfs_hr"].push_back(e.pfs_hr.estimate);
      c["pfs_hr_lower"].push_back(e.pfs_hr.lower);
      c["pfs_hr_upper"].push_back(e.pfs_hr.upper);
      c["os_hr"].push_back(e.has_os ? e.os_hr.estimate : kNaN);
      c["os_hr_lower"].push_back(e.has_os ? e.os_hr.lower : kNaN);
      c["os_hr_upper"].push_back(e.has_os ? e.os_hr.upper : kNaN);
    }
  std::vector<Column> cols = labels.columns();
  cols.push_back(text_column("level_label", level_label));
  cols.push_back(text_column("first", first));
  cols.push_back(text_column("second", second));
  for (const char* k : {"level", "n_pairs", "orr_difference", "orr_difference_lower", "orr_difference_upper", "pfs_hr",
                        "pfs_hr_lower", "pfs_hr_upper", "os_hr", "os_hr_lower", "os_hr_upper"})
    cols.push_back(number_column(k, c[k]));
  compound_table(group, "subgroup_effects", cols, first.size());
}

void write_interactions(hid_t group, const TrialSummary& s) {
  Labels labels;
  std::vector<std::string> first, second;
  std::map<std::string, std::vector<double>> c;
  auto name = [&](std::size_t a) { return a < s.arms.size() ? s.arms[a].name : std::string("?"); };
  auto put = [&](const std::string& k, const stats::Heterogeneity& h, bool present) {
    c[k + "_q"].push_back(present ? h.q : kNaN);
    c[k + "_df"].push_back(present ? h.df : kNaN);
    c[k + "_p"].push_back(present ? h.p_value : kNaN);
  };
  for (const auto& a : s.subgroups)
    for (const auto& in : a.interactions) {
      labels.add(a);
      first.push_back(name(in.first));
      second.push_back(name(in.second));
      put("orr", in.orr, true);
      put("pfs", in.pfs, true);
      put("os", in.os, in.has_os);
    }
  std::vector<Column> cols = labels.columns();
  cols.push_back(text_column("first", first));
  cols.push_back(text_column("second", second));
  for (const char* k : {"orr_q", "orr_df", "orr_p", "pfs_q", "pfs_df", "pfs_p", "os_q", "os_df", "os_p"})
    cols.push_back(number_column(k, c[k]));
  compound_table(group, "subgroup_interactions", cols, first.size());
}

}  // namespace

void write_subgroup_tables(hid_t summary_group, const TrialSummary& s) {
  if (s.subgroups.empty()) return;
  write_rows(summary_group, s);
  write_effects(summary_group, s);
  write_interactions(summary_group, s);
}

}  // namespace vct::io
