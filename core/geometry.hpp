// SPDX-License-Identifier: MIT
// Tumour geometry: a lesion is read out as the sphere of its volume (RECIST diameters).
#pragma once

#include <cmath>

#include "core/units.hpp"

namespace vct {

/// Diameter (cm) of the sphere of volume_L litres: 2 (3 V / (4 pi))^(1/3), V in mL (= cm^3).
/// Range: volume_L >= 0; thread-safe (pure).
inline double sphere_diameter_cm(double volume_L) {
  return 2.0 * std::cbrt(3.0 * volume_L / units::kLPerMl / (4.0 * units::kPi));
}

/// Volume (L) of the sphere of diameter_cm: pi d^3 / 6 in mL (= cm^3), over 1000 mL/L.
/// Range: diameter_cm >= 0; thread-safe (pure).
inline double sphere_volume_L(double diameter_cm) {
  return units::kPi / 6.0 * diameter_cm * diameter_cm * diameter_cm / units::kMlPerL;
}

}  // namespace vct
