// SPDX-License-Identifier: MIT
// QSP-IO 2020 example 1 against its MATLAB/SimBiology reference trajectory (nivolumab 3 mg/kg
// Q2W, 400 days; data file header gives the source). Tolerances were set from the measured
// agreement and are printed with the errors; see docs/validation.md.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include "core/simulation.hpp"
#include "models/registry.hpp"

#ifndef VCT_TEST_DATA_DIR
#error "VCT_TEST_DATA_DIR must be defined"
#endif

namespace vct {
namespace {

struct ReferenceTable {
  std::vector<std::string> columns;
  std::vector<std::vector<double>> rows;
  double at(std::size_t row, const std::string& column) const {
    for (std::size_t k = 0; k < columns.size(); ++k)
      if (columns[k] == column) return rows[row][k];
    ADD_FAILURE() << "no column " << column;
    return NAN;
  }
};

ReferenceTable read_reference(const std::string& path) {
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  ReferenceTable table;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream ss(line);
    std::string cell;
    if (table.columns.empty()) {
      while (std::getline(ss, cell, ',')) table.columns.push_back(cell);
      continue;
    }
    std::vector<double> row;
    while (std::getline(ss, cell, ',')) row.push_back(std::stod(cell));
    table.rows.push_back(row);
  }
  return table;
}

PatientRun run_example1(const std::string& method) {
  const ModelDefinition& m = models::get_model("qspio2020_example1");
  auto p = m.default_parameters();
  const std::vector<DoseRegimen> regimen = {{"nivolumab", 0.0, 3.0, 0.0, 14.0, 31}};
  apply_drug_parameters(m, regimen, p);
  TreatmentPlan plan;
  plan.horizon_day = 400.0;
  plan.doses = expand_schedule(m, regimen, 70.0, 400.0, p);
  SolverOptions options;
  options.method = method;
  options.rtol = 1e-8;
  options.atol = 1e-12;
  InitialisationOptions init;
  init.mode = InitialisationMode::kPublishedState;
  return simulate_patient(m, p, init, plan, options);
}

struct Column {
  const char* reference;  // column in the MATLAB file
  const char* output;     // our output name, or empty for a state
  const char* state;
  double scale;      // reference units -> ours
  double tolerance;  // max relative error asserted
};

const Column kColumns[] = {
    {"cancer_cells", "cancer_cells", "", 1.0, 1e-3},       {"dead_cells", "", "V_T.C_x", 1.0, 5e-4},
    {"cd8_tumor_cells", "", "V_T.T1", 1.0, 5e-4},          {"treg_tumor_cells", "", "V_T.T0", 1.0, 5e-4},
    {"tumour_volume_l", "tumour_volume_L", "", 1.0, 5e-4}, {"tumour_diameter_cm", "tumour_diameter_cm", "", 1.0, 2e-4},
    {"pd1_occupancy", "H_PD1_C1", "", 1.0, 1e-3},          {"drug_plasma_molar", "aPD1_plasma_nM", "", 1e9, 5e-4},
    {"drug_tumor_molar", "aPD1_tumour_nM", "", 1e9, 1e-3},
};

TEST(Example1Regression, ReproducesMatlabTrajectory) {
  const ModelDefinition& m = models::get_model("qspio2020_example1");
  const ReferenceTable ref =
      read_reference(std::string(VCT_TEST_DATA_DIR) + "/example1_nivolumab_3mgkg_q2w_matlab.csv");
  ASSERT_GE(ref.rows.size(), 20u);
  const PatientRun run = run_example1("cvode_bdf");
  ASSERT_EQ(run.status, PatientStatus::kOk) << run.message;
  const std::size_t no = m.outputs().size(), ns = static_cast<std::size_t>(m.n_states());

  std::printf("%-20s %s\n", "quantity", "relative error at each reference day (max asserted)");
  for (const Column& c : kColumns) {
    double worst = 0.0;
    std::printf("%-20s", c.reference);
    for (std::size_t r = 0; r < ref.rows.size(); ++r) {
      const double day = ref.at(r, "day");
      const std::size_t k = static_cast<std::size_t>(std::lround(day));
      const double expected = ref.at(r, c.reference) * c.scale;
      const double got = *c.output ? run.trajectory.outputs[k * no + static_cast<std::size_t>(m.output_index(c.output))]
                                   : run.trajectory.states[k * ns + static_cast<std::size_t>(m.state_index(c.state))];
      // The collapse of the last cancer cells is timing-sensitive (C1 falls ~20-fold a day
      // near day 176); compare cancer cells only while above 1e8, and the eradication time below.
      if (std::string(c.reference) == "cancer_cells" && expected < 1e8) {
        std::printf("      -  ");
        continue;
      }
      if (expected == 0.0) continue;
      const double err = std::abs(got - expected) / std::abs(expected);
      worst = std::max(worst, err);
      std::printf(" %8.1e", err);
      EXPECT_LE(err, c.tolerance) << c.reference << " at day " << day << ": got " << got << ", MATLAB " << expected;
    }
    std::printf("  (max %.1e <= %.0e)\n", worst, c.tolerance);
  }
}

TEST(Example1Regression, TumourEradicationEventBetweenDays176And177) {
  // MATLAB: C1 = 59.8 cells on day 176 and 0 on day 177 (event C1 < 0.9 -> 0).
  const PatientRun run = run_example1("cvode_bdf");
  ASSERT_EQ(run.status, PatientStatus::kOk);
  int events = 0;
  for (const auto& e : run.events)
    if (e.kind == "tumour_eradication") {
      ++events;
      EXPECT_GT(e.time_day, 176.0);
      EXPECT_LT(e.time_day, 177.0);
    }
  EXPECT_EQ(events, 1);
}

TEST(Example1Regression, OdeintRosenbrockAgreesWithCvode) {
  const ModelDefinition& m = models::get_model("qspio2020_example1");
  const PatientRun a = run_example1("cvode_bdf");
  const PatientRun b = run_example1("odeint_rosenbrock4");
  ASSERT_EQ(b.status, PatientStatus::kOk) << b.message;
  const std::size_t no = m.outputs().size();
  const std::size_t d = static_cast<std::size_t>(m.output_index("tumour_diameter_cm"));
  for (std::size_t k = 0; k < a.trajectory.time_day.size(); k += 20)
    EXPECT_NEAR(b.trajectory.outputs[k * no + d], a.trajectory.outputs[k * no + d],
                1e-5 * a.trajectory.outputs[k * no + d])
        << "day " << k;
}

}  // namespace
}  // namespace vct
