#!/usr/bin/env python3
"""Where PEMBRO-RT's late out-of-field responses would come from (docs/validation.md, issue #16 item 1):
runs scenarios/nsclc_pembro_rt.yaml (both arms, the calibrated values) and sorts the patients by
their unirradiated lesion: responders at the 12-week scan, late responders (a diameter 30 % below
baseline first reached after week 12), stable disease that regrows, and lesions already larger at
week 12. Prints the rates and, per group, the median course of the lesion's diameter (relative
to baseline), its CD8 effectors per viable cancer cell, its PD-L1, and the T2 effectors in blood
and in all lesions.

  /usr/bin/python3 tools/validation/late_response_probe.py [--size N] [--set NAME=VALUE ...]
      [--calibration FILE] [--groups]

--set overrides a model parameter for every patient (e.g. f_T2_death=0 for T2 effectors that
never die, k_T1_per_day=0 without PD-1-gated exhaustion); it wins over the built-in calibrated
values, while a file given with --calibration replaces the values it lists. The response counts use every day's
diameter after week 12 (RECIST's 12-weekly scans of the scenario give the same rates within a
point). Needs python3-h5py and python3-yaml (Debian).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCENARIO = os.path.join(ROOT, "scenarios", "nsclc_pembro_rt.yaml")
OUTPUTS = ["lesion2_diameter_cm", "lesion2_cancer_cells", "lesion2_cd8_cells", "lesion2_PDL1_per_cancer_cell",
           "T2_blood_cells", "T2_tumour_cells"]
DAYS = [0, 14, 28, 42, 63, 84, 126, 168, 252, 336, 400]
WEEK12 = 84
PR = 0.7  # a diameter 30 % below baseline
CR_OR_PR = [0, 1]  # best_response codes of complete and partial response in the result file


def parameter(text):
    name, sep, value = text.partition("=")
    if not sep:
        raise argparse.ArgumentTypeError("expected NAME=VALUE, found '%s'" % text)
    return name, float(value)


def calibration_flag(path):
    """vct run's flag for a calibration file; none (the built-in calibrated values) without one."""
    return ["--calibration", path] if path else []


def write_scenario(path, size, overrides):
    with open(SCENARIO) as f:
        s = yaml.safe_load(f)
    s["population"]["size"] = size
    s["output"]["trajectories"] = OUTPUTS
    if overrides:
        s["patient"].setdefault("parameters", {}).update(overrides)
    with open(path, "w") as f:
        yaml.safe_dump(s, f, sort_keys=False)


def groups(r):
    """Masks of the four groups from the diameter relative to baseline, r[patient, day]."""
    after = r[:, WEEK12:].min(axis=1)
    at12 = r[:, WEEK12]
    return {
        "responders at week 12": at12 <= PR,
        "late responders": (at12 > PR) & (after <= PR),
        "stable at week 12, then regrowing": (at12 > PR) & (at12 < 1.0) & (after > PR),
        "larger at week 12, no response": (at12 >= 1.0) & (after > PR),
    }


def report(arm, g, show_groups):
    keep = g["outcomes"]["status"][:] == 0  # patients (the others were not selected)
    out = {k: np.asarray(g["outputs"][k])[keep] for k in OUTPUTS}
    r = out["lesion2_diameter_cm"] / out["lesion2_diameter_cm"][:, :1]
    n = len(r)
    masks = groups(r)
    print("%s: %d patients; out of field: %.1f %% respond at week 12, %.1f %% at best, late responders %.1f %%"
          % (arm, n, 100 * masks["responders at week 12"].mean(), 100 * (r[:, WEEK12:].min(axis=1) <= PR).mean(),
             100 * masks["late responders"].mean()))
    for name, m in masks.items():
        print("  %-36s %5.1f %%" % (name, 100 * m.mean()))
    best = g["outcomes"]["best_response_out_of_field"][keep]
    print("  %-36s %5.1f %%" % ("best response at the RECIST scans", 100 * np.isin(best, CR_OR_PR).mean()))
    if not show_groups:
        return
    series = {
        "diameter / baseline": r,
        "CD8 per viable cancer cell": out["lesion2_cd8_cells"] / out["lesion2_cancer_cells"],
        "PD-L1 per cancer cell": out["lesion2_PDL1_per_cancer_cell"],
        "T2 effectors in blood": out["T2_blood_cells"],
        "T2 effectors in lesions": out["T2_tumour_cells"],
    }
    print("  medians by group on days " + " ".join("%9d" % d for d in DAYS))
    for name, m in masks.items():
        if not m.any():
            continue
        print("  -- %s (%d)" % (name, m.sum()))
        for label, v in series.items():
            print("     %-28s" % label + " ".join("%9.3g" % x for x in np.median(v[m][:, DAYS], axis=0)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vct", default=os.path.join(ROOT, "build/tools/vct"))
    parser.add_argument("--calibration", help="a calibration file (its values replace --set for the parameters it "
                        "lists); default: the calibrated values built into vct, over which --set wins")
    parser.add_argument("--size", type=int, default=1000, help="candidates (default 1000)")
    parser.add_argument("--set", type=parameter, action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--groups", action="store_true", help="also print the median courses by group")
    parser.add_argument("--threads", default="2")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        path, result = os.path.join(work, "s.yaml"), os.path.join(work, "s.h5")
        write_scenario(path, args.size, dict(args.set))
        subprocess.run([args.vct, "run", path, "--output", result, "--quiet", "--threads", args.threads,
                        *calibration_flag(args.calibration)], check=True)
        with h5py.File(result, "r") as f:
            for arm in ("pembrolizumab", "SBRT_then_pembrolizumab"):
                report(arm, f["arms"][arm], args.groups)
    return 0


if __name__ == "__main__":
    sys.exit(main())
