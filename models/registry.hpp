// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/population.hpp"

namespace vct::models {

/// Names of all registered models, in registration order.
std::vector<std::string> model_names();

/// The shared, immutable definition of a registered model; throws Error(kInput) for an unknown
/// name, listing the known ones. Definitions are built once and live for the whole process.
const ModelDefinition& get_model(const std::string& name);

/// Published virtual-population designs of a model (empty if it has none).
std::vector<PopulationPreset> population_presets(const std::string& model);

/// Observed ln(M1/M2), ln(Treg/CD8), ln(CD8/CD4) samples for probability-of-inclusion selection
/// (empty if the model has none).
const std::vector<std::array<double, 3>>& selection_data(const std::string& model);

}  // namespace vct::models
