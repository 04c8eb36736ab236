// SPDX-License-Identifier: MIT
// Stopping rules (core/stopping.hpp): the stop day read from hand-written scan series, the doses
// left by a stop (the trial arm that stops: tests/trial/test_trial.cpp).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "core/dosing.hpp"
#include "core/stopping.hpp"
#include "models/registry.hpp"

using namespace vct;

namespace {

constexpr Response CR = Response::kCR, PR = Response::kPR, SD = Response::kSD, PD = Response::kPD;
const std::vector<double> kScans = {42, 84, 126, 168, 210};

StopRule responding(int k) {
  StopRule r;
  r.responding_scans = k;
  return r;
}

}  // namespace

TEST(StopRule, RespondingScansStopOnTheScanCompletingTheRun) {
  // SD, PR, SD, PR, CR: the run of 2 responding scans is completed on the fifth scan (day 210);
  // one responding scan suffices on the second (day 84); three never come.
  const std::vector<Response> s = {SD, PR, SD, PR, CR};
  EXPECT_EQ(ici_stop_day(responding(2), kScans, s), 210.0);
  EXPECT_EQ(ici_stop_day(responding(1), kScans, s), 84.0);
  EXPECT_TRUE(std::isnan(ici_stop_day(responding(3), kScans, s)));
}

TEST(StopRule, ResponsesAfterProgressionDoNotCount) {
  // PR at day 42, PD at 84, then PR, PR: the assessment ended at 84, so no run of 2.
  EXPECT_TRUE(std::isnan(ici_stop_day(responding(2), kScans, {PR, PD, PR, PR, PR})));
  StopRule cr;
  cr.confirmed_complete_response = true;
  EXPECT_TRUE(std::isnan(ici_stop_day(cr, kScans, {PR, PD, CR, CR, CR})));
}

TEST(StopRule, ConfirmedCompleteResponseStopsOnTheConfirmingScan) {
  // CR at 84 not confirmed (PR at 126), CR at 168 confirmed at 210.
  StopRule cr;
  cr.confirmed_complete_response = true;
  EXPECT_EQ(ici_stop_day(cr, kScans, {PR, CR, PR, CR, CR}), 210.0);
  EXPECT_TRUE(std::isnan(ici_stop_day(cr, kScans, {PR, CR, PR, PR, CR})));
}

TEST(StopRule, TheEarliestTriggerWins) {
  // Fixed duration 150 days with two responding scans (day 84) and a confirmed CR (day 126):
  // 84; with the fixed duration at 60 days: 60; the fixed duration alone triggers without scans.
  StopRule r = responding(2);
  r.confirmed_complete_response = true;
  r.after_day = 150;
  EXPECT_EQ(ici_stop_day(r, kScans, {PR, CR, CR, CR, CR}), 84.0);
  r.after_day = 60;
  EXPECT_EQ(ici_stop_day(r, kScans, {PR, CR, CR, CR, CR}), 60.0);
  StopRule fixed;
  fixed.after_day = 365.25;
  EXPECT_EQ(ici_stop_day(fixed, {}, {}), 365.25);
  EXPECT_FALSE(StopRule{}.any());
}

TEST(StopRule, StoppedRegimensKeepOnlyTheDosesBeforeTheStopDay) {
  // Pembrolizumab every 21 days from day 0 to day 400: 0, 21, ..., 399 = 20 doses. Stopped at day
  // 63 (a scan day that is also a dose day): 0, 21, 42 = 3 doses, the dose on the stop day withheld;
  // at 64: 4. Nivolumab 5 doses every 14 days from 0 (0 ... 56) is untouched by a stop at 100; a
  // single dose on day 70 goes with a stop on day 70.
  const ModelDefinition& model = models::get_model("qspio_nsclc");
  const std::vector<double> p = model.default_parameters();
  DoseRegimen pembro;
  pembro.drug = "pembrolizumab";
  pembro.dose_mg = 200;
  pembro.interval_day = 21;
  pembro.end_day = 400;
  auto count = [&](const std::vector<DoseRegimen>& r) { return expand_schedule(model, r, 80, 400, p).size(); };
  EXPECT_EQ(count({pembro}), 20u);
  EXPECT_EQ(count(stop_regimens({pembro}, 63)), 3u);
  EXPECT_EQ(count(stop_regimens({pembro}, 64)), 4u);
  EXPECT_EQ(count(stop_regimens(stop_regimens({pembro}, 64), 200)), 4u);  // an earlier stop is kept
  DoseRegimen nivo;
  nivo.drug = "nivolumab";
  nivo.dose_mg_per_kg = 3;
  nivo.interval_day = 14;
  nivo.n_doses = 5;
  EXPECT_EQ(count(stop_regimens({nivo}, 100)), 5u);
  DoseRegimen once;
  once.drug = "nivolumab";
  once.dose_mg = 240;
  once.start_day = 70;
  EXPECT_EQ(count(stop_regimens({once}, 70)), 0u);
}
