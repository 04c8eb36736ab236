// SPDX-License-Identifier: MIT
#include "io/result_columns.hpp"

#include <cmath>

namespace vct::io {

namespace {

constexpr double kNaN = NAN;

double flag(bool b) { return b ? 1.0 : 0.0; }
bool is_set(double x) { return x == 1.0; }
Response response(double x) { return static_cast<Response>(static_cast<int>(x)); }

using G = OutcomeGate;

}  // namespace

const std::vector<PatientColumn>& patient_columns() {
  static const std::vector<PatientColumn> columns = {
      {"selection_probability", false, false, [](const CandidateResult& c) { return c.selection_probability; },
       [](CandidateResult& c, double x) { c.selection_probability = x; }},
      {"growth_time_day", false, false, [](const CandidateResult& c) { return c.growth_time_day; },
       [](CandidateResult& c, double x) { c.growth_time_day = x; }},
      {"baseline_diameter_cm", true, false, [](const CandidateResult& c) { return c.baseline_diameter_cm; },
       [](CandidateResult& c, double x) { c.baseline_diameter_cm = x; }},
      {"tgr_pre_pct_per_month", true, true, [](const CandidateResult& c) { return c.tgr_pre_pct_per_month; },
       [](CandidateResult& c, double x) { c.tgr_pre_pct_per_month = x; }},
      {"ln_M1_M2", true, false, [](const CandidateResult& c) { return c.immune_log_ratios[0]; },
       [](CandidateResult& c, double x) { c.immune_log_ratios[0] = x; }},
      {"ln_Treg_CD8", true, false, [](const CandidateResult& c) { return c.immune_log_ratios[1]; },
       [](CandidateResult& c, double x) { c.immune_log_ratios[1] = x; }},
      {"ln_CD8_CD4", true, false, [](const CandidateResult& c) { return c.immune_log_ratios[2]; },
       [](CandidateResult& c, double x) { c.immune_log_ratios[2] = x; }},
      {"pdl1_per_cancer_cell", true, true, [](const CandidateResult& c) { return c.biomarkers.pdl1_per_cancer_cell; },
       [](CandidateResult& c, double x) { c.biomarkers.pdl1_per_cancer_cell = x; }},
      {"cd8_density_per_mm3", true, true, [](const CandidateResult& c) { return c.biomarkers.cd8_density_per_mm3; },
       [](CandidateResult& c, double x) { c.biomarkers.cd8_density_per_mm3 = x; }},
      {"clone_number", true, true, [](const CandidateResult& c) { return c.biomarkers.clone_number; },
       [](CandidateResult& c, double x) { c.biomarkers.clone_number = x; }},
      {"tps_pct", true, true, [](const CandidateResult& c) { return c.biomarkers.tps_pct; },
       [](CandidateResult& c, double x) { c.biomarkers.tps_pct = x; }},
      {"wall_s_initialisation", false, false, [](const CandidateResult& c) { return c.wall_seconds_initialisation; },
       [](CandidateResult& c, double x) { c.wall_seconds_initialisation = x; }},
  };
  return columns;
}

const std::vector<OutcomeColumn>& outcome_columns() {
  static const std::vector<OutcomeColumn> columns = {
      {"best_response_day", G::kAssessed, kNaN, false, [](const ArmResult& r) { return r.recist.best_response_day; },
       [](ArmResult& r, double x) { r.recist.best_response_day = x; }},
      {"time_to_response_day", G::kAssessed, kNaN, false,
       [](const ArmResult& r) { return r.recist.time_to_response_day; },
       [](ArmResult& r, double x) { r.recist.time_to_response_day = x; }},
      {"duration_of_response_day", G::kAssessed, kNaN, false,
       [](const ArmResult& r) { return r.recist.duration_of_response_day; },
       [](ArmResult& r, double x) { r.recist.duration_of_response_day = x; }},
      {"response_ended", G::kAssessed, kNaN, false, [](const ArmResult& r) { return flag(r.recist.response_ended); },
       [](ArmResult& r, double x) { r.recist.response_ended = is_set(x); }},
      {"pfs_day", G::kAssessed, kNaN, false, [](const ArmResult& r) { return r.recist.pfs_day; },
       [](ArmResult& r, double x) { r.recist.pfs_day = x; }},
      {"pfs_event", G::kAssessed, kNaN, false, [](const ArmResult& r) { return flag(r.recist.pfs_event); },
       [](ArmResult& r, double x) { r.recist.pfs_event = is_set(x); }},
      {"best_change_pct", G::kAssessed, kNaN, false, [](const ArmResult& r) { return r.recist.best_change_pct; },
       [](ArmResult& r, double x) { r.recist.best_change_pct = x; }},
      {"best_scan_change_pct", G::kAssessed, kNaN, true,
       [](const ArmResult& r) { return r.recist.best_scan_change_pct; },
       [](ArmResult& r, double x) { r.recist.best_scan_change_pct = x; }},
      {"last_change_pct", G::kAssessed, kNaN, false, [](const ArmResult& r) { return r.recist.last_change_pct; },
       [](ArmResult& r, double x) { r.recist.last_change_pct = x; }},
      {"best_response_in_field", G::kAssessed, -1.0, false,
       [](const ArmResult& r) { return r.in_field ? static_cast<double>(r.recist_in_field.best) : -1.0; },
       [](ArmResult& r, double x) {
         r.in_field = x >= 0;
         if (r.in_field) r.recist_in_field.best = response(x);
       }},
      {"best_change_pct_in_field", G::kInField, kNaN, false,
       [](const ArmResult& r) { return r.recist_in_field.best_change_pct; },
       [](ArmResult& r, double x) { r.recist_in_field.best_change_pct = x; }},
      {"best_scan_change_pct_in_field", G::kInField, kNaN, true,
       [](const ArmResult& r) { return r.recist_in_field.best_scan_change_pct; },
       [](ArmResult& r, double x) { r.recist_in_field.best_scan_change_pct = x; }},
      {"best_response_out_of_field", G::kAssessed, -1.0, false,
       [](const ArmResult& r) { return r.out_of_field ? static_cast<double>(r.recist_out_of_field.best) : -1.0; },
       [](ArmResult& r, double x) {
         r.out_of_field = x >= 0;
         if (r.out_of_field) r.recist_out_of_field.best = response(x);
       }},
      {"best_change_pct_out_of_field", G::kOutOfField, kNaN, false,
       [](const ArmResult& r) { return r.recist_out_of_field.best_change_pct; },
       [](ArmResult& r, double x) { r.recist_out_of_field.best_change_pct = x; }},
      {"best_scan_change_pct_out_of_field", G::kOutOfField, kNaN, true,
       [](const ArmResult& r) { return r.recist_out_of_field.best_scan_change_pct; },
       [](ArmResult& r, double x) { r.recist_out_of_field.best_scan_change_pct = x; }},
      {"first_scan_change_pct", G::kAlways, kNaN, false, [](const ArmResult& r) { return r.first_scan_change_pct; },
       [](ArmResult& r, double x) { r.first_scan_change_pct = x; }},
      {"tgi_d_per_day", G::kAlways, kNaN, false, [](const ArmResult& r) { return r.kinetics.d_per_day; },
       [](ArmResult& r, double x) { r.kinetics.d_per_day = x; }},
      {"tgi_g_per_day", G::kAlways, kNaN, false, [](const ArmResult& r) { return r.kinetics.g_per_day; },
       [](ArmResult& r, double x) { r.kinetics.g_per_day = x; }},
      {"tgr_first_scan_pct_per_month", G::kAlways, kNaN, true,
       [](const ArmResult& r) { return r.tgr_first_scan_pct_per_month; },
       [](ArmResult& r, double x) { r.tgr_first_scan_pct_per_month = x; }},
      {"hyperprogression", G::kAssessed, kNaN, true, [](const ArmResult& r) { return flag(r.hyperprogression); },
       [](ArmResult& r, double x) { r.hyperprogression = is_set(x); }},
      {"new_lesion_day", G::kAlways, kNaN, true, [](const ArmResult& r) { return r.new_lesion_day; },
       [](ArmResult& r, double x) { r.new_lesion_day = x; }},
      {"pd_new_lesion", G::kAssessed, kNaN, true, [](const ArmResult& r) { return flag(r.recist.pd_new_lesion); },
       [](ArmResult& r, double x) { r.recist.pd_new_lesion = is_set(x); }},
      {"non_target_growth_per_day", G::kAlways, kNaN, true,
       [](const ArmResult& r) { return r.non_target_growth_per_day; },
       [](ArmResult& r, double x) { r.non_target_growth_per_day = x; }},
      {"pd_non_target", G::kAssessed, kNaN, true, [](const ArmResult& r) { return flag(r.recist.pd_non_target); },
       [](ArmResult& r, double x) { r.recist.pd_non_target = is_set(x); }},
      {"pfs_death", G::kAssessed, kNaN, true, [](const ArmResult& r) { return flag(r.recist.pfs_death); },
       [](ArmResult& r, double x) { r.recist.pfs_death = is_set(x); }},
      {"death_day", G::kAlways, kNaN, true, [](const ArmResult& r) { return r.death_day; },
       [](ArmResult& r, double x) { r.death_day = x; }},
      {"os_day", G::kAlways, kNaN, true, [](const ArmResult& r) { return r.os_day; },
       [](ArmResult& r, double x) { r.os_day = x; }},
      {"os_event", G::kAlways, kNaN, true,
       [](const ArmResult& r) { return std::isnan(r.os_day) ? kNaN : flag(r.os_event); },
       [](ArmResult& r, double x) { r.os_event = is_set(x); }},
      {"ici_stop_day", G::kAlways, kNaN, true, [](const ArmResult& r) { return r.ici_stop_day; },
       [](ArmResult& r, double x) { r.ici_stop_day = x; }},
      {"earliest_stop_day", G::kAlways, kNaN, true, [](const ArmResult& r) { return r.earliest_stop_day; },
       [](ArmResult& r, double x) { r.earliest_stop_day = x; }},
      {"n_steps", G::kAlways, kNaN, false, [](const ArmResult& r) { return static_cast<double>(r.steps); },
       [](ArmResult& r, double x) { r.steps = static_cast<long>(x); }},
      {"wall_s", G::kAlways, kNaN, false, [](const ArmResult& r) { return r.wall_seconds; },
       [](ArmResult& r, double x) { r.wall_seconds = x; }},
  };
  return columns;
}

bool gate_open(const OutcomeColumn& c, const ArmResult& r) {
  switch (c.gate) {
    case OutcomeGate::kAlways:
      return true;
    case OutcomeGate::kAssessed:
      return r.assessed;
    case OutcomeGate::kInField:
      return r.assessed && r.in_field;
    case OutcomeGate::kOutOfField:
      return r.assessed && r.out_of_field;
  }
  return false;
}

}  // namespace vct::io
