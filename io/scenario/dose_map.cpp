// SPDX-License-Identifier: MIT
// Scenario loader: a radiotherapy course's `dose_map` (core/dose_map.hpp): its kind, the keys of
// that kind, and the CSV of a grid map.
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "io/scenario/parts.hpp"
#include "io/scenario/schema.hpp"

namespace vct::io::detail {
namespace {

/// The keys each kind takes, besides `kind`.
std::vector<std::string> keys_of(DoseMapKind kind) {
  switch (kind) {
    case DoseMapKind::kUniform:
      return {"margin_mm"};
    case DoseMapKind::kPartial:
      return {"target_volume_fraction", "periphery_relative", "falloff_mm", "margin_mm"};
    case DoseMapKind::kLattice:
      return {"vertex_diameter_mm", "spacing_mm", "valley_relative", "falloff_mm", "margin_mm"};
    case DoseMapKind::kGrid:
      return {"file", "margin_mm"};
  }
  return {};
}

struct GridRow {
  int line = 0;
  double value[4] = {0.0, 0.0, 0.0, 0.0};  ///< x_mm, y_mm, z_mm, relative_dose
};

/// Rows of the CSV, each checked; false when the file cannot be used.
bool read_rows(Validator& v, const std::string& file, std::ifstream& in, std::vector<GridRow>& rows) {
  static const char* const kColumns[4] = {"x_mm", "y_mm", "z_mm", "relative_dose"};
  std::string line;
  int number = 0, column[4] = {-1, -1, -1, -1};
  std::size_t width = 0;
  bool header = false;
  const std::size_t before = v.count();
  while (std::getline(in, line)) {
    ++number;
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const std::vector<std::string> cells = split_csv_line(line);
    if (!header) {
      header = true;
      width = cells.size();
      for (std::size_t k = 0; k < cells.size(); ++k) {
        int found = -1;
        for (int c = 0; c < 4; ++c)
          if (cells[k] == kColumns[c]) found = c;
        if (found < 0 || column[found] >= 0)
          v.problem_in(file, number, static_cast<int>(k) + 1, "header",
                       "unknown or repeated column '" + cells[k] + "'; expected x_mm, y_mm, z_mm, relative_dose");
        else
          column[found] = static_cast<int>(k);
      }
      if (v.count() != before || column[0] < 0 || column[1] < 0 || column[2] < 0 || column[3] < 0) {
        if (v.count() == before)
          v.problem_in(file, number, 1, "header", "expected the columns x_mm, y_mm, z_mm and relative_dose");
        return false;
      }
      continue;
    }
    if (cells.size() != width) {
      v.problem_in(file, number, 1, "row",
                   "expected " + std::to_string(width) + " cells, found " + std::to_string(cells.size()));
      continue;
    }
    GridRow row;
    row.line = number;
    bool ok = true;
    for (int c = 0; c < 4; ++c) {
      const std::string& cell = cells[static_cast<std::size_t>(column[c])];
      char* end = nullptr;
      const double x = std::strtod(cell.c_str(), &end);
      const bool number_ok = !cell.empty() && end && *end == '\0' && std::isfinite(x);
      if (!number_ok || (c == 3 && (x < 0.0 || x > 10.0))) {
        v.problem_in(
            file, number, column[c] + 1, kColumns[c],
            std::string(c == 3 ? "expected a number in [0, 10]" : "expected a number") + ", found '" + cell + "'");
        ok = false;
      }
      row.value[c] = x;
    }
    if (ok) rows.push_back(row);
  }
  if (!header)
    v.problem_in(file, 1, 1, "header", "expected a header line x_mm,y_mm,z_mm,relative_dose; the file is empty");
  return v.count() == before && !rows.empty();
}

/// The rows as a regular grid: every point of the lattice spanned by the coordinates, once.
void to_grid(Validator& v, const std::string& file, const std::vector<GridRow>& rows, DoseGrid& grid) {
  std::set<double> axes[3];
  for (const GridRow& r : rows)
    for (int a = 0; a < 3; ++a) axes[a].insert(r.value[a]);
  double spacing = 0.0;
  for (int a = 0; a < 3; ++a) {
    if (axes[a].size() < 2) continue;
    const double lo = *axes[a].begin(), hi = *axes[a].rbegin();
    const double step = (hi - lo) / static_cast<double>(axes[a].size() - 1);
    if (spacing == 0.0) spacing = step;
    double expected = lo;
    for (double x : axes[a]) {
      if (std::abs(x - expected) > 1e-6 * std::max(1.0, std::abs(step)) || std::abs(step - spacing) > 1e-6 * spacing) {
        v.problem_in(file, rows.front().line, 1, "grid",
                     "expected equally spaced coordinates with one spacing on every axis; axis " +
                         std::string(1, "xyz"[a]) + " has " + format_number(x) + " where " + format_number(expected) +
                         " was expected (spacing " + format_number(spacing) + " mm)");
        return;
      }
      expected += step;
    }
  }
  grid.nx = static_cast<int>(axes[0].size());
  grid.ny = static_cast<int>(axes[1].size());
  grid.nz = static_cast<int>(axes[2].size());
  grid.spacing_mm = spacing > 0.0 ? spacing : 1.0;
  grid.origin_mm = {*axes[0].begin(), *axes[1].begin(), *axes[2].begin()};
  const std::size_t n =
      static_cast<std::size_t>(grid.nx) * static_cast<std::size_t>(grid.ny) * static_cast<std::size_t>(grid.nz);
  grid.relative.assign(n, 0.0);
  std::vector<int> line_of(n, 0);
  for (const GridRow& r : rows) {
    const auto index = [&](int a, int count, double origin) {
      return std::min(count - 1, std::max(0, static_cast<int>(std::lround((r.value[a] - origin) / grid.spacing_mm))));
    };
    const std::size_t k =
        (static_cast<std::size_t>(index(2, grid.nz, grid.origin_mm.z)) * static_cast<std::size_t>(grid.ny) +
         static_cast<std::size_t>(index(1, grid.ny, grid.origin_mm.y))) *
            static_cast<std::size_t>(grid.nx) +
        static_cast<std::size_t>(index(0, grid.nx, grid.origin_mm.x));
    if (line_of[k] > 0) {
      v.problem_in(file, r.line, 1, "row", "the point given on line " + std::to_string(line_of[k]) + " again");
      return;
    }
    line_of[k] = r.line;
    grid.relative[k] = r.value[3];
  }
  if (rows.size() != n)
    v.problem_in(file, rows.back().line, 1, "grid",
                 "expected every point of the " + std::to_string(grid.nx) + " x " + std::to_string(grid.ny) + " x " +
                     std::to_string(grid.nz) + " grid once (" + std::to_string(n) + " rows), found " +
                     std::to_string(rows.size()));
}

void read_grid_file(Validator& v, const YAML::Node& node, const std::string& path, DoseMap& map) {
  const std::filesystem::path file = std::filesystem::path(v.file()).parent_path() / map.file;
  std::ifstream in(file);
  if (!in) {
    v.problem(node["file"], path + ".file", "cannot open '" + file.string() + "'");
    return;
  }
  std::vector<GridRow> rows;
  if (read_rows(v, file.string(), in, rows)) to_grid(v, file.string(), rows, map.grid);
}

}  // namespace

std::shared_ptr<const DoseMap> load_dose_map(Validator& v, const YAML::Node& node, const std::string& path) {
  if (!v.is_map(node, path)) return nullptr;
  const auto& section = schema::dose_map();
  v.check_keys(node, path, section.names());
  auto map = std::make_shared<DoseMap>();
  if (!node["kind"]) {
    v.problem(node, path + ".kind", "missing required key 'kind' (uniform, partial, lattice or grid)");
    return nullptr;
  }
  const std::size_t before = v.count();
  if (!schema::read_field(v, node, path, section.field("kind"), *map)) return nullptr;
  const std::vector<std::string> allowed = keys_of(map->kind);
  for (const auto& entry : node) {
    const std::string key = entry.first.as<std::string>();
    if (key == "kind" || std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    bool declared = false;
    for (const auto& name : section.names()) declared = declared || name == key;
    if (declared)
      v.problem(entry.first, path + "." + key,
                "key '" + key + "' does not apply to kind " + to_string(map->kind) +
                    (allowed.empty() ? std::string(" (it takes no other key)") : " (its keys: " + [&] {
                      std::string list;
                      for (const auto& k : allowed) list += (list.empty() ? "" : ", ") + k;
                      return list;
                    }() + ")"));
  }
  for (const auto& f : section.fields)
    if (f.key.name != "kind") schema::read_field(v, node, path, f, *map);
  if (v.count() != before) return nullptr;
  if (map->kind == DoseMapKind::kLattice && !(map->spacing_mm > map->vertex_diameter_mm))
    v.problem(node, path + ".spacing_mm",
              "expected a spacing larger than vertex_diameter_mm (" + format_number(map->vertex_diameter_mm) +
                  " mm), found " + format_number(map->spacing_mm) + " mm");
  if (map->kind == DoseMapKind::kGrid) {
    if (!node["file"])
      v.problem(node, path + ".file", "missing required key 'file' (a CSV x_mm,y_mm,z_mm,relative_dose)");
    else
      read_grid_file(v, node, path, *map);
  }
  if (v.count() != before) return nullptr;
  return map;
}

}  // namespace vct::io::detail
