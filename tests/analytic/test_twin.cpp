// SPDX-License-Identifier: MIT
// Digital twin building blocks (core/twin.hpp, docs/twin.md): the measurement-error model and the
// likelihood by hand, the prior's standard normal scale against the population laws, and the
// Laplace approximation of a Gaussian whose Hessian and covariance are known.
#include <gtest/gtest.h>

#include <cmath>

#include "core/error.hpp"
#include "core/twin.hpp"

namespace vct {
namespace {

TEST(Twin, MeasurementErrorSdGrowsWithTheDiameter) {
  const MeasurementError e{2.0, 0.1};
  EXPECT_NEAR(e.sd_mm(30.0), std::sqrt(4.0 + 9.0), 1e-12);  // sqrt(2^2 + (0.1 x 30)^2) = 3.6056
  EXPECT_NEAR(e.sd_mm(0.0), 2.0, 1e-12);
  EXPECT_NEAR((MeasurementError{0.0, 0.1}).sd_mm(25.0), 2.5, 1e-12);
}

TEST(Twin, NegativeLogLikelihoodByHand) {
  const std::vector<LesionScan> scans = {{42.0, 0, 30.0, 0}, {84.0, 0, 20.0, 0}};
  // Scan 1: f = 28, sd = sqrt(4 + 2.8^2) = 3.44093, r = 2 / 3.44093 = 0.58124:
  //   0.5 r^2 + ln sd + 0.5 ln 2 pi = 0.16892 + 1.23574 + 0.91894 = 2.32360.
  // Scan 2: f = 20 = y, sd = sqrt(8) = 2.82843: ln sd + 0.91894 = 1.95866. Sum 4.28226.
  EXPECT_NEAR(negative_log_likelihood(scans, {28.0, 20.0}, {2.0, 0.1}), 4.282258570896112, 1e-12);
  EXPECT_TRUE(std::isinf(negative_log_likelihood(scans, {28.0, std::nan("")}, {2.0, 0.1})));
}

TEST(Twin, LymphocyteCountLikelihoodIsLogNormalByHand) {
  const std::vector<LymphocyteCount> counts = {{0.0, 1400.0, 0}, {10.0, 700.0, 0}};
  // Count 1: y = f = 1400, s = 0.2: ln s + ln y + 0.5 ln 2 pi = -1.60944 + 7.24423 + 0.91894 = 6.55373.
  // Count 2: y = 700, f = 1000: r = ln(0.7) / 0.2 = -1.78337, 0.5 r^2 = 1.59020;
  //   1.59021 - 1.60944 + 6.55108 + 0.91894 = 7.45079. Sum 14.00452.
  EXPECT_NEAR(negative_log_likelihood(counts, {1400.0, 1000.0}, 0.2), 14.004521787609121, 1e-10);
  EXPECT_TRUE(std::isinf(negative_log_likelihood(counts, {1400.0, 0.0}, 0.2)));  // a count needs f > 0
}

TEST(Twin, PriorScaleMapsZeroToTheMedianAndNormalQuantilesToTheLaw) {
  const auto growth = ParameterDistribution::lognormal("k", 0.007, 1.0);
  EXPECT_NEAR(prior_value(growth, 0.0), 0.007, 1e-15);
  EXPECT_NEAR(prior_value(growth, 1.0), 0.007 * std::exp(1.0), 1e-12);  // one sd of ln k above the median
  const auto supply = ParameterDistribution::uniform("n", 9.0, 13.0);
  EXPECT_NEAR(prior_value(supply, 0.0), 11.0, 1e-12);
  EXPECT_NEAR(prior_value(supply, 1.6448536269514722), 9.0 + 0.95 * 4.0, 1e-9);  // the 95th percentile: 12.8
  EXPECT_NEAR(standard_normal_cdf(0.0), 0.5, 1e-15);
  EXPECT_NEAR(standard_normal_cdf(-1.959963984540054), 0.025, 1e-12);
  EXPECT_TRUE(std::isfinite(prior_value(growth, 40.0)));  // far tails stay finite
}

TEST(Twin, LaplaceOfAGaussianGivesItsHessianAndCovariance) {
  // f = 0.5 x'Ax, A = [[2, 0.5], [0.5, 1]]: central differences are exact for a quadratic, and
  // A^-1 = [[1, -0.5], [-0.5, 2]] / (2 - 0.25) = [[0.571429, -0.285714], [-0.285714, 1.142857]].
  auto f = [](const std::vector<double>& x) {
    return 0.5 * (2.0 * x[0] * x[0] + 2.0 * 0.5 * x[0] * x[1] + 1.0 * x[1] * x[1]);
  };
  const LaplaceApproximation a = laplace_at(f, {0.0, 0.0}, 0.1);
  ASSERT_TRUE(a.positive_definite);
  EXPECT_NEAR(a.hessian(0, 0), 2.0, 1e-9);
  EXPECT_NEAR(a.hessian(0, 1), 0.5, 1e-9);
  EXPECT_NEAR(a.hessian(1, 1), 1.0, 1e-9);
  EXPECT_NEAR(a.covariance(0, 0), 1.0 / 1.75, 1e-9);
  EXPECT_NEAR(a.covariance(0, 1), -0.5 / 1.75, 1e-9);
  EXPECT_NEAR(a.covariance(1, 1), 2.0 / 1.75, 1e-9);
  EXPECT_EQ(a.evaluations, 1 + 2 * 2 * 2);  // 1 + 2 k^2
  // A saddle (x^2 - y^2) has no Laplace approximation.
  const LaplaceApproximation saddle =
      laplace_at([](const std::vector<double>& x) { return x[0] * x[0] - x[1] * x[1]; }, {0.0, 0.0});
  EXPECT_FALSE(saddle.positive_definite);
  EXPECT_EQ(saddle.covariance.size(), 0);
}

TEST(Twin, PosteriorDrawsHaveTheLaplaceMeanAndCovariance) {
  // Mode (0.5, -1), covariance [[0.25, 0.06], [0.06, 0.09]] (sd 0.5 and 0.3, correlation 0.4):
  // 20,000 draws give the sample mean within 4 standard errors (0.5 / sqrt(20000) = 0.0035, so
  // 0.015) and the covariance within 0.01.
  Eigen::MatrixXd c(2, 2);
  c << 0.25, 0.06, 0.06, 0.09;
  const Eigen::MatrixXd z = draw_posterior({0.5, -1.0}, c, 20000, 11);
  ASSERT_EQ(z.rows(), 20000);
  const Eigen::RowVectorXd mean = z.colwise().mean();
  EXPECT_NEAR(mean(0), 0.5, 0.015);
  EXPECT_NEAR(mean(1), -1.0, 0.015);
  const Eigen::MatrixXd centred = z.rowwise() - mean;
  const Eigen::MatrixXd sample = centred.transpose() * centred / 19999.0;
  EXPECT_NEAR(sample(0, 0), 0.25, 0.01);
  EXPECT_NEAR(sample(0, 1), 0.06, 0.01);
  EXPECT_NEAR(sample(1, 1), 0.09, 0.01);
  // Draw i comes from its own stream: the first 10 of 20,000 are the 10 of a smaller request.
  const Eigen::MatrixXd first = draw_posterior({0.5, -1.0}, c, 10, 11);
  EXPECT_EQ(first, z.topRows(10));
  // Without a covariance the draws are the prior's around the mode (sd 1), clamped to [-6, 6].
  const Eigen::MatrixXd prior = draw_posterior({5.5}, Eigen::MatrixXd(), 4000, 3);
  EXPECT_LE(prior.maxCoeff(), 6.0);
  EXPECT_GT((prior.array() == 6.0).count(), 4000 * 0.25);  // P(N(5.5, 1) > 6) = 0.31
  Eigen::MatrixXd saddle(1, 1);
  saddle << -1.0;
  EXPECT_THROW(draw_posterior({0.0}, saddle, 5, 1), Error);
}

}  // namespace
}  // namespace vct
