// SPDX-License-Identifier: MIT
// Schedule search (docs/search.md): variables applied to an arm, constraints with the hand
// arithmetic, the grid and NLopt methods on synthetic objectives with known optima, no schedule
// that breaks a constraint is ever simulated, results identical for 1 and 2 threads, and the
// result file holds every evaluated and skipped schedule.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "app/run_scenario.hpp"
#include "app/search.hpp"
#include "core/schedule_search.hpp"
#include "io/scenario/loader.hpp"
#include "models/registry.hpp"
#include "tests/support/h5_read.hpp"

namespace vct {
namespace {

namespace fs = std::filesystem;

TrialArm sbrt_then_pembrolizumab() {
  TrialArm arm;
  arm.name = "sbrt";
  DoseRegimen r;
  r.drug = "pembrolizumab";
  r.dose_mg = 200;
  r.start_day = 7;
  r.interval_day = 21;
  r.end_day = 400;
  arm.treatment = {r};
  RadiotherapyCourse c;
  c.dose_per_fraction_Gy = 8;
  c.fractions = 3;
  c.lesions = {0};
  c.edic_Gy = default_edic_Gy(c);
  arm.radiotherapy = {c};
  return arm;
}

SearchVariable variable(ScheduleVariable kind, std::vector<double> values) {
  SearchVariable v;
  v.kind = kind;
  v.values = std::move(values);
  return v;
}

TEST(ScheduleSearch, ConstraintViolationNamesTheBoundWithTheHandArithmetic) {
  const TrialArm arm = sbrt_then_pembrolizumab();
  // 3 x 8 Gy, alpha/beta 10: BED = 24 (1 + 8/10) = 43.2 Gy; EQD2 = 43.2 / 1.2 = 36 Gy;
  // EDIC = 0.033 /Gy x 24 Gy = 0.792 Gy; window: RT days 0-2, first ICI dose day 7 -> 7 days.
  const ScheduleDose d = schedule_dose(arm, 10.0);
  EXPECT_NEAR(d.bed_Gy, 43.2, 1e-12);
  EXPECT_NEAR(d.eqd2_Gy, 36.0, 1e-12);
  EXPECT_NEAR(d.edic_Gy, 0.792, 1e-12);
  EXPECT_EQ(d.fractions, 3);
  EXPECT_DOUBLE_EQ(d.window_day, 7.0);
  ScheduleConstraints k;
  EXPECT_EQ(constraint_violation(arm, k), "");
  k.bed_max_Gy = 40;
  EXPECT_EQ(constraint_violation(arm, k), "BED 43.2 Gy above bed_max_Gy 40");
  k.bed_max_Gy = 43.2;  // a bound met exactly is met
  EXPECT_EQ(constraint_violation(arm, k), "");
  k.edic_max_Gy = 0.5;
  EXPECT_EQ(constraint_violation(arm, k), "EDIC 0.792 Gy above edic_max_Gy 0.5");
  k = {};
  k.window_max_day = 5;
  EXPECT_EQ(constraint_violation(arm, k), "treatment window 7 days above window_max_day 5");
  k = {};
  k.fractions_max = 2;
  EXPECT_EQ(constraint_violation(arm, k), "fractions 3 above fractions_max 2");
}

TEST(ScheduleSearch, ScheduleArmAppliesTheVariablesAndStartsTheScheduleOnDayZero) {
  const TrialArm base = sbrt_then_pembrolizumab();
  const std::vector<SearchVariable> vars = {
      variable(ScheduleVariable::kRtDosePerFraction, {6}), variable(ScheduleVariable::kRtFractions, {5}),
      variable(ScheduleVariable::kRtSpacingDay, {2}), variable(ScheduleVariable::kRtStartFromIciDay, {-14}),
      variable(ScheduleVariable::kRtLesion, {1})};
  const TrialArm arm = schedule_arm(base, vars, {6, 5, 2, -14, 1}, 2);
  // ICI stays on day 7, RT would start on 7 - 14 = -7: the whole schedule moves by +7 days.
  EXPECT_DOUBLE_EQ(arm.treatment[0].start_day, 14.0);
  const RadiotherapyCourse& c = arm.radiotherapy[0];
  EXPECT_EQ(c.fraction_days(), (std::vector<double>{0, 2, 4, 6, 8}));
  EXPECT_EQ(c.lesions, std::vector<int>{1});
  EXPECT_NEAR(c.edic_Gy, 0.033 * 30.0, 1e-12);  // default EDIC follows the dose: 5 x 6 Gy = 30 Gy
  // A scenario's own EDIC scales with the total dose: 1 Gy for 24 Gy -> 1.25 Gy for 30 Gy.
  TrialArm given = base;
  given.radiotherapy[0].edic_Gy = 1.0;
  given.radiotherapy[0].edic_given = true;
  EXPECT_NEAR(schedule_arm(given, vars, {6, 5, 2, -14, 1}, 2).radiotherapy[0].edic_Gy, 1.25, 1e-12);
  // ICI variables move every regimen; the RT start stays where the scenario put it.
  const TrialArm ici =
      schedule_arm(base,
                   {variable(ScheduleVariable::kIciStartDay, {0}), variable(ScheduleVariable::kIciIntervalDay, {42}),
                    variable(ScheduleVariable::kIciDose, {400})},
                   {0, 42, 400}, 2);
  EXPECT_DOUBLE_EQ(ici.treatment[0].start_day, 0.0);
  EXPECT_DOUBLE_EQ(ici.treatment[0].interval_day, 42.0);
  EXPECT_DOUBLE_EQ(ici.treatment[0].dose_mg, 400.0);
  EXPECT_DOUBLE_EQ(ici.radiotherapy[0].start_day, 0.0);
  EXPECT_THROW(schedule_arm(base, {variable(ScheduleVariable::kRtLesion, {2})}, {2}, 2), Error);
}

/// A synthetic problem: objective -(d - 12)^2 - (t + 7)^2 / 10, infeasible above d = 18.
class Synthetic : public ScheduleProblem {
 public:
  std::string violation(const std::vector<double>& x) override { return x[0] > 18 ? "too much" : ""; }
  EvaluatedSchedule evaluate(const std::vector<double>& x) override {
    EXPECT_LE(x[0], 18) << "a schedule that breaks a constraint was simulated";
    ++calls;
    EvaluatedSchedule e;
    e.objective = -(x[0] - 12) * (x[0] - 12) - (x[1] + 7) * (x[1] + 7) / 10.0;
    return e;
  }
  int calls = 0;
};

/// Records what a search writes.
class Recording : public SearchSink {
 public:
  void write_reference(const EvaluatedSchedule&) override {}
  void write_evaluated(const EvaluatedSchedule& e) override { evaluated.push_back(e.x); }
  void write_skipped(const std::vector<double>& x, const std::string&) override { skipped.push_back(x); }
  std::vector<std::vector<double>> evaluated, skipped;
};

TEST(ScheduleSearch, GridFindsTheKnownOptimumAndNeverSimulatesASkippedSchedule) {
  SearchSettings s;
  s.variables = {variable(ScheduleVariable::kRtDosePerFraction, {6, 8, 10, 12, 15, 18, 20, 24}),
                 variable(ScheduleVariable::kRtStartFromIciDay, {-21, -14, -7, 0, 7})};
  Synthetic problem;
  Recording sink;
  const SearchOutcome out = search_schedules(s, problem, sink, {8, 0});
  // 8 x 5 = 40 schedules; d = 20 and 24 break the constraint: 2 x 5 = 10 skipped, 30 simulated.
  EXPECT_EQ(out.n_considered, 40);
  EXPECT_EQ(out.n_skipped, 10);
  EXPECT_EQ(problem.calls, 30);
  EXPECT_EQ(sink.evaluated.size(), 30u);
  EXPECT_EQ(sink.skipped.size(), 10u);
  const EvaluatedSchedule& best = out.evaluated[static_cast<std::size_t>(out.ranking.front())];
  EXPECT_EQ(best.x, (std::vector<double>{12, -7}));
  EXPECT_DOUBLE_EQ(best.objective, 0.0);
  // The first variable varies slowest: schedule 1 is (6, -21), schedule 2 is (6, -14).
  EXPECT_EQ(out.evaluated[1].x, (std::vector<double>{6, -14}));
}

TEST(ScheduleSearch, NloptFindsTheOptimumOfASmoothObjectiveWithFewerEvaluationsThanTheGrid) {
  SearchSettings s;
  s.method = SearchMethod::kNlopt;
  s.max_evaluations = 60;
  std::vector<double> dose, delay;
  for (int d = 1; d <= 30; ++d) dose.push_back(d);
  for (int t = -28; t <= 28; ++t) delay.push_back(t);
  s.variables = {variable(ScheduleVariable::kRtDosePerFraction, dose),
                 variable(ScheduleVariable::kRtStartFromIciDay, delay)};
  Synthetic problem;
  Recording sink;
  const SearchOutcome out = search_schedules(s, problem, sink, {3, 20});
  const EvaluatedSchedule& best = out.evaluated[static_cast<std::size_t>(out.ranking.front())];
  EXPECT_LE(problem.calls, 60);  // the grid would simulate 18 x 57 = 1026 feasible schedules
  EXPECT_NEAR(best.x[0], 12, 1.0);
  EXPECT_NEAR(best.x[1], -7, 3.0);
  for (const auto& x : sink.evaluated) EXPECT_LE(x[0], 18);
}

constexpr const char* kSearchScenario = R"(schema_version: 1
model: qspio_nsclc_rt
lesions: [{name: irradiated}, {name: other}]
population: {size: 6, seed: 11, preset: wang2023}
arms:
  - name: pembrolizumab
    treatment: [{drug: pembrolizumab, dose_mg: 200, interval_day: 21, end_day: 168}]
  - name: sbrt
    radiotherapy: [{dose_per_fraction_Gy: 8, fractions: 3, start_day: 0, lesions: [irradiated]}]
    treatment: [{drug: pembrolizumab, dose_mg: 200, start_day: 7, interval_day: 21, end_day: 168}]
search:
  variables:
    rt_dose_per_fraction_Gy: [8, 15, 20]
    rt_start_from_ici_day: [-7, 0]
  constraints: {bed_max_Gy: 150}
  objective: {out_of_field_orr: 1, restricted_mean_pfs_day: 0.001}
simulation: {horizon_day: 168}
recist: {first_scan_day: 42, scan_interval_day: 42}
)";

TEST(ScheduleSearch, ResultsAreIdenticalForOneAndTwoThreadsAndTheFileHoldsEverySchedule) {
  const io::LoadedScenario loaded = io::load_scenario_text(kSearchScenario, "search.yaml");
  const ModelDefinition& model = models::get_model(loaded.scenario.model);
  const fs::path dir = fs::temp_directory_path() / "vct_search_test";
  fs::create_directories(dir);
  const io::RunInfo info = make_run_info("test", "search.yaml", loaded);
  SearchRun runs[2];
  for (int t = 1; t <= 2; ++t)
    runs[t - 1] = run_search(loaded, model, {(dir / ("t" + std::to_string(t) + ".h5")).string(), t, 0, 0}, info);
  const SearchOutcome &a = runs[0].outcome, &b = runs[1].outcome;
  // 3 x 2 = 6 schedules; 3 x 20 Gy: BED = 60 (1 + 2) = 180 Gy > 150: 2 skipped, 4 simulated.
  EXPECT_EQ(a.n_skipped, 2);
  ASSERT_EQ(a.evaluated.size(), 4u);
  ASSERT_EQ(b.evaluated.size(), a.evaluated.size());
  EXPECT_EQ(a.ranking, b.ranking);
  for (std::size_t k = 0; k < a.evaluated.size(); ++k) {
    EXPECT_EQ(a.evaluated[k].objective, b.evaluated[k].objective);  // bit for bit
    EXPECT_EQ(a.evaluated[k].metrics, b.evaluated[k].metrics);
    EXPECT_LE(a.evaluated[k].dose.bed_Gy, 150.0);
    EXPECT_EQ(a.evaluated[k].n, static_cast<int>(runs[0].n_patients));
  }
  EXPECT_EQ(runs[0].reference.objective, runs[1].reference.objective);
  // The file: complete, one row per evaluated and per skipped schedule.
  const std::string file = (dir / "t2.h5").string();
  const hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);

  EXPECT_EQ(test::h5_rows(f, "search/evaluated"), 4u);
  EXPECT_EQ(test::h5_rows(f, "search/skipped"), 2u);
  EXPECT_EQ(test::h5_rows(f, "search/reference"), 1u);
  const int complete = test::h5_is_complete(f);
  H5Fclose(f);
  EXPECT_EQ(complete, 1);
  fs::remove_all(dir);
}

TEST(ScheduleSearch, AnInterruptedSearchStopsAndKeepsWhatItEvaluated) {
  SearchSettings s;
  s.variables = {variable(ScheduleVariable::kRtDosePerFraction, {6, 8, 10, 12})};
  class One : public ScheduleProblem {
   public:
    std::string violation(const std::vector<double>&) override { return ""; }
    EvaluatedSchedule evaluate(const std::vector<double>& x) override {
      EvaluatedSchedule e;
      e.objective = x[0];
      return e;
    }
  } problem;
  Recording sink;
  int asked = 0;
  const SearchOutcome out = search_schedules(s, problem, sink, {6}, [&] { return ++asked < 2; });
  EXPECT_FALSE(out.completed);
  EXPECT_EQ(out.evaluated.size(), 2u);  // stopped after the second evaluation
  EXPECT_EQ(sink.evaluated.size(), 2u);
}

TEST(ScheduleSearch, PackedOutcomesRoundTripEveryField) {
  // What an MPI search sends between ranks: every field distinct, NaN and infinity kept.
  ArmOutcome o;
  o.evaluable = true;
  o.best = Response::kPR;
  o.pfs_day = 84.5;
  o.pfs_event = true;
  o.out_of_field_evaluable = true;
  o.best_in_field = Response::kCR;
  o.best_out_of_field = Response::kSD;
  o.first_scan_change_pct = -31.0;
  o.g_per_day = 0.002;
  o.d_per_day = 0.03;
  o.time_to_response_day = 42.0;
  o.duration_of_response_day = 120.0;
  o.response_ended = true;
  o.tgr_pre_pct_per_month = 12.5;
  o.hyperprogression = true;
  o.pd_new_lesion = true;
  o.pfs_death = true;
  o.has_os = true;
  o.os_day = 300.0;
  o.os_event = true;
  o.ici_stop_day = 63.0;
  o.earliest_stop_day = std::numeric_limits<double>::infinity();
  for (std::size_t b = 0; b < o.biomarkers.size(); ++b) o.biomarkers[b] = 1.5 + static_cast<double>(b);
  ArmOutcome other;
  other.solver_failure = true;
  other.in_field_evaluable = true;
  other.pd_non_target = true;
  const std::vector<double> packed = pack_outcomes({o, other});
  ASSERT_EQ(packed.size(), 2 * kPackedOutcomeSize);
  const std::vector<ArmOutcome> back = unpack_outcomes(packed);
  ASSERT_EQ(back.size(), 2u);
  const std::vector<double> again = pack_outcomes(back);
  ASSERT_EQ(again.size(), packed.size());  // bit patterns of every number (NaN included)
  EXPECT_EQ(std::memcmp(again.data(), packed.data(), packed.size() * sizeof(double)), 0);
  EXPECT_EQ(back[0].best, Response::kPR);
  EXPECT_EQ(back[0].best_in_field, Response::kCR);
  EXPECT_TRUE(std::isinf(back[0].earliest_stop_day));
  EXPECT_TRUE(std::isnan(back[1].os_day));
  EXPECT_TRUE(back[1].solver_failure && back[1].in_field_evaluable && back[1].pd_non_target);
  EXPECT_EQ(back[0].biomarkers, o.biomarkers);
  EXPECT_THROW(unpack_outcomes(std::vector<double>(kPackedOutcomeSize + 1)), Error);
}

}  // namespace
}  // namespace vct
