#!/usr/bin/env python3
"""Writes the reference of a modules-off regression test (tests/regression/test_rt_modules_off.cpp):
runs one single-patient scenario with `vct run` and writes every state on the listed days as
hexadecimal floats, with the solver's treatment and initialisation step counts on line 2.

Run it at the commit before a module lands, so the test pins the model without that module:

  /usr/bin/python3 tools/validation/bit_reference.py tests/regression/data/NAME.yaml COMMIT \
      > tests/regression/data/NAME_reference.csv

Needs python3-h5py (Debian). COMMIT is only written into the comment line.

  bit_reference.py --check SCENARIO.yaml REFERENCE.csv

runs the scenario and exits 1 unless every line but the comment equals the reference's (in any
order): the ctest `bit_reference_reproduces_il7_reference` checks the generator this way.
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
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        lines = reference_lines(sys.argv[2], "check")[1:]
        with open(sys.argv[3]) as f:
            expected = f.read().splitlines()[1:]
        if sorted(lines) != sorted(expected):
            differ = len(set(lines) ^ set(expected))
            sys.exit("%s: %d lines differ from %s" % (sys.argv[2], differ, sys.argv[3]))
        print("%s reproduces %s (%d lines)" % (sys.argv[2], sys.argv[3], len(lines)))
        return
    if len(sys.argv) != 3:
        sys.exit("usage: bit_reference.py SCENARIO.yaml COMMIT | --check SCENARIO.yaml REFERENCE.csv")
    print("\n".join(reference_lines(sys.argv[1], sys.argv[2])))


def reference_lines(scenario, commit):
    """The reference's lines: comment, step counts, header, one line per state."""
    vct = os.environ.get("VCT", os.path.join(ROOT, "build/tools/vct"))
    with tempfile.TemporaryDirectory() as work:
        out = os.path.join(work, "run.h5")
        subprocess.run([vct, "run", scenario, "--output", out, "--quiet"], check=True)
        with h5py.File(out, "r") as f:
            time = np.asarray(f["time"])
            index = [int(np.flatnonzero(time == day)[0]) for day in DAYS]
            patient = f["patients"][0]
            lines = ["# states of %s at commit %s (hexadecimal floats); line 2: treatment and initialisation steps"
                     % (os.path.relpath(scenario, ROOT), commit),
                     "steps,%d,%d" % (patient["n_steps_treatment"], patient["n_steps_initialisation"]),
                     "state," + ",".join(str(d) for d in DAYS)]
            for name in f["states"]:
                series = np.asarray(f["states"][name])[0]
                lines.append(name + "," + ",".join(float(series[i]).hex() for i in index))
    return lines


if __name__ == "__main__":
    main()
