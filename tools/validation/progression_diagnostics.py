#!/usr/bin/env python3
"""Progression diagnostics of one arm of a trial result file (docs/validation.md, "Progression and
survival" and "Tumour kinetics"): the growth rate before treatment, how far growth rises on
treatment, who progresses between the first two scans, and what calling PD at the first scan for
growing patients (an emulation of non-target progression, not a model) would do to best-response
PD and PFS at a day; first, the arm's Kaplan-Meier PFS at landmark days (by default either side of
the first two scans of the CheckMate 017 calendar, days 63 and 105, and at 3, 6 and 12 months).

Usage: /usr/bin/python3 tools/validation/progression_diagnostics.py RESULT.h5 [--arm NAME] [--day 106.5]
         [--thresholds 15,10] [--landmarks 62,64,76.1,91.3,104,106.5,182.6,365.25]
Needs python3-h5py (Debian).
"""
import argparse

import h5py
import numpy as np

SD, PD = 2, 3


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("result")
    parser.add_argument("--arm", default=None, help="arm name (default: the first)")
    parser.add_argument("--day", type=float, default=106.5, help="day of the PFS read-out")
    parser.add_argument("--thresholds", default="15,10", help="first-scan changes (%%) called PD in the emulation")
    parser.add_argument("--landmarks", default="62,64,76.1,91.3,104,106.5,182.6,365.25",
                        help="days at which to print the Kaplan-Meier PFS")
    args = parser.parse_args()
    with h5py.File(args.result, "r") as f:
        arm = args.arm or sorted(f["arms"].keys(), key=lambda a: f["arms"][a].attrs["arm_index"])[0]
        o = f["arms"][arm]["outcomes"]
        col = {k: np.asarray(o[k]) for k in ("status", "best_response", "pfs_day", "pfs_event", "first_scan_change_pct",
                                              "tgi_g_per_day", "tgi_d_per_day", "tgr_first_scan_pct_per_month")}
        scans = np.asarray(f["arms"][arm]["scan_response"])
        tgr_pre = np.asarray(f["patients"]["tgr_pre_pct_per_month"])
        new_lesion = np.asarray(o["pd_new_lesion"]) if "pd_new_lesion" in o.dtype.names else np.zeros(len(tgr_pre))
        km = f["summary"]["pfs_kaplan_meier"][arm]
        km_t, km_s = np.asarray(km["time_day"]), np.asarray(km["survival"])
    ok = col["status"] == 0
    n = int(ok.sum())
    print("arm %s: %d patients" % (arm, n))
    days = [float(d) for d in args.landmarks.split(",")]
    print("PFS (Kaplan-Meier): " + ", ".join("S(%g d) %.1f %%" % (d, 100 * survival_at(km_t, km_s, d)) for d in days))
    pre = tgr_pre[ok]
    print("TGR before treatment, %%/month of volume: P10 %.1f, P50 %.1f, P90 %.1f" % tuple(np.percentile(pre, [10, 50, 90])))
    rise = (col["tgr_first_scan_pct_per_month"] - tgr_pre)[ok]
    rise = rise[np.isfinite(rise)]
    print("TGR to the first scan minus before: largest %+.1f %%/month; %.1f %% of patients rise at all"
          % (rise.max(), 100.0 * np.mean(rise > 0)))
    flat = ok & (col["tgi_d_per_day"] == 0) & (tgr_pre > 0)
    if flat.any():
        ratio = (col["tgr_first_scan_pct_per_month"] / tgr_pre)[flat]
        print("without a shrinkage component (%d): TGR to the first scan / TGR before, P10/P50/P90 %.2f/%.2f/%.2f"
              % (flat.sum(), *np.nanpercentile(ratio, [10, 50, 90])))
    first, second = scans[:, 0], scans[:, 1]
    late = ok & (first == SD) & (second == PD)
    stay = ok & (first == SD) & (second == SD)
    if late.sum() == 0 or stay.sum() == 0:
        print("SD at the first scan, PD at the second: %d; SD at both scans: %d" % (late.sum(), stay.sum()))
    else:
        print_between_scans(col, new_lesion, late, stay, n)
    emulate(col, ok, first, args)


def survival_at(t, s, day):
    """The Kaplan-Meier survival at `day` (a step function, right-continuous; 1 before the first event)."""
    before = np.asarray(s)[np.asarray(t) <= day]
    return before[-1] if len(before) else 1.0


def print_between_scans(col, new_lesion, late, stay, n):
    print("SD at the first scan, PD at the second: %d (%.1f %%), %d of them by a new lesion; first-scan change "
          "P10/P50/P90 %+.1f/%+.1f/%+.1f %%, g median %.4f /day, %.0f %% without shrinkage"
          % (late.sum(), 100.0 * late.sum() / n, int(np.nansum(new_lesion[late])),
             *np.percentile(col["first_scan_change_pct"][late], [10, 50, 90]),
             np.median(col["tgi_g_per_day"][late]), 100.0 * np.mean(col["tgi_d_per_day"][late] == 0)))
    print("SD at both scans: %d, first-scan change median %+.1f %%"
          % (stay.sum(), np.median(col["first_scan_change_pct"][stay])))


def emulate(col, ok, first, args):
    thresholds = [None] + [float(t) for t in args.thresholds.split(",") if t]
    for t in thresholds:
        best, pfs, event = col["best_response"].copy(), col["pfs_day"].copy(), col["pfs_event"].copy()
        if t is not None:
            called = ok & (first >= 0) & (first != PD) & (col["first_scan_change_pct"] >= t)
            best[called], pfs[called], event[called] = PD, 0.0, 1.0
        pd = 100.0 * np.mean(best[ok] == PD)
        orr = 100.0 * np.mean(best[ok] <= 1)
        progression_free = 100.0 - 100.0 * np.mean((event[ok] == 1) & (pfs[ok] <= args.day))
        label = "as simulated" if t is None else "PD at the first scan from %+.0f %%" % t
        print("%-32s BOR PD %.1f %%, ORR %.1f %%, PFS at %g days %.1f %%" % (label, pd, orr, args.day, progression_free))


if __name__ == "__main__":
    main()
