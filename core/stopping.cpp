// SPDX-License-Identifier: MIT
#include "core/stopping.hpp"

#include <algorithm>
#include <cmath>

namespace vct {

double ici_stop_day(const StopRule& rule, const std::vector<double>& scan_days, const std::vector<Response>& per_scan) {
  double stop = rule.after_day;  // NaN when there is no fixed duration
  auto earliest = [&](double day) { stop = std::isnan(stop) ? day : std::min(stop, day); };
  int responding = 0;
  const std::size_t n = std::min(scan_days.size(), per_scan.size());
  for (std::size_t i = 0; i < n; ++i) {
    const Response r = per_scan[i];
    if (r == Response::kPD) break;  // the assessment ends at progression
    responding = responds(r) ? responding + 1 : 0;
    if (rule.responding_scans > 0 && responding >= rule.responding_scans) {
      earliest(scan_days[i]);
      break;
    }
  }
  if (rule.confirmed_complete_response)
    for (std::size_t i = 1; i < n && per_scan[i - 1] != Response::kPD; ++i)
      if (per_scan[i - 1] == Response::kCR && per_scan[i] == Response::kCR) {
        earliest(scan_days[i]);
        break;
      }
  return stop;
}

std::vector<DoseRegimen> stop_regimens(const std::vector<DoseRegimen>& regimens, double stop_day) {
  std::vector<DoseRegimen> out = regimens;
  for (auto& r : out) r.stop_day = std::min(r.stop_day, stop_day);
  return out;
}

}  // namespace vct
