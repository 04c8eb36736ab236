// SPDX-License-Identifier: MIT
// What identifies a run, so that `vct run --resume` and `vct merge` never mix results of different
// runs: hashes of the resolved scenario (without threads, batch size and output file), of the
// calibration file and of the sampled population, and the software version. Every result and part
// file records them (docs/output-format.md).
#pragma once

#include <cstddef>
#include <string>

#include "core/population.hpp"
#include "io/hdf5_writer.hpp"

namespace vct::io {

/// FNV-1a 64-bit hash of `text` as 16 hex digits (detects changes; not a security hash).
std::string text_hash(const std::string& text);

/// FNV-1a 64-bit hash of the population's column names, drugs and sampled values (bit patterns).
std::string population_hash(const Population& population);

struct RunIdentity {
  std::string path;
  bool readable = false;
  std::string problem;  ///< why it is not readable
  bool locked = false;  ///< not readable because another process holds it open for writing
  bool is_trial = false;
  bool complete = false;
  long long n_candidates = 0;
  long long n_written = 0;
  std::string software_version;
  std::string scenario_hash;
  std::string calibration_hash;
  std::string calibration_path;
  std::string population_hash;
  std::string identity_yaml;
};

/// The identity a run with `info` and `population` writes.
RunIdentity current_identity(const RunInfo& info, const Population& population);

/// Reads a result or part file's identity; never throws: an unreadable file gives readable = false
/// and the reason in `problem`.
RunIdentity read_run_identity(const std::string& path);

/// Empty when `earlier` (read from a file) and `now` are the same run; otherwise one sentence per
/// difference (software version, calibration, population, first differing scenario line).
std::string describe_mismatch(const RunIdentity& earlier, const RunIdentity& now);

}  // namespace vct::io
