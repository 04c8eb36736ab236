// SPDX-License-Identifier: MIT
// The compiled vector and matrix kernels must give what SUNDIALS' own serial routines give, for
// every operation they replace, including outputs that alias an input.
#include <gtest/gtest.h>
#include <nvector/nvector_serial.h>
#include <sundials/sundials_context.h>
#include <sunmatrix/sunmatrix_sparse.h>

#include <cmath>
#include <random>
#include <vector>

#include "core/solver/sundials_kernels.hpp"

namespace {

constexpr sunindextype kLength = 141;  // the NSCLC model's size: exercises the unrolled tails

class SundialsKernels : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(SUNContext_Create(nullptr, &ctx_), 0);
    stock_ = N_VNew_Serial(kLength, ctx_);
    N_VEnableFusedOps_Serial(stock_, SUNTRUE);
    fast_ = N_VNew_Serial(kLength, ctx_);
    vct::sundials_kernels::install(fast_);
  }
  void TearDown() override {
    for (N_Vector v : owned_) N_VDestroy(v);
    N_VDestroy(stock_);
    N_VDestroy(fast_);
    SUNContext_Free(&ctx_);
  }

  // A pair of vectors with the same random content, one per implementation.
  struct Pair {
    N_Vector stock;
    N_Vector fast;
  };
  Pair pair(double lo = -2.0, double hi = 2.0) {
    Pair p{N_VClone(stock_), N_VClone(fast_)};
    owned_.push_back(p.stock);
    owned_.push_back(p.fast);
    std::uniform_real_distribution<double> u(lo, hi);
    for (sunindextype i = 0; i < kLength; ++i) {
      const double v = u(rng_);
      NV_Ith_S(p.stock, i) = v;
      NV_Ith_S(p.fast, i) = v;
    }
    return p;
  }
  static void expect_same(const Pair& p) {
    for (sunindextype i = 0; i < kLength; ++i)
      EXPECT_DOUBLE_EQ(NV_Ith_S(p.fast, i), NV_Ith_S(p.stock, i)) << "element " << i;
  }

  SUNContext ctx_ = nullptr;
  N_Vector stock_ = nullptr;
  N_Vector fast_ = nullptr;
  std::vector<N_Vector> owned_;
  std::mt19937_64 rng_{7};
};

TEST_F(SundialsKernels, ClonesInheritTheKernels) {
  N_Vector clone = N_VClone(fast_);
  EXPECT_EQ(clone->ops->nvlinearsum, fast_->ops->nvlinearsum);
  EXPECT_EQ(clone->ops->nvwrmsnorm, fast_->ops->nvwrmsnorm);
  EXPECT_NE(clone->ops->nvlinearsum, stock_->ops->nvlinearsum);
  N_VDestroy(clone);
}

TEST_F(SundialsKernels, ElementwiseOperationsMatchSundials) {
  Pair x = pair(), y = pair(0.5, 3.0), z = pair();
  N_VLinearSum(0.7, x.stock, -1.3, y.stock, z.stock);
  N_VLinearSum(0.7, x.fast, -1.3, y.fast, z.fast);
  expect_same(z);
  N_VLinearSum(1.0, x.stock, 1.0, y.stock, x.stock);  // output aliases the first input
  N_VLinearSum(1.0, x.fast, 1.0, y.fast, x.fast);
  expect_same(x);
  N_VProd(x.stock, y.stock, z.stock);
  N_VProd(x.fast, y.fast, z.fast);
  expect_same(z);
  N_VDiv(x.stock, y.stock, z.stock);
  N_VDiv(x.fast, y.fast, z.fast);
  expect_same(z);
  N_VScale(-2.5, z.stock, z.stock);
  N_VScale(-2.5, z.fast, z.fast);
  expect_same(z);
  N_VAbs(z.stock, x.stock);
  N_VAbs(z.fast, x.fast);
  expect_same(x);
  N_VInv(y.stock, z.stock);
  N_VInv(y.fast, z.fast);
  expect_same(z);
  N_VAddConst(z.stock, 4.25, z.stock);
  N_VAddConst(z.fast, 4.25, z.fast);
  expect_same(z);
  N_VCompare(1.0, y.stock, z.stock);
  N_VCompare(1.0, y.fast, z.fast);
  expect_same(z);
  N_VConst(3.5, z.stock);
  N_VConst(3.5, z.fast);
  expect_same(z);
}

TEST_F(SundialsKernels, ReductionsMatchSundials) {
  Pair x = pair(), w = pair(0.1, 1.0), id = pair(-1.0, 1.0);
  const double rel = 1e-14;  // the kernels sum in four partial sums, SUNDIALS in one
  auto near = [rel](double a, double b) { EXPECT_NEAR(a, b, rel * std::abs(b)); };
  near(N_VDotProd(x.fast, w.fast), N_VDotProd(x.stock, w.stock));
  EXPECT_EQ(N_VMaxNorm(x.fast), N_VMaxNorm(x.stock));
  near(N_VWrmsNorm(x.fast, w.fast), N_VWrmsNorm(x.stock, w.stock));
  near(N_VWrmsNormMask(x.fast, w.fast, id.fast), N_VWrmsNormMask(x.stock, w.stock, id.stock));
  EXPECT_EQ(N_VMin(x.fast), N_VMin(x.stock));
  near(N_VWL2Norm(x.fast, w.fast), N_VWL2Norm(x.stock, w.stock));
  near(N_VL1Norm(x.fast), N_VL1Norm(x.stock));
  near(N_VWSqrSumLocal(x.fast, w.fast), N_VWSqrSumLocal(x.stock, w.stock));
  near(N_VWSqrSumMaskLocal(x.fast, w.fast, id.fast), N_VWSqrSumMaskLocal(x.stock, w.stock, id.stock));

  Pair z = pair();
  EXPECT_EQ(N_VInvTest(w.fast, z.fast), N_VInvTest(w.stock, z.stock));
  expect_same(z);
  NV_Ith_S(x.stock, 17) = 0.0;
  NV_Ith_S(x.fast, 17) = 0.0;
  EXPECT_EQ(N_VInvTest(x.fast, z.fast), SUNFALSE);
  EXPECT_EQ(N_VInvTest(x.stock, z.stock), SUNFALSE);
}

TEST_F(SundialsKernels, FusedAndArrayOperationsMatchSundials) {
  constexpr int kCount = 5;
  std::vector<Pair> xs, ys, zs;
  for (int k = 0; k < kCount; ++k) {
    xs.push_back(pair());
    ys.push_back(pair());
    zs.push_back(pair());
  }
  auto stock = [](std::vector<Pair>& v) {
    std::vector<N_Vector> out;
    for (auto& p : v) out.push_back(p.stock);
    return out;
  };
  auto fast = [](std::vector<Pair>& v) {
    std::vector<N_Vector> out;
    for (auto& p : v) out.push_back(p.fast);
    return out;
  };
  std::vector<double> c = {0.5, -1.25, 2.0, 0.125, -3.0};
  auto xs_s = stock(xs), xs_f = fast(xs), ys_s = stock(ys), ys_f = fast(ys), zs_s = stock(zs), zs_f = fast(zs);

  for (int nv : {1, 2, 3, 5}) {
    ASSERT_EQ(N_VLinearCombination(nv, c.data(), xs_s.data(), zs[0].stock), 0);
    ASSERT_EQ(N_VLinearCombination(nv, c.data(), xs_f.data(), zs[0].fast), 0);
    for (sunindextype i = 0; i < kLength; ++i)
      EXPECT_NEAR(NV_Ith_S(zs[0].fast, i), NV_Ith_S(zs[0].stock, i), 1e-14) << nv << " vectors";
  }
  // CVODE accumulates into the first vector: z = X[0].
  ASSERT_EQ(N_VLinearCombination(4, c.data(), xs_s.data(), xs[0].stock), 0);
  ASSERT_EQ(N_VLinearCombination(4, c.data(), xs_f.data(), xs[0].fast), 0);
  for (sunindextype i = 0; i < kLength; ++i) EXPECT_NEAR(NV_Ith_S(xs[0].fast, i), NV_Ith_S(xs[0].stock, i), 1e-14);

  ASSERT_EQ(N_VScaleAddMulti(kCount, c.data(), xs[1].stock, ys_s.data(), zs_s.data()), 0);
  ASSERT_EQ(N_VScaleAddMulti(kCount, c.data(), xs[1].fast, ys_f.data(), zs_f.data()), 0);
  for (auto& z : zs) expect_same(z);

  std::vector<double> d_stock(kCount), d_fast(kCount);
  ASSERT_EQ(N_VDotProdMulti(kCount, xs[2].stock, ys_s.data(), d_stock.data()), 0);
  ASSERT_EQ(N_VDotProdMulti(kCount, xs[2].fast, ys_f.data(), d_fast.data()), 0);
  for (int k = 0; k < kCount; ++k) EXPECT_NEAR(d_fast[k], d_stock[k], 1e-13);

  ASSERT_EQ(N_VLinearSumVectorArray(kCount, 1.5, xs_s.data(), -0.5, ys_s.data(), zs_s.data()), 0);
  ASSERT_EQ(N_VLinearSumVectorArray(kCount, 1.5, xs_f.data(), -0.5, ys_f.data(), zs_f.data()), 0);
  for (auto& z : zs) expect_same(z);
  ASSERT_EQ(N_VScaleVectorArray(kCount, c.data(), zs_s.data(), zs_s.data()), 0);
  ASSERT_EQ(N_VScaleVectorArray(kCount, c.data(), zs_f.data(), zs_f.data()), 0);
  for (auto& z : zs) expect_same(z);
  std::vector<double> n_stock(kCount), n_fast(kCount);
  ASSERT_EQ(N_VWrmsNormVectorArray(kCount, xs_s.data(), ys_s.data(), n_stock.data()), 0);
  ASSERT_EQ(N_VWrmsNormVectorArray(kCount, xs_f.data(), ys_f.data(), n_fast.data()), 0);
  for (int k = 0; k < kCount; ++k) EXPECT_NEAR(n_fast[k], n_stock[k], 1e-14 * n_stock[k]);

  // Z[j][i] = a[j] X[i] + Y[j][i] with 2 vectors and 3 sums; and Z[i] = sum_j c[j] X[j][i].
  constexpr int kVec = 2, kSum = 3;
  N_Vector* y2_s[kSum] = {&ys_s[0], &ys_s[2], &ys_s[3]};
  N_Vector* y2_f[kSum] = {&ys_f[0], &ys_f[2], &ys_f[3]};
  std::vector<Pair> out;
  for (int k = 0; k < kVec * kSum; ++k) out.push_back(pair());
  auto out_s = stock(out), out_f = fast(out);
  N_Vector* z2_s[kSum] = {&out_s[0], &out_s[2], &out_s[4]};
  N_Vector* z2_f[kSum] = {&out_f[0], &out_f[2], &out_f[4]};
  ASSERT_EQ(N_VScaleAddMultiVectorArray(kVec, kSum, c.data(), xs_s.data(), y2_s, z2_s), 0);
  ASSERT_EQ(N_VScaleAddMultiVectorArray(kVec, kSum, c.data(), xs_f.data(), y2_f, z2_f), 0);
  for (auto& z : out) expect_same(z);
  N_Vector* x2_s[kSum] = {&xs_s[0], &xs_s[2], &xs_s[3]};
  N_Vector* x2_f[kSum] = {&xs_f[0], &xs_f[2], &xs_f[3]};
  ASSERT_EQ(N_VLinearCombinationVectorArray(kVec, kSum, c.data(), x2_s, zs_s.data()), 0);
  ASSERT_EQ(N_VLinearCombinationVectorArray(kVec, kSum, c.data(), x2_f, zs_f.data()), 0);
  for (int i = 0; i < kVec; ++i)
    for (sunindextype e = 0; e < kLength; ++e) EXPECT_NEAR(NV_Ith_S(zs[i].fast, e), NV_Ith_S(zs[i].stock, e), 1e-14);
}

// A 4x4 CSC matrix; with_diagonal false leaves out entry (2,2).
SUNMatrix csc_matrix(SUNContext ctx, bool with_diagonal, bool fast) {
  SUNMatrix m = SUNSparseMatrix(4, 4, 12, CSC_MAT, ctx);
  if (fast) vct::sundials_kernels::install(m);
  const std::vector<std::vector<sunindextype>> rows = {
      {0, 1}, {1, 3}, with_diagonal ? std::vector<sunindextype>{0, 2} : std::vector<sunindextype>{0}, {2, 3}};
  sunindextype k = 0;
  for (sunindextype j = 0; j < 4; ++j) {
    SM_INDEXPTRS_S(m)[j] = k;
    for (sunindextype i : rows[static_cast<std::size_t>(j)]) {
      SM_INDEXVALS_S(m)[k] = i;
      SM_DATA_S(m)[k] = 1.0 + static_cast<double>(3 * j + i);
      ++k;
    }
  }
  SM_INDEXPTRS_S(m)[4] = k;
  return m;
}

void expect_same_matrix(SUNMatrix a, SUNMatrix b) {
  ASSERT_EQ(SM_NP_S(a), SM_NP_S(b));
  for (sunindextype j = 0; j <= SM_NP_S(a); ++j) EXPECT_EQ(SM_INDEXPTRS_S(a)[j], SM_INDEXPTRS_S(b)[j]);
  for (sunindextype k = 0; k < SM_INDEXPTRS_S(a)[SM_NP_S(a)]; ++k) {
    EXPECT_EQ(SM_INDEXVALS_S(a)[k], SM_INDEXVALS_S(b)[k]);
    EXPECT_DOUBLE_EQ(SM_DATA_S(a)[k], SM_DATA_S(b)[k]);
  }
}

TEST_F(SundialsKernels, SparseMatrixOperationsMatchSundials) {
  for (bool with_diagonal : {true, false}) {
    SCOPED_TRACE(with_diagonal ? "diagonal stored" : "diagonal entry missing: SUNDIALS' fallback");
    SUNMatrix stock = csc_matrix(ctx_, with_diagonal, false);
    SUNMatrix fast = csc_matrix(ctx_, with_diagonal, true);
    SUNMatrix stock_copy = SUNMatClone(stock);
    SUNMatrix fast_copy = SUNMatClone(fast);
    EXPECT_EQ(fast_copy->ops->copy, fast->ops->copy) << "clones keep the kernels";

    ASSERT_EQ(SUNMatCopy(stock, stock_copy), 0);
    ASSERT_EQ(SUNMatCopy(fast, fast_copy), 0);
    expect_same_matrix(fast_copy, stock_copy);
    ASSERT_EQ(SUNMatScaleAddI(-0.25, stock), 0);
    ASSERT_EQ(SUNMatScaleAddI(-0.25, fast), 0);
    expect_same_matrix(fast, stock);
    ASSERT_EQ(SUNMatZero(stock), 0);
    ASSERT_EQ(SUNMatZero(fast), 0);
    expect_same_matrix(fast, stock);
    ASSERT_EQ(SUNMatCopy(stock_copy, stock), 0);  // copy back into the emptied matrix
    ASSERT_EQ(SUNMatCopy(fast_copy, fast), 0);
    expect_same_matrix(fast, stock);

    for (SUNMatrix m : {stock, fast, stock_copy, fast_copy}) SUNMatDestroy(m);
  }
}

}  // namespace
