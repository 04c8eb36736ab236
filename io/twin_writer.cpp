// SPDX-License-Identifier: MIT
#include "io/twin_writer.hpp"

#include "io/hdf5_util.hpp"

namespace vct::io {

using namespace h5;

namespace {

std::string law_text(const ParameterDistribution& d) {
  char text[160];
  switch (d.kind) {
    case DistributionKind::kLogNormal:
      std::snprintf(text, sizeof text, "lognormal(median %.6g, sigma %.6g)", d.median, d.sigma);
      break;
    case DistributionKind::kNormal:
      std::snprintf(text, sizeof text, "normal(mean %.6g, sd %.6g)", d.mean, d.sd);
      break;
    case DistributionKind::kUniform:
    case DistributionKind::kLogUniform:
      std::snprintf(text, sizeof text, "%s(%.6g, %.6g)", to_string(d.kind), d.lower, d.upper);
      break;
    case DistributionKind::kFixed:
      std::snprintf(text, sizeof text, "fixed(%.6g)", d.value);
      break;
  }
  return text;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "\n") + l;
  return out;
}

void write_parameters(hid_t g, const PatientFit& fit) {
  std::vector<std::string> name, unit, prior;
  std::vector<double> median, prior_lower, prior_upper, z, sd_z, value, lower, upper, informed;
  for (const auto& p : fit.parameters) {
    name.push_back(p.name);
    unit.push_back(p.unit);
    prior.push_back(law_text(p.prior));
    median.push_back(p.prior_median);
    prior_lower.push_back(p.prior_lower);
    prior_upper.push_back(p.prior_upper);
    z.push_back(p.z);
    sd_z.push_back(p.sd_z);
    value.push_back(p.value);
    lower.push_back(p.lower);
    upper.push_back(p.upper);
    informed.push_back(p.informed ? 1.0 : 0.0);
  }
  compound_table(g, "parameters",
                 {text_column("name", name), text_column("unit", unit), text_column("prior", prior),
                  number_column("prior_median", median), number_column("prior_lower", prior_lower),
                  number_column("prior_upper", prior_upper), number_column("z", z), number_column("sd_z", sd_z),
                  number_column("estimate", value), number_column("lower", lower), number_column("upper", upper),
                  number_column("informed", informed)},
                 name.size());
}

void write_scans(hid_t g, const Scenario& s, const PatientFit& fit) {
  std::vector<std::string> lesion;
  std::vector<double> day, observed, predicted, sd, standardised;
  for (const auto& r : fit.scans) {
    day.push_back(r.scan.day);
    lesion.push_back(s.lesion_names.at(static_cast<std::size_t>(r.scan.lesion)));
    observed.push_back(r.scan.diameter_mm);
    predicted.push_back(r.predicted_mm);
    sd.push_back(r.sd_mm);
    standardised.push_back(r.standardised);
  }
  compound_table(g, "scans",
                 {number_column("day", day), text_column("lesion", lesion), number_column("observed_mm", observed),
                  number_column("predicted_mm", predicted), number_column("sd_mm", sd),
                  number_column("standardised_residual", standardised)},
                 day.size());
}

}  // namespace

namespace {

void write_fit_group(hid_t root, const Scenario& scenario, const PatientFit& fit) {
  Handle group(create_group(root, "fit"), H5Gclose, "create /fit");
  const hid_t g = group.get();
  attr_string(g, "method", "maximum a posteriori (NLopt subplex on the prior's standard normal scale), Laplace");
  attr_string(g, "result", fit.result);
  attr_string(g, "arm", scenario.fit.arm.name);
  attr_int(g, "evaluations", fit.evaluations);
  attr_double(g, "negative_log_posterior", fit.negative_log_posterior);
  attr_double(g, "negative_log_likelihood", fit.negative_log_likelihood);
  attr_double(g, "error_additive_mm", scenario.observations.error.additive_mm);
  attr_double(g, "error_proportional", scenario.observations.error.proportional);
  attr_double(g, "wall_seconds", fit.wall_seconds);
  attr_string(g, "warnings", joined(fit.warnings));
  write_parameters(g, fit);
  write_scans(g, scenario, fit);
  attr_double(g, "error_lymphocyte_log_sd", scenario.observations.error.lymphocyte_log_sd);
  if (!fit.lymphocytes.empty()) {
    std::vector<double> day, observed, predicted, standardised;
    for (const auto& r : fit.lymphocytes) {
      day.push_back(r.count.day);
      observed.push_back(r.count.per_uL);
      predicted.push_back(r.predicted_per_uL);
      standardised.push_back(r.standardised);
    }
    compound_table(g, "lymphocytes",
                   {number_column("day", day), number_column("observed_per_uL", observed),
                    number_column("predicted_per_uL", predicted), number_column("standardised_residual", standardised)},
                   day.size());
  }
  const auto k = static_cast<hsize_t>(fit.covariance_z.rows());
  if (k > 0) {
    AppendableMatrix m(g, "covariance_z", k, "1 (prior standard normal scale)",
                       "Laplace covariance of the fitted parameters on the z scale, in /fit/parameters order");
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = fit.covariance_z;
    m.append(rows.data(), k);
  }
}

/// A [series][time] band as a [time][series] matrix.
void write_band(hid_t g, const char* name, const std::vector<double>& band, std::size_t series, const char* what) {
  const std::size_t nt = series ? band.size() / series : 0;
  std::vector<double> rows(band.size());
  for (std::size_t l = 0; l < series; ++l)
    for (std::size_t i = 0; i < nt; ++i) rows[i * series + l] = band[l * nt + i];
  AppendableMatrix m(g, name, series, "mm", what);
  m.append(rows.data(), nt);
}

void write_arm_table(hid_t g, const PatientPrediction& p) {
  std::vector<std::string> name;
  std::vector<std::vector<double>> best(5);
  std::vector<double> draws, no_baseline, failed, response, progression, pfs, pfs_lower, pfs_upper;
  for (const auto& a : p.arms) {
    name.push_back(a.arm);
    for (std::size_t r = 0; r < 5; ++r) best[r].push_back(a.best_response[r]);
    draws.push_back(a.draws);
    no_baseline.push_back(a.no_baseline);
    failed.push_back(a.failed);
    response.push_back(a.p_response);
    progression.push_back(a.p_progression);
    pfs.push_back(a.pfs_median_day);
    pfs_lower.push_back(a.pfs_lower_day);
    pfs_upper.push_back(a.pfs_upper_day);
  }
  compound_table(g, "arms",
                 {text_column("arm", name), number_column("draws", draws), number_column("no_baseline", no_baseline),
                  number_column("failed", failed), number_column("p_CR", best[0]), number_column("p_PR", best[1]),
                  number_column("p_SD", best[2]), number_column("p_PD", best[3]), number_column("p_NE", best[4]),
                  number_column("p_response", response), number_column("p_progression", progression),
                  number_column("pfs_median_day", pfs), number_column("pfs_lower_day", pfs_lower),
                  number_column("pfs_upper_day", pfs_upper)},
                 name.size());
}

void write_prediction_group(hid_t root, const Scenario& s, const PatientPrediction& p) {
  Handle group(create_group(root, "predict"), H5Gclose, "create /predict");
  const hid_t g = group.get();
  attr_string(g, "method",
              "draws from the fit's Laplace posterior on the prior's standard normal scale, each simulated under every "
              "arm; bands are quantiles over the draws");
  attr_int(g, "samples", p.z.rows());
  attr_double(g, "interval", p.interval);
  attr_int(g, "seed", static_cast<long long>(p.seed));
  attr_double(g, "horizon_day", s.horizon_day);
  attr_double(g, "wall_seconds", p.wall_seconds);
  attr_string(g, "warnings", joined(p.warnings));
  std::string names;
  for (const auto& l : s.lesion_names) names += l + ",";
  attr_string(g, "series", names + "sum");
  write_arm_table(g, p);
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> z = p.z;
  AppendableMatrix draws(g, "z", static_cast<hsize_t>(z.cols()), "1 (prior standard normal scale)",
                         "posterior draws of the fitted parameters, in /fit/parameters order");
  draws.append(z.data(), static_cast<hsize_t>(z.rows()));
  for (std::size_t a = 0; a < p.arms.size(); ++a) {
    const ArmPrediction& arm = p.arms[a];
    Handle sub(create_group(g, "arm_" + std::to_string(a)), H5Gclose, "create /predict/arm_" + std::to_string(a));
    const hid_t h = sub.get();
    attr_string(h, "name", arm.arm);
    dataset_vector(h, "day", arm.days, "day");
    const std::size_t series = s.lesion_names.size() + 1;
    if (arm.median_mm.empty()) continue;  // every draw failed
    write_band(h, "median_mm", arm.median_mm, series, "median diameter over the draws, per series (lesions, sum)");
    write_band(h, "lower_mm", arm.lower_mm, series, "lower end of the diameter's prediction interval");
    write_band(h, "upper_mm", arm.upper_mm, series, "upper end of the diameter's prediction interval");
    write_band(h, "scan_lower_mm", arm.scan_lower_mm, series,
               "lower end of a scan's prediction interval (with measurement error)");
    write_band(h, "scan_upper_mm", arm.scan_upper_mm, series,
               "upper end of a scan's prediction interval (with measurement error)");
  }
}

Handle create_file(const std::string& path) {
  silence_errors();
  return Handle(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create '" + path + "'");
}

void finish(hid_t root, const std::string& path) {
  attr_int(root, "is_complete", 1);
  check(H5Fflush(root, H5F_SCOPE_GLOBAL), "flush '" + path + "'");
}

void write_check_tables(hid_t g, const Scenario& s, const TwinCheck& c) {
  std::vector<double> rmse = c.rmse_z, correlation = c.correlation, coverage = c.coverage;
  compound_table(g, "parameters",
                 {text_column("name", c.parameters), number_column("rmse_z", rmse),
                  number_column("correlation", correlation), number_column("coverage", coverage)},
                 c.parameters.size());
  std::vector<Column> columns;
  std::vector<double> index;
  for (std::size_t j = 0; j < c.patients.size(); ++j) index.push_back(static_cast<double>(j));
  columns.push_back(number_column("patient", index));
  for (std::size_t q = 0; q < c.parameters.size(); ++q) {
    std::vector<double> truth, estimate, sd;
    for (const auto& p : c.patients) {
      truth.push_back(p.true_z[q]);
      estimate.push_back(p.estimate_z[q]);
      sd.push_back(p.sd_z[q]);
    }
    columns.push_back(number_column(c.parameters[q] + "_true_z", truth));
    columns.push_back(number_column(c.parameters[q] + "_estimate_z", estimate));
    columns.push_back(number_column(c.parameters[q] + "_sd_z", sd));
  }
  compound_table(g, "patients", columns, c.patients.size());
  std::vector<std::string> lesion;
  std::vector<double> patient, day, truth, observed, median, lower, upper, held_out;
  for (std::size_t j = 0; j < c.patients.size(); ++j) {
    const SyntheticPatient& p = c.patients[j];
    for (std::size_t k = 0; k < p.scans.size(); ++k) {
      patient.push_back(static_cast<double>(j));
      day.push_back(p.scans[k].day);
      lesion.push_back(s.lesion_names.at(static_cast<std::size_t>(p.scans[k].lesion)));
      truth.push_back(p.true_mm[k]);
      observed.push_back(p.scans[k].diameter_mm);
      median.push_back(p.median_mm[k]);
      lower.push_back(p.lower_mm[k]);
      upper.push_back(p.upper_mm[k]);
      held_out.push_back(p.scans[k].day > c.cutoff_day ? 1.0 : 0.0);
    }
  }
  compound_table(g, "scans",
                 {number_column("patient", patient), number_column("day", day), text_column("lesion", lesion),
                  number_column("true_mm", truth), number_column("observed_mm", observed),
                  number_column("held_out", held_out), number_column("median_mm", median),
                  number_column("scan_lower_mm", lower), number_column("scan_upper_mm", upper)},
                 day.size());
}

}  // namespace

void write_fit_file(const std::string& path, const ModelDefinition& model, const Scenario& scenario,
                    const RunInfo& info, const PatientFit& fit) {
  Handle file = create_file(path);
  write_provenance(file.get(), model, scenario, info);
  attr_string(file.get(), "kind", "patient_fit");
  write_fit_group(file.get(), scenario, fit);
  finish(file.get(), path);
}

void write_prediction_file(const std::string& path, const ModelDefinition& model, const Scenario& scenario,
                           const RunInfo& info, const PatientFit& fit, const PatientPrediction& prediction) {
  Handle file = create_file(path);
  write_provenance(file.get(), model, scenario, info);
  attr_string(file.get(), "kind", "patient_prediction");
  write_fit_group(file.get(), scenario, fit);
  write_prediction_group(file.get(), scenario, prediction);
  finish(file.get(), path);
}

}  // namespace vct::io

namespace vct::io {

void write_twin_check_file(const std::string& path, const ModelDefinition& model, const Scenario& scenario,
                           const RunInfo& info, const TwinCheck& check, const TwinCheckSettings& settings) {
  Handle file = create_file(path);
  const hid_t root = file.get();
  write_provenance(root, model, scenario, info);
  attr_string(root, "kind", "twin_check");
  Handle group(create_group(root, "twin_check"), H5Gclose, "create /twin_check");
  const hid_t g = group.get();
  attr_string(
      g, "method",
      std::string("synthetic patients: ") +
          (settings.vary_all ? "every parameter with a population law drawn from it"
                             : "the fitted parameters drawn from the prior, the others at the population medians") +
          "; scans with the patient file's error model, fitted on the scans up to cutoff_day, predicted after it");
  attr_int(g, "vary_all", settings.vary_all ? 1 : 0);
  attr_int(g, "patients", static_cast<long long>(check.patients.size()));
  attr_int(g, "seed", static_cast<long long>(settings.seed));
  attr_int(g, "samples", settings.samples);
  attr_double(g, "cutoff_day", check.cutoff_day);
  attr_double(g, "interval", check.interval);
  attr_int(g, "held_out_scans", check.held_out);
  attr_double(g, "scan_coverage", check.scan_coverage);
  attr_double(g, "wall_seconds", check.wall_seconds);
  write_check_tables(g, scenario, check);
  finish(root, path);
}

}  // namespace vct::io
