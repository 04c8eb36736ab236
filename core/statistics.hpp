// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <vector>

namespace vct::stats {

/// Regularised incomplete beta I_x(a, b) (continued fraction, relative accuracy ~1e-14).
double incomplete_beta(double x, double a, double b);
/// x with I_x(a, b) = p.
double beta_quantile(double p, double a, double b);

struct Proportion {
  int successes = 0;
  int n = 0;
  double estimate = 0.0;
  double lower = 0.0;  ///< exact (Clopper-Pearson) two-sided confidence bounds
  double upper = 1.0;
};
Proportion clopper_pearson(int successes, int n, double confidence = 0.95);

/// The beta-binomial distribution: the count X of n trials whose success probability is itself
/// Beta(a, b) distributed. P(X = x) = C(n, x) B(x + a, n - x + b) / B(a, b); 0 outside 0..n.
double beta_binomial_pmf(int x, int n, double a, double b);

/// What a trial of `n` patients drawn from a simulated population could show: the simulated rate
/// k/N is uncertain (Jeffreys posterior Beta(k + 1/2, N - k + 1/2)) and the trial's count is
/// binomial given the rate, so the trial's count is beta-binomial. `lower`..`upper` is the
/// equal-tailed prediction interval of that count (the smallest counts whose cumulative
/// probability reaches (1 - confidence)/2 and (1 + confidence)/2); `p_value` is the two-sided
/// tail probability of the observed count, min(1, 2 min(P(X <= observed), P(X >= observed))).
/// Answers "could a trial of this size from the model have given the published rate?", where the
/// simulated confidence interval answers "is the published rate the model's rate?".
struct TrialPrediction {
  int n = 0;      ///< patients of the trial
  int lower = 0;  ///< prediction interval of its responders (counts)
  int upper = 0;
  int observed = 0;  ///< the published responders
  double p_value = 1.0;
  bool inside() const { return observed >= lower && observed <= upper; }
};
/// Requires 0 <= k <= N, N >= 1, n >= 1, 0 <= observed <= n.
TrialPrediction trial_prediction(int k, int N, int n, int observed, double confidence = 0.95);

/// Kaplan-Meier estimate with Greenwood log-log pointwise bounds and the median's bounds
/// (Brookmeyer-Crowley: where the bounds cross 0.5). NaN where not reached.
struct KaplanMeier {
  std::vector<double> time;      ///< distinct event times
  std::vector<double> survival;  ///< S just after each time
  std::vector<double> lower;
  std::vector<double> upper;
  std::vector<int> at_risk;
  std::vector<int> events;
  double median = 0.0;
  double median_lower = 0.0;
  double median_upper = 0.0;
  double last_time = 0.0;  ///< largest observed time, event or censoring (NaN without observations)
};
KaplanMeier kaplan_meier(const std::vector<double>& time, const std::vector<bool>& event, double confidence = 0.95);

/// A Kaplan-Meier curve read at one time (a landmark such as PFS at 6 months).
struct SurvivalAt {
  double estimate = 0.0;
  double lower = 0.0;  ///< the curve's pointwise bounds (Greenwood, log-log) at that time
  double upper = 0.0;
};
/// S(t) of a right-continuous Kaplan-Meier step function: 1 before the first event, the value after
/// the last event at or before t; NaN when t is beyond the last observed time (not estimable).
SurvivalAt survival_at(const KaplanMeier& km, double t);

/// Restricted mean survival time to tau: the area under the Kaplan-Meier step function on
/// [0, tau] (Royston & Parmar 2013, BMC Med Res Methodol 13:152). NaN when tau is beyond the last
/// observed time (the curve is not estimable there) or there are no observations.
double restricted_mean(const KaplanMeier& km, double tau);

/// Mean, sample standard deviation (divisor n - 1) and range of a set of values: the spread of a
/// rate over seeds or populations, of a fitted value over files. mean, min and max are NaN for no
/// values, sd for fewer than two.
struct Spread {
  std::size_t n = 0;
  double mean = 0.0;
  double sd = 0.0;
  double min = 0.0;
  double max = 0.0;
};
Spread spread(const std::vector<double>& values);

/// Quantile p in [0, 1] of sorted values, linear between order statistics (Hyndman-Fan type 7,
/// numpy's default); NaN for no values.
double quantile(const std::vector<double>& sorted, double p);

/// Two-sided Fisher exact test of the 2x2 table [[a, b], [c, d]] (sum of table probabilities no
/// larger than the observed one).
double fisher_exact(int a, int b, int c, int d);
/// Exact two-sided McNemar test from the discordant pair counts.
double mcnemar_exact(int only_first, int only_second);
/// Holm's step-down adjustment of a family of p-values (Holm 1979, Scand J Stat 6:65): with the m
/// finite p-values sorted, p_(i) becomes max over j <= i of min(1, (m - j + 1) p_(j)); returned in
/// the input order. NaN entries (a test that could not be done) stay NaN and do not count in m.
std::vector<double> holm_adjust(const std::vector<double>& p);

struct LogRank {
  double chi_square = 0.0;
  double p_value = 1.0;
  double observed_first = 0.0;
  double expected_first = 0.0;
  double variance = 0.0;  ///< of observed_first - expected_first (hypergeometric)
};
LogRank log_rank(const std::vector<double>& time1, const std::vector<bool>& event1, const std::vector<double>& time2,
                 const std::vector<bool>& event2);

/// Difference of two paired proportions, second minus first, over n pairs of which `only_second`
/// respond only in the second and `only_first` only in the first: d = (only_second - only_first)/n
/// with the Wald interval d +- 1.96 se, se = sqrt(b + c - (b - c)^2 / n) / n (Agresti 2013,
/// 10.1.2). NaN for n = 0.
struct IntervalEstimate {
  double estimate = 0.0, se = 0.0, lower = 0.0, upper = 0.0;  ///< se on the scale of the interval
};
using PairedDifference = IntervalEstimate;
PairedDifference paired_difference(int only_second, int only_first, int n);

/// Ratio of two independent proportions x1/n1 over x2/n2 with the Katz log interval:
/// ln RR +- 1.96 sqrt(1/x1 - 1/n1 + 1/x2 - 1/n2) (Katz 1978); `se` is that of ln RR.
/// NaN when a count is zero (no log interval).
IntervalEstimate ratio_of_proportions(int x1, int n1, int x2, int n2);

/// Hazard ratio of the second group against the first with its 95 % CI, by the one-step (Peto)
/// estimate from the log-rank statistics: ln HR = (E1 - O1) / V, SE 1 / sqrt(V) (Berry 1991,
/// Stat Med 10:749; close to the Cox estimate when the HR is near 1). NaN without events.
struct HazardRatio {
  double estimate = 0.0, lower = 0.0, upper = 0.0;
  double log_hr = 0.0, se = 0.0;
};
HazardRatio peto_hazard_ratio(const LogRank& lr);

/// Upper tail P(X >= x) of a chi-square distribution with `df` degrees of freedom (> 0); 1 for
/// x <= 0. The regularised upper incomplete gamma Q(df / 2, x / 2).
double chi_square_upper_tail(double x, double df);

/// Cochran's Q test of heterogeneity of estimates with standard errors (inverse-variance
/// weights): Q = sum w_k (y_k - y_bar)^2, df = K - 1, over the entries with a finite estimate and
/// se > 0. With fewer than two such entries df is 0 and p NaN.
struct Heterogeneity {
  double q = 0.0;
  int df = 0;
  double p_value = 0.0;
};
Heterogeneity cochran_q(const std::vector<double>& estimate, const std::vector<double>& se);

}  // namespace vct::stats
