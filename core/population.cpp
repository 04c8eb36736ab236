// SPDX-License-Identifier: MIT
#include "core/population.hpp"

#include <utility>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/error.hpp"
#include "core/random.hpp"

namespace vct {

const char* to_string(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::kFixed:
      return "fixed";
    case DistributionKind::kUniform:
      return "uniform";
    case DistributionKind::kLogUniform:
      return "loguniform";
    case DistributionKind::kNormal:
      return "normal";
    case DistributionKind::kLogNormal:
      return "lognormal";
  }
  return "unknown";
}

ParameterDistribution ParameterDistribution::lognormal(std::string parameter, double median, double sigma) {
  ParameterDistribution d;
  d.parameter = std::move(parameter);
  d.kind = DistributionKind::kLogNormal;
  d.median = median;
  d.sigma = sigma;
  return d;
}

ParameterDistribution ParameterDistribution::uniform(std::string parameter, double lower, double upper) {
  ParameterDistribution d;
  d.parameter = std::move(parameter);
  d.kind = DistributionKind::kUniform;
  d.lower = lower;
  d.upper = upper;
  return d;
}

ParameterDistribution ParameterDistribution::loguniform(std::string parameter, double lower, double upper) {
  ParameterDistribution d = uniform(std::move(parameter), lower, upper);
  d.kind = DistributionKind::kLogUniform;
  return d;
}

double ParameterDistribution::quantile(double u) const {
  switch (kind) {
    case DistributionKind::kFixed:
      return value;
    case DistributionKind::kUniform:
      return lower + (upper - lower) * u;
    case DistributionKind::kLogUniform:
      return std::exp(std::log(lower) + (std::log(upper) - std::log(lower)) * u);
    case DistributionKind::kNormal: {
      const double a = normal_cdf((lower - mean) / sd), b = normal_cdf((upper - mean) / sd);
      return mean + sd * normal_quantile(a + (b - a) * u);
    }
    case DistributionKind::kLogNormal: {
      const double mu = std::log(median);
      const double a = lower > 0.0 ? normal_cdf((std::log(lower) - mu) / sigma) : 0.0;
      const double b = std::isfinite(upper) ? normal_cdf((std::log(upper) - mu) / sigma) : 1.0;
      return std::exp(mu + sigma * normal_quantile(a + (b - a) * u));
    }
  }
  return value;
}

namespace {

void check_distribution(const ModelDefinition& model, const ParameterDistribution& d) {
  const int k = model.parameter_index(d.parameter);
  if (k < 0)
    throw Error(ErrorKind::kInput, "population: unknown parameter '" + d.parameter + "' for model " + model.id());
  auto bad = [&](const std::string& why) {
    throw Error(ErrorKind::kInput, "population: " + d.parameter + " (" + to_string(d.kind) + "): " + why);
  };
  switch (d.kind) {
    case DistributionKind::kFixed:
      break;
    case DistributionKind::kUniform:
      if (!(std::isfinite(d.lower) && std::isfinite(d.upper) && d.lower < d.upper)) bad("needs finite lower < upper");
      break;
    case DistributionKind::kLogUniform:
      if (!(d.lower > 0.0 && std::isfinite(d.upper) && d.lower < d.upper)) bad("needs 0 < lower < upper");
      break;
    case DistributionKind::kNormal:
      if (!(d.sd > 0.0) || !(d.lower < d.upper)) bad("needs sd > 0 and lower < upper");
      break;
    case DistributionKind::kLogNormal:
      if (!(d.median > 0.0 && d.sigma > 0.0) || !(d.lower < d.upper)) bad("needs median > 0, sigma > 0, lower < upper");
      break;
  }
}

}  // namespace

Population sample_population(const ModelDefinition& model, const PopulationSpec& spec) {
  if (spec.size < 1) throw Error(ErrorKind::kInput, "population: size must be at least 1");
  Population pop;
  pop.seed = spec.seed;
  std::vector<ParameterDistribution> distributions = spec.distributions;
  for (auto& d : distributions) {
    check_distribution(model, d);
    // Samples stay inside the parameter table's bounds: truncate the unbounded laws there, and
    // refuse bounded laws that reach outside.
    const ParameterInfo& info = model.parameters()[static_cast<std::size_t>(model.parameter_index(d.parameter))];
    if (d.kind == DistributionKind::kNormal || d.kind == DistributionKind::kLogNormal) {
      d.lower = std::max(d.lower, info.lower);
      d.upper = std::min(d.upper, info.upper);
    } else if (d.kind != DistributionKind::kFixed
                   ? (d.lower < info.lower || (info.lower_open && d.lower == info.lower) || d.upper > info.upper)
                   : (d.value < info.lower || (info.lower_open && d.value == info.lower) || d.value > info.upper)) {
      throw Error(ErrorKind::kInput, "population: " + d.parameter + " range reaches outside the parameter's bounds " +
                                         (info.lower_open ? "(" : "[") + std::to_string(info.lower) + ", " +
                                         std::to_string(info.upper) + "]");
    }
    pop.parameters.push_back(d.parameter);
    pop.units.push_back(model.parameters()[static_cast<std::size_t>(model.parameter_index(d.parameter))].unit);
    pop.drug.push_back("");
  }
  for (const auto& block : spec.latent_blocks)
    for (const auto& name : block.parameters) {
      const int k = model.parameter_index(name);
      if (k < 0)
        throw Error(ErrorKind::kInput, "population block " + block.name + ": unknown parameter '" + name + "'");
      pop.parameters.push_back(name);
      pop.units.push_back(model.parameters()[static_cast<std::size_t>(k)].unit);
      pop.drug.push_back(block.drug);
    }

  resolve_columns(model, pop);
  const std::size_t n = static_cast<std::size_t>(spec.size);
  const std::size_t dims = spec.distributions.size();
  const std::size_t cols = pop.parameters.size();
  pop.values.assign(n * cols, 0.0);
  pop.n = n;

  // Stratum of each candidate in each dimension.
  std::vector<std::vector<std::size_t>> stratum(dims);
  if (spec.latin_hypercube) {
    for (std::size_t d = 0; d < dims; ++d) {
      stratum[d].resize(n);
      std::iota(stratum[d].begin(), stratum[d].end(), 0);
      Rng rng(spec.seed, Stream::kLatinHypercube, d);
      for (std::size_t i = n; i > 1; --i) std::swap(stratum[d][i - 1], stratum[d][rng.below(i)]);
    }
  }
  for (std::size_t i = 0; i < n; ++i) {
    Rng rng(spec.seed, Stream::kSampling, i);
    for (std::size_t d = 0; d < dims; ++d) {
      const double u = spec.latin_hypercube
                           ? (static_cast<double>(stratum[d][i]) + rng.uniform()) / static_cast<double>(n)
                           : rng.uniform();
      pop.values[i * cols + d] = distributions[d].quantile(u);
    }
    Rng latent(spec.seed, Stream::kLatentPk, i);
    std::size_t col = dims;
    for (const auto& block : spec.latent_blocks) {
      Eigen::VectorXd psi(block.psi_min.size());
      for (Eigen::Index k = 0; k < psi.size(); ++k)
        psi[k] = block.psi_min[k] + (block.psi_max[k] - block.psi_min[k]) * latent.uniform();
      const Eigen::VectorXd log_theta = block.V * psi + block.log_centre;
      for (Eigen::Index k = 0; k < log_theta.size(); ++k)
        pop.values[i * cols + col++] = std::exp(log_theta[k]) * block.unit_scale[static_cast<std::size_t>(k)];
    }
  }
  return pop;
}

void resolve_columns(const ModelDefinition& model, Population& population) {
  population.parameter_index.clear();
  population.drug_index.clear();
  for (std::size_t c = 0; c < population.parameters.size(); ++c) {
    const int k = model.parameter_index(population.parameters[c]);
    if (k < 0)
      throw Error(ErrorKind::kInput,
                  "population column '" + population.parameters[c] + "' is not a parameter of " + model.id());
    population.parameter_index.push_back(k);
    int drug = -1;
    if (c < population.drug.size() && !population.drug[c].empty()) {
      const DrugInfo* info = model.find_drug(population.drug[c]);
      if (!info)
        throw Error(ErrorKind::kInput, "population column '" + population.parameters[c] + "' belongs to drug '" +
                                           population.drug[c] + "', which model " + model.id() + " does not have");
      drug = static_cast<int>(info - model.drugs().data());
    }
    population.drug_index.push_back(drug);
  }
}

void apply_population_row(const Population& population, std::size_t row, const std::vector<int>& dosed_drugs,
                          std::vector<double>& params) {
  if (population.parameter_index.size() != population.parameters.size())
    throw Error(ErrorKind::kInternal, "population columns not resolved against the model (resolve_columns)");
  for (std::size_t c = 0; c < population.parameters.size(); ++c) {
    const int drug = population.drug_index[c];
    if (drug >= 0 && std::find(dosed_drugs.begin(), dosed_drugs.end(), drug) == dosed_drugs.end()) continue;
    params[static_cast<std::size_t>(population.parameter_index[c])] = population.at(row, c);
  }
}

}  // namespace vct
