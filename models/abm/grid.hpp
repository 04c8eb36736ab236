// SPDX-License-Identifier: MIT
// The lattice of one agent-based window: nx x ny x nz cubic voxels of edge voxel_um, x fastest in
// memory. Neighbourhoods are the 3-D Moore set (26 voxels) clipped at the window's faces (no wrap).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace vct::models::abm {

struct Voxel {
  int x = 0, y = 0, z = 0;
};

struct Grid {
  int nx = 32, ny = 32, nz = 32;  ///< voxels per axis, >= 1
  double voxel_um = 20.0;         ///< voxel edge, um

  std::size_t size() const {
    return static_cast<std::size_t>(nx) * static_cast<std::size_t>(ny) * static_cast<std::size_t>(nz);
  }
  std::uint32_t index(int x, int y, int z) const {
    return static_cast<std::uint32_t>(
        (static_cast<std::size_t>(z) * static_cast<std::size_t>(ny) + static_cast<std::size_t>(y)) *
            static_cast<std::size_t>(nx) +
        static_cast<std::size_t>(x));
  }
  Voxel voxel(std::uint32_t i) const {
    const int x = static_cast<int>(i % static_cast<std::uint32_t>(nx));
    const std::uint32_t rest = i / static_cast<std::uint32_t>(nx);
    return {x, static_cast<int>(rest % static_cast<std::uint32_t>(ny)),
            static_cast<int>(rest / static_cast<std::uint32_t>(ny))};
  }
  bool inside(int x, int y, int z) const { return x >= 0 && y >= 0 && z >= 0 && x < nx && y < ny && z < nz; }
  /// Voxel volume in mL (um^3 x 1e-12).
  double voxel_mL() const { return voxel_um * voxel_um * voxel_um * 1e-12; }
  /// Window volume in mm^3.
  double volume_mm3() const { return static_cast<double>(size()) * voxel_um * voxel_um * voxel_um * 1e-9; }

  /// Writes the Moore neighbours of voxel i inside the window, in a fixed order (z, y, x
  /// offsets ascending), and returns how many there are (7 at a corner, 26 inside).
  int moore(std::uint32_t i, std::array<std::uint32_t, 26>& out) const {
    const Voxel v = voxel(i);
    int n = 0;
    for (int dz = -1; dz <= 1; ++dz)
      for (int dy = -1; dy <= 1; ++dy)
        for (int dx = -1; dx <= 1; ++dx) {
          if ((dx | dy | dz) == 0 || !inside(v.x + dx, v.y + dy, v.z + dz)) continue;
          out[static_cast<std::size_t>(n++)] = index(v.x + dx, v.y + dy, v.z + dz);
        }
    return n;
  }
};

/// For every voxel: how many voxels of its box of radius r (clipped at the faces) have `mask`
/// set, and how many voxels that box has (a 3-D prefix sum; O(voxels)).
void box_counts(const Grid& g, const std::vector<char>& mask, int r, std::vector<int>& count, std::vector<int>& volume);

}  // namespace vct::models::abm
