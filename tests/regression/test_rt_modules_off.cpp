// SPDX-License-Identifier: MIT
// Modules switched off reproduce the model before them, bit for bit:
// - every immune module of issue #16 off (`modules: []`): the RT model of commit f703dbb, for a
//   two-lesion patient (SBRT to one lesion, conventional RT to the other, nivolumab, blood dose
//   per fraction);
// - the anti-CTLA-4 modules of issue #17 off, the four RT modules on: the model of commit 5b488c7,
//   for a two-lesion patient with SBRT, nivolumab and ipilimumab;
// - the IL-7 recovery module off, the six default modules on: the model of commit 607745c, for the
//   same patient;
// - the priming threshold off, the seven default modules on: the model of commit 74be779, for the
//   same patient (reference written by tools/validation/bit_reference.py).
// Every state on every listed day equals the hexadecimal values the earlier model wrote, and so do
// the solver's step counts.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "app/run_scenario.hpp"
#include "io/scenario/loader.hpp"
#include "models/registry.hpp"

#ifndef VCT_TEST_DATA_DIR
#error "VCT_TEST_DATA_DIR must be defined"
#endif

namespace vct {
namespace {

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) out.push_back(cell);
  return out;
}

void expect_reference(const std::string& name, const std::string& model_id) {
  const std::string dir = VCT_TEST_DATA_DIR;
  const io::LoadedScenario loaded = io::load_scenario_file(dir + "/" + name + ".yaml");
  EXPECT_EQ(loaded.scenario.model, model_id);
  const ModelDefinition& model = models::get_model(loaded.scenario.model);
  const std::vector<double> params = resolve_parameters(model, loaded.scenario);
  const PatientRun run = run_single_patient(model, loaded.scenario, params);
  ASSERT_EQ(run.status, PatientStatus::kOk) << run.message;

  std::ifstream in(dir + "/" + name + "_reference.csv");
  ASSERT_TRUE(in.good());
  std::string line;
  std::getline(in, line);  // comment
  std::getline(in, line);
  const auto steps = split(line);
  ASSERT_EQ(steps.size(), 3u);
  EXPECT_EQ(run.stats.steps, std::stol(steps[1]));
  EXPECT_EQ(run.initialisation.stats.steps, std::stol(steps[2]));
  std::getline(in, line);
  const auto header = split(line);
  std::vector<std::size_t> days;
  for (std::size_t k = 1; k < header.size(); ++k) days.push_back(static_cast<std::size_t>(std::stoul(header[k])));
  int compared = 0;
  const std::size_t n = static_cast<std::size_t>(model.n_states());
  while (std::getline(in, line)) {
    const auto cells = split(line);
    const int i = model.state_index(cells[0]);
    ASSERT_GE(i, 0) << cells[0];
    for (std::size_t k = 0; k < days.size(); ++k) {
      const double expected = std::strtod(cells[k + 1].c_str(), nullptr);  // hexadecimal float
      const double actual = run.trajectory.states[days[k] * n + static_cast<std::size_t>(i)];
      EXPECT_EQ(actual, expected) << cells[0] << " day " << days[k];
      ++compared;
    }
  }
  EXPECT_EQ(compared, static_cast<int>(n * days.size()));  // every state of the old model, every day
}

TEST(ModulesOff, ReproducesThePreviousRtModelBitForBit) { expect_reference("rt_modules_off", "qspio_nsclc_rt@2{}"); }

TEST(Ctla4ModulesOff, ReproduceThePreviousExtendedModelBitForBit) {
  expect_reference("ctla4_modules_off",
                   "qspio_nsclc_rt@2{licensing,epitope_spreading,priming_checkpoint,lymphodepletion}");
}

TEST(Il7RecoveryOff, ReproducesTheSixModuleModelBitForBit) {
  // The scenario lists the six modules that were the default set before il7_recovery joined it.
  expect_reference("il7_recovery_off",
                   "qspio_nsclc_rt@2{licensing,epitope_spreading,priming_checkpoint,lymphodepletion,treg_adcc,"
                   "ctla4_priming}");
}

TEST(PrimingThresholdOff, ReproducesTheSevenModuleModelBitForBit) {
  // The scenario lists the seven modules that were the default set before priming_threshold joined it.
  expect_reference("priming_threshold_off",
                   "qspio_nsclc_rt@2{licensing,epitope_spreading,priming_checkpoint,lymphodepletion,treg_adcc,"
                   "ctla4_priming,il7_recovery}");
}

}  // namespace
}  // namespace vct
