// SPDX-License-Identifier: MIT
// Virtual trials: identical results for any thread count and batch size, the HDF5 layout, a run
// stopped or killed part-way leaves a readable file, populations re-used from a file give the
// same patients, and probability-of-inclusion selection moves the cohort towards the data.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "app/run_scenario.hpp"
#include "core/random.hpp"
#include "core/trial.hpp"
#include "io/scenario/loader.hpp"
#include "io/trial_merge.hpp"
#include "io/trial_writer.hpp"
#include "models/registry.hpp"

namespace vct {
namespace {

namespace fs = std::filesystem;

/// Keeps every batch in memory.
class MemorySink : public TrialSink {
 public:
  void write_batch(const std::vector<CandidateResult>& batch) override {
    results.insert(results.end(), batch.begin(), batch.end());
  }
  void write_summary(const TrialSummary& s) override { summary = s; }
  std::vector<CandidateResult> results;
  TrialSummary summary;
};

constexpr const char* kScenario = R"(schema_version: 1
model: qspio_nsclc
population: {size: 6, seed: 17, preset: wang2023}
arms:
  - name: nivolumab
    treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 112}]
  - name: durvalumab
    treatment: [{drug: durvalumab, dose_mg_per_kg: 10, interval_day: 14, end_day: 112}]
simulation: {horizon_day: 112}
recist: {first_scan_day: 28, scan_interval_day: 28}
output: {trajectories: [tumour_diameter_cm, aPDL1_plasma_nM]}
)";

TrialSpec small_trial(int threads, int batch) {
  const io::LoadedScenario loaded = io::load_scenario_text(kScenario, "trial.yaml");
  const ModelDefinition& model = models::get_model("qspio_nsclc");
  TrialSpec spec = build_trial_spec(model, loaded.scenario, threads);
  spec.batch_size = batch;
  return spec;
}

void expect_identical(const std::vector<CandidateResult>& a, const std::vector<CandidateResult>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].candidate, b[i].candidate);
    EXPECT_EQ(a[i].status, b[i].status);
    EXPECT_EQ(a[i].baseline_diameter_cm, b[i].baseline_diameter_cm);
    EXPECT_EQ(a[i].growth_time_day, b[i].growth_time_day);
    ASSERT_EQ(a[i].arms.size(), b[i].arms.size());
    for (std::size_t k = 0; k < a[i].arms.size(); ++k) {
      EXPECT_EQ(a[i].arms[k].trajectories, b[i].arms[k].trajectories) << "candidate " << i << " arm " << k;
      EXPECT_EQ(a[i].arms[k].recist.best, b[i].arms[k].recist.best);
      EXPECT_EQ(a[i].arms[k].recist.pfs_day, b[i].arms[k].recist.pfs_day);
      EXPECT_EQ(a[i].arms[k].steps, b[i].arms[k].steps);
    }
  }
}

TEST(Trial, ResultsAreBitIdenticalForOneAndTwoThreadsAndAnyBatchSize) {
  MemorySink one, two, small_batches;
  run_trial(small_trial(1, 0), one, {});
  run_trial(small_trial(2, 0), two, {});
  run_trial(small_trial(2, 1), small_batches, {});
  ASSERT_EQ(one.results.size(), 6u);
  int patients = 0;
  for (const auto& r : one.results) patients += r.status == CandidateStatus::kPatient;
  EXPECT_GE(patients, 2);  // the comparison must cover simulated patients, not only screen-outs
  expect_identical(one.results, two.results);
  expect_identical(one.results, small_batches.results);
  EXPECT_EQ(one.summary.arms[0].counts, two.summary.arms[0].counts);
}

TEST(Trial, PatientsShareTheirBaselineAcrossArms) {
  MemorySink sink;
  const TrialSpec spec = small_trial(2, 0);
  run_trial(spec, sink, {});
  std::size_t vc_column = spec.population.parameters.size();
  for (std::size_t c = 0; c < spec.population.parameters.size(); ++c)
    if (spec.population.parameters[c] == "V_C_L") vc_column = c;
  ASSERT_LT(vc_column, spec.population.parameters.size());
  ASSERT_EQ(spec.population.drug[vc_column], "durvalumab");
  for (const auto& r : sink.results) {
    if (r.status != CandidateStatus::kPatient) continue;
    const std::size_t nt = 113;
    ASSERT_EQ(r.arms[0].trajectories.size(), 2 * nt);
    EXPECT_EQ(r.arms[0].trajectories[0], r.arms[1].trajectories[0]);  // same diameter at day 0
    EXPECT_NEAR(r.arms[0].trajectories[0], r.baseline_diameter_cm, 1e-12);
    EXPECT_EQ(r.arms[0].trajectories[nt], 0.0);  // no anti-PD-L1 in the nivolumab arm
    // Durvalumab 10 mg/kg x 80 kg into this patient's own sampled V_C (latent PK block).
    const double v_c = spec.population.at(r.candidate, vc_column);
    EXPECT_NEAR(r.arms[1].trajectories[nt], 800.0 / 1.49e8 * 1e9 / v_c, 1e-9);
  }
}

double read_int_attr(hid_t obj, const char* name) {
  long long v = -1;
  const hid_t a = H5Aopen(obj, name, H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_LLONG, &v);
  H5Aclose(a);
  return static_cast<double>(v);
}

hsize_t rows_of(hid_t file, const char* path, hsize_t* cols = nullptr) {
  const hid_t set = H5Dopen2(file, path, H5P_DEFAULT);
  EXPECT_GE(set, 0) << path;
  const hid_t space = H5Dget_space(set);
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(space, dims, nullptr);
  if (cols) *cols = dims[1];
  H5Sclose(space);
  H5Dclose(set);
  return dims[0];
}

fs::path temp_file(const char* name) { return fs::temp_directory_path() / name; }

TEST(Trial, WritesTheDocumentedLayout) {
  const io::LoadedScenario loaded = io::load_scenario_text(kScenario, "trial.yaml");
  const TrialSpec spec = small_trial(2, 4);
  const fs::path path = temp_file("vct_trial_layout.h5");
  {
    io::TrialWriter writer(path.string(), spec, loaded.scenario,
                           make_run_info("cmd", "trial.yaml", kScenario, loaded.resolved_yaml));
    run_trial(spec, writer, {});
  }
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_int_attr(f, "is_complete"), 1);
  EXPECT_EQ(read_int_attr(f, "n_candidates_written"), 6);
  EXPECT_EQ(rows_of(f, "/patients"), 6u);
  hsize_t cols = 0;
  EXPECT_EQ(rows_of(f, "/population/values", &cols), 6u);
  EXPECT_EQ(cols, 36u);  // 30 distributions + 6 latent PK parameters
  EXPECT_EQ(rows_of(f, "/arms/nivolumab/outcomes"), 6u);
  // Every outcome column is documented, in file order, in docs/output-format.md's row for
  // /arms/<arm>/outcomes (candidate_id, first, is the key every table shares): 37 columns.
  {
    std::ifstream doc(fs::path(VCT_SOURCE_DIR) / "docs/output-format.md");
    std::string row;
    for (std::string line; std::getline(doc, line);)
      if (line.rfind("| `/arms/<arm>/outcomes` |", 0) == 0) row = line;
    ASSERT_FALSE(row.empty()) << "docs/output-format.md has no /arms/<arm>/outcomes row";
    const hid_t d = H5Dopen2(f, "/arms/nivolumab/outcomes", H5P_DEFAULT);
    const hid_t type = H5Dget_type(d);
    const int n = H5Tget_nmembers(type);
    EXPECT_EQ(n, 37);
    std::size_t at = 0;
    for (int k = 0; k < n; ++k) {
      char* name = H5Tget_member_name(type, static_cast<unsigned>(k));
      const std::string column = name;
      H5free_memory(name);
      if (k == 0) {
        EXPECT_EQ(column, "candidate_id");
        continue;
      }
      const std::size_t found = row.find("`" + column + "`", at);
      EXPECT_NE(found, std::string::npos) << "outcome column '" << column << "' undocumented or out of order";
      if (found != std::string::npos) at = found;
    }
    H5Tclose(type);
    H5Dclose(d);
  }
  EXPECT_EQ(rows_of(f, "/arms/durvalumab/outputs/aPDL1_plasma_nM", &cols), 6u);
  EXPECT_EQ(cols, 113u);
  EXPECT_EQ(rows_of(f, "/arms/durvalumab/scan_response", &cols), 6u);
  EXPECT_EQ(cols, 4u);  // scans at 28, 56, 84, 112
  EXPECT_EQ(rows_of(f, "/summary/arms"), 2u);
  EXPECT_EQ(rows_of(f, "/summary/comparisons"), 1u);
  EXPECT_GT(H5Lexists(f, "/summary/pfs_kaplan_meier/durvalumab", H5P_DEFAULT), 0);
  EXPECT_GT(H5Lexists(f, "/scenario/resolved", H5P_DEFAULT), 0);
  H5Fclose(f);

  // The same patients from the file give the same outcomes.
  io::LoadedScenario again = io::load_scenario_text(kScenario, "trial.yaml");
  TrialSpec reuse = spec;
  reuse.population = io::read_population(path.string(), models::get_model("qspio_nsclc"));
  EXPECT_EQ(reuse.population.values, spec.population.values);
  EXPECT_EQ(reuse.population.seed, spec.population.seed);
  fs::remove(path);
}

TEST(Trial, StoppedRunLeavesAReadablePartialFile) {
  const io::LoadedScenario loaded = io::load_scenario_text(kScenario, "trial.yaml");
  const TrialSpec spec = small_trial(1, 2);
  const fs::path path = temp_file("vct_trial_stopped.h5");
  TrialSummary summary;
  {
    io::TrialWriter writer(path.string(), spec, loaded.scenario,
                           make_run_info("cmd", "trial.yaml", kScenario, loaded.resolved_yaml));
    summary = run_trial(spec, writer, [](const TrialProgress& p) { return p.done < 2; });
  }
  // The stop is asked for when the first batch is on disk. The second batch was simulated while
  // the first was written; it is kept (nothing computed is lost) and no third batch starts.
  EXPECT_FALSE(summary.completed);
  EXPECT_EQ(summary.n_plausible + summary.n_not_a_patient + summary.n_initialisation_failures, 4u)
      << "the summary covers the candidates in the file";
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_int_attr(f, "is_complete"), 0);
  EXPECT_EQ(read_int_attr(f, "n_candidates_written"), 4);
  EXPECT_EQ(rows_of(f, "/patients"), 4u);
  EXPECT_EQ(rows_of(f, "/arms/nivolumab/outcomes"), 4u);
  H5Fclose(f);
  fs::remove(path);
}

TEST(Trial, StopDuringScreeningRecordsAnInterruptedEmptyRun) {
  // Issue #19 F10: a stop (SIGTERM) in the screening pass used to leave run_status = running.
  const io::LoadedScenario loaded = io::load_scenario_text(kScenario, "trial.yaml");
  TrialSpec spec = small_trial(1, 2);
  spec.select_by_inclusion = true;
  spec.observed_log_ratios = models::selection_data("qspio_nsclc");
  const fs::path path = temp_file("vct_trial_stopped_in_screening.h5");
  TrialSummary summary;
  {
    io::TrialWriter writer(path.string(), spec, loaded.scenario,
                           make_run_info("cmd", "trial.yaml", kScenario, loaded.resolved_yaml));
    summary = run_trial(spec, writer, [](const TrialProgress& p) { return p.phase != "screening"; });
  }
  EXPECT_FALSE(summary.completed);
  EXPECT_EQ(summary.n_finished, 0u) << "nothing was simulated, and the summary must not claim otherwise";
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0);
  EXPECT_EQ(read_int_attr(f, "is_complete"), 0);
  EXPECT_EQ(read_int_attr(f, "n_candidates_written"), 0);
  const hid_t attr = H5Aopen(f, "run_status", H5P_DEFAULT);
  ASSERT_GE(attr, 0);
  const hid_t type = H5Aget_type(attr);
  char* status = nullptr;
  ASSERT_GE(H5Aread(attr, type, &status), 0);
  EXPECT_STREQ(status, "interrupted");
  H5free_memory(status);
  H5Tclose(type);
  H5Aclose(attr);
  H5Fclose(f);
  fs::remove(path);
}

TEST(Trial, AProcessOthersWaitForFinishesScreeningBeforeItStops) {
  // Under MPI the other ranks wait for this rank's screening results in sum_over_processes: a stop
  // requested during screening must not skip that sum (a rank that did would leave the others
  // waiting), so the pass ends, the sum runs once, and the run stops after its first simulated batch.
  struct Shared : LocalDistribution {
    int sums = 0;
    void sum_over_processes(std::vector<double>&) override { ++sums; }
    bool may_stop_during_screening() const override { return false; }
  };
  const io::LoadedScenario loaded = io::load_scenario_text(kScenario, "trial.yaml");
  TrialSpec spec = small_trial(1, 2);  // 2 candidates per batch
  spec.select_by_inclusion = true;
  spec.observed_log_ratios = models::selection_data("qspio_nsclc");
  const fs::path path = temp_file("vct_trial_stopped_in_shared_screening.h5");
  Shared shared;
  TrialSummary summary;
  {
    io::TrialWriter writer(path.string(), spec, loaded.scenario,
                           make_run_info("cmd", "trial.yaml", kScenario, loaded.resolved_yaml));
    summary = run_trial(
        spec, writer, [](const TrialProgress& p) { return p.phase == "screening" ? false : p.simulated == 0; },
        &shared);
  }
  EXPECT_EQ(shared.sums, 1) << "the screening results were shared";
  EXPECT_FALSE(summary.completed);
  // Batches of 2: the stop answers the report of batch 1's write, made after batch 2 was simulated,
  // and batch 2 is kept too (2 + 2 = 4 candidates; the existing test stops in screening with 0).
  EXPECT_EQ(summary.n_finished, 4u);
  fs::remove(path);
}

TEST(Trial, KilledRunLeavesAReadableFileWithTheFinishedBatches) {
  const fs::path path = temp_file("vct_trial_killed.h5");
  fs::remove(path);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    // Die abruptly after the second batch is flushed: no destructors, no HDF5 close.
    const io::LoadedScenario loaded = io::load_scenario_text(kScenario, "trial.yaml");
    const TrialSpec spec = small_trial(1, 2);
    auto* writer = new io::TrialWriter(path.string(), spec, loaded.scenario, make_run_info("c", "p", kScenario, ""));
    run_trial(spec, *writer, [](const TrialProgress& p) {
      if (p.done >= 4) _exit(0);
      return true;
    });
    _exit(1);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(f, 0) << "killed run left an unreadable file";
  EXPECT_EQ(read_int_attr(f, "is_complete"), 0);
  EXPECT_EQ(read_int_attr(f, "n_candidates_written"), 4);
  EXPECT_EQ(rows_of(f, "/patients"), 4u);
  std::vector<double> diam(4 * 113);
  const hid_t set = H5Dopen2(f, "/arms/durvalumab/outputs/tumour_diameter_cm", H5P_DEFAULT);
  ASSERT_GE(set, 0);
  EXPECT_GE(H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, diam.data()), 0);
  H5Dclose(set);
  H5Fclose(f);
  fs::remove(path);
}

constexpr const char* kRtScenario = R"(schema_version: 1
model: qspio_nsclc_rt
lesions: [{name: primary}, {name: metastasis, diameter_cm: 2}]
population: {size: 4, seed: 5, preset: wang2023}
arms:
  - name: ICI_alone
    treatment: [{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 84}]
  - name: SBRT_then_ICI
    radiotherapy: [{name: SBRT, dose_per_fraction_Gy: 8, fractions: 3, schedule: alternate, lesions: [primary]}]
    treatment: [{drug: nivolumab, dose_mg_per_kg: 3, start_day: 11, interval_day: 14, end_day: 84}]
simulation: {horizon_day: 84}
recist: {first_scan_day: 28, scan_interval_day: 28}
output: {trajectories: [lesion1_diameter_cm, lesion2_diameter_cm]}
)";

TEST(Trial, RadiotherapyArmsReportInFieldAndOutOfFieldResponses) {
  const io::LoadedScenario loaded = io::load_scenario_text(kRtScenario, "rt_trial.yaml");
  ASSERT_EQ(loaded.scenario.model, "qspio_nsclc_rt@2");
  const ModelDefinition& model = models::get_model(loaded.scenario.model);
  const TrialSpec spec = build_trial_spec(model, loaded.scenario, 2);
  const fs::path path = fs::temp_directory_path() / "vct_rt_trial.h5";
  MemorySink memory;
  {
    io::TrialWriter writer(path.string(), spec, loaded.scenario,
                           make_run_info("cmd", "rt_trial.yaml", kRtScenario, loaded.resolved_yaml));
    struct Both : TrialSink {
      TrialSink& a;
      TrialSink& b;
      Both(TrialSink& x, TrialSink& y) : a(x), b(y) {}
      void write_batch(const std::vector<CandidateResult>& r) override {
        a.write_batch(r);
        b.write_batch(r);
      }
      void write_summary(const TrialSummary& s) override {
        a.write_summary(s);
        b.write_summary(s);
      }
    } both(writer, memory);
    run_trial(spec, both, {});
  }
  const TrialSummary& s = memory.summary;
  ASSERT_EQ(s.arms.size(), 2u);
  ASSERT_GT(s.n_patients, 0u);
  const int n = static_cast<int>(s.n_patients);
  // ICI alone irradiates nothing: every lesion is out of field. SBRT arm: primary in field.
  EXPECT_EQ(s.arms[0].in_field.n, 0);
  EXPECT_EQ(s.arms[0].out_of_field.n, n);
  EXPECT_EQ(s.arms[1].in_field.n, n);
  EXPECT_EQ(s.arms[1].out_of_field.n, n);
  for (const auto& c : memory.results) {
    if (c.status != CandidateStatus::kPatient) continue;
    const ArmResult& ici = c.arms[0];
    const ArmResult& rt = c.arms[1];
    ASSERT_TRUE(rt.in_field && rt.out_of_field && !ici.in_field && ici.out_of_field);
    // Without RT the out-of-field site is every lesion: the same read-out as the overall one.
    EXPECT_EQ(ici.recist_out_of_field.best, ici.recist.best);
    EXPECT_EQ(ici.recist_out_of_field.best_change_pct, ici.recist.best_change_pct);
    // 3 x 8 Gy shrinks the irradiated primary more than ICI alone does.
    EXPECT_LT(rt.recist_in_field.best_change_pct, ici.recist.best_change_pct);
  }
  // The per-site outcomes survive the round trip through the result file.
  const auto back = io::read_trial_results(path.string(), spec);
  ASSERT_EQ(back.size(), memory.results.size());
  const TrialSummary again = summarise_results(spec, back);
  for (std::size_t a = 0; a < 2; ++a) {
    EXPECT_EQ(again.arms[a].in_field.n, s.arms[a].in_field.n);
    EXPECT_EQ(again.arms[a].in_field.counts, s.arms[a].in_field.counts);
    EXPECT_EQ(again.arms[a].out_of_field.counts, s.arms[a].out_of_field.counts);
  }
  fs::remove(path);
}

/// Gives every outcome field of `r` (patient `i`, arm `a`) its own value: numbers 1000 (i + 1) +
/// 100 a + k for field k, flags and categories that vary over patients and arms.
void fill_outcome_fields(ArmResult& r, std::size_t i, std::size_t a) {
  const double v = 1000.0 * static_cast<double>(i + 1) + 100.0 * static_cast<double>(a);
  auto flag = [&](int k) { return (i + a + static_cast<std::size_t>(k)) % 2 == 0; };
  auto category = [&](int k) { return static_cast<Response>((i + a + static_cast<std::size_t>(k)) % 5); };
  r.assessed = true;
  r.recist.best = category(0);
  r.recist.best_response_day = v + 1;
  r.recist.time_to_response_day = v + 2;
  r.recist.duration_of_response_day = v + 3;
  r.recist.response_ended = flag(0);
  r.recist.pfs_day = v + 4;
  r.recist.pfs_event = flag(1);
  r.recist.pd_new_lesion = flag(0);
  r.recist.pd_non_target = flag(1);
  r.recist.pfs_death = flag(0);
  r.recist.best_change_pct = v + 5;
  r.recist.best_scan_change_pct = v + 6;
  r.recist.last_change_pct = v + 7;
  for (RecistOutcome* site : {&r.recist_in_field, &r.recist_out_of_field}) {
    const double w = site == &r.recist_in_field ? v + 10 : v + 20;
    site->best = category(site == &r.recist_in_field ? 1 : 2);
    site->best_change_pct = w + 1;
    site->best_scan_change_pct = w + 2;
  }
  r.first_scan_change_pct = v + 31;
  r.kinetics.d_per_day = v + 32;
  r.kinetics.g_per_day = v + 33;
  r.tgr_first_scan_pct_per_month = v + 34;
  r.hyperprogression = flag(1);
  r.new_lesion_day = v + 35;
  r.non_target_growth_per_day = v + 36;
  r.death_day = v + 37;
  r.os_day = v + 38;
  r.os_event = flag(0);
  r.ici_stop_day = v + 39;
  r.earliest_stop_day = v + 40;
  r.steps = static_cast<long>(v) + 41;
  r.wall_seconds = v + 42;
}

/// Gives every /patients field of patient `c` its own value: 100 (candidate + 1) + k for field k.
void fill_patient_fields(CandidateResult& c) {
  const double v = 100.0 * static_cast<double>(c.candidate + 1);
  c.selection_probability = v + 1;
  c.growth_time_day = v + 2;
  c.baseline_diameter_cm = v + 3;
  c.tgr_pre_pct_per_month = v + 4;
  c.immune_log_ratios = {v + 5, v + 6, v + 7};
  c.biomarkers = {v + 8, v + 9, v + 10, v + 11};
  c.wall_seconds_initialisation = v + 12;
}

TEST(Trial, EveryResultFieldReadsBackAsWritten) {
  // The patients and outcomes tables are written and read from one column table each
  // (io/result_columns.hpp). Each field gets its own value by hand here, is written, read back
  // and compared field by field, so a column whose reading is missing, or fills another field,
  // fails. The in-field fields only where the arm irradiates a lesion (the ICI-alone arm has
  // none: its in-field columns hold -1 / NaN).
  const io::LoadedScenario loaded = io::load_scenario_text(kRtScenario, "rt_trial.yaml");
  const TrialSpec spec = build_trial_spec(models::get_model(loaded.scenario.model), loaded.scenario, 2);
  MemorySink memory;
  run_trial(spec, memory, {});
  std::size_t patients = 0;
  for (auto& c : memory.results) {
    if (c.status != CandidateStatus::kPatient) continue;
    ++patients;
    fill_patient_fields(c);
    for (std::size_t a = 0; a < c.arms.size(); ++a) fill_outcome_fields(c.arms[a], c.candidate, a);
  }
  ASSERT_GE(patients, 2u);  // one stays a patient below (each flag takes both values over its two arms)
  // The last candidate becomes one who is not a patient, with values in memory that have no
  // meaning: the gated /patients columns hold NaN for it and read back as the defaults.
  CandidateResult& none = memory.results.back();
  none.status = CandidateStatus::kNotAPatient;
  none.arms.clear();
  fill_patient_fields(none);
  const fs::path path = fs::temp_directory_path() / "vct_outcome_fields.h5";
  {
    io::TrialWriter writer(path.string(), spec, loaded.scenario,
                           make_run_info("cmd", "rt_trial.yaml", kRtScenario, loaded.resolved_yaml));
    writer.write_batch(memory.results);
    writer.write_summary(memory.summary);
  }
  const auto back = io::read_trial_results(path.string(), spec);
  ASSERT_EQ(back.size(), memory.results.size());
  for (std::size_t i = 0; i < back.size(); ++i) {
    const CandidateResult& p = memory.results[i];
    const CandidateResult& q = back[i];
    EXPECT_EQ(q.candidate, p.candidate);
    EXPECT_EQ(q.status, p.status);
    EXPECT_EQ(q.message, p.message);
    EXPECT_EQ(q.selection_probability, p.selection_probability);
    EXPECT_EQ(q.growth_time_day, p.growth_time_day);
    EXPECT_EQ(q.wall_seconds_initialisation, p.wall_seconds_initialisation);
    if (p.status != CandidateStatus::kPatient) {
      const CandidateResult defaults;
      EXPECT_EQ(q.baseline_diameter_cm, defaults.baseline_diameter_cm);  // 0
      EXPECT_EQ(q.immune_log_ratios, defaults.immune_log_ratios);        // zeros
      EXPECT_TRUE(std::isnan(q.tgr_pre_pct_per_month) && std::isnan(q.biomarkers.tps_pct));
      EXPECT_TRUE(q.arms.empty());
      continue;
    }
    EXPECT_EQ(q.baseline_diameter_cm, p.baseline_diameter_cm);
    EXPECT_EQ(q.tgr_pre_pct_per_month, p.tgr_pre_pct_per_month);
    EXPECT_EQ(q.immune_log_ratios, p.immune_log_ratios);
    EXPECT_EQ(q.biomarkers.pdl1_per_cancer_cell, p.biomarkers.pdl1_per_cancer_cell);
    EXPECT_EQ(q.biomarkers.cd8_density_per_mm3, p.biomarkers.cd8_density_per_mm3);
    EXPECT_EQ(q.biomarkers.clone_number, p.biomarkers.clone_number);
    EXPECT_EQ(q.biomarkers.tps_pct, p.biomarkers.tps_pct);
    for (std::size_t a = 0; a < 2; ++a) {
      const ArmResult& x = memory.results[i].arms[a];
      const ArmResult& y = back[i].arms[a];
      SCOPED_TRACE("candidate " + std::to_string(i) + ", arm " + std::to_string(a));
      EXPECT_EQ(y.assessed, x.assessed);
      EXPECT_EQ(y.recist.best, x.recist.best);
      EXPECT_EQ(y.recist.best_response_day, x.recist.best_response_day);
      EXPECT_EQ(y.recist.time_to_response_day, x.recist.time_to_response_day);
      EXPECT_EQ(y.recist.duration_of_response_day, x.recist.duration_of_response_day);
      EXPECT_EQ(y.recist.response_ended, x.recist.response_ended);
      EXPECT_EQ(y.recist.pfs_day, x.recist.pfs_day);
      EXPECT_EQ(y.recist.pfs_event, x.recist.pfs_event);
      EXPECT_EQ(y.recist.pd_new_lesion, x.recist.pd_new_lesion);
      EXPECT_EQ(y.recist.pd_non_target, x.recist.pd_non_target);
      EXPECT_EQ(y.recist.pfs_death, x.recist.pfs_death);
      EXPECT_EQ(y.recist.best_change_pct, x.recist.best_change_pct);
      EXPECT_EQ(y.recist.best_scan_change_pct, x.recist.best_scan_change_pct);
      EXPECT_EQ(y.recist.last_change_pct, x.recist.last_change_pct);
      EXPECT_EQ(y.recist.per_scan, x.recist.per_scan);
      EXPECT_EQ(y.in_field, a == 1);
      EXPECT_TRUE(y.out_of_field);
      if (y.in_field) {
        EXPECT_EQ(y.recist_in_field.best, x.recist_in_field.best);
        EXPECT_EQ(y.recist_in_field.best_change_pct, x.recist_in_field.best_change_pct);
        EXPECT_EQ(y.recist_in_field.best_scan_change_pct, x.recist_in_field.best_scan_change_pct);
      }
      EXPECT_EQ(y.recist_out_of_field.best, x.recist_out_of_field.best);
      EXPECT_EQ(y.recist_out_of_field.best_change_pct, x.recist_out_of_field.best_change_pct);
      EXPECT_EQ(y.recist_out_of_field.best_scan_change_pct, x.recist_out_of_field.best_scan_change_pct);
      EXPECT_EQ(y.first_scan_change_pct, x.first_scan_change_pct);
      EXPECT_EQ(y.kinetics.d_per_day, x.kinetics.d_per_day);
      EXPECT_EQ(y.kinetics.g_per_day, x.kinetics.g_per_day);
      EXPECT_EQ(y.tgr_first_scan_pct_per_month, x.tgr_first_scan_pct_per_month);
      EXPECT_EQ(y.hyperprogression, x.hyperprogression);
      EXPECT_EQ(y.new_lesion_day, x.new_lesion_day);
      EXPECT_EQ(y.non_target_growth_per_day, x.non_target_growth_per_day);
      EXPECT_EQ(y.death_day, x.death_day);
      EXPECT_EQ(y.os_day, x.os_day);
      EXPECT_EQ(y.os_event, x.os_event);
      EXPECT_EQ(y.ici_stop_day, x.ici_stop_day);
      EXPECT_EQ(y.earliest_stop_day, x.earliest_stop_day);
      EXPECT_EQ(y.steps, x.steps);
      EXPECT_EQ(y.wall_seconds, x.wall_seconds);
      EXPECT_EQ(y.trajectories, x.trajectories);
    }
  }
  fs::remove(path);
}

/// Rewrites the compound dataset `table` of the HDF5 file `path` without its member `member`, as a
/// file of an earlier version lacks a column added since.
void drop_column(const std::string& path, const std::string& table, const std::string& member) {
  const hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
  const hid_t d = H5Dopen2(f, table.c_str(), H5P_DEFAULT);
  const hid_t file_type = H5Dget_type(d);
  const hid_t native = H5Tget_native_type(file_type, H5T_DIR_DEFAULT);
  std::vector<std::pair<std::string, hid_t>> kept;
  std::size_t size = 0;
  for (int i = 0; i < H5Tget_nmembers(native); ++i) {
    char* name = H5Tget_member_name(native, static_cast<unsigned>(i));
    if (member != name) {
      kept.emplace_back(name, H5Tget_member_type(native, static_cast<unsigned>(i)));
      size += H5Tget_size(kept.back().second);
    }
    H5free_memory(name);
  }
  const hid_t reduced = H5Tcreate(H5T_COMPOUND, size);
  std::size_t offset = 0;
  for (const auto& [name, type] : kept) {
    H5Tinsert(reduced, name.c_str(), offset, type);
    offset += H5Tget_size(type);
  }
  const hid_t old_space = H5Dget_space(d);
  const hsize_t rows = static_cast<hsize_t>(H5Sget_simple_extent_npoints(old_space));
  std::vector<char> buffer(rows * size);
  ASSERT_GE(H5Dread(d, reduced, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), 0);
  H5Dclose(d);
  H5Ldelete(f, table.c_str(), H5P_DEFAULT);
  const hid_t space = H5Screate_simple(1, &rows, nullptr);
  const hid_t copy = H5Dcreate2(f, table.c_str(), reduced, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(H5Dwrite(copy, reduced, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), 0);
  H5Dvlen_reclaim(reduced, space, H5P_DEFAULT, buffer.data());
  for (const auto& kept_member : kept) H5Tclose(kept_member.second);
  H5Dclose(copy);
  H5Sclose(space);
  H5Sclose(old_space);
  H5Tclose(reduced);
  H5Tclose(native);
  H5Tclose(file_type);
  H5Fclose(f);
}

/// kRtScenario's trial on 2 threads, written to `path`; returns its spec.
TrialSpec write_rt_trial(const fs::path& path) {
  const io::LoadedScenario loaded = io::load_scenario_text(kRtScenario, "rt_trial.yaml");
  const TrialSpec spec = build_trial_spec(models::get_model(loaded.scenario.model), loaded.scenario, 2);
  io::TrialWriter writer(path.string(), spec, loaded.scenario,
                         make_run_info("cmd", "rt_trial.yaml", kRtScenario, loaded.resolved_yaml));
  run_trial(spec, writer, {});
  return spec;
}

TEST(Trial, ReaderTakesMissingAddedColumnsAsNaNAndRefusesMissingRequiredOnes) {
  // A column marked may_be_absent (io/result_columns.cpp) reads as NaN from a file that lacks it
  // (a result file of an earlier version; resume and merge refuse parts of another version before
  // they read them, docs/cluster.md); a column every version wrote is
  // required, and a file without it is refused naming the column (HDF5 alone reads a member the
  // file lacks as whatever the buffer held: the reader gave pfs_day 0 for every patient).
  const fs::path path = fs::temp_directory_path() / "vct_earlier_version.h5";
  const TrialSpec spec = write_rt_trial(path);
  const auto before = io::read_trial_results(path.string(), spec);
  drop_column(path.string(), "/patients", "tps_pct");
  drop_column(path.string(), "/arms/ICI_alone/outcomes", "best_scan_change_pct");
  const auto back = io::read_trial_results(path.string(), spec);
  ASSERT_EQ(back.size(), before.size());
  int patients = 0;
  for (std::size_t i = 0; i < back.size(); ++i) {
    if (back[i].status != CandidateStatus::kPatient) continue;
    ++patients;
    EXPECT_FALSE(std::isnan(before[i].biomarkers.tps_pct));
    EXPECT_TRUE(std::isnan(back[i].biomarkers.tps_pct));
    EXPECT_TRUE(std::isnan(back[i].arms[0].recist.best_scan_change_pct));
    EXPECT_EQ(back[i].arms[1].recist.best_scan_change_pct, before[i].arms[1].recist.best_scan_change_pct);
    EXPECT_EQ(back[i].arms[0].recist.pfs_day, before[i].arms[0].recist.pfs_day);  // the rest as written
  }
  EXPECT_GT(patients, 0);
  drop_column(path.string(), "/arms/SBRT_then_ICI/outcomes", "pfs_day");
  try {
    io::read_trial_results(path.string(), spec);
    ADD_FAILURE() << "a file without pfs_day must be refused";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/arms/SBRT_then_ICI/outcomes has no column 'pfs_day'"), std::string::npos)
        << e.what();  // HDF5 alone read it as zeros
  }
  fs::remove(path);
}

TEST(Trial, PopulationFileWithoutADrugColumnLoadsAndOtherwiseMalformedIsRefused) {
  // population.file re-uses /population of an earlier result. Its parameters table's drug column
  // (drug-specific PK) may be absent and reads as "no drug"; name and unit are required, and the
  // values must be a candidates x parameters table. Without
  // the check, HDF5 left a null pointer in place of the missing strings and vct ended with
  // "internal error: basic_string: construction from null is not valid".
  const fs::path path = fs::temp_directory_path() / "vct_population_columns.h5";
  const TrialSpec spec = write_rt_trial(path);
  const ModelDefinition& model = *spec.model;
  const Population written = io::read_population(path.string(), model);
  drop_column(path.string(), "/population/parameters", "drug");
  const Population without_drug = io::read_population(path.string(), model);
  EXPECT_EQ(without_drug.parameters, written.parameters);
  EXPECT_EQ(without_drug.units, written.units);
  EXPECT_EQ(without_drug.values, written.values);
  EXPECT_EQ(without_drug.drug, std::vector<std::string>(written.parameters.size(), ""));
  // /population/values must have one column per parameter: a table of 10 columns for 39
  // parameters used to run, reading past the values; a 1-D one failed later as "cannot append rows".
  const std::size_t k = written.parameters.size();
  for (const std::vector<hsize_t>& dims : {std::vector<hsize_t>{written.n, 10}, std::vector<hsize_t>{written.n}}) {
    const hid_t f = H5Fopen(path.string().c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    H5Ldelete(f, "/population/values", H5P_DEFAULT);
    const hid_t space = H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr);
    const hid_t d =
        H5Dcreate2(f, "/population/values", H5T_NATIVE_DOUBLE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    H5Dclose(d);
    H5Sclose(space);
    H5Fclose(f);
    const std::string found = dims.size() == 2 ? std::to_string(written.n) + " x 10" : "1 dimension(s)";
    try {
      io::read_population(path.string(), model);
      ADD_FAILURE() << "a population table of " << found << " must be refused";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput);
      EXPECT_NE(
          std::string(e.what()).find("/population/values: expected a table of candidates x " + std::to_string(k) +
                                     " parameters (one column per row of " + "/population/parameters), found " + found),
          std::string::npos)
          << e.what();
    }
  }
  drop_column(path.string(), "/population/parameters", "unit");
  try {
    io::read_population(path.string(), model);
    ADD_FAILURE() << "a population without units must be refused";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(std::string(e.what()).find("/population/parameters has no column 'unit'"), std::string::npos) << e.what();
  }
  fs::remove(path);
}

TEST(Selection, ProbabilityOfInclusionMovesTheCohortTowardsTheData) {
  // Observed: standard normal cloud. Plausible: twice as wide. The selected cohort must fit the
  // observed data better than the plausible set does, in every dimension.
  std::vector<Point3> observed, plausible;
  // kNN density ratios need many plausible points (QSP-IO screens 30 000); 2000 suffice here.
  for (int i = 0; i < 270; ++i) {
    Rng r(99, Stream::kSampling, static_cast<std::uint64_t>(i));
    observed.push_back({normal_quantile(r.uniform()), normal_quantile(r.uniform()), normal_quantile(r.uniform())});
  }
  for (int i = 0; i < 2000; ++i) {
    Rng r(7, Stream::kSampling, static_cast<std::uint64_t>(i));
    plausible.push_back(
        {2.0 * normal_quantile(r.uniform()), 2.0 * normal_quantile(r.uniform()), 2.0 * normal_quantile(r.uniform())});
  }
  const SelectionResult s = select_by_probability_of_inclusion(plausible, observed, 5);
  int kept = 0;
  for (bool b : s.selected) kept += b;
  EXPECT_GT(kept, 100);
  EXPECT_LT(kept, 1000);
  double ks_all = 0.0, ks_selected = 0.0;
  for (int k = 0; k < 3; ++k) {
    std::vector<double> all, obs;
    for (const auto& p : plausible) all.push_back(p[static_cast<std::size_t>(k)]);
    for (const auto& p : observed) obs.push_back(p[static_cast<std::size_t>(k)]);
    ks_all += ks_two_sample(all, obs)[0];
    ks_selected += s.ks_statistic[static_cast<std::size_t>(k)];
    EXPECT_GT(s.ks_p_value[static_cast<std::size_t>(k)], 0.01) << "dimension " << k;
  }
  EXPECT_LT(ks_selected, 0.8 * ks_all);  // measured: 0.38 vs 0.55
  // Deterministic for a seed.
  EXPECT_EQ(select_by_probability_of_inclusion(plausible, observed, 5).selected, s.selected);
}

/// Six untreated qspio_nsclc candidates scanned every 28 days up to `horizon_day`, plus `extra` YAML.
TrialSpec untreated_trial(int horizon_day, const std::string& extra) {
  const std::string text =
      "schema_version: 1\nmodel: qspio_nsclc\npopulation: {size: 6, seed: 17, preset: wang2023}\n"
      "arms: [{name: untreated, treatment: []}]\nsimulation: {horizon_day: " +
      std::to_string(horizon_day) + "}\nrecist: {first_scan_day: 28, scan_interval_day: 28}\n" + extra;
  const io::LoadedScenario loaded = io::load_scenario_text(text, "untreated.yaml");
  return build_trial_spec(models::get_model("qspio_nsclc"), loaded.scenario, 2);
}

TEST(Trial, UntreatedGrowthRateAtBaselineMatchesTheUntreatedArmsFirstScan) {
  // Without drug the tumour keeps growing as before baseline, so the tumour growth rate from
  // baseline to the first scan (28 days) is close to the flow's rate at t = 0 (logistic growth
  // slows a little over 28 days), and nobody hyperprogresses (on-treatment rate not above it).
  MemorySink sink;
  run_trial(untreated_trial(56, ""), sink, {});
  int patients = 0;
  for (const auto& c : sink.results) {
    if (c.status != CandidateStatus::kPatient) continue;
    ++patients;
    ASSERT_TRUE(std::isfinite(c.tgr_pre_pct_per_month));
    EXPECT_GT(c.tgr_pre_pct_per_month, 0.0);
    EXPECT_NEAR(c.arms[0].tgr_first_scan_pct_per_month, c.tgr_pre_pct_per_month, 0.1 * c.tgr_pre_pct_per_month);
    EXPECT_LE(c.arms[0].tgr_first_scan_pct_per_month, c.tgr_pre_pct_per_month * (1.0 + 1e-6));
    EXPECT_FALSE(c.arms[0].hyperprogression);
  }
  ASSERT_GT(patients, 0);
}

TEST(Trial, BaselineBiomarkersAreTheModelsReadOutsAtTreatmentStart) {
  // Untreated, so the stored series at t = 0 is the baseline state: PD-L1 per cancer cell is the
  // output itself, CD8 density = CD8 cells / (volume in L x 1e6 mm^3/L), the clone number is the
  // candidate's n_T1_clones (varied by the preset).
  const ModelDefinition& model = models::get_model("qspio_nsclc");
  const TrialSpec spec =
      untreated_trial(28, "output: {trajectories: [PDL1_per_cancer_cell, cd8_tumour_cells, tumour_volume_L]}\n");
  MemorySink sink;
  run_trial(spec, sink, {});
  const std::size_t n_times = 29;  // days 0..28
  const int clones = model.parameter_index("n_T1_clones");
  int patients = 0;
  std::set<double> distinct;
  for (const auto& c : sink.results) {
    if (c.status != CandidateStatus::kPatient) {
      EXPECT_TRUE(std::isnan(c.biomarkers.pdl1_per_cancer_cell));
      continue;
    }
    ++patients;
    const std::vector<double>& series = c.arms[0].trajectories;  // [output][time]
    ASSERT_EQ(series.size(), 3 * n_times);
    const double pdl1 = series[0], cd8 = series[n_times], volume_L = series[2 * n_times];
    EXPECT_DOUBLE_EQ(c.biomarkers.pdl1_per_cancer_cell, pdl1);
    EXPECT_DOUBLE_EQ(c.biomarkers.cd8_density_per_mm3, cd8 / (1e6 * volume_L));
    EXPECT_EQ(c.biomarkers.clone_number, candidate_parameters(spec, c.candidate, {})[static_cast<std::size_t>(clones)]);
    EXPECT_GT(c.biomarkers.pdl1_per_cancer_cell, 0.0);
    // TPS is the mapping of core/biomarkers.hpp applied with the model's default parameters.
    EXPECT_DOUBLE_EQ(c.biomarkers.tps_pct, tps_pct(pdl1, TpsMapping{}));
    distinct.insert(c.biomarkers.pdl1_per_cancer_cell);
  }
  ASSERT_GT(patients, 1);
  EXPECT_GT(distinct.size(), 1u);  // the biomarker differs between virtual patients
}

TEST(Trial, TpsEnrolmentKeepsExactlyThePatientsInTheRangeAndSubgroupsCountThem) {
  // population.tps_min_pct: 20: every enrolled patient has TPS >= 20 %, every plausible candidate
  // left out has TPS < 20 %; the default subgroup analysis (TPS < 1 / 1-49 / >= 50) classifies
  // every enrolled patient, none below 1 %.
  const std::string text =
      "schema_version: 1\nmodel: qspio_nsclc\npopulation: {size: 24, seed: 5, preset: wang2023, tps_min_pct: 20}\n"
      "arms: [{name: untreated, treatment: []}]\nsimulation: {horizon_day: 28}\n"
      "recist: {first_scan_day: 28, scan_interval_day: 28}\n";
  const io::LoadedScenario loaded = io::load_scenario_text(text, "tps.yaml");
  const TrialSpec spec = build_trial_spec(models::get_model("qspio_nsclc"), loaded.scenario, 2);
  MemorySink sink;
  const TrialSummary summary = run_trial(spec, sink, {});
  int enrolled = 0, left_out = 0;
  for (const auto& c : sink.results) {
    if (c.status == CandidateStatus::kPatient) {
      ++enrolled;
      EXPECT_GE(c.biomarkers.tps_pct, 20.0);
      EXPECT_EQ(c.arms.size(), 1u);
    } else if (c.status == CandidateStatus::kNotSelected) {
      ++left_out;
      EXPECT_LT(c.biomarkers.tps_pct, 20.0);
      EXPECT_TRUE(c.arms.empty());
    }
  }
  EXPECT_GT(enrolled, 0);
  EXPECT_GT(left_out, 0);
  EXPECT_EQ(summary.n_patients, static_cast<std::size_t>(enrolled));
  ASSERT_EQ(summary.subgroups.size(), 1u);
  const SubgroupAnalysis& g = summary.subgroups[0];
  EXPECT_EQ(g.level_patients[0], 0);
  EXPECT_EQ(g.level_patients[0] + g.level_patients[1] + g.level_patients[2] + g.not_classified, enrolled);
}

TEST(Trial, FirstLineMultipliesOnlyTheNaiveCd8SupplyByItsFactor) {
  // population.line_of_therapy: first_line with the factor fixed at 2.5: thymic output 3.5e7 x 2.5
  // = 8.75e7 cell/day, maximal homeostatic proliferation 3.2e8 x 2.5 = 8e8 cell/day; every other
  // parameter (the sampled ones included) as in the pretreated population of the same seed.
  const std::string pretreated =
      "schema_version: 1\nmodel: qspio_nsclc\npopulation: {size: 4, seed: 5, preset: wang2023, parameters: "
      "{first_line_naive_CD8_supply_factor: {distribution: fixed, value: 2.5}}}\n"
      "arms: [{name: untreated, treatment: []}]\nsimulation: {horizon_day: 28}\n"
      "recist: {first_scan_day: 28, scan_interval_day: 28}\n";
  std::string first_line = pretreated;
  first_line.replace(first_line.find("preset: wang2023"), 16, "preset: wang2023, line_of_therapy: first_line");
  const ModelDefinition& model = models::get_model("qspio_nsclc");
  const TrialSpec a = build_trial_spec(model, io::load_scenario_text(pretreated, "a.yaml").scenario, 1);
  const TrialSpec b = build_trial_spec(model, io::load_scenario_text(first_line, "b.yaml").scenario, 1);
  EXPECT_FALSE(a.first_line);
  ASSERT_TRUE(b.first_line);
  const auto thym = static_cast<std::size_t>(model.parameter_index("Q_nT1_thym_cell_per_day"));
  const auto pro = static_cast<std::size_t>(model.parameter_index("k_nT1_pro_cell_per_day"));
  for (std::size_t row = 0; row < 4; ++row) {
    const std::vector<double> p2 = candidate_parameters(a, row, {});
    const std::vector<double> p1 = candidate_parameters(b, row, {});
    EXPECT_DOUBLE_EQ(p2[thym], 3.5e7);
    EXPECT_DOUBLE_EQ(p1[thym], 8.75e7);
    EXPECT_DOUBLE_EQ(p1[pro], 8e8);
    for (std::size_t k = 0; k < p1.size(); ++k)
      if (k != thym && k != pro) {
        EXPECT_EQ(p1[k], p2[k]) << model.parameters()[k].name;
      }
  }
}

TEST(Trial, AStoppedArmMatchesTheContinuousArmUntilTheStopDayAndHasNoDoseAfter) {
  // Same patients, pembrolizumab every 21 days, with and without stopping after one responding
  // scan. A stopped patient's plasma antibody is bit-identical to the continuous arm's before the
  // stop day and below it from that day on; every other patient is identical.
  const std::string text = R"(schema_version: 1
model: qspio_nsclc
population: {size: 24, seed: 11, preset: wang2023}
arms:
  - {name: continuous, treatment: [{drug: pembrolizumab, dose_mg: 200, interval_day: 21, end_day: 250}]}
  - name: stop
    treatment: [{drug: pembrolizumab, dose_mg: 200, interval_day: 21, end_day: 250}]
    stop_ici: {responding_scans: 1}
simulation: {horizon_day: 252}
recist: {first_scan_day: 63, scan_interval_day: 63}
output: {trajectories: [aPD1_plasma_nM]}
)";
  const io::LoadedScenario loaded = io::load_scenario_text(text, "stop.yaml");
  const TrialSpec spec = build_trial_spec(models::get_model("qspio_nsclc"), loaded.scenario, 2);
  MemorySink sink;
  const TrialSummary summary = run_trial(spec, sink, {});
  int stopped = 0, kept = 0;
  for (const auto& c : sink.results) {
    if (c.status != CandidateStatus::kPatient) continue;
    const ArmResult& on = c.arms[0];
    const ArmResult& off = c.arms[1];
    EXPECT_TRUE(std::isnan(on.ici_stop_day));
    if (std::isnan(off.ici_stop_day)) {
      ++kept;
      EXPECT_EQ(off.trajectories, on.trajectories);
      continue;
    }
    ++stopped;
    const auto stop = static_cast<std::size_t>(off.ici_stop_day);  // a scan day: 63, 126 or 189
    EXPECT_EQ(off.ici_stop_day, 63.0 * std::round(off.ici_stop_day / 63.0));
    for (std::size_t t = 0; t < stop; ++t) EXPECT_EQ(off.trajectories[t], on.trajectories[t]) << "day " << t;
    // The dose of the stop day (63, 126, 189 are dose days; the output there follows the bolus)
    // is withheld: lower from then on.
    for (std::size_t t = stop; t < on.trajectories.size(); ++t)
      EXPECT_LT(off.trajectories[t], on.trajectories[t]) << "day " << t;
  }
  EXPECT_GT(stopped, 0);
  EXPECT_GT(kept, 0);
  EXPECT_EQ(summary.arms[1].ici_stopped, stopped);
  EXPECT_EQ(summary.arms[0].ici_stopped, 0);
}

TEST(Trial, EarliestStopIsTheFirstScanFromResponseWhoseStopKeepsTheOutcome) {
  // The continuous arm analyses the earliest stop; six arms stopping on each scan day (63, 126,
  // ..., 378; the last dose is on day 420) check it: for a patient whose response the continuous
  // arm keeps, stopping on the reported day keeps it (no PFS event by day 441) and stopping on any
  // earlier scan from the first response on does not; +inf would mean no such scan keeps it. Not
  // analysed (NaN): the patients whose outcome is not kept. (On this population some patients
  // respond at 63 or 126 days but can stop only later, so both branches are exercised.)
  const std::string dose = "[{drug: pembrolizumab, dose_mg: 200, interval_day: 21, end_day: 440}]";
  std::string text =
      "schema_version: 1\nmodel: qspio_nsclc\npopulation: {size: 40, seed: 11, preset: wang2023}\n"
      "arms:\n  - {name: continuous, treatment: " +
      dose + ", stop_ici: {earliest_stop: true}}\n";
  std::vector<double> scan;
  for (int k = 1; k <= 6; ++k) {
    scan.push_back(63.0 * k);
    text += "  - {name: s" + std::to_string(63 * k) + ", treatment: " + dose +
            ", stop_ici: {after_day: " + std::to_string(63 * k) + "}}\n";
  }
  text += "simulation: {horizon_day: 441}\nrecist: {first_scan_day: 63, scan_interval_day: 63}\n";
  const io::LoadedScenario loaded = io::load_scenario_text(text, "earliest.yaml");
  const TrialSpec spec = build_trial_spec(models::get_model("qspio_nsclc"), loaded.scenario, 2);
  MemorySink sink;
  const TrialSummary summary = run_trial(spec, sink, {});
  int analysed = 0, found = 0, later_than_response = 0;
  for (const auto& c : sink.results) {
    if (c.status != CandidateStatus::kPatient) continue;
    const ArmResult& on = c.arms[0];
    const bool kept =
        on.assessed && (on.recist.best == Response::kCR || on.recist.best == Response::kPR) && !on.recist.pfs_event;
    if (!kept) {
      EXPECT_TRUE(std::isnan(on.earliest_stop_day));
      continue;
    }
    ++analysed;
    const double d = on.earliest_stop_day;
    ASSERT_FALSE(std::isnan(d));
    found += std::isfinite(d);
    later_than_response += d > on.recist.time_to_response_day;
    for (std::size_t k = 0; k < scan.size(); ++k) {
      if (scan[k] < on.recist.time_to_response_day) continue;
      const bool event = c.arms[k + 1].recist.pfs_event;
      if (scan[k] < d) {
        EXPECT_TRUE(event) << "candidate " << c.candidate << " stopping on " << scan[k];
      } else if (scan[k] == d) {
        EXPECT_FALSE(event) << "candidate " << c.candidate << " stopping on " << scan[k];
      }
    }
  }
  EXPECT_GT(found, 0);
  EXPECT_GT(later_than_response, 0);
  EXPECT_EQ(summary.arms[0].earliest_stop_analysed, analysed);
  EXPECT_EQ(summary.arms[0].earliest_stop_found, found);
}

TEST(Trial, StoppingRulesAndLineOfTherapySurviveTheResolvedScenarioAndTheResultFile) {
  // The resolved scenario (written to every result file) loads back with the same stopping rule
  // and line of therapy; the per-patient stop days and earliest stops read back from the result
  // file (resume and MPI merge read them so) give the same arm summary.
  const std::string text = R"(schema_version: 1
model: qspio_nsclc
population: {size: 24, seed: 11, preset: wang2023, line_of_therapy: first_line}
arms:
  - {name: continuous, treatment: [{drug: pembrolizumab, dose_mg: 200, interval_day: 21, end_day: 250}]}
  - name: stop
    treatment: [{drug: pembrolizumab, dose_mg: 200, interval_day: 21, end_day: 250}]
    stop_ici: {responding_scans: 1, after_day: 200, earliest_stop: true}
simulation: {horizon_day: 252}
recist: {first_scan_day: 63, scan_interval_day: 63}
)";
  const io::LoadedScenario loaded = io::load_scenario_text(text, "stop_io.yaml");
  const io::LoadedScenario again = io::load_scenario_text(loaded.resolved_yaml, "resolved.yaml");
  EXPECT_TRUE(again.scenario.population.first_line);
  const StopRule& rule = again.scenario.arms[1].stop_ici;
  EXPECT_EQ(rule.responding_scans, 1);
  EXPECT_EQ(rule.after_day, 200.0);
  EXPECT_TRUE(rule.earliest_stop);
  EXPECT_FALSE(rule.confirmed_complete_response);
  EXPECT_FALSE(again.scenario.arms[0].stop_ici.any() || again.scenario.arms[0].stop_ici.earliest_stop);

  const TrialSpec spec = build_trial_spec(models::get_model("qspio_nsclc"), loaded.scenario, 2);
  const fs::path path = fs::temp_directory_path() / "vct_stopping_trial.h5";
  MemorySink memory;
  {
    io::TrialWriter writer(path.string(), spec, loaded.scenario,
                           make_run_info("cmd", "stop_io.yaml", "", loaded.resolved_yaml));
    run_trial(spec, writer, {});
  }
  run_trial(spec, memory, {});
  const auto back = io::read_trial_results(path.string(), spec);
  auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };
  int stopped = 0;
  for (std::size_t i = 0; i < back.size(); ++i)
    for (std::size_t a = 0; a < back[i].arms.size(); ++a) {
      EXPECT_TRUE(same(back[i].arms[a].ici_stop_day, memory.results[i].arms[a].ici_stop_day)) << i;
      EXPECT_TRUE(same(back[i].arms[a].earliest_stop_day, memory.results[i].arms[a].earliest_stop_day)) << i;
      stopped += !std::isnan(back[i].arms[a].ici_stop_day);
    }
  EXPECT_GT(stopped, 0);
  const ArmSummary& x = memory.summary.arms[1];
  const TrialSummary read_back = summarise_results(spec, back);
  const ArmSummary& y = read_back.arms[1];
  EXPECT_EQ(y.ici_stopped, x.ici_stopped);
  EXPECT_EQ(y.progressed_after_stop, x.progressed_after_stop);
  EXPECT_TRUE(same(y.median_ici_stop_day, x.median_ici_stop_day));
  EXPECT_EQ(y.earliest_stop_analysed, x.earliest_stop_analysed);
  EXPECT_EQ(y.earliest_stop_found, x.earliest_stop_found);
  fs::remove(path);
}

// --- Progression modules (core/progression.hpp) ---------------------------------------------------

/// The two-lesion RT trial with the progression modules: new lesions at a high rate so that events
/// happen within 84 days, and survival with the link's tumour terms switched off (`link` false) so
/// that log T = 4.5 + 0.5 z exactly.
TrialSpec progression_trial(bool new_lesions, bool survival, bool link, int threads, double rate = 0.003) {
  std::string text = kRtScenario;
  text += "patient:\n  parameters: {new_lesion_rate_per_day: " + std::to_string(rate) +
          ", os_intercept_log_day: 4.5, os_sigma_log: 0.5";
  if (!link) text += ", os_emax_growth: 0, os_sld_slope_per_mm: 0, os_ttg_slope_per_week: 0";
  text += "}\nprogression: {new_lesions: " + std::string(new_lesions ? "true" : "false") +
          ", overall_survival: " + (survival ? "true" : "false") + ", follow_up_day: 200}\n";
  const io::LoadedScenario loaded = io::load_scenario_text(text, "progression_trial.yaml");
  return build_trial_spec(models::get_model(loaded.scenario.model), loaded.scenario, threads);
}

TEST(Progression, NewLesionsAndDeathsOnlyBringProgressionForwardAndLeaveTheOdesAlone) {
  MemorySink off, on;
  run_trial(progression_trial(false, false, true, 2), off, {});
  run_trial(progression_trial(true, true, true, 2), on, {});
  ASSERT_EQ(off.results.size(), on.results.size());
  int events = 0;
  for (std::size_t i = 0; i < on.results.size(); ++i) {
    if (on.results[i].status != CandidateStatus::kPatient) continue;
    for (std::size_t a = 0; a < 2; ++a) {
      const ArmResult& x = off.results[i].arms[a];
      const ArmResult& y = on.results[i].arms[a];
      EXPECT_EQ(x.trajectories, y.trajectories);  // read-outs only: the simulation is the same
      EXPECT_EQ(x.steps, y.steps);
      EXPECT_LE(y.recist.pfs_day, x.recist.pfs_day);
      EXPECT_GE(static_cast<int>(y.recist.best), static_cast<int>(x.recist.best));  // NE after PD after SD ...
      EXPECT_GE(static_cast<int>(y.recist_out_of_field.best), static_cast<int>(x.recist_out_of_field.best));
      events += y.new_lesion_day <= 84.0 || y.death_day <= 84.0;
      EXPECT_TRUE(std::isnan(x.death_day) && std::isnan(x.new_lesion_day) && std::isnan(x.os_day));
    }
  }
  EXPECT_GT(events, 0);  // the test exercises the events
}

TEST(Progression, NewLesionsAreOutOfFieldDiseaseOnly) {
  MemorySink off, on;
  run_trial(progression_trial(false, false, true, 2), off, {});
  run_trial(progression_trial(true, false, true, 2, 0.03), on, {});  // about 0.03 x 4^(2/3) x 84 = 6 expected
  int out_of_field_pd = 0;
  for (std::size_t i = 0; i < on.results.size(); ++i) {
    if (on.results[i].status != CandidateStatus::kPatient) continue;
    const ArmResult& x = off.results[i].arms[1];  // SBRT to the primary
    const ArmResult& y = on.results[i].arms[1];
    EXPECT_EQ(y.recist_in_field.best, x.recist_in_field.best);
    EXPECT_EQ(y.recist_in_field.pfs_day, x.recist_in_field.pfs_day);
    if (y.new_lesion_day <= 84.0) {
      EXPECT_EQ(y.recist_out_of_field.per_scan.back(), Response::kPD);
      ++out_of_field_pd;
    }
  }
  EXPECT_GT(out_of_field_pd, 0);
}

/// The RT trial with non-target disease only, 12 candidates, SD of its extra growth `sd` per day.
TrialSpec non_target_trial(double sd, int threads) {
  std::string text = kRtScenario;
  text.replace(text.find("size: 4"), 7, "size: 12");
  text += "patient:\n  parameters: {non_target_growth_sd_per_day: " + std::to_string(sd) +
          "}\nprogression: {non_target: true}\n";
  const io::LoadedScenario loaded = io::load_scenario_text(text, "non_target_trial.yaml");
  return build_trial_spec(models::get_model(loaded.scenario.model), loaded.scenario, threads);
}

TEST(Progression, NonTargetDiseaseIsUnirradiatedAndOnlyBringsProgressionForward) {
  // delta = 0.05 z per day: z = 0.2 multiplies the non-target ratio by e^(0.01 x 28) = 1.32 by the
  // first scan, past the 1.2 of unequivocal progression when the targets hold still.
  std::string off_text = kRtScenario;
  off_text.replace(off_text.find("size: 4"), 7, "size: 12");
  const io::LoadedScenario off_scenario = io::load_scenario_text(off_text, "off.yaml");
  MemorySink off, on, one_thread;
  run_trial(build_trial_spec(models::get_model(off_scenario.scenario.model), off_scenario.scenario, 2), off, {});
  run_trial(non_target_trial(0.05, 2), on, {});
  run_trial(non_target_trial(0.05, 1), one_thread, {});
  int non_target_pd = 0;
  for (std::size_t i = 0; i < on.results.size(); ++i) {
    const CandidateResult& c = on.results[i];
    if (c.status != CandidateStatus::kPatient) continue;
    const double delta = 0.05 * progression_draws(5, c.candidate).non_target_z;
    for (std::size_t a = 0; a < 2; ++a) {
      const ArmResult& x = off.results[i].arms[a];
      const ArmResult& y = c.arms[a];
      EXPECT_EQ(x.trajectories, y.trajectories);
      EXPECT_EQ(y.non_target_growth_per_day, delta);  // one draw per patient, the same in both arms
      EXPECT_EQ(y.recist.per_scan, one_thread.results[i].arms[a].recist.per_scan);
      EXPECT_LE(y.recist.pfs_day, x.recist.pfs_day);
      EXPECT_LE(y.recist_out_of_field.pfs_day, x.recist_out_of_field.pfs_day);
      non_target_pd += y.recist.pd_non_target;
    }
    EXPECT_EQ(c.arms[1].recist_in_field.per_scan, off.results[i].arms[1].recist_in_field.per_scan);  // in field: none
    EXPECT_FALSE(c.arms[1].recist_in_field.pd_non_target);
  }
  EXPECT_GT(non_target_pd, 0);
  EXPECT_EQ(on.summary.arms[0].pd_non_target + on.summary.arms[1].pd_non_target, non_target_pd);
}

TEST(Progression, OccultLesionsFollowTheUnirradiatedDisease) {
  // occult_growth: the no-RT arm follows both lesions, the SBRT arm only the non-irradiated one
  // (lesion 2); recomputed from the trajectories with the patient's draws (a = 5 e^(1 x rate_z)),
  // the whole baseline burden V0 scaling the count in both arms.
  std::string text = kRtScenario;
  text.replace(text.find("size: 4"), 7, "size: 12");
  text +=
      "patient:\n  parameters: {new_lesion_occult_per_burden: 5}\n"
      "progression: {new_lesions: true, new_lesion_law: occult_growth}\n";
  const io::LoadedScenario loaded = io::load_scenario_text(text, "occult.yaml");
  EXPECT_NE(loaded.resolved_yaml.find("new_lesion_law: occult_growth"), std::string::npos);
  MemorySink sink;
  run_trial(build_trial_spec(models::get_model(loaded.scenario.model), loaded.scenario, 2), sink, {});
  int patients = 0, lesions = 0;
  for (const auto& c : sink.results) {
    if (c.status != CandidateStatus::kPatient) continue;
    ++patients;
    const ProgressionDraws draws = progression_draws(5, c.candidate);
    for (std::size_t a = 0; a < 2; ++a) {
      const ArmResult& r = c.arms[a];
      const std::size_t nt = r.trajectories.size() / 2;  // [lesion1 | lesion2] diameters, cm
      std::vector<double> day, followed;
      for (std::size_t t = 0; t < nt; ++t) {
        const double v1 = std::pow(r.trajectories[t], 3) * M_PI / 6.0,
                     v2 = std::pow(r.trajectories[nt + t], 3) * M_PI / 6.0;
        day.push_back(static_cast<double>(t));
        followed.push_back(a == 0 ? v1 + v2 : v2);
      }
      const double v0 = (std::pow(r.trajectories[0], 3) + std::pow(r.trajectories[nt], 3)) * M_PI / 6.0;
      const double expected =
          first_occult_lesion_day(day, followed, v0, 5.0 * std::exp(draws.rate_z), 2.0 / 3.0, draws.threshold);
      if (std::isinf(expected))
        EXPECT_EQ(r.new_lesion_day, expected) << c.candidate;
      else
        EXPECT_NEAR(r.new_lesion_day, expected, 1e-6) << c.candidate << " arm " << a;
      lesions += std::isfinite(r.new_lesion_day);
    }
  }
  EXPECT_GT(patients, 0);
  EXPECT_GT(lesions, 0);
}

TEST(Progression, SurvivalDrawsArePairedAcrossArmsAndThreads) {
  // With the tumour terms off, T = exp(4.5 + 0.5 z) with z from (seed 5, candidate): the same in
  // both arms and for any thread count; OS is censored at the 200-day follow-up.
  MemorySink one, two;
  run_trial(progression_trial(false, true, false, 1), one, {});
  run_trial(progression_trial(false, true, false, 2), two, {});
  int patients = 0;
  for (std::size_t i = 0; i < one.results.size(); ++i) {
    const CandidateResult& c = one.results[i];
    if (c.status != CandidateStatus::kPatient) continue;
    ++patients;
    const double expected = std::exp(4.5 + 0.5 * progression_draws(5, c.candidate).survival_z);
    for (std::size_t a = 0; a < 2; ++a) {
      EXPECT_NEAR(c.arms[a].death_day, expected, 1e-12 * expected);
      EXPECT_EQ(c.arms[a].death_day, two.results[i].arms[a].death_day);
      EXPECT_EQ(c.arms[a].os_day, std::min(expected, 200.0));
      EXPECT_EQ(c.arms[a].os_event, expected <= 200.0);
    }
  }
  ASSERT_GT(patients, 0);
  ASSERT_TRUE(one.summary.arms[0].has_os);
  EXPECT_TRUE(one.summary.comparisons[0].has_os);
  EXPECT_NEAR(one.summary.comparisons[0].os_log_rank.chi_square, 0.0, 1e-12);  // identical curves
}

TEST(Progression, OutcomesSurviveTheResultFile) {
  const io::LoadedScenario loaded = io::load_scenario_text(
      std::string(kRtScenario) +
          "patient:\n  parameters: {new_lesion_rate_per_day: 0.003, os_intercept_log_day: 4.5, os_sigma_log: 0.5}\n"
          "progression: {new_lesions: true, overall_survival: true, non_target: true, follow_up_day: 200}\n",
      "progression_trial.yaml");
  const TrialSpec spec = build_trial_spec(models::get_model(loaded.scenario.model), loaded.scenario, 2);
  const fs::path path = fs::temp_directory_path() / "vct_progression_trial.h5";
  MemorySink memory;
  {
    io::TrialWriter writer(path.string(), spec, loaded.scenario,
                           make_run_info("cmd", "progression_trial.yaml", "", loaded.resolved_yaml));
    run_trial(spec, writer, {});
  }
  run_trial(spec, memory, {});
  const auto back = io::read_trial_results(path.string(), spec);
  const TrialSummary again = summarise_results(spec, back);
  for (std::size_t a = 0; a < 2; ++a) {
    const ArmSummary& x = memory.summary.arms[a];
    const ArmSummary& y = again.arms[a];
    EXPECT_EQ(y.counts, x.counts);
    EXPECT_EQ(y.pd_new_lesion, x.pd_new_lesion);
    EXPECT_EQ(y.pd_non_target, x.pd_non_target);
    EXPECT_EQ(y.pfs_deaths, x.pfs_deaths);
    EXPECT_EQ(y.os.survival, x.os.survival);
    EXPECT_EQ(y.os.time, x.os.time);
    EXPECT_EQ(y.kinetics.hyperprogression, x.kinetics.hyperprogression);
    EXPECT_EQ(y.kinetics.tgr_pre_pct_per_month, x.kinetics.tgr_pre_pct_per_month);
  }
  auto same = [](double x, double y) { return (std::isnan(x) && std::isnan(y)) || x == y; };  // NaN: not a patient
  int patients = 0;
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_TRUE(same(back[i].tgr_pre_pct_per_month, memory.results[i].tgr_pre_pct_per_month)) << i;
    patients += !back[i].arms.empty();
    for (std::size_t a = 0; a < back[i].arms.size(); ++a) {
      EXPECT_TRUE(same(back[i].arms[a].death_day, memory.results[i].arms[a].death_day)) << i;
      EXPECT_TRUE(same(back[i].arms[a].new_lesion_day, memory.results[i].arms[a].new_lesion_day)) << i;
      EXPECT_TRUE(same(back[i].arms[a].non_target_growth_per_day, memory.results[i].arms[a].non_target_growth_per_day))
          << i;
      EXPECT_EQ(back[i].arms[a].recist.pd_non_target, memory.results[i].arms[a].recist.pd_non_target) << i;
      EXPECT_TRUE(
          same(back[i].arms[a].tgr_first_scan_pct_per_month, memory.results[i].arms[a].tgr_first_scan_pct_per_month))
          << i;
    }
  }
  EXPECT_GT(patients, 0);
  // The OS curve and the arm summary's OS columns are in /summary (docs/output-format.md).
  hid_t file = H5Fopen(path.string().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  EXPECT_GT(H5Lexists(file, "/summary/os_kaplan_meier", H5P_DEFAULT), 0);
  EXPECT_GT(H5Lexists(file, "/summary/os_kaplan_meier/SBRT_then_ICI", H5P_DEFAULT), 0);
  hid_t arms = H5Dopen2(file, "/summary/arms", H5P_DEFAULT);
  hid_t type = H5Dget_type(arms);
  for (const char* column : {"median_os_day", "os_12_months", "progressed", "pd_new_lesion", "pd_non_target",
                             "pfs_deaths", "hyperprogression_fraction", "tgr_pre_p50_pct_per_month"})
    EXPECT_GE(H5Tget_member_index(type, column), 0) << column;
  H5Tclose(type);
  H5Dclose(arms);
  H5Fclose(file);
  fs::remove(path);
}

}  // namespace
}  // namespace vct
