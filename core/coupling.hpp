// SPDX-License-Identifier: MIT
// A sub-model advanced in fixed slices alongside the ODE, such as the agent-based lesion windows
// of models/abm (issue #24; docs/models/abm.md). The simulator calls begin() with the initial
// state, then integrates to each slice boundary t = k slice_days (k >= 1) and calls exchange(),
// which reads the state, advances the sub-model over the slice that just ended and may apply a
// pure jump to the state, and restarts the solver when the state changed. At a time with both a
// slice boundary and doses or fractions, the slice comes first (it covers the time before them);
// each fraction is announced with on_fraction() before the model's own jump, so the sub-model sees
// the same dose and the pre-fraction state.
// One coupling serves one patient run at a time (not thread-safe); runs without one (nullptr) are
// the uncoupled simulation, bit for bit.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/radiotherapy.hpp"

namespace vct {

/// One table a coupled sub-model writes to the output file: its name and columns (each name ending
/// with its unit).
struct CouplingTableLayout {
  std::string name;
  std::vector<std::string> columns;
};

class SliceCoupling {
 public:
  virtual ~SliceCoupling() = default;
  /// Slice length in days, > 0 (the agent-based window: 0.25).
  virtual double slice_days() const = 0;
  /// At the start of the treatment (t = 0), before any dose or fraction: y is the initial state.
  virtual void begin(const double* /*y*/, const double* /*params*/) {}
  /// At the end of a slice: y is the model state at t_day (read and jump in place); returns true
  /// when y was changed.
  virtual bool exchange(double t_day, double* y, const double* params) = 0;
  /// A fraction is about to be applied at fraction.time_day to the state y.
  virtual void on_fraction(const RadiationFraction& fraction, const double* y, const double* params) = 0;
  /// What the run recorded so far: per table of the factory's `tables`, the rows, row-major.
  virtual std::vector<std::vector<double>> tables() const { return {}; }
};

/// Makes the coupling of one candidate (its index in the population), for a trial: every arm and
/// every re-simulation of a candidate gets a fresh one from the same index, so its random streams
/// depend on the candidate alone. `tables` lays out what SliceCoupling::tables() returns; each is
/// a per-arm table of the output file.
struct SliceCouplingFactory {
  std::function<std::unique_ptr<SliceCoupling>(std::size_t candidate)> make;
  std::vector<CouplingTableLayout> tables;
  explicit operator bool() const { return static_cast<bool>(make); }
};

}  // namespace vct
