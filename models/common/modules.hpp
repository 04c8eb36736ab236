// SPDX-License-Identifier: MIT
// Rate-law building blocks shared by the QSP-IO models (the platform composes every model from
// the same modules). Templates over the scalar type so that models stay AD-differentiable.
#pragma once

#include <cmath>

#include "core/units.hpp"

namespace vct::models {

template <class T>
T hill(const T& x, double k, double n) {
  using std::pow;
  const T q = x / k;
  const T r = n == 2.0 ? T(q * q) : T(pow(q, n));  // the common n = 2 without a pow call
  return r / (r + 1.0);
}

/// x where x > 0, else 0. For cell counts: after eradication, solver round-off can leave a count
/// of order -1e-28 that a growth law would amplify exponentially (docs/models/qspio_nsclc.md).
template <class T>
T positive_part(const T& x) {
  return x > 0.0 ? x : T(0.0);
}

template <class T>
T michaelis(const T& x, double k) {
  return x / (x + k);
}

/// Small root of the TCR/pMHC binding quadratic, without cancellation (both roots' product form).
template <class T>
T tcr_complexes(const T& pmhc, double tcr_total, double kd) {
  using std::sqrt;
  const T s = pmhc + tcr_total + kd;
  return 2.0 * pmhc * tcr_total / (s + sqrt(s * s - 4.0 * pmhc * tcr_total));
}

/// Kinetic-proofreading factor [k_off/(k_off + phi)] [k_p/(k_off + k_p)]^N (Lever 2014).
inline double proofreading_factor(double k_off, double phi, double k_p, double n_steps) {
  return k_off / (k_off + phi) * std::pow(k_p / (k_off + k_p), n_steps);
}

/// Indices of one antigen's species in the state vector.
struct AntigenIndices {
  int free;           ///< free antigen in the tumour interstitium (nM)
  int endosomal;      ///< antigen in the APC endosome (nM)
  int epitope;        ///< epitope in the endosome (nM)
  int pmhc_endosome;  ///< loaded MHC on the endosomal membrane (molecule/um^2)
  int pmhc_surface;   ///< loaded MHC on the APC surface (molecule/um^2)
};

struct AntigenRates {
  double k_extracellular_deg;  ///< 1/day
  double k_uptake;             ///< 1/(cell day), per taking-up APC
  double k_processing;         ///< endosomal antigen -> epitope, 1/day
  double k_epitope_deg;        ///< 1/day
  double k_on;                 ///< epitope-MHC association, 1/(nM day)
  double kd;                   ///< epitope-MHC dissociation constant, nM
  double k_out;                ///< MHC externalisation, 1/day
  double endosome_area_um2;
  double surface_area_um2;
  double endosome_volume_L;
};

/// Antigen release, uptake, processing and MHC loading of one antigen (QSP-IO antigen and MHC
/// modules). `release` is the antigen source in nM/day; `apcs` the number of APCs taking it up.
/// Writes the five species' derivatives and returns the endosomal MHC binding flux
/// (molecule/um^2/day), which the caller subtracts from free endosomal MHC.
template <class T>
T antigen_presentation(const T* y, T* dy, const AntigenIndices& i, const AntigenRates& r, const T& release,
                       const T& apcs, const T& free_mhc_endosome) {
  const double membrane_to_nM = r.endosome_area_um2 * units::kNmolPerMol / (units::kAvogadro * r.endosome_volume_L);
  dy[i.free] = release - r.k_extracellular_deg * y[i.free] - r.k_uptake * apcs * y[i.free];
  dy[i.endosomal] = r.k_uptake * y[i.free] - r.k_processing * y[i.endosomal];  // one representative APC
  const T binding = r.k_on * y[i.epitope] * free_mhc_endosome - r.kd * r.k_on * y[i.pmhc_endosome];
  dy[i.epitope] = r.k_processing * y[i.endosomal] - r.k_epitope_deg * y[i.epitope] - membrane_to_nM * binding;
  dy[i.pmhc_endosome] = binding - r.k_out * y[i.pmhc_endosome];
  dy[i.pmhc_surface] =
      r.k_out * y[i.pmhc_endosome] * r.endosome_area_um2 / r.surface_area_um2 - r.kd * r.k_on * y[i.pmhc_surface];
  return binding;
}

}  // namespace vct::models
