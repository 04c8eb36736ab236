#!/usr/bin/python3
"""Response timing of one arm of a trial result file (docs/validation.md).

Reads /arms/ARM/outcomes of a `vct run` HDF5 file and prints the number of responders (best
response CR/PR), how many of them already responded at the first scan, and the median and
quartiles of the time to response.

usage: /usr/bin/python3 tools/bench/response_timing.py RESULT.h5 ARM
"""
import sys

import h5py
import numpy as np


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    path, arm = sys.argv[1], sys.argv[2]
    with h5py.File(path, "r") as f:
        if arm not in f["arms"]:
            sys.exit(f"{path}: no arm '{arm}' (arms: {', '.join(f['arms'].keys())})")
        outcomes = f["arms"][arm]["outcomes"][()]
        first_scan = float(np.asarray(f["scan_days"][()]).reshape(-1)[0])
    ttr = outcomes["time_to_response_day"]
    ttr = ttr[np.isfinite(ttr) & (ttr > 0)]
    if ttr.size == 0:
        sys.exit(f"{path}: arm '{arm}' has no responders")
    at_first = int(np.sum(ttr <= first_scan))
    q1, median, q3 = np.percentile(ttr, [25, 50, 75])
    print(f"arm {arm}: {ttr.size} responders, {at_first} ({100.0 * at_first / ttr.size:.0f} %) "
          f"at the first scan (day {first_scan:g})")
    print(f"time to response: median {median:g} days, quartiles {q1:g}-{q3:g}")


if __name__ == "__main__":
    main()
