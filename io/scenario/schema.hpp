// SPDX-License-Identifier: MIT
// The scenario schema (schema_version 1): every key is declared once, here and in schema.cpp,
// with its name, type, range, default and help text. The declaration drives the check (allowed
// keys, ranges), the read, the resolved scenario written by the emitter, and the generated
// docs/scenario-reference.md (`vct schema`; ctest docs_scenario_reference_current).
#pragma once

#include <yaml-cpp/yaml.h>

#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "io/scenario/scenario.hpp"
#include "io/scenario/validator.hpp"

namespace vct::io::schema {

/// How a key's value is read. kOther keys are read by their section's own code (lists, maps,
/// keys that depend on other keys); they are still declared here for the key check and the docs.
enum class Kind { kNumber, kInteger, kBoolean, kText, kChoice, kOther };

/// A key's value on its way between YAML and the target struct.
struct Value {
  double number = 0.0;  ///< numbers and integers; the index for a choice
  std::string text;     ///< text; the chosen name for a choice
  bool flag = false;    ///< booleans
};

/// One scenario key.
struct Key {
  std::string name;
  Kind kind = Kind::kOther;
  double lower = -std::numeric_limits<double>::infinity();  ///< numbers and integers
  double upper = std::numeric_limits<double>::infinity();
  bool lower_open = false;           ///< (lower, upper] instead of [lower, upper]
  std::vector<std::string> choices;  ///< kChoice
  std::string type;                  ///< docs: type column; generated from kind and range when empty
  std::string default_value;         ///< docs: default column (empty: required or none)
  std::string help;                  ///< docs: meaning column
  bool emitted = true;               ///< written to the resolved scenario by emit_fields
};

/// A key bound to a member of the struct S it fills.
template <class S>
struct Field {
  Key key;
  std::function<Value(const S&)> get;
  std::function<void(S&, const Value&)> set;
  std::function<bool(const S&)> emit_if;  ///< optional condition for emit_fields
};

/// The keys of one mapping (a section of the file, or one item of a list).
template <class S>
struct Section {
  std::string path;   ///< key path prefix in messages and docs ("simulation", "treatment[]", "" for the top)
  std::string title;  ///< docs heading
  std::string intro;  ///< docs text before the table
  std::string outro;  ///< docs text after the table
  std::vector<Field<S>> fields;

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& f : fields) out.push_back(f.key.name);
    return out;
  }
  const Field<S>& field(const std::string& name) const {
    for (const auto& f : fields)
      if (f.key.name == name) return f;
    throw Error(ErrorKind::kInternal, "schema: section '" + path + "' declares no key '" + name + "'");
  }
};

/// Reads one declared key of `node` into `target` (nothing for kOther keys or an absent key).
/// Returns true when the key was present and accepted.
template <class S>
bool read_field(Validator& v, const YAML::Node& node, const std::string& path, const Field<S>& f, S& target) {
  const Key& k = f.key;
  if (k.kind == Kind::kOther || !node[k.name]) return false;
  const std::size_t before = v.count();
  Value x = f.get(target);
  switch (k.kind) {
    case Kind::kNumber:
      v.number(node, k.name, path, x.number, k.lower, k.upper, k.lower_open);
      break;
    case Kind::kInteger: {
      long n = static_cast<long>(x.number);
      v.integer(node, k.name, path, n, static_cast<long>(k.lower), static_cast<long>(k.upper));
      x.number = static_cast<double>(n);
      break;
    }
    case Kind::kBoolean:
      v.boolean(node, k.name, path, x.flag);
      break;
    case Kind::kText:
      v.string(node, k.name, path, x.text);
      break;
    case Kind::kChoice: {
      const int c = v.choice(node, k.name, path, k.choices);
      if (c < 0) return false;
      x.number = c;
      x.text = k.choices[static_cast<std::size_t>(c)];
      break;
    }
    case Kind::kOther:
      return false;
  }
  if (v.count() != before) return false;
  f.set(target, x);
  return true;
}

/// Reads a number or integer key into a local value with the declared range (for keys whose value
/// feeds a rule that ties several keys together before it reaches the target).
inline void read_value(Validator& v, const YAML::Node& node, const std::string& path, const Key& k, double& value) {
  if (k.kind == Kind::kInteger) {
    long n = static_cast<long>(value);
    v.integer(node, k.name, path, n, static_cast<long>(k.lower), static_cast<long>(k.upper));
    value = static_cast<double>(n);
  } else {
    v.number(node, k.name, path, value, k.lower, k.upper, k.lower_open);
  }
}

/// Checks `node`'s keys against the section and reads every declared key that is not kOther,
/// in declaration order.
template <class S>
void read_section(Validator& v, const YAML::Node& node, const Section<S>& section, S& target, const std::string& path) {
  v.check_keys(node, path, section.names());
  for (const auto& f : section.fields) read_field(v, node, path, f, target);
}

/// Writes `key: value` of one field.
template <class S>
void emit_field(YAML::Emitter& out, const Field<S>& f, const S& s) {
  const Value x = f.get(s);
  out << YAML::Key << f.key.name << YAML::Value;
  switch (f.key.kind) {
    case Kind::kNumber:
      out << x.number;
      break;
    case Kind::kInteger:
      out << static_cast<long long>(x.number);
      break;
    case Kind::kBoolean:
      out << x.flag;
      break;
    case Kind::kText:
    case Kind::kChoice:
      out << x.text;
      break;
    case Kind::kOther:
      break;
  }
}

/// Writes the section's emitted fields that are not kOther, in declaration order (inside a map
/// the caller opened).
template <class S>
void emit_fields(YAML::Emitter& out, const Section<S>& section, const S& s) {
  for (const auto& f : section.fields)
    if (f.key.emitted && f.key.kind != Kind::kOther && (!f.emit_if || f.emit_if(s))) emit_field(out, f, s);
}

// --- The sections of schema_version 1 (schema.cpp) ---------------------------------------------

/// A lesion as listed in `lesions` (its diameter becomes a parameter override).
struct LesionEntry {
  std::string name;
  double diameter_cm = 0.0;
};

const Section<Scenario>& top_level();
const Section<Scenario>& patient();
const Section<Scenario>& simulation();
const Section<SolverOptions>& solver();
const Section<Scenario>& output();
const Section<LesionEntry>& lesion();
const Section<DoseRegimen>& regimen();
const Section<RadiotherapyCourse>& course();
const Section<DoseMap>& dose_map();
const Section<LesionWindows>& lesion_windows();
const Section<TrialArm>& arm();
const Section<StopRule>& stop_rule();
const Section<PopulationSettings>& population();
const Section<ParameterDistribution>& distribution();
const Section<RecistOptions>& recist();
const Section<ComparisonSettings>& comparisons();
const Section<SubgroupDefinition>& subgroup();
const Section<ProgressionSpec>& progression();
const Section<Scenario>& run();
const Section<SearchBlock>& search();
const Section<SearchBlock>& search_variables();
const Section<ScheduleConstraints>& search_constraints();
const Section<SearchObjective>& search_objective();
const Section<PatientObservations>& observations();
const Section<MeasurementError>& measurement_error();
const Section<LesionScan>& scan();
const Section<LymphocyteCount>& lymphocyte_count();
const Section<FitSettings>& fit();
const Section<PredictSettings>& predict();

/// The keys a distribution of `kind` takes (a subset of distribution()).
std::vector<std::string> distribution_keys(DistributionKind kind);

/// docs/scenario-reference.md, generated from the declarations above.
std::string scenario_reference_markdown();

}  // namespace vct::io::schema
