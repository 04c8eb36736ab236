// SPDX-License-Identifier: MIT
// The checker behind every YAML input (scenarios, the validation suite, calibration files): it
// walks a document and collects problems located by file, line, column and key path, instead of
// stopping at the first.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "core/error.hpp"

namespace vct::io {

/// One problem found in an input file, located by file, line and column (1-based).
struct ScenarioProblem {
  std::string file;
  int line = 0;
  int column = 0;
  std::string key_path;        ///< e.g. "treatment[0].dose_mg"
  std::string message;         ///< e.g. "expected a number > 0, found -3"
  std::string format() const;  ///< "file:line:column: key.path: message"
};

/// Thrown with every problem of a file at once (not just the first), in file order.
class ScenarioError : public Error {
 public:
  explicit ScenarioError(std::vector<ScenarioProblem> problems);
  const std::vector<ScenarioProblem>& problems() const { return problems_; }

 private:
  std::vector<ScenarioProblem> problems_;
};

/// What a node holds, for messages: 'text', a list, a mapping, nothing (null).
std::string describe(const YAML::Node& node);
/// A number as messages show it (shortest form: 0.1, 1e-06, 100000).
std::string format_number(double v);
/// A whole count with every digit (1e11 -> "100000000000").
std::string format_count(double v);

/// Parses YAML text; a syntax error becomes a ScenarioError at its line and column.
YAML::Node parse_yaml(const std::string& text, const std::string& name);
/// Reads and parses a file; Error(kIo) when it cannot be opened.
YAML::Node parse_yaml_file(const std::string& path);
/// The file's text; Error(kIo) when it cannot be opened.
std::string read_text_file(const std::string& path);

/// Walks one document, collecting problems. Readers leave the target untouched when the key is
/// absent or its value is rejected (the target holds the default). Not thread-safe (one per file).
class Validator {
 public:
  explicit Validator(std::string file) : file_(std::move(file)) {}

  void problem(const YAML::Node& node, const std::string& path, const std::string& message);
  /// A problem in another file the document names (e.g. a CSV of scans), at its line and column.
  void problem_in(const std::string& file, int line, int column, const std::string& path, const std::string& message);
  const std::vector<ScenarioProblem>& problems() const { return problems_; }
  /// The document's name as given (a path for files): other files it names are read relative to it.
  const std::string& file() const { return file_; }
  /// Problems so far (compare before and after a read to know whether it was accepted).
  std::size_t count() const { return problems_.size(); }
  /// Throws ScenarioError with every problem, if there is any.
  void throw_if_problems() const;

  /// Rejects keys outside `allowed` (with a "did you mean" hint) and repeated keys.
  void check_keys(const YAML::Node& map, const std::string& path, const std::vector<std::string>& allowed);
  /// True when `node` is a mapping; otherwise reports it.
  bool is_map(const YAML::Node& node, const std::string& path);
  /// Reads parent[key] as a number in [lo, hi] ((lo, hi] when lo_open).
  void number(const YAML::Node& parent, const std::string& key, const std::string& path, double& value, double lo,
              double hi, bool lo_open = false);
  /// Reads parent[key] as a whole number in [lo, hi].
  void integer(const YAML::Node& parent, const std::string& key, const std::string& path, long& value, long lo,
               long hi);
  void string(const YAML::Node& parent, const std::string& key, const std::string& path, std::string& value);
  void boolean(const YAML::Node& parent, const std::string& key, const std::string& path, bool& value);
  /// Reads one of `choices`: its index; -1 when the key is absent, -2 when the value is rejected.
  int choice(const YAML::Node& parent, const std::string& key, const std::string& path,
             const std::vector<std::string>& choices);

  /// "path.key" (or "key" at the top level).
  static std::string join(const std::string& path, const std::string& key);
  /// A finite number written as a scalar; false for anything else.
  static bool parse_number(const YAML::Node& node, double& v);
  static bool in_range(double v, double lo, double hi, bool lo_open);
  /// ">= lo and <= hi", "> lo" ...
  static std::string range_text(double lo, double hi, bool lo_open);

 private:
  std::string file_;
  std::vector<ScenarioProblem> problems_;
};

}  // namespace vct::io
