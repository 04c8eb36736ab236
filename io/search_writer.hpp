// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/schedule_search.hpp"
#include "io/hdf5_writer.hpp"
#include "io/scenario/scenario.hpp"

namespace vct::io {

/// The search's read-outs of one schedule, as written to every /search table (docs/output-format.md,
/// "Schedule search"): the variables, the dose metrics, the objective and its metrics, the arm's
/// rates and the paired comparison with the reference arm.
struct SearchTotals {
  std::string result;  ///< how the method ended
  int n_considered = 0, n_skipped = 0, n_evaluated = 0;
  std::size_t n_candidates = 0, n_patients = 0;
  double growth_wall_seconds = 0.0, treat_wall_seconds = 0.0;
  bool completed = false;
  std::vector<int> ranking;  ///< evaluation indices (1-based), best first
};

/// Streams a schedule search into one HDF5 file: provenance (resolved scenario, version, seed),
/// /search/variables, the reference arm, every evaluated schedule and every skipped one as they
/// come (flushed after each, so a killed search keeps them; is_complete = 0 until finish()).
class SearchWriter : public SearchSink {
 public:
  SearchWriter(const std::string& path, const ModelDefinition& model, const Scenario& scenario, const RunInfo& info);
  ~SearchWriter() override;
  void write_reference(const EvaluatedSchedule& reference) override;
  void write_evaluated(const EvaluatedSchedule& schedule) override;
  void write_skipped(const std::vector<double>& x, const std::string& reason) override;
  /// The best schedules and the reference arm re-evaluated on a fresh population
  /// (/search/confirmation; `reference` first).
  void write_confirmation(const EvaluatedSchedule& reference, const std::vector<EvaluatedSchedule>& schedules,
                          std::size_t n_patients, std::uint64_t seed);
  void finish(const SearchTotals& totals);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vct::io
