// SPDX-License-Identifier: MIT
// vct_abm_margin [DAYS] [--csv FILE] [--section FILE]: one invasive-margin window on its own (models/abm;
// docs/models/abm.md, "Behaviour"): a 48 x 32 x 32 lattice with tumour (60 % occupancy) in the first
// third and stroma beyond, density-gated ports, 0.02 CD8 cells and 0.004 Tregs expected per port and
// slice, a PD-1 bond scale of 3; no QSP coupling (constant inputs). Prints the profile by depth from
// the tumour boundary at the end (CD8 density, cytotoxic cells, PD-L1+ share) and the window's
// statistics; --csv writes the profile and --section the cells of the middle z plane (x, y, kind)
// for tools/figures/abm_margin.py.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "models/abm/spatial_stats.hpp"

namespace abm = vct::models::abm;

int main(int argc, char** argv) {
  int days = 30;
  std::string csv, section;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--csv") == 0 && i + 1 < argc)
      csv = argv[++i];
    else if (std::strcmp(argv[i], "--section") == 0 && i + 1 < argc)
      section = argv[++i];
    else
      days = std::atoi(argv[i]);
  }
  if (days < 1) {
    std::fprintf(stderr, "usage: vct_abm_margin [DAYS >= 1] [--csv FILE]\n");
    return 1;
  }
  abm::Parameters p;
  p[abm::P::port_gating] = 1.0;
  const abm::Grid grid{48, 32, 32, p[abm::P::voxel_um]};
  abm::Window w(p, grid, {}, abm::window_stream(20261203, 0, 0, 0));
  w.populate(1.0 / 3.0);
  const double ports = static_cast<double>(w.ports().size());
  const abm::SliceInputs in{0.02 * ports, 0.004 * ports, 3.0, 1.0};
  for (int s = 0; s < 4 * days; ++s) w.advance_slice(in);
  const abm::SpatialStats st = abm::spatial_statistics(w);
  std::printf(
      "margin window 48 x 32 x 32 voxels of 20 um, %d days: %lld cancer cells, %lld CD8 (%lld cytotoxic), %lld Tregs\n",
      days, static_cast<long long>(w.counts().cells()), static_cast<long long>(w.counts().cd8()),
      static_cast<long long>(w.counts().cd8_cytotoxic), static_cast<long long>(w.counts().treg));
  std::printf("%14s %10s %12s %10s %10s %12s\n", "depth um", "cancer", "CD8 /mm3", "cytotoxic", "Tregs",
              "PD-L1+ share");
  FILE* out = csv.empty() ? nullptr : std::fopen(csv.c_str(), "w");
  if (!csv.empty() && !out) {
    std::fprintf(stderr, "vct_abm_margin: cannot write %s\n", csv.c_str());
    return 4;
  }
  if (out)
    std::fprintf(
        out, "depth_lower_um,depth_upper_um,volume_mm3,cancer,cd8,cytotoxic,treg,cd8_per_mm3,pdl1_positive_share\n");
  for (const abm::ProfileBin& b : st.profile) {
    std::printf("[%5.0f, %5.0f) %10.0f %12.0f %10.0f %10.0f %12.2f\n", b.lower_um, b.upper_um, b.cancer,
                b.cd8_per_mm3(), b.cytotoxic, b.treg, b.pdl1_positive_share());
    if (out)
      std::fprintf(out, "%g,%g,%g,%g,%g,%g,%g,%g,%g\n", b.lower_um, b.upper_um, b.volume_mm3, b.cancer, b.cd8,
                   b.cytotoxic, b.treg, b.cd8_per_mm3(), b.pdl1_positive_share());
  }
  if (out) std::fclose(out);
  if (!section.empty()) {
    FILE* cut = std::fopen(section.c_str(), "w");
    if (!cut) {
      std::fprintf(stderr, "vct_abm_margin: cannot write %s\n", section.c_str());
      return 4;
    }
    // kind: cancer, cancer_pdl1 (PD-L1+), doomed, cd8_effector, cd8_cytotoxic, cd8_suppressed, treg
    std::fprintf(cut, "x_um,y_um,kind\n");
    const int mid = grid.nz / 2;
    const double positive = p[abm::P::PDL1_positive_fraction];
    for (const abm::CancerCell& c : w.cells()) {
      const abm::Voxel v = grid.voxel(c.voxel);
      if (v.z != mid) continue;
      const char* kind = c.doomed ? "doomed" : static_cast<double>(c.pdl1) > positive ? "cancer_pdl1" : "cancer";
      std::fprintf(cut, "%g,%g,%s\n", (v.x + 0.5) * grid.voxel_um, (v.y + 0.5) * grid.voxel_um, kind);
    }
    for (const abm::TCell& t : w.t_cells()) {
      const abm::Voxel v = grid.voxel(t.voxel);
      if (v.z != mid) continue;
      const char* kind = t.kind == abm::TKind::kTreg          ? "treg"
                         : t.state == abm::TState::kEffector  ? "cd8_effector"
                         : t.state == abm::TState::kCytotoxic ? "cd8_cytotoxic"
                                                              : "cd8_suppressed";
      std::fprintf(cut, "%g,%g,%s\n", (v.x + 0.5) * grid.voxel_um, (v.y + 0.5) * grid.voxel_um, kind);
    }
    std::fclose(cut);
  }
  std::printf(
      "CD8 %.0f /mm3; cancer cells beside a CD8 cell %.3f; median CD8-cancer distance %.0f um; mixing score %.3f; %s\n",
      st.cd8_per_mm3, st.cancer_near_cd8, st.median_cd8_to_cancer_um, st.mixing_score, abm::to_string(st.label));
  return 0;
}
