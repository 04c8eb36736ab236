#!/usr/bin/env python3
"""Hand-checked values of the helpers the validation probes share (tools/validation/):
survival_at reads a Kaplan-Meier table as a right-continuous step function (the PFS landmarks of
docs/validation.md, "PFS near the median"), calibration_flag passes a calibration file only when
one is given. Usage: test_validation_tools.py REPOSITORY_ROOT"""
import os
import sys

sys.path.insert(0, os.path.join(sys.argv[1], "tools", "validation"))
from late_response_probe import calibration_flag  # noqa: E402
from progression_diagnostics import survival_at  # noqa: E402

# Scans on days 63 and 105: 40 % progress at the first, a further quarter of the rest at the second
# (0.6 x 0.75 = 0.45).
t, s = [63.0, 105.0], [0.6, 0.45]
checks = [
    (survival_at(t, s, 62.0), 1.0),   # before the first scan nobody has progressed
    (survival_at(t, s, 63.0), 0.6),   # right-continuous: the step counts on its day
    (survival_at(t, s, 91.3), 0.6),   # between the scans the curve is flat
    (survival_at(t, s, 105.0), 0.45),
    (survival_at(t, s, 106.5), 0.45),  # just after the second scan's step
]
failed = [(got, want) for got, want in checks if abs(got - want) > 1e-12]
if calibration_flag(None) != [] or calibration_flag("c.yaml") != ["--calibration", "c.yaml"]:
    failed.append(("calibration_flag", "[] / ['--calibration', 'c.yaml']"))
if failed:
    print("FAILED:", failed)
    sys.exit(1)
print("validation tools: %d survival_at values and calibration_flag as computed by hand" % len(checks))
