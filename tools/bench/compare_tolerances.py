#!/usr/bin/python3
"""Accuracy of a single-patient scenario at its own tolerances (docs/performance.md, docs/solver.md).

Runs the scenario as written and again at a much tighter rtol/atol, then prints, for every output
and the worst state, the largest relative difference over the daily values (relative to the tight
run, with values below 1e-6 of the series' maximum compared on that floor instead).

usage: /usr/bin/python3 tools/bench/compare_tolerances.py SCENARIO.yaml [--rtol 1e-10] [--atol 1e-13]
           [--max-diameter-difference D]   (exit 1 when the tumour diameter differs by more than D)
"""
import argparse
import pathlib
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]


def run(vct, text, work, name):
    scenario = work / f"{name}.yaml"
    output = work / f"{name}.h5"
    scenario.write_text(text)
    done = subprocess.run([str(vct), "run", str(scenario), "--output", str(output), "--quiet", "--published"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"vct run failed for the {name} run:\n{done.stdout}{done.stderr}")
    return output


def series(path):
    out = {}
    with h5py.File(path, "r") as f:
        for group in ("outputs", "states"):
            if group in f:
                for key, data in f[group].items():
                    out[f"{group}/{key}"] = np.asarray(data[()], dtype=float)
    return out


def max_relative(a, b):
    scale = np.abs(b).max()
    if scale == 0.0:
        return float(np.abs(a - b).max())
    return float((np.abs(a - b) / np.maximum(np.abs(b), 1e-6 * scale)).max())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("scenario")
    parser.add_argument("--rtol", type=float, default=1e-10)
    parser.add_argument("--atol", type=float, default=1e-13)
    parser.add_argument("--build", default=str(ROOT / "build"))
    parser.add_argument("--max-diameter-difference", type=float, default=None)
    args = parser.parse_args()

    text = pathlib.Path(args.scenario).read_text()
    if not re.search(r"^\s+rtol:", text, re.M) or not re.search(r"^\s+atol:", text, re.M):
        sys.exit(f"{args.scenario}: needs solver.rtol and solver.atol lines to tighten")
    tight_text = re.sub(r"^(\s+)rtol:.*$", rf"\g<1>rtol: {args.rtol}", text, flags=re.M)
    tight_text = re.sub(r"^(\s+)atol:.*$", rf"\g<1>atol: {args.atol}", tight_text, flags=re.M)
    # A trial would compare populations, not trajectories.
    if re.search(r"^population:", text, re.M):
        sys.exit(f"{args.scenario}: a single-patient scenario is expected")

    vct = pathlib.Path(args.build) / "tools" / "vct"
    with tempfile.TemporaryDirectory() as tmp:
        work = pathlib.Path(tmp)
        as_written = series(run(vct, text, work, "as_written"))
        tight = series(run(vct, tight_text, work, "tight"))
    print(f"{args.scenario}: largest relative difference over the saved times, "
          f"scenario tolerances vs rtol {args.rtol:g}, atol {args.atol:g}")
    worst_state = ("", 0.0)
    diameter = None
    for key in sorted(tight):
        if key == "time" or key not in as_written or as_written[key].shape != tight[key].shape:
            continue
        d = max_relative(as_written[key], tight[key])
        if key == "outputs/tumour_diameter_cm":
            diameter = d
        if key.startswith("outputs/"):
            print(f"  {key[len('outputs/'):]:<28} {d:.2e}")
        elif d > worst_state[1]:
            worst_state = (key[len("states/"):], d)
    if worst_state[0]:
        print(f"  worst state: {worst_state[0]} {worst_state[1]:.2e}")
    if args.max_diameter_difference is not None:
        if diameter is None:
            sys.exit("no tumour_diameter_cm output to check")
        if diameter > args.max_diameter_difference:
            sys.exit(f"tumour diameter differs by {diameter:.2e} > {args.max_diameter_difference:g}")


if __name__ == "__main__":
    main()
