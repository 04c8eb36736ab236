// SPDX-License-Identifier: MIT
#pragma once

#include <hdf5.h>

#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/simulation.hpp"
#include "io/scenario/scenario.hpp"

namespace vct::io {

/// Provenance stamped on every result file.
struct RunInfo {
  std::string software_version;
  std::string command_line;
  std::string scenario_path;
  std::string scenario_text;
  std::string resolved_yaml;
  /// What decides the results: the resolved scenario without the settings that cannot change them
  /// (threads, batch size, output file). Its hash, the calibration file's and the population's
  /// identify a run for `--resume` and `merge` (io/run_identity.hpp).
  std::string identity_yaml;
  std::string calibration_path;           ///< empty: no calibration file
  std::string calibration_hash = "none";  ///< text_hash of the calibration file
};

/// Writes a single-patient result file (layout in docs/output-format.md): per-variable
/// [patient, time] datasets with units, the patient table, the event log, model metadata, the
/// scenario verbatim and resolved, and provenance. The file is first created with
/// is_complete = 0 and flagged complete only after everything is written, so a reader can tell a
/// crashed write from a finished one. Throws Error(kIo) on failure.
/// Root provenance attributes (is_complete = 0) and /scenario; shared by every result writer.
void write_provenance(hid_t root, const ModelDefinition& model, const Scenario& scenario, const RunInfo& info);

void write_patient_result(const std::string& path, const ModelDefinition& model, const Scenario& scenario,
                          const std::vector<double>& params, const PatientRun& run, const RunInfo& info);

}  // namespace vct::io
