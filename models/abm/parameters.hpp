// SPDX-License-Identifier: MIT
// Parameters of the agent-based lesion window (table in parameters.inc, docs/models/abm.md). Names
// are resolved once, by whoever builds a Parameters (a loader or a test); the rules read values by
// index. Read-only use from several threads is safe.
#pragma once

#include <array>
#include <cstddef>
#include <vector>

#include "core/model.hpp"
#include "models/abm/parameters.inc"

namespace vct::models::abm {

/// Index of each parameter in Parameters::values.
enum class P : std::size_t {
#define VCT_ABM_INDEX(name, unit, value, lower, upper, description, source) name,
  VCT_ABM_PARAMETERS(VCT_ABM_INDEX)
#undef VCT_ABM_INDEX
      kCount
};

inline constexpr std::size_t kParameterCount = static_cast<std::size_t>(P::kCount);

/// The table with units, bounds and sources (same order as P).
const std::vector<ParameterInfo>& parameter_table();

/// Parameter values in the units of the table; default-constructed to the table's defaults.
struct Parameters {
  Parameters();
  std::array<double, kParameterCount> values{};
  double operator[](P i) const { return values[static_cast<std::size_t>(i)]; }
  double& operator[](P i) { return values[static_cast<std::size_t>(i)]; }
  /// Slice length in days and in seconds.
  double slice_days() const { return (*this)[P::slice_h] / 24.0; }
  double slice_seconds() const { return (*this)[P::slice_h] * 3600.0; }
};

}  // namespace vct::models::abm
