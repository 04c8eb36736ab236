// SPDX-License-Identifier: MIT
#pragma once

#include <cmath>

namespace vct {

/// Number of derivative directions carried by one Dual. The Jacobian is assembled from
/// ceil(colours / kDualWidth) right-hand-side passes (see jacobian.hpp).
inline constexpr int kDualWidth = 8;

/// Forward-mode dual number with kDualWidth directional derivatives. Model right-hand sides are
/// written once as templates over the scalar type and instantiated for double and Dual, so the
/// Jacobian is exact and cannot drift from the equations.
struct Dual {
  double v = 0.0;
  double d[kDualWidth] = {};

  Dual() = default;
  Dual(double value) : v(value) {}  // NOLINT: implicit on purpose, constants mix freely.
};

inline Dual operator+(const Dual& a, const Dual& b) {
  Dual r(a.v + b.v);
  for (int i = 0; i < kDualWidth; ++i) r.d[i] = a.d[i] + b.d[i];
  return r;
}
inline Dual operator-(const Dual& a, const Dual& b) {
  Dual r(a.v - b.v);
  for (int i = 0; i < kDualWidth; ++i) r.d[i] = a.d[i] - b.d[i];
  return r;
}
inline Dual operator-(const Dual& a) {
  Dual r(-a.v);
  for (int i = 0; i < kDualWidth; ++i) r.d[i] = -a.d[i];
  return r;
}
inline Dual operator*(const Dual& a, const Dual& b) {
  Dual r(a.v * b.v);
  for (int i = 0; i < kDualWidth; ++i) r.d[i] = a.d[i] * b.v + a.v * b.d[i];
  return r;
}
inline Dual operator/(const Dual& a, const Dual& b) {
  const double inv = 1.0 / b.v;
  Dual r(a.v * inv);
  for (int i = 0; i < kDualWidth; ++i) r.d[i] = (a.d[i] - r.v * b.d[i]) * inv;
  return r;
}
inline Dual operator+(const Dual& a, double b) {
  Dual r = a;
  r.v += b;
  return r;
}
inline Dual operator+(double a, const Dual& b) { return b + a; }
inline Dual operator-(const Dual& a, double b) {
  Dual r = a;
  r.v -= b;
  return r;
}
inline Dual operator-(double a, const Dual& b) { return -b + a; }
inline Dual operator*(const Dual& a, double b) {
  Dual r(a.v * b);
  for (int i = 0; i < kDualWidth; ++i) r.d[i] = a.d[i] * b;
  return r;
}
inline Dual operator*(double a, const Dual& b) { return b * a; }
inline Dual operator/(const Dual& a, double b) { return a * (1.0 / b); }
inline Dual operator/(double a, const Dual& b) {
  const double inv = 1.0 / b.v;
  Dual r(a * inv);
  const double f = -r.v * inv;
  for (int i = 0; i < kDualWidth; ++i) r.d[i] = f * b.d[i];
  return r;
}
inline Dual& operator+=(Dual& a, const Dual& b) { return a = a + b; }
inline Dual& operator-=(Dual& a, const Dual& b) { return a = a - b; }

inline bool operator<(const Dual& a, double b) { return a.v < b; }
inline bool operator>(const Dual& a, double b) { return a.v > b; }

inline Dual chain(const Dual& a, double value, double derivative) {
  Dual r(value);
  for (int i = 0; i < kDualWidth; ++i) r.d[i] = derivative * a.d[i];
  return r;
}

inline Dual sqrt(const Dual& a) {
  const double s = std::sqrt(a.v);
  return chain(a, s, s > 0.0 ? 0.5 / s : 0.0);
}
inline Dual exp(const Dual& a) {
  const double e = std::exp(a.v);
  return chain(a, e, e);
}
inline Dual exp2(const Dual& a) {
  const double e = std::exp2(a.v);
  return chain(a, e, e * 0.69314718055994530942);
}
/// x^n for a constant exponent; x = 0 gives derivative 0 for n > 1 (Hill functions).
inline Dual pow(const Dual& a, double n) {
  if (a.v == 0.0) return chain(a, n == 0.0 ? 1.0 : 0.0, n == 1.0 ? 1.0 : 0.0);
  const double p = std::pow(a.v, n);
  return chain(a, p, n * p / a.v);
}

inline double value_of(double x) { return x; }
inline double value_of(const Dual& x) { return x.v; }

}  // namespace vct
