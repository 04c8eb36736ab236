// SPDX-License-Identifier: MIT
#include "core/statistics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "core/random.hpp"

namespace vct::stats {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Continued fraction of the incomplete beta (modified Lentz).
double beta_continued_fraction(double x, double a, double b) {
  const double tiny = 1e-300;
  double c = 1.0, d = 1.0 - (a + b) * x / (a + 1.0);
  if (std::abs(d) < tiny) d = tiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m <= 10000; ++m) {
    const double m2 = 2.0 * m;
    double aa = m * (b - m) * x / ((a + m2 - 1.0) * (a + m2));
    d = 1.0 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1.0));
    d = 1.0 + aa * d;
    if (std::abs(d) < tiny) d = tiny;
    c = 1.0 + aa / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::abs(delta - 1.0) < 1e-15) break;
  }
  return h;
}

double log_choose(int n, int k) { return std::lgamma(n + 1.0) - std::lgamma(k + 1.0) - std::lgamma(n - k + 1.0); }

}  // namespace

double incomplete_beta(double x, double a, double b) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x);
  if (x < (a + 1.0) / (a + b + 2.0)) return std::exp(log_front) * beta_continued_fraction(x, a, b) / a;
  return 1.0 - std::exp(log_front) * beta_continued_fraction(1.0 - x, b, a) / b;
}

double beta_quantile(double p, double a, double b) {
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 200 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (incomplete_beta(mid, a, b) < p)
      lo = mid;
    else
      hi = mid;
  }
  return 0.5 * (lo + hi);
}

Proportion clopper_pearson(int k, int n, double confidence) {
  Proportion p;
  p.successes = k;
  p.n = n;
  if (n == 0) {
    p.estimate = kNaN;
    p.lower = kNaN;
    p.upper = kNaN;
    return p;
  }
  const double alpha = 1.0 - confidence;
  p.estimate = static_cast<double>(k) / n;
  p.lower = k == 0 ? 0.0 : beta_quantile(alpha / 2.0, k, n - k + 1.0);
  p.upper = k == n ? 1.0 : beta_quantile(1.0 - alpha / 2.0, k + 1.0, n - k);
  return p;
}

double beta_binomial_pmf(int x, int n, double a, double b) {
  if (x < 0 || x > n) return 0.0;
  const auto log_beta = [](double u, double v) { return std::lgamma(u) + std::lgamma(v) - std::lgamma(u + v); };
  const double log_choose = std::lgamma(n + 1.0) - std::lgamma(x + 1.0) - std::lgamma(n - x + 1.0);
  return std::exp(log_choose + log_beta(x + a, n - x + b) - log_beta(a, b));
}

TrialPrediction trial_prediction(int k, int N, int n, int observed, double confidence) {
  TrialPrediction t;
  t.n = n;
  t.observed = observed;
  const double a = k + 0.5, b = N - k + 0.5, alpha = 1.0 - confidence;
  double cdf = 0.0, below = 0.0;  // P(X <= x); P(X < observed)
  bool have_lower = false, have_upper = false;
  for (int x = 0; x <= n; ++x) {
    const double pmf = beta_binomial_pmf(x, n, a, b);
    if (x < observed) below += pmf;
    cdf += pmf;
    if (!have_lower && cdf >= alpha / 2.0) {
      t.lower = x;
      have_lower = true;
    }
    if (!have_upper && cdf >= 1.0 - alpha / 2.0) {
      t.upper = x;
      have_upper = true;
    }
  }
  if (!have_upper) t.upper = n;  // rounding left the total a hair under 1
  const double at_most = below + beta_binomial_pmf(observed, n, a, b), at_least = 1.0 - below;
  t.p_value = std::clamp(2.0 * std::min(at_most, at_least), 0.0, 1.0);  // 1 - below may round below 0
  return t;
}

KaplanMeier kaplan_meier(const std::vector<double>& time, const std::vector<bool>& event, double confidence) {
  KaplanMeier km;
  const double z = normal_quantile(0.5 + confidence / 2.0);
  std::map<double, std::pair<int, int>> at;  // time -> (events, removed)
  for (std::size_t i = 0; i < time.size(); ++i) {
    auto& slot = at[time[i]];
    slot.first += event[i] ? 1 : 0;
    slot.second += 1;
  }
  int n = static_cast<int>(time.size());
  double s = 1.0, greenwood = 0.0;
  for (const auto& [t, counts] : at) {
    const int d = counts.first;
    if (d > 0) {
      s *= 1.0 - static_cast<double>(d) / n;
      if (n > d) greenwood += static_cast<double>(d) / (static_cast<double>(n) * (n - d));
      km.time.push_back(t);
      km.survival.push_back(s);
      km.at_risk.push_back(n);
      km.events.push_back(d);
      if (s > 0.0 && s < 1.0) {
        const double se = std::sqrt(greenwood) / std::abs(std::log(s));
        km.lower.push_back(std::pow(s, std::exp(z * se)));
        km.upper.push_back(std::pow(s, std::exp(-z * se)));
      } else {
        km.lower.push_back(s);
        km.upper.push_back(s);
      }
    }
    n -= counts.second;
  }
  auto first_at_or_below_half = [&](const std::vector<double>& curve) {
    for (std::size_t k = 0; k < curve.size(); ++k)
      if (curve[k] <= 0.5) return km.time[k];
    return kNaN;
  };
  km.last_time = at.empty() ? kNaN : at.rbegin()->first;
  km.median = first_at_or_below_half(km.survival);
  km.median_lower = first_at_or_below_half(km.lower);
  km.median_upper = first_at_or_below_half(km.upper);
  return km;
}

Spread spread(const std::vector<double>& values) {
  Spread s;
  s.n = values.size();
  if (values.empty()) {
    s.mean = s.sd = s.min = s.max = kNaN;
    return s;
  }
  s.min = s.max = values.front();
  for (double v : values) {
    s.mean += v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
  }
  s.mean /= static_cast<double>(s.n);
  double ss = 0.0;
  for (double v : values) ss += (v - s.mean) * (v - s.mean);
  s.sd = s.n > 1 ? std::sqrt(ss / static_cast<double>(s.n - 1)) : kNaN;
  return s;
}

double quantile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return kNaN;
  const double h = (static_cast<double>(sorted.size()) - 1.0) * std::clamp(p, 0.0, 1.0);
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  const std::size_t hi = std::min(sorted.size() - 1, lo + 1);
  return sorted[lo] + (h - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

double restricted_mean(const KaplanMeier& km, double tau) {
  if (std::isnan(km.last_time) || !(tau <= km.last_time) || !(tau >= 0.0)) return kNaN;
  double area = 0.0, from = 0.0, s = 1.0;
  for (std::size_t k = 0; k < km.time.size() && km.time[k] < tau; ++k) {
    area += s * (km.time[k] - from);
    from = km.time[k];
    s = km.survival[k];
  }
  return area + s * (tau - from);
}

SurvivalAt survival_at(const KaplanMeier& km, double t) {
  if (std::isnan(km.last_time) || t > km.last_time) return {kNaN, kNaN, kNaN};
  SurvivalAt at{1.0, 1.0, 1.0};
  for (std::size_t k = 0; k < km.time.size() && km.time[k] <= t; ++k) at = {km.survival[k], km.lower[k], km.upper[k]};
  return at;
}

double fisher_exact(int a, int b, int c, int d) {
  const int row1 = a + b, row2 = c + d, col1 = a + c, n = a + b + c + d;
  auto log_p = [&](int x) { return log_choose(row1, x) + log_choose(row2, col1 - x) - log_choose(n, col1); };
  const double observed = log_p(a);
  double total = 0.0;
  for (int x = std::max(0, col1 - row2); x <= std::min(row1, col1); ++x) {
    const double lp = log_p(x);
    if (lp <= observed + 1e-7) total += std::exp(lp);
  }
  return std::min(1.0, total);
}

double mcnemar_exact(int b, int c) {
  const int n = b + c;
  if (n == 0) return 1.0;
  const int k = std::min(b, c);
  double tail = 0.0;
  for (int i = 0; i <= k; ++i) tail += std::exp(log_choose(n, i) - n * std::log(2.0));
  return std::min(1.0, 2.0 * tail);
}

std::vector<double> holm_adjust(const std::vector<double>& p) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < p.size(); ++i)
    if (!std::isnan(p[i])) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return p[a] < p[b]; });
  std::vector<double> adjusted(p.size(), std::numeric_limits<double>::quiet_NaN());
  const double m = static_cast<double>(order.size());
  double running = 0.0;  // step-down: an adjusted p never falls below the one before it
  for (std::size_t j = 0; j < order.size(); ++j) {
    running = std::max(running, std::min(1.0, (m - static_cast<double>(j)) * p[order[j]]));
    adjusted[order[j]] = running;
  }
  return adjusted;
}

LogRank log_rank(const std::vector<double>& t1, const std::vector<bool>& e1, const std::vector<double>& t2,
                 const std::vector<bool>& e2) {
  struct Counts {
    int d1 = 0, d2 = 0, r1 = 0, r2 = 0;
  };
  std::map<double, Counts> at;
  for (std::size_t i = 0; i < t1.size(); ++i) {
    at[t1[i]].r1 += 1;
    at[t1[i]].d1 += e1[i] ? 1 : 0;
  }
  for (std::size_t i = 0; i < t2.size(); ++i) {
    at[t2[i]].r2 += 1;
    at[t2[i]].d2 += e2[i] ? 1 : 0;
  }
  double n1 = static_cast<double>(t1.size()), n2 = static_cast<double>(t2.size());
  LogRank out;
  double variance = 0.0;
  for (const auto& [t, c] : at) {
    const double d = c.d1 + c.d2, n = n1 + n2;
    if (d > 0 && n > 0) {
      out.observed_first += c.d1;
      out.expected_first += d * n1 / n;
      if (n > 1) variance += d * (n1 / n) * (n2 / n) * (n - d) / (n - 1.0);
    }
    n1 -= c.r1;
    n2 -= c.r2;
  }
  out.variance = variance;
  if (variance > 0.0) {
    const double diff = out.observed_first - out.expected_first;
    out.chi_square = diff * diff / variance;
    out.p_value = std::erfc(std::sqrt(out.chi_square / 2.0));  // chi-square, 1 degree of freedom
  }
  return out;
}

IntervalEstimate ratio_of_proportions(int x1, int n1, int x2, int n2) {
  IntervalEstimate r;
  if (x1 <= 0 || x2 <= 0 || n1 <= 0 || n2 <= 0) {
    r.estimate = r.se = r.lower = r.upper = std::numeric_limits<double>::quiet_NaN();
    return r;
  }
  constexpr double z = 1.959963984540054;
  r.estimate = (static_cast<double>(x1) / n1) / (static_cast<double>(x2) / n2);
  r.se = std::sqrt(1.0 / x1 - 1.0 / n1 + 1.0 / x2 - 1.0 / n2);
  r.lower = r.estimate * std::exp(-z * r.se);
  r.upper = r.estimate * std::exp(z * r.se);
  return r;
}

PairedDifference paired_difference(int only_second, int only_first, int n) {
  PairedDifference p;
  if (n <= 0) {
    p.estimate = p.se = p.lower = p.upper = std::numeric_limits<double>::quiet_NaN();
    return p;
  }
  constexpr double z = 1.959963984540054;
  const double d = static_cast<double>(only_second - only_first) / n;
  p.estimate = d;
  p.se = std::sqrt(std::max(0.0, only_second + only_first - d * d * n)) / n;
  p.lower = d - z * p.se;
  p.upper = d + z * p.se;
  return p;
}

HazardRatio peto_hazard_ratio(const LogRank& lr) {
  HazardRatio h;
  if (!(lr.variance > 0.0)) {
    h.estimate = h.lower = h.upper = h.log_hr = h.se = std::numeric_limits<double>::quiet_NaN();
    return h;
  }
  constexpr double z = 1.959963984540054;
  h.log_hr = (lr.expected_first - lr.observed_first) / lr.variance;
  h.se = 1.0 / std::sqrt(lr.variance);
  h.estimate = std::exp(h.log_hr);
  h.lower = std::exp(h.log_hr - z * h.se);
  h.upper = std::exp(h.log_hr + z * h.se);
  return h;
}

double chi_square_upper_tail(double x, double df) {
  if (!(x > 0.0)) return 1.0;
  const double a = 0.5 * df, y = 0.5 * x;
  const double log_prefix = a * std::log(y) - y - std::lgamma(a);
  if (y < a + 1.0) {  // series for the lower P(a, y), then Q = 1 - P
    double term = 1.0 / a, sum = term;
    for (int n = 1; n < 1000 && std::abs(term) > 1e-16 * std::abs(sum); ++n) {
      term *= y / (a + n);
      sum += term;
    }
    return std::max(0.0, 1.0 - sum * std::exp(log_prefix));
  }
  // Continued fraction for Q(a, y) (modified Lentz).
  constexpr double tiny = 1e-300;
  double b = y + 1.0 - a, c = 1.0 / tiny, d = 1.0 / b, f = d;
  for (int n = 1; n < 1000; ++n) {
    const double an = -n * (n - a);
    b += 2.0;
    d = an * d + b;
    if (std::abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (std::abs(c) < tiny) c = tiny;
    d = 1.0 / d;
    const double delta = d * c;
    f *= delta;
    if (std::abs(delta - 1.0) < 1e-15) break;
  }
  return std::min(1.0, std::exp(log_prefix) * f);
}

Heterogeneity cochran_q(const std::vector<double>& estimate, const std::vector<double>& se) {
  double sw = 0.0, swy = 0.0;
  int k = 0;
  auto usable = [&](std::size_t i) { return std::isfinite(estimate[i]) && se[i] > 0.0 && std::isfinite(se[i]); };
  for (std::size_t i = 0; i < estimate.size(); ++i)
    if (usable(i)) {
      const double w = 1.0 / (se[i] * se[i]);
      sw += w;
      swy += w * estimate[i];
      ++k;
    }
  Heterogeneity h;
  if (k < 2) {
    h.p_value = std::numeric_limits<double>::quiet_NaN();
    return h;
  }
  const double mean = swy / sw;
  for (std::size_t i = 0; i < estimate.size(); ++i)
    if (usable(i)) h.q += (estimate[i] - mean) * (estimate[i] - mean) / (se[i] * se[i]);
  h.df = k - 1;
  h.p_value = chi_square_upper_tail(h.q, h.df);
  return h;
}

}  // namespace vct::stats
