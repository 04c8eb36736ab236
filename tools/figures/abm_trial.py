#!/usr/bin/env python3
"""The agent-based windows of a trial (docs/models/abm.md, "A trial with windows").

Reads the result file of scenarios/nsclc_abm_pathy.yaml (run it first:
build/tools/vct run scenarios/nsclc_abm_pathy.yaml) and writes, into docs/figures/:

  abm_trial_sections.png  the middle plane of the margin window at day 84, first candidate, per arm
  abm_trial_profiles.png  CD8 density and PD-L1+ share by depth from the tumour boundary, margin
                          window, day 84, median over the patients per arm

Usage: PYTHONPATH=build/python /usr/bin/python3 tools/figures/abm_trial.py
       [--results results/nsclc_abm_pathy.h5] [--out docs/figures]
"""
import argparse
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import vct  # noqa: E402
from vct.plot import CANCER_STATES, T_STATES  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", default="results/nsclc_abm_pathy.h5")
    ap.add_argument("--out", default="docs/figures")
    a = ap.parse_args()
    r = vct.load(a.results)
    sec = r.abm("sections")
    sec = sec[sec["window_index"] == 1]
    fig, axes = plt.subplots(1, len(r.arms), figsize=(4.2 * len(r.arms), 4.4), sharey=True)
    for ax, arm in zip(axes, r.arms):
        rows = sec[sec["arm"] == arm]
        cand = rows["candidate_id"].min()
        rows = rows[(rows["candidate_id"] == cand) & (rows["t_day"] == rows["t_day"].max())]
        for code, (label, colour) in CANCER_STATES.items():
            c = rows[rows["cancer_code"] == code]
            ax.scatter(c["x_voxel"] * 20, c["y_voxel"] * 20, s=9, marker="s", color=colour, label=label, linewidths=0)
        for code, (label, colour) in T_STATES.items():
            c = rows[rows["t_code"] == code]
            ax.scatter(c["x_voxel"] * 20, c["y_voxel"] * 20, s=7, marker="o", color=colour, label=label,
                       edgecolors="white", linewidths=0.3)
        ax.set_aspect("equal")
        ax.set_title(f"{arm}, day {rows['t_day'].max():g}")
        ax.set_xlabel("x (um; tumour side left)")
    axes[0].set_ylabel("y (um)")
    axes[-1].legend(frameon=False, fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    fig.savefig(os.path.join(a.out, "abm_trial_sections.png"), dpi=90)
    r.plot.abm_profiles(window=1).savefig(os.path.join(a.out, "abm_trial_profiles.png"), dpi=90)


if __name__ == "__main__":
    main()
