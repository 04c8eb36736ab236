// SPDX-License-Identifier: MIT
// Progression beyond the target lesions, and overall survival (docs/recist.md, "New lesions,
// overall survival and non-target disease"): three read-out modules applied to a simulated
// patient after the ODE run.
// - new_lesions: new metastases appear as a counting process whose intensity grows with the
//   tumour burden, lambda(t) = r_i (V(t) / 1 cm^3)^gamma (Iwata 2000; Benzekry 2016; dossier
//   clinical.md section 4.3), with log r_i normal between patients; a new lesion is progression at
//   the first scan on or after its appearance (RECIST 1.1).
// - overall_survival: a log-normal accelerated-failure-time link from the patient's tumour
//   dynamics to survival (Struemper 2025, CPT Pharmacometrics Syst Pharmacol 14:1006, Table 3):
//   log T = intercept + Emax kg / (kg + EC50) + b_SLD (SLD0 - 100 mm) + b_TTG (TTG - 39.9 wk) + sigma z.
// - non_target: the patient's non-target disease (lesions RECIST follows without measuring) tracks
//   the measured disease with its own net growth: its size relative to baseline is the measured
//   ratio times exp(delta_i t), delta_i normal between patients (lesion-to-lesion heterogeneity of
//   response, Kumar 2023 Front Immunol 14:1173546); an increase of non-target volume by 73 % over
//   its nadir (a diameter +20 %, Eisenhauer 2009 Eur J Cancer 45:228) is unequivocal progression.
// Pure maths: the random numbers come in as arguments (one stream per patient, progression_draws).
// Thread safety: every function is re-entrant.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/model.hpp"

namespace vct {

/// Parameters of the new-lesion module (model parameters; progression_parameter_table()).
struct NewLesionParameters {
  double rate_per_day = 4e-4;   ///< median r_i: new lesions per day at 1 cm^3 of tumour, >= 0 (burden_rate law)
  double log_sd = 1.0;          ///< SD of ln r_i (or ln a_i) between patients, >= 0
  double exponent = 2.0 / 3.0;  ///< gamma, burden exponent, [0, 1.5]
  double occult_per_burden =
      0.2;  ///< median a_i, new lesions per unit of (V / 1 cm^3)^gamma grown (occult_growth law), >= 0
};

/// Parameters of the survival link (model parameters; progression_parameter_table()).
struct SurvivalParameters {
  double intercept_log_day = 6.94;     ///< log(day) at the reference patient
  double sigma_log = 0.718;            ///< SD of log T around the prediction, > 0
  double emax = -6.91;                 ///< largest shift of log T by the growth rate
  double ec50_per_week = 0.109;        ///< growth rate of half that shift, 1/week, > 0
  double sld_slope_per_mm = -0.00366;  ///< per mm of baseline sum of diameters above 100 mm
  double ttg_slope_per_week = 0.0124;  ///< per week of time to tumour growth above 39.9 weeks
  double growth_floor_per_day = 1e-4;  ///< smallest growth rate used (a fit at 0 has no finite TTG), > 0
};

/// Parameters of the non-target module (model parameters; progression_parameter_table()).
struct NonTargetParameters {
  double growth_sd_per_day =
      0.01;  ///< SD of delta_i, the non-target disease's log-diameter growth beyond the measured, 1/day, >= 0
  double pd_volume_increase = 0.73;  ///< unequivocal progression: non-target volume / nadir - 1, > 0
  /// The same threshold on the diameter-equivalent ratio: (1 + volume increase)^(1/3) - 1 (0.73 -> 0.2).
  double pd_diameter_fraction() const { return std::cbrt(1.0 + pd_volume_increase) - 1.0; }
};

/// The module's parameters as model parameters (name with unit, default, bounds, source), in this
/// order: the new-lesion ones, the survival ones, then the non-target ones. Models that offer the
/// modules append them.
const std::vector<ParameterInfo>& progression_parameter_table();

/// Indices of progression_parameter_table()'s entries in a model's parameter vector (-1: the model
/// does not offer the modules). Resolved once from the names.
struct ProgressionParameterIndices {
  int new_lesion_rate = -1, new_lesion_log_sd = -1, new_lesion_exponent = -1;
  int os_intercept = -1, os_sigma = -1, os_emax = -1, os_ec50 = -1, os_sld_slope = -1, os_ttg_slope = -1,
      os_growth_floor = -1;
  int non_target_sd = -1, non_target_pd_volume = -1, new_lesion_occult = -1;
  bool available() const { return new_lesion_rate >= 0 && os_growth_floor >= 0 && non_target_sd >= 0; }
};
ProgressionParameterIndices resolve_progression_parameters(const std::vector<ParameterInfo>& parameters);
NewLesionParameters new_lesion_parameters(const ProgressionParameterIndices& i, const std::vector<double>& p);
SurvivalParameters survival_parameters(const ProgressionParameterIndices& i, const std::vector<double>& p);
NonTargetParameters non_target_parameters(const ProgressionParameterIndices& i, const std::vector<double>& p);

/// One patient's random numbers for both modules, the same in every arm (paired comparisons):
/// from the stream (seed, Stream::kProgression, candidate).
struct ProgressionDraws {
  double rate_z = 0.0;      ///< standard normal: ln r_i = ln median + log_sd rate_z
  double threshold = 1.0;   ///< unit exponential: the first new lesion appears when the cumulative intensity reaches it
  double survival_z = 0.0;  ///< standard normal: the survival residual z
  double non_target_z = 0.0;  ///< standard normal: delta_i = growth_sd_per_day non_target_z (drawn last: the
                              ///< earlier draws are those of the modules before it)
};
ProgressionDraws progression_draws(std::uint64_t seed, std::size_t candidate);

/// Day of the first new lesion: the first t with integral_0^t rate (V/1 cm^3)^gamma dt >= threshold,
/// the integral by the trapezoidal rule on the series (linear inside the crossing step).
/// `day` ascending, `burden_cm3` >= 0 at those days. +infinity when none appears by day.back().
double first_new_lesion_day(const std::vector<double>& day, const std::vector<double>& burden_cm3, double rate_per_day,
                            double exponent, double threshold);

/// Day of the first new lesion under the occult_growth law: occult metastases seeded before
/// treatment grow in step with the disease they follow and are detected when they reach a
/// detectable size, so the expected number detected by t is
///   Lambda(t) = a (V0 / 1 cm^3)^gamma [(M(t) / followed[0])^gamma - 1],   M(t) = max_{s <= t} followed(s)
/// (docs/recist.md). `followed_cm3` is the burden the occult disease follows (> 0), `baseline_burden_cm3`
/// the patient's whole baseline burden V0. The first t with Lambda(t) >= threshold, linear in
/// Lambda inside the crossing step; +infinity when none by day.back().
double first_occult_lesion_day(const std::vector<double>& day, const std::vector<double>& followed_cm3,
                               double baseline_burden_cm3, double a, double exponent, double threshold);

/// Time to tumour growth of the bi-exponential fit, ln(d/g) / (d + g) in days, 0 when d <= g.
double time_to_growth_day(double d_per_day, double g_per_day);

/// The survival link's log T prediction (log day) without the residual, for a patient with
/// regrowth rate g, shrinkage rate d (per day, the fit of docs/recist.md) and baseline sum of
/// diameters (mm). g is raised to growth_floor_per_day.
double survival_log_day(const SurvivalParameters& s, double g_per_day, double d_per_day, double baseline_sld_mm);

}  // namespace vct
