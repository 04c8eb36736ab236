// SPDX-License-Identifier: MIT
// Each kernel follows the operation's definition in the SUNDIALS 6.4 N_Vector and SUNMatrix
// documentation. Loops are element-wise so that an output may alias an input, as SUNDIALS allows.
#include "core/solver/sundials_kernels.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vct::sundials_kernels {
namespace {

using Index = sunindextype;

// The hottest loops get an AVX2 version, chosen at load time on processors that have it.
#define VCT_SIMD_CLONES __attribute__((target_clones("avx2", "default")))

inline Index len(N_Vector v) { return NV_LENGTH_S(v); }
inline double* data(N_Vector v) { return NV_DATA_S(v); }

// Four partial sums: the compiler may not reorder a floating-point sum, so one accumulator would
// serialise on the adder's latency.
template <class Term>
double sum4(Index n, Term term) {
  double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
  Index i = 0;
  for (; i + 4 <= n; i += 4) {
    s0 += term(i);
    s1 += term(i + 1);
    s2 += term(i + 2);
    s3 += term(i + 3);
  }
  for (; i < n; ++i) s0 += term(i);
  return (s0 + s1) + (s2 + s3);
}

VCT_SIMD_CLONES void linear_sum(double a, N_Vector x, double b, N_Vector y, N_Vector z) {
  const double* xd = data(x);
  const double* yd = data(y);
  double* zd = data(z);
  const Index n = len(x);
  for (Index i = 0; i < n; ++i) zd[i] = a * xd[i] + b * yd[i];
}

void constant(double c, N_Vector z) { std::fill_n(data(z), len(z), c); }

void prod(N_Vector x, N_Vector y, N_Vector z) {
  const double* xd = data(x);
  const double* yd = data(y);
  double* zd = data(z);
  const Index n = len(x);
  for (Index i = 0; i < n; ++i) zd[i] = xd[i] * yd[i];
}

void div(N_Vector x, N_Vector y, N_Vector z) {
  const double* xd = data(x);
  const double* yd = data(y);
  double* zd = data(z);
  const Index n = len(x);
  for (Index i = 0; i < n; ++i) zd[i] = xd[i] / yd[i];
}

VCT_SIMD_CLONES void scale(double c, N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  const Index n = len(x);
  for (Index i = 0; i < n; ++i) zd[i] = c * xd[i];
}

void abs_value(N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  const Index n = len(x);
  for (Index i = 0; i < n; ++i) zd[i] = std::abs(xd[i]);
}

void inv(N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  const Index n = len(x);
  for (Index i = 0; i < n; ++i) zd[i] = 1.0 / xd[i];
}

void add_const(N_Vector x, double b, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  const Index n = len(x);
  for (Index i = 0; i < n; ++i) zd[i] = xd[i] + b;
}

double dot_prod(N_Vector x, N_Vector y) {
  const double* xd = data(x);
  const double* yd = data(y);
  return sum4(len(x), [&](Index i) { return xd[i] * yd[i]; });
}

double max_norm(N_Vector x) {
  const double* xd = data(x);
  double m = 0.0;
  for (Index i = 0, n = len(x); i < n; ++i) m = std::max(m, std::abs(xd[i]));
  return m;
}

VCT_SIMD_CLONES double wsqr_sum(N_Vector x, N_Vector w) {
  const double* xd = data(x);
  const double* wd = data(w);
  return sum4(len(x), [&](Index i) {
    const double p = xd[i] * wd[i];
    return p * p;
  });
}

double wsqr_sum_mask(N_Vector x, N_Vector w, N_Vector id) {
  const double* xd = data(x);
  const double* wd = data(w);
  const double* idd = data(id);
  return sum4(len(x), [&](Index i) {
    const double p = xd[i] * wd[i];
    return idd[i] > 0.0 ? p * p : 0.0;
  });
}

double wrms_norm(N_Vector x, N_Vector w) { return std::sqrt(wsqr_sum(x, w) / static_cast<double>(len(x))); }

double wrms_norm_mask(N_Vector x, N_Vector w, N_Vector id) {
  return std::sqrt(wsqr_sum_mask(x, w, id) / static_cast<double>(len(x)));
}

double min_value(N_Vector x) {
  const double* xd = data(x);
  double m = xd[0];
  for (Index i = 1, n = len(x); i < n; ++i) m = std::min(m, xd[i]);
  return m;
}

double wl2_norm(N_Vector x, N_Vector w) { return std::sqrt(wsqr_sum(x, w)); }

double l1_norm(N_Vector x) {
  const double* xd = data(x);
  return sum4(len(x), [&](Index i) { return std::abs(xd[i]); });
}

void compare(double c, N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  const Index n = len(x);
  for (Index i = 0; i < n; ++i) zd[i] = std::abs(xd[i]) >= c ? 1.0 : 0.0;
}

booleantype inv_test(N_Vector x, N_Vector z) {
  const double* xd = data(x);
  double* zd = data(z);
  booleantype all_nonzero = SUNTRUE;
  for (Index i = 0, n = len(x); i < n; ++i) {
    if (xd[i] == 0.0)
      all_nonzero = SUNFALSE;
    else
      zd[i] = 1.0 / xd[i];
  }
  return all_nonzero;
}

VCT_SIMD_CLONES int linear_combination(int nv, double* c, N_Vector* xs, N_Vector z) {
  double* zd = data(z);
  const Index n = len(z);
  if (nv == 1) {
    scale(c[0], xs[0], z);
    return 0;
  }
  if (nv == 2) {
    linear_sum(c[0], xs[0], c[1], xs[1], z);
    return 0;
  }
  // Columns are accumulated in order into z, which may be xs[0]: start from c0*x0 + c1*x1.
  const double* x0 = data(xs[0]);
  const double* x1 = data(xs[1]);
  for (Index i = 0; i < n; ++i) zd[i] = c[0] * x0[i] + c[1] * x1[i];
  for (int k = 2; k < nv; ++k) {
    const double* xk = data(xs[k]);
    const double ck = c[k];
    for (Index i = 0; i < n; ++i) zd[i] += ck * xk[i];
  }
  return 0;
}

VCT_SIMD_CLONES int scale_add_multi(int nv, double* a, N_Vector x, N_Vector* ys, N_Vector* zs) {
  const double* xd = data(x);
  const Index n = len(x);
  for (int k = 0; k < nv; ++k) {
    const double* yd = data(ys[k]);
    double* zd = data(zs[k]);
    const double ak = a[k];
    for (Index i = 0; i < n; ++i) zd[i] = ak * xd[i] + yd[i];
  }
  return 0;
}

int dot_prod_multi(int nv, N_Vector x, N_Vector* ys, double* d) {
  for (int k = 0; k < nv; ++k) d[k] = dot_prod(x, ys[k]);
  return 0;
}

int linear_sum_vector_array(int nv, double a, N_Vector* xs, double b, N_Vector* ys, N_Vector* zs) {
  for (int k = 0; k < nv; ++k) linear_sum(a, xs[k], b, ys[k], zs[k]);
  return 0;
}

int scale_vector_array(int nv, double* c, N_Vector* xs, N_Vector* zs) {
  for (int k = 0; k < nv; ++k) scale(c[k], xs[k], zs[k]);
  return 0;
}

int const_vector_array(int nv, double c, N_Vector* zs) {
  for (int k = 0; k < nv; ++k) constant(c, zs[k]);
  return 0;
}

int wrms_norm_vector_array(int nv, N_Vector* xs, N_Vector* ws, double* norms) {
  for (int k = 0; k < nv; ++k) norms[k] = wrms_norm(xs[k], ws[k]);
  return 0;
}

// Z[j][i] = a[j] * X[i] + Y[j][i] for i < nvec, j < nsum.
int scale_add_multi_vector_array(int nvec, int nsum, double* a, N_Vector* xs, N_Vector** ys, N_Vector** zs) {
  for (int i = 0; i < nvec; ++i) {
    const double* xd = data(xs[i]);
    const Index n = len(xs[i]);
    for (int j = 0; j < nsum; ++j) {
      const double* yd = data(ys[j][i]);
      double* zd = data(zs[j][i]);
      const double aj = a[j];
      for (Index e = 0; e < n; ++e) zd[e] = aj * xd[e] + yd[e];
    }
  }
  return 0;
}

// Z[i] = sum_j c[j] * X[j][i] for i < nvec.
int linear_combination_vector_array(int nvec, int nsum, double* c, N_Vector** xs, N_Vector* zs) {
  N_Vector columns[64];
  if (nsum > 64) return -1;
  for (int i = 0; i < nvec; ++i) {
    for (int j = 0; j < nsum; ++j) columns[j] = xs[j][i];
    linear_combination(nsum, c, columns, zs[i]);
  }
  return 0;
}

// --- CSC sparse matrix ------------------------------------------------------------------------

int matrix_zero(SUNMatrix a) {
  std::fill_n(SM_DATA_S(a), SM_NNZ_S(a), 0.0);
  std::fill_n(SM_INDEXVALS_S(a), SM_NNZ_S(a), Index{0});
  std::fill_n(SM_INDEXPTRS_S(a), SM_NP_S(a) + 1, Index{0});
  return 0;
}

int matrix_copy(SUNMatrix a, SUNMatrix b) {
  const Index np = SM_NP_S(a);
  const Index nnz = SM_INDEXPTRS_S(a)[np];
  if (SM_SPARSETYPE_S(a) != SM_SPARSETYPE_S(b) || SM_NP_S(b) != np || SM_NNZ_S(b) < nnz) return SUNMatCopy_Sparse(a, b);
  std::memcpy(SM_DATA_S(b), SM_DATA_S(a), static_cast<std::size_t>(nnz) * sizeof(double));
  std::memcpy(SM_INDEXVALS_S(b), SM_INDEXVALS_S(a), static_cast<std::size_t>(nnz) * sizeof(Index));
  std::memcpy(SM_INDEXPTRS_S(b), SM_INDEXPTRS_S(a), static_cast<std::size_t>(np + 1) * sizeof(Index));
  std::fill(SM_DATA_S(b) + nnz, SM_DATA_S(b) + SM_NNZ_S(b), 0.0);
  std::fill(SM_INDEXVALS_S(b) + nnz, SM_INDEXVALS_S(b) + SM_NNZ_S(b), Index{0});
  return 0;
}

// A = c*A + I in place when every diagonal entry is stored.
int matrix_scale_add_identity(double c, SUNMatrix a) {
  const Index np = SM_NP_S(a);
  const Index* ptr = SM_INDEXPTRS_S(a);
  const Index* idx = SM_INDEXVALS_S(a);
  double* v = SM_DATA_S(a);
  if (SM_ROWS_S(a) != SM_COLUMNS_S(a)) return SUNMatScaleAddI_Sparse(c, a);
  for (Index j = 0; j < np; ++j) {
    if (!std::binary_search(idx + ptr[j], idx + ptr[j + 1], j)) return SUNMatScaleAddI_Sparse(c, a);
  }
  for (Index k = 0; k < ptr[np]; ++k) v[k] *= c;
  for (Index j = 0; j < np; ++j) {
    const Index* diagonal = std::lower_bound(idx + ptr[j], idx + ptr[j + 1], j);
    v[diagonal - idx] += 1.0;
  }
  return 0;
}

// CVODE keeps a clone of the Jacobian; SUNDIALS' clone builds a fresh operation table.
SUNMatrix matrix_clone(SUNMatrix a) {
  SUNMatrix b = SUNMatClone_Sparse(a);
  if (b) install(b);
  return b;
}

}  // namespace

void install(N_Vector v) {
  N_Vector_Ops ops = v->ops;
  ops->nvlinearsum = linear_sum;
  ops->nvconst = constant;
  ops->nvprod = prod;
  ops->nvdiv = div;
  ops->nvscale = scale;
  ops->nvabs = abs_value;
  ops->nvinv = inv;
  ops->nvaddconst = add_const;
  ops->nvdotprod = dot_prod;
  ops->nvmaxnorm = max_norm;
  ops->nvwrmsnorm = wrms_norm;
  ops->nvwrmsnormmask = wrms_norm_mask;
  ops->nvmin = min_value;
  ops->nvwl2norm = wl2_norm;
  ops->nvl1norm = l1_norm;
  ops->nvcompare = compare;
  ops->nvinvtest = inv_test;

  ops->nvdotprodlocal = dot_prod;
  ops->nvmaxnormlocal = max_norm;
  ops->nvminlocal = min_value;
  ops->nvl1normlocal = l1_norm;
  ops->nvinvtestlocal = inv_test;
  ops->nvwsqrsumlocal = wsqr_sum;
  ops->nvwsqrsummasklocal = wsqr_sum_mask;

  ops->nvlinearcombination = linear_combination;
  ops->nvscaleaddmulti = scale_add_multi;
  ops->nvdotprodmulti = dot_prod_multi;
  ops->nvlinearsumvectorarray = linear_sum_vector_array;
  ops->nvscalevectorarray = scale_vector_array;
  ops->nvconstvectorarray = const_vector_array;
  ops->nvwrmsnormvectorarray = wrms_norm_vector_array;
  ops->nvscaleaddmultivectorarray = scale_add_multi_vector_array;
  ops->nvlinearcombinationvectorarray = linear_combination_vector_array;
}

void install(SUNMatrix m) {
  m->ops->clone = matrix_clone;
  m->ops->zero = matrix_zero;
  m->ops->copy = matrix_copy;
  m->ops->scaleaddi = matrix_scale_add_identity;
}

}  // namespace vct::sundials_kernels
