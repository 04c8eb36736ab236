#!/usr/bin/env python3
"""PFS and OS of the CheckMate 017 validation scenario against the published curves.

Runs scenarios/validation/checkmate017_nivolumab.yaml (calibrated values, 1,000 candidates by
default, the suite's seed) with `vct run` and plots, into docs/figures/:

  checkmate017_survival.png   Kaplan-Meier PFS and OS of the virtual arm with their 95 % bands, the
                              published landmarks (kmdata reconstruction of Brahmer 2015 Fig. 1
                              and 2B, dossier clinical.md 1.1; OS at 24 months from Horn 2017) and,
                              marked, which of them were calibration targets

Usage: /usr/bin/python3 tools/figures/checkmate017_survival.py [--vct build/tools/vct] [--out docs/figures]
Needs python3-h5py, python3-matplotlib (Debian).
"""
import os
import subprocess
import tempfile

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from figure_runs import ROOT, arguments, save  # noqa: E402

MONTH = 365.25 / 12
# Published landmarks (months, survival): kmdata reconstruction of CheckMate 017 (clinical.md 1.1).
PFS = [(1.5, 0.84), (2.0, 0.77), (2.5, 0.55), (6.0, 0.38), (12.0, 0.21), (24.0, 0.15)]
OS = [(1.5, 0.94), (2.0, 0.92), (2.5, 0.90), (3.0, 0.84), (6.0, 0.64), (12.0, 0.42), (24.0, 0.23)]
CALIBRATED_PFS = {3.0: 0.52}  # between the week-9 and week-15 scans (docs/validation.md, "PFS near the median")
CALIBRATED_OS = {280 / MONTH: 0.50, 12.0: 0.42}


def run_trial(vct, work, size):
    text = open(os.path.join(ROOT, "scenarios/validation/checkmate017_nivolumab.yaml")).read()
    text = text.replace("size: 300", "size: %d" % size)
    path = os.path.join(work, "cm017.yaml")
    with open(path, "w") as f:
        f.write(text)
    out = os.path.join(work, "cm017.h5")
    calibration = os.path.join(ROOT, "scenarios/validation/calibrated.yaml")
    subprocess.run([vct, "run", path, "--output", out, "--quiet", "--calibration", calibration, "--threads", "2"],
                   check=True)
    curves = {}
    with h5py.File(out, "r") as f:
        for name in ("pfs_kaplan_meier", "os_kaplan_meier"):
            t = f["summary"][name]["nivolumab"]
            curves[name] = {k: np.asarray(t[k]) for k in ("time_day", "survival", "lower", "upper")}
    return curves


def step(ax, curve, colour, label):
    t = np.concatenate([[0.0], curve["time_day"]]) / MONTH
    s = np.concatenate([[1.0], curve["survival"]])
    lo = np.concatenate([[1.0], curve["lower"]])
    hi = np.concatenate([[1.0], curve["upper"]])
    ax.step(t, s, where="post", color=colour, label=label)
    ax.fill_between(t, lo, hi, step="post", color=colour, alpha=0.2, linewidth=0)


def main():
    args = arguments(__doc__)
    with tempfile.TemporaryDirectory() as work:
        curves = run_trial(args.vct, work, 1000)
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    panels = [("pfs_kaplan_meier", PFS, CALIBRATED_PFS, "Progression-free survival"),
              ("os_kaplan_meier", OS, CALIBRATED_OS, "Overall survival")]
    for ax, (name, published, calibrated, title) in zip(axes, panels):
        step(ax, curves[name], "#0072B2", "virtual arm (95 % band)")
        ax.plot([m for m, _ in published], [s for _, s in published], "o", color="#D55E00", mfc="none",
                label="CheckMate 017, held out")
        ax.plot(list(calibrated), list(calibrated.values()), "s", color="#D55E00",
                label="CheckMate 017, calibration target")
        ax.set_xlabel("months from the first dose")
        ax.set_ylabel("probability")
        ax.set_xlim(0, 24.5)
        ax.set_ylim(0, 1.02)
        ax.set_title(title)
        ax.legend(fontsize=8)
    save(fig, args.out, "checkmate017_survival.png")


if __name__ == "__main__":
    main()
