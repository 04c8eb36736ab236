# SPDX-License-Identifier: MIT
"""A self-contained HTML report of a result file: summary and comparison tables, RT courses with
BED/EQD2, every figure (embedded PNG), provenance and the resolved scenario. It opens offline in
any browser. `vct report RESULT.h5 [-o report.html]` runs this module (python3 -m vct.report)."""

import argparse
import base64
import html
import io
import math
import os
import sys

from .result import Result, load

# Marks, once the page has loaded, how many images the browser decoded (data-images-ok) and how
# many it could not (data-images-failed): the report test reads these from headless Chromium.
_CHECK_SCRIPT = """<script>
window.addEventListener('load', function () {
  var ok = 0, failed = 0;
  document.querySelectorAll('img').forEach(function (img) {
    if (img.complete && img.naturalWidth > 0) { ok += 1; } else { failed += 1; }
  });
  document.body.setAttribute('data-images-ok', String(ok));
  document.body.setAttribute('data-images-failed', String(failed));
});
</script>"""

_STYLE = """<style>
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
figure { margin: 1em 0 2em; } figure img { max-width: 100%; }
figcaption { font-size: 0.9em; color: #555; }
.warning { background: #fdd; padding: 0.5em; }
pre { background: #f6f6f6; padding: 0.5em; overflow-x: auto; font-size: 0.85em; }
</style>"""


def _pct(value, lower=None, upper=None, digits=1):
    if value is None or not math.isfinite(value):
        return "–"
    text = f"{100 * value:.{digits}f}"
    if lower is not None and upper is not None and math.isfinite(lower) and math.isfinite(upper):
        text += f" ({100 * lower:.{digits}f}–{100 * upper:.{digits}f})"
    return text


def _days(value, lower=None, upper=None):
    def one(v):
        return "NR" if v is None or not math.isfinite(v) else f"{v:.0f}"
    if value is None or not math.isfinite(value):
        return "NR"
    return one(value) + (f" ({one(lower)}–{one(upper)})" if lower is not None else "")


def _p(value):
    return "–" if value is None or not math.isfinite(value) else f"{value:.3g}"


def _table(header, rows):
    out = ["<table><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in header) + "</tr></thead><tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in row) + "</tr>")
    out.append("</tbody></table>")
    return "\n".join(out)


def _figure(fig, ident, caption):
    import matplotlib.pyplot as plt
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode()
    return (f'<figure id="{ident}"><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def _summary_table(r):
    s = r.summary
    has_os = s["median_os_day"].notna().any() if "median_os_day" in s else False
    header = ["arm", "N", "CR", "PR", "SD", "PD", "NE", "ORR % (95% CI)", "DCR % (95% CI)",
              "median PFS, d (95% CI)", "PFS 6 mo %", "PFS 12 mo %"]
    if has_os:
        header += ["median OS, d (95% CI)", "OS 12 mo %", "OS 24 mo %"]
    rows = []
    for arm, a in s.iterrows():
        row = [arm, int(a["n"]), int(a["CR"]), int(a["PR"]), int(a["SD"]), int(a["PD"]), int(a["NE"]),
               _pct(a["orr"], a["orr_lower"], a["orr_upper"]), _pct(a["dcr"], a["dcr_lower"], a["dcr_upper"]),
               _days(a["median_pfs_day"], a["median_pfs_lower_day"], a["median_pfs_upper_day"]),
               _pct(a["pfs_6_months"]), _pct(a["pfs_12_months"])]
        if has_os:
            row += [_days(a["median_os_day"], a["median_os_lower_day"], a["median_os_upper_day"]),
                    _pct(a["os_12_months"]), _pct(a["os_24_months"])]
        rows.append(row)
    text = _table(header, rows)
    if (s["n_in_field"] > 0).any() or (s["n_out_of_field"] > 0).any():
        site_rows = [[arm, int(a["n_in_field"]), _pct(a["orr_in_field"], a["orr_in_field_lower"],
                                                      a["orr_in_field_upper"]),
                      int(a["n_out_of_field"]), _pct(a["orr_out_of_field"], a["orr_out_of_field_lower"],
                                                     a["orr_out_of_field_upper"]), _pct(a["dcr_out_of_field"])]
                     for arm, a in s.iterrows()]
        text += "<h3>By site</h3>" + _table(["arm", "N in field", "in-field ORR % (95% CI)", "N out of field",
                                             "out-of-field ORR % (95% CI)", "out-of-field DCR %"], site_rows)
    return text


def _stopping_table(r):
    """Arms with a stopping rule (docs/recist.md, "Stopping rules"); None when no arm stopped anyone."""
    s = r.summary
    if "ici_stopped" not in s or not ((s["ici_stopped"] > 0).any() or (s["earliest_stop_analysed"] > 0).any()):
        return None
    rows = [[arm, f"{int(a['ici_stopped'])} of {int(a['n'])}", _days(a["median_ici_stop_day"]),
             int(a["progressed_after_stop"]) if a["ici_stopped"] > 0 else "–",
             f"{int(a['earliest_stop_found'])} of {int(a['earliest_stop_analysed'])}"
             if a["earliest_stop_analysed"] > 0 else "–",
             "none" if a["median_earliest_stop_day"] == math.inf else _days(a["median_earliest_stop_day"])]
            for arm, a in s.iterrows()]
    return _table(["arm", "stopped", "median stop day", "PFS events after the stop", "earliest stop found",
                   "median earliest stop day"], rows)


def _comparisons_table(r):
    from .plot import paired_difference_ci
    c = r.comparisons
    if c.empty:
        return "<p>One arm: no comparisons.</p>"
    rows = []
    for row in c.itertuples():
        label, d, lo, hi, p = paired_difference_ci(row)
        rows.append([label, int(row.n_pairs), f"{d:+.1f} ({lo:+.1f} to {hi:+.1f})", _p(row.mcnemar_p),
                     _p(row.mcnemar_p_adjusted), _p(row.fisher_p), _p(row.logrank_p), _p(row.logrank_p_adjusted),
                     _p(row.os_logrank_p), _p(row.os_logrank_p_adjusted)])
    with r._file() as f:
        how = {k: f["summary"].attrs.get(k, "") for k in ("comparisons", "p_adjustment")}
    how = {k: v.decode() if isinstance(v, bytes) else str(v) for k, v in how.items()}
    note = (f"<p>Compared: {html.escape(how['comparisons'])}; multiplicity adjustment: "
            f"{html.escape(how['p_adjustment'])} (adjusted columns).</p>")
    return note + _table(["comparison", "paired patients", "ORR difference, points (95% CI)", "McNemar p",
                          "McNemar p adjusted", "Fisher p", "PFS log-rank p", "PFS log-rank p adjusted",
                          "OS log-rank p", "OS log-rank p adjusted"], rows)


def _subgroups_table(r):
    g = r.subgroups
    if g.empty:
        return "<p>No subgroup analyses (scenario key subgroups).</p>"
    outcomes = r.outcomes()
    has_os = "os_day" in outcomes and outcomes["os_day"].notna().any()
    rows = [[row.subgroup, row.level_label, row.arm, int(row.n), _pct(row.orr, row.orr_lower, row.orr_upper),
             _pct(row.dcr, row.dcr_lower, row.dcr_upper),
             _days(row.median_pfs_day, row.median_pfs_lower_day, row.median_pfs_upper_day),
             _days(row.median_os_day, row.median_os_lower_day, row.median_os_upper_day) if has_os else "—"]
            for row in g.itertuples()]
    text = _table(["subgroup", "level", "arm", "N", "ORR % (95% CI)", "DCR % (95% CI)", "median PFS, d (95% CI)",
                   "median OS, d (95% CI)"], rows)
    inter = r.subgroup_interactions
    if not inter.empty:
        irows = [[row.subgroup, f"{row.second} vs {row.first}", _p(row.orr_p), _p(row.pfs_p), _p(row.os_p)]
                 for row in inter.itertuples()]
        text += "<h3>Arm-by-subgroup interaction (Cochran's Q across levels)</h3>" + _table(
            ["subgroup", "comparison", "ORR p", "PFS p", "OS p"], irows)
    return text


def _selection_section(r):
    """Probability-of-inclusion selection: counts, scale factor and the selected cohort's KS fit."""
    table, attrs = r.selection, r.selection_attributes
    if table.empty:
        return ""
    selected = int((table["selected"] == 1).sum())
    note = (f"<p>{selected} of {len(table)} plausible candidates selected (probability of inclusion, "
            f"scale factor {attrs['scale_factor']:.4g}; mean KS sum over the draws {attrs['mean_ks_sum']:.3f}).</p>")
    rows = [[name.replace("_", "/"), f"{attrs['ks_statistic_' + name]:.3f}", _p(attrs["ks_p_value_" + name])]
            for name in ("M1_M2", "Treg_CD8", "CD8_CD4")]
    return note + _table(["immune ratio (ln)", "KS statistic, selected vs observed", "KS p"], rows)


def _rt_table(r):
    rt = r.radiotherapy
    if rt.empty:
        return "<p>No radiotherapy.</p>"
    rows = [[getattr(c, "arm", ""), c.course, f"{c.dose_per_fraction_Gy:g}", int(c.fractions), f"{c.total_dose_Gy:g}",
             c.schedule, f"{c.start_day:g}", c.lesions, f"{c.alpha_beta_Gy:g}", f"{c.BED_Gy:.1f}", f"{c.EQD2_Gy:.1f}"]
            for c in rt.itertuples()]
    return _table(["arm", "course", "Gy/fraction", "fractions", "total Gy", "schedule", "start day", "lesions",
                   "α/β Gy", "BED Gy", "EQD2 Gy"], rows)


def _provenance_table(r):
    keys = ["software_version", "created_utc", "command_line", "model_id", "model_title", "population_seed",
            "n_candidates", "run_status", "calibration_path", "calibration_hash", "scenario_hash", "solver_method",
            "solver_linear_solver", "solver_rtol", "solver_atol", "threads", "rng"]
    return _table(["attribute", "value"], [[k, r.provenance[k]] for k in keys if k in r.provenance])


def _trial_figures(r):
    parts = []
    figures = []
    for arm in r.arms:
        figures.append((lambda a=arm: r.plot.waterfall(a), f"fig-waterfall-{arm}",
                        f"{arm}: best change in the sum of diameters per patient (RECIST +20 % / −30 % lines)"))
    if (r.summary["n_out_of_field"] > 0).any():
        for arm in r.arms:
            figures.append((lambda a=arm: r.plot.waterfall(a, site="out_of_field"), f"fig-waterfall-oof-{arm}",
                            f"{arm}: best change of the lesions outside the radiation field"))
        figures.append((r.plot.in_out_of_field, "fig-in-out-of-field", "ORR in and out of the radiation field"))
    for arm in r.arms:
        figures.append((lambda a=arm: r.plot.spider(a), f"fig-spider-{arm}",
                        f"{arm}: change of the tumour diameter over time (first 100 patients)"))
        figures.append((lambda a=arm: r.plot.swimmer(a), f"fig-swimmer-{arm}", f"{arm}: progression-free time"))
    figures.append((lambda: r.plot.km("pfs"), "fig-km-pfs", "Progression-free survival (Kaplan-Meier)"))
    if "os_day" in r.outcomes() and r.outcomes()["os_day"].notna().any():
        figures.append((lambda: r.plot.km("os"), "fig-km-os", "Overall survival (Kaplan-Meier)"))
    if len(r.arms) > 1:
        figures.append((r.plot.arms_forest, "fig-forest", "Paired ORR differences between arms"))
    for k, name in enumerate(dict.fromkeys(r.subgroups["subgroup"]) if not r.subgroups.empty else []):
        figures.append((lambda n=name: r.plot.subgroups(n), f"fig-subgroups-{k}", f"Subgroups by {name}"))
    figures.append((r.plot.trajectory, "fig-trajectory", "Tumour diameter: median and 10th–90th percentile per arm"))
    if r.has_abm:
        windows = sorted(set(r.abm("sections")["window_index"].astype(int)))
        for arm in r.arms:
            for w in windows:
                figures.append((lambda a=arm, k=w: r.plot.abm_section(a, window=k), f"fig-abm-section-{arm}-{w}",
                                f"{arm}: middle plane of agent-based window {w} at the last assessment "
                                "(first candidate)"))
        figures.append((r.plot.abm_profiles, "fig-abm-profiles",
                        "Agent-based windows: CD8 density and PD-L1+ share by depth from the tumour boundary"))
        if 1 in windows:
            figures.append((lambda: r.plot.abm_change(window=1), "fig-abm-change",
                            "Agent-based margin window (the rim): change of its viable cancer cells per patient, "
                            "and each arm paired with the first"))
    for make, ident, caption in figures:
        parts.append(_figure(make(), ident, caption))
    return "\n".join(parts), [ident for _, ident, _ in figures]


def _search_rows(table, names):
    rows = []
    for row in table.itertuples():
        values = [f"{getattr(row, n):g}" for n in names]
        rows.append([row.label, *values, f"{row.bed_Gy:.1f}", f"{row.edic_Gy:.2f}", f"{row.objective:.4g}",
                     _pct(row.orr, row.orr_lower, row.orr_upper),
                     _pct(row.out_of_field_orr, row.out_of_field_orr_lower, row.out_of_field_orr_upper),
                     _pct(row.out_of_field_orr_difference, row.out_of_field_orr_difference_lower,
                          row.out_of_field_orr_difference_upper),
                     _p(row.pfs_hazard_ratio)])
    return rows


def _search_section(r):
    names = list(r.search_variables["name"])
    header = ["schedule", *names, "BED Gy", "EDIC Gy", "objective", "ORR %", "out-of-field ORR %",
              "Δ out-of-field ORR pts vs reference", "PFS HR vs reference"]
    table = r.search.sort_values("objective", ascending=False, kind="stable")
    top = table.head(10)
    attrs = r.search_attributes
    body = [f"<p>Method {html.escape(str(attrs.get('method', '')))}: {attrs.get('n_evaluated', len(table))} schedules "
            f"simulated, {attrs.get('n_skipped', 0)} excluded by the constraints ({html.escape(str(attrs.get('result', '')))}). "
            f"Searched arm {html.escape(str(attrs.get('searched_arm', '')))}, reference "
            f"{html.escape(str(attrs.get('reference_arm', '')))}; differences are paired on the same patients.</p>",
            "<h2>Best schedules</h2>", _table(header, _search_rows(r.search_reference, names) + _search_rows(top, names))]
    confirmation = r.search_confirmation
    if not confirmation.empty:
        body += ["<h2>Confirmation on a fresh population</h2>", _table(header, _search_rows(confirmation, names))]
    if not r.search_skipped.empty:
        skipped = r.search_skipped
        body += ["<h2>Excluded by the constraints</h2>",
                 _table([*names, "reason"], [[*(f"{getattr(s, n):g}" for n in names), s.reason]
                                             for s in skipped.itertuples()])]
    body += ["<h2>Figures</h2>", _figure(r.plot.landscape(), "fig-landscape", "Objective over the searched variables")]
    return body, ["fig-landscape"]


def _fit_section(r):
    p, scans, attrs = r.fit_parameters, r.fit_scans, r.fit_attributes
    rows = [[x.name, x.unit, x.prior, f"{x.prior_median:.4g} ({x.prior_lower:.3g}–{x.prior_upper:.3g})",
             f"{x.estimate:.4g}" + ("" if not math.isfinite(x.lower) else f" ({x.lower:.3g}–{x.upper:.3g})"),
             f"{x.sd_z:.2f}", "yes" if x.informed else "barely"] for x in p.itertuples()]
    body = [f"<p>{html.escape(str(attrs.get('method', '')))}: {attrs.get('evaluations', '')} model evaluations "
            f"({html.escape(str(attrs.get('result', '')))}); −log posterior {attrs.get('negative_log_posterior', 0):.3f}. "
            f"Treatment given: {html.escape(str(attrs.get('arm', '')))}.</p>",
            "<h2>Parameters</h2>",
            _table(["parameter", "unit", "prior", "prior median (90 %)", "estimate (90 %)", "sd ratio", "informed"], rows),
            "<h2>Scans</h2>",
            _table(["day", "lesion", "observed mm", "fitted mm", "sd mm", "standardised residual"],
                   [[f"{s.day:g}", s.lesion, f"{s.observed_mm:.1f}", f"{s.predicted_mm:.1f}", f"{s.sd_mm:.2f}",
                     f"{s.standardised_residual:.2f}"] for s in scans.itertuples()])]
    counts = r.fit_lymphocytes
    if not counts.empty:
        body += ["<h2>Lymphocyte counts</h2>",
                 _table(["day", "observed /µL", "fitted /µL", "standardised residual (log)"],
                        [[f"{c.day:g}", f"{c.observed_per_uL:.0f}", f"{c.predicted_per_uL:.0f}",
                          f"{c.standardised_residual:.2f}"] for c in counts.itertuples()])]
    warnings = [w for w in str(attrs.get("warnings", "")).split("\n") if w]
    if warnings:
        body.append("<h2>Warnings</h2><ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in warnings) + "</ul>")
    body += ["<h2>Figures</h2>", _figure(r.plot.fit(), "fig-fit", "Measured and fitted diameters")]
    return body, ["fig-fit"]


def _predict_section(r):
    body, ids = _fit_section(r)
    body = body[:-2]  # the fit's figure comes with the prediction's
    attrs, arms = r.predict_attributes, r.predict_arms
    pct = round(100 * attrs.get("interval", 0.9))
    rows = [[a.arm, f"{a.draws:.0f}" + (f" ({a.no_baseline + a.failed:.0f} left out)" if a.no_baseline + a.failed else ""),
             *[f"{getattr(a, 'p_' + c):.2f}" for c in ("CR", "PR", "SD", "PD", "NE")], f"{a.p_response:.2f}",
             f"{a.p_progression:.2f}", _days(a.pfs_median_day, a.pfs_lower_day, a.pfs_upper_day)]
            for a in arms.itertuples()]
    body += [f"<h2>Predictions</h2><p>{html.escape(str(attrs.get('method', '')))}; {attrs.get('samples', '')} draws, "
             f"to day {attrs.get('horizon_day', 0):g}, {pct} % intervals. Every arm sees the same draws.</p>",
             _table(["arm", "draws", "P(CR)", "P(PR)", "P(SD)", "P(PD)", "P(NE)", "P(response)",
                     "P(progression)", f"median PFS, days ({pct} %)"], rows)]
    warnings = [w for w in str(attrs.get("warnings", "")).split("\n") if w]
    if warnings:
        body.append("<ul>" + "".join(f"<li>{html.escape(w)}</li>" for w in warnings) + "</ul>")
    body += ["<h2>Figures</h2>", _figure(r.plot.fit(), "fig-fit", "Measured and fitted diameters"),
             _figure(r.plot.prediction(), "fig-prediction", "Predicted sum of diameters per arm")]
    return body, ["fig-fit", "fig-prediction"]


def _twin_check_section(r):
    attrs, p = r.twin_check_attributes, r.twin_check_parameters
    pct = round(100 * attrs.get("interval", 0.9))
    body = [f"<p>{html.escape(str(attrs.get('method', '')))}. {attrs.get('patients', '')} patients (seed "
            f"{attrs.get('seed', '')}), {attrs.get('samples', '')} draws each, fitted to day "
            f"{attrs.get('cutoff_day', 0):g}.</p>",
            "<h2>Parameter recovery (prior z scale)</h2>",
            _table(["parameter", "RMSE", "correlation", "truth in the 90 % interval"],
                   [[x.name, f"{x.rmse_z:.2f}", f"{x.correlation:.2f}", f"{x.coverage:.2f}"] for x in p.itertuples()]),
            f"<h2>Held-out scans</h2><p>{attrs.get('scan_coverage', float('nan')):.2f} of "
            f"{attrs.get('held_out_scans', 0)} held-out scans lie inside their {pct} % prediction interval "
            f"(nominal {attrs.get('interval', 0.9):.2f}).</p>",
            "<h2>Figures</h2>", _figure(r.plot.twin_check(), "fig-twin-check", "Recovery and coverage")]
    return body, ["fig-twin-check"]


def render(result):
    """The report of a Result (or a path) as HTML text, and the ids of its figures."""
    r = result if isinstance(result, Result) else load(result)
    import matplotlib
    matplotlib.use("Agg")
    title = f"vct report: {os.path.basename(r.path)}"
    body = [f"<h1>{html.escape(title)}</h1>"]
    if not r.complete:
        body.append('<p class="warning">This run is INCOMPLETE: the tables and figures cover the candidates '
                    "finished before it stopped (vct run --resume finishes it).</p>")
    body.append(f"<p>{html.escape(r.provenance.get('model_title', ''))} ({html.escape(r.provenance.get('model_id', ''))}); "
                f"{ {'trial': 'virtual trial, arms ' + ', '.join(r.arms), 'search': 'schedule search', 'fit': 'patient fit', 'predict': 'patient prediction', 'twin_check': 'synthetic-patient check'}.get(r.kind, 'single patient')}.</p>")
    ids = []
    sections = {"search": _search_section, "fit": _fit_section, "predict": _predict_section,
                "twin_check": _twin_check_section}
    if r.kind in sections:
        section, ids = sections[r.kind](r)
        body += section
    elif r.kind == "trial":
        body += ["<h2>Summary (RECIST 1.1)</h2>", _summary_table(r)]
        selection = _selection_section(r)
        if selection:
            body += ["<h2>Selection</h2>", selection]
        stopping = _stopping_table(r)
        if stopping:
            body += ["<h2>Stopping rules</h2>", stopping]
        body += ["<h2>Arm comparisons</h2>", _comparisons_table(r)]
        body += ["<h2>Subgroups (baseline biomarkers; docs/biomarkers.md)</h2>", _subgroups_table(r)]
        body += ["<h2>Radiotherapy courses</h2>", _rt_table(r), "<h2>Figures</h2>"]
        figures, ids = _trial_figures(r)
        body.append(figures)
    else:
        body += ["<h2>Radiotherapy courses</h2>", _rt_table(r), "<h2>Figures</h2>"]
        body.append(_figure(r.plot.trajectory(), "fig-trajectory", "Tumour diameter over time"))
        ids = ["fig-trajectory"]
        if r.has_abm:
            for w in sorted(set(r.abm("sections")["window_index"].astype(int))):
                body.append(_figure(r.plot.abm_section(window=w), f"fig-abm-section-{w}",
                                    f"Middle plane of agent-based window {w} at the last assessment"))
                ids.append(f"fig-abm-section-{w}")
            body.append(_figure(r.plot.abm_profiles(), "fig-abm-profiles",
                                "Agent-based windows: CD8 density and PD-L1+ share by depth from the tumour boundary"))
            ids.append("fig-abm-profiles")
    body += ["<h2>Provenance</h2>", _provenance_table(r),
             "<h2>Resolved scenario</h2>", f"<details><summary>YAML</summary><pre>{html.escape(r.scenario)}</pre></details>"]
    page = ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title>{_STYLE}</head>\n<body>\n" + "\n".join(body) + "\n"
            + _CHECK_SCRIPT + "\n</body></html>\n")
    return page, ids


def write_report(result, output=None):
    """Writes the report next to the result (RESULT.html) or to `output`; returns its path."""
    path = result.path if isinstance(result, Result) else os.fspath(result)
    if not os.path.exists(path):
        raise FileNotFoundError(f"no result file '{path}'")
    output = output or os.path.splitext(path)[0] + ".html"
    page, _ = render(result)
    with open(output, "w", encoding="utf-8") as f:
        f.write(page)
    return output


def main(argv=None):
    parser = argparse.ArgumentParser(prog="vct report", description="Write a self-contained HTML report of a result file.")
    parser.add_argument("result", metavar="RESULT.h5")
    parser.add_argument("-o", "--output", metavar="REPORT.html", help="default: RESULT.html beside the result file")
    args = parser.parse_args(argv)
    try:
        output = write_report(args.result, args.output)
    except (OSError, ValueError, KeyError) as error:
        print(f"vct report: {error}", file=sys.stderr)
        return 4 if isinstance(error, OSError) else 2
    print(f"Report     {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
