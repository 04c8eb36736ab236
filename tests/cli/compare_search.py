# SPDX-License-Identifier: MIT
"""Exits 1 unless two `vct search` files hold the same schedules: every numeric column of
/search/evaluated, /search/reference, /search/skipped and /search/confirmation equal (NaN = NaN),
the same labels and reasons, the same ranking and counts. Usage: compare_search.py A.h5 B.h5"""
import sys

import h5py
import numpy as np


def main(a_path, b_path):
    problems = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        for name in ["evaluated", "reference", "skipped", "confirmation", "ranking"]:
            key = "search/" + name
            if (key in a) != (key in b):
                problems.append(f"{key} in one file only")
                continue
            if key not in a:
                continue
            x, y = a[key][()], b[key][()]
            if x.shape != y.shape or x.dtype.names != y.dtype.names:
                problems.append(f"{key}: {x.shape} vs {y.shape} rows, columns {x.dtype.names} vs {y.dtype.names}")
                continue
            for column in x.dtype.names or [None]:
                u, v = (x, y) if column is None else (x[column], y[column])
                same = list(u) == list(v) if u.dtype.kind == "O" else np.array_equal(u, v, equal_nan=True)
                if not same:
                    problems.append(f"{key}: column {column} differs")
        for attr in ["n_considered", "n_skipped", "n_evaluated", "n_candidates", "n_patients", "result"]:
            if a["search"].attrs.get(attr) != b["search"].attrs.get(attr):
                problems.append(f"/search attribute {attr} differs")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
