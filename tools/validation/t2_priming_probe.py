#!/usr/bin/env python3
"""Why a conventional course primed almost as much epitope spreading as SBRT (docs/models/
radiotherapy.md, M8 "Why"): one patient with a 5 cm irradiated and a 2 cm unirradiated lesion
(median CD8 killing 8 /day), pembrolizumab 200 mg Q3W from day 0, given 4 x 12.5 Gy or 15 x 3 Gy
(weekdays) to the first lesion. Prints, by day, the irradiated lesion's licensing, the systemic
licensing, the lymph node's naive T2 pool relative to day 0, activated T2 cells and T2 effectors
in blood.

  /usr/bin/python3 tools/validation/t2_priming_probe.py [--calibration FILE] [--without-threshold]

--without-threshold lists the seven modules other than priming_threshold (the model of commit
74be779, bit for bit); the figures the docs quote are those of that model with its calibrated
values: `git show 74be779:scenarios/validation/calibrated.yaml > /tmp/cal_74be779.yaml`, then
`--calibration /tmp/cal_74be779.yaml --without-threshold`. Needs python3-h5py (Debian).
"""
import argparse
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SEVEN = "licensing, epitope_spreading, priming_checkpoint, lymphodepletion, treg_adcc, ctla4_priming, il7_recovery"
COURSES = {
    "4 x 12.5 Gy": "{name: a, dose_per_fraction_Gy: 12.5, fractions: 4, schedule: daily, lesions: [primary]}",
    "15 x 3 Gy": "{name: a, dose_per_fraction_Gy: 3, fractions: 15, schedule: weekdays, lesions: [primary]}",
}
DAYS = [0, 5, 10, 15, 19, 30, 40, 60, 80, 100]


def scenario(course, modules):
    return (
        "schema_version: 1\nmodel: qspio_nsclc_rt\n%s"
        "lesions:\n  - {name: primary, diameter_cm: 5.0}\n  - {name: metastasis, diameter_cm: 2.0}\n"
        "patient: {weight_kg: 80, parameters: {k_C_T1_per_day: 8}}\n"
        "treatment:\n  - {drug: pembrolizumab, dose_mg: 200, interval_day: 21, end_day: 200}\n"
        "radiotherapy:\n  - %s\nsimulation: {horizon_day: 200, output_interval_day: 1}\noutput: {states: true}\n"
        % ("modules: [%s]\n" % modules if modules else "", course)
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--vct", default=os.path.join(ROOT, "build/tools/vct"))
    parser.add_argument("--calibration", default=os.path.join(ROOT, "scenarios/validation/calibrated.yaml"))
    parser.add_argument("--without-threshold", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as work:
        for label, course in COURSES.items():
            path, out = os.path.join(work, "s.yaml"), os.path.join(work, "s.h5")
            with open(path, "w") as f:
                f.write(scenario(course, SEVEN if args.without_threshold else None))
            subprocess.run([args.vct, "run", path, "--output", out, "--quiet", "--calibration", args.calibration],
                           check=True)
            with h5py.File(out, "r") as f:
                get = {k: np.asarray(f[g][k])[0] for g in ("outputs", "states") for k in f[g]}
            print(label)
            print("  day  L_lesion1  L_systemic  naive_T2_LN/day0  activated_T2  T2_blood")
            for d in DAYS:
                print("  %3d  %9.3f  %10.3f  %16.3f  %12.3g  %8.3g" % (
                    d, get["lesion1_licensing"][d], get["licensing_systemic"][d],
                    get["V_LN.nT2"][d] / get["V_LN.nT2"][0], get["V_LN.aT2"][d], get["T2_blood_cells"][d]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
