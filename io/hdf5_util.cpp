// SPDX-License-Identifier: MIT
#include "io/hdf5_util.hpp"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <mutex>

#include "core/error.hpp"

namespace vct::io::h5 {

namespace {

std::mutex g_diagnostics_mutex;
std::string g_diagnostics;  // the last failure's stack, from whichever thread wrote
int g_errno = 0;            // the OS error behind it (0: none named)

/// Appends one line per record of the current HDF5 error stack and keeps the first OS errno.
herr_t collect_record(unsigned n, const H5E_error2_t* e, void* data) {
  auto* out = static_cast<std::pair<std::string, int>*>(data);
  const char* description = e->desc ? e->desc : "";
  char line[1024];
  std::snprintf(line, sizeof line, "  #%03u: %s line %u in %s(): %s\n", n, e->file_name ? e->file_name : "?", e->line,
                e->func_name ? e->func_name : "?", description);
  out->first += line;
  if (out->second == 0)
    if (const char* at = std::strstr(description, "errno = ")) out->second = std::atoi(at + 8);
  return 0;
}

/// Plain words for the OS error behind an HDF5 failure (empty when HDF5 named none).
std::string cause_of(int os_errno) {
  switch (os_errno) {
    case 0:
      return "";
    case ENOSPC:
      return "no space left on the device";
    case EDQUOT:
      return "disk quota exceeded";
    case EFBIG:
      return "file size limit exceeded (ulimit -f, or the file system's largest file)";
    case EACCES:
    case EPERM:
      return "permission denied";
    case ENOENT:
      return "no such file or folder";
    case EROFS:
      return "read-only file system";
    case EAGAIN:
      return "the file is locked by another process (close it there; on file systems without locks set "
             "HDF5_USE_FILE_LOCKING=FALSE)";
    case EIO:
      return "input/output error on the device";
    default:
      return std::strerror(os_errno);
  }
}

[[noreturn]] void throw_hdf5_failure(const std::string& what) {
  std::pair<std::string, int> stack{"", 0};
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, collect_record, &stack);
  H5Eclear2(H5E_DEFAULT);
  {
    std::lock_guard<std::mutex> lock(g_diagnostics_mutex);
    g_diagnostics = stack.first;
    g_errno = stack.second;
  }
  const std::string cause = cause_of(stack.second);
  throw Error(ErrorKind::kIo, "HDF5: cannot " + what + (cause.empty() ? "" : ": " + cause));
}

}  // namespace

void silence_errors() {
  thread_local bool done = false;
  if (!done) H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  done = true;
}

void skip_exit_cleanup() { H5dont_atexit(); }

int last_os_error() {
  std::lock_guard<std::mutex> lock(g_diagnostics_mutex);
  return g_errno;
}

std::string last_diagnostics() {
  std::lock_guard<std::mutex> lock(g_diagnostics_mutex);
  return g_diagnostics;
}

Handle::Handle(hid_t id, herr_t (*close)(hid_t), const std::string& what) : id_(id), close_(close) {
  if (id_ < 0) throw_hdf5_failure(what);
}
Handle::~Handle() {
  if (id_ >= 0) close_(id_);
}

void check(herr_t status, const std::string& what) {
  if (status < 0) throw_hdf5_failure(what);
}

namespace {
hid_t vlen_string_type() {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  return t;
}

template <class T>
void attr_scalar(hid_t obj, const char* name, hid_t type, T value) {
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  if (H5Aexists(obj, name) > 0) check(H5Adelete(obj, name), std::string("replace attribute ") + name);
  Handle attr(H5Acreate2(obj, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              std::string("create attribute ") + name);
  check(H5Awrite(attr.get(), type, &value), std::string("write attribute ") + name);
}

void pack_rows(const std::vector<Column>& columns, const std::vector<std::size_t>& offsets, std::size_t row_size,
               std::size_t rows, std::vector<unsigned char>& buffer) {
  buffer.assign(row_size * rows, 0);
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t k = 0; k < columns.size(); ++k) {
      unsigned char* at = buffer.data() + r * row_size + offsets[k];
      if (columns[k].is_text) {
        const char* p = columns[k].text[r].c_str();
        std::memcpy(at, &p, sizeof p);
      } else {
        std::memcpy(at, &columns[k].number[r], sizeof(double));
      }
    }
}

hid_t make_compound(const std::vector<std::pair<std::string, bool>>& layout, hid_t str,
                    std::vector<std::size_t>& offsets, std::size_t& row_size) {
  offsets.clear();
  row_size = 0;
  for (const auto& c : layout) {
    offsets.push_back(row_size);
    row_size += c.second ? sizeof(const char*) : sizeof(double);
  }
  const hid_t type = H5Tcreate(H5T_COMPOUND, row_size);
  for (std::size_t k = 0; k < layout.size(); ++k)
    H5Tinsert(type, layout[k].first.c_str(), offsets[k], layout[k].second ? str : H5T_NATIVE_DOUBLE);
  return type;
}
}  // namespace

void attr_string(hid_t obj, const char* name, const std::string& value) {
  Handle type(vlen_string_type(), H5Tclose, "create string type");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  if (H5Aexists(obj, name) > 0) check(H5Adelete(obj, name), std::string("replace attribute ") + name);
  Handle attr(H5Acreate2(obj, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose,
              std::string("create attribute ") + name);
  const char* data = value.c_str();
  check(H5Awrite(attr.get(), type.get(), &data), std::string("write attribute ") + name);
}
void attr_double(hid_t obj, const char* name, double value) { attr_scalar(obj, name, H5T_NATIVE_DOUBLE, value); }
void attr_int(hid_t obj, const char* name, long long value) { attr_scalar(obj, name, H5T_NATIVE_LLONG, value); }

void dataset_string(hid_t parent, const char* name, const std::string& value) {
  Handle type(vlen_string_type(), H5Tclose, "create string type");
  Handle space(H5Screate(H5S_SCALAR), H5Sclose, "create scalar space");
  Handle set(H5Dcreate2(parent, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
             std::string("create dataset ") + name);
  const char* data = value.c_str();
  check(H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, &data), std::string("write ") + name);
}

void dataset_vector(hid_t parent, const std::string& name, const std::vector<double>& data, const std::string& units) {
  const hsize_t dims[1] = {data.size()};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create space for " + name);
  Handle set(H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
             H5Dclose, "create dataset " + name);
  if (!data.empty())
    check(H5Dwrite(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data.data()), "write " + name);
  attr_string(set.get(), "units", units);
}

hid_t create_group(hid_t parent, const std::string& name) {
  const hid_t g = H5Gcreate2(parent, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (g < 0) throw Error(ErrorKind::kIo, "HDF5: cannot create group " + name);
  return g;
}

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

Column text_column(const std::string& name, std::vector<std::string> values) {
  return {name, true, std::move(values), {}};
}
Column number_column(const std::string& name, std::vector<double> values) {
  return {name, false, {}, std::move(values)};
}

void compound_table(hid_t parent, const std::string& name, const std::vector<Column>& columns, std::size_t rows) {
  std::vector<std::pair<std::string, bool>> layout;
  for (const auto& c : columns) layout.emplace_back(c.name, c.is_text);
  std::vector<std::size_t> offsets;
  std::size_t row_size = 0;
  Handle str(vlen_string_type(), H5Tclose, "create string type");
  Handle type(make_compound(layout, str.get(), offsets, row_size), H5Tclose, "create compound type for " + name);
  std::vector<unsigned char> buffer;
  pack_rows(columns, offsets, row_size, rows, buffer);
  const hsize_t dims[1] = {rows};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose, "create space for " + name);
  Handle set(H5Dcreate2(parent, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose,
             "create table " + name);
  if (rows > 0) check(H5Dwrite(set.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer.data()), "write " + name);
}

AppendableTable::AppendableTable(hid_t parent, const std::string& name,
                                 const std::vector<std::pair<std::string, bool>>& layout)
    : layout_(layout),
      str_(vlen_string_type(), H5Tclose, "create string type"),
      type_(make_compound(layout, str_.get(), offsets_, row_size_), H5Tclose, "create compound type for " + name),
      set_(
          [&] {
            const hsize_t dims[1] = {0}, max[1] = {H5S_UNLIMITED}, chunk[1] = {kChunkRows};
            Handle space(H5Screate_simple(1, dims, max), H5Sclose, "create space for " + name);
            Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
            check(H5Pset_chunk(plist.get(), 1, chunk), "chunk " + name);
            return H5Dcreate2(parent, name.c_str(), type_.get(), space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT);
          }(),
          H5Dclose, "create table " + name) {}

namespace {
/// Chunks of `chunk` rows newly touched when `rows` rows are appended after `before`.
std::size_t new_chunks(hsize_t before, std::size_t rows, hsize_t chunk) {
  const auto ceil_div = [chunk](hsize_t v) { return (v + chunk - 1) / chunk; };
  return static_cast<std::size_t>(ceil_div(before + rows) - ceil_div(before));
}
}  // namespace

std::size_t AppendableTable::allocation_bound(std::size_t rows) const {
  return new_chunks(rows_, rows, kChunkRows) * kChunkRows * row_size_;
}

std::size_t AppendableMatrix::allocation_bound(std::size_t rows) const {
  return new_chunks(rows_, rows, chunk_rows_) * chunk_rows_ * columns_ * sizeof(double);
}

void AppendableTable::append(const std::vector<Column>& columns, std::size_t rows) {
  // The columns must be the declared layout, each with `rows` values: a column left short would
  // otherwise be read past its end into the file.
  if (columns.size() != layout_.size())
    throw Error(ErrorKind::kInternal, "table append: " + std::to_string(columns.size()) + " columns for a layout of " +
                                          std::to_string(layout_.size()));
  for (std::size_t k = 0; k < columns.size(); ++k) {
    const std::size_t n = columns[k].is_text ? columns[k].text.size() : columns[k].number.size();
    if (columns[k].name != layout_[k].first || columns[k].is_text != layout_[k].second || n != rows)
      throw Error(ErrorKind::kInternal, "table append: column " + std::to_string(k) + " '" + columns[k].name + "' (" +
                                            std::to_string(n) + " values) does not match '" + layout_[k].first +
                                            "' with " + std::to_string(rows) + " rows");
  }
  if (rows == 0) return;
  std::vector<unsigned char> buffer;
  pack_rows(columns, offsets_, row_size_, rows, buffer);
  const hsize_t new_size[1] = {rows_ + rows};
  check(H5Dset_extent(set_.get(), new_size), "extend table");
  Handle file_space(H5Dget_space(set_.get()), H5Sclose, "get table space");
  const hsize_t start[1] = {rows_}, count[1] = {rows};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), "select rows");
  Handle mem_space(H5Screate_simple(1, count, nullptr), H5Sclose, "create memory space");
  check(H5Dwrite(set_.get(), type_.get(), mem_space.get(), file_space.get(), H5P_DEFAULT, buffer.data()),
        "append rows");
  rows_ += rows;
}

AppendableMatrix::AppendableMatrix(hid_t parent, const std::string& name, hsize_t columns, const std::string& units,
                                   const std::string& long_name, hsize_t chunk_rows)
    : columns_(columns),
      chunk_rows_(std::max<hsize_t>(1, chunk_rows)),
      set_(
          [&] {
            const hsize_t dims[2] = {0, columns}, max[2] = {H5S_UNLIMITED, columns},
                          chunk[2] = {std::max<hsize_t>(1, chunk_rows), std::max<hsize_t>(1, columns)};
            Handle space(H5Screate_simple(2, dims, max), H5Sclose, "create space for " + name);
            Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
            check(H5Pset_chunk(plist.get(), 2, chunk), "chunk " + name);
            check(H5Pset_shuffle(plist.get()), "shuffle " + name);
            check(H5Pset_deflate(plist.get(), 4), "deflate " + name);
            return H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space.get(), H5P_DEFAULT, plist.get(), H5P_DEFAULT);
          }(),
          H5Dclose, "create dataset " + name) {
  attr_string(set_.get(), "units", units);
  attr_string(set_.get(), "long_name", long_name);
  attr_string(set_.get(), "dims", "patient, time");
}

void AppendableMatrix::append(const double* data, hsize_t rows) {
  if (rows == 0) return;
  const hsize_t new_size[2] = {rows_ + rows, columns_};
  check(H5Dset_extent(set_.get(), new_size), "extend dataset");
  Handle file_space(H5Dget_space(set_.get()), H5Sclose, "get dataset space");
  const hsize_t start[2] = {rows_, 0}, count[2] = {rows, columns_};
  check(H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr), "select rows");
  Handle mem_space(H5Screate_simple(2, count, nullptr), H5Sclose, "create memory space");
  check(H5Dwrite(set_.get(), H5T_NATIVE_DOUBLE, mem_space.get(), file_space.get(), H5P_DEFAULT, data), "append rows");
  rows_ += rows;
}

void write_model_tables(hid_t file, const ModelDefinition& model, const std::vector<double>& params) {
  Handle group(create_group(file, "model"), H5Gclose, "create /model");
  std::vector<std::string> names, units, descriptions, sources, compartments;
  std::vector<double> values, defaults, lower, upper;
  for (std::size_t k = 0; k < model.parameters().size(); ++k) {
    const auto& row = model.parameters()[k];
    names.push_back(row.name);
    units.push_back(row.unit);
    descriptions.push_back(row.description);
    sources.push_back(row.source);
    values.push_back(params[k]);
    defaults.push_back(row.value);
    lower.push_back(row.lower);
    upper.push_back(row.upper);
  }
  compound_table(group.get(), "parameters",
                 {text_column("name", names), text_column("unit", units), number_column("value", values),
                  number_column("default", defaults), number_column("lower", lower), number_column("upper", upper),
                  text_column("description", descriptions), text_column("source", sources)},
                 names.size());
  names.clear();
  units.clear();
  descriptions.clear();
  for (const auto& s : model.states()) {
    names.push_back(s.name);
    units.push_back(s.unit);
    compartments.push_back(s.compartment);
    descriptions.push_back(s.description);
  }
  compound_table(group.get(), "states",
                 {text_column("name", names), text_column("unit", units), text_column("compartment", compartments),
                  text_column("description", descriptions)},
                 names.size());
}

}  // namespace vct::io::h5
