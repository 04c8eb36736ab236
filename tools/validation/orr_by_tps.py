#!/usr/bin/env python3
"""Best-overall-response rate by PD-L1 TPS stratum in a trial scenario (docs/validation.md, "What the
fit cannot reach": the model's PD-L1 gradient in the CheckMate 017 population):

  /usr/bin/python3 tools/validation/orr_by_tps.py [SCENARIO] [--size N] [--calibration FILE]
                                                  [--set NAME=VALUE]...

SCENARIO defaults to scenarios/validation/checkmate017_nivolumab.yaml, run with N candidates
(default 2000) and the calibrated values; prints, per arm, the patients and CR/PR rate overall and
at TPS < 1, >= 1, 1-49 and >= 50 %, and among the top 28, 52 and 66 % of patients by PD-L1 (the
share at TPS >= 50 % and >= 1 % under other screening prevalences). --set fixes a parameter for
every patient (patient.parameters, which win over the calibrated values). Needs python3-h5py and python3-yaml (Debian).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import yaml

from late_response_probe import calibration_flag, parameter

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOP_SHARES = [0.28, 0.52, 0.66]
STRATA = [("TPS < 1 %", 0, 1), ("TPS >= 1 %", 1, 101), ("TPS 1-49 %", 1, 50), ("TPS >= 50 %", 50, 101)]
CR, PR = 0, 1  # best_response codes of the result file


def prepare(scenario, size, sets):
    """The scenario run: `size` candidates, each NAME=VALUE of `sets` under patient.parameters
    (created when missing; a name already there takes the new value, the others are kept)."""
    scenario["population"]["size"] = size
    if sets:
        scenario.setdefault("patient", {}).setdefault("parameters", {}).update(dict(sets))
    return scenario


def rows(tps, responds):
    """(label, patients, share of patients, CR/PR rate) per TPS stratum present, then per top share
    of patients by PD-L1 (ties kept in file order; share None)."""
    tps, responds = np.asarray(tps, dtype=float), np.asarray(responds, dtype=bool)
    out = []
    for label, lo, hi in STRATA:
        m = (tps >= lo) & (tps < hi)
        if m.any():
            out.append((label, int(m.sum()), m.mean(), responds[m].mean()))
    ranked = responds[np.argsort(-tps, kind="stable")]
    for share in TOP_SHARES:
        top = ranked[:int(round(share * len(ranked)))]
        out.append(("top %2.0f %% by PD-L1" % (100 * share), len(top), None, top.mean()))
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scenario", nargs="?",
                        default=os.path.join(ROOT, "scenarios/validation/checkmate017_nivolumab.yaml"))
    parser.add_argument("--vct", default=os.path.join(ROOT, "build/tools/vct"))
    parser.add_argument("--calibration", help="a calibration file (its values replace --set for the parameters it "
                        "lists); default: the calibrated values built into vct, over which --set wins")
    parser.add_argument("--size", type=int, default=2000)
    parser.add_argument("--threads", default="2")
    parser.add_argument("--set", type=parameter, action="append", default=[], metavar="NAME=VALUE")
    args = parser.parse_args()
    with open(args.scenario) as f:
        s = yaml.safe_load(f)
    prepare(s, args.size, args.set)
    with tempfile.TemporaryDirectory() as work:
        result = os.path.join(work, "s.h5")
        # Relative paths in the scenario (a population file) stay valid next to the original.
        path = os.path.join(os.path.dirname(os.path.abspath(args.scenario)), ".orr_by_tps_%d.yaml" % os.getpid())
        try:
            with open(path, "w") as f:
                yaml.safe_dump(s, f, sort_keys=False)
            subprocess.run([args.vct, "run", path, "--output", result, "--quiet", "--threads", args.threads,
                            *calibration_flag(args.calibration)], check=True)
        finally:
            os.remove(path)
        with h5py.File(result, "r") as f:
            tps = np.asarray(f["patients"]["tps_pct"])
            for arm in f["arms"]:
                o = f["arms"][arm]["outcomes"][:]
                keep = o["status"] == 0  # patients (the others were not selected)
                responds = np.isin(o["best_response"][keep], [CR, PR])
                t = tps[keep]
                print("%s: %d patients, CR/PR %.1f %%" % (arm, keep.sum(), 100 * responds.mean()))
                for label, n, share, rate in rows(t, responds):
                    if share is None:
                        print("  %s %5d patients          CR/PR %5.1f %%" % (label, n, 100 * rate))
                    else:
                        print("  %-11s %5d patients (%4.1f %%)  CR/PR %5.1f %%" % (label, n, 100 * share, 100 * rate))
    return 0


if __name__ == "__main__":
    sys.exit(main())
