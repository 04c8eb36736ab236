// SPDX-License-Identifier: MIT
#include "models/abm/dose_map.hpp"

#include <algorithm>
#include <cmath>

namespace vct::models::abm {
namespace {

/// `high` up to radius, falling linearly to `low` over `falloff` beyond it.
double penumbra(double distance, double radius, double falloff, double high, double low) {
  if (distance <= radius) return high;
  if (!(falloff > 0.0) || distance >= radius + falloff) return low;
  return high + (low - high) * (distance - radius) / falloff;
}

/// Distance from p to the nearest lattice vertex (vertices at integer multiples of spacing).
double distance_to_vertex(const Point& p, double spacing) {
  const auto offset = [spacing](double v) { return v - spacing * std::round(v / spacing); };
  return std::hypot(offset(p.x), offset(p.y), offset(p.z));
}

}  // namespace

double DoseMap::dose_at(const Point& p, double radius_mm) const {
  const double r = std::hypot(p.x, p.y, p.z);
  if (kind != DoseMapKind::kGrid && r > radius_mm) return 0.0;
  switch (kind) {
    case DoseMapKind::kUniform:
      return dose_Gy;
    case DoseMapKind::kPartial:
      return penumbra(r, radius_mm * std::cbrt(target_volume_fraction), falloff_mm, dose_Gy, periphery_Gy);
    case DoseMapKind::kLattice:
      return penumbra(distance_to_vertex(p, spacing_mm), 0.5 * vertex_diameter_mm, falloff_mm, peak_Gy, valley_Gy);
    case DoseMapKind::kGrid: {
      const auto nearest = [&](double v, double o, int n) {
        const long i = std::lround((v - o) / grid.spacing_mm);
        return i >= 0 && i < n ? static_cast<int>(i) : -1;
      };
      const int i = nearest(p.x, grid.origin_mm.x, grid.nx), j = nearest(p.y, grid.origin_mm.y, grid.ny),
                k = nearest(p.z, grid.origin_mm.z, grid.nz);
      if (i < 0 || j < 0 || k < 0) return 0.0;
      return grid
          .dose_Gy[(static_cast<std::size_t>(k) * static_cast<std::size_t>(grid.ny) + static_cast<std::size_t>(j)) *
                       static_cast<std::size_t>(grid.nx) +
                   static_cast<std::size_t>(i)];
    }
  }
  return 0.0;
}

double DoseMap::max_dose() const {
  switch (kind) {
    case DoseMapKind::kUniform:
      return dose_Gy;
    case DoseMapKind::kPartial:
      return std::max(dose_Gy, periphery_Gy);
    case DoseMapKind::kLattice:
      return std::max(peak_Gy, valley_Gy);
    case DoseMapKind::kGrid:
      return grid.dose_Gy.empty() ? 0.0 : *std::max_element(grid.dose_Gy.begin(), grid.dose_Gy.end());
  }
  return 0.0;
}

}  // namespace vct::models::abm
