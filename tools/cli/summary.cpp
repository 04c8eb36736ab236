// SPDX-License-Identifier: MIT
// vct command line: printed summaries (summary.hpp).
#include "tools/cli/summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "io/rt_report.hpp"

namespace vct::cli {
namespace {

std::string percent(const stats::Proportion& p) {
  if (p.n == 0) return "-";
  char text[64];
  std::snprintf(text, sizeof text, "%5.1f (%4.1f-%4.1f)", 100.0 * p.estimate, 100.0 * p.lower, 100.0 * p.upper);
  return text;
}

std::string days(double median, double lower, double upper) {
  auto one = [](double v) {
    return std::isnan(v) ? std::string("NR") : std::to_string(static_cast<long>(std::lround(v)));
  };
  return one(median) + " (" + one(lower) + "-" + one(upper) + ")";
}

std::string landmark(const stats::SurvivalAt& x) {
  if (std::isnan(x.estimate)) return std::string("beyond follow-up");
  char text[64];
  std::snprintf(text, sizeof text, "%5.1f (%4.1f-%4.1f)", 100.0 * x.estimate, 100.0 * x.lower, 100.0 * x.upper);
  return std::string(text);
}

/// Time to response, duration of response and PFS landmarks per arm.
void print_timing(const TrialSummary& s) {
  std::printf("\n%-18s %-9s %-22s %-19s %-19s\n", "timing", "TTR, d", "median DoR, d (95% CI)", "PFS 6 mo % (95% CI)",
              "PFS 12 mo % (95% CI)");
  for (const auto& a : s.arms) {
    const auto& dor = a.duration_of_response;
    std::printf("%-18s %-9s %-22s %-19s %-19s\n", a.name.c_str(),
                std::isnan(a.median_time_to_response_day)
                    ? "-"
                    : std::to_string(static_cast<long>(std::lround(a.median_time_to_response_day))).c_str(),
                dor.time.empty() && std::isnan(dor.last_time)
                    ? "-"
                    : days(dor.median, dor.median_lower, dor.median_upper).c_str(),
                landmark(a.pfs_6_months).c_str(), landmark(a.pfs_12_months).c_str());
  }
}

/// New lesions, deaths and overall survival per arm (progression modules; nothing when off).
void print_progression(const TrialSummary& s) {
  bool any = false;
  for (const auto& a : s.arms) any = any || a.has_os || a.pd_new_lesion > 0 || a.pd_non_target > 0 || a.pfs_deaths > 0;
  if (!any) return;
  std::printf("\n%-18s %-28s %-9s %-22s %-19s %-19s %-19s\n", "progression", "PD / new lesion / non-target", "death",
              "median OS, d (95% CI)", "OS 6 mo %", "OS 12 mo %", "OS 24 mo %");
  for (const auto& a : s.arms) {
    auto share = [&](int k) { return a.progressed > 0 ? static_cast<int>(std::lround(100.0 * k / a.progressed)) : 0; };
    char pd[64];
    std::snprintf(pd, sizeof pd, "%d / %d (%d%%) / %d (%d%%)", a.progressed, a.pd_new_lesion, share(a.pd_new_lesion),
                  a.pd_non_target, share(a.pd_non_target));
    std::printf("%-18s %-28s %-9d %-22s %-19s %-19s %-19s\n", a.name.c_str(), pd, a.pfs_deaths,
                a.has_os ? days(a.os.median, a.os.median_lower, a.os.median_upper).c_str() : "-",
                a.has_os ? landmark(a.os_6_months).c_str() : "-", a.has_os ? landmark(a.os_12_months).c_str() : "-",
                a.has_os ? landmark(a.os_24_months).c_str() : "-");
  }
}

/// Patients whose dosing an arm's stopping rule stopped (nothing when no arm stopped anyone).
void print_stopping(const TrialSummary& s) {
  bool any = false;
  for (const auto& a : s.arms) any = any || a.ici_stopped > 0 || a.earliest_stop_analysed > 0;
  if (!any) return;
  auto day = [](double d) {
    return std::isnan(d) ? std::string("-") : std::isinf(d) ? std::string("none") : std::to_string(std::lround(d));
  };
  std::printf("\n%-18s %-12s %-16s %-21s %-20s %-16s\n", "stopping rule", "stopped", "median stop day",
              "PFS event after stop", "earliest stop found", "median earliest");
  for (const auto& a : s.arms) {
    char stopped[32], after[32], found[32];
    std::snprintf(stopped, sizeof stopped, "%d of %d", a.ici_stopped, a.n);
    std::snprintf(after, sizeof after, "%d", a.progressed_after_stop);
    std::snprintf(found, sizeof found, "%d of %d kept", a.earliest_stop_found, a.earliest_stop_analysed);
    std::printf("%-18s %-12s %-16s %-21s %-20s %-16s\n", a.name.c_str(), stopped, day(a.median_ici_stop_day).c_str(),
                a.ici_stopped > 0 ? after : "-", a.earliest_stop_analysed > 0 ? found : "-",
                day(a.median_earliest_stop_day).c_str());
  }
}

/// First-scan change and bi-exponential rates per arm.
void print_kinetics(const TrialSummary& s) {
  std::printf("\n%-18s %-37s %-9s %-9s %-27s %-12s %-6s\n", "tumour kinetics",
              "first-scan change % P10/P25/P50/P75/P90", ">=+20 %", "<=-30 %", "regrowth g /day P10/P50/P90",
              "TGR0 %/mo", "HPD %");
  for (const auto& a : s.arms) {
    const auto& k = a.kinetics;
    if (k.n_first_scan == 0) continue;
    char change[64], rates[64] = "-";
    std::snprintf(change, sizeof change, "%+.0f/%+.0f/%+.0f/%+.0f/%+.0f", k.first_scan_change_pct[0],
                  k.first_scan_change_pct[1], k.first_scan_change_pct[2], k.first_scan_change_pct[3],
                  k.first_scan_change_pct[4]);
    if (k.n_fitted > 0)
      std::snprintf(rates, sizeof rates, "%.2g/%.2g/%.2g", k.g_per_day[0], k.g_per_day[1], k.g_per_day[2]);
    std::printf("%-18s %-37s %-9.1f %-9.1f %-27s %-12.1f %-6.1f\n", a.name.c_str(), change,
                100.0 * k.first_scan_grow_20, 100.0 * k.first_scan_shrink_30, rates, k.tgr_pre_pct_per_month[1],
                100.0 * k.hyperprogression);
  }
}

/// One subgroup analysis's effects of one compared pair per level, and its interaction test.
void print_subgroup_effects(const TrialSummary& s, const SubgroupAnalysis& g, std::size_t k) {
  const SubgroupInteraction& in = g.interactions[k];
  std::printf("  %s vs %s by level:", s.arms[in.second].name.c_str(), s.arms[in.first].name.c_str());
  for (std::size_t l = 0; l < g.level_labels.size(); ++l) {
    const SubgroupEffect& e = g.effects[l * g.interactions.size() + k];
    if (e.n_pairs == 0) continue;
    std::printf("\n    %-14s ORR %+5.1f points (%+.1f to %+.1f); PFS HR %.2f (%.2f-%.2f)", g.level_labels[l].c_str(),
                100.0 * e.orr_difference, 100.0 * e.orr_difference_lower, 100.0 * e.orr_difference_upper,
                e.pfs_hr.estimate, e.pfs_hr.lower, e.pfs_hr.upper);
    if (e.has_os) std::printf("; OS HR %.2f (%.2f-%.2f)", e.os_hr.estimate, e.os_hr.lower, e.os_hr.upper);
  }
  auto p = [](const stats::Heterogeneity& h) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", h.p_value);
    return std::isnan(h.p_value) ? std::string("n/a") : std::string(text);
  };
  std::printf("\n    interaction (Cochran Q): ORR p = %s, PFS p = %s", p(in.orr).c_str(), p(in.pfs).c_str());
  if (in.has_os) std::printf(", OS p = %s", p(in.os).c_str());
  std::printf("%s\n", std::isnan(in.orr.p_value) || std::isnan(in.pfs.p_value)
                          ? " (n/a: fewer than two levels with an estimate, e.g. no discordant pair)"
                          : "");
}

/// Subgroup analyses (docs/biomarkers.md): per level and arm, then the effects of each comparison.
void print_subgroups(const TrialSummary& s) {
  for (const auto& g : s.subgroups) {
    std::printf("\nsubgroups by %s (%s):", g.definition.name.c_str(), unit_of(g.definition.biomarker));
    for (std::size_t l = 0; l < g.level_labels.size(); ++l)
      std::printf(" %s %d%s", g.level_labels[l].c_str(), g.level_patients[l], l + 1 < g.level_labels.size() ? "," : "");
    if (g.not_classified > 0) std::printf(" (%d without a value)", g.not_classified);
    const bool os = std::any_of(g.rows.begin(), g.rows.end(), [](const SubgroupArmResult& r) { return r.has_os; });
    std::printf("\n  %-14s %-18s %5s  %-19s %-19s %-22s%s\n", "level", "arm", "N", "ORR % (95% CI)", "DCR % (95% CI)",
                "median PFS, d (95% CI)", os ? " median OS, d (95% CI)" : "");
    for (const auto& r : g.rows) {
      std::printf("  %-14s %-18s %5d  %-19s %-19s %-22s", g.level_labels[static_cast<std::size_t>(r.level)].c_str(),
                  s.arms[r.arm].name.c_str(), r.n, percent(r.orr).c_str(), percent(r.dcr).c_str(),
                  r.n ? days(r.median_pfs_day, r.median_pfs_lower_day, r.median_pfs_upper_day).c_str() : "-");
      if (r.has_os) std::printf(" %s", days(r.median_os_day, r.median_os_lower_day, r.median_os_upper_day).c_str());
      std::printf("\n");
    }
    for (std::size_t k = 0; k < g.interactions.size(); ++k) print_subgroup_effects(s, g, k);
  }
}

}  // namespace

void print_summary(const ModelDefinition& model, const Scenario& s, const PatientRun& run, const std::string& output) {
  std::printf("Model      %s (%s)\n", model.title().c_str(), model.id().c_str());
  std::string regimen;
  for (const auto& r : s.treatment) {
    char line[256];
    if (r.dose_mg > 0)
      std::snprintf(line, sizeof line, "%s %g mg", r.drug.c_str(), r.dose_mg);
    else
      std::snprintf(line, sizeof line, "%s %g mg/kg", r.drug.c_str(), r.dose_mg_per_kg);
    regimen += (regimen.empty() ? "" : " + ") + std::string(line);
    if (r.interval_day > 0) {
      char every[64];
      std::snprintf(every, sizeof every, " every %g days", r.interval_day);
      regimen += every;
    }
  }
  std::printf("Treatment  %s\n", regimen.empty() ? "none" : regimen.c_str());
  if (!s.radiotherapy.empty())
    std::printf(
        "RT         %s\n",
        io::describe_radiotherapy(
            io::report_courses(s.radiotherapy, io::nominal_alpha_beta_Gy(model, s.parameter_overrides), s.lesion_names))
            .c_str());
  std::printf("Status     %s%s%s\n", to_string(run.status), run.message.empty() ? "" : ": ", run.message.c_str());
  if (run.initialisation.growth_time_day > 0)
    std::printf("Pre-treatment growth from one cancer cell: %.0f days\n", run.initialisation.growth_time_day);
  const auto& traj = run.trajectory;
  if (!traj.time_day.empty()) {
    const int d = model.resolved().diameter_output;
    const int c = model.resolved().cancer_cells_output;
    const std::size_t no = static_cast<std::size_t>(traj.n_outputs);
    const double base = traj.outputs[static_cast<std::size_t>(d)];
    // Multi-lesion models: one diameter column per lesion after the RECIST sum.
    std::vector<int> lesion_columns;
    if (model.n_lesions() > 1) lesion_columns = model.resolved().lesion_diameter_outputs;
    std::printf("\n%8s %14s %10s %14s", "day", lesion_columns.empty() ? "diameter_cm" : "sum_diam_cm", "change_%",
                lesion_columns.empty() ? "cancer_cells" : "cells_lesion1");
    for (std::size_t l = 0; l < lesion_columns.size(); ++l)
      std::printf(" %14s", (s.lesion_names[l].substr(0, 10) + "_cm").c_str());
    std::printf("\n");
    const double scan_interval = 56.0;  // QSP-IO read-out: every 8 weeks
    double next_scan = 0.0;
    double best = 0.0;
    for (std::size_t k = 0; k < traj.time_day.size(); ++k) {
      const double t = traj.time_day[k];
      const double dia = traj.outputs[k * no + static_cast<std::size_t>(d)];
      const double change = 100.0 * (dia - base) / base;
      best = std::min(best, change);
      if (t + 1e-9 >= next_scan || k + 1 == traj.time_day.size()) {
        std::printf("%8.0f %14.3f %+10.1f %14.4g", t, dia, change, traj.outputs[k * no + static_cast<std::size_t>(c)]);
        for (int col : lesion_columns) std::printf(" %14.3f", traj.outputs[k * no + static_cast<std::size_t>(col)]);
        std::printf("\n");
        while (next_scan <= t + 1e-9) next_scan += scan_interval;
      }
    }
    std::printf("\nBest change in diameter: %+.1f %% (QSP-IO read-out: PR at <= -30 %%)\n", best);
  }
  std::printf("Solver     %s/%s: %ld steps (treatment), %ld steps (initialisation); wall %.3f s + %.3f s\n",
              s.solver.method.c_str(), s.solver.linear_solver.c_str(), run.stats.steps, run.initialisation.stats.steps,
              run.wall_seconds_initialisation, run.wall_seconds_treatment);
  if (!output.empty()) std::printf("Output     %s\n", output.c_str());
}

void print_trial_summary(const TrialSummary& s, const std::string& output) {
  std::printf("\nVirtual trial: %zu candidates, %zu patients", s.n_candidates, s.n_patients);
  std::printf(" (%zu did not reach their baseline diameter", s.n_not_a_patient);
  if (s.n_plausible > s.n_patients) std::printf(", %zu not selected", s.n_plausible - s.n_patients);
  std::printf(", %zu initialisation failures)%s\n", s.n_initialisation_failures, s.completed ? "" : " -- INTERRUPTED");
  if (s.n_plausible > s.n_patients && !s.selection.probability.empty())
    std::printf(
        "Selection: probability of inclusion, scale factor %.3g; KS p-values vs observed data: "
        "M1/M2 %.2f, Treg/CD8 %.2f, CD8/CD4 %.2f\n",
        s.selection.scale_factor, s.selection.ks_p_value[0], s.selection.ks_p_value[1], s.selection.ks_p_value[2]);
  std::printf("\n%-18s %5s %4s %4s %4s %4s  %-19s %-19s %-22s\n", "arm", "N", "CR", "PR", "SD", "PD", "ORR % (95% CI)",
              "DCR % (95% CI)", "median PFS, d (95% CI)");
  for (const auto& a : s.arms) {
    std::printf("%-18s %5d %4d %4d %4d %4d  %-19s %-19s %-22s", a.name.c_str(), a.n, a.counts[0], a.counts[1],
                a.counts[2], a.counts[3], percent(a.orr).c_str(), percent(a.dcr).c_str(),
                days(a.pfs.median, a.pfs.median_lower, a.pfs.median_upper).c_str());
    if (a.solver_failures) std::printf("  (%d stopped by the solver, assessed on earlier scans)", a.solver_failures);
    std::printf("\n");
  }
  bool sites = false;
  for (const auto& a : s.arms) sites = sites || a.in_field.n > 0 || a.out_of_field.n > 0;
  if (sites) {
    std::printf("\nBy site (sum of diameters of the lesions irradiated in the arm, and of the others):\n");
    std::printf("%-18s %5s %-19s %5s %-19s %-19s\n", "arm", "N", "in-field ORR %", "N", "out-of-field ORR %",
                "out-of-field DCR %");
    for (const auto& a : s.arms)
      std::printf("%-18s %5d %-19s %5d %-19s %-19s\n", a.name.c_str(), a.in_field.n, percent(a.in_field.orr).c_str(),
                  a.out_of_field.n, percent(a.out_of_field.orr).c_str(), percent(a.out_of_field.dcr).c_str());
  }
  print_timing(s);
  print_progression(s);
  print_stopping(s);
  print_kinetics(s);
  print_subgroups(s);
  const bool adjusted = s.comparison_plan.holm && s.comparisons.size() > 1;
  if (s.comparisons.size() > 1) {
    const std::size_t control = static_cast<std::size_t>(s.comparison_plan.control);
    std::printf("\nComparisons: %s%s",
                s.comparison_plan.all_pairs ? "every pair of arms"
                                            : ("control " + s.arms[control].name + " against each other arm").c_str(),
                adjusted ? "; [Holm] p-values adjusted over the comparisons, per test (scenario key comparisons)\n"
                         : "; p-values not adjusted for multiplicity\n");
  }
  for (const auto& c : s.comparisons) {
    std::printf(
        "\n%s vs %s (%d paired patients): ORR difference %+.1f points, McNemar p = %.3g (paired), "
        "Fisher p = %.3g; PFS log-rank p = %.3g",
        c.second.c_str(), c.first.c_str(), c.n_pairs, 100.0 * c.orr_difference, c.mcnemar_p, c.fisher_p,
        c.pfs_log_rank.p_value);
    if (c.has_os) std::printf("; OS log-rank p = %.3g", c.os_log_rank.p_value);
    if (adjusted) {
      std::printf("\n    [Holm] McNemar p = %.3g, Fisher p = %.3g, PFS log-rank p = %.3g", c.mcnemar_p_adjusted,
                  c.fisher_p_adjusted, c.pfs_log_rank_p_adjusted);
      if (c.has_os) std::printf(", OS log-rank p = %.3g", c.os_log_rank_p_adjusted);
    }
    std::printf("\n");
  }
  std::printf("\nRECIST 1.1 on the tumour diameter (scans every 8 weeks by default; docs/recist.md). %.1f s.\n",
              s.wall_seconds);
  std::printf("Output     %s\n", output.c_str());
}

}  // namespace vct::cli
