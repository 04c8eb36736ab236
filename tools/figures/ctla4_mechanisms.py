#!/usr/bin/env python3
"""Figures of the anti-CTLA-4 modules for docs/models/anti-ctla4.md.

Runs single-patient scenarios with `vct run` (reference parameters plus the calibrated values of
scenarios/validation/calibrated.yaml) and plots, into docs/figures/:

  ctla4_treg_adcc.png   tumour and peripheral Tregs relative to nivolumab alone with ipilimumab
                        1 mg/kg Q6W or 3 mg/kg Q3W x 4, at the median ADCC rate (0.002 /day) and at a
                        high one (0.05 /day, the Fc-receptor-high tail)
  ctla4_priming.png     CTLA-4 occupancy in the lymph node and T2 effectors in blood with
                        nivolumab, ipilimumab, both, and 8 Gy x 3 with ipilimumab

Usage: /usr/bin/python3 tools/figures/ctla4_mechanisms.py [--vct build/tools/vct] [--out docs/figures]
Needs python3-h5py, python3-matplotlib (Debian).
"""
import os
import tempfile

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from figure_runs import arguments, run, save  # noqa: E402

NIVO = "{drug: nivolumab, dose_mg_per_kg: 3, interval_day: 14, end_day: 200}"
IPI_1_Q6W = "{drug: ipilimumab, dose_mg_per_kg: 1, interval_day: 42, end_day: 200}"
IPI_3_Q3W = "{drug: ipilimumab, dose_mg_per_kg: 3, interval_day: 21, doses: 4}"
SBRT = "{name: 3x8Gy, dose_per_fraction_Gy: 8, fractions: 3, schedule: daily, lesions: [primary]}"


def scenario(drugs, k_adcc=None, radiotherapy=None, horizon=200):
    treatment = "treatment:\n" + "".join("  - %s\n" % d for d in drugs) if drugs else "treatment: []\n"
    params = "  parameters: {k_CTLA4_ADCC_per_day: %g}\n" % k_adcc if k_adcc is not None else ""
    rt = "radiotherapy:\n  - %s\n" % radiotherapy if radiotherapy else ""
    lesions = "lesions:\n  - {name: primary, diameter_cm: 3.3}\n  - {name: metastasis, diameter_cm: 2.5}\n"
    return (
        "schema_version: 1\nmodel: qspio_nsclc_rt\n%spatient:\n  weight_kg: 80\n%s%s%s"
        "simulation: {horizon_day: %g, output_interval_day: 1}\noutput: {states: true}\n"
        % (lesions, params, treatment, rt, horizon)
    )


def treg_figure(vct, work, out):
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    for k_adcc, style in ((0.002, "-"), (0.05, "--")):
        ref, _ = run(vct, scenario([NIVO], k_adcc), work, "treg_nivo_%g" % k_adcc)
        for drugs, label, colour in (([NIVO, IPI_1_Q6W], "+ ipilimumab 1 mg/kg Q6W", "C0"),
                                     ([NIVO, IPI_3_Q3W], "+ ipilimumab 3 mg/kg Q3W x 4", "C1")):
            d, _ = run(vct, scenario(drugs, k_adcc), work, "treg_%s_%g" % (label[-4:].strip(), k_adcc))
            lab = "%s, k_ADCC %g /day" % (label, k_adcc)
            ax[0].plot(d["time"], 100 * d["V_T.T0"] / ref["V_T.T0"], style, color=colour, label=lab)
            ax[1].plot(d["time"], 100 * d["treg_periphery_cells"] / ref["treg_periphery_cells"], style, color=colour,
                       label=lab)
    ax[0].set(xlabel="day", ylabel="tumour Tregs, % of nivolumab alone", ylim=(0, 110))
    ax[1].set(xlabel="day", ylabel="peripheral Tregs, % of nivolumab alone", ylim=(0, 250))
    ax[0].set_title("Treg ADCC (M5): lesion 1")
    ax[1].set_title("Treg ADCC (M5): periphery")
    ax[1].legend(fontsize=7)
    save(fig, out, "ctla4_treg_adcc.png")


def priming_figure(vct, work, out):
    fig, ax = plt.subplots(1, 2, figsize=(10, 3.8))
    for drugs, rt, label in (([NIVO], None, "nivolumab"), ([IPI_1_Q6W], None, "ipilimumab 1 mg/kg Q6W"),
                             ([NIVO, IPI_1_Q6W], None, "nivolumab + ipilimumab"),
                             ([IPI_3_Q3W], SBRT, "8 Gy x 3 + ipilimumab 3 mg/kg Q3W x 4")):
        d, _ = run(vct, scenario(drugs, None, rt), work, "prime_" + label.replace(" ", "_").replace("/", ""))
        ax[0].plot(d["time"], d["CTLA4_occupancy_LN"], label=label)
        ax[1].semilogy(d["time"], np.maximum(d["T2_blood_cells"], 1.0), label=label)
    ax[0].set(xlabel="day", ylabel="CTLA-4 occupancy, lymph node", ylim=(0, 1))
    ax[1].set(xlabel="day", ylabel="T2 effectors in blood (cells)")
    ax[0].set_title("Antibody on CTLA-4 in the T-APC synapse")
    ax[1].set_title("Subdominant-clone (T2) priming (M6)")
    ax[1].legend(fontsize=7)
    save(fig, out, "ctla4_priming.png")


def main():
    a = arguments(__doc__)
    with tempfile.TemporaryDirectory() as work:
        treg_figure(a.vct, work, a.out)
        priming_figure(a.vct, work, a.out)
    print("wrote ctla4_treg_adcc.png, ctla4_priming.png to", a.out)


if __name__ == "__main__":
    main()
