// SPDX-License-Identifier: MIT
// Baseline biomarkers and subgroup analyses (core/biomarkers.hpp, core/subgroups.hpp): the TPS
// mapping's limiting cases and monotonicity, its closed-form fit, subgroup levels, and the
// subgroup statistics on hand-computed cases.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/biomarkers.hpp"
#include "core/error.hpp"
#include "core/random.hpp"
#include "core/statistics.hpp"
#include "core/subgroups.hpp"
#include "core/trial.hpp"

using namespace vct;

namespace {
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
}

TEST(TpsMapping, FiftyPercentAtTheThresholdAndTheNormalCdfAroundIt) {
  const TpsMapping m{5e5, 0.2};
  EXPECT_DOUBLE_EQ(tps_pct(5e5, m), 50.0);  // Phi(0) = 1/2
  // One cell SD above the threshold: 100 Phi(1) = 84.134474606854 %.
  EXPECT_NEAR(tps_pct(5e5 * std::exp(0.2), m), 84.13447460685429, 1e-9);
  // At ln(m/T) = s Phi^-1(0.01) exactly 1 % of the cells pass: the TPS 1 % cut.
  EXPECT_NEAR(tps_pct(5e5 * std::exp(0.2 * normal_quantile(0.01)), m), 1.0, 1e-9);
}

TEST(TpsMapping, LimitingCasesStepWithoutCellSpreadZeroWithoutPdl1NanStaysNan) {
  const TpsMapping step{5e5, 0.0};
  EXPECT_EQ(tps_pct(5e5 * (1 + 1e-12), step), 100.0);  // every cell above the threshold
  EXPECT_EQ(tps_pct(5e5 * (1 - 1e-12), step), 0.0);    // no cell
  EXPECT_EQ(tps_pct(0.0, {5e5, 0.2}), 0.0);
  EXPECT_TRUE(std::isnan(tps_pct(kNaN, {5e5, 0.2})));
  EXPECT_NEAR(tps_pct(1e9, {5e5, 0.2}), 100.0, 1e-12);  // ln(2000) / 0.2 = 38 SD above
}

TEST(TpsMapping, NonDecreasingInPdl1) {
  const TpsMapping m{5.78e5, 0.181};
  double previous = -1.0;
  for (double log_m = std::log(1e4); log_m < std::log(1e7); log_m += 0.01) {
    const double t = tps_pct(std::exp(log_m), m);
    EXPECT_GE(t, previous) << "at m = " << std::exp(log_m);
    EXPECT_GE(t, 0.0);
    EXPECT_LE(t, 100.0);
    previous = t;
  }
}

TEST(TpsMapping, ClosedFormFitFromTheQuantilesByHand) {
  // ln m_k = k / 100, k = 0..100: the type-7 quantile at p is ln m = p. 22 % at TPS >= 50 puts
  // ln T at the 78th percentile, 0.78; 48 % below 1 puts ln T + s Phi^-1(0.01) at 0.48, so
  // s = 0.30 / 2.3263478740 = 0.1289574.
  std::vector<double> m;
  for (int k = 0; k <= 100; ++k) m.push_back(std::exp(k / 100.0));
  const TpsMapping fit = fit_tps_mapping(m, {});
  EXPECT_NEAR(std::log(fit.threshold_molecule), 0.78, 1e-12);
  EXPECT_NEAR(fit.cell_log_sd, 0.30 / 2.3263478740408408, 1e-9);
  // Under the fitted mapping the quantile patients sit on the cut points.
  EXPECT_NEAR(tps_pct(std::exp(0.78), fit), 50.0, 1e-9);
  EXPECT_NEAR(tps_pct(std::exp(0.48), fit), 1.0, 1e-9);
}

TEST(TpsMapping, FitRefusesSharesWithoutAMiddleStratumAndPopulationsWithoutSpread) {
  const std::vector<double> m = {1, 2, 3, 4, 5};
  TpsPrevalence none_left;
  none_left.share_at_or_above_high = 0.6;
  none_left.share_below_low = 0.4;
  EXPECT_THROW(fit_tps_mapping(m, none_left), Error);
  EXPECT_THROW(fit_tps_mapping({7, 7, 7, 7}, {}), Error);
  EXPECT_THROW(fit_tps_mapping({7}, {}), Error);
}

TEST(Subgroups, LevelsCountTheCutsAtOrBelowAValue) {
  const SubgroupDefinition d = default_tps_subgroups();  // cuts 1, 50
  EXPECT_EQ(subgroup_level(d, 0.0), 0);
  EXPECT_EQ(subgroup_level(d, 0.999), 0);
  EXPECT_EQ(subgroup_level(d, 1.0), 1);  // TPS 1 % belongs to 1-49 %
  EXPECT_EQ(subgroup_level(d, 49.99), 1);
  EXPECT_EQ(subgroup_level(d, 50.0), 2);
  EXPECT_EQ(subgroup_level(d, kNaN), -1);
  EXPECT_EQ(subgroup_level_label(d, 0), "< 1");
  EXPECT_EQ(subgroup_level_label(d, 1), "1 to < 50");
  EXPECT_EQ(subgroup_level_label(d, 2), ">= 50");
}

TEST(Statistics, ChiSquareUpperTailByHand) {
  EXPECT_NEAR(stats::chi_square_upper_tail(3.841458820694124, 1), 0.05, 1e-12);    // continued fraction branch
  EXPECT_NEAR(stats::chi_square_upper_tail(5.991464547107979, 2), 0.05, 1e-12);    // df 2: exp(-x/2) = 1/20
  EXPECT_NEAR(stats::chi_square_upper_tail(4.0, 4), 3.0 * std::exp(-2.0), 1e-12);  // series: e^-y (1 + y), y = 2
  EXPECT_NEAR(stats::chi_square_upper_tail(7.814727903251178, 3), 0.05, 1e-12);
  EXPECT_EQ(stats::chi_square_upper_tail(0.0, 2), 1.0);
}

TEST(Statistics, CochranQByHand) {
  // 0.1 and 0.3, both SE 0.1: weights 100, mean 0.2, Q = 100 (0.01 + 0.01) = 2, df 1,
  // p = erfc(sqrt(2 / 2)) = erfc(1) = 0.157299207. The NaN entry and the SE-0 entry do not count.
  const auto h = stats::cochran_q({0.1, 0.3, kNaN, 0.5}, {0.1, 0.1, 0.1, 0.0});
  EXPECT_NEAR(h.q, 2.0, 1e-12);
  EXPECT_EQ(h.df, 1);
  EXPECT_NEAR(h.p_value, std::erfc(1.0), 1e-12);
  const auto one = stats::cochran_q({0.1}, {0.1});
  EXPECT_EQ(one.df, 0);
  EXPECT_TRUE(std::isnan(one.p_value));
}

TEST(Statistics, PairedDifferenceWaldIntervalByHand) {
  // 10 respond only in the second arm, 4 only in the first, 50 pairs: d = 6/50 = 0.12,
  // se = sqrt(14 - 0.12^2 x 50) / 50 = sqrt(13.28) / 50 = 0.0728835.
  const auto d = stats::paired_difference(10, 4, 50);
  EXPECT_NEAR(d.estimate, 0.12, 1e-15);
  EXPECT_NEAR(d.se, std::sqrt(13.28) / 50.0, 1e-15);
  EXPECT_NEAR(d.upper, 0.12 + 1.959963984540054 * std::sqrt(13.28) / 50.0, 1e-15);
  EXPECT_TRUE(std::isnan(stats::paired_difference(0, 0, 0).estimate));
}

TEST(Statistics, RatioOfProportionsKatzIntervalByHand) {
  // 27/100 over 18/100: RR = 0.27 / 0.18 = 1.5; se of ln RR = sqrt(1/27 - 1/100 + 1/18 - 1/100)
  // = sqrt(0.0370370 + 0.0555556 - 0.02) = sqrt(0.0725926) = 0.269430; exp(1.96 x 0.269430) =
  // 1.69566, bounds 1.5 / 1.69566 = 0.884610 and 1.5 x 1.69566 = 2.54349.
  const auto r = stats::ratio_of_proportions(27, 100, 18, 100);
  EXPECT_NEAR(r.estimate, 1.5, 1e-14);
  EXPECT_NEAR(r.se, 0.269430, 1e-6);
  EXPECT_NEAR(r.lower, 0.884610, 1e-6);
  EXPECT_NEAR(r.upper, 2.54349, 1e-5);
  EXPECT_TRUE(std::isnan(stats::ratio_of_proportions(0, 100, 18, 100).estimate));  // no log interval
}

TEST(Statistics, PetoHazardRatioFromTheLogRankByHand) {
  // The log-rank example of LogRankByHand: O1 = 3, E1 = 1.15, V = 0.6775. The second group fails
  // later: ln HR = (E1 - O1) / V = -1.85 / 0.6775, SE = 1 / sqrt(0.6775).
  const auto hr =
      stats::peto_hazard_ratio(stats::log_rank({1, 2, 3}, {true, true, true}, {4, 5, 6}, {true, true, true}));
  EXPECT_NEAR(hr.log_hr, -1.85 / 0.6775, 1e-12);
  EXPECT_NEAR(hr.se, 1.0 / std::sqrt(0.6775), 1e-12);
  EXPECT_NEAR(hr.lower, std::exp(-1.85 / 0.6775 - 1.959963984540054 / std::sqrt(0.6775)), 1e-12);
  EXPECT_TRUE(std::isnan(stats::peto_hazard_ratio({}).estimate));  // no events
}

TEST(Subgroups, RatesEffectsAndInteractionByHand) {
  // Six patients at TPS 0.5, 0.5, 10, 10, 60, 60 (levels 0, 0, 1, 1, 2, 2) and one without a
  // TPS. Arm A: SD PD PR SD PR PR; arm B: PR PD PR PR PR PD.
  // ORR A by level 0/2, 1/2, 2/2; B 1/2, 2/2, 1/2. Paired B - A: +1/2, +1/2, -1/2 with one
  // discordant pair each, SE sqrt(1 - 0.25 x 2) / 2 = 0.3535534. Cochran Q: weights 8, mean
  // 1/6, Q = 8 (1/9 + 1/9 + 4/9) = 16/3, df 2, p = exp(-8/3) = 0.0694835.
  const std::vector<double> tps = {0.5, 0.5, 10, 10, 60, 60, kNaN};
  const std::vector<Response> a = {Response::kSD, Response::kPD, Response::kPR, Response::kSD,
                                   Response::kPR, Response::kPR, Response::kPR};
  const std::vector<Response> b = {Response::kPR, Response::kPD, Response::kPR, Response::kPR,
                                   Response::kPR, Response::kPD, Response::kPR};
  std::vector<std::vector<ArmOutcome>> outcomes(2);
  for (std::size_t i = 0; i < tps.size(); ++i) {
    outcomes[0].push_back({true, false, a[i], 100.0 + i, a[i] == Response::kPD});
    outcomes[1].push_back({true, false, b[i], 200.0 + i, b[i] == Response::kPD});
    for (auto& arm : outcomes) arm.back().biomarkers[static_cast<std::size_t>(Biomarker::kTpsPct)] = tps[i];
  }
  const auto result = summarise_subgroups(outcomes, {default_tps_subgroups()}, {{0, 1}});
  ASSERT_EQ(result.size(), 1u);
  const SubgroupAnalysis& s = result[0];
  EXPECT_EQ(s.level_patients, (std::vector<int>{2, 2, 2}));
  EXPECT_EQ(s.not_classified, 1);
  ASSERT_EQ(s.rows.size(), 6u);  // 3 levels x 2 arms, level-major
  const int orr_a[3] = {0, 1, 2}, orr_b[3] = {1, 2, 1};
  for (int l = 0; l < 3; ++l) {
    EXPECT_EQ(s.rows[static_cast<std::size_t>(2 * l)].orr.successes, orr_a[l]);
    EXPECT_EQ(s.rows[static_cast<std::size_t>(2 * l + 1)].orr.successes, orr_b[l]);
    EXPECT_EQ(s.rows[static_cast<std::size_t>(2 * l)].n, 2);
  }
  EXPECT_EQ(s.rows[0].dcr.successes, 1);  // A, TPS < 1: SD and PD
  ASSERT_EQ(s.effects.size(), 3u);
  const double se = std::sqrt(0.5) / 2.0;
  EXPECT_NEAR(s.effects[0].orr_difference, 0.5, 1e-15);
  EXPECT_NEAR(s.effects[2].orr_difference, -0.5, 1e-15);
  EXPECT_NEAR(s.effects[1].orr_difference_se, se, 1e-15);
  EXPECT_NEAR(s.effects[1].orr_difference_lower, 0.5 - 1.959963984540054 * se, 1e-12);
  ASSERT_EQ(s.interactions.size(), 1u);
  EXPECT_NEAR(s.interactions[0].orr.q, 16.0 / 3.0, 1e-12);
  EXPECT_EQ(s.interactions[0].orr.df, 2);
  EXPECT_NEAR(s.interactions[0].orr.p_value, std::exp(-8.0 / 3.0), 1e-12);
  EXPECT_FALSE(s.interactions[0].has_os);
}
