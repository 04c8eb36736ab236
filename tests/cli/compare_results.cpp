// SPDX-License-Identifier: MIT
// vct_compare_results A.h5 B.h5: exits 0 when two trial result files hold the same candidates with
// identical statuses, baseline biomarkers, outcomes, scan responses, trajectories, sampled parameters and selection
// record (wall times and provenance excluded; agent-based window tables included); otherwise prints the first
// differences and exits 1.
#include <cmath>
#include <cstdio>

#include "app/run_scenario.hpp"
#include "io/scenario/loader.hpp"
#include "io/trial_merge.hpp"
#include "io/trial_writer.hpp"
#include "models/registry.hpp"

namespace {
bool same(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }
}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s A.h5 B.h5\n", argv[0]);
    return 2;
  }
  const auto loaded = vct::io::load_scenario_text(vct::io::read_resolved_scenario(argv[1]), argv[1]);
  const auto& model = vct::models::get_model(loaded.scenario.model);
  const vct::TrialSpec spec = vct::build_trial_spec(model, loaded.scenario, 1);
  const auto a = vct::io::read_trial_results(argv[1], spec);
  const auto b = vct::io::read_trial_results(argv[2], spec);
  int differences = 0;
  auto differ = [&](const std::string& what) {
    if (++differences <= 10) std::printf("differ: %s\n", what.c_str());
  };
  if (vct::io::read_population(argv[1], model).values != vct::io::read_population(argv[2], model).values)
    differ("sampled population");
  const auto sa = vct::io::read_selection(argv[1]);
  const auto sb = vct::io::read_selection(argv[2]);
  if (sa.has_value() != sb.has_value()) differ("selection record present in one file only");
  if (sa && sb &&
      (sa->plausible != sb->plausible || sa->result.probability != sb->result.probability ||
       sa->result.selected != sb->result.selected || sa->result.scale_factor != sb->result.scale_factor ||
       sa->result.mean_ks_sum != sb->result.mean_ks_sum || sa->result.ks_statistic != sb->result.ks_statistic ||
       sa->result.ks_p_value != sb->result.ks_p_value))
    differ("selection record (plausible candidates, probabilities, selected, scale factor or KS fit)");
  if (a.size() != b.size()) differ("candidate count " + std::to_string(a.size()) + " vs " + std::to_string(b.size()));
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    const auto& x = a[i];
    const auto& y = b[i];
    const std::string who = "candidate " + std::to_string(x.candidate);
    if (x.candidate != y.candidate) differ(who + " id");
    if (x.status != y.status || x.message != y.message) differ(who + " status");
    if (!same(x.growth_time_day, y.growth_time_day) || !same(x.baseline_diameter_cm, y.baseline_diameter_cm))
      differ(who + " baseline");
    if (!same(x.biomarkers.tps_pct, y.biomarkers.tps_pct) ||
        !same(x.biomarkers.pdl1_per_cancer_cell, y.biomarkers.pdl1_per_cancer_cell) ||
        !same(x.biomarkers.cd8_density_per_mm3, y.biomarkers.cd8_density_per_mm3) ||
        !same(x.biomarkers.clone_number, y.biomarkers.clone_number))
      differ(who + " baseline biomarkers");
    if (x.arms.size() != y.arms.size()) differ(who + " arms");
    for (std::size_t k = 0; k < std::min(x.arms.size(), y.arms.size()); ++k) {
      const auto& p = x.arms[k];
      const auto& q = y.arms[k];
      if (p.status != q.status || p.recist.best != q.recist.best || !same(p.recist.pfs_day, q.recist.pfs_day) ||
          p.recist.pfs_event != q.recist.pfs_event || p.recist.per_scan != q.recist.per_scan || p.steps != q.steps)
        differ(who + " outcome in arm " + spec.arms[k].name);
      if (p.trajectories.size() != q.trajectories.size()) differ(who + " trajectory length");
      for (std::size_t t = 0; t < std::min(p.trajectories.size(), q.trajectories.size()); ++t)
        if (!same(p.trajectories[t], q.trajectories[t])) {
          differ(who + " trajectory in arm " + spec.arms[k].name);
          break;
        }
      // the agent-based windows' tables (lesions[].abm), value by value
      bool tables_same = p.coupling_rows.size() == q.coupling_rows.size();
      for (std::size_t t = 0; tables_same && t < p.coupling_rows.size(); ++t) {
        tables_same = p.coupling_rows[t].size() == q.coupling_rows[t].size();
        for (std::size_t v = 0; tables_same && v < p.coupling_rows[t].size(); ++v)
          tables_same = same(p.coupling_rows[t][v], q.coupling_rows[t][v]);
      }
      if (!tables_same) differ(who + " agent-based window tables in arm " + spec.arms[k].name);
    }
  }
  if (differences == 0) std::printf("identical: %zu candidates, %zu arms\n", a.size(), spec.arms.size());
  return differences == 0 ? 0 : 1;
}
