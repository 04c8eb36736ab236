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

namespace {

/// Cells by kind per voxel: cancer occupancy (doomed included), T cells of any kind, CD8 cells.
struct Occupancy {
  std::vector<char> cancer;
  std::vector<int> immune, cd8;
};

Occupancy occupancy(const Window& w) {
  const std::size_t size = w.grid().size();
  Occupancy occ{std::vector<char>(size, 0), std::vector<int>(size, 0), std::vector<int>(size, 0)};
  for (const CancerCell& c : w.cells()) occ.cancer[c.voxel] = 1;
  for (const TCell& t : w.t_cells()) {
    ++occ.immune[t.voxel];
    if (t.kind == TKind::kCD8) ++occ.cd8[t.voxel];
  }
  return occ;
}

/// The profile by depth: bin k holds voxels whose centres lie (depth - 0.5) h in [k b, (k + 1) b).
std::vector<ProfileBin> depth_profile(const Window& w, const std::vector<int>& depth, const SpatialOptions& o) {
  const Grid& g = w.grid();
  const Parameters& p = w.parameters();
  std::map<long, ProfileBin> bins;
  const auto bin_of = [&](std::uint32_t v) -> ProfileBin& {
    const long k = static_cast<long>(std::floor((depth[v] - 0.5) * g.voxel_um / o.bin_um));
    ProfileBin& b = bins[k];
    b.lower_um = static_cast<double>(k) * o.bin_um;
    b.upper_um = b.lower_um + o.bin_um;
    return b;
  };
  const double voxel_mm3 = g.voxel_um * g.voxel_um * g.voxel_um * 1e-9;
  for (std::uint32_t v = 0; v < g.size(); ++v) bin_of(v).volume_mm3 += voxel_mm3;
  for (const CancerCell& c : w.cells()) {
    if (c.doomed) continue;
    ProfileBin& b = bin_of(c.voxel);
    b.cancer += 1.0;
    const double level = c.pdl1 < 0.0f ? p[P::PDL1_base_fraction] : static_cast<double>(c.pdl1);
    if (level > p[P::PDL1_positive_fraction]) b.pdl1_positive += 1.0;
  }
  for (const TCell& t : w.t_cells()) {
    ProfileBin& b = bin_of(t.voxel);
    if (t.kind == TKind::kTreg) {
      b.treg += 1.0;
    } else {
      b.cd8 += 1.0;
      if (t.state == TState::kCytotoxic) b.cytotoxic += 1.0;
    }
  }
  std::vector<ProfileBin> profile;
  for (const auto& [k, b] : bins) profile.push_back(b);
  return profile;
}

/// Contacts over a voxel and its Moore neighbours: the share of cancer cells with a CD8 cell near,
/// and the mixing score (immune-cancer contacts per immune-immune contact).
void contacts(const Grid& g, const Occupancy& occ, std::size_t cancer_cells, SpatialStats& s) {
  std::array<std::uint32_t, 26> around{};
  double near = 0.0, immune_cancer = 0.0, immune_immune = 0.0;
  for (std::uint32_t v = 0; v < g.size(); ++v) {
    if (!occ.cancer[v] && !occ.immune[v]) continue;
    const int n = g.moore(v, around);
    int cd8_near = occ.cd8[v], immune_near = 0, cancer_near = 0;
    for (int k = 0; k < n; ++k) {
      const std::uint32_t u = around[static_cast<std::size_t>(k)];
      cd8_near += occ.cd8[u];
      immune_near += occ.immune[u];
      cancer_near += occ.cancer[u];
    }
    if (occ.cancer[v] && cd8_near > 0) near += 1.0;
    if (occ.immune[v]) {
      const double here = static_cast<double>(occ.immune[v]);
      immune_cancer += here * (cancer_near + occ.cancer[v]);
      // pairs within the voxel once; pairs with neighbours are met from both ends, hence halved
      immune_immune += 0.5 * here * (here - 1.0) + 0.5 * here * immune_near;
    }
  }
  const double cells = static_cast<double>(cancer_cells);
  s.cancer_near_cd8 = cells > 0.0 ? near / cells : 0.0;
  s.mixing_score = immune_immune > 0.0 ? immune_cancer / immune_immune : (immune_cancer > 0.0 ? 1e9 : 0.0);
}

/// Median over CD8 cells of the lattice distance to the nearest cancer cell (NaN without either).
double median_cd8_to_cancer_um(const Window& w, const Occupancy& occ) {
  const std::vector<int> to_cancer = lattice_distance(w.grid(), occ.cancer);
  std::vector<double> distances;
  for (const TCell& t : w.t_cells())
    if (t.kind == TKind::kCD8 && to_cancer[t.voxel] != kUnset)
      distances.push_back(to_cancer[t.voxel] * w.grid().voxel_um);
  if (distances.empty()) return std::numeric_limits<double>::quiet_NaN();
  std::sort(distances.begin(), distances.end());
  const std::size_t m = distances.size() / 2;
  return distances.size() % 2 ? distances[m] : 0.5 * (distances[m - 1] + distances[m]);
}

}  // namespace

SpatialStats spatial_statistics(const Window& w, const SpatialOptions& o) {
  SpatialStats s;
  s.profile = depth_profile(w, depth_map(w, o), o);
  double cd8 = 0.0;
  for (const TCell& t : w.t_cells()) cd8 += t.kind == TKind::kCD8 ? 1.0 : 0.0;
  s.cd8_per_mm3 = cd8 / w.grid().volume_mm3();
  const Occupancy occ = occupancy(w);
  contacts(w.grid(), occ, w.cells().size(), s);
  s.median_cd8_to_cancer_um = median_cd8_to_cancer_um(w, occ);
  const double viable = static_cast<double>(w.counts().cells() - w.counts().doomed);
  const double immune_cells = static_cast<double>(w.t_cells().size());
  if (viable == 0.0 || immune_cells / viable < o.cold_immune_per_cancer)
    s.label = ImmuneLabel::kCold;
  else
    s.label = s.mixing_score < o.compartmentalised_mixing ? ImmuneLabel::kCompartmentalised : ImmuneLabel::kMixed;
  return s;
}

}  // namespace vct::models::abm
