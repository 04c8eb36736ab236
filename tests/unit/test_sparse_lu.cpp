// SPDX-License-Identifier: MIT
// The static-pivot sparse LU must solve what a dense LU solves, re-pivot when the kept pivot
// order degrades, start over when the pattern changes, and report singular matrices.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <cmath>
#include <random>
#include <vector>

#include "core/jacobian.hpp"
#include "core/solver/sparse_lu.hpp"
#include "models/registry.hpp"

namespace {

struct Csc {
  std::int64_t n = 0;
  std::vector<std::int64_t> col_ptr, row_ind;
  std::vector<double> values;
};

Csc from_dense(const Eigen::MatrixXd& a, const Eigen::MatrixXi& pattern) {
  Csc m;
  m.n = a.rows();
  m.col_ptr.push_back(0);
  for (int j = 0; j < a.cols(); ++j) {
    for (int i = 0; i < a.rows(); ++i)
      if (pattern(i, j)) {
        m.row_ind.push_back(i);
        m.values.push_back(a(i, j));
      }
    m.col_ptr.push_back(static_cast<std::int64_t>(m.row_ind.size()));
  }
  return m;
}

Eigen::MatrixXd to_dense(const Csc& m) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(m.n, m.n);
  for (std::int64_t j = 0; j < m.n; ++j)
    for (std::int64_t p = m.col_ptr[j]; p < m.col_ptr[j + 1]; ++p) a(m.row_ind[p], j) = m.values[p];
  return a;
}

bool factor(vct::StaticPivotSparseLU& lu, const Csc& m) {
  return lu.factor(m.n, m.col_ptr.data(), m.row_ind.data(), m.values.data());
}

// Normwise backward error of the computed solution, ||A x - b|| / (||A|| ||x|| + ||b||): a stable
// factorisation keeps it near the unit roundoff however ill-conditioned A is.
double backward_error_of_solve(vct::StaticPivotSparseLU& lu, const Csc& m, std::mt19937& rng) {
  std::normal_distribution<double> normal;
  Eigen::VectorXd b(m.n);
  for (std::int64_t i = 0; i < m.n; ++i) b(i) = normal(rng);
  Eigen::VectorXd x = b;
  lu.solve(x.data());
  const Eigen::MatrixXd a = to_dense(m);
  return (a * x - b).norm() / (a.norm() * x.norm() + b.norm());
}

// The Newton matrix I - gamma J of the NSCLC model at its reference state, for several gammas:
// the pattern and value range CVODE hands to the solver.
TEST(StaticPivotSparseLU, SolvesNsclcNewtonMatricesStably) {
  const auto& model = vct::models::get_model("qspio_nsclc");
  const auto params = model.default_parameters();
  std::vector<double> y(static_cast<std::size_t>(model.n_states()));
  model.initial_state(params.data(), y.data());
  for (double& v : y) v = v * 1.5 + 1e-3;  // off the initial state, every species present
  vct::JacobianEvaluator jacobian(model);
  const auto& pattern = model.jacobian_pattern();
  Csc j;
  j.n = model.n_states();
  j.col_ptr.resize(static_cast<std::size_t>(j.n) + 1);
  j.row_ind.resize(static_cast<std::size_t>(pattern.n_nonzeros));
  j.values.resize(static_cast<std::size_t>(pattern.n_nonzeros));
  jacobian.evaluate_csc(0.0, y.data(), params.data(), j.col_ptr.data(), j.row_ind.data(), j.values.data());

  vct::StaticPivotSparseLU lu;
  std::mt19937 rng(7);
  for (double gamma : {1e-6, 1e-3, 0.1, 1.0, 10.0}) {
    Csc m = j;
    for (std::int64_t c = 0; c < m.n; ++c)
      for (std::int64_t p = m.col_ptr[c]; p < m.col_ptr[c + 1]; ++p)
        m.values[p] = (m.row_ind[p] == c ? 1.0 : 0.0) - gamma * j.values[p];
    ASSERT_TRUE(factor(lu, m)) << "gamma " << gamma;
    EXPECT_LT(backward_error_of_solve(lu, m, rng), 1e-14) << "gamma " << gamma;
  }
  EXPECT_GE(lu.factor_entries(), pattern.n_nonzeros);
  EXPECT_EQ(lu.pivot_choices(), 1) << "the Newton matrices of one patient keep their first pivot order";
}

TEST(StaticPivotSparseLU, RepivotsWhenTheKeptPivotOrderDegrades) {
  // Dense 4 x 4 pattern. First values: strongly diagonal, so the pivots are the diagonal.
  Eigen::MatrixXi full = Eigen::MatrixXi::Ones(4, 4);
  Eigen::MatrixXd a(4, 4);
  a << 10, 1, 0.5, 0.2,  //
      1, 12, 0.3, 0.1,   //
      0.5, 0.3, 9, 1,    //
      0.2, 0.1, 1, 11;
  vct::StaticPivotSparseLU lu;
  std::mt19937 rng(3);
  Csc m = from_dense(a, full);
  ASSERT_TRUE(factor(lu, m));
  EXPECT_LT(backward_error_of_solve(lu, m, rng), 1e-13);
  EXPECT_EQ(lu.pivot_choices(), 1);
  // Second values: a permutation matrix plus tiny diagonal. The first pivot order now divides by
  // ~1e-30; the factorisation must notice and pivot afresh.
  Eigen::MatrixXd b(4, 4);
  b << 1e-30, 1, 0, 0,  //
      1, 1e-30, 0, 0,   //
      0, 0, 1e-30, 1,   //
      0, 0, 1, 1e-30;
  m = from_dense(b, full);
  ASSERT_TRUE(factor(lu, m));
  EXPECT_EQ(lu.pivot_choices(), 2);
  EXPECT_LT(backward_error_of_solve(lu, m, rng), 1e-13);
}

TEST(StaticPivotSparseLU, StartsOverWhenThePatternChanges) {
  Eigen::MatrixXd a(3, 3);
  a << 4, 1, 0,  //
      1, 5, 2,   //
      0, 2, 6;
  Eigen::MatrixXi tridiagonal(3, 3);
  tridiagonal << 1, 1, 0, 1, 1, 1, 0, 1, 1;
  vct::StaticPivotSparseLU lu;
  std::mt19937 rng(5);
  Csc m = from_dense(a, tridiagonal);
  ASSERT_TRUE(factor(lu, m));
  EXPECT_EQ(lu.factor_entries(), 7);
  a(0, 2) = 3.0;
  a(2, 0) = -1.0;
  m = from_dense(a, Eigen::MatrixXi::Ones(3, 3));
  ASSERT_TRUE(factor(lu, m));
  EXPECT_EQ(lu.factor_entries(), 9);
  EXPECT_EQ(lu.pivot_choices(), 2);
  EXPECT_LT(backward_error_of_solve(lu, m, rng), 1e-13);
}

TEST(StaticPivotSparseLU, ReportsASingularMatrix) {
  Eigen::MatrixXd a(3, 3);
  a << 1, 2, 3,  //
      2, 4, 6,   //
      0, 0, 1;
  Csc m = from_dense(a, Eigen::MatrixXi::Ones(3, 3));
  vct::StaticPivotSparseLU lu;
  EXPECT_FALSE(factor(lu, m));
}

}  // namespace
