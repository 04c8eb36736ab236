#!/usr/bin/env python3
"""The agent-based windows of a trial (docs/models/abm.md, "A trial with windows").

Reads the result file of scenarios/nsclc_abm_pathy.yaml (run it first:
build/tools/vct run scenarios/nsclc_abm_pathy.yaml) and writes, into docs/figures/:

  abm_trial_sections.png  the middle plane of the margin window at day 84, first candidate, per arm
  abm_trial_profiles.png  CD8 density and PD-L1+ share by depth from the tumour boundary, margin
                          window, day 84, median over the patients per arm
  abm_trial_rim.png       the margin window's (the rim's) change per patient and arm, and each arm's
                          against the first arm's, patient by patient (vct's plot.abm_change)

and prints the table of docs/models/abm.md: per arm and window, the change of viable cancer cells
from day 0 to the last assessment (median, P10, P90; a window following its front counts the cells
it passed on), CD8 per mm^3 and the PD-L1+ share at the last assessment (medians); each arm's
margin window (the rim) against the first arm's, patient by patient (median difference, better /
worse, exact sign test); why the rim does or does not shrink (T-cell deaths in it over days 0-14,
its CD8 cells at days 5, 14 and 42, kills per cytotoxic CD8 cell and per viable cancer cell, the
compartment's PD-1 suppression, and contact at the last assessment); per arm and
assessment, CD8 per mm^3 at the invasive front (within 100 um of the margin window's tumour
boundary) against the core window; then, at baseline, the window TPS against the compartment's TPS
(Spearman rank correlation over the patients).

Usage: PYTHONPATH=build/python /usr/bin/python3 tools/figures/abm_trial.py
       [--results results/nsclc_abm_pathy.h5] [--out docs/figures]
"""
import argparse
import os
import warnings

import numpy as np
import pandas as pd

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

import vct  # noqa: E402
from vct.plot import CANCER_STATES, T_STATES, sign_test_p  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--results", default="results/nsclc_abm_pathy.h5")
    ap.add_argument("--out", default="docs/figures")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
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
    changes = print_summary(r)
    if (r.arms[0], 1) in changes:  # margin windows
        r.plot.abm_change(window=1).savefig(os.path.join(a.out, "abm_trial_rim.png"), dpi=90)


def print_summary(r):
    with warnings.catch_warnings():  # an emptied window has no shares: their medians are NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        return summary(r)


def summary(r):
    sp = r.abm("spatial")
    slices = r.abm("slices")
    last = sp["t_day"].max()
    print(f"{'arm':14} {'window':>6} {'cancer change % P50 (P10, P90)':>32} {'CD8/mm3':>9} {'PD-L1+ %':>9}"
          f"   (day 0 to day {last:g})")
    changes = {}
    windows = sorted(set(sp["window_index"].astype(int)))
    tables = {w: r.abm_change(w, last) for w in windows}
    for arm in r.arms:
        for w in windows:
            change = tables[w][tables[w]["arm"] == arm].set_index("candidate_id")["change_pct"]
            end = sp[(sp["arm"] == arm) & (sp["window_index"] == w) & (sp["t_day"] == last)]
            changes[(arm, w)] = change
            p10, p50, p90 = np.nanpercentile(change, [10, 50, 90])
            print(f"{arm:14} {w:>6} {p50:>+15.0f} ({p10:+.0f}, {p90:+.0f}){'':>6} {end['cd8_per_mm3'].median():>9.0f} "
                  f"{100.0 * end['pdl1_positive_share_1'].median():>9.1f}")
    paired_against_control(r, changes)
    rim_diagnostics(r, sp, slices, last)
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
    return changes


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


def rim_diagnostics(r, sp, slices, last):
    """Prints rim_table: why the rim does or does not shrink."""
    t = rim_table(r, sp, slices, last)
    if t is None:
        return
    print(f"margin window, medians: {'T deaths d0-14':>14} {'CD8 d5':>7} {'d14':>6} {'d42':>6} {'kills/cyt/slice':>16} "
          f"{'kills/cancer/d':>15} {'H_PD1':>6} {'contact %':>10}   (kills, H_PD1: days 42-{last:g})")
    for arm, row in t.iterrows():
        print(f"  {arm:14} {row['t_deaths']:>14.0f} {row['cd8_day5']:>7.0f} {row['cd8_day14']:>6.0f} "
              f"{row['cd8_day42']:>6.0f} {row['kills_per_cytotoxic_per_slice']:>16.4f} "
              f"{row['kills_per_cancer_per_day']:>15.4f} {row['H_PD1']:>6.2f} {100.0 * row['contact']:>10.0f}"
              f"   (n = {row['patients']:.0f})")


def rim_table(r, sp, slices, last, deaths_until=14.0, cd8_days=(5.0, 14.0, 42.0), late_from=42.0):
    """Why the rim does or does not shrink, per arm (margin window, medians over the patients):
    t_deaths, the T cells that died in it up to day `deaths_until` (radiation and lifespan);
    cd8_day<d>, its CD8 cells at the slices nearest `cd8_days`; over the slices after `late_from`
    up to `last`, kills_per_cytotoxic_per_slice (the patient's kills over its cytotoxic-cell slices)
    and kills_per_cancer_per_day (its kills over its viable-cancer-cell days), and H_PD1 (the
    compartment's PD-1 suppression, which sets the window's); at `last`, contact (the share of viable
    cancer cells with a CD8 cell within reach). None without margin windows."""
    sl = slices[slices["window_index"] == 1]
    if sl.empty:
        return None
    cd8 = sl["cd8_effector_cells"] + sl["cd8_cytotoxic_cells"] + sl["cd8_suppressed_cells"]
    viable = sl["stem_cells"] + sl["progenitor_cells"] + sl["senescent_cells"] - sl["doomed_cells"]
    sl = sl.assign(cd8=cd8, viable=viable)
    slices_per_day = 1.0 / np.median(np.diff(np.sort(sl["t_day"].unique())))
    rows = {}
    for arm in r.arms:
        a = sl[sl["arm"] == arm]
        row = {"patients": a["candidate_id"].nunique(),
               "t_deaths": a[a["t_day"] <= deaths_until + 1e-9].groupby("candidate_id")["t_deaths_per_slice"].sum()
               .median()}
        for d in cd8_days:
            row[f"cd8_day{d:g}"] = nearest_day(a, d)["cd8"].median()
        late = a[(a["t_day"] > late_from + 1e-9) & (a["t_day"] <= last + 1e-9)].groupby("candidate_id")
        kills = late["kills_per_slice"].sum()
        cytotoxic = late["cd8_cytotoxic_cells"].sum().where(lambda v: v > 0)
        cancer_days = late["viable"].sum().where(lambda v: v > 0) / slices_per_day
        row["kills_per_cytotoxic_per_slice"] = (kills / cytotoxic).median()
        row["kills_per_cancer_per_day"] = (kills / cancer_days).median()
        row["H_PD1"] = late["compartment_H_PD1_1"].mean().median()
        contact = sp[(sp["arm"] == arm) & (sp["window_index"] == 1) & np.isclose(sp["t_day"], last)]
        row["contact"] = contact["cancer_near_cd8_share"].median()
        rows[arm] = row
    return pd.DataFrame.from_dict(rows, orient="index")


def nearest_day(rows, day):
    """Each candidate's slice row closest to `day`."""
    idx = (rows["t_day"] - day).abs().groupby(rows["candidate_id"]).idxmin()
    return rows.loc[idx]


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
