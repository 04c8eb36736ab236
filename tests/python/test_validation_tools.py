#!/usr/bin/env python3
"""Hand-checked values of the helpers the validation probes share (tools/validation/):
survival_at reads a Kaplan-Meier table as a right-continuous step function (the PFS landmarks of
docs/validation.md, "PFS near the median"), calibration_flag passes a calibration file only when
one is given; orr_by_tps's strata and top-share rows and its --set overrides (docs/biomarkers.md).
Usage: test_validation_tools.py REPOSITORY_ROOT"""
import os
import sys

sys.path.insert(0, os.path.join(sys.argv[1], "tools", "validation"))
from late_response_probe import calibration_flag  # noqa: E402
from orr_by_tps import prepare, rows  # noqa: E402
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
# orr_by_tps.rows on ten patients. By TPS: < 1 % are 0.5, 0 and 0.2 (responders 0, 0, 1: 1/3);
# >= 1 % the other seven (1, 0, 1, 1, 0, 0, 0: 3/7); 1-49 % are 20, 5, 1 and 49.9 (1/4: 49.9 is
# below the 50 % cut, 1 on the 1 % cut); >= 50 % are 90, 60 and 50 (2/3). Ranked by TPS the
# responders read 1 0 1 0 1 0 0 0 1 0, so the top round(2.8) = 3 give 2/3, round(5.2) = 5 give 3/5
# and round(6.6) = 7 give 3/7.
tps = [90, 0.5, 60, 20, 0, 50, 5, 0.2, 1, 49.9]
responds = [1, 0, 0, 1, 0, 1, 0, 1, 0, 0]
want = [("TPS < 1 %", 3, 0.3, 1 / 3), ("TPS >= 1 %", 7, 0.7, 3 / 7), ("TPS 1-49 %", 4, 0.4, 1 / 4),
        ("TPS >= 50 %", 3, 0.3, 2 / 3), ("top 28 % by PD-L1", 3, None, 2 / 3),
        ("top 52 % by PD-L1", 5, None, 3 / 5), ("top 66 % by PD-L1", 7, None, 3 / 7)]


def same_row(a, b):
    return a[:2] == b[:2] and (a[2] is None) == (b[2] is None) and \
        (a[2] is None or abs(a[2] - b[2]) < 1e-12) and abs(a[3] - b[3]) < 1e-12


got = rows(tps, responds)
if len(got) != len(want) or not all(same_row(a, b) for a, b in zip(got, want)):
    failed.append(("rows", got))
# Ties keep file order: of four patients at 10 % only the first responds; the top round(1.12) = 1
# is that patient (1.0); the 1-49 % stratum holds all four (1/4) and the absent strata give no row.
if [r[:2] + (r[3],) for r in rows([10, 10, 10, 10], [1, 0, 0, 0])] != [
        ("TPS >= 1 %", 4, 0.25), ("TPS 1-49 %", 4, 0.25), ("top 28 % by PD-L1", 1, 1.0),
        ("top 52 % by PD-L1", 2, 0.5), ("top 66 % by PD-L1", 3, 1 / 3)]:
    failed.append(("rows with ties", rows([10, 10, 10, 10], [1, 0, 0, 0])))
# --set: the size always; a given parameter replaced, the others kept, a missing block created,
# and no block added when nothing is set.
s = prepare({"population": {"size": 300}, "patient": {"parameters": {"a": 1.0, "b": 2.0}}}, 2000,
            [("b", 3.0), ("c", 4.0)])
if s != {"population": {"size": 2000}, "patient": {"parameters": {"a": 1.0, "b": 3.0, "c": 4.0}}}:
    failed.append(("prepare", s))
if prepare({"population": {"size": 1}}, 5, [("x", 0.5)]) != {"population": {"size": 5},
                                                            "patient": {"parameters": {"x": 0.5}}}:
    failed.append(("prepare without a patient block", None))
if prepare({"population": {"size": 1}}, 5, []) != {"population": {"size": 5}}:
    failed.append(("prepare with nothing set", None))
if failed:
    print("FAILED:", failed)
    sys.exit(1)
print("validation tools: %d survival_at values, calibration_flag and orr_by_tps's rows and --set as computed "
      "by hand" % len(checks))
