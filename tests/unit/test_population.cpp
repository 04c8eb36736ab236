// SPDX-License-Identifier: MIT
// Population sampling: distribution laws, truncation, Latin-hypercube strata, the latent PK
// block, determinism, and errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "core/error.hpp"
#include "core/population.hpp"
#include "core/random.hpp"
#include "models/registry.hpp"

namespace vct {
namespace {

const ModelDefinition& nsclc() { return models::get_model("qspio_nsclc"); }

constexpr auto lognormal = &ParameterDistribution::lognormal;

std::vector<double> column(const Population& p, std::size_t c) {
  std::vector<double> v;
  for (std::size_t i = 0; i < p.size(); ++i) v.push_back(p.at(i, c));
  return v;
}

double mean(const std::vector<double>& v) {
  double s = 0.0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}
double sd(const std::vector<double>& v) {
  const double m = mean(v);
  double s = 0.0;
  for (double x : v) s += (x - m) * (x - m);
  return std::sqrt(s / static_cast<double>(v.size() - 1));
}

TEST(NormalQuantile, MatchesKnownValuesAndInvertsTheCdf) {
  EXPECT_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-13);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-15);
  EXPECT_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-9);
  for (double p = 0.001; p < 1.0; p += 0.0137) EXPECT_NEAR(normal_cdf(normal_quantile(p)), p, 1e-14);
}

TEST(Sampling, LogNormalHasRequestedMedianAndSigma) {
  PopulationSpec spec;
  spec.size = 4000;
  spec.seed = 11;
  spec.latin_hypercube = false;
  spec.distributions = {lognormal("k_C1_growth_per_day", 0.007, 1.0)};
  const Population pop = sample_population(nsclc(), spec);
  std::vector<double> logs;
  for (double x : column(pop, 0)) logs.push_back(std::log(x));
  // Standard errors: 1/sqrt(4000) = 0.016 for the mean, 0.011 for the sd.
  EXPECT_NEAR(mean(logs), std::log(0.007), 0.05);
  EXPECT_NEAR(sd(logs), 1.0, 0.04);
}

TEST(Sampling, LatinHypercubePutsOneSampleInEveryStratum) {
  PopulationSpec spec;
  spec.size = 250;
  spec.seed = 3;
  ParameterDistribution u;
  u.parameter = "C_CD47_per_um2";
  u.kind = DistributionKind::kUniform;
  u.lower = 50;
  u.upper = 150;
  ParameterDistribution lu = u;
  lu.parameter = "k_T1_per_day";
  lu.kind = DistributionKind::kLogUniform;
  lu.lower = 0.01;
  lu.upper = 1.0;
  spec.distributions = {u, lu};
  const Population pop = sample_population(nsclc(), spec);
  std::set<long> strata_u, strata_lu;
  for (std::size_t i = 0; i < pop.size(); ++i) {
    strata_u.insert(static_cast<long>(std::floor((pop.at(i, 0) - 50.0) / 100.0 * 250.0)));
    strata_lu.insert(static_cast<long>(std::floor((std::log10(pop.at(i, 1)) + 2.0) / 2.0 * 250.0)));
  }
  EXPECT_EQ(strata_u.size(), 250u);
  EXPECT_EQ(strata_lu.size(), 250u);
  EXPECT_EQ(*strata_u.begin(), 0);
  EXPECT_EQ(*strata_u.rbegin(), 249);
}

TEST(Sampling, TruncationIsExactAndTableBoundsAreHonoured) {
  PopulationSpec spec;
  spec.size = 2000;
  spec.seed = 5;
  ParameterDistribution d = lognormal("initial_tumour_diameter_cm", 3.7, 0.4);
  d.lower = 2.0;
  d.upper = 6.0;
  ParameterDistribution wide = lognormal("k_C1_growth_per_day", 0.007, 5.0);  // table bounds [0, 10]
  spec.distributions = {d, wide};
  const Population pop = sample_population(nsclc(), spec);
  for (std::size_t i = 0; i < pop.size(); ++i) {
    EXPECT_GE(pop.at(i, 0), 2.0);
    EXPECT_LE(pop.at(i, 0), 6.0);
    EXPECT_LE(pop.at(i, 1), 10.0);
  }
  // Truncation keeps the shape: the median is still that of the untruncated law here (symmetric cut in ln).
  std::vector<double> v = column(pop, 0);
  std::sort(v.begin(), v.end());
  EXPECT_NEAR(v[1000],
              3.7 * std::exp(0.4 * normal_quantile(0.5 * (normal_cdf(std::log(2.0 / 3.7) / 0.4) +
                                                          normal_cdf(std::log(6.0 / 3.7) / 0.4)))),
              0.03);
}

TEST(Sampling, IsDeterministicPerSeed) {
  PopulationSpec spec;
  spec.size = 50;
  spec.seed = 42;
  spec.distributions = models::population_presets("qspio_nsclc")[0].distributions;
  const Population a = sample_population(nsclc(), spec), b = sample_population(nsclc(), spec);
  EXPECT_EQ(a.values, b.values);
  spec.seed = 43;
  EXPECT_NE(a.values, sample_population(nsclc(), spec).values);
}

TEST(Sampling, DurvalumabLatentBlockStaysInsideItsPsiBox) {
  const PopulationPreset preset = models::population_presets("qspio_nsclc")[0];
  ASSERT_EQ(preset.distributions.size(), 30u);  // dossier §7.2
  ASSERT_EQ(preset.latent_blocks.size(), 1u);
  const LatentLogLinearBlock& block = preset.latent_blocks[0];
  PopulationSpec spec;
  spec.size = 300;
  spec.seed = 9;
  spec.latent_blocks = {block};
  const Population pop = sample_population(nsclc(), spec);
  ASSERT_EQ(pop.parameters.size(), 6u);
  EXPECT_EQ(pop.drug[0], "durvalumab");
  const Eigen::MatrixXd V_inv = block.V.inverse();
  double vc_min = 1e9, vc_max = 0;
  for (std::size_t i = 0; i < pop.size(); ++i) {
    Eigen::VectorXd log_theta(6);
    for (int k = 0; k < 6; ++k)
      log_theta[k] = std::log(pop.at(i, static_cast<std::size_t>(k)) / block.unit_scale[static_cast<std::size_t>(k)]);
    const Eigen::VectorXd psi = V_inv * (log_theta - block.log_centre);
    for (int k = 0; k < 6; ++k) {
      EXPECT_GE(psi[k], block.psi_min[k] - 1e-9);
      EXPECT_LE(psi[k], block.psi_max[k] + 1e-9);
    }
    vc_min = std::min(vc_min, pop.at(i, 3));
    vc_max = std::max(vc_max, pop.at(i, 3));
  }
  // Centre V_C = 5.777 L (dossier §7.3); psi_2 spans about +-0.28 with weight -0.95 on ln V_C.
  EXPECT_GT(vc_min, 3.5);
  EXPECT_LT(vc_max, 9.0);
  EXPECT_LT(vc_min, 5.0);
  EXPECT_GT(vc_max, 6.5);
}

TEST(Sampling, DrugSpecificColumnsApplyOnlyInArmsDosingThatDrug) {
  PopulationSpec spec;
  spec.size = 2;
  spec.seed = 1;
  spec.latent_blocks = models::population_presets("qspio_nsclc")[0].latent_blocks;
  const Population pop = sample_population(nsclc(), spec);
  std::vector<double> p = nsclc().default_parameters();
  const std::size_t vc = static_cast<std::size_t>(nsclc().parameter_index("V_C_L"));
  const int nivolumab = static_cast<int>(nsclc().find_drug("nivolumab") - nsclc().drugs().data());
  const int durvalumab = static_cast<int>(nsclc().find_drug("durvalumab") - nsclc().drugs().data());
  EXPECT_EQ(pop.drug_index[3], durvalumab);  // resolved when sampled
  apply_population_row(pop, 0, {nivolumab}, p);
  EXPECT_EQ(p[vc], 5.0);
  apply_population_row(pop, 0, {durvalumab}, p);
  EXPECT_EQ(p[vc], pop.at(0, 3));
}

TEST(Sampling, BadSpecificationsAreInputErrors) {
  PopulationSpec spec;
  spec.distributions = {lognormal("k_C1_grwoth_per_day", 0.007, 1)};
  try {
    sample_population(nsclc(), spec);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "population: unknown parameter 'k_C1_grwoth_per_day' for model qspio_nsclc");
  }
  ParameterDistribution u;
  u.parameter = "gamma_T_aPD1";
  u.kind = DistributionKind::kUniform;
  u.lower = 0.5;
  u.upper = 1.5;
  spec.distributions = {u};
  EXPECT_THROW(sample_population(nsclc(), spec), Error);
}

}  // namespace
}  // namespace vct
