// SPDX-License-Identifier: MIT
// Bit-for-bit comparison of result tables for tests: equal value by value, NaN where NaN (a depth
// bin without viable cancer cells has no PD-L1+ share, a trajectory ends early).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstddef>
#include <vector>

namespace vct::test_support {

/// Success when a and b have the same size and every pair is equal or both NaN; otherwise the
/// first difference.
inline ::testing::AssertionResult same_values(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return ::testing::AssertionFailure() << "sizes " << a.size() << " and " << b.size();
  for (std::size_t k = 0; k < a.size(); ++k) {
    if (!(a[k] == b[k] || (std::isnan(a[k]) && std::isnan(b[k]))))
      return ::testing::AssertionFailure() << "value " << k << ": " << a[k] << " and " << b[k];
  }
  return ::testing::AssertionSuccess();
}

}  // namespace vct::test_support
