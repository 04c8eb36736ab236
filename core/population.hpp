// SPDX-License-Identifier: MIT
#pragma once

#include <Eigen/Dense>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace vct {

enum class DistributionKind { kFixed, kUniform, kLogUniform, kNormal, kLogNormal };
const char* to_string(DistributionKind kind);

/// Variation of one model parameter across virtual patients (internal units). Normal and
/// log-normal laws may be truncated to [lower, upper]; truncation is exact (the uniform draw is
/// mapped into [F(lower), F(upper)] before the inverse CDF), never by rejection.
struct ParameterDistribution {
  std::string parameter;
  DistributionKind kind = DistributionKind::kFixed;
  double value = 0.0;                                       ///< fixed
  double lower = -std::numeric_limits<double>::infinity();  ///< bound (uniform, log-uniform) or truncation
  double upper = std::numeric_limits<double>::infinity();
  double median = 1.0;  ///< log-normal: exp(mean of ln X)
  double sigma = 0.0;   ///< log-normal: sd of ln X
  double mean = 0.0;    ///< normal
  double sd = 1.0;      ///< normal

  /// The value at cumulative probability u in (0, 1).
  double quantile(double u) const;

  static ParameterDistribution lognormal(std::string parameter, double median, double sigma);
  static ParameterDistribution uniform(std::string parameter, double lower, double upper);
  static ParameterDistribution loguniform(std::string parameter, double lower, double upper);
};

/// Correlated variation of a block of parameters in a compressed latent space (QSP-IO's PK
/// variability): ln(theta) = V psi + ln(theta_centre), psi_i ~ Uniform(psi_min_i, psi_max_i)
/// independently. internal value = theta * unit_scale. Applied only in arms dosing `drug`, and only
/// to the treatment phase (the initial-condition phase uses the nominal values, as QSP-IO does).
struct LatentLogLinearBlock {
  std::string name;
  std::string drug;
  std::vector<std::string> parameters;
  std::vector<double> unit_scale;
  Eigen::MatrixXd V;
  Eigen::VectorXd log_centre;
  Eigen::VectorXd psi_min;
  Eigen::VectorXd psi_max;
};

/// A model's published virtual-population design.
struct PopulationPreset {
  std::string name;
  std::string description;
  std::string source;
  std::vector<ParameterDistribution> distributions;
  std::vector<LatentLogLinearBlock> latent_blocks;
};

struct PopulationSpec {
  int size = 100;  ///< candidates to sample
  std::uint64_t seed = 1;
  bool latin_hypercube = true;  ///< else independent draws
  std::vector<ParameterDistribution> distributions;
  std::vector<LatentLogLinearBlock> latent_blocks;
};

/// A sampled (or loaded) population: one row per candidate, one column per varied parameter.
/// Columns with a non-empty `drug` apply only in arms dosing that drug.
struct Population {
  std::uint64_t seed = 0;
  std::size_t n = 0;  ///< candidates
  std::vector<std::string> parameters;
  std::vector<std::string> units;
  std::vector<std::string> drug;
  std::vector<int> parameter_index;  ///< per column: index in the model's table (resolve_columns)
  std::vector<int> drug_index;       ///< per column: index in the model's drugs(), -1 if patient-level
  std::vector<double> values;        ///< row-major [candidate][column]

  std::size_t size() const { return n; }
  double at(std::size_t candidate, std::size_t column) const { return values[candidate * parameters.size() + column]; }
};

/// Draws the population. LHS strata permutations come from (seed, dimension) streams and the
/// position inside a stratum from each candidate's own stream, so the result does not depend on
/// how the work is later split across threads or processes. Throws Error(kInput) for unknown
/// parameters or invalid distributions.
Population sample_population(const ModelDefinition& model, const PopulationSpec& spec);

/// Resolves the columns' parameter and drug names against the model (parameter_index,
/// drug_index); sample_population does this itself, readers of stored populations call it once.
/// Throws Error(kInput) naming an unknown parameter or drug.
void resolve_columns(const ModelDefinition& model, Population& population);

/// Writes candidate `row`'s values into `params`: patient-level columns always, drug-specific
/// columns only for drugs in `dosed_drugs` (indices in model.drugs(); pass an empty list for the
/// initial-condition phase). The population's columns must be resolved (resolve_columns).
void apply_population_row(const Population& population, std::size_t row, const std::vector<int>& dosed_drugs,
                          std::vector<double>& params);

}  // namespace vct
