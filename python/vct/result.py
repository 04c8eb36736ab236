# SPDX-License-Identifier: MIT
"""vct.load: a result file (docs/output-format.md) as pandas DataFrames."""

import os

import h5py
import numpy as np
import pandas as pd

RESPONSE_NAMES = {0: "CR", 1: "PR", 2: "SD", 3: "PD", 4: "NE", -1: "none"}


def load(path):
    """The Result of a vct result file (from `vct run`, `vct merge` or vct.run)."""
    return Result(path)


def _text(value):
    return value.decode() if isinstance(value, bytes) else str(value)


def _frame(dataset):
    """A compound HDF5 table as a DataFrame, byte strings decoded."""
    data = dataset[()]
    frame = pd.DataFrame({name: data[name] for name in data.dtype.names})
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(_text)
    return frame


class Result:
    """One run's results, read from its HDF5 file when first asked for (the file is not kept open).

    Attributes: path, kind ("trial" or "patient"), complete (bool), arms (names, trials),
    provenance (dict of the file's root attributes: version, command, seed, calibration ...),
    scenario (the resolved scenario, YAML text), source (the scenario as written),
    parameters_used (vct.run only: which parameter values the run used).
    A patient fit (kind "fit", `vct fit`): fit_parameters, fit_scans, fit_attributes, plot.fit().
    A patient prediction (kind "predict", `vct predict`): the fit's tables, and predict_arms,
    predict_attributes, prediction(), predict_draws, plot.prediction().
    A synthetic-patient check (kind "twin_check", `vct twin-check`): twin_check_parameters,
    twin_check_patients, twin_check_scans, twin_check_attributes, plot.twin_check().
    A schedule search (kind "search", `vct search`): search, search_reference, search_skipped,
    search_confirmation, search_variables, and plot.landscape().
    Tables: summary, comparisons, subgroups, subgroup_effects, subgroup_interactions, patients, selection,
    selection_attributes, radiotherapy, parameters, outcomes(), scans(), trajectories(), km(). Figures: plot (vct.plot.Plots).
    """

    def __init__(self, path):
        self.path = os.fspath(path)
        self.parameters_used = None
        with h5py.File(self.path, "r") as f:
            if _text(f.attrs.get("format", "")) != "vct-results":
                raise ValueError(f"{self.path}: not a vct result file (root attribute format is not 'vct-results')")
            self.provenance = {key: (_text(v) if isinstance(v, (bytes, str)) else v.item() if hasattr(v, "item")
                                     else v) for key, v in f.attrs.items()}
            self.kind = ("search" if "search" in f else "twin_check" if "twin_check" in f
                         else "predict" if "predict" in f else "fit" if "fit" in f
                         else "trial" if "arms" in f else "patient")
            self.arms = list(f["arms"].keys()) if self.kind == "trial" else []
            self.scenario = _text(f["scenario/resolved"][()])
            self.source = _text(f["scenario/source"][()])
            self.complete = bool(self.provenance.get("is_complete", 0))
            self._arm_order = list(_frame(f["summary/arms"])["arm"]) if "summary/arms" in f else self.arms
        if self._arm_order:
            self.arms = [a for a in self._arm_order if a in self.arms] + [a for a in self.arms if a not in self._arm_order]
        from .plot import Plots
        self.plot = Plots(self)

    def __repr__(self):
        what = {"trial": f"trial, arms {self.arms}", "search": "schedule search",
                "fit": "patient fit", "predict": "patient prediction",
                "twin_check": "synthetic-patient check"}.get(self.kind, "single patient")
        return f"<vct.Result {self.path}: {what}{'' if self.complete else ', INCOMPLETE'}>"

    def _file(self):
        return h5py.File(self.path, "r")

    def _attributes(self, group, kinds, what):
        """The attributes of `group` as a dict, for files of one of `kinds`."""
        if self.kind not in kinds:
            raise ValueError(f"{self.path}: {what} needs a result of vct {kinds[0].replace('_', '-')}")
        with self._file() as f:
            return {k: (_text(v) if isinstance(v, (bytes, str)) else v.item() if hasattr(v, "item") else v)
                    for k, v in f[group].attrs.items()}

    def _need_trial(self, what):
        if self.kind != "trial":
            raise ValueError(f"{self.path}: {what} needs a virtual trial; this file holds a single patient")

    # Tables --------------------------------------------------------------------------------------

    def _fit_table(self, name):
        if self.kind not in ("fit", "predict"):
            raise ValueError(f"{self.path}: {name} needs a patient fit result (vct fit)")
        with self._file() as f:
            return _frame(f["fit/" + name])

    @property
    def fit_parameters(self):
        """Per fitted parameter: prior law, median and 90 % interval, the estimate and its 90 %
        interval (Laplace), z, sd_z and whether the scans inform it (docs/twin.md)."""
        return self._fit_table("parameters")

    @property
    def fit_scans(self):
        """Per scan: day, lesion, observed and fitted diameter (mm), sd and standardised residual."""
        return self._fit_table("scans")

    @property
    def fit_lymphocytes(self):
        """Per blood lymphocyte count (empty without counts): day, observed and fitted count per
        uL, standardised residual on the log scale."""
        if self.kind not in ("fit", "predict"):
            raise ValueError(f"{self.path}: fit_lymphocytes needs a patient fit result (vct fit)")
        with self._file() as f:
            return _frame(f["fit/lymphocytes"]) if "fit/lymphocytes" in f else pd.DataFrame()

    @property
    def fit_attributes(self):
        """The fit's attributes: method, result, evaluations, -log posterior, error model, warnings."""
        return self._attributes("fit", ("fit", "predict"), "fit_attributes")

    def _need_predict(self, what):
        if self.kind != "predict":
            raise ValueError(f"{self.path}: {what} needs a patient prediction result (vct predict)")

    @property
    def predict_arms(self):
        """Per predicted arm: draws (and those left out), the probability of each RECIST best
        response, of a response and of progression by the horizon, and the median PFS with its
        interval over the draws (NaN: beyond the horizon); docs/twin.md."""
        self._need_predict("predict_arms")
        with self._file() as f:
            return _frame(f["predict/arms"])

    @property
    def predict_attributes(self):
        """The prediction's attributes: method, samples, interval, seed, horizon, warnings, series."""
        return self._attributes("predict", ("predict",), "predict_attributes")

    @property
    def predict_draws(self):
        """The posterior draws on the prior's standard normal scale (one column per fitted parameter)."""
        self._need_predict("predict_draws")
        names = list(self.fit_parameters["name"])
        with self._file() as f:
            return pd.DataFrame(f["predict/z"][()], columns=names)

    def _check_table(self, name):
        if self.kind != "twin_check":
            raise ValueError(f"{self.path}: {name} needs a synthetic-patient check result (vct twin-check)")
        with self._file() as f:
            return _frame(f["twin_check/" + name])

    @property
    def twin_check_parameters(self):
        """Per fitted parameter: RMSE and correlation of the estimates against the truth (prior z
        scale) and the share of patients whose truth lies in the estimate's 90 % interval."""
        return self._check_table("parameters")

    @property
    def twin_check_patients(self):
        """Per synthetic patient: each fitted parameter's true z, estimated z and Laplace sd."""
        return self._check_table("patients")

    @property
    def twin_check_scans(self):
        """Per scan of each synthetic patient: the truth and the measurement (mm), whether it was
        held out, and for held-out scans the prediction's median and scan interval."""
        return self._check_table("scans")

    @property
    def twin_check_attributes(self):
        """The check's attributes: method, patients, seed, cutoff day, interval, coverage."""
        return self._attributes("twin_check", ("twin_check",), "twin_check_attributes")

    def prediction(self, arm=None):
        """The bands of one arm (default: every arm) as a long table: arm, series (each lesion,
        then "sum"), day, median_mm, lower_mm, upper_mm (the model's diameter) and scan_lower_mm,
        scan_upper_mm (what a scan would measure, with the measurement error)."""
        self._need_predict("prediction")
        series = self.predict_attributes["series"].split(",")
        frames = []
        with self._file() as f:
            for key in sorted((k for k in f["predict"] if k.startswith("arm_")), key=lambda k: int(k[4:])):
                g = f["predict/" + key]
                name = _text(g.attrs["name"])
                if (arm is not None and name != arm) or "median_mm" not in g:
                    continue
                day = g["day"][()]
                for j, s in enumerate(series):
                    frames.append(pd.DataFrame({"arm": name, "series": s, "day": day,
                                                **{c: g[c][:, j] for c in ("median_mm", "lower_mm", "upper_mm",
                                                                           "scan_lower_mm", "scan_upper_mm")}}))
        if not frames:
            raise ValueError(f"{self.path}: no predicted arm named {arm!r}")
        return pd.concat(frames, ignore_index=True)

    def _search_table(self, name):
        if self.kind != "search":
            raise ValueError(f"{self.path}: {name} needs a schedule search result (vct search)")
        with self._file() as f:
            return _frame(f["search/" + name]) if "search/" + name in f else pd.DataFrame()

    @property
    def search(self):
        """Every schedule a search simulated, in evaluation order: the variables, BED/EQD2/EDIC,
        the objective and its metrics, ORR (whole and out of field) and the paired differences with
        the reference arm (fractions; docs/output-format.md, "Schedule search")."""
        return self._search_table("evaluated")

    @property
    def search_attributes(self):
        """The search's attributes: method, arms, counts, how it ended, wall times."""
        return self._attributes("search", ("search",), "search_attributes")

    @property
    def search_reference(self):
        """The reference arm's row (same columns as `search`)."""
        return self._search_table("reference")

    @property
    def search_skipped(self):
        """Schedules the constraints excluded before simulation, with the reason."""
        return self._search_table("skipped")

    @property
    def search_confirmation(self):
        """The reference and the best schedules re-evaluated on a fresh population (empty when the
        search had no confirm_size)."""
        return self._search_table("confirmation")

    @property
    def search_variables(self):
        """The searched variables: name, unit, values."""
        return self._search_table("variables")

    @property
    def summary(self):
        """One row per arm: n, CR..NE, orr and dcr with CIs, PFS (and OS) medians and landmarks."""
        self._need_trial("summary")
        with self._file() as f:
            return _frame(f["summary/arms"]).set_index("arm")

    @property
    def comparisons(self):
        """One row per pair of arms (paired patients): ORR difference, McNemar, Fisher, log-rank."""
        self._need_trial("comparisons")
        with self._file() as f:
            return _frame(f["summary/comparisons"]) if "summary/comparisons" in f else pd.DataFrame()

    def _summary_table(self, name, what):
        self._need_trial(what)
        with self._file() as f:
            return _frame(f["summary/" + name]) if "summary/" + name in f else pd.DataFrame()

    @property
    def subgroups(self):
        """One row per subgroup analysis, level and arm: n, responders, ORR and DCR with CIs
        (Clopper-Pearson), median PFS and OS with CIs, days (docs/biomarkers.md). Empty without
        subgroup analyses."""
        return self._summary_table("subgroups", "subgroups")

    @property
    def subgroup_effects(self):
        """One row per subgroup analysis, level and compared pair of arms: paired ORR difference
        (second minus first, fraction, Wald CI) and PFS/OS hazard ratios (second vs first, CIs)."""
        return self._summary_table("subgroup_effects", "subgroup effects")

    @property
    def subgroup_interactions(self):
        """One row per subgroup analysis and compared pair: Cochran's Q test of arm-by-subgroup
        interaction for ORR, PFS and OS (q, df, p)."""
        return self._summary_table("subgroup_interactions", "subgroup interactions")

    @property
    def patients(self):
        """One row per candidate (trial) or patient: status, baseline diameter, growth time ..."""
        with self._file() as f:
            return _frame(f["patients"])

    @property
    def selection(self):
        """Probability-of-inclusion selection (population.selection): one row per plausible
        candidate (candidate_id, probability of inclusion before scaling, selected 1/0); empty
        when the trial did not select. The scale factor and the KS fit of the selected cohort are
        in selection_attributes."""
        self._need_trial("selection")
        with self._file() as f:
            return _frame(f["selection/plausible"]) if "selection/plausible" in f else pd.DataFrame()

    @property
    def selection_attributes(self):
        """The selection's scale factor, mean KS sum and, per immune ratio, the KS statistic and
        p-value of the selected cohort against the observed data; empty without selection."""
        self._need_trial("selection attributes")
        with self._file() as f:
            has = "selection" in f
        return self._attributes("selection", ["trial"], "selection attributes") if has else {}

    @property
    def parameters(self):
        """The model's parameter table with the values used (name, unit, value, default, bounds, source)."""
        with self._file() as f:
            return _frame(f["model/parameters"])

    @property
    def radiotherapy(self):
        """RT courses (arm, course, dose per fraction, fractions, BED, EQD2 ...); empty without RT."""
        frames = []
        with self._file() as f:
            if self.kind == "patient":
                if "radiotherapy" in f:
                    frames.append(_frame(f["radiotherapy"]))
            else:
                for arm in self.arms:
                    if "radiotherapy" in f["arms"][arm]:
                        frame = _frame(f["arms"][arm]["radiotherapy"])
                        frame.insert(0, "arm", arm)
                        frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def outcomes(self, arm=None, patients_only=True):
        """RECIST outcomes, one row per candidate and arm (long form, column `arm`).

        patients_only: keep the simulated patients (status 0, or 2 when the solver stopped and
        earlier scans were assessed); False keeps every candidate.
        """
        self._need_trial("outcomes")
        frames = []
        with self._file() as f:
            for name in self._arms(arm):
                frame = _frame(f["arms"][name]["outcomes"])
                frame.insert(0, "arm", name)
                if "candidate_id" not in frame:
                    frame.insert(1, "candidate_id", np.arange(len(frame)))
                frames.append(frame)
        out = pd.concat(frames, ignore_index=True)
        if patients_only:
            out = out[out["status"] >= 0].reset_index(drop=True)
        return out

    def scans(self, arm=None):
        """RECIST category at every scan (long form: arm, candidate_id, scan_day, response)."""
        self._need_trial("scans")
        frames = []
        with self._file() as f:
            days = f["scan_days"][()]
            for name in self._arms(arm):
                codes = f["arms"][name]["scan_response"][()]
                status = f["arms"][name]["outcomes"]["status"]
                rows = np.flatnonzero(status >= 0)
                frame = pd.DataFrame({
                    "arm": name,
                    "candidate_id": np.repeat(rows, len(days)),
                    "scan_day": np.tile(days, len(rows)),
                    "response_code": codes[rows].ravel(),
                })
                frame = frame[np.isfinite(frame["response_code"])]
                frame["response"] = frame["response_code"].astype(int).map(RESPONSE_NAMES)
                frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def trajectories(self, output="tumour_diameter_cm", arm=None):
        """One output over time, long form: (arm,) candidate_id, time_day, value; plus its unit.

        Trials: patients only (non-patients are NaN in the file); single patients: the one row.
        """
        with self._file() as f:
            time = f["time"][()]
            if self.kind == "patient":
                data = f["outputs"][output]
                values = data[()]
                frame = pd.DataFrame({"candidate_id": np.repeat(np.arange(values.shape[0]), len(time)),
                                      "time_day": np.tile(time, values.shape[0]), "value": values.ravel()})
                frame.attrs["units"] = _text(data.attrs.get("units", ""))
                return frame
            frames = []
            units = ""
            for name in self._arms(arm):
                group = f["arms"][name]["outputs"]
                if output not in group:
                    raise KeyError(f"{self.path}: arm {name} has no output '{output}'; it has {list(group.keys())} "
                                   "(scenario key output.trajectories)")
                data = group[output]
                units = _text(data.attrs.get("units", ""))
                status = f["arms"][name]["outcomes"]["status"]
                rows = np.flatnonzero(status >= 0)
                values = data[()][rows]
                frames.append(pd.DataFrame({"arm": name, "candidate_id": np.repeat(rows, len(time)),
                                            "time_day": np.tile(time, len(rows)), "value": values.ravel()}))
        frame = pd.concat(frames, ignore_index=True)
        frame = frame[np.isfinite(frame["value"])].reset_index(drop=True)
        frame.attrs["units"] = units
        return frame

    ABM_TABLES = ("slices", "spatial", "profiles", "sections")

    @property
    def has_abm(self):
        """Whether the trial ran agent-based windows (scenario key lesions[].abm)."""
        if self.kind == "patient":
            with self._file() as f:
                return "abm_slices" in f
        if self.kind != "trial":
            return False
        with self._file() as f:
            return any("abm_slices" in f["arms"][name] for name in self.arms)

    def abm(self, table="slices", arm=None):
        """A table of the agent-based windows (docs/models/abm.md), long form with column `arm`.

        slices: counts and events per 6-h slice and window; spatial: per assessment (baseline and
        scans, baseline after the windows settled) and window, CD8 density, contacts, mixing score,
        label (0 cold, 1 mixed, 2 compartmentalised), viable and PD-L1+ cancer cells and their
        share; profiles: the same by depth from the tumour boundary (negative:
        stroma); sections: the occupied voxels of each window's middle plane (first 10 candidates).
        A single-patient file has the same tables at its root; they come with arm "patient" and
        candidate_id 0.
        """
        if table not in self.ABM_TABLES:
            raise ValueError(f"unknown agent-based table '{table}'; expected one of {', '.join(self.ABM_TABLES)}")
        if self.kind == "patient":
            with self._file() as f:
                if "abm_" + table not in f:
                    raise ValueError(f"{self.path}: no agent-based windows in this file (scenario key lesions[].abm)")
                frame = _frame(f["abm_" + table])
            frame.insert(0, "arm", "patient")
            frame.insert(1, "candidate_id", frame.pop("patient_id"))
            return frame
        self._need_trial("abm")
        frames = []
        with self._file() as f:
            for name in self._arms(arm):
                group = f["arms"][name]
                if "abm_" + table in group:
                    frame = _frame(group["abm_" + table])
                    frame.insert(0, "arm", name)
                    frames.append(frame)
        if not frames:
            raise ValueError(f"{self.path}: no agent-based windows in this file (scenario key lesions[].abm)")
        return pd.concat(frames, ignore_index=True)

    def abm_change(self, window=1, day=None):
        """Per arm and patient, the % change of one agent-based window's viable cancer cells from
        baseline (day 0, after settling) to `day` (default: the last assessment), counting the cells a
        window following its front passed on to the rest of the lesion (abm_slices
        cancer_left_per_slice up to `day`). Columns arm, candidate_id, change_pct (NaN for a window
        that started empty). window 1 is the margin window of windows: core_and_margin."""
        sp = self.abm("spatial")
        sp = sp[sp["window_index"] == window]
        if sp.empty:
            raise ValueError(f"{self.path}: no agent-based window {window} in this file")
        day = float(sp["t_day"].max()) if day is None else float(day)
        slices = self.abm("slices")
        slices = slices[(slices["window_index"] == window) & (slices["t_day"] <= day + 1e-9)]
        frames = []
        for arm, rows in sp.groupby("arm", sort=False):
            start = rows[np.isclose(rows["t_day"], 0.0)].set_index("candidate_id")["viable_cancer_cells"]
            end = rows[np.isclose(rows["t_day"], day)].set_index("candidate_id")["viable_cancer_cells"]
            passed = (slices[slices["arm"] == arm].groupby("candidate_id")["cancer_left_per_slice"].sum()
                      .reindex(end.index).fillna(0.0))
            start = start.reindex(end.index).where(lambda v: v > 0)
            change = 100.0 * ((end + passed) / start - 1.0)
            frames.append(pd.DataFrame({"arm": arm, "candidate_id": end.index.astype(np.int64),
                                        "change_pct": change.to_numpy()}))
        return pd.concat(frames, ignore_index=True)

    def best_change(self, arm, site="all"):
        """Best (smallest) change of the RECIST sum of diameters from baseline over the assessed
        scans up to the first PD, in %, per patient (Series by candidate_id; NaN without a scan):
        the engine's `best_scan_change_pct` columns. Unlike `best_change_pct` it is not capped at
        0 %: a patient who only grew has a positive value, as waterfall plots show. site: "all",
        "in_field" or "out_of_field" (multi-lesion RT arms)."""
        self._need_trial("best_change")
        column = {"all": "best_scan_change_pct", "in_field": "best_scan_change_pct_in_field",
                  "out_of_field": "best_scan_change_pct_out_of_field"}[site]
        out = self.outcomes(arm)
        if column not in out:
            raise KeyError(f"{self.path}: no column {column}: the file predates it; run the scenario again")
        return pd.Series(out[column].to_numpy(), index=pd.Index(out["candidate_id"], name="candidate_id"),
                         name=column)

    def km(self, endpoint="pfs"):
        """Kaplan-Meier table per arm as the engine computed it: arm, time_day, survival, lower,
        upper (95 % CI), at_risk, events. endpoint: "pfs", "os" (with progression.overall_survival)
        or "duration_of_response"."""
        self._need_trial("Kaplan-Meier tables")
        group = {"pfs": "pfs_kaplan_meier", "os": "os_kaplan_meier",
                 "duration_of_response": "duration_of_response_kaplan_meier"}.get(endpoint)
        if group is None:
            raise ValueError(f"endpoint must be 'pfs', 'os' or 'duration_of_response', not {endpoint!r}")
        frames = []
        with self._file() as f:
            if f"summary/{group}" not in f:
                raise ValueError(f"{self.path}: no {endpoint} Kaplan-Meier table"
                                 + (" (overall survival needs progression.overall_survival: true)"
                                    if endpoint == "os" else ""))
            for name in self.arms:
                if name in f["summary"][group]:
                    frame = _frame(f["summary"][group][name])
                    frame.insert(0, "arm", name)
                    frames.append(frame)
        return pd.concat(frames, ignore_index=True)

    def _arms(self, arm):
        if arm is None:
            return self.arms
        names = [arm] if isinstance(arm, str) else list(arm)
        for name in names:
            if name not in self.arms:
                raise KeyError(f"{self.path}: no arm '{name}'; arms are {self.arms}")
        return names
