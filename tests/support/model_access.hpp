// SPDX-License-Identifier: MIT
// Test helpers shared by the model tests: a state or parameter of a model by name (failing the
// test when the name is unknown), and a patient grown to a diameter without drug.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/radiotherapy.hpp"
#include "core/simulation.hpp"

namespace vct::test_support {

/// Index of a state by its display name (e.g. "V_T.C1").
inline std::size_t idx(const ModelDefinition& m, const std::string& state) {
  const int i = m.state_index(state);
  EXPECT_GE(i, 0) << state;
  return static_cast<std::size_t>(i);
}

/// A parameter of p by its table name.
inline double& param(const ModelDefinition& m, std::vector<double>& p, const std::string& name) {
  const int k = m.parameter_index(name);
  EXPECT_GE(k, 0) << name;
  return p[static_cast<std::size_t>(k)];
}

/// Output `name` of the model at state y (time 0).
inline double output(const ModelDefinition& m, const std::vector<double>& p, const std::vector<double>& y,
                     const std::string& name) {
  std::vector<double> out(m.outputs().size());
  m.compute_outputs(0.0, y.data(), p.data(), out.data());
  const int k = m.output_index(name);
  EXPECT_GE(k, 0) << name;
  return out[static_cast<std::size_t>(k)];
}

/// The state of a patient grown from one cancer cell to diameter_cm without drug.
inline std::vector<double> grown(const ModelDefinition& m, const std::vector<double>& p, double diameter_cm = 3.0) {
  const InitialisationResult ic = grow_to_diameter(m, p, diameter_cm, 8000.0, SolverOptions{});
  EXPECT_TRUE(ic.reached);
  return ic.state;
}

/// 3 x 8 Gy to lesion 1 on alternate days from day 1 (days 1, 3, 5), uniform dose.
inline RadiotherapyCourse three_by_eight_course() {
  RadiotherapyCourse c;
  c.name = "3x8";
  c.dose_per_fraction_Gy = 8.0;
  c.fractions = 3;
  c.start_day = 1.0;
  c.schedule = FractionSchedule::kAlternate;
  c.lesions = {0};
  return c;
}

}  // namespace vct::test_support
