#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Side-by-side solver benchmark on identical virtual patients (docs/performance.md).

Exports N patients of the default trial scenario (parameters, state at treatment start, doses),
solves them with this engine, with SUNDIALS CVODE called directly (dense, difference-quotient
Jacobian) and with SciPy solve_ivp (BDF and LSODA, exact Jacobian through the C API), all at the
scenario's tolerances, then checks that the tumour diameters at the horizon agree and prints
patients per second, the engine's speed ratio to each reference and the mean number of steps
per patient, all measured in this run. `--methods BDF,LSODA,Radau` adds SciPy's Radau IIA.
Exit status 1 when any reference disagrees beyond --tolerance.
"""
import argparse
import ctypes
import os
import subprocess
import sys
import tempfile
import time

import h5py
import numpy as np
from scipy.integrate import solve_ivp

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def scipy_solve(lib, model, problems, method, k):
    p = problems["parameters"][k].copy()
    y = problems["initial_state"][k].copy()
    n = y.size
    first, last = int(problems["dose_offsets"][k]), int(problems["dose_offsets"][k + 1])
    times = problems["dose_time_day"][first:last]
    index = problems["dose_state_index"][first:last].astype(int)
    delta = problems["dose_delta"][first:last]
    horizon, rtol, atol = problems["horizon"], problems["rtol"], problems["atol"]
    dptr = ctypes.POINTER(ctypes.c_double)
    pp = p.ctypes.data_as(dptr)
    out = np.empty(n)
    jac = np.empty(n * n)

    def f(t, yy):
        yy = np.ascontiguousarray(yy)
        lib.vct_rhs(model, ctypes.c_double(t), yy.ctypes.data_as(dptr), pp, out.ctypes.data_as(dptr))
        return out.copy()

    def j(t, yy):
        yy = np.ascontiguousarray(yy)
        lib.vct_jacobian(model, ctypes.c_double(t), yy.ctypes.data_as(dptr), pp, jac.ctypes.data_as(dptr))
        return jac.reshape((n, n), order="F").copy()

    # The model's threshold events (tumour eradication): a state falling through its threshold resets it.
    events = []
    for i, thr in zip(problems["event_state_index"].astype(int), problems["event_threshold"]):
        def g(t, yy, i=i, thr=thr):
            return yy[i] - thr
        g.terminal, g.direction = True, -1
        events.append(g)
    resets = list(zip(problems["event_state_index"].astype(int), problems["event_reset"]))

    t, nxt, steps = 0.0, 0, 0
    while True:
        while nxt < len(times) and times[nxt] <= t + 1e-9:
            y[index[nxt]] += delta[nxt]
            nxt += 1
        target = min(times[nxt] if nxt < len(times) else horizon, horizon)
        sol = solve_ivp(f, (t, target), y, method=method, rtol=rtol, atol=atol, jac=j, events=events or None)
        if not sol.success:
            return float("nan"), steps, sol.message
        steps += sol.t.size - 1
        y, t = sol.y[:, -1].copy(), float(sol.t[-1])
        if sol.status == 1:
            for e, (i, reset) in enumerate(resets):
                if sol.t_events[e].size:
                    y[i] = reset
            continue
        if t >= horizon - 1e-12:
            break
    d = ctypes.c_double()
    lib.vct_tumour_diameter_cm(model, y.ctypes.data_as(dptr), pp, ctypes.byref(d))
    return d.value, steps, ""


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--patients", type=int, default=5)
    ap.add_argument("--horizon", type=float, default=400.0)
    ap.add_argument("--methods", default="BDF,LSODA", help="SciPy methods, comma-separated ('' for none)")
    ap.add_argument("--tolerance", type=float, default=1e-3, help="max relative diameter difference")
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--scenario", default=os.path.join(ROOT, "scenarios/nsclc_trial_nivolumab_vs_pembrolizumab.yaml"))
    args = ap.parse_args()

    work = tempfile.mkdtemp()
    problems_file = os.path.join(work, "problems.h5")
    subprocess.run([os.path.join(args.build, "tools/vct_export_problems"), args.scenario, str(args.patients),
                    str(args.horizon), problems_file], check=True, stdout=subprocess.DEVNULL)
    with h5py.File(problems_file) as h:
        problems = {k: h[k][:] for k in h.keys()}
        problems.update(horizon=h.attrs["horizon_day"], rtol=h.attrs["rtol"], atol=h.attrs["atol"])
        model = h.attrs["model"]
        model = model.encode() if isinstance(model, str) else model
        engine_label = h.attrs["engine"]
    n = problems["engine_diameter_cm"].size
    engine_d = problems["engine_diameter_cm"]
    rows = [("vct (" + str(engine_label) + ")", problems["engine_wall_s"].sum(), engine_d, 0,
             problems["engine_steps"].mean())]

    cvode_out = os.path.join(work, "cvode.txt")
    t0 = time.perf_counter()
    subprocess.run([os.path.join(args.build, "tools/vct_cvode_direct"), problems_file, cvode_out], check=True)
    table = np.loadtxt(cvode_out, ndmin=2)
    cvode_d = np.where(table[:, 3] == 0, table[:, 1], np.nan)
    rows.append(("CVODE direct (dense, DQ Jacobian)", table[:, 2].sum(), cvode_d, int((table[:, 3] != 0).sum()),
                 table[:, 4].mean()))

    lib = ctypes.CDLL(os.path.join(args.build, "tools/libvct_capi.so"))
    for method in [m for m in args.methods.split(",") if m]:
        diameters, wall, failures, steps = [], 0.0, 0, []
        for k in range(n):
            t0 = time.perf_counter()
            d, n_steps, message = scipy_solve(lib, model, problems, method, k)
            wall += time.perf_counter() - t0
            if message:
                print(f"{method} patient {k}: {message}", file=sys.stderr)
            failures += bool(message)
            diameters.append(d)
            steps.append(n_steps)
        rows.append(("SciPy solve_ivp " + method + " (exact Jacobian)", wall, np.array(diameters), failures,
                     float(np.mean(steps))))

    print(f"{n} patients of {os.path.basename(args.scenario)}, {problems['horizon']:g} days, "
          f"rtol {problems['rtol']:g}, atol {problems['atol']:g}, one thread each")
    print(f"{'solver':44s} {'patients/s':>10s} {'ms/patient':>11s} {'vct speed-up':>12s} {'max rel diff':>13s}"
          f" {'steps/patient':>13s}")
    engine_wall = rows[0][1]
    worst, compared = 0.0, 0
    for name, wall, d, failures, mean_steps in rows:
        solved = np.isfinite(d)
        diff = float(np.max(np.abs(d[solved] - engine_d[solved]) / engine_d[solved])) if solved.any() else float("nan")
        if name != rows[0][0]:
            worst = max(worst, diff) if solved.any() else worst
            compared += int(solved.sum())
        print(f"{name:44s} {n / wall:10.2f} {1e3 * wall / n:11.1f} {wall / engine_wall:11.1f}x {diff:13.2e}"
              f" {mean_steps:13.0f}" + (f"  ({failures} of {n} failed; diff over the rest)" if failures else ""))
    # A reference that gives up on a patient is that reference's limitation, reported above; agreement is
    # required on every patient a reference does solve, and at least one comparison must have been made.
    if compared == 0 or not worst <= args.tolerance:
        print(f"DISAGREEMENT: {worst:.3g} > {args.tolerance:g}" if compared else "no reference solved any patient")
        return 1
    print(f"every solved patient agrees with vct within {args.tolerance:g} "
          f"(relative, tumour diameter at day {problems['horizon']:g})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
