// SPDX-License-Identifier: MIT
// Conversion constants into the internal unit system (docs/units.md): time in day, volume in L,
// concentration in nM, amount in nmol, cells as counts, surface densities in molecule/um^2.
#pragma once

#include <limits>

namespace vct::units {

inline constexpr double kInf = std::numeric_limits<double>::infinity();
inline constexpr double kPi = 3.14159265358979323846;
inline constexpr double kAvogadro = 6.0221409e23;  ///< 1/mol (value used by QSP-IO)
inline constexpr double kSecondsPerDay = 86400.0;
inline constexpr double kMinutesPerDay = 1440.0;
inline constexpr double kHoursPerDay = 24.0;
inline constexpr double kLPerUm3 = 1e-15;
inline constexpr double kLPerMl = 1e-3;
inline constexpr double kMlPerL = 1000.0;
inline constexpr double kLPerUl = 1e-6;
inline constexpr double kLPerMm3 = 1e-6;
inline constexpr double kMlPerCm3 = 1.0;
inline constexpr double kNmPerM = 1e9;  ///< nM per M
inline constexpr double kNmolPerMol = 1e9;
/// um^2/molecule in one 1/(uM*nm): a 3-D on-rate divided by the synaptic gap becomes a 2-D one.
inline constexpr double kUm2PerMoleculePerInvUmNm = 1e15 / (kAvogadro * 1e-6 * 1e-3);
/// Cross-arm factor Chi in 1/nm times kon in 1/(nM*day) gives um^2/(molecule*day) after this.
inline constexpr double kChiPerNmToInternal = kUm2PerMoleculePerInvUmNm * 1e-6 * 1e9;

}  // namespace vct::units
