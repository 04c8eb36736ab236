// SPDX-License-Identifier: MIT
#include "core/solver/sparse_lu.hpp"

#include <klu.h>
#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vct {
namespace {

klu_l_common* common_of(void* p) { return static_cast<klu_l_common*>(p); }
klu_l_symbolic* symbolic_of(void* p) { return static_cast<klu_l_symbolic*>(p); }

// SUNDIALS' KLU module re-pivots when min|U_kk| / max|U_kk| falls below this (its klu_rcond test).
const double kMinPivotRatio = std::pow(std::numeric_limits<double>::epsilon(), 2.0 / 3.0);

}  // namespace

StaticPivotSparseLU::~StaticPivotSparseLU() {
  if (klu_symbolic_) {
    auto* s = symbolic_of(klu_symbolic_);
    klu_l_free_symbolic(&s, common_of(klu_common_));
  }
  delete common_of(klu_common_);
}

bool StaticPivotSparseLU::same_pattern(std::int64_t n, const std::int64_t* col_ptr, const std::int64_t* row_ind) const {
  if (n != n_ || a_col_ptr_.empty()) return false;
  if (!std::equal(a_col_ptr_.begin(), a_col_ptr_.end(), col_ptr)) return false;
  return std::equal(a_row_ind_.begin(), a_row_ind_.end(), row_ind);
}

bool StaticPivotSparseLU::factor(std::int64_t n, const std::int64_t* col_ptr, const std::int64_t* row_ind,
                                 const double* values) {
  if (!same_pattern(n, col_ptr, row_ind)) {
    n_ = n;
    a_col_ptr_.assign(col_ptr, col_ptr + n + 1);
    a_row_ind_.assign(row_ind, row_ind + col_ptr[n]);
    if (klu_symbolic_) {
      auto* s = symbolic_of(klu_symbolic_);
      klu_l_free_symbolic(&s, common_of(klu_common_));
      klu_symbolic_ = nullptr;
    }
    return choose_pivots(values) && numeric(values, false);
  }
  if (numeric(values, true)) return true;
  // Fresh pivots are accepted as KLU accepts its own factorisation: only exact failure is fatal.
  return choose_pivots(values) && numeric(values, false);
}

bool StaticPivotSparseLU::choose_pivots(const double* values) {
  if (!klu_pivots(values)) return false;
  ++pivot_choices_;
  const PermutedRows b_rows = permuted_rows();
  fill_pattern(b_rows);
  build_schedule(b_rows);
  return true;
}

bool StaticPivotSparseLU::klu_pivots(const double* values) {
  if (!klu_common_) {
    auto* c = new klu_l_common;
    klu_l_defaults(c);
    c->btf = 0;       // one block: the schedule covers the whole matrix
    c->ordering = 0;  // AMD (less fill than COLAMD on the NSCLC Newton matrix)
    klu_common_ = c;
  }
  klu_l_common* c = common_of(klu_common_);
  auto* ap = const_cast<std::int64_t*>(a_col_ptr_.data());
  auto* ai = const_cast<std::int64_t*>(a_row_ind_.data());
  if (!klu_symbolic_) {
    klu_symbolic_ = klu_l_analyze(n_, ap, ai, c);
    if (!klu_symbolic_) return false;
  }
  klu_l_numeric* num = klu_l_factor(ap, ai, const_cast<double*>(values), symbolic_of(klu_symbolic_), c);
  if (!num || c->status != KLU_OK) {
    if (num) klu_l_free_numeric(&num, c);
    return false;
  }
  const std::size_t n = static_cast<std::size_t>(n_);
  const std::int64_t* q = symbolic_of(klu_symbolic_)->Q;
  perm_row_.assign(num->Pnum, num->Pnum + n);
  perm_col_.assign(q, q + n);
  klu_l_free_numeric(&num, c);
  return true;
}

StaticPivotSparseLU::PermutedRows StaticPivotSparseLU::permuted_rows() const {
  const std::size_t n = static_cast<std::size_t>(n_);
  std::vector<std::size_t> row_inv(n), col_inv(n);
  for (std::size_t i = 0; i < n; ++i) {
    row_inv[static_cast<std::size_t>(perm_row_[i])] = i;
    col_inv[static_cast<std::size_t>(perm_col_[i])] = i;
  }
  PermutedRows b_rows(n);
  for (std::size_t col = 0; col < n; ++col)
    for (auto p = a_col_ptr_[col]; p < a_col_ptr_[col + 1]; ++p)
      b_rows[row_inv[static_cast<std::size_t>(a_row_ind_[static_cast<std::size_t>(p)])]].push_back(
          {col_inv[col], static_cast<std::size_t>(p)});
  return b_rows;
}

void StaticPivotSparseLU::fill_pattern(const PermutedRows& b_rows) {
  // Symbolic elimination on bit rows: row i gains the U part of every row k < i it has an entry
  // in, taken in increasing k so that fill is itself eliminated.
  const std::size_t n = b_rows.size();
  const std::size_t words = (n + 63) / 64;
  std::vector<std::uint64_t> bits(n * words, 0);
  auto row_bits = [&](std::size_t i) { return bits.data() + i * words; };
  auto set_bit = [](std::uint64_t* row, std::size_t j) { row[j / 64] |= std::uint64_t{1} << (j % 64); };
  auto has_bit = [](const std::uint64_t* row, std::size_t j) { return (row[j / 64] >> (j % 64)) & 1U; };
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t* row = row_bits(i);
    for (const auto& entry : b_rows[i]) set_bit(row, entry.first);
    set_bit(row, i);
    for (std::size_t k = 0; k < i; ++k) {
      if (!has_bit(row, k)) continue;
      const std::uint64_t* pivot_row = row_bits(k);
      const std::size_t w0 = k / 64;
      const std::uint64_t above_k = k % 64 == 63 ? 0 : ~std::uint64_t{0} << (k % 64 + 1);
      row[w0] |= pivot_row[w0] & above_k;
      for (std::size_t w = w0 + 1; w < words; ++w) row[w] |= pivot_row[w];
    }
  }
  row_ptr_.assign(n + 1, 0);
  diag_.assign(n, 0);
  col_.clear();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j)
      if (has_bit(row_bits(i), j)) {
        if (j == i) diag_[i] = col_.size();
        col_.push_back(static_cast<std::int32_t>(j));
      }
    row_ptr_[i + 1] = col_.size();
  }
  lu_.assign(col_.size(), 0.0);
  inv_diag_.assign(n, 0.0);
  work_.assign(n, 0.0);
}

void StaticPivotSparseLU::build_schedule(const PermutedRows& b_rows) {
  // Row by row; `where` maps a column of the current row to its storage position.
  const std::size_t n = b_rows.size();
  std::vector<std::size_t> where(n, 0);
  a_to_lu_.assign(a_row_ind_.size(), 0);
  elim_pos_.clear();
  elim_row_.clear();
  elim_begin_.assign(1, 0);
  elim_row_ptr_.assign(n + 1, 0);
  upd_src_.clear();
  upd_dst_.clear();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t p = row_ptr_[i]; p < row_ptr_[i + 1]; ++p) where[static_cast<std::size_t>(col_[p])] = p;
    for (const auto& [col, a_index] : b_rows[i]) a_to_lu_[a_index] = where[col];
    for (std::size_t p = row_ptr_[i]; p < diag_[i]; ++p) {
      const std::size_t k = static_cast<std::size_t>(col_[p]);
      elim_pos_.push_back(static_cast<std::int32_t>(p));
      elim_row_.push_back(static_cast<std::int32_t>(k));
      for (std::size_t u = diag_[k] + 1; u < row_ptr_[k + 1]; ++u) {
        upd_src_.push_back(static_cast<std::int32_t>(u));
        upd_dst_.push_back(static_cast<std::int32_t>(where[static_cast<std::size_t>(col_[u])]));
      }
      elim_begin_.push_back(upd_src_.size());
    }
    elim_row_ptr_[i + 1] = elim_pos_.size();
  }
}

bool StaticPivotSparseLU::numeric(const double* values, bool check_pivot_ratio) {
  if (row_ptr_.empty()) return false;
  std::fill(lu_.begin(), lu_.end(), 0.0);
  double* lu = lu_.data();
  for (std::size_t p = 0; p < a_to_lu_.size(); ++p) lu[a_to_lu_[p]] = values[p];
  const std::int32_t* src = upd_src_.data();
  const std::int32_t* dst = upd_dst_.data();
  double min_pivot = std::numeric_limits<double>::infinity(), max_pivot = 0.0;
  for (std::size_t i = 0; i + 1 < row_ptr_.size(); ++i) {
    for (std::size_t e = elim_row_ptr_[i]; e < elim_row_ptr_[i + 1]; ++e) {
      const double l = lu[elim_pos_[e]] * inv_diag_[static_cast<std::size_t>(elim_row_[e])];
      lu[elim_pos_[e]] = l;
      for (std::size_t u = elim_begin_[e]; u < elim_begin_[e + 1]; ++u) lu[dst[u]] -= l * lu[src[u]];
    }
    const double d = lu[diag_[i]];
    const double a = std::abs(d);
    if (!(a > 0.0) || !std::isfinite(a)) return false;
    min_pivot = std::min(min_pivot, a);
    max_pivot = std::max(max_pivot, a);
    inv_diag_[i] = 1.0 / d;
  }
  return !check_pivot_ratio || min_pivot >= kMinPivotRatio * max_pivot;
}

void StaticPivotSparseLU::solve(double* b) const {
  double* w = work_.data();
  const double* lu = lu_.data();
  const std::int32_t* col = col_.data();
  const std::size_t n = work_.size();
  // L y = P b (unit diagonal), then U x = y; x is returned in A's column order.
  for (std::size_t i = 0; i < n; ++i) {
    double s = b[perm_row_[i]];
    for (std::size_t p = row_ptr_[i]; p < diag_[i]; ++p) s -= lu[p] * w[col[p]];
    w[i] = s;
  }
  for (std::size_t i = n; i-- > 0;) {
    double s = w[i];
    for (std::size_t p = diag_[i] + 1; p < row_ptr_[i + 1]; ++p) s -= lu[p] * w[col[p]];
    w[i] = s * inv_diag_[i];
  }
  for (std::size_t i = 0; i < n; ++i) b[perm_col_[i]] = w[i];
}

// --- SUNDIALS linear-solver wrapper -----------------------------------------------------------

namespace {

struct SolverContent {
  StaticPivotSparseLU lu;
  sunindextype last_flag = SUNLS_SUCCESS;
};

SolverContent* content_of(SUNLinearSolver s) { return static_cast<SolverContent*>(s->content); }

SUNLinearSolver_Type get_type(SUNLinearSolver) { return SUNLINEARSOLVER_DIRECT; }
SUNLinearSolver_ID get_id(SUNLinearSolver) { return SUNLINEARSOLVER_CUSTOM; }
int initialize(SUNLinearSolver s) {
  content_of(s)->last_flag = SUNLS_SUCCESS;
  return SUNLS_SUCCESS;
}

int setup(SUNLinearSolver s, SUNMatrix a) {
  SolverContent* c = content_of(s);
  if (SUNMatGetID(a) != SUNMATRIX_SPARSE || SM_SPARSETYPE_S(a) != CSC_MAT) {
    c->last_flag = SUNLS_ILL_INPUT;
    return SUNLS_ILL_INPUT;
  }
  // A singular Newton matrix is recoverable: CVODE retries with a smaller step.
  const bool ok = c->lu.factor(SM_COLUMNS_S(a), SM_INDEXPTRS_S(a), SM_INDEXVALS_S(a), SM_DATA_S(a));
  c->last_flag = ok ? SUNLS_SUCCESS : SUNLS_LUFACT_FAIL;
  return static_cast<int>(c->last_flag);
}

int solve(SUNLinearSolver s, SUNMatrix, N_Vector x, N_Vector b, realtype) {
  N_VScale(1.0, b, x);
  content_of(s)->lu.solve(N_VGetArrayPointer(x));
  content_of(s)->last_flag = SUNLS_SUCCESS;
  return SUNLS_SUCCESS;
}

sunindextype last_flag(SUNLinearSolver s) { return content_of(s)->last_flag; }

int free_solver(SUNLinearSolver s) {
  if (!s) return SUNLS_SUCCESS;
  delete content_of(s);
  s->content = nullptr;
  SUNLinSolFreeEmpty(s);
  return SUNLS_SUCCESS;
}

}  // namespace

SUNLinearSolver make_static_pivot_sparse_lu(SUNContext ctx) {
  SUNLinearSolver s = SUNLinSolNewEmpty(ctx);
  if (!s) return nullptr;
  s->ops->gettype = get_type;
  s->ops->getid = get_id;
  s->ops->initialize = initialize;
  s->ops->setup = setup;
  s->ops->solve = solve;
  s->ops->lastflag = last_flag;
  s->ops->free = free_solver;
  s->content = new SolverContent;
  return s;
}

const StaticPivotSparseLU& static_pivot_sparse_lu_of(SUNLinearSolver solver) { return content_of(solver)->lu; }

}  // namespace vct
