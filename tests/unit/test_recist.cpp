// SPDX-License-Identifier: MIT
// RECIST 1.1 on hand-built diameter series: every category, the nadir rule, the 5 mm rule,
// confirmation, minimum SD duration, and progression ending the assessment.
#include <gtest/gtest.h>

#include <cmath>

#include "core/recist.hpp"

namespace vct {
namespace {

const std::vector<double> kDays = {56, 112, 168};

RecistOutcome assess(const std::vector<double>& d, double baseline = 4.0, RecistOptions o = {}) {
  std::vector<double> days(kDays.begin(), kDays.begin() + static_cast<long>(d.size()));
  return assess_recist(days, d, baseline, o);
}

TEST(Recist, ScanScheduleEveryEightWeeksWithinHorizon) {
  const auto days = scan_days(RecistOptions{}, 400.0);
  ASSERT_EQ(days.size(), 7u);
  EXPECT_EQ(days.front(), 56.0);
  EXPECT_EQ(days.back(), 392.0);
}

TEST(Recist, PartialResponseAtMinusThirtyPercent) {
  const auto r = assess({2.8, 2.5, 2.6});  // -30 % exactly, then deeper
  EXPECT_EQ(r.per_scan[0], Response::kPR);
  EXPECT_EQ(r.best, Response::kPR);
  EXPECT_EQ(r.best_response_day, 56.0);
  EXPECT_EQ(r.time_to_response_day, 56.0);
  EXPECT_FALSE(r.pfs_event);
  EXPECT_EQ(r.pfs_day, 168.0);  // censored at the last scan
  EXPECT_EQ(r.duration_of_response_day, 112.0);
  EXPECT_FALSE(r.response_ended);
  EXPECT_NEAR(r.best_change_pct, -37.5, 1e-12);
}

TEST(Recist, BestScanChangeIsNotCappedAtBaselineAndStopsAtTheFirstProgression) {
  // Baseline 4.0 cm; scans 4.2 (+5 %), 4.4 (+10 %), 5.0 (+25 %, >= 20 % and >= 5 mm above the
  // nadir 4.0: PD at the third scan), 3.0 (after PD, ignored). Best response SD (held two scans),
  // PFS event at the PD. Best over the scans up to the PD: +5 %; the capped best change counts the
  // baseline: 0 %.
  const auto r = assess_recist({56, 112, 168, 224}, {4.2, 4.4, 5.0, 3.0}, 4.0, RecistOptions{});
  EXPECT_EQ(r.best, Response::kSD);
  EXPECT_TRUE(r.pfs_event);
  EXPECT_EQ(r.per_scan[2], Response::kPD);
  EXPECT_NEAR(r.best_scan_change_pct, 5.0, 1e-12);
  EXPECT_EQ(r.best_change_pct, 0.0);
  // A shrinking patient: both agree (-37.5 %, as in PartialResponseAtMinusThirtyPercent).
  const auto pr = assess({2.8, 2.5, 2.6});
  EXPECT_NEAR(pr.best_scan_change_pct, pr.best_change_pct, 1e-12);
  // No scan: NaN, not 0.
  EXPECT_TRUE(std::isnan(assess({}).best_scan_change_pct));
}

TEST(Recist, JustShortOfThirtyPercentIsStableDisease) {
  const auto r = assess({2.81});
  EXPECT_EQ(r.best, Response::kSD);
  EXPECT_TRUE(std::isnan(r.time_to_response_day));
}

TEST(Recist, CompleteResponseAtTwoMillimetres) {
  const auto r = assess({1.0, 0.2, 0.1});
  EXPECT_EQ(r.per_scan[0], Response::kPR);
  EXPECT_EQ(r.per_scan[1], Response::kCR);
  EXPECT_EQ(r.best, Response::kCR);
  EXPECT_EQ(r.best_response_day, 112.0);
  EXPECT_EQ(r.time_to_response_day, 56.0);  // first response of any depth
}

TEST(Recist, ProgressionAtFirstScan) {
  const auto r = assess({4.9});  // +22.5 %, +9 mm
  EXPECT_EQ(r.best, Response::kPD);
  EXPECT_TRUE(r.pfs_event);
  EXPECT_EQ(r.pfs_day, 56.0);
}

TEST(Recist, TwentyPercentWithoutFiveMillimetresIsNotProgression) {
  const auto r = assess({1.3}, 1.0);  // +30 % but only +3 mm
  EXPECT_EQ(r.best, Response::kSD);
  EXPECT_FALSE(r.pfs_event);
}

TEST(Recist, ProgressionIsMeasuredFromTheNadir) {
  const auto r = assess({3.0, 3.7});  // -25 % (SD), then +23 % and +7 mm over the nadir 3.0
  EXPECT_EQ(r.per_scan[0], Response::kSD);
  EXPECT_EQ(r.per_scan[1], Response::kPD);
  EXPECT_EQ(r.best, Response::kSD);
  EXPECT_TRUE(r.pfs_event);
  EXPECT_EQ(r.pfs_day, 112.0);
}

TEST(Recist, ScansAfterProgressionDoNotCount) {
  const auto r = assess({4.9, 2.0, 0.1});
  EXPECT_EQ(r.best, Response::kPD);
  EXPECT_EQ(r.pfs_day, 56.0);
  EXPECT_EQ(r.per_scan[2], Response::kCR);  // still classified for plots
  EXPECT_TRUE(std::isnan(r.time_to_response_day));
}

TEST(Recist, ResponseEndsWithProgression) {
  const auto r = assess({2.0, 2.6});  // PR (-50 %), then +30 % and +6 mm over the nadir
  EXPECT_EQ(r.best, Response::kPR);
  EXPECT_TRUE(r.response_ended);
  EXPECT_EQ(r.duration_of_response_day, 56.0);
}

TEST(Recist, ConfirmationTurnsAnUnconfirmedPartialResponseIntoStableDisease) {
  RecistOptions o;
  o.confirmation = true;
  EXPECT_EQ(assess({2.7, 3.5}, 4.0, o).best, Response::kSD);   // PR then SD: not confirmed
  EXPECT_EQ(assess({2.7, 3.5}, 4.0).best, Response::kPR);      // without confirmation
  EXPECT_EQ(assess({2.7, 2.6}, 4.0, o).best, Response::kPR);   // confirmed 56 days later
  EXPECT_EQ(assess({0.15, 0.5}, 4.0, o).best, Response::kPR);  // CR, then PR (+3.5 mm: not PD): a confirmed PR
  EXPECT_EQ(assess({0.1, 1.0}, 4.0, o).best, Response::kSD);   // CR, then +9 mm over the nadir: PD, unconfirmed
  EXPECT_EQ(assess({0.1, 0.1}, 4.0, o).best, Response::kCR);
  EXPECT_EQ(assess({2.7}, 4.0, o).best, Response::kSD);  // no later scan
}

TEST(Recist, ConfirmationNeedsTheMinimumInterval) {
  RecistOptions o;
  o.confirmation = true;
  o.confirmation_min_day = 28;
  // Scans every 14 days: the scan 14 days later is too early; the one 28 days later confirms.
  EXPECT_EQ(assess_recist({14, 28}, {2.7, 2.7}, 4.0, o).best, Response::kSD);
  const auto r = assess_recist({14, 28, 42}, {2.7, 2.7, 2.7}, 4.0, o);
  EXPECT_EQ(r.best, Response::kPR);
  EXPECT_EQ(r.time_to_response_day, 14.0);
}

TEST(Recist, MinimumStableDiseaseDuration) {
  RecistOptions o;
  o.min_sd_duration_day = 84;
  EXPECT_EQ(assess({3.5}, 4.0, o).best, Response::kNE);       // SD too early, nothing else
  EXPECT_EQ(assess({3.5, 4.9}, 4.0, o).best, Response::kPD);  // SD too early, then PD
  EXPECT_EQ(assess({3.5, 3.6}, 4.0, o).best, Response::kSD);  // SD still present at day 112
}

TEST(Recist, RunStoppedEarlyIsAssessedOnItsCompletedScans) {
  // Scans at 56, 112, 168; the run stopped at day 150: PR at 56 and 112 count, PFS censored at 112.
  const std::vector<double> diameters = {2.7, 2.0, 0.1};
  const auto r = assess_available_scans(kDays, 150.0, 4.0, RecistOptions{}, [&](double day) {
    return diameters[static_cast<std::size_t>(day / 56.0) - 1];
  });
  EXPECT_EQ(r.per_scan.size(), 2u);
  EXPECT_EQ(r.best, Response::kPR);
  EXPECT_FALSE(r.pfs_event);
  EXPECT_EQ(r.pfs_day, 112.0);
}

TEST(Recist, NoScansIsNotEvaluable) {
  const auto r = assess_recist({}, {}, 4.0, RecistOptions{});
  EXPECT_EQ(r.best, Response::kNE);
  EXPECT_EQ(r.pfs_day, 0.0);
}

}  // namespace
}  // namespace vct
