// SPDX-License-Identifier: MIT
// Scenario loader: `observations`, `fit` and `predict`: one patient's lesion measurements, what
// `vct fit` estimates from them and what `vct predict` simulates for the fitted patient (docs/twin.md).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "io/scenario/parts.hpp"
#include "io/scenario/schema.hpp"
#include "models/registry.hpp"

namespace vct::io::detail {

namespace {

constexpr double kMaxDiameterMm = 500.0;

/// Index of `name` among the lesions, or -1 (with the problem reported by `report`).
int lesion_index(const Scenario& s, const std::string& name) {
  const auto it = std::find(s.lesion_names.begin(), s.lesion_names.end(), name);
  return it == s.lesion_names.end() ? -1 : static_cast<int>(it - s.lesion_names.begin());
}

/// "expected one of the lesions: a, b; found 'x'" (or, when no lesion loaded, that there is none).
std::string unknown_lesion(const Scenario& s, const std::string& lesion) {
  if (s.lesion_names.empty())
    return "expected a lesion of `lesions`, which has none that loaded; found '" + lesion + "'";
  std::string names;
  for (const auto& n : s.lesion_names) names += (names.empty() ? "" : ", ") + n;
  return "expected one of the lesions: " + names + "; found '" + lesion + "'";
}

/// The checks every scan gets, wherever it came from; `report(path, message)` records a problem.
template <class Report>
void check_scan(const LesionScan& scan, const Scenario& s, const std::string& path, Report report) {
  if (!(scan.day >= 0.0) || scan.day > s.horizon_day)
    report(path + ".day", "expected a day >= 0 and <= the horizon (" + format_number(s.horizon_day) + "), found " +
                              format_number(scan.day));
  if (!(scan.diameter_mm > 0.0) || scan.diameter_mm > kMaxDiameterMm)
    report(path + ".diameter_mm", "expected a diameter > 0 and <= " + format_number(kMaxDiameterMm) + " mm, found " +
                                      format_number(scan.diameter_mm));
}

void read_inline_scans(Validator& v, const YAML::Node& list, Scenario& s) {
  if (!list.IsSequence()) {
    v.problem(list, "observations.scans",
              "expected a list of scans {day, lesion, diameter_mm}, found " + describe(list));
    return;
  }
  const auto& section = schema::scan();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = "observations.scans[" + std::to_string(i) + "]";
    if (!v.is_map(item, path)) continue;
    v.check_keys(item, path, section.names());
    LesionScan scan;
    scan.line = item.Mark().line + 1;
    const std::size_t before = v.count();
    for (const char* key : {"day", "diameter_mm"})
      if (!item[key]) v.problem(item, path + "." + key, std::string("missing required key '") + key + "'");
    schema::read_field(v, item, path, section.field("day"), scan);
    schema::read_field(v, item, path, section.field("diameter_mm"), scan);
    std::string lesion = s.lesion_names.empty() ? "" : s.lesion_names.front();
    if (item["lesion"]) v.string(item, "lesion", path, lesion);
    scan.lesion = lesion_index(s, lesion);
    if (scan.lesion < 0) v.problem(item["lesion"] ? item["lesion"] : item, path + ".lesion", unknown_lesion(s, lesion));
    if (v.count() != before) continue;
    check_scan(scan, s, path, [&](const std::string& p, const std::string& m) { v.problem(item, p, m); });
    s.observations.scans.push_back(scan);
  }
}

/// The columns of a scans CSV (-1: absent).
struct CsvColumns {
  int day = -1, lesion = -1, diameter = -1, lymphocytes = -1;
  std::size_t count = 0;
};

/// Reads the header line; false (with the problems reported) when it cannot be used.
bool read_header(Validator& v, const std::string& file, int number, const std::vector<std::string>& cells,
                 CsvColumns& c) {
  c.count = cells.size();
  for (std::size_t k = 0; k < cells.size(); ++k) {
    int* slot = cells[k] == "day"                  ? &c.day
                : cells[k] == "lesion"             ? &c.lesion
                : cells[k] == "diameter_mm"        ? &c.diameter
                : cells[k] == "lymphocytes_per_uL" ? &c.lymphocytes
                                                   : nullptr;
    if (slot)
      *slot = static_cast<int>(k);
    else
      v.problem_in(file, number, static_cast<int>(k) + 1, "header",
                   "unknown column '" + cells[k] + "'; expected day, lesion, diameter_mm, lymphocytes_per_uL");
  }
  if (c.day >= 0 && (c.diameter >= 0 || c.lymphocytes >= 0)) return true;
  v.problem_in(file, number, 1, "header",
               "expected the columns day and diameter_mm (optionally lesion and lymphocytes_per_uL)");
  return false;
}

/// The checks every lymphocyte count gets, wherever it came from.
template <class Report>
void check_count(const LymphocyteCount& c, const Scenario& s, const std::string& path, Report report) {
  if (!(c.day >= 0.0) || c.day > s.horizon_day)
    report(path + ".day", "expected a day >= 0 and <= the horizon (" + format_number(s.horizon_day) + "), found " +
                              format_number(c.day));
  if (!(c.per_uL > 0.0) || c.per_uL > 100000.0)
    report(path + ".count_per_uL", "expected a count > 0 and <= 100000 per uL, found " + format_number(c.per_uL));
}

/// One data row: a scan when its diameter cell is filled, a lymphocyte count when its count cell is.
void read_row(Validator& v, const std::string& file, int number, const std::vector<std::string>& cells,
              const CsvColumns& c, Scenario& s) {
  if (cells.size() != c.count) {
    v.problem_in(file, number, 1, "row",
                 "expected " + std::to_string(c.count) + " cells, found " + std::to_string(cells.size()));
    return;
  }
  bool ok = true;
  auto number_at = [&](int col, const char* what, double& x) {
    const std::string& text = cells[static_cast<std::size_t>(col)];
    char* end = nullptr;
    x = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(x)) {
      v.problem_in(file, number, col + 1, what, "expected a number, found '" + text + "'");
      ok = false;
    }
  };
  const auto filled = [&](int col) { return col >= 0 && !cells[static_cast<std::size_t>(col)].empty(); };
  if (!filled(c.diameter) && !filled(c.lymphocytes)) {
    v.problem_in(file, number, 1, "row", "expected a diameter_mm or a lymphocytes_per_uL, found neither");
    return;
  }
  double day = 0.0;
  number_at(c.day, "day", day);
  if (!ok) return;
  if (filled(c.lymphocytes)) {
    LymphocyteCount count{day, 0.0, number};
    number_at(c.lymphocytes, "lymphocytes_per_uL", count.per_uL);
    const std::size_t before = v.count();
    if (ok)
      check_count(count, s, "row", [&](const std::string& p, const std::string& m) {
        v.problem_in(file, number, c.lymphocytes + 1, p == "row.day" ? "day" : "lymphocytes_per_uL", m);
      });
    if (ok && v.count() == before) s.observations.lymphocytes.push_back(count);
  }
  if (!filled(c.diameter)) return;
  LesionScan scan;
  scan.line = number;
  scan.day = day;
  number_at(c.diameter, "diameter_mm", scan.diameter_mm);
  if (!ok) return;
  const std::string lesion = c.lesion >= 0            ? cells[static_cast<std::size_t>(c.lesion)]
                             : s.lesion_names.empty() ? ""
                                                      : s.lesion_names.front();
  scan.lesion = lesion_index(s, lesion);
  if (scan.lesion < 0) {
    v.problem_in(file, number, c.lesion + 1, "lesion", unknown_lesion(s, lesion));
    return;
  }
  const std::size_t before = v.count();
  check_scan(scan, s, "row",
             [&](const std::string& p, const std::string& m) { v.problem_in(file, number, 1, p.substr(4), m); });
  if (v.count() == before) s.observations.scans.push_back(scan);
}

/// `scans_file`: a CSV with a header naming day, diameter_mm and optionally lesion and
/// lymphocytes_per_uL (any order), one scan and/or count per line; '#' lines and blank lines are
/// skipped.
void read_scans_file(Validator& v, const YAML::Node& node, const std::string& document, Scenario& s) {
  std::string name;
  v.string(node, "scans_file", "observations", name);
  s.observations.scans_file = name;
  const std::filesystem::path path = std::filesystem::path(document).parent_path() / name;
  std::ifstream in(path);
  if (!in) {
    v.problem(node["scans_file"], "observations.scans_file", "cannot open '" + path.string() + "'");
    return;
  }
  const std::string file = path.string();
  std::string line;
  bool header = false;
  CsvColumns columns;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') continue;
    const std::vector<std::string> cells = split_csv_line(line);
    if (!header) {
      header = true;
      if (!read_header(v, file, number, cells, columns)) return;
      continue;
    }
    read_row(v, file, number, cells, columns, s);
  }
  if (!header) v.problem_in(file, 1, 1, "header", "expected a header line day,lesion,diameter_mm; the file is empty");
}

/// `observations.lymphocytes`: inline counts {day, count_per_uL}.
void read_inline_counts(Validator& v, const YAML::Node& list, Scenario& s) {
  if (!list.IsSequence()) {
    v.problem(list, "observations.lymphocytes",
              "expected a list of counts {day, count_per_uL}, found " + describe(list));
    return;
  }
  const auto& section = schema::lymphocyte_count();
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YAML::Node item = list[i];
    const std::string path = "observations.lymphocytes[" + std::to_string(i) + "]";
    if (!v.is_map(item, path)) continue;
    v.check_keys(item, path, section.names());
    LymphocyteCount count;
    count.line = item.Mark().line + 1;
    const std::size_t before = v.count();
    for (const char* key : {"day", "count_per_uL"})
      if (!item[key]) v.problem(item, path + "." + key, std::string("missing required key '") + key + "'");
    schema::read_field(v, item, path, section.field("day"), count);
    schema::read_field(v, item, path, section.field("count_per_uL"), count);
    if (v.count() != before) continue;
    check_count(count, s, path, [&](const std::string& p, const std::string& m) { v.problem(item, p, m); });
    if (v.count() == before) s.observations.lymphocytes.push_back(count);
  }
}

/// Counts need the model's blood lymphocyte output and a baseline count on day 0 (the counts are
/// compared relative to it).
void check_count_set(Validator& v, const YAML::Node& node, const ModelDefinition* model, const Scenario& s) {
  const auto& counts = s.observations.lymphocytes;
  if (counts.empty()) return;
  if (model && model->output_index("blood_lymphocytes_per_L") < 0)
    v.problem(node, "observations",
              "model " + model->id() +
                  " has no blood lymphocyte output; expected lymphocyte counts only with a model "
                  "that has blood_lymphocytes_per_L (qspio_nsclc_rt)");
  if (std::none_of(counts.begin(), counts.end(), [](const LymphocyteCount& c) { return c.day == 0.0; }))
    v.problem(node, "observations",
              "expected a lymphocyte count on day 0 (the others are compared with it), found none");
}

/// Every measured lesion has a baseline scan on day 0 and at least one later scan exists.
void check_scan_set(Validator& v, const YAML::Node& node, const Scenario& s) {
  const auto& scans = s.observations.scans;
  bool later = false;
  for (const auto& scan : scans) later = later || scan.day > 0.0;
  for (int l = 0; l < static_cast<int>(s.lesion_names.size()); ++l) {
    const bool measured = std::any_of(scans.begin(), scans.end(), [&](const LesionScan& x) { return x.lesion == l; });
    const bool baseline =
        std::any_of(scans.begin(), scans.end(), [&](const LesionScan& x) { return x.lesion == l && x.day == 0.0; });
    if (measured && !baseline)
      v.problem(node, "observations",
                "lesion '" + s.lesion_names[static_cast<std::size_t>(l)] +
                    "' has no baseline scan on day 0; expected one (the fit starts the lesion from it)");
  }
  if (!later) v.problem(node, "observations", "expected at least one scan after day 0, found none");
}

/// The parameters a population law exists for: the preset's and the explicit ones.
std::vector<std::string> prior_parameters(const ModelDefinition* model, const Scenario& s) {
  std::vector<std::string> names;
  if (model && !s.population.preset.empty())
    for (const auto& preset : models::population_presets(model->id()))
      if (preset.name == s.population.preset)
        for (const auto& d : preset.distributions) names.push_back(d.parameter);
  for (const auto& d : s.population.distributions) names.push_back(d.parameter);
  return names;
}

}  // namespace

std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> cells;
  std::stringstream in(line);
  std::string cell;
  while (std::getline(in, cell, ',')) {
    const auto first = cell.find_first_not_of(" \t\r");
    const auto last = cell.find_last_not_of(" \t\r");
    cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
  }
  if (!line.empty() && line.back() == ',') cells.push_back("");
  return cells;
}

void load_observations(Validator& v, const YAML::Node& root, const ModelDefinition* model, const std::string& document,
                       Scenario& s) {
  const YAML::Node node = root["observations"];
  if (node && v.is_map(node, "observations")) {
    s.observations.enabled = true;
    v.check_keys(node, "observations", schema::observations().names());
    if (const YAML::Node e = node["error"]; e && v.is_map(e, "observations.error"))
      schema::read_section(v, e, schema::measurement_error(), s.observations.error, "observations.error");
    if (s.observations.error.additive_mm == 0.0 && s.observations.error.proportional == 0.0)
      v.problem(node["error"], "observations.error", "expected additive_mm or proportional > 0, found both 0");
    if (const YAML::Node counts = node["lymphocytes"]) read_inline_counts(v, counts, s);
    if (node["scans"] && node["scans_file"])
      v.problem(node, "observations", "expected scans or scans_file, found both");
    else if (node["scans"])
      read_inline_scans(v, node["scans"], s);
    else if (node["scans_file"])
      read_scans_file(v, node, document, s);
    else
      v.problem(node, "observations", "expected scans (a list) or scans_file (a CSV), found neither");
    if (v.problems().empty()) check_scan_set(v, node, s);
    if (v.problems().empty()) check_count_set(v, node, model, s);
    if (!s.population.enabled)
      v.problem(node, "observations", "expected a population (its laws are the fit's prior), found none");
  }
  const YAML::Node fit = root["fit"];
  if (!fit) return;
  if (!v.is_map(fit, "fit")) return;
  s.fit.enabled = true;
  schema::read_section(v, fit, schema::fit(), s.fit, "fit");
  if (!s.observations.enabled) v.problem(fit, "fit", "expected observations to fit, found none");
  const std::vector<std::string> prior = prior_parameters(model, s);
  if (const YAML::Node list = fit["parameters"]) {
    if (!list.IsSequence() || list.size() == 0) {
      v.problem(list, "fit.parameters", "expected a non-empty list of parameter names, found " + describe(list));
    } else {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string name = list[i].IsScalar() ? list[i].Scalar() : "";
        if (std::find(prior.begin(), prior.end(), name) == prior.end())
          v.problem(list[i], "fit.parameters[" + std::to_string(i) + "]",
                    "expected a parameter with a population law (the prior), found " + describe(list[i]));
        else
          s.fit.parameters.push_back(name);
      }
    }
  } else {
    for (const char* name : {"k_C1_growth_per_day", "k_C_T1_per_day", "n_T1_clones"})
      if (std::find(prior.begin(), prior.end(), name) != prior.end()) s.fit.parameters.push_back(name);
    if (s.fit.parameters.empty())
      v.problem(fit, "fit.parameters", "expected a list of parameters: the population has none of the default set");
  }
  if (s.arms.empty()) {
    v.problem(fit, "fit", "expected an arm holding the treatment given so far, found no arms");
    return;
  }
  NamedIndex& arm = s.fit.arm;
  if (arm.name.empty()) arm.name = s.arms.front().name;
  arm.index = resolve_arm(v, fit["arm"] ? fit["arm"] : fit, "fit.arm", s, arm.name);
}

namespace {

/// One dose or fraction of an arm, for comparing treatment histories.
struct Given {
  double day;
  std::string what;  ///< "nivolumab 216 mg" or "RT 8 Gy to primary"
  bool operator<(const Given& o) const { return day < o.day || (day == o.day && what < o.what); }
  bool operator==(const Given& o) const { return std::abs(day - o.day) < 1e-9 && what == o.what; }
};

/// The doses and fractions `arm` gives before `before_day`, in order.
std::vector<Given> history(const TrialArm& arm, const Scenario& s, double before_day) {
  std::vector<Given> given;
  for (const auto& r : arm.treatment) {
    const double mg = r.dose_mg > 0.0 ? r.dose_mg : r.dose_mg_per_kg * s.weight_kg;
    for (double t : dose_days(r, before_day))
      if (t < before_day - 1e-9) given.push_back({t, r.drug + " " + format_number(mg) + " mg"});
  }
  for (const auto& c : arm.radiotherapy) {
    std::string lesions;
    for (int l : c.lesions)
      if (l >= 0 && l < static_cast<int>(s.lesion_names.size()))
        lesions += (lesions.empty() ? "" : ", ") + s.lesion_names[static_cast<std::size_t>(l)];
    for (double t : c.fraction_days())
      if (t < before_day - 1e-9)
        given.push_back({t, "RT " + format_number(c.dose_per_fraction_Gy) + " Gy to " + lesions});
  }
  std::sort(given.begin(), given.end());
  return given;
}

/// "" when both histories agree, else the first difference.
std::string first_difference(const std::vector<Given>& fitted, const std::vector<Given>& other) {
  for (std::size_t i = 0; i < std::max(fitted.size(), other.size()); ++i) {
    if (i < fitted.size() && i < other.size() && fitted[i] == other[i]) continue;
    if (i >= other.size() || (i < fitted.size() && fitted[i] < other[i]))
      return "it lacks " + fitted[i].what + " on day " + format_number(fitted[i].day);
    return "it adds " + other[i].what + " on day " + format_number(other[i].day);
  }
  return "";
}

}  // namespace

void load_predict(Validator& v, const YAML::Node& root, Scenario& s) {
  const YAML::Node node = root["predict"];
  if (!node || !v.is_map(node, "predict")) return;
  PredictSettings& p = s.predict;
  p.enabled = true;
  p.seed = s.population.seed;
  schema::read_section(v, node, schema::predict(), p, "predict");
  if (!s.fit.enabled || s.fit.arm.index < 0) {
    v.problem(node, "predict", "expected a `fit` block with an arm (predictions start from the fit), found none");
    return;
  }
  if (const YAML::Node list = node["arms"]) {
    if (!list.IsSequence() || list.size() == 0) {
      v.problem(list, "predict.arms", "expected a non-empty list of arm names, found " + describe(list));
      return;
    }
    for (std::size_t i = 0; i < list.size(); ++i) {
      const std::string name = list[i].IsScalar() ? list[i].Scalar() : describe(list[i]);
      p.arms.push_back({name, resolve_arm(v, list[i], "predict.arms[" + std::to_string(i) + "]", s, name)});
    }
  } else {
    for (std::size_t a = 0; a < s.arms.size(); ++a) p.arms.push_back({s.arms[a].name, static_cast<int>(a)});
  }
  double last_scan = 0.0;
  for (const auto& scan : s.observations.scans) last_scan = std::max(last_scan, scan.day);
  const TrialArm& fitted = s.arms.at(static_cast<std::size_t>(s.fit.arm.index));
  const std::vector<Given> given = history(fitted, s, last_scan);
  for (std::size_t i = 0; i < p.arms.size(); ++i) {
    if (p.arms[i].index < 0) continue;
    const std::string difference =
        first_difference(given, history(s.arms.at(static_cast<std::size_t>(p.arms[i].index)), s, last_scan));
    if (difference.empty()) continue;
    const YAML::Node at = node["arms"] ? node["arms"][i] : node;
    v.problem(at, node["arms"] ? "predict.arms[" + std::to_string(i) + "]" : "predict",
              "expected arm '" + p.arms[i].name + "' to give the treatment of fit.arm '" + s.fit.arm.name +
                  "' before the last scan (day " + format_number(last_scan) + "), found that " + difference);
  }
}

}  // namespace vct::io::detail
