// SPDX-License-Identifier: MIT
#include "models/abm/parameters.hpp"

namespace vct::models::abm {

const std::vector<ParameterInfo>& parameter_table() {
  static const std::vector<ParameterInfo> table = {
#define VCT_ABM_INFO(name, unit, value, lower, upper, description, source) \
  ParameterInfo{#name, unit, value, lower, upper, description, source},
      VCT_ABM_PARAMETERS(VCT_ABM_INFO)
#undef VCT_ABM_INFO
  };
  return table;
}

Parameters::Parameters() {
  const auto& table = parameter_table();
  for (std::size_t i = 0; i < kParameterCount; ++i) values[i] = table[i].value;
}

}  // namespace vct::models::abm
