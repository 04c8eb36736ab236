// SPDX-License-Identifier: MIT
#include "core/model.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "core/jacobian.hpp"

namespace vct {

ModelDefinition::~ModelDefinition() = default;

void ModelDefinition::apply_radiation_fraction(double, int, const double*, double*) const {
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

int ModelDefinition::parameter_index(std::string_view name) const {
  return find_by_name(parameters(), name);
}
int ModelDefinition::state_index(std::string_view name) const { return find_by_name(states(), name); }
int ModelDefinition::output_index(std::string_view name) const {
  return find_by_name(outputs(), name);
}

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

const JacobianPattern& ModelDefinition::jacobian_pattern() const {
  std::call_once(pattern_once_, [this] {
    pattern_ = std::make_shared<const JacobianPattern>(detect_jacobian_pattern(*this));
  });
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
