// SPDX-License-Identifier: MIT
// `vct fit` on synthetic patients (app/twin.hpp, docs/twin.md): scans simulated from known
// parameters are fitted back, a parameter the scans cannot see is flagged as barely informed,
// and the scans file is read with file:line:column messages for bad rows.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include <hdf5.h>

#include "app/run_scenario.hpp"
#include "app/twin.hpp"
#include "io/scenario/loader.hpp"
#include "io/scenario/validator.hpp"
#include "io/twin_writer.hpp"
#include "models/registry.hpp"
#include "tests/support/h5_read.hpp"

namespace vct {
namespace {

namespace fs = std::filesystem;

std::string patient_text(const std::string& scans, const std::string& parameters) {
  return R"(schema_version: 1
model: qspio_nsclc
population: {size: 1, preset: wang2023}
arms:
  - name: nivolumab
    treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 126}]
observations:
  error: {additive_mm: 0.5, proportional: 0.02}
)" + scans +
         R"(
fit:
  parameters: )" +
         parameters + R"(
  evaluations: 120
simulation: {horizon_day: 126}
recist: {first_scan_day: 42, scan_interval_day: 42}
)";
}

constexpr const char* kScans = R"(  scans:
    - {day: 0, diameter_mm: 35}
    - {day: 42, diameter_mm: 35}
    - {day: 84, diameter_mm: 35}
    - {day: 126, diameter_mm: 35})";

TEST(TwinFit, RecoversTheGrowthRateOfASyntheticPatient) {
  // Truth: tumour growth at z = 0.8 (0.007 x e^0.8 = 0.0156 /day); the scans are the model's own
  // diameters at the truth (no noise), so the mode moves from the prior median towards the truth
  // and the small measurement error makes the pull of the prior small.
  const io::LoadedScenario loaded = io::load_scenario_text(patient_text(kScans, "[k_C1_growth_per_day]"), "p.yaml");
  const ModelDefinition& model = models::get_model("qspio_nsclc");
  Scenario s = loaded.scenario;
  PatientModel truth(model, s);
  const std::vector<double> observed = truth.predict({0.8});
  ASSERT_TRUE(std::isfinite(observed.back()));
  for (std::size_t k = 0; k < s.observations.scans.size(); ++k) s.observations.scans[k].diameter_mm = observed[k];
  const PatientFit fit = fit_patient(model, s);
  ASSERT_EQ(fit.parameters.size(), 1u);
  const FittedParameter& p = fit.parameters[0];
  EXPECT_NEAR(p.z, 0.8, 0.15);
  EXPECT_TRUE(p.informed);
  EXPECT_LT(p.lower, p.value);
  EXPECT_GT(p.upper, p.value);
  EXPECT_LT(p.sd_z, 0.5);
  for (const auto& r : fit.scans) EXPECT_LT(std::abs(r.standardised), 1.0);
}

TEST(TwinFit, TheFitFileHoldsTheEstimatesScansAndCovariance) {
  const io::LoadedScenario loaded = io::load_scenario_text(patient_text(kScans, "[k_C1_growth_per_day]"), "p.yaml");
  const ModelDefinition& model = models::get_model("qspio_nsclc");
  const PatientFit fit = fit_patient(model, loaded.scenario);
  const std::string path = (fs::temp_directory_path() / "vct_twin_fit.h5").string();
  io::write_fit_file(path, model, loaded.scenario, make_run_info("test", "p.yaml", loaded), fit);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);

  EXPECT_EQ(test::h5_rows(f, "fit/parameters"), 1u);
  EXPECT_EQ(test::h5_rows(f, "fit/scans"), 4u);
  EXPECT_EQ(test::h5_rows(f, "fit/covariance_z"), fit.covariance_z.rows() > 0 ? 1u : 0u);
  double estimate = 0.0;  // read the estimate column back
  const hid_t d = H5Dopen2(f, "fit/parameters", H5P_DEFAULT);
  const hid_t t = H5Tcreate(H5T_COMPOUND, sizeof(double));
  H5Tinsert(t, "estimate", 0, H5T_NATIVE_DOUBLE);
  H5Dread(d, t, H5S_ALL, H5S_ALL, H5P_DEFAULT, &estimate);
  H5Tclose(t);
  H5Dclose(d);
  EXPECT_EQ(estimate, fit.parameters[0].value);
  const int complete = test::h5_is_complete(f);
  H5Fclose(f);
  EXPECT_EQ(complete, 1);
  fs::remove(path);
}

TEST(TwinFit, FlagsAParameterTheScansCannotSee) {
  // SIRPa_50 acts on macrophage phagocytosis through CD47, which barely moves the primary's
  // diameter within 18 weeks: its posterior stays near the prior (sd ratio above 0.7).
  const io::LoadedScenario loaded =
      io::load_scenario_text(patient_text(kScans, "[k_C1_growth_per_day, SIRPa_50_per_um2]"), "p.yaml");
  const PatientFit fit = fit_patient(models::get_model("qspio_nsclc"), loaded.scenario);
  ASSERT_EQ(fit.parameters.size(), 2u);
  EXPECT_TRUE(fit.parameters[0].informed);
  EXPECT_FALSE(fit.parameters[1].informed);
  bool warned = false;
  for (const auto& w : fit.warnings) warned = warned || w.rfind("SIRPa_50_per_um2: the scans barely inform", 0) == 0;
  EXPECT_TRUE(warned);
}

TEST(TwinFit, ScansFileRowsAreCheckedAtTheirLineAndColumn) {
  const fs::path dir = fs::temp_directory_path() / "vct_twin_scans";
  fs::create_directories(dir);
  std::ofstream(dir / "scans.csv") << "# primary only\nday,diameter_mm\n0,35\n42,x\n84,-3\n126,24,9\n";
  const std::string text = patient_text("  scans_file: scans.csv", "[k_C1_growth_per_day]");
  std::ofstream(dir / "patient.yaml") << text;
  const std::string csv = (dir / "scans.csv").string();
  try {
    io::load_scenario_file((dir / "patient.yaml").string());
    ADD_FAILURE() << "bad rows accepted";
  } catch (const io::ScenarioError& e) {
    const auto& p = e.problems();
    ASSERT_EQ(p.size(), 3u);
    EXPECT_EQ(p[0].format(), csv + ":4:2: diameter_mm: expected a number, found 'x'");
    EXPECT_EQ(p[1].format(), csv + ":5:1: diameter_mm: expected a diameter > 0 and <= 500 mm, found -3");
    EXPECT_EQ(p[2].format(), csv + ":6:1: row: expected 2 cells, found 3");
  }
  std::ofstream(dir / "scans.csv") << "day,diameter_mm\n0,35\n42,31\n";
  const io::LoadedScenario ok = io::load_scenario_file((dir / "patient.yaml").string());
  ASSERT_EQ(ok.scenario.observations.scans.size(), 2u);
  EXPECT_EQ(ok.scenario.observations.scans[1].line, 3);
  EXPECT_DOUBLE_EQ(ok.scenario.observations.scans[1].diameter_mm, 31.0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace vct
