// SPDX-License-Identifier: MIT
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/model.hpp"

namespace vct {

/// A ModelDefinition whose metadata tables are plain members filled by the derived model's
/// constructor; derived classes provide only the maths.
class TabulatedModel : public ModelDefinition {
 public:
  TabulatedModel(std::string id, std::string title) : id_(std::move(id)), title_(std::move(title)) {}

  std::string id() const override { return id_; }
  std::string title() const override { return title_; }
  const std::vector<ParameterInfo>& parameters() const override { return parameters_; }
  const std::vector<StateInfo>& states() const override { return states_; }
  const std::vector<OutputInfo>& outputs() const override { return outputs_; }
  const std::vector<DrugSlot>& drug_slots() const override { return drug_slots_; }
  const std::vector<DrugInfo>& drugs() const override { return drugs_; }
  const std::vector<ThresholdEvent>& events() const override { return events_; }

 protected:
  std::vector<ParameterInfo> parameters_;
  std::vector<StateInfo> states_;
  std::vector<OutputInfo> outputs_;
  std::vector<DrugSlot> drug_slots_;
  std::vector<DrugInfo> drugs_;
  std::vector<ThresholdEvent> events_;

 private:
  std::string id_;
  std::string title_;
};

}  // namespace vct
