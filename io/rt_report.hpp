// SPDX-License-Identifier: MIT
#pragma once

#include <hdf5.h>

#include <string>
#include <utility>
#include <vector>

#include "core/model.hpp"
#include "core/radiotherapy.hpp"

namespace vct::io {

/// One course as reported: nominal BED and EQD2 with the scenario's cancer-cell alpha/beta
/// (the model default unless overridden; per-patient sampled values are in the population).
struct CourseReport {
  std::string name;
  double dose_per_fraction_Gy, total_dose_Gy, start_day, alpha_beta_Gy, bed_Gy, eqd2_Gy;
  int fractions;
  std::string schedule, lesions, days;
  std::string dose_map = "uniform";  ///< core/dose_map.hpp describe()
};

/// The nominal alpha/beta for reports: the model's `alpha_beta_C_Gy` (ResolvedModel), as
/// overridden by the scenario; 10 Gy for a model without one.
double nominal_alpha_beta_Gy(const ModelDefinition& model, const std::vector<ParameterOverride>& overrides);

std::vector<CourseReport> report_courses(const std::vector<RadiotherapyCourse>& courses, double alpha_beta_Gy,
                                         const std::vector<std::string>& lesion_names);

/// One line per course, e.g. "SBRT: 3 x 8 Gy = 24 Gy (alternate, from day 0) to primary; BED10 43.2 Gy, EQD2 36 Gy".
std::string describe_radiotherapy(const std::vector<CourseReport>& courses);

/// Writes the courses as a compound table `name` under `group` (nothing when there are none).
void write_course_table(hid_t group, const std::string& name, const std::vector<CourseReport>& courses);

}  // namespace vct::io
