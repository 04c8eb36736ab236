// SPDX-License-Identifier: MIT
// Trial statistics against known values: exact binomial bounds (R binom.test), incomplete beta,
// Kaplan-Meier by hand, Fisher's tea-tasting table, exact McNemar, and a hand-computed log-rank.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/statistics.hpp"
#include "core/trial.hpp"

namespace vct {
namespace {

TEST(Statistics, IncompleteBetaClosedForm) {
  // I_x(2, 3) = sum_{j=2}^{4} C(4, j) x^j (1-x)^(4-j); at x = 1/2: 11/16.
  EXPECT_NEAR(stats::incomplete_beta(0.5, 2, 3), 0.6875, 1e-14);
  EXPECT_NEAR(stats::incomplete_beta(0.3, 1, 1), 0.3, 1e-14);
  EXPECT_NEAR(stats::beta_quantile(0.6875, 2, 3), 0.5, 1e-12);
}

TEST(Statistics, ClopperPearsonMatchesBinomTest) {
  // R: binom.test(5, 20)$conf.int = 0.08657147 0.49104587
  const auto p = stats::clopper_pearson(5, 20);
  EXPECT_NEAR(p.estimate, 0.25, 1e-15);
  EXPECT_NEAR(p.lower, 0.08657147, 1e-8);
  EXPECT_NEAR(p.upper, 0.49104587, 1e-8);
  // binom.test(0, 10): 0, 0.3084971; binom.test(10, 10): 0.6915029, 1
  EXPECT_EQ(stats::clopper_pearson(0, 10).lower, 0.0);
  EXPECT_NEAR(stats::clopper_pearson(0, 10).upper, 0.3084971, 1e-7);
  EXPECT_NEAR(stats::clopper_pearson(10, 10).lower, 0.6915029, 1e-7);
  EXPECT_TRUE(std::isnan(stats::clopper_pearson(0, 0).estimate));
}

TEST(Statistics, BetaBinomialByHand) {
  // a = b = 1: the rate is uniform, so every count of n = 4 is equally likely, 1/5.
  for (int x = 0; x <= 4; ++x) EXPECT_NEAR(stats::beta_binomial_pmf(x, 4, 1.0, 1.0), 0.2, 1e-14);
  // a = 1, b = 2, n = 2: C(2, x) B(x + 1, 4 - x) / B(1, 2), B(1, 2) = 1/2:
  // x = 0: 1 x B(1, 4) x 2 = 1/4 x 2 = 1/2; x = 1: 2 x B(2, 3) x 2 = 2 x 1/12 x 2 = 1/3;
  // x = 2: 1 x B(3, 2) x 2 = 1/12 x 2 = 1/6.
  EXPECT_NEAR(stats::beta_binomial_pmf(0, 2, 1.0, 2.0), 0.5, 1e-14);
  EXPECT_NEAR(stats::beta_binomial_pmf(1, 2, 1.0, 2.0), 1.0 / 3.0, 1e-14);
  EXPECT_NEAR(stats::beta_binomial_pmf(2, 2, 1.0, 2.0), 1.0 / 6.0, 1e-14);
  EXPECT_EQ(stats::beta_binomial_pmf(3, 2, 1.0, 2.0), 0.0);
}

TEST(Statistics, TrialPredictionIsTheBetaBinomialIntervalOfTheTrialCount) {
  // 354 of 1000 simulated responders, a 36-patient trial: X ~ BetaBinomial(36, 354.5, 646.5).
  // scipy.stats.betabinom(36, 354.5, 646.5): cdf(6) = 0.0126 < 0.025 <= cdf(7) = 0.0319, and
  // cdf(18) = 0.9734 < 0.975 <= cdf(19) = 0.9882, so the interval is 7..19 responders; 17 observed:
  // p = 2 min(cdf(17), sf(16)) = 0.2021.
  const auto t = stats::trial_prediction(354, 1000, 36, 17);
  EXPECT_EQ(t.lower, 7);
  EXPECT_EQ(t.upper, 19);
  EXPECT_NEAR(t.p_value, 0.2021138, 1e-6);
  EXPECT_TRUE(t.inside());
  // 20 observed lies outside: p = 2 sf(19) = 0.0237.
  const auto u = stats::trial_prediction(354, 1000, 36, 20);
  EXPECT_FALSE(u.inside());
  EXPECT_NEAR(u.p_value, 0.0236956, 1e-6);
  // A simulated rate known almost exactly (354 500 of 10^6) leaves only the trial's binomial
  // spread: Binomial(36, 0.3545) has the interval 7..18 (scipy.stats.binom).
  const auto v = stats::trial_prediction(354500, 1000000, 36, 17);
  EXPECT_EQ(v.lower, 7);
  EXPECT_EQ(v.upper, 18);
}

TEST(Statistics, KaplanMeierByHand) {
  // times 1 2 2 3 4 5, events 1 1 0 1 0 1:
  // S(1) = 5/6, S(2) = 5/6 * 4/5 = 2/3, S(3) = 2/3 * 2/3 = 4/9, S(5) = 0. Median = 3.
  const auto km = stats::kaplan_meier({1, 2, 2, 3, 4, 5}, {true, true, false, true, false, true});
  ASSERT_EQ(km.time.size(), 4u);
  EXPECT_NEAR(km.survival[0], 5.0 / 6.0, 1e-15);
  EXPECT_NEAR(km.survival[1], 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(km.survival[2], 4.0 / 9.0, 1e-15);
  EXPECT_EQ(km.survival[3], 0.0);
  EXPECT_EQ(km.at_risk[2], 3);
  EXPECT_EQ(km.median, 3.0);
  // Greenwood log-log bounds bracket the estimate.
  for (std::size_t k = 0; k + 1 < km.time.size(); ++k) {
    EXPECT_LT(km.lower[k], km.survival[k]);
    EXPECT_GT(km.upper[k], km.survival[k]);
  }
  // No event: median not reached.
  EXPECT_TRUE(std::isnan(stats::kaplan_meier({5, 6}, {false, false}).median));
}

TEST(Statistics, KaplanMeierReadAtLandmarks) {
  // Same curve as above: S = 1 before t = 1, 5/6 on [1, 2), 2/3 on [2, 3), 4/9 on [3, 5), 0 from 5.
  const auto km = stats::kaplan_meier({1, 2, 2, 3, 4, 5}, {true, true, false, true, false, true});
  EXPECT_EQ(stats::survival_at(km, 0.5).estimate, 1.0);
  EXPECT_NEAR(stats::survival_at(km, 1.0).estimate, 5.0 / 6.0, 1e-15);  // right-continuous: the step at 1 counts
  EXPECT_NEAR(stats::survival_at(km, 2.9).estimate, 2.0 / 3.0, 1e-15);
  EXPECT_NEAR(stats::survival_at(km, 4.5).estimate, 4.0 / 9.0, 1e-15);
  EXPECT_NEAR(stats::survival_at(km, 2.5).lower, km.lower[1], 1e-15);  // the bounds of the same step
  EXPECT_EQ(stats::survival_at(km, 5.0).estimate, 0.0);
  // Beyond the last observation (5) the curve is not estimable.
  EXPECT_TRUE(std::isnan(stats::survival_at(km, 5.1).estimate));
  // Censored follow-up to 10 without events: S(8) = 1, S(11) unknown.
  const auto flat = stats::kaplan_meier({10, 10}, {false, false});
  EXPECT_EQ(stats::survival_at(flat, 8.0).estimate, 1.0);
  EXPECT_TRUE(std::isnan(stats::survival_at(flat, 11.0).estimate));
}

TEST(Statistics, FisherExactTeaTasting) {
  EXPECT_NEAR(stats::fisher_exact(3, 1, 1, 3), 0.4857142857, 1e-9);  // Fisher's lady tasting tea
  EXPECT_NEAR(stats::fisher_exact(4, 0, 0, 4), 0.0285714286, 1e-9);
  EXPECT_NEAR(stats::fisher_exact(2, 2, 2, 2), 1.0, 1e-12);
}

TEST(Statistics, McNemarExact) {
  EXPECT_NEAR(stats::mcnemar_exact(1, 9), 22.0 / 1024.0, 1e-15);
  EXPECT_EQ(stats::mcnemar_exact(0, 0), 1.0);
  EXPECT_EQ(stats::mcnemar_exact(5, 5), 1.0);
}

TEST(Statistics, LogRankByHand) {
  // Group 1 fails at 1, 2, 3; group 2 at 4, 5, 6. O1 = 3, E1 = 1/2 + 2/5 + 1/4 = 1.15,
  // V = 1/4 + 6/25 + 3/16 = 0.6775, chi2 = 1.85^2 / 0.6775 = 5.05166, p = 0.0246023.
  const auto lr = stats::log_rank({1, 2, 3}, {true, true, true}, {4, 5, 6}, {true, true, true});
  EXPECT_NEAR(lr.expected_first, 1.15, 1e-12);
  EXPECT_NEAR(lr.chi_square, 5.051660516605167, 1e-12);
  EXPECT_NEAR(lr.p_value, 0.024602349953641786, 1e-12);
}

TEST(TrialSummary, CountsRatesAndPairedComparison) {
  // Arm A: 2 responders of 5; arm B: 4 of 5; B responds wherever A does.
  const std::vector<Response> a = {Response::kPR, Response::kCR, Response::kSD, Response::kPD, Response::kSD};
  const std::vector<Response> b = {Response::kPR, Response::kCR, Response::kPR, Response::kPR, Response::kSD};
  std::vector<std::vector<ArmOutcome>> outcomes(2);
  for (std::size_t i = 0; i < a.size(); ++i) {
    outcomes[0].push_back({true, false, a[i], 56.0 * (i + 1), a[i] == Response::kPD});
    outcomes[1].push_back({true, false, b[i], 56.0 * (i + 2), false});
  }
  outcomes[1].push_back({false, true, Response::kNE, 0, false});  // failed before any assessment
  outcomes[0].push_back({true, false, Response::kSD, 56, false});
  TrialSummary s;
  summarise_arms({"A", "B"}, outcomes, s);
  ASSERT_EQ(s.arms.size(), 2u);
  EXPECT_EQ(s.arms[0].n, 6);
  EXPECT_EQ(s.arms[0].counts[0] + s.arms[0].counts[1], 2);
  EXPECT_EQ(s.arms[1].n, 5);
  EXPECT_EQ(s.arms[1].solver_failures, 1);
  EXPECT_NEAR(s.arms[1].orr.estimate, 0.8, 1e-15);
  EXPECT_NEAR(s.arms[0].dcr.estimate, 5.0 / 6.0, 1e-15);
  ASSERT_EQ(s.comparisons.size(), 1u);
  EXPECT_EQ(s.comparisons[0].n_pairs, 5);
  EXPECT_EQ(s.comparisons[0].responders_first_only, 0);
  EXPECT_EQ(s.comparisons[0].responders_second_only, 2);
  EXPECT_NEAR(s.comparisons[0].orr_difference, 0.4, 1e-15);
  EXPECT_NEAR(s.comparisons[0].mcnemar_p, 0.5, 1e-15);
  EXPECT_NEAR(s.comparisons[0].fisher_p, stats::fisher_exact(2, 3, 4, 1), 1e-15);
}

TEST(Statistics, HolmAdjustmentByHand) {
  // p = 0.01, 0.04, 0.03 (m = 3): sorted 0.01, 0.03, 0.04 -> 3 x 0.01 = 0.03; 2 x 0.03 = 0.06;
  // 1 x 0.04 = 0.04, raised to 0.06 (step-down never decreases). In input order: 0.03, 0.06, 0.06.
  const auto a = stats::holm_adjust({0.01, 0.04, 0.03});
  EXPECT_NEAR(a[0], 0.03, 1e-15);
  EXPECT_NEAR(a[1], 0.06, 1e-15);
  EXPECT_NEAR(a[2], 0.06, 1e-15);
  // Capped at 1; a NaN (test not done) stays NaN and does not count: m = 2, 2 x 0.6 = 1.2 -> 1.
  const auto b = stats::holm_adjust({0.6, std::nan(""), 0.7});
  EXPECT_EQ(b[0], 1.0);
  EXPECT_TRUE(std::isnan(b[1]));
  EXPECT_EQ(b[2], 1.0);
  // One p-value: unchanged.
  EXPECT_EQ(stats::holm_adjust({0.2})[0], 0.2);
}

TEST(Statistics, SpreadIsTheMeanSampleSdAndRange) {
  // 2, 4, 9: mean 15 / 3 = 5; squares 9 + 1 + 16 = 26, SD sqrt(26 / 2) = sqrt(13) (divisor n - 1).
  const stats::Spread s = stats::spread({4.0, 2.0, 9.0});
  EXPECT_EQ(s.n, 3u);
  EXPECT_DOUBLE_EQ(s.mean, 5.0);
  EXPECT_DOUBLE_EQ(s.sd, std::sqrt(13.0));
  EXPECT_EQ(s.min, 2.0);
  EXPECT_EQ(s.max, 9.0);
  // One value has no SD; no values, nothing.
  const stats::Spread one = stats::spread({0.3});
  EXPECT_EQ(one.mean, 0.3);
  EXPECT_TRUE(std::isnan(one.sd));
  const stats::Spread none = stats::spread({});
  EXPECT_EQ(none.n, 0u);
  EXPECT_TRUE(std::isnan(none.mean) && std::isnan(none.sd) && std::isnan(none.min) && std::isnan(none.max));
}

TEST(TrialSummary, ComparisonsFollowThePlanAndAreHolmAdjusted) {
  // Three arms of four patients; responders: A none, B two, C all four.
  std::vector<std::vector<ArmOutcome>> outcomes(3);
  const int responders[3] = {0, 2, 4};
  for (int arm = 0; arm < 3; ++arm)
    for (int i = 0; i < 4; ++i)
      outcomes[arm].push_back({true, false, i < responders[arm] ? Response::kPR : Response::kSD, 56.0, false});
  TrialSummary s;
  summarise_arms({"A", "B", "C"}, outcomes, s);  // default: the first arm against each other arm
  ASSERT_EQ(s.comparisons.size(), 2u);
  EXPECT_EQ(s.comparisons[0].first + s.comparisons[0].second, "AB");
  EXPECT_EQ(s.comparisons[1].first + s.comparisons[1].second, "AC");
  // McNemar exact: A vs B 0/2 discordant -> p = 2 x 0.5^2 = 0.5; A vs C 0/4 -> 2 x 0.5^4 = 0.125.
  // Holm over 2: 2 x 0.125 = 0.25, then max(0.25, 1 x 0.5) = 0.5.
  EXPECT_NEAR(s.comparisons[0].mcnemar_p, 0.5, 1e-15);
  EXPECT_NEAR(s.comparisons[1].mcnemar_p, 0.125, 1e-15);
  EXPECT_NEAR(s.comparisons[1].mcnemar_p_adjusted, 0.25, 1e-15);
  EXPECT_NEAR(s.comparisons[0].mcnemar_p_adjusted, 0.5, 1e-15);
  EXPECT_TRUE(std::isnan(s.comparisons[0].os_log_rank_p_adjusted));  // no OS in this trial
  // Control C: C vs A, C vs B, differences taken against C.
  summarise_arms({"A", "B", "C"}, outcomes, s, ComparisonPlan{2, false, true});
  ASSERT_EQ(s.comparisons.size(), 2u);
  EXPECT_EQ(s.comparisons[0].first + s.comparisons[0].second, "CA");
  EXPECT_NEAR(s.comparisons[0].orr_difference, -1.0, 1e-15);  // 0/4 - 4/4
  EXPECT_EQ(s.comparisons[1].first + s.comparisons[1].second, "CB");
  // Every pair, unadjusted: three comparisons, adjusted equal to raw.
  summarise_arms({"A", "B", "C"}, outcomes, s, ComparisonPlan{0, true, false});
  ASSERT_EQ(s.comparisons.size(), 3u);
  EXPECT_EQ(s.comparisons[2].first + s.comparisons[2].second, "BC");
  for (const auto& c : s.comparisons) EXPECT_EQ(c.mcnemar_p_adjusted, c.mcnemar_p);
}

TEST(TrialSummary, TimeToResponseAndDurationOfResponseAmongResponders) {
  // Three responders: TTR 56, 112, 56 -> median 56. DoR 100 (ended), 50 (censored), 200 (ended):
  // in time order the censoring at 50 leaves 2 at risk at 100, S(100) = 1 - 1/2 = 0.5 -> median 100.
  // The SD patient's TTR/DoR (NaN) and a PD patient are ignored; PFS landmarks: follow-up 336 d
  // covers 6 months (182.625 d) but not 12 (365.25 d).
  std::vector<std::vector<ArmOutcome>> outcomes(1);
  auto patient = [](Response best, double ttr, double dor, bool ended, double pfs, bool event) {
    ArmOutcome o;
    o.evaluable = true;
    o.best = best;
    o.time_to_response_day = ttr;
    o.duration_of_response_day = dor;
    o.response_ended = ended;
    o.pfs_day = pfs;
    o.pfs_event = event;
    return o;
  };
  const double nan = std::numeric_limits<double>::quiet_NaN();
  outcomes[0] = {patient(Response::kPR, 56, 100, true, 156, true), patient(Response::kCR, 112, 50, false, 336, false),
                 patient(Response::kPR, 56, 200, true, 256, true), patient(Response::kSD, nan, nan, false, 336, false),
                 patient(Response::kPD, nan, nan, false, 56, true)};
  TrialSummary s;
  summarise_arms({"A"}, outcomes, s);
  EXPECT_EQ(s.arms[0].median_time_to_response_day, 56.0);
  EXPECT_EQ(s.arms[0].duration_of_response.median, 100.0);
  // PFS: events at 56 (5 at risk), 156 (4), 256 (3): S(182.625) = 4/5 * 3/4 = 0.6.
  EXPECT_NEAR(s.arms[0].pfs_6_months.estimate, 0.6, 1e-15);
  EXPECT_TRUE(std::isnan(s.arms[0].pfs_12_months.estimate));
}

}  // namespace
}  // namespace vct

namespace vct {
namespace {

TEST(RestrictedMean, IsTheAreaUnderTheKaplanMeierStepsToTau) {
  // Events at 2 and 4 of two patients: S = 1 on [0, 2), 0.5 on [2, 4), 0 after.
  const stats::KaplanMeier km = stats::kaplan_meier({2.0, 4.0}, {true, true});
  EXPECT_DOUBLE_EQ(stats::restricted_mean(km, 4.0), 2.0 * 1.0 + 2.0 * 0.5);  // 3
  EXPECT_DOUBLE_EQ(stats::restricted_mean(km, 3.0), 2.0 * 1.0 + 1.0 * 0.5);  // 2.5
  EXPECT_DOUBLE_EQ(stats::restricted_mean(km, 1.0), 1.0);
  // Everyone censored at 10: no event, the area is tau itself.
  const stats::KaplanMeier none = stats::kaplan_meier({10.0, 10.0}, {false, false});
  EXPECT_DOUBLE_EQ(stats::restricted_mean(none, 10.0), 10.0);
  // Beyond the last observed time the curve is not estimable.
  EXPECT_TRUE(std::isnan(stats::restricted_mean(km, 5.0)));
  EXPECT_TRUE(std::isnan(stats::restricted_mean(stats::kaplan_meier({}, {}), 1.0)));
}

}  // namespace
}  // namespace vct
