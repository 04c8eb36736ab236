// SPDX-License-Identifier: MIT
#include "core/simulation.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sstream>

#include "core/error.hpp"
#include "core/geometry.hpp"

namespace vct {

const char* to_string(InitialisationMode mode) {
  switch (mode) {
    case InitialisationMode::kGrowToDiameter:
      return "grow_to_diameter";
    case InitialisationMode::kPublishedState:
      return "published_state";
    case InitialisationMode::kModelDefault:
      return "model_default";
  }
  return "unknown";
}

const char* to_string(PatientStatus status) {
  switch (status) {
    case PatientStatus::kOk:
      return "ok";
    case PatientStatus::kNotAPatient:
      return "not_a_patient";
    case PatientStatus::kSolverFailure:
      return "solver_failure";
  }
  return "unknown";
}

namespace {

std::vector<RootFunction> event_roots(const ModelDefinition& model, std::vector<int>& state_of_event) {
  std::vector<RootFunction> roots;
  const std::vector<int>& states = model.resolved().event_states;
  for (std::size_t e = 0; e < states.size(); ++e) {
    const int i = states[e];
    state_of_event.push_back(i);
    const double threshold = model.events()[e].threshold;
    roots.push_back({[i, threshold](const double* y) { return y[i] - threshold; }, -1});
  }
  return roots;
}

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

std::vector<double> output_grid(double horizon_day, double interval_day) {
  if (!(interval_day > 0.0)) throw Error(ErrorKind::kInput, "output interval must be positive");
  std::vector<double> t;
  const long n = static_cast<long>(std::floor(horizon_day / interval_day + 1e-9));
  for (long k = 0; k <= n; ++k) t.push_back(static_cast<double>(k) * interval_day);
  if (horizon_day - t.back() > 1e-9) t.push_back(horizon_day);
  return t;
}

InitialisationResult grow_to_diameter(const ModelDefinition& model, const std::vector<double>& params,
                                      double diameter_cm, double max_day, const SolverOptions& options) {
  InitialisationResult result;
  std::vector<double> y(static_cast<std::size_t>(model.n_states()));
  model.initial_state(params.data(), y.data());
  const double target_L = sphere_volume_L(diameter_cm);

  std::vector<int> event_state;
  std::vector<RootFunction> roots = event_roots(model, event_state);
  const int growth_root = static_cast<int>(roots.size());
  const double* p = params.data();
  roots.push_back({[&model, p, target_L](const double* yy) { return model.tumour_volume_L(yy, p) - target_L; }, +1});

  auto integrator = make_integrator(model, params.data(), options, std::move(roots));
  integrator->reset(0.0, y);
  while (true) {
    const AdvanceResult r = integrator->advance(max_day);
    if (r.root == growth_root) {
      result.reached = true;
      result.growth_time_day = r.t;
      result.state = integrator->state();
      model.complete_initial_state(params.data(), result.state.data());
      break;
    }
    if (r.root >= 0) {
      const auto& ev = model.events()[static_cast<std::size_t>(r.root)];
      y = integrator->state();
      y[static_cast<std::size_t>(event_state[static_cast<std::size_t>(r.root)])] = ev.reset_value;
      integrator->reset(r.t, y);
      continue;
    }
    result.growth_time_day = r.t;
    result.state = integrator->state();
    break;
  }
  result.stats = integrator->stats();
  return result;
}

TreatmentPlan make_treatment_plan(const ModelDefinition& model, const std::vector<DoseRegimen>& regimens,
                                  const std::vector<RadiotherapyCourse>& courses, double weight_kg, double horizon_day,
                                  double output_interval_day, const std::vector<double>& params) {
  TreatmentPlan plan;
  plan.horizon_day = horizon_day;
  plan.output_interval_day = output_interval_day;
  plan.doses = expand_schedule(model, regimens, weight_kg, horizon_day, params);
  plan.fractions = expand_radiotherapy(courses, horizon_day);
  return plan;
}

namespace {

/// The discontinuities of a treatment plan, in time order: the coupling's slice boundaries, then
/// the RT fractions, then the doses due at the same time. Each is a pure jump of the state, logged.
class Discontinuities {
 public:
  Discontinuities(const ModelDefinition& model, const TreatmentPlan& plan, SliceCoupling* coupling,
                  const double* params, std::vector<AppliedEvent>& log)
      : model_(model),
        doses_(plan.doses),
        fractions_(plan.fractions),
        coupling_(coupling),
        slice_(coupling ? coupling->slice_days() : 0.0),
        params_(params),
        log_(log) {}

  /// Time of the next discontinuity (+inf when none is left).
  double next_time() const {
    double t = std::numeric_limits<double>::infinity();
    if (next_dose_ < doses_.size()) t = doses_[next_dose_].time_day;
    if (next_fraction_ < fractions_.size()) t = std::min(t, fractions_[next_fraction_].time_day);
    if (coupling_) t = std::min(t, static_cast<double>(next_slice_) * slice_);
    return t;
  }

  /// Applies to `y` every discontinuity due by `t` (1e-9 day tolerance); true when any was.
  bool apply_due(double t, std::vector<double>& y) {
    bool any = false;
    while (coupling_ && static_cast<double>(next_slice_) * slice_ <= t + 1e-9)  // the slice before the doses
      any = coupling_->exchange(static_cast<double>(next_slice_++) * slice_, y.data(), params_) || any;
    while (next_fraction_ < fractions_.size() && fractions_[next_fraction_].time_day <= t + 1e-9) {
      apply_fraction(fractions_[next_fraction_++], y);
      any = true;
    }
    while (next_dose_ < doses_.size() && doses_[next_dose_].time_day <= t + 1e-9) {
      apply_dose(doses_[next_dose_++], y);
      any = true;
    }
    return any;
  }

 private:
  void apply_fraction(const RadiationFraction& f, std::vector<double>& y) {
    if (coupling_) coupling_->on_fraction(f, y.data(), params_);
    model_.apply_radiation_fraction(f, params_, y.data());
    std::ostringstream detail;
    detail << f.course << ": " << f.dose_Gy << " Gy to lesion " << f.lesion + 1;
    log_.push_back({f.time_day, "radiotherapy", detail.str()});
  }
  void apply_dose(const Bolus& b, std::vector<double>& y) {
    y[static_cast<std::size_t>(b.state_index)] += b.delta_nM;
    std::ostringstream detail;
    detail << b.drug << " " << b.amount_mg << " mg (+" << b.delta_nM << " nM)";
    log_.push_back({b.time_day, "dose", detail.str()});
  }

  const ModelDefinition& model_;
  const std::vector<Bolus>& doses_;
  const std::vector<RadiationFraction>& fractions_;
  SliceCoupling* coupling_;
  double slice_;
  const double* params_;
  std::vector<AppliedEvent>& log_;
  std::size_t next_dose_ = 0, next_fraction_ = 0;
  long next_slice_ = 1;  // the coupling's next boundary is next_slice_ x slice_
};

/// Resets the state of model event `e` (a root found at `t`) in `y`, logged.
void apply_model_event(const ModelDefinition& model, int e, int state, double t, std::vector<double>& y,
                       std::vector<AppliedEvent>& log) {
  const auto& ev = model.events()[static_cast<std::size_t>(e)];
  const std::size_t i = static_cast<std::size_t>(state);
  std::ostringstream detail;
  detail << ev.state << " " << y[i] << " -> " << ev.reset_value;
  y[i] = ev.reset_value;
  log.push_back({t, ev.name, detail.str()});
}

/// A trajectory with the model's state and output counts, its storage reserved for `n_times`.
Trajectory empty_trajectory(const ModelDefinition& model, std::size_t n_times) {
  Trajectory traj;
  traj.n_states = model.n_states();
  traj.n_outputs = static_cast<int>(model.outputs().size());
  traj.time_day.reserve(n_times);
  traj.states.reserve(n_times * static_cast<std::size_t>(traj.n_states));
  traj.outputs.reserve(n_times * static_cast<std::size_t>(traj.n_outputs));
  return traj;
}

/// Appends the state `y` and the model's outputs at `t` (`out` is scratch of n_outputs).
void record(const ModelDefinition& model, double t, const std::vector<double>& y, const double* params,
            std::vector<double>& out, Trajectory& traj) {
  traj.time_day.push_back(t);
  traj.states.insert(traj.states.end(), y.begin(), y.end());
  model.compute_outputs(t, y.data(), params, out.data());
  traj.outputs.insert(traj.outputs.end(), out.begin(), out.end());
}

}  // namespace

PatientRun simulate_treatment(const ModelDefinition& model, const std::vector<double>& params,
                              const std::vector<double>& y0, const TreatmentPlan& plan, const SolverOptions& options,
                              SliceCoupling* coupling) {
  if (coupling && !(coupling->slice_days() > 0.0))
    throw Error(ErrorKind::kInput, "a coupled sub-model needs a slice length > 0 days");
  PatientRun run;
  const std::vector<double> times = output_grid(plan.horizon_day, plan.output_interval_day);
  run.trajectory = empty_trajectory(model, times.size());
  std::vector<int> event_state;
  std::vector<RootFunction> roots = event_roots(model, event_state);
  auto integrator = make_integrator(model, params.data(), options, std::move(roots));

  const double* p = params.data();
  std::vector<double> y = y0;
  if (coupling) coupling->begin(y.data(), p);
  std::vector<double> out(static_cast<std::size_t>(run.trajectory.n_outputs));
  Discontinuities jumps(model, plan, coupling, p, run.events);
  try {
    jumps.apply_due(0.0, y);
    integrator->reset(0.0, y);
    record(model, 0.0, y, p, out, run.trajectory);
    for (std::size_t k = 1; k < times.size(); ++k) {
      const double t_out = times[k];
      while (true) {  // integrate to the next discontinuity or output time, jump, restart
        const double t_event = jumps.next_time();
        const bool hard = t_event <= t_out + 1e-9;
        const double target = hard ? std::min(t_out, t_event) : t_out;
        const AdvanceResult r = integrator->advance(target, hard);
        y = integrator->state();
        if (r.root >= 0) {
          apply_model_event(model, r.root, event_state[static_cast<std::size_t>(r.root)], r.t, y, run.events);
          integrator->reset(r.t, y);
          continue;
        }
        if (jumps.apply_due(target, y)) integrator->reset(target, y);
        if (target >= t_out) break;
      }
      record(model, t_out, y, p, out, run.trajectory);
    }
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kNumerical) throw;
    run.status = PatientStatus::kSolverFailure;
    run.message = e.what();
  }
  run.stats = integrator->stats();
  if (coupling) run.coupling_rows = coupling->tables();
  return run;
}

PatientRun simulate_patient(const ModelDefinition& model, const std::vector<double>& params,
                            const InitialisationOptions& init, const TreatmentPlan& plan, const SolverOptions& options,
                            SliceCoupling* coupling) {
  const auto start = std::chrono::steady_clock::now();
  InitialisationResult ic;
  std::vector<double> y0(static_cast<std::size_t>(model.n_states()));
  switch (init.mode) {
    case InitialisationMode::kModelDefault:
      model.initial_state(params.data(), y0.data());
      ic.reached = true;
      ic.state = y0;
      break;
    case InitialisationMode::kPublishedState:
      if (!model.published_treatment_start_state(params.data(), y0.data()))
        throw Error(ErrorKind::kInput, "model " + model.id() + " ships no published treatment-start state");
      ic.reached = true;
      ic.state = y0;
      break;
    case InitialisationMode::kGrowToDiameter: {
      const int k = model.resolved().initial_diameter_parameter;
      if (k < 0 || !model.supports_growth_initialisation())
        throw Error(ErrorKind::kInput, "model " + model.id() + " does not support grow_to_diameter");
      try {
        ic = grow_to_diameter(model, params, params[static_cast<std::size_t>(k)], init.max_growth_day, options);
      } catch (const Error& e) {
        if (e.kind() != ErrorKind::kNumerical) throw;
        PatientRun failed;
        failed.status = PatientStatus::kSolverFailure;
        failed.message = std::string("initialisation: ") + e.what();
        failed.wall_seconds_initialisation = seconds_since(start);
        return failed;
      }
      if (!ic.reached) {
        PatientRun failed;
        failed.status = PatientStatus::kNotAPatient;
        std::ostringstream msg;
        msg << "tumour did not reach " << params[static_cast<std::size_t>(k)] << " cm within " << init.max_growth_day
            << " days";
        failed.message = msg.str();
        failed.initialisation = ic;
        failed.wall_seconds_initialisation = seconds_since(start);
        return failed;
      }
      y0 = ic.state;
      break;
    }
  }
  const double t_init = seconds_since(start);
  PatientRun run = simulate_treatment(model, params, y0, plan, options, coupling);
  run.initialisation = std::move(ic);
  run.wall_seconds_initialisation = t_init;
  run.wall_seconds_treatment = seconds_since(start) - t_init;
  return run;
}

}  // namespace vct
