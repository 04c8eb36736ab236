// SPDX-License-Identifier: MIT
#include "models/abm/spatial_stats.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <limits>
#include <map>

namespace vct::models::abm {
namespace {

constexpr int kUnset = std::numeric_limits<int>::max();

/// Multi-source breadth-first lattice distance (26 neighbours) from the voxels where `source` is
/// true; kUnset where none is reachable.
std::vector<int> lattice_distance(const Grid& g, const std::vector<char>& source) {
  std::vector<int> d(g.size(), kUnset);
  std::deque<std::uint32_t> queue;
  for (std::uint32_t v = 0; v < g.size(); ++v)
    if (source[v]) {
      d[v] = 0;
      queue.push_back(v);
    }
  std::array<std::uint32_t, 26> around{};
  while (!queue.empty()) {
    const std::uint32_t v = queue.front();
    queue.pop_front();
    const int n = g.moore(v, around);
    for (int k = 0; k < n; ++k) {
      const std::uint32_t u = around[static_cast<std::size_t>(k)];
      if (d[u] != kUnset) continue;
      d[u] = d[v] + 1;
      queue.push_back(u);
    }
  }
  return d;
}

/// Cancer occupancy of every voxel (doomed cells included).
std::vector<char> cancer_mask(const Window& w) {
  std::vector<char> m(w.grid().size(), 0);
  for (const CancerCell& c : w.cells()) m[c.voxel] = 1;
  return m;
}

/// The tumour region: voxels whose box of radius r holds at least `density` cancer cells per voxel.
std::vector<char> tumour_region(const Grid& g, const std::vector<char>& cancer, int r, double density) {
  std::vector<int> count, volume;
  box_counts(g, cancer, r, count, volume);
  std::vector<char> region(g.size(), 0);
  for (std::size_t v = 0; v < g.size(); ++v) region[v] = static_cast<double>(count[v]) >= density * volume[v] ? 1 : 0;
  return region;
}

}  // namespace

const char* to_string(ImmuneLabel label) {
  switch (label) {
    case ImmuneLabel::kCold:
      return "cold";
    case ImmuneLabel::kMixed:
      return "mixed";
    case ImmuneLabel::kCompartmentalised:
      return "compartmentalised";
  }
  return "?";
}

double ProfileBin::cd8_per_mm3() const { return volume_mm3 > 0.0 ? cd8 / volume_mm3 : 0.0; }

double ProfileBin::pdl1_positive_share() const {
  return cancer > 0.0 ? pdl1_positive / cancer : std::numeric_limits<double>::quiet_NaN();
}

std::vector<int> depth_map(const Window& w, const SpatialOptions& o) {
  const Grid& g = w.grid();
  const std::vector<char> region = tumour_region(g, cancer_mask(w), o.tumour_box_radius, o.tumour_box_density);
  std::vector<char> outside(g.size());
  for (std::size_t v = 0; v < g.size(); ++v) outside[v] = region[v] ? 0 : 1;
  const std::vector<int> to_outside = lattice_distance(g, outside), to_inside = lattice_distance(g, region);
  std::vector<int> depth(g.size(), 0);
  for (std::size_t v = 0; v < g.size(); ++v) {
    if (region[v])
      depth[v] = to_outside[v] == kUnset ? 0 : to_outside[v];
    else
      depth[v] = to_inside[v] == kUnset ? 0 : 1 - to_inside[v];
  }
  return depth;
}

SpatialStats spatial_statistics(const Window& w, const SpatialOptions& o) {
  const Grid& g = w.grid();
  const Parameters& p = w.parameters();
  SpatialStats s;
  const std::vector<int> depth = depth_map(w, o);
  const double voxel_mm3 = g.voxel_um * g.voxel_um * g.voxel_um * 1e-9;
  // profile by depth: bin k holds depths (in um, voxel centres at (d - 0.5) h) in [k b, (k + 1) b)
  std::map<long, ProfileBin> bins;
  const auto bin_of = [&](std::uint32_t v) -> ProfileBin& {
    const double um = (depth[v] - 0.5) * g.voxel_um;
    const long k = static_cast<long>(std::floor(um / o.bin_um));
    ProfileBin& b = bins[k];
    b.lower_um = static_cast<double>(k) * o.bin_um;
    b.upper_um = b.lower_um + o.bin_um;
    return b;
  };
  for (std::uint32_t v = 0; v < g.size(); ++v) bin_of(v).volume_mm3 += voxel_mm3;
  const double positive = p[P::PDL1_positive_fraction];
  std::vector<char> cancer(g.size(), 0), immune(g.size(), 0);
  double viable = 0.0;
  for (const CancerCell& c : w.cells()) {
    cancer[c.voxel] = 1;
    if (c.doomed) continue;
    viable += 1.0;
    ProfileBin& b = bin_of(c.voxel);
    b.cancer += 1.0;
    const double level = c.pdl1 < 0.0f ? p[P::PDL1_base_fraction] : static_cast<double>(c.pdl1);
    if (level > positive) b.pdl1_positive += 1.0;
  }
  std::vector<int> cd8_at(g.size(), 0);
  double cd8 = 0.0;
  for (const TCell& t : w.t_cells()) {
    ProfileBin& b = bin_of(t.voxel);
    immune[t.voxel] += 1;
    if (t.kind == TKind::kTreg) {
      b.treg += 1.0;
      continue;
    }
    b.cd8 += 1.0;
    cd8 += 1.0;
    ++cd8_at[t.voxel];
    if (t.state == TState::kCytotoxic) b.cytotoxic += 1.0;
  }
  for (auto& [k, b] : bins) s.profile.push_back(b);
  s.cd8_per_mm3 = cd8 / g.volume_mm3();
  // contacts (voxel and Moore neighbours): cancer cells near CD8, immune-cancer and immune-immune pairs
  std::array<std::uint32_t, 26> around{};
  double near = 0.0, immune_cancer = 0.0, immune_immune = 0.0;
  for (std::uint32_t v = 0; v < g.size(); ++v) {
    if (!cancer[v] && !immune[v]) continue;
    const int n = g.moore(v, around);
    int cd8_near = cd8_at[v], immune_near = 0, cancer_near = 0;
    for (int k = 0; k < n; ++k) {
      const std::uint32_t u = around[static_cast<std::size_t>(k)];
      cd8_near += cd8_at[u];
      immune_near += immune[u];
      cancer_near += cancer[u];
    }
    if (cancer[v] && cd8_near > 0) near += 1.0;
    if (immune[v]) {
      immune_cancer += static_cast<double>(immune[v]) * (cancer_near + cancer[v]);
      // pairs within the voxel once, pairs with neighbours counted from both ends (halved below)
      immune_immune += 0.5 * immune[v] * (immune[v] - 1) + 0.5 * static_cast<double>(immune[v]) * immune_near;
    }
  }
  const double cells = static_cast<double>(w.cells().size());
  s.cancer_near_cd8 = cells > 0.0 ? near / cells : 0.0;
  s.mixing_score = immune_immune > 0.0 ? immune_cancer / immune_immune : (immune_cancer > 0.0 ? 1e9 : 0.0);
  // nearest cancer cell from each CD8 cell
  const std::vector<int> to_cancer = lattice_distance(g, cancer);
  std::vector<double> distances;
  for (const TCell& t : w.t_cells())
    if (t.kind == TKind::kCD8 && to_cancer[t.voxel] != kUnset) distances.push_back(to_cancer[t.voxel] * g.voxel_um);
  if (distances.empty()) {
    s.median_cd8_to_cancer_um = std::numeric_limits<double>::quiet_NaN();
  } else {
    std::sort(distances.begin(), distances.end());
    const std::size_t m = distances.size() / 2;
    s.median_cd8_to_cancer_um = distances.size() % 2 ? distances[m] : 0.5 * (distances[m - 1] + distances[m]);
  }
  const double immune_cells = static_cast<double>(w.t_cells().size());
  if (viable == 0.0 || immune_cells / viable < o.cold_immune_per_cancer)
    s.label = ImmuneLabel::kCold;
  else
    s.label = s.mixing_score < o.compartmentalised_mixing ? ImmuneLabel::kCompartmentalised : ImmuneLabel::kMixed;
  return s;
}

}  // namespace vct::models::abm
