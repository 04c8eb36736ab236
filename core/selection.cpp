// SPDX-License-Identifier: MIT
#include "core/selection.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/random.hpp"
#include "core/units.hpp"

namespace vct {
namespace {

constexpr int kDraws = 100;

double distance(const Point3& a, const Point3& b) {
  const double dx = a[0] - b[0], dy = a[1] - b[1], dz = a[2] - b[2];
  return std::sqrt(dx * dx + dy * dy + dz * dz);
}

/// Distance from x to its k-th nearest point of `set` (k = 1 is the nearest, which is x itself
/// when x belongs to the set).
double kth_distance(const Point3& x, const std::vector<Point3>& set, std::size_t k) {
  std::vector<double> d;
  d.reserve(set.size());
  for (const auto& s : set) d.push_back(distance(x, s));
  std::nth_element(d.begin(), d.begin() + static_cast<long>(k - 1), d.end());
  return d[k - 1];
}

double ball_volume(double r) { return 4.0 / 3.0 * units::kPi * r * r * r; }

double kolmogorov_q(double lambda) {
  if (lambda < 1e-3) return 1.0;
  double sum = 0.0;
  for (int j = 1; j <= 100; ++j) {
    const double term = 2.0 * ((j % 2) ? 1.0 : -1.0) * std::exp(-2.0 * j * j * lambda * lambda);
    sum += term;
    if (std::abs(term) < 1e-12) break;
  }
  return std::clamp(sum, 0.0, 1.0);
}

}  // namespace

std::array<double, 2> ks_two_sample(std::vector<double> a, std::vector<double> b) {
  if (a.empty() || b.empty()) return {1.0, 0.0};
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  std::size_t i = 0, j = 0;
  double d = 0.0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::abs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()));
  }
  const double ne = static_cast<double>(a.size()) * b.size() / (a.size() + b.size());
  const double sq = std::sqrt(ne);
  return {d, kolmogorov_q((sq + 0.12 + 0.11 / sq) * d)};
}

SelectionResult select_by_probability_of_inclusion(const std::vector<Point3>& plausible,
                                                   const std::vector<Point3>& observed, std::uint64_t seed) {
  if (plausible.size() < 5 || observed.size() < 10)
    throw Error(ErrorKind::kInput, "selection needs at least 5 plausible patients and 10 observed points (have " +
                                       std::to_string(plausible.size()) + " and " + std::to_string(observed.size()) +
                                       ")");
  const std::size_t n = plausible.size();
  SelectionResult out;
  out.probability.resize(n);
  const double normalisation = 3.0 * static_cast<double>(observed.size());  // QSP-IO divides by numel of the data
  for (std::size_t i = 0; i < n; ++i) {
    const double d_obs = 10.0 / ball_volume(kth_distance(plausible[i], observed, 10)) / normalisation;
    const double d_pp = 5.0 / ball_volume(kth_distance(plausible[i], plausible, 5));
    out.probability[i] = d_obs / d_pp;
  }
  const double p_max = *std::max_element(out.probability.begin(), out.probability.end());

  // Common random numbers: u[i][j] for patient i and draw j; one more column for the final cohort.
  std::vector<std::array<double, kDraws + 1>> u(n);
  for (std::size_t i = 0; i < n; ++i) {
    Rng rng(seed, Stream::kSelection, i);
    for (double& v : u[i]) v = rng.uniform();
  }
  std::array<std::vector<double>, 3> obs;
  for (const auto& p : observed)
    for (int k = 0; k < 3; ++k) obs[static_cast<std::size_t>(k)].push_back(p[static_cast<std::size_t>(k)]);

  auto draw_ks = [&](double sf, int draw, std::array<double, 3>* stat, std::array<double, 3>* pval) {
    std::array<std::vector<double>, 3> sel;
    for (std::size_t i = 0; i < n; ++i)
      if (u[i][static_cast<std::size_t>(draw)] < sf * out.probability[i])
        for (int k = 0; k < 3; ++k)
          sel[static_cast<std::size_t>(k)].push_back(plausible[i][static_cast<std::size_t>(k)]);
    double sum = 0.0;
    for (std::size_t k = 0; k < 3; ++k) {
      const auto ks = ks_two_sample(sel[k], obs[k]);
      sum += ks[0];
      if (stat) (*stat)[k] = ks[0];
      if (pval) (*pval)[k] = ks[1];
    }
    return sum;
  };
  auto objective = [&](double log10_sf) {
    double total = 0.0;
    for (int j = 0; j < kDraws; ++j) total += draw_ks(std::pow(10.0, log10_sf), j, nullptr, nullptr);
    return total / kDraws;
  };

  double lo = std::min(0.0, -std::log10(p_max)), hi = std::max(0.0, -std::log10(p_max));
  double best_x = lo, best_f = objective(lo);
  const int grid = 40;
  for (int g = 1; g <= grid; ++g) {
    const double x = lo + (hi - lo) * g / grid;
    const double f = objective(x);
    if (f < best_f) {
      best_f = f;
      best_x = x;
    }
  }
  double a = std::max(lo, best_x - (hi - lo) / grid), b = std::min(hi, best_x + (hi - lo) / grid);
  const double golden = (std::sqrt(5.0) - 1.0) / 2.0;
  for (int it = 0; it < 30 && b - a > 1e-6; ++it) {
    const double x1 = b - golden * (b - a), x2 = a + golden * (b - a);
    if (objective(x1) < objective(x2))
      b = x2;
    else
      a = x1;
  }
  const double refined = 0.5 * (a + b);
  const double f_refined = objective(refined);
  if (f_refined < best_f) {
    best_f = f_refined;
    best_x = refined;
  }
  out.scale_factor = std::pow(10.0, best_x);
  out.mean_ks_sum = best_f;
  out.selected.resize(n);
  for (std::size_t i = 0; i < n; ++i) out.selected[i] = u[i][kDraws] < out.scale_factor * out.probability[i];
  // Report the final cohort's fit.
  std::array<std::vector<double>, 3> sel;
  for (std::size_t i = 0; i < n; ++i)
    if (out.selected[i])
      for (std::size_t k = 0; k < 3; ++k) sel[k].push_back(plausible[i][k]);
  for (std::size_t k = 0; k < 3; ++k) {
    const auto ks = ks_two_sample(sel[k], obs[k]);
    out.ks_statistic[k] = ks[0];
    out.ks_p_value[k] = ks[1];
  }
  return out;
}

}  // namespace vct
