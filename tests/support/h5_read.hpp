// SPDX-License-Identifier: MIT
// Small HDF5 reads for tests that check a result file's layout (rows of a dataset, is_complete).
#pragma once

#include <hdf5.h>

namespace vct::test {

/// Rows (first dimension) of the dataset at `path`; 0 when it does not exist.
inline hsize_t h5_rows(hid_t file, const char* path) {
  if (H5Lexists(file, path, H5P_DEFAULT) <= 0) return 0;
  const hid_t d = H5Dopen2(file, path, H5P_DEFAULT);
  const hid_t space = H5Dget_space(d);
  hsize_t dims[2] = {0, 0};
  H5Sget_simple_extent_dims(space, dims, nullptr);
  H5Sclose(space);
  H5Dclose(d);
  return dims[0];
}

/// The root attribute is_complete (0 when absent).
inline int h5_is_complete(hid_t file) {
  int complete = 0;
  if (H5Aexists(file, "is_complete") <= 0) return 0;
  const hid_t attr = H5Aopen(file, "is_complete", H5P_DEFAULT);
  H5Aread(attr, H5T_NATIVE_INT, &complete);
  H5Aclose(attr);
  return complete;
}

}  // namespace vct::test
