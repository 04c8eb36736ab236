// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace vct::models {

/// Names of all registered models, in registration order.
std::vector<std::string> model_names();

/// The shared, immutable definition of a registered model; throws Error(kInput) for an unknown
/// name, listing the known ones. Definitions are built once and live for the whole process.
const ModelDefinition& get_model(const std::string& name);

}  // namespace vct::models
