// SPDX-License-Identifier: MIT
#include "core/tumour_kinetics.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>

namespace vct {

namespace {

double residuals(const std::vector<double>& t, const std::vector<double>& y, double d, double g) {
  double rss = 0.0;
  for (std::size_t i = 0; i < t.size(); ++i) {
    const double r = std::exp(-d * t[i]) + std::exp(g * t[i]) - 1.0 - y[i];
    rss += r * r;
  }
  return rss;
}

/// Golden-section minimum of a unimodal f on [lo, hi].
template <class F>
double golden_section(F f, double lo, double hi) {
  const double r = 0.5 * (std::sqrt(5.0) - 1.0);
  double a = lo, b = hi, c = b - r * (b - a), d = a + r * (b - a);
  double fc = f(c), fd = f(d);
  for (int i = 0; i < 200 && b - a > 1e-14; ++i) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = f(d);
    }
  }
  const double inside = 0.5 * (a + b);  // the ends themselves win ties (a rate of exactly 0 or the bound)
  const double f_inside = f(inside), f_lo = f(lo), f_hi = f(hi);
  if (f_lo <= f_inside && f_lo <= f_hi) return lo;
  return f_hi <= f_inside ? hi : inside;
}

/// Nelder-Mead in (d, g), clamped to the bounds; follows the diagonal valley that trades
/// shrinkage against regrowth.
std::array<double, 2> nelder_mead(const std::function<double(double, double)>& f, std::array<double, 2> start) {
  auto clamp = [](std::array<double, 2> p) {
    for (double& x : p) x = std::clamp(x, 0.0, kBiexponentialRateMax);
    return p;
  };
  std::array<std::array<double, 2>, 3> x = {start, start, start};
  for (int k = 0; k < 2; ++k)
    x[static_cast<std::size_t>(k) + 1][static_cast<std::size_t>(k)] +=
        std::max(1e-4, 0.2 * start[static_cast<std::size_t>(k)]);
  std::array<double, 3> fx{};
  for (std::size_t i = 0; i < 3; ++i) {
    x[i] = clamp(x[i]);
    fx[i] = f(x[i][0], x[i][1]);
  }
  for (int iteration = 0; iteration < 500; ++iteration) {
    std::array<std::size_t, 3> o = {0, 1, 2};
    std::sort(o.begin(), o.end(), [&](std::size_t a, std::size_t b) { return fx[a] < fx[b]; });
    const auto best = x[o[0]], worst = x[o[2]];
    if (fx[o[2]] - fx[o[0]] <= 1e-18 + 1e-12 * fx[o[0]]) break;
    const std::array<double, 2> centre = {0.5 * (x[o[0]][0] + x[o[1]][0]), 0.5 * (x[o[0]][1] + x[o[1]][1])};
    auto along = [&](double t) {
      return clamp({centre[0] + t * (worst[0] - centre[0]), centre[1] + t * (worst[1] - centre[1])});
    };
    const auto reflected = along(-1.0);
    const double fr = f(reflected[0], reflected[1]);
    if (fr < fx[o[0]]) {
      const auto expanded = along(-2.0);
      const double fe = f(expanded[0], expanded[1]);
      x[o[2]] = fe < fr ? expanded : reflected;
      fx[o[2]] = std::min(fe, fr);
    } else if (fr < fx[o[1]]) {
      x[o[2]] = reflected;
      fx[o[2]] = fr;
    } else {
      const auto contracted = along(0.5);
      const double fc = f(contracted[0], contracted[1]);
      if (fc < fx[o[2]]) {
        x[o[2]] = contracted;
        fx[o[2]] = fc;
      } else {  // shrink towards the best
        for (std::size_t i : {o[1], o[2]}) {
          x[i] = clamp({best[0] + 0.5 * (x[i][0] - best[0]), best[1] + 0.5 * (x[i][1] - best[1])});
          fx[i] = f(x[i][0], x[i][1]);
        }
      }
    }
  }
  std::size_t b = 0;
  for (std::size_t i = 1; i < 3; ++i)
    if (fx[i] < fx[b]) b = i;
  return x[b];
}

}  // namespace

BiexponentialFit fit_biexponential(const std::vector<double>& days, const std::vector<double>& ratio) {
  BiexponentialFit fit;
  std::vector<double> t, y;
  for (std::size_t i = 0; i < days.size() && i < ratio.size(); ++i)
    if (days[i] > 0.0 && std::isfinite(ratio[i])) {
      t.push_back(days[i]);
      y.push_back(ratio[i]);
    }
  if (t.size() < 3) return fit;
  std::vector<double> grid = {0.0};
  for (int k = 0; k < 40; ++k) grid.push_back(1e-5 * std::pow(1e4, k / 39.0));
  double best_d = 0.0, best_g = 0.0, best = residuals(t, y, 0.0, 0.0);
  for (double d : grid)
    for (double g : grid) {
      const double r = residuals(t, y, d, g);
      if (r < best) {
        best = r;
        best_d = d;
        best_g = g;
      }
    }
  // Refine inside, and on the edges where the data need no shrinkage or no regrowth (an exact 0
  // is what "no detectable shrinkage / regrowth" means in the published fits).
  const auto f = [&](double d, double g) { return residuals(t, y, d, g); };
  const auto inner = nelder_mead(f, {best_d, best_g});
  const double g_only = golden_section([&](double g) { return f(0.0, g); }, 0.0, kBiexponentialRateMax);
  const double d_only = golden_section([&](double d) { return f(d, 0.0); }, 0.0, kBiexponentialRateMax);
  for (const std::array<double, 2>& p :
       {inner, std::array<double, 2>{0.0, g_only}, std::array<double, 2>{d_only, 0.0}}) {
    const double r = f(p[0], p[1]);
    if (r < best * (1.0 - 1e-9) || (r <= best && (p[0] == 0.0 || p[1] == 0.0))) {
      best = r;
      best_d = p[0];
      best_g = p[1];
    }
  }
  fit.d_per_day = best_d;
  fit.g_per_day = best_g;
  fit.rss = best;
  return fit;
}

double tumour_growth_rate_pct_per_month(double ratio, double days) {
  if (!(ratio > 0.0) || !(days > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  return tumour_growth_rate_from_log_rate_pct_per_month(std::log(ratio) / days);
}

double tumour_growth_rate_from_log_rate_pct_per_month(double log_rate_per_day) {
  constexpr double kDaysPerMonth = 365.25 / 12.0;
  return 100.0 * std::expm1(3.0 * log_rate_per_day * kDaysPerMonth);
}

bool hyperprogression(bool pd_at_first_scan, double tgr_pre, double tgr_on) {
  return pd_at_first_scan && tgr_on - tgr_pre > kHyperprogressionDeltaTgrPct;  // false when either is NaN
}

}  // namespace vct
