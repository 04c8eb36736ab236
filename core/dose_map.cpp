// SPDX-License-Identifier: MIT
#include "core/dose_map.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

namespace vct {
namespace {

/// `high` up to radius, falling linearly to `low` over `falloff` beyond it.
double penumbra(double distance, double radius, double falloff, double high, double low) {
  if (distance <= radius) return high;
  if (!(falloff > 0.0) || distance >= radius + falloff) return low;
  return high + (low - high) * (distance - radius) / falloff;
}

/// Distance from p to the nearest lattice vertex (vertices at integer multiples of spacing).
double distance_to_vertex(const DosePoint& p, double spacing) {
  const auto offset = [spacing](double v) { return v - spacing * std::round(v / spacing); };
  return std::hypot(offset(p.x), offset(p.y), offset(p.z));
}

std::vector<DoseBin> from_histogram(const std::map<double, double>& h) {
  double total = 0.0;
  for (const auto& [dose, volume] : h) total += volume;
  std::vector<DoseBin> bins;
  for (const auto& [dose, volume] : h)
    if (volume > 0.0) bins.push_back({volume / total, dose});
  return bins;
}

}  // namespace

const char* to_string(DoseMapKind kind) {
  switch (kind) {
    case DoseMapKind::kUniform:
      return "uniform";
    case DoseMapKind::kPartial:
      return "partial";
    case DoseMapKind::kLattice:
      return "lattice";
    case DoseMapKind::kGrid:
      return "grid";
  }
  return "?";
}

namespace {

std::string describe_kind(const DoseMap& m) {
  char text[256];
  switch (m.kind) {
    case DoseMapKind::kUniform:
      return "uniform";
    case DoseMapKind::kPartial:
      std::snprintf(text, sizeof text, "partial: %g %% of the volume, periphery %g, fall-off %g mm",
                    100.0 * m.target_volume_fraction, m.periphery_relative, m.falloff_mm);
      return text;
    case DoseMapKind::kLattice:
      std::snprintf(text, sizeof text, "lattice: %g mm vertices %g mm apart, valley %g, fall-off %g mm",
                    m.vertex_diameter_mm, m.spacing_mm, m.valley_relative, m.falloff_mm);
      return text;
    case DoseMapKind::kGrid:
      std::snprintf(text, sizeof text, "grid: %s (%d x %d x %d points, %g mm)", m.file.c_str(), m.grid.nx, m.grid.ny,
                    m.grid.nz, m.grid.spacing_mm);
      return text;
  }
  return "?";
}

}  // namespace

std::string describe(const DoseMap& m) {
  std::string text = describe_kind(m);
  if (m.margin_mm > 0.0) {
    char margin[64];
    std::snprintf(margin, sizeof margin, "; planning margin %g mm", m.margin_mm);
    text += margin;
  }
  return text;
}

double DoseMap::relative_dose_at(const DosePoint& p, double radius_mm) const {
  const double r = std::hypot(p.x, p.y, p.z);
  if (r > radius_mm + margin_mm) return 0.0;
  switch (kind) {
    case DoseMapKind::kUniform:
      return 1.0;
    case DoseMapKind::kPartial:
      return penumbra(r, radius_mm * std::cbrt(target_volume_fraction), falloff_mm, 1.0, periphery_relative);
    case DoseMapKind::kLattice:
      return penumbra(distance_to_vertex(p, spacing_mm), 0.5 * vertex_diameter_mm, falloff_mm, 1.0, valley_relative);
    case DoseMapKind::kGrid: {
      const auto nearest = [&](double v, double o, int n) {
        const long i = std::lround((v - o) / grid.spacing_mm);
        return i >= 0 && i < n ? static_cast<int>(i) : -1;
      };
      const int i = nearest(p.x, grid.origin_mm.x, grid.nx), j = nearest(p.y, grid.origin_mm.y, grid.ny),
                k = nearest(p.z, grid.origin_mm.z, grid.nz);
      if (i < 0 || j < 0 || k < 0) return 0.0;
      return grid
          .relative[(static_cast<std::size_t>(k) * static_cast<std::size_t>(grid.ny) + static_cast<std::size_t>(j)) *
                        static_cast<std::size_t>(grid.nx) +
                    static_cast<std::size_t>(i)];
    }
  }
  return 0.0;
}

std::vector<DoseBin> dose_volume_histogram(const DoseMap& map, double radius_mm) {
  if (map.kind == DoseMapKind::kUniform || !(radius_mm > 0.0)) return {{1.0, 1.0}};
  std::map<double, double> h;
  if (map.kind == DoseMapKind::kPartial) {
    // target sphere, penumbra shells, periphery: volume shares of the unit ball
    const double rt = std::cbrt(map.target_volume_fraction);
    const double w = std::max(0.0, map.falloff_mm) / radius_mm;
    const double outer = std::min(1.0, rt + w);
    h[1.0] += rt * rt * rt;
    constexpr int kShells = 64;
    for (int i = 0; i < kShells && outer > rt; ++i) {
      const double a = rt + (outer - rt) * i / kShells, b = rt + (outer - rt) * (i + 1) / kShells;
      const double mid = 0.5 * (a + b);
      h[penumbra(mid * radius_mm, rt * radius_mm, map.falloff_mm, 1.0, map.periphery_relative)] +=
          b * b * b - a * a * a;
    }
    h[map.periphery_relative] += 1.0 - outer * outer * outer;
    return from_histogram(h);
  }
  constexpr int kPoints = 64;
  const double step = 2.0 * radius_mm / kPoints;
  for (int k = 0; k < kPoints; ++k)
    for (int j = 0; j < kPoints; ++j)
      for (int i = 0; i < kPoints; ++i) {
        const DosePoint p{-radius_mm + (i + 0.5) * step, -radius_mm + (j + 0.5) * step, -radius_mm + (k + 0.5) * step};
        if (std::hypot(p.x, p.y, p.z) > radius_mm) continue;
        h[std::round(map.relative_dose_at(p, radius_mm) * 1e4) * 1e-4] += 1.0;
      }
  return from_histogram(h);
}

}  // namespace vct
