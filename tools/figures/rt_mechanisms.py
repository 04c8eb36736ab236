#!/usr/bin/env python3
"""Figures of the RT model's immune modules for docs/models/radiotherapy.md.

Runs single-patient scenarios with `vct run` (reference parameters plus the calibrated values of
scenarios/validation/calibrated.yaml) and plots, into docs/figures/:

  rt_licensing.png          licensing of the irradiated lesion and T2 effectors in blood after
                            3 x 8 Gy, 1 x 30 Gy and 30 x 2 Gy, nivolumab from day 0
  rt_dose_factors.png       immunogenic share h(d) and the IFN-I arm h(d) x TREX1(d) per fraction
  rt_priming_checkpoint.png T2 effectors in blood after 3 x 8 Gy with nivolumab from day 0 or
                            day 11, with and without the priming checkpoint
  rt_lymphodepletion.png    blood lymphocytes relative to day 0 after courses of EDIC 0.8 to 7.3 Gy
  rt_il7_recovery.png       blood lymphocytes and IL-7 after liver SBRT and chemoradiotherapy, without
                            the IL-7 recovery module (M7) and with it at gamma_IL7 5, 10 and 20
  rt_priming_threshold.png  the licensing a lesion reaches by dose per fraction and the share of it
                            that primes with the priming threshold (M8); T2 effectors in blood after
                            4 x 12.5 Gy and 15 x 3 Gy with and without M8

Usage: /usr/bin/python3 tools/figures/rt_mechanisms.py [--vct build/tools/vct] [--out docs/figures]
Needs python3-h5py, python3-matplotlib (Debian).
"""
import os
import sys
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from figure_runs import arguments, run, save  # noqa: E402



def scenario(radiotherapy, nivolumab_start=0, modules=None, horizon=120, lesions=2):
    rt = "\n".join("  - " + r for r in radiotherapy)
    mods = "" if modules is None else "modules: [%s]\n" % ", ".join(modules)
    lesion_block = (
        "lesions:\n  - {name: primary, diameter_cm: 3.3}\n  - {name: metastasis, diameter_cm: 2.5}\n" if lesions == 2 else ""
    )
    niv = (
        "treatment:\n  - {drug: nivolumab, dose_mg_per_kg: 3, start_day: %g, interval_day: 14, end_day: %g}\n"
        % (nivolumab_start, horizon)
        if nivolumab_start is not None
        else "treatment: []\n"
    )
    return (
        "schema_version: 1\nmodel: qspio_nsclc_rt\n%s%spatient: {weight_kg: 80}\n%s"
        "radiotherapy:\n%s\nsimulation: {horizon_day: %g, output_interval_day: 1}\noutput: {states: true}\n"
        % (mods, lesion_block, niv, rt, horizon)
    )


SBRT_3x8 = "{name: 3x8Gy, dose_per_fraction_Gy: 8, fractions: 3, schedule: alternate, lesions: [primary]}"
ONE_30 = "{name: 30Gy, dose_per_fraction_Gy: 30, fractions: 1, lesions: [primary]}"
CONV_30x2 = "{name: 30x2Gy, dose_per_fraction_Gy: 2, fractions: 30, schedule: weekdays, lesions: [primary]}"


def licensing_figure(vct, work, out):
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    for course, label in ((SBRT_3x8, "3 x 8 Gy"), (ONE_30, "1 x 30 Gy"), (CONV_30x2, "30 x 2 Gy")):
        d, _ = run(vct, scenario([course]), work, "lic_" + label.replace(" ", ""))
        ax[0].plot(d["time"], d["lesion1_licensing"], label=label)
        ax[1].semilogy(d["time"], np.maximum(d["T2_blood_cells"], 1.0), label=label)
    ax[0].set(xlabel="day", ylabel="licensing L of the irradiated lesion", xlim=(0, 60))
    ax[1].set(xlabel="day", ylabel="T2 effectors in blood (cells)", xlim=(0, 120))
    ax[0].legend()
    ax[0].set_title("Licensing (M1)")
    ax[1].set_title("New-clone (T2) priming (M2)")
    save(fig, out, "rt_licensing.png")


def dose_factor_figure(params, out):
    d = np.linspace(0.5, 35, 300)
    d50, n = params["ICD_dose_50_Gy"], params["n_ICD_dose"]
    h = d**n / (d**n + d50**n)
    onset, full, residual = params["trex1_onset_Gy"], params["trex1_full_Gy"], params["trex1_residual_IFN"]
    trex = np.where(d <= onset, 1.0, np.where(d >= full, residual, 1.0 - (d - onset) / (full - onset) * (1 - residual)))
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    ax.plot(d, h, label="immunogenic share h(d) (DAMP arm, x f_immunogenic)")
    ax.plot(d, h * trex, label="IFN-I arm h(d) x TREX1(d)")
    for dose in (2, 8, 12.5, 30):
        ax.axvline(dose, color="grey", lw=0.5)
    ax.set(xlabel="dose per fraction (Gy)", ylabel="factor", ylim=(0, 1.05))
    ax.legend(fontsize=8)
    ax.set_title("Dose per fraction: immunogenicity and TREX1")
    save(fig, out, "rt_dose_factors.png")


def checkpoint_figure(vct, work, out):
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for start, style in ((0, "-"), (11, "--")):
        without_m3 = [m for m in DEFAULT_MODULES if m != "priming_checkpoint"] + ["il7_recovery", "priming_threshold"]
        for modules, colour in ((None, "C0"), (without_m3, "C1")):
            # the module's default loss (0.3 /day): the calibrated value is 0 (docs/validation.md)
            d, _ = run(vct, scenario([SBRT_3x8], nivolumab_start=start, modules=modules), work,
                       "chk_%d_%s" % (start, "on" if modules is None else "off"), {"k_T2_PD1_loss_per_day": 0.3})
            ax.semilogy(d["time"], np.maximum(d["T2_blood_cells"], 1.0), style, color=colour,
                        label="nivolumab from day %d, priming checkpoint %s" % (start, "on" if modules is None else "off"))
    ax.set(xlabel="day", ylabel="T2 effectors in blood (cells)", xlim=(0, 120))
    ax.legend(fontsize=7)
    ax.set_title("PD-1 during the priming wave (M3), 3 x 8 Gy, loss 0.3 /day")
    save(fig, out, "rt_priming_checkpoint.png")


def lymphocyte_figure(vct, work, out):
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    courses = (
        ("lung SBRT 3 x 8 Gy (EDIC 0.8 Gy)", SBRT_3x8),
        ("liver SBRT 5 x 9 Gy (EDIC 4.05 Gy)",
         "{name: liver, dose_per_fraction_Gy: 9, fractions: 5, site: liver, lesions: [primary]}"),
        ("lung 15 x 3 Gy (EDIC 4.2 Gy)",
         "{name: c, dose_per_fraction_Gy: 3, fractions: 15, schedule: weekdays, lesions: [primary]}"),
        ("chemoradiotherapy, EDIC 7.3 Gy",
         "{name: crt, dose_per_fraction_Gy: 1.5, fractions: 30, schedule: weekdays, edic_Gy: 7.3, lesions: [primary]}"),
    )
    for label, course in courses:
        d, _ = run(vct, scenario([course], nivolumab_start=None, horizon=365, lesions=1).replace(
            ", lesions: [primary]", ""), work, "alc_" + str(abs(hash(label))))
        alc = d["blood_lymphocytes_per_L"]
        ax.plot(d["time"], alc / alc[0], label=label)
    ax.axhline(0.5, color="grey", lw=0.5)
    ax.axhline(0.3, color="grey", lw=0.5)
    ax.set(xlabel="day", ylabel="blood lymphocytes / day 0", ylim=(0, 1.1))
    ax.legend(fontsize=7)
    ax.set_title("Lymphodepletion (M4)")
    save(fig, out, "rt_lymphodepletion.png")


LIVER_SBRT = "{name: liver, dose_per_fraction_Gy: 9, fractions: 5, site: liver}"
CHEMO_RT = "{name: crt, dose_per_fraction_Gy: 1.5, fractions: 30, schedule: weekdays, edic_Gy: 7.3}"
DEFAULT_MODULES = ["licensing", "epitope_spreading", "priming_checkpoint", "lymphodepletion", "treg_adcc",
                   "ctla4_priming"]


def il7_figure(vct, work, out):
    fig, ax = plt.subplots(1, 3, figsize=(13, 3.6))
    for col, (title, course) in enumerate((("liver SBRT 5 x 9 Gy (EDIC 4.05 Gy)", LIVER_SBRT),
                                           ("chemoradiotherapy, EDIC 7.3 Gy", CHEMO_RT))):
        for gamma, colour in ((None, "k"), (5, "C0"), (10, "C1"), (20, "C2")):
            modules = DEFAULT_MODULES + ([] if gamma is None else ["il7_recovery"])
            text = scenario([course], nivolumab_start=None, horizon=365, lesions=1, modules=modules)
            if gamma is not None:
                text = text.replace("patient: {weight_kg: 80}",
                                    "patient: {weight_kg: 80, parameters: {gamma_IL7: %g}}" % gamma)
            d, _ = run(vct, text, work, "il7_%d_%s" % (col, gamma))
            alc = d["blood_lymphocytes_per_L"]
            label = "without M7" if gamma is None else "M7, gamma %g" % gamma
            ax[col].plot(d["time"], alc / alc[0], color=colour, label=label)
            if col == 0 and gamma is not None:
                ax[2].plot(d["time"], d["IL7_relative"], color=colour, label=label)
        ax[col].axhline(1.0, color="grey", lw=0.5)
        ax[col].set(xlabel="day", ylabel="blood lymphocytes / day 0", ylim=(0, 1.15), title=title)
    ax[0].plot([14, 365], [0.5, 1.0], "rs", label="Zhuang 2019 (day 14, 1 year)")
    ax[1].axhline(0.29, color="r", ls=":", label="Yu 2021 nadir (29 %)")
    ax[0].legend(fontsize=7)
    ax[1].legend(fontsize=7)
    ax[2].set(xlabel="day", ylabel="IL-7 / day 0", title="IL-7 after liver SBRT (phi 0.8)")
    ax[2].legend(fontsize=7)
    fig.suptitle("IL-7-driven lymphocyte recovery (M7)", fontsize=10)
    save(fig, out, "rt_il7_recovery.png")


def lesion_licensing_ceiling(d, params):
    """Licensing of a lesion that radiation has turned into doomed cells (C1 << D): the fraction dying
    per day is then k_d, the IFN-I arm settles at k_d h(d) TREX1(d), so X = k_d h(d) (f_imm + w_I TREX1(d))."""
    d50, m = params["ICD_dose_50_Gy"], params["n_ICD_dose"]
    h = d**m / (d**m + d50**m)
    onset, full, residual = params["trex1_onset_Gy"], params["trex1_full_Gy"], params["trex1_residual_IFN"]
    trex = np.where(d <= onset, 1.0, np.where(d >= full, residual, 1.0 - (d - onset) / (full - onset) * (1 - residual)))
    x = params["k_doomed_death_per_day"] * h * (params["f_immunogenic"] + params["w_IFN_I"] * trex)
    k, n = params["K_licensing_per_day"], params["n_licensing"]
    return x**n / (x**n + k**n)


def threshold_figure(vct, work, params, out):
    fig, ax = plt.subplots(1, 2, figsize=(11, 3.8))
    d = np.linspace(0.5, 20, 400)
    lic = lesion_licensing_ceiling(d, params)
    k, n = params["K_priming_licensing"], params["n_priming_licensing"]
    f = lic**n / (lic**n + k**n)
    ax[0].plot(d, lic, label="lesion licensing L (all cells doomed)")
    ax[0].plot(d, lic * f, label="priming share L F(L) with M8")
    ax[0].plot(d, f, ":", label="F(L) = L^n / (L^n + K^n)")
    for dose in (2, 3, 6, 8, 12.5):
        ax[0].axvline(dose, color="grey", lw=0.5)
    ax[0].set(xlabel="dose per fraction (Gy)", ylabel="0..1", ylim=(0, 1.05),
              title="Priming threshold (M8), K %g, n %g" % (k, n))
    ax[0].legend(fontsize=7)
    seven = DEFAULT_MODULES + ["il7_recovery"]
    courses = (("4 x 12.5 Gy", "{name: s, dose_per_fraction_Gy: 12.5, fractions: 4, lesions: [primary]}", "C0"),
               ("15 x 3 Gy", "{name: c, dose_per_fraction_Gy: 3, fractions: 15, schedule: weekdays, lesions: [primary]}",
                "C1"))
    for label, course, colour in courses:
        for modules, style, name in ((None, "-", "with M8"), (seven, "--", "without M8")):
            text = scenario([course], modules=modules, horizon=150)
            dd, _ = run(vct, text, work, "thr_%s_%s" % (label.replace(" ", ""), name.replace(" ", "")))
            ax[1].semilogy(dd["time"], np.maximum(dd["T2_blood_cells"], 1.0), style, color=colour,
                           label="%s, %s" % (label, name))
    ax[1].set(xlabel="day", ylabel="T2 effectors in blood (cells)", xlim=(0, 150), ylim=(1, None),
              title="T2 priming, nivolumab from day 0")
    ax[1].legend(fontsize=7)
    save(fig, out, "rt_priming_threshold.png")


def main():
    args = arguments(__doc__)
    with tempfile.TemporaryDirectory() as work:
        licensing_figure(args.vct, work, args.out)
        _, params = run(args.vct, scenario([SBRT_3x8], horizon=10), work, "params")
        dose_factor_figure(params, args.out)
        checkpoint_figure(args.vct, work, args.out)
        lymphocyte_figure(args.vct, work, args.out)
        il7_figure(args.vct, work, args.out)
        threshold_figure(args.vct, work, params, args.out)
    print("wrote rt_licensing.png, rt_dose_factors.png, rt_priming_checkpoint.png, rt_lymphodepletion.png, "
          "rt_il7_recovery.png, rt_priming_threshold.png to", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
