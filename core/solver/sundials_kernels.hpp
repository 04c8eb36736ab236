// SPDX-License-Identifier: MIT
// Compiled replacements for the serial N_Vector and CSC SUNMatrix kernels CVODE calls every step.
//
// Debian 12's SUNDIALS 6.4.1 is built without optimisation (its vector loops keep every index on
// the stack), and those loops were half of the engine's time per patient (docs/performance.md).
// SUNDIALS dispatches every vector and matrix operation through a per-object table of function
// pointers precisely so that users can supply their own; clones inherit the table.
#pragma once

#include <nvector/nvector_serial.h>
#include <sunmatrix/sunmatrix_sparse.h>

namespace vct::sundials_kernels {

// Replaces the arithmetic and reduction operations of a serial vector, and enables the fused and
// vector-array operations CVODE uses when present. Call before the vector is cloned.
void install(N_Vector serial_vector);

// Replaces zero, copy and scale-add-identity of a CSC sparse matrix. The in-place fast paths need
// every diagonal entry to be stored (the engine's Jacobian pattern always stores it); any other
// case falls back to SUNDIALS' own routine.
void install(SUNMatrix sparse_matrix);

}  // namespace vct::sundials_kernels
