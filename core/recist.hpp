// SPDX-License-Identifier: MIT
#pragma once

#include <limits>
#include <string>
#include <vector>

namespace vct {

/// RECIST 1.1 categories, ordered best to worst; NE = not evaluable.
enum class Response : int { kCR = 0, kPR = 1, kSD = 2, kPD = 3, kNE = 4 };
const char* to_string(Response r);
/// An objective response: CR or PR.
inline bool responds(Response r) { return r == Response::kCR || r == Response::kPR; }

/// Read-out settings (docs/recist.md). Defaults reproduce the QSP-IO NSCLC read-out: scans every
/// 8 weeks, PR at -30 % from baseline, PD at +20 % and +5 mm from the nadir, CR at a diameter of
/// 2 mm or less, no confirmation.
struct RecistOptions {
  double first_scan_day = 56.0;
  double scan_interval_day = 56.0;
  double pr_change_fraction = -0.30;
  double pd_increase_fraction = 0.20;
  double pd_increase_cm = 0.5;
  double cr_diameter_cm = 0.2;
  bool confirmation = false;           ///< CR/PR must be confirmed by a later scan ...
  double confirmation_min_day = 28.0;  ///< ... at least this many days later
  double min_sd_duration_day = 0.0;    ///< SD counts for best response only from this day on
};

/// Scan days first_scan_day, + interval, ... up to horizon_day.
std::vector<double> scan_days(const RecistOptions& options, double horizon_day);

/// Events beyond the measured lesions (core/progression.hpp): a new lesion is progression at the
/// first scan on or after it; no scan happens after death, and a death before the first PD scan
/// ends PFS as an event when it falls within follow-up (RECIST 1.1 and trial practice). Non-target
/// disease, when present, measures (d_k / baseline) exp(delta t_k) at scan k (relative to its own
/// baseline) and is unequivocal progression when that ratio reaches (1 + fraction) times its nadir.
struct RecistEvents {
  double new_lesion_day = std::numeric_limits<double>::infinity();
  double non_target_growth_per_day = std::numeric_limits<double>::quiet_NaN();  ///< delta; NaN: no non-target disease
  double non_target_pd_fraction = 0.2;  ///< diameter-equivalent increase over the nadir, > 0
  double death_day = std::numeric_limits<double>::infinity();
  double pfs_death_limit_day = std::numeric_limits<double>::infinity();  ///< later deaths leave PFS censored
};

struct RecistOutcome {
  std::vector<Response> per_scan;           ///< category at each scan
  std::vector<double> per_scan_change_pct;  ///< change of the sum of diameters from baseline at each scan, %
  Response best = Response::kNE;            ///< best overall response (confirmed if required)
  double best_response_day = std::numeric_limits<double>::quiet_NaN();
  double time_to_response_day = std::numeric_limits<double>::quiet_NaN();  ///< first counted CR/PR
  double duration_of_response_day = std::numeric_limits<double>::quiet_NaN();
  bool response_ended = false;  ///< duration ends in progression (else censored at last scan)
  double pfs_day = 0.0;         ///< first PD scan, or last scan when censored
  bool pfs_event = false;
  bool pd_new_lesion = false;  ///< the first PD scan shows a new lesion
  bool pd_non_target = false;  ///< the first PD scan shows unequivocal progression of non-target disease
  bool pfs_death = false;      ///< PFS ended by death before any PD scan
  double best_change_pct =
      0.0;  ///< smallest change from baseline over the scans up to the first PD, from 0 % (the baseline counts: a patient who only grew has 0)
  /// The same over the scans only (not capped at 0 %: a patient who only grew has a positive value,
  /// as waterfall plots show); NaN without a scan.
  double best_scan_change_pct = std::numeric_limits<double>::quiet_NaN();
  double last_change_pct = 0.0;
};

/// Classifies a series of scan measurements (sum of target-lesion diameters, here the tumour's
/// equivalent-sphere diameter) against the baseline. Progression ends the assessment: scans after
/// the first PD are classified but do not change best response or PFS.
/// With `events`, scans after death are dropped and new lesions count as progression.
RecistOutcome assess_recist(const std::vector<double>& days, const std::vector<double>& diameters_cm,
                            double baseline_cm, const RecistOptions& options, const RecistEvents& events = {});

/// Assessment of a series that ends early (a run stopped by a solver failure): only the scans on or
/// before `last_day` count, so PFS is censored at the last completed scan, as for a patient lost
/// to follow-up. `diameter_at(day)` returns the measured diameter.
template <class DiameterAt>
RecistOutcome assess_available_scans(const std::vector<double>& scans, double last_day, double baseline_cm,
                                     const RecistOptions& options, DiameterAt diameter_at,
                                     const RecistEvents& events = {}) {
  std::vector<double> days, diameters;
  for (double s : scans)
    if (s <= last_day + 1e-9) {
      days.push_back(s);
      diameters.push_back(diameter_at(s));
    }
  return assess_recist(days, diameters, baseline_cm, options, events);
}

}  // namespace vct
