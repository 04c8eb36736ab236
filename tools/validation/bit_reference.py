#!/usr/bin/env python3
"""Writes the reference of a modules-off regression test (tests/regression/test_rt_modules_off.cpp):
runs one single-patient scenario with `vct run` and writes every state on the listed days as
hexadecimal floats, with the solver's treatment and initialisation step counts on line 2.

Run it at the commit before a module lands, so the test pins the model without that module:

  /usr/bin/python3 tools/validation/bit_reference.py tests/regression/data/NAME.yaml COMMIT \
      > tests/regression/data/NAME_reference.csv

Needs python3-h5py (Debian). COMMIT is only written into the comment line.
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np

DAYS = [0, 1, 5, 7, 14, 21, 28, 35, 56, 90, 120]
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: bit_reference.py SCENARIO.yaml COMMIT")
    scenario, commit = sys.argv[1], sys.argv[2]
    vct = os.path.join(ROOT, "build/tools/vct")
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "run.h5")
        subprocess.run([vct, "run", scenario, "--output", out, "--quiet"], check=True)
        with h5py.File(out, "r") as f:
            time = np.asarray(f["time"])
            index = [int(np.flatnonzero(time == day)[0]) for day in DAYS]
            patient = f["patients"][0]
            print("# states of %s at commit %s (hexadecimal floats); line 2: treatment and initialisation steps"
                  % (os.path.relpath(scenario, ROOT), commit))
            print("steps,%d,%d" % (patient["n_steps_treatment"], patient["n_steps_initialisation"]))
            print("state," + ",".join(str(d) for d in DAYS))
            for name in f["states"]:
                series = np.asarray(f["states"][name])[0]
                print(name + "," + ",".join(float(series[i]).hex() for i in index))


if __name__ == "__main__":
    main()
