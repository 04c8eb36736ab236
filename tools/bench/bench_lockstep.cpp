// SPDX-License-Identifier: MIT
// Measures lockstep integration of several virtual patients as one CVODE system (issue #6's
// "vectorising across patients"): L patients of a trial scenario's first arm are stacked into one
// block-diagonal ODE system and integrated with the engine's integrator, against the same patients
// integrated one at a time by the same integrator and loop (daily output times, restart at every
// dose). Lockstep pays once per step for CVODE's control code but every patient takes every step
// any of them needs; the printed steps and times show which effect wins, and the largest relative
// difference of a patient's tumour volume at the horizon between the two runs shows they agree
// (exit status 1 beyond 1e-3). Eradication events are
// not modelled here (both runs omit them alike), so this is a timing experiment, not a trial.
// usage: vct_bench_lockstep SCENARIO.yaml LANES GROUPS [HORIZON_DAY]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "app/run_scenario.hpp"
#include "core/error.hpp"
#include "core/jacobian.hpp"
#include "core/solver/integrator.hpp"
#include "io/scenario/loader.hpp"
#include "models/registry.hpp"

using namespace vct;

namespace {

/// L copies of a model side by side: states and parameters of lane l follow those of lane l - 1.
class StackedModel final : public ModelDefinition {
 public:
  StackedModel(const ModelDefinition& model, int lanes) : model_(model), lanes_(lanes) {
    for (int l = 0; l < lanes; ++l) {
      const std::string suffix = "#" + std::to_string(l);
      for (auto s : model.states()) {
        s.name += suffix;
        states_.push_back(s);
      }
      for (auto p : model.parameters()) {
        p.name += suffix;
        parameters_.push_back(p);
      }
    }
  }
  std::string id() const override { return model_.id() + "_stacked"; }
  std::string title() const override { return "stacked copies of " + model_.id(); }
  const std::vector<ParameterInfo>& parameters() const override { return parameters_; }
  const std::vector<StateInfo>& states() const override { return states_; }
  const std::vector<OutputInfo>& outputs() const override { return no_outputs_; }
  const std::vector<DrugSlot>& drug_slots() const override { return model_.drug_slots(); }
  const std::vector<DrugInfo>& drugs() const override { return model_.drugs(); }
  const std::vector<ThresholdEvent>& events() const override { return no_events_; }
  void initial_state(const double* p, double* y) const override {
    for (int l = 0; l < lanes_; ++l) model_.initial_state(p + l * np(), y + l * ns());
  }
  void rhs(double t, const double* y, const double* p, double* f) const override {
    for (int l = 0; l < lanes_; ++l) model_.rhs(t, y + l * ns(), p + l * np(), f + l * ns());
  }
  void rhs(double t, const Dual* y, const double* p, Dual* f) const override {
    for (int l = 0; l < lanes_; ++l) model_.rhs(t, y + l * ns(), p + l * np(), f + l * ns());
  }
  void compute_outputs(double, const double*, const double*, double*) const override {}
  double tumour_volume_L(const double* y, const double* p) const override { return model_.tumour_volume_L(y, p); }

 private:
  int ns() const { return model_.n_states(); }
  int np() const { return static_cast<int>(model_.parameters().size()); }
  const ModelDefinition& model_;
  int lanes_;
  std::vector<StateInfo> states_;
  std::vector<ParameterInfo> parameters_;
  std::vector<OutputInfo> no_outputs_;
  std::vector<ThresholdEvent> no_events_;
};

struct Patient {
  std::vector<double> parameters, state;
  std::vector<Bolus> doses;
};

/// Integrates to the horizon with daily output times and a restart at every dose (the engine's
/// treatment loop without events); the doses of lane l go to states offset by l * n_states.
double integrate(const ModelDefinition& model, const std::vector<double>& parameters, std::vector<double> y,
                 const std::vector<const Patient*>& lanes, int n_states, double horizon, const SolverOptions& options,
                 long* steps, std::vector<double>* final_state) {
  const auto start = std::chrono::steady_clock::now();
  auto integrator = make_integrator(model, parameters.data(), options, {});
  const auto& schedule = lanes.front()->doses;
  std::size_t next = 0;
  double t = 0.0;
  integrator->reset(t, y);
  for (;;) {
    bool dosed = false;
    for (; next < schedule.size() && schedule[next].time_day <= t + 1e-9; ++next) {
      for (std::size_t l = 0; l < lanes.size(); ++l) {
        const Bolus& b = lanes[l]->doses[next];
        y[l * static_cast<std::size_t>(n_states) + static_cast<std::size_t>(b.state_index)] += b.delta_nM;
      }
      dosed = true;
    }
    if (dosed) integrator->reset(t, y);
    const double target = next < schedule.size() ? std::min(schedule[next].time_day, horizon) : horizon;
    for (double out = std::floor(t) + 1.0; out < target - 1e-9; out += 1.0) integrator->advance(out, false);
    integrator->advance(target, true);
    y = integrator->state();
    t = target;
    if (t >= horizon - 1e-12) break;
  }
  *steps = integrator->stats().steps;
  *final_state = y;
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4 && argc != 5) {
    std::fprintf(stderr, "usage: %s SCENARIO.yaml LANES GROUPS [HORIZON_DAY]\n", argv[0]);
    return 1;
  }
  try {
    const auto loaded = io::load_scenario_file(argv[1]);
    const ModelDefinition& model = models::get_model(loaded.scenario.model);
    const TrialSpec spec = build_trial_spec(model, loaded.scenario, 1);
    const int lanes = std::atoi(argv[2]), groups = std::atoi(argv[3]);
    const double horizon = argc == 5 ? std::atof(argv[4]) : 400.0;
    if (lanes < 1 || groups < 1) throw Error(ErrorKind::kInput, "LANES and GROUPS must be at least 1");
    std::vector<Patient> patients;
    for (std::size_t row = 0; row < spec.population.size() && static_cast<int>(patients.size()) < lanes * groups;
         ++row) {
      const std::vector<double> p0 = candidate_parameters(spec, row, {});
      const double d0 = p0[static_cast<std::size_t>(model.parameter_index("initial_tumour_diameter_cm"))];
      const InitialisationResult ic = grow_to_diameter(model, p0, d0, spec.initialisation.max_growth_day, spec.solver);
      if (!ic.reached) continue;
      Patient patient;
      patient.parameters = candidate_parameters(spec, row, spec.arms.front().treatment);
      patient.state = ic.state;
      patient.doses = expand_schedule(model, spec.arms.front().treatment, spec.weight_kg, horizon, patient.parameters);
      if (!patients.empty() && patient.doses.size() != patients.front().doses.size())
        throw Error(ErrorKind::kInput, "lockstep needs the same dose times for every patient");
      patients.push_back(std::move(patient));
    }
    if (static_cast<int>(patients.size()) < lanes * groups)
      throw Error(ErrorKind::kInput, "the population has fewer than LANES x GROUPS patients");
    const int n = model.n_states();
    const StackedModel stacked(model, lanes);
    std::printf("%s: %d groups of %d patients, %g days, %s, rtol %g, atol %g\n", argv[1], groups, lanes, horizon,
                spec.solver.linear_solver.c_str(), spec.solver.rtol, spec.solver.atol);
    std::printf("Jacobian: %d entries in %d colours alone, %d in %d colours stacked\n",
                model.jacobian_pattern().n_nonzeros, model.jacobian_pattern().n_colours,
                stacked.jacobian_pattern().n_nonzeros, stacked.jacobian_pattern().n_colours);
    std::printf("%-8s %14s %16s %16s %15s %17s %14s\n", "repeat", "alone ms/pat", "alone steps/pat", "lockstep ms/pat",
                "lockstep steps", "us/patient-step", "max rel dV");
    for (int repeat = 0; repeat < 3; ++repeat) {
      double alone_s = 0.0, lockstep_s = 0.0, worst = 0.0;
      long alone_steps = 0, lockstep_steps = 0;
      for (int g = 0; g < groups; ++g) {
        std::vector<double> P, Y, alone_volume;
        std::vector<const Patient*> group;
        for (int l = 0; l < lanes; ++l) {
          const Patient& patient = patients[static_cast<std::size_t>(g * lanes + l)];
          long steps = 0;
          std::vector<double> end;
          alone_s +=
              integrate(model, patient.parameters, patient.state, {&patient}, n, horizon, spec.solver, &steps, &end);
          alone_volume.push_back(model.tumour_volume_L(end.data(), patient.parameters.data()));
          alone_steps += steps;
          P.insert(P.end(), patient.parameters.begin(), patient.parameters.end());
          Y.insert(Y.end(), patient.state.begin(), patient.state.end());
          group.push_back(&patient);
        }
        long steps = 0;
        std::vector<double> end;
        lockstep_s += integrate(stacked, P, Y, group, n, horizon, spec.solver, &steps, &end);
        lockstep_steps += steps;
        for (int l = 0; l < lanes; ++l) {
          const double v =
              model.tumour_volume_L(end.data() + l * n, group[static_cast<std::size_t>(l)]->parameters.data());
          worst = std::max(worst, std::abs(v - alone_volume[static_cast<std::size_t>(l)]) /
                                      std::max(alone_volume[static_cast<std::size_t>(l)], 1e-12));
        }
      }
      const double total = static_cast<double>(lanes * groups);
      std::printf("%-8d %14.2f %16.0f %16.2f %15.0f %17.2f %14.2e\n", repeat + 1, 1e3 * alone_s / total,
                  static_cast<double>(alone_steps) / total, 1e3 * lockstep_s / total,
                  static_cast<double>(lockstep_steps) / groups,
                  1e6 * lockstep_s / (static_cast<double>(lockstep_steps) * lanes), worst);
      // Both runs solve the same equations at the same tolerances; beyond 1e-3 one of them is wrong.
      if (!(worst <= 1e-3)) {
        std::fprintf(stderr, "DISAGREEMENT: tumour volumes differ by %.3g (relative) > 1e-3\n", worst);
        return 1;
      }
    }
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
