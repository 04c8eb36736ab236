// SPDX-License-Identifier: MIT
#include "core/model.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/jacobian.hpp"

namespace vct {

ModelDefinition::~ModelDefinition() = default;

void ModelDefinition::apply_radiation_fraction(const RadiationFraction&, const double*, double*) const {
  throw Error(ErrorKind::kInput, "model " + id() + " has no radiotherapy module (use qspio_nsclc_rt)");
}

namespace {
template <class Rows>
int find_by_name(const Rows& rows, std::string_view name) {
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (rows[i].name == name) return static_cast<int>(i);
  return -1;
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

int ModelDefinition::parameter_index(std::string_view name) const { return find_by_name(parameters(), name); }
int ModelDefinition::state_index(std::string_view name) const { return find_by_name(states(), name); }
int ModelDefinition::output_index(std::string_view name) const { return find_by_name(outputs(), name); }

const DrugInfo* ModelDefinition::find_drug(std::string_view name) const {
  const int i = find_by_name(drugs(), name);
  return i < 0 ? nullptr : &drugs()[static_cast<std::size_t>(i)];
}

const DrugSlot* ModelDefinition::find_slot(std::string_view name) const {
  const int i = find_by_name(drug_slots(), name);
  return i < 0 ? nullptr : &drug_slots()[static_cast<std::size_t>(i)];
}

std::vector<double> ModelDefinition::default_parameters() const {
  std::vector<double> p;
  p.reserve(parameters().size());
  for (const auto& row : parameters()) p.push_back(row.value);
  return p;
}

namespace {
ResolvedModel resolve_tables(const ModelDefinition& model) {
  ResolvedModel r;
  auto require = [&](int index, const std::string& what) {
    if (index < 0) throw Error(ErrorKind::kInternal, "model " + model.id() + ": " + what);
    return index;
  };
  r.initial_diameter_parameter = model.parameter_index("initial_tumour_diameter_cm");
  r.diameter_output = model.output_index("tumour_diameter_cm");
  r.cancer_cells_output = model.output_index("cancer_cells");
  const bool per_lesion = model.output_index("lesion1_diameter_cm") >= 0;
  for (int l = 0; per_lesion && l < model.n_lesions(); ++l)
    r.lesion_diameter_outputs.push_back(require(model.output_index("lesion" + std::to_string(l + 1) + "_diameter_cm"),
                                                "no output lesion" + std::to_string(l + 1) + "_diameter_cm"));
  const char* ratios[3] = {"M1_M2_ratio", "Treg_CD8_ratio", "CD8_CD4_ratio"};
  for (std::size_t k = 0; k < 3; ++k) r.immune_ratio_outputs[k] = model.output_index(ratios[k]);
  r.alpha_beta_parameter = model.parameter_index("alpha_beta_C_Gy");
  r.pdl1_per_cell_output = model.output_index("PDL1_per_cancer_cell");
  r.cd8_tumour_cells_output = model.output_index("cd8_tumour_cells");
  r.tumour_volume_output = model.output_index("tumour_volume_L");
  r.clone_number_parameter = model.parameter_index("n_T1_clones");
  r.tps_threshold_parameter = model.parameter_index("tps_pdl1_threshold_molecule");
  r.tps_cell_log_sd_parameter = model.parameter_index("tps_cell_log_sd");
  for (const auto& s : model.first_line_scaling())
    r.first_line_scaling.emplace_back(
        require(model.parameter_index(s.parameter), "first-line scaling names unknown parameter " + s.parameter),
        require(model.parameter_index(s.factor), "first-line scaling names unknown parameter " + s.factor));
  for (const auto& ev : model.events())
    r.event_states.push_back(
        require(model.state_index(ev.state), "event " + ev.name + " names unknown state " + ev.state));
  for (const auto& drug : model.drugs()) {
    ResolvedModel::Drug d;
    const DrugSlot* slot = model.find_slot(drug.slot);
    if (!slot) throw Error(ErrorKind::kInternal, "drug " + drug.name + " names unknown slot " + drug.slot);
    d.slot = static_cast<int>(slot - model.drug_slots().data());
    d.central_state = require(model.state_index(slot->central_state), "slot " + slot->name + " is mis-declared");
    d.central_volume =
        require(model.parameter_index(slot->central_volume_parameter), "slot " + slot->name + " is mis-declared");
    for (const auto& [name, value] : drug.pk_parameters)
      d.pk_parameters.push_back(require(model.parameter_index(name), "drug table names unknown parameter " + name));
    r.drugs.push_back(d);
  }
  return r;
}
}  // namespace

const ResolvedModel& ModelDefinition::resolved() const {
  std::call_once(resolved_once_, [this] { resolved_ = std::make_shared<const ResolvedModel>(resolve_tables(*this)); });
  return *resolved_;
}

const JacobianPattern& ModelDefinition::jacobian_pattern() const {
  std::call_once(pattern_once_,
                 [this] { pattern_ = std::make_shared<const JacobianPattern>(detect_jacobian_pattern(*this)); });
  return *pattern_;
}

std::string closest_name(std::string_view name, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = std::max<std::size_t>(3, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    const std::size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

}  // namespace vct
