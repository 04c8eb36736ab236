// SPDX-License-Identifier: MIT
// vct command line: `vct tps-fit`, the PD-L1 TPS mapping fitted to a target TPS prevalence
// (core/biomarkers.hpp, docs/biomarkers.md) on the baseline PD-L1 of trial result files: one fit
// per file (the seed-to-seed spread when the files differ by seed) and one on all files pooled.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "core/biomarkers.hpp"
#include "core/statistics.hpp"
#include "io/trial_merge.hpp"
#include "tools/cli/commands.hpp"

namespace vct::cli {

namespace {

/// Shares of the three strata under a mapping, in the order >= high, [low, high), < low.
std::array<double, 3> strata(const std::vector<double>& pdl1, const TpsMapping& m, const TpsPrevalence& t) {
  std::array<double, 3> s{};
  for (double x : pdl1) {
    const double tps = tps_pct(x, m);
    ++s[tps >= t.high_cut_pct ? 0 : (tps >= t.low_cut_pct ? 1 : 2)];
  }
  for (double& v : s) v = pdl1.empty() ? NAN : 100.0 * v / static_cast<double>(pdl1.size());
  return s;
}

void print_row(const std::string& label, const std::vector<double>& pdl1, const TpsMapping& m, const TpsPrevalence& t) {
  const auto s = strata(pdl1, m, t);
  std::printf("%-40s %7zu %14.4g %10.4f   %5.1f / %5.1f / %5.1f\n", label.c_str(), pdl1.size(), m.threshold_molecule,
              m.cell_log_sd, s[0], s[1], s[2]);
}

}  // namespace

int cmd_tps_fit(const TpsFitArgs& a) {
  TpsPrevalence target;
  target.share_at_or_above_high = a.high_pct / 100.0;
  target.share_below_low = a.low_pct / 100.0;
  std::vector<std::vector<double>> each;
  for (const auto& path : a.files) each.push_back(io::read_baseline_pdl1(path));
  std::printf(
      "PD-L1 TPS mapping fitted to %.1f %% with TPS >= 50, %.1f %% with 1-49, %.1f %% below 1 "
      "(docs/biomarkers.md)\n\n",
      a.high_pct, 100.0 - a.high_pct - a.low_pct, a.low_pct);
  std::printf("Baseline PD-L1 per cancer cell (molecules): P10 / P50 / P90, and SD of ln(PD-L1) between patients\n");
  for (std::size_t k = 0; k < a.files.size(); ++k) {
    std::vector<double> sorted = each[k];
    std::sort(sorted.begin(), sorted.end());
    std::vector<double> logs;
    for (double x : sorted) logs.push_back(std::log(x));
    std::printf("%-40s %10.4g %10.4g %10.4g   SD ln %.3f\n", a.files[k].c_str(), stats::quantile(sorted, 0.1),
                stats::quantile(sorted, 0.5), stats::quantile(sorted, 0.9), stats::spread(logs).sd);
  }
  std::printf("\n");
  std::printf("%-40s %7s %14s %10s   %s\n", "file", "n", "threshold", "cell SD", "TPS >=50 / 1-49 / <1 %");
  std::vector<double> pooled, thresholds, sds;
  for (std::size_t k = 0; k < a.files.size(); ++k) {
    const std::string& path = a.files[k];
    const std::vector<double>& pdl1 = each[k];
    const TpsMapping m = fit_tps_mapping(pdl1, target);
    print_row(path, pdl1, m, target);
    thresholds.push_back(m.threshold_molecule);
    sds.push_back(m.cell_log_sd);
    pooled.insert(pooled.end(), pdl1.begin(), pdl1.end());
  }
  const TpsMapping all = fit_tps_mapping(pooled, target);
  if (a.files.size() > 1) {
    print_row("pooled", pooled, all, target);
    const stats::Spread t = stats::spread(thresholds), s = stats::spread(sds);
    std::printf("\nSpread over the %zu files (mean +- SD): threshold %.4g +- %.2g molecules, cell SD %.4f +- %.4f\n",
                a.files.size(), t.mean, t.sd, s.mean, s.sd);
    std::printf("\nEach file under the pooled mapping (the prevalence's spread between files):\n");
    for (std::size_t k = 0; k < each.size(); ++k) print_row(a.files[k], each[k], all, target);
  }
  std::printf(
      "\nAs parameters (patient.parameters of a scenario, or the defaults in core/biomarkers.cpp):\n"
      "  tps_pdl1_threshold_molecule: %.4g\n  tps_cell_log_sd: %.4f\n",
      all.threshold_molecule, all.cell_log_sd);
  return kOk;
}

}  // namespace vct::cli
