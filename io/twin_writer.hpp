// SPDX-License-Identifier: MIT
#pragma once

#include <string>

#include "core/twin.hpp"
#include "io/hdf5_writer.hpp"
#include "io/scenario/scenario.hpp"

namespace vct::io {

/// Writes a patient fit (`vct fit`, docs/twin.md) to one HDF5 file (docs/output-format.md,
/// "Patient fit"): provenance, /fit/parameters, /fit/covariance_z, /fit/scans, the fit's figures
/// as attributes; is_complete = 1 once everything is written.
void write_fit_file(const std::string& path, const ModelDefinition& model, const Scenario& scenario,
                    const RunInfo& info, const PatientFit& fit);

/// Writes `vct predict`'s result (docs/output-format.md, "Patient prediction"): the fit as above
/// and /predict (the arm table, the posterior draws /predict/z, per arm /predict/arm_<i> with its
/// diameter and scan bands [time][series]); is_complete = 1 once everything is written.
void write_prediction_file(const std::string& path, const ModelDefinition& model, const Scenario& scenario,
                           const RunInfo& info, const PatientFit& fit, const PatientPrediction& prediction);

/// Writes `vct twin-check`'s result (docs/output-format.md, "Synthetic-patient check"):
/// /twin_check/parameters (recovery), /twin_check/patients (truth, estimate, sd per parameter),
/// /twin_check/scans (truth, measurement, held-out bands), the coverage as attributes.
void write_twin_check_file(const std::string& path, const ModelDefinition& model, const Scenario& scenario,
                           const RunInfo& info, const TwinCheck& check, const TwinCheckSettings& settings);

}  // namespace vct::io
