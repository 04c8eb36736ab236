// SPDX-License-Identifier: MIT
#include "tools/io/scenario_loader.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <fstream>
#include <set>
#include <sstream>

#include "core/population.hpp"
#include "models/registry.hpp"

namespace vct::io {

std::string ScenarioProblem::format() const {
  std::ostringstream out;
  out << file << ":" << line << ":" << column << ": " << (key_path.empty() ? "(top level)" : key_path) << ": "
      << message;
  return out.str();
}

namespace {
std::string join_problems(const std::vector<ScenarioProblem>& problems) {
  std::string text;
  for (const auto& p : problems) text += (text.empty() ? "" : "\n") + p.format();
  return text;
}
}  // namespace

namespace {
std::vector<ScenarioProblem> in_file_order(std::vector<ScenarioProblem> problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const ScenarioProblem& a, const ScenarioProblem& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return problems;
}
}  // namespace

ScenarioError::ScenarioError(std::vector<ScenarioProblem> problems)
    : Error(ErrorKind::kInput, join_problems(in_file_order(problems))), problems_(in_file_order(problems)) {}

namespace {

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null: return "nothing (null)";
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a mapping";
    case YAML::NodeType::Scalar: return "'" + node.Scalar() + "'";
    default: return "an undefined value";
  }
}

std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

/// Walks one document, collecting problems instead of stopping at the first.
class Validator {
 public:
  Validator(std::string file) : file_(std::move(file)) {}

  void problem(const YAML::Node& node, const std::string& path, const std::string& message) {
    const YAML::Mark mark = node.Mark();
    problems_.push_back({file_, mark.line + 1, mark.column + 1, path, message});
  }
  void problem_at(const YAML::Mark& mark, const std::string& path, const std::string& message) {
    problems_.push_back({file_, mark.line + 1, mark.column + 1, path, message});
  }
  const std::vector<ScenarioProblem>& problems() const { return problems_; }

  /// Rejects keys outside `allowed`, with a "did you mean" hint.
  void check_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed) {
    std::map<std::string, YAML::Mark> seen;
    for (auto it = map.begin(); it != map.end(); ++it) {
      const std::string key = it->first.Scalar();
      // YAML parsers keep one of two equal keys silently; a repeated key is almost always an
      // edit that would otherwise be ignored.
      const auto first = seen.find(key);
      if (first != seen.end()) {
        problem(it->first, join(path, key),
                "duplicate key '" + key + "' (first given at line " + std::to_string(first->second.line + 1) +
                    "); give each key once");
        continue;
      }
      seen.emplace(key, it->first.Mark());
      bool known = false;
      for (const auto& a : allowed) known = known || a == key;
      if (known) continue;
      std::string message = "unknown key '" + key + "'";
      const std::string hint = closest_name(key, allowed);
      if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
      std::string expected;
      for (const auto& a : allowed) expected += (expected.empty() ? "" : ", ") + a;
      message += "; expected one of: " + expected;
      problem(it->first, join(path, key), message);
    }
  }

  bool is_map(const YAML::Node& node, const std::string& path) {
    if (node.IsMap()) return true;
    problem(node, path, "expected a mapping of keys, found " + describe(node));
    return false;
  }

  /// Reads a number in [lo, hi]; leaves `value` (the default) untouched on error.
  void number(const YAML::Node& parent, const std::string& key, const std::string& path, double& value, double lo,
              double hi, bool lo_open = false) {
    const YAML::Node node = parent[key];
    if (!node) return;
    const std::string full = join(path, key);
    double v = 0.0;
    if (!parse_number(node, v)) {
      problem(node, full, "expected a number, found " + describe(node));
      return;
    }
    if (!in_range(v, lo, hi, lo_open)) {
      problem(node, full, "expected a number " + range_text(lo, hi, lo_open) + ", found " + node.Scalar());
      return;
    }
    value = v;
  }

  void integer(const YAML::Node& parent, const std::string& key, const std::string& path, long& value, long lo,
               long hi) {
    const YAML::Node node = parent[key];
    if (!node) return;
    const std::string full = join(path, key);
    double v = 0.0;
    if (!parse_number(node, v) || std::floor(v) != v) {
      problem(node, full, "expected a whole number, found " + describe(node));
      return;
    }
    if (v < static_cast<double>(lo) || v > static_cast<double>(hi)) {
      problem(node, full, "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) +
                              ", found " + node.Scalar());
      return;
    }
    value = static_cast<long>(v);
  }

  void string(const YAML::Node& parent, const std::string& key, const std::string& path, std::string& value) {
    const YAML::Node node = parent[key];
    if (!node) return;
    if (!node.IsScalar()) {
      problem(node, join(path, key), "expected a text value, found " + describe(node));
      return;
    }
    value = node.Scalar();
  }

  void boolean(const YAML::Node& parent, const std::string& key, const std::string& path, bool& value) {
    const YAML::Node node = parent[key];
    if (!node) return;
    if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
      value = node.Scalar() == "true";
      return;
    }
    problem(node, join(path, key), "expected true or false, found " + describe(node));
  }

  /// Reads one of `choices`; returns the index or -1.
  int choice(const YAML::Node& parent, const std::string& key, const std::string& path,
             const std::vector<std::string>& choices) {
    const YAML::Node node = parent[key];
    if (!node) return -1;
    std::string expected;
    for (const auto& c : choices) expected += (expected.empty() ? "" : ", ") + c;
    if (node.IsScalar())
      for (std::size_t i = 0; i < choices.size(); ++i)
        if (choices[i] == node.Scalar()) return static_cast<int>(i);
    std::string message = "expected one of: " + expected + "; found " + describe(node);
    if (node.IsScalar()) {
      const std::string hint = closest_name(node.Scalar(), choices);
      if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
    }
    problem(node, join(path, key), message);
    return -2;
  }

  static std::string join(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }

  static bool parse_number(const YAML::Node& node, double& v) {
    if (!node.IsScalar()) return false;
    const std::string& text = node.Scalar();
    if (text.empty()) return false;
    try {
      std::size_t used = 0;
      v = std::stod(text, &used);
      return used == text.size() && std::isfinite(v);
    } catch (const std::exception&) {
      return false;
    }
  }

  static bool in_range(double v, double lo, double hi, bool lo_open) {
    return (lo_open ? v > lo : v >= lo) && v <= hi;
  }

  static std::string range_text(double lo, double hi, bool lo_open) {
    std::string text = (lo_open ? "> " : ">= ") + format_number(lo);
    if (std::isfinite(hi)) text += " and <= " + format_number(hi);
    return text;
  }

 private:
  std::string file_;
  std::vector<ScenarioProblem> problems_;
};

constexpr double kInf = std::numeric_limits<double>::infinity();

std::vector<DoseRegimen> load_regimens(Validator& v, const YAML::Node& list, const std::string& prefix,
                                       const ModelDefinition* model, double horizon_day) {
  std::vector<DoseRegimen> regimens;
  if (!list.IsSequence()) {
    v.problem(list, prefix, "expected a list of dosing regimens, found " + describe(list));
    return regimens;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = prefix + "[" + std::to_string(i) + "]";
    if (!v.is_map(item, path)) continue;
    v.check_keys(item, path,
                 {"drug", "dose_mg", "dose_mg_per_kg", "start_day", "interval_day", "doses", "end_day"});
    DoseRegimen r;
    if (!item["drug"]) {
      v.problem(item, path + ".drug", "missing required key 'drug'");
    } else {
      v.string(item, "drug", path, r.drug);
      if (model && !r.drug.empty() && !model->find_drug(r.drug)) {
        std::vector<std::string> names;
        for (const auto& d : model->drugs()) names.push_back(d.name);
        std::string expected;
        for (const auto& n : names) expected += (expected.empty() ? "" : ", ") + n;
        std::string message = "unknown drug '" + r.drug + "' for model " + model->id() + "; expected one of: " + expected;
        const std::string hint = closest_name(r.drug, names);
        if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
        v.problem(item["drug"], path + ".drug", message);
      }
    }
    const bool has_mg = static_cast<bool>(item["dose_mg"]);
    const bool has_per_kg = static_cast<bool>(item["dose_mg_per_kg"]);
    if (has_mg == has_per_kg)
      v.problem(item, path, has_mg ? "give either dose_mg or dose_mg_per_kg, not both"
                                   : "missing dose: give dose_mg (flat) or dose_mg_per_kg (weight-based)");
    v.number(item, "dose_mg", path, r.dose_mg, 0.0, 1e5, true);
    v.number(item, "dose_mg_per_kg", path, r.dose_mg_per_kg, 0.0, 1e3, true);
    v.number(item, "start_day", path, r.start_day, 0.0, kInf);
    v.number(item, "interval_day", path, r.interval_day, 0.0, kInf, true);
    long n = 1;
    v.integer(item, "doses", path, n, 1, 100000);
    r.n_doses = static_cast<int>(n);
    if (item["end_day"]) {
      double end = 0.0;
      v.number(item, "end_day", path, end, 0.0, kInf);
      r.end_day = end;
      if (item["doses"]) v.problem(item["end_day"], path + ".end_day", "give either doses or end_day, not both");
      if (end < r.start_day)
        v.problem(item["end_day"], path + ".end_day",
                  "expected end_day >= start_day (" + format_number(r.start_day) + "), found " + format_number(end));
    }
    const bool repeats = (item["doses"] && n > 1) || item["end_day"];
    if (repeats && !item["interval_day"])
      v.problem(item, path + ".interval_day", "repeated dosing needs interval_day (days between doses)");
    if (!repeats) r.interval_day = 0.0;
    if (r.start_day > horizon_day)
      v.problem(item["start_day"] ? item["start_day"] : item, path + ".start_day",
                "expected a start within the horizon (<= " + format_number(horizon_day) + " day), found " +
                    format_number(r.start_day));
    regimens.push_back(r);
  }
  // One drug per target slot.
  if (model) {
    for (std::size_t i = 0; i < regimens.size(); ++i)
      for (std::size_t j = 0; j < i; ++j) {
        const DrugInfo* a = model->find_drug(regimens[i].drug);
        const DrugInfo* b = model->find_drug(regimens[j].drug);
        if (a && b && a->slot == b->slot && a->name != b->name)
          v.problem(list[i]["drug"], prefix + "[" + std::to_string(i) + "].drug",
                    "drug '" + a->name + "' targets the " + a->slot + " slot already used by '" + b->name + "' in " +
                        prefix + "[" + std::to_string(j) + "]; one drug per target");
      }
  }
  return regimens;
}

/// `lesions`: names (and baseline diameters) of the patient's lesions; more than one selects the
/// multi-lesion RT model qspio_nsclc_rt@N.
void load_lesions(Validator& v, const YAML::Node& list, const ModelDefinition*& model, Scenario& s) {
  if (!list.IsSequence() || list.size() == 0) {
    v.problem(list, "lesions", "expected a non-empty list of lesions, found " + describe(list));
    return;
  }
  if (model && !model->supports_radiotherapy()) {
    v.problem(list, "lesions", "lesions need a model with lesions and radiotherapy; expected model qspio_nsclc_rt, found " + model->id());
    return;
  }
  if (list.size() > 8) {
    v.problem(list, "lesions", "expected at most 8 lesions, found " + std::to_string(list.size()));
    return;
  }
  const int n = static_cast<int>(list.size());
  if (model && model->n_lesions() != 1 && model->n_lesions() != n) {
    v.problem(list, "lesions", "model " + model->id() + " has " + std::to_string(model->n_lesions()) +
                                   " lesions, the list names " + std::to_string(n));
    return;
  }
  if (model && n > 1) {
    s.model = "qspio_nsclc_rt@" + std::to_string(n);
    model = &models::get_model(s.model);
  }
  s.lesion_names.clear();
  std::set<std::string> seen;
  for (int i = 0; i < n; ++i) {
    const YAML::Node item = list[static_cast<std::size_t>(i)];
    const std::string path = "lesions[" + std::to_string(i) + "]";
    std::string name = i == 0 ? "primary" : "lesion" + std::to_string(i + 1);
    if (!v.is_map(item, path)) continue;
    v.check_keys(item, path, {"name", "diameter_cm"});
    v.string(item, "name", path, name);
    if (!seen.insert(name).second) v.problem(item["name"], path + ".name", "lesion name '" + name + "' is used twice");
    s.lesion_names.push_back(name);
    if (item["diameter_cm"]) {
      double d = 0.0;
      const std::size_t before = v.problems().size();
      v.number(item, "diameter_cm", path, d, 0.1, 30.0);
      if (v.problems().size() == before)
        s.parameter_overrides.emplace_back(
            i == 0 ? "initial_tumour_diameter_cm" : "lesion" + std::to_string(i + 1) + "_initial_diameter_cm", d);
    }
  }
}

/// `radiotherapy`: courses of fractions to named lesions. Two of dose_per_fraction_Gy, fractions
/// and total_dose_Gy define the dose (all three must agree); an explicit `days` list sets the
/// fraction days. Impossible schedules are rejected.
std::vector<RadiotherapyCourse> load_radiotherapy(Validator& v, const YAML::Node& list, const std::string& prefix,
                                                  const ModelDefinition* model, const Scenario& s,
                                                  const std::vector<DoseRegimen>& regimens) {
  std::vector<RadiotherapyCourse> courses;
  if (!list.IsSequence()) {
    v.problem(list, prefix, "expected a list of radiotherapy courses, found " + describe(list));
    return courses;
  }
  if (model && !model->supports_radiotherapy()) {
    v.problem(list, prefix, "model " + model->id() + " has no radiotherapy module; expected model qspio_nsclc_rt");
    return courses;
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = prefix + "[" + std::to_string(i) + "]";
    if (!v.is_map(item, path)) continue;
    v.check_keys(item, path, {"name", "dose_per_fraction_Gy", "fractions", "total_dose_Gy", "start_day",
                              "start_relative_to_ici_day", "schedule", "days", "lesions"});
    RadiotherapyCourse c;
    c.name = "RT" + std::to_string(i + 1);
    v.string(item, "name", path, c.name);
    const std::size_t before = v.problems().size();
    double d = 0.0, total = 0.0;
    long n = 0;
    v.number(item, "dose_per_fraction_Gy", path, d, 0.0, 40.0);
    v.number(item, "total_dose_Gy", path, total, 0.0, 200.0);
    v.integer(item, "fractions", path, n, 1, 100);
    v.number(item, "start_day", path, c.start_day, 0.0, kInf);
    if (const YAML::Node relative = item["start_relative_to_ici_day"]) {
      // Day of the first fraction counted from the first checkpoint-inhibitor dose (negative:
      // before it), resolved to start_day on the treatment clock.
      double offset = 0.0;
      const std::size_t before_offset = v.problems().size();
      v.number(item, "start_relative_to_ici_day", path, offset, -1e4, 1e4);
      if (item["start_day"]) {
        v.problem(relative, path + ".start_relative_to_ici_day", "give either start_day or start_relative_to_ici_day, not both");
      } else if (regimens.empty()) {
        v.problem(relative, path + ".start_relative_to_ici_day",
                  "start_relative_to_ici_day needs a checkpoint-inhibitor regimen in the same treatment");
      } else if (v.problems().size() == before_offset) {
        double ici_start = regimens.front().start_day;
        for (const auto& r : regimens) ici_start = std::min(ici_start, r.start_day);
        c.start_day = ici_start + offset;
        if (c.start_day < 0.0)
          v.problem(relative, path + ".start_relative_to_ici_day",
                    "the course would start on day " + format_number(c.start_day) +
                        ", before treatment start (day 0); start the first ICI dose on day " +
                        format_number(-offset) + " or later (its start_day is " + format_number(ici_start) + ")");
      }
    }
    const int schedule = v.choice(item, "schedule", path, {"daily", "weekdays", "alternate", "explicit"});
    if (schedule >= 0) c.schedule = static_cast<FractionSchedule>(schedule);
    if (const YAML::Node days = item["days"]) {
      if (schedule >= 0 && c.schedule != FractionSchedule::kExplicit)
        v.problem(item["schedule"], path + ".schedule",
                  "an explicit days list needs schedule: explicit (or no schedule), found " + item["schedule"].Scalar());
      c.schedule = FractionSchedule::kExplicit;
      if (!days.IsSequence() || days.size() == 0) {
        v.problem(days, path + ".days", "expected a non-empty list of days, found " + describe(days));
      } else {
        for (std::size_t k = 0; k < days.size(); ++k) {
          double t = 0.0;
          if (!Validator::parse_number(days[k], t) || t < 0.0) {
            v.problem(days[k], path + ".days[" + std::to_string(k) + "]",
                      "expected a day >= 0 (relative to start_day), found " + describe(days[k]));
            continue;
          }
          if (!c.days.empty() && t <= c.days.back())
            v.problem(days[k], path + ".days[" + std::to_string(k) + "]",
                      "expected days in increasing order, found " + format_number(t) + " after " +
                          format_number(c.days.back()));
          c.days.push_back(t);
        }
      }
      if (item["fractions"] && n != static_cast<long>(days.size()))
        v.problem(item["fractions"], path + ".fractions",
                  "expected " + std::to_string(days.size()) + " (the number of days listed), found " + std::to_string(n));
      n = static_cast<long>(days.size());
    } else if (c.schedule == FractionSchedule::kExplicit) {
      v.problem(item, path + ".days", "schedule: explicit needs a days list");
    }
    if (v.problems().size() == before) {
      const bool has_d = static_cast<bool>(item["dose_per_fraction_Gy"]);
      const bool has_total = static_cast<bool>(item["total_dose_Gy"]);
      const bool has_n = static_cast<bool>(item["fractions"]) || static_cast<bool>(item["days"]);
      if (static_cast<int>(has_d) + static_cast<int>(has_total) + static_cast<int>(has_n) < 2) {
        v.problem(item, path, "give two of dose_per_fraction_Gy, fractions (or days) and total_dose_Gy");
      } else if (!has_d) {
        d = total / static_cast<double>(n);
        if (d > 40.0)
          v.problem(item["total_dose_Gy"], path + ".total_dose_Gy",
                    "expected at most 40 Gy per fraction, found " + format_number(total) + " Gy in " +
                        std::to_string(n) + " fraction(s)");
      } else if (!has_n) {
        const double k = d > 0.0 ? total / d : 0.0;
        if (d <= 0.0 || std::abs(k - std::round(k)) > 1e-9 || std::round(k) < 1.0)
          v.problem(item["total_dose_Gy"], path + ".total_dose_Gy",
                    "expected a whole number of fractions of " + format_number(d) + " Gy, found " +
                        format_number(total) + " Gy");
        else
          n = static_cast<long>(std::round(k));
      } else if (has_total && std::abs(static_cast<double>(n) * d - total) > 1e-6) {
        v.problem(item["total_dose_Gy"], path + ".total_dose_Gy",
                  "expected " + std::to_string(n) + " x " + format_number(d) + " Gy = " +
                      format_number(static_cast<double>(n) * d) + " Gy, found " + format_number(total));
      }
    }
    c.dose_per_fraction_Gy = d;
    c.fractions = static_cast<int>(std::max(1L, n));
    // Lesions by name or 1-based number; default: the primary.
    if (const YAML::Node lesions = item["lesions"]) {
      if (!lesions.IsSequence() || lesions.size() == 0) {
        v.problem(lesions, path + ".lesions", "expected a non-empty list of lesion names, found " + describe(lesions));
      } else {
        for (std::size_t k = 0; k < lesions.size(); ++k) {
          const std::string where = path + ".lesions[" + std::to_string(k) + "]";
          int index = -1;
          if (lesions[k].IsScalar()) {
            for (std::size_t j = 0; j < s.lesion_names.size(); ++j)
              if (s.lesion_names[j] == lesions[k].Scalar()) index = static_cast<int>(j);
            double number = 0.0;
            if (index < 0 && Validator::parse_number(lesions[k], number) && number == std::floor(number) &&
                number >= 1 && number <= static_cast<double>(s.lesion_names.size()))
              index = static_cast<int>(number) - 1;
          }
          if (index < 0) {
            std::string known;
            for (const auto& nm : s.lesion_names) known += (known.empty() ? "" : ", ") + nm;
            std::string message = "unknown lesion " + describe(lesions[k]) + "; expected one of: " + known +
                                  " (or 1.." + std::to_string(s.lesion_names.size()) + ")";
            if (lesions[k].IsScalar()) {
              const std::string hint = closest_name(lesions[k].Scalar(), s.lesion_names);
              if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
            }
            v.problem(lesions[k], where, message);
            continue;
          }
          if (std::find(c.lesions.begin(), c.lesions.end(), index) != c.lesions.end())
            v.problem(lesions[k], where, "lesion '" + s.lesion_names[static_cast<std::size_t>(index)] + "' is listed twice");
          else
            c.lesions.push_back(index);
        }
      }
    } else {
      c.lesions = {0};
    }
    if (v.problems().size() == before) {
      const std::vector<double> days = c.fraction_days();
      if (!days.empty() && days.back() > s.horizon_day)
        v.problem(item, path, "the last fraction falls on day " + format_number(days.back()) +
                                  ", after the horizon (" + format_number(s.horizon_day) + " day)");
    }
    courses.push_back(c);
  }
  // Two fractions to one lesion less than 6 hours apart cannot be delivered.
  struct Given {
    double day;
    int lesion;
    std::size_t course;
  };
  std::vector<Given> given;
  for (std::size_t i = 0; i < courses.size(); ++i)
    for (double t : courses[i].fraction_days())
      for (int lesion : courses[i].lesions) {
        for (const auto& g : given)
          if (g.lesion == lesion && std::abs(t - g.day) < 0.25) {
            v.problem(list[i], prefix + "[" + std::to_string(i) + "]",
                      "impossible schedule: course '" + courses[i].name + "' gives lesion '" +
                          s.lesion_names[static_cast<std::size_t>(lesion)] + "' a fraction on day " + format_number(t) +
                          ", less than 0.25 day after the fraction of course '" + courses[g.course].name +
                          "' on day " + format_number(g.day));
            return courses;
          }
        given.push_back({t, lesion, i});
      }
  return courses;
}

void load_arms(Validator& v, const YAML::Node& list, const ModelDefinition* model, Scenario& s) {
  if (!list.IsSequence() || list.size() == 0) {
    v.problem(list, "arms", "expected a non-empty list of arms, found " + describe(list));
    return;
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = "arms[" + std::to_string(i) + "]";
    if (!v.is_map(item, path)) continue;
    v.check_keys(item, path, {"name", "treatment", "radiotherapy"});
    TrialArm arm;
    if (!item["name"]) {
      v.problem(item, path + ".name", "missing required key 'name'");
    } else {
      v.string(item, "name", path, arm.name);
      const bool valid = !arm.name.empty() && arm.name.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+.") == std::string::npos;
      if (!valid)
        v.problem(item["name"], path + ".name",
                  "expected a name of letters, digits and _ - + . (it names an HDF5 group), found " + describe(item["name"]));
      else if (!names.insert(arm.name).second)
        v.problem(item["name"], path + ".name", "arm name '" + arm.name + "' is used twice");
    }
    if (item["treatment"]) arm.treatment = load_regimens(v, item["treatment"], path + ".treatment", model, s.horizon_day);
    if (item["radiotherapy"])
      arm.radiotherapy = load_radiotherapy(v, item["radiotherapy"], path + ".radiotherapy", model, s, arm.treatment);
    s.arms.push_back(arm);
  }
}

ParameterDistribution load_distribution(Validator& v, const YAML::Node& node, const std::string& path,
                                        const std::string& parameter) {
  ParameterDistribution d;
  d.parameter = parameter;
  if (!v.is_map(node, path)) return d;
  const int kind = v.choice(node, "distribution", path, {"fixed", "uniform", "loguniform", "normal", "lognormal"});
  if (!node["distribution"]) v.problem(node, path + ".distribution", "missing required key 'distribution'");
  if (kind < 0) return d;
  d.kind = static_cast<DistributionKind>(kind);
  auto required = [&](const char* key, double& target, double lo, bool open) {
    if (!node[key]) v.problem(node, path + "." + key, std::string("missing required key '") + key + "' for " + to_string(d.kind));
    v.number(node, key, path, target, lo, kInf, open);
  };
  switch (d.kind) {
    case DistributionKind::kFixed:
      v.check_keys(node, path, {"distribution", "value"});
      required("value", d.value, -kInf, false);
      break;
    case DistributionKind::kUniform:
    case DistributionKind::kLogUniform:
      v.check_keys(node, path, {"distribution", "lower", "upper"});
      required("lower", d.lower, d.kind == DistributionKind::kLogUniform ? 0.0 : -kInf, d.kind == DistributionKind::kLogUniform);
      required("upper", d.upper, -kInf, false);
      if (node["lower"] && node["upper"] && !(d.lower < d.upper))
        v.problem(node["upper"], path + ".upper", "expected upper > lower (" + format_number(d.lower) + "), found " + format_number(d.upper));
      break;
    case DistributionKind::kNormal:
      v.check_keys(node, path, {"distribution", "mean", "sd", "lower", "upper"});
      required("mean", d.mean, -kInf, false);
      required("sd", d.sd, 0.0, true);
      v.number(node, "lower", path, d.lower, -kInf, kInf);
      v.number(node, "upper", path, d.upper, -kInf, kInf);
      break;
    case DistributionKind::kLogNormal:
      v.check_keys(node, path, {"distribution", "median", "sigma", "lower", "upper"});
      required("median", d.median, 0.0, true);
      required("sigma", d.sigma, 0.0, true);
      v.number(node, "lower", path, d.lower, 0.0, kInf);
      v.number(node, "upper", path, d.upper, 0.0, kInf, true);
      break;
  }
  return d;
}

void load_population(Validator& v, const YAML::Node& node, const ModelDefinition* model, Scenario& s) {
  if (!v.is_map(node, "population")) return;
  PopulationSettings& pop = s.population;
  pop.enabled = true;
  v.check_keys(node, "population",
               {"size", "seed", "sampling", "preset", "pk_variability", "parameters", "selection", "file"});
  v.string(node, "file", "population", pop.file);
  if (!pop.file.empty())
    for (const char* key : {"size", "sampling", "preset", "parameters"})
      if (node[key])
        v.problem(node[key], std::string("population.") + key,
                  "population.file supplies the patients; remove '" + std::string(key) + "' or the file");
  long size = pop.size;
  v.integer(node, "size", "population", size, 1, 10000000);
  pop.size = static_cast<int>(size);
  long seed = static_cast<long>(pop.seed);
  v.integer(node, "seed", "population", seed, 0, 9007199254740991L);
  pop.seed = static_cast<std::uint64_t>(seed);
  const int sampling = v.choice(node, "sampling", "population", {"latin_hypercube", "independent"});
  if (sampling >= 0) pop.latin_hypercube = sampling == 0;
  v.boolean(node, "pk_variability", "population", pop.pk_variability);
  if (node["preset"] && model) {
    std::vector<std::string> presets;
    for (const auto& p : models::population_presets(model->id())) presets.push_back(p.name);
    if (presets.empty()) {
      v.problem(node["preset"], "population.preset", "model " + model->id() + " has no population presets");
    } else {
      const int k = v.choice(node, "preset", "population", presets);
      if (k >= 0) pop.preset = presets[static_cast<std::size_t>(k)];
    }
  }
  if (const YAML::Node params = node["parameters"]; params && v.is_map(params, "population.parameters") && model) {
    std::vector<std::string> names;
    for (const auto& row : model->parameters()) names.push_back(row.name);
    for (auto it = params.begin(); it != params.end(); ++it) {
      const std::string key = it->first.Scalar();
      const std::string path = "population.parameters." + key;
      if (model->parameter_index(key) < 0) {
        std::string message = "unknown parameter '" + key + "' for model " + model->id();
        const std::string hint = closest_name(key, names);
        if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
        v.problem(it->first, path, message);
        continue;
      }
      for (const auto& [fixed, value] : s.parameter_overrides)
        if (fixed == key)
          v.problem(it->first, path, "'" + key + "' is also fixed in patient.parameters; vary it here or fix it there");
      pop.distributions.push_back(load_distribution(v, it->second, path, key));
    }
  }
  const int selection = v.choice(node, "selection", "population", {"none", "probability_of_inclusion"});
  if (selection >= 0) pop.selection = selection == 1;
  if (pop.selection && model && models::selection_data(model->id()).empty())
    v.problem(node["selection"], "population.selection",
              "model " + model->id() + " ships no observed data to select against; expected none");
  if (pop.selection && s.initialisation.mode != InitialisationMode::kGrowToDiameter)
    v.problem(node["selection"], "population.selection", "selection needs initialisation: grow_to_diameter");
}

void load_recist(Validator& v, const YAML::Node& node, Scenario& s) {
  if (!v.is_map(node, "recist")) return;
  v.check_keys(node, "recist",
               {"first_scan_day", "scan_interval_day", "pr_change_pct", "pd_increase_pct", "pd_increase_mm",
                "cr_diameter_cm", "confirmation", "confirmation_min_day", "min_sd_duration_day"});
  RecistOptions& r = s.recist;
  v.number(node, "first_scan_day", "recist", r.first_scan_day, 0.0, 1e5, true);
  v.number(node, "scan_interval_day", "recist", r.scan_interval_day, 0.0, 1e5, true);
  double pr = 100.0 * r.pr_change_fraction, pd = 100.0 * r.pd_increase_fraction, pd_mm = 10.0 * r.pd_increase_cm;
  v.number(node, "pr_change_pct", "recist", pr, -100.0, 0.0);
  v.number(node, "pd_increase_pct", "recist", pd, 0.0, 1000.0, true);
  v.number(node, "pd_increase_mm", "recist", pd_mm, 0.0, 1000.0);
  r.pr_change_fraction = pr / 100.0;
  r.pd_increase_fraction = pd / 100.0;
  r.pd_increase_cm = pd_mm / 10.0;
  v.number(node, "cr_diameter_cm", "recist", r.cr_diameter_cm, 0.0, 100.0);
  v.boolean(node, "confirmation", "recist", r.confirmation);
  v.number(node, "confirmation_min_day", "recist", r.confirmation_min_day, 0.0, 1e5);
  v.number(node, "min_sd_duration_day", "recist", r.min_sd_duration_day, 0.0, 1e5);
}

LoadedScenario load_document(const YAML::Node& root, const std::string& name, const std::string& text) {
  Validator v(name);
  Scenario s;
  if (!root.IsMap()) {
    v.problem(root, "", "expected a mapping at the top level, found " + describe(root));
    throw ScenarioError(v.problems());
  }
  v.check_keys(root, "", {"schema_version", "description", "model", "lesions", "patient", "initialisation",
                          "treatment", "radiotherapy", "simulation", "solver", "output", "population", "arms",
                          "recist", "run"});

  long schema = 0;
  if (!root["schema_version"]) {
    v.problem(root, "schema_version", "missing required key 'schema_version' (this release reads 1)");
  } else {
    v.integer(root, "schema_version", "", schema, 1, 1000);
    if (schema != 1 && schema != 0)
      v.problem(root["schema_version"], "schema_version",
                "expected 1 (the schema this release reads), found " + std::to_string(schema));
  }
  v.string(root, "description", "", s.description);

  const ModelDefinition* model = nullptr;
  if (!root["model"]) {
    v.problem(root, "model", "missing required key 'model'");
  } else {
    const auto names = models::model_names();
    const YAML::Node node = root["model"];
    if (node.IsScalar() && node.Scalar().rfind("qspio_nsclc_rt@", 0) == 0) {
      try {
        model = &models::get_model(node.Scalar());
        s.model = node.Scalar();
      } catch (const Error& e) {
        v.problem(node, "model", e.what());
      }
    } else {
      const int k = v.choice(root, "model", "", names);
      if (k >= 0) {
        s.model = names[static_cast<std::size_t>(k)];
        model = &models::get_model(s.model);
      }
    }
  }

  if (const YAML::Node sim = root["simulation"]; sim && v.is_map(sim, "simulation")) {
    v.check_keys(sim, "simulation", {"horizon_day", "output_interval_day", "max_growth_day"});
    v.number(sim, "horizon_day", "simulation", s.horizon_day, 0.0, 1e5, true);
    v.number(sim, "output_interval_day", "simulation", s.output_interval_day, 0.0, 1e5, true);
    v.number(sim, "max_growth_day", "simulation", s.initialisation.max_growth_day, 0.0, 1e6, true);
    if (s.output_interval_day > s.horizon_day)
      v.problem(sim["output_interval_day"], "simulation.output_interval_day",
                "expected an interval <= horizon_day (" + format_number(s.horizon_day) + "), found " +
                    format_number(s.output_interval_day));
  }

  if (const YAML::Node lesions = root["lesions"]) load_lesions(v, lesions, model, s);
  if (model && s.lesion_names.size() != static_cast<std::size_t>(model->n_lesions())) {
    s.lesion_names.clear();
    for (int l = 0; l < model->n_lesions(); ++l) s.lesion_names.push_back(l == 0 ? "primary" : "lesion" + std::to_string(l + 1));
  }

  if (const YAML::Node patient = root["patient"]; patient && v.is_map(patient, "patient")) {
    v.check_keys(patient, "patient", {"weight_kg", "parameters"});
    v.number(patient, "weight_kg", "patient", s.weight_kg, 0.0, 500.0, true);
    if (const YAML::Node params = patient["parameters"]; params && v.is_map(params, "patient.parameters") && model) {
      std::vector<std::string> names;
      for (const auto& row : model->parameters()) names.push_back(row.name);
      for (auto it = params.begin(); it != params.end(); ++it) {
        const std::string key = it->first.Scalar();
        const std::string path = "patient.parameters." + key;
        const int k = model->parameter_index(key);
        if (k < 0) {
          std::string message = "unknown parameter '" + key + "' for model " + model->id();
          const std::string hint = closest_name(key, names);
          if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
          message += "; 'vct params " + model->id() + "' lists them";
          v.problem(it->first, path, message);
          continue;
        }
        const ParameterInfo& info = model->parameters()[static_cast<std::size_t>(k)];
        double value = info.value;
        const std::size_t before = v.problems().size();
        v.number(params, key, "patient.parameters", value, info.lower, info.upper);
        if (v.problems().size() == before) s.parameter_overrides.emplace_back(key, value);
      }
    }
  }

  const int init = v.choice(root, "initialisation", "",
                            {"grow_to_diameter", "published_state", "model_default"});
  if (init >= 0) s.initialisation.mode = static_cast<InitialisationMode>(init);
  if (model && init < 0 && !model->supports_growth_initialisation())
    s.initialisation.mode = InitialisationMode::kPublishedState;
  if (model && s.initialisation.mode == InitialisationMode::kGrowToDiameter &&
      !model->supports_growth_initialisation())
    v.problem(root["initialisation"], "initialisation",
              "model " + model->id() + " cannot grow its own initial state; expected published_state or model_default");
  if (model && s.initialisation.mode == InitialisationMode::kPublishedState) {
    std::vector<double> p = model->default_parameters(), y(static_cast<std::size_t>(model->n_states()));
    if (!model->published_treatment_start_state(p.data(), y.data()))
      v.problem(root["initialisation"], "initialisation",
                "model " + model->id() + " ships no published state; expected grow_to_diameter or model_default");
  }

  if (const YAML::Node treatment = root["treatment"])
    s.treatment = load_regimens(v, treatment, "treatment", model, s.horizon_day);
  if (const YAML::Node rt = root["radiotherapy"])
    s.radiotherapy = load_radiotherapy(v, rt, "radiotherapy", model, s, s.treatment);
  if (const YAML::Node arms = root["arms"]) {
    if (root["treatment"] || root["radiotherapy"])
      v.problem(arms, "arms", "give either treatment/radiotherapy (one arm) or arms, not both");
    load_arms(v, arms, model, s);
  }
  if (const YAML::Node population = root["population"]) load_population(v, population, model, s);
  if (s.population.enabled && s.arms.empty()) s.arms.push_back({"treatment", s.treatment, s.radiotherapy});
  if (const YAML::Node recist = root["recist"]) load_recist(v, recist, s);
  if (s.is_trial()) {
    const double k1 = s.recist.first_scan_day / s.output_interval_day, k2 = s.recist.scan_interval_day / s.output_interval_day;
    if (std::abs(k1 - std::round(k1)) > 1e-9 || std::abs(k2 - std::round(k2)) > 1e-9)
      v.problem(root["recist"] ? root["recist"] : root, "recist",
                "scan days must fall on the output grid: first_scan_day and scan_interval_day must be multiples of "
                "simulation.output_interval_day (" + format_number(s.output_interval_day) + ")");
    if (s.recist.first_scan_day > s.horizon_day)
      v.problem(root["recist"] ? root["recist"] : root, "recist.first_scan_day",
                "expected a first scan within the horizon (<= " + format_number(s.horizon_day) + " day), found " +
                    format_number(s.recist.first_scan_day));
  }
  if (const YAML::Node run = root["run"]; run && v.is_map(run, "run")) {
    v.check_keys(run, "run", {"threads", "batch_size"});
    long threads = 0, batch = 0;
    v.integer(run, "threads", "run", threads, 0, 1024);
    v.integer(run, "batch_size", "run", batch, 0, 1000000);
    s.threads = static_cast<int>(threads);
    s.batch_size = static_cast<int>(batch);
  }

  if (const YAML::Node solver = root["solver"]; solver && v.is_map(solver, "solver")) {
    v.check_keys(solver, "solver", {"method", "linear_solver", "rtol", "atol", "max_steps", "max_step_day",
                                          "newton_convergence"});
    const auto& methods = solver_methods();
    const int m = v.choice(solver, "method", "solver", methods);
    if (m >= 0) s.solver.method = methods[static_cast<std::size_t>(m)];
    const int ls = v.choice(solver, "linear_solver", "solver", {"sparse_lu", "klu", "dense"});
    if (ls >= 0) s.solver.linear_solver = ls == 0 ? "sparse_lu" : ls == 1 ? "klu" : "dense";
    v.number(solver, "rtol", "solver", s.solver.rtol, 0.0, 0.1, true);
    v.number(solver, "atol", "solver", s.solver.atol, 0.0, 1.0, true);
    long max_steps = s.solver.max_steps;
    v.integer(solver, "max_steps", "solver", max_steps, 10, 100000000);
    s.solver.max_steps = max_steps;
    v.number(solver, "max_step_day", "solver", s.solver.max_step_day, 0.0, 1e5);
    v.number(solver, "newton_convergence", "solver", s.solver.newton_convergence, 0.0, 1.0, true);
  }

  if (const YAML::Node output = root["output"]; output && v.is_map(output, "output")) {
    v.check_keys(output, "output", {"file", "states", "trajectories"});
    v.string(output, "file", "output", s.output_file);
    v.boolean(output, "states", "output", s.write_states);
    if (const YAML::Node traj = output["trajectories"]) {
      s.trajectory_outputs.clear();
      if (traj.IsScalar() && traj.Scalar() == "all" && model) {
        for (const auto& o : model->outputs()) s.trajectory_outputs.push_back(o.name);
      } else if (!traj.IsSequence()) {
        v.problem(traj, "output.trajectories", "expected a list of output names or 'all', found " + describe(traj));
      } else if (model) {
        std::vector<std::string> names;
        for (const auto& o : model->outputs()) names.push_back(o.name);
        for (std::size_t i = 0; i < traj.size(); ++i) {
          const std::string output_name = traj[i].IsScalar() ? traj[i].Scalar() : "";
          if (model->output_index(output_name) < 0) {
            std::string message = "unknown output " + describe(traj[i]) + " for model " + model->id();
            const std::string hint = closest_name(output_name, names);
            if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
            v.problem(traj[i], "output.trajectories[" + std::to_string(i) + "]", message);
          } else {
            s.trajectory_outputs.push_back(output_name);
          }
        }
      }
    }
  }

  if (!v.problems().empty()) throw ScenarioError(v.problems());
  LoadedScenario loaded;
  loaded.scenario = s;
  loaded.source_text = text;
  loaded.resolved_yaml = resolved_scenario_yaml(s);
  return loaded;
}

}  // namespace

LoadedScenario load_scenario_text(const std::string& text, const std::string& name) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError({{name, e.mark.line + 1, e.mark.column + 1, "", "not valid YAML: " + e.msg}});
  }
  return load_document(root, name, text);
}

LoadedScenario load_scenario_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::kIo, "cannot open scenario file '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return load_scenario_text(buffer.str(), path);
}

std::string resolved_scenario_yaml(const Scenario& s) {
  YAML::Emitter out;
  out.SetDoublePrecision(17);
  out << YAML::BeginMap;
  out << YAML::Key << "schema_version" << YAML::Value << s.schema_version;
  if (!s.description.empty()) out << YAML::Key << "description" << YAML::Value << s.description;
  out << YAML::Key << "model" << YAML::Value << s.model;
  if (s.lesion_names.size() > 1) {
    out << YAML::Key << "lesions" << YAML::Value << YAML::BeginSeq;
    for (const auto& name : s.lesion_names) out << YAML::Flow << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name << YAML::EndMap;
    out << YAML::EndSeq;
  }
  out << YAML::Key << "patient" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "weight_kg" << YAML::Value << s.weight_kg;
  out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
  for (const auto& [k, val] : s.parameter_overrides) out << YAML::Key << k << YAML::Value << val;
  out << YAML::EndMap << YAML::EndMap;
  out << YAML::Key << "initialisation" << YAML::Value << to_string(s.initialisation.mode);
  auto emit_regimens = [&](const std::vector<DoseRegimen>& regimens) {
  out << YAML::BeginSeq;
  for (const auto& r : regimens) {
    out << YAML::BeginMap << YAML::Key << "drug" << YAML::Value << r.drug;
    if (r.dose_mg > 0) out << YAML::Key << "dose_mg" << YAML::Value << r.dose_mg;
    else out << YAML::Key << "dose_mg_per_kg" << YAML::Value << r.dose_mg_per_kg;
    out << YAML::Key << "start_day" << YAML::Value << r.start_day;
    out << YAML::Key << "interval_day" << YAML::Value << r.interval_day;
    if (std::isnan(r.end_day)) out << YAML::Key << "doses" << YAML::Value << r.n_doses;
    else out << YAML::Key << "end_day" << YAML::Value << r.end_day;
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  };
  auto emit_courses = [&](const std::vector<RadiotherapyCourse>& courses) {
    out << YAML::Key << "radiotherapy" << YAML::Value << YAML::BeginSeq;
    for (const auto& c : courses) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << c.name;
      out << YAML::Key << "dose_per_fraction_Gy" << YAML::Value << c.dose_per_fraction_Gy;
      out << YAML::Key << "fractions" << YAML::Value << c.fractions;
      out << YAML::Key << "start_day" << YAML::Value << c.start_day;
      out << YAML::Key << "schedule" << YAML::Value << to_string(c.schedule);
      if (c.schedule == FractionSchedule::kExplicit) {
        out << YAML::Key << "days" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (double d : c.days) out << d;
        out << YAML::EndSeq;
      }
      out << YAML::Key << "lesions" << YAML::Value << YAML::Flow << YAML::BeginSeq;
      for (int l : c.lesions) out << s.lesion_names[static_cast<std::size_t>(l)];
      out << YAML::EndSeq << YAML::EndMap;
    }
    out << YAML::EndSeq;
  };
  if (s.is_trial()) {
    out << YAML::Key << "arms" << YAML::Value << YAML::BeginSeq;
    for (const auto& arm : s.arms) {
      out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << arm.name;
      out << YAML::Key << "treatment" << YAML::Value;
      emit_regimens(arm.treatment);
      if (!arm.radiotherapy.empty()) emit_courses(arm.radiotherapy);
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  } else {
    out << YAML::Key << "treatment" << YAML::Value;
    emit_regimens(s.treatment);
    if (!s.radiotherapy.empty()) emit_courses(s.radiotherapy);
  }
  if (s.population.enabled) {
    const PopulationSettings& p = s.population;
    out << YAML::Key << "population" << YAML::Value << YAML::BeginMap;
    if (!p.file.empty()) {
      out << YAML::Key << "file" << YAML::Value << p.file;
    } else {
      out << YAML::Key << "size" << YAML::Value << p.size;
      out << YAML::Key << "sampling" << YAML::Value << (p.latin_hypercube ? "latin_hypercube" : "independent");
      if (!p.preset.empty()) out << YAML::Key << "preset" << YAML::Value << p.preset;
    }
    out << YAML::Key << "seed" << YAML::Value << p.seed;
    out << YAML::Key << "pk_variability" << YAML::Value << p.pk_variability;
    if (p.file.empty()) {
      out << YAML::Key << "parameters" << YAML::Value << YAML::BeginMap;
      for (const auto& d : p.distributions) {
        out << YAML::Key << d.parameter << YAML::Value << YAML::Flow << YAML::BeginMap;
        out << YAML::Key << "distribution" << YAML::Value << to_string(d.kind);
        switch (d.kind) {
          case DistributionKind::kFixed: out << YAML::Key << "value" << YAML::Value << d.value; break;
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
      out << YAML::EndMap;
    }
    out << YAML::Key << "selection" << YAML::Value << (p.selection ? "probability_of_inclusion" : "none");
    out << YAML::EndMap;
  }
  if (s.is_trial()) {
    const RecistOptions& r = s.recist;
    out << YAML::Key << "recist" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "first_scan_day" << YAML::Value << r.first_scan_day;
    out << YAML::Key << "scan_interval_day" << YAML::Value << r.scan_interval_day;
    out << YAML::Key << "pr_change_pct" << YAML::Value << 100.0 * r.pr_change_fraction;
    out << YAML::Key << "pd_increase_pct" << YAML::Value << 100.0 * r.pd_increase_fraction;
    out << YAML::Key << "pd_increase_mm" << YAML::Value << 10.0 * r.pd_increase_cm;
    out << YAML::Key << "cr_diameter_cm" << YAML::Value << r.cr_diameter_cm;
    out << YAML::Key << "confirmation" << YAML::Value << r.confirmation;
    out << YAML::Key << "confirmation_min_day" << YAML::Value << r.confirmation_min_day;
    out << YAML::Key << "min_sd_duration_day" << YAML::Value << r.min_sd_duration_day;
    out << YAML::EndMap;
    out << YAML::Key << "run" << YAML::Value << YAML::BeginMap << YAML::Key << "threads" << YAML::Value << s.threads
        << YAML::Key << "batch_size" << YAML::Value << s.batch_size << YAML::EndMap;
  }
  out << YAML::Key << "simulation" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "horizon_day" << YAML::Value << s.horizon_day;
  out << YAML::Key << "output_interval_day" << YAML::Value << s.output_interval_day;
  out << YAML::Key << "max_growth_day" << YAML::Value << s.initialisation.max_growth_day;
  out << YAML::EndMap;
  out << YAML::Key << "solver" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "method" << YAML::Value << s.solver.method;
  out << YAML::Key << "linear_solver" << YAML::Value << s.solver.linear_solver;
  out << YAML::Key << "rtol" << YAML::Value << s.solver.rtol;
  out << YAML::Key << "atol" << YAML::Value << s.solver.atol;
  out << YAML::Key << "max_steps" << YAML::Value << s.solver.max_steps;
  out << YAML::Key << "max_step_day" << YAML::Value << s.solver.max_step_day;
  out << YAML::Key << "newton_convergence" << YAML::Value << s.solver.newton_convergence;
  out << YAML::EndMap;
  out << YAML::Key << "output" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "file" << YAML::Value << s.output_file;
  out << YAML::Key << "states" << YAML::Value << s.write_states;
  if (s.is_trial()) {
    out << YAML::Key << "trajectories" << YAML::Value << YAML::Flow << YAML::BeginSeq;
    for (const auto& name : s.trajectory_outputs) out << name;
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

}  // namespace vct::io
