// SPDX-License-Identifier: MIT
// Digital twin (docs/twin.md): one patient's lesion measurements, their measurement-error model,
// the population prior of the fitted parameters as a standard normal (z) scale, and the Laplace
// approximation of a posterior at its mode. Pure functions; thread-safe.
#pragma once

#include <Eigen/Dense>
#include <functional>
#include <string>
#include <vector>

#include "core/population.hpp"

namespace vct {

/// One measurement of one lesion on a scan: the longest diameter (RECIST), mm.
struct LesionScan {
  double day = 0.0;  ///< days since treatment start (t = 0, the baseline scan)
  int lesion = 0;    ///< 0-based lesion index
  double diameter_mm = 0.0;
  int line = 0;  ///< line in the file it came from (messages)
};

/// Gaussian measurement error whose standard deviation grows with the lesion:
/// sd(y) = sqrt(additive^2 + (proportional * y)^2) at the predicted diameter y (mm). RECIST
/// reader studies put repeat-measurement variability of a lesion's longest diameter at about
/// 2 mm or 10 % (docs/twin.md, "Measurement error").
struct MeasurementError {
  double additive_mm = 2.0;
  double proportional = 0.1;
  double sd_mm(double predicted_mm) const;
};

/// -log likelihood of the scans given the predicted diameters (same order, mm):
/// sum of 0.5 ((y - f) / sd(f))^2 + ln sd(f) + 0.5 ln(2 pi). +inf for a non-finite prediction.
double negative_log_likelihood(const std::vector<LesionScan>& scans, const std::vector<double>& predicted_mm,
                               const MeasurementError& error);

/// The standard normal CDF, Phi(z).
double standard_normal_cdf(double z);

/// A parameter's value at prior coordinate z: theta = F^-1(Phi(z)) for its population law F, so
/// that z ~ N(0, 1) reproduces the population (any law: uniform, log-uniform, truncated log-normal).
/// z = 0 gives the population median.
double prior_value(const ParameterDistribution& law, double z);

/// Laplace approximation of a posterior exp(-f) at its mode: the Hessian of f by central
/// differences with step h (1 + 2 k^2 evaluations for k coordinates), and its inverse, the
/// covariance, when positive definite.
struct LaplaceApproximation {
  Eigen::MatrixXd hessian;
  Eigen::MatrixXd covariance;  ///< empty when the Hessian is not positive definite
  bool positive_definite = false;
  int evaluations = 0;
};
LaplaceApproximation laplace_at(const std::function<double(const std::vector<double>&)>& f,
                                const std::vector<double>& mode, double h = 0.05);

/// One fitted parameter: prior and posterior (Laplace, mapped through the prior's quantiles).
struct FittedParameter {
  std::string name, unit;
  ParameterDistribution prior;
  double prior_median = 0.0, prior_lower = 0.0, prior_upper = 0.0;  ///< prior median and 90 % interval
  double z = 0.0;                                                   ///< the mode on the prior's standard normal scale
  double sd_z = 1.0;   ///< its Laplace sd on that scale (the prior's is 1); NaN without a Laplace covariance
  double value = 0.0;  ///< maximum a posteriori
  double lower = 0.0, upper = 0.0;  ///< 90 % interval
  bool informed = true;             ///< sd_z <= kInformedSd: the scans narrow the prior
};

/// A posterior sd above this fraction of the prior's means the scans barely inform the parameter.
inline constexpr double kInformedSd = 0.7;

struct ScanFit {
  LesionScan scan;
  double predicted_mm = 0.0, sd_mm = 0.0;
  double standardised = 0.0;  ///< (observed - predicted) / sd
};

struct PatientFit {
  std::vector<FittedParameter> parameters;
  std::vector<ScanFit> scans;    ///< at the mode
  Eigen::MatrixXd covariance_z;  ///< Laplace covariance on the z scale (empty when not positive definite)
  double negative_log_posterior = 0.0, negative_log_likelihood = 0.0;
  int evaluations = 0;
  std::string result;  ///< how the optimiser ended
  std::vector<std::string> warnings;
  double wall_seconds = 0.0;
};

}  // namespace vct
