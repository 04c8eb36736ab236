// SPDX-License-Identifier: MIT
// vct command line: the printed summaries of a single-patient run and of a virtual trial.
#pragma once

#include <string>

#include "app/run_scenario.hpp"
#include "core/model.hpp"
#include "core/trial.hpp"
#include "io/scenario/scenario.hpp"

namespace vct::cli {

/// One patient: treatment, RT courses, the diameter every 8 weeks, best change, solver cost.
void print_summary(const ModelDefinition& model, const Scenario& s, const PatientRun& run, const std::string& output);
/// A virtual trial: screening, best response per arm, sites, timing, progression, kinetics and
/// the paired comparisons.
void print_trial_summary(const TrialSummary& s, const std::string& output);

}  // namespace vct::cli
