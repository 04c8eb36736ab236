// SPDX-License-Identifier: MIT
// Turning a loaded scenario into runs: one patient's parameters and plan, a trial's TrialSpec, and
// the provenance record every result file carries.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "core/simulation.hpp"
#include "core/trial.hpp"
#include "io/hdf5_writer.hpp"
#include "io/scenario/loader.hpp"
#include "io/scenario/scenario.hpp"

namespace vct::models::hybrid {
class SettledWindowCache;
}

namespace vct {

/// Patient parameters for a scenario: model defaults, then the PK of each dosed drug, then the
/// scenario's explicit overrides (so a user can override a drug's PK constant too).
std::vector<double> resolve_parameters(const ModelDefinition& model, const Scenario& scenario);

/// Runs the scenario's single patient: initial-condition procedure, then treatment.
PatientRun run_single_patient(const ModelDefinition& model, const Scenario& scenario,
                              const std::vector<double>& params);

/// The population design of a scenario's `population` block: the preset's laws (and PK blocks),
/// replaced or extended by the explicit distributions (the calibration already applied).
PopulationSpec population_spec(const ModelDefinition& model, const PopulationSettings& settings);

/// Turns a trial scenario into a TrialSpec: samples (or reads) the population, resolves preset
/// and explicit distributions, arms, RECIST settings and output selection. `threads` <= 0 means
/// the scenario's setting, or all available cores.
TrialSpec build_trial_spec(const ModelDefinition& model, const Scenario& scenario, int threads);

/// The coupling of the scenario's agent-based windows (lesions[].abm; models/abm_coupling), one per
/// candidate with its streams from (population seed, candidate); empty without windows. Spatial
/// statistics are recorded at baseline and at the RECIST scans; the middle section of each window
/// for the first kSectionCandidates candidates (they are for pictures, not statistics). With a
/// `settled` cache the runs share it: a candidate's later arms and re-simulations restore the
/// windows its first run settled instead of settling again (the same windows bit for bit;
/// docs/models/abm.md, "Settling"). build_trial_spec gives each trial one, holding 2 x threads + 2
/// candidates (a thread runs one candidate's arms one after another).
SliceCouplingFactory window_coupling(const ModelDefinition& model, const Scenario& scenario,
                                     std::shared_ptr<models::hybrid::SettledWindowCache> settled = nullptr);
inline constexpr std::size_t kSectionCandidates = 10;

/// The software version: the project version and `git describe` of the build.
std::string software_version();

/// The provenance record of a result file: this build's version, the command, the scenario's path,
/// its text and its resolved form.
io::RunInfo make_run_info(const std::string& command_line, const std::string& scenario_path,
                          const std::string& scenario_text, const std::string& resolved_yaml);
/// With a loaded scenario it also records the run's identity: the resolved scenario without
/// threads, batch size and output file, and the calibration file (path and text; empty: none).
io::RunInfo make_run_info(const std::string& command_line, const std::string& scenario_path,
                          const io::LoadedScenario& loaded, const std::string& calibration_path = "",
                          const std::string& calibration_text = "");

}  // namespace vct
