// SPDX-License-Identifier: MIT
// Diffusion with first-order decay and cell point sources/sinks on a window's lattice, for the
// cytokine fields (IFN-gamma, IL-2): the implicit locally-one-dimensional (LOD) finite-volume
// scheme of BioFVM (Ghaffarizadeh 2016), which spQSP-IO uses (spatial-abm.md §1.4), written anew.
//
// One sub-step of length dt:
//   1. sources and sinks, per voxel, exactly for constant rates over dt:
//        c <- (c - s/(u V)) e^(-u dt) + s/(u V)      (u > 0)      c <- c + s dt / V   (u = 0)
//      s = release (ng/s), u = uptake (1/s), V = voxel volume (mL);
//   2. three implicit sweeps, along x, y and z, each solving per line
//        (1 + 2r + k dt/3) c_i - r c_(i-1) - r c_(i+1) = c_i_old,     r = D dt / h^2,
//      with no-flux faces (the end rows lose one -r and one r).
// Every column of a sweep's matrix sums to 1 + k dt/3, so with no decay and no sources a step
// conserves the total amount exactly (up to rounding), and the total decays by (1 + k dt/3)^-3
// per step whatever the diffusion. On an unbounded line each sweep's kernel has variance 2r
// voxels^2, so a point spreads with variance exactly 2 D t per axis.
// Units: c in ng/mL, D in um^2/s, h in um, dt in s. A solver is immutable after construction
// and may be shared between threads; step() writes only its arguments and a caller-owned buffer.
#pragma once

#include <vector>

#include "models/abm/grid.hpp"

namespace vct::models::abm {

class DiffusionSolver {
 public:
  /// diffusivity_um2_per_s >= 0, decay_per_s >= 0, dt_s > 0.
  DiffusionSolver(const Grid& grid, double diffusivity_um2_per_s, double decay_per_s, double dt_s);

  /// Advances c (one value per voxel) by one sub-step. `release_ng_per_s` and `uptake_per_s` are
  /// per voxel, or empty for none. `work` is scratch space, resized as needed.
  void step(std::vector<double>& c, const std::vector<double>& release_ng_per_s,
            const std::vector<double>& uptake_per_s, std::vector<double>& work) const;

  double dt_s() const { return dt_; }

 private:
  struct Axis {
    int n = 1;
    std::vector<double> inverse_pivot;  ///< 1 / modified diagonal of the forward sweep
    std::vector<double> upper;          ///< modified super-diagonal c'_i
  };
  Axis make_axis(int n) const;
  void sweep(std::vector<double>& c, const Axis& axis, std::size_t stride, std::size_t lines_outer,
             std::size_t outer_stride, std::size_t lines_inner, std::size_t inner_stride,
             std::vector<double>& work) const;

  Grid grid_;
  double r_ = 0.0;          ///< D dt / h^2
  double decay_dt3_ = 0.0;  ///< k dt / 3
  double dt_ = 0.0;
  Axis ax_, ay_, az_;
};

}  // namespace vct::models::abm
