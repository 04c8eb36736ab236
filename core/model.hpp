// SPDX-License-Identifier: MIT
#pragma once

#include <array>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/dual.hpp"
#include "core/radiotherapy.hpp"

namespace vct {

/// One row of a model's parameter table. The table drives scenario validation, HDF5 labels,
/// generated documentation and error messages. Values are in the model's internal units
/// (docs/units.md); `unit` says which.
struct ParameterInfo {
  std::string name;  ///< Scenario key; ends with its unit (e.g. k_C1_growth_per_day).
  std::string unit;  ///< Internal unit, e.g. "1/day", "cell", "nM".
  double value;      ///< Default (reference) value.
  double lower;      ///< Smallest accepted value (inclusive).
  double upper;      ///< Largest accepted value (inclusive).
  std::string description;
  std::string source;       ///< Citation of the value.
  bool lower_open = false;  ///< true: `lower` itself is excluded (the model cannot be evaluated there)
};

struct StateInfo {
  std::string name;  ///< Unique, compartment-qualified (e.g. "V_T.T1").
  std::string unit;
  std::string compartment;
  std::string description;
};

struct OutputInfo {
  std::string name;
  std::string unit;
  std::string description;
};

/// A drug that can be dosed into one of the model's antibody slots. Its PK parameters overwrite
/// the slot's parameters when the drug is used.
struct DrugInfo {
  std::string name;
  std::string slot;  ///< Target slot, e.g. "aPD1".
  double molecular_weight_mg_per_mol;
  std::vector<std::pair<std::string, double>> pk_parameters;  ///< Table name -> value.
  std::string source;
};

/// An antibody slot: the central-compartment concentration receiving bolus doses.
struct DrugSlot {
  std::string name;                      ///< e.g. "aPD1".
  std::string target;                    ///< e.g. "PD-1".
  std::string central_state;             ///< State receiving the bolus (nM).
  std::string central_volume_parameter;  ///< Parameter holding V_C (L).
};

/// State reset applied when a state falls through a threshold (SimBiology events fire on the
/// false-to-true transition of `y < threshold`).
struct ThresholdEvent {
  std::string name;
  std::string state;
  double threshold;
  double reset_value;
};

struct JacobianPattern;

/// A first-line (chemotherapy-naive) population differs from the pretreated one the model's table
/// describes by `parameter` x `factor` (both parameter names); docs/biomarkers.md, "Line of therapy".
struct LineScaling {
  std::string parameter;
  std::string factor;
};

/// A parameter value given by name in a scenario, resolved to its index in the model's table by
/// the loader (code below the loader reads `index`, never the name).
struct ParameterOverride {
  std::string name;  ///< table name, kept for the resolved scenario and reports
  int index = -1;    ///< index in parameters()
  double value = 0.0;
};

/// Table entries the engine reads by meaning, resolved from the model's tables once, on first
/// use (ModelDefinition::resolved()). -1 (or empty) where the model has no such entry. The names
/// are the conventions of the model interface:
/// - `initial_tumour_diameter_cm` (parameter): diameter grown to by grow_to_diameter;
/// - `tumour_diameter_cm` (output): the diameter RECIST reads (the sum over lesions);
/// - `cancer_cells` (output); `lesion<k>_diameter_cm` (outputs, k = 1..n_lesions): per-lesion
///   diameters (in-field / out-of-field RECIST), when the model has `lesion1_diameter_cm`;
/// - `M1_M2_ratio`, `Treg_CD8_ratio`, `CD8_CD4_ratio` (outputs): baseline immune composition for
///   probability-of-inclusion selection;
/// - `alpha_beta_C_Gy` (parameter): alpha/beta used to report a course's BED and EQD2;
/// - `PDL1_per_cancer_cell`, `cd8_tumour_cells`, `tumour_volume_L` (outputs) and `n_T1_clones`
///   (parameter): baseline biomarkers of trial candidates (CandidateResult::biomarkers);
/// - `tps_pdl1_threshold_molecule`, `tps_cell_log_sd` (parameters): the PD-L1 TPS mapping
///   (core/biomarkers.hpp); TPS is offered when these and `PDL1_per_cancer_cell` are;
/// - first_line_scaling(): parameters multiplied by a factor parameter for a first-line population.
/// Event states, drug slots and drug PK parameters are resolved from their names as well.
struct ResolvedModel {
  int initial_diameter_parameter = -1;
  int diameter_output = -1;
  int cancer_cells_output = -1;
  std::vector<int> lesion_diameter_outputs;               ///< per lesion; empty without per-lesion outputs
  std::array<int, 3> immune_ratio_outputs{{-1, -1, -1}};  ///< M1/M2, Treg/CD8, CD8/CD4
  int alpha_beta_parameter = -1;
  int pdl1_per_cell_output = -1, cd8_tumour_cells_output = -1, tumour_volume_output = -1;  ///< -1: not offered
  int clone_number_parameter = -1;
  int tps_threshold_parameter = -1, tps_cell_log_sd_parameter = -1;
  /// population.line_of_therapy: first_line multiplies parameter `first` by parameter `second`
  /// (resolved ModelDefinition::first_line_scaling()); empty: the model has no line description.
  std::vector<std::pair<int, int>> first_line_scaling;
  std::vector<int> event_states;  ///< per events(): state index
  struct Drug {
    int slot = -1;                   ///< index in drug_slots()
    int central_state = -1;          ///< state receiving the bolus (nM)
    int central_volume = -1;         ///< parameter holding V_C (L)
    std::vector<int> pk_parameters;  ///< per DrugInfo::pk_parameters
  };
  std::vector<Drug> drugs;  ///< per drugs()
};

/// Immutable model definition shared read-only by every simulation thread (OpenMM's
/// System/Context split). A model is pure maths: no I/O, no globals, no random numbers.
class ModelDefinition {
 public:
  virtual ~ModelDefinition();

  virtual std::string id() const = 0;
  virtual std::string title() const = 0;
  virtual const std::vector<ParameterInfo>& parameters() const = 0;
  virtual const std::vector<StateInfo>& states() const = 0;
  virtual const std::vector<OutputInfo>& outputs() const = 0;
  virtual const std::vector<DrugSlot>& drug_slots() const = 0;
  virtual const std::vector<DrugInfo>& drugs() const = 0;
  virtual const std::vector<ThresholdEvent>& events() const = 0;

  /// Initial state when the model is built (initial assignments evaluated from `p`).
  virtual void initial_state(const double* p, double* y) const = 0;
  /// Right-hand side dy/dt in internal units per day.
  virtual void rhs(double t_day, const double* y, const double* p, double* dydt) const = 0;
  virtual void rhs(double t_day, const Dual* y, const double* p, Dual* dydt) const = 0;
  /// Derived outputs (outputs() order): tumour volume, diameter, drug levels, ...
  virtual void compute_outputs(double t_day, const double* y, const double* p, double* out) const = 0;
  /// Tumour volume in L, used by the initial-condition procedure.
  virtual double tumour_volume_L(const double* y, const double* p) const = 0;
  /// Whether the model can grow its own pre-treatment state from one cancer cell (§7.1).
  virtual bool supports_growth_initialisation() const { return true; }
  /// The published post-initialisation state, for models that ship one; false otherwise.
  virtual bool published_treatment_start_state(const double* /*p*/, double* /*y*/) const { return false; }

  /// Tumour lesions sharing the systemic compartments (RECIST target lesions).
  virtual int n_lesions() const { return 1; }
  /// Whether apply_radiation_fraction is available.
  virtual bool supports_radiotherapy() const { return false; }
  /// Applies one radiotherapy fraction (dose to a lesion, 0-based; dose to circulating immune cells
  /// and to the lymph node) as a jump of the state y. A pure function of its arguments. The default
  /// throws Error(kInput): the model has no radiotherapy module.
  virtual void apply_radiation_fraction(const RadiationFraction& fraction, const double* p, double* y) const;
  /// The same for a fraction of dose_Gy to `lesion` alone (no circulating or nodal dose).
  void apply_radiation_fraction(double dose_Gy, int lesion, const double* p, double* y) const {
    RadiationFraction f;
    f.dose_Gy = dose_Gy;
    f.lesion = lesion;
    apply_radiation_fraction(f, p, y);
  }
  /// Completes the treatment-start state after the initial-condition growth (e.g. seeds
  /// secondary lesions from the grown primary). The default leaves y unchanged.
  virtual void complete_initial_state(const double* /*p*/, double* /*y*/) const {}
  /// How a first-line population differs from the pretreated one the parameter table describes
  /// (population.line_of_therapy). The default: the model has no line-of-therapy description.
  virtual std::vector<LineScaling> first_line_scaling() const { return {}; }

  /// Table entries resolved by meaning (ResolvedModel), computed once on first use; thread-safe.
  /// Throws Error(kInternal) when an event, slot or drug table names an unknown entry.
  const ResolvedModel& resolved() const;

  int parameter_index(std::string_view name) const;  ///< -1 if unknown.
  int state_index(std::string_view name) const;      ///< -1 if unknown.
  int output_index(std::string_view name) const;     ///< -1 if unknown.
  const DrugInfo* find_drug(std::string_view name) const;
  const DrugSlot* find_slot(std::string_view name) const;
  std::vector<double> default_parameters() const;
  int n_states() const { return static_cast<int>(states().size()); }

  /// Sparsity and column colouring of the Jacobian, computed once on first use (thread-safe).
  const JacobianPattern& jacobian_pattern() const;

 private:
  mutable std::once_flag pattern_once_;
  mutable std::shared_ptr<const JacobianPattern> pattern_;
  mutable std::once_flag resolved_once_;
  mutable std::shared_ptr<const ResolvedModel> resolved_;
};

/// Suggests the closest name from `candidates` for a "did you mean" hint; empty if none close.
std::string closest_name(std::string_view name, const std::vector<std::string>& candidates);

}  // namespace vct
