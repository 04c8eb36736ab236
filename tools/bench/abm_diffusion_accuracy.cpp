// SPDX-License-Identifier: MIT
// vct_abm_diffusion_accuracy: the splitting error of the window's diffusion solver next to a point
// source (docs/models/abm.md, "Accuracy at the default step"). One IFN-gamma source (D 10 um^2/s,
// decay 6.5e-5 /s, 7.64e-10 ng/s) at the centre of a 61^3 lattice, run for three slices (18 h) at
// 600-s (the default 36 per slice) and 150-s sub-steps; prints each field along an axis relative
// to a 30-s reference run. Single thread, about 10 s.
#include <cstdio>
#include <vector>

#include "models/abm/diffusion.hpp"

namespace abm = vct::models::abm;

int main() {
  const abm::Grid g{61, 61, 61, 20.0};
  const double steps_s[3] = {600.0, 150.0, 30.0};
  std::vector<std::vector<double>> along(3);
  for (int k = 0; k < 3; ++k) {
    const abm::DiffusionSolver solver(g, 10.0, 6.5e-5, steps_s[k]);
    std::vector<double> c(g.size(), 0.0), release(g.size(), 0.0), work;
    release[g.index(30, 30, 30)] = 7.64e-10;
    const int n = static_cast<int>(3 * 21600.0 / steps_s[k]);
    for (int i = 0; i < n; ++i) solver.step(c, release, {}, work);
    for (int d = 0; d <= 20; ++d) along[static_cast<std::size_t>(k)].push_back(c[g.index(30 + d, 30, 30)]);
  }
  std::printf("%9s %16s %18s %18s\n", "voxels", "30-s (ng/mL)", "600-s / 30-s", "150-s / 30-s");
  for (std::size_t d = 0; d <= 20; d += 2)
    std::printf("%9zu %16.3g %18.3f %18.3f\n", d, along[2][d], along[0][d] / along[2][d], along[1][d] / along[2][d]);
  return 0;
}
