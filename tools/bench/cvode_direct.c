/* SPDX-License-Identifier: MIT
 * Reference: SUNDIALS CVODE called directly, as a modeller would without this engine: BDF, dense
 * linear solver, CVODE's own difference-quotient Jacobian, the model's right-hand side through the
 * C API, restarts at doses. Reads a problem file from vct_export_problems and writes, per patient,
 * the diameter at the horizon and the wall time. usage: cvode_direct PROBLEMS.h5 OUT.txt */
#include <cvode/cvode.h>
#include <hdf5.h>
#include <nvector/nvector_serial.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sunlinsol/sunlinsol_dense.h>
#include <sunmatrix/sunmatrix_dense.h>
#include <time.h>

#include "tools/capi/vct_capi.h"

static char g_model[64];
static hsize_t g_n_events;
static double *g_event_state, *g_event_threshold, *g_event_reset;

static int rhs(double t, N_Vector y, N_Vector ydot, void* params) {
  return vct_rhs(g_model, t, N_VGetArrayPointer(y), (const double*)params, N_VGetArrayPointer(ydot)) == 0 ? 0 : -1;
}

/* The model's threshold events (tumour eradication): a state falling through its threshold. */
static int roots(double t, N_Vector y, double* g, void* params) {
  (void)t;
  (void)params;
  for (hsize_t e = 0; e < g_n_events; ++e) g[e] = N_VGetArrayPointer(y)[(long)g_event_state[e]] - g_event_threshold[e];
  return 0;
}

static double* read_all(hid_t f, const char* name, hsize_t* n_out, hsize_t* cols_out) {
  hid_t set = H5Dopen2(f, name, H5P_DEFAULT), space = H5Dget_space(set);
  hsize_t dims[2] = {0, 1};
  int nd = H5Sget_simple_extent_dims(space, dims, NULL);
  hsize_t total = dims[0] * (nd == 2 ? dims[1] : 1);
  double* data = malloc(sizeof(double) * (total ? total : 1));
  if (total) H5Dread(set, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, data);
  if (n_out) *n_out = dims[0];
  if (cols_out) *cols_out = nd == 2 ? dims[1] : 1;
  H5Sclose(space);
  H5Dclose(set);
  return data;
}

static double attr_double(hid_t f, const char* name) {
  double v = 0;
  hid_t a = H5Aopen(f, name, H5P_DEFAULT);
  H5Aread(a, H5T_NATIVE_DOUBLE, &v);
  H5Aclose(a);
  return v;
}

int main(int argc, char** argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: %s PROBLEMS.h5 OUT.txt\n", argv[0]);
    return 1;
  }
  hid_t f = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) return 2;
  hid_t a = H5Aopen(f, "model", H5P_DEFAULT), t = H5Aget_type(a);
  char* model = NULL;
  H5Aread(a, t, &model);
  strncpy(g_model, model, sizeof g_model - 1);
  H5free_memory(model);
  H5Tclose(t);
  H5Aclose(a);
  const double horizon = attr_double(f, "horizon_day"), rtol = attr_double(f, "rtol"), atol = attr_double(f, "atol");
  hsize_t n = 0, np = 0, ns = 0, nd = 0;
  double* P = read_all(f, "parameters", &n, &np);
  double* Y0 = read_all(f, "initial_state", NULL, &ns);
  double* dose_t = read_all(f, "dose_time_day", &nd, NULL);
  double* dose_i = read_all(f, "dose_state_index", NULL, NULL);
  double* dose_d = read_all(f, "dose_delta", NULL, NULL);
  double* offsets = read_all(f, "dose_offsets", NULL, NULL);
  g_event_state = read_all(f, "event_state_index", &g_n_events, NULL);
  g_event_threshold = read_all(f, "event_threshold", NULL, NULL);
  g_event_reset = read_all(f, "event_reset", NULL, NULL);
  H5Fclose(f);
  if (g_n_events > 8) {
    fprintf(stderr, "cvode_direct: at most 8 model events supported, found %llu\n", (unsigned long long)g_n_events);
    return 2;
  }
  FILE* out = fopen(argv[2], "w");
  SUNContext ctx;
  SUNContext_Create(NULL, &ctx);
  for (hsize_t k = 0; k < n; ++k) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    N_Vector y = N_VNew_Serial((sunindextype)ns, ctx);
    memcpy(N_VGetArrayPointer(y), Y0 + k * ns, sizeof(double) * ns);
    SUNMatrix A = SUNDenseMatrix((sunindextype)ns, (sunindextype)ns, ctx);
    SUNLinearSolver LS = SUNLinSol_Dense(y, A, ctx);
    void* mem = CVodeCreate(CV_BDF, ctx);
    CVodeInit(mem, rhs, 0.0, y);
    CVodeSStolerances(mem, rtol, atol);
    CVodeSetUserData(mem, P + k * np);
    CVodeSetLinearSolver(mem, LS, A);
    CVodeSetMaxNumSteps(mem, 1000000);
    int direction[8] = {-1, -1, -1, -1, -1, -1, -1, -1}, found[8];
    if (g_n_events > 0) {
      CVodeRootInit(mem, (int)g_n_events, roots);
      CVodeSetRootDirection(mem, direction);
    }
    long steps = 0, segment_steps = 0;
    double tc = 0.0;
    long first = (long)offsets[k], last = (long)offsets[k + 1], next = first;
    int status = 0;
    while (1) {
      while (next < last && dose_t[next] <= tc + 1e-9) {
        N_VGetArrayPointer(y)[(long)dose_i[next]] += dose_d[next];
        ++next;
      }
      CVodeReInit(mem, tc, y);
      double target = next < last ? dose_t[next] : horizon;
      if (target > horizon) target = horizon;
      CVodeSetStopTime(mem, target);
      int flag;
      while ((flag = CVode(mem, target, y, &tc, CV_NORMAL)) == CV_ROOT_RETURN) {
        CVodeGetRootInfo(mem, found);
        for (hsize_t e = 0; e < g_n_events; ++e)
          if (found[e]) N_VGetArrayPointer(y)[(long)g_event_state[e]] = g_event_reset[e];
        CVodeGetNumSteps(mem, &segment_steps);
        steps += segment_steps;
        CVodeReInit(mem, tc, y);
      }
      CVodeGetNumSteps(mem, &segment_steps);
      steps += segment_steps;
      if (flag < 0) {
        status = 1;
        break;
      }
      if (tc >= horizon - 1e-12) break;
    }
    double diameter = -1;
    vct_tumour_diameter_cm(g_model, N_VGetArrayPointer(y), P + k * np, &diameter);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    fprintf(out, "%llu %.17g %.6g %d %ld\n", (unsigned long long)k, diameter,
            (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec), status, steps);
    CVodeFree(&mem);
    SUNLinSolFree(LS);
    SUNMatDestroy(A);
    N_VDestroy(y);
  }
  SUNContext_Free(&ctx);
  fclose(out);
  free(P);
  free(Y0);
  free(dose_t);
  free(dose_i);
  free(dose_d);
  free(offsets);
  free(g_event_state);
  free(g_event_threshold);
  free(g_event_reset);
  return 0;
}
