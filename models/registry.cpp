// SPDX-License-Identifier: MIT
#include "models/registry.hpp"

#include <map>
#include <mutex>

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
      {"qspio_nsclc_rt", [] { return make_qspio_nsclc_rt(1, rt_default_module_names()); }},
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

namespace {

constexpr int kMaxLesions = 8;

/// "qspio_nsclc_rt@N{modules}": an RT model variant, built on first use and kept for the process.
const ModelDefinition* rt_variant(const std::string& name) {
  int n = 1;
  std::vector<std::string> modules;
  if (!parse_rt_model_id(name, n, modules)) return nullptr;
  if (n < 1 || n > kMaxLesions) return nullptr;
  const std::string id = rt_model_id(n, modules);  // canonical; throws for unknown modules
  static std::mutex mutex;
  static std::map<std::string, std::unique_ptr<ModelDefinition>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  auto& slot = cache[id];
  if (!slot) slot = make_qspio_nsclc_rt(n, modules);
  return slot.get();
}

std::string base_model_name(const std::string& name) {
  const std::size_t at = name.find_first_of("@{");
  return at == std::string::npos ? name : name.substr(0, at);
}

}  // namespace

const ModelDefinition& get_model(const std::string& name) {
  const auto& list = entries();
  for (std::size_t i = 0; i < list.size(); ++i)
    if (list[i].name == name) return *built().models[i];
  if (const ModelDefinition* m = rt_variant(name)) return *m;
  std::string known;
  for (const auto& e : list) known += (known.empty() ? "" : ", ") + e.name;
  throw Error(ErrorKind::kInput, "unknown model '" + name + "' (expected one of: " + known +
                                     ", or qspio_nsclc_rt@N for N = 2.." + std::to_string(kMaxLesions) +
                                     " lesions, optionally followed by {modules})");
}

std::vector<PopulationPreset> population_presets(const std::string& model) {
  const std::string base = base_model_name(model);
  if (base == "qspio_nsclc" || base == "qspio_nsclc_rt") return nsclc_population_presets();
  return {};
}

const std::vector<std::array<double, 3>>& selection_data(const std::string& model) {
  static const std::vector<std::array<double, 3>> none;
  const std::string base = base_model_name(model);
  if (base == "qspio_nsclc" || base == "qspio_nsclc_rt") return nsclc_observed_immune_log_ratios();
  return none;
}

}  // namespace vct::models
