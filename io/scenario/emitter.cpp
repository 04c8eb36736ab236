// SPDX-License-Identifier: MIT
// The resolved scenario: every default filled in, names as given, derived values (a course's dose
// from its total, its absolute start day) in their resolved form. Loading it gives the same
// scenario; the simple keys come from their schema declarations, lists and maps are written here.
#include <cmath>

#include "io/scenario/loader.hpp"
#include "io/scenario/schema.hpp"
#include "models/qspio_nsclc/model.hpp"

namespace vct::io {

namespace {

void emit_regimens(YAML::Emitter& out, const std::vector<DoseRegimen>& regimens) {
  out << YAML::BeginSeq;
  for (const auto& r : regimens) {
    out << YAML::BeginMap;
    schema::emit_fields(out, schema::regimen(), r);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

/// `dose_map`: its kind and that kind's keys.
void emit_dose_map(YAML::Emitter& out, const DoseMap& m) {
  const auto& section = schema::dose_map();
  out << YAML::Key << "dose_map" << YAML::Value << YAML::Flow << YAML::BeginMap;
  schema::emit_field(out, section.field("kind"), m);
  std::vector<const char*> keys;
  if (m.kind == DoseMapKind::kPartial) keys = {"target_volume_fraction", "periphery_relative", "falloff_mm"};
  if (m.kind == DoseMapKind::kLattice) keys = {"vertex_diameter_mm", "spacing_mm", "valley_relative", "falloff_mm"};
  if (m.kind == DoseMapKind::kGrid) keys = {"file"};
  keys.push_back("margin_mm");
  for (const char* k : keys) schema::emit_field(out, section.field(k), m);
  out << YAML::EndMap;
}

void emit_courses(YAML::Emitter& out, const std::vector<RadiotherapyCourse>& courses,
                  const std::vector<std::string>& lesion_names) {
  const auto& section = schema::course();
  out << YAML::Key << "radiotherapy" << YAML::Value << YAML::BeginSeq;
  for (const auto& c : courses) {
    out << YAML::BeginMap;
    schema::emit_field(out, section.field("name"), c);
    schema::emit_field(out, section.field("dose_per_fraction_Gy"), c);
    schema::emit_field(out, section.field("fractions"), c);
    schema::emit_field(out, section.field("start_day"), c);
    schema::emit_field(out, section.field("schedule"), c);
    if (c.schedule == FractionSchedule::kExplicit) {
      out << YAML::Key << "days" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (double d : c.days) out << d;
      out << YAML::EndSeq;
    }
    out << YAML::Key << "lesions" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (int l : c.lesions) out << lesion_names[static_cast<std::size_t>(l)];
    out << YAML::EndSeq;
    schema::emit_field(out, section.field("site"), c);
    schema::emit_field(out, section.field("edic_Gy"), c);
    schema::emit_field(out, section.field("lymph_node_in_field"), c);
    if (c.dose_map) emit_dose_map(out, *c.dose_map);
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

/// `stop_ici`: the triggers given.
void emit_stop_rule(YAML::Emitter& out, const StopRule& r) {
  const auto& section = schema::stop_rule();
  out << YAML::Key << "stop_ici" << YAML::Value << YAML::Flow << YAML::BeginMap;
  if (!std::isnan(r.after_day)) schema::emit_field(out, section.field("after_day"), r);
  if (r.responding_scans > 0) schema::emit_field(out, section.field("responding_scans"), r);
  schema::emit_field(out, section.field("confirmed_complete_response"), r);
  schema::emit_field(out, section.field("earliest_stop"), r);
  out << YAML::EndMap;
}

void emit_treatment(YAML::Emitter& out, const Scenario& s) {
  if (s.is_trial()) {
    out << YAML::Key << "arms" << YAML::Value << YAML::BeginSeq;
    for (const auto& arm : s.arms) {
      out << YAML::BeginMap;
      schema::emit_fields(out, schema::arm(), arm);
      out << YAML::Key << "treatment" << YAML::Value;
      emit_regimens(out, arm.treatment);
      if (!arm.radiotherapy.empty()) emit_courses(out, arm.radiotherapy, s.lesion_names);
      if (arm.stop_ici.any() || arm.stop_ici.earliest_stop) emit_stop_rule(out, arm.stop_ici);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  } else {
    out << YAML::Key << "treatment" << YAML::Value;
    emit_regimens(out, s.treatment);
    if (!s.radiotherapy.empty()) emit_courses(out, s.radiotherapy, s.lesion_names);
  }
}

void emit_distribution(YAML::Emitter& out, const ParameterDistribution& d) {
  out << YAML::Key << d.parameter << YAML::Value << YAML::Flow << YAML::BeginMap;
  out << YAML::Key << "distribution" << YAML::Value << to_string(d.kind);
  switch (d.kind) {
    case DistributionKind::kFixed:
      out << YAML::Key << "value" << YAML::Value << d.value;
      break;
    case DistributionKind::kUniform:
    case DistributionKind::kLogUniform:
      out << YAML::Key << "lower" << YAML::Value << d.lower << YAML::Key << "upper" << YAML::Value << d.upper;
      break;
    case DistributionKind::kNormal:
      out << YAML::Key << "mean" << YAML::Value << d.mean << YAML::Key << "sd" << YAML::Value << d.sd;
      if (std::isfinite(d.lower)) out << YAML::Key << "lower" << YAML::Value << d.lower;
      if (std::isfinite(d.upper)) out << YAML::Key << "upper" << YAML::Value << d.upper;
      break;
    case DistributionKind::kLogNormal:
      out << YAML::Key << "median" << YAML::Value << d.median << YAML::Key << "sigma" << YAML::Value << d.sigma;
      if (std::isfinite(d.lower) && d.lower > 0) out << YAML::Key << "lower" << YAML::Value << d.lower;
      if (std::isfinite(d.upper)) out << YAML::Key << "upper" << YAML::Value << d.upper;
      break;
  }
  out << YAML::EndMap;
}

/// The population: either the file it comes from or its sampling design, then seed, PK variability,
/// the varied parameters and the selection.
void emit_population(YAML::Emitter& out, const PopulationSettings& p) {
  const auto& section = schema::population();
  out << YAML::Key << "population" << YAML::Value << YAML::BeginMap;
  if (!p.file.empty()) {
    schema::emit_field(out, section.field("file"), p);
  } else {
    schema::emit_field(out, section.field("size"), p);
    schema::emit_field(out, section.field("sampling"), p);
    if (!p.preset.empty()) out << YAML::Key << "preset" << YAML::Value << p.preset;
  }
  schema::emit_field(out, section.field("seed"), p);
  schema::emit_field(out, section.field("pk_variability"), p);
  if (p.file.empty()) {
    out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
    for (const auto& d : p.distributions) emit_distribution(out, d);
    out << YAML::EndMap;
  }
  schema::emit_field(out, section.field("selection"), p);
  schema::emit_field(out, section.field("line_of_therapy"), p);
  for (const char* key : {"tps_min_pct", "tps_max_pct"}) {
    const auto& f = section.field(key);
    if (f.emit_if(p)) schema::emit_field(out, f, p);
  }
  out << YAML::EndMap;
}

void emit_subgroups(YAML::Emitter& out, const std::vector<SubgroupDefinition>& subgroups) {
  out << YAML::Key << "subgroups" << YAML::Value << YAML::BeginSeq;
  for (const auto& d : subgroups) {
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << d.name;
    out << YAML::Key << "biomarker" << YAML::Value << to_string(d.biomarker);
    out << YAML::Key << "cuts" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (double c : d.cuts) out << c;
    out << YAML::EndSeq << YAML::EndMap;
  }
  out << YAML::EndSeq;
}

void emit_patient(YAML::Emitter& out, const Scenario& s) {
  out << YAML::Key << "patient" << YAML::Value << YAML::BeginMap;
  schema::emit_fields(out, schema::patient(), s);
  out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
  for (const auto& o : s.parameter_overrides) out << YAML::Key << o.name << YAML::Value << o.value;
  out << YAML::EndMap << YAML::EndMap;
}

/// `path: {declared keys}` of a section that has only simple keys.
template <class S>
void emit_map(YAML::Emitter& out, const schema::Section<S>& section, const S& value) {
  const std::size_t dot = section.path.rfind('.');  // a nested section's own key ("search.objective")
  out << YAML::Key << (dot == std::string::npos ? section.path : section.path.substr(dot + 1)) << YAML::Value
      << YAML::BeginMap;
  schema::emit_fields(out, section, value);
  out << YAML::EndMap;
}

/// `abm: {declared keys, parameters: {name: value}}` of a lesion with agent-based windows.
void emit_windows(YAML::Emitter& out, const LesionWindows& w) {
  out << YAML::Key << "abm" << YAML::Value << YAML::BeginMap;
  schema::emit_fields(out, schema::lesion_windows(), w);
  if (!w.parameters.empty()) {
    out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
    for (const auto& o : w.parameters) out << YAML::Key << o.name << YAML::Value << o.value;
    out << YAML::EndMap;
  }
  out << YAML::EndMap;
}

/// `search`: the settings resolved, each variable as its list of values (lesions by name), or
/// its continuous range.
void emit_search(YAML::Emitter& out, const Scenario& s) {
  const SearchBlock& b = s.search;
  out << YAML::Key << "search" << YAML::Value << YAML::BeginMap;
  schema::emit_fields(out, schema::search(), b);
  out << YAML::Key << "variables" << YAML::Value << YAML::BeginMap;
  for (const auto& var : b.settings.variables) {
    out << YAML::Key << to_string(var.kind) << YAML::Value << YAML::Flow;
    if (var.continuous) {
      out << YAML::BeginMap << YAML::Key << "min" << YAML::Value << var.lower << YAML::Key << "max" << YAML::Value
          << var.upper << YAML::EndMap;
      continue;
    }
    out << YAML::BeginSeq;
    for (double x : var.values) {
      if (var.kind == ScheduleVariable::kRtLesion)
        out << s.lesion_names.at(static_cast<std::size_t>(x));
      else
        out << x;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  emit_map(out, schema::search_constraints(), b.settings.constraints);
  emit_map(out, schema::search_objective(), b.settings.objective);
  out << YAML::EndMap;
}

/// `observations` (every scan inline, lesions by name, whatever file they came from) and `fit`.
void emit_observations(YAML::Emitter& out, const Scenario& s) {
  const PatientObservations& o = s.observations;
  out << YAML::Key << "observations" << YAML::Value << YAML::BeginMap;
  emit_map(out, schema::measurement_error(), o.error);
  out << YAML::Key << "scans" << YAML::Value << YAML::BeginSeq;
  for (const auto& scan : o.scans)
    out << YAML::Flow << YAML::BeginMap << YAML::Key << "day" << YAML::Value << scan.day << YAML::Key << "lesion"
        << YAML::Value << s.lesion_names.at(static_cast<std::size_t>(scan.lesion)) << YAML::Key << "diameter_mm"
        << YAML::Value << scan.diameter_mm << YAML::EndMap;
  out << YAML::EndSeq;
  if (!o.lymphocytes.empty()) {
    out << YAML::Key << "lymphocytes" << YAML::Value << YAML::BeginSeq;
    for (const auto& c : o.lymphocytes)
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "day" << YAML::Value << c.day << YAML::Key << "count_per_uL"
          << YAML::Value << c.per_uL << YAML::EndMap;
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  if (!s.fit.enabled) return;
  out << YAML::Key << "fit" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "parameters" << YAML::Value << YAML::Flow << s.fit.parameters;
  schema::emit_fields(out, schema::fit(), s.fit);
  out << YAML::EndMap;
  if (!s.predict.enabled) return;
  out << YAML::Key << "predict" << YAML::Value << YAML::BeginMap;
  std::vector<std::string> arms;
  for (const auto& a : s.predict.arms) arms.push_back(a.name);
  out << YAML::Key << "arms" << YAML::Value << YAML::Flow << arms;
  schema::emit_fields(out, schema::predict(), s.predict);
  out << YAML::EndMap;
}

}  // namespace

std::string resolved_scenario_yaml(const Scenario& s) {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << YAML::BeginMap;
  out << YAML::Key << "schema_version" << YAML::Value << s.schema_version;
  if (!s.description.empty()) schema::emit_field(out, schema::top_level().field("description"), s);
  int n_lesions = 1;
  std::vector<std::string> modules;
  if (models::parse_rt_model_id(s.model, n_lesions, modules)) {
    // An RT model: its base id (lesions come from the lesions list) and the modules it runs.
    out << YAML::Key << "model" << YAML::Value << s.model.substr(0, s.model.find('{'));
    out << YAML::Key << "modules" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& m : s.rt_modules) out << m;
    out << YAML::EndSeq;
  } else {
    out << YAML::Key << "model" << YAML::Value << s.model;
  }
  schema::emit_field(out, schema::top_level().field("calibration"), s);
  if (s.lesion_names.size() > 1 || !s.lesion_windows.empty()) {
    out << YAML::Key << "lesions" << YAML::Value << YAML::BeginSeq;
    for (std::size_t l = 0; l < s.lesion_names.size(); ++l) {
      out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << s.lesion_names[l];
      for (const LesionWindows& w : s.lesion_windows)
        if (w.lesion == static_cast<int>(l)) emit_windows(out, w);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  emit_patient(out, s);
  schema::emit_field(out, schema::top_level().field("initialisation"), s);
  emit_treatment(out, s);
  if (s.population.enabled) emit_population(out, s.population);
  if (s.is_trial()) {
    emit_map(out, schema::recist(), s.recist);
    emit_map(out, schema::comparisons(), s.comparisons);
    if (s.progression.any()) emit_map(out, schema::progression(), s.progression);
    emit_subgroups(out, s.subgroups);
    emit_map(out, schema::run(), s);
    if (s.search.settings.enabled) emit_search(out, s);
    if (s.observations.enabled) emit_observations(out, s);
  }
  emit_map(out, schema::simulation(), s);
  emit_map(out, schema::solver(), s.solver);
  out << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  schema::emit_fields(out, schema::output(), s);
  if (s.is_trial()) {
    out << YAML::Key << "trajectories" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& o : s.trajectory_outputs) out << o.name;
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace vct::io
