// SPDX-License-Identifier: MIT
#include "io/scenario/validator.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <sstream>

#include "core/model.hpp"

namespace vct::io {

std::string ScenarioProblem::format() const {
  std::ostringstream out;
  out << file << ":" << line << ":" << column << ": " << (key_path.empty() ? "(top level)" : key_path) << ": "
      << message;
  return out.str();
}

namespace {

std::vector<ScenarioProblem> in_file_order(std::vector<ScenarioProblem> problems) {
  std::stable_sort(problems.begin(), problems.end(), [](const ScenarioProblem& a, const ScenarioProblem& b) {
    return a.line != b.line ? a.line < b.line : a.column < b.column;
  });
  return problems;
}

std::string join_problems(const std::vector<ScenarioProblem>& problems) {
  std::string text;
  for (const auto& p : problems) text += (text.empty() ? "" : "\n") + p.format();
  return text;
}

std::string choices_text(const std::vector<std::string>& choices) {
  std::string text;
  for (const auto& c : choices) text += (text.empty() ? "" : ", ") + c;
  return text;
}

}  // namespace

ScenarioError::ScenarioError(std::vector<ScenarioProblem> problems)
    : Error(ErrorKind::kInput, join_problems(in_file_order(problems))), problems_(in_file_order(problems)) {}

std::string describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing (null)";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return "'" + node.Scalar() + "'";
    default:
      return "an undefined value";
  }
}

std::string format_number(double v) {
  std::ostringstream out;
  out << v;
  return out.str();
}

YAML::Node parse_yaml(const std::string& text, const std::string& name) {
  try {
    return YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ScenarioError({{name, e.mark.line + 1, e.mark.column + 1, "", "not valid YAML: " + e.msg}});
  }
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw Error(ErrorKind::kIo, "cannot open '" + path + "'");
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

YAML::Node parse_yaml_file(const std::string& path) { return parse_yaml(read_text_file(path), path); }

void Validator::problem(const YAML::Node& node, const std::string& path, const std::string& message) {
  const YAML::Mark mark = node.Mark();
  problems_.push_back({file_, mark.line + 1, mark.column + 1, path, message});
}

void Validator::throw_if_problems() const {
  if (!problems_.empty()) throw ScenarioError(problems_);
}

void Validator::check_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed) {
  std::map<std::string, YAML::Mark> seen;
  for (auto it = map.begin(); it != map.end(); ++it) {
    const std::string key = it->first.Scalar();
    // YAML parsers keep one of two equal keys silently; a repeated key is almost always an edit
    // that would otherwise be ignored.
    const auto first = seen.find(key);
    if (first != seen.end()) {
      problem(it->first, join(path, key),
              "duplicate key '" + key + "' (first given at line " + std::to_string(first->second.line + 1) +
                  "); give each key once");
      continue;
    }
    seen.emplace(key, it->first.Mark());
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string message = "unknown key '" + key + "'";
    const std::string hint = closest_name(key, allowed);
    if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
    message += "; expected one of: " + choices_text(allowed);
    problem(it->first, join(path, key), message);
  }
}

bool Validator::is_map(const YAML::Node& node, const std::string& path) {
  if (node.IsMap()) return true;
  problem(node, path, "expected a mapping of keys, found " + describe(node));
  return false;
}

void Validator::number(const YAML::Node& parent, const std::string& key, const std::string& path, double& value,
                       double lo, double hi, bool lo_open) {
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

void Validator::integer(const YAML::Node& parent, const std::string& key, const std::string& path, long& value, long lo,
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
    problem(node, full,
            "expected a whole number from " + std::to_string(lo) + " to " + std::to_string(hi) + ", found " +
                node.Scalar());
    return;
  }
  value = static_cast<long>(v);
}

void Validator::string(const YAML::Node& parent, const std::string& key, const std::string& path, std::string& value) {
  const YAML::Node node = parent[key];
  if (!node) return;
  if (!node.IsScalar()) {
    problem(node, join(path, key), "expected a text value, found " + describe(node));
    return;
  }
  value = node.Scalar();
}

void Validator::boolean(const YAML::Node& parent, const std::string& key, const std::string& path, bool& value) {
  const YAML::Node node = parent[key];
  if (!node) return;
  if (node.IsScalar() && (node.Scalar() == "true" || node.Scalar() == "false")) {
    value = node.Scalar() == "true";
    return;
  }
  problem(node, join(path, key), "expected true or false, found " + describe(node));
}

int Validator::choice(const YAML::Node& parent, const std::string& key, const std::string& path,
                      const std::vector<std::string>& choices) {
  const YAML::Node node = parent[key];
  if (!node) return -1;
  if (node.IsScalar())
    for (std::size_t i = 0; i < choices.size(); ++i)
      if (choices[i] == node.Scalar()) return static_cast<int>(i);
  std::string message = "expected one of: " + choices_text(choices) + "; found " + describe(node);
  if (node.IsScalar()) {
    const std::string hint = closest_name(node.Scalar(), choices);
    if (!hint.empty()) message += " (did you mean '" + hint + "'?)";
  }
  problem(node, join(path, key), message);
  return -2;
}

std::string Validator::join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

bool Validator::parse_number(const YAML::Node& node, double& v) {
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

bool Validator::in_range(double v, double lo, double hi, bool lo_open) {
  return (lo_open ? v > lo : v >= lo) && v <= hi;
}

std::string Validator::range_text(double lo, double hi, bool lo_open) {
  std::string text = (lo_open ? "> " : ">= ") + format_number(lo);
  if (std::isfinite(hi)) text += " and <= " + format_number(hi);
  return text;
}

}  // namespace vct::io
