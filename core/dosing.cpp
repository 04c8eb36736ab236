// SPDX-License-Identifier: MIT
#include "core/dosing.hpp"

#include <algorithm>
#include <cmath>
#include <map>

#include "core/error.hpp"

namespace vct {

namespace {
const DrugInfo& require_drug(const ModelDefinition& model, const std::string& name) {
  const DrugInfo* drug = model.find_drug(name);
  if (drug) return *drug;
  std::string known;
  for (const auto& d : model.drugs()) known += (known.empty() ? "" : ", ") + d.name;
  throw Error(ErrorKind::kInput, "unknown drug '" + name + "' for model " + model.id() +
                                     " (expected one of: " + known + ")");
}
}  // namespace

void apply_drug_parameters(const ModelDefinition& model, const std::vector<DoseRegimen>& regimens,
                           std::vector<double>& params) {
  std::map<std::string, std::string> slot_owner;
  for (const auto& r : regimens) {
    const DrugInfo& drug = require_drug(model, r.drug);
    auto [it, inserted] = slot_owner.emplace(drug.slot, drug.name);
    if (!inserted && it->second != drug.name)
      throw Error(ErrorKind::kInput, "drugs '" + it->second + "' and '" + drug.name +
                                         "' both use the " + drug.slot +
                                         " slot; one scenario can dose one drug per target");
    if (!inserted) continue;
    for (const auto& [name, value] : drug.pk_parameters) {
      const int k = model.parameter_index(name);
      if (k < 0)
        throw Error(ErrorKind::kInternal, "drug table of " + model.id() + " names unknown parameter " + name);
      params[static_cast<std::size_t>(k)] = value;
    }
  }
}

std::vector<Bolus> expand_schedule(const ModelDefinition& model,
                                   const std::vector<DoseRegimen>& regimens, double weight_kg,
                                   double horizon_day, const std::vector<double>& params) {
  std::vector<Bolus> doses;
  for (const auto& r : regimens) {
    const DrugInfo& drug = require_drug(model, r.drug);
    const DrugSlot* slot = model.find_slot(drug.slot);
    if (!slot) throw Error(ErrorKind::kInternal, "drug " + drug.name + " names unknown slot " + drug.slot);
    const int state = model.state_index(slot->central_state);
    const int volume = model.parameter_index(slot->central_volume_parameter);
    if (state < 0 || volume < 0)
      throw Error(ErrorKind::kInternal, "slot " + slot->name + " of " + model.id() + " is mis-declared");
    const double amount_mg = r.dose_mg > 0.0 ? r.dose_mg : r.dose_mg_per_kg * weight_kg;
    if (!(amount_mg > 0.0))
      throw Error(ErrorKind::kInput, "dose of " + r.drug + " must be positive");
    if (r.interval_day < 0.0 || r.start_day < 0.0)
      throw Error(ErrorKind::kInput, "dose times of " + r.drug + " must be non-negative");
    const double delta = dose_mg_to_nM(amount_mg, drug.molecular_weight_mg_per_mol,
                                       params[static_cast<std::size_t>(volume)]);
    const bool until_end = !std::isnan(r.end_day);
    for (int k = 0;; ++k) {
      const double t = r.start_day + k * r.interval_day;
      if (until_end ? t > r.end_day + 1e-9 : k >= r.n_doses) break;
      if (t > horizon_day + 1e-9) break;
      doses.push_back({t, drug.name, state, amount_mg, delta});
      if (r.interval_day == 0.0) break;
    }
  }
  std::stable_sort(doses.begin(), doses.end(),
                   [](const Bolus& a, const Bolus& b) { return a.time_day < b.time_day; });
  return doses;
}

}  // namespace vct
