// SPDX-License-Identifier: MIT
// The coloured forward-AD Jacobian against central finite differences, and its sparse form
// against the dense one, for the registered models at physiological states (the two-lesion RT
// model with every immune module, after a fraction).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "core/jacobian.hpp"
#include "core/simulation.hpp"
#include "models/registry.hpp"

namespace vct {
namespace {

std::vector<double> state_under_treatment(const ModelDefinition& model, std::vector<double>& p) {
  std::vector<double> y(static_cast<std::size_t>(model.n_states()));
  if (model.supports_growth_initialisation()) {
    const InitialisationResult ic = grow_to_diameter(model, p, 3.7, 8000.0, SolverOptions{});
    EXPECT_TRUE(ic.reached);
    y = ic.state;
    // RT models: a fraction to every lesion so that doomed cells, licensing and new T2 cells are
    // active (and no state sits on the kink of a positive part at 0, where differences see half a slope).
    if (model.supports_radiotherapy())
      for (int l = 0; l < model.n_lesions(); ++l)
        model.apply_radiation_fraction(l == 0 ? 8.0 : 2.0, l, p.data(), y.data());
  } else {
    model.published_treatment_start_state(p.data(), y.data());
  }
  // Put antibody into every compartment so the binding terms are active.
  for (const auto& slot : model.drug_slots()) {
    const std::string name = slot.name;
    for (const std::string comp : {"V_C.", "V_P.", "V_T.", "V_LN."}) {
      const int i = model.state_index(comp + name);
      if (i >= 0) y[static_cast<std::size_t>(i)] = comp == "V_C." ? 800.0 : 40.0;
    }
  }
  // Advance a little so that complexes are non-zero.
  TreatmentPlan plan;
  plan.horizon_day = 2.0;
  const PatientRun run = simulate_treatment(model, p, y, plan, SolverOptions{});
  EXPECT_EQ(run.status, PatientStatus::kOk) << run.message;
  const std::size_t n = static_cast<std::size_t>(model.n_states());
  return std::vector<double>(run.trajectory.states.end() - static_cast<long>(n), run.trajectory.states.end());
}

class JacobianOfModel : public ::testing::TestWithParam<std::string> {};

TEST_P(JacobianOfModel, MatchesCentralFiniteDifferences) {
  const ModelDefinition& model = models::get_model(GetParam());
  std::vector<double> p = model.default_parameters();
  const std::vector<double> y = state_under_treatment(model, p);
  const int n = model.n_states();
  JacobianEvaluator jac(model);
  std::vector<double> J(static_cast<std::size_t>(n * n));
  jac.evaluate_dense(0.0, y.data(), p.data(), J.data());

  std::vector<double> yp = y, ym = y, fp(static_cast<std::size_t>(n)), fm(static_cast<std::size_t>(n));
  int checked = 0;
  for (int j = 0; j < n; ++j) {
    const double h = 1e-6 * std::max(std::abs(y[static_cast<std::size_t>(j)]), 1e-6);
    yp[static_cast<std::size_t>(j)] = y[static_cast<std::size_t>(j)] + h;
    ym[static_cast<std::size_t>(j)] = y[static_cast<std::size_t>(j)] - h;
    model.rhs(0.0, yp.data(), p.data(), fp.data());
    model.rhs(0.0, ym.data(), p.data(), fm.data());
    yp[static_cast<std::size_t>(j)] = ym[static_cast<std::size_t>(j)] = y[static_cast<std::size_t>(j)];
    for (int i = 0; i < n; ++i) {
      const double fd = (fp[static_cast<std::size_t>(i)] - fm[static_cast<std::size_t>(i)]) / (2.0 * h);
      const double ad = J[static_cast<std::size_t>(j * n + i)];
      // Finite differences carry round-off ~ eps * |f| / h; compare on that scale.
      const double fscale =
          std::max(std::abs(fp[static_cast<std::size_t>(i)]), std::abs(fm[static_cast<std::size_t>(i)]));
      const double tol = 1e-5 * std::abs(ad) + 1e-8 * fscale / h + 1e-12;
      EXPECT_NEAR(ad, fd, tol) << "d(" << model.states()[static_cast<std::size_t>(i)].name << ")/d("
                               << model.states()[static_cast<std::size_t>(j)].name << ")";
      ++checked;
    }
  }
  EXPECT_EQ(checked, n * n);
}

TEST_P(JacobianOfModel, SparseFormEqualsDenseForm) {
  const ModelDefinition& model = models::get_model(GetParam());
  std::vector<double> p = model.default_parameters();
  const std::vector<double> y = state_under_treatment(model, p);
  const int n = model.n_states();
  const JacobianPattern& pattern = model.jacobian_pattern();
  JacobianEvaluator jac(model);
  std::vector<double> dense(static_cast<std::size_t>(n * n));
  jac.evaluate_dense(0.0, y.data(), p.data(), dense.data());
  std::vector<long> col(static_cast<std::size_t>(n + 1)), row(static_cast<std::size_t>(pattern.n_nonzeros));
  std::vector<double> val(static_cast<std::size_t>(pattern.n_nonzeros));
  jac.evaluate_csc(0.0, y.data(), p.data(), col.data(), row.data(), val.data());
  ASSERT_EQ(col[static_cast<std::size_t>(n)], pattern.n_nonzeros);
  std::vector<double> rebuilt(static_cast<std::size_t>(n * n), 0.0);
  for (int j = 0; j < n; ++j)
    for (long q = col[static_cast<std::size_t>(j)]; q < col[static_cast<std::size_t>(j + 1)]; ++q)
      rebuilt[static_cast<std::size_t>(j * n + row[static_cast<std::size_t>(q)])] = val[static_cast<std::size_t>(q)];
  for (std::size_t k = 0; k < dense.size(); ++k) EXPECT_EQ(rebuilt[k], dense[k]) << "entry " << k;
  // Columns sharing a colour never share a row (the compression is lossless).
  for (int a = 0; a < n; ++a)
    for (int b = a + 1; b < n; ++b) {
      if (pattern.colour[static_cast<std::size_t>(a)] != pattern.colour[static_cast<std::size_t>(b)]) continue;
      const auto& ra = pattern.column_rows[static_cast<std::size_t>(a)];
      const auto& rb = pattern.column_rows[static_cast<std::size_t>(b)];
      std::vector<int> common;
      std::set_intersection(ra.begin(), ra.end(), rb.begin(), rb.end(), std::back_inserter(common));
      EXPECT_TRUE(common.empty()) << "columns " << a << " and " << b;
    }
}

INSTANTIATE_TEST_SUITE_P(RegisteredModels, JacobianOfModel,
                         ::testing::Values("qspio2020_example1", "qspio_nsclc", "qspio_nsclc_rt@2"));

TEST(JacobianPattern, NsclcIsSparseAndNeedsFewColours) {
  const JacobianPattern& pattern = models::get_model("qspio_nsclc").jacobian_pattern();
  EXPECT_EQ(pattern.n, 141);
  EXPECT_LT(pattern.n_nonzeros, 141 * 141 / 10);  // under 10 % dense
  EXPECT_LE(pattern.n_colours, 24);
}

}  // namespace
}  // namespace vct
