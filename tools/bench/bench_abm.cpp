// SPDX-License-Identifier: MIT
// vct_bench_abm [EDGE] [DAYS]: cost of one agent-based window (models/abm) per simulated day, single
// thread: an EDGE^3 lattice (default 32) filled at the default density, DAYS days (default 30) of
// 6-h slices; once with the cancer cells alone, once with T cells recruited at the ports (0.02 CD8
// and 0.004 Tregs per port and slice, PD-1 bond scale 3), which brings the IFN-gamma and IL-2
// fields and their diffusion sub-steps (docs/performance.md).
#include <chrono>
#include <cstdio>
#include <cstdlib>

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
  const int slices = days * 4;
  double seconds[2] = {0.0, 0.0};
  abm::WindowCounts end[2];
  for (int immune = 0; immune < 2; ++immune) {
    abm::Window w(p, grid, {}, abm::window_stream(1, 0, 0, 0));
    w.populate();
    const double ports = static_cast<double>(w.ports().size());
    const abm::SliceInputs in = immune ? abm::SliceInputs{0.02 * ports, 0.004 * ports, 3.0, 1.0} : abm::SliceInputs{};
    const auto t0 = std::chrono::steady_clock::now();
    for (int s = 0; s < slices; ++s) w.advance_slice(in);
    seconds[immune] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    end[immune] = w.counts();
  }
  std::printf("window          %d^3 voxels of %.0f um (%.3f mm^3), %d sub-steps per slice\n", edge, grid.voxel_um,
              grid.volume_mm3(), static_cast<int>(p[abm::P::pde_substeps]));
  std::printf("simulated       %d days (%d slices), single thread\n", days, slices);
  std::printf("cancer only     %.2f ms per window-day (%lld cancer cells at the end)\n", 1e3 * seconds[0] / days,
              static_cast<long long>(end[0].cells()));
  std::printf(
      "with T cells    %.2f ms per window-day (%lld cancer cells, %lld CD8, %lld Tregs at the end; %lld kills "
      "in the last slice)\n",
      1e3 * seconds[1] / days, static_cast<long long>(end[1].cells()), static_cast<long long>(end[1].cd8()),
      static_cast<long long>(end[1].treg), static_cast<long long>(end[1].kills));
  return 0;
}
