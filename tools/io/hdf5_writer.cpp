// SPDX-License-Identifier: MIT
#include "tools/io/hdf5_writer.hpp"

#include <hdf5.h>

#include <chrono>
#include <cstring>
#include <ctime>
#include <stdexcept>

#include "core/error.hpp"

namespace vct::io {
namespace {

/// Owns one HDF5 identifier and closes it with the matching function.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
    if (id_ < 0) throw Error(ErrorKind::kIo, "HDF5: cannot " + what);
  }
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

void check(herr_t status, const std::string& what) {
  if (status < 0) throw Error(ErrorKind::kIo, "HDF5: cannot " + what);
}

void attr_string(hid_t obj, const char* name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "size string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "set UTF-8");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  if (H5Aexists(obj, name) > 0) check(H5Adelete(obj, name), std::string("replace attribute ") + name);
  Handle attr(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              std::string("create attribute ") + name);
  const char* data = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &data), std::string("write attribute ") + name);
}

template <class T>
void attr_scalar(hid_t obj, const char* name, hid_t type, T value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  if (H5Aexists(obj, name) > 0) check(H5Adelete(obj, name), std::string("replace attribute ") + name);
  Handle attr(H5Acreate2(obj, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              std::string("create attribute ") + name);
  check(H5Awrite(attr.get(), type, &value), std::string("write attribute ") + name);
}

void dataset_string(hid_t parent, const char* name, const std::string& value) {
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose, "copy string type");
  check(H5Tset_size(type.get(), H5T_VARIABLE), "size string type");
  check(H5Tset_cset(type.get(), H5T_CSET_UTF8), "set UTF-8");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle set(H5Dcreate2(parent, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
             std::string("create dataset ") + name);
  const char* data = value.c_str();
  check(H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data), std::string("write ") + name);
}

/// 2-D [rows, cols] float64, chunked by whole rows and deflated (readable everywhere).
hid_t dataset_matrix(hid_t parent, const std::string& name, const double* data, hsize_t rows, hsize_t cols) {
  const hsize_t dims[2] = {rows, cols};
  Handle space(H5Screate_simple(2, dims, nullptr), H5Sclose, "create space for " + name);
  Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
  const hsize_t chunk[2] = {1, cols};
  check(H5Pset_chunk(plist.get(), 2, chunk), "chunk " + name);
  check(H5Pset_shuffle(plist.get()), "shuffle " + name);
  check(H5Pset_deflate(plist.get(), 4), "deflate " + name);
  const hid_t set = H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT);
  if (set < 0) throw Error(ErrorKind::kIo, "HDF5: cannot create dataset " + name);
  if (H5Dwrite(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    H5Dclose(set);
    throw Error(ErrorKind::kIo, "HDF5: cannot write dataset " + name);
  }
  return set;
}

void dataset_vector(hid_t parent, const std::string& name, const std::vector<double>& data, const std::string& units) {
  const hsize_t dims[1] = {data.size()};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create space for " + name);
  Handle set(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose, "create dataset " + name);
  check(H5Dwrite(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "write " + name);
  attr_string(set.get(), "units", units);
}

hid_t vlen_string_type() {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

/// Writes rows of char-pointer and double fields as a 1-D compound dataset (pandas-friendly).
struct Column {
  std::string name;
  bool is_text;
  std::vector<std::string> text;
  std::vector<double> number;
};

void compound_table(hid_t parent, const std::string& name, const std::vector<Column>& columns, std::size_t rows) {
  std::size_t offset = 0;
  std::vector<std::size_t> offsets;
  for (const auto& c : columns) {
    offsets.push_back(offset);
    offset += c.is_text ? sizeof(const char*) : sizeof(double);
  }
  const std::size_t row_size = offset;
  Handle str(vlen_string_type(), H5Tclose, "create string type");
  Handle type(H5Tcreate(H5T_COMPOUND, row_size), H5Tclose, "create compound type for " + name);
  for (std::size_t k = 0; k < columns.size(); ++k)
    check(H5Tinsert(type.get(), columns[k].name.c_str(), offsets[k], columns[k].is_text ? str.get() : H5T_NATIVE_DOUBLE),
          "add field " + columns[k].name);
  std::vector<unsigned char> buffer(row_size * rows);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t k = 0; k < columns.size(); ++k) {
      unsigned char* at = buffer.data() + r * row_size + offsets[k];
      if (columns[k].is_text) {
        const char* p = columns[k].text[r].c_str();
        std::memcpy(at, &p, sizeof p);
      } else {
        std::memcpy(at, &columns[k].number[r], sizeof(double));
      }
    }
  const hsize_t dims[1] = {rows};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create space for " + name);
  Handle set(H5Dcreate2(parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose, "create table " + name);
  if (rows > 0) check(H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "write " + name);
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

Column text_column(const std::string& name, std::vector<std::string> values) { return {name, true, std::move(values), {}}; }
Column number_column(const std::string& name, std::vector<double> values) { return {name, false, {}, std::move(values)}; }

}  // namespace

void write_patient_result(const std::string& path, const ModelDefinition& model, const Scenario& scenario,
                          const std::vector<double>& params, const PatientRun& run, const RunInfo& info) {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);  // errors become exceptions with our own text
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
              "create '" + path + "' (does its folder exist and is it writable?)");
  const hid_t root = file.get();
  attr_scalar<int>(root, "is_complete", H5T_NATIVE_INT, 0);
  attr_string(root, "format", "vct-results");
  attr_scalar<int>(root, "format_version", H5T_NATIVE_INT, 1);
  attr_string(root, "software", "vct (virtual clinical trial simulator for RT and ICI)");
  attr_string(root, "software_version", info.software_version);
  attr_string(root, "created_utc", utc_now());
  attr_string(root, "command_line", info.command_line);
  attr_string(root, "model_id", model.id());
  attr_string(root, "model_title", model.title());
  attr_string(root, "time_units", "day (t = 0 at treatment start)");
  attr_string(root, "solver_method", scenario.solver.method);
  attr_string(root, "solver_linear_solver", scenario.solver.linear_solver);
  attr_scalar<double>(root, "solver_rtol", H5T_NATIVE_DOUBLE, scenario.solver.rtol);
  attr_scalar<double>(root, "solver_atol", H5T_NATIVE_DOUBLE, scenario.solver.atol);
  attr_scalar<int>(root, "n_patients", H5T_NATIVE_INT, 1);
  attr_string(root, "status_codes", "0 = ok, 1 = not_a_patient, 2 = solver_failure");
  H5Fflush(root, H5F_SCOPE_GLOBAL);

  {
    Handle group(H5Gcreate2(root, "scenario", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /scenario");
    dataset_string(group.get(), "source", info.scenario_text);
    dataset_string(group.get(), "resolved", info.resolved_yaml);
    attr_string(group.get(), "path", info.scenario_path);
  }

  {
    Handle group(H5Gcreate2(root, "model", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /model");
    std::vector<std::string> names, units, descriptions, sources, compartments;
    std::vector<double> values, defaults, lower, upper;
    for (std::size_t k = 0; k < model.parameters().size(); ++k) {
      const auto& row = model.parameters()[k];
      names.push_back(row.name);
      units.push_back(row.unit);
      descriptions.push_back(row.description);
      sources.push_back(row.source);
      values.push_back(params[k]);
      defaults.push_back(row.value);
      lower.push_back(row.lower);
      upper.push_back(row.upper);
    }
    const std::size_t np = names.size();
    compound_table(group.get(), "parameters",
                   {text_column("name", names), text_column("unit", units), number_column("value", values),
                    number_column("default", defaults), number_column("lower", lower), number_column("upper", upper),
                    text_column("description", descriptions), text_column("source", sources)},
                   np);
    names.clear();
    units.clear();
    descriptions.clear();
    for (const auto& s : model.states()) {
      names.push_back(s.name);
      units.push_back(s.unit);
      compartments.push_back(s.compartment);
      descriptions.push_back(s.description);
    }
    compound_table(group.get(), "states",
                   {text_column("name", names), text_column("unit", units), text_column("compartment", compartments),
                    text_column("description", descriptions)},
                   names.size());
  }

  const Trajectory& traj = run.trajectory;
  const hsize_t nt = traj.time_day.size();
  dataset_vector(root, "time", traj.time_day, "day");

  auto write_series = [&](hid_t group, const std::string& name, const std::string& unit, const std::string& description,
                          int column, int stride, const std::vector<double>& data) {
    std::vector<double> series(nt);
    for (hsize_t t = 0; t < nt; ++t) series[t] = data[t * static_cast<hsize_t>(stride) + static_cast<hsize_t>(column)];
    Handle set(dataset_matrix(group, name, series.data(), 1, nt), H5Dclose, "write " + name);
    attr_string(set.get(), "units", unit);
    attr_string(set.get(), "long_name", description);
    attr_string(set.get(), "dims", "patient, time");
  };
  {
    Handle group(H5Gcreate2(root, "outputs", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /outputs");
    for (int k = 0; k < traj.n_outputs; ++k) {
      const auto& o = model.outputs()[static_cast<std::size_t>(k)];
      write_series(group.get(), o.name, o.unit, o.description, k, traj.n_outputs, traj.outputs);
    }
  }
  if (scenario.write_states) {
    Handle group(H5Gcreate2(root, "states", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose, "create /states");
    for (int k = 0; k < traj.n_states; ++k) {
      const auto& s = model.states()[static_cast<std::size_t>(k)];
      write_series(group.get(), s.name, s.unit, s.description + " [" + s.compartment + "]", k, traj.n_states,
                   traj.states);
    }
  }

  {
    const double baseline = nt > 0 ? traj.outputs[static_cast<std::size_t>(model.output_index("tumour_diameter_cm"))] : NAN;
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
  }

  attr_scalar<int>(root, "is_complete", H5T_NATIVE_INT, 1);
  check(H5Fflush(root, H5F_SCOPE_GLOBAL), "flush '" + path + "'");
}

}  // namespace vct::io
