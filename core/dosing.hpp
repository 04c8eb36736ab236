// SPDX-License-Identifier: MIT
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "core/model.hpp"

namespace vct {

/// One line of a treatment schedule: a drug given every interval_day from start_day, either
/// n_doses times or until end_day (inclusive). Exactly one of dose_mg / dose_mg_per_kg is set.
struct DoseRegimen {
  std::string drug;
  double dose_mg = 0.0;
  double dose_mg_per_kg = 0.0;
  double start_day = 0.0;
  double interval_day = 0.0;  ///< 0 for a single dose.
  int n_doses = 1;            ///< Ignored when end_day is set.
  double end_day = std::numeric_limits<double>::quiet_NaN();
  /// No dose on or after this day: set by a stopping rule (core/stopping.hpp), not by the scenario.
  double stop_day = std::numeric_limits<double>::infinity();
  /// Index of `drug` in the model's drugs(), resolved by the scenario loader; -1 in a regimen built
  /// by hand, which is then resolved from `drug` when it is used.
  int drug_index = -1;
};

/// A bolus: the dose amount added to the slot's central concentration (SimBiology sbiodose).
struct Bolus {
  double time_day;
  std::string drug;
  int state_index;
  double amount_mg;
  double delta_nM;
};

/// Bolus concentration step: dose_mg / MW (mg/mol) -> mol -> nmol, over V_C (L).
inline double dose_mg_to_nM(double dose_mg, double molecular_weight_mg_per_mol, double central_volume_L) {
  return dose_mg / molecular_weight_mg_per_mol * 1e9 / central_volume_L;
}

/// The regimen's drug: by its resolved index, else by name. Throws Error(kInput) for an unknown drug.
const DrugInfo& regimen_drug(const ModelDefinition& model, const DoseRegimen& regimen);
/// Index of the regimen's drug in model.drugs() (see regimen_drug).
int regimen_drug_index(const ModelDefinition& model, const DoseRegimen& regimen);

/// Writes each used drug's PK parameters into its slot. Throws Error(kInput) for an unknown drug
/// or for two different drugs dosed into one slot.
void apply_drug_parameters(const ModelDefinition& model, const std::vector<DoseRegimen>& regimens,
                           std::vector<double>& params);

/// The regimen's dose days up to horizon_day (end_day or n_doses, and stop_day, honoured), in order.
std::vector<double> dose_days(const DoseRegimen& regimen, double horizon_day);

/// Expands regimens into time-ordered boluses up to horizon_day. Uses the slot's central volume
/// from `params` (so patient-specific V_C is honoured).
std::vector<Bolus> expand_schedule(const ModelDefinition& model, const std::vector<DoseRegimen>& regimens,
                                   double weight_kg, double horizon_day, const std::vector<double>& params);

}  // namespace vct
