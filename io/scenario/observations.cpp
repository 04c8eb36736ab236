// SPDX-License-Identifier: MIT
// Scenario loader: `observations` and `fit`, one patient's lesion measurements and what `vct fit`
// estimates from them (docs/twin.md).
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

/// `scans_file`: a CSV with a header naming day, diameter_mm and optionally lesion (any order),
/// one scan per line; '#' lines and blank lines are skipped.
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
  std::vector<std::string> header;
  int number = 0;
  int day_col = -1, lesion_col = -1, diameter_col = -1;
  while (std::getline(in, line)) {
    ++number;
    if (line.find_first_not_of(" \t\r") == std::string::npos || line[line.find_first_not_of(" \t")] == '#') continue;
    const std::vector<std::string> cells = split_csv_line(line);
    if (header.empty()) {
      header = cells;
      for (std::size_t c = 0; c < cells.size(); ++c) {
        if (cells[c] == "day")
          day_col = static_cast<int>(c);
        else if (cells[c] == "lesion")
          lesion_col = static_cast<int>(c);
        else if (cells[c] == "diameter_mm")
          diameter_col = static_cast<int>(c);
        else
          v.problem_in(file, number, static_cast<int>(c) + 1, "header",
                       "unknown column '" + cells[c] + "'; expected day, lesion, diameter_mm");
      }
      if (day_col < 0 || diameter_col < 0)
        v.problem_in(file, number, 1, "header", "expected the columns day and diameter_mm (and optionally lesion)");
      if (day_col < 0 || diameter_col < 0) return;
      continue;
    }
    LesionScan scan;
    scan.line = number;
    bool ok = cells.size() == header.size();
    if (!ok)
      v.problem_in(file, number, 1, "row",
                   "expected " + std::to_string(header.size()) + " cells, found " + std::to_string(cells.size()));
    auto number_at = [&](int col, const char* what, double& x) {
      if (!ok) return;
      const std::string& text = cells[static_cast<std::size_t>(col)];
      char* end = nullptr;
      x = std::strtod(text.c_str(), &end);
      if (text.empty() || *end != '\0' || !std::isfinite(x)) {
        v.problem_in(file, number, col + 1, what, "expected a number, found '" + text + "'");
        ok = false;
      }
    };
    number_at(day_col, "day", scan.day);
    number_at(diameter_col, "diameter_mm", scan.diameter_mm);
    if (!ok) continue;
    const std::string lesion = lesion_col >= 0          ? cells[static_cast<std::size_t>(lesion_col)]
                               : s.lesion_names.empty() ? ""
                                                        : s.lesion_names.front();
    scan.lesion = lesion_index(s, lesion);
    if (scan.lesion < 0) {
      v.problem_in(file, number, lesion_col + 1, "lesion", unknown_lesion(s, lesion));
      continue;
    }
    const std::size_t before = v.count();
    check_scan(scan, s, "row",
               [&](const std::string& p, const std::string& m) { v.problem_in(file, number, 1, p.substr(4), m); });
    if (v.count() == before) s.observations.scans.push_back(scan);
  }
  if (header.empty())
    v.problem_in(file, 1, 1, "header", "expected a header line day,lesion,diameter_mm; the file is empty");
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
    if (node["scans"] && node["scans_file"])
      v.problem(node, "observations", "expected scans or scans_file, found both");
    else if (node["scans"])
      read_inline_scans(v, node["scans"], s);
    else if (node["scans_file"])
      read_scans_file(v, node, document, s);
    else
      v.problem(node, "observations", "expected scans (a list) or scans_file (a CSV), found neither");
    if (v.problems().empty()) check_scan_set(v, node, s);
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

}  // namespace vct::io::detail
