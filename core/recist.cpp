// SPDX-License-Identifier: MIT
#include "core/recist.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace vct {

const char* to_string(Response r) {
  switch (r) {
    case Response::kCR:
      return "CR";
    case Response::kPR:
      return "PR";
    case Response::kSD:
      return "SD";
    case Response::kPD:
      return "PD";
    case Response::kNE:
      return "NE";
  }
  return "NE";
}

std::vector<double> scan_days(const RecistOptions& o, double horizon_day) {
  if (!(o.scan_interval_day > 0.0) || o.first_scan_day <= 0.0)
    throw Error(ErrorKind::kInput, "RECIST scans need first_scan_day > 0 and scan_interval_day > 0");
  std::vector<double> days;
  for (double t = o.first_scan_day; t <= horizon_day + 1e-9; t += o.scan_interval_day) days.push_back(t);
  return days;
}

namespace {

/// Categories and changes at each scan done (those on or before death), the best change before
/// progression and what the first PD showed; returns the index of the first PD scan (n: none).
std::size_t classify_scans(const std::vector<double>& days, const std::vector<double>& d, double baseline,
                           const RecistOptions& o, const RecistEvents& events, std::size_t n, RecistOutcome& out) {
  out.per_scan.resize(n, Response::kNE);
  out.per_scan_change_pct.resize(n, 0.0);
  double nadir = baseline;  // RECIST: smallest sum on study, baseline included
  const bool has_non_target = !std::isnan(events.non_target_growth_per_day);
  double non_target_nadir = 1.0;  // non-target size relative to its baseline
  std::size_t first_pd = n;
  for (std::size_t k = 0; k < n; ++k) {
    const double change = (d[k] - baseline) / baseline;
    const bool new_lesion = days[k] >= events.new_lesion_day;
    bool non_target = false;
    double non_target_cm = d[k];  // non-target disease taken to start at the measured size: it is gone when
    if (has_non_target) {         // the measured disease would be
      const double ratio = d[k] / baseline * std::exp(events.non_target_growth_per_day * days[k]);
      non_target = ratio >= (1.0 + events.non_target_pd_fraction) * non_target_nadir * (1.0 - 1e-12);
      non_target_nadir = std::min(non_target_nadir, ratio);
      non_target_cm = ratio * baseline;
    }
    Response r;
    if (new_lesion || non_target ||
        (d[k] - nadir >= o.pd_increase_cm - 1e-12 && d[k] >= (1.0 + o.pd_increase_fraction) * nadir))
      r = Response::kPD;
    else if (d[k] <= o.cr_diameter_cm && non_target_cm <= o.cr_diameter_cm)
      r = Response::kCR;
    else if (change <= o.pr_change_fraction)
      r = Response::kPR;
    else
      r = Response::kSD;
    out.per_scan[k] = r;
    out.per_scan_change_pct[k] = 100.0 * change;
    nadir = std::min(nadir, d[k]);
    if (k < first_pd || first_pd == n) {
      out.best_change_pct = std::min(out.best_change_pct, 100.0 * change);
      out.best_scan_change_pct =
          std::isnan(out.best_scan_change_pct) ? 100.0 * change : std::min(out.best_scan_change_pct, 100.0 * change);
    }
    if (r == Response::kPD && first_pd == n) {
      first_pd = k;
      out.pd_new_lesion = new_lesion;
      out.pd_non_target = non_target;
    }
  }
  if (n > 0) out.last_change_pct = 100.0 * (d[n - 1] - baseline) / baseline;
  return first_pd;
}

/// Best overall response (confirmed when required, SD only after its minimum duration) and the
/// time to the first counted response, from the scans before progression.
void best_response(const std::vector<double>& days, const RecistOptions& o, std::size_t n, std::size_t first_pd,
                   RecistOutcome& out) {
  // Response counted at scan k, after confirmation when required.
  auto counted = [&](std::size_t k) -> Response {
    const Response r = out.per_scan[k];
    if (r != Response::kCR && r != Response::kPR) return r;
    if (!o.confirmation) return r;
    for (std::size_t j = k + 1; j < first_pd; ++j) {
      if (days[j] - days[k] < o.confirmation_min_day - 1e-9) continue;
      const Response c = out.per_scan[j];
      if (c == Response::kCR || c == Response::kPR) return std::max(r, c);  // CR+PR confirms PR
      return Response::kSD;
    }
    return Response::kSD;  // no confirming scan
  };

  Response best = Response::kNE;
  for (std::size_t k = 0; k < first_pd; ++k) {
    Response r = counted(k);
    if (r == Response::kSD && days[k] < o.min_sd_duration_day - 1e-9) continue;
    if (static_cast<int>(r) < static_cast<int>(best)) {
      best = r;
      out.best_response_day = days[k];
    }
    if (responds(r) && std::isnan(out.time_to_response_day)) out.time_to_response_day = days[k];
  }
  if (best == Response::kNE && first_pd < n) {
    best = Response::kPD;
    out.best_response_day = days[first_pd];
  }
  out.best = best;
}

/// PFS (first PD scan, or death before it within the limit; else censored at the last scan) and
/// the duration of response.
void progression_free_survival(const std::vector<double>& days, const RecistEvents& events, std::size_t n,
                               std::size_t first_pd, RecistOutcome& out) {
  if (first_pd < n) {
    out.pfs_day = days[first_pd];
    out.pfs_event = true;
  } else {
    out.pfs_day = n > 0 ? days[n - 1] : 0.0;
  }
  const bool death_counts = std::isfinite(events.death_day) && events.death_day <= events.pfs_death_limit_day;
  if (death_counts && (!out.pfs_event || events.death_day < out.pfs_day)) {
    out.pfs_day = events.death_day;
    out.pfs_event = true;
    out.pfs_death = true;
  }
  if (!std::isnan(out.time_to_response_day)) {
    out.response_ended = out.pfs_event;
    out.duration_of_response_day = out.pfs_day - out.time_to_response_day;
  }
}

}  // namespace

RecistOutcome assess_recist(const std::vector<double>& days, const std::vector<double>& d, double baseline,
                            const RecistOptions& o, const RecistEvents& events) {
  RecistOutcome out;
  std::size_t n = 0;  // scans done: those on or before death
  while (n < days.size() && days[n] <= events.death_day) ++n;
  const std::size_t first_pd = classify_scans(days, d, baseline, o, events, n, out);
  best_response(days, o, n, first_pd, out);
  progression_free_survival(days, events, n, first_pd, out);
  return out;
}

}  // namespace vct
