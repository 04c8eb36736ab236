// SPDX-License-Identifier: MIT
#include "core/twin.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/error.hpp"
#include "core/random.hpp"

namespace vct {

double MeasurementError::sd_mm(double predicted_mm) const {
  const double p = proportional * predicted_mm;
  return std::sqrt(additive_mm * additive_mm + p * p);
}

double negative_log_likelihood(const std::vector<LesionScan>& scans, const std::vector<double>& predicted_mm,
                               const MeasurementError& error) {
  const double half_log_two_pi = 0.5 * std::log(2.0 * M_PI);
  double total = 0.0;
  for (std::size_t k = 0; k < scans.size(); ++k) {
    const double f = k < predicted_mm.size() ? predicted_mm[k] : std::numeric_limits<double>::quiet_NaN();
    if (!std::isfinite(f)) return std::numeric_limits<double>::infinity();
    const double sd = error.sd_mm(f);
    const double r = (scans[k].diameter_mm - f) / sd;
    total += 0.5 * r * r + std::log(sd) + half_log_two_pi;
  }
  return total;
}

double negative_log_likelihood(const std::vector<LymphocyteCount>& counts, const std::vector<double>& predicted_per_uL,
                               double log_sd) {
  const double half_log_two_pi = 0.5 * std::log(2.0 * M_PI);
  double total = 0.0;
  for (std::size_t k = 0; k < counts.size(); ++k) {
    const double f = k < predicted_per_uL.size() ? predicted_per_uL[k] : std::numeric_limits<double>::quiet_NaN();
    if (!(std::isfinite(f) && f > 0.0)) return std::numeric_limits<double>::infinity();
    const double y = counts[k].per_uL;
    const double r = (std::log(y) - std::log(f)) / log_sd;
    total += 0.5 * r * r + std::log(log_sd) + std::log(y) + half_log_two_pi;
  }
  return total;
}

double standard_normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double prior_value(const ParameterDistribution& law, double z) {
  // Keep u inside (0, 1) so that unbounded laws stay finite far in the tails.
  const double u = std::clamp(standard_normal_cdf(z), 1e-12, 1.0 - 1e-12);
  return law.quantile(u);
}

LaplaceApproximation laplace_at(const std::function<double(const std::vector<double>&)>& f,
                                const std::vector<double>& mode, double h) {
  const std::size_t k = mode.size();
  LaplaceApproximation a;
  a.hessian = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k));
  auto at = [&](std::size_t i, double di, std::size_t j, double dj) {
    std::vector<double> x = mode;
    x[i] += di;
    x[j] += dj;
    ++a.evaluations;
    return f(x);
  };
  ++a.evaluations;
  const double f0 = f(mode);
  for (std::size_t i = 0; i < k; ++i) {
    const auto ii = static_cast<Eigen::Index>(i);
    a.hessian(ii, ii) = (at(i, h, i, 0.0) - 2.0 * f0 + at(i, -h, i, 0.0)) / (h * h);
    for (std::size_t j = 0; j < i; ++j) {
      const auto jj = static_cast<Eigen::Index>(j);
      const double v = (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4.0 * h * h);
      a.hessian(ii, jj) = a.hessian(jj, ii) = v;
    }
  }
  const Eigen::LLT<Eigen::MatrixXd> llt(a.hessian);
  a.positive_definite = k > 0 && llt.info() == Eigen::Success && a.hessian.allFinite();
  if (a.positive_definite)
    a.covariance = llt.solve(Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(k), static_cast<Eigen::Index>(k)));
  return a;
}

Eigen::MatrixXd draw_posterior(const std::vector<double>& mode, const Eigen::MatrixXd& covariance, std::size_t n,
                               std::uint64_t seed) {
  const auto k = static_cast<Eigen::Index>(mode.size());
  Eigen::MatrixXd factor = Eigen::MatrixXd::Identity(k, k);
  if (covariance.size() > 0) {
    const Eigen::LLT<Eigen::MatrixXd> llt(covariance);
    if (llt.info() != Eigen::Success || covariance.rows() != k)
      throw Error(ErrorKind::kInput, "posterior covariance is not positive definite");
    factor = llt.matrixL();
  }
  Eigen::MatrixXd z(static_cast<Eigen::Index>(n), k);
  for (std::size_t i = 0; i < n; ++i) {
    Rng rng(seed, Stream::kTwinPosterior, i);
    Eigen::VectorXd u(k);
    for (Eigen::Index j = 0; j < k; ++j) u(j) = normal_quantile(rng.uniform());
    const Eigen::VectorXd x = factor * u;
    for (Eigen::Index j = 0; j < k; ++j)
      z(static_cast<Eigen::Index>(i), j) = std::clamp(mode[static_cast<std::size_t>(j)] + x(j), -6.0, 6.0);
  }
  return z;
}

}  // namespace vct
