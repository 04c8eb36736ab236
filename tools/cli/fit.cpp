// SPDX-License-Identifier: MIT
// vct command line: `vct fit`, one patient's parameters from their scans (app/twin.hpp, docs/twin.md).
#include <cmath>
#include <cstdio>
#include <string>

#include "app/parameter_source.hpp"
#include "app/run_scenario.hpp"
#include "app/twin.hpp"
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
  if (!fit.warnings.empty()) std::printf("\n");
  for (const auto& w : fit.warnings) std::printf("warning: %s\n", w.c_str());
}

}  // namespace

int cmd_fit(const FitArgs& a) {
  ParameterSource source;
  const io::LoadedScenario loaded = load_for_run(a.patient_path, a.calibration_path, a.published, source);
  const Scenario& s = loaded.scenario;
  if (!s.fit.enabled) {
    std::fprintf(stderr, "vct: %s has no `fit` block; docs/twin.md describes a patient file\n", a.patient_path.c_str());
    return kUsage;
  }
  const ModelDefinition& model = models::get_model(s.model);
  if (!a.quiet)
    std::printf("Patient fit: model %s, %zu scans, treatment '%s'; prior from population %s; parameters %s\n",
                model.id().c_str(), s.observations.scans.size(), s.fit.arm.name.c_str(),
                s.population.preset.empty() ? "(explicit laws)" : s.population.preset.c_str(), source.label.c_str());
  const PatientFit fit = fit_patient(model, s);
  const std::string output = a.output.empty() ? s.output_file : a.output;
  io::write_fit_file(
      output, model, s,
      make_run_info(process().command_line, a.patient_path, loaded, source.calibration_path, source.calibration_text),
      fit);
  if (!a.quiet) {
    print_fit(fit, s);
    std::printf("\nThe fit: %s (/fit)\n", output.c_str());
  }
  return kOk;
}

}  // namespace vct::cli
