// SPDX-License-Identifier: MIT
// Scenario loader: `subgroups`, the biomarker subgroup analyses of a trial (docs/biomarkers.md).
#include <cmath>

#include "io/scenario/parts.hpp"
#include "io/scenario/schema.hpp"

namespace vct::io::detail {

namespace {

/// Whether the model offers the PD-L1 TPS read-out (core/biomarkers.hpp).
bool offers_tps(const ModelDefinition& model) {
  const ResolvedModel& r = model.resolved();
  return r.pdl1_per_cell_output >= 0 && r.tps_threshold_parameter >= 0 && r.tps_cell_log_sd_parameter >= 0;
}

std::vector<double> load_cuts(Validator& v, const YAML::Node& item, const std::string& path) {
  std::vector<double> cuts;
  const YAML::Node list = item["cuts"];
  if (!list) {
    v.problem(item, path + ".cuts", "missing required key 'cuts'");
    return cuts;
  }
  if (!list.IsSequence() || list.size() == 0) {
    v.problem(list, path + ".cuts", "expected a non-empty list of cut points, found " + describe(list));
    return cuts;
  }
  for (std::size_t k = 0; k < list.size(); ++k) {
    const std::string where = path + ".cuts[" + std::to_string(k) + "]";
    double c = 0.0;
    if (!Validator::parse_number(list[k], c) || !std::isfinite(c)) {
      v.problem(list[k], where, "expected a number, found " + describe(list[k]));
      continue;
    }
    if (!cuts.empty() && !(c > cuts.back()))
      v.problem(list[k], where,
                "expected cut points in increasing order, found " + format_number(c) + " after " +
                    format_number(cuts.back()));
    cuts.push_back(c);
  }
  return cuts;
}

}  // namespace

bool model_offers_tps(const ModelDefinition* model) { return model && offers_tps(*model); }

void load_subgroups(Validator& v, const YAML::Node& root, const ModelDefinition* model, Scenario& s) {
  const YAML::Node list = root["subgroups"];
  if (!list) {
    if (s.is_trial() && model_offers_tps(model)) s.subgroups = {default_tps_subgroups()};
    return;
  }
  if (!s.is_trial()) v.problem(list, "subgroups", "expected a trial (population or arms) for subgroup analyses");
  if (!list.IsSequence()) {
    v.problem(list, "subgroups", "expected a list of subgroup analyses (or [] for none), found " + describe(list));
    return;
  }
  const auto& section = schema::subgroup();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = "subgroups[" + std::to_string(i) + "]";
    if (!v.is_map(item, path)) continue;
    v.check_keys(item, path, section.names());
    SubgroupDefinition d;
    if (!item["biomarker"]) v.problem(item, path + ".biomarker", "missing required key 'biomarker'");
    const bool known = schema::read_field(v, item, path, section.field("biomarker"), d);
    schema::read_field(v, item, path, section.field("name"), d);
    d.cuts = load_cuts(v, item, path);
    if (known && d.biomarker == Biomarker::kTpsPct && model && !offers_tps(*model))
      v.problem(item["biomarker"], path + ".biomarker",
                "model " + model->id() + " has no PD-L1 TPS read-out; expected another biomarker");
    if (d.name.empty()) d.name = to_string(d.biomarker);
    s.subgroups.push_back(d);
  }
}

}  // namespace vct::io::detail
