// SPDX-License-Identifier: MIT
#include "io/trial_merge.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <memory>

#include "core/error.hpp"
#include "io/hdf5_util.hpp"
#include "io/result_columns.hpp"
#include "io/run_identity.hpp"
#include "io/trial_writer.hpp"

namespace vct::io {

using namespace h5;
namespace fs = std::filesystem;

namespace {

long long read_int_attr(hid_t obj, const char* name) {
  long long v = 0;
  if (H5Aexists(obj, name) <= 0) return 0;
  Handle a(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose, std::string("open attribute ") + name);
  H5Aread(a.get(), H5T_NATIVE_LLONG, &v);
  return v;
}

/// Throws Error(kIo) unless the compound dataset `set` (named `table`) has a member `field`. HDF5
/// reads a member the file lacks without complaint, leaving the buffer as it was (zeros here).
void require_field(hid_t set, const std::string& table, const char* field) {
  Handle type(H5Dget_type(set), H5Tclose, "type of " + table);
  if (H5Tget_member_index(type.get(), field) < 0)
    throw Error(ErrorKind::kIo, table + " has no column '" + field + "' (a file of another vct version?)");
}

std::vector<double> read_number_field(hid_t file, const std::string& table, const char* field, std::size_t rows) {
  Handle set(H5Dopen2(file, table.c_str(), H5P_DEFAULT), H5Dclose, "open " + table);
  require_field(set.get(), table, field);
  Handle type(H5Tcreate(H5T_COMPOUND, sizeof(double)), H5Tclose, "create field type");
  check(H5Tinsert(type.get(), field, 0, H5T_NATIVE_DOUBLE), std::string("select field ") + field);
  std::vector<double> all(
      static_cast<std::size_t>(H5Sget_simple_extent_npoints(Handle(H5Dget_space(set.get()), H5Sclose, "space").get())));
  if (!all.empty())
    check(H5Dread(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, all.data()), "read " + table + "." + field);
  all.resize(std::min(rows, all.size()));
  return all;
}

/// Whether the compound dataset `table` has a member `field`.
bool has_field(hid_t file, const std::string& table, const char* field) {
  Handle set(H5Dopen2(file, table.c_str(), H5P_DEFAULT), H5Dclose, "open " + table);
  Handle type(H5Dget_type(set.get()), H5Tclose, "type of " + table);
  return H5Tget_member_index(type.get(), field) >= 0;
}

std::vector<std::string> read_text_field(hid_t file, const std::string& table, const char* field, std::size_t rows) {
  Handle set(H5Dopen2(file, table.c_str(), H5P_DEFAULT), H5Dclose, "open " + table);
  require_field(set.get(), table, field);
  Handle space(H5Dget_space(set.get()), H5Sclose, "get space");
  Handle str(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  H5Tset_size(str.get(), H5T_VARIABLE);
  H5Tset_cset(str.get(), H5T_CSET_UTF8);
  Handle type(H5Tcreate(H5T_COMPOUND, sizeof(char*)), H5Tclose, "create field type");
  check(H5Tinsert(type.get(), field, 0, str.get()), std::string("select field ") + field);
  std::vector<char*> raw(static_cast<std::size_t>(H5Sget_simple_extent_npoints(space.get())), nullptr);
  if (!raw.empty())
    check(H5Dread(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, raw.data()), "read " + table + "." + field);
  std::vector<std::string> text;
  for (std::size_t i = 0; i < std::min(rows, raw.size()); ++i) text.emplace_back(raw[i] ? raw[i] : "");
  if (!raw.empty()) H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, raw.data());
  return text;
}

std::vector<double> read_rows(hid_t file, const std::string& path, std::size_t rows, std::size_t& cols) {
  Handle set(H5Dopen2(file, path.c_str(), H5P_DEFAULT), H5Dclose, "open " + path);
  Handle space(H5Dget_space(set.get()), H5Sclose, "get space");
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  cols = dims[1];
  std::vector<double> data(dims[0] * dims[1]);
  if (!data.empty())
    check(H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "read " + path);
  data.resize(std::min<std::size_t>(rows, dims[0]) * dims[1]);
  return data;
}

Handle open_read(const std::string& path) {
  silence_errors();
  return Handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open '" + path + "'");
}

/// What `vct merge` adds to the message of a part it cannot read.
constexpr const char* unreadable_part_hint =
    " (a rank killed while writing it? vct run --resume sets it aside and simulates its candidates again)";

}  // namespace

std::vector<double> read_baseline_pdl1(const std::string& path) {
  Handle file = open_read(path);
  const std::size_t n = static_cast<std::size_t>(read_int_attr(file.get(), "n_candidates_written"));
  if (!has_field(file.get(), "/patients", "pdl1_per_cancer_cell"))
    throw Error(ErrorKind::kInput, "'" + path +
                                       "' has no /patients column pdl1_per_cancer_cell (a trial of a model "
                                       "with PD-L1, written by vct 0.1.0+ff8117a or later)");
  const auto status = read_number_field(file.get(), "/patients", "status", n);
  const auto pdl1 = read_number_field(file.get(), "/patients", "pdl1_per_cancer_cell", n);
  std::vector<double> out;
  for (std::size_t i = 0; i < n; ++i) {
    const auto s = static_cast<CandidateStatus>(static_cast<int>(status[i]));
    if ((s == CandidateStatus::kPatient || s == CandidateStatus::kNotSelected) && !std::isnan(pdl1[i]))
      out.push_back(pdl1[i]);
  }
  return out;
}

std::optional<SavedSelection> read_selection(const std::string& path) {
  Handle file = open_read(path);
  if (H5Lexists(file.get(), "/selection", H5P_DEFAULT) <= 0) return std::nullopt;
  SavedSelection saved;
  Handle g(H5Gopen2(file.get(), "/selection", H5P_DEFAULT), H5Gclose, "open /selection");
  for (double id : read_number_field(file.get(), "/selection/plausible", "candidate_id", SIZE_MAX))
    saved.plausible.push_back(static_cast<std::size_t>(id));
  SelectionResult& s = saved.result;
  s.probability = read_number_field(file.get(), "/selection/plausible", "probability", SIZE_MAX);
  for (double x : read_number_field(file.get(), "/selection/plausible", "selected", SIZE_MAX))
    s.selected.push_back(x == 1.0);
  auto attr = [&](const std::string& name) {
    double v = 0;
    Handle a(H5Aopen(g.get(), name.c_str(), H5P_DEFAULT), H5Aclose, "open " + name);
    H5Aread(a.get(), H5T_NATIVE_DOUBLE, &v);
    return v;
  };
  s.scale_factor = attr("scale_factor");
  s.mean_ks_sum = attr("mean_ks_sum");
  const char* dims[3] = {"M1_M2", "Treg_CD8", "CD8_CD4"};
  for (std::size_t k = 0; k < 3; ++k) {
    s.ks_statistic[k] = attr(std::string("ks_statistic_") + dims[k]);
    s.ks_p_value[k] = attr(std::string("ks_p_value_") + dims[k]);
  }
  return saved;
}

std::string read_resolved_scenario(const std::string& path) {
  Handle file = open_read(path);
  Handle set(H5Dopen2(file.get(), "/scenario/resolved", H5P_DEFAULT), H5Dclose,
             "open /scenario/resolved in '" + path + "'");
  Handle str(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  H5Tset_size(str.get(), H5T_VARIABLE);
  H5Tset_cset(str.get(), H5T_CSET_UTF8);
  char* text = nullptr;
  check(H5Dread(set.get(), str.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), "read /scenario/resolved");
  std::string out = text ? text : "";
  H5free_memory(text);
  return out;
}

namespace {

/// The number columns `table` (io/result_columns.hpp) of the compound dataset `dataset`, rows
/// 0..n-1, in table order; a column a file of an earlier version lacks reads as NaN.
template <typename Column>
std::vector<std::vector<double>> read_columns(hid_t f, const std::string& dataset, const std::vector<Column>& table,
                                              std::size_t n) {
  std::vector<std::vector<double>> values;
  for (const Column& c : table)
    values.push_back(c.may_be_absent && !has_field(f, dataset, c.name)
                         ? std::vector<double>(n, std::numeric_limits<double>::quiet_NaN())
                         : read_number_field(f, dataset, c.name, n));
  return values;
}

/// /patients rows 0..n-1 as CandidateResults without arms.
std::vector<CandidateResult> read_candidates(hid_t f, std::size_t n) {
  const auto id = read_number_field(f, "/patients", "candidate_id", n);
  const auto status = read_number_field(f, "/patients", "status", n);
  const auto message = read_text_field(f, "/patients", "message", n);
  const std::vector<PatientColumn>& table = patient_columns();
  const auto numbers = read_columns(f, "/patients", table, n);
  std::vector<CandidateResult> results(id.size());
  for (std::size_t i = 0; i < id.size(); ++i) {
    CandidateResult& c = results[i];
    c.candidate = static_cast<std::size_t>(id[i]);
    c.status = static_cast<CandidateStatus>(static_cast<int>(status[i]));
    c.message = message[i];
    for (std::size_t k = 0; k < table.size(); ++k) restore_patient(table[k], numbers[k][i], c);
  }
  return results;
}

/// One arm's outcomes, scan responses and series, appended to the patients among `results`.
void read_arm(hid_t f, const TrialArm& arm, const TrialSpec& spec, std::size_t n,
              std::vector<CandidateResult>& results) {
  const std::string base = "/arms/" + arm.name;
  const std::string t = base + "/outcomes";
  const auto st = read_number_field(f, t, "status", n);
  const auto msg = read_text_field(f, t, "message", n);
  const auto best = read_number_field(f, t, "best_response", n);
  const std::vector<OutcomeColumn>& table = outcome_columns();
  const auto numbers = read_columns(f, t, table, n);
  std::size_t ns = 0;
  const auto scans = read_rows(f, base + "/scan_response", n, ns);
  std::vector<std::vector<double>> series;
  std::size_t nt = 0;
  for (int k : spec.trajectory_outputs)
    series.push_back(read_rows(f, base + "/outputs/" + spec.model->outputs()[static_cast<std::size_t>(k)].name, n, nt));
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].status != CandidateStatus::kPatient) continue;
    ArmResult a;
    a.status = static_cast<PatientStatus>(static_cast<int>(st[i]));
    a.message = msg[i];
    a.assessed = best[i] >= 0;
    if (a.assessed) {
      a.recist.best = static_cast<Response>(static_cast<int>(best[i]));
      for (std::size_t s = 0; s < ns; ++s)
        a.recist.per_scan.push_back(static_cast<Response>(static_cast<int>(scans[i * ns + s])));
    }
    for (std::size_t k = 0; k < table.size(); ++k) restore_outcome(table[k], numbers[k][i], a);
    for (const auto& v : series)
      a.trajectories.insert(a.trajectories.end(), v.begin() + static_cast<long>(i * nt),
                            v.begin() + static_cast<long>((i + 1) * nt));
    results[i].arms.push_back(std::move(a));
  }
}

/// The coupling's records of one arm (TrialSpec::coupling) back into each candidate's arm result,
/// in file order (which is the order they were written in).
void read_coupling(hid_t f, std::size_t arm_index, const TrialArm& arm, const TrialSpec& spec,
                   std::vector<CandidateResult>& results) {
  std::map<std::size_t, std::size_t> row_of;
  for (std::size_t i = 0; i < results.size(); ++i) row_of[results[i].candidate] = i;
  const std::size_t n_tables = spec.coupling.tables.size();
  for (std::size_t k = 0; k < n_tables; ++k) {
    const std::string t = "/arms/" + arm.name + "/" + spec.coupling.tables[k].name;
    if (H5Lexists(f, t.c_str(), H5P_DEFAULT) <= 0) continue;
    const std::size_t all = std::numeric_limits<std::size_t>::max();
    const std::vector<double> id = read_number_field(f, t, "candidate_id", all);
    std::vector<std::vector<double>> col;
    for (const std::string& c : spec.coupling.tables[k].columns) col.push_back(read_number_field(f, t, c.c_str(), all));
    for (std::size_t r = 0; r < id.size(); ++r) {
      const auto it = row_of.find(static_cast<std::size_t>(id[r]));
      if (it == row_of.end() || results[it->second].arms.size() <= arm_index) continue;
      std::vector<std::vector<double>>& tables = results[it->second].arms[arm_index].coupling_rows;
      tables.resize(n_tables);
      for (const auto& c : col) tables[k].push_back(c[r]);
    }
  }
}

}  // namespace

std::vector<CandidateResult> read_trial_results(const std::string& path, const TrialSpec& spec) {
  Handle file = open_read(path);
  const hid_t f = file.get();
  const std::size_t n = static_cast<std::size_t>(read_int_attr(f, "n_candidates_written"));
  std::vector<CandidateResult> results = read_candidates(f, n);
  for (const auto& arm : spec.arms) read_arm(f, arm, spec, n, results);
  for (std::size_t a = 0; a < spec.arms.size(); ++a) read_coupling(f, a, spec.arms[a], spec, results);
  return results;
}

std::vector<std::string> list_parts(const std::string& output) {
  std::vector<std::string> parts;
  const fs::path dir = output + ".parts";
  if (!fs::is_directory(dir)) return parts;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().extension() == ".h5") parts.push_back(e.path().string());
  std::sort(parts.begin(), parts.end());
  return parts;
}

void remove_merged_parts(const std::string& output) {
  std::error_code ec;
  for (const auto& part : list_parts(output)) fs::remove(part, ec);
  fs::remove(output + ".parts", ec);  // fails, as it should, while the folder is not empty
}

void require_readable_parts(const std::vector<std::string>& parts) {
  for (const auto& part : parts) {
    const RunIdentity id = read_run_identity(part);
    if (!id.readable)
      throw Error(ErrorKind::kIo,
                  "cannot merge '" + id.path + "': " + id.problem + (id.locked ? "" : unreadable_part_hint));
  }
}

TrialSummary merge_trial_parts(const std::vector<std::string>& parts, const TrialSpec& spec, const Scenario& scenario,
                               const RunInfo& run_info, const std::string& output) {
  // Every part must come from the same run; the merged file keeps that run's identity.
  RunInfo info = run_info;
  if (!parts.empty()) {
    require_readable_parts(parts);
    const RunIdentity first = read_run_identity(parts.front());
    for (std::size_t k = 1; k < parts.size(); ++k) {
      const RunIdentity other = read_run_identity(parts[k]);
      const std::string why = describe_mismatch(other, first);
      if (!why.empty())
        throw Error(ErrorKind::kInput, "cannot merge '" + parts[k] + "' with '" + parts.front() +
                                           "': they hold different runs (" + why + ")");
    }
    info.identity_yaml = first.identity_yaml;
    info.calibration_path = first.calibration_path;
    info.calibration_hash = first.calibration_hash;
  }
  std::map<std::size_t, CandidateResult> merged;
  for (const auto& part : parts) {
    std::vector<CandidateResult> read;
    try {
      read = read_trial_results(part, spec);
    } catch (const Error& e) {  // its identity reads, its candidates do not (a table torn by a kill)
      throw Error(ErrorKind::kIo, "cannot merge '" + part + "': " + e.what() + unreadable_part_hint);
    }
    for (auto& r : read) merged.emplace(r.candidate, std::move(r));
  }
  std::vector<CandidateResult> ordered;
  ordered.reserve(merged.size());
  for (auto& [id, r] : merged) ordered.push_back(std::move(r));

  const std::string partial = partial_path(output);
  auto writer_holder = std::make_unique<TrialWriter>(partial, spec, scenario, info);
  TrialWriter& writer = *writer_holder;
  TrialSummary summary = summarise_results(spec, ordered);
  const std::optional<SavedSelection> selection =
      spec.select_by_inclusion && !parts.empty() ? read_selection(parts.front()) : std::nullopt;
  if (selection) {  // re-created from the first part (every process computed the same one)
    summary.selection = selection->result;
    std::vector<CandidateResult> screened(spec.population.size());
    for (std::size_t i = 0; i < screened.size(); ++i) {
      screened[i].candidate = i;
      screened[i].status = CandidateStatus::kNotAPatient;
    }
    for (std::size_t id : selection->plausible) screened[id].status = CandidateStatus::kPatient;
    writer.write_selection(screened, summary.selection);
  }
  const std::size_t batch = 256;
  for (std::size_t start = 0; start < ordered.size(); start += batch) {
    const std::vector<CandidateResult> chunk(
        ordered.begin() + static_cast<long>(start),
        ordered.begin() + static_cast<long>(std::min(ordered.size(), start + batch)));
    writer.write_batch(chunk);
  }
  writer.write_summary(summary);
  writer_holder.reset();  // closed before it is renamed into place
  std::error_code ec;
  fs::rename(partial, output, ec);
  if (ec) throw Error(ErrorKind::kIo, "cannot rename '" + partial + "' to '" + output + "': " + ec.message());
  return summary;
}

}  // namespace vct::io
