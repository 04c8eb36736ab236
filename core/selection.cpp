// SPDX-License-Identifier: MIT
#include "core/selection.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"
#include "core/random.hpp"
#include "core/units.hpp"

namespace vct {
namespace {

constexpr std::size_t kDraws = 100;

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

namespace {

/// QSP-IO's probability of inclusion before scaling: at each plausible point, the kNN density of
/// the observed data (k = 10, normalised by 3 x the number of observed points, as QSP-IO divides
/// by numel of the data) over that of the plausible set (k = 5).
std::vector<double> density_ratios(const std::vector<Point3>& plausible, const std::vector<Point3>& observed) {
  std::vector<double> ratio(plausible.size());
  const double normalisation = 3.0 * static_cast<double>(observed.size());
  for (std::size_t i = 0; i < plausible.size(); ++i) {
    const double d_obs = 10.0 / ball_volume(kth_distance(plausible[i], observed, 10)) / normalisation;
    const double d_pp = 5.0 / ball_volume(kth_distance(plausible[i], plausible, 5));
    ratio[i] = d_obs / d_pp;
  }
  return ratio;
}

/// Random selections of the plausible set with common random numbers: in draw j at scale factor
/// sf, patient i is selected when u[i][j] < sf p[i]; draw kDraws is the final cohort.
class SelectionDraws {
 public:
  SelectionDraws(const std::vector<Point3>& plausible, const std::vector<Point3>& observed,
                 const std::vector<double>& probability, std::uint64_t seed)
      : plausible_(plausible), probability_(probability), u_(plausible.size()) {
    for (std::size_t i = 0; i < u_.size(); ++i) {
      Rng rng(seed, Stream::kSelection, i);
      for (double& v : u_[i]) v = rng.uniform();
    }
    for (const auto& p : observed)
      for (std::size_t k = 0; k < 3; ++k) observed_[k].push_back(p[k]);
  }

  bool selected(std::size_t i, double sf, std::size_t draw) const { return u_[i][draw] < sf * probability_[i]; }

  /// Sum over the three dimensions of the KS statistic between draw `draw`'s cohort and the
  /// observed points; each dimension's statistic and p-value into `stat` and `pval` when given.
  double ks_sum(double sf, std::size_t draw, std::array<double, 3>* stat, std::array<double, 3>* pval) const {
    std::array<std::vector<double>, 3> cohort;
    for (std::size_t i = 0; i < plausible_.size(); ++i)
      if (selected(i, sf, draw))
        for (std::size_t k = 0; k < 3; ++k) cohort[k].push_back(plausible_[i][k]);
    double sum = 0.0;
    for (std::size_t k = 0; k < 3; ++k) {
      const auto ks = ks_two_sample(cohort[k], observed_[k]);
      sum += ks[0];
      if (stat) (*stat)[k] = ks[0];
      if (pval) (*pval)[k] = ks[1];
    }
    return sum;
  }

  /// The objective: mean ks_sum over the kDraws random draws at sf = 10^log10_sf.
  double mean_ks_sum(double log10_sf) const {
    double total = 0.0;
    for (std::size_t j = 0; j < kDraws; ++j) total += ks_sum(std::pow(10.0, log10_sf), j, nullptr, nullptr);
    return total / kDraws;
  }

 private:
  const std::vector<Point3>& plausible_;
  const std::vector<double>& probability_;
  std::vector<std::array<double, kDraws + 1>> u_;
  std::array<std::vector<double>, 3> observed_;
};

/// The minimum (x, f(x)) of f on [lo, hi]: the best of a 40-point grid, then a golden-section
/// search within one grid step of it (kept only when better).
template <typename F>
std::pair<double, double> minimise_on_interval(const F& f, double lo, double hi) {
  double best_x = lo, best_f = f(lo);
  const int grid = 40;
  for (int g = 1; g <= grid; ++g) {
    const double x = lo + (hi - lo) * g / grid;
    const double fx = f(x);
    if (fx < best_f) {
      best_f = fx;
      best_x = x;
    }
  }
  double a = std::max(lo, best_x - (hi - lo) / grid), b = std::min(hi, best_x + (hi - lo) / grid);
  const double golden = (std::sqrt(5.0) - 1.0) / 2.0;
  for (int it = 0; it < 30 && b - a > 1e-6; ++it) {
    const double x1 = b - golden * (b - a), x2 = a + golden * (b - a);
    if (f(x1) < f(x2))
      b = x2;
    else
      a = x1;
  }
  const double refined = 0.5 * (a + b);
  const double f_refined = f(refined);
  if (f_refined < best_f) return {refined, f_refined};
  return {best_x, best_f};
}

}  // namespace

SelectionResult select_by_probability_of_inclusion(const std::vector<Point3>& plausible,
                                                   const std::vector<Point3>& observed, std::uint64_t seed) {
  if (plausible.size() < 5 || observed.size() < 10)
    throw Error(ErrorKind::kInput, "selection needs at least 5 plausible patients and 10 observed points (have " +
                                       std::to_string(plausible.size()) + " and " + std::to_string(observed.size()) +
                                       ")");
  SelectionResult out;
  out.probability = density_ratios(plausible, observed);
  const double p_max = *std::max_element(out.probability.begin(), out.probability.end());
  const SelectionDraws draws(plausible, observed, out.probability, seed);
  const double lo = std::min(0.0, -std::log10(p_max)), hi = std::max(0.0, -std::log10(p_max));
  const auto [log10_sf, mean_ks] = minimise_on_interval([&](double x) { return draws.mean_ks_sum(x); }, lo, hi);
  out.scale_factor = std::pow(10.0, log10_sf);
  out.mean_ks_sum = mean_ks;
  out.selected.resize(plausible.size());
  for (std::size_t i = 0; i < plausible.size(); ++i) out.selected[i] = draws.selected(i, out.scale_factor, kDraws);
  draws.ks_sum(out.scale_factor, kDraws, &out.ks_statistic, &out.ks_p_value);  // the final cohort's fit
  return out;
}

}  // namespace vct
