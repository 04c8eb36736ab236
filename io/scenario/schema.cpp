// SPDX-License-Identifier: MIT
// The declarations of every scenario key (schema_version 1) and docs/scenario-reference.md made
// from them. To add a key: declare it in its section below (name, kind, range, default, help),
// then, for kOther keys only, read it in the section's loader file and emit it in emitter.cpp;
// tools/gen_model_docs.sh (`vct schema`) regenerates docs/scenario-reference.md.
#include "io/scenario/schema.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/solver/integrator.hpp"
#include "models/registry.hpp"

namespace vct::io::schema {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Key declaration helpers. `lo_open`: the lower bound is excluded.
Key number_key(std::string name, double lo, double hi, bool lo_open, std::string def, std::string help,
               std::string type = "") {
  Key k;
  k.name = std::move(name);
  k.kind = Kind::kNumber;
  k.lower = lo;
  k.upper = hi;
  k.lower_open = lo_open;
  k.default_value = std::move(def);
  k.help = std::move(help);
  k.type = std::move(type);
  return k;
}
Key integer_key(std::string name, double lo, double hi, std::string def, std::string help, std::string type = "") {
  Key k = number_key(std::move(name), lo, hi, false, std::move(def), std::move(help), std::move(type));
  k.kind = Kind::kInteger;
  return k;
}
Key simple_key(std::string name, Kind kind, std::string def, std::string help, std::string type = "") {
  Key k;
  k.name = std::move(name);
  k.kind = kind;
  k.default_value = std::move(def);
  k.help = std::move(help);
  k.type = std::move(type);
  return k;
}
Key choice_key(std::string name, std::vector<std::string> choices, std::string def, std::string help) {
  Key k = simple_key(std::move(name), Kind::kChoice, std::move(def), std::move(help));
  k.choices = std::move(choices);
  return k;
}
/// A key read and written by its section's own code.
Key other_key(std::string name, std::string type, std::string def, std::string help) {
  return simple_key(std::move(name), Kind::kOther, std::move(def), std::move(help), std::move(type));
}

/// Binds a key to a data member.
template <class S, class M>
Field<S> member(Key key, M S::*m) {
  Field<S> f;
  f.key = std::move(key);
  if constexpr (std::is_same_v<M, std::string>) {
    f.get = [m](const S& s) { return Value{0.0, s.*m, false}; };
    f.set = [m](S& s, const Value& v) { s.*m = v.text; };
  } else if constexpr (std::is_same_v<M, bool>) {
    f.get = [m](const S& s) { return Value{0.0, "", s.*m}; };
    f.set = [m](S& s, const Value& v) { s.*m = v.flag; };
  } else {
    f.get = [m](const S& s) { return Value{static_cast<double>(s.*m), "", false}; };
    f.set = [m](S& s, const Value& v) { s.*m = static_cast<M>(v.number); };
  }
  return f;
}
/// Binds a key to an optional number member (NaN: not given), written to the resolved scenario only
/// when given.
template <class S>
Field<S> optional_number(Key key, double S::*m) {
  Field<S> f = member(std::move(key), m);
  f.emit_if = [m](const S& s) { return !std::isnan(s.*m); };
  return f;
}
/// Binds a key to accessor functions.
template <class S>
Field<S> accessor(Key key, std::function<Value(const S&)> get, std::function<void(S&, const Value&)> set) {
  Field<S> f;
  f.key = std::move(key);
  f.get = std::move(get);
  f.set = std::move(set);
  return f;
}
template <class S>
Field<S> other(Key key) {
  Field<S> f;
  f.key = std::move(key);
  f.get = [](const S&) { return Value{}; };
  f.set = [](S&, const Value&) {};
  return f;
}
Value number(double v) { return Value{v, "", false}; }
Value text(std::string t) { return Value{0.0, std::move(t), false}; }

std::string model_list() {
  std::string text;
  for (const auto& name : models::model_names()) text += (text.empty() ? "`" : ", `") + name + "`";
  return text;
}

}  // namespace

const Section<Scenario>& top_level() {
  static const Section<Scenario> section{
      "",
      "Top level",
      "",
      "",
      {
          other<Scenario>(other_key("schema_version", "integer, required", "", "must be 1")),
          member(simple_key("description", Kind::kText, "empty", "free text"), &Scenario::description),
          other<Scenario>(other_key("model", "text, required", "",
                                    "a registered model: " + model_list() +
                                        " (`vct models`); `qspio_nsclc_rt` has radiotherapy and lesions")),
          accessor<Scenario>(
              choice_key("calibration", {"calibrated", "published"}, "`calibrated`",
                         "which parameter values `vct run` starts from: the calibrated values built into "
                         "this build (scenarios/validation/calibrated.yaml when it was built; the models the "
                         "validation suite calibrates, `qspio_nsclc` and `qspio_nsclc_rt`; other models "
                         "run as published) or the model's published table values. Values given under "
                         "`patient.parameters` and `population.parameters` win over the built-in values; the "
                         "values of a file given with `vct run --calibration FILE` replace them. `vct run "
                         "--published` and `--calibration FILE` take precedence over this key "
                         "(docs/validation.md, \"Calibrated defaults\")"),
              [](const Scenario& s) { return text(to_string(s.calibration)); },
              [](Scenario& s, const Value& v) { s.calibration = static_cast<CalibrationMode>(v.number); }),
          other<Scenario>(other_key("lesions", "list of `{name, diameter_cm}`", "one lesion, `primary`",
                                    "`qspio_nsclc_rt` only: the patient's lesions; see \"Lesions\"")),
          other<Scenario>(
              other_key("modules",
                        "list of `licensing`, `epitope_spreading`, `priming_checkpoint`, `lymphodepletion`, "
                        "`treg_adcc`, `ctla4_priming`, `il7_recovery`, `priming_threshold`",
                        "all eight",
                        "`qspio_nsclc_rt` only: the immune modules of the extended model (RT: "
                        "docs/models/radiotherapy.md; anti-CTLA-4: docs/models/anti-ctla4.md); "
                        "`[]` runs the RT model without them. `epitope_spreading` needs `licensing`, "
                        "`priming_checkpoint`, `ctla4_priming` and `priming_threshold` need "
                        "`epitope_spreading`")),
          other<Scenario>(other_key("patient", "mapping", "", "the patient; see \"Patient\"")),
          accessor<Scenario>(
              choice_key("initialisation", {"grow_to_diameter", "published_state", "model_default"},
                         "`grow_to_diameter` (models that can), else `published_state`",
                         "how the state at t = 0 is made: grow from one cancer cell to "
                         "`initial_tumour_diameter_cm` without drug (dossier §7.1); the model's published "
                         "treatment-start state (example 1); or the model-build state itself"),
              [](const Scenario& s) { return text(to_string(s.initialisation.mode)); },
              [](Scenario& s, const Value& v) { s.initialisation.mode = static_cast<InitialisationMode>(v.number); }),
          other<Scenario>(other_key("treatment", "list of regimens", "empty", "see \"Treatment regimens\"")),
          other<Scenario>(other_key("radiotherapy", "list of courses", "empty",
                                    "one-patient scenarios; see \"Radiotherapy courses\"")),
          other<Scenario>(other_key("simulation", "mapping", "", "see \"Simulation\"")),
          other<Scenario>(other_key("solver", "mapping", "", "see \"Solver\"")),
          other<Scenario>(other_key("output", "mapping", "", "see \"Output\"")),
          other<Scenario>(other_key("population", "mapping", "none", "makes the scenario a trial; see \"Population\"")),
          other<Scenario>(other_key("arms", "list of arms", "none", "makes the scenario a trial; see \"Arms\"")),
          other<Scenario>(other_key("recist", "mapping", "", "trials; see \"RECIST read-out\"")),
          other<Scenario>(other_key("comparisons", "mapping", "the first arm against each other arm, Holm",
                                    "trials; see \"Comparisons of arms\"")),
          other<Scenario>(
              other_key("progression", "mapping", "modules off", "trials; see \"Progression and survival\"")),
          other<Scenario>(other_key("subgroups", "list of subgroup analyses",
                                    "TPS < 1 / 1-49 / >= 50 % where the model offers TPS",
                                    "trials; `[]` for none; see \"Subgroups\"")),
          other<Scenario>(other_key("run", "mapping", "", "trials; see \"Run\"")),
          other<Scenario>(other_key("search", "mapping", "none",
                                    "trials; the schedule search of `vct search`; see \"Schedule search\"")),
          other<Scenario>(other_key("observations", "mapping", "none",
                                    "one patient's lesion measurements for `vct fit`; see \"Observations\"")),
          other<Scenario>(other_key("fit", "mapping", "none", "what `vct fit` estimates; see \"Fit\"")),
          other<Scenario>(other_key("predict", "mapping", "none",
                                    "what `vct predict` simulates for the fitted patient; see \"Predict\"")),
      }};
  return section;
}

const Section<Scenario>& patient() {
  static const Section<Scenario> section{
      "patient",
      "Patient",
      "",
      "",
      {
          member(number_key("weight_kg", 0.0, 500.0, true, "80", "for mg/kg dosing"), &Scenario::weight_kg),
          other<Scenario>(other_key("parameters", "mapping of `<name>: number` within the table's bounds",
                                    "table defaults",
                                    "parameter overrides, by table name (`vct params MODEL`); applied after the "
                                    "drugs' PK, so a drug constant can be overridden too")),
      }};
  return section;
}

const Section<Scenario>& simulation() {
  static const Section<Scenario> section{
      "simulation",
      "Simulation",
      "",
      "Limits (checked by `vct check`, so that a run cannot exhaust memory or disk after the check "
      "passed): at most 1000000 output times (horizon_day / output_interval_day + 1), at most 100000 "
      "doses per treatment regimen within the horizon, and at most 64 GiB of stored series (a single "
      "patient's states and outputs at every output time; a trial's kept trajectories for every "
      "candidate and arm, 8 bytes each). Scenario files must be UTF-8; the first invalid byte is "
      "reported at its line and column.",
      {
          member(number_key("horizon_day", 0.0, 1e5, true, "400", "treatment-phase length"), &Scenario::horizon_day),
          member(number_key("output_interval_day", 0.0, 1e5, true, "1", "output grid 0, dt, 2dt, ..., horizon",
                            "number in (0, horizon_day]"),
                 &Scenario::output_interval_day),
          accessor<Scenario>(
              number_key("max_growth_day", 0.0, 1e6, true, "8000",
                         "give up growing after this many days (`not_a_patient`)"),
              [](const Scenario& s) { return number(s.initialisation.max_growth_day); },
              [](Scenario& s, const Value& v) { s.initialisation.max_growth_day = v.number; }),
      }};
  return section;
}

const Section<SolverOptions>& solver() {
  static const Section<SolverOptions> section{
      "solver",
      "Solver",
      "",
      "",
      {
          accessor<SolverOptions>(
              choice_key("method", solver_methods(), "`cvode_bdf`", "docs/solver.md"),
              [](const SolverOptions& o) { return text(o.method); },
              [](SolverOptions& o, const Value& v) { o.method = v.text; }),
          accessor<SolverOptions>(
              choice_key("linear_solver", {"sparse_lu", "klu", "dense"}, "`sparse_lu`",
                         "CVODE's linear solver (docs/solver.md)"),
              [](const SolverOptions& o) { return text(o.linear_solver); },
              [](SolverOptions& o, const Value& v) { o.linear_solver = v.text; }),
          member(number_key("rtol", 0.0, 0.1, true, "1e-6", "relative tolerance"), &SolverOptions::rtol),
          member(number_key("atol", 0.0, 1.0, true, "1e-9", "absolute tolerance, internal units"),
                 &SolverOptions::atol),
          member(integer_key("max_steps", 10, 100000000, "200000", "per integration segment"),
                 &SolverOptions::max_steps),
          member(number_key("max_step_day", 0.0, 1e5, false, "0 (none)", "step-size cap"),
                 &SolverOptions::max_step_day),
          member(number_key("newton_convergence", 0.0, 1.0, true, "0.003",
                            "CVODE's Newton convergence coefficient, a fraction of the local error tolerance "
                            "(docs/solver.md)"),
                 &SolverOptions::newton_convergence),
      }};
  return section;
}

const Section<Scenario>& output() {
  static const Section<Scenario> section{
      "output",
      "Output",
      "",
      "",
      {
          member(simple_key("file", Kind::kText, "`results.h5`",
                            "result file (the CLI's `--output` overrides it); its folder must exist"),
                 &Scenario::output_file),
          member(simple_key("states", Kind::kBoolean, "true", "also write every state's trajectory"),
                 &Scenario::write_states),
          other<Scenario>(other_key("trajectories", "list of output names, or `all`", "`[tumour_diameter_cm]`",
                                    "trials: series stored per patient and arm (`vct params` lists outputs "
                                    "in the HDF5 `/model/outputs` table)")),
      }};
  return section;
}

const Section<LesionEntry>& lesion() {
  static const Section<LesionEntry> section{
      "lesions[]",
      "Lesions",
      "`qspio_nsclc_rt` only: the patient's lesions, sharing blood, periphery and lymph node. Lesion 1 "
      "is grown to its diameter (`initial_tumour_diameter_cm`); the others start as scaled copies of it "
      "(docs/models/radiotherapy.md). More than one lesion selects `qspio_nsclc_rt@N` (at most 8).",
      "",
      {
          member(simple_key("name", Kind::kText, "`primary`, `lesion2`, ...",
                            "unique; radiotherapy courses name the lesions they irradiate"),
                 &LesionEntry::name),
          [] {
            Field<LesionEntry> f =
                member(number_key("diameter_cm", 0.1, 30.0, false, "the parameter's default",
                                  "baseline diameter: sets `initial_tumour_diameter_cm` (lesion 1) or "
                                  "`lesion<k>_initial_diameter_cm` (lesion k, sampleable in `population.parameters`)"),
                       &LesionEntry::diameter_cm);
            f.key.emitted = false;  // becomes a patient parameter
            return f;
          }(),
          other<LesionEntry>(
              other_key("abm", "mapping", "none", "agent-based windows for this lesion; see \"Agent-based windows\"")),
      }};
  return section;
}

const Section<LesionWindows>& lesion_windows() {
  static const Section<LesionWindows> section{
      "lesions[].abm",
      "Agent-based windows",
      "`qspio_nsclc_rt` only: makes a lesion a hybrid (docs/models/abm.md, \"Coupling\"). Its compartment "
      "holds 1 - `share` of the lesion; 3-D agent-based windows of 20-um voxels (cancer cells, CD8 T cells, "
      "Tregs, IFN-gamma and IL-2) stand for the rest, exchange cells and signals with it every 6 hours and "
      "see every fraction through the course's dose map. Trials write each window's counts per slice to "
      "`/arms/<arm>/abm_slices`. A 32^3 window costs about 0.05-0.15 s per simulated day.",
      "Example: a core and a margin window, as in spQSP-IO:\n\n```yaml\n"
      "lesions:\n"
      "  - {name: primary, diameter_cm: 3, abm: {share: 0.2, windows: core_and_margin}}\n"
      "```",
      {
          member(number_key("share", 0.0, 0.9, true, "0.2",
                            "share of the lesion the windows stand for (spQSP-IO: 0.2); sets `lesion<k>_abm_share`"),
                 &LesionWindows::share),
          accessor<LesionWindows>(
              choice_key("windows", {"core", "core_and_margin"}, "core",
                         "one window at the lesion centre; or also one on its boundary, half tumour and half stroma"),
              [](const LesionWindows& w) { return text(w.margin ? "core_and_margin" : "core"); },
              [](LesionWindows& w, const Value& v) { w.margin = v.number == 1.0; }),
          member(integer_key("size_voxels", 8, 64, "32", "voxels per edge of each window (32: 0.64 mm)"),
                 &LesionWindows::size_voxels),
          member(number_key("margin_share", 0.0, 0.5, true, "0.05",
                            "core_and_margin: the margin window's part of the windows' share (spQSP-IO: 0.05)"),
                 &LesionWindows::margin_share),
          member(number_key("settle_days", 0.0, 365.0, false, "14",
                            "days the windows run before day 0 on the untreated initial state, nothing fed "
                            "back, so that T cells, IFN-gamma and PD-L1 settle from the seeding (whole 6-h "
                            "slices)"),
                 &LesionWindows::settle_days),
          other<LesionWindows>(other_key("parameters", "mapping", "none",
                                         "window parameters by name, within their bounds (docs/models/abm.md, "
                                         "\"Parameters\"); they win over the values a window takes from the model "
                                         "(growth, kill, radiosensitivity, lifespans)")),
      }};
  return section;
}

const Section<DoseRegimen>& regimen() {
  static const Section<DoseRegimen> section{
      "treatment[]",
      "Treatment regimens",
      "",
      "A bolus adds dose/MW to the central concentration of the drug's slot (ΔC = amount / V_C), as "
      "SimBiology's `sbiodose`. One drug per target slot: nivolumab and pembrolizumab cannot both be given "
      "in one scenario. Doses after the horizon are dropped. Output rows at dose times show the post-dose "
      "state.",
      {
          member(simple_key("drug", Kind::kText, "",
                            "`pembrolizumab`, `nivolumab` (anti-PD-1), `atezolizumab`, `durvalumab` (anti-PD-L1), "
                            "`ipilimumab`, `tremelimumab` (anti-CTLA-4) for `qspio_nsclc`; `nivolumab` for example 1 "
                            "(`vct drugs MODEL`)",
                            "text, required"),
                 &DoseRegimen::drug),
          [] {
            Field<DoseRegimen> f = member(number_key("dose_mg", 0.0, 1e5, true, "",
                                                     "flat dose; give exactly one of `dose_mg` and `dose_mg_per_kg`"),
                                          &DoseRegimen::dose_mg);
            f.emit_if = [](const DoseRegimen& r) { return r.dose_mg > 0; };
            return f;
          }(),
          [] {
            Field<DoseRegimen> f =
                member(number_key("dose_mg_per_kg", 0.0, 1e3, true, "", "dose per kg of `patient.weight_kg`"),
                       &DoseRegimen::dose_mg_per_kg);
            f.emit_if = [](const DoseRegimen& r) { return !(r.dose_mg > 0); };
            return f;
          }(),
          member(number_key("start_day", 0.0, kInf, false, "0", "first dose", "number ≥ 0 and ≤ horizon"),
                 &DoseRegimen::start_day),
          [] {
            Field<DoseRegimen> f =
                member(number_key("interval_day", 0.0, kInf, true, "", "days between doses; required when repeated"),
                       &DoseRegimen::interval_day);
            // a single dose has none (the loader sets 0, which the key does not accept)
            f.emit_if = [](const DoseRegimen& r) { return r.interval_day > 0.0; };
            return f;
          }(),
          [] {
            Field<DoseRegimen> f = member(integer_key("doses", 1, 100000, "1", "how many doses (or give `end_day`)"),
                                          &DoseRegimen::n_doses);
            f.emit_if = [](const DoseRegimen& r) { return std::isnan(r.end_day); };
            return f;
          }(),
          [] {
            Field<DoseRegimen> f =
                member(number_key("end_day", 0.0, kInf, false, "",
                                  "instead of `doses`: the last day on which a dose may fall (inclusive)",
                                  "number ≥ start_day"),
                       &DoseRegimen::end_day);
            f.emit_if = [](const DoseRegimen& r) { return !std::isnan(r.end_day); };
            return f;
          }(),
      }};
  return section;
}

const Section<RadiotherapyCourse>& course() {
  static const Section<RadiotherapyCourse> section{
      "radiotherapy[]",
      "Radiotherapy courses",
      "Needs `model: qspio_nsclc_rt`. Time 0 is the start of treatment (the baseline scan); a course and each "
      "drug regimen have their own `start_day`, so \"SBRT then ICI\" is a course from day 0 and a regimen from "
      "the day after the last fraction, and \"concurrent\" starts both on day 0. A course can instead be placed "
      "relative to the ICI start with `start_relative_to_ici_day`; the resolved scenario records the absolute "
      "`start_day`.",
      "Give two of `dose_per_fraction_Gy`, `fractions` (or `days`) and `total_dose_Gy`; all three must agree "
      "when given. Rejected as impossible: a total that is not a whole number of fractions, a fraction count "
      "that differs from the `days` list, days out of order, a fraction after the horizon, two fractions to one "
      "lesion less than 0.25 day apart (also across courses), unknown lesions, and radiotherapy on a model "
      "without an RT module. `vct check` prints, per course, the fraction days, BED = n d (1 + d/(α/β)) and "
      "EQD2 = BED / (1 + 2/(α/β)) with the scenario's `alpha_beta_C_Gy` (default 10 Gy); the same values are "
      "stored in the result file (`/radiotherapy` or `/arms/<arm>/radiotherapy`).\n\n"
      "```yaml\n"
      "model: qspio_nsclc_rt\n"
      "lesions: [{name: primary, diameter_cm: 3}, {name: metastasis, diameter_cm: 2}]\n"
      "radiotherapy:\n"
      "  - {name: SBRT, dose_per_fraction_Gy: 8, fractions: 3, schedule: alternate, lesions: [primary]}\n"
      "treatment:\n"
      "  - {drug: nivolumab, dose_mg_per_kg: 3, start_day: 11, interval_day: 14, end_day: 400}\n"
      "```",
      {
          member(simple_key("name", Kind::kText, "`RT1`, `RT2`, ...", "label in events, tables and the printout"),
                 &RadiotherapyCourse::name),
          member(number_key("dose_per_fraction_Gy", 0.0, 40.0, false, "", "physical dose per fraction"),
                 &RadiotherapyCourse::dose_per_fraction_Gy),
          member(integer_key("fractions", 1, 100, "", "number of fractions"), &RadiotherapyCourse::fractions),
          [] {
            Field<RadiotherapyCourse> f = other<RadiotherapyCourse>(
                number_key("total_dose_Gy", 0.0, 200.0, false, "", "total dose (resolved to dose per fraction)"));
            f.key.emitted = false;
            return f;
          }(),
          member(number_key("start_day", 0.0, kInf, false, "0", "day of the first fraction"),
                 &RadiotherapyCourse::start_day),
          [] {
            Field<RadiotherapyCourse> f = other<RadiotherapyCourse>(number_key(
                "start_relative_to_ici_day", -1e4, 1e4, false, "",
                "instead of `start_day`: the first fraction's day counted from the first checkpoint-inhibitor dose "
                "of the same treatment (e.g. −11 with nivolumab from day 11 puts it on day 0); an error if that "
                "falls before day 0"));
            f.key.emitted = false;  // resolved to start_day
            return f;
          }(),
          accessor<RadiotherapyCourse>(
              choice_key("schedule", {"daily", "weekdays", "alternate", "explicit"}, "`daily`",
                         "one fraction per day; Monday–Friday with `start_day` a Monday; every other day; or the "
                         "`days` list"),
              [](const RadiotherapyCourse& c) { return text(to_string(c.schedule)); },
              [](RadiotherapyCourse& c, const Value& v) { c.schedule = static_cast<FractionSchedule>(v.number); }),
          other<RadiotherapyCourse>(other_key("days", "list of increasing numbers ≥ 0", "",
                                              "fraction days relative to `start_day` (implies `schedule: explicit`)")),
          other<RadiotherapyCourse>(other_key("lesions", "list of lesion names or 1-based numbers", "`[1]`",
                                              "irradiated lesions (the others are out of field)")),
          accessor<RadiotherapyCourse>(
              choice_key("site", {"lung", "liver", "other"}, "`lung`",
                         "treated site; sets the default `edic_Gy` (docs/models/radiotherapy.md, \"Lymphodepletion\")"),
              [](const RadiotherapyCourse& c) { return text(c.site); },
              [](RadiotherapyCourse& c, const Value& v) { c.site = v.text; }),
          member(number_key("edic_Gy", 0.0, 50.0, false, "by `site` and fractionation",
                            "effective dose to circulating immune cells of the whole course (Jin 2021); the "
                            "lymphodepletion module spreads it over the fractions. Default: total dose x 0.033 "
                            "(lung, <= 5 fractions), 0.093 (lung, more), 0.09 (liver, <= 5), 0.15 (liver, more), "
                            "times a `dose_map`'s mean relative dose over a 5-cm lesion"),
                 &RadiotherapyCourse::edic_Gy),
          member(simple_key("lymph_node_in_field", Kind::kBoolean, "false",
                            "the tumour-draining lymph node receives each fraction's dose (its T cells die by their "
                            "LQ survival; lymphodepletion module)"),
                 &RadiotherapyCourse::lymph_node_in_field),
          other<RadiotherapyCourse>(other_key("dose_map", "mapping", "none (uniform)",
                                              "how the dose spreads inside each irradiated lesion: partial (PATHY) or "
                                              "lattice RT; see \"Dose maps\"")),
      }};
  return section;
}

const Section<DoseMap>& dose_map() {
  static const Section<DoseMap> section{
      "radiotherapy[].dose_map",
      "Dose maps",
      "How a course's dose spreads inside each lesion it treats, relative to `dose_per_fraction_Gy` (1 = the "
      "prescription; docs/models/radiotherapy.md, \"Dose maps\"). The lesion is a sphere of its current size at "
      "each fraction. The lesion's cancer and T cells are killed by the linear-quadratic law averaged over the "
      "map's dose-volume histogram. Keys other than `kind` and `margin_mm` belong to one kind each. "
      "`margin_mm` reaches the peritumoural stroma of agent-based margin windows only: the compartmental lesion "
      "has no tissue beyond its surface.",
      "Example, SBRT-PATHY (Tubin 2019): 3 × 10 Gy to the central 30 % of the lesion, 1 Gy beyond a 5-mm "
      "fall-off:\n\n```yaml\n"
      "radiotherapy:\n"
      "  - {name: PATHY, dose_per_fraction_Gy: 10, fractions: 3, lesions: [primary],\n"
      "     dose_map: {kind: partial, target_volume_fraction: 0.3, falloff_mm: 5, periphery_relative: 0.1}}\n"
      "```",
      {
          accessor<DoseMap>(
              choice_key("kind", {"uniform", "partial", "lattice", "grid"}, "",
                         "whole lesion; a central target; vertices on a cubic lattice; a dose file"),
              [](const DoseMap& m) { return text(to_string(m.kind)); },
              [](DoseMap& m, const Value& v) { m.kind = static_cast<DoseMapKind>(v.number); }),
          member(number_key("target_volume_fraction", 0.0, 1.0, true, "0.3",
                            "partial: share of the lesion volume in the central target (a sphere)"),
                 &DoseMap::target_volume_fraction),
          member(number_key("periphery_relative", 0.0, 10.0, false, "0",
                            "partial: dose to the rest of the lesion, relative to the prescription"),
                 &DoseMap::periphery_relative),
          member(number_key("falloff_mm", 0.0, 100.0, false, "0",
                            "partial, lattice: width of the linear fall-off from the target or a vertex"),
                 &DoseMap::falloff_mm),
          member(number_key("vertex_diameter_mm", 0.0, 100.0, true, "10", "lattice: diameter of a vertex"),
                 &DoseMap::vertex_diameter_mm),
          member(number_key("spacing_mm", 0.0, 500.0, true, "30",
                            "lattice: centre-to-centre spacing of the vertices (> vertex_diameter_mm); a vertex at "
                            "the lesion centre"),
                 &DoseMap::spacing_mm),
          member(number_key("valley_relative", 0.0, 10.0, false, "0",
                            "lattice: dose between the vertices, relative to the prescription (the vertex dose)"),
                 &DoseMap::valley_relative),
          member(number_key("margin_mm", 0.0, 50.0, false, "0",
                            "every kind: planning margin; tissue up to this distance beyond the lesion surface gets "
                            "the kind's dose there (1 for uniform), 0 beyond it. 0 spares the peritumoural niche "
                            "(PATHY); lung SBRT commonly plans 3-15 mm"),
                 &DoseMap::margin_mm),
          member(simple_key("file", Kind::kText, "",
                            "grid: a CSV (relative to the scenario file) with the header x_mm,y_mm,z_mm,relative_dose "
                            "and one row per point of a regular grid (equal spacing on all axes; mm from the lesion "
                            "centre); nearest point, 0 off the grid"),
                 &DoseMap::file),
      }};
  return section;
}

const Section<TrialArm>& arm() {
  static const Section<TrialArm> section{
      "arms[]",
      "Arms",
      "A scenario is a trial when it has `population` or `arms`. `treatment` and `arms` are exclusive; a "
      "population with a single `treatment` becomes one arm named `treatment`. Arms without `population` treat "
      "one patient (the reference parameter set). Every arm treats the same candidates (paired design).",
      "",
      {
          member(simple_key("name", Kind::kText, "", "letters, digits, `_-+.`, unique (it names an HDF5 group)",
                            "text, required"),
                 &TrialArm::name),
          other<TrialArm>(other_key("treatment", "list of regimens", "empty", "as in \"Treatment regimens\"")),
          other<TrialArm>(other_key("radiotherapy", "list of courses", "empty", "as in \"Radiotherapy courses\"")),
          other<TrialArm>(other_key("stop_ici", "mapping", "none",
                                    "when the arm stops its drugs for a patient; see \"Stopping rules\"")),
      }};
  return section;
}

const Section<StopRule>& stop_rule() {
  static const Section<StopRule> section{
      "arms[].stop_ici",
      "Stopping rules",
      "When an arm stops dosing its drugs (every regimen of `treatment`; radiotherapy is not affected) for a "
      "patient, read from that patient's own scans (docs/recist.md, \"Stopping rules\"). Give one or more; the "
      "earliest trigger wins, and no dose is given on or after the stop day. Response triggers read the scans "
      "before the first PD.",
      "",
      {
          optional_number(
              number_key("after_day", 0.0, kInf, true, "none",
                         "fixed duration: no dose on or after this day (e.g. 730.5 for two years)", "number > 0"),
              &StopRule::after_day),
          accessor<StopRule>(
              integer_key("responding_scans", 1, 100, "none",
                          "stop after this many consecutive scans with CR or PR (the last one's day)"),
              [](const StopRule& r) {
                return Value{static_cast<double>(r.responding_scans), "", false};
              },
              [](StopRule& r, const Value& v) { r.responding_scans = static_cast<int>(v.number); }),
          member(simple_key("confirmed_complete_response", Kind::kBoolean, "false",
                            "stop after a CR confirmed at the next scan (that scan's day)"),
                 &StopRule::confirmed_complete_response),
          member(simple_key("earliest_stop", Kind::kBoolean, "false",
                            "analysis, alone or with a trigger: per patient whose response the arm keeps, the "
                            "earliest scan day at which stopping still keeps it (costs up to one simulation per "
                            "scan)"),
                 &StopRule::earliest_stop),
      }};
  return section;
}

const Section<PopulationSettings>& population() {
  static const Section<PopulationSettings> section{
      "population",
      "Population",
      "How virtual patients are made (docs/populations.md).",
      "",
      {
          member(integer_key("size", 1, 10000000, "1", "candidates to sample"), &PopulationSettings::size),
          member(integer_key("seed", 0, 9007199254740991.0, "1", "master seed (docs/populations.md)", "integer ≥ 0"),
                 &PopulationSettings::seed),
          accessor<PopulationSettings>(
              choice_key("sampling", {"latin_hypercube", "independent"}, "`latin_hypercube`", ""),
              [](const PopulationSettings& p) { return text(p.latin_hypercube ? "latin_hypercube" : "independent"); },
              [](PopulationSettings& p, const Value& v) { p.latin_hypercube = v.number == 0; }),
          other<PopulationSettings>(other_key("preset", "a model preset (`wang2023` for `qspio_nsclc`)", "none",
                                              "published population design")),
          member(simple_key("pk_variability", Kind::kBoolean, "true",
                            "include the preset's drug PK variability (durvalumab)"),
                 &PopulationSettings::pk_variability),
          other<PopulationSettings>(other_key("parameters", "mapping of `<name>: {distribution: ..., ...}`", "",
                                              "varied parameters; replace preset entries; see \"Distributions\"")),
          accessor<PopulationSettings>(
              choice_key("selection", {"none", "probability_of_inclusion"}, "`none`",
                         "select patients against observed immune composition (needs `grow_to_diameter`)"),
              [](const PopulationSettings& p) { return text(p.selection ? "probability_of_inclusion" : "none"); },
              [](PopulationSettings& p, const Value& v) { p.selection = v.number == 1; }),
          member(simple_key("file", Kind::kText, "",
                            "re-use the population stored in an earlier result file (excludes size, sampling, "
                            "preset, parameters); its values are used as stored, so a calibration's population "
                            "medians do not apply to it",
                            "path"),
                 &PopulationSettings::file),
          accessor<PopulationSettings>(
              choice_key("line_of_therapy", {"pretreated", "first_line"}, "`pretreated`",
                         "`pretreated`: the model's table as calibrated (second line, after chemotherapy); "
                         "`first_line`: chemotherapy-naive patients, by the model's first-line scaling "
                         "(docs/biomarkers.md, \"Line of therapy\")"),
              [](const PopulationSettings& p) { return text(p.first_line ? "first_line" : "pretreated"); },
              [](PopulationSettings& p, const Value& v) { p.first_line = v.number == 1; }),
          optional_number(number_key("tps_min_pct", 0.0, 100.0, false, "none",
                                     "enrol only patients with PD-L1 TPS >= this (docs/biomarkers.md); the others "
                                     "are `not_selected`",
                                     "number in [0, 100]"),
                          &PopulationSettings::tps_min_pct),
          optional_number(number_key("tps_max_pct", 0.0, 100.0, true, "none",
                                     "enrol only patients with PD-L1 TPS below this (e.g. 50 with `tps_min_pct: 1` "
                                     "for the 1-49 % stratum)",
                                     "number in (0, 100], > tps_min_pct"),
                          &PopulationSettings::tps_max_pct),
      }};
  return section;
}

const Section<ParameterDistribution>& distribution() {
  static const Section<ParameterDistribution> section{
      "population.parameters.<name>",
      "Distributions",
      "Each varied parameter has a law, in internal units (docs/units.md); the keys depend on `distribution`. "
      "Normal and log-normal laws may be truncated to [`lower`, `upper`] and are also truncated to the "
      "parameter table's bounds; uniform laws must lie inside them (docs/populations.md).",
      "",
      {
          accessor<ParameterDistribution>(
              choice_key("distribution", {"fixed", "uniform", "loguniform", "normal", "lognormal"}, "",
                         "the law (required)"),
              [](const ParameterDistribution& d) { return text(to_string(d.kind)); },
              [](ParameterDistribution& d, const Value& v) { d.kind = static_cast<DistributionKind>(v.number); }),
          member(number_key("value", -kInf, kInf, false, "", "`fixed`: the value (required)"),
                 &ParameterDistribution::value),
          member(number_key("lower", -kInf, kInf, false, "",
                            "`uniform`, `loguniform` (> 0): lower bound (required); `normal`, `lognormal`: "
                            "truncation"),
                 &ParameterDistribution::lower),
          member(number_key("upper", -kInf, kInf, false, "",
                            "`uniform`, `loguniform`: upper bound (required, > lower); `normal`, `lognormal`: "
                            "truncation"),
                 &ParameterDistribution::upper),
          member(number_key("mean", -kInf, kInf, false, "", "`normal`: mean (required)"), &ParameterDistribution::mean),
          member(number_key("sd", 0.0, kInf, true, "", "`normal`: standard deviation (required)"),
                 &ParameterDistribution::sd),
          member(number_key("median", 0.0, kInf, true, "", "`lognormal`: median, exp(mean of ln X) (required)"),
                 &ParameterDistribution::median),
          member(number_key("sigma", 0.0, kInf, true, "", "`lognormal`: standard deviation of ln X (required)"),
                 &ParameterDistribution::sigma),
      }};
  return section;
}

std::vector<std::string> distribution_keys(DistributionKind kind) {
  switch (kind) {
    case DistributionKind::kFixed:
      return {"distribution", "value"};
    case DistributionKind::kUniform:
    case DistributionKind::kLogUniform:
      return {"distribution", "lower", "upper"};
    case DistributionKind::kNormal:
      return {"distribution", "mean", "sd", "lower", "upper"};
    case DistributionKind::kLogNormal:
      return {"distribution", "median", "sigma", "lower", "upper"};
  }
  return {};
}

const Section<RecistOptions>& recist() {
  auto percent = [](double RecistOptions::*m, double scale) {
    return std::make_pair(std::function<Value(const RecistOptions&)>(
                              [m, scale](const RecistOptions& r) { return number(scale * (r.*m)); }),
                          std::function<void(RecistOptions&, const Value&)>(
                              [m, scale](RecistOptions& r, const Value& v) { r.*m = v.number / scale; }));
  };
  static const auto pr = percent(&RecistOptions::pr_change_fraction, 100.0);
  static const auto pd = percent(&RecistOptions::pd_increase_fraction, 100.0);
  static const auto pd_mm = percent(&RecistOptions::pd_increase_cm, 10.0);
  static const Section<RecistOptions> section{
      "recist",
      "RECIST read-out",
      "Trials are read out by RECIST 1.1 on the sum of lesion diameters (docs/recist.md).",
      "",
      {
          member(number_key("first_scan_day", 0.0, 1e5, true, "56", "first scan",
                            "number > 0, a multiple of `output_interval_day`"),
                 &RecistOptions::first_scan_day),
          member(number_key("scan_interval_day", 0.0, 1e5, true, "56", "days between scans",
                            "number > 0, a multiple of `output_interval_day`"),
                 &RecistOptions::scan_interval_day),
          accessor<RecistOptions>(number_key("pr_change_pct", -100.0, 0.0, false, "−30", "PR threshold vs baseline"),
                                  pr.first, pr.second),
          accessor<RecistOptions>(number_key("pd_increase_pct", 0.0, 1000.0, true, "20", "PD increase vs nadir"),
                                  pd.first, pd.second),
          accessor<RecistOptions>(
              number_key("pd_increase_mm", 0.0, 1000.0, false, "5", "PD absolute increase vs nadir"), pd_mm.first,
              pd_mm.second),
          member(number_key("cr_diameter_cm", 0.0, 100.0, false, "0.2", "CR when the diameter is at most this"),
                 &RecistOptions::cr_diameter_cm),
          member(simple_key("confirmation", Kind::kBoolean, "false", "confirm CR/PR by a later scan"),
                 &RecistOptions::confirmation),
          member(number_key("confirmation_min_day", 0.0, 1e5, false, "28", "... at least this many days later"),
                 &RecistOptions::confirmation_min_day),
          member(number_key("min_sd_duration_day", 0.0, 1e5, false, "0", "SD counts only from this day"),
                 &RecistOptions::min_sd_duration_day),
      }};
  return section;
}

const Section<ProgressionSpec>& progression() {
  static const Section<ProgressionSpec> section{
      "progression",
      "Progression and survival",
      "Read-out modules applied to each simulated patient (docs/recist.md, \"New lesions, overall "
      "survival and non-target disease\"); their parameters are model parameters (`vct params qspio_nsclc`, "
      "`new_lesion_*`, `os_*`, `non_target_*`). "
      "Trials only; models that offer them: qspio_nsclc and qspio_nsclc_rt.",
      "",
      {
          member(simple_key("new_lesions", Kind::kBoolean, "false",
                            "new metastases appear at a burden-driven rate; a new lesion is PD at the next scan"),
                 &ProgressionSpec::new_lesions),
          accessor<ProgressionSpec>(
              choice_key("new_lesion_law", {"burden_rate", "occult_growth"}, "`burden_rate`",
                         "burden_rate: detectable lesions at a rate set by today's burden; occult_growth: lesions "
                         "seeded before treatment grow with the unirradiated disease and show when it grows"),
              [](const ProgressionSpec& s) { return text(s.occult_growth ? "occult_growth" : "burden_rate"); },
              [](ProgressionSpec& s, const Value& v) { s.occult_growth = v.text == "occult_growth"; }),
          member(simple_key("overall_survival", Kind::kBoolean, "false",
                            "survival time per patient from the tumour-dynamics link; deaths end PFS"),
                 &ProgressionSpec::overall_survival),
          member(simple_key("non_target", Kind::kBoolean, "false",
                            "non-target disease with its own growth; its unequivocal progression is PD"),
                 &ProgressionSpec::non_target),
          member(number_key("follow_up_day", 0.0, 1e5, true, "the horizon",
                            "OS follow-up (OS is censored here; may exceed the horizon)",
                            "number >= simulation.horizon_day"),
                 &ProgressionSpec::follow_up_day),
      }};
  return section;
}

const Section<ComparisonSettings>& comparisons() {
  static const Section<ComparisonSettings> section{
      "comparisons",
      "Comparisons of arms",
      "Arms are compared on the same virtual patients (paired): ORR difference with McNemar's exact "
      "test (and Fisher's, as if unpaired), PFS and OS log-rank (docs/recist.md).",
      "",
      {
          accessor<ComparisonSettings>(
              simple_key("control", Kind::kText, "the first arm", "the arm every other arm is compared with",
                         "an arm's name"),
              [](const ComparisonSettings& c) { return text(c.control.name); },
              [](ComparisonSettings& c, const Value& v) { c.control.name = v.text; }),
          accessor<ComparisonSettings>(
              choice_key("pairs", {"control", "all"}, "`control`",
                         "`control`: the control against each other arm; `all`: every pair of arms"),
              [](const ComparisonSettings& c) { return text(c.all_pairs ? "all" : "control"); },
              [](ComparisonSettings& c, const Value& v) { c.all_pairs = v.number == 1; }),
          accessor<ComparisonSettings>(
              choice_key("adjustment", {"holm", "none"}, "`holm`",
                         "multiplicity adjustment of each test's p-values over the comparisons (Holm 1979); "
                         "the raw p-values are kept beside the adjusted ones"),
              [](const ComparisonSettings& c) { return text(c.holm ? "holm" : "none"); },
              [](ComparisonSettings& c, const Value& v) { c.holm = v.number == 0; }),
      }};
  return section;
}

const Section<SubgroupDefinition>& subgroup() {
  static const Section<SubgroupDefinition> section{
      "subgroups[]",
      "Subgroups",
      "Every trial summary splits its patients by baseline biomarkers: per level and arm ORR, DCR and "
      "median PFS (and OS) with CIs; per level and compared pair of arms the paired ORR difference and "
      "PFS/OS hazard ratios; per pair the arm-by-subgroup interaction test (docs/biomarkers.md).",
      "",
      {
          member(simple_key("name", Kind::kText, "the biomarker's name", "label in the summary"),
                 &SubgroupDefinition::name),
          accessor<SubgroupDefinition>(
              choice_key("biomarker",
                         {"tps_pct", "pdl1_per_cancer_cell", "cd8_density_per_mm3", "clone_number", "treg_cd8_ratio",
                          "m1_m2_ratio", "baseline_diameter_cm"},
                         "", "the baseline biomarker (required; units in docs/biomarkers.md)"),
              [](const SubgroupDefinition& d) { return text(to_string(d.biomarker)); },
              [](SubgroupDefinition& d, const Value& v) { d.biomarker = static_cast<Biomarker>(v.number); }),
          other<SubgroupDefinition>(other_key("cuts", "list of increasing numbers", "",
                                              "cut points (required): levels [-inf, c1), [c1, c2), ..., [ck, inf)")),
      }};
  return section;
}

const Section<Scenario>& run() {
  static const Section<Scenario> section{
      "run",
      "Run",
      "",
      "",
      {
          member(integer_key("threads", 0, 1024, "0 (all cores)",
                             "OpenMP threads; `vct run --threads N` overrides; results are identical for any count"),
                 &Scenario::threads),
          member(integer_key("batch_size", 0, 1000000, "0 (32 per thread)", "candidates per parallel batch"),
                 &Scenario::batch_size),
      }};
  return section;
}

// --- docs/scenario-reference.md ----------------------------------------------------------------

const Section<SearchBlock>& search() {
  static const Section<SearchBlock> section{
      "search",
      "Schedule search",
      "`vct search SCENARIO` varies the schedule of one arm over `variables`, skips schedules that break "
      "`constraints`, treats the same patients with every other schedule (grown once) and ranks them by "
      "`objective`, each paired with the reference arm (docs/search.md). `vct run` ignores the block.",
      "",
      {
          accessor<SearchBlock>(
              simple_key("arm", Kind::kText, "the first arm with radiotherapy, else the last arm",
                         "the arm whose schedule is varied (its other settings are kept)", "an arm's name"),
              [](const SearchBlock& b) { return text(b.arm); }, [](SearchBlock& b, const Value& v) { b.arm = v.text; }),
          accessor<SearchBlock>(
              simple_key("reference", Kind::kText, "`comparisons.control` (the first arm)",
                         "the arm every schedule is compared with on the same patients", "an arm's name"),
              [](const SearchBlock& b) { return text(b.reference); },
              [](SearchBlock& b, const Value& v) { b.reference = v.text; }),
          accessor<SearchBlock>(
              choice_key("method", {"grid", "nlopt"}, "`grid`",
                         "`grid`: every combination of the variables' values; `nlopt`: a derivative-free optimiser "
                         "moving on the values (or continuously on a range without a step)"),
              [](const SearchBlock& b) { return text(b.settings.method == SearchMethod::kNlopt ? "nlopt" : "grid"); },
              [](SearchBlock& b, const Value& v) {
                b.settings.method = v.number == 1 ? SearchMethod::kNlopt : SearchMethod::kGrid;
              }),
          accessor<SearchBlock>(
              choice_key("algorithm", {"sbplx", "neldermead"}, "`sbplx`", "NLopt algorithm (method `nlopt`)"),
              [](const SearchBlock& b) { return text(b.settings.algorithm); },
              [](SearchBlock& b, const Value& v) { b.settings.algorithm = v.text; }),
          accessor<SearchBlock>(
              integer_key("max_evaluations", 1, 100000, "40", "method `nlopt`: schedules simulated at most"),
              [](const SearchBlock& b) { return number(b.settings.max_evaluations); },
              [](SearchBlock& b, const Value& v) { b.settings.max_evaluations = static_cast<int>(v.number); }),
          accessor<SearchBlock>(
              integer_key("top", 1, 1000, "5", "best schedules printed (and confirmed)"),
              [](const SearchBlock& b) { return number(b.settings.top); },
              [](SearchBlock& b, const Value& v) { b.settings.top = static_cast<int>(v.number); }),
          accessor<SearchBlock>(
              integer_key("confirm_size", 0, 10000000, "0",
                          "candidates of a fresh population on which the best schedules and the reference are "
                          "evaluated again, against the optimism of the best of many (0: none)"),
              [](const SearchBlock& b) { return number(b.settings.confirm_size); },
              [](SearchBlock& b, const Value& v) { b.settings.confirm_size = static_cast<int>(v.number); }),
          accessor<SearchBlock>(
              integer_key("confirm_seed", 0, 9007199254740992.0, "`population.seed` + 1",
                          "seed of the confirmation population"),
              [](const SearchBlock& b) { return number(static_cast<double>(b.settings.confirm_seed)); },
              [](SearchBlock& b, const Value& v) {
                b.settings.confirm_seed = static_cast<std::uint64_t>(v.number);
                b.confirm_seed_given = true;
              }),
          other<SearchBlock>(other_key("variables", "mapping", "", "required; see \"Search variables\"")),
          other<SearchBlock>(other_key("constraints", "mapping", "none", "see \"Search constraints\"")),
          other<SearchBlock>(other_key("objective", "mapping", "`orr: 1`", "see \"Search objective\"")),
      }};
  return section;
}

const Section<SearchBlock>& search_variables() {
  static const Section<SearchBlock> section{
      "search.variables",
      "Search variables",
      "Each variable is a list of values (`[6, 8, 12]`) or a range `{min, max, step}`; a range without `step` "
      "is searched continuously by method `nlopt` (a grid needs values). RT variables act on the searched "
      "arm's first radiotherapy course, ICI variables on every regimen of the arm. A schedule whose RT would "
      "start before day 0 moves as a whole so that its first treatment is on day 0.",
      "",
      {
          other<SearchBlock>(
              other_key("rt_dose_per_fraction_Gy", "values or range in (0, 50]", "", "dose per fraction")),
          other<SearchBlock>(other_key("rt_fractions", "whole numbers >= 1", "", "number of fractions")),
          other<SearchBlock>(other_key("rt_spacing_day", "values or range >= 0.25", "",
                                       "days between fractions (the course's days become 0, s, 2s, ...)")),
          other<SearchBlock>(other_key("rt_start_from_ici_day", "values or range", "",
                                       "RT start minus the first ICI dose's day (negative: RT first)")),
          other<SearchBlock>(other_key("rt_lesion", "list of lesion names", "", "the lesion the course irradiates")),
          other<SearchBlock>(
              other_key("ici_start_day", "values or range >= 0", "", "first ICI dose (every regimen moves with it)")),
          other<SearchBlock>(other_key("ici_dose", "values or range > 0", "",
                                       "dose per administration in the regimen's unit (mg or mg/kg); one regimen")),
          other<SearchBlock>(other_key("ici_interval_day", "values or range > 0", "", "days between ICI doses")),
      }};
  return section;
}

const Section<ScheduleConstraints>& search_constraints() {
  static const Section<ScheduleConstraints> section{
      "search.constraints",
      "Search constraints",
      "A schedule that breaks one is not simulated (it is listed in the result file with the reason). BED "
      "and EQD2 are summed over the arm's courses with `alpha_beta_Gy`; EDIC is the courses' effective dose "
      "to circulating immune cells (`edic_Gy`, by default from site and fractionation, following the dose).",
      "",
      {
          member(number_key("alpha_beta_Gy", 0.0, 100.0, true, "10", "alpha/beta of the BED and EQD2 bounds"),
                 &ScheduleConstraints::alpha_beta_Gy),
          optional_number(number_key("bed_min_Gy", 0.0, 1000.0, false, "none", "lowest BED"),
                          &ScheduleConstraints::bed_min_Gy),
          optional_number(number_key("bed_max_Gy", 0.0, 1000.0, false, "none", "highest BED"),
                          &ScheduleConstraints::bed_max_Gy),
          optional_number(number_key("eqd2_min_Gy", 0.0, 1000.0, false, "none", "lowest EQD2"),
                          &ScheduleConstraints::eqd2_min_Gy),
          optional_number(number_key("eqd2_max_Gy", 0.0, 1000.0, false, "none", "highest EQD2"),
                          &ScheduleConstraints::eqd2_max_Gy),
          optional_number(number_key("edic_max_Gy", 0.0, 100.0, false, "none",
                                     "highest effective dose to circulating immune cells"),
                          &ScheduleConstraints::edic_max_Gy),
          member(integer_key("fractions_max", 0, 1000, "0 (none)", "most fractions over the arm's courses"),
                 &ScheduleConstraints::fractions_max),
          optional_number(number_key("window_max_day", 0.0, 1e5, false, "none",
                                     "longest treatment window: first treatment to the last RT fraction or the "
                                     "first ICI dose, whichever is later"),
                          &ScheduleConstraints::window_max_day),
      }};
  return section;
}

const Section<PatientObservations>& observations() {
  static const Section<PatientObservations> section{
      "observations",
      "Observations",
      "A patient file (docs/twin.md) is a trial scenario whose `population` is the prior of the fitted "
      "parameters and whose arms are the treatment given so far (`fit.arm`) and alternatives; "
      "`observations` holds the patient's scans. Every measured lesion needs a baseline scan on day 0.",
      "",
      {
          other<PatientObservations>(other_key("error", "mapping", "`{additive_mm: 2, proportional: 0.1}`",
                                               "measurement error; see \"Measurement error\"")),
          other<PatientObservations>(
              other_key("scans", "list of scans", "", "the scans, inline; see \"Scans\" (or `scans_file`)")),
          other<PatientObservations>(other_key("scans_file", "text", "",
                                               "a CSV with the header `day,lesion,diameter_mm` (`lesion` optional: "
                                               "the first lesion; an optional `lymphocytes_per_uL` column holds blood "
                                               "counts, either cell of a row may be empty), relative to the patient "
                                               "file")),
          other<PatientObservations>(other_key("lymphocytes", "list of counts", "none",
                                               "blood lymphocyte counts, inline; see \"Lymphocyte counts\"")),
      }};
  return section;
}

const Section<MeasurementError>& measurement_error() {
  static const Section<MeasurementError> section{
      "observations.error",
      "Measurement error",
      "A measured diameter is Gaussian around the model's with sd = sqrt(additive_mm^2 + (proportional x "
      "predicted)^2).",
      "",
      {
          member(number_key("additive_mm", 0.0, 100.0, false, "2", "constant part of the sd, mm"),
                 &MeasurementError::additive_mm),
          member(number_key("proportional", 0.0, 1.0, false, "0.1", "part of the sd proportional to the diameter"),
                 &MeasurementError::proportional),
          member(number_key("lymphocyte_log_sd", 0.01, 2.0, false, "0.2",
                            "sd of ln(lymphocyte count) around the model's (log-normal)"),
                 &MeasurementError::lymphocyte_log_sd),
      }};
  return section;
}

const Section<LesionScan>& scan() {
  static const Section<LesionScan> section{
      "observations.scans[]",
      "Scans",
      "",
      "",
      {
          member(number_key("day", -kInf, kInf, false, "", "days since treatment start (0: baseline), <= the horizon",
                            "number, required"),
                 &LesionScan::day),
          other<LesionScan>(other_key("lesion", "a lesion's name", "the first lesion", "the measured lesion")),
          member(number_key("diameter_mm", -kInf, kInf, false, "", "longest diameter, mm (> 0, <= 500)",
                            "number, required"),
                 &LesionScan::diameter_mm),
      }};
  return section;
}

const Section<LymphocyteCount>& lymphocyte_count() {
  static const Section<LymphocyteCount> section{
      "observations.lymphocytes[]",
      "Lymphocyte counts",
      "Blood absolute lymphocyte counts, compared with the model's blood_lymphocytes_per_L relative to the day-0 "
      "count (models with that output: qspio_nsclc_rt).",
      "",
      {
          member(number_key("day", -kInf, kInf, false, "", "days since treatment start, <= the horizon",
                            "number, required"),
                 &LymphocyteCount::day),
          member(number_key("count_per_uL", -kInf, kInf, false, "", "cells per microlitre (> 0, <= 100000)",
                            "number, required"),
                 &LymphocyteCount::per_uL),
      }};
  return section;
}

const Section<FitSettings>& fit() {
  static const Section<FitSettings> section{
      "fit",
      "Fit",
      "`vct fit` estimates these parameters by maximum a posteriori with the population laws as priors and "
      "gives their Laplace uncertainty (docs/twin.md); the other parameters stay at the population medians.",
      "",
      {
          other<FitSettings>(other_key("parameters", "list of parameter names",
                                       "those of k_C1_growth_per_day, k_C_T1_per_day, n_T1_clones with a law",
                                       "each needs a population law")),
          accessor<FitSettings>(
              simple_key("arm", Kind::kText, "the first arm", "the treatment given so far", "an arm's name"),
              [](const FitSettings& f) { return text(f.arm.name); },
              [](FitSettings& f, const Value& v) { f.arm.name = v.text; }),
          member(integer_key("evaluations", 10, 100000, "300", "optimiser evaluations at most"),
                 &FitSettings::evaluations),
      }};
  return section;
}

const Section<PredictSettings>& predict() {
  static const Section<PredictSettings> section{
      "predict",
      "Predict",
      "`vct predict` fits the patient (`fit`), draws parameter sets from the Laplace posterior and simulates each "
      "to `simulation.horizon_day` under the arms named here, giving prediction intervals of the lesion diameters and "
      "RECIST probabilities "
      "(docs/twin.md). Every arm must give the treatment of `fit.arm` before the last scan.",
      "",
      {
          other<PredictSettings>(other_key("arms", "list of arm names", "every arm", "the futures to compare")),
          member(integer_key("samples", 10, 20000, "200", "posterior draws"), &PredictSettings::samples),
          member(number_key("interval", 0.5, 0.99, false, "0.9", "central probability of the prediction intervals"),
                 &PredictSettings::interval),
          accessor<PredictSettings>(
              integer_key("seed", 0, 9007199254740991.0, "`population.seed`", "seed of the posterior draws"),
              [](const PredictSettings& p) { return number(static_cast<double>(p.seed)); },
              [](PredictSettings& p, const Value& v) { p.seed = static_cast<std::uint64_t>(v.number); }),
      }};
  return section;
}

namespace {
Field<SearchObjective> weight_field(SearchMetric m, const std::string& help) {
  Field<SearchObjective> f = accessor<SearchObjective>(
      number_key(to_string(m), -1e6, 1e6, false, "", help, "number (weight)"),
      [m](const SearchObjective& o) {
        for (const auto& t : o.terms)
          if (t.metric == m) return number(t.weight);
        return number(0.0);
      },
      [m](SearchObjective& o, const Value& v) {
        o.terms.push_back({m, v.number});
      });
  f.emit_if = [m](const SearchObjective& o) {
    return std::any_of(o.terms.begin(), o.terms.end(), [m](const ObjectiveTerm& t) { return t.metric == m; });
  };
  return f;
}
}  // namespace

const Section<SearchObjective>& search_objective() {
  static const Section<SearchObjective> section{
      "search.objective",
      "Search objective",
      "The search maximises the weighted sum of the metrics given (weight per metric; a rate counts as a "
      "fraction in [0, 1], a time in days, so `out_of_field_orr: 1, restricted_mean_pfs_day: 0.001` trades "
      "1 point of ORR against 10 days of mean PFS). Default: `orr: 1`.",
      "",
      {
          weight_field(SearchMetric::kOrr, "whole-disease objective response rate"),
          weight_field(SearchMetric::kOutOfFieldOrr,
                       "ORR of the lesions the arm does not irradiate (all lesions in an arm without RT)"),
          weight_field(SearchMetric::kDcr, "disease control rate"),
          weight_field(SearchMetric::kMedianPfsDay, "Kaplan-Meier median PFS, days (the horizon when not reached)"),
          weight_field(SearchMetric::kRestrictedPfsDay, "restricted mean PFS to `horizon_day`, days"),
          weight_field(SearchMetric::kMedianOsDay, "median OS, days (needs `progression.overall_survival`)"),
          weight_field(SearchMetric::kRestrictedOsDay, "restricted mean OS to `horizon_day`, days"),
          optional_number(number_key("horizon_day", 0.0, 1e5, true, "`simulation.horizon_day`",
                                     "horizon of the restricted means (at most the horizon, or the OS follow-up)"),
                          &SearchObjective::horizon_day),
      }};
  return section;
}

namespace {

std::string doc_number(double v) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", v);
  std::string s = text;
  // 1e+07 -> 1e7, 1e-06 -> 1e-6
  const std::size_t e = s.find('e');
  if (e != std::string::npos) {
    std::string mantissa = s.substr(0, e), exponent = s.substr(e + 1);
    const bool negative = !exponent.empty() && exponent[0] == '-';
    if (!exponent.empty() && (exponent[0] == '+' || exponent[0] == '-')) exponent.erase(0, 1);
    while (exponent.size() > 1 && exponent[0] == '0') exponent.erase(0, 1);
    s = mantissa + "e" + (negative ? "-" : "") + exponent;
  }
  if (!s.empty() && s[0] == '-') s = "−" + s.substr(1);
  return s;
}

std::string type_text(const Key& k) {
  if (!k.type.empty()) return k.type;
  switch (k.kind) {
    case Kind::kNumber:
    case Kind::kInteger: {
      const std::string what = k.kind == Kind::kNumber ? "number" : "integer";
      const bool lo = std::isfinite(k.lower), hi = std::isfinite(k.upper);
      if (lo && hi)
        return what + " in " + (k.lower_open ? "(" : "[") + doc_number(k.lower) + ", " + doc_number(k.upper) + "]";
      if (lo) return what + (k.lower_open ? " > " : " ≥ ") + doc_number(k.lower);
      if (hi) return what + " ≤ " + doc_number(k.upper);
      return what;
    }
    case Kind::kBoolean:
      return "true/false";
    case Kind::kText:
      return "text";
    case Kind::kChoice: {
      std::string text;
      for (const auto& c : k.choices) text += (text.empty() ? "`" : ", `") + c + "`";
      return text;
    }
    case Kind::kOther:
      return "";
  }
  return "";
}

template <class S>
void table(std::ostringstream& out, const Section<S>& section) {
  out << "\n## " << section.title << "\n\n";
  if (!section.intro.empty()) out << section.intro << "\n\n";
  out << "| key | type | default | meaning |\n|---|---|---|---|\n";
  for (const auto& f : section.fields) {
    const std::string key = section.path.empty() ? f.key.name : section.path + "." + f.key.name;
    out << "| `" << key << "` | " << type_text(f.key) << " | " << f.key.default_value << " | " << f.key.help << " |\n";
  }
  if (!section.outro.empty()) out << "\n" << section.outro << "\n";
}

}  // namespace

std::string scenario_reference_markdown() {
  std::ostringstream out;
  out << "# Scenario reference (schema_version 1)\n\n"
         "<!-- Generated by `vct schema` (tools/gen_model_docs.sh) from io/scenario/schema.cpp; do not edit by "
         "hand (ctest docs_scenario_reference_current checks it). -->\n\n"
         "A scenario is one YAML file. It describes either **one patient** with one `treatment`, or a **virtual "
         "trial**: a `population` of candidates and/or several `arms` given to the same patients. Unknown keys, "
         "wrong types and out-of-range values are errors, reported all together as "
         "`file:line:column: key.path: expected ..., found ...`. `vct check FILE` validates and prints the "
         "resolved scenario (every default filled in); the resolved scenario is also stored in each result file "
         "under `/scenario/resolved`. In key paths below, `[]` stands for an item of a list.\n";
  table(out, top_level());
  table(out, patient());
  table(out, lesion());
  table(out, regimen());
  table(out, course());
  table(out, dose_map());
  table(out, lesion_windows());
  table(out, simulation());
  table(out, solver());
  table(out, output());
  table(out, arm());
  table(out, stop_rule());
  table(out, population());
  table(out, distribution());
  table(out, recist());
  table(out, comparisons());
  table(out, subgroup());
  table(out, progression());
  table(out, run());
  table(out, search());
  table(out, search_variables());
  table(out, search_constraints());
  table(out, search_objective());
  table(out, observations());
  table(out, measurement_error());
  table(out, scan());
  table(out, lymphocyte_count());
  table(out, fit());
  table(out, predict());
  return out.str();
}

}  // namespace vct::io::schema
