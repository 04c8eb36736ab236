// SPDX-License-Identifier: MIT
#include "core/solver/integrator.hpp"

#include "core/error.hpp"

namespace vct {

const std::vector<std::string>& solver_methods() {
  static const std::vector<std::string> methods = {"cvode_bdf", "odeint_rosenbrock4"};
  return methods;
}

std::unique_ptr<Integrator> make_integrator(const ModelDefinition& model, const double* params,
                                            const SolverOptions& options, std::vector<RootFunction> roots) {
  if (options.method == "cvode_bdf") return make_cvode_integrator(model, params, options, std::move(roots));
  if (options.method == "odeint_rosenbrock4") return make_odeint_integrator(model, params, options, std::move(roots));
  throw Error(ErrorKind::kInput,
              "unknown solver method '" + options.method + "' (expected cvode_bdf or odeint_rosenbrock4)");
}

}  // namespace vct
