// SPDX-License-Identifier: MIT
#include "io/run_identity.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <sstream>
#include <vector>

#include "core/error.hpp"
#include "io/hdf5_util.hpp"

namespace vct::io {

using namespace h5;

namespace {

constexpr std::uint64_t kFnvOffset = 14695981039346656037ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

void fnv(std::uint64_t& h, const void* data, std::size_t n) {
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < n; ++i) {
    h ^= p[i];
    h *= kFnvPrime;
  }
}

std::string hex(std::uint64_t h) {
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(h));
  return text;
}

std::string read_string_attr(hid_t obj, const char* name) {
  if (H5Aexists(obj, name) <= 0) return "";
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose, std::string("open attribute ") + name);
  Handle type(H5Aget_type(attr.get()), H5Tclose, "attribute type");
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) <= 0) return "";
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  H5Tset_size(mem.get(), H5T_VARIABLE);
  H5Tset_cset(mem.get(), H5T_CSET_UTF8);
  char* text = nullptr;
  check(H5Aread(attr.get(), mem.get(), &text), std::string("read attribute ") + name);
  std::string out = text ? text : "";
  H5free_memory(text);
  return out;
}

long long read_integer_attr(hid_t obj, const char* name) {
  long long v = 0;
  if (H5Aexists(obj, name) <= 0) return 0;
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose, std::string("open attribute ") + name);
  check(H5Aread(attr.get(), H5T_NATIVE_LLONG, &v), std::string("read attribute ") + name);
  return v;
}

std::string read_string_dataset(hid_t file, const char* path) {
  if (H5Lexists(file, "/scenario", H5P_DEFAULT) <= 0 || H5Lexists(file, path, H5P_DEFAULT) <= 0) return "";
  Handle set(H5Dopen2(file, path, H5P_DEFAULT), H5Dclose, std::string("open ") + path);
  Handle mem(H5Tcopy(H5T_C_S1), H5Tclose, "string type");
  H5Tset_size(mem.get(), H5T_VARIABLE);
  H5Tset_cset(mem.get(), H5T_CSET_UTF8);
  char* text = nullptr;
  check(H5Dread(set.get(), mem.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &text), std::string("read ") + path);
  std::string out = text ? text : "";
  H5free_memory(text);
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(' ');
  return b == std::string::npos ? "" : s.substr(b);
}

}  // namespace

std::string text_hash(const std::string& text) {
  std::uint64_t h = kFnvOffset;
  fnv(h, text.data(), text.size());
  return hex(h);
}

std::string population_hash(const Population& p) {
  std::uint64_t h = kFnvOffset;
  const std::uint64_t n = p.n;
  fnv(h, &n, sizeof n);
  for (std::size_t k = 0; k < p.parameters.size(); ++k) {
    fnv(h, p.parameters[k].c_str(), p.parameters[k].size() + 1);
    const std::string& drug = k < p.drug.size() ? p.drug[k] : std::string();
    fnv(h, drug.c_str(), drug.size() + 1);
  }
  if (!p.values.empty()) fnv(h, p.values.data(), p.values.size() * sizeof(double));
  return hex(h);
}

RunIdentity current_identity(const RunInfo& info, const Population& population) {
  RunIdentity id;
  id.readable = true;
  id.is_trial = true;
  id.n_candidates = static_cast<long long>(population.size());
  id.software_version = info.software_version;
  id.scenario_hash = text_hash(info.identity_yaml);
  id.calibration_hash = info.calibration_hash;
  id.calibration_path = info.calibration_path;
  id.population_hash = population_hash(population);
  id.identity_yaml = info.identity_yaml;
  return id;
}

RunIdentity read_run_identity(const std::string& path) {
  silence_errors();
  RunIdentity id;
  id.path = path;
  try {
    Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open '" + path + "'");
    const hid_t root = file.get();
    id.is_trial = H5Aexists(root, "n_candidates_written") > 0 && H5Lexists(root, "/patients", H5P_DEFAULT) > 0;
    id.complete = read_integer_attr(root, "is_complete") == 1;
    id.n_candidates = read_integer_attr(root, "n_candidates");
    id.n_written = read_integer_attr(root, "n_candidates_written");
    id.software_version = read_string_attr(root, "software_version");
    id.scenario_hash = read_string_attr(root, "scenario_hash");
    id.calibration_hash = read_string_attr(root, "calibration_hash");
    id.calibration_path = read_string_attr(root, "calibration_path");
    id.population_hash = read_string_attr(root, "population_hash");
    id.identity_yaml = read_string_dataset(root, "/scenario/identity");
    id.readable = true;
  } catch (const Error& e) {
    id.problem = e.what();
    id.locked = last_os_error() == EAGAIN;
  }
  return id;
}

std::string describe_mismatch(const RunIdentity& earlier, const RunIdentity& now) {
  if (earlier.scenario_hash.empty())
    return "it records no run identity (written by a vct older than " + now.software_version + ")";
  std::string out;
  auto add = [&](const std::string& sentence) { out += (out.empty() ? "" : "; ") + sentence; };
  if (earlier.software_version != now.software_version)
    add("software version: earlier " + earlier.software_version + ", now " + now.software_version);
  auto calibration = [](const RunIdentity& r) {
    return r.calibration_path.empty() ? std::string("none")
                                      : "'" + r.calibration_path + "' (hash " + r.calibration_hash + ")";
  };
  if (earlier.calibration_hash != now.calibration_hash)
    add("calibration: earlier " + calibration(earlier) + ", now " + calibration(now));
  if (earlier.scenario_hash != now.scenario_hash) {
    const auto a = lines_of(earlier.identity_yaml), b = lines_of(now.identity_yaml);
    std::size_t k = 0;
    while (k < a.size() && k < b.size() && a[k] == b[k]) ++k;
    add("resolved scenario, first difference at line " + std::to_string(k + 1) + ": earlier '" +
        (k < a.size() ? trimmed(a[k]) : std::string("(end)")) + "', now '" +
        (k < b.size() ? trimmed(b[k]) : std::string("(end)")) + "'");
  }
  if (earlier.population_hash != now.population_hash)
    add("sampled population (size, seed, distributions or population file): earlier hash " + earlier.population_hash +
        ", now " + now.population_hash);
  return out;
}

std::string set_aside_name(const std::string& path) {
  const std::string first = path + ".unreadable";
  std::error_code ec;
  std::string name = first;
  for (int n = 2; std::filesystem::exists(name, ec); ++n) name = first + "-" + std::to_string(n);
  return name;
}

SetAsideFile set_aside(const std::string& path, const std::string& problem) {
  SetAsideFile moved{path, set_aside_name(path), problem};
  std::error_code ec;
  std::filesystem::rename(path, moved.to, ec);
  if (ec)
    throw Error(ErrorKind::kIo, "cannot set aside the unreadable '" + path + "' (" + problem + "): renaming it to '" +
                                    moved.to + "' failed: " + ec.message());
  return moved;
}

}  // namespace vct::io
