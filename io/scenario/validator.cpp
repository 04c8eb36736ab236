// SPDX-License-Identifier: MIT
#include "io/scenario/validator.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
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

/// By file (in the order the files first appear: the document, then a file it names), then by line
/// and column.
std::vector<ScenarioProblem> in_file_order(std::vector<ScenarioProblem> problems) {
  std::map<std::string, std::size_t> rank;
  for (const auto& p : problems) rank.emplace(p.file, rank.size());
  std::stable_sort(problems.begin(), problems.end(), [&](const ScenarioProblem& a, const ScenarioProblem& b) {
    if (a.file != b.file) return rank.at(a.file) < rank.at(b.file);
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

std::string format_count(double v) {
  char text[64];
  std::snprintf(text, sizeof text, "%.0f", v);
  return text;
}

namespace {

/// Length of the well-formed UTF-8 sequence at text[i] (RFC 3629: no overlong forms, no
/// surrogates, at most U+10FFFF), or 0 when the bytes there are not one.
std::size_t utf8_sequence(const std::string& text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return k < text.size() ? static_cast<unsigned char>(text[k]) : 0u; };
  const unsigned b0 = byte(i);
  if (b0 < 0x80) return 1;
  const auto cont = [&](std::size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) {
    const unsigned b = byte(k);
    return k < text.size() && b >= lo && b <= hi;
  };
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(i + 1) ? 2 : 0;
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    const unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;
    return cont(i + 1, lo, hi) && cont(i + 2) ? 3 : 0;
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    const unsigned lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;
    return cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3) ? 4 : 0;
  }
  return 0;
}

/// Every byte of a YAML file must be UTF-8 (HDF5 stores the scenario text and descriptions as
/// UTF-8 strings, issue #19 F2): the first invalid byte is reported at its line and column.
void check_utf8(const std::string& text, const std::string& name) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t n = utf8_sequence(text, i);
    if (n == 0) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", static_cast<unsigned char>(text[i]));
      throw ScenarioError({{name, line, column, "",
                            std::string("not valid UTF-8: byte ") + hex +
                                " does not begin a UTF-8 character (save the file as UTF-8)"}});
    }
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += n;
  }
}

}  // namespace

YAML::Node parse_yaml(const std::string& text, const std::string& name) {
  check_utf8(text, name);
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

void Validator::problem_in(const std::string& file, int line, int column, const std::string& path,
                           const std::string& message) {
  problems_.push_back({file, line, column, path, message});
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
