// SPDX-License-Identifier: MIT
#include "io/rt_report.hpp"

#include <cstdio>

#include "io/hdf5_util.hpp"

namespace vct::io {

double nominal_alpha_beta_Gy(const ModelDefinition& model, const std::vector<ParameterOverride>& overrides) {
  const int k = model.resolved().alpha_beta_parameter;
  if (k < 0) return 10.0;
  double alpha_beta = model.parameters()[static_cast<std::size_t>(k)].value;
  for (const auto& o : overrides)
    if (o.index == k) alpha_beta = o.value;
  return alpha_beta;
}

std::vector<CourseReport> report_courses(const std::vector<RadiotherapyCourse>& courses, double alpha_beta,
                                         const std::vector<std::string>& lesion_names) {
  std::vector<CourseReport> out;
  for (const auto& c : courses) {
    CourseReport r;
    r.name = c.name;
    r.dose_per_fraction_Gy = c.dose_per_fraction_Gy;
    r.fractions = c.fractions;
    r.total_dose_Gy = c.total_dose_Gy();
    r.start_day = c.start_day;
    r.alpha_beta_Gy = alpha_beta;
    r.bed_Gy = bed_Gy(c.fractions, c.dose_per_fraction_Gy, alpha_beta);
    r.eqd2_Gy = eqd2_Gy(c.fractions, c.dose_per_fraction_Gy, alpha_beta);
    r.schedule = to_string(c.schedule);
    if (c.dose_map) r.dose_map = describe(*c.dose_map);
    for (int l : c.lesions) {
      const std::string name = static_cast<std::size_t>(l) < lesion_names.size()
                                   ? lesion_names[static_cast<std::size_t>(l)]
                                   : "lesion" + std::to_string(l + 1);
      r.lesions += (r.lesions.empty() ? "" : ", ") + name;
    }
    for (double d : c.fraction_days()) {
      char text[32];
      std::snprintf(text, sizeof text, "%g", d);
      r.days += (r.days.empty() ? "" : " ") + std::string(text);
    }
    out.push_back(r);
  }
  return out;
}

std::string describe_radiotherapy(const std::vector<CourseReport>& courses) {
  std::string text;
  for (const auto& r : courses) {
    char line[512];
    std::snprintf(line, sizeof line, "%s: %d x %g Gy = %g Gy (%s, days %s) to %s; BED%g %.1f Gy, EQD2 %.1f Gy",
                  r.name.c_str(), r.fractions, r.dose_per_fraction_Gy, r.total_dose_Gy, r.schedule.c_str(),
                  r.days.c_str(), r.lesions.c_str(), r.alpha_beta_Gy, r.bed_Gy, r.eqd2_Gy);
    text += (text.empty() ? "" : "; ") + std::string(line);
    if (r.dose_map != "uniform") text += " (dose map " + r.dose_map + ")";
  }
  return text.empty() ? "none" : text;
}

void write_course_table(hid_t group, const std::string& name, const std::vector<CourseReport>& courses) {
  if (courses.empty()) return;
  std::vector<std::string> names, schedule, lesions, days, maps;
  std::vector<double> d, n, total, start, ab, bed, eqd2;
  for (const auto& r : courses) {
    names.push_back(r.name);
    schedule.push_back(r.schedule);
    lesions.push_back(r.lesions);
    days.push_back(r.days);
    maps.push_back(r.dose_map);
    d.push_back(r.dose_per_fraction_Gy);
    n.push_back(r.fractions);
    total.push_back(r.total_dose_Gy);
    start.push_back(r.start_day);
    ab.push_back(r.alpha_beta_Gy);
    bed.push_back(r.bed_Gy);
    eqd2.push_back(r.eqd2_Gy);
  }
  h5::compound_table(group, name,
                     {h5::text_column("course", names), h5::number_column("dose_per_fraction_Gy", d),
                      h5::number_column("fractions", n), h5::number_column("total_dose_Gy", total),
                      h5::number_column("start_day", start), h5::text_column("schedule", schedule),
                      h5::text_column("fraction_days", days), h5::text_column("lesions", lesions),
                      h5::number_column("alpha_beta_Gy", ab), h5::number_column("BED_Gy", bed),
                      h5::number_column("EQD2_Gy", eqd2), h5::text_column("dose_map", maps)},
                     courses.size());
}

}  // namespace vct::io
