// SPDX-License-Identifier: MIT
#include "models/abm/grid.hpp"

#include <algorithm>

namespace vct::models::abm {

void box_counts(const Grid& g, const std::vector<char>& mask, int r, std::vector<int>& count,
                std::vector<int>& volume) {
  const int nx = g.nx, ny = g.ny, nz = g.nz;
  auto at = [&](int x, int y, int z) { return static_cast<std::size_t>((z * (ny + 1) + y) * (nx + 1) + x); };
  std::vector<int> sum(static_cast<std::size_t>((nx + 1) * (ny + 1) * (nz + 1)), 0);
  for (int z = 0; z < nz; ++z)
    for (int y = 0; y < ny; ++y)
      for (int x = 0; x < nx; ++x)
        sum[at(x + 1, y + 1, z + 1)] = (mask[g.index(x, y, z)] ? 1 : 0) + sum[at(x, y + 1, z + 1)] +
                                       sum[at(x + 1, y, z + 1)] + sum[at(x + 1, y + 1, z)] - sum[at(x, y, z + 1)] -
                                       sum[at(x, y + 1, z)] - sum[at(x + 1, y, z)] + sum[at(x, y, z)];
  count.assign(g.size(), 0);
  volume.assign(g.size(), 0);
  for (int z = 0; z < nz; ++z)
    for (int y = 0; y < ny; ++y)
      for (int x = 0; x < nx; ++x) {
        const int x0 = std::max(0, x - r), x1 = std::min(nx, x + r + 1), y0 = std::max(0, y - r),
                  y1 = std::min(ny, y + r + 1), z0 = std::max(0, z - r), z1 = std::min(nz, z + r + 1);
        const std::uint32_t v = g.index(x, y, z);
        count[v] = sum[at(x1, y1, z1)] - sum[at(x0, y1, z1)] - sum[at(x1, y0, z1)] - sum[at(x1, y1, z0)] +
                   sum[at(x0, y0, z1)] + sum[at(x0, y1, z0)] + sum[at(x1, y0, z0)] - sum[at(x0, y0, z0)];
        volume[v] = (x1 - x0) * (y1 - y0) * (z1 - z0);
      }
}

}  // namespace vct::models::abm
