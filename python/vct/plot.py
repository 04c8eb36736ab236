# SPDX-License-Identifier: MIT
"""Figures of a Result (result.plot.*): waterfall, spider, swimmer, Kaplan-Meier, in-field vs
out-of-field response, and a forest plot of arm differences. Each returns a matplotlib Figure with
labelled axes (units) and a legend, in the Okabe-Ito colour-blind-safe palette."""

import math

import numpy as np

# Okabe & Ito (2008), "Color Universal Design": distinguishable with every common colour-vision deficiency.
OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000"]
RESPONSE_COLOURS = {"CR": "#009E73", "PR": "#0072B2", "SD": "#E69F00", "PD": "#D55E00", "NE": "#999999",
                    "none": "#999999"}
RESPONSE_ORDER = ["CR", "PR", "SD", "PD", "NE"]
CANCER_STATES = {1: ("stem", "#882255"), 2: ("progenitor", "#CC6677"), 3: ("senescent", "#DDCC77"),
                 4: ("doomed", "#888888")}
T_STATES = {1: ("CD8 effector", "#88CCEE"), 2: ("CD8 cytotoxic", "#0072B2"), 3: ("CD8 suppressed", "#332288"),
            4: ("Treg", "#009E73")}


def _pyplot():
    import matplotlib.pyplot as plt
    return plt


def _response_legend(ax, present):
    from matplotlib.patches import Patch
    handles = [Patch(color=RESPONSE_COLOURS[r], label=r) for r in RESPONSE_ORDER if r in present]
    ax.legend(handles=handles, title="Best overall response", frameon=False)


class Plots:
    """Figures of one Result; every method returns a matplotlib Figure."""

    def __init__(self, result):
        self._r = result

    def _arm(self, arm):
        self._r._need_trial("this figure")
        return arm if arm is not None else self._r.arms[0]

    def fit(self):
        """A patient fit: each lesion's measured diameters (with the error model's sd) and the
        fitted model's at the scans."""
        scans = self._r.fit_scans
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(7.5, 4.5))
        for k, (lesion, rows) in enumerate(scans.groupby("lesion", sort=False)):
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            ax.errorbar(rows["day"], rows["observed_mm"], yerr=rows["sd_mm"], fmt="o", color=colour, capsize=3,
                        label=f"{lesion}: measured (± sd)")
            ax.plot(rows["day"], rows["predicted_mm"], "-", color=colour, label=f"{lesion}: fitted")
        ax.set_xlabel("Time since treatment start (days)")
        ax.set_ylabel("Longest diameter (mm)")
        ax.legend(frameon=False)
        fig.tight_layout()
        return fig

    def prediction(self, series="sum"):
        """A patient prediction: per arm, the median diameter of `series` (a lesion's name or "sum",
        the sum of diameters) with the interval of the model's diameter (dark) and of a scan
        (light), and the measured scans (the sum only on days every lesion was measured)."""
        r = self._r
        bands = r.prediction()
        bands = bands[bands["series"] == series]
        if bands.empty:
            raise ValueError(f"no predicted series {series!r}; expected a lesion's name or 'sum'")
        scans = r.fit_scans
        if series == "sum":
            lesions = scans["lesion"].nunique()
            counted = scans.groupby("day").filter(lambda rows: rows["lesion"].nunique() == lesions)
            measured = counted.groupby("day")["observed_mm"].sum()
        else:
            measured = scans[scans["lesion"] == series].set_index("day")["observed_mm"]
        pct = round(100 * r.predict_attributes["interval"])
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(7.5, 4.5))
        for k, (arm, rows) in enumerate(bands.groupby("arm", sort=False)):
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            ax.fill_between(rows["day"], rows["scan_lower_mm"], rows["scan_upper_mm"], color=colour, alpha=0.12,
                            linewidth=0)
            ax.fill_between(rows["day"], rows["lower_mm"], rows["upper_mm"], color=colour, alpha=0.25, linewidth=0)
            ax.plot(rows["day"], rows["median_mm"], "-", color=colour, label=arm)
        ax.plot(measured.index, measured.values, "ko", label="measured")
        ax.set_xlabel("Time since treatment start (days)")
        ax.set_ylabel(("Sum of diameters" if series == "sum" else f"{series}: longest diameter") + " (mm)")
        ax.set_title(f"Median and {pct} % intervals (dark: diameter, light: a scan)", fontsize=10)
        ax.legend(frameon=False)
        fig.tight_layout()
        return fig

    def twin_check(self):
        """A synthetic-patient check: per fitted parameter the estimate against the truth (z scale,
        bars: 90 % intervals), and the share of held-out scans inside their prediction interval
        by scan day against the nominal level."""
        r = self._r
        names = list(r.twin_check_parameters["name"])
        patients, scans, attrs = r.twin_check_patients, r.twin_check_scans, r.twin_check_attributes
        plt = _pyplot()
        fig, axes = plt.subplots(1, len(names) + 1, figsize=(3.2 * (len(names) + 1), 3.4))
        for ax, name in zip(axes, names):
            truth, estimate = patients[name + "_true_z"], patients[name + "_estimate_z"]
            ax.errorbar(truth, estimate, yerr=1.6448536269514722 * patients[name + "_sd_z"], fmt="o", ms=3,
                        color=OKABE_ITO[0], ecolor="#bbb", elinewidth=0.8)
            ax.plot([-3, 3], [-3, 3], "k--", lw=0.8)
            ax.set_xlim(-3, 3)
            ax.set_ylim(-3.5, 3.5)
            ax.set_title(name, fontsize=9)
            ax.set_xlabel("true z")
        axes[0].set_ylabel("estimated z (90 % interval)")
        held = scans[scans["held_out"] == 1].copy()
        held["inside"] = (held["observed_mm"] >= held["scan_lower_mm"]) & (held["observed_mm"] <= held["scan_upper_mm"])
        by_day = held.groupby("day")["inside"].mean()
        ax = axes[-1]
        ax.bar([f"{d:g}" for d in by_day.index], 100 * by_day.values, color=OKABE_ITO[1])
        ax.axhline(100 * attrs["interval"], color="k", ls="--", lw=0.8, label="nominal")
        ax.set_ylim(0, 105)
        ax.set_xlabel(f"held-out scan day (fitted to day {attrs['cutoff_day']:g})")
        ax.set_ylabel("inside the prediction interval (%)")
        ax.legend(frameon=False, loc="lower left")
        fig.tight_layout()
        return fig

    def landscape(self, value="objective", x=None, y=None):
        """A schedule search's landscape: `value` (a column of result.search, e.g. objective or
        out_of_field_orr) over two searched variables as a heat map (one variable: a line), the
        schedules the constraints excluded hatched, the best one circled."""
        r = self._r
        table = r.search
        names = list(r.search_variables["name"])
        x = x or names[0]
        y = y if y is not None else (names[1] if len(names) > 1 else None)
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(7.5, 5))
        scale = 100.0 if value.endswith("orr") or "orr_" in value else 1.0
        label = value + (" (%)" if scale == 100.0 else "")
        if y is None:
            rows = table.groupby(x)[value].max().sort_index()
            ax.plot(rows.index, scale * rows.values, marker="o", color=OKABE_ITO[0])
            ax.set_xlabel(x)
            ax.set_ylabel(label)
        else:
            skipped = r.search_skipped
            xs = sorted(set(table[x]) | (set(skipped[x]) if not skipped.empty else set()))
            ys = sorted(set(table[y]) | (set(skipped[y]) if not skipped.empty else set()))
            grid = table.groupby([y, x])[value].max().unstack(x).reindex(index=ys, columns=xs)
            image = ax.imshow(scale * grid.values, origin="lower", aspect="auto", cmap="viridis")
            ax.set_xticks(range(len(xs)), [f"{v:g}" for v in xs])
            ax.set_yticks(range(len(ys)), [f"{v:g}" for v in ys])
            ax.set_xlabel(x)
            ax.set_ylabel(y)
            fig.colorbar(image, ax=ax, label=label)
            for row in skipped.itertuples():
                sx, sy = getattr(row, x), getattr(row, y)
                if sx in xs and sy in ys:
                    ax.add_patch(plt.Rectangle((xs.index(sx) - 0.5, ys.index(sy) - 0.5), 1, 1, fill=False,
                                               hatch="//", edgecolor="#999999", linewidth=0))
            best = table.loc[table["objective"].idxmax()]
            ax.plot(xs.index(best[x]), ys.index(best[y]), marker="o", markersize=16, markerfacecolor="none",
                    markeredgecolor="#D55E00", markeredgewidth=2, linestyle="none", label="best objective")
            ax.legend(frameon=False, loc="upper left", bbox_to_anchor=(0, -0.12), title="hatched: excluded by a constraint")
        fig.tight_layout()
        return fig

    def trajectory(self, output="tumour_diameter_cm"):
        """An output over time: the patient's line (single-patient files), or per arm the median
        and the 10th-90th percentile band of the patients (trials)."""
        traj = self._r.trajectories(output)
        units = traj.attrs.get("units", "")
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(8, 4.5))
        if self._r.kind == "patient":
            ax.plot(traj["time_day"], traj["value"], color=OKABE_ITO[0], label="patient")
        else:
            for k, arm in enumerate(self._r.arms):
                rows = traj[traj["arm"] == arm].groupby("time_day")["value"]
                q = rows.quantile([0.1, 0.5, 0.9]).unstack()
                colour = OKABE_ITO[k % len(OKABE_ITO)]
                ax.plot(q.index, q[0.5], color=colour, label=f"{arm} (median)")
                ax.fill_between(q.index, q[0.1], q[0.9], color=colour, alpha=0.15, linewidth=0)
        ax.set_xlabel("Time since treatment start (days)")
        ax.set_ylabel(f"{output}" + (f" ({units})" if units else ""))
        ax.legend(frameon=False, title=None if self._r.kind == "patient" else "shaded: 10th-90th percentile")
        fig.tight_layout()
        return fig

    def waterfall(self, arm=None, site="all"):
        """Best change in the sum of target-lesion diameters per patient, sorted (RECIST lines at
        +20 % and -30 %; bars above +100 % are drawn at +100 %). site: "all", "in_field" or "out_of_field" (multi-lesion RT arms)."""
        arm = self._arm(arm)
        response = {"all": "best_response_text", "in_field": "best_response_in_field",
                    "out_of_field": "best_response_out_of_field"}[site]
        out = self._r.outcomes(arm).join(self._r.best_change(arm, site).rename("best"), on="candidate_id")
        column = "best"
        out = out[np.isfinite(out[column])].sort_values(column, ascending=False)
        if out.empty:
            raise ValueError(f"arm {arm} has no patients with a {site.replace('_', '-')} best change")
        names = out[response] if response.endswith("text") else out[response].map(
            {0: "CR", 1: "PR", 2: "SD", 3: "PD", 4: "NE"}).fillna("none")
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(8, 4.5))
        ax.bar(np.arange(len(out)), out[column].clip(upper=100), width=1.0,
               color=[RESPONSE_COLOURS.get(n, "#999999") for n in names])
        ax.axhline(20, color="black", linestyle="--", linewidth=0.8)
        ax.axhline(-30, color="black", linestyle=":", linewidth=0.8)
        ax.set_xlim(-0.5, len(out) - 0.5)
        ax.set_xticks([])
        ax.set_xlabel(f"Patients, sorted (n = {len(out)})")
        where = {"all": "", "in_field": " (irradiated lesions)", "out_of_field": " (lesions outside the field)"}[site]
        ax.set_ylabel("Best change in sum of diameters (%)")
        ax.set_title(f"{arm}: best change from baseline{where}")
        _response_legend(ax, set(names))
        fig.tight_layout()
        return fig

    def spider(self, arm=None, output="tumour_diameter_cm", max_patients=100):
        """Change of an output from baseline over time, one line per patient (the first
        `max_patients` in candidate order), coloured by best overall response."""
        arm = self._arm(arm)
        traj = self._r.trajectories(output, arm)
        best = self._r.outcomes(arm).set_index("candidate_id")["best_response_text"]
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(8, 4.5))
        ids = sorted(traj["candidate_id"].unique())[:max_patients]
        present = set()
        for cid in ids:
            rows = traj[traj["candidate_id"] == cid]
            base = rows["value"].iloc[0]
            if not base > 0:
                continue
            name = best.get(cid, "none")
            present.add(name)
            ax.plot(rows["time_day"], 100.0 * (rows["value"] / base - 1.0), color=RESPONSE_COLOURS.get(name, "#999999"),
                    linewidth=0.7, alpha=0.6)
        ax.axhline(20, color="black", linestyle="--", linewidth=0.8)
        ax.axhline(-30, color="black", linestyle=":", linewidth=0.8)
        ax.set_xlabel("Time since treatment start (days)")
        ax.set_ylabel(f"Change from baseline (%)\n{output}")
        ax.set_title(f"{arm}: {len(ids)} patients")
        _response_legend(ax, present)
        fig.tight_layout()
        return fig

    def swimmer(self, arm=None, max_patients=40):
        """Progression-free time per patient (to progression, death or censoring), with the start of
        response and the end marked; `max_patients` patients spread evenly over the sorted times."""
        arm = self._arm(arm)
        out = self._r.outcomes(arm).sort_values("pfs_day", ascending=True).reset_index(drop=True)
        if len(out) > max_patients:  # evenly through the sorted patients: early progressors to the longest
            out = out.iloc[np.unique(np.linspace(0, len(out) - 1, max_patients).round().astype(int))]
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(8, max(3.0, 0.18 * len(out) + 1.2)))
        y = np.arange(len(out))
        ax.barh(y, out["pfs_day"], color=[RESPONSE_COLOURS.get(n, "#999999") for n in out["best_response_text"]],
                height=0.7)
        responded = np.isfinite(out["time_to_response_day"].to_numpy(dtype=float))
        ax.scatter(out["time_to_response_day"][responded], y[responded], marker="^", color="black", s=18,
                   label="response starts", zorder=3)
        event = out["pfs_event"].to_numpy() == 1
        ax.scatter(out["pfs_day"][event], y[event], marker="x", color="black", s=18, label="progression or death",
                   zorder=3)
        ax.scatter(out["pfs_day"][~event], y[~event], marker=">", color="black", s=18, label="censored", zorder=3)
        ax.set_yticks([])
        ax.set_ylabel(f"Patients ({len(out)} of {len(self._r.outcomes(arm))}, sorted)")
        ax.set_xlabel("Progression-free time (days)")
        ax.set_title(f"{arm}: time on study")
        handles, labels = ax.get_legend_handles_labels()
        from matplotlib.patches import Patch
        handles += [Patch(color=RESPONSE_COLOURS[r], label=r) for r in RESPONSE_ORDER
                    if r in set(out["best_response_text"])]
        ax.legend(handles=handles, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
        fig.tight_layout()
        return fig

    def km(self, endpoint="pfs", at_risk_every=None):
        """Kaplan-Meier curves per arm with 95 % CI bands and the numbers at risk below.
        endpoint: "pfs", "os" or "duration_of_response"."""
        table = self._r.km(endpoint)
        column = {"pfs": ("pfs_day", "pfs_event"), "os": ("os_day", "os_event"),
                  "duration_of_response": ("duration_of_response_day", "response_ended")}[endpoint]
        out = self._r.outcomes()
        horizon = float(np.nanmax(out[column[0]].to_numpy(dtype=float))) if len(out) else 1.0
        step = at_risk_every or _nice_step(horizon)
        ticks = np.arange(0.0, horizon + 1e-9, step)
        plt = _pyplot()
        fig, (ax, risk) = plt.subplots(2, 1, figsize=(8, 5.5), gridspec_kw={"height_ratios": [4, 1]}, sharex=True)
        label = {"pfs": "Progression-free survival", "os": "Overall survival",
                 "duration_of_response": "Duration of response (responders)"}[endpoint]
        for k, arm in enumerate(self._r.arms):
            rows = table[table["arm"] == arm]
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            t = np.concatenate([[0.0], rows["time_day"].to_numpy()])
            s = np.concatenate([[1.0], rows["survival"].to_numpy()])
            lo = np.concatenate([[1.0], rows["lower"].to_numpy()])
            hi = np.concatenate([[1.0], rows["upper"].to_numpy()])
            ax.step(t, 100 * s, where="post", color=colour, label=arm)
            ax.fill_between(t, 100 * lo, 100 * hi, step="post", color=colour, alpha=0.15, linewidth=0)
            arm_out = out[out["arm"] == arm]
            times = arm_out[column[0]].to_numpy(dtype=float)
            if endpoint == "duration_of_response":
                times = times[np.isfinite(times)]
            for tick in ticks:
                risk.text(tick, -k, str(int(np.sum(times >= tick))), ha="center", va="center", color=colour,
                          fontsize="small")
        ax.set_ylabel(f"{label} (%)")
        ax.set_ylim(0, 102)
        ax.legend(frameon=False, title="Arm (shaded: 95 % CI)")
        risk.set_ylim(-len(self._r.arms) + 0.5, 0.5)
        risk.set_yticks([-k for k in range(len(self._r.arms))])
        risk.set_yticklabels(self._r.arms, fontsize="small")
        risk.set_title("Number at risk", fontsize="small", loc="left")
        risk.set_xlabel("Time since treatment start (days)")
        risk.set_xticks(ticks)
        for spine in ("top", "right", "bottom"):
            risk.spines[spine].set_visible(False)
        fig.tight_layout()
        return fig

    def in_out_of_field(self):
        """ORR of the irradiated lesions and of the lesions outside the field, per arm, with 95 % CIs
        (multi-lesion RT scenarios; an arm without RT has out-of-field only)."""
        summary = self._r.summary
        if not (summary["n_in_field"] > 0).any() and not (summary["n_out_of_field"] > 0).any():
            raise ValueError(f"{self._r.path}: no in-field or out-of-field read-out (needs the multi-lesion RT model)")
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(8, 4.5))
        x = np.arange(len(summary))
        for k, (site, label) in enumerate([("in_field", "in field"), ("out_of_field", "out of field")]):
            n = summary[f"n_{site}"].to_numpy()
            orr = np.where(n > 0, 100 * summary[f"orr_{site}"].to_numpy(), np.nan)
            err = np.vstack([orr - 100 * summary[f"orr_{site}_lower"].to_numpy(),
                             100 * summary[f"orr_{site}_upper"].to_numpy() - orr])
            ax.bar(x + (k - 0.5) * 0.38, orr, width=0.38, yerr=err, capsize=3, color=OKABE_ITO[k], label=label)
        ax.set_xticks(x)
        ax.set_xticklabels(summary.index, rotation=20, ha="right")
        ax.set_ylabel("Objective response rate (%)")
        ax.set_title("Response by site (95 % CI, Clopper-Pearson)")
        ax.legend(frameon=False)
        fig.tight_layout()
        return fig

    def arms_forest(self):
        """Paired difference in ORR (second arm minus first, percentage points) of every compared
        pair of arms with a 95 % CI (unadjusted), the McNemar p beside it adjusted for multiplicity
        as the scenario asked (Holm by default; scenario key comparisons)."""
        comparisons = self._r.comparisons
        if comparisons.empty:
            raise ValueError(f"{self._r.path}: one arm, nothing to compare")
        rows = [paired_difference_ci(c) for c in comparisons.itertuples()]
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(8, 1.0 + 0.6 * len(rows)))
        for k, (label, d, lo, hi, p) in enumerate(rows):
            y = len(rows) - 1 - k
            ax.errorbar(d, y, xerr=[[d - lo], [hi - d]], fmt="s", color=OKABE_ITO[0], capsize=3)
            ax.text(1.02, y, f"{d:+.1f} ({lo:+.1f} to {hi:+.1f}), p = {p:.2g}", transform=ax.get_yaxis_transform(),
                    va="center", fontsize="small")
        ax.axvline(0, color="black", linewidth=0.8)
        ax.set_yticks(range(len(rows)))
        ax.set_yticklabels([r[0] for r in rows][::-1])
        ax.set_ylim(-0.7, len(rows) - 0.3)
        ax.set_xlabel("Difference in ORR (percentage points, paired, 95 % CI)")
        ax.set_title("Arm comparisons (same virtual patients in every arm; p: McNemar, adjusted)")
        fig.tight_layout()
        return fig

    def subgroups(self, subgroup=None):
        """Forest plot of one subgroup analysis (default: the first, e.g. PD-L1 TPS): ORR per level
        and arm with 95 % CIs (Clopper-Pearson); with compared arms, a second panel with the paired
        ORR difference per level (first comparison, Wald CI) and the interaction p (Cochran's Q)."""
        rows = self._r.subgroups
        if rows.empty:
            raise ValueError(f"{self._r.path}: no subgroup analyses (scenario key subgroups)")
        name = subgroup if subgroup is not None else rows["subgroup"].iloc[0]
        rows = rows[rows["subgroup"] == name]
        if rows.empty:
            raise ValueError(f"{self._r.path}: no subgroup analysis '{name}'")
        effects = self._r.subgroup_effects
        effects = effects[effects["subgroup"] == name] if not effects.empty else effects
        levels = list(dict.fromkeys(rows["level_label"]))
        arms = list(dict.fromkeys(rows["arm"]))
        plt = _pyplot()
        panels = 2 if not effects.empty else 1
        fig, axes = plt.subplots(1, panels, figsize=(6 + 4 * (panels - 1), 1.2 + 0.55 * len(levels) * len(arms)),
                                 squeeze=False, sharey=True)
        ax = axes[0][0]
        step = 0.8 / max(1, len(arms))
        for k, arm in enumerate(arms):
            a = rows[rows["arm"] == arm].set_index("level_label").reindex(levels)
            y = np.arange(len(levels))[::-1] + (len(arms) - 1 - 2 * k) * step / 2
            orr = 100 * a["orr"].to_numpy()
            err = np.vstack([orr - 100 * a["orr_lower"].to_numpy(), 100 * a["orr_upper"].to_numpy() - orr])
            ax.errorbar(orr, y, xerr=err, fmt="o", color=OKABE_ITO[k % len(OKABE_ITO)], capsize=3, label=arm)
            for yy, n in zip(y, a["n"].to_numpy()):
                ax.text(1.01, yy, f"n {int(n)}", transform=ax.get_yaxis_transform(), va="center", fontsize="x-small")
        unit = rows["unit"].iloc[0]
        ax.set_yticks(np.arange(len(levels))[::-1])
        ax.set_yticklabels([f"{name} {lv}" for lv in levels])
        ax.set_xlabel("Objective response rate (%, 95 % CI)")
        ax.set_title(f"ORR by {name} ({unit})")
        if len(arms) > 1:
            ax.legend(frameon=False, fontsize="small")
        if panels == 2:
            bx = axes[0][1]
            first = effects.iloc[0]
            pair = effects[(effects["first"] == first["first"]) & (effects["second"] == first["second"])]
            pair = pair.set_index("level_label").reindex(levels)
            d = 100 * pair["orr_difference"].to_numpy()
            err = np.vstack([d - 100 * pair["orr_difference_lower"].to_numpy(),
                             100 * pair["orr_difference_upper"].to_numpy() - d])
            bx.errorbar(d, np.arange(len(levels))[::-1], xerr=err, fmt="s", color=OKABE_ITO[0], capsize=3)
            bx.axvline(0, color="black", linewidth=0.8)
            inter = self._r.subgroup_interactions
            inter = inter[(inter["subgroup"] == name) & (inter["first"] == first["first"])
                          & (inter["second"] == first["second"])]
            p = inter["orr_p"].iloc[0] if not inter.empty else float("nan")
            bx.set_xlabel("ORR difference (points, paired, 95 % CI)")
            bx.set_title(f"{first['second']} − {first['first']}; interaction p = {p:.2g} (Cochran Q)")
        fig.tight_layout()
        return fig

    def abm_section(self, arm=None, candidate=None, day=None, window=0):
        """The middle plane of one agent-based window (20-um voxels): cancer cells coloured by state,
        T cells drawn on top (a voxel shows its cytotoxic, effector, suppressed or regulatory cell, in
        that order). Defaults: the first arm, the first candidate with sections, the last assessment."""
        sec = self._r.abm("sections", arm)
        arm = arm if arm is not None else sec["arm"].iloc[0]
        sec = sec[(sec["arm"] == arm) & (sec["window_index"] == window)]
        if sec.empty:
            raise ValueError(f"arm {arm} has no section of window {window}")
        candidate = int(sec["candidate_id"].min()) if candidate is None else candidate
        sec = sec[sec["candidate_id"] == candidate]
        day = float(sec["t_day"].max()) if day is None else day
        sec = sec[np.isclose(sec["t_day"], day)]
        if sec.empty:
            raise ValueError(f"no section of candidate {candidate}, window {window} at day {day}")
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(6, 6))
        um = 20.0
        for code, (label, colour) in CANCER_STATES.items():
            cells = sec[sec["cancer_code"] == code]
            if not cells.empty:
                ax.scatter(cells["x_voxel"] * um, cells["y_voxel"] * um, s=14, marker="s", color=colour, label=label,
                           linewidths=0)
        for code, (label, colour) in T_STATES.items():
            cells = sec[sec["t_code"] == code]
            if not cells.empty:
                ax.scatter(cells["x_voxel"] * um, cells["y_voxel"] * um, s=10, marker="o", color=colour, label=label,
                           edgecolors="white", linewidths=0.4)
        ax.set_aspect("equal")
        ax.set_xlabel("x (um)")
        ax.set_ylabel("y (um)")
        ax.set_title(f"{arm}, candidate {candidate}, window {window}, day {day:g}")
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
        fig.tight_layout()
        return fig


    def abm_profiles(self, window=None, day=None):
        """CD8 density and PD-L1+ share of cancer cells by depth from the tumour boundary (negative:
        stroma), median over the patients per arm, at one assessment (default: the last). The margin
        window (index 1 with windows: core_and_margin) shows the invasive front."""
        prof = self._r.abm("profiles")
        if window is None:
            window = int(prof["window_index"].max())
        prof = prof[prof["window_index"] == window]
        day = float(prof["t_day"].max()) if day is None else day
        prof = prof[np.isclose(prof["t_day"], day)]
        plt = _pyplot()
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4.2))
        for k, arm in enumerate(self._r.arms or ["patient"]):
            rows = prof[prof["arm"] == arm]
            if rows.empty:
                continue
            mid = (rows["depth_lower_um"] + rows["depth_upper_um"]) / 2.0
            by = rows.assign(depth_um=mid).groupby("depth_um")
            colour = OKABE_ITO[k % len(OKABE_ITO)]
            ax1.plot(by["cd8_per_mm3"].median(), marker="o", color=colour, label=arm)
            ax2.plot(by["pdl1_positive_share"].median(), marker="o", color=colour, label=arm)
        for ax in (ax1, ax2):
            ax.axvline(0.0, color="#999999", linewidth=0.8, linestyle="--")
            ax.set_xlabel("depth from the tumour boundary (um; < 0: stroma)")
        ax1.set_ylabel("CD8 cells per mm^3 (median over patients)")
        ax2.set_ylabel("PD-L1+ share of cancer cells (median)")
        ax1.legend(frameon=False, title=f"window {window}, day {day:g}")
        fig.tight_layout()
        return fig

    def abm_change(self, window=1, day=None):
        """Left: each patient's change of one agent-based window's viable cancer cells (Result.abm_change;
        window 1: the margin window, the rim) per arm, with the median. Right, with two or more arms:
        each arm's change minus the first arm's, patient by patient (below 0: the window did better),
        with the better / worse counts and the exact two-sided sign test."""
        change = self._r.abm_change(window, day)
        arms = list(dict.fromkeys(change["arm"]))
        plt = _pyplot()
        fig, axes = plt.subplots(1, 2 if len(arms) > 1 else 1, figsize=(11 if len(arms) > 1 else 5.5, 4.2),
                                 squeeze=False)
        left = axes[0][0]
        jitter = np.random.default_rng(0)  # jitter only
        by_arm = {arm: change[change["arm"] == arm].set_index("candidate_id")["change_pct"] for arm in arms}
        for i, arm in enumerate(arms):
            c = by_arm[arm].dropna()
            left.scatter(i + jitter.uniform(-0.15, 0.15, len(c)), c.clip(upper=200), s=12, alpha=0.7,
                         color=OKABE_ITO[i % len(OKABE_ITO)])
            left.hlines(c.median(), i - 0.3, i + 0.3, color="black")
        left.set_xticks(range(len(arms)), arms, rotation=20)
        left.axhline(0.0, color="#999999", linewidth=0.6)
        left.set_ylabel(f"window {window}: viable cancer cells, % change")
        left.set_title("Per patient (line: median; capped at +200)", fontsize=10)
        if len(arms) > 1:
            right = axes[0][1]
            for i, arm in enumerate(arms[1:]):
                d = (by_arm[arm] - by_arm[arms[0]]).dropna()
                better, worse = int((d < 0).sum()), int((d > 0).sum())
                right.scatter(i + jitter.uniform(-0.15, 0.15, len(d)), d.clip(upper=200), s=12, alpha=0.7,
                              color=OKABE_ITO[(i + 1) % len(OKABE_ITO)])
                right.hlines(d.median(), i - 0.3, i + 0.3, color="black")
                right.annotate(f"{better} / {worse}\np = {sign_test_p(better, worse):.2g}", (i, 1.0),
                               xycoords=("data", "axes fraction"), ha="center", va="top", fontsize=8)
            right.set_xticks(range(len(arms) - 1), arms[1:], rotation=20)
            right.axhline(0.0, color="#999999", linewidth=0.6)
            right.set_ylabel(f"change minus {arms[0]}'s (points)")
            right.set_title(f"Paired with {arms[0]}: better / worse, sign test", fontsize=10)
        fig.tight_layout()
        return fig


def sign_test_p(wins, losses):
    """Exact two-sided sign test, ties dropped: P(|W - n/2| >= |wins - n/2|) for W ~ Binomial(n, 1/2),
    n = wins + losses, i.e. min(1, 2 sum_{i <= min(wins, losses)} C(n, i) / 2^n); NaN for n = 0."""
    n = wins + losses
    if n == 0:
        return float("nan")
    k = min(wins, losses)
    return min(1.0, 2.0 * sum(math.comb(n, i) for i in range(k + 1)) / 2.0 ** n)


def paired_difference_ci(c, z=1.959963984540054):
    """(label, difference, lower, upper, McNemar p, adjusted for multiplicity when the file has it)
    in percentage points for one comparison row:
    the Wald interval for paired proportions, d = (c - b)/n, se = sqrt(b + c - (c - b)^2/n)/n,
    b = responders in the first arm only, c = in the second only (Agresti, Categorical Data
    Analysis, 3rd ed., section 11.1)."""
    n, b, cc = c.n_pairs, c.responders_first_only, c.responders_second_only
    d = (cc - b) / n
    se = math.sqrt(max(b + cc - (cc - b) ** 2 / n, 0.0)) / n
    p = getattr(c, "mcnemar_p_adjusted", c.mcnemar_p)
    return (f"{c.second} vs {c.first}", 100 * d, 100 * (d - z * se), 100 * (d + z * se), p)


def _nice_step(horizon):
    for step in (28, 56, 91.3125, 182.625, 365.25):
        if horizon / step <= 8:
            return step
    return 365.25 * math.ceil(horizon / 365.25 / 8)
