// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <vector>

#include "core/coupling.hpp"
#include "core/dosing.hpp"
#include "core/model.hpp"
#include "core/radiotherapy.hpp"
#include "core/solver/integrator.hpp"

namespace vct {

/// Per-patient outcome codes, stored as integers in the output with a label table.
enum class PatientStatus : int { kOk = 0, kNotAPatient = 1, kSolverFailure = 2 };
const char* to_string(PatientStatus status);

/// How the state at treatment start (t = 0) is obtained.
enum class InitialisationMode {
  kGrowToDiameter,  ///< §7.1: grow from the model-build state without drug to the target diameter.
  kPublishedState,  ///< The model's shipped post-initialisation state (example 1).
  kModelDefault,    ///< The model-build state itself (for tests and toy runs).
};

const char* to_string(InitialisationMode mode);

struct InitialisationOptions {
  InitialisationMode mode = InitialisationMode::kGrowToDiameter;
  double max_growth_day = 8000.0;  ///< QSP-IO gives up after 8000 days.
};

struct InitialisationResult {
  bool reached = false;
  double growth_time_day = 0.0;  ///< Time from one cancer cell to the target diameter.
  std::vector<double> state;
  SolverStats stats;
};

/// Grows the tumour without drug until its diameter first reaches diameter_cm (root-found
/// exactly, rather than QSP-IO's first daily output past it). Eradication events stay active.
/// The reached state is completed by the model (ModelDefinition::complete_initial_state).
InitialisationResult grow_to_diameter(const ModelDefinition& model, const std::vector<double>& params,
                                      double diameter_cm, double max_day, const SolverOptions& options);

struct TreatmentPlan {
  std::vector<Bolus> doses;
  std::vector<RadiationFraction> fractions;  ///< RT fractions, applied as model jumps
  double horizon_day = 400.0;
  double output_interval_day = 1.0;
};

/// One patient's plan: the regimens' boluses (central volume from `params`, mg/kg doses at
/// weight_kg) and the courses' fractions up to horizon_day, with the output grid. Throws
/// Error(kInput) for an unknown drug.
TreatmentPlan make_treatment_plan(const ModelDefinition& model, const std::vector<DoseRegimen>& regimens,
                                  const std::vector<RadiotherapyCourse>& courses, double weight_kg, double horizon_day,
                                  double output_interval_day, const std::vector<double>& params);

/// A discrete change applied during the run (dose or model event), for the output log.
struct AppliedEvent {
  double time_day;
  std::string kind;  ///< "dose", "radiotherapy" or the model event name.
  std::string detail;
};

struct Trajectory {
  int n_states = 0;
  int n_outputs = 0;
  std::vector<double> time_day;
  std::vector<double> states;   ///< Row-major [time][state].
  std::vector<double> outputs;  ///< Row-major [time][output].
};

struct PatientRun {
  PatientStatus status = PatientStatus::kOk;
  std::string message;
  InitialisationResult initialisation;
  Trajectory trajectory;  ///< Treatment phase, t = 0 at treatment start.
  std::vector<AppliedEvent> events;
  SolverStats stats;  ///< Treatment phase only.
  double wall_seconds_initialisation = 0.0;
  double wall_seconds_treatment = 0.0;
  /// With a coupling: its records (SliceCoupling::tables(), also after a failure), and the layouts
  /// of those tables when the caller knows them (run_single_patient; empty otherwise).
  std::vector<std::vector<double>> coupling_rows;
  std::vector<CouplingTableLayout> coupling_tables;
};

/// Output times 0, dt, 2dt, ... up to and including horizon_day.
std::vector<double> output_grid(double horizon_day, double interval_day);

/// Integrates the treatment phase piecewise between doses and model events, restarting the
/// solver after every jump. Output rows at dose times hold the post-dose state, as SimBiology
/// reports them. A solver failure returns status kSolverFailure with the rows computed so far.
/// With a coupling, the solver also stops at every slice boundary (core/coupling.hpp).
PatientRun simulate_treatment(const ModelDefinition& model, const std::vector<double>& params,
                              const std::vector<double>& y0, const TreatmentPlan& plan, const SolverOptions& options,
                              SliceCoupling* coupling = nullptr);

/// Initialisation followed by treatment; never throws for numerical trouble, which is reported
/// in the returned status instead.
PatientRun simulate_patient(const ModelDefinition& model, const std::vector<double>& params,
                            const InitialisationOptions& init, const TreatmentPlan& plan, const SolverOptions& options,
                            SliceCoupling* coupling = nullptr);

}  // namespace vct
