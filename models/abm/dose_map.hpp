// SPDX-License-Identifier: MIT
// Radiation dose inside a lesion, per fraction, as a function of position (spatial-abm.md §3, §6.5).
// Positions are in mm from the lesion's centre; the lesion is a sphere of radius R (mm) at the time
// of the fraction. Kinds:
//   uniform  dose_Gy everywhere (conventional or SBRT whole-lesion coverage);
//   partial  PATHY-like: a central sphere holding target_volume_fraction of the lesion volume
//            (radius R f^(1/3)) at dose_Gy, falling linearly over falloff_mm to periphery_Gy,
//            which the rest of the lesion receives (Tubin 2019; Particle-PATHY: about 30 % central);
//   lattice  vertices of diameter vertex_diameter_mm on a cubic lattice of spacing spacing_mm with
//            a vertex at the centre; peak_Gy within a vertex, falling linearly over falloff_mm to
//            valley_Gy between them (Wu 2020; Amendola 2019: 18 Gy vertices / 3 Gy periphery);
//   grid     a voxel dose file: values on a regular grid (origin and spacing in mm, x fastest),
//            nearest voxel, 0 outside the grid.
// Every kind gives 0 outside the lesion (r > R) except grid, which is what the file says.
// Immutable; safe to share between threads.
#pragma once

#include <vector>

namespace vct::models::abm {

struct Point {
  double x = 0.0, y = 0.0, z = 0.0;  ///< mm
};

enum class DoseMapKind { kUniform, kPartial, kLattice, kGrid };

struct DoseGrid {
  int nx = 0, ny = 0, nz = 0;
  Point origin_mm;              ///< centre of voxel (0, 0, 0) relative to the lesion centre
  double spacing_mm = 1.0;      ///< > 0
  std::vector<double> dose_Gy;  ///< nx ny nz values, x fastest; >= 0
};

struct DoseMap {
  DoseMapKind kind = DoseMapKind::kUniform;
  double dose_Gy = 0.0;                 ///< uniform dose, or the partial map's target dose
  double target_volume_fraction = 0.3;  ///< partial: in (0, 1]
  double periphery_Gy = 0.0;            ///< partial: dose to the rest of the lesion
  double falloff_mm = 0.0;              ///< partial, lattice: width of the linear penumbra, >= 0
  double vertex_diameter_mm = 10.0;     ///< lattice
  double spacing_mm = 30.0;             ///< lattice: centre-to-centre, > vertex diameter
  double peak_Gy = 0.0;                 ///< lattice
  double valley_Gy = 0.0;               ///< lattice
  DoseGrid grid;                        ///< grid

  /// Dose (Gy) of one fraction at p for a lesion of radius radius_mm.
  double dose_at(const Point& p, double radius_mm) const;
  /// Largest dose anywhere in the map (for reports).
  double max_dose() const;
};

}  // namespace vct::models::abm
