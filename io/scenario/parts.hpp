// SPDX-License-Identifier: MIT
// The scenario loader's parts, one file per job (io/scenario/*.cpp); internal to io/scenario.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <string>
#include <vector>

#include "core/model.hpp"
#include "io/scenario/scenario.hpp"
#include "io/scenario/validator.hpp"

namespace vct::io::detail {

/// `treatment` (or an arm's): dosing regimens, drugs resolved against `model` (treatment.cpp).
std::vector<DoseRegimen> load_regimens(Validator& v, const YAML::Node& list, const std::string& prefix,
                                       const ModelDefinition* model, double horizon_day);

/// `arms`: named treatments given to the same patients (treatment.cpp).
void load_arms(Validator& v, const YAML::Node& list, const ModelDefinition* model, Scenario& s);

/// `radiotherapy` (or an arm's): courses of fractions to named lesions (radiotherapy.cpp).
std::vector<RadiotherapyCourse> load_radiotherapy(Validator& v, const YAML::Node& list, const std::string& prefix,
                                                  const ModelDefinition* model, const Scenario& s,
                                                  const std::vector<DoseRegimen>& regimens);

/// The cells of one CSV line, trimmed of blanks (a trailing comma gives an empty last cell;
/// observations.cpp). Used by every CSV the scenario names.
std::vector<std::string> split_csv_line(const std::string& line);

/// A course's `dose_map` (dose_map.cpp); null when it has problems (reported).
std::shared_ptr<const DoseMap> load_dose_map(Validator& v, const YAML::Node& node, const std::string& path);

/// `lesions`: names and baseline diameters; more than one selects qspio_nsclc_rt@N, which
/// replaces `model` (lesions.cpp).
void load_lesions(Validator& v, const YAML::Node& list, const ModelDefinition*& model, Scenario& s);

/// `population` (population.cpp).
void load_population(Validator& v, const YAML::Node& node, const ModelDefinition* model, Scenario& s);

/// `subgroups`: biomarker subgroup analyses; absent: TPS < 1 / 1-49 / >= 50 % on a trial whose
/// model offers TPS (subgroups.cpp).
void load_subgroups(Validator& v, const YAML::Node& root, const ModelDefinition* model, Scenario& s);
/// Whether the model offers the PD-L1 TPS read-out (false for none).
bool model_offers_tps(const ModelDefinition* model);

/// The index of the arm called `name` among the scenario's arms; -1 with a problem at `node`
/// ("expected one of the arms: a, b; found 'x'") when there is none (search.cpp).
int resolve_arm(Validator& v, const YAML::Node& node, const std::string& path, const Scenario& s,
                const std::string& name);

/// `search`: the schedule search of `vct search`, arms and lesions resolved (search.cpp).
void load_search(Validator& v, const YAML::Node& root, Scenario& s);

/// `observations` and `fit`: one patient's scans (inline or a CSV beside `document`, the patient
/// file's path) and the fitted parameters (observations.cpp).
void load_observations(Validator& v, const YAML::Node& root, const ModelDefinition* model, const std::string& document,
                       Scenario& s);
/// `predict`: the arms `vct predict` simulates, each checked to give fit.arm's treatment before the
/// last scan (observations.cpp).
void load_predict(Validator& v, const YAML::Node& root, Scenario& s);

/// "unknown <what> 'name' for model M (did you mean 'x'?)", the hint from `candidates`.
std::string unknown_name(const std::string& what, const std::string& name, const ModelDefinition& model,
                         const std::vector<std::string>& candidates);
/// The model's parameter names, for hints.
std::vector<std::string> parameter_names(const ModelDefinition& model);

/// For a parameter a scenario may not set by value: why (empty when it may). The hybrid lesion
/// shares (lesion<k>_abm_share, docs/models/abm.md) come with the agent-based windows they give
/// the share to; set alone they would drop that part of the lesion.
inline std::string parameter_not_settable(const std::string& key) {
  const std::string suffix = "_abm_share";
  if (key.size() > suffix.size() && key.compare(key.size() - suffix.size(), suffix.size(), suffix) == 0)
    return "'" + key +
           "' is the share of the lesion held by agent-based windows; give it with the windows, as "
           "lesions[].abm.share (docs/models/abm.md)";
  return {};
}

/// A parameter override resolved against the model's table (-1 index when the model is unknown).
ParameterOverride make_override(const ModelDefinition* model, const std::string& name, double value);

}  // namespace vct::io::detail
