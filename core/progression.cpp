// SPDX-License-Identifier: MIT
#include "core/progression.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "core/random.hpp"

namespace vct {

const std::vector<ParameterInfo>& progression_parameter_table() {
  static const std::vector<ParameterInfo> table = {
      {"new_lesion_rate_per_day", "1/day", 4e-4, 0.0, 0.1,
       "new_lesions: median rate r of new detectable lesions at 1 cm^3 of tumour, lambda = r (V / 1 cm^3)^gamma",
       "calibrated to CheckMate 017 progression (docs/validation.md); form Iwata 2000 J Theor Biol 203:177, "
       "Benzekry 2016 Cancer Res 76:535"},
      {"new_lesion_rate_log_sd", "1", 1.0, 0.0, 3.0, "new_lesions: SD of ln r between patients",
       "assumed; Benzekry 2016 fits a log-normal metastatic potential between animals and patients"},
      {"new_lesion_exponent", "1", 2.0 / 3.0, 0.0, 1.5,
       "new_lesions: burden exponent gamma (2/3: cells shed from the tumour surface)",
       "Iwata 2000 (alpha 2/3); Hartung 2014 Cancer Res 74:6397 fitted 0.6-1 in mice"},
      {"os_intercept_log_day", "ln(day)", 6.94, 3.0, 10.0,
       "overall_survival: log survival time (days) of the reference patient (kg 0, TTG 39.9 wk, SLD 100 mm)",
       "Struemper 2025 CPT Pharmacometrics Syst Pharmacol 14:1006, Table 3 (6.94); recalibrated to CheckMate 017 OS"},
      {"os_sigma_log", "1", 0.718, 0.05, 3.0, "overall_survival: SD of log survival time around the prediction",
       "Struemper 2025 Table 3 (log sigma -0.331); recalibrated to CheckMate 017 OS"},
      {"os_emax_growth", "1", -6.91, -20.0, 0.0,
       "overall_survival: largest shift of log survival time by the tumour growth rate kg (Emax)",
       "Struemper 2025 Table 3 (fixed -6.91)"},
      {"os_ec50_growth_per_week", "1/week", 0.109, 1e-4, 10.0,
       "overall_survival: growth rate kg giving half the Emax shift", "Struemper 2025 Table 3 (0.109)"},
      {"os_sld_slope_per_mm", "1/mm", -0.00366, -0.1, 0.1,
       "overall_survival: shift of log survival time per mm of baseline sum of diameters above 100 mm",
       "Struemper 2025 Table 3"},
      {"os_ttg_slope_per_week", "1/week", 0.0124, -1.0, 1.0,
       "overall_survival: shift of log survival time per week of time to tumour growth above 39.9 weeks",
       "Struemper 2025 Table 3"},
      {"os_growth_floor_per_day", "1/day", 1e-4, 1e-7, 0.01,
       "overall_survival: smallest growth rate used by the link (a fit at 0 has no finite TTG)",
       "assumed: about the 2nd percentile of on-ICI growth rates, ln g -6.56 +- 1.28 (Laleh 2022, dossier "
       "clinical.md section 2.1)"},
      {"non_target_growth_sd_per_day", "1/day", 0.01, 0.0, 0.05,
       "non_target: SD between patients of the non-target disease's log-diameter growth rate beyond the measured "
       "disease's",
       "assumed: at 0.01 about 2-3 % of CheckMate 017 virtual patients have a dissociated first scan (targets "
       "-30 %, non-target +20 % or a new lesion) against 3.3-12.5 % published (docs/validation.md); lesion-to-lesion "
       "heterogeneity on ICI: Kumar 2023 Front Immunol 14:1173546"},
      {"non_target_pd_volume_increase", "1", 0.73, 0.1, 10.0,
       "non_target: increase of non-target volume over its nadir read as unequivocal progression",
       "Eisenhauer 2009 Eur J Cancer 45:228 (RECIST 1.1: 73 % in volume, as a 20 % diameter increase)"},
      {"new_lesion_occult_per_burden", "1", 0.2, 0.0, 100.0,
       "new_lesions (occult_growth law): median a, new detectable lesions per unit of (V / 1 cm^3)^gamma the "
       "followed disease grows above its baseline",
       "calibrated to CheckMate 017 progression (docs/validation.md); form from seeding at r V^gamma during "
       "untreated growth (Iwata 2000, Benzekry 2016) with a = r (v_seed / v_detect)^gamma / (gamma k)"},
  };
  return table;
}

ProgressionParameterIndices resolve_progression_parameters(const std::vector<ParameterInfo>& parameters) {
  // The index members in the order of progression_parameter_table(): each is resolved by its row's name.
  using Member = int ProgressionParameterIndices::*;
  static constexpr Member kMembers[] = {&ProgressionParameterIndices::new_lesion_rate,
                                        &ProgressionParameterIndices::new_lesion_log_sd,
                                        &ProgressionParameterIndices::new_lesion_exponent,
                                        &ProgressionParameterIndices::os_intercept,
                                        &ProgressionParameterIndices::os_sigma,
                                        &ProgressionParameterIndices::os_emax,
                                        &ProgressionParameterIndices::os_ec50,
                                        &ProgressionParameterIndices::os_sld_slope,
                                        &ProgressionParameterIndices::os_ttg_slope,
                                        &ProgressionParameterIndices::os_growth_floor,
                                        &ProgressionParameterIndices::non_target_sd,
                                        &ProgressionParameterIndices::non_target_pd_volume,
                                        &ProgressionParameterIndices::new_lesion_occult};
  const auto& table = progression_parameter_table();
  ProgressionParameterIndices r;
  for (std::size_t row = 0; row < std::size(kMembers) && row < table.size(); ++row) {
    int found = -1;
    for (std::size_t i = 0; i < parameters.size() && found < 0; ++i)
      if (parameters[i].name == table[row].name) found = static_cast<int>(i);
    if (found < 0) return {};  // the model does not offer the modules
    r.*kMembers[row] = found;
  }
  return r;
}

namespace {
double at(const std::vector<double>& p, int i) { return p[static_cast<std::size_t>(i)]; }
}  // namespace

NewLesionParameters new_lesion_parameters(const ProgressionParameterIndices& i, const std::vector<double>& p) {
  return {at(p, i.new_lesion_rate), at(p, i.new_lesion_log_sd), at(p, i.new_lesion_exponent),
          at(p, i.new_lesion_occult)};
}

SurvivalParameters survival_parameters(const ProgressionParameterIndices& i, const std::vector<double>& p) {
  return {at(p, i.os_intercept), at(p, i.os_sigma),     at(p, i.os_emax),        at(p, i.os_ec50),
          at(p, i.os_sld_slope), at(p, i.os_ttg_slope), at(p, i.os_growth_floor)};
}

NonTargetParameters non_target_parameters(const ProgressionParameterIndices& i, const std::vector<double>& p) {
  return {at(p, i.non_target_sd), at(p, i.non_target_pd_volume)};
}

ProgressionDraws progression_draws(std::uint64_t seed, std::size_t candidate) {
  Rng rng(seed, Stream::kProgression, candidate);
  ProgressionDraws d;
  d.rate_z = normal_quantile(rng.uniform());
  d.threshold = -std::log(rng.uniform());
  d.survival_z = normal_quantile(rng.uniform());
  d.non_target_z = normal_quantile(rng.uniform());
  return d;
}

double first_new_lesion_day(const std::vector<double>& day, const std::vector<double>& burden_cm3, double rate,
                            double exponent, double threshold) {
  const double inf = std::numeric_limits<double>::infinity();
  if (day.empty() || !(rate > 0.0)) return inf;
  auto intensity = [&](std::size_t k) { return rate * std::pow(std::max(0.0, burden_cm3[k]), exponent); };
  double cumulative = 0.0, previous = intensity(0);
  for (std::size_t k = 1; k < day.size(); ++k) {
    const double h = day[k] - day[k - 1], current = intensity(k);
    const double step = 0.5 * h * (previous + current);
    if (cumulative + step >= threshold) {
      // Inside the step the intensity is linear, so the cumulative is quadratic in s = t - day[k-1]:
      // previous s + (current - previous) s^2 / (2 h) = threshold - cumulative.
      const double need = threshold - cumulative, slope = (current - previous) / h;
      double s;
      if (std::fabs(slope) * h < 1e-12 * std::max(previous, 1e-300))
        s = need / previous;
      else
        s = (-previous + std::sqrt(std::max(0.0, previous * previous + 2.0 * slope * need))) / slope;
      return day[k - 1] + std::clamp(s, 0.0, h);
    }
    cumulative += step;
    previous = current;
  }
  return inf;
}

double first_occult_lesion_day(const std::vector<double>& day, const std::vector<double>& followed_cm3,
                               double baseline_burden_cm3, double a, double exponent, double threshold) {
  const double inf = std::numeric_limits<double>::infinity();
  if (day.empty() || !(a > 0.0) || !(followed_cm3.front() > 0.0)) return inf;
  const double scale = a * std::pow(std::max(0.0, baseline_burden_cm3), exponent);
  double highest = followed_cm3.front(), previous = 0.0;
  for (std::size_t k = 1; k < day.size(); ++k) {
    highest = std::max(highest, followed_cm3[k]);
    const double expected = scale * (std::pow(highest / followed_cm3.front(), exponent) - 1.0);
    if (expected >= threshold) {
      const double s = (threshold - previous) / (expected - previous);  // expected > previous here
      return day[k - 1] + std::clamp(s, 0.0, 1.0) * (day[k] - day[k - 1]);
    }
    previous = expected;
  }
  return inf;
}

double time_to_growth_day(double d, double g) {
  if (!(d > g) || !(g > 0.0)) return 0.0;
  return std::log(d / g) / (d + g);
}

double survival_log_day(const SurvivalParameters& s, double g, double d, double baseline_sld_mm) {
  const double g_used = std::max(std::isnan(g) ? 0.0 : g, s.growth_floor_per_day);
  const double d_used = std::isnan(d) ? 0.0 : d;
  const double kg_week = 7.0 * g_used;
  const double ttg_week = time_to_growth_day(d_used, g_used) / 7.0;
  return s.intercept_log_day + s.emax * kg_week / (kg_week + s.ec50_per_week) +
         s.sld_slope_per_mm * (baseline_sld_mm - 100.0) + s.ttg_slope_per_week * (ttg_week - 39.9);
}

}  // namespace vct
