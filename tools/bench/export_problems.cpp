// SPDX-License-Identifier: MIT
// Writes the benchmark problem set: the first N patients of a trial scenario's population (arm 1),
// each as parameters, the state at treatment start and the dose events, and solves them with this
// engine (single thread), recording the tumour diameter at the horizon and the wall time per
// patient. Other solvers read the same file (tools/bench/compare_solvers.py).
// usage: vct_export_problems SCENARIO.yaml N_PATIENTS HORIZON_DAY OUT.h5
#include <hdf5.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "app/run_scenario.hpp"
#include "core/error.hpp"
#include "io/hdf5_util.hpp"
#include "io/scenario/loader.hpp"
#include "models/registry.hpp"

using namespace vct;

int main(int argc, char** argv) {
  if (argc != 5) {
    std::fprintf(stderr, "usage: %s SCENARIO.yaml N_PATIENTS HORIZON_DAY OUT.h5\n", argv[0]);
    return 1;
  }
  try {
    const auto loaded = io::load_scenario_file(argv[1]);
    const ModelDefinition& model = models::get_model(loaded.scenario.model);
    TrialSpec spec = build_trial_spec(model, loaded.scenario, 1);
    const std::size_t wanted = static_cast<std::size_t>(std::atoi(argv[2]));
    const double horizon = std::atof(argv[3]);
    const std::size_t ns = static_cast<std::size_t>(model.n_states()), np = model.parameters().size();
    std::vector<double> P, Y0, dose_t, dose_dy, diameter, wall, offsets = {0};
    std::vector<double> dose_state;
    std::vector<long> steps;
    model.jacobian_pattern();
    for (std::size_t row = 0; row < spec.population.size() && diameter.size() < wanted; ++row) {
      const std::vector<double> p0 = candidate_parameters(spec, row, {});
      const double d0 = p0[static_cast<std::size_t>(model.parameter_index("initial_tumour_diameter_cm"))];
      const InitialisationResult ic = grow_to_diameter(model, p0, d0, spec.initialisation.max_growth_day, spec.solver);
      if (!ic.reached) continue;
      const std::vector<double> p = candidate_parameters(spec, row, spec.arms.front().treatment);
      TreatmentPlan plan;
      plan.horizon_day = horizon;
      plan.output_interval_day = horizon;  // only the end point is compared
      plan.doses = expand_schedule(model, spec.arms.front().treatment, spec.weight_kg, horizon, p);
      const auto t0 = std::chrono::steady_clock::now();
      const PatientRun run = simulate_treatment(model, p, ic.state, plan, spec.solver);
      wall.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      if (run.status != PatientStatus::kOk) throw Error(ErrorKind::kNumerical, "engine failed: " + run.message);
      const std::size_t no = model.outputs().size();
      diameter.push_back(run.trajectory.outputs[(run.trajectory.time_day.size() - 1) * no +
                                                static_cast<std::size_t>(model.output_index("tumour_diameter_cm"))]);
      steps.push_back(run.stats.steps);
      P.insert(P.end(), p.begin(), p.end());
      Y0.insert(Y0.end(), ic.state.begin(), ic.state.end());
      for (const auto& d : plan.doses) {
        dose_t.push_back(d.time_day);
        dose_state.push_back(d.state_index);
        dose_dy.push_back(d.delta_nM);
      }
      offsets.push_back(static_cast<double>(dose_t.size()));
    }
    using namespace io::h5;
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    Handle file(H5Fcreate(argv[4], H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
                std::string("create ") + argv[4]);
    const std::size_t n = diameter.size();
    AppendableMatrix(file.get(), "parameters", np, "internal", "patient parameters").append(P.data(), n);
    AppendableMatrix(file.get(), "initial_state", ns, "internal", "state at treatment start").append(Y0.data(), n);
    dataset_vector(file.get(), "dose_time_day", dose_t, "day");
    dataset_vector(file.get(), "dose_state_index", dose_state, "1");
    dataset_vector(file.get(), "dose_delta", dose_dy, "nM");
    dataset_vector(file.get(), "dose_offsets", offsets, "1");
    dataset_vector(file.get(), "engine_diameter_cm", diameter, "cm");
    dataset_vector(file.get(), "engine_wall_s", wall, "s");
    dataset_vector(file.get(), "engine_steps", std::vector<double>(steps.begin(), steps.end()), "1");
    // The model's threshold events (tumour eradication), so every reference applies the same resets.
    std::vector<double> event_state, event_threshold, event_reset;
    for (const auto& ev : model.events()) {
      event_state.push_back(model.state_index(ev.state));
      event_threshold.push_back(ev.threshold);
      event_reset.push_back(ev.reset_value);
    }
    dataset_vector(file.get(), "event_state_index", event_state, "1");
    dataset_vector(file.get(), "event_threshold", event_threshold, "internal");
    dataset_vector(file.get(), "event_reset", event_reset, "internal");
    attr_string(file.get(), "model", model.id());
    attr_double(file.get(), "horizon_day", horizon);
    attr_double(file.get(), "rtol", spec.solver.rtol);
    attr_double(file.get(), "atol", spec.solver.atol);
    attr_string(file.get(), "engine", "vct cvode_bdf/" + spec.solver.linear_solver + ", coloured-AD Jacobian");
    std::printf("exported %zu patients of %s (%zu states) to %s\n", n, model.id().c_str(), ns, argv[4]);
  } catch (const Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  return 0;
}
