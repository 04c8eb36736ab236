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
#include "app/twin_check.hpp"
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

/// The formatted problems of loading `path` (empty when it loads).
std::vector<std::string> load_problems(const fs::path& path) {
  std::vector<std::string> out;
  try {
    io::load_scenario_file(path.string());
  } catch (const io::ScenarioError& e) {
    for (const auto& p : e.problems()) out.push_back(p.format());
  }
  return out;
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
  EXPECT_EQ(load_problems(dir / "patient.yaml"),
            (std::vector<std::string>{csv + ":4:2: diameter_mm: expected a number, found 'x'",
                                      csv + ":5:1: diameter_mm: expected a diameter > 0 and <= 500 mm, found -3",
                                      csv + ":6:1: row: expected 2 cells, found 3"}));
  std::ofstream(dir / "scans.csv") << "day,diameter_mm\n0,35\n42,31\n";
  const io::LoadedScenario ok = io::load_scenario_file((dir / "patient.yaml").string());
  ASSERT_EQ(ok.scenario.observations.scans.size(), 2u);
  EXPECT_EQ(ok.scenario.observations.scans[1].line, 3);
  EXPECT_DOUBLE_EQ(ok.scenario.observations.scans[1].diameter_mm, 31.0);
  fs::remove_all(dir);
}

std::string predict_text(const std::string& extra_arm_dose) {
  return R"(schema_version: 1
model: qspio_nsclc
population: {size: 1, preset: wang2023}
arms:
  - name: continue
    treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 300}]
  - name: same
    treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 300}]
  - name: stop
    treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: )" +
         extra_arm_dose + R"(}]
observations:
  error: {additive_mm: 2, proportional: 0.1}
  scans:
    - {day: 0, diameter_mm: 35}
    - {day: 42, diameter_mm: 31}
    - {day: 84, diameter_mm: 28}
fit:
  parameters: [k_C1_growth_per_day, k_C_T1_per_day]
  arm: continue
  evaluations: 40
predict: {samples: 12, seed: 5}
simulation: {horizon_day: 150}
recist: {first_scan_day: 42, scan_interval_day: 42}
)";
}

TEST(TwinPredict, PairedArmsThreadCountsAndBaselineBand) {
  const io::LoadedScenario loaded = io::load_scenario_text(predict_text("70"), "p.yaml");
  const ModelDefinition& model = models::get_model("qspio_nsclc");
  const PatientFit fit = fit_patient(model, loaded.scenario);
  const PatientPrediction one = predict_patient(model, loaded.scenario, fit, 1);
  const PatientPrediction two = predict_patient(model, loaded.scenario, fit, 2);
  ASSERT_EQ(one.arms.size(), 3u);
  EXPECT_EQ(one.z.rows(), 12);
  for (std::size_t a = 0; a < 3; ++a) {  // any thread count, the same numbers
    EXPECT_EQ(one.arms[a].median_mm, two.arms[a].median_mm);
    EXPECT_EQ(one.arms[a].scan_upper_mm, two.arms[a].scan_upper_mm);
    EXPECT_EQ(one.arms[a].p_progression, two.arms[a].p_progression);
  }
  const ArmPrediction& cont = one.arms[0];
  const ArmPrediction& same = one.arms[1];
  const ArmPrediction& stop = one.arms[2];
  // The same treatment under another name: the same draws and noise, so identical bands.
  EXPECT_EQ(cont.median_mm, same.median_mm);
  EXPECT_EQ(cont.scan_lower_mm, same.scan_lower_mm);
  // Series 0 is the lesion, series 1 the sum (= the lesion here); 151 days. At t = 0 every draw
  // starts from the 35 mm baseline scan, so the model band is 35 mm wide 0.
  const std::size_t nt = cont.days.size();
  ASSERT_EQ(nt, 151u);
  ASSERT_EQ(cont.median_mm.size(), 2 * nt);
  EXPECT_NEAR(cont.median_mm[0], 35.0, 1e-9);
  EXPECT_NEAR(cont.lower_mm[0], 35.0, 1e-9);
  EXPECT_NEAR(cont.upper_mm[0], 35.0, 1e-9);
  EXPECT_LT(cont.scan_lower_mm[0], 35.0);  // a scan adds sd sqrt(2^2 + 3.5^2) = 4.0 mm
  EXPECT_GT(cont.scan_upper_mm[0], 35.0);
  for (std::size_t j = 0; j < cont.median_mm.size(); ++j) {
    EXPECT_LE(cont.lower_mm[j], cont.median_mm[j]);
    EXPECT_LE(cont.median_mm[j], cont.upper_mm[j]);
    EXPECT_DOUBLE_EQ(cont.median_mm[j], cont.median_mm[j % nt + nt]);  // one lesion: the sum is the lesion
  }
  // Until the first dose that differs (day 84 in stop vs continue) the arms agree (to the
  // solver's tolerance: its steps after day 70 aim at different next events); after it the
  // stopped patient's tumour is not smaller.
  EXPECT_NEAR(cont.median_mm[84], stop.median_mm[84], 1e-6 * cont.median_mm[84]);
  EXPECT_GE(stop.median_mm[150], cont.median_mm[150]);
  double total = 0.0;
  for (double p : cont.best_response) total += p;
  EXPECT_NEAR(total, 1.0, 1e-12);
}

TEST(TwinPredict, AnArmThatRewritesTheTreatmentSoFarIsRefused) {
  // `stop` ends at day 28: it lacks the day-42 and day-56 doses given before the last scan (84);
  // 3 mg/kg x 80 kg (the default weight) = 240 mg.
  try {
    io::load_scenario_text(predict_text("28"), "p.yaml");
    FAIL() << "loaded";
  } catch (const io::ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("it lacks nivolumab 240 mg on day 42"), std::string::npos) << e.what();
  }
}

TEST(TwinPredict, ThePredictionFileHoldsTheArmTableDrawsAndBands) {
  const io::LoadedScenario loaded = io::load_scenario_text(predict_text("70"), "p.yaml");
  const ModelDefinition& model = models::get_model("qspio_nsclc");
  const PatientFit fit = fit_patient(model, loaded.scenario);
  const PatientPrediction p = predict_patient(model, loaded.scenario, fit, 2);
  const std::string path = (fs::temp_directory_path() / "vct_twin_predict.h5").string();
  io::write_prediction_file(path, model, loaded.scenario, make_run_info("test", "p.yaml", loaded), fit, p);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(test::h5_rows(f, "predict/z"), 12u);                 // draws x 2 fitted parameters
  EXPECT_EQ(test::h5_rows(f, "predict/arm_2/median_mm"), 151u);  // days 0-150 x (lesion, sum)
  EXPECT_EQ(test::h5_rows(f, "predict/arm_2/scan_upper_mm"), 151u);
  EXPECT_EQ(test::h5_rows(f, "predict/arms"), 3u);
  EXPECT_EQ(test::h5_rows(f, "fit/scans"), 3u);
  const int complete = test::h5_is_complete(f);
  H5Fclose(f);
  EXPECT_EQ(complete, 1);
  fs::remove(path);
}

TEST(TwinCheck, SyntheticPatientsAreFittedAndTheirLaterScansPredicted) {
  // Two synthetic patients, growth rate and killing drawn from the prior, scanned at 0, 42 and
  // 84 days with the file's error (2 mm, 10 %); fitted on 0-42, day 84 held out. Small budgets:
  // this checks the machinery (the recovery itself is measured in docs/twin.md).
  const std::string text = R"(schema_version: 1
model: qspio_nsclc
population: {size: 1, preset: wang2023}
arms:
  - name: nivolumab
    treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 84}]
observations:
  error: {additive_mm: 2, proportional: 0.1}
  scans: [{day: 0, diameter_mm: 35}, {day: 42, diameter_mm: 1}, {day: 84, diameter_mm: 1}]
fit: {parameters: [k_C1_growth_per_day, k_C_T1_per_day], evaluations: 30}
simulation: {horizon_day: 84}
recist: {first_scan_day: 42, scan_interval_day: 42}
)";
  const io::LoadedScenario loaded = io::load_scenario_text(text, "p.yaml");
  const ModelDefinition& model = models::get_model("qspio_nsclc");
  TwinCheckSettings settings;
  settings.patients = 2;
  settings.samples = 10;
  settings.seed = 9;
  settings.threads = 1;
  const TwinCheck one = check_twin(model, loaded.scenario, settings);
  settings.threads = 2;
  const TwinCheck two = check_twin(model, loaded.scenario, settings);
  EXPECT_EQ(one.cutoff_day, 42.0);  // all but the last scan day
  ASSERT_EQ(one.patients.size(), 2u);
  EXPECT_EQ(one.held_out, 2);  // one held-out scan each
  for (std::size_t j = 0; j < 2; ++j) {
    const SyntheticPatient& p = one.patients[j];
    EXPECT_EQ(p.true_z, two.patients[j].true_z);  // the patient's own stream: any thread count
    EXPECT_EQ(p.estimate_z, two.patients[j].estimate_z);
    EXPECT_NE(p.true_z, one.patients[1 - j].true_z);  // and different patients
    EXPECT_EQ(p.true_mm[0], 35.0);                    // every truth starts from the baseline scan
    EXPECT_NE(p.scans[1].diameter_mm, 1.0);           // the template's later diameters are replaced
    EXPECT_TRUE(std::isnan(p.lower_mm[1]));           // day 42 is fitted, not predicted
    EXPECT_LT(p.lower_mm[2], p.upper_mm[2]);          // day 84 is predicted
    EXPECT_GT(p.draws_used, 0);
  }
  EXPECT_EQ(one.scan_coverage, two.scan_coverage);
  EXPECT_GE(one.scan_coverage, 0.0);
  EXPECT_LE(one.scan_coverage, 1.0);
  // --vary-all: the truth also draws every other parameter that has a population law, so the same
  // synthetic patient (seed 9, patient 0) follows another true course; what is fitted is unchanged
  settings.patients = 1;
  settings.samples = 2;
  settings.threads = 1;
  settings.vary_all = true;
  const TwinCheck varied = check_twin(model, loaded.scenario, settings);
  EXPECT_EQ(varied.parameters, one.parameters);
  ASSERT_EQ(varied.patients.size(), 1u);
  EXPECT_EQ(varied.patients[0].true_mm[0], 35.0);  // still grown to the baseline scan
  EXPECT_NE(varied.patients[0].true_mm[2], one.patients[0].true_mm[2]);
  settings.vary_all = false;
  // Too few scan days to hold one out is an input error.
  settings.fit_scans = 3;
  EXPECT_THROW(check_twin(model, loaded.scenario, settings), Error);
}

TEST(TwinFit, ScansFileCarriesLymphocyteCountsInTheirOwnColumn) {
  const fs::path dir = fs::temp_directory_path() / "vct_twin_counts";
  fs::create_directories(dir);
  std::ofstream(dir / "scans.csv") << "day,lesion,diameter_mm,lymphocytes_per_uL\n0,primary,35,1500\n10,,,800\n"
                                      "42,primary,31,\n84,primary,28,x\n90,,,\n";
  std::ofstream(dir / "patient.yaml") << R"(schema_version: 1
model: qspio_nsclc_rt
population: {size: 1, preset: wang2023}
arms: [{name: nivolumab, treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 126}]}]
observations: {scans_file: scans.csv}
fit: {parameters: [k_C1_growth_per_day]}
simulation: {horizon_day: 126}
)";
  const std::string csv = (dir / "scans.csv").string();
  EXPECT_EQ(
      load_problems(dir / "patient.yaml"),
      (std::vector<std::string>{csv + ":5:4: lymphocytes_per_uL: expected a number, found 'x'",
                                csv + ":6:1: row: expected a diameter_mm or a lymphocytes_per_uL, found neither"}));
  // A row holds a scan, a count or both; the lesion cell of a count-only row may stay empty.
  std::ofstream(dir / "scans.csv") << "day,lesion,diameter_mm,lymphocytes_per_uL\n0,primary,35,1500\n10,,,800\n"
                                      "42,primary,31,\n";
  const io::LoadedScenario ok = io::load_scenario_file((dir / "patient.yaml").string());
  ASSERT_EQ(ok.scenario.observations.scans.size(), 2u);
  ASSERT_EQ(ok.scenario.observations.lymphocytes.size(), 2u);
  EXPECT_DOUBLE_EQ(ok.scenario.observations.lymphocytes[1].per_uL, 800.0);
  EXPECT_EQ(ok.scenario.observations.lymphocytes[1].line, 3);
  fs::remove_all(dir);
}

TEST(TwinFit, LymphocyteCountsIdentifyTheLymphocyteRadiosensitivity) {
  // Liver SBRT 45 Gy / 5 fx (default EDIC 0.09 x 45 = 4.05 Gy) kills blood lymphocytes with
  // alpha_L_per_Gy (prior: log-normal, median 0.21 /Gy, sigma 0.4). Counts simulated at z = 0.8
  // (0.21 x e^(0.4 x 0.8) = 0.29 /Gy) with a small error are fitted back; the diameters alone
  // cannot see it (its sd ratio stays near the prior's 1).
  const std::string text = R"(schema_version: 1
model: qspio_nsclc_rt
population:
  size: 1
  preset: wang2023
  parameters: {alpha_L_per_Gy: {distribution: lognormal, median: 0.21, sigma: 0.4, lower: 0.01, upper: 2}}
arms:
  - name: sbrt
    treatment: []
    radiotherapy: [{name: SBRT, dose_per_fraction_Gy: 9, fractions: 5, schedule: daily, start_day: 0, site: liver}]
observations:
  error: {additive_mm: 0.5, proportional: 0.02, lymphocyte_log_sd: 0.03}
  scans: [{day: 0, diameter_mm: 30}, {day: 42, diameter_mm: 30}]
  lymphocytes: [{day: 0, count_per_uL: 1400}, {day: 10, count_per_uL: 1}, {day: 30, count_per_uL: 1},
                {day: 42, count_per_uL: 1}]
fit: {parameters: [k_C1_growth_per_day, alpha_L_per_Gy], evaluations: 80}
simulation: {horizon_day: 42}
recist: {first_scan_day: 42, scan_interval_day: 42}
)";
  const io::LoadedScenario loaded = io::load_scenario_text(text, "p.yaml");
  const ModelDefinition& model = models::get_model(loaded.scenario.model);
  Scenario s = loaded.scenario;
  PatientModel truth(model, s);
  const PatientModel::Predicted observed = truth.predict_all({0.0, 0.8});
  ASSERT_EQ(observed.per_uL.size(), 4u);
  EXPECT_DOUBLE_EQ(observed.per_uL[0], 1400.0);  // relative to the day-0 count
  EXPECT_LT(observed.per_uL[1], 0.9 * 1400.0);   // depleted after the course
  for (std::size_t k = 0; k < s.observations.scans.size(); ++k) s.observations.scans[k].diameter_mm = observed.mm[k];
  for (std::size_t k = 0; k < 4; ++k) s.observations.lymphocytes[k].per_uL = observed.per_uL[k];
  const PatientFit fit = fit_patient(model, s);
  ASSERT_EQ(fit.lymphocytes.size(), 4u);
  EXPECT_NEAR(fit.parameters[1].z, 0.8, 0.2);
  EXPECT_LT(fit.parameters[1].sd_z, 0.5);
  for (const auto& r : fit.lymphocytes) EXPECT_LT(std::abs(r.standardised), 1.5);
  Scenario diameters_only = s;
  diameters_only.observations.lymphocytes.clear();
  const PatientFit blind = fit_patient(model, diameters_only);
  EXPECT_GT(blind.parameters[1].sd_z, 0.7);
}

}  // namespace
}  // namespace vct
