#!/usr/bin/env python3
"""The scans behind the IL-7 recovery module (M7) and the anti-PD-L1 lever of issue #16
(docs/models/radiotherapy.md, "M7"; docs/models/qspio_nsclc.md, "a cap on anti-PD-L1 occupancy";
docs/validation.md, "Anti-PD-L1: the cap was built; PD-L2 is the better lever"). Each scan runs the
shipped scenarios from a temporary copy of scenarios/ with one stated change, with the calibrated
values, and prints the table the docs quote:

  gamma    blood lymphocytes (mean % of day 0) in validation/lymphocyte_kinetics.yaml, M7 off and
           on at gamma_IL7 5, 10, 15, 20
  rt       the RT targets through vct validate: the six default modules, the six plus M7, and
           MDACC's 45 Gy / 15 fx arm with the lymph node in the field (a sensitivity run)
  cap      durvalumab best ORR in validation/study1108_durvalumab.yaml against f_PDL1_blockable
  pdl2     durvalumab (and nivolumab, CheckMate 017) best ORR with r_PDL2C1 fixed for every
           patient, and the calibration targets through vct validate with r_PDL2C1 a log-normal
           population (median 0.02, sigma 1.33) added to a copy of the calibrated file

Usage: /usr/bin/python3 tools/validation/m7_pdl2_scans.py [SCAN ...] [--vct build/tools/vct]
         [--size N] [--threads N] [--bench-scenario FILE]
  --size N             candidates per scenario (default: each scenario's own)
  --bench-scenario F   also write scenarios/nsclc_rt_sbrt_3x8_then_nivolumab.yaml with the seven
                       modules to F (the M7 row of docs/performance.md; run vct_bench_patient on it)
Needs python3-h5py and the vct package (PYTHONPATH=build/python).
"""
import argparse
import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SIX = ["licensing", "epitope_spreading", "priming_checkpoint", "lymphodepletion", "treg_adcc", "ctla4_priming"]
SEVEN = SIX + ["il7_recovery"]
RT_TARGETS = ["pembro_rt_sbrt_orr_12wk", "pembro_rt_control_orr_12wk", "pembro_rt_sbrt_best_orr",
              "mdacc_sbrt_out_of_field_best_orr", "mdacc_conventional_rt_out_of_field_best_orr",
              "virtual_rt_niv_conc_3x8", "lymphocytes_liver_sbrt_day14", "lymphocytes_liver_sbrt_day365",
              "lymphocytes_chemort_edic7_nadir"]
MDACC_45 = "{name: 45Gy/15fx, dose_per_fraction_Gy: 3, fractions: 15, schedule: weekdays, start_day: 0, lesions: [irradiated]}"


def copy_scenarios(work, name):
    dest = os.path.join(work, name)
    shutil.copytree(os.path.join(ROOT, "scenarios"), dest)
    return dest


def edit(path, change, must_change=True):
    with open(path) as f:
        text = f.read()
    new = change(text)
    if must_change and new == text:
        sys.exit("m7_pdl2_scans: the change to %s found nothing to change" % path)
    with open(path, "w") as f:
        f.write(new)


def with_modules(text, modules):
    return text.replace("model: qspio_nsclc_rt\n", "model: qspio_nsclc_rt\nmodules: [%s]\n" % ", ".join(modules), 1)


def with_patient_parameter(text, name, value):
    return re.sub(r"(\npatient:\n  weight_kg: \d+\n)", r"\1  parameters: {%s: %s}\n" % (name, value), text, count=1)


def with_size(text, size):
    return re.sub(r"\n  size: \d+\n", "\n  size: %d\n" % size, text, count=1) if size else text


def add_modules(folder, modules):
    """Every qspio_nsclc_rt scenario without a modules list gets `modules` (the default is all seven
    since the joint recalibration, so the six-module columns list their six)."""
    for sub in ("", "validation"):
        d = os.path.join(folder, sub)
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name)
            if name.endswith(".yaml") and os.path.isfile(p):
                with open(p) as f:
                    text = f.read()
                if re.search(r"^model: qspio_nsclc_rt$", text, re.M) and not re.search(r"^modules:", text, re.M):
                    with open(p, "w") as f:
                        f.write(with_modules(text, modules))


def run(args, scenario, work):
    out = os.path.join(work, "run.h5")
    with open(scenario) as f:
        text = f.read()
    text = re.sub(r"\n  file: [^\n]+\n", "\n  file: %s\n" % out, text, count=1)
    with open(scenario, "w") as f:
        f.write(text)
    r = subprocess.run([args.vct, "run", scenario, "--threads", str(args.threads)], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("m7_pdl2_scans: vct run %s failed:\n%s" % (scenario, r.stderr))
    return r.stdout, out


def best_orr(stdout, arm):
    """ORR % of `arm` from the printed arm table."""
    for line in stdout.splitlines():
        cells = line.split()
        if len(cells) > 6 and cells[0] == arm and cells[1].isdigit():
            return float(cells[6])
    sys.exit("m7_pdl2_scans: no ORR row for arm %s in:\n%s" % (arm, stdout))


def validate(args, suite, targets, work, calibration=None):
    out = os.path.join(work, "validate.csv")
    cmd = [args.vct, "validate", suite, "-j", str(args.threads), "-o", out]
    if args.size:
        cmd += ["--size", str(args.size)]
    if calibration:
        cmd += ["--calibration", calibration]
    for t in targets:
        cmd += ["--target", t]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("m7_pdl2_scans: vct validate failed:\n%s" % r.stderr)
    with open(out) as f:
        return {row["target"]: 100.0 * float(row["simulated"]) for row in csv.DictReader(f)}


def scan_gamma(args, work):
    import vct  # noqa: E402 (the package of build/python)
    print("gamma: blood lymphocytes, mean % of day 0 (validation/lymphocyte_kinetics.yaml)")
    print("%-8s %12s %14s %16s %18s" % ("gamma", "SBRT day 14", "SBRT one year", "chemoRT nadir", "chemoRT one year"))
    for gamma in (None, 5, 10, 15, 20):
        folder = copy_scenarios(work, "gamma_%s" % gamma)
        p = os.path.join(folder, "validation", "lymphocyte_kinetics.yaml")
        if gamma is not None:
            edit(p, lambda t: with_patient_parameter(with_modules(t, SEVEN), "gamma_IL7", gamma))
        edit(p, lambda t: with_size(t, args.size), must_change=bool(args.size))
        _, h5 = run(args, p, work)
        t = vct.Result(h5).trajectories("blood_lymphocytes_per_L")
        row = {}
        for arm, g in t.groupby("arm"):
            v = g.pivot(index="candidate_id", columns="time_day", values="value")
            rel = v.div(v[0.0], axis=0)
            row[arm] = (100 * rel[14.0].mean(), 100 * rel[365.0].mean(), 100 * rel.min(axis=1).mean())
        liver, crt = row["liver_SBRT_45Gy_5fx"], row["chemoRT_EDIC_7Gy"]
        print("%-8s %11.1f%% %13.1f%% %15.1f%% %17.1f%%" % ("M7 off" if gamma is None else gamma, liver[0], liver[1],
                                                           crt[2], crt[1]))


def scan_rt(args, work):
    six = copy_scenarios(work, "rt_six")
    seven = copy_scenarios(work, "rt_seven")
    add_modules(six, SIX)
    add_modules(seven, SEVEN)
    columns = [("six modules", validate(args, os.path.join(six, "validation", "suite.yaml"), RT_TARGETS, work)),
               ("with M7", validate(args, os.path.join(seven, "validation", "suite.yaml"), RT_TARGETS, work))]
    mdacc = [t for t in RT_TARGETS if t.startswith("mdacc")]
    for folder, label in ((six, "six, LN in 45/15 field"), (seven, "M7, LN in 45/15 field")):
        edit(os.path.join(folder, "validation", "mdacc_pembrolizumab_rt.yaml"),
             lambda t: t.replace(MDACC_45, MDACC_45[:-1] + ", lymph_node_in_field: true}"))
        columns.append((label, validate(args, os.path.join(folder, "validation", "suite.yaml"), mdacc, work)))
    print("rt: simulated % per target (vct validate, calibrated values)")
    print("%-44s" % "target" + "".join("%24s" % c for c, _ in columns))
    for t in RT_TARGETS:
        print("%-44s" % t + "".join("%24s" % ("%.1f" % v[t] if t in v else "") for _, v in columns))


def scan_cap(args, work):
    print("cap: durvalumab best ORR % against f_PDL1_blockable (validation/study1108_durvalumab.yaml)")
    for f in (1, 0.995, 0.99, 0.98, 0.95, 0.9):
        folder = copy_scenarios(work, "cap_%g" % f)
        p = os.path.join(folder, "validation", "study1108_durvalumab.yaml")
        edit(p, lambda t: with_size(with_patient_parameter(t, "f_PDL1_blockable", f), args.size))
        out, _ = run(args, p, work)
        print("  f_PDL1_blockable %-6g %5.1f %%" % (f, best_orr(out, "durvalumab")))


def scan_pdl2(args, work):
    print("pdl2: best ORR % with r_PDL2C1 fixed for every patient")
    for scenario, arm, values in (("study1108_durvalumab.yaml", "durvalumab", (0.003, 0.01, 0.02, 0.03, 0.05, 0.07)),
                                  ("checkmate017_nivolumab.yaml", "nivolumab", (0.07, 0.3, 1))):
        for r in values:
            folder = copy_scenarios(work, "pdl2_%s_%g" % (arm, r))
            p = os.path.join(folder, "validation", scenario)
            edit(p, lambda t: with_size(with_patient_parameter(t, "r_PDL2C1", r), args.size))
            out, _ = run(args, p, work)
            print("  %-10s r_PDL2C1 %-6g %5.1f %%" % (arm, r, best_orr(out, arm)))
    calibrated = os.path.join(work, "calibrated_pdl2.yaml")
    with open(os.path.join(ROOT, "scenarios", "validation", "calibrated.yaml")) as f:
        text = f.read()
    with open(calibrated, "w") as f:
        text = re.sub(r"\n  r_PDL2C1: \{[^}]*\}", "", text)  # the calibrated file now fits its own median
        f.write(text.replace("population_medians:\n", "population_medians:\n  r_PDL2C1: {median: 0.02, sigma: 1.33}\n", 1))
    suite = os.path.join(ROOT, "scenarios", "validation", "suite.yaml")
    targets = ["checkmate017_nivolumab_orr", "keynote042_orr_tps1", "checkmate227_ipilimumab_increment",
               "study1108_durvalumab_orr"]
    base = validate(args, suite, targets, work)
    pdl2 = validate(args, suite, targets, work, calibrated)
    print("pdl2: vct validate, calibrated values and with r_PDL2C1 ~ log-normal(median 0.02, sigma 1.33)")
    for t in targets:
        print("  %-36s %6.1f %% -> %6.1f %%" % (t, base[t], pdl2[t]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("scans", nargs="*", default=["gamma", "rt", "cap", "pdl2"],
                        help="gamma, rt, cap, pdl2 (default: all)")
    parser.add_argument("--vct", default=os.path.join(ROOT, "build", "tools", "vct"))
    parser.add_argument("--size", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--bench-scenario", default=None)
    args = parser.parse_args()
    scans = {"gamma": scan_gamma, "rt": scan_rt, "cap": scan_cap, "pdl2": scan_pdl2}
    unknown = [s for s in args.scans if s not in scans]
    if unknown:
        parser.error("unknown scan %s (expected gamma, rt, cap, pdl2)" % ", ".join(unknown))
    if args.bench_scenario:
        with open(os.path.join(ROOT, "scenarios", "nsclc_rt_sbrt_3x8_then_nivolumab.yaml")) as f:
            text = f.read()
        with open(args.bench_scenario, "w") as f:
            f.write(with_modules(text, SEVEN))
    with tempfile.TemporaryDirectory() as work:
        for s in args.scans:
            scans[s](args, work)
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
