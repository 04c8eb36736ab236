// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/trial.hpp"
#include "io/hdf5_writer.hpp"
#include "io/scenario/scenario.hpp"

namespace vct::io {

/// Streams a virtual trial into one HDF5 file (docs/output-format.md): rows are appended batch by
/// batch and the file is flushed after each, so memory does not grow with the population and a
/// run that is killed leaves a readable file holding every finished batch (`is_complete` = 0,
/// `n_candidates_written` says how many).
class TrialWriter : public TrialSink {
 public:
  TrialWriter(const std::string& path, const TrialSpec& spec, const Scenario& scenario, const RunInfo& info);
  ~TrialWriter() override;
  void write_selection(const std::vector<CandidateResult>& screened, const SelectionResult& selection) override;
  void write_batch(const std::vector<CandidateResult>& batch) override;
  void write_summary(const TrialSummary& summary) override;
  /// The file's name after the caller renamed it (messages name it; the open file is unaffected).
  void set_path(const std::string& path);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// The temporary file a result is written to before it is renamed to `output` (same folder, so
/// the rename is atomic): `output` + ".partial".
std::string partial_path(const std::string& output);

/// Reads /population of a result file written by TrialWriter (to re-use the same patients).
Population read_population(const std::string& path, const ModelDefinition& model);

}  // namespace vct::io
