// SPDX-License-Identifier: MIT
// The progression read-out modules (core/progression.hpp) against hand arithmetic: the new-lesion
// counting process, the survival link (Struemper 2025), the per-patient draws, and how RECIST
// counts new lesions and deaths.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/progression.hpp"
#include "core/random.hpp"
#include "core/recist.hpp"

namespace vct {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

TEST(NewLesions, ConstantBurdenGivesTheExponentialWaitingTime) {
  // V = 8 cm^3, gamma = 2/3: intensity r V^gamma = 0.001 x 4 = 0.004 /day; threshold 0.2
  // is reached at 0.2 / 0.004 = 50 days.
  std::vector<double> day, burden;
  for (int t = 0; t <= 100; ++t) {
    day.push_back(t);
    burden.push_back(8.0);
  }
  EXPECT_NEAR(first_new_lesion_day(day, burden, 0.001, 2.0 / 3.0, 0.2), 50.0, 1e-9);
  // A threshold beyond 0.004 x 100 = 0.4: none within the series.
  EXPECT_EQ(first_new_lesion_day(day, burden, 0.001, 2.0 / 3.0, 0.5), kInf);
  // No rate, no lesion.
  EXPECT_EQ(first_new_lesion_day(day, burden, 0.0, 2.0 / 3.0, 0.2), kInf);
}

TEST(NewLesions, LinearIntensitySolvesTheQuadraticInsideTheStep) {
  // gamma = 1, V from 0 to 10 cm^3 over one 10-day step, rate 0.1: intensity 0 -> 1 linearly,
  // cumulative 0.1 s^2 / 2 / ... = s^2 / 20; threshold 0.8 at s = sqrt(16) = 4 days.
  EXPECT_NEAR(first_new_lesion_day({0.0, 10.0}, {0.0, 10.0}, 0.1, 1.0, 0.8), 4.0, 1e-12);
  // Shrinking burden, 10 -> 0: cumulative s - s^2 / 20 = 0.8 at s = 10 - sqrt(84) = 0.8349 days.
  EXPECT_NEAR(first_new_lesion_day({0.0, 10.0}, {10.0, 0.0}, 0.1, 1.0, 0.8), 10.0 - std::sqrt(84.0), 1e-12);
}

TEST(NewLesions, AShrinkingTumourSeedsFewerLesions) {
  // Same start, one burden halves every 20 days: its cumulative intensity is bounded, the other's
  // grows without limit, so for a threshold both can reach the shrinking one is later.
  std::vector<double> day, stable, shrinking;
  for (int t = 0; t <= 400; ++t) {
    day.push_back(t);
    stable.push_back(20.0);
    shrinking.push_back(20.0 * std::exp2(-t / 20.0));
  }
  const double a = first_new_lesion_day(day, stable, 1e-3, 2.0 / 3.0, 0.1);
  const double b = first_new_lesion_day(day, shrinking, 1e-3, 2.0 / 3.0, 0.1);
  EXPECT_LT(a, b);
  // The shrinking burden's total: 1e-3 x 20^(2/3) x 30 / ln 2 x (1 - 2^(-40/3)) = 0.3189; a threshold
  // of 0.35 is never reached.
  EXPECT_EQ(first_new_lesion_day(day, shrinking, 1e-3, 2.0 / 3.0, 0.35), kInf);
}

TEST(OccultLesions, ExpectedCountFollowsTheGrowthAboveBaseline) {
  // a 0.5, gamma 1/3, V0 8 cm^3: scale 0.5 x 8^(1/3) = 1; the followed burden 8 -> 8 -> 27 -> 8 gives
  // Lambda 0, 0, (27/8)^(1/3) - 1 = 0.5, and 0.5 again (the running maximum stays 27).
  const std::vector<double> day = {0, 1, 2, 3}, v = {8, 8, 27, 8};
  EXPECT_DOUBLE_EQ(first_occult_lesion_day(day, v, 8.0, 0.5, 1.0 / 3.0, 0.25), 1.5);  // half-way up 0 -> 0.5
  EXPECT_EQ(first_occult_lesion_day(day, v, 8.0, 0.5, 1.0 / 3.0, 0.6), kInf);         // 0.5 is the most
  // The baseline burden scales the count: V0 64 gives scale 0.5 x 4 = 2, Lambda 1 on day 2.
  EXPECT_DOUBLE_EQ(first_occult_lesion_day(day, v, 64.0, 0.5, 1.0 / 3.0, 0.5), 1.5);
}

TEST(OccultLesions, DiseaseThatNeverExceedsItsBaselineShowsNone) {
  const std::vector<double> day = {0, 10, 20, 30}, v = {5, 4, 2, 5};
  EXPECT_EQ(first_occult_lesion_day(day, v, 5.0, 100.0, 2.0 / 3.0, 1e-9), kInf);
}

TEST(SurvivalLink, ReferencePatientGetsTheInterceptAndTheEmaxShift) {
  SurvivalParameters s;  // Struemper 2025 values
  // d = 0 (no shrinkage): TTG = 0, so the TTG term is 0.0124 x (0 - 39.9) = -0.49476.
  // g = 0.013/7 /day (kg 0.013 /week): Emax term -6.91 x 0.013 / (0.013 + 0.109) = -0.736311.
  // SLD 100 mm: no SLD term. log T = 6.94 - 0.736311 - 0.49476 = 5.708929.
  const double g = 0.013 / 7.0;
  EXPECT_NEAR(survival_log_day(s, g, 0.0, 100.0), 6.94 - 6.91 * 0.013 / 0.122 - 0.0124 * 39.9, 1e-12);
  // 20 mm more baseline disease: -0.00366 x 20 = -0.0732 on log T.
  EXPECT_NEAR(survival_log_day(s, g, 0.0, 120.0) - survival_log_day(s, g, 0.0, 100.0), -0.0732, 1e-12);
}

TEST(SurvivalLink, ShrinkageBuysTimeThroughTimeToGrowth) {
  // d = 0.02, g = 0.002 /day: TTG = ln(10) / 0.022 = 104.66 days = 14.952 weeks.
  EXPECT_NEAR(time_to_growth_day(0.02, 0.002), std::log(10.0) / 0.022, 1e-12);
  EXPECT_EQ(time_to_growth_day(0.001, 0.002), 0.0);  // growth wins from the start
  SurvivalParameters s;
  const double with = survival_log_day(s, 0.002, 0.02, 100.0);
  const double without = survival_log_day(s, 0.002, 0.0, 100.0);
  EXPECT_NEAR(with - without, 0.0124 * std::log(10.0) / 0.022 / 7.0, 1e-12);
}

TEST(SurvivalLink, NoRegrowthUsesTheGrowthFloor) {
  // A fit at g = 0 has no finite TTG; the link uses g = 1e-4 /day instead, so the result is finite
  // and equal to the floor's.
  SurvivalParameters s;
  EXPECT_TRUE(std::isfinite(survival_log_day(s, 0.0, 0.02, 80.0)));
  EXPECT_EQ(survival_log_day(s, 0.0, 0.02, 80.0), survival_log_day(s, 1e-4, 0.02, 80.0));
  EXPECT_EQ(survival_log_day(s, std::nan(""), 0.02, 80.0), survival_log_day(s, 1e-4, 0.02, 80.0));
  // Faster growth, shorter survival (Emax < 0).
  EXPECT_GT(survival_log_day(s, 0.001, 0.0, 80.0), survival_log_day(s, 0.01, 0.0, 80.0));
}

TEST(ProgressionDraws, DependOnlyOnSeedAndCandidate) {
  const ProgressionDraws a = progression_draws(7, 3), b = progression_draws(7, 3), c = progression_draws(7, 4);
  EXPECT_EQ(a.rate_z, b.rate_z);
  EXPECT_EQ(a.threshold, b.threshold);
  EXPECT_EQ(a.survival_z, b.survival_z);
  EXPECT_EQ(a.non_target_z, b.non_target_z);
  EXPECT_NE(a.survival_z, c.survival_z);
  EXPECT_NE(a.non_target_z, a.survival_z);
  // Over many candidates the draws have their distributions' means: E z = 0, E threshold = 1.
  double z = 0.0, e = 0.0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    const ProgressionDraws d = progression_draws(1, static_cast<std::size_t>(i));
    z += d.survival_z;
    e += d.threshold;
  }
  EXPECT_NEAR(z / n, 0.0, 4.0 / std::sqrt(n));  // SD 1
  EXPECT_NEAR(e / n, 1.0, 4.0 / std::sqrt(n));  // SD 1
}

TEST(ProgressionTable, ParametersResolveByNameAndCarryTheirSource) {
  const auto& table = progression_parameter_table();
  const ProgressionParameterIndices i = resolve_progression_parameters(table);
  ASSERT_TRUE(i.available());
  std::vector<double> p;
  for (const auto& row : table) {
    EXPECT_FALSE(row.source.empty()) << row.name;
    EXPECT_LE(row.lower, row.value) << row.name;
    EXPECT_LE(row.value, row.upper) << row.name;
    p.push_back(row.value);
  }
  EXPECT_EQ(survival_parameters(i, p).intercept_log_day, 6.94);
  EXPECT_EQ(new_lesion_parameters(i, p).exponent, 2.0 / 3.0);
  EXPECT_EQ(non_target_parameters(i, p).pd_volume_increase, 0.73);
  EXPECT_EQ(new_lesion_parameters(i, p).occult_per_burden, 0.2);
  EXPECT_FALSE(resolve_progression_parameters({}).available());
  // Resolved against the table itself every index is its row: 13 rows, one index member each.
  ASSERT_EQ(table.size(), 13u);
  EXPECT_EQ(i.new_lesion_rate, 0);
  EXPECT_EQ(i.os_intercept, 3);
  EXPECT_EQ(i.os_growth_floor, 9);
  EXPECT_EQ(i.non_target_sd, 10);
  EXPECT_EQ(i.new_lesion_occult, 12);
}

// --- RECIST with new lesions and deaths (scans at 56, 112, 168 days; baseline 4 cm) -------------

const std::vector<double> kDays = {56, 112, 168};

TEST(RecistEvents, ANewLesionIsProgressionAtTheNextScanWhateverTheTargets) {
  RecistEvents e;
  e.new_lesion_day = 100.0;  // between the first and second scans
  const RecistOutcome r = assess_recist(kDays, {2.5, 2.0, 1.8}, 4.0, RecistOptions{}, e);
  EXPECT_EQ(r.per_scan[0], Response::kPR);  // -37.5 %
  EXPECT_EQ(r.per_scan[1], Response::kPD);  // shrinking targets, but a new lesion
  EXPECT_TRUE(r.pd_new_lesion);
  EXPECT_EQ(r.best, Response::kPR);
  EXPECT_TRUE(r.pfs_event);
  EXPECT_EQ(r.pfs_day, 112.0);
  EXPECT_TRUE(r.response_ended);
  EXPECT_EQ(r.duration_of_response_day, 112.0 - 56.0);
}

TEST(RecistEvents, ANewLesionBeforeTheFirstScanMakesBestResponsePd) {
  RecistEvents e;
  e.new_lesion_day = 10.0;
  const RecistOutcome r = assess_recist(kDays, {3.0, 2.0, 1.8}, 4.0, RecistOptions{}, e);
  EXPECT_EQ(r.best, Response::kPD);
  EXPECT_EQ(r.pfs_day, 56.0);
}

TEST(RecistEvents, DeathEndsScansAndPfs) {
  RecistEvents e;
  e.death_day = 130.0;
  e.pfs_death_limit_day = 400.0;
  const RecistOutcome r = assess_recist(kDays, {3.8, 3.9, 6.0}, 4.0, RecistOptions{}, e);
  ASSERT_EQ(r.per_scan.size(), 2u);  // the scan at 168 days never happens
  EXPECT_EQ(r.best, Response::kSD);
  EXPECT_TRUE(r.pfs_event);
  EXPECT_TRUE(r.pfs_death);
  EXPECT_EQ(r.pfs_day, 130.0);
  // Dying before the first scan: not evaluable, PFS event at death.
  e.death_day = 30.0;
  const RecistOutcome early = assess_recist(kDays, {3.8, 3.9, 6.0}, 4.0, RecistOptions{}, e);
  EXPECT_EQ(early.best, Response::kNE);
  EXPECT_EQ(early.pfs_day, 30.0);
  // A death after follow-up leaves PFS censored at the last scan.
  e.death_day = 500.0;
  const RecistOutcome late = assess_recist(kDays, {3.8, 3.9, 3.9}, 4.0, RecistOptions{}, e);
  EXPECT_FALSE(late.pfs_event);
  EXPECT_EQ(late.pfs_day, 168.0);
}

TEST(RecistEvents, ProgressionBeforeDeathKeepsTheProgressionDay) {
  RecistEvents e;
  e.death_day = 150.0;
  e.pfs_death_limit_day = 400.0;
  const RecistOutcome r = assess_recist(kDays, {4.0, 5.0, 6.0}, 4.0, RecistOptions{}, e);  // +25 %, +10 mm
  EXPECT_EQ(r.pfs_day, 112.0);
  EXPECT_FALSE(r.pfs_death);
  EXPECT_FALSE(r.pd_new_lesion);
}

TEST(RecistEvents, NoEventsReproduceThePlainAssessment) {
  const RecistOutcome a = assess_recist(kDays, {3.0, 2.0, 2.9}, 4.0, RecistOptions{});
  const RecistOutcome b = assess_recist(kDays, {3.0, 2.0, 2.9}, 4.0, RecistOptions{}, RecistEvents{});
  EXPECT_EQ(a.best, b.best);
  EXPECT_EQ(a.pfs_day, b.pfs_day);
  EXPECT_EQ(a.pfs_event, b.pfs_event);
  EXPECT_EQ(a.per_scan, b.per_scan);
}

// --- Non-target disease: size ratio (d_k / baseline) exp(delta t_k), PD at 1.2 x its nadir --------

TEST(NonTarget, SeventyThreePercentInVolumeIsTwentyPercentInDiameter) {
  NonTargetParameters nt;
  nt.pd_volume_increase = 0.73;
  EXPECT_NEAR(nt.pd_diameter_fraction(), 0.2, 1e-3);  // 1.73^(1/3) = 1.2002
  nt.pd_volume_increase = 0.331;
  EXPECT_NEAR(nt.pd_diameter_fraction(), 0.1, 1e-9);  // 1.331^(1/3) = 1.1
}

TEST(NonTarget, FasterNonTargetGrowthIsProgressionWhileTheTargetsAreStable) {
  RecistEvents e;
  e.non_target_growth_per_day = std::log(1.25) / 112.0;  // ratio 1.25^(56/112) = 1.118 at 56 days, 1.25 at 112
  const RecistOutcome r = assess_recist(kDays, {4.0, 4.0, 4.0}, 4.0, RecistOptions{}, e);
  EXPECT_EQ(r.per_scan[0], Response::kSD);  // 1.118 < 1.2
  EXPECT_EQ(r.per_scan[1], Response::kPD);  // 1.25 >= 1.2 x 1
  EXPECT_TRUE(r.pd_non_target);
  EXPECT_FALSE(r.pd_new_lesion);
  EXPECT_EQ(r.best, Response::kSD);
  EXPECT_EQ(r.pfs_day, 112.0);
}

TEST(NonTarget, ProgressionIsMeasuredFromTheNonTargetNadir) {
  RecistEvents e;
  e.non_target_growth_per_day = 0.005;
  // Targets at -40 %: ratio 0.6 e^0.28 = 0.794 at 56 days (the nadir), 0.6 e^0.56 = 1.050 at 112 days:
  // only 5 % above its baseline but 1.050 / 0.794 = 1.32 times its nadir.
  const RecistOutcome r = assess_recist(kDays, {2.4, 2.4, 2.4}, 4.0, RecistOptions{}, e);
  EXPECT_EQ(r.per_scan[0], Response::kPR);
  EXPECT_EQ(r.per_scan[1], Response::kPD);
  EXPECT_TRUE(r.pd_non_target);
  EXPECT_EQ(r.best, Response::kPR);
  EXPECT_EQ(r.duration_of_response_day, 112.0 - 56.0);
}

TEST(NonTarget, NonTargetDiseaseNeedsNoFiveMillimetres) {
  RecistEvents e;
  e.non_target_growth_per_day = 0.0;  // follows the targets exactly
  // Baseline 2 cm to 2.45 cm: +22.5 % but 4.5 mm, short of the targets' 5 mm; non-target 1.225 >= 1.2.
  const RecistOutcome plain = assess_recist({56.0}, {2.45}, 2.0, RecistOptions{});
  const RecistOutcome with = assess_recist({56.0}, {2.45}, 2.0, RecistOptions{}, e);
  EXPECT_EQ(plain.best, Response::kSD);
  EXPECT_EQ(with.best, Response::kPD);
  EXPECT_TRUE(with.pd_non_target);
}

TEST(NonTarget, CompleteResponseNeedsTheNonTargetDiseaseGoneToo) {
  RecistEvents e;
  e.non_target_growth_per_day = 0.02;
  // Targets 4 cm -> 0.1 cm (CR alone); non-target 0.1 e^(0.02 x 56) = 0.1 x 3.065 = 0.31 cm > 0.2: PR.
  const RecistOutcome plain = assess_recist({56.0}, {0.1}, 4.0, RecistOptions{});
  const RecistOutcome with = assess_recist({56.0}, {0.1}, 4.0, RecistOptions{}, e);
  EXPECT_EQ(plain.best, Response::kCR);
  EXPECT_EQ(with.best, Response::kPR);
}

}  // namespace
}  // namespace vct
