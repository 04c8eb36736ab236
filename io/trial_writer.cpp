// SPDX-License-Identifier: MIT
#include "io/trial_writer.hpp"

#include <sys/resource.h>
#include <sys/statvfs.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>

#include "core/error.hpp"
#include "io/hdf5_util.hpp"
#include "io/result_columns.hpp"
#include "io/rt_report.hpp"
#include "io/run_identity.hpp"
#include "io/subgroup_writer.hpp"

namespace vct::io {

using namespace h5;

namespace {
constexpr double kNaN = NAN;

/// Rows per chunk of the per-candidate series: a divisor of the batch size, so that each batch
/// appends whole chunks and a flushed chunk is never rewritten (a kill while a compressed chunk
/// is rewritten would leave it unreadable), and at most about 4 MiB per chunk.
hsize_t series_chunk_rows(std::size_t batch, std::size_t columns) {
  const std::size_t limit = std::max<std::size_t>(1, (std::size_t{4} << 20) / (8 * std::max<std::size_t>(1, columns)));
  for (std::size_t rows = std::min(batch, limit); rows > 1; --rows)
    if (batch % rows == 0) return rows;
  return 1;
}

std::string describe_treatment(const TrialArm& arm) {
  std::string text;
  for (const auto& r : arm.treatment) {
    char line[256];
    std::snprintf(line, sizeof line, "%s %g %s from day %g every %g days (%s)", r.drug.c_str(),
                  r.dose_mg > 0 ? r.dose_mg : r.dose_mg_per_kg, r.dose_mg > 0 ? "mg" : "mg/kg", r.start_day,
                  r.interval_day,
                  std::isnan(r.end_day) ? (std::to_string(r.n_doses) + " doses").c_str()
                                        : ("until day " + std::to_string(r.end_day)).c_str());
    text += (text.empty() ? "" : "; ") + std::string(line);
  }
  return text.empty() ? "no treatment" : text;
}

/// The outcomes table's columns: (name, is text).
std::vector<std::pair<std::string, bool>> outcome_layout() {
  std::vector<std::pair<std::string, bool>> layout = {{"candidate_id", false},
                                                      {"status", false},
                                                      {"message", true},
                                                      {"best_response", false},
                                                      {"best_response_text", true}};
  for (const OutcomeColumn& c : outcome_columns()) layout.emplace_back(c.name, false);
  return layout;
}
/// /population: the sampled parameters' names, units and drugs, the values and the seed.
void write_population(hid_t root, const Population& pop) {
  Handle group(create_group(root, "population"), H5Gclose, "create /population");
  compound_table(group.get(), "parameters",
                 {text_column("name", pop.parameters), text_column("unit", pop.units), text_column("drug", pop.drug)},
                 pop.parameters.size());
  AppendableMatrix values(group.get(), "values", pop.parameters.size(), "see parameters table",
                          "sampled parameter values [candidate, parameter]");
  values.append(pop.values.data(), pop.size());
  attr_int(group.get(), "seed", static_cast<long long>(pop.seed));
}

/// The /patients table's columns: (name, is text).
std::vector<std::pair<std::string, bool>> patient_layout() {
  std::vector<std::pair<std::string, bool>> layout = {
      {"candidate_id", false}, {"status", false}, {"status_text", true}, {"message", true}};
  for (const PatientColumn& c : patient_columns()) layout.emplace_back(c.name, false);
  return layout;
}

}  // namespace

struct TrialWriter::Impl {
  const TrialSpec& spec;
  std::string path;
  Handle file;
  std::size_t nt;
  std::size_t n_scans;
  std::size_t written = 0;
  std::unique_ptr<AppendableTable> patients;
  struct Arm {
    std::unique_ptr<AppendableTable> outcomes;
    std::vector<std::unique_ptr<AppendableMatrix>> outputs;
    std::unique_ptr<AppendableMatrix> scan_response;
    std::vector<std::unique_ptr<AppendableTable>> coupling;  ///< TrialSpec::coupling's tables
  };
  std::vector<Arm> arms;

  void check_room_for(const std::vector<CandidateResult>& batch);               ///< refuses a batch that may not fit
  void append_patients(const std::vector<CandidateResult>& batch);              ///< rows of /patients
  void append_arm(std::size_t arm, const std::vector<CandidateResult>& batch);  ///< one arm's rows and series
  void append_coupling(std::size_t arm, const std::vector<CandidateResult>& batch);  ///< the coupling's records
  /// /arms/<arm>: its treatment, RT course table, and the empty tables the batches append to.
  Arm create_arm(hid_t arms_group, std::size_t arm) const;

  Impl(const std::string& p, const TrialSpec& s)
      : spec(s),
        path(p),
        file(H5Fcreate(p.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create '" + p + "'"),
        nt(output_grid(s.horizon_day, s.output_interval_day).size()),
        n_scans(scan_days(s.recist, s.horizon_day).size()) {}
};

TrialWriter::Impl::Arm TrialWriter::Impl::create_arm(hid_t arms_group, std::size_t a) const {
  const ModelDefinition& model = *spec.model;
  const TrialArm& arm = spec.arms[a];
  Handle g(create_group(arms_group, arm.name), H5Gclose, "create /arms/" + arm.name);
  attr_string(g.get(), "treatment", describe_treatment(arm));
  const auto courses =
      report_courses(arm.radiotherapy, nominal_alpha_beta_Gy(model, spec.overrides), spec.lesion_names);
  attr_string(g.get(), "radiotherapy", describe_radiotherapy(courses));
  write_course_table(g.get(), "radiotherapy", courses);
  attr_int(g.get(), "arm_index", static_cast<long long>(a));
  const std::size_t batch = effective_batch_size(spec);
  Arm w;
  w.outcomes = std::make_unique<AppendableTable>(g.get(), "outcomes", outcome_layout());
  Handle outputs(create_group(g.get(), "outputs"), H5Gclose, "create outputs group");
  for (int k : spec.trajectory_outputs) {
    const auto& o = model.outputs()[static_cast<std::size_t>(k)];
    w.outputs.push_back(std::make_unique<AppendableMatrix>(outputs.get(), o.name, nt, o.unit, o.description,
                                                           series_chunk_rows(batch, nt)));
  }
  w.scan_response = std::make_unique<AppendableMatrix>(g.get(), "scan_response", n_scans, "code",
                                                       "RECIST category at each scan (response_codes)",
                                                       series_chunk_rows(batch, n_scans));
  for (const CouplingTableLayout& t : spec.coupling.tables) {
    std::vector<std::pair<std::string, bool>> layout = {{"candidate_id", false}};
    for (const std::string& c : t.columns) layout.emplace_back(c, false);
    w.coupling.push_back(std::make_unique<AppendableTable>(g.get(), t.name, layout));
  }
  return w;
}

TrialWriter::TrialWriter(const std::string& path, const TrialSpec& spec, const Scenario& scenario,
                         const RunInfo& info) {
  silence_errors();
  impl_ = std::make_unique<Impl>(path, spec);
  const hid_t root = impl_->file.get();
  const ModelDefinition& model = *spec.model;
  write_provenance(root, model, scenario, info);
  attr_string(root, "run_status", "running");
  attr_int(root, "n_candidates", static_cast<long long>(spec.population.size()));
  attr_int(root, "n_candidates_written", 0);
  attr_int(root, "population_seed", static_cast<long long>(spec.population.seed));
  attr_string(root, "population_hash", population_hash(spec.population));
  attr_int(root, "threads", spec.threads);
  attr_string(root, "rng", "xoshiro256** per (seed, purpose, candidate) stream");
  attr_string(root, "candidate_status_codes", "0 = patient, 1 = not_a_patient, 2 = solver_failure, 3 = not_selected");
  attr_string(root, "arm_status_codes", "-1 = not simulated, 0 = ok, 2 = solver_failure");
  attr_string(root, "response_codes", "-1 = none, 0 = CR, 1 = PR, 2 = SD, 3 = PD, 4 = NE");
  write_model_tables(root, model, model.default_parameters());
  dataset_vector(root, "time", output_grid(spec.horizon_day, spec.output_interval_day), "day");
  dataset_vector(root, "scan_days", scan_days(spec.recist, spec.horizon_day), "day");

  write_population(root, spec.population);

  impl_->patients = std::make_unique<AppendableTable>(root, "patients", patient_layout());
  Handle arms_group(create_group(root, "arms"), H5Gclose, "create /arms");
  for (std::size_t a = 0; a < spec.arms.size(); ++a) impl_->arms.push_back(impl_->create_arm(arms_group.get(), a));
  check(H5Fflush(root, H5F_SCOPE_GLOBAL), "flush '" + path + "'");
}

TrialWriter::~TrialWriter() = default;

void TrialWriter::set_path(const std::string& path) { impl_->path = path; }

std::string partial_path(const std::string& output) { return output + ".partial"; }

namespace {
void check_room(hid_t file, const std::string& path, const std::string& what, std::size_t bytes);
}  // namespace

void TrialWriter::write_selection(const std::vector<CandidateResult>& screened, const SelectionResult& s) {
  silence_errors();
  check_room(impl_->file.get(), impl_->path, "the selection", 4096 + 24 * screened.size());
  Handle g(create_group(impl_->file.get(), "selection"), H5Gclose, "create /selection");
  attr_string(g.get(), "method", "probability of inclusion (QSP-IO; dossier section 7.4)");
  attr_double(g.get(), "scale_factor", s.scale_factor);
  attr_double(g.get(), "mean_ks_sum", s.mean_ks_sum);
  const char* dims[3] = {"M1_M2", "Treg_CD8", "CD8_CD4"};
  for (int k = 0; k < 3; ++k) {
    attr_double(g.get(), (std::string("ks_statistic_") + dims[k]).c_str(), s.ks_statistic[static_cast<std::size_t>(k)]);
    attr_double(g.get(), (std::string("ks_p_value_") + dims[k]).c_str(), s.ks_p_value[static_cast<std::size_t>(k)]);
  }
  std::vector<double> ids, prob, sel;
  std::size_t k = 0;
  for (const auto& c : screened)
    if (c.status == CandidateStatus::kPatient) {
      ids.push_back(static_cast<double>(c.candidate));
      prob.push_back(s.probability[k]);
      sel.push_back(s.selected[k] ? 1.0 : 0.0);
      ++k;
    }
  compound_table(
      g.get(), "plausible",
      {number_column("candidate_id", ids), number_column("probability", prob), number_column("selected", sel)},
      ids.size());
  H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL);
}

namespace {

/// Refuses a write that may not fit: HDF5 cannot undo a half-written flush, and a file whose flush
/// ran out of space (or past `ulimit -f`) cannot be opened again. Checking first keeps every
/// earlier batch readable. `bytes` is the uncompressed size of `what` (a batch, the selection, the
/// summary), an upper bound.
void check_room(hid_t file, const std::string& path, const std::string& what, std::size_t bytes) {
  const double need = 1.25 * static_cast<double>(bytes) + (64 << 10);  // metadata and heap slack
  hsize_t size = 0;
  H5Fget_filesize(file, &size);
  struct rlimit limit {};
  if (getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
      static_cast<double>(size) + need > static_cast<double>(limit.rlim_cur))
    throw Error(ErrorKind::kIo, "cannot write " + what + " to '" + path + "': file size limit exceeded (ulimit -f " +
                                    std::to_string(limit.rlim_cur / 1024) + " KiB; the file has " +
                                    std::to_string(size / 1024) + " KiB and " + what + " needs up to " +
                                    std::to_string(static_cast<long long>(need / 1024)) + " KiB)");
  const std::string folder = std::filesystem::path(path).parent_path().string();
  struct statvfs fs {};
  if (statvfs(folder.empty() ? "." : folder.c_str(), &fs) == 0) {
    const double free_bytes = static_cast<double>(fs.f_bavail) * static_cast<double>(fs.f_frsize);
    if (free_bytes < need)
      throw Error(ErrorKind::kIo, "cannot write " + what + " to '" + path + "': no space left on the device (" +
                                      std::to_string(static_cast<long long>(free_bytes / 1024)) + " KiB free, " + what +
                                      " needs up to " + std::to_string(static_cast<long long>(need / 1024)) + " KiB)");
  }
}

}  // namespace

void TrialWriter::Impl::check_room_for(const std::vector<CandidateResult>& batch) {
  std::size_t series = 0;
  for (const auto& w : arms) series += w.outputs.size() * nt + n_scans;
  std::size_t text = 0;
  for (const auto& c : batch) {
    text += c.message.size();
    for (const auto& a : c.arms) {
      text += a.message.size();
      for (const auto& rows : a.coupling_rows) text += 8 * rows.size();  // and the coupled records
    }
  }
  // A batch that starts a new chunk allocates the whole chunk (at the first batch, about 200 KiB of
  // tables for a small trial, many times the batch itself).
  const std::size_t n = batch.size();
  std::size_t chunks = patients->allocation_bound(n);
  for (const auto& w : arms) {
    chunks += w.outcomes->allocation_bound(n) + w.scan_response->allocation_bound(n);
    for (const auto& o : w.outputs) chunks += o->allocation_bound(n);
    for (const auto& t : w.coupling) chunks += t->allocation_bound(1);
  }
  check_room(file.get(), path, "the next batch", n * (8 * series + 256 * (1 + arms.size())) + text + chunks);
}

void TrialWriter::Impl::append_patients(const std::vector<CandidateResult>& batch) {
  const std::vector<PatientColumn>& table = patient_columns();
  std::vector<double> id, status;
  std::vector<std::string> status_text, message;
  std::vector<std::vector<double>> numbers(table.size());
  for (const auto& c : batch) {
    id.push_back(static_cast<double>(c.candidate));
    status.push_back(static_cast<double>(c.status));
    status_text.push_back(to_string(c.status));
    message.push_back(c.message);
    for (std::size_t k = 0; k < table.size(); ++k) numbers[k].push_back(patient_value(table[k], c));
  }
  std::vector<Column> columns = {number_column("candidate_id", id), number_column("status", status),
                                 text_column("status_text", status_text), text_column("message", message)};
  for (std::size_t k = 0; k < table.size(); ++k) columns.push_back(number_column(table[k].name, std::move(numbers[k])));
  patients->append(columns, batch.size());
}

void TrialWriter::Impl::append_arm(std::size_t a, const std::vector<CandidateResult>& batch) {
  const std::size_t n = batch.size();
  const std::size_t ns = n_scans;
  Arm& w = arms[a];
  std::vector<double> id, st, best;
  std::vector<std::string> msg, best_text;
  const std::vector<OutcomeColumn>& table = outcome_columns();
  std::vector<std::vector<double>> numbers(table.size());
  std::vector<std::vector<double>> series(w.outputs.size(), std::vector<double>(n * nt, kNaN));
  std::vector<double> scans(n * ns, -1.0);
  for (std::size_t i = 0; i < n; ++i) {
    const CandidateResult& c = batch[i];
    id.push_back(static_cast<double>(c.candidate));
    if (c.status != CandidateStatus::kPatient) {
      st.push_back(-1);
      msg.push_back("");
      best.push_back(-1);
      best_text.push_back("");
      for (std::size_t k = 0; k < numbers.size(); ++k) numbers[k].push_back(table[k].closed);
      continue;
    }
    const ArmResult& r = c.arms[a];
    const bool ok = r.assessed;
    st.push_back(static_cast<double>(r.status));
    msg.push_back(r.message);
    best.push_back(ok ? static_cast<double>(r.recist.best) : -1.0);
    best_text.push_back(ok ? to_string(r.recist.best) : "");
    for (std::size_t k = 0; k < numbers.size(); ++k) numbers[k].push_back(outcome_value(table[k], r));
    for (std::size_t k = 0; k < w.outputs.size(); ++k)
      std::copy(r.trajectories.begin() + static_cast<long>(k * nt),
                r.trajectories.begin() + static_cast<long>((k + 1) * nt),
                series[k].begin() + static_cast<long>(i * nt));
    if (ok)
      for (std::size_t s = 0; s < r.recist.per_scan.size(); ++s)
        scans[i * ns + s] = static_cast<double>(r.recist.per_scan[s]);
  }
  std::vector<Column> columns = {number_column("candidate_id", id), number_column("status", st),
                                 text_column("message", msg), number_column("best_response", best),
                                 text_column("best_response_text", best_text)};
  for (std::size_t k = 0; k < numbers.size(); ++k)
    columns.push_back(number_column(table[k].name, std::move(numbers[k])));
  w.outcomes->append(columns, n);
  for (std::size_t k = 0; k < w.outputs.size(); ++k) w.outputs[k]->append(series[k].data(), n);
  w.scan_response->append(scans.data(), n);
}

void TrialWriter::Impl::append_coupling(std::size_t a, const std::vector<CandidateResult>& batch) {
  Arm& w = arms[a];
  for (std::size_t t = 0; t < w.coupling.size(); ++t) {
    const std::vector<std::string>& names = spec.coupling.tables[t].columns;
    const std::size_t nc = names.size();
    std::vector<std::vector<double>> col(nc + 1);
    for (const CandidateResult& c : batch) {
      if (c.status != CandidateStatus::kPatient || c.arms[a].coupling_rows.size() <= t) continue;
      const std::vector<double>& rows = c.arms[a].coupling_rows[t];
      for (std::size_t r = 0; r + nc <= rows.size(); r += nc) {
        col[0].push_back(static_cast<double>(c.candidate));
        for (std::size_t k = 0; k < nc; ++k) col[k + 1].push_back(rows[r + k]);
      }
    }
    if (col[0].empty()) continue;
    std::vector<Column> columns = {number_column("candidate_id", col[0])};
    for (std::size_t k = 0; k < nc; ++k) columns.push_back(number_column(names[k], col[k + 1]));
    w.coupling[t]->append(columns, col[0].size());
  }
}

void TrialWriter::write_batch(const std::vector<CandidateResult>& batch) {
  silence_errors();
  const std::size_t n = batch.size();
  impl_->check_room_for(batch);
  impl_->append_patients(batch);
  for (std::size_t a = 0; a < impl_->arms.size(); ++a) {
    impl_->append_arm(a, batch);
    impl_->append_coupling(a, batch);
  }
  impl_->written += n;
  attr_int(impl_->file.get(), "n_candidates_written", static_cast<long long>(impl_->written));
  check(H5Fflush(impl_->file.get(), H5F_SCOPE_GLOBAL), "flush '" + impl_->path + "'");
}

namespace {

/// The values of /summary/arms by column name, one per arm.
std::map<std::string, std::vector<double>> arm_column_values(const TrialSummary& s) {
  std::map<std::string, std::vector<double>> col;
  for (const auto& a : s.arms) {
    col["n"].push_back(a.n);
    const char* labels[5] = {"CR", "PR", "SD", "PD", "NE"};
    for (int k = 0; k < 5; ++k) col[labels[k]].push_back(a.counts[static_cast<std::size_t>(k)]);
    col["orr"].push_back(a.orr.estimate);
    col["orr_lower"].push_back(a.orr.lower);
    col["orr_upper"].push_back(a.orr.upper);
    col["dcr"].push_back(a.dcr.estimate);
    col["dcr_lower"].push_back(a.dcr.lower);
    col["dcr_upper"].push_back(a.dcr.upper);
    col["median_pfs_day"].push_back(a.pfs.median);
    col["median_pfs_lower_day"].push_back(a.pfs.median_lower);
    col["median_pfs_upper_day"].push_back(a.pfs.median_upper);
    col["pfs_6_months"].push_back(a.pfs_6_months.estimate);
    col["pfs_6_months_lower"].push_back(a.pfs_6_months.lower);
    col["pfs_6_months_upper"].push_back(a.pfs_6_months.upper);
    col["pfs_12_months"].push_back(a.pfs_12_months.estimate);
    col["pfs_12_months_lower"].push_back(a.pfs_12_months.lower);
    col["pfs_12_months_upper"].push_back(a.pfs_12_months.upper);
    col["median_time_to_response_day"].push_back(a.median_time_to_response_day);
    col["median_duration_of_response_day"].push_back(a.duration_of_response.median);
    col["median_duration_of_response_lower_day"].push_back(a.duration_of_response.median_lower);
    col["median_duration_of_response_upper_day"].push_back(a.duration_of_response.median_upper);
    const KineticsSummary& kin = a.kinetics;
    const char* pct[5] = {"p10", "p25", "p50", "p75", "p90"};
    for (std::size_t i = 0; i < 5; ++i)
      col[std::string("first_scan_change_") + pct[i] + "_pct"].push_back(kin.first_scan_change_pct[i]);
    col["first_scan_grow_20_fraction"].push_back(kin.first_scan_grow_20);
    col["first_scan_shrink_30_fraction"].push_back(kin.first_scan_shrink_30);
    const char* rate[3] = {"p10", "p50", "p90"};
    for (std::size_t i = 0; i < 3; ++i) {
      col[std::string("tgi_g_") + rate[i] + "_per_day"].push_back(kin.g_per_day[i]);
      col[std::string("tgi_d_") + rate[i] + "_per_day"].push_back(kin.d_per_day[i]);
    }
    col["tgi_g_zero_fraction"].push_back(kin.g_zero);
    for (std::size_t i = 0; i < 3; ++i)
      col[std::string("tgr_pre_") + rate[i] + "_pct_per_month"].push_back(kin.tgr_pre_pct_per_month[i]);
    col["hyperprogression_fraction"].push_back(kin.hyperprogression);
    col["tgi_d_zero_fraction"].push_back(kin.d_zero);
    col["solver_failures"].push_back(a.solver_failures);
    col["progressed"].push_back(a.progressed);
    col["pd_new_lesion"].push_back(a.pd_new_lesion);
    col["pd_non_target"].push_back(a.pd_non_target);
    col["pfs_deaths"].push_back(a.pfs_deaths);
    col["ici_stopped"].push_back(a.ici_stopped);
    col["median_ici_stop_day"].push_back(a.median_ici_stop_day);
    col["progressed_after_stop"].push_back(a.progressed_after_stop);
    col["earliest_stop_analysed"].push_back(a.earliest_stop_analysed);
    col["earliest_stop_found"].push_back(a.earliest_stop_found);
    col["median_earliest_stop_day"].push_back(a.median_earliest_stop_day);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    col["median_os_day"].push_back(a.has_os ? a.os.median : nan);
    col["median_os_lower_day"].push_back(a.has_os ? a.os.median_lower : nan);
    col["median_os_upper_day"].push_back(a.has_os ? a.os.median_upper : nan);
    const std::pair<const char*, const stats::SurvivalAt*> landmarks[3] = {
        {"os_6_months", &a.os_6_months}, {"os_12_months", &a.os_12_months}, {"os_24_months", &a.os_24_months}};
    for (const auto& [key, value] : landmarks) {
      col[key].push_back(a.has_os ? value->estimate : nan);
      col[std::string(key) + "_lower"].push_back(a.has_os ? value->lower : nan);
      col[std::string(key) + "_upper"].push_back(a.has_os ? value->upper : nan);
    }
    auto site = [&](const std::string& k, const SiteSummary& x) {
      col["n_" + k].push_back(x.n);
      col["orr_" + k].push_back(x.orr.estimate);
      col["orr_" + k + "_lower"].push_back(x.orr.lower);
      col["orr_" + k + "_upper"].push_back(x.orr.upper);
      col["dcr_" + k].push_back(x.dcr.estimate);
    };
    site("in_field", a.in_field);
    site("out_of_field", a.out_of_field);
  }
  return col;
}

/// /summary/arms: one row per arm (counts, rates, PFS, timing, kinetics, sites).
void write_arm_table(hid_t group, const TrialSummary& s) {
  std::vector<std::string> name;
  for (const auto& a : s.arms) name.push_back(a.name);
  std::map<std::string, std::vector<double>> col = arm_column_values(s);
  std::vector<Column> columns = {text_column("arm", name)};
  for (const char* k : {"n",
                        "CR",
                        "PR",
                        "SD",
                        "PD",
                        "NE",
                        "orr",
                        "orr_lower",
                        "orr_upper",
                        "dcr",
                        "dcr_lower",
                        "dcr_upper",
                        "median_pfs_day",
                        "median_pfs_lower_day",
                        "median_pfs_upper_day",
                        "pfs_6_months",
                        "pfs_6_months_lower",
                        "pfs_6_months_upper",
                        "pfs_12_months",
                        "pfs_12_months_lower",
                        "pfs_12_months_upper",
                        "median_time_to_response_day",
                        "median_duration_of_response_day",
                        "median_duration_of_response_lower_day",
                        "median_duration_of_response_upper_day",
                        "first_scan_change_p10_pct",
                        "first_scan_change_p25_pct",
                        "first_scan_change_p50_pct",
                        "first_scan_change_p75_pct",
                        "first_scan_change_p90_pct",
                        "first_scan_grow_20_fraction",
                        "first_scan_shrink_30_fraction",
                        "tgi_g_p10_per_day",
                        "tgi_g_p50_per_day",
                        "tgi_g_p90_per_day",
                        "tgi_g_zero_fraction",
                        "tgi_d_p10_per_day",
                        "tgi_d_p50_per_day",
                        "tgi_d_p90_per_day",
                        "tgi_d_zero_fraction",
                        "tgr_pre_p10_pct_per_month",
                        "tgr_pre_p50_pct_per_month",
                        "tgr_pre_p90_pct_per_month",
                        "hyperprogression_fraction",
                        "solver_failures",
                        "progressed",
                        "pd_new_lesion",
                        "pd_non_target",
                        "pfs_deaths",
                        "ici_stopped",
                        "median_ici_stop_day",
                        "progressed_after_stop",
                        "earliest_stop_analysed",
                        "earliest_stop_found",
                        "median_earliest_stop_day",
                        "median_os_day",
                        "median_os_lower_day",
                        "median_os_upper_day",
                        "os_6_months",
                        "os_6_months_lower",
                        "os_6_months_upper",
                        "os_12_months",
                        "os_12_months_lower",
                        "os_12_months_upper",
                        "os_24_months",
                        "os_24_months_lower",
                        "os_24_months_upper",
                        "n_in_field",
                        "orr_in_field",
                        "orr_in_field_lower",
                        "orr_in_field_upper",
                        "dcr_in_field",
                        "n_out_of_field",
                        "orr_out_of_field",
                        "orr_out_of_field_lower",
                        "orr_out_of_field_upper",
                        "dcr_out_of_field"})
    columns.push_back(number_column(k, col[k]));
  compound_table(group, "arms", columns, name.size());
}

/// /summary/comparisons: one row per compared pair of arms (raw and adjusted p-values); the
/// summary group's attributes `comparisons` and `p_adjustment` say which pairs and how.
void write_comparison_table(hid_t group, const TrialSummary& s) {
  const ComparisonPlan& plan = s.comparison_plan;
  const std::size_t control = static_cast<std::size_t>(plan.control);
  attr_string(group, "comparisons",
              plan.all_pairs ? std::string("every pair of arms")
                             : "control " + (control < s.arms.size() ? s.arms[control].name : std::string("?")) +
                                   " against each other arm");
  attr_string(group, "p_adjustment",
              plan.holm ? "holm over " + std::to_string(s.comparisons.size()) + " comparison(s), per test" : "none");
  std::vector<std::string> first, second;
  std::map<std::string, std::vector<double>> c;
  for (const auto& x : s.comparisons) {
    first.push_back(x.first);
    second.push_back(x.second);
    c["n_pairs"].push_back(x.n_pairs);
    c["orr_difference"].push_back(x.orr_difference);
    c["responders_first_only"].push_back(x.responders_first_only);
    c["responders_second_only"].push_back(x.responders_second_only);
    c["mcnemar_p"].push_back(x.mcnemar_p);
    c["fisher_p"].push_back(x.fisher_p);
    c["logrank_chi_square"].push_back(x.pfs_log_rank.chi_square);
    c["logrank_p"].push_back(x.pfs_log_rank.p_value);
    const double nan = std::numeric_limits<double>::quiet_NaN();
    c["os_logrank_chi_square"].push_back(x.has_os ? x.os_log_rank.chi_square : nan);
    c["os_logrank_p"].push_back(x.has_os ? x.os_log_rank.p_value : nan);
    c["mcnemar_p_adjusted"].push_back(x.mcnemar_p_adjusted);
    c["fisher_p_adjusted"].push_back(x.fisher_p_adjusted);
    c["logrank_p_adjusted"].push_back(x.pfs_log_rank_p_adjusted);
    c["os_logrank_p_adjusted"].push_back(x.os_log_rank_p_adjusted);
  }
  std::vector<Column> cc = {text_column("first", first), text_column("second", second)};
  for (const char* k : {"n_pairs", "orr_difference", "responders_first_only", "responders_second_only", "mcnemar_p",
                        "fisher_p", "logrank_chi_square", "logrank_p", "os_logrank_chi_square", "os_logrank_p",
                        "mcnemar_p_adjusted", "fisher_p_adjusted", "logrank_p_adjusted", "os_logrank_p_adjusted"})
    cc.push_back(number_column(k, c[k]));
  compound_table(group, "comparisons", cc, first.size());
}

/// An upper bound on what write_summary adds: 4 KiB of headers per table and group, 8 bytes per
/// cell (rows counted at 128 cells: the arm table has about 80 columns, the others fewer; the
/// Kaplan-Meier tables 6).
std::size_t summary_bytes(const TrialSummary& s) {
  constexpr std::size_t kRowCells = 128;
  std::size_t tables = 4 + 3 * s.arms.size() + s.comparisons.size(),
              cells = kRowCells * (s.arms.size() + s.comparisons.size());
  for (const auto& g : s.subgroups) {
    tables += 2;
    cells += kRowCells * (g.rows.size() + g.effects.size() + g.interactions.size() + g.level_labels.size());
  }
  for (const auto& a : s.arms) cells += 6 * (a.pfs.time.size() + a.duration_of_response.time.size() + a.os.time.size());
  return 4096 * tables + 8 * cells;
}

/// /summary/pfs_kaplan_meier/<arm>, /summary/duration_of_response_kaplan_meier/<arm> and, with
/// overall survival, /summary/os_kaplan_meier/<arm>.
void write_kaplan_meier_tables(hid_t parent, const TrialSummary& s) {
  const bool os = std::any_of(s.arms.begin(), s.arms.end(), [](const ArmSummary& a) { return a.has_os; });
  for (const std::string group : {"pfs_kaplan_meier", "duration_of_response_kaplan_meier", "os_kaplan_meier"}) {
    if (group == "os_kaplan_meier" && !os) continue;
    Handle km(create_group(parent, group.c_str()), H5Gclose, "create " + group);
    for (const auto& a : s.arms) {
      const stats::KaplanMeier& curve = group[0] == 'p' ? a.pfs : (group[0] == 'd' ? a.duration_of_response : a.os);
      std::vector<double> at_risk(curve.at_risk.begin(), curve.at_risk.end()),
          events(curve.events.begin(), curve.events.end());
      compound_table(km.get(), a.name,
                     {number_column("time_day", curve.time), number_column("survival", curve.survival),
                      number_column("lower", curve.lower), number_column("upper", curve.upper),
                      number_column("at_risk", at_risk), number_column("events", events)},
                     curve.time.size());
    }
  }
}

}  // namespace

void TrialWriter::write_summary(const TrialSummary& s) {
  silence_errors();
  const hid_t root = impl_->file.get();
  check_room(root, impl_->path, "the summary", summary_bytes(s));
  Handle g(create_group(root, "summary"), H5Gclose, "create /summary");
  attr_int(g.get(), "n_candidates", static_cast<long long>(s.n_candidates));
  attr_int(g.get(), "n_plausible", static_cast<long long>(s.n_plausible));
  attr_int(g.get(), "n_not_a_patient", static_cast<long long>(s.n_not_a_patient));
  attr_int(g.get(), "n_initialisation_failures", static_cast<long long>(s.n_initialisation_failures));
  attr_int(g.get(), "n_patients", static_cast<long long>(s.n_patients));
  attr_double(g.get(), "wall_seconds", s.wall_seconds);
  write_arm_table(g.get(), s);
  write_comparison_table(g.get(), s);
  write_subgroup_tables(g.get(), s);
  write_kaplan_meier_tables(g.get(), s);
  attr_string(root, "run_status", s.completed ? "complete" : "interrupted");
  if (s.completed) attr_int(root, "is_complete", 1);
  check(H5Fflush(root, H5F_SCOPE_GLOBAL), "flush '" + impl_->path + "'");
}

Population read_population(const std::string& path, const ModelDefinition& model) {
  silence_errors();
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open population file '" + path + "'");
  if (H5Lexists(file.get(), "/population/values", H5P_DEFAULT) <= 0)
    throw Error(ErrorKind::kInput, "'" + path + "' holds no /population (write one with a trial run)");
  Population pop;
  {
    Handle set(H5Dopen2(file.get(), "/population/parameters", H5P_DEFAULT), H5Dclose, "open /population/parameters");
    Handle space(H5Dget_space(set.get()), H5Sclose, "get space");
    const hssize_t n = H5Sget_simple_extent_npoints(space.get());
    struct Row {
      char* name;
      char* unit;
      char* drug;
    };
    Handle str(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
    H5Tset_size(str.get(), H5T_VARIABLE);
    H5Tset_cset(str.get(), H5T_CSET_UTF8);
    // HDF5 reads a member the file lacks as whatever the buffer held (here a null pointer), so
    // each is checked: name and unit are required, drug (drug-specific PK) may be absent.
    Handle file_type(H5Dget_type(set.get()), H5Tclose, "type of /population/parameters");
    for (const char* required : {"name", "unit"})
      if (H5Tget_member_index(file_type.get(), required) < 0)
        throw Error(ErrorKind::kInput, "population file '" + path + "': /population/parameters has no column '" +
                                           required + "' (not a population written by vct run)");
    Handle type(H5Tcreate(H5T_COMPOUND, sizeof(Row)), H5Tclose, "compound type");
    H5Tinsert(type.get(), "name", HOFFSET(Row, name), str.get());
    H5Tinsert(type.get(), "unit", HOFFSET(Row, unit), str.get());
    if (H5Tget_member_index(file_type.get(), "drug") >= 0) H5Tinsert(type.get(), "drug", HOFFSET(Row, drug), str.get());
    std::vector<Row> rows(static_cast<std::size_t>(n));
    check(H5Dread(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, rows.data()), "read /population/parameters");
    auto text = [](const char* s) { return std::string(s ? s : ""); };
    for (const auto& r : rows) {
      pop.parameters.push_back(text(r.name));
      pop.units.push_back(text(r.unit));
      pop.drug.push_back(text(r.drug));
    }
    H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, rows.data());
  }
  Handle set(H5Dopen2(file.get(), "/population/values", H5P_DEFAULT), H5Dclose, "open /population/values");
  Handle space(H5Dget_space(set.get()), H5Sclose, "get space");
  const int rank = H5Sget_simple_extent_ndims(space.get());
  hsize_t dims[2] = {0, 0};
  if (rank == 2) H5Sget_simple_extent_dims(space.get(), dims, nullptr);
  if (rank != 2 || dims[0] == 0 || dims[1] != pop.parameters.size())
    throw Error(ErrorKind::kInput, "population file '" + path +
                                       "': /population/values: expected a table of candidates x " +
                                       std::to_string(pop.parameters.size()) +
                                       " parameters (one column per row of /population/parameters), found " +
                                       (rank == 2 ? std::to_string(dims[0]) + " x " + std::to_string(dims[1])
                                                  : std::to_string(rank) + " dimension(s)"));
  pop.values.resize(dims[0] * dims[1]);
  pop.n = dims[0];
  if (!pop.values.empty())
    check(H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, pop.values.data()),
          "read /population/values");
  long long seed = 0;
  Handle group(H5Gopen2(file.get(), "/population", H5P_DEFAULT), H5Gclose, "open /population");
  if (H5Aexists(group.get(), "seed") > 0) {
    Handle attr(H5Aopen(group.get(), "seed", H5P_DEFAULT), H5Aclose, "open seed");
    H5Aread(attr.get(), H5T_NATIVE_LLONG, &seed);
  }
  pop.seed = static_cast<std::uint64_t>(seed);
  try {
    resolve_columns(model, pop);
  } catch (const Error& e) {
    throw Error(ErrorKind::kInput, "population file '" + path + "': " + e.what());
  }
  return pop;
}

}  // namespace vct::io
