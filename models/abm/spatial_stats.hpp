// SPDX-License-Identifier: MIT
// Spatial statistics of a window, as pathology reads a section (spatial-abm.md §4.2, §6.6):
// where the tumour is and how deep each voxel lies in it, CD8 and PD-L1 profiles by depth from the
// tumour boundary (invasive front), contacts between cancer and immune cells, and a cold / mixed /
// compartmentalised label in the spirit of Keren et al. 2018 (Cell 174:1373) as used for spQSP by
// Ruiz-Martinez et al. 2023 (Cancers 15:2750). Thresholds are assumptions, stated in SpatialOptions.
// Distances are lattice (Chebyshev) distances in voxels times the voxel edge. Pure functions of
// the window; thread-safe.
#pragma once

#include <vector>

#include "models/abm/window.hpp"

namespace vct::models::abm {

struct SpatialOptions {
  int tumour_box_radius = 2;              ///< the tumour region: voxels whose (2r+1)^3 box is at least...
  double tumour_box_density = 0.25;       ///< ...this share cancer-occupied (smooths the lattice's gaps)
  double bin_um = 50.0;                   ///< depth bins of the profile
  double cold_immune_per_cancer = 0.01;   ///< assumed: fewer CD8 + Treg per cancer cell is "cold"
  double compartmentalised_mixing = 0.1;  ///< assumed: a lower mixing score is "compartmentalised"
};

enum class ImmuneLabel { kCold = 0, kMixed = 1, kCompartmentalised = 2 };
const char* to_string(ImmuneLabel label);

/// One depth bin: depth in [lower_um, upper_um) from the tumour boundary, positive inside the
/// tumour region, negative outside it (stroma).
struct ProfileBin {
  double lower_um = 0.0, upper_um = 0.0;
  double volume_mm3 = 0.0;
  double cancer = 0.0, cd8 = 0.0, cytotoxic = 0.0, treg = 0.0, pdl1_positive = 0.0;
  double cd8_per_mm3() const;
  double pdl1_positive_share() const;  ///< of the bin's viable cancer cells (NaN without any)
};

struct SpatialStats {
  std::vector<ProfileBin> profile;  ///< ascending depth
  double cd8_per_mm3 = 0.0;         ///< whole window
  double cancer_near_cd8 = 0.0;  ///< share of viable cancer cells with a CD8 cell in their voxel or a Moore neighbour
  double median_cd8_to_cancer_um = 0.0;  ///< over CD8 cells: distance to the nearest cancer cell (NaN without cancer)
  double mixing_score = 0.0;             ///< CD8/Treg-cancer contacts per immune-immune contact (Keren 2018)
  ImmuneLabel label = ImmuneLabel::kCold;
};

/// Signed depth of every voxel in voxels: inside the tumour region, the lattice distance d to the
/// nearest voxel outside it (>= 1); outside, 1 - d with d the distance to the nearest voxel inside
/// it (<= 0). Either way the voxel centre lies (depth - 0.5) voxels from the boundary. All 0 when
/// the window is all tumour region or has none.
std::vector<int> depth_map(const Window& w, const SpatialOptions& o = {});

SpatialStats spatial_statistics(const Window& w, const SpatialOptions& o = {});

}  // namespace vct::models::abm
