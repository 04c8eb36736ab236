#!/usr/bin/env python3
"""The calibration objective computed on fresh-seed means (docs/validation.md, "After round 4"):
for each CSV written by `vct validate --seeds N -o FILE.csv`, the sum over the suite's calibration
targets of ((mean over the fresh seeds - published) / tolerance)^2, the objective `vct calibrate`
minimises on its one seed, here on seeds the fit never saw. With several CSVs only the targets
present in all of them are summed, so two rounds with different target lists compare on what they
share; per-target terms are printed.

  /usr/bin/python3 tools/validation/fresh_seed_objective.py scenarios/validation/suite.yaml A.csv [B.csv ...]

Needs python3-yaml (Debian)."""
import csv
import sys

import yaml


def fresh_seed_means(path):
    """Target id -> mean of its fresh-seed values in percent (the CSV stores fractions)."""
    means = {}
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            values = [100.0 * float(v) for v in row["fresh_seed_values"].split()]
            if values:
                means[row["target"]] = sum(values) / len(values)
    return means


def objective_terms(targets, means, ids):
    """((mean - published) / tolerance)^2 for each id, in the order given."""
    by_id = {t["id"]: t for t in targets}
    return [((means[i] - by_id[i]["published_pct"]) / by_id[i]["tolerance_pct"]) ** 2 for i in ids]


def shared_calibration_ids(targets, tables):
    """Calibration targets with a tolerance present in every table, in suite order."""
    return [t["id"] for t in targets
            if t.get("role") == "calibration" and "tolerance_pct" in t and all(t["id"] in m for m in tables)]


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    with open(argv[1]) as f:
        targets = yaml.safe_load(f)["targets"]
    tables = [fresh_seed_means(p) for p in argv[2:]]
    ids = shared_calibration_ids(targets, tables)
    terms = [objective_terms(targets, m, ids) for m in tables]
    for k, i in enumerate(ids):
        print("%-44s %s" % (i, " ".join("%6.1f %5.2f" % (m[i], t[k]) for m, t in zip(tables, terms))))
    for path, t in zip(argv[2:], terms):
        print("objective on fresh-seed means, %d shared calibration targets: %.2f  (%s)" % (len(ids), sum(t), path))


if __name__ == "__main__":
    main(sys.argv)
