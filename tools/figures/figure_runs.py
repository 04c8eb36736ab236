"""Shared by the figure scripts of docs/models/: run a single-patient scenario with `vct run`
(calibrated values applied) and read its outputs and states; save a figure.

Needs python3-h5py, python3-matplotlib (Debian).
"""
import os
import subprocess

import h5py
import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(vct, text, work, name, overrides=None):
    """Writes `text` as work/name.yaml, runs it with the calibrated values (with `overrides`, a
    {parameter: value} map, replacing or adding fixed values) and returns
    ({"time", every output, every state: the patient's series}, {parameter: value})."""
    path = os.path.join(work, name + ".yaml")
    with open(path, "w") as f:
        f.write(text)
    out = os.path.join(work, name + ".h5")
    calibration = os.path.join(ROOT, "scenarios/validation/calibrated.yaml")
    if overrides:
        with open(calibration) as f:
            lines = [line for line in f.read().splitlines() if line.split(":")[0].strip() not in overrides]
        at = lines.index("parameters:") + 1
        lines[at:at] = ["  %s: %r" % (k, float(v)) for k, v in overrides.items()]
        calibration = os.path.join(work, name + "_calibration.yaml")
        with open(calibration, "w") as f:
            f.write("\n".join(lines) + "\n")
    subprocess.run([vct, "run", path, "--output", out, "--quiet", "--calibration", calibration], check=True)
    with h5py.File(out, "r") as f:
        data = {"time": np.asarray(f["time"])}
        for group in ("outputs", "states"):
            for k in f[group]:
                data[k] = np.asarray(f[group][k])[0]
        table = f["model"]["parameters"]
        params = {(n.decode() if isinstance(n, bytes) else n): v for n, v in zip(table["name"], table["value"])}
    return data, params


def save(fig, out, name):
    """Lays out, writes out/name at 110 dpi and closes the figure."""
    fig.tight_layout()
    fig.savefig(os.path.join(out, name), dpi=110)
    import matplotlib.pyplot as plt  # the caller has chosen the back end

    plt.close(fig)


def arguments(doc):
    """--vct (default build/tools/vct) and --out (default docs/figures, created) of a figure script."""
    import argparse

    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--vct", default=os.path.join(ROOT, "build/tools/vct"))
    parser.add_argument("--out", default=os.path.join(ROOT, "docs/figures"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    return args
