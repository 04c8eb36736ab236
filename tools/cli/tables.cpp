// SPDX-License-Identifier: MIT
// vct command line: `vct merge` and the model tables (`models`, `params`, `states`, `drugs`).
#include <cmath>
#include <cstdio>
#include <string>

#include "app/run_scenario.hpp"
#include "io/scenario/loader.hpp"
#include "io/trial_merge.hpp"
#include "io/trial_writer.hpp"
#include "models/registry.hpp"
#include "tools/cli/commands.hpp"
#include "tools/cli/summary.hpp"

namespace vct::cli {
namespace {

std::string bound_text(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char text[64];
  std::snprintf(text, sizeof text, "%g", v);
  return text;
}

}  // namespace

int cmd_table(const std::string& what, const std::string& model_name) {
  const ModelDefinition& model = models::get_model(model_name);
  if (what == "params") {
    std::printf("| name | unit | default | bounds | description | source |\n|---|---|---|---|---|---|\n");
    for (const auto& p : model.parameters())
      std::printf("| %s | %s | %.6g | %s%s, %s] | %s | %s |\n", p.name.c_str(), p.unit.c_str(), p.value,
                  p.lower_open ? "(" : "[", bound_text(p.lower).c_str(), bound_text(p.upper).c_str(),
                  p.description.c_str(), p.source.c_str());
  } else if (what == "states") {
    std::printf("| # | name | unit | compartment | description |\n|---|---|---|---|---|\n");
    int i = 0;
    for (const auto& s : model.states())
      std::printf("| %d | %s | %s | %s | %s |\n", i++, s.name.c_str(), s.unit.c_str(), s.compartment.c_str(),
                  s.description.c_str());
  } else {
    std::printf("| drug | slot | molecular weight (mg/mol) | PK source |\n|---|---|---|---|\n");
    for (const auto& d : model.drugs())
      std::printf("| %s | %s | %.6g | %s |\n", d.name.c_str(), d.slot.c_str(), d.molecular_weight_mg_per_mol,
                  d.source.c_str());
  }
  return kOk;
}

int cmd_merge(const std::string& output) {
  const auto parts = io::list_parts(output);
  if (parts.empty()) {
    std::fprintf(stderr, "vct: no part files in %s.parts\n", output.c_str());
    return kInputError;
  }
  io::require_readable_parts(parts);  // before the first part's scenario is read
  const std::string resolved = io::read_resolved_scenario(parts.front());
  const io::LoadedScenario loaded = io::load_scenario_text(resolved, parts.front() + ":/scenario/resolved");
  const ModelDefinition& model = models::get_model(loaded.scenario.model);
  TrialSpec spec = build_trial_spec(model, loaded.scenario, 1);
  spec.population = io::read_population(parts.front(), model);
  const io::RunInfo info = make_run_info(process().command_line, parts.front(), resolved, resolved);
  const TrialSummary summary = io::merge_trial_parts(parts, spec, loaded.scenario, info, output);
  print_trial_summary(summary, output);
  if (!summary.completed) {
    std::fprintf(stderr, "vct: %s is incomplete (parts kept): finish it with mpirun ... vct run --resume\n",
                 output.c_str());
    return kInterrupted;
  }
  io::remove_merged_parts(output);
  return kOk;
}

int cmd_models() {
  for (const auto& name : models::model_names()) {
    const auto& m = models::get_model(name);
    std::printf("%-22s %3d states %4zu parameters  %s\n", name.c_str(), m.n_states(), m.parameters().size(),
                m.title().c_str());
  }
  return kOk;
}

}  // namespace vct::cli
