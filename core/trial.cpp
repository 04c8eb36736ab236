// SPDX-License-Identifier: MIT
#include "core/trial.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <future>

#include "core/error.hpp"
#include "core/parallel.hpp"

namespace vct {

const char* to_string(CandidateStatus s) {
  switch (s) {
    case CandidateStatus::kPatient:
      return "patient";
    case CandidateStatus::kNotAPatient:
      return "not_a_patient";
    case CandidateStatus::kSolverFailure:
      return "solver_failure";
    case CandidateStatus::kNotSelected:
      return "not_selected";
  }
  return "unknown";
}

bool LocalDistribution::next_batch(int phase, std::size_t total, std::size_t batch, std::size_t& begin,
                                   std::size_t& end) {
  if (phase != phase_) {
    phase_ = phase;
    next_ = 0;
  }
  if (next_ >= total) return false;
  begin = next_;
  end = std::min(total, next_ + batch);
  next_ = end;
  return true;
}

std::vector<int> TrialArm::drug_indices(const ModelDefinition& model) const {
  std::vector<int> drugs;
  for (const auto& r : treatment) drugs.push_back(regimen_drug_index(model, r));
  return drugs;
}

void apply_first_line_scaling(const ModelDefinition& model, std::vector<double>& p) {
  for (const auto& [parameter, factor] : model.resolved().first_line_scaling)
    p[static_cast<std::size_t>(parameter)] *= p[static_cast<std::size_t>(factor)];
}

std::vector<double> candidate_parameters(const TrialSpec& spec, std::size_t row, const std::vector<DoseRegimen>& arm) {
  const ModelDefinition& model = *spec.model;
  std::vector<double> p = model.default_parameters();
  auto apply_overrides = [&] {
    for (const auto& o : spec.overrides) p[static_cast<std::size_t>(o.index)] = o.value;
  };
  apply_overrides();
  apply_population_row(spec.population, row, {}, p);
  if (!arm.empty()) {
    apply_drug_parameters(model, arm, p);
    std::vector<int> drugs;
    for (const auto& r : arm) drugs.push_back(regimen_drug_index(model, r));
    apply_population_row(spec.population, row, drugs, p);
    apply_overrides();
  }
  if (spec.first_line) apply_first_line_scaling(model, p);
  return p;
}

namespace {

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

/// Baseline immune composition used for selection: ln M1/M2, ln Treg/CD8, ln CD8/CD4, from the
/// outputs at t = 0.
Point3 immune_log_ratios(const ModelDefinition& model, const std::vector<double>& out) {
  Point3 r{};
  for (std::size_t k = 0; k < 3; ++k) {
    const int i = model.resolved().immune_ratio_outputs[k];
    r[k] = i < 0 ? NAN : std::log(out[static_cast<std::size_t>(i)]);
  }
  return r;
}

/// Baseline biomarkers from the outputs and parameters at t = 0 (BaselineBiomarkers).
BaselineBiomarkers baseline_biomarkers(const ModelDefinition& model, const std::vector<double>& p,
                                       const std::vector<double>& out) {
  const ResolvedModel& r = model.resolved();
  BaselineBiomarkers b;
  auto at = [&](int i) { return out[static_cast<std::size_t>(i)]; };
  if (r.pdl1_per_cell_output >= 0) b.pdl1_per_cancer_cell = at(r.pdl1_per_cell_output);
  if (r.cd8_tumour_cells_output >= 0 && r.tumour_volume_output >= 0 && at(r.tumour_volume_output) > 0.0)
    b.cd8_density_per_mm3 = at(r.cd8_tumour_cells_output) / (1e6 * at(r.tumour_volume_output));  // 1 L = 1e6 mm^3
  if (r.clone_number_parameter >= 0) b.clone_number = p[static_cast<std::size_t>(r.clone_number_parameter)];
  if (r.tps_threshold_parameter >= 0 && r.tps_cell_log_sd_parameter >= 0)
    b.tps_pct = tps_pct(b.pdl1_per_cancer_cell, {p[static_cast<std::size_t>(r.tps_threshold_parameter)],
                                                 p[static_cast<std::size_t>(r.tps_cell_log_sd_parameter)]});
  return b;
}

/// Whether a patient's TPS lies in the enrolment range of the spec (always without one).
bool enrolled_by_tps(const TrialSpec& spec, double tps) {
  if (std::isnan(spec.tps_min_pct) && std::isnan(spec.tps_max_pct)) return true;
  if (std::isnan(tps)) return false;
  return !(tps < spec.tps_min_pct) && !(tps >= spec.tps_max_pct);
}

/// The untreated tumour growth rate at baseline (%/month, Ferté 2014) from the model's flow at
/// t = 0 without drug: d ln D / dt by a forward step of 0.01 day along dy/dt.
double untreated_growth_rate(const ModelDefinition& model, const std::vector<double>& p, const std::vector<double>& y,
                             double diameter_cm) {
  constexpr double kStepDay = 0.01;
  std::vector<double> dydt(y.size()), ahead(y.size()), out(model.outputs().size());
  model.rhs(0.0, y.data(), p.data(), dydt.data());
  for (std::size_t i = 0; i < y.size(); ++i) ahead[i] = y[i] + kStepDay * dydt[i];
  model.compute_outputs(0.0, ahead.data(), p.data(), out.data());
  const double later = out[static_cast<std::size_t>(model.resolved().diameter_output)];
  if (!(diameter_cm > 0.0) || !(later > 0.0)) return std::numeric_limits<double>::quiet_NaN();
  return tumour_growth_rate_from_log_rate_pct_per_month(std::log(later / diameter_cm) / kStepDay);
}

/// Initial-condition phase of one candidate.
CandidateResult screen(const TrialSpec& spec, std::size_t row, std::vector<double>* state) {
  const auto t0 = std::chrono::steady_clock::now();
  const ModelDefinition& model = *spec.model;
  CandidateResult c;
  c.candidate = row;
  const std::vector<double> p = candidate_parameters(spec, row, {});
  std::vector<double> y(static_cast<std::size_t>(model.n_states()));
  try {
    switch (spec.initialisation.mode) {
      case InitialisationMode::kGrowToDiameter: {
        const int k = model.resolved().initial_diameter_parameter;
        if (k < 0) throw Error(ErrorKind::kInput, "model " + model.id() + " does not support grow_to_diameter");
        const double d = p[static_cast<std::size_t>(k)];
        const InitialisationResult ic = grow_to_diameter(model, p, d, spec.initialisation.max_growth_day, spec.solver);
        c.growth_time_day = ic.growth_time_day;
        if (!ic.reached) {
          c.status = CandidateStatus::kNotAPatient;
          c.message = "tumour did not reach " + std::to_string(d) + " cm within " +
                      std::to_string(spec.initialisation.max_growth_day) + " days";
        }
        y = ic.state;
        break;
      }
      case InitialisationMode::kPublishedState:
        if (!model.published_treatment_start_state(p.data(), y.data()))
          throw Error(ErrorKind::kInput, "model " + model.id() + " ships no published state");
        break;
      case InitialisationMode::kModelDefault:
        model.initial_state(p.data(), y.data());
        break;
    }
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kNumerical) throw;
    c.status = CandidateStatus::kSolverFailure;
    c.message = std::string("initialisation: ") + e.what();
  }
  if (c.status == CandidateStatus::kPatient) {
    std::vector<double> out(model.outputs().size());
    model.compute_outputs(0.0, y.data(), p.data(), out.data());
    c.baseline_diameter_cm = out[static_cast<std::size_t>(model.resolved().diameter_output)];
    c.tgr_pre_pct_per_month = untreated_growth_rate(model, p, y, c.baseline_diameter_cm);
    c.immune_log_ratios = immune_log_ratios(model, out);
    c.biomarkers = baseline_biomarkers(model, p, out);
    if (state) *state = y;
  }
  c.wall_seconds_initialisation = seconds_since(t0);
  return c;
}

/// In-field and out-of-field RECIST for models with per-lesion diameters: the sum of diameters of
/// the lesions this arm irradiates, and of the others.
void assess_sites(const ModelDefinition& model, const TrialArm& arm, const TrialSpec& spec,
                  const std::vector<double>& scans, const Trajectory& tr, const RecistEvents& events, ArmResult& a) {
  const int n_lesions = model.n_lesions();
  const std::vector<int>& column = model.resolved().lesion_diameter_outputs;
  if (column.empty()) return;
  const std::vector<int> irradiated = irradiated_lesions(arm.radiotherapy);
  const std::size_t no = static_cast<std::size_t>(tr.n_outputs);
  auto site = [&](bool in_field, RecistOutcome& out) {
    std::vector<int> cols;
    for (int l = 0; l < n_lesions; ++l) {
      const bool hit = std::find(irradiated.begin(), irradiated.end(), l) != irradiated.end();
      if (hit == in_field) cols.push_back(column[static_cast<std::size_t>(l)]);
    }
    if (cols.empty()) return false;
    auto sum_at = [&](std::size_t row) {
      double total = 0.0;
      for (int c : cols) total += tr.outputs[row * no + static_cast<std::size_t>(c)];
      return total;
    };
    RecistEvents site_events = events;  // new lesions and non-target disease are unirradiated: out of field only
    if (in_field) {
      site_events.new_lesion_day = std::numeric_limits<double>::infinity();
      site_events.non_target_growth_per_day = std::numeric_limits<double>::quiet_NaN();
    }
    out = assess_available_scans(
        scans, tr.time_day.back(), sum_at(0), spec.recist,
        [&](double day) { return sum_at(static_cast<std::size_t>(std::lround(day / spec.output_interval_day))); },
        site_events);
    return true;
  };
  a.in_field = site(true, a.recist_in_field);
  a.out_of_field = site(false, a.recist_out_of_field);
}

/// Tumour burden at each output time, cm^3: the lesions' equivalent spheres, pi/6 d^3; with
/// `unirradiated_in`, only the lesions that arm does not irradiate (all when it irradiates every one).
std::vector<double> burden_cm3(const ModelDefinition& model, const Trajectory& tr,
                               const TrialArm* unirradiated_in = nullptr) {
  std::vector<int> columns = model.resolved().lesion_diameter_outputs;
  if (columns.empty()) columns = {model.resolved().diameter_output};
  if (unirradiated_in && columns.size() > 1) {
    const std::vector<int> hit = irradiated_lesions(unirradiated_in->radiotherapy);
    std::vector<int> kept;
    for (std::size_t l = 0; l < columns.size(); ++l)
      if (std::find(hit.begin(), hit.end(), static_cast<int>(l)) == hit.end()) kept.push_back(columns[l]);
    if (!kept.empty()) columns = kept;
  }
  const std::size_t no = static_cast<std::size_t>(tr.n_outputs);
  std::vector<double> v(tr.time_day.size(), 0.0);
  for (std::size_t t = 0; t < v.size(); ++t)
    for (int c : columns) v[t] += std::pow(tr.outputs[t * no + static_cast<std::size_t>(c)], 3) * M_PI / 6.0;
  return v;
}

/// The progression modules' events for one patient in one arm (core/progression.hpp): the first new
/// lesion from the burden series (occult_growth: from the growth of the unirradiated disease),
/// death from the survival link applied to the fitted kinetics of every simulated scan; also sets
/// the arm's OS. Uses the patient's own random stream, the same in every arm.
RecistEvents progression_events(const TrialSpec& spec, const TrialArm& arm, std::size_t row,
                                const std::vector<double>& p, const Trajectory& tr, ArmResult& a) {
  const ProgressionSpec& ps = spec.progression;
  const ProgressionDraws draws = progression_draws(spec.population.seed, row);
  RecistEvents events;
  events.pfs_death_limit_day = spec.horizon_day;
  if (ps.new_lesions) {
    const NewLesionParameters nl = new_lesion_parameters(ps.parameters, p);
    const double spread = std::exp(nl.log_sd * draws.rate_z);
    const std::vector<double> burden = burden_cm3(*spec.model, tr);
    events.new_lesion_day =
        ps.occult_growth
            ? first_occult_lesion_day(tr.time_day, burden_cm3(*spec.model, tr, &arm), burden.front(),
                                      nl.occult_per_burden * spread, nl.exponent, draws.threshold)
            : first_new_lesion_day(tr.time_day, burden, nl.rate_per_day * spread, nl.exponent, draws.threshold);
    a.new_lesion_day = events.new_lesion_day;
  }
  if (ps.non_target) {
    const NonTargetParameters nt = non_target_parameters(ps.parameters, p);
    events.non_target_growth_per_day = nt.growth_sd_per_day * draws.non_target_z;
    events.non_target_pd_fraction = nt.pd_diameter_fraction();
    a.non_target_growth_per_day = events.non_target_growth_per_day;
  }
  if (ps.overall_survival) {
    const SurvivalParameters sp = survival_parameters(ps.parameters, p);
    const double baseline_mm = 10.0 * tr.outputs[static_cast<std::size_t>(spec.model->resolved().diameter_output)];
    const double log_t = survival_log_day(sp, a.kinetics.g_per_day, a.kinetics.d_per_day, baseline_mm);
    a.death_day = std::exp(log_t + sp.sigma_log * draws.survival_z);
    events.death_day = a.death_day;
    const double follow_up = std::isnan(ps.follow_up_day) ? spec.horizon_day : ps.follow_up_day;
    a.os_event = a.death_day <= follow_up;
    a.os_day = std::min(a.death_day, follow_up);
  }
  return events;
}

/// One simulation of the arm with `regimens` (the arm's own, or stopped by its rule) and its
/// assessments: trajectories kept, RECIST, kinetics, progression events, in/out of field.
ArmResult simulate_arm(const TrialSpec& spec, std::size_t row, const TrialArm& arm,
                       const std::vector<DoseRegimen>& regimens, const std::vector<double>& p,
                       const std::vector<double>& y0, const std::vector<double>& scans) {
  const ModelDefinition& model = *spec.model;
  ArmResult a;
  const TreatmentPlan plan = make_treatment_plan(model, regimens, arm.radiotherapy, spec.weight_kg, spec.horizon_day,
                                                 spec.output_interval_day, p);
  const std::unique_ptr<SliceCoupling> coupling = spec.coupling ? spec.coupling.make(row) : nullptr;
  const PatientRun run = simulate_treatment(model, p, y0, plan, spec.solver, coupling.get());
  if (coupling) a.coupling_rows = coupling->tables();
  a.status = run.status;
  a.message = run.message;
  a.steps = run.stats.steps;
  const Trajectory& tr = run.trajectory;
  const std::size_t nt = output_grid(spec.horizon_day, spec.output_interval_day).size();
  const std::size_t no = static_cast<std::size_t>(tr.n_outputs);
  a.trajectories.assign(spec.trajectory_outputs.size() * nt, NAN);
  for (std::size_t k = 0; k < spec.trajectory_outputs.size(); ++k)
    for (std::size_t t = 0; t < tr.time_day.size(); ++t)
      a.trajectories[k * nt + t] = tr.outputs[t * no + static_cast<std::size_t>(spec.trajectory_outputs[k])];
  if (!tr.time_day.empty()) {
    const std::size_t d = static_cast<std::size_t>(model.resolved().diameter_output);
    a.recist = assess_available_scans(scans, tr.time_day.back(), tr.outputs[d], spec.recist, [&](double day) {
      return tr.outputs[static_cast<std::size_t>(std::lround(day / spec.output_interval_day)) * no + d];
    });
    a.assessed = true;
    std::vector<double> ratio;
    for (double change : a.recist.per_scan_change_pct) ratio.push_back(1.0 + change / 100.0);
    a.kinetics =
        fit_biexponential(std::vector<double>(scans.begin(), scans.begin() + static_cast<long>(ratio.size())), ratio);
    if (!ratio.empty()) a.first_scan_change_pct = a.recist.per_scan_change_pct.front();
    RecistEvents events;
    if (spec.progression.any()) {
      events = progression_events(spec, arm, row, p, tr, a);
      a.recist = assess_available_scans(
          scans, tr.time_day.back(), tr.outputs[d], spec.recist,
          [&](double day) {
            return tr.outputs[static_cast<std::size_t>(std::lround(day / spec.output_interval_day)) * no + d];
          },
          events);
    }
    assess_sites(model, arm, spec, scans, tr, events, a);
  }
  return a;
}

std::size_t dose_count(const TrialSpec& spec, const std::vector<DoseRegimen>& regimens, const std::vector<double>& p) {
  return expand_schedule(*spec.model, regimens, spec.weight_kg, spec.horizon_day, p).size();
}

/// StopRule::earliest_stop for a patient whose outcome the arm keeps: the first scan day from
/// the first response (`response_day`) on, before the last dose of `regimens`, at which stopping
/// them keeps it (no PFS event); +inf when none. Adds the solver steps spent to `steps`.
double earliest_safe_stop(const TrialSpec& spec, std::size_t row, const TrialArm& arm,
                          const std::vector<DoseRegimen>& regimens, const std::vector<double>& p,
                          const std::vector<double>& y0, const std::vector<double>& scans, double response_day,
                          long& steps) {
  const std::vector<Bolus> doses = expand_schedule(*spec.model, regimens, spec.weight_kg, spec.horizon_day, p);
  if (doses.empty()) return std::numeric_limits<double>::infinity();
  const double last_dose = doses.back().time_day;
  for (double day : scans) {
    if (day < response_day) continue;
    if (day > last_dose) break;  // stopping there removes no dose
    const ArmResult stopped = simulate_arm(spec, row, arm, stop_regimens(regimens, day), p, y0, scans);
    steps += stopped.steps;
    if (stopped.assessed && !stopped.recist.pfs_event) return day;
  }
  return std::numeric_limits<double>::infinity();
}

/// The arm for one candidate. With a stopping rule: a fixed duration stops the regimens before
/// the first simulation; a response trigger read from that simulation's scans stops them from the
/// trigger's scan day and the arm is simulated again (identical up to that day, since the doses
/// before it are the same). The stop day is kept when the rule removed at least one dose.
ArmResult run_arm(const TrialSpec& spec, std::size_t row, const TrialArm& arm, const std::vector<double>& y0,
                  const std::vector<double>& scans) {
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<double> p = candidate_parameters(spec, row, arm.treatment);
  const StopRule& rule = arm.stop_ici;
  std::vector<DoseRegimen> regimens =
      std::isnan(rule.after_day) ? arm.treatment : stop_regimens(arm.treatment, rule.after_day);
  ArmResult a = simulate_arm(spec, row, arm, regimens, p, y0, scans);
  const std::size_t scheduled = rule.any() ? dose_count(spec, arm.treatment, p) : 0;
  if (rule.any() && a.assessed) {
    const double stop = ici_stop_day(rule, scans, a.recist.per_scan);
    if (!std::isnan(stop) && !(stop >= rule.after_day)) {  // a response trigger before any fixed duration
      regimens = stop_regimens(arm.treatment, stop);
      const long steps = a.steps;
      a = simulate_arm(spec, row, arm, regimens, p, y0, scans);
      a.steps += steps;
    }
    if (!std::isnan(stop) && dose_count(spec, regimens, p) < scheduled) a.ici_stop_day = stop;
  }
  const bool kept = a.assessed && responds(a.recist.best) && !a.recist.pfs_event;
  if (rule.earliest_stop && kept) {
    long steps = 0;
    a.earliest_stop_day =
        earliest_safe_stop(spec, row, arm, regimens, p, y0, scans, a.recist.time_to_response_day, steps);
    a.steps += steps;
  }
  a.wall_seconds = seconds_since(t0);
  return a;
}

CandidateResult simulate_candidate(const TrialSpec& spec, std::size_t row, const std::vector<double>& scans) {
  std::vector<double> y0;
  CandidateResult c = screen_candidate(spec, row, &y0);
  if (c.status != CandidateStatus::kPatient) return c;
  for (const auto& arm : spec.arms) c.arms.push_back(treat_candidate(spec, c, arm, y0, scans));
  return c;
}

}  // namespace

namespace {

/// Median time to response and the Kaplan-Meier duration of response, among the arm's responders.
void summarise_responses(const std::vector<ArmOutcome>& outcomes, ArmSummary& s) {
  std::vector<double> ttr, dor;
  std::vector<bool> ended;
  for (const auto& o : outcomes) {
    if (!o.evaluable || (o.best != Response::kCR && o.best != Response::kPR) || std::isnan(o.time_to_response_day))
      continue;
    ttr.push_back(o.time_to_response_day);
    if (!std::isnan(o.duration_of_response_day)) {
      dor.push_back(o.duration_of_response_day);
      ended.push_back(o.response_ended);
    }
  }
  std::sort(ttr.begin(), ttr.end());
  const std::size_t m = ttr.size();
  s.median_time_to_response_day =
      m == 0 ? std::numeric_limits<double>::quiet_NaN() : (m % 2 ? ttr[m / 2] : 0.5 * (ttr[m / 2 - 1] + ttr[m / 2]));
  s.duration_of_response = stats::kaplan_meier(dor, ended);
}

/// Quantiles of the first-scan change and of the bi-exponential rates among evaluable patients.
void summarise_kinetics(const std::vector<ArmOutcome>& outcomes, KineticsSummary& k) {
  std::vector<double> first, g, d, tgr_pre;
  int hyper = 0;
  for (const auto& o : outcomes) {
    if (!o.evaluable) continue;
    if (!std::isnan(o.tgr_pre_pct_per_month)) tgr_pre.push_back(o.tgr_pre_pct_per_month);
    if (!std::isnan(o.first_scan_change_pct)) {
      first.push_back(o.first_scan_change_pct);
      hyper += o.hyperprogression;
    }
    if (!std::isnan(o.g_per_day)) {
      g.push_back(o.g_per_day);
      d.push_back(o.d_per_day);
    }
  }
  for (auto* v : {&first, &g, &d, &tgr_pre}) std::sort(v->begin(), v->end());
  const double nan = std::numeric_limits<double>::quiet_NaN();
  auto fraction = [&](const std::vector<double>& v, auto pred) {
    return v.empty() ? nan
                     : static_cast<double>(std::count_if(v.begin(), v.end(), pred)) / static_cast<double>(v.size());
  };
  k.n_first_scan = static_cast<int>(first.size());
  const double ps[5] = {0.1, 0.25, 0.5, 0.75, 0.9};
  for (std::size_t i = 0; i < 5; ++i) k.first_scan_change_pct[i] = stats::quantile(first, ps[i]);
  k.first_scan_grow_20 = fraction(first, [](double x) { return x >= 20.0; });
  k.first_scan_shrink_30 = fraction(first, [](double x) { return x <= -30.0; });
  k.n_fitted = static_cast<int>(g.size());
  const double pr[3] = {0.1, 0.5, 0.9};
  for (std::size_t i = 0; i < 3; ++i) {
    k.g_per_day[i] = stats::quantile(g, pr[i]);
    k.d_per_day[i] = stats::quantile(d, pr[i]);
  }
  for (std::size_t i = 0; i < 3; ++i) k.tgr_pre_pct_per_month[i] = stats::quantile(tgr_pre, pr[i]);
  k.hyperprogression = first.empty() ? nan : static_cast<double>(hyper) / static_cast<double>(first.size());
  k.g_zero = fraction(g, [](double x) { return x == 0.0; });
  k.d_zero = fraction(d, [](double x) { return x == 0.0; });
}

/// Patients stopped by the arm's stopping rule: count, median stop day, progression after it.
void summarise_stopping(const std::vector<ArmOutcome>& outcomes, ArmSummary& s) {
  std::vector<double> days;
  for (const auto& o : outcomes) {
    if (!o.evaluable || std::isnan(o.ici_stop_day)) continue;
    days.push_back(o.ici_stop_day);
    s.progressed_after_stop += o.pfs_event && o.pfs_day >= o.ici_stop_day;
  }
  s.ici_stopped = static_cast<int>(days.size());
  std::sort(days.begin(), days.end());
  s.median_ici_stop_day = stats::quantile(days, 0.5);
  std::vector<double> earliest;
  for (const auto& o : outcomes)
    if (o.evaluable && !std::isnan(o.earliest_stop_day)) earliest.push_back(o.earliest_stop_day);
  s.earliest_stop_analysed = static_cast<int>(earliest.size());
  s.earliest_stop_found =
      static_cast<int>(std::count_if(earliest.begin(), earliest.end(), [](double d) { return std::isfinite(d); }));
  std::sort(earliest.begin(), earliest.end());
  // The lower median (an order statistic), so that +inf entries give +inf rather than NaN.
  if (!earliest.empty()) s.median_earliest_stop_day = earliest[(earliest.size() - 1) / 2];
}

/// Progression-module counts and, with overall_survival, the OS curve and landmarks.
void summarise_survival(const std::vector<ArmOutcome>& outcomes, ArmSummary& s) {
  std::vector<double> t;
  std::vector<bool> e;
  for (const auto& o : outcomes) {
    if (!o.evaluable) continue;
    s.progressed += o.pfs_event && !o.pfs_death;
    s.pd_new_lesion += o.pd_new_lesion;
    s.pd_non_target += o.pd_non_target;
    s.pfs_deaths += o.pfs_death;
    if (!o.has_os) continue;
    s.has_os = true;
    t.push_back(o.os_day);
    e.push_back(o.os_event);
  }
  if (!s.has_os) return;
  s.os = stats::kaplan_meier(t, e);
  s.os_6_months = stats::survival_at(s.os, kSixMonthsDay);
  s.os_12_months = stats::survival_at(s.os, kTwelveMonthsDay);
  s.os_24_months = stats::survival_at(s.os, kTwentyFourMonthsDay);
}

/// Log-rank test of OS between two arms (patients evaluable in both).
void compare_survival(const std::vector<ArmOutcome>& first, const std::vector<ArmOutcome>& second, ArmComparison& c) {
  std::vector<double> t1, t2;
  std::vector<bool> e1, e2;
  for (std::size_t j = 0; j < first.size(); ++j) {
    const ArmOutcome& x = first[j];
    const ArmOutcome& y = second[j];
    if (!x.evaluable || !y.evaluable || !x.has_os || !y.has_os) continue;
    t1.push_back(x.os_day);
    e1.push_back(x.os_event);
    t2.push_back(y.os_day);
    e2.push_back(y.os_event);
  }
  if (t1.empty()) return;
  c.has_os = true;
  c.os_log_rank = stats::log_rank(t1, e1, t2, e2);
}

/// The paired comparison of arm b with arm a (same patients in both): ORR difference, McNemar,
/// Fisher, PFS and OS log-rank.
ArmComparison compare_arms(const std::vector<std::string>& names, const std::vector<std::vector<ArmOutcome>>& outcomes,
                           std::size_t a, std::size_t b) {
  ArmComparison c;
  c.first = names[a];
  c.second = names[b];
  std::vector<double> t1, t2;
  std::vector<bool> e1, e2;
  int r1 = 0, r2 = 0;
  for (std::size_t j = 0; j < outcomes[a].size(); ++j) {
    const ArmOutcome& x = outcomes[a][j];
    const ArmOutcome& y = outcomes[b][j];
    if (!x.evaluable || !y.evaluable) continue;
    ++c.n_pairs;
    const bool rx = responds(x.best);
    const bool ry = responds(y.best);
    r1 += rx;
    r2 += ry;
    c.responders_first_only += rx && !ry;
    c.responders_second_only += ry && !rx;
    t1.push_back(x.pfs_day);
    e1.push_back(x.pfs_event);
    t2.push_back(y.pfs_day);
    e2.push_back(y.pfs_event);
  }
  if (c.n_pairs > 0) c.orr_difference = static_cast<double>(r2 - r1) / c.n_pairs;
  c.mcnemar_p = stats::mcnemar_exact(c.responders_first_only, c.responders_second_only);
  c.fisher_p = stats::fisher_exact(r1, c.n_pairs - r1, r2, c.n_pairs - r2);
  c.pfs_log_rank = stats::log_rank(t1, e1, t2, e2);
  compare_survival(outcomes[a], outcomes[b], c);
  return c;
}

/// The pairs the plan asks for, (first, second) with differences taken second minus first: the
/// control against each other arm in arm order, or every pair in arm order.
std::vector<std::pair<std::size_t, std::size_t>> comparison_pairs(std::size_t n_arms, const ComparisonPlan& plan) {
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  const std::size_t control = static_cast<std::size_t>(std::max(0, plan.control));
  for (std::size_t a = 0; a < n_arms; ++a)
    for (std::size_t b = plan.all_pairs ? a + 1 : 0; b < n_arms; ++b)
      if (plan.all_pairs || (a == control && b != control)) pairs.emplace_back(a, b);
  return pairs;
}

/// Holm-adjusts each family of p-values over the comparisons (or copies them when not asked).
void adjust_p_values(const ComparisonPlan& plan, std::vector<ArmComparison>& comparisons) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> mcnemar, fisher, pfs, os;
  for (const auto& c : comparisons) {
    mcnemar.push_back(c.mcnemar_p);
    fisher.push_back(c.fisher_p);
    pfs.push_back(c.pfs_log_rank.p_value);
    os.push_back(c.has_os ? c.os_log_rank.p_value : nan);
  }
  if (plan.holm) {
    mcnemar = stats::holm_adjust(mcnemar);
    fisher = stats::holm_adjust(fisher);
    pfs = stats::holm_adjust(pfs);
    os = stats::holm_adjust(os);
  }
  for (std::size_t k = 0; k < comparisons.size(); ++k) {
    comparisons[k].mcnemar_p_adjusted = mcnemar[k];
    comparisons[k].fisher_p_adjusted = fisher[k];
    comparisons[k].pfs_log_rank_p_adjusted = pfs[k];
    comparisons[k].os_log_rank_p_adjusted = os[k];
  }
}

}  // namespace

void summarise_arms(const std::vector<std::string>& names, const std::vector<std::vector<ArmOutcome>>& outcomes,
                    TrialSummary& summary, const ComparisonPlan& plan) {
  summary.arms.clear();
  summary.comparisons.clear();
  for (std::size_t a = 0; a < names.size(); ++a) {
    ArmSummary s;
    s.name = names[a];
    std::vector<double> t;
    std::vector<bool> e;
    for (const auto& o : outcomes[a]) {
      s.solver_failures += o.solver_failure;
      if (!o.evaluable) continue;
      ++s.n;
      ++s.counts[static_cast<std::size_t>(o.best)];
      t.push_back(o.pfs_day);
      e.push_back(o.pfs_event);
    }
    s.orr = stats::clopper_pearson(s.counts[0] + s.counts[1], s.n);
    s.dcr = stats::clopper_pearson(s.counts[0] + s.counts[1] + s.counts[2], s.n);
    auto site = [&](bool in_field, SiteSummary& out) {
      for (const auto& o : outcomes[a]) {
        if (!o.evaluable || !(in_field ? o.in_field_evaluable : o.out_of_field_evaluable)) continue;
        ++out.n;
        ++out.counts[static_cast<std::size_t>(in_field ? o.best_in_field : o.best_out_of_field)];
      }
      out.orr = stats::clopper_pearson(out.counts[0] + out.counts[1], out.n);
      out.dcr = stats::clopper_pearson(out.counts[0] + out.counts[1] + out.counts[2], out.n);
    };
    site(true, s.in_field);
    site(false, s.out_of_field);
    s.pfs = stats::kaplan_meier(t, e);
    s.pfs_6_months = stats::survival_at(s.pfs, kSixMonthsDay);
    s.pfs_12_months = stats::survival_at(s.pfs, kTwelveMonthsDay);
    summarise_survival(outcomes[a], s);
    summarise_stopping(outcomes[a], s);
    summarise_responses(outcomes[a], s);
    summarise_kinetics(outcomes[a], s.kinetics);
    summary.arms.push_back(s);
  }
  for (const auto& [first, second] : comparison_pairs(names.size(), plan))
    summary.comparisons.push_back(compare_arms(names, outcomes, first, second));
  adjust_p_values(plan, summary.comparisons);
  summary.comparison_plan = plan;
}

CandidateResult screen_candidate(const TrialSpec& spec, std::size_t row, std::vector<double>* state) {
  CandidateResult c = screen(spec, row, state);
  if (c.status == CandidateStatus::kPatient && !enrolled_by_tps(spec, c.biomarkers.tps_pct)) {
    c.status = CandidateStatus::kNotSelected;
    c.message = "not enrolled: PD-L1 TPS outside the population's tps_min_pct / tps_max_pct";
    if (state) state->clear();
  }
  return c;
}

ArmResult treat_candidate(const TrialSpec& spec, const CandidateResult& c, const TrialArm& arm,
                          const std::vector<double>& y0, const std::vector<double>& scans) {
  ArmResult a = run_arm(spec, c.candidate, arm, y0, scans);
  if (!a.recist.per_scan.empty()) {  // growth to the first scan against the untreated rate
    a.tgr_first_scan_pct_per_month =
        tumour_growth_rate_pct_per_month(1.0 + a.first_scan_change_pct / 100.0, scans.front());
    a.hyperprogression = hyperprogression(a.recist.per_scan.front() == Response::kPD, c.tgr_pre_pct_per_month,
                                          a.tgr_first_scan_pct_per_month);
  }
  return a;
}

ArmOutcome arm_outcome(const CandidateResult& c, const ArmResult& ar) {
  ArmOutcome o{ar.assessed,
               ar.status != PatientStatus::kOk,
               ar.recist.best,
               ar.recist.pfs_day,
               ar.recist.pfs_event,
               ar.assessed && ar.in_field,
               ar.assessed && ar.out_of_field,
               ar.recist_in_field.best,
               ar.recist_out_of_field.best,
               ar.first_scan_change_pct,
               ar.kinetics.g_per_day,
               ar.kinetics.d_per_day,
               ar.recist.time_to_response_day,
               ar.recist.duration_of_response_day,
               ar.recist.response_ended,
               c.tgr_pre_pct_per_month,
               ar.hyperprogression,
               ar.recist.pd_new_lesion,
               ar.recist.pd_non_target,
               ar.recist.pfs_death,
               !std::isnan(ar.os_day),
               ar.os_day,
               ar.os_event};
  o.biomarkers = biomarker_values(c);
  o.ici_stop_day = ar.ici_stop_day;
  o.earliest_stop_day = ar.earliest_stop_day;
  return o;
}

namespace {

void count_candidate(const CandidateResult& r, TrialSummary& summary) {
  switch (r.status) {
    case CandidateStatus::kPatient:
      ++summary.n_patients;
      ++summary.n_plausible;
      break;
    case CandidateStatus::kNotSelected:
      ++summary.n_plausible;
      break;
    case CandidateStatus::kNotAPatient:
      ++summary.n_not_a_patient;
      break;
    case CandidateStatus::kSolverFailure:
      ++summary.n_initialisation_failures;
      break;
  }
}

void add_outcomes(const CandidateResult& r, std::vector<std::vector<ArmOutcome>>& outcomes) {
  if (r.status != CandidateStatus::kPatient) return;
  for (std::size_t a = 0; a < outcomes.size(); ++a) outcomes[a].push_back(arm_outcome(r, r.arms[a]));
}

/// Arm summaries, comparisons and subgroup analyses of the outcomes.
void summarise_all(const TrialSpec& spec, const std::vector<std::vector<ArmOutcome>>& outcomes, TrialSummary& summary) {
  std::vector<std::string> names;
  for (const auto& arm : spec.arms) names.push_back(arm.name);
  summarise_arms(names, outcomes, summary, spec.comparisons);
  summary.subgroups = summarise_subgroups(outcomes, spec.subgroups, comparison_pairs(names.size(), spec.comparisons));
}

}  // namespace

BiomarkerValues biomarker_values(const CandidateResult& c) {
  BiomarkerValues v = ArmOutcome::no_biomarkers();
  auto set = [&](Biomarker b, double x) { v[static_cast<std::size_t>(b)] = x; };
  set(Biomarker::kTpsPct, c.biomarkers.tps_pct);
  set(Biomarker::kPdl1PerCell, c.biomarkers.pdl1_per_cancer_cell);
  set(Biomarker::kCd8DensityPerMm3, c.biomarkers.cd8_density_per_mm3);
  set(Biomarker::kCloneNumber, c.biomarkers.clone_number);
  set(Biomarker::kTregCd8Ratio, std::exp(c.immune_log_ratios[1]));  // NaN stays NaN
  set(Biomarker::kM1M2Ratio, std::exp(c.immune_log_ratios[0]));
  set(Biomarker::kBaselineDiameterCm,
      c.status == CandidateStatus::kPatient ? c.baseline_diameter_cm : std::numeric_limits<double>::quiet_NaN());
  return v;
}

TrialSummary summarise_results(const TrialSpec& spec, const std::vector<CandidateResult>& results) {
  TrialSummary summary;
  summary.n_candidates = spec.population.size();
  std::vector<std::vector<ArmOutcome>> outcomes(spec.arms.size());
  for (const auto& r : results) {
    count_candidate(r, summary);
    add_outcomes(r, outcomes);
  }
  summary.n_selected = summary.n_patients;
  summarise_all(spec, outcomes, summary);
  summary.completed = results.size() == spec.population.size();
  summary.n_finished = results.size();
  return summary;
}

std::size_t effective_batch_size(const TrialSpec& spec) {
  return spec.batch_size > 0 ? static_cast<std::size_t>(spec.batch_size)
                             : static_cast<std::size_t>(32 * std::max(1, spec.threads));
}

namespace {

/// Progress of one pass, counted in candidates whose results are kept (on disk, or shared).
struct PassProgress {
  const ProgressCallback& callback;
  std::chrono::steady_clock::time_point t0;
  std::size_t processed = 0;
  /// Reports the pass; false when the caller asks to stop.
  bool report(const char* phase, std::size_t total, std::size_t simulated = 0) const {
    return !callback || callback({phase, processed, total, seconds_since(t0), simulated});
  }
};

/// Which candidates are simulated, and with what probability of inclusion each was selected.
struct Enrolment {
  std::vector<bool> selected;
  std::vector<double> probability;
};

constexpr std::size_t kSharedPerCandidate = 5;  // status + 1, growth time, three immune log ratios

void pack_screened(const CandidateResult& c, double* out) {
  out[0] = static_cast<double>(c.status) + 1.0;
  out[1] = c.growth_time_day;
  for (std::size_t k = 0; k < 3; ++k) out[2 + k] = c.immune_log_ratios[k];
}

void unpack_screened(const double* in, CandidateResult& c) {
  c.status = static_cast<CandidateStatus>(static_cast<int>(in[0]) - 1);
  c.growth_time_day = in[1];
  for (std::size_t k = 0; k < 3; ++k) c.immune_log_ratios[k] = in[2 + k];
}

/// Selection by probability of inclusion over the plausible candidates of a finished screening
/// pass; every process computes the same from the shared screening results.
void select_plausible(const TrialSpec& spec, const std::vector<CandidateResult>& screened, SelectionResult& selection,
                      Enrolment& enrolment) {
  std::vector<Point3> plausible;
  std::vector<std::size_t> index;
  for (std::size_t i = 0; i < screened.size(); ++i) {
    if (screened[i].status != CandidateStatus::kPatient) continue;
    plausible.push_back(screened[i].immune_log_ratios);
    index.push_back(i);
  }
  selection = select_by_probability_of_inclusion(plausible, spec.observed_log_ratios, spec.population.seed);
  enrolment.selected.assign(screened.size(), false);
  for (std::size_t k = 0; k < index.size(); ++k) {
    enrolment.selected[index[k]] = selection.selected[k];
    enrolment.probability[index[k]] = selection.probability[k];
  }
}

/// The screening pass (select_by_inclusion): the initial conditions of every candidate, shared
/// among processes, then the selection. False when stopped before any candidate was simulated.
bool screen_and_select(const TrialSpec& spec, TrialDistribution& dist, TrialSink& sink, PassProgress& progress,
                       TrialSummary& summary, Enrolment& enrolment) {
  const std::size_t n = spec.population.size();
  const int threads = std::max(1, spec.threads);
  std::vector<CandidateResult> screened(n);
  std::vector<double> shared(kSharedPerCandidate * n, 0.0);
  std::size_t begin = 0, end = 0;
  while (dist.next_batch(0, n, effective_batch_size(spec), begin, end)) {
    parallel_for(begin, end, threads, [&](std::size_t i) { screened[i] = screen(spec, i, nullptr); });
    for (std::size_t i = begin; i < end; ++i) pack_screened(screened[i], &shared[kSharedPerCandidate * i]);
    progress.processed += end - begin;
    if (!progress.report("screening", n) && dist.may_stop_during_screening()) return false;
  }
  dist.sum_over_processes(shared);
  for (std::size_t i = 0; i < n; ++i) {
    screened[i].candidate = i;
    unpack_screened(&shared[kSharedPerCandidate * i], screened[i]);
  }
  select_plausible(spec, screened, summary.selection, enrolment);
  sink.write_selection(screened, summary.selection);
  progress.processed = 0;
  return true;
}

/// Candidates `todo`: simulated when selected, otherwise screened and marked not selected.
std::vector<CandidateResult> simulate_batch(const TrialSpec& spec, const std::vector<std::size_t>& todo,
                                            const Enrolment& enrolment, const std::vector<double>& scans) {
  std::vector<CandidateResult> results(todo.size());
  parallel_for(0, todo.size(), std::max(1, spec.threads), [&](std::size_t k) {
    const std::size_t i = todo[k];
    CandidateResult& r = results[k];
    if (enrolment.selected[i]) {
      r = simulate_candidate(spec, i, scans);
    } else {
      r = screen(spec, i, nullptr);
      if (r.status == CandidateStatus::kPatient) r.status = CandidateStatus::kNotSelected;
    }
    r.selection_probability = enrolment.probability[i];
  });
  return results;
}

/// Writes a batch while the next one is simulated, so the solver threads do not idle during
/// compression and disk writes. Only this writer ever calls the sink's write_batch, one batch at
/// a time. Progress counts candidates on disk, so a run killed after a report keeps what it
/// reported.
class PipelinedWriter {
 public:
  PipelinedWriter(TrialSink& sink, PassProgress& progress, std::size_t total)
      : sink_(sink), progress_(progress), total_(total) {}
  PipelinedWriter(const PipelinedWriter&) = delete;
  PipelinedWriter& operator=(const PipelinedWriter&) = delete;
  ~PipelinedWriter() {
    if (pending_.valid()) pending_.wait();
  }

  /// Waits for the batch being written and reports it; false when the caller asks to stop.
  bool finish() {
    if (!pending_.valid()) return true;
    pending_.get();
    progress_.processed += candidates_;
    finished_ += simulated_;
    const std::size_t simulated = simulated_;
    candidates_ = simulated_ = 0;
    return progress_.report("simulating", total_, simulated);
  }
  /// Starts writing `results`, the candidates of a batch of `candidates` not finished in an
  /// earlier attempt (resume); a batch with none left is only counted. Call after finish().
  void start(std::vector<CandidateResult> results, std::size_t candidates) {
    if (results.empty()) {
      progress_.processed += candidates;
      return;
    }
    candidates_ = candidates;
    simulated_ = results.size();
    pending_ =
        std::async(std::launch::async, [&sink = sink_, written = std::move(results)] { sink.write_batch(written); });
  }
  std::size_t finished() const { return finished_; }

 private:
  TrialSink& sink_;
  PassProgress& progress_;
  std::size_t total_;
  std::future<void> pending_;
  std::size_t candidates_ = 0, simulated_ = 0, finished_ = 0;
};

}  // namespace

TrialSummary run_trial(const TrialSpec& spec, TrialSink& sink, const ProgressCallback& progress,
                       TrialDistribution* distribution, const std::vector<bool>* done) {
  const auto t0 = std::chrono::steady_clock::now();
  if (!spec.model) throw Error(ErrorKind::kInternal, "trial without a model");
  spec.model->jacobian_pattern();  // once, before the threads start
  LocalDistribution local;
  TrialDistribution& dist = distribution ? *distribution : local;
  const std::size_t n = spec.population.size();
  const std::vector<double> scans = scan_days(spec.recist, spec.horizon_day);
  TrialSummary summary;
  summary.n_candidates = n;
  PassProgress pass{progress, t0};
  Enrolment enrolment{std::vector<bool>(n, true), std::vector<double>(n, 1.0)};
  if (spec.select_by_inclusion && !screen_and_select(spec, dist, sink, pass, summary, enrolment)) {
    // Stopped before any candidate was simulated: the sink records an interrupted, empty run.
    summary.wall_seconds = seconds_since(t0);
    sink.write_summary(summary);
    return summary;
  }

  std::vector<std::vector<ArmOutcome>> outcomes(spec.arms.size());
  PipelinedWriter writer(sink, pass, n);
  bool stopped = false;
  std::size_t begin = 0, end = 0;
  while (!stopped && dist.next_batch(1, n, effective_batch_size(spec), begin, end)) {
    std::vector<std::size_t> todo;
    for (std::size_t i = begin; i < end; ++i)
      if (!(done && i < done->size() && (*done)[i])) todo.push_back(i);
    std::vector<CandidateResult> results = simulate_batch(spec, todo, enrolment, scans);
    for (const auto& r : results) {
      count_candidate(r, summary);
      add_outcomes(r, outcomes);
    }
    stopped = !writer.finish();
    writer.start(std::move(results), end - begin);
  }
  if (!writer.finish()) stopped = true;
  summary.n_finished = writer.finished();
  summary.n_selected = summary.n_patients;
  summarise_all(spec, outcomes, summary);
  summary.completed = !stopped;
  summary.wall_seconds = seconds_since(t0);
  sink.write_summary(summary);
  return summary;
}

}  // namespace vct
