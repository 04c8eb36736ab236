// SPDX-License-Identifier: MIT
#include "tools/capi/vct_capi.h"

#include <cmath>
#include <memory>
#include <string>

#include "core/error.hpp"
#include "core/geometry.hpp"
#include "core/jacobian.hpp"
#include "models/registry.hpp"

namespace {
const vct::ModelDefinition* find(const char* model) {
  try {
    return &vct::models::get_model(model);
  } catch (const vct::Error&) {
    return nullptr;
  }
}
}  // namespace

extern "C" {

int vct_n_states(const char* model) {
  const auto* m = find(model);
  return m ? m->n_states() : -1;
}

int vct_n_parameters(const char* model) {
  const auto* m = find(model);
  return m ? static_cast<int>(m->parameters().size()) : -1;
}

int vct_rhs(const char* model, double t, const double* y, const double* p, double* dydt) {
  const auto* m = find(model);
  if (!m) return -1;
  m->rhs(t, y, p, dydt);
  return 0;
}

int vct_jacobian(const char* model, double t, const double* y, const double* p, double* jac) {
  const auto* m = find(model);
  if (!m) return -1;
  thread_local std::unique_ptr<vct::JacobianEvaluator> evaluator;
  thread_local std::string evaluator_model;
  if (!evaluator || evaluator_model != model) {
    evaluator = std::make_unique<vct::JacobianEvaluator>(*m);
    evaluator_model = model;
  }
  evaluator->evaluate_dense(t, y, p, jac);
  return 0;
}

int vct_tumour_diameter_cm(const char* model, const double* y, const double* p, double* diameter) {
  const auto* m = find(model);
  if (!m) return -1;
  *diameter = vct::sphere_diameter_cm(m->tumour_volume_L(y, p));
  return 0;
}

}  // extern "C"
