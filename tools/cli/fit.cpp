// SPDX-License-Identifier: MIT
// vct command line: `vct fit`, one patient's parameters from their scans (app/twin.hpp, docs/twin.md).
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "app/parameter_source.hpp"
#include "app/run_scenario.hpp"
#include "app/twin.hpp"
#include "app/twin_check.hpp"
#include "io/twin_writer.hpp"
#include "models/registry.hpp"
#include "tools/cli/commands.hpp"

namespace vct::cli {

namespace {

void print_fit(const PatientFit& fit, const Scenario& s) {
  std::printf("Maximum a posteriori: %d model evaluations (%s), %.1f s; -log posterior %.3f, -log likelihood %.3f\n\n",
              fit.evaluations, fit.result.c_str(), fit.wall_seconds, fit.negative_log_posterior,
              fit.negative_log_likelihood);
  std::printf("%-26s %-14s %32s %32s %9s\n", "parameter", "unit", "prior median (90 % interval)",
              "estimate (90 % interval)", "sd ratio");
  for (const auto& p : fit.parameters) {
    char prior[64], post[64];
    std::snprintf(prior, sizeof prior, "%.4g (%.3g-%.3g)", p.prior_median, p.prior_lower, p.prior_upper);
    if (std::isnan(p.sd_z))
      std::snprintf(post, sizeof post, "%.4g (-)", p.value);
    else
      std::snprintf(post, sizeof post, "%.4g (%.3g-%.3g)", p.value, p.lower, p.upper);
    std::printf("%-26s %-14s %32s %32s %9.2f%s\n", p.name.c_str(), p.unit.c_str(), prior, post, p.sd_z,
                p.informed ? "" : "  (barely informed)");
  }
  std::printf("\n%8s %-16s %12s %12s %8s %8s\n", "day", "lesion", "observed mm", "fitted mm", "sd mm", "z");
  for (const auto& r : fit.scans)
    std::printf("%8g %-16s %12.1f %12.1f %8.2f %8.2f\n", r.scan.day,
                s.lesion_names.at(static_cast<std::size_t>(r.scan.lesion)).c_str(), r.scan.diameter_mm, r.predicted_mm,
                r.sd_mm, r.standardised);
  if (!fit.lymphocytes.empty())
    std::printf("\n%8s %-16s %12s %12s %8s\n", "day", "lymphocytes", "observed/uL", "fitted/uL", "z (log)");
  for (const auto& r : fit.lymphocytes)
    std::printf("%8g %-16s %12.0f %12.0f %8.2f\n", r.count.day, "blood", r.count.per_uL, r.predicted_per_uL,
                r.standardised);
  if (!fit.warnings.empty()) std::printf("\n");
  for (const auto& w : fit.warnings) std::printf("warning: %s\n", w.c_str());
}

void print_prediction(const PatientPrediction& p, const Scenario& s) {
  const int pct = static_cast<int>(std::lround(100.0 * p.interval));
  std::printf("\nPredictions: %ld posterior draws per arm, to day %g, %.1f s; %d %% intervals\n\n",
              static_cast<long>(p.z.rows()), s.horizon_day, p.wall_seconds, pct);
  std::printf("%-20s %6s %6s %6s %6s %6s %9s %11s %26s\n", "arm", "P(CR)", "P(PR)", "P(SD)", "P(PD)", "P(NE)",
              "P(resp.)", "P(progr.)", "median PFS, days (interval)");
  for (const auto& a : p.arms) {
    const auto day = [](double d) { return std::isnan(d) ? std::string(">horizon") : std::to_string(std::lround(d)); };
    const std::string pfs = day(a.pfs_median_day) + " (" + day(a.pfs_lower_day) + "-" + day(a.pfs_upper_day) + ")";
    std::printf("%-20s %6.2f %6.2f %6.2f %6.2f %6.2f %9.2f %11.2f %26s\n", a.arm.c_str(), a.best_response[0],
                a.best_response[1], a.best_response[2], a.best_response[3], a.best_response[4], a.p_response,
                a.p_progression, pfs.c_str());
  }
  const std::size_t series = s.lesion_names.size();  // the sum of diameters
  std::printf("\nSum of diameters, mm: median (%d %% interval of a scan)\n%-20s", pct, "day");
  std::vector<double> show;
  for (double d : {0.0, 0.25, 0.5, 0.75, 1.0}) show.push_back(std::round(d * s.horizon_day));
  for (double d : show) std::printf(" %18g", d);
  std::printf("\n");
  for (const auto& a : p.arms) {
    std::printf("%-20s", a.arm.c_str());
    const std::size_t nt = a.days.size();
    for (double d : show) {
      std::size_t i = 0;
      while (i + 1 < nt && a.days[i] < d) ++i;
      char cell[40] = "-";
      if (!a.median_mm.empty())
        std::snprintf(cell, sizeof cell, "%.0f (%.0f-%.0f)", a.median_mm[series * nt + i],
                      a.scan_lower_mm[series * nt + i], a.scan_upper_mm[series * nt + i]);
      std::printf(" %18s", cell);
    }
    std::printf("\n");
  }
  if (!p.warnings.empty()) std::printf("\n");
  for (const auto& w : p.warnings) std::printf("warning: %s\n", w.c_str());
}

/// Loads a patient file with the run's parameter values; false (after the message) when it lacks
/// the block the command needs (`fit` or `predict`).
bool load_patient(const FitArgs& a, const char* block, ParameterSource& source, io::LoadedScenario& loaded) {
  loaded = load_for_run(a.patient_path, a.calibration_path, a.published, source);
  const Scenario& s = loaded.scenario;
  if (std::string(block) == "predict" ? s.predict.enabled : s.fit.enabled) return true;
  std::fprintf(stderr, "vct: %s has no `%s` block; docs/twin.md describes a patient file\n", a.patient_path.c_str(),
               block);
  return false;
}

io::RunInfo patient_run_info(const FitArgs& a, const io::LoadedScenario& loaded, const ParameterSource& source) {
  return make_run_info(process().command_line, a.patient_path, loaded, source.calibration_path,
                       source.calibration_text);
}

}  // namespace

int cmd_fit(const FitArgs& a) {
  ParameterSource source;
  io::LoadedScenario loaded;
  if (!load_patient(a, "fit", source, loaded)) return kUsage;
  const Scenario& s = loaded.scenario;
  const ModelDefinition& model = models::get_model(s.model);
  if (!a.quiet)
    std::printf("Patient fit: model %s, %zu scans, treatment '%s'; prior from population %s; parameters %s\n",
                model.id().c_str(), s.observations.scans.size(), s.fit.arm.name.c_str(),
                s.population.preset.empty() ? "(explicit laws)" : s.population.preset.c_str(), source.label.c_str());
  const PatientFit fit = fit_patient(model, s);
  const std::string output = a.output.empty() ? s.output_file : a.output;
  io::write_fit_file(output, model, s, patient_run_info(a, loaded, source), fit);
  if (!a.quiet) {
    print_fit(fit, s);
    std::printf("\nThe fit: %s (/fit)\n", output.c_str());
  }
  return kOk;
}

int cmd_predict(const FitArgs& a) {
  ParameterSource source;
  io::LoadedScenario loaded;
  if (!load_patient(a, "predict", source, loaded)) return kUsage;
  const Scenario& s = loaded.scenario;
  const ModelDefinition& model = models::get_model(s.model);
  if (!a.quiet)
    std::printf("Patient prediction: model %s, %zu scans, treatment so far '%s', %zu arm(s); parameters %s\n",
                model.id().c_str(), s.observations.scans.size(), s.fit.arm.name.c_str(), s.predict.arms.size(),
                source.label.c_str());
  const PatientFit fit = fit_patient(model, s);
  const PatientPrediction prediction = predict_patient(model, s, fit, a.threads);
  const std::string output = a.output.empty() ? s.output_file : a.output;
  io::write_prediction_file(output, model, s, patient_run_info(a, loaded, source), fit, prediction);
  if (!a.quiet) {
    print_fit(fit, s);
    print_prediction(prediction, s);
    std::printf("\nThe fit and predictions: %s (/fit, /predict)\n", output.c_str());
  }
  return kOk;
}

int cmd_twin_check(const TwinCheckArgs& a) {
  ParameterSource source;
  io::LoadedScenario loaded;
  if (!load_patient(a.fit, "fit", source, loaded)) return kUsage;
  const Scenario& s = loaded.scenario;
  const ModelDefinition& model = models::get_model(s.model);
  TwinCheckSettings settings;
  settings.patients = a.patients;
  settings.fit_scans = a.fit_scans;
  settings.samples = a.samples;
  settings.seed = static_cast<std::uint64_t>(a.seed);
  settings.threads = a.fit.threads;
  settings.vary_all = a.vary_all;
  if (!a.fit.quiet)
    std::printf(
        "Synthetic-patient check of %s: %d patients (seed %llu; truth varies %s), treatment '%s', %d draws each; "
        "parameters %s\n",
        a.fit.patient_path.c_str(), settings.patients, static_cast<unsigned long long>(settings.seed),
        settings.vary_all ? "every parameter with a population law" : "the fitted parameters", s.fit.arm.name.c_str(),
        settings.samples, source.label.c_str());
  const TwinCheck check = check_twin(model, s, settings);
  const std::string output = a.fit.output.empty() ? s.output_file : a.fit.output;
  io::write_twin_check_file(output, model, s, patient_run_info(a.fit, loaded, source), check, settings);
  if (a.fit.quiet) return kOk;
  const int pct = static_cast<int>(std::lround(100.0 * check.interval));
  std::printf("Fitted on the scans to day %g, predicted after it; %.1f s\n\n", check.cutoff_day, check.wall_seconds);
  std::printf("%-26s %12s %12s %26s\n", "parameter", "RMSE (z)", "correlation", "truth in the 90 % interval");
  for (std::size_t q = 0; q < check.parameters.size(); ++q)
    std::printf("%-26s %12.2f %12.2f %26.2f\n", check.parameters[q].c_str(), check.rmse_z[q], check.correlation[q],
                check.coverage[q]);
  std::printf("\nHeld-out scans inside their %d %% prediction interval: %.2f of %d (nominal %.2f)\n", pct,
              check.scan_coverage, check.held_out, check.interval);
  std::printf("\nThe check: %s (/twin_check)\n", output.c_str());
  return kOk;
}

}  // namespace vct::cli
