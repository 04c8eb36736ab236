# SPDX-License-Identifier: MIT
"""The Python package (issue #20 item 1): vct.run in process (path or dict, same results), errors
as exceptions with the CLI's messages, vct.load's tables against the engine's own summaries and
hand arithmetic, and every figure rendering with labelled axes. Run by ctest (python_package)
with PYTHONPATH=build/python and MPLBACKEND=Agg; argv[1] is the repository root."""

import math
import os
import sys
import tempfile
import unittest
import warnings

import numpy as np
import yaml

import vct
from vct.plot import paired_difference_ci


def h5py_file(path):
    import h5py
    return h5py.File(path, "r")

ROOT = os.environ.get("VCT_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))
SMALL_TRIAL = os.path.join(ROOT, "tests", "scenarios", "good", "small_trial.yaml")
WORK = tempfile.mkdtemp(prefix="vct_python_test_")


def small_rt_trial():
    """tests/scenarios/good/small_rt_trial.yaml (PEMBRO-RT's design, 16 candidates, 168 days, new
    lesions and overall survival on) as a dict, so that vct.run's dict path is exercised."""
    with open(os.path.join(ROOT, "tests", "scenarios", "good", "small_rt_trial.yaml")) as f:
        return yaml.safe_load(f)


class Fixtures:
    small = None
    rt = None

    @classmethod
    def get(cls):
        if cls.small is None:
            cls.small = vct.run(SMALL_TRIAL, output=os.path.join(WORK, "small.h5"), threads=2)
            cls.rt = vct.run(small_rt_trial(), output=os.path.join(WORK, "rt.h5"), threads=2)
        return cls


class RunAndLoad(unittest.TestCase):
    def test_a_dict_and_its_file_give_the_same_outcomes(self):
        small = Fixtures.get().small
        with open(SMALL_TRIAL) as f:
            as_dict = vct.run(yaml.safe_load(f), output=os.path.join(WORK, "small_dict.h5"), threads=1)
        a, b = small.outcomes(), as_dict.outcomes()
        self.assertGreater(len(a), 0)
        cols = ["arm", "candidate_id", "best_response", "pfs_day", "best_change_pct"]
        self.assertTrue(a[cols].equals(b[cols]), "dict and file runs differ (or 2 vs 1 threads)")

    def test_load_gives_the_run_result(self):
        small = Fixtures.get().small
        again = vct.load(small.path)
        self.assertEqual(again.arms, small.arms)
        self.assertTrue(again.summary.equals(small.summary))
        self.assertTrue(again.complete)

    def test_provenance_names_version_and_built_in_calibration(self):
        small = Fixtures.get().small
        self.assertEqual(small.provenance["software_version"], vct.__version__)
        self.assertEqual(small.provenance["calibration_path"], "built-in:scenarios/validation/calibrated.yaml")
        self.assertTrue(small.parameters_used.startswith("calibrated (built-in"))
        self.assertIn("calibration: calibrated", small.scenario)

    def test_published_runs_without_calibration(self):
        r = vct.run(SMALL_TRIAL, output=os.path.join(WORK, "published.h5"), published=True)
        self.assertTrue(r.parameters_used.startswith("published"), r.parameters_used)
        self.assertEqual(r.provenance["calibration_path"], "")

    def test_single_patient_trajectory(self):
        r = vct.run(os.path.join(ROOT, "scenarios", "example1_nivolumab_3mgkg_q2w.yaml"),
                    output=os.path.join(WORK, "example1.h5"))
        self.assertEqual(r.kind, "patient")
        t = r.trajectories()
        self.assertEqual(t.attrs["units"], "cm")
        # The CLI test cli_run_example1 pins the same run's best change at -94.8 %.
        best = 100 * (t["value"].min() / t["value"].iloc[0] - 1)
        self.assertAlmostEqual(best, -94.8, delta=0.05)
        fig = r.plot.trajectory()
        self.assertTrue(fig.axes[0].get_xlabel() and fig.axes[0].get_ylabel())
        # Its report: the trajectory figure and provenance, no trial tables.
        from vct.report import render
        page, ids = render(r)
        self.assertEqual(ids, ["fig-trajectory"])
        self.assertIn('<figure id="fig-trajectory"><img', page)
        self.assertIn("software_version", page)
        self.assertNotIn("Summary (RECIST 1.1)", page)


class RoundTrip(unittest.TestCase):
    def test_python_run_equals_the_cli_result_file(self):
        import subprocess
        vct_bin = os.environ.get("VCT_BIN")
        self.assertTrue(vct_bin and os.path.exists(vct_bin), "VCT_BIN must name the vct executable")
        cli_path = os.path.join(WORK, "small_cli.h5")
        subprocess.run([vct_bin, "run", SMALL_TRIAL, "--output", cli_path, "--quiet"], check=True)
        cli, py = vct.load(cli_path), Fixtures.get().small
        self.assertTrue(cli.outcomes(patients_only=False).drop(columns=["wall_s"]).equals(
            py.outcomes(patients_only=False).drop(columns=["wall_s"])))
        self.assertTrue(cli.summary.equals(py.summary))
        self.assertTrue(cli.comparisons.equals(py.comparisons))
        self.assertEqual(cli.scenario, py.scenario)  # the same resolved scenario, calibration included


    def test_resume_sets_an_unreadable_partial_aside_and_warns(self):
        # A .partial cut short as a kill during HDF5's flush leaves it: resume=True keeps it as
        # .partial.unreadable, warns with the reason, and starts over to the same outcomes.
        small = Fixtures.get().small
        out = os.path.join(WORK, "aside.h5")
        with open(small.path, "rb") as f, open(out + ".partial", "wb") as cut:
            cut.write(f.read(4096))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            again = vct.run(SMALL_TRIAL, output=out, threads=2, resume=True)
        messages = [str(w.message) for w in caught if issubclass(w.category, RuntimeWarning)]
        self.assertEqual(len(messages), 1, messages)
        self.assertIn("aside.h5.partial' could not be read", messages[0])
        self.assertIn("kept as '" + out + ".partial.unreadable'", messages[0])
        self.assertTrue(os.path.exists(out + ".partial.unreadable"))
        cols = ["arm", "candidate_id", "best_response", "pfs_day", "best_change_pct"]
        self.assertTrue(small.outcomes()[cols].equals(again.outcomes()[cols]))


class Errors(unittest.TestCase):
    def test_bad_dict_raises_scenario_error_with_key_path(self):
        bad = {"schema_version": 1, "model": "qspio_nsclc",
               "treatment": [{"drug": "nivolumab", "dose_mg": -3, "interval_day": 14}]}
        with self.assertRaises(vct.ScenarioError) as caught:
            vct.run(bad)
        self.assertIsInstance(caught.exception, ValueError)
        self.assertIn("treatment[0].dose_mg: expected a number > 0", str(caught.exception))
        self.assertIn("<dict>:", str(caught.exception))

    def test_missing_file_raises_vct_error(self):
        with self.assertRaises(vct.VctError) as caught:
            vct.run(os.path.join(WORK, "no_such.yaml"))
        self.assertIsInstance(caught.exception, RuntimeError)
        self.assertIn("cannot open scenario file", str(caught.exception))

    def test_calibration_and_published_are_exclusive(self):
        with self.assertRaises(ValueError):
            vct.run(SMALL_TRIAL, calibration="x.yaml", published=True)

    def test_load_rejects_other_files(self):
        path = os.path.join(WORK, "not_vct.h5")
        import h5py
        with h5py.File(path, "w") as f:
            f["x"] = 1
        with self.assertRaisesRegex(ValueError, "not a vct result file"):
            vct.load(path)

    def test_unknown_arm_is_named(self):
        with self.assertRaisesRegex(KeyError, "no arm 'placebo'"):
            Fixtures.get().small.outcomes("placebo")


class Tables(unittest.TestCase):
    def test_subgroup_rows_count_the_patients_of_each_tps_level(self):
        # The default analysis splits by TPS at 1 and 50 %: recount n and responders per level and arm
        # from /patients (tps_pct) and the outcomes, independently of the engine.
        rt = Fixtures.get().rt
        g = rt.subgroups
        self.assertEqual(set(g["subgroup"]), {"PD-L1 TPS"})
        tps = rt.patients.set_index("candidate_id")["tps_pct"]
        out = rt.outcomes()
        for row in g.itertuples():
            o = out[out["arm"] == row.arm]
            t = tps.reindex(o["candidate_id"]).to_numpy()
            inside = (t >= row.lower_bound) & (t < row.upper_bound)
            self.assertEqual(row.n, int(inside.sum()), f"{row.arm} {row.level_label}")
            responders = o["best_response_text"].isin(["CR", "PR"]).to_numpy()
            self.assertEqual(row.responders, int((inside & responders).sum()), f"{row.arm} {row.level_label}")
        self.assertEqual(len(rt.subgroup_interactions), len(rt.comparisons))
        # Each level's paired ORR difference (second minus first) recounted from the two arms' outcomes.
        for e in rt.subgroup_effects.itertuples():
            a = out[out["arm"] == e.first].set_index("candidate_id")
            b = out[out["arm"] == e.second].set_index("candidate_id")
            ids = a.index.intersection(b.index)
            t = tps.reindex(ids).to_numpy()
            inside = (t >= (g["lower_bound"][g["level"] == e.level].iloc[0])) & \
                     (t < (g["upper_bound"][g["level"] == e.level].iloc[0]))
            ra = a.loc[ids, "best_response_text"].isin(["CR", "PR"]).to_numpy()[inside]
            rb = b.loc[ids, "best_response_text"].isin(["CR", "PR"]).to_numpy()[inside]
            self.assertEqual(e.n_pairs, int(inside.sum()))
            if e.n_pairs:
                self.assertAlmostEqual(e.orr_difference, (int((rb & ~ra).sum()) - int((ra & ~rb).sum())) / e.n_pairs,
                                       places=12)

    def test_stopping_columns_recount_from_the_outcomes_and_reach_the_report(self):
        # small_trial with nivolumab stopped after one responding scan (and the earliest-stop
        # analysis): the per-arm counts recounted from the per-patient stop days, and the report's
        # stopping table shows them.
        with open(SMALL_TRIAL) as f:
            d = yaml.safe_load(f)
        d["arms"][0]["stop_ici"] = {"responding_scans": 1, "earliest_stop": True}
        r = vct.run(d, output=os.path.join(WORK, "stop.h5"), threads=2)
        out = r.outcomes()
        o = out[out["arm"] == "nivolumab"]
        stopped = o[o["ici_stop_day"].notna()]
        row = r.summary.loc["nivolumab"]
        self.assertGreater(len(stopped), 0)
        self.assertEqual(row["ici_stopped"], len(stopped))
        self.assertEqual(row["progressed_after_stop"],
                         int(((stopped["pfs_event"] == 1) & (stopped["pfs_day"] >= stopped["ici_stop_day"])).sum()))
        analysed = o[o["earliest_stop_day"].notna()]
        self.assertEqual(row["earliest_stop_analysed"], len(analysed))
        self.assertEqual(row["earliest_stop_found"], int(np.isfinite(analysed["earliest_stop_day"]).sum()))
        self.assertEqual(r.summary.loc["durvalumab"]["ici_stopped"], 0)
        self.assertTrue(out[out["arm"] == "durvalumab"]["ici_stop_day"].isna().all())
        from vct.report import render
        page, _ = render(r)
        self.assertIn("<h2>Stopping rules</h2>", page)
        self.assertIn(f"<td>{len(stopped)} of {int(row['n'])}</td>", page)

    def test_search_file_loads_ranks_and_reports_its_landscape(self):
        # small_rt_trial with a 3 x 2 search: 3 x 20 Gy breaks BED <= 150 (60 x 3 = 180 Gy), so
        # 4 schedules are simulated and 2 skipped; the table, the ranking, the figure and the
        # report agree with each other.
        import subprocess
        d = small_rt_trial()
        d["search"] = {"variables": {"rt_dose_per_fraction_Gy": [8, 12, 20], "rt_start_from_ici_day": [-7, 0]},
                       "constraints": {"bed_max_Gy": 150},
                       "objective": {"out_of_field_orr": 1, "restricted_mean_pfs_day": 0.001}}
        scenario = os.path.join(WORK, "search.yaml")
        with open(scenario, "w") as f:
            yaml.safe_dump(d, f)
        path = os.path.join(WORK, "search.h5")
        subprocess.run([os.environ["VCT_BIN"], "search", scenario, "-o", path, "-j", "2", "--quiet"], check=True)
        r = vct.load(path)
        self.assertEqual(r.kind, "search")
        self.assertTrue(r.complete)
        table, skipped = r.search, r.search_skipped
        self.assertEqual(len(table), 4)
        self.assertEqual(len(skipped), 2)
        self.assertTrue((skipped["rt_dose_per_fraction_Gy"] == 20).all())
        self.assertTrue((table["bed_Gy"] <= 150).all())
        # objective = 1 x out-of-field ORR + 0.001 x restricted mean PFS, from its own metric columns
        np.testing.assert_allclose(table["objective"], table["metric_out_of_field_orr"]
                                   + 0.001 * table["metric_restricted_mean_pfs_day"], rtol=1e-12)
        np.testing.assert_allclose(table["metric_out_of_field_orr"], table["out_of_field_orr"], rtol=1e-12)
        attrs = r.search_attributes
        self.assertEqual(attrs["n_evaluated"], 4)
        self.assertEqual(attrs["n_skipped"], 2)
        with h5py_file(path) as f:
            ranking = list(f["search/ranking"][:])
        self.assertEqual(ranking[0], table.loc[table["objective"].idxmax(), "index"])
        fig = r.plot.landscape()
        image = fig.axes[0].images[0].get_array()
        self.assertEqual(image.shape, (2, 3))           # delays x doses, the skipped 20 Gy column included
        self.assertTrue(np.ma.getmaskarray(image)[:, 2].all() or np.isnan(image[:, 2].filled(np.nan)).all())
        from vct.report import render
        page, ids = render(r)
        self.assertEqual(ids, ["fig-landscape"])
        self.assertIn("<h2>Best schedules</h2>", page)
        self.assertIn("BED 180 Gy above bed_max_Gy 150", page)

    def test_fit_file_loads_and_reports_its_estimates(self):
        # vct fit on the shipped patient file: the tables agree with each other and reach the report.
        import subprocess
        path = os.path.join(WORK, "fit.h5")
        subprocess.run([os.environ["VCT_BIN"], "fit", os.path.join(ROOT, "scenarios", "patients",
                                                                     "nivolumab_responder.yaml"),
                        "-o", path, "--quiet"], check=True)
        r = vct.load(path)
        self.assertEqual(r.kind, "fit")
        self.assertTrue(r.complete)
        p, scans = r.fit_parameters, r.fit_scans
        self.assertEqual(list(p["name"]), ["k_C1_growth_per_day", "k_C_T1_per_day", "n_T1_clones"])
        self.assertTrue(((p["lower"] < p["estimate"]) & (p["estimate"] < p["upper"])).all())
        self.assertEqual(list(p["informed"] == 1), list(p["sd_z"] <= 0.7))
        np.testing.assert_allclose(scans["standardised_residual"],
                                   (scans["observed_mm"] - scans["predicted_mm"]) / scans["sd_mm"], rtol=1e-12)
        self.assertEqual(len(scans), 4)
        from vct.report import render
        page, ids = render(r)
        self.assertEqual(ids, ["fig-fit"])
        self.assertIn("<h2>Parameters</h2>", page)
        self.assertIn("barely", page)

    def test_prediction_file_loads_and_reports_its_bands(self):
        # vct predict on the shipped check template (one arm, 100 draws): bands ordered, the
        # baseline band pinned at the 35 mm scan, probabilities summing to 1, the report's figures.
        import subprocess
        path = os.path.join(WORK, "predict.h5")
        subprocess.run([os.environ["VCT_BIN"], "predict", os.path.join(ROOT, "scenarios", "patients",
                                                                         "nivolumab_check.yaml"),
                        "-o", path, "-j", "2", "--quiet"], check=True)
        r = vct.load(path)
        self.assertEqual(r.kind, "predict")
        arms = r.predict_arms
        self.assertEqual(list(arms["arm"]), ["nivolumab"])
        np.testing.assert_allclose(arms[["p_CR", "p_PR", "p_SD", "p_PD", "p_NE"]].sum(axis=1), 1.0, rtol=1e-12)
        bands = r.prediction("nivolumab")
        self.assertEqual(sorted(set(bands["series"])), ["primary", "sum"])
        self.assertTrue((bands["lower_mm"] <= bands["median_mm"]).all() and (bands["median_mm"] <= bands["upper_mm"]).all())
        first = bands[(bands["series"] == "primary") & (bands["day"] == 0)].iloc[0]
        self.assertAlmostEqual(first["median_mm"], 35.0, places=9)
        self.assertAlmostEqual(first["upper_mm"] - first["lower_mm"], 0.0, places=9)
        self.assertEqual(r.predict_draws.shape, (100, 3))
        self.assertEqual(len(r.fit_parameters), 3)  # the fit travels with the prediction
        from vct.report import render
        page, ids = render(r)
        self.assertEqual(ids, ["fig-fit", "fig-prediction"])
        self.assertIn("<h2>Predictions</h2>", page)

    def test_twin_check_file_loads_and_reports_recovery(self):
        import subprocess
        path = os.path.join(WORK, "twin_check.h5")
        subprocess.run([os.environ["VCT_BIN"], "twin-check", os.path.join(ROOT, "scenarios", "patients",
                                                                            "nivolumab_check.yaml"),
                        "--patients", "2", "--samples", "20", "--fit-scans", "4", "-o", path, "-j", "2", "--quiet"],
                       check=True)
        r = vct.load(path)
        self.assertEqual(r.kind, "twin_check")
        scans, attrs = r.twin_check_scans, r.twin_check_attributes
        held = scans[scans["held_out"] == 1]
        self.assertEqual(len(held), 2 * 3)  # days 168, 210, 252 of two patients
        inside = ((held["observed_mm"] >= held["scan_lower_mm"]) & (held["observed_mm"] <= held["scan_upper_mm"])).mean()
        self.assertAlmostEqual(inside, attrs["scan_coverage"], places=12)
        self.assertEqual(attrs["cutoff_day"], 126.0)
        self.assertEqual(len(r.twin_check_patients), 2)
        from vct.report import render
        page, ids = render(r)
        self.assertEqual(ids, ["fig-twin-check"])

    def test_selection_table_names_the_plausible_candidates_and_who_was_selected(self):
        with open(SMALL_TRIAL) as f:
            scenario = yaml.safe_load(f)
        scenario["population"]["selection"] = "probability_of_inclusion"
        r = vct.run(scenario, output=os.path.join(WORK, "selection.h5"), threads=2)
        table, attrs, patients = r.selection, r.selection_attributes, r.patients
        # Plausible: candidates with a baseline, patients (status 0) and not selected (status 3).
        plausible = patients[patients["status"].isin([0, 3])]["candidate_id"]
        self.assertGreaterEqual(len(table), 5)  # the selection needs at least 5
        self.assertEqual(list(table["candidate_id"]), list(plausible))
        simulated = set(patients[patients["status"] == 0]["candidate_id"])
        self.assertEqual(set(table[table["selected"] == 1]["candidate_id"]), simulated)
        self.assertTrue((table["probability"] > 0).all())
        # sf between 1 and 1 / max p (core/selection.cpp: the search runs over that interval)
        p_max = table["probability"].max()
        self.assertTrue(min(1, 1 / p_max) <= attrs["scale_factor"] <= max(1, 1 / p_max))
        for dim in ("M1_M2", "Treg_CD8", "CD8_CD4"):
            self.assertTrue(0 <= attrs["ks_statistic_" + dim] <= 1 and 0 <= attrs["ks_p_value_" + dim] <= 1)
        from vct.report import render
        page, _ = render(r)  # the report's Selection section gives the counts
        selected = int((table["selected"] == 1).sum())
        self.assertIn("<h2>Selection</h2>", page)
        self.assertIn(f"<p>{selected} of {len(table)} plausible candidates selected", page)
        self.assertNotIn("<h2>Selection</h2>", render(Fixtures.get().small)[0])
        self.assertTrue(Fixtures.get().small.selection.empty)  # no selection: empty
        self.assertEqual(Fixtures.get().small.selection_attributes, {})

    def test_outcome_counts_equal_the_engine_summary(self):
        small = Fixtures.get().small
        out, summary = small.outcomes(), small.summary
        for arm in small.arms:
            counts = out[out["arm"] == arm]["best_response_text"].value_counts()
            row = summary.loc[arm]
            self.assertGreater(row["n"], 0)
            for name in ("CR", "PR", "SD", "PD"):
                self.assertEqual(counts.get(name, 0), row[name], f"{arm} {name}")
            self.assertAlmostEqual(row["orr"], (row["CR"] + row["PR"]) / row["n"])

    def test_kaplan_meier_table_is_the_product_limit_of_the_outcomes(self):
        rt = Fixtures.get().rt
        out, km = rt.outcomes(), rt.km("pfs")
        for arm in rt.arms:
            o = out[out["arm"] == arm]
            self.assertGreaterEqual(len(km[km["arm"] == arm]), 2, f"{arm}: too few event times to test")
            s = 1.0
            for row in km[km["arm"] == arm].itertuples():
                at_risk = int(np.sum(o["pfs_day"] >= row.time_day))
                events = int(np.sum((o["pfs_day"] == row.time_day) & (o["pfs_event"] == 1)))
                s *= 1.0 - events / at_risk  # S(t) = prod (1 - d_i / n_i)
                self.assertEqual(row.at_risk, at_risk)
                self.assertEqual(row.events, events)
                self.assertAlmostEqual(row.survival, s, places=12)

    def test_best_change_is_the_smallest_scan_change_up_to_the_first_progression(self):
        # Recomputed here independently from the stored diameter series at the scan days: the
        # smallest change over the assessed scans (code >= 0) up to and including the first PD.
        import h5py
        rt = Fixtures.get().rt
        every = np.concatenate([rt.best_change(arm).to_numpy() for arm in rt.arms])
        self.assertTrue((every > 0).any() and (every < 0).any(), "needs growers and shrinkers")
        with h5py.File(rt.path, "r") as f:
            time, scan_days = f["time"][()], f["scan_days"][()]
            columns = np.searchsorted(time, scan_days - 1e-9)
            for arm in rt.arms:
                ours = rt.best_change(arm)
                codes = f["arms"][arm]["scan_response"][()]
                diameters = f["arms"][arm]["outputs"]["tumour_diameter_cm"][()]
                engine_capped = rt.outcomes(arm).set_index("candidate_id")["best_change_pct"]
                for cid, value in ours.items():
                    cid = int(cid)
                    change = 100 * (diameters[cid, columns] / diameters[cid, 0] - 1)
                    pd_scans = np.flatnonzero(codes[cid] == 3)
                    last = pd_scans[0] + 1 if len(pd_scans) else len(scan_days)
                    assessed = change[:last][codes[cid][:last] >= 0]
                    if len(assessed) == 0:
                        self.assertTrue(np.isnan(value), f"{arm} {cid}")
                        continue
                    self.assertAlmostEqual(value, assessed.min(), places=9, msg=f"{arm} {cid}")
                    self.assertAlmostEqual(min(value, 0.0), engine_capped[cid], places=9)  # the capped column

    def test_trajectories_long_form_has_one_row_per_patient_and_time(self):
        small = Fixtures.get().small
        t = small.trajectories("tumour_diameter_cm", "nivolumab" if "nivolumab" in small.arms else small.arms[0])
        n_patients = t["candidate_id"].nunique()
        self.assertEqual(len(t), n_patients * t["time_day"].nunique())
        self.assertEqual(t.attrs["units"], "cm")

    def test_paired_difference_interval_by_hand(self):
        # b = 3 responders in the first arm only, c = 7 in the second only, n = 50 pairs:
        # d = 4/50 = 8 points; se = sqrt(10 - 16/50)/50 = sqrt(9.68)/50 = 0.0622254;
        # 95 % CI 8 +- 1.959964 x 6.22254 = -4.196 to 20.196 points.
        row = type("Row", (), {"n_pairs": 50, "responders_first_only": 3, "responders_second_only": 7,
                               "first": "A", "second": "B", "mcnemar_p": 0.34})
        label, d, lo, hi, p = paired_difference_ci(row)
        self.assertEqual(label, "B vs A")
        self.assertAlmostEqual(d, 8.0)
        self.assertAlmostEqual(lo, -4.196, places=3)
        self.assertAlmostEqual(hi, 20.196, places=3)

    def test_radiotherapy_table_gives_bed(self):
        rt = Fixtures.get().rt.radiotherapy
        self.assertEqual(list(rt["arm"]), ["SBRT_then_pembrolizumab"])
        # 3 x 8 Gy with the course's alpha/beta: BED = 24 (1 + 8 / (alpha/beta)).
        row = rt.iloc[0]
        self.assertAlmostEqual(row["BED_Gy"], 24 * (1 + 8 / row["alpha_beta_Gy"]), places=6)


class Figures(unittest.TestCase):
    def check(self, fig, name):
        for ax in fig.axes:
            if ax.get_visible() and ax.has_data():
                self.assertTrue(ax.get_xlabel() or ax.get_ylabel(), f"{name}: an axis without labels")
        path = os.path.join(WORK, name + ".png")
        fig.savefig(path, dpi=60)
        self.assertGreater(os.path.getsize(path), 1000)
        import matplotlib.pyplot as plt
        plt.close(fig)

    def test_every_figure_renders_with_its_artists(self):
        from matplotlib.patches import Rectangle
        rt = Fixtures.get().rt
        out = rt.outcomes()
        for arm in rt.arms:
            n = int((out["arm"] == arm).sum())
            fig = rt.plot.waterfall(arm)
            bars = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
            self.assertEqual(len(bars), int(np.isfinite(rt.best_change(arm)).sum()))  # one bar per patient
            self.check(fig, f"waterfall_{arm}")
            self.check(rt.plot.waterfall(arm, site="out_of_field"), f"waterfall_oof_{arm}")
            fig = rt.plot.spider(arm)
            self.assertEqual(len(fig.axes[0].lines), min(n, 100) + 2)  # a line per patient + the RECIST lines
            self.check(fig, f"spider_{arm}")
            fig = rt.plot.swimmer(arm)
            self.assertEqual(len([p for p in fig.axes[0].patches if isinstance(p, Rectangle)]), min(n, 40))
            self.check(fig, f"swimmer_{arm}")
        for endpoint in ("pfs", "os"):
            fig = rt.plot.km(endpoint)
            self.assertEqual(len(fig.axes[0].lines), len(rt.arms))  # one step curve per arm
            self.assertEqual(len(fig.axes[0].collections), len(rt.arms))  # one CI band per arm
            self.assertGreaterEqual(len(fig.axes[1].texts), len(rt.arms))  # numbers at risk
            self.check(fig, f"km_{endpoint}")
        fig = rt.plot.in_out_of_field()
        self.assertEqual(len([p for p in fig.axes[0].patches if isinstance(p, Rectangle)]), 2 * len(rt.arms))
        self.check(fig, "in_out_of_field")
        fig = rt.plot.arms_forest()
        self.assertEqual(len(fig.axes[0].get_yticklabels()), len(rt.comparisons))
        self.check(fig, "arms_forest")
        self.check(rt.plot.trajectory(), "trajectory")
        fig = rt.plot.subgroups()
        self.assertEqual(len(fig.axes), 2)  # ORR per level and arm, and the effect per level
        self.assertEqual(len(fig.axes[0].containers), len(rt.arms))  # one error-bar series per arm
        self.check(fig, "subgroups")

    def test_abm_windows_give_tables_pictures_and_report_sections(self):
        # a 3-candidate trial with a core and a margin window of 12^3 voxels for 4 days
        with open(os.path.join(ROOT, "tests", "scenarios", "good", "abm_trial.yaml")) as f:
            scenario = yaml.safe_load(f)
        r = vct.run(scenario, output=os.path.join(WORK, "abm.h5"), threads=2)
        self.assertTrue(r.has_abm)
        self.assertFalse(Fixtures.get().small.has_abm)
        patients = len(r.outcomes())
        slices = r.abm("slices")
        self.assertEqual(len(slices), patients * 16 * 2)  # 4 days of 6-h slices, 2 windows
        spatial = r.abm("spatial")
        self.assertEqual(len(spatial), patients * 3 * 2)  # baseline and the scans of days 2 and 4
        self.assertTrue(set(spatial["label_code"]) <= {0, 1, 2})
        sections = r.abm("sections")
        self.assertTrue(set(sections["candidate_id"]) <= set(range(10)))
        fig = r.plot.abm_section(window=1)
        self.assertGreaterEqual(len(fig.axes[0].collections), 2)  # cancer cells and T cells
        self.check(fig, "abm_section")
        fig = r.plot.abm_profiles()
        self.assertEqual(len(fig.axes[0].lines), 1 + 1)  # the arm and the boundary line
        self.check(fig, "abm_profiles")
        # the margin window's change: (viable at day 4 + cells it passed on) / viable at day 0 - 1
        change = r.abm_change(window=1)
        self.assertEqual(len(change), patients)
        first = spatial[(spatial["window_index"] == 1) & (spatial["candidate_id"] == change["candidate_id"][0])]
        passed = slices[(slices["window_index"] == 1) & (slices["candidate_id"] == change["candidate_id"][0])][
            "cancer_left_per_slice"].sum()
        by_day = first.set_index("t_day")["viable_cancer_cells"]
        self.assertAlmostEqual(change["change_pct"][0], 100.0 * ((by_day[4.0] + passed) / by_day[0.0] - 1.0))
        with self.assertRaisesRegex(ValueError, "no agent-based window 2 in this file"):
            r.abm_change(window=2)  # core_and_margin: windows 0 and 1 only
        fig = r.plot.abm_change()
        self.assertEqual(len(fig.axes), 1)  # one arm: no paired panel
        self.check(fig, "abm_change")
        from vct.report import render
        html_text, ids = render(r)
        self.assertIn("fig-abm-section-nivolumab-1", ids)
        self.assertIn("fig-abm-profiles", ids)
        self.assertIn("fig-abm-change", ids)
        with self.assertRaisesRegex(ValueError, "lesions\\[\\]\\.abm"):
            Fixtures.get().small.abm("slices")
        with self.assertRaisesRegex(ValueError, "unknown agent-based table"):
            r.abm("cells")

    def test_a_single_patient_with_windows_gets_their_tables_and_pictures(self):
        # the trial scenario above as one patient: its windows' tables sit at the file's root
        with open(os.path.join(ROOT, "tests", "scenarios", "good", "abm_trial.yaml")) as f:
            scenario = yaml.safe_load(f)
        scenario["treatment"] = scenario.pop("arms")[0]["treatment"]
        del scenario["population"], scenario["recist"], scenario["run"]
        scenario["lesions"][0]["abm"]["settle_days"] = 1
        r = vct.run(scenario, output=os.path.join(WORK, "abm_patient.h5"))
        self.assertEqual(r.kind, "patient")
        self.assertTrue(r.has_abm)
        slices = r.abm("slices")
        self.assertEqual(len(slices), 16 * 2)  # 4 days of 6-h slices, 2 windows
        self.assertEqual(set(slices["candidate_id"]), {0})
        spatial = r.abm("spatial")
        self.assertEqual(sorted(set(spatial["t_day"])), [0.0, 4.0])  # baseline and the horizon
        share = spatial["pdl1_positive_cells"] / spatial["viable_cancer_cells"]
        self.assertTrue(np.allclose(share, spatial["pdl1_positive_share_1"]))
        fig = r.plot.abm_profiles()
        self.assertEqual(len(fig.axes[0].lines), 1 + 1)  # the patient and the boundary line
        self.check(fig, "abm_profiles_patient")
        from vct.report import render
        html_text, ids = render(r)
        self.assertIn("fig-abm-section-1", ids)
        self.assertIn("fig-abm-profiles", ids)

    def test_figures_without_their_data_say_why(self):
        small = Fixtures.get().small
        with self.assertRaisesRegex(ValueError, "multi-lesion RT model"):
            small.plot.in_out_of_field()
        with self.assertRaisesRegex(ValueError, "overall_survival"):
            small.plot.km("os")


def abm_trial_script():
    """tools/figures/abm_trial.py as a module."""
    sys.path.insert(0, os.path.join(ROOT, "tools", "figures"))
    try:
        import abm_trial
    finally:
        sys.path.pop(0)
    return abm_trial


class AbmTrialScript(unittest.TestCase):
    def test_rim_table_gives_per_patient_rates_and_their_medians(self):
        import pandas as pd
        script = abm_trial_script()
        rows = []
        # candidate 0: slices at days 0.25 and 0.5 (4 per day), 100 viable cancer cells, kills 2 then 4
        # by 10 then 30 cytotoxic cells, T-cell deaths 1 then 2, H_PD1 0.5 then 0.7;
        # candidate 1: no kills, 5 cytotoxic, 50 viable (60 cells, 10 of them doomed), deaths 5, H 0.2
        for cand, t, kills, cyt, stem, doomed, deaths, h in [(0, 0.25, 2, 10, 100, 0, 1, 0.5),
                                                            (0, 0.5, 4, 30, 100, 0, 2, 0.7),
                                                            (1, 0.25, 0, 5, 60, 10, 5, 0.2),
                                                            (1, 0.5, 0, 5, 60, 10, 0, 0.2)]:
            rows.append({"arm": "a", "candidate_id": cand, "t_day": t, "window_index": 1, "kills_per_slice": kills,
                         "cd8_effector_cells": 1, "cd8_cytotoxic_cells": cyt, "cd8_suppressed_cells": 0,
                         "stem_cells": stem, "progenitor_cells": 0, "senescent_cells": 0, "doomed_cells": doomed,
                         "t_deaths_per_slice": deaths, "compartment_H_PD1_1": h})
        slices = pd.DataFrame(rows)
        sp = pd.DataFrame({"arm": ["a", "a"], "window_index": [1, 1], "t_day": [0.5, 0.5],
                           "cancer_near_cd8_share": [0.8, 0.4]})

        class Arms:
            arms = ["a"]

        t = script.rim_table(Arms(), sp, slices, 0.5, deaths_until=0.5, cd8_days=(0.25,), late_from=0.0).loc["a"]
        self.assertEqual(t["patients"], 2)
        self.assertEqual(t["t_deaths"], 4.0)  # median of 1 + 2 = 3 and 5 + 0 = 5
        self.assertEqual(t["cd8_day0.25"], 8.5)  # median of 1 + 10 and 1 + 5
        self.assertAlmostEqual(t["kills_per_cytotoxic_per_slice"], 0.075)  # median of 6 / 40 and 0 / 10
        self.assertAlmostEqual(t["kills_per_cancer_per_day"], 0.06)  # median of 6 / 200 x 4 and 0 / 100 x 4
        self.assertAlmostEqual(t["H_PD1"], 0.4)  # median of (0.5 + 0.7) / 2 and 0.2
        self.assertAlmostEqual(t["contact"], 0.6)  # median of 0.8 and 0.4
        # the sign test: 5 of 19 against, 2 x (C(19,0) + ... + C(19,5)) / 2^19 = 2 x 16,664 / 524,288
        self.assertAlmostEqual(vct.plot.sign_test_p(14, 5), 0.063568115234375)
        self.assertEqual(vct.plot.sign_test_p(3, 3), 1.0)  # 2 x (1 + 6 + 15 + 20) / 64 > 1
        self.assertTrue(math.isnan(vct.plot.sign_test_p(0, 0)))

    def test_irradiating_the_rim_shows_in_its_t_cell_deaths(self):
        # the 3-candidate, 4-day trial of the figures test with a second arm that gives its lesion one
        # 8-Gy fraction on day 0 over a 5-mm margin: the margin window's T cells survive it with
        # exp(-0.347 x 8) = 6 %, so its deaths over days 0-4 exceed nivolumab alone's (lifespans only)
        with open(os.path.join(ROOT, "tests", "scenarios", "good", "abm_trial.yaml")) as f:
            scenario = yaml.safe_load(f)
        rt_arm = dict(scenario["arms"][0], name="rt")
        rt_arm["radiotherapy"] = [{"name": "8Gy", "dose_per_fraction_Gy": 8, "fractions": 1, "lesions": ["primary"],
                                   "dose_map": {"kind": "uniform", "margin_mm": 5}}]
        scenario["arms"].append(rt_arm)
        r = vct.run(scenario, output=os.path.join(WORK, "abm_rim.h5"), threads=2)
        script = abm_trial_script()
        t = script.rim_table(r, r.abm("spatial"), r.abm("slices"), 4.0, deaths_until=4.0, cd8_days=(1.0,), late_from=0.0)
        self.assertEqual(list(t.index), ["nivolumab", "rt"])
        self.assertGreater(t.loc["rt", "t_deaths"], t.loc["nivolumab", "t_deaths"])
        self.assertLess(t.loc["rt", "cd8_day1"], t.loc["nivolumab", "cd8_day1"])
        fig = r.plot.abm_change()
        self.assertEqual(len(fig.axes), 2)  # per patient, and paired with nivolumab
        d = r.abm_change().pivot(index="candidate_id", columns="arm", values="change_pct")
        d = (d["rt"] - d["nivolumab"]).dropna()
        self.assertIn(f"{int((d < 0).sum())} / {int((d > 0).sum())}", fig.axes[1].texts[0].get_text())


if __name__ == "__main__":
    if len(sys.argv) > 1:
        os.environ["VCT_SOURCE_DIR"] = sys.argv.pop(1)
        ROOT = os.environ["VCT_SOURCE_DIR"]
        SMALL_TRIAL = os.path.join(ROOT, "tests", "scenarios", "good", "small_trial.yaml")
    unittest.main(verbosity=2)
