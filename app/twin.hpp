// SPDX-License-Identifier: MIT
// `vct fit` (docs/twin.md): one patient's parameters estimated from their scans by maximum a
// posteriori, the population laws as priors, with the Laplace approximation of the uncertainty.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/trial.hpp"
#include "core/twin.hpp"
#include "io/scenario/scenario.hpp"

namespace vct {

/// The patient of a patient file (a trial scenario with `observations` and `fit`): its prior, its
/// treatment so far and the model's predictions of its scans for a point of the z scale.
class PatientModel {
 public:
  /// Throws Error(kInput) when the scenario has no observations or fit. The simulation runs to
  /// horizon_day (NaN: the last scan, all a fit needs; `vct predict` passes the scenario's horizon).
  PatientModel(const ModelDefinition& model, const Scenario& scenario,
               double horizon_day = std::numeric_limits<double>::quiet_NaN());
  std::size_t dimension() const { return laws_.size(); }
  const std::vector<ParameterDistribution>& laws() const { return laws_; }
  /// The model's predictions of the observations for fitted parameters at z.
  struct Predicted {
    /// At the scans, mm: the model's lesion diameter relative to its value at t = 0, times the
    /// lesion's baseline scan (NaN after a solver failure, all NaN when the tumour does not reach
    /// its baseline).
    std::vector<double> mm;
    /// At the lymphocyte counts, per uL: the model's blood lymphocytes relative to t = 0, times
    /// the day-0 count (NaN as above).
    std::vector<double> per_uL;
  };
  Predicted predict_all(const std::vector<double>& z);
  std::vector<double> predict(const std::vector<double>& z) { return predict_all(z).mm; }
  /// -log posterior: -log likelihood of scans and counts + 0.5 |z|^2 (+inf when a prediction fails).
  double negative_log_posterior(const std::vector<double>& z);
  const std::vector<LesionScan>& scans() const { return scans_; }
  const std::vector<LymphocyteCount>& counts() const { return counts_; }
  /// Trajectory series of the lesions' diameters (the first ones of spec().trajectory_outputs; a
  /// blood lymphocyte series follows when the patient has counts).
  std::size_t lesion_series() const { return lesion_series_; }
  const MeasurementError& error() const { return error_; }
  /// The one-candidate trial (population medians, baselines set from the day-0 scans).
  const TrialSpec& spec() const { return spec_; }
  /// The fitted parameters' columns in spec().population, in fit order.
  const std::vector<std::size_t>& columns() const { return columns_; }
  /// The factor from the model's diameter of lesion l (cm) to the predicted scan (mm) when the
  /// model's diameter at t = 0 is `start_cm`: the measured baseline over start_cm, or 10 (cm to mm)
  /// for a lesion without a baseline scan.
  double scale_mm(int lesion, double start_cm) const;

 private:
  TrialSpec spec_;
  TrialArm arm_;
  std::vector<ParameterDistribution> laws_;  ///< of the fitted parameters, in fit order
  std::vector<std::size_t> columns_;         ///< their columns in spec_.population
  std::vector<LesionScan> scans_;
  std::vector<LymphocyteCount> counts_;
  std::size_t lesion_series_ = 0;
  double baseline_count_ = 0.0;      ///< the day-0 lymphocyte count, per uL
  std::vector<double> baseline_mm_;  ///< per lesion: its day-0 scan (NaN: not measured)
  std::vector<double> scan_days_;
  MeasurementError error_;
};

/// Fits the patient: NLopt subplex on the z scale from the population medians (z = 0), then the
/// Laplace approximation at the mode; warnings for parameters the scans barely inform, modes far in
/// the prior's tail and a Hessian that is not positive definite.
PatientFit fit_patient(const ModelDefinition& model, const Scenario& scenario);

/// `vct predict` (docs/twin.md): `predict.samples` draws from the fit's Laplace posterior (from
/// the prior when the fit has no covariance, with a warning), each simulated to
/// the scenario's horizon under every arm of `predict.arms`; per arm, bands of the lesion diameters
/// and of a scan's measurement, RECIST best-response and progression probabilities, PFS quantiles.
/// Every arm sees the same draws and the same measurement noise (paired). Draws run on `threads`
/// threads (0: run.threads, or all); the result does not depend on the count.
PatientPrediction predict_patient(const ModelDefinition& model, const Scenario& scenario, const PatientFit& fit,
                                  int threads);

}  // namespace vct
