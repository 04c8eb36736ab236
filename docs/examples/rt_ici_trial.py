# SPDX-License-Identifier: MIT
"""Worked example (docs/python.md): a small RT-ICI virtual trial run from Python, every figure of
the package, and the HTML report. PEMBRO-RT's design (pembrolizumab alone vs SBRT 3 x 8 Gy to one
of two lesions then pembrolizumab; Theelen et al. 2019) with new lesions and overall survival on.

    PYTHONPATH=build/python python3 docs/examples/rt_ici_trial.py --size 16 --out /tmp/example

ctest `python_example` runs it as above on 16 candidates; the figures in docs/figures/python/
come from `--size 300 --out /tmp/example --dpi 80` (six of them copied there).
"""

import argparse
import os

import matplotlib

matplotlib.use("Agg")

import vct  # noqa: E402 (after choosing the backend)
from vct.report import write_report  # noqa: E402

parser = argparse.ArgumentParser()
parser.add_argument("--size", type=int, default=100, help="candidates (the trial's patients are those who reach baseline)")
parser.add_argument("--out", default="example_output", help="folder for the result file, figures and report")
parser.add_argument("--dpi", type=int, default=100)
parser.add_argument("--threads", type=int, default=0)
args = parser.parse_args()
os.makedirs(args.out, exist_ok=True)

# 1. The scenario as a dict (the same keys as a YAML file; docs/scenario-reference.md).
scenario = {
    "schema_version": 1,
    "description": "PEMBRO-RT-like trial from Python",
    "model": "qspio_nsclc_rt",
    "lesions": [{"name": "irradiated"}, {"name": "non_irradiated"}],
    "population": {
        "size": args.size, "seed": 20190718, "preset": "wang2023",
        "parameters": {
            "initial_tumour_diameter_cm": {"distribution": "lognormal", "median": 3.3, "sigma": 0.4},
            "lesion2_initial_diameter_cm": {"distribution": "lognormal", "median": 2.5, "sigma": 0.3,
                                            "lower": 1.0, "upper": 6.0},
        },
    },
    "arms": [
        {"name": "pembrolizumab",
         "treatment": [{"drug": "pembrolizumab", "dose_mg": 200, "interval_day": 21, "end_day": 336}]},
        {"name": "SBRT_then_pembrolizumab",
         "radiotherapy": [{"name": "SBRT 3x8Gy", "dose_per_fraction_Gy": 8, "fractions": 3, "schedule": "daily",
                           "start_day": 0, "lesions": ["irradiated"]}],
         "treatment": [{"drug": "pembrolizumab", "dose_mg": 200, "start_day": 7, "interval_day": 21,
                        "end_day": 336}]},
    ],
    "simulation": {"horizon_day": 336, "output_interval_day": 1},
    "recist": {"first_scan_day": 84, "scan_interval_day": 84, "confirmation": False},
    "progression": {"new_lesions": True, "new_lesion_law": "occult_growth", "overall_survival": True},
    "output": {"trajectories": ["tumour_diameter_cm", "lesion1_diameter_cm", "lesion2_diameter_cm"]},
}

# 2. Run it in process (built-in calibrated values; published=True for the published ones).
result = vct.run(scenario, output=os.path.join(args.out, "trial.h5"), threads=args.threads)
print(result, "-", result.parameters_used)

# 3. Tables.
print(result.summary[["n", "orr", "orr_lower", "orr_upper", "orr_out_of_field", "median_pfs_day", "median_os_day"]])
print(result.comparisons[["first", "second", "orr_difference", "mcnemar_p", "logrank_p"]])
print(result.radiotherapy[["arm", "course", "dose_per_fraction_Gy", "fractions", "BED_Gy", "EQD2_Gy"]])
print(result.subgroups[["level_label", "arm", "n", "orr", "median_pfs_day"]])  # by PD-L1 TPS (default)

# 4. Every figure.
figures = {"km_pfs": result.plot.km("pfs"), "km_os": result.plot.km("os"),
           "in_out_of_field": result.plot.in_out_of_field(), "arms_forest": result.plot.arms_forest(),
           "subgroups": result.plot.subgroups(), "trajectory": result.plot.trajectory()}
for arm in result.arms:
    figures[f"waterfall_{arm}"] = result.plot.waterfall(arm)
    figures[f"waterfall_out_of_field_{arm}"] = result.plot.waterfall(arm, site="out_of_field")
    figures[f"spider_{arm}"] = result.plot.spider(arm)
    figures[f"swimmer_{arm}"] = result.plot.swimmer(arm)
for name, fig in figures.items():
    fig.savefig(os.path.join(args.out, name + ".png"), dpi=args.dpi)
print(f"{len(figures)} figures in {args.out}")

# 5. The report (the same as `vct report trial.h5`).
print("report:", write_report(result, os.path.join(args.out, "report.html")))
