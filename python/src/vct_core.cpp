// SPDX-License-Identifier: MIT
// vct._core: the engine in process for the Python package (python/vct). It loads a scenario (a
// file, or text from a dict) with the same checks and calibration rules as `vct run`, runs it and
// writes the same HDF5 result file; the package reads that file back (vct.load). Errors arrive as
// Python exceptions carrying the CLI's messages: ScenarioError (a ValueError) with every
// file:line:column: key.path problem, VctError (a RuntimeError) for numerical, I/O and internal
// errors. Ctrl-C stops a trial after the current batch; the file keeps what was finished.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <string>
#include <vector>

#include "app/local_trial.hpp"
#include "app/parameter_source.hpp"
#include "app/run_scenario.hpp"
#include "core/error.hpp"
#include "io/scenario/validator.hpp"
#include "models/registry.hpp"

namespace py = pybind11;

namespace {

struct RunRequest {
  std::string scenario;  ///< a path, or YAML/JSON text when `is_text`
  bool is_text = false;
  std::string name;  ///< stands for the file in messages
  std::string output, calibration;
  bool published = false, resume = false, force = false;
  int threads = 0;
};

/// Runs one scenario to its result file; returns what the Python side needs to load it.
py::dict run_scenario(const RunRequest& q) {
  vct::ParameterSource source;
  const vct::io::LoadedScenario loaded =
      q.is_text ? vct::load_text_for_run(q.scenario, q.name, q.calibration, q.published, source)
                : vct::load_for_run(q.scenario, q.calibration, q.published, source);
  const vct::ModelDefinition& model = vct::models::get_model(loaded.scenario.model);
  const std::string output = q.output.empty() ? loaded.scenario.output_file : q.output;
  const vct::io::RunInfo info = vct::make_run_info("python: vct.run(" + q.name + ")", q.name, loaded,
                                                   source.calibration_path, source.calibration_text);
  py::dict report;
  report["parameters"] = source.label;
  report["trial"] = loaded.scenario.is_trial();
  bool interrupted = false;
  if (loaded.scenario.is_trial()) {
    vct::LocalRunResult r;
    {
      py::gil_scoped_release release;
      const auto progress = [&](const vct::TrialProgress&) {
        py::gil_scoped_acquire acquire;
        interrupted = interrupted || PyErr_CheckSignals() != 0;
        return !interrupted;
      };
      r = vct::run_local_trial(loaded, model, {output, q.threads, q.resume, q.force, 0}, info, progress);
    }
    if (interrupted) throw py::error_already_set();  // KeyboardInterrupt; the file keeps the batches
    report["file"] = r.file;
    report["completed"] = r.summary.completed;
    report["n_patients"] = r.summary.n_patients;
    py::list set_aside;
    for (const auto& moved : r.set_aside) {
      py::dict d;
      d["from"] = moved.from;
      d["to"] = moved.to;
      d["problem"] = moved.problem;
      set_aside.append(d);
    }
    report["set_aside"] = set_aside;
    return report;
  }
  vct::PatientRun run;
  std::vector<double> params;
  {
    py::gil_scoped_release release;
    params = vct::resolve_parameters(model, loaded.scenario);
    run = vct::run_single_patient(model, loaded.scenario, params);
    vct::write_patient_file(output, model, loaded.scenario, params, run, info);
  }
  report["file"] = output;
  report["completed"] = run.status == vct::PatientStatus::kOk;
  report["status"] = std::string(vct::to_string(run.status));
  report["message"] = run.message;
  return report;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "vct engine (C++): run scenarios in process; see the vct package";
  static py::exception<vct::Error> vct_error(m, "VctError", PyExc_RuntimeError);
  static py::exception<vct::io::ScenarioError> scenario_error(m, "ScenarioError", PyExc_ValueError);
  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const vct::io::ScenarioError& e) {
      scenario_error(e.what());
    } catch (const vct::Error& e) {
      vct_error(e.what());
    }
  });
  m.def(
      "run_scenario",
      [](const std::string& scenario, bool is_text, const std::string& name, const std::string& output,
         const std::string& calibration, bool published, int threads, bool resume, bool force) {
        return run_scenario({scenario, is_text, name, output, calibration, published, resume, force, threads});
      },
      py::arg("scenario"), py::arg("is_text"), py::arg("name"), py::arg("output"), py::arg("calibration"),
      py::arg("published"), py::arg("threads"), py::arg("resume"), py::arg("force"),
      "Run a scenario (a path, or text when is_text) and write its HDF5 result; returns a dict with "
      "file, trial, completed and parameters (which values were used).");
  m.def("version", &vct::software_version, "The engine's version (project version + git describe).");
  m.def("models", &vct::models::model_names, "The registered model ids.");
  m.def("builtin_calibration", &vct::builtin_calibration_text,
        "The calibrated values compiled into this build (YAML text).");
}
