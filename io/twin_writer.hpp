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

}  // namespace vct::io
