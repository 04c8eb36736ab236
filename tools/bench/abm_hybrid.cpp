// SPDX-License-Identifier: MIT
// vct_abm_hybrid [--days N] [--rt none|uniform|partial] [--no-nivolumab] [--size N] [--share S]
//                [--margin] [--settle DAYS] [--set NAME=VALUE ...]: one default patient of qspio_nsclc_rt{} grown to a 3 cm lesion and treated
// (nivolumab 240 mg every 2 weeks from day 0; 3 x 8 Gy on days 1, 3, 5, uniform or partial: 30 % of
// the volume, periphery 0.1) with its lesion made a hybrid (models/abm_coupling; docs/models/abm.md,
// "Coupling"): a core window (and with --margin an invasive-margin window with 5 % of the windows'
// share) holding the share S (default 0.2, spQSP-IO's) of the lesion, settled DAYS (default 0) on
// the untreated initial state before day 0; --set changes a window parameter
// (models/abm/parameters.inc) for sensitivity runs. Prints the lesion and the
// windows day by day, then the cost: wall time of the coupled and the plain run, and per window-day.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "core/dosing.hpp"
#include "core/simulation.hpp"
#include "models/abm_coupling/hybrid_lesion.hpp"
#include "models/registry.hpp"

namespace {

namespace hybrid = vct::models::hybrid;

struct Options {
  int days = 28, size = 32;
  std::string rt = "uniform";
  bool nivolumab = true, margin = false;
  double share = 0.2, settle = 0.0;
  std::vector<std::pair<std::string, double>> set;  ///< --set NAME=VALUE: window parameters
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const bool more = i + 1 < argc;
    if (std::strcmp(argv[i], "--days") == 0 && more)
      o.days = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--rt") == 0 && more)
      o.rt = argv[++i];
    else if (std::strcmp(argv[i], "--size") == 0 && more)
      o.size = std::atoi(argv[++i]);
    else if (std::strcmp(argv[i], "--share") == 0 && more)
      o.share = std::atof(argv[++i]);
    else if (std::strcmp(argv[i], "--settle") == 0 && more)
      o.settle = std::atof(argv[++i]);
    else if (std::strcmp(argv[i], "--no-nivolumab") == 0)
      o.nivolumab = false;
    else if (std::strcmp(argv[i], "--margin") == 0)
      o.margin = true;
    else if (std::strcmp(argv[i], "--set") == 0 && more) {
      const std::string kv = argv[++i];
      const auto eq = kv.find('=');
      if (eq == std::string::npos) return false;
      o.set.emplace_back(kv.substr(0, eq), std::atof(kv.c_str() + eq + 1));
    } else
      return false;
  }
  return o.days >= 1 && o.size >= 4 && o.share > 0.0 && o.share <= 0.9 && o.settle >= 0.0 &&
         (o.rt == "none" || o.rt == "uniform" || o.rt == "partial");
}

vct::TreatmentPlan plan_for(const vct::ModelDefinition& m, const Options& o, std::vector<double>& p) {
  std::vector<vct::DoseRegimen> drugs;
  if (o.nivolumab) drugs.push_back({"nivolumab", 240.0, 0.0, 0.0, 14.0, 1 + o.days / 14});
  vct::apply_drug_parameters(m, drugs, p);
  std::vector<vct::RadiotherapyCourse> courses;
  if (o.rt != "none") {
    vct::RadiotherapyCourse c;
    c.name = "3x8";
    c.dose_per_fraction_Gy = 8.0;
    c.fractions = 3;
    c.start_day = 1.0;
    c.schedule = vct::FractionSchedule::kAlternate;
    c.lesions = {0};
    if (o.rt == "partial") {
      auto map = std::make_shared<vct::DoseMap>();
      map->kind = vct::DoseMapKind::kPartial;
      map->target_volume_fraction = 0.3;
      map->periphery_relative = 0.1;
      c.dose_map = map;
    }
    courses.push_back(c);
  }
  return vct::make_treatment_plan(m, drugs, courses, 80.0, o.days, 1.0, p);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  if (!parse(argc, argv, o)) {
    std::fprintf(stderr,
                 "usage: vct_abm_hybrid [--days N>=1] [--rt none|uniform|partial] [--no-nivolumab] [--size N>=4] "
                 "[--share S in (0, 0.9]] [--margin] [--settle DAYS>=0] [--set NAME=VALUE]\n");
    return 1;
  }
  const vct::ModelDefinition& m = vct::models::get_model("qspio_nsclc_rt{}");
  std::vector<double> p = m.default_parameters();
  p[static_cast<std::size_t>(m.parameter_index("lesion1_abm_share"))] = o.share;
  const vct::InitialisationResult ic = vct::grow_to_diameter(m, p, 3.0, 8000.0, vct::SolverOptions{});
  const vct::TreatmentPlan plan = plan_for(m, o, p);
  hybrid::HybridConfig config;
  for (const auto& [name, value] : o.set) {
    std::size_t k = 0;
    while (k < vct::models::abm::kParameterCount && vct::models::abm::parameter_table()[k].name != name) ++k;
    if (k == vct::models::abm::kParameterCount) {
      std::fprintf(stderr, "vct_abm_hybrid: unknown window parameter '%s' (models/abm/parameters.inc)\n", name.c_str());
      return 1;
    }
    config.parameters.values[k] = value;
  }
  hybrid::WindowSpec core;
  core.grid.nx = core.grid.ny = core.grid.nz = o.size;
  core.region_share = o.margin ? 0.95 : 1.0;
  core.settle_days = o.settle;
  config.windows = {core};
  if (o.margin) {
    hybrid::WindowSpec margin = core;
    margin.region = hybrid::WindowRegion::kMargin;
    margin.region_share = 0.05;
    config.windows.push_back(margin);
  }
  config.seed = 20261204;
  hybrid::HybridLesions lesions(m, config);
  const auto t0 = std::chrono::steady_clock::now();
  const vct::PatientRun run = vct::simulate_treatment(m, p, ic.state, plan, vct::SolverOptions{}, &lesions);
  const auto t1 = std::chrono::steady_clock::now();
  const vct::PatientRun plain = vct::simulate_treatment(m, p, ic.state, plan, vct::SolverOptions{});
  const auto t2 = std::chrono::steady_clock::now();
  if (run.status != vct::PatientStatus::kOk) {
    std::fprintf(stderr, "vct_abm_hybrid: the coupled run failed: %s\n", run.message.c_str());
    return 3;
  }
  const std::size_t no = m.outputs().size(), d = static_cast<std::size_t>(m.output_index("lesion1_diameter_cm"));
  std::printf("hybrid lesion: share %.2f in %zu window(s) of %d^3 voxels; RT %s; nivolumab %s\n", o.share,
              config.windows.size(), o.size, o.rt.c_str(), o.nivolumab ? "yes" : "no");
  std::printf("%5s %9s %9s %11s %4s %8s %6s %6s %7s %6s %8s %8s %9s %11s %15s %6s\n", "day", "diam cm", "plain cm",
              "CD8:C cpt", "win", "cancer", "doomed", "CD8", "cytotox", "Treg", "PD-L1+ %", "kills/d", "recruit/d",
              "CD8:C win", "kill/cell/d cpt", "win");
  const std::size_t cd8 = static_cast<std::size_t>(m.output_index("lesion1_cd8_cells")),
                    cancer = static_cast<std::size_t>(m.output_index("lesion1_cancer_cells"));
  const std::size_t nw = config.windows.size();
  const auto& rec = lesions.records();
  for (int day = 1; day <= o.days; ++day) {
    for (std::size_t j = 0; j < nw; ++j) {
      long long kills = 0, recruits = 0;
      const hybrid::SliceRecord* last = nullptr;
      for (const hybrid::SliceRecord& r : rec)
        if (r.window == static_cast<int>(j) && r.t_day > day - 1 + 1e-9 && r.t_day <= day + 1e-9) {
          kills += r.counts.kills;
          recruits += r.counts.cd8_recruited;
          last = &r;
        }
      if (!last) continue;
      const auto& c = last->counts;
      const double viable = static_cast<double>(c.cells() - c.doomed);
      const double* out = run.trajectory.outputs.data() + static_cast<std::size_t>(day) * no;
      const double cpt_ratio = out[cancer] > 0.0 ? out[cd8] / out[cancer] : 0.0;  // effector CD8 per cancer cell
      std::printf("%5d %9.3f %9.3f %11.3f %4zu %8lld %6lld %6lld %7lld %6lld %8.1f %8lld %9lld %11.3f %15.4f %6.4f\n",
                  day, out[d], plain.trajectory.outputs[static_cast<std::size_t>(day) * no + d], cpt_ratio, j,
                  static_cast<long long>(c.cells()), static_cast<long long>(c.doomed), static_cast<long long>(c.cd8()),
                  static_cast<long long>(c.cd8_cytotoxic), static_cast<long long>(c.treg),
                  viable > 0 ? 100.0 * static_cast<double>(c.pdl1_positive) / viable : 0.0, kills, recruits,
                  viable > 0 ? static_cast<double>(c.cd8_effector + c.cd8_cytotoxic) / viable : 0.0,
                  last->compartment_kill_per_cell_per_day, viable > 0 ? static_cast<double>(kills) / viable : 0.0);
    }
  }
  const double coupled_s = std::chrono::duration<double>(t1 - t0).count();
  const double plain_s = std::chrono::duration<double>(t2 - t1).count();
  const double window_days = static_cast<double>(nw) * o.days;
  std::printf("cost: coupled %.2f s, plain %.3f s; %.1f ms per window-day (coupled minus plain)\n", coupled_s, plain_s,
              1e3 * (coupled_s - plain_s) / window_days);
  return 0;
}
