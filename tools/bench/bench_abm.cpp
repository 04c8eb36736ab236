// SPDX-License-Identifier: MIT
// vct_bench_abm [EDGE] [DAYS]: cost of one agent-based window (models/abm) per simulated day, single
// thread: an EDGE^3 lattice (default 32) filled at the default density, DAYS days (default 30) of
// 6-h slices; once with the cancer cells alone, once with two cytokine fields (IFN-gamma, IL-2)
// advanced by the default 36 diffusion sub-steps per slice, as the window will run them
// (docs/performance.md).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include "models/abm/diffusion.hpp"
#include "models/abm/window.hpp"

namespace abm = vct::models::abm;

int main(int argc, char** argv) {
  const int edge = argc > 1 ? std::atoi(argv[1]) : 32;
  const int days = argc > 2 ? std::atoi(argv[2]) : 30;
  if (edge < 4 || edge > 400 || days < 1) {
    std::fprintf(stderr, "usage: vct_bench_abm [EDGE 4-400] [DAYS >= 1]\n");
    return 1;
  }
  const abm::Parameters p;
  const abm::Grid grid{edge, edge, edge, p[abm::P::voxel_um]};
  const int slices = days * 4, substeps = static_cast<int>(p[abm::P::pde_substeps]);
  const double dt = p.slice_seconds() / substeps;
  const abm::DiffusionSolver ifng(grid, p[abm::P::IFNg_diffusivity_um2_per_s], p[abm::P::IFNg_decay_per_s], dt);
  const abm::DiffusionSolver il2(grid, p[abm::P::IL2_diffusivity_um2_per_s], p[abm::P::IL2_decay_per_s], dt);
  double seconds[2] = {0.0, 0.0};
  long cells = 0;
  for (int with_pde = 0; with_pde < 2; ++with_pde) {
    abm::Window w(p, grid, {}, abm::window_stream(1, 0, 0, 0));
    w.populate();
    std::vector<double> a(grid.size(), 0.0), b(grid.size(), 0.0), release(grid.size(), 0.0), work;
    for (std::size_t i = 0; i < grid.size(); i += 97) release[i] = 7.64e-10;  // a sprinkle of sources
    const auto t0 = std::chrono::steady_clock::now();
    for (int s = 0; s < slices; ++s) {
      w.advance_slice();
      if (with_pde)
        for (int k = 0; k < substeps; ++k) {
          ifng.step(a, release, {}, work);
          il2.step(b, release, {}, work);
        }
    }
    seconds[with_pde] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    cells = static_cast<long>(w.cells().size());
  }
  std::printf("window        %d^3 voxels of %.0f um (%.3f mm^3), %ld cancer cells at the end\n", edge, grid.voxel_um,
              grid.volume_mm3(), cells);
  std::printf("simulated     %d days (%d slices), single thread\n", days, slices);
  std::printf("cells only    %.2f ms per window-day\n", 1e3 * seconds[0] / days);
  std::printf("+ 2 fields    %.2f ms per window-day (%d sub-steps per slice)\n", 1e3 * seconds[1] / days, substeps);
  return 0;
}
