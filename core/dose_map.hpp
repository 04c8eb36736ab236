// SPDX-License-Identifier: MIT
// Radiation dose inside a lesion as a function of position, relative to the course's prescribed
// dose per fraction (1 = dose_per_fraction_Gy), for partial and spatially fractionated RT
// (docs/models/radiotherapy.md, "Dose maps"; ../shared/reference/spatial-abm.md §3, §6.5).
// Positions are in mm from the lesion centre; the lesion is a sphere of radius R (mm) at the time
// of the fraction. Kinds:
//   uniform  1 everywhere: whole-lesion coverage (what a course without a map gives);
//   partial  PATHY-like: 1 in a central sphere holding target_volume_fraction of the lesion volume
//            (radius R f^(1/3)), falling linearly over falloff_mm to periphery_relative, which the
//            rest of the lesion receives (Tubin 2019; Particle-PATHY: about 30 % central);
//   lattice  1 within vertices of diameter vertex_diameter_mm on a cubic lattice of spacing
//            spacing_mm with a vertex at the centre, falling linearly over falloff_mm to
//            valley_relative between them (Wu 2020; Amendola 2019: 18 Gy vertices, 3 Gy between);
//   grid     values on a regular grid (a dose file): origin and spacing in mm, x fastest, nearest
//            grid point, 0 off the grid.
// Every kind gives 0 outside the lesion and its planning margin (r > R + margin_mm). Within the
// margin (R < r <= R + margin_mm: the peritumoural tissue a planning target volume takes in) a kind
// gives the dose its formula gives there, e.g. 1 for uniform. margin_mm = 0 (the default) leaves the
// peritumoural niche unirradiated, as PATHY plans it (Tubin 2022: the peritumoural immune
// microenvironment as an organ at risk); whole-lesion lung SBRT covers a PTV reaching 0 to over
// 15 mm beyond the tumour (docs/models/radiotherapy.md, "Planning margin", with sources). The
// dose-volume histogram covers the lesion only (the margin holds no cancer cells of the
// compartment); the agent-based windows see the margin in their stroma. Immutable once built;
// safe to share between threads.
#pragma once

#include <string>
#include <vector>

namespace vct {

struct DosePoint {
  double x = 0.0, y = 0.0, z = 0.0;  ///< mm from the lesion centre
};

enum class DoseMapKind { kUniform, kPartial, kLattice, kGrid };
const char* to_string(DoseMapKind kind);

struct DoseGrid {
  int nx = 0, ny = 0, nz = 0;
  DosePoint origin_mm;           ///< grid point (0, 0, 0) relative to the lesion centre
  double spacing_mm = 1.0;       ///< > 0
  std::vector<double> relative;  ///< nx ny nz values >= 0, x fastest
};

struct DoseMap {
  DoseMapKind kind = DoseMapKind::kUniform;
  double target_volume_fraction = 0.3;  ///< partial: in (0, 1]
  double periphery_relative = 0.0;      ///< partial: dose to the rest of the lesion
  double falloff_mm = 0.0;              ///< partial, lattice: width of the linear penumbra, >= 0
  double vertex_diameter_mm = 10.0;     ///< lattice
  double spacing_mm = 30.0;             ///< lattice: centre to centre, > vertex diameter
  double valley_relative = 0.0;         ///< lattice
  double margin_mm = 0.0;               ///< every kind: planning margin beyond the lesion surface, >= 0
  DoseGrid grid;                        ///< grid
  std::string file;                     ///< grid: where it was read from (for the resolved scenario)

  /// Dose at p relative to the prescription, for a lesion of radius radius_mm.
  double relative_dose_at(const DosePoint& p, double radius_mm) const;
};

/// A short description for printouts, e.g. "partial: 30 % of the volume, periphery 0.1, fall-off 5 mm".
std::string describe(const DoseMap& map);

/// One bin of a dose-volume histogram: a share of the lesion volume at one relative dose.
struct DoseBin {
  double volume_fraction = 0.0;
  double relative_dose = 0.0;
};

/// The lesion's dose-volume histogram for radius radius_mm (volume fractions sum to 1). Uniform:
/// one bin. Partial: the target and the periphery exactly, the penumbra in 64 shells. Lattice and
/// grid: the lesion sampled on a 64^3 grid of cube midpoints, doses rounded to 1e-4. Deterministic.
std::vector<DoseBin> dose_volume_histogram(const DoseMap& map, double radius_mm);

}  // namespace vct
