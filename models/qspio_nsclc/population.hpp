// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <vector>

#include "core/population.hpp"

namespace vct::models {

/// "wang2023": the 30-parameter Latin-hypercube design of the QSP-IO NSCLC virtual trial
/// (QSPIO-TNBC parameters/PSA_param_in_NSCLC.m) and the durvalumab PK latent model
/// (scripts/PK_pars.mat, applied in durvalumab arms only).
std::vector<PopulationPreset> nsclc_population_presets();

/// The 270 observed NSCLC samples of ln(M1/M2), ln(Treg/CD8), ln(CD8/CD4) used to select
/// virtual patients (iAtlas LUAD/LUSC; QSPIO-TNBC scripts/observed_variables.csv).
const std::vector<std::array<double, 3>>& nsclc_observed_immune_log_ratios();

}  // namespace vct::models
