// SPDX-License-Identifier: MIT
#include "core/dosing.hpp"

#include <algorithm>
#include <cmath>

#include "core/error.hpp"

namespace vct {

int regimen_drug_index(const ModelDefinition& model, const DoseRegimen& regimen) {
  if (regimen.drug_index >= 0 && static_cast<std::size_t>(regimen.drug_index) < model.drugs().size())
    return regimen.drug_index;
  if (const DrugInfo* drug = model.find_drug(regimen.drug)) return static_cast<int>(drug - model.drugs().data());
  std::string known;
  for (const auto& d : model.drugs()) known += (known.empty() ? "" : ", ") + d.name;
  throw Error(ErrorKind::kInput,
              "unknown drug '" + regimen.drug + "' for model " + model.id() + " (expected one of: " + known + ")");
}

const DrugInfo& regimen_drug(const ModelDefinition& model, const DoseRegimen& regimen) {
  return model.drugs()[static_cast<std::size_t>(regimen_drug_index(model, regimen))];
}

void apply_drug_parameters(const ModelDefinition& model, const std::vector<DoseRegimen>& regimens,
                           std::vector<double>& params) {
  std::vector<int> slot_owner(model.drug_slots().size(), -1);  // drug index per slot
  for (const auto& r : regimens) {
    const int index = regimen_drug_index(model, r);
    const DrugInfo& drug = model.drugs()[static_cast<std::size_t>(index)];
    const ResolvedModel::Drug& resolved = model.resolved().drugs[static_cast<std::size_t>(index)];
    int& owner = slot_owner[static_cast<std::size_t>(resolved.slot)];
    if (owner >= 0 && owner != index)
      throw Error(ErrorKind::kInput, "drugs '" + model.drugs()[static_cast<std::size_t>(owner)].name + "' and '" +
                                         drug.name + "' both use the " + drug.slot +
                                         " slot; one scenario can dose one drug per target");
    if (owner == index) continue;
    owner = index;
    const std::vector<int>& k = resolved.pk_parameters;
    for (std::size_t j = 0; j < k.size(); ++j) params[static_cast<std::size_t>(k[j])] = drug.pk_parameters[j].second;
  }
}

std::vector<double> dose_days(const DoseRegimen& r, double horizon_day) {
  std::vector<double> days;
  const bool until_end = !std::isnan(r.end_day);
  for (int k = 0;; ++k) {
    const double t = r.start_day + k * r.interval_day;
    if (until_end ? t > r.end_day + 1e-9 : k >= r.n_doses) break;
    if (t > horizon_day + 1e-9 || t >= r.stop_day - 1e-9) break;
    days.push_back(t);
    if (r.interval_day == 0.0) break;
  }
  return days;
}

std::vector<Bolus> expand_schedule(const ModelDefinition& model, const std::vector<DoseRegimen>& regimens,
                                   double weight_kg, double horizon_day, const std::vector<double>& params) {
  std::vector<Bolus> doses;
  for (const auto& r : regimens) {
    const int index = regimen_drug_index(model, r);
    const DrugInfo& drug = model.drugs()[static_cast<std::size_t>(index)];
    const ResolvedModel::Drug& slot = model.resolved().drugs[static_cast<std::size_t>(index)];
    const int state = slot.central_state;
    const int volume = slot.central_volume;
    const double amount_mg = r.dose_mg > 0.0 ? r.dose_mg : r.dose_mg_per_kg * weight_kg;
    if (!(amount_mg > 0.0)) throw Error(ErrorKind::kInput, "dose of " + r.drug + " must be positive");
    if (r.interval_day < 0.0 || r.start_day < 0.0)
      throw Error(ErrorKind::kInput, "dose times of " + r.drug + " must be non-negative");
    const double delta =
        dose_mg_to_nM(amount_mg, drug.molecular_weight_mg_per_mol, params[static_cast<std::size_t>(volume)]);
    for (double t : dose_days(r, horizon_day)) doses.push_back({t, drug.name, state, amount_mg, delta});
  }
  std::stable_sort(doses.begin(), doses.end(), [](const Bolus& a, const Bolus& b) { return a.time_day < b.time_day; });
  return doses;
}

}  // namespace vct
