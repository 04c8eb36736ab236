// SPDX-License-Identifier: MIT
// Digital twin (docs/twin.md): one patient's lesion measurements and lymphocyte counts, their
// measurement-error model, the population prior of the fitted parameters as a standard normal (z)
// scale, the Laplace approximation of a posterior at its mode, posterior draws, and the records of
// a fit, a prediction and a synthetic-patient check. Pure functions; thread-safe.
#pragma once

#include <Eigen/Dense>
#include <array>
#include <cstdint>
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

/// One blood lymphocyte count (absolute lymphocyte count, cells per microlitre).
struct LymphocyteCount {
  double day = 0.0;
  double per_uL = 0.0;
  int line = 0;  ///< line in the file it came from (messages)
};

/// Gaussian measurement error whose standard deviation grows with the lesion:
/// sd(y) = sqrt(additive^2 + (proportional * y)^2) at the predicted diameter y (mm). RECIST
/// reader studies put repeat-measurement variability of a lesion's longest diameter at about
/// 2 mm or 10 % (docs/twin.md, "Measurement error").
/// Lymphocyte counts are log-normal around the model's: sd of ln(count) `lymphocyte_log_sd`
/// (assumed 0.2, i.e. about 20 %: the day-to-day variation of a patient's count, docs/twin.md).
struct MeasurementError {
  double additive_mm = 2.0;
  double proportional = 0.1;
  double lymphocyte_log_sd = 0.2;
  double sd_mm(double predicted_mm) const;
};

/// -log likelihood of the scans given the predicted diameters (same order, mm):
/// sum of 0.5 ((y - f) / sd(f))^2 + ln sd(f) + 0.5 ln(2 pi). +inf for a non-finite prediction.
double negative_log_likelihood(const std::vector<LesionScan>& scans, const std::vector<double>& predicted_mm,
                               const MeasurementError& error);

/// -log likelihood of lymphocyte counts given the predicted ones (same order, per uL): the
/// log-normal density, sum of 0.5 ((ln y - ln f) / s)^2 + ln s + ln y + 0.5 ln(2 pi). +inf for a
/// prediction that is not finite and positive.
double negative_log_likelihood(const std::vector<LymphocyteCount>& counts, const std::vector<double>& predicted_per_uL,
                               double log_sd);

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

struct CountFit {
  LymphocyteCount count;
  double predicted_per_uL = 0.0;
  double standardised = 0.0;  ///< (ln observed - ln predicted) / lymphocyte_log_sd
};

struct PatientFit {
  std::vector<FittedParameter> parameters;
  std::vector<ScanFit> scans;         ///< at the mode
  std::vector<CountFit> lymphocytes;  ///< at the mode (none without counts)
  Eigen::MatrixXd covariance_z;       ///< Laplace covariance on the z scale (empty when not positive definite)
  double negative_log_posterior = 0.0, negative_log_likelihood = 0.0;
  int evaluations = 0;
  std::string result;  ///< how the optimiser ended
  std::vector<std::string> warnings;
  double wall_seconds = 0.0;
};

/// n draws z ~ N(mode, covariance) (rows of the result), draw i from its own stream (seed,
/// kTwinPosterior, i) so that any subset is reproducible; each coordinate clamped to [-6, 6] (the
/// prior's scale: beyond it Phi rounds to 0 or 1). An empty covariance draws from the prior
/// N(mode, I). Throws Error(kInput) for a covariance that is not positive definite.
Eigen::MatrixXd draw_posterior(const std::vector<double>& mode, const Eigen::MatrixXd& covariance, std::size_t n,
                               std::uint64_t seed);

/// One future (an arm of the patient file) for a fitted patient: bands over the posterior draws.
struct ArmPrediction {
  std::string arm;
  std::vector<double> days;  ///< the output grid
  /// [series][time], series = each lesion (patient-file order), then the sum of diameters; mm.
  /// median/lower/upper: the model's diameter (parameter uncertainty); scan_lower/upper: what a
  /// scan would measure (adds the measurement error), the band later scans should fall in.
  std::vector<double> median_mm, lower_mm, upper_mm, scan_lower_mm, scan_upper_mm;
  std::array<double, 5> best_response{};  ///< probability of each RECIST best response, Response order
  double p_response = 0.0;                ///< CR or PR
  double p_progression = 0.0;             ///< progression (RECIST PD) by the horizon
  /// Progression-free survival (days since treatment start): median and interval over the draws
  /// (NaN: beyond the horizon, not reached).
  double pfs_median_day = 0.0, pfs_lower_day = 0.0, pfs_upper_day = 0.0;
  /// Draws simulated; of which excluded: those whose tumour cannot grow to the baseline scans
  /// (parameter sets the scans rule out) and solver failures.
  int draws = 0, no_baseline = 0, failed = 0;
};

/// `vct predict`: the fit, the posterior draws and each arm's predictions.
struct PatientPrediction {
  Eigen::MatrixXd z;  ///< draws x fitted parameters, prior scale
  double interval = 0.9;
  std::uint64_t seed = 0;
  std::vector<ArmPrediction> arms;
  std::vector<std::string> warnings;
  double wall_seconds = 0.0;
};

/// What `vct twin-check` simulates; the patient file gives the scan days, the treatment
/// (`fit.arm`), the error model, the fitted parameters, their priors and the interval.
struct TwinCheckSettings {
  int patients = 20;       ///< synthetic patients, >= 1
  int fit_scans = 0;       ///< scan days fitted, baseline included (0: all but the last day)
  int samples = 100;       ///< posterior draws per patient for its prediction intervals, >= 10
  std::uint64_t seed = 1;  ///< patient j's truth and noise come from the stream (seed, j)
  int threads = 0;         ///< patients in parallel (0: run.threads, or all); results do not depend on it
  /// Draw every parameter with a population law for the truth, not only the fitted ones (the
  /// others then differ from the medians the fit assumes: a misspecified fit, as with real patients).
  bool vary_all = false;
};

/// One synthetic patient: the truth, the fit on the first scans and the held-out scans' bands.
struct SyntheticPatient {
  std::vector<double> true_z, estimate_z, sd_z;  ///< per fitted parameter, prior scale (sd NaN: no Laplace)
  std::vector<LesionScan> scans;                 ///< every scan as measured (truth plus noise)
  std::vector<double> true_mm;                   ///< the truth's diameter at each scan
  /// Per scan: the prediction's median and scan interval (NaN for the fitted scans).
  std::vector<double> median_mm, lower_mm, upper_mm;
  int draws_used = 0;  ///< posterior draws that reached the baseline
};

struct TwinCheck {
  std::vector<std::string> parameters;
  double cutoff_day = 0.0;  ///< scans on or before it are fitted, later ones held out
  double interval = 0.9;
  std::vector<SyntheticPatient> patients;
  /// Per parameter over the patients: RMSE and correlation of the estimate against the truth (z
  /// scale), and the share of patients whose truth lies in the estimate's interval.
  std::vector<double> rmse_z, correlation, coverage;
  int held_out = 0;            ///< held-out scans with a prediction
  double scan_coverage = 0.0;  ///< share of them inside their scan interval (nominal: `interval`)
  double wall_seconds = 0.0;
};

}  // namespace vct
