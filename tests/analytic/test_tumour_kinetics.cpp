// SPDX-License-Identifier: MIT
// Bi-exponential tumour kinetics (issue #18): the fit recovers known rates from exact series, keeps
// its bounds, and needs three scans; quantiles follow numpy's default (type 7).
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "core/statistics.hpp"
#include "core/tumour_kinetics.hpp"

namespace vct {
namespace {

std::vector<double> series(const std::vector<double>& t, double d, double g) {
  std::vector<double> y;
  for (double x : t) y.push_back(std::exp(-d * x) + std::exp(g * x) - 1.0);
  return y;
}

const std::vector<double> kScans = {56, 112, 168, 224, 280};  // every 8 weeks

TEST(TumourKinetics, RecoversShrinkageAndRegrowthFromAnExactSeries) {
  // d = 0.01 /day, g = 0.002 /day: y(56) = e^-0.56 + e^0.112 - 1 = 0.5712 + 1.1185 - 1 = 0.690.
  const auto fit = fit_biexponential(kScans, series(kScans, 0.01, 0.002));
  EXPECT_NEAR(fit.d_per_day, 0.01, 1e-4);
  EXPECT_NEAR(fit.g_per_day, 0.002, 2e-5);
  EXPECT_LT(fit.rss, 1e-8);
}

TEST(TumourKinetics, PureGrowthFitsNoShrinkage) {
  // d = 0: y = e^{g t}; g = 0.0013 /day (the median on-atezolizumab regrowth rate, Laleh 2022).
  const auto fit = fit_biexponential(kScans, series(kScans, 0.0, 0.0013));
  EXPECT_EQ(fit.d_per_day, 0.0);
  EXPECT_NEAR(fit.g_per_day, 0.0013, 1e-5);
}

TEST(TumourKinetics, RatesStayWithinTheirBounds) {
  // A series growing at g = 0.2 /day needs more than the bound: the fit stops at g = 0.1 /day. A
  // complete response (y = 0 from the first scan) needs fast shrinkage and no regrowth.
  const auto fast = fit_biexponential(kScans, series(kScans, 0.0, 0.2));
  EXPECT_EQ(fast.g_per_day, kBiexponentialRateMax);
  const auto gone = fit_biexponential(kScans, {0.0, 0.0, 0.0, 0.0, 0.0});
  EXPECT_GT(gone.d_per_day, 0.05);
  EXPECT_EQ(gone.g_per_day, 0.0);
}

TEST(TumourKinetics, NeedsThreeScans) {
  EXPECT_TRUE(std::isnan(fit_biexponential({56, 112}, {0.9, 0.8}).g_per_day));
  EXPECT_FALSE(std::isnan(fit_biexponential({56, 112, 168}, {0.9, 0.8, 0.85}).g_per_day));
  // Day 0 (the baseline itself) is not a measurement of change and does not count.
  EXPECT_TRUE(std::isnan(fit_biexponential({0, 56, 112}, {1.0, 0.9, 0.8}).g_per_day));
}

TEST(Statistics, QuantileIsNumpysLinearType7) {
  // numpy.quantile([1, 2, 3, 4], 0.5) = 2.5; 0.1 -> h = 3 x 0.1 = 0.3 -> 1 + 0.3 (2 - 1) = 1.3.
  EXPECT_DOUBLE_EQ(stats::quantile({1, 2, 3, 4}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(stats::quantile({1, 2, 3, 4}, 0.1), 1.3);
  EXPECT_DOUBLE_EQ(stats::quantile({1, 2, 3, 4}, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(stats::quantile({7}, 0.9), 7.0);
  EXPECT_TRUE(std::isnan(stats::quantile({}, 0.5)));
}

}  // namespace
}  // namespace vct

namespace vct {
namespace {

TEST(TumourGrowthRate, IsTheMonthlyVolumeChangeOfFerte2014) {
  // Diameter x 1.1 in 30.4375 days: volume x 1.331, +33.1 %/month.
  EXPECT_NEAR(tumour_growth_rate_pct_per_month(1.1, 365.25 / 12.0), 33.1, 1e-9);
  // Diameter x 1.1 in 60.875 days: volume x 1.331 in two months, sqrt(1.331) - 1 = +15.37 %/month.
  EXPECT_NEAR(tumour_growth_rate_pct_per_month(1.1, 365.25 / 6.0), 100.0 * (std::sqrt(1.331) - 1.0), 1e-9);
  // Shrinkage is negative, no change is 0, and the instantaneous form agrees.
  EXPECT_LT(tumour_growth_rate_pct_per_month(0.7, 63.0), 0.0);
  EXPECT_EQ(tumour_growth_rate_pct_per_month(1.0, 63.0), 0.0);
  EXPECT_NEAR(tumour_growth_rate_from_log_rate_pct_per_month(std::log(1.1) / 30.4375), 33.1, 1e-9);
  EXPECT_TRUE(std::isnan(tumour_growth_rate_pct_per_month(0.0, 63.0)));
  EXPECT_TRUE(std::isnan(tumour_growth_rate_pct_per_month(1.2, 0.0)));
}

TEST(Hyperprogression, NeedsPdAtTheFirstScanAndTgrUpByMoreThanFiftyPerMonth) {
  EXPECT_TRUE(hyperprogression(true, 20.0, 71.0));     // +51 %/month
  EXPECT_FALSE(hyperprogression(true, 20.0, 70.0));    // +50: not more than 50
  EXPECT_FALSE(hyperprogression(false, 20.0, 200.0));  // not PD at the first scan
  EXPECT_FALSE(hyperprogression(true, std::nan(""), 200.0));
}

}  // namespace
}  // namespace vct
