// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/trial.hpp"
#include "io/hdf5_writer.hpp"

namespace vct::io {

/// Candidates stored in a trial result or part file: the first `n_candidates_written` rows (a file
/// from a killed run holds complete batches only), rebuilt as CandidateResults.
std::vector<CandidateResult> read_trial_results(const std::string& path, const TrialSpec& spec);

/// Baseline PD-L1 molecules per cancer cell of the candidates at baseline (patients and candidates
/// not selected) in a trial result file, candidate order; kInput when the file has no such column
/// (written before issue #21 or by a model without PD-L1).
std::vector<double> read_baseline_pdl1(const std::string& path);

/// A trial file's /selection record (probability-of-inclusion selection): the plausible
/// candidates' ids, in candidate order, and the selection over them.
struct SavedSelection {
  std::vector<std::size_t> plausible;
  SelectionResult result;
};

/// The selection record of a trial result or part file; none when the trial did not select.
std::optional<SavedSelection> read_selection(const std::string& path);

/// The resolved scenario text stored in a result or part file.
std::string read_resolved_scenario(const std::string& path);

/// Part files (`<output>.parts/part-*.h5`), sorted by name; empty if none.
std::vector<std::string> list_parts(const std::string& output);

/// Throws Error(kIo) naming the first part that cannot be opened, and the way on (`vct run --resume`
/// sets it aside), unless another process is writing it. merge_trial_parts gives the same message
/// for a part whose identity reads but whose candidates do not.
void require_readable_parts(const std::vector<std::string>& parts);

/// After a complete merge: removes the part files, and their folder unless it still keeps parts a
/// resumed run set aside as unreadable (PART.h5.unreadable, io::set_aside). Never throws.
void remove_merged_parts(const std::string& output);

/// Merges part files into one result file laid out exactly as a single-process run writes it
/// (candidate order, the same summary). A candidate present in several parts (resumed runs) is
/// taken once. Returns the summary; `completed` is false when candidates are missing (the merged
/// file then has is_complete = 0 and the parts should be kept for a resume).
TrialSummary merge_trial_parts(const std::vector<std::string>& parts, const TrialSpec& spec, const Scenario& scenario,
                               const RunInfo& info, const std::string& output);

}  // namespace vct::io
