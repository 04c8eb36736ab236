// SPDX-License-Identifier: MIT
#include "core/schedule_search.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>

#include "core/error.hpp"
#include "core/parallel.hpp"

namespace vct {

const char* to_string(ScheduleVariable v) {
  switch (v) {
    case ScheduleVariable::kRtDosePerFraction:
      return "rt_dose_per_fraction_Gy";
    case ScheduleVariable::kRtFractions:
      return "rt_fractions";
    case ScheduleVariable::kRtSpacingDay:
      return "rt_spacing_day";
    case ScheduleVariable::kRtStartFromIciDay:
      return "rt_start_from_ici_day";
    case ScheduleVariable::kRtLesion:
      return "rt_lesion";
    case ScheduleVariable::kIciStartDay:
      return "ici_start_day";
    case ScheduleVariable::kIciDose:
      return "ici_dose";
    case ScheduleVariable::kIciIntervalDay:
      return "ici_interval_day";
  }
  return "?";
}

const char* unit_of(ScheduleVariable v) {
  switch (v) {
    case ScheduleVariable::kRtDosePerFraction:
      return "Gy";
    case ScheduleVariable::kRtFractions:
      return "1";
    case ScheduleVariable::kRtLesion:
      return "index";
    case ScheduleVariable::kIciDose:
      return "mg or mg/kg";
    default:
      return "day";
  }
}

bool is_integer(ScheduleVariable v) { return v == ScheduleVariable::kRtFractions || v == ScheduleVariable::kRtLesion; }

const char* to_string(SearchMetric m) {
  switch (m) {
    case SearchMetric::kOrr:
      return "orr";
    case SearchMetric::kOutOfFieldOrr:
      return "out_of_field_orr";
    case SearchMetric::kDcr:
      return "dcr";
    case SearchMetric::kMedianPfsDay:
      return "median_pfs_day";
    case SearchMetric::kRestrictedPfsDay:
      return "restricted_mean_pfs_day";
    case SearchMetric::kMedianOsDay:
      return "median_os_day";
    case SearchMetric::kRestrictedOsDay:
      return "restricted_mean_os_day";
  }
  return "?";
}

const char* unit_of(SearchMetric m) {
  switch (m) {
    case SearchMetric::kOrr:
    case SearchMetric::kOutOfFieldOrr:
    case SearchMetric::kDcr:
      return "1";
    default:
      return "day";
  }
}

namespace {

/// Day of the first ICI dose of the arm (NaN without regimens).
double first_ici_day(const TrialArm& arm) {
  double first = std::numeric_limits<double>::quiet_NaN();
  for (const auto& r : arm.treatment) first = std::isnan(first) ? r.start_day : std::min(first, r.start_day);
  return first;
}

std::string number_text(double x) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.4g", x);
  return buffer;
}

void set_ici(TrialArm& arm, ScheduleVariable kind, double value) {
  if (arm.treatment.empty())
    throw Error(ErrorKind::kInput, std::string("schedule variable ") + to_string(kind) + ": the arm has no treatment");
  switch (kind) {
    case ScheduleVariable::kIciStartDay: {
      const double shift = value - first_ici_day(arm);
      for (auto& r : arm.treatment) r.start_day += shift;
      break;
    }
    case ScheduleVariable::kIciDose:
      if (arm.treatment.size() > 1)
        throw Error(ErrorKind::kInput, "schedule variable ici_dose: the arm doses more than one drug");
      if (arm.treatment[0].dose_mg_per_kg > 0.0)
        arm.treatment[0].dose_mg_per_kg = value;
      else
        arm.treatment[0].dose_mg = value;
      break;
    case ScheduleVariable::kIciIntervalDay:
      for (auto& r : arm.treatment) r.interval_day = value;
      break;
    default:
      break;
  }
}

void set_rt(TrialArm& arm, ScheduleVariable kind, double value, int n_lesions) {
  if (arm.radiotherapy.empty())
    throw Error(ErrorKind::kInput,
                std::string("schedule variable ") + to_string(kind) + ": the arm has no radiotherapy");
  RadiotherapyCourse& c = arm.radiotherapy[0];
  switch (kind) {
    case ScheduleVariable::kRtDosePerFraction:
      c.dose_per_fraction_Gy = value;
      break;
    case ScheduleVariable::kRtFractions:
      c.fractions = static_cast<int>(std::lround(value));
      if (c.fractions < 1) throw Error(ErrorKind::kInput, "schedule variable rt_fractions: " + number_text(value));
      break;
    case ScheduleVariable::kRtSpacingDay:
      c.schedule = FractionSchedule::kExplicit;
      break;  // the days are laid out once the number of fractions is known
    case ScheduleVariable::kRtStartFromIciDay:
      if (arm.treatment.empty())
        throw Error(ErrorKind::kInput, "schedule variable rt_start_from_ici_day: the arm has no treatment");
      c.start_day = first_ici_day(arm) + value;
      break;
    case ScheduleVariable::kRtLesion: {
      const long lesion = std::lround(value);
      if (lesion < 0 || lesion >= n_lesions)
        throw Error(ErrorKind::kInput, "schedule variable rt_lesion: lesion index " + number_text(value) +
                                           " outside [0, " + std::to_string(n_lesions) + ")");
      c.lesions = {static_cast<int>(lesion)};
      break;
    }
    default:
      break;
  }
}

}  // namespace

ScheduleDose schedule_dose(const TrialArm& arm, double alpha_beta_Gy) {
  ScheduleDose d;
  double first = first_ici_day(arm), last = first;
  for (const auto& c : arm.radiotherapy) {
    d.bed_Gy += bed_Gy(c.fractions, c.dose_per_fraction_Gy, alpha_beta_Gy);
    d.eqd2_Gy += eqd2_Gy(c.fractions, c.dose_per_fraction_Gy, alpha_beta_Gy);
    d.edic_Gy += c.edic_Gy;
    d.fractions += c.fractions;
    for (double day : c.fraction_days()) {
      first = std::isnan(first) ? day : std::min(first, day);
      last = std::isnan(last) ? day : std::max(last, day);
    }
  }
  d.window_day = std::isnan(first) ? 0.0 : last - first;
  return d;
}

std::string constraint_violation(const TrialArm& arm, const ScheduleConstraints& k) {
  const ScheduleDose d = schedule_dose(arm, k.alpha_beta_Gy);
  auto below = [](double x, double bound) { return !std::isnan(bound) && x < bound - 1e-9; };
  auto above = [](double x, double bound) { return !std::isnan(bound) && x > bound + 1e-9; };
  auto say = [](const char* what, double x, const char* side, const char* key, double bound) {
    return std::string(what) + " " + number_text(x) + " " + side + " " + key + " " + number_text(bound);
  };
  if (below(d.bed_Gy, k.bed_min_Gy)) return say("BED", d.bed_Gy, "Gy below", "bed_min_Gy", k.bed_min_Gy);
  if (above(d.bed_Gy, k.bed_max_Gy)) return say("BED", d.bed_Gy, "Gy above", "bed_max_Gy", k.bed_max_Gy);
  if (below(d.eqd2_Gy, k.eqd2_min_Gy)) return say("EQD2", d.eqd2_Gy, "Gy below", "eqd2_min_Gy", k.eqd2_min_Gy);
  if (above(d.eqd2_Gy, k.eqd2_max_Gy)) return say("EQD2", d.eqd2_Gy, "Gy above", "eqd2_max_Gy", k.eqd2_max_Gy);
  if (above(d.edic_Gy, k.edic_max_Gy)) return say("EDIC", d.edic_Gy, "Gy above", "edic_max_Gy", k.edic_max_Gy);
  if (k.fractions_max > 0 && d.fractions > k.fractions_max)
    return say("fractions", d.fractions, "above", "fractions_max", k.fractions_max);
  if (above(d.window_day, k.window_max_day))
    return say("treatment window", d.window_day, "days above", "window_max_day", k.window_max_day);
  return {};
}

TrialArm schedule_arm(const TrialArm& base, const std::vector<SearchVariable>& variables, const std::vector<double>& x,
                      int n_lesions) {
  if (x.size() != variables.size())
    throw Error(ErrorKind::kInternal, "schedule_arm: " + std::to_string(x.size()) + " values for " +
                                          std::to_string(variables.size()) + " variables");
  TrialArm arm = base;
  const double base_total = base.radiotherapy.empty() ? 0.0 : base.radiotherapy[0].total_dose_Gy();
  double spacing = std::numeric_limits<double>::quiet_NaN();
  // ICI first: an RT start tied to the first ICI dose reads the moved dose.
  for (std::size_t k = 0; k < variables.size(); ++k) {
    const ScheduleVariable kind = variables[k].kind;
    if (kind == ScheduleVariable::kIciStartDay || kind == ScheduleVariable::kIciDose ||
        kind == ScheduleVariable::kIciIntervalDay)
      set_ici(arm, kind, x[k]);
  }
  for (std::size_t k = 0; k < variables.size(); ++k) {
    const ScheduleVariable kind = variables[k].kind;
    if (kind == ScheduleVariable::kIciStartDay || kind == ScheduleVariable::kIciDose ||
        kind == ScheduleVariable::kIciIntervalDay)
      continue;
    set_rt(arm, kind, x[k], n_lesions);
    if (kind == ScheduleVariable::kRtSpacingDay) spacing = x[k];
  }
  if (!arm.radiotherapy.empty()) {
    RadiotherapyCourse& c = arm.radiotherapy[0];
    if (!std::isnan(spacing)) {
      c.days.clear();
      for (int f = 0; f < c.fractions; ++f) c.days.push_back(spacing * f);
    } else if (c.schedule == FractionSchedule::kExplicit && c.days.size() != static_cast<std::size_t>(c.fractions)) {
      throw Error(ErrorKind::kInput,
                  "schedule variable rt_fractions: the course lists its fraction days; search "
                  "rt_spacing_day with it");
    }
    if (c.edic_given)
      c.edic_Gy = base_total > 0.0 ? c.edic_Gy * c.total_dose_Gy() / base_total : c.edic_Gy;
    else
      c.edic_Gy = default_edic_Gy(c);
  }
  // A schedule whose RT would start before day 0 (RT first, by more than the ICI start) moves as a
  // whole so that its first treatment falls on day 0, the baseline scan.
  double earliest = first_ici_day(arm);
  for (const auto& c : arm.radiotherapy)
    for (double day : c.fraction_days()) earliest = std::isnan(earliest) ? day : std::min(earliest, day);
  if (earliest < 0.0) {
    for (auto& r : arm.treatment) r.start_day -= earliest;
    for (auto& c : arm.radiotherapy) c.start_day -= earliest;
  }
  return arm;
}

double metric_value(SearchMetric m, const std::vector<ArmOutcome>& outcomes, double horizon_day) {
  TrialSummary summary;
  summarise_arms({"arm"}, {outcomes}, summary);
  const ArmSummary& s = summary.arms.front();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto median = [&](const stats::KaplanMeier& km) { return std::isnan(km.median) ? horizon_day : km.median; };
  switch (m) {
    case SearchMetric::kOrr:
      return s.n > 0 ? s.orr.estimate : nan;
    case SearchMetric::kOutOfFieldOrr:
      return s.out_of_field.n > 0 ? s.out_of_field.orr.estimate : nan;
    case SearchMetric::kDcr:
      return s.n > 0 ? s.dcr.estimate : nan;
    case SearchMetric::kMedianPfsDay:
      return s.n > 0 ? median(s.pfs) : nan;
    case SearchMetric::kRestrictedPfsDay:
      return s.n > 0 ? stats::restricted_mean(s.pfs, horizon_day) : nan;
    case SearchMetric::kMedianOsDay:
      return s.has_os ? median(s.os) : nan;
    case SearchMetric::kRestrictedOsDay:
      return s.has_os ? stats::restricted_mean(s.os, horizon_day) : nan;
  }
  return nan;
}

double objective_value(const SearchObjective& objective, double horizon_day, const std::vector<ArmOutcome>& outcomes,
                       std::vector<double>& metrics) {
  const double horizon = std::isnan(objective.horizon_day) ? horizon_day : objective.horizon_day;
  metrics.clear();
  double total = 0.0;
  for (const auto& term : objective.terms) {
    metrics.push_back(metric_value(term.metric, outcomes, horizon));
    total += term.weight * metrics.back();
  }
  return total;
}

void score_schedule(const SearchObjective& objective, double horizon_day, const std::vector<ArmOutcome>& reference,
                    const std::vector<ArmOutcome>& outcomes, double reference_objective, EvaluatedSchedule& e) {
  e.objective = objective_value(objective, horizon_day, outcomes, e.metrics);
  e.objective_difference = e.objective - reference_objective;
  TrialSummary summary;
  summarise_arms({"reference", "schedule"}, {reference, outcomes}, summary);
  const ArmSummary& s = summary.arms[1];
  const ArmComparison& c = summary.comparisons.front();
  e.n = s.n;
  e.orr = s.orr;
  e.out_of_field_orr = s.out_of_field.orr;
  e.median_pfs_day = s.pfs.median;
  e.orr_difference = stats::paired_difference(c.responders_second_only, c.responders_first_only, c.n_pairs);
  e.mcnemar_p = c.mcnemar_p;
  e.pfs_hazard_ratio = stats::peto_hazard_ratio(c.pfs_log_rank);
  e.pfs_log_rank_p = c.pfs_log_rank.p_value;
  int pairs = 0, only_reference = 0, only_schedule = 0;
  for (std::size_t k = 0; k < std::min(reference.size(), outcomes.size()); ++k) {
    const ArmOutcome &r = reference[k], &o = outcomes[k];
    if (!r.out_of_field_evaluable || !o.out_of_field_evaluable) continue;
    ++pairs;
    const bool rr = responds(r.best_out_of_field), ro = responds(o.best_out_of_field);
    only_reference += rr && !ro;
    only_schedule += ro && !rr;
  }
  e.out_of_field_orr_difference = stats::paired_difference(only_schedule, only_reference, pairs);
}

std::vector<double> pack_outcomes(const std::vector<ArmOutcome>& outcomes) {
  std::vector<double> v;
  v.reserve(outcomes.size() * kPackedOutcomeSize);
  for (const auto& o : outcomes) {
    const double fields[] = {static_cast<double>(o.evaluable),
                             static_cast<double>(o.solver_failure),
                             static_cast<double>(o.best),
                             o.pfs_day,
                             static_cast<double>(o.pfs_event),
                             static_cast<double>(o.in_field_evaluable),
                             static_cast<double>(o.out_of_field_evaluable),
                             static_cast<double>(o.best_in_field),
                             static_cast<double>(o.best_out_of_field),
                             o.first_scan_change_pct,
                             o.g_per_day,
                             o.d_per_day,
                             o.time_to_response_day,
                             o.duration_of_response_day,
                             static_cast<double>(o.response_ended),
                             o.tgr_pre_pct_per_month,
                             static_cast<double>(o.hyperprogression),
                             static_cast<double>(o.pd_new_lesion),
                             static_cast<double>(o.pd_non_target),
                             static_cast<double>(o.pfs_death),
                             static_cast<double>(o.has_os),
                             o.os_day,
                             static_cast<double>(o.os_event),
                             o.ici_stop_day,
                             o.earliest_stop_day,
                             0.0,
                             0.0,
                             0.0,
                             0.0,
                             0.0};  // spare slots keep the layout when fields are added
    static_assert(sizeof(fields) / sizeof(double) == 30, "kPackedOutcomeSize counts 30 fields and the biomarkers");
    v.insert(v.end(), std::begin(fields), std::end(fields));
    v.insert(v.end(), o.biomarkers.begin(), o.biomarkers.end());
  }
  return v;
}

std::vector<ArmOutcome> unpack_outcomes(const std::vector<double>& v) {
  if (v.size() % kPackedOutcomeSize != 0)
    throw Error(ErrorKind::kInternal, "unpack_outcomes: " + std::to_string(v.size()) + " numbers");
  std::vector<ArmOutcome> out(v.size() / kPackedOutcomeSize);
  for (std::size_t k = 0; k < out.size(); ++k) {
    const double* f = v.data() + k * kPackedOutcomeSize;
    ArmOutcome& o = out[k];
    auto flag = [](double x) { return x != 0.0; };
    auto response = [](double x) { return static_cast<Response>(static_cast<int>(x)); };
    o.evaluable = flag(f[0]);
    o.solver_failure = flag(f[1]);
    o.best = response(f[2]);
    o.pfs_day = f[3];
    o.pfs_event = flag(f[4]);
    o.in_field_evaluable = flag(f[5]);
    o.out_of_field_evaluable = flag(f[6]);
    o.best_in_field = response(f[7]);
    o.best_out_of_field = response(f[8]);
    o.first_scan_change_pct = f[9];
    o.g_per_day = f[10];
    o.d_per_day = f[11];
    o.time_to_response_day = f[12];
    o.duration_of_response_day = f[13];
    o.response_ended = flag(f[14]);
    o.tgr_pre_pct_per_month = f[15];
    o.hyperprogression = flag(f[16]);
    o.pd_new_lesion = flag(f[17]);
    o.pd_non_target = flag(f[18]);
    o.pfs_death = flag(f[19]);
    o.has_os = flag(f[20]);
    o.os_day = f[21];
    o.os_event = flag(f[22]);
    o.ici_stop_day = f[23];
    o.earliest_stop_day = f[24];
    std::copy(f + 30, f + kPackedOutcomeSize, o.biomarkers.begin());
  }
  return out;
}

GrownPopulation::GrownPopulation(const TrialSpec& spec, std::size_t begin, std::size_t end) : spec_(spec) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!spec.model) throw Error(ErrorKind::kInternal, "search without a model");
  if (spec.select_by_inclusion)
    throw Error(ErrorKind::kInput,
                "a schedule search does not support population.selection (probability of "
                "inclusion); enrol by tps_min_pct / tps_max_pct or select no patients");
  spec.model->jacobian_pattern();  // once, before the threads start
  scans_ = scan_days(spec.recist, spec.horizon_day);
  end = std::min(end, spec.population.size());
  begin = std::min(begin, end);
  const std::size_t n = end - begin;
  candidates_.resize(n);
  std::vector<std::vector<double>> states(n);
  parallel_for(0, n, std::max(1, spec.threads),
               [&](std::size_t i) { candidates_[i] = screen_candidate(spec, begin + i, &states[i]); });
  for (std::size_t i = 0; i < n; ++i)
    if (candidates_[i].status == CandidateStatus::kPatient) {
      patients_.push_back(i);
      baseline_.push_back(std::move(states[i]));
    }
  growth_wall_seconds_ = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::vector<ArmOutcome> GrownPopulation::treat(const TrialArm& arm) const {
  std::vector<ArmOutcome> outcomes(patients_.size());
  parallel_for(0, patients_.size(), std::max(1, spec_.threads), [&](std::size_t k) {
    const CandidateResult& c = candidates_[patients_[k]];
    outcomes[k] = arm_outcome(c, treat_candidate(spec_, c, arm, baseline_[k], scans_));
  });
  return outcomes;
}

}  // namespace vct
