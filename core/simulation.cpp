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

PatientRun simulate_treatment(const ModelDefinition& model, const std::vector<double>& params,
                              const std::vector<double>& y0, const TreatmentPlan& plan, const SolverOptions& options,
                              SliceCoupling* coupling) {
  const double slice = coupling ? coupling->slice_days() : 0.0;
  if (coupling && !(slice > 0.0)) throw Error(ErrorKind::kInput, "a coupled sub-model needs a slice length > 0 days");
  PatientRun run;
  Trajectory& traj = run.trajectory;
  traj.n_states = model.n_states();
  traj.n_outputs = static_cast<int>(model.outputs().size());
  const std::vector<double> times = output_grid(plan.horizon_day, plan.output_interval_day);
  traj.time_day.reserve(times.size());
  traj.states.reserve(times.size() * static_cast<std::size_t>(traj.n_states));
  traj.outputs.reserve(times.size() * static_cast<std::size_t>(traj.n_outputs));

  std::vector<int> event_state;
  std::vector<RootFunction> roots = event_roots(model, event_state);
  auto integrator = make_integrator(model, params.data(), options, std::move(roots));

  std::vector<double> y = y0;
  if (coupling) coupling->begin(y.data(), params.data());
  std::vector<double> out(static_cast<std::size_t>(traj.n_outputs));
  std::size_t next_dose = 0, next_fraction = 0;
  long next_slice = 1;  // the coupling's next boundary is next_slice x slice
  const auto& doses = plan.doses;
  const auto& fractions = plan.fractions;
  auto next_event_time = [&]() {
    double t = std::numeric_limits<double>::infinity();
    if (next_dose < doses.size()) t = doses[next_dose].time_day;
    if (next_fraction < fractions.size()) t = std::min(t, fractions[next_fraction].time_day);
    if (coupling) t = std::min(t, static_cast<double>(next_slice) * slice);
    return t;
  };

  auto apply_doses_at = [&](double t) {
    bool any = false;
    while (coupling && static_cast<double>(next_slice) * slice <= t + 1e-9)  // the slice before the doses
      any = coupling->exchange(static_cast<double>(next_slice++) * slice, y.data(), params.data()) || any;
    while (next_fraction < fractions.size() && fractions[next_fraction].time_day <= t + 1e-9) {
      const RadiationFraction& f = fractions[next_fraction++];
      if (coupling) coupling->on_fraction(f, y.data(), params.data());
      model.apply_radiation_fraction(f, params.data(), y.data());
      std::ostringstream detail;
      detail << f.course << ": " << f.dose_Gy << " Gy to lesion " << f.lesion + 1;
      run.events.push_back({f.time_day, "radiotherapy", detail.str()});
      any = true;
    }
    while (next_dose < doses.size() && doses[next_dose].time_day <= t + 1e-9) {
      const Bolus& b = doses[next_dose++];
      y[static_cast<std::size_t>(b.state_index)] += b.delta_nM;
      std::ostringstream detail;
      detail << b.drug << " " << b.amount_mg << " mg (+" << b.delta_nM << " nM)";
      run.events.push_back({b.time_day, "dose", detail.str()});
      any = true;
    }
    return any;
  };
  auto record = [&](double t) {
    traj.time_day.push_back(t);
    traj.states.insert(traj.states.end(), y.begin(), y.end());
    model.compute_outputs(t, y.data(), params.data(), out.data());
    traj.outputs.insert(traj.outputs.end(), out.begin(), out.end());
  };

  try {
    apply_doses_at(0.0);
    integrator->reset(0.0, y);
    record(0.0);
    for (std::size_t k = 1; k < times.size(); ++k) {
      const double t_out = times[k];
      while (true) {
        double target = t_out;
        const double t_event = next_event_time();
        bool hard = t_event <= t_out + 1e-9;
        if (hard) target = std::min(t_out, t_event);
        const AdvanceResult r = integrator->advance(target, hard);
        y = integrator->state();
        if (r.root >= 0) {
          const auto& ev = model.events()[static_cast<std::size_t>(r.root)];
          const std::size_t i = static_cast<std::size_t>(event_state[static_cast<std::size_t>(r.root)]);
          std::ostringstream detail;
          detail << ev.state << " " << y[i] << " -> " << ev.reset_value;
          y[i] = ev.reset_value;
          run.events.push_back({r.t, ev.name, detail.str()});
          integrator->reset(r.t, y);
          continue;
        }
        if (apply_doses_at(target)) integrator->reset(target, y);
        if (target >= t_out) break;
      }
      record(t_out);
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
