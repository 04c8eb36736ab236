// SPDX-License-Identifier: MIT
// Small RAII layer over the HDF5 C API shared by the result writers.
#pragma once

#include <hdf5.h>

#include <string>
#include <vector>

#include "core/model.hpp"

namespace vct::io::h5 {

/// Owns one HDF5 identifier; throws Error(kIo) naming `what` when the id is invalid.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what);
  ~Handle();
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

/// Throws Error(kIo) "HDF5: cannot <what>: <cause>" when `status` < 0; the cause (no space left,
/// locked by another process, permission denied, ...) is read from the OS error HDF5 recorded.
void check(herr_t status, const std::string& what);

/// Turns off HDF5's automatic error printing for the calling thread (the setting is per thread in
/// thread-safe HDF5 builds); every entry point that calls HDF5 calls this first.
void silence_errors();

/// The HDF5 error stack behind the last failure on any thread (for `vct --verbose`).
std::string last_diagnostics();

/// Keeps HDF5 from closing files in its exit handler. Call first thing in main(): a file whose
/// close failed (disk full) stays open, and HDF5 1.10's exit handler crashes closing it again.
/// Every writer here closes its files itself.
void skip_exit_cleanup();

/// The OS error number (errno) HDF5 recorded for the last failure; 0 when it named none.
int last_os_error();
void attr_string(hid_t obj, const char* name, const std::string& value);
void attr_double(hid_t obj, const char* name, double value);
void attr_int(hid_t obj, const char* name, long long value);
void dataset_string(hid_t parent, const char* name, const std::string& value);
void dataset_vector(hid_t parent, const std::string& name, const std::vector<double>& data, const std::string& units);
hid_t create_group(hid_t parent, const std::string& name);
std::string utc_now();

/// One column of a compound table: text (variable-length UTF-8) or float64.
struct Column {
  std::string name;
  bool is_text = false;
  std::vector<std::string> text;
  std::vector<double> number;
};
Column text_column(const std::string& name, std::vector<std::string> values);
Column number_column(const std::string& name, std::vector<double> values);

/// Fixed-size 1-D compound dataset (reads as a numpy structured array).
void compound_table(hid_t parent, const std::string& name, const std::vector<Column>& columns, std::size_t rows);

/// 1-D compound dataset that grows by appending rows (unlimited, chunked).
class AppendableTable {
 public:
  /// `layout`: column names and whether each is text.
  AppendableTable(hid_t parent, const std::string& name, const std::vector<std::pair<std::string, bool>>& layout);
  void append(const std::vector<Column>& columns, std::size_t rows);
  hid_t dataset() const { return set_.get(); }
  /// Bytes of the chunks an append of `rows` rows allocates (whole chunks of kChunkRows rows; the
  /// text itself lives in the file's heap and is not counted).
  std::size_t allocation_bound(std::size_t rows) const;
  static constexpr hsize_t kChunkRows = 256;

 private:
  std::vector<std::pair<std::string, bool>> layout_;
  std::vector<std::size_t> offsets_;
  std::size_t row_size_ = 0;
  hsize_t rows_ = 0;
  Handle str_;
  Handle type_;
  Handle set_;
};

/// 2-D float64 [row, columns] dataset that grows by rows; chunked by `chunk_rows` rows, shuffle +
/// deflate. A compressed chunk that is appended to is rewritten, and a process killed during that
/// rewrite leaves the chunk unreadable; writers whose appends are whole chunks never rewrite one.
class AppendableMatrix {
 public:
  AppendableMatrix(hid_t parent, const std::string& name, hsize_t columns, const std::string& units,
                   const std::string& long_name, hsize_t chunk_rows = 64);
  void append(const double* rows_major, hsize_t rows);
  /// Bytes of the chunks an append of `rows` rows allocates, uncompressed (an upper bound).
  std::size_t allocation_bound(std::size_t rows) const;

 private:
  hsize_t columns_;
  hsize_t chunk_rows_;
  hsize_t rows_ = 0;
  Handle set_;
};

/// /model/parameters (with the values used) and /model/states.
void write_model_tables(hid_t file, const ModelDefinition& model, const std::vector<double>& params);

}  // namespace vct::io::h5
