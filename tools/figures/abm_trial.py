#!/usr/bin/env python3
"""The agent-based windows of a trial (docs/models/abm.md, "A trial with windows").

Reads the result file of scenarios/nsclc_abm_pathy.yaml (run it first:
build/tools/vct run scenarios/nsclc_abm_pathy.yaml) and writes, into docs/figures/:

  abm_trial_sections.png  the middle plane of the margin window at day 84, first candidate, per arm
  abm_trial_profiles.png  CD8 density and PD-L1+ share by depth from the tumour boundary, margin
                          window, day 84, median over the patients per arm

and prints the table of docs/models/abm.md: per arm and window, the change of viable cancer cells
from day 0 to the last assessment (median, P10, P90; a window following its front counts the cells
it passed on), CD8 per mm^3 and the PD-L1+ share at the last assessment (medians); each arm's margin window (the rim) against
the first arm's, patient by patient (median difference, better / worse, exact sign test); per arm and
assessment, CD8 per mm^3 at the invasive front (within 100 um of the margin window's tumour
boundary) against the core window; then, at baseline, the window TPS against the compartment's TPS
(Spearman rank correlation over the patients).

Usage: PYTHONPATH=build/python /usr/bin/python3 tools/figures/abm_trial.py
       [--results results/nsclc_abm_pathy.h5] [--out docs/figures]
"""
import argparse
import math
import os
import warnings

import numpy as np

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
    fig, axes = plt.subplots(1, len(r.arms), figsize=(4.2 * len(r.arms), 4.4), sharey=True, squeeze=False)
    axes = axes[0]
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
    print_summary(r)


def print_summary(r):
    with warnings.catch_warnings():  # an emptied window has no shares: their medians are NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        summary(r)


def summary(r):
    sp = r.abm("spatial")
    slices = r.abm("slices")
    last = sp["t_day"].max()
    print(f"{'arm':14} {'window':>6} {'cancer change % P50 (P10, P90)':>32} {'CD8/mm3':>9} {'PD-L1+ %':>9}"
          f"   (day 0 to day {last:g})")
    changes = {}
    for arm in r.arms:
        for w in sorted(set(sp["window_index"].astype(int))):
            change, end = window_change(sp, slices, arm, w, last)
            changes[(arm, w)] = change
            p10, p50, p90 = np.nanpercentile(change, [10, 50, 90])
            print(f"{arm:14} {w:>6} {p50:>+15.0f} ({p10:+.0f}, {p90:+.0f}){'':>6} {end['cd8_per_mm3'].median():>9.0f} "
                  f"{100.0 * end['pdl1_positive_share_1'].median():>9.1f}")
    paired_against_control(r, changes)
    front_versus_core(r, sp)
    base = sp[(sp["arm"] == r.arms[0]) & (sp["t_day"] == 0)]
    share = {0: 0.95, 1: 0.05} if base["window_index"].max() > 0 else {0: 1.0}
    weight = base["window_index"].map(share)
    tps = ((base["pdl1_positive_cells"] * weight).groupby(base["candidate_id"]).sum()
           / (base["viable_cancer_cells"] * weight).groupby(base["candidate_id"]).sum() * 100.0)
    compartment = r.patients.set_index("candidate_id")["tps_pct"].reindex(tps.index)
    rho = tps.rank().corr(compartment.rank())
    print(f"baseline window TPS: median {tps.median():.1f} %, >= 50 / 1-49 / < 1: {100 * (tps >= 50).mean():.0f} / "
          f"{100 * ((tps >= 1) & (tps < 50)).mean():.0f} / {100 * (tps < 1).mean():.0f} %; compartment TPS median "
          f"{compartment.median():.2f} %; Spearman rho {rho:.2f} (n = {len(tps)})")


def window_change(sp, slices, arm, w, last):
    """Per candidate, % change of a window's viable cancer cells from day 0 to `last`, counting the
    cells a window following its front passed on to the rest of the lesion; and the last rows."""
    rows = sp[(sp["arm"] == arm) & (sp["window_index"] == w)]
    start = rows[rows["t_day"] == 0].set_index("candidate_id")
    end = rows[rows["t_day"] == last].set_index("candidate_id")
    sl = slices[(slices["arm"] == arm) & (slices["window_index"] == w) & (slices["t_day"] <= last + 1e-9)]
    passed = sl.groupby("candidate_id")["cancer_left_per_slice"].sum().reindex(end.index).fillna(0.0)
    return 100.0 * ((end["viable_cancer_cells"] + passed) / start["viable_cancer_cells"] - 1.0), end


def sign_test_p(wins, losses):
    """Two-sided exact sign test: P(|W - n/2| >= |wins - n/2|) for W ~ Binomial(n, 1/2), ties dropped."""
    n = wins + losses
    if n == 0:
        return float("nan")
    k = min(wins, losses)
    return min(1.0, 2.0 * sum(math.comb(n, i) for i in range(k + 1)) / 2.0 ** n)


def paired_against_control(r, changes):
    """The margin window's (the rim's) change in each arm against the first arm, patient by patient:
    the median difference, how many patients' rims did better, and the sign test."""
    if len(r.arms) < 2 or (r.arms[0], 1) not in changes:
        return
    control = changes[(r.arms[0], 1)]
    print(f"margin window against {r.arms[0]}, paired: median difference (points), better / worse, sign test p")
    for arm in r.arms[1:]:
        d = (changes[(arm, 1)] - control).dropna()
        better, worse = int((d < 0).sum()), int((d > 0).sum())
        print(f"  {arm:14} {d.median():>+8.1f} {better:>4} / {worse:<4} p = {sign_test_p(better, worse):.3g}")


def band_density(p, lower, upper):
    b = p[(p["depth_lower_um"] >= lower) & (p["depth_upper_um"] <= upper)]
    v = b["volume_mm3"].sum()
    return b["cd8_cells"].sum() / v if v > 0 else np.nan


def front_versus_core(r, sp):
    """CD8 per mm^3 at the invasive front (margin window, within 100 um of the tumour boundary) and in
    the core window, medians over the patients, and the share of patients whose front is denser."""
    prof = r.abm("profiles")
    if prof["window_index"].max() < 1:
        return
    print(f"{'arm':14} {'day':>4} {'front CD8/mm3':>14} {'core CD8/mm3':>13} {'front > core':>13}")
    for arm in r.arms:
        for day in sorted(set(sp["t_day"])):
            pairs = []
            for cand, p in prof[(prof["arm"] == arm) & (prof["window_index"] == 1) &
                                np.isclose(prof["t_day"], day)].groupby("candidate_id"):
                core = sp[(sp["arm"] == arm) & (sp["candidate_id"] == cand) & (sp["window_index"] == 0) &
                          np.isclose(sp["t_day"], day)]["cd8_per_mm3"]
                front = band_density(p, -100.0, 100.0)
                if len(core) and not np.isnan(front):
                    pairs.append((front, float(core.iloc[0])))
            if not pairs:
                continue
            a = np.array(pairs)
            print(f"{arm:14} {day:>4g} {np.median(a[:, 0]):>14.0f} {np.median(a[:, 1]):>13.0f} "
                  f"{100.0 * np.mean(a[:, 0] > a[:, 1]):>11.0f} % (n = {len(a)})")


if __name__ == "__main__":
    main()
