// SPDX-License-Identifier: MIT
// The result file is self-describing: units on every series, model tables, the scenario verbatim
// and resolved, provenance, and a completion flag; values equal what the run computed.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <string>

#include "app/run_scenario.hpp"
#include "io/hdf5_util.hpp"
#include "io/hdf5_writer.hpp"
#include "io/scenario/loader.hpp"
#include "models/registry.hpp"

namespace vct::io {
namespace {

std::string read_string_attr(hid_t obj, const char* name) {
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  EXPECT_GE(attr, 0) << name;
  const hid_t type = H5Aget_type(attr);
  char* value = nullptr;
  const hid_t mem = H5Tcopy(H5T_C_S1);
  H5Tset_size(mem, H5T_VARIABLE);
  H5Tset_cset(mem, H5T_CSET_UTF8);
  EXPECT_GE(H5Aread(attr, mem, &value), 0);
  std::string text = value ? value : "";
  H5free_memory(value);
  H5Tclose(mem);
  H5Tclose(type);
  H5Aclose(attr);
  return text;
}

int read_int_attr(hid_t obj, const char* name) {
  int v = -1;
  const hid_t attr = H5Aopen(obj, name, H5P_DEFAULT);
  H5Aread(attr, H5T_NATIVE_INT, &v);
  H5Aclose(attr);
  return v;
}

TEST(Hdf5Output, SelfDescribingSinglePatientFile) {
  const std::string scenario_path = std::string(VCT_SOURCE_DIR) + "/scenarios/example1_nivolumab_3mgkg_q2w.yaml";
  const LoadedScenario loaded = load_scenario_file(scenario_path);
  const ModelDefinition& model = models::get_model(loaded.scenario.model);
  const auto params = resolve_parameters(model, loaded.scenario);
  const PatientRun run = run_single_patient(model, loaded.scenario, params);
  ASSERT_EQ(run.status, PatientStatus::kOk);
  const std::string path = (std::filesystem::temp_directory_path() / "vct_test_example1.h5").string();
  RunInfo run_info = make_run_info("vct run example", scenario_path, loaded);
  run_info.software_version = "test-version";
  write_patient_result(path, model, loaded.scenario, params, run, run_info);

  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  EXPECT_EQ(read_int_attr(file, "is_complete"), 1);
  EXPECT_EQ(read_string_attr(file, "software_version"), "test-version");
  EXPECT_EQ(read_string_attr(file, "model_id"), "qspio2020_example1");
  EXPECT_EQ(read_string_attr(file, "format"), "vct-results");

  const hid_t diameter = H5Dopen2(file, "/outputs/tumour_diameter_cm", H5P_DEFAULT);
  ASSERT_GE(diameter, 0);
  EXPECT_EQ(read_string_attr(diameter, "units"), "cm");
  const hid_t space = H5Dget_space(diameter);
  hsize_t dims[2] = {0, 0};
  ASSERT_EQ(H5Sget_simple_extent_ndims(space), 2);
  H5Sget_simple_extent_dims(space, dims, nullptr);
  EXPECT_EQ(dims[0], 1u);
  EXPECT_EQ(dims[1], 401u);
  std::vector<double> values(401);
  H5Dread(diameter, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  const std::size_t no = model.outputs().size();
  const std::size_t d = static_cast<std::size_t>(model.output_index("tumour_diameter_cm"));
  for (std::size_t k = 0; k < 401; k += 50) EXPECT_EQ(values[k], run.trajectory.outputs[k * no + d]);
  H5Sclose(space);
  H5Dclose(diameter);

  const hid_t state = H5Dopen2(file, "/states/V_T.C1", H5P_DEFAULT);
  ASSERT_GE(state, 0);
  EXPECT_EQ(read_string_attr(state, "units"), "cell");
  H5Dclose(state);
  H5G_info_t info;
  const hid_t states = H5Gopen2(file, "/states", H5P_DEFAULT);
  H5Gget_info(states, &info);
  EXPECT_EQ(info.nlinks, 50u);
  H5Gclose(states);

  const hid_t time = H5Dopen2(file, "/time", H5P_DEFAULT);
  EXPECT_EQ(read_string_attr(time, "units"), "day");
  H5Dclose(time);

  for (const char* required :
       {"/scenario/source", "/scenario/resolved", "/model/parameters", "/model/states", "/patients", "/events"})
    EXPECT_GT(H5Lexists(file, required, H5P_DEFAULT), 0) << required;
  H5Fclose(file);
  std::filesystem::remove(path);
}

TEST(Hdf5Output, UnwritableLocationIsAnIoError) {
  const LoadedScenario loaded = load_scenario_text("schema_version: 1\nmodel: qspio2020_example1\n", "x.yaml");
  const ModelDefinition& model = models::get_model("qspio2020_example1");
  PatientRun run;
  try {
    write_patient_result("/nonexistent-folder/out.h5", model, loaded.scenario, model.default_parameters(), run, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kIo);
    EXPECT_NE(std::string(e.what()).find("/nonexistent-folder/out.h5"), std::string::npos) << e.what();
  }
}

TEST(Hdf5Output, TableAppendRefusesColumnsThatDoNotMatchItsLayout) {
  // A column with fewer values than rows would be read past its end; a renamed or missing column
  // would land under another name. Each is an internal error, and a matching append writes 2 rows.
  const std::string path = (std::filesystem::temp_directory_path() / "vct_table_layout.h5").string();
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  {
    h5::AppendableTable table(file, "t", {{"a", false}, {"b", false}});
    const auto short_b = [] {
      return std::vector<h5::Column>{h5::number_column("a", {1, 2}), h5::number_column("b", {1})};
    };
    EXPECT_THROW(table.append(short_b(), 2), Error);
    EXPECT_THROW(table.append({h5::number_column("a", {1, 2}), h5::number_column("c", {3, 4})}, 2), Error);
    EXPECT_THROW(table.append({h5::number_column("a", {1, 2})}, 2), Error);
    table.append({h5::number_column("a", {1, 2}), h5::number_column("b", {3, 4})}, 2);
    hsize_t rows = 0;
    const hid_t space = H5Dget_space(table.dataset());
    H5Sget_simple_extent_dims(space, &rows, nullptr);
    H5Sclose(space);
    EXPECT_EQ(rows, 2u);
  }
  H5Fclose(file);
  std::filesystem::remove(path);
}

TEST(Hdf5Output, AllocationBoundCountsTheWholeChunksAnAppendStarts) {
  // The writer's space check (trial_writer.cpp, check_room) counts what an append makes the file
  // allocate: every chunk the new rows start, whole, not just the rows' bytes.
  const std::string path = (std::filesystem::temp_directory_path() / "vct_allocation_bound.h5").string();
  const hid_t file = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  {
    // Table of two numbers: a row is 8 + 8 = 16 bytes, a chunk 256 rows x 16 = 4096 bytes.
    h5::AppendableTable table(file, "t", {{"a", false}, {"b", false}});
    EXPECT_EQ(table.allocation_bound(0), 0u);
    EXPECT_EQ(table.allocation_bound(1), 4096u);    // 1 row starts chunk 1
    EXPECT_EQ(table.allocation_bound(256), 4096u);  // fills chunk 1 exactly
    EXPECT_EQ(table.allocation_bound(257), 8192u);  // and 1 row into chunk 2
    table.append({h5::number_column("a", {1, 2}), h5::number_column("b", {3, 4})}, 2);
    EXPECT_EQ(table.allocation_bound(254), 0u);     // rows 3-256 are in chunk 1, already allocated
    EXPECT_EQ(table.allocation_bound(255), 4096u);  // row 257 starts chunk 2
    // Matrix of 3 columns in chunks of 64 rows: 64 x 3 x 8 = 1536 bytes a chunk.
    h5::AppendableMatrix matrix(file, "m", 3, "1", "test matrix", 64);
    EXPECT_EQ(matrix.allocation_bound(1), 1536u);
    EXPECT_EQ(matrix.allocation_bound(65), 3072u);  // 64 + 1 rows: 2 chunks
    const std::vector<double> ten_rows(10 * 3, 1.0);
    matrix.append(ten_rows.data(), 10);
    EXPECT_EQ(matrix.allocation_bound(54), 0u);      // rows 11-64: chunk 1
    EXPECT_EQ(matrix.allocation_bound(55), 1536u);   // row 65: chunk 2
    EXPECT_EQ(matrix.allocation_bound(183), 4608u);  // rows 11-193 reach chunk 4: 3 new chunks
  }
  H5Fclose(file);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace vct::io
