// SPDX-License-Identifier: MIT
// Stopping rules for checkpoint-inhibitor therapy (docs/recist.md, "Stopping rules"): when an
// arm stops dosing a patient, read from the patient's own scans, and the regimens that remain.
// Pure functions; thread-safe.
#pragma once

#include <cmath>
#include <limits>
#include <vector>

#include "core/dosing.hpp"
#include "core/recist.hpp"

namespace vct {

/// An arm's rule for stopping its drugs (scenario `arms[].stop_ici`). Any combination; the
/// earliest trigger wins. Radiotherapy courses are not affected.
struct StopRule {
  /// Fixed duration: no dose on or after this day (NaN: none).
  double after_day = std::numeric_limits<double>::quiet_NaN();
  /// Stop after this many consecutive scans with CR or PR (0: off); the scan day completing the
  /// run is the stop day.
  int responding_scans = 0;
  /// Stop after a confirmed complete response: CR at a scan and again at the next one, whose day
  /// is the stop day.
  bool confirmed_complete_response = false;
  /// Not a trigger but an analysis: for each patient whose outcome the arm keeps (best response
  /// CR or PR and no PFS event), the earliest scan day from the first response on at which
  /// stopping every drug still keeps it (ArmResult::earliest_stop_day).
  bool earliest_stop = false;
  /// Whether a trigger is set (earliest_stop is not one).
  bool any() const { return !std::isnan(after_day) || responding_scans > 0 || confirmed_complete_response; }
};

/// The day from which `rule` gives no further dose, from the scans (days) and their RECIST
/// categories: the earliest of after_day and the response triggers, which read the scans before
/// the first PD only. NaN when nothing triggers.
double ici_stop_day(const StopRule& rule, const std::vector<double>& scan_days, const std::vector<Response>& per_scan);

/// The regimens with no dose on or after `stop_day` (DoseRegimen::stop_day lowered to it).
std::vector<DoseRegimen> stop_regimens(const std::vector<DoseRegimen>& regimens, double stop_day);

}  // namespace vct
