// SPDX-License-Identifier: MIT
// The agent-based windows' PD-L1 calibrated to a PD-L1 TPS prevalence (issue #24; docs/models/abm.md,
// "PD-L1 calibration"). A patient's window TPS is the share of PD-L1+ viable cancer cells over the
// windows at day 0, after they settled on the untreated initial state (lesions[].abm.settle_days),
// each window weighted by its region's share of the lesion: TPS = sum f_j pos_j / sum f_j viable_j.
// The fit moves the IFN-gamma secretion of a newly cytotoxic CD8 cell (the level of the fields) and
// the uptake by cancer cells (their reach, sqrt(D / (decay + uptake))) jointly, on a log scale, with
// NLopt's Nelder-Mead, to minimise the Kullback-Leibler divergence of the simulated TPS strata
// (>= 50 %, 1-49 %, < 1 %) from the target prevalence. Every evaluation uses the same population and
// streams (common random numbers), so the objective is deterministic; fresh seeds then give the
// spread. Thread count does not change any result.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

#include "app/minimise.hpp"
#include "core/model.hpp"
#include "io/scenario/scenario.hpp"

namespace vct::abm_tps {

/// TPS strata, in percent of patients: >= 50 %, 1-49 %, < 1 % (the order of docs/biomarkers.md).
using Strata = std::array<double, 3>;

/// One point of the window parameters and the population's window TPS there.
struct Evaluation {
  double ifng_release_ng_per_s = 0.0;  ///< IFNg_release_ng_per_s of every window
  double ifng_uptake_per_s = 0.0;      ///< IFNg_uptake_per_s of every window
  std::uint64_t seed = 0;              ///< the population's seed
  std::size_t patients = 0;            ///< candidates that became patients
  Strata strata_pct{};                 ///< simulated share of patients per stratum, %
  double median_tps_pct = 0.0;
  double divergence = 0.0;  ///< sum t_i ln(t_i / m_i), m_i = (n_i + 0.5) / (N + 1.5) (no empty stratum)
};

/// The window TPS (%) of every patient of the scenario's population at day 0: the scenario's
/// population and lesions[].abm blocks with every window parameter set as given (`overrides` win
/// over the scenario's), no treatment. Candidates that are not patients are left out. Needs at
/// least one lesion with windows (Error kInput otherwise). `threads` <= 0: the scenario's setting.
std::vector<double> window_tps(const ModelDefinition& model, const Scenario& scenario,
                               const std::vector<ParameterOverride>& overrides, int threads);

/// Shares of `tps` per stratum, in %, and the divergence from `target` (in %, summing to 100).
Evaluation score(const std::vector<double>& tps, const Strata& target);

struct FitOptions {
  Strata target_pct{22.0, 30.0, 48.0};  ///< EXPRESS (Dietel 2019), docs/biomarkers.md
  int max_evaluations = 30;
  int threads = 0;
  int fresh_seeds = 0;  ///< then the optimum on seeds seed + k x 1000003, k = 1..fresh_seeds
  /// Bounds and start, ng/s and 1/s (searched on log10).
  double release_lower = 1e-12, release_upper = 1e-9, release_start = 3e-10;
  double uptake_lower = 1e-4, uptake_upper = 1e-2, uptake_start = 1e-3;
  double initial_step_decades = 0.4;  ///< Nelder-Mead's first simplex, on both log10 axes
};

struct FitResult {
  Evaluation best;
  std::vector<Evaluation> trace;        ///< every evaluation, in order
  std::vector<Evaluation> fresh_seeds;  ///< the optimum on fresh populations
  MinimiseOutcome outcome;
};

/// Fits the two window parameters as described at the top. `progress` (may be empty) gets every
/// evaluation as it finishes, the fresh seeds included.
FitResult fit(const ModelDefinition& model, const Scenario& scenario, const FitOptions& options,
              const std::function<void(const Evaluation&)>& progress);

}  // namespace vct::abm_tps
