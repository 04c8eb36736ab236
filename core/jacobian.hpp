// SPDX-License-Identifier: MIT
#pragma once

#include <vector>

#include "core/model.hpp"

namespace vct {

/// Structural sparsity of df/dy and a greedy column colouring: columns of one colour share no
/// row, so one directional derivative per colour recovers all of them (Curtis-Powell-Reid).
struct JacobianPattern {
  int n = 0;
  std::vector<std::vector<int>> column_rows;  ///< Non-zero rows of each column.
  std::vector<int> colour;                    ///< Colour of each column.
  int n_colours = 0;
  int n_nonzeros = 0;
};

/// Detects the pattern by forward AD at several random positive states and parameters, taking
/// the union so that entries that vanish only at special values are kept.
JacobianPattern detect_jacobian_pattern(const ModelDefinition& model);

/// Exact Jacobian by coloured forward-mode AD, written into a dense column-major n x n array.
class JacobianEvaluator {
 public:
  explicit JacobianEvaluator(const ModelDefinition& model);
  void evaluate_dense(double t_day, const double* y, const double* p, double* jac_col_major);
  /// Compressed sparse column form: col_ptr has n + 1 entries, row_index and values nnz entries.
  /// The structure is the pattern's (diagonal always present, rows sorted per column).
  void evaluate_csc(double t_day, const double* y, const double* p, long* col_ptr, long* row_index, double* values);
  int n_passes() const { return n_passes_; }

 private:
  /// Seeds the lanes of colours [pass*kDualWidth, (pass+1)*kDualWidth) and evaluates the RHS.
  void evaluate_pass(int pass, double t_day, const double* y, const double* p);
  /// Lane of column j in `pass`, or -1 when the column's colour is not in this pass.
  int lane_of(int j, int pass) const;

  const ModelDefinition& model_;
  const JacobianPattern& pattern_;
  int n_passes_;
  std::vector<Dual> y_dual_;
  std::vector<Dual> f_dual_;
};

}  // namespace vct
