// SPDX-License-Identifier: MIT
#include "models/abm/diffusion.hpp"

#include <cmath>
#include <stdexcept>

namespace vct::models::abm {

DiffusionSolver::DiffusionSolver(const Grid& grid, double diffusivity_um2_per_s, double decay_per_s, double dt_s)
    : grid_(grid), dt_(dt_s) {
  if (!(diffusivity_um2_per_s >= 0.0) || !(decay_per_s >= 0.0) || !(dt_s > 0.0) || !(grid.voxel_um > 0.0))
    throw std::invalid_argument("DiffusionSolver: diffusivity and decay must be >= 0, dt and voxel size > 0");
  r_ = diffusivity_um2_per_s * dt_s / (grid.voxel_um * grid.voxel_um);
  decay_dt3_ = decay_per_s * dt_s / 3.0;
  ax_ = make_axis(grid.nx);
  ay_ = make_axis(grid.ny);
  az_ = make_axis(grid.nz);
}

// Thomas algorithm with the forward-sweep coefficients precomputed (they depend only on the
// position along the line, the coefficients being constant).
DiffusionSolver::Axis DiffusionSolver::make_axis(int n) const {
  Axis a;
  a.n = n;
  a.inverse_pivot.resize(static_cast<std::size_t>(n));
  a.upper.resize(static_cast<std::size_t>(n));
  const double base = 1.0 + decay_dt3_;
  double previous_upper = 0.0;
  for (int i = 0; i < n; ++i) {
    const double neighbours = (i > 0 ? 1.0 : 0.0) + (i + 1 < n ? 1.0 : 0.0);
    const double diagonal = base + neighbours * r_;
    const double lower = i > 0 ? -r_ : 0.0;
    const double pivot = diagonal - lower * previous_upper;
    a.inverse_pivot[static_cast<std::size_t>(i)] = 1.0 / pivot;
    a.upper[static_cast<std::size_t>(i)] = (i + 1 < n ? -r_ : 0.0) / pivot;
    previous_upper = a.upper[static_cast<std::size_t>(i)];
  }
  return a;
}

// Lines along x are contiguous; lines along y or z are swept nx at a time (the x positions of one
// plane), so the inner loops run over contiguous memory. Each line sees the same operations in the
// same order either way.
void DiffusionSolver::sweep(std::vector<double>& c, const Axis& axis, std::size_t stride, std::size_t lines_outer,
                            std::size_t outer_stride, std::size_t lines_inner, std::size_t inner_stride,
                            std::vector<double>& work) const {
  const std::size_t n = static_cast<std::size_t>(axis.n);
  if (stride == 1) {
    work.resize(n);
    for (std::size_t o = 0; o < lines_outer; ++o)
      for (std::size_t l = 0; l < lines_inner; ++l) {
        double* line = c.data() + o * outer_stride + l * inner_stride;
        // forward: d'_i = (d_i + r d'_(i-1)) / pivot_i
        double previous = 0.0;
        for (std::size_t i = 0; i < n; ++i) work[i] = previous = (line[i] + r_ * previous) * axis.inverse_pivot[i];
        // back: x_i = d'_i - c'_i x_(i+1)
        double next = line[n - 1] = work[n - 1];
        for (std::size_t i = n - 1; i-- > 0;) line[i] = next = work[i] - axis.upper[i] * next;
      }
    return;
  }
  const std::size_t batch = lines_inner;  // inner_stride is 1: x positions of one plane
  work.resize(n * batch);
  for (std::size_t o = 0; o < lines_outer; ++o) {
    double* base = c.data() + o * outer_stride;
    for (std::size_t x = 0; x < batch; ++x) work[x] = base[x] * axis.inverse_pivot[0];
    for (std::size_t i = 1; i < n; ++i) {
      const double* in = base + i * stride;
      double* w = work.data() + i * batch;
      const double* prev = w - batch;
      const double q = axis.inverse_pivot[i];
      for (std::size_t x = 0; x < batch; ++x) w[x] = (in[x] + r_ * prev[x]) * q;
    }
    double* last = base + (n - 1) * stride;
    for (std::size_t x = 0; x < batch; ++x) last[x] = work[(n - 1) * batch + x];
    for (std::size_t i = n - 1; i-- > 0;) {
      double* out = base + i * stride;
      const double* next = out + stride;
      const double* w = work.data() + i * batch;
      const double u = axis.upper[i];
      for (std::size_t x = 0; x < batch; ++x) out[x] = w[x] - u * next[x];
    }
  }
}

void DiffusionSolver::step(std::vector<double>& c, const std::vector<double>& release_ng_per_s,
                           const std::vector<double>& uptake_per_s, std::vector<double>& work) const {
  const std::size_t size = grid_.size();
  if (c.size() != size) throw std::invalid_argument("DiffusionSolver::step: field size differs from the grid");
  const double volume = grid_.voxel_mL();
  const bool sources = !release_ng_per_s.empty(), sinks = !uptake_per_s.empty();
  if (sources || sinks)
    for (std::size_t i = 0; i < size; ++i) {
      const double s = sources ? release_ng_per_s[i] : 0.0, u = sinks ? uptake_per_s[i] : 0.0;
      if (u > 0.0) {
        const double plateau = s / (u * volume);
        c[i] = (c[i] - plateau) * std::exp(-u * dt_) + plateau;
      } else if (s != 0.0) {
        c[i] += s * dt_ / volume;
      }
    }
  const std::size_t nx = static_cast<std::size_t>(grid_.nx), ny = static_cast<std::size_t>(grid_.ny),
                    nz = static_cast<std::size_t>(grid_.nz);
  sweep(c, ax_, 1, nz, nx * ny, ny, nx, work);  // x lines: one per (z, y)
  sweep(c, ay_, nx, nz, nx * ny, nx, 1, work);  // y lines: one per (z, x)
  sweep(c, az_, nx * ny, ny, nx, nx, 1, work);  // z lines: one per (y, x)
}

}  // namespace vct::models::abm
