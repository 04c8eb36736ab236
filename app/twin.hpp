// SPDX-License-Identifier: MIT
// `vct fit` (docs/twin.md): one patient's parameters estimated from their scans by maximum a
// posteriori, the population laws as priors, with the Laplace approximation of the uncertainty.
#pragma once

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
  /// Throws Error(kInput) when the scenario has no observations or fit.
  PatientModel(const ModelDefinition& model, const Scenario& scenario);
  std::size_t dimension() const { return laws_.size(); }
  const std::vector<ParameterDistribution>& laws() const { return laws_; }
  /// Predicted diameters (mm) at the scans for fitted parameters at z: the model's lesion diameter
  /// relative to its value at t = 0, times the lesion's baseline scan (NaN after a solver failure,
  /// all NaN when the tumour does not reach its baseline).
  std::vector<double> predict(const std::vector<double>& z);
  /// -log posterior: -log likelihood + 0.5 |z|^2 (+inf when a prediction fails).
  double negative_log_posterior(const std::vector<double>& z);
  const std::vector<LesionScan>& scans() const { return scans_; }
  const MeasurementError& error() const { return error_; }

 private:
  TrialSpec spec_;
  TrialArm arm_;
  std::vector<ParameterDistribution> laws_;  ///< of the fitted parameters, in fit order
  std::vector<std::size_t> columns_;         ///< their columns in spec_.population
  std::vector<LesionScan> scans_;
  std::vector<double> baseline_mm_;  ///< per lesion: its day-0 scan (NaN: not measured)
  std::vector<double> scan_days_;
  MeasurementError error_;
};

/// Fits the patient: NLopt subplex on the z scale from the population medians (z = 0), then the
/// Laplace approximation at the mode; warnings for parameters the scans barely inform, modes far in
/// the prior's tail and a Hessian that is not positive definite.
PatientFit fit_patient(const ModelDefinition& model, const Scenario& scenario);

}  // namespace vct
