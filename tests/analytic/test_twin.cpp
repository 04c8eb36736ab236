// SPDX-License-Identifier: MIT
// Digital twin building blocks (core/twin.hpp, docs/twin.md): the measurement-error model and the
// likelihood by hand, the prior's standard normal scale against the population laws, and the
// Laplace approximation of a Gaussian whose Hessian and covariance are known.
#include <gtest/gtest.h>

#include <cmath>

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

}  // namespace
}  // namespace vct
