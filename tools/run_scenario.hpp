// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

#include "core/model.hpp"
#include "core/scenario.hpp"
#include "core/simulation.hpp"
#include "core/trial.hpp"

namespace vct {

/// Patient parameters for a scenario: model defaults, then the PK of each dosed drug, then the
/// scenario's explicit overrides (so a user can override a drug's PK constant too).
std::vector<double> resolve_parameters(const ModelDefinition& model, const Scenario& scenario);

/// Runs the scenario's single patient: initial-condition procedure, then treatment.
PatientRun run_single_patient(const ModelDefinition& model, const Scenario& scenario,
                              const std::vector<double>& params);

/// Turns a trial scenario into a TrialSpec: samples (or reads) the population, resolves preset
/// and explicit distributions, arms, RECIST settings and output selection. `threads` <= 0 means
/// the scenario's setting, or all available cores.
TrialSpec build_trial_spec(const ModelDefinition& model, const Scenario& scenario, int threads);

}  // namespace vct
