// SPDX-License-Identifier: MIT
// `vct twin-check` (docs/twin.md, "Validation on synthetic patients"): patients simulated from
// known parameters drawn from the prior, scanned with the patient file's schedule and error model,
// fitted on their first scans and predicted for the rest, to measure parameter recovery and the
// coverage of the prediction intervals.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/twin.hpp"
#include "io/scenario/scenario.hpp"

namespace vct {

/// Runs the check. Throws Error(kInput) when the patient file has no fit or too few scan days.
TwinCheck check_twin(const ModelDefinition& model, const Scenario& patient_file, const TwinCheckSettings& settings);

}  // namespace vct
