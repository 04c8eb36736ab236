// SPDX-License-Identifier: MIT
// Agent-based windows from a scenario (lesions[].abm, docs/models/abm.md): the block survives the
// resolved scenario, a trial writes every window's slices to /arms/<arm>/abm_slices, and the file
// is the same for one thread and two.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "app/abm_tps.hpp"
#include "app/local_trial.hpp"
#include "app/run_scenario.hpp"
#include "core/error.hpp"
#include "io/scenario/loader.hpp"
#include "io/trial_merge.hpp"
#include "models/abm/parameters.hpp"
#include "models/abm_coupling/hybrid_lesion.hpp"
#include "models/registry.hpp"
#include "tests/support/same_values.hpp"

namespace vct {
namespace {

namespace fs = std::filesystem;

const char* const kScenario = R"(schema_version: 1
model: qspio_nsclc_rt
lesions:
  - {name: primary, diameter_cm: 3, abm: {share: 0.2, windows: core_and_margin, size_voxels: 12,
                                          parameters: {IFNg_release_ng_per_s: 4.31e-13}}}
population:
  size: 3
  seed: 11
arms:
  - name: nivolumab
    treatment:
      - {drug: nivolumab, dose_mg: 240, interval_day: 14, doses: 1}
simulation:
  horizon_day: 4
recist:
  first_scan_day: 2
  scan_interval_day: 2
  confirmation: false
output:
  file: abm.h5
)";

TEST(AbmScenario, BlockResolvesAndRoundTrips) {
  const io::LoadedScenario a = io::load_scenario_text(kScenario, "abm.yaml");
  ASSERT_EQ(a.scenario.lesion_windows.size(), 1u);
  const LesionWindows& w = a.scenario.lesion_windows[0];
  EXPECT_EQ(w.lesion, 0);
  EXPECT_EQ(w.share, 0.2);
  EXPECT_TRUE(w.margin);
  EXPECT_EQ(w.size_voxels, 12);
  EXPECT_EQ(w.margin_share, 0.05);  // the default
  ASSERT_EQ(w.parameters.size(), 1u);
  EXPECT_EQ(w.parameters[0].name, "IFNg_release_ng_per_s");
  EXPECT_EQ(w.parameters[0].index, static_cast<int>(models::abm::P::IFNg_release_ng_per_s));
  EXPECT_EQ(w.parameters[0].value, 4.31e-13);
  const ModelDefinition& m = models::get_model(a.scenario.model);
  EXPECT_EQ(w.share_parameter, m.parameter_index("lesion1_abm_share"));
  const io::LoadedScenario b = io::load_scenario_text(a.resolved_yaml, "resolved.yaml");
  EXPECT_EQ(b.resolved_yaml, a.resolved_yaml);
  EXPECT_NE(a.resolved_yaml.find("abm: {share: 0.2"), std::string::npos) << a.resolved_yaml;
  // the share reaches the patient's parameters; the factory makes a core and a margin window
  const std::vector<double> p = resolve_parameters(m, a.scenario);
  EXPECT_EQ(p[static_cast<std::size_t>(w.share_parameter)], 0.2);
  const SliceCouplingFactory f = window_coupling(m, a.scenario);
  ASSERT_TRUE(f);
  ASSERT_EQ(f.tables.size(), 4u);
  EXPECT_EQ(f.tables[0].name, "abm_slices");
  EXPECT_EQ(f.tables[0].columns.size(), 31u);
  const auto made = f.make(2);
  const auto* h = dynamic_cast<const models::hybrid::HybridLesions*>(made.get());
  ASSERT_NE(h, nullptr);
  ASSERT_EQ(h->config().windows.size(), 2u);
  EXPECT_EQ(h->config().patient, 2u);
  EXPECT_EQ(h->config().seed, 11u);
  EXPECT_NEAR(h->config().windows[0].region_share, 0.95, 1e-15);
  EXPECT_EQ(h->config().windows[1].region_share, 0.05);
  for (const auto& spec : h->config().windows) {  // both windows of the lesion take its parameters
    ASSERT_EQ(spec.parameter_overrides.size(), 1u);
    EXPECT_EQ(spec.parameter_overrides[0].second, 4.31e-13);
  }
}

TEST(AbmScenario, TrialWritesEachWindowsSlicesTheSameForOneThreadAndTwo) {
  const io::LoadedScenario loaded = io::load_scenario_text(kScenario, "abm.yaml");
  const ModelDefinition& m = models::get_model(loaded.scenario.model);
  const fs::path dir = fs::temp_directory_path() / "vct_test_abm_windows";
  fs::remove_all(dir);
  fs::create_directories(dir);
  std::vector<std::vector<CandidateResult>> results;
  for (int threads : {1, 2}) {
    LocalRunOptions o;
    o.output = (dir / ("abm_" + std::to_string(threads) + ".h5")).string();
    o.threads = threads;
    const io::RunInfo info = make_run_info("test", "abm.yaml", loaded);
    run_local_trial(loaded, m, o, info, nullptr);
    results.push_back(io::read_trial_results(o.output, build_trial_spec(m, loaded.scenario, threads)));
  }
  ASSERT_EQ(results[0].size(), 3u);
  int patients = 0;
  for (std::size_t i = 0; i < 3; ++i) {
    ASSERT_EQ(results[0][i].status, results[1][i].status);
    if (results[0][i].status != CandidateStatus::kPatient) continue;
    ++patients;
    const auto& tables = results[0][i].arms[0].coupling_rows;
    ASSERT_EQ(tables.size(), 4u);
    // identical, NaN where NaN (a depth bin without viable cancer cells has no PD-L1+ share)
    const auto& other = results[1][i].arms[0].coupling_rows;
    ASSERT_EQ(other.size(), tables.size());
    for (std::size_t t = 0; t < tables.size(); ++t) ASSERT_TRUE(test_support::same_values(tables[t], other[t])) << t;
    // 4 days of 6-h slices x 2 windows = 32 rows of 31 columns
    EXPECT_EQ(tables[0].size(), 32u * 31u);
    EXPECT_EQ(tables[0][0], 0.25);      // t_day of the first row
    EXPECT_EQ(tables[0][31 + 1], 1.0);  // the second row is the margin window's
    // spatial statistics at baseline and the scans of days 2 and 4: 3 x 2 windows of 10 columns
    ASSERT_EQ(tables[1].size(), 6u * 10u);
    EXPECT_EQ(tables[1][0], 0.0);
    EXPECT_EQ(tables[1][2 * 10], 2.0);
    EXPECT_EQ(tables[1][4 * 10], 4.0);
    for (std::size_t r = 0; r < tables[1].size(); r += 10) {  // PD-L1+ share = positive / viable
      ASSERT_GT(tables[1][r + 7], 0.0);
      EXPECT_DOUBLE_EQ(tables[1][r + 9], tables[1][r + 8] / tables[1][r + 7]);
    }
    // depth profiles: whole rows of 12 columns; the margin window has stroma bins (depth < 0)
    ASSERT_GT(tables[2].size(), 0u);
    EXPECT_EQ(tables[2].size() % 12, 0u);
    bool stroma = false;
    for (std::size_t r = 0; r < tables[2].size(); r += 12)
      stroma = stroma || (tables[2][r + 1] == 1.0 && tables[2][r + 2] < 0.0);
    EXPECT_TRUE(stroma);
    // sections of the middle plane (candidates 0-9): at most 12 x 12 voxels per window and time
    EXPECT_GT(tables[3].size(), 0u);
    EXPECT_LE(tables[3].size(), 6u * 144u * 7u);
  }
  EXPECT_GT(patients, 0);
  fs::remove_all(dir);
}

TEST(AbmScenario, ArmsRestoringTheFirstArmsSettledWindowsGiveWhatSettlingAgainGives) {
  // Two arms (nivolumab alone; after one 8-Gy fraction) of three candidates, windows settled 2 days
  // (8 slices): with a shared cache the second arm of each patient restores the first arm's settled
  // windows (one hit per patient); without one it settles again. Every arm's window tables and
  // trajectories are the same bit for bit.
  std::string text = kScenario;
  text.replace(text.find("parameters: {IFNg"), 0, "settle_days: 2, ");
  text.replace(text.find("simulation:"), 0,
               "  - name: RT\n    radiotherapy:\n      - {name: SBRT, dose_per_fraction_Gy: 8, fractions: 1, "
               "lesions: [primary]}\n    treatment:\n      - {drug: nivolumab, dose_mg: 240, interval_day: 14, "
               "doses: 1}\n");
  const io::LoadedScenario loaded = io::load_scenario_text(text, "abm.yaml");
  ASSERT_EQ(loaded.scenario.arms.size(), 2u);
  ASSERT_EQ(loaded.scenario.lesion_windows[0].settle_days, 2.0);
  const ModelDefinition& m = models::get_model(loaded.scenario.model);
  TrialSpec cached = build_trial_spec(m, loaded.scenario, 1);
  auto cache = std::make_shared<models::hybrid::SettledWindowCache>(4);
  cached.coupling = window_coupling(m, loaded.scenario, cache);
  TrialSpec fresh = cached;
  fresh.coupling = window_coupling(m, loaded.scenario);
  const std::vector<double> scans = scan_days(cached.recist, cached.horizon_day);
  int patients = 0;
  for (std::size_t row = 0; row < 3; ++row) {
    std::vector<double> y0;
    const CandidateResult c = screen_candidate(cached, row, &y0);
    if (c.status != CandidateStatus::kPatient) continue;
    ++patients;
    for (const TrialArm& arm : cached.arms) {
      const ArmResult a = treat_candidate(cached, c, arm, y0, scans), b = treat_candidate(fresh, c, arm, y0, scans);
      ASSERT_EQ(a.coupling_rows.size(), b.coupling_rows.size());
      for (std::size_t t = 0; t < a.coupling_rows.size(); ++t)
        EXPECT_TRUE(test_support::same_values(a.coupling_rows[t], b.coupling_rows[t])) << arm.name << " table " << t;
      EXPECT_TRUE(test_support::same_values(a.trajectories, b.trajectories)) << arm.name;
    }
  }
  ASSERT_GT(patients, 0);
  EXPECT_EQ(cache->stores(), static_cast<std::size_t>(patients));
  EXPECT_EQ(cache->hits(), static_cast<std::size_t>(patients));  // the second arm of each
}

TEST(AbmTps, StrataMedianAndDivergenceByHand) {
  // TPS 0, 0.5, 10, 60 %: one patient >= 50, one 1-49, two < 1 -> 25 / 25 / 50 %; median 5.25.
  // Against 22 / 30 / 48 with m = (n + 0.5) / (N + 1.5) = 1.5/5.5, 1.5/5.5, 2.5/5.5:
  // 0.22 ln(0.22 / 0.27273) + 0.30 ln(0.30 / 0.27273) + 0.48 ln(0.48 / 0.45455)
  // = -0.047266 + 0.028593 + 0.026154 = 0.0074815.
  const abm_tps::Evaluation e = abm_tps::score({0.0, 0.5, 10.0, 60.0}, {22.0, 30.0, 48.0});
  EXPECT_EQ(e.patients, 4u);
  EXPECT_EQ(e.strata_pct[0], 25.0);
  EXPECT_EQ(e.strata_pct[1], 25.0);
  EXPECT_EQ(e.strata_pct[2], 50.0);
  EXPECT_DOUBLE_EQ(e.median_tps_pct, 5.25);
  EXPECT_NEAR(e.divergence, 0.0074815, 1e-6);
  // the target itself, 22 / 30 / 48 of 100 patients, is almost at 0 (only the + 0.5 smoothing)
  std::vector<double> at_target(22, 60.0);
  at_target.insert(at_target.end(), 30, 10.0);
  at_target.insert(at_target.end(), 48, 0.0);
  EXPECT_LT(abm_tps::score(at_target, {22.0, 30.0, 48.0}).divergence, 1e-4);
}

TEST(AbmTps, WindowTpsIsZeroWithoutIfnGammaHighWithItAndTheSameOnAnyThreadCount) {
  // Day-0 TPS after settling 1 day: without IFN-gamma every cancer cell stays at the base PD-L1
  // 1/6 < 0.5, so every TPS is exactly 0; at spQSP-IO's secretion the seeded cells' first burst
  // (about 0.3 ng/mL at 20 um from one cell, against 0.033 ng/mL for PD-L1 share 0.5) makes most
  // cells PD-L1+. One thread and two give the same values.
  io::LoadedScenario a = io::load_scenario_text(kScenario, "abm.yaml");
  a.scenario.lesion_windows[0].settle_days = 1.0;
  const ModelDefinition& m = models::get_model(a.scenario.model);
  const auto release = [](double v) {
    return std::vector<ParameterOverride>{
        {"IFNg_release_ng_per_s", static_cast<int>(models::abm::P::IFNg_release_ng_per_s), v}};
  };
  const std::vector<double> none = abm_tps::window_tps(m, a.scenario, release(0.0), 1);
  const std::vector<double> high = abm_tps::window_tps(m, a.scenario, release(7.64e-10), 1);
  const std::vector<double> high2 = abm_tps::window_tps(m, a.scenario, release(7.64e-10), 2);
  ASSERT_FALSE(none.empty());
  ASSERT_EQ(high.size(), none.size());
  for (std::size_t k = 0; k < none.size(); ++k) {
    EXPECT_EQ(none[k], 0.0) << k;
    EXPECT_GT(high[k], 50.0) << k;
  }
  EXPECT_EQ(high2, high);
  // a scenario without windows has no window TPS
  a.scenario.lesion_windows.clear();
  EXPECT_THROW(abm_tps::window_tps(m, a.scenario, {}, 1), Error);
}

}  // namespace
}  // namespace vct
