// SPDX-License-Identifier: MIT
// Sparse LU for the Newton matrices of one integration: same pattern every time, new values.
//
// KLU chooses the orderings (AMD columns, partial-pivoting rows) once; after that the
// factorisation keeps that pivot sequence, as klu_refactor does, but runs a precomputed schedule
// of scalar operations instead of KLU's general code. On the NSCLC model KLU's refactor and
// solves were half of all instructions per patient, about 13 instructions per stored entry per
// solve (docs/performance.md). As in SUNDIALS' KLU module, a refactorisation whose pivots
// become too small relative to each other is redone with fresh pivoting.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include <sundials/sundials_context.h>
#include <sundials/sundials_linearsolver.h>

namespace vct {

class StaticPivotSparseLU {
 public:
  StaticPivotSparseLU() = default;
  ~StaticPivotSparseLU();
  StaticPivotSparseLU(const StaticPivotSparseLU&) = delete;
  StaticPivotSparseLU& operator=(const StaticPivotSparseLU&) = delete;

  /// Factorises the n x n CSC matrix (row indices sorted within each column). The first call,
  /// and any call whose pattern differs or whose pivots degrade, picks orderings with KLU.
  /// Returns false if the matrix is numerically singular.
  bool factor(std::int64_t n, const std::int64_t* col_ptr, const std::int64_t* row_ind, const double* values);

  /// Solves A x = b in place (b becomes x) with the last successful factorisation.
  void solve(double* b) const;

  /// Entries stored in L + U (unit diagonal of L not stored, diagonal of U stored).
  std::int64_t factor_entries() const { return static_cast<std::int64_t>(col_.size()); }
  /// Number of times orderings/pivots were chosen (1 when no refactorisation had to re-pivot).
  int pivot_choices() const { return pivot_choices_; }

 private:
  /// Entries of B = A(P, Q) by row: (column in B, index in A's value array).
  using PermutedRows = std::vector<std::vector<std::pair<std::size_t, std::size_t>>>;
  /// Pivots from KLU's factorisation of `values`, then the fill pattern and elimination schedule.
  bool choose_pivots(const double* values);
  /// KLU's row and column orders for `values` (perm_row_, perm_col_); false when KLU fails.
  bool klu_pivots(const double* values);
  PermutedRows permuted_rows() const;
  /// The pattern of L + U (row_ptr_, diag_, col_) by symbolic elimination; sizes lu_ and work.
  void fill_pattern(const PermutedRows& b_rows);
  /// Where each value of A goes in lu_, and the eliminations and updates row by row.
  void build_schedule(const PermutedRows& b_rows);
  bool same_pattern(std::int64_t n, const std::int64_t* col_ptr, const std::int64_t* row_ind) const;
  bool numeric(const double* values, bool check_pivot_ratio);

  std::int64_t n_ = 0;
  std::vector<std::int64_t> a_col_ptr_, a_row_ind_;  ///< pattern the schedule was built for
  // L + U by rows of A(P, Q): row i holds L (columns < i), then the diagonal, then U.
  std::vector<std::size_t> row_ptr_, diag_;
  std::vector<std::int32_t> col_;
  std::vector<double> lu_, inv_diag_;
  std::vector<std::size_t> a_to_lu_;  ///< position in lu_ of each stored entry of A
  // Elimination schedule: for each L entry (in row order) its position and pivot row k, and the
  // range of (source, destination) pairs subtracting l * U(k, j) from row i.
  std::vector<std::int32_t> elim_pos_, elim_row_;
  std::vector<std::size_t> elim_begin_, elim_row_ptr_;
  std::vector<std::int32_t> upd_src_, upd_dst_;
  std::vector<std::size_t> perm_row_, perm_col_;  ///< row i of the factor is A row perm_row_[i]
  mutable std::vector<double> work_;
  int pivot_choices_ = 0;
  void* klu_symbolic_ = nullptr;
  void* klu_common_ = nullptr;
};

/// A SUNDIALS direct linear solver backed by StaticPivotSparseLU, for CSC SUNSparseMatrix.
SUNLinearSolver make_static_pivot_sparse_lu(SUNContext ctx);

/// The factorisation inside a solver made by make_static_pivot_sparse_lu (for statistics/tests).
const StaticPivotSparseLU& static_pivot_sparse_lu_of(SUNLinearSolver solver);

}  // namespace vct
