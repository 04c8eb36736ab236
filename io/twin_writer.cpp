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

void write_fit_file(const std::string& path, const ModelDefinition& model, const Scenario& scenario,
                    const RunInfo& info, const PatientFit& fit) {
  silence_errors();
  Handle file(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose, "create '" + path + "'");
  const hid_t root = file.get();
  write_provenance(root, model, scenario, info);
  attr_string(root, "kind", "patient_fit");
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
  std::string warnings;
  for (const auto& w : fit.warnings) warnings += (warnings.empty() ? "" : "\n") + w;
  attr_string(g, "warnings", warnings);
  write_parameters(g, fit);
  write_scans(g, scenario, fit);
  const auto k = static_cast<hsize_t>(fit.covariance_z.rows());
  if (k > 0) {
    AppendableMatrix m(g, "covariance_z", k, "1 (prior standard normal scale)",
                       "Laplace covariance of the fitted parameters on the z scale, in /fit/parameters order");
    const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> rows = fit.covariance_z;
    m.append(rows.data(), k);
  }
  attr_int(root, "is_complete", 1);
  check(H5Fflush(root, H5F_SCOPE_GLOBAL), "flush '" + path + "'");
}

}  // namespace vct::io
