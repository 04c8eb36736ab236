// SPDX-License-Identifier: MIT
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/dose_map.hpp"

namespace vct {

/// How the fractions of a course are spread over days.
enum class FractionSchedule {
  kDaily,      ///< one fraction every day
  kWeekdays,   ///< Monday to Friday, the start day being a Monday
  kAlternate,  ///< every other day
  kExplicit,   ///< the days listed in `days`
};
const char* to_string(FractionSchedule schedule);

/// One radiotherapy course (docs/scenario-reference.md, `radiotherapy`): `fractions` fractions of
/// dose_per_fraction_Gy each to every lesion in `lesions`, from start_day (t = 0 is the start of
/// treatment, the baseline scan).
struct RadiotherapyCourse {
  std::string name;
  double dose_per_fraction_Gy = 0.0;
  int fractions = 1;
  double start_day = 0.0;
  FractionSchedule schedule = FractionSchedule::kDaily;
  std::vector<double> days;  ///< kExplicit: fraction days relative to start_day
  std::vector<int> lesions;  ///< 0-based lesion indices
  /// Effective dose to circulating immune cells of the whole course (EDIC, Gy; Jin 2021), spread
  /// evenly over its fractions; read by the lymphodepletion module. The loader fills a default by
  /// site and fractionation (docs/models/radiotherapy.md).
  double edic_Gy = 0.0;
  bool edic_given = false;           ///< edic_Gy came from the scenario (else default_edic_Gy)
  std::string site = "lung";         ///< treated site, for the EDIC default (lung, liver, other)
  bool lymph_node_in_field = false;  ///< the tumour-draining lymph node receives the fraction dose
  /// How the dose spreads inside each irradiated lesion, relative to dose_per_fraction_Gy (partial
  /// or lattice RT; core/dose_map.hpp). Null: the whole lesion receives the prescription.
  std::shared_ptr<const DoseMap> dose_map;

  double total_dose_Gy() const { return dose_per_fraction_Gy * fractions; }
  /// Absolute fraction days (t = 0 at treatment start), in order.
  std::vector<double> fraction_days() const;
};

/// Default EDIC of a course (Gy): its total dose times a factor by site and fractionation
/// (docs/models/radiotherapy.md, "Lymphodepletion"). Lung: 5.6 Gy for 60 Gy / 30 fractions (RTOG
/// 0617's median, Jin 2021) gives 0.093 /Gy; ablative courses of <= 5 fractions treat small
/// volumes, about 0.033 /Gy (assumed from the EDIC formula with typical SBRT lung, heart and body
/// doses). Liver: the organ's large blood pool, 0.09 /Gy for <= 5 fractions (assumed: 45 Gy / 5 fx
/// about 4 Gy) and 0.15 /Gy for more (assumed). Other sites use the lung factors. With a dose map
/// the result is scaled by the map's mean relative dose over a 5-cm lesion (assumed: EDIC scales
/// with the irradiated volume x dose).
double default_edic_Gy(const RadiotherapyCourse& c);

/// Biologically effective dose of n fractions of d Gy: n d (1 + d / (alpha/beta)).
double bed_Gy(int fractions, double dose_per_fraction_Gy, double alpha_beta_Gy);
/// Equivalent dose in 2-Gy fractions: BED / (1 + 2 / (alpha/beta)).
double eqd2_Gy(int fractions, double dose_per_fraction_Gy, double alpha_beta_Gy);
/// Cell survival after one fraction by the linear-quadratic model, exp(-alpha d - beta d^2).
double lq_survival(double dose_Gy, double alpha_per_Gy, double beta_per_Gy2);

/// One fraction delivered to one lesion: a state jump applied by the model.
struct RadiationFraction {
  double time_day = 0.0;
  int lesion = 0;  ///< 0-based
  double dose_Gy = 0.0;
  std::string course;
  /// Dose to circulating immune cells with this fraction (the course's EDIC / fractions), counted
  /// once per session: on the first lesion a course treats that day, 0 on the others.
  double circulating_dose_Gy = 0.0;
  double lymph_node_dose_Gy = 0.0;  ///< dose to the tumour-draining lymph node (0: out of field)
  /// The course's dose map (null: uniform); dose_Gy is its prescription.
  std::shared_ptr<const DoseMap> dose_map;
};

/// All fractions of the courses up to horizon_day, ordered by time (then lesion).
std::vector<RadiationFraction> expand_radiotherapy(const std::vector<RadiotherapyCourse>& courses, double horizon_day);

/// Lesions (0-based) irradiated by any of the courses, ascending.
std::vector<int> irradiated_lesions(const std::vector<RadiotherapyCourse>& courses);

}  // namespace vct
