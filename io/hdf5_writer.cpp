// SPDX-License-Identifier: MIT
#include "io/hdf5_writer.hpp"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "io/hdf5_util.hpp"
#include "io/rt_report.hpp"
#include "io/run_identity.hpp"

namespace vct::io {

using namespace h5;

void write_provenance(hid_t root, const ModelDefinition& model, const Scenario& scenario, const RunInfo& info) {
  attr_int(root, "is_complete", 0);
  attr_string(root, "format", "vct-results");
  attr_int(root, "format_version", 1);
  attr_string(root, "software", "vct (virtual clinical trial simulator for RT and ICI)");
  attr_string(root, "software_version", info.software_version);
  attr_string(root, "created_utc", utc_now());
  attr_string(root, "command_line", info.command_line);
  attr_string(root, "model_id", model.id());
  attr_string(root, "model_title", model.title());
  attr_string(root, "time_units", "day (t = 0 at treatment start)");
  attr_string(root, "solver_method", scenario.solver.method);
  attr_string(root, "solver_linear_solver", scenario.solver.linear_solver);
  attr_double(root, "solver_rtol", scenario.solver.rtol);
  attr_double(root, "solver_atol", scenario.solver.atol);
  attr_string(root, "scenario_hash", text_hash(info.identity_yaml));
  attr_string(root, "calibration_hash", info.calibration_hash);
  attr_string(root, "calibration_path", info.calibration_path);
  Handle group(create_group(root, "scenario"), H5Gclose, "create /scenario");
  dataset_string(group.get(), "source", info.scenario_text);
  dataset_string(group.get(), "resolved", info.resolved_yaml);
  dataset_string(group.get(), "identity", info.identity_yaml);
  attr_string(group.get(), "path", info.scenario_path);
}

namespace {

/// The coupling's tables (agent-based windows) at the root, as a trial writes them per arm, each
/// row starting with patient_id 0.
void write_coupling_tables(hid_t root, const PatientRun& run) {
  for (std::size_t t = 0; t < run.coupling_tables.size() && t < run.coupling_rows.size(); ++t) {
    const CouplingTableLayout& layout = run.coupling_tables[t];
    const std::vector<double>& rows = run.coupling_rows[t];
    const std::size_t nc = layout.columns.size(), n = nc > 0 ? rows.size() / nc : 0;
    std::vector<std::pair<std::string, bool>> names = {{"patient_id", false}};
    for (const std::string& c : layout.columns) names.emplace_back(c, false);
    AppendableTable table(root, layout.name, names);
    if (n == 0) continue;
    std::vector<Column> columns = {number_column("patient_id", std::vector<double>(n, 0.0))};
    for (std::size_t k = 0; k < nc; ++k) {
      std::vector<double> col(n);
      for (std::size_t r = 0; r < n; ++r) col[r] = rows[r * nc + k];
      columns.push_back(number_column(layout.columns[k], col));
    }
    table.append(columns, n);
  }
}

}  // namespace

void write_patient_result(const std::string& path, const ModelDefinition& model, const Scenario& scenario,
                          const std::vector<double>& params, const PatientRun& run, const RunInfo& info) {
  silence_errors();  // errors become exceptions with our own text
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create '" + path + "'");
  const hid_t root = file.get();
  write_provenance(root, model, scenario, info);
  attr_int(root, "n_patients", 1);
  attr_string(root, "status_codes", "0 = ok, 1 = not_a_patient, 2 = solver_failure");
  H5Fflush(root, H5F_SCOPE_GLOBAL);
  write_model_tables(root, model, params);

  const Trajectory& traj = run.trajectory;
  const hsize_t nt = traj.time_day.size();
  dataset_vector(root, "time", traj.time_day, "day");
  auto write_series = [&](hid_t group, const std::string& name, const std::string& unit, const std::string& description,
                          int column, int stride, const std::vector<double>& data) {
    std::vector<double> series(nt);
    for (hsize_t t = 0; t < nt; ++t) series[t] = data[t * static_cast<hsize_t>(stride) + static_cast<hsize_t>(column)];
    AppendableMatrix m(group, name, nt, unit, description);
    m.append(series.data(), 1);
  };
  {
    Handle group(create_group(root, "outputs"), H5Gclose, "create /outputs");
    for (int k = 0; k < traj.n_outputs; ++k) {
      const auto& o = model.outputs()[static_cast<std::size_t>(k)];
      write_series(group.get(), o.name, o.unit, o.description, k, traj.n_outputs, traj.outputs);
    }
  }
  if (scenario.write_states) {
    Handle group(create_group(root, "states"), H5Gclose, "create /states");
    for (int k = 0; k < traj.n_states; ++k) {
      const auto& s = model.states()[static_cast<std::size_t>(k)];
      write_series(group.get(), s.name, s.unit, s.description + " [" + s.compartment + "]", k, traj.n_states,
                   traj.states);
    }
  }

  const double baseline = nt > 0 ? traj.outputs[static_cast<std::size_t>(model.resolved().diameter_output)] : NAN;
  compound_table(root, "patients",
                 {number_column("patient_id", {0.0}), number_column("status", {static_cast<double>(run.status)}),
                  text_column("status_text", {to_string(run.status)}), text_column("message", {run.message}),
                  number_column("growth_time_day", {run.initialisation.growth_time_day}),
                  number_column("baseline_diameter_cm", {baseline}),
                  number_column("n_steps_initialisation", {static_cast<double>(run.initialisation.stats.steps)}),
                  number_column("n_steps_treatment", {static_cast<double>(run.stats.steps)}),
                  number_column("n_rhs_treatment", {static_cast<double>(run.stats.rhs_evaluations)}),
                  number_column("wall_s_initialisation", {run.wall_seconds_initialisation}),
                  number_column("wall_s_treatment", {run.wall_seconds_treatment})},
                 1);
  std::vector<double> ids, times;
  std::vector<std::string> kinds, details;
  for (const auto& e : run.events) {
    ids.push_back(0.0);
    times.push_back(e.time_day);
    kinds.push_back(e.kind);
    details.push_back(e.detail);
  }
  compound_table(root, "events",
                 {number_column("patient_id", ids), number_column("time_day", times), text_column("kind", kinds),
                  text_column("detail", details)},
                 ids.size());
  write_coupling_tables(root, run);
  write_course_table(root, "radiotherapy",
                     report_courses(scenario.radiotherapy, nominal_alpha_beta_Gy(model, scenario.parameter_overrides),
                                    scenario.lesion_names));
  attr_int(root, "is_complete", 1);
  check(H5Fflush(root, H5F_SCOPE_GLOBAL), "flush '" + path + "'");
}

}  // namespace vct::io
