#!/usr/bin/env python3
"""tools/validation/calibration_local_model.py on synthetic traces whose answer is known by hand.

Two parameters, a (a fixed value, linear, bounds 0-10) and b (a population sigma, log, bounds 0.1-10;
the suite also has b's population median with other bounds, 1-1000, which must not be used), and
three targets whose rates
are exactly linear in the optimiser's [0, 1] coordinates ua = a / 10 and ub = log(b / 0.1) / log(100):
  t1 = 10 + 20 ua          (tolerance 2)
  t2 = 30 + 10 ub          (tolerance 5)
  t3 = 5 + 10 ua + 10 ub   (tolerance 1)
1. Published 16, 35, 16: ua = 0.3 gives t1 = 16; ub = 0.5 gives t2 = 35; then t3 = 5 + 3 + 5 = 13,
   3 points (3 tolerances) short, so the least-squares minimum trades between the three.
2. Published 16, 35, 13: the point ua = 0.3, ub = 0.5 (a = 3, b = 0.1 * 100^0.5 = 1) meets all
   three, so the linear model's minimum is 0 and its parameters are a = 3, b = 1.
3. Published 40, 35, 13: t1 = 40 needs ua = 1.5, outside the bounds; with t3 and t2 pinning the rest
   the minimum is positive and ua stays at or below 1 (a <= 10).
4. Case 1 with t3 dropped: t1 and t2 alone are met at ua = 0.3, ub = 0.5, so the minimum is 0, and
   t3 is still predicted there: 5 + 3 + 5 = 13.
"""
import math
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "..", "..", "tools", "validation", "calibration_local_model.py")

SUITE = """targets:
  - {id: t1, tolerance_pct: 2}
  - {id: t2, tolerance_pct: 5}
  - {id: t3, tolerance_pct: 1}
  - {id: held_out}
calibration:
  parameters:
    - {parameter: a, fit: value, lower: 0, upper: 10, scale: linear}
    - {parameter: b, fit: population_sigma, lower: 0.1, upper: 10, scale: log}
    - {parameter: b, fit: population_median, lower: 1, upper: 1000, scale: log}
"""


def rates(ua, ub):
    return [10 + 20 * ua, 30 + 10 * ub, 5 + 10 * ua + 10 * ub]


def trace(published):
    lines = ["parameters: a b (sigma)", "targets (%): " + " ".join(f"t{i + 1} {p}" for i, p in enumerate(published))]
    points = [(0.2, 0.4), (0.25, 0.4), (0.15, 0.4), (0.2, 0.45), (0.2, 0.35), (0.22, 0.43)]
    for k, (ua, ub) in enumerate(points, start=1):
        y = rates(ua, ub)
        obj = sum(((yi - pi) / t) ** 2 for yi, pi, t in zip(y, published, [2, 5, 1]))
        a, b = 10 * ua, 0.1 * 100**ub
        lines.append(f"  {k:2d}  objective {obj:9.3f} | {a:.10g} {b:.10g} | " + " ".join(f"{v:.6f}" for v in y))
    return "\n".join(lines) + "\n"


def run(published, radius="1", extra=()):
    with tempfile.TemporaryDirectory() as d:
        suite, log = os.path.join(d, "suite.yaml"), os.path.join(d, "cal.log")
        open(suite, "w").write(SUITE)
        open(log, "w").write(trace(published))
        out = subprocess.run([sys.executable, SCRIPT, suite, log, "--radius", radius, *extra], capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"script failed: {out.stderr}")
        return out.stdout


def minimum(text):
    line = next(l for l in text.splitlines() if l.startswith("linear model:"))
    return float(line.split("minimum")[1].split()[0])


def value_at_minimum(text, name):
    line = next(l for l in text.splitlines() if l.strip().startswith(name) and "->" in l)
    return float(line.split("->")[1])


failures = []


def check(cond, what):
    if not cond:
        failures.append(what)


exact = run([16, 35, 13])
check(minimum(exact) < 1e-6, f"reachable published values: minimum {minimum(exact)} (expected 0)")
check(abs(value_at_minimum(exact, "a ") - 3) < 1e-3, "reachable: a at the minimum (expected 3)")
check(abs(value_at_minimum(exact, "b (sigma)") - 1) < 1e-3,
      "reachable: b (sigma) at the minimum (expected 0.1 * 100^0.5 = 1; the median's bounds would give 31.6)")

trade = run([16, 35, 16])
# Hand bound: the minimum is positive (t3 cannot be met with t1 and t2) and at most the 9 of
# meeting t1 and t2 exactly ((16 - 13) / 1)^2 = 9.
check(0 < minimum(trade) < 9, f"conflicting published values: minimum {minimum(trade)} (expected 0 < m < 9)")

bounded = run([40, 35, 13])
check(minimum(bounded) > 1, f"unreachable t1: minimum {minimum(bounded)} (expected > 1: ua would need 1.5)")
check(value_at_minimum(bounded, "a ") <= 10 + 1e-9, "unreachable t1: a stays inside its bounds (<= 10)")

local = run([16, 35, 13], radius="0.05")
# The trace's best evaluation is ua 0.25, ub 0.4 (objective (1/2)^2 + (1/5)^2 + 1.5^2 = 2.54, the
# lowest of the six); within 0.05 of it ub = 0.5 is out of reach, so the minimum is positive.
check(minimum(local) > 0, "radius 0.05: the exact point is out of reach, minimum must be positive")

dropped = run([16, 35, 16], extra=("--drop", "t3"))
check(minimum(dropped) < 1e-6, f"t3 dropped: minimum {minimum(dropped)} (expected 0)")
t3_line = next(l for l in dropped.splitlines() if l.startswith("t3 "))
check("dropped" in t3_line and abs(float(t3_line.split()[4]) - 13) < 1e-3,
      f"t3 dropped: still predicted at the minimum as 13, marked dropped ({t3_line!r})")

if failures:
    print("\n".join(failures))
    sys.exit(1)
print("calibration_local_model: 9 checks passed")
