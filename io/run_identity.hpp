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

/// A result or part file that a resumed run could not read (a process killed while HDF5 was
/// writing it, say), renamed out of the run's way and kept for inspection; its candidates are
/// simulated again.
struct SetAsideFile {
  std::string from;     ///< where it was
  std::string to;       ///< FROM.unreadable (FROM.unreadable-2, -3, ... when that name is taken)
  std::string problem;  ///< why it could not be read
};

/// The name `path` is set aside under: its extension becomes .h5.unreadable[-N], so no listing of
/// result or part files (*.h5) picks it up again.
std::string set_aside_name(const std::string& path);

/// Renames `path` to set_aside_name(path). Throws Error(kIo) when the rename fails (the file is
/// then left where it is). Not for a file another process holds open (RunIdentity::locked).
SetAsideFile set_aside(const std::string& path, const std::string& problem);

}  // namespace vct::io
