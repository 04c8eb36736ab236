// SPDX-License-Identifier: MIT
#include "models/registry.hpp"

#include "core/error.hpp"
#include "models/qspio2020_example1/model.hpp"
#include "models/qspio_nsclc/model.hpp"
#include "models/qspio_nsclc/population.hpp"

namespace vct::models {
namespace {

struct Entry {
  std::string name;
  std::unique_ptr<ModelDefinition> (*factory)();
};

// One explicit list: no static self-registration.
const std::vector<Entry>& entries() {
  static const std::vector<Entry> list = {
      {"qspio_nsclc", &make_qspio_nsclc},
      {"qspio2020_example1", &make_qspio2020_example1},
  };
  return list;
}

struct Built {
  std::vector<std::unique_ptr<ModelDefinition>> models;
  Built() {
    for (const auto& e : entries()) models.push_back(e.factory());
  }
};

const Built& built() {
  static const Built instance;  // thread-safe initialisation (C++11 magic statics)
  return instance;
}

}  // namespace

std::vector<std::string> model_names() {
  std::vector<std::string> names;
  for (const auto& e : entries()) names.push_back(e.name);
  return names;
}

const ModelDefinition& get_model(const std::string& name) {
  const auto& list = entries();
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i].name == name) return *built().models[i];
  std::string known;
  for (const auto& e : list) known += (known.empty() ? "" : ", ") + e.name;
  throw Error(ErrorKind::kInput, "unknown model '" + name + "' (expected one of: " + known + ")");
}

std::vector<PopulationPreset> population_presets(const std::string& model) {
  if (model == "qspio_nsclc") return nsclc_population_presets();
  return {};
}

const std::vector<std::array<double, 3>>& selection_data(const std::string& model) {
  static const std::vector<std::array<double, 3>> none;
  if (model == "qspio_nsclc") return nsclc_observed_immune_log_ratios();
  return none;
}

}  // namespace vct::models
