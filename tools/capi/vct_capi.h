/* SPDX-License-Identifier: MIT
 * Plain C interface to the registered models, so that other solvers (SciPy, CVODE called
 * directly) can integrate exactly the same equations in benchmarks. Returns 0 on success, -1 for
 * an unknown model. Arrays are in the model's state and parameter order (vct states/params). */
#ifndef VCT_CAPI_H
#define VCT_CAPI_H
#ifdef __cplusplus
extern "C" {
#endif
int vct_n_states(const char* model);
int vct_n_parameters(const char* model);
int vct_rhs(const char* model, double t_day, const double* y, const double* p, double* dydt);
/* Dense Jacobian df/dy, column-major n x n (exact, forward-mode AD). */
int vct_jacobian(const char* model, double t_day, const double* y, const double* p, double* jac);
int vct_tumour_diameter_cm(const char* model, const double* y, const double* p, double* diameter);
#ifdef __cplusplus
}
#endif
#endif
