#!/usr/bin/env python3
"""tools/validation/fresh_seed_objective.py against hand-computed objectives on a toy suite and two
toy `vct validate` CSVs (fractions, as validate writes them).
Usage: test_fresh_seed_objective.py REPOSITORY_ROOT"""
import os
import sys
import tempfile

sys.path.insert(0, os.path.join(sys.argv[1], "tools", "validation"))
from fresh_seed_objective import fresh_seed_means, objective_terms, shared_calibration_ids  # noqa: E402

TARGETS = [
    {"id": "a", "role": "calibration", "published_pct": 20, "tolerance_pct": 2.5},
    {"id": "b", "role": "calibration", "published_pct": 150, "tolerance_pct": 20},
    {"id": "c", "role": "held_out", "published_pct": 38},
    {"id": "d", "role": "calibration", "published_pct": 50, "tolerance_pct": 5},
]
HEADER = "target,role,fresh_seed_values\n"
ROUND_1 = HEADER + "a,calibration,0.15 0.17\nb,calibration,1.1 1.3\nc,held_out,0.3 0.4\nd,calibration,0.55\n"
ROUND_2 = HEADER + "a,calibration,0.2 0.2\nb,calibration,1.5 1.5\nc,held_out,0.38\n"

with tempfile.TemporaryDirectory() as work:
    paths = []
    for k, text in enumerate([ROUND_1, ROUND_2]):
        paths.append(os.path.join(work, "r%d.csv" % k))
        with open(paths[-1], "w") as f:
            f.write(text)
    one, two = fresh_seed_means(paths[0]), fresh_seed_means(paths[1])

failed = []
# Round 1: a's mean 16 % -> ((16 - 20) / 2.5)^2 = 2.56; b's 120 % -> ((120 - 150) / 20)^2 = 2.25;
# d's 55 % -> ((55 - 50) / 5)^2 = 1; c is held out and never counts.
alone = shared_calibration_ids(TARGETS, [one])
if alone != ["a", "b", "d"] or abs(sum(objective_terms(TARGETS, one, alone)) - 5.81) > 1e-9:
    failed.append(("round 1 alone", alone, sum(objective_terms(TARGETS, one, alone))))
# Together only a and b are shared (round 2 lacks d): 2.56 + 2.25 = 4.81 against 0 + 0 = 0.
both = shared_calibration_ids(TARGETS, [one, two])
got = [sum(objective_terms(TARGETS, m, both)) for m in (one, two)]
if both != ["a", "b"] or abs(got[0] - 4.81) > 1e-9 or abs(got[1]) > 1e-9:
    failed.append(("shared", both, got))
if failed:
    print("FAILED:", failed)
    sys.exit(1)
print("fresh-seed objective: 5.81 alone, 4.81 against 0.00 on the shared targets, as computed by hand")
