#!/usr/bin/env python3
"""What a calibration run's own evaluations say about the best objective reachable near its best point.

Reads the trace `vct calibrate` prints (one line per evaluation: values, then the calibration
targets' rates in suite order) and the suite (bounds, scales, tolerances), fits each target's rate
as a linear function of the parameters on [0, 1] (the optimiser's own coordinates) by least squares
over the evaluations, and minimises the calibration objective of that linear model inside the
bounds (scipy's lsq_linear). It answers: if the targets moved linearly with the parameters, how low
could the objective go, and which targets would still miss? A small gap between the run's best and
that minimum says the run has converged on what the parameters can do; the residuals name the
targets the parameters cannot reach together (docs/validation.md, "What the fit cannot reach").
The trace prints values to 4 significant digits, so the fit carries that rounding (about 1e-4 of a
value, far below the spread of the evaluations it is fitted to).

Usage: calibration_local_model.py SUITE.yaml CALIBRATE.log [--radius R] [--drop TARGET]...
  --radius R     use only evaluations within R (max-norm, [0, 1] coordinates) of the best (default 0.2),
                 and keep the linear model's minimum within R of the best as well
  --drop TARGET  leave TARGET out of the objective that is minimised (it is still predicted and
                 printed, marked "dropped"): what the others could reach if it were held out
"""
import argparse
import math
import re
import sys

import numpy as np
import yaml
from scipy.optimize import lsq_linear


def read_trace(path):
    names, targets, published, rows = None, None, None, []
    kinds = {"(median)": "population_median", "(sigma)": "population_sigma"}
    line_re = re.compile(r"^\s*(\d+)\s+objective\s+(\S+)\s*\|(.*)\|(.*)$")
    for line in open(path, encoding="utf-8"):
        if line.startswith("parameters:"):
            # "NAME", "NAME (median)" or "NAME (sigma)": a parameter and how it is fitted
            names = []
            for w in line.split()[1:]:
                if w in kinds:
                    names[-1] = (names[-1][0], kinds[w])
                else:
                    names.append((w, "value"))
        elif line.startswith("targets (%):"):
            words = line.split()[2:]
            targets, published = words[0::2], [float(w) for w in words[1::2]]
        else:
            m = line_re.match(line)
            if m:
                values = [float(w) for w in m.group(3).split()]
                rates = [float(w) for w in m.group(4).split()]
                rows.append((int(m.group(1)), float(m.group(2)), values, rates))
    if not names or not targets or not rows:
        sys.exit(f"{path}: no calibrate trace found (expected 'parameters:', 'targets (%):' and evaluation lines)")
    return names, targets, np.array(published), rows


def read_suite(path, names, targets):
    suite = yaml.safe_load(open(path, encoding="utf-8"))
    tol = {t["id"]: float(t["tolerance_pct"]) for t in suite["targets"] if "tolerance_pct" in t}
    # one entry per (parameter, fit): a population median and its sigma have their own bounds
    params = {(p["parameter"], p.get("fit", "value")): p for p in suite["calibration"]["parameters"]}
    bounds = []
    for n in names:
        if n not in params:
            sys.exit(f"{path}: no calibration entry for {n[0]} with fit: {n[1]} (named by the trace)")
        p = params[n]
        bounds.append((float(p["lower"]), float(p["upper"]), p.get("scale", "linear")))
    return np.array([tol[t] for t in targets]), bounds


def to_unit(values, bounds):
    u = []
    for v, (lo, hi, scale) in zip(values, bounds):
        u.append(math.log(v / lo) / math.log(hi / lo) if scale == "log" else (v - lo) / (hi - lo))
    return np.array(u)


def from_unit(u, bounds):
    out = []
    for x, (lo, hi, scale) in zip(u, bounds):
        out.append(lo * (hi / lo) ** x if scale == "log" else lo + x * (hi - lo))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("suite")
    ap.add_argument("log")
    ap.add_argument("--radius", type=float, default=0.2)
    ap.add_argument("--drop", action="append", default=[])
    a = ap.parse_args()
    names, targets, published, rows = read_trace(a.log)
    tol, bounds = read_suite(a.suite, names, targets)
    unknown = [t for t in a.drop if t not in targets]
    if unknown:
        sys.exit(f"--drop: {', '.join(unknown)} not among the trace's targets ({' '.join(targets)})")
    kept = np.array([t not in a.drop for t in targets])
    best = min(rows, key=lambda r: r[1])
    u_best = to_unit(best[2], bounds)
    near = [r for r in rows if np.max(np.abs(to_unit(r[2], bounds) - u_best)) <= a.radius + 1e-12]
    if len(near) < len(names) + 1:
        sys.exit(f"only {len(near)} evaluations within {a.radius} of the best; a linear model of {len(names)} parameters needs {len(names) + 1}")
    X = np.array([np.concatenate(([1.0], to_unit(r[2], bounds) - u_best)) for r in near])
    Y = np.array([r[3] for r in near])
    coef, *_ = np.linalg.lstsq(X, Y, rcond=None)
    fitted = X @ coef
    rms = np.sqrt(np.mean((fitted - Y) ** 2, axis=0))
    y0, J = coef[0], coef[1:].T  # J[target, parameter]: points per unit of [0, 1]
    # minimise sum(((y0 + J d - published) / tol)^2) over d with u_best + d inside [0, 1] and |d| <= radius
    lo = np.maximum(-u_best, -a.radius)
    hi = np.minimum(1 - u_best, a.radius)
    A = (J / tol[:, None])[kept]
    b = ((published - y0) / tol)[kept]
    res = lsq_linear(A, b, bounds=(lo, hi))
    y_min = y0 + J @ res.x
    obj_lin_best = float(np.sum((((y0 - published) / tol) ** 2)[kept]))
    obj_lin_min = float(np.sum((((y_min - published) / tol) ** 2)[kept]))
    print(f"trace: {len(rows)} evaluations; best: evaluation {best[0]}, objective {best[1]:.3f}; "
          f"{len(near)} evaluations within {a.radius} of it fit the linear model")
    dropped = f" (objective without {', '.join(a.drop)})" if a.drop else ""
    print(f"linear model: objective {obj_lin_best:.3f} at the best point, minimum {obj_lin_min:.3f} inside the bounds{dropped}")
    print(f"{'target':40s} {'published':>9s} {'tol':>5s} {'best':>7s} {'model min':>9s} {'(z)':>6s} {'fit rms':>7s}")
    for i, t in enumerate(targets):
        z = (y_min[i] - published[i]) / tol[i]
        mark = "  dropped" if not kept[i] else ""
        print(f"{t:40s} {published[i]:9.1f} {tol[i]:5.1f} {best[3][i]:7.1f} {y_min[i]:9.1f} {z:6.2f} {rms[i]:7.2f}{mark}")
    print("parameters at the linear model's minimum (best -> minimum):")
    for (n, kind), v0, v1 in zip(names, best[2], from_unit(u_best + res.x, bounds)):
        label = n + {"value": "", "population_median": " (median)", "population_sigma": " (sigma)"}[kind]
        print(f"  {label:36s} {v0:10.4g} -> {v1:10.4g}")
    print("sensitivities near the best (points of each target per 0.05 of a parameter's [0, 1] range):")
    print(" " * 40 + " ".join(f"{n[:8]:>8s}" for n, _ in names))
    for i, t in enumerate(targets):
        print(f"{t:40s}" + " ".join(f"{0.05 * J[i, j]:8.2f}" for j in range(len(names))))


if __name__ == "__main__":
    main()
