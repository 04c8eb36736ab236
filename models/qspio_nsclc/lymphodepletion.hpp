// SPDX-License-Identifier: MIT
// Lymphodepletion module (M4; docs/models/radiotherapy.md, "Lymphodepletion"): each fraction
// kills a share of the recirculating T cells (blood and periphery, naive and effector, every
// family) set by the dose to circulating immune cells it gives (the course's EDIC over its
// fractions; Jin 2021, Yu 2021), and, when the tumour-draining lymph node is in the field, the
// lymph node's T cells by their LQ survival at the fraction dose. Recovery is the model's own
// homeostasis: thymic output and saturating homeostatic proliferation of the naive pools refill
// them over months. Parameter table: lymphodepletion_parameters.inc.
#pragma once

#include "core/radiotherapy.hpp"
#include "models/qspio_nsclc/layout.hpp"

namespace vct::models::nsclc::lymphodepletion {

/// The recirculating pools x exp(-alpha_L e) for the fraction's circulating dose e; the lymph
/// node's pools x exp(-alpha_T d - beta_T d^2) for its nodal dose d.
void apply_fraction(const Layout& lay, const RadiationFraction& fraction, const double* p, double* y);

/// Blood lymphocytes (T cells) per litre: naive CD8 and CD4 (per clone x diversity) and the
/// effector pools in blood.
double blood_lymphocytes_per_L(const Layout& lay, const double* y, const double* p);

}  // namespace vct::models::nsclc::lymphodepletion
