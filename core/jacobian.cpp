// SPDX-License-Identifier: MIT
#include "core/jacobian.hpp"

#include <algorithm>
#include <cmath>
#include <random>
#include <set>

namespace vct {

JacobianPattern detect_jacobian_pattern(const ModelDefinition& model) {
  const int n = model.n_states();
  const std::size_t np = model.parameters().size();
  std::vector<std::set<int>> rows(static_cast<std::size_t>(n));
  // Fixed seed: the pattern must be the same on every run and every machine.
  std::mt19937_64 rng(20261123);
  std::uniform_real_distribution<double> factor(0.5, 1.5);

  std::vector<double> p(np), y0(static_cast<std::size_t>(n));
  const std::vector<double> p_default = model.default_parameters();
  std::vector<double> y_default(static_cast<std::size_t>(n));
  model.initial_state(p_default.data(), y_default.data());

  std::vector<Dual> y(static_cast<std::size_t>(n)), f(static_cast<std::size_t>(n));
  for (int trial = 0; trial < 3; ++trial) {
    // Zero-valued parameters and states would hide structural entries; perturb them away.
    for (std::size_t k = 0; k < np; ++k) p[k] = (p_default[k] == 0.0 ? 1.0 : p_default[k]) * factor(rng);
    for (int i = 0; i < n; ++i) {
      const double base = std::abs(y_default[static_cast<std::size_t>(i)]);
      y0[static_cast<std::size_t>(i)] = (base > 0.0 ? base : 1.0) * factor(rng);
    }
    for (int j0 = 0; j0 < n; j0 += kDualWidth) {
      for (int i = 0; i < n; ++i) y[static_cast<std::size_t>(i)] = Dual(y0[static_cast<std::size_t>(i)]);
      for (int k = 0; k < kDualWidth && j0 + k < n; ++k) y[static_cast<std::size_t>(j0 + k)].d[k] = 1.0;
      model.rhs(0.0, y.data(), p.data(), f.data());
      for (int i = 0; i < n; ++i)
        for (int k = 0; k < kDualWidth && j0 + k < n; ++k)
          if (f[static_cast<std::size_t>(i)].d[k] != 0.0 || std::isnan(f[static_cast<std::size_t>(i)].d[k]))
            rows[static_cast<std::size_t>(j0 + k)].insert(i);
    }
  }

  // The diagonal is always stored: implicit solvers factor I - gamma*J in the same structure.
  for (int j = 0; j < n; ++j) rows[static_cast<std::size_t>(j)].insert(j);

  JacobianPattern pattern;
  pattern.n = n;
  pattern.column_rows.resize(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) {
    pattern.column_rows[static_cast<std::size_t>(j)].assign(rows[static_cast<std::size_t>(j)].begin(),
                                                            rows[static_cast<std::size_t>(j)].end());
    pattern.n_nonzeros += static_cast<int>(rows[static_cast<std::size_t>(j)].size());
  }

  // Greedy colouring, densest columns first.
  std::vector<int> order(static_cast<std::size_t>(n));
  for (int j = 0; j < n; ++j) order[static_cast<std::size_t>(j)] = j;
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return pattern.column_rows[static_cast<std::size_t>(a)].size() >
           pattern.column_rows[static_cast<std::size_t>(b)].size();
  });
  pattern.colour.assign(static_cast<std::size_t>(n), -1);
  std::vector<std::vector<char>> row_used;  // row_used[c][i]: colour c already touches row i
  for (int j : order) {
    const auto& col = pattern.column_rows[static_cast<std::size_t>(j)];
    int c = 0;
    for (; c < static_cast<int>(row_used.size()); ++c) {
      bool clash = false;
      for (int i : col)
        if (row_used[static_cast<std::size_t>(c)][static_cast<std::size_t>(i)]) {
          clash = true;
          break;
        }
      if (!clash) break;
    }
    if (c == static_cast<int>(row_used.size())) row_used.emplace_back(static_cast<std::size_t>(n), 0);
    for (int i : col) row_used[static_cast<std::size_t>(c)][static_cast<std::size_t>(i)] = 1;
    pattern.colour[static_cast<std::size_t>(j)] = c;
  }
  pattern.n_colours = static_cast<int>(row_used.size());
  return pattern;
}

JacobianEvaluator::JacobianEvaluator(const ModelDefinition& model)
    : model_(model),
      pattern_(model.jacobian_pattern()),
      n_passes_((pattern_.n_colours + kDualWidth - 1) / kDualWidth),
      y_dual_(static_cast<std::size_t>(pattern_.n)),
      f_dual_(static_cast<std::size_t>(pattern_.n)) {}

int JacobianEvaluator::lane_of(int j, int pass) const {
  const int lane = pattern_.colour[static_cast<std::size_t>(j)] - pass * kDualWidth;
  return lane >= 0 && lane < kDualWidth ? lane : -1;
}

void JacobianEvaluator::evaluate_pass(int pass, double t_day, const double* y, const double* p) {
  for (int j = 0; j < pattern_.n; ++j) {
    Dual& yj = y_dual_[static_cast<std::size_t>(j)];
    yj = Dual(y[j]);
    const int lane = lane_of(j, pass);
    if (lane >= 0) yj.d[lane] = 1.0;
  }
  model_.rhs(t_day, y_dual_.data(), p, f_dual_.data());
}

void JacobianEvaluator::evaluate_dense(double t_day, const double* y, const double* p, double* jac) {
  const int n = pattern_.n;
  std::fill(jac, jac + static_cast<std::size_t>(n) * static_cast<std::size_t>(n), 0.0);
  for (int pass = 0; pass < n_passes_; ++pass) {
    evaluate_pass(pass, t_day, y, p);
    for (int j = 0; j < n; ++j) {
      const int lane = lane_of(j, pass);
      if (lane < 0) continue;
      double* column = jac + static_cast<std::size_t>(j) * static_cast<std::size_t>(n);
      for (int i : pattern_.column_rows[static_cast<std::size_t>(j)])
        column[i] = f_dual_[static_cast<std::size_t>(i)].d[lane];
    }
  }
}

void JacobianEvaluator::evaluate_csc(double t_day, const double* y, const double* p, long* col_ptr, long* row_index,
                                     double* values) {
  const int n = pattern_.n;
  long k = 0;
  for (int j = 0; j < n; ++j) {
    col_ptr[j] = k;
    for (int i : pattern_.column_rows[static_cast<std::size_t>(j)]) row_index[k++] = i;
  }
  col_ptr[n] = k;
  for (int pass = 0; pass < n_passes_; ++pass) {
    evaluate_pass(pass, t_day, y, p);
    for (int j = 0; j < n; ++j) {
      const int lane = lane_of(j, pass);
      if (lane < 0) continue;
      for (long q = col_ptr[j]; q < col_ptr[j + 1]; ++q)
        values[q] = f_dual_[static_cast<std::size_t>(row_index[q])].d[lane];
    }
  }
}

}  // namespace vct
