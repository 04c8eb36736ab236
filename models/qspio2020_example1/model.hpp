// SPDX-License-Identifier: MIT
#pragma once

#include <memory>

#include "core/model.hpp"

namespace vct::models {

/// QSP-IO 2020 "example 1" (Sove et al. 2020, CPT:PSP 9:484): NSCLC-like tumour, CD8 and Treg,
/// APCs with a generic maturation cytokine, self and neo-antigen presentation, PD-1/PD-L1
/// synapse, nivolumab PK. 50 states. See models/qspio2020_example1/README.md.
std::unique_ptr<ModelDefinition> make_qspio2020_example1();

}  // namespace vct::models
