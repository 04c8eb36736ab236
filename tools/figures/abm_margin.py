#!/usr/bin/env python3
"""An invasive-margin window of the agent-based lesion on its own (docs/models/abm.md, "Behaviour").

Runs build/tools/vct_abm_margin 30 (48 x 32 x 32 voxels, tumour in the first third, density-gated
ports, constant inputs; no QSP coupling) and plots, into docs/figures/:

  abm_margin.png   left: the middle z section coloured by cell kind; right: CD8 and cytotoxic CD8
                   density and viable cancer cells by depth from the smoothed tumour boundary

Usage: /usr/bin/python3 tools/figures/abm_margin.py [--vct build/tools/vct] [--out docs/figures]
(--vct names the directory's vct; the window tool beside it is used). Needs python3-matplotlib.
"""
import csv
import os
import subprocess
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from figure_runs import arguments, save  # noqa: E402

COLOURS = {
    "cancer": ("#c9c9c9", "cancer cell"),
    "cancer_pdl1": ("#e6a0a0", "cancer cell, PD-L1+"),
    "doomed": ("#7f7f7f", "doomed"),
    "cd8_effector": ("#9ecae1", "CD8 effector"),
    "cd8_cytotoxic": ("#08519c", "CD8 cytotoxic"),
    "cd8_suppressed": ("#6a51a3", "CD8 suppressed"),
    "treg": ("#f16913", "Treg"),
}


def read(path):
    with open(path) as f:
        return list(csv.DictReader(f))


def main():
    args = arguments(__doc__)
    tool = os.path.join(os.path.dirname(args.vct), "vct_abm_margin")
    with tempfile.TemporaryDirectory() as work:
        profile_csv, section_csv = os.path.join(work, "profile.csv"), os.path.join(work, "section.csv")
        subprocess.run([tool, "30", "--csv", profile_csv, "--section", section_csv], check=True,
                       stdout=subprocess.DEVNULL)
        profile, section = read(profile_csv), read(section_csv)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    for kind, (colour, label) in COLOURS.items():
        points = [(float(r["x_um"]), float(r["y_um"])) for r in section if r["kind"] == kind]
        if points:
            xs, ys = zip(*points)
            size = 5 if kind.startswith("cancer") or kind == "doomed" else 9
            left.scatter(xs, ys, s=size, c=colour, label=label, marker="s" if size == 5 else "o", linewidths=0)
    left.set_xlabel("x (um): tumour on the left, stroma on the right")
    left.set_ylabel("y (um)")
    left.set_title("middle section after 30 days")
    left.set_aspect("equal")
    left.legend(fontsize=7, loc="upper right", markerscale=1.5)
    mid = [0.5 * (float(r["depth_lower_um"]) + float(r["depth_upper_um"])) for r in profile]
    volume = [float(r["volume_mm3"]) for r in profile]
    right.plot(mid, [float(r["cd8_per_mm3"]) for r in profile], "o-", color="#08519c", label="CD8 / mm3")
    right.plot(mid, [float(r["cytotoxic"]) / v if v > 0 else 0.0 for r, v in zip(profile, volume)], "s--",
               color="#3182bd", label="cytotoxic CD8 / mm3")
    right.set_xlabel("depth from the tumour boundary (um; < 0: stroma)")
    right.set_ylabel("cells / mm3")
    twin = right.twinx()
    twin.plot(mid, [float(r["cancer"]) / v if v > 0 else 0.0 for r, v in zip(profile, volume)], "^:",
              color="#7f7f7f", label="viable cancer cells / mm3")
    twin.set_ylabel("cancer cells / mm3")
    right.axvline(0.0, color="k", lw=0.8)
    lines = right.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    right.legend(lines[0] + more[0], lines[1] + more[1], fontsize=7, loc="upper right")
    right.set_title("profile by depth (constant inputs, no QSP coupling)")
    save(fig, args.out, "abm_margin.png")


if __name__ == "__main__":
    main()
