// SPDX-License-Identifier: MIT
// Tumour-size kinetics of one patient's scans, as tumour-dynamics analyses of ICI trials measure
// them (issue #18): the Stein/Wilkerson bi-exponential fit (shrinkage rate d, regrowth rate g),
// and the change at the first scan. Used to compare the virtual population's growth kinetics with
// published per-patient fits (docs/validation.md) and, later, as the input of a TGI-OS link.
#pragma once

#include <limits>
#include <vector>

namespace vct {

/// y(t) = exp(-d t) + exp(g t) - 1 fitted to sizes relative to baseline y_i at days t_i > 0 by
/// least squares, d and g in [0, 0.1] /day (Stein 2011, Clin Cancer Res 17:907; the bounds and
/// the three-measurement minimum of Ghaffari Laleh 2022, PLoS Comput Biol 18:e1009822).
struct BiexponentialFit {
  double d_per_day = std::numeric_limits<double>::quiet_NaN();  ///< shrinkage rate (NaN: fewer than 3 scans)
  double g_per_day = std::numeric_limits<double>::quiet_NaN();  ///< regrowth rate
  double rss = std::numeric_limits<double>::quiet_NaN();        ///< residual sum of squares
};

/// Upper bound of d and g, 1/day.
inline constexpr double kBiexponentialRateMax = 0.1;

/// Deterministic fit: a 41 x 41 grid (0 and 40 log-spaced rates from 1e-5 to 0.1 /day), then
/// Nelder-Mead from the grid's best point and golden-section fits on the edges d = 0 and g = 0;
/// the smallest residual wins (an edge on a tie). Thread-safe.
BiexponentialFit fit_biexponential(const std::vector<double>& days, const std::vector<double>& ratio);

/// Tumour growth rate of a sum of diameters that changed by the factor `ratio` in `days`, as the
/// monthly volume change of Ferté et al. 2014 (Clin Cancer Res 20:246): 100 (exp(3 ln(ratio) /
/// days x 30.4375) - 1) %/month. NaN unless ratio > 0 and days > 0.
double tumour_growth_rate_pct_per_month(double ratio, double days);

/// The same from an instantaneous rate d ln D / dt (1/day): 100 (exp(3 x 30.4375 rate) - 1).
double tumour_growth_rate_from_log_rate_pct_per_month(double log_rate_per_day);

/// Hyperprogression by Ferrara et al. 2018 (JAMA Oncol 4:1543): RECIST PD at the first evaluation
/// and a tumour growth rate on treatment more than 50 %/month above the pre-treatment rate.
inline constexpr double kHyperprogressionDeltaTgrPct = 50.0;
bool hyperprogression(bool pd_at_first_scan, double tgr_pre_pct_per_month, double tgr_on_pct_per_month);

}  // namespace vct
