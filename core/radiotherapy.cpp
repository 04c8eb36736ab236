// SPDX-License-Identifier: MIT
#include "core/radiotherapy.hpp"

#include <algorithm>
#include <cmath>
#include <set>

namespace vct {

const char* to_string(FractionSchedule schedule) {
  switch (schedule) {
    case FractionSchedule::kDaily:
      return "daily";
    case FractionSchedule::kWeekdays:
      return "weekdays";
    case FractionSchedule::kAlternate:
      return "alternate";
    case FractionSchedule::kExplicit:
      return "explicit";
  }
  return "?";
}

double default_edic_Gy(const RadiotherapyCourse& c) {
  const bool ablative = c.fractions <= 5;
  double per_Gy = ablative ? 0.033 : 0.093;
  if (c.site == "liver") per_Gy = ablative ? 0.09 : 0.15;
  double share = 1.0;  // a dose map irradiates less: scale by its mean relative dose (a 5-cm lesion)
  if (c.dose_map) {
    share = 0.0;
    for (const DoseBin& b : dose_volume_histogram(*c.dose_map, 25.0)) share += b.volume_fraction * b.relative_dose;
  }
  return per_Gy * c.total_dose_Gy() * share;
}

std::vector<double> RadiotherapyCourse::fraction_days() const {
  std::vector<double> out;
  out.reserve(static_cast<std::size_t>(fractions));
  switch (schedule) {
    case FractionSchedule::kDaily:
      for (int k = 0; k < fractions; ++k) out.push_back(start_day + k);
      break;
    case FractionSchedule::kAlternate:
      for (int k = 0; k < fractions; ++k) out.push_back(start_day + 2.0 * k);
      break;
    case FractionSchedule::kWeekdays:
      for (int k = 0; k < fractions; ++k) out.push_back(start_day + 7.0 * (k / 5) + (k % 5));
      break;
    case FractionSchedule::kExplicit:
      for (double d : days) out.push_back(start_day + d);
      break;
  }
  return out;
}

double bed_Gy(int fractions, double d, double alpha_beta_Gy) { return fractions * d * (1.0 + d / alpha_beta_Gy); }

double eqd2_Gy(int fractions, double d, double alpha_beta_Gy) {
  return bed_Gy(fractions, d, alpha_beta_Gy) / (1.0 + 2.0 / alpha_beta_Gy);
}

double lq_survival(double dose_Gy, double alpha_per_Gy, double beta_per_Gy2) {
  return std::exp(-alpha_per_Gy * dose_Gy - beta_per_Gy2 * dose_Gy * dose_Gy);
}

std::vector<RadiationFraction> expand_radiotherapy(const std::vector<RadiotherapyCourse>& courses, double horizon_day) {
  std::vector<RadiationFraction> out;
  for (const auto& c : courses)
    for (double t : c.fraction_days())
      if (t <= horizon_day + 1e-9)
        for (std::size_t k = 0; k < c.lesions.size(); ++k) {
          const bool first = k == 0;  // one session: circulating and nodal dose once
          out.push_back({t, c.lesions[k], c.dose_per_fraction_Gy, c.name,
                         first && c.fractions > 0 ? c.edic_Gy / c.fractions : 0.0,
                         first && c.lymph_node_in_field ? c.dose_per_fraction_Gy : 0.0, c.dose_map});
        }
  std::stable_sort(out.begin(), out.end(), [](const RadiationFraction& a, const RadiationFraction& b) {
    return a.time_day < b.time_day || (a.time_day == b.time_day && a.lesion < b.lesion);
  });
  return out;
}

std::vector<int> irradiated_lesions(const std::vector<RadiotherapyCourse>& courses) {
  std::set<int> lesions;
  for (const auto& c : courses) lesions.insert(c.lesions.begin(), c.lesions.end());
  return {lesions.begin(), lesions.end()};
}

}  // namespace vct
