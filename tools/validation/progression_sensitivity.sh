#!/usr/bin/env bash
# What decouples best-response PD from PFS at the median? Re-runs the CheckMate 017 validation
# scenario (1,000 candidates of the suite's seed, calibrated values) with one change at a time and
# prints, per variant, the patients, ORR, BOR PD, PFS at 3 months (91.3 days, between the first two
# scans: the calibration target) and at 106.5 days (after the second), 6 and 12 months, the first-scan
# change and share without shrinkage from /summary/arms, PDs shown by non-target disease and the
# share of dissociated first scans. docs/validation.md ("Progression and survival")
# quotes its output. About 35 s per variant on 2 cores (17 variants). Then the diagnostics of the calibrated and
# growth_sigma_0.5 variants (tools/validation/progression_diagnostics.py: growth before
# treatment, who progresses between the first two scans, and the emulation of PD called at the
# first scan for growing patients).
#
#   tools/validation/progression_sensitivity.sh        VCT=build/tools/vct THREADS=2 SIZE=1000
set -euo pipefail
cd "$(dirname "$0")/../.."
VCT=${VCT:-build/tools/vct}
THREADS=${THREADS:-2}
SIZE=${SIZE:-1000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
base=scenarios/validation/checkmate017_nivolumab.yaml
calibrated=scenarios/validation/calibrated.yaml

# variant NAME POPULATION_ENTRY PATIENT_PARAMETERS CALIBRATION_SED [non_target|burden_rate]
variant() {
  local name=$1 population=$2 patient=$3 edit=$4 modules=${5:-}
  sed "s/size: 300/size: $SIZE/" "$base" > "$work/$name.yaml"
  if [ "$modules" = non_target ]; then
    sed -i "s/^  new_lesions: true/  new_lesions: true\n  non_target: true/" "$work/$name.yaml"
  elif [ "$modules" = burden_rate ]; then
    sed -i "s/^  new_lesion_law: occult_growth/  new_lesion_law: burden_rate/" "$work/$name.yaml"
  fi
  if [ -n "$population" ]; then
    sed -i "s/^  preset: wang2023/  preset: wang2023\n  parameters:\n    $population/" "$work/$name.yaml"
  fi
  if [ -n "$patient" ]; then sed -i "s/^patient:/patient:\n  parameters: {$patient}/" "$work/$name.yaml"; fi
  sed "$edit" "$calibrated" > "$work/$name.cal.yaml"
  "$VCT" run "$work/$name.yaml" --calibration "$work/$name.cal.yaml" -o "$work/$name.h5" --threads "$THREADS" \
    --quiet
  /usr/bin/python3 - "$name" "$work/$name.h5" <<'PY'
import sys
import h5py
import numpy as np
sys.path.insert(0, "tools/validation")  # the script runs from the repository root
from progression_diagnostics import survival_at
with h5py.File(sys.argv[2], "r") as f:
    a = f["summary/arms"][0]
    km = f["summary/pfs_kaplan_meier/nivolumab"]
    t, s = np.asarray(km["time_day"]), np.asarray(km["survival"])
    def pfs(day):
        return survival_at(t, s, day)
    # Dissociated first scan (day 63): targets down 30 % or more while non-target disease is up 20 %
    # (size (1 + change) exp(delta t), docs/recist.md) or a new lesion has appeared.
    o = f["arms/nivolumab/outcomes"]
    ok = np.asarray(o["status"]) == 0
    change = np.asarray(o["first_scan_change_pct"])[ok] / 100.0
    delta = np.asarray(o["non_target_growth_per_day"])[ok]
    grown = ~np.isnan(delta) & ((1.0 + change) * np.exp(np.nan_to_num(delta) * 63.0) >= 1.2)
    dissociated = (change <= -0.3) & (grown | (np.asarray(o["new_lesion_day"])[ok] <= 63.0))
    print("%-34s patients %4d  ORR %4.1f  BOR PD %4.1f  PFS 3 mo %4.1f  106.5 d %4.1f  PFS 6/12 mo %4.1f/%4.1f  first-scan "
          "P25/P50/P75 %+.0f/%+.0f/%+.0f %%  d=0 %2.0f %%  PD by non-target %3d  dissociated %3.1f %%"
          % (sys.argv[1], a["n"], 100 * a["orr"], 100 * a["PD"] / a["n"], 100 * pfs(91.3), 100 * pfs(106.5),
             100 * a["pfs_6_months"],
             100 * a["pfs_12_months"], a["first_scan_change_p25_pct"], a["first_scan_change_p50_pct"],
             a["first_scan_change_p75_pct"], 100 * a["tgi_d_zero_fraction"], a["pd_non_target"],
             100 * np.mean(dissociated) if ok.any() else 0.0))
PY
}

variant calibrated "" "" ""
# The new-lesion law: occult metastases that grow with the disease (the scenario's) at other
# medians a, and the burden-driven rate of the first module at its earlier fit (1.66e-4 /day).
variant occult_a_0.1 "" "" "s/new_lesion_occult_per_burden: .*/new_lesion_occult_per_burden: 0.1/"
variant occult_a_0.4 "" "" "s/new_lesion_occult_per_burden: .*/new_lesion_occult_per_burden: 0.4/"
variant burden_rate_1.66e-4 "" "new_lesion_rate_per_day: 1.66e-4" "" burden_rate
variant growth_sigma_1.5 "k_C1_growth_per_day: {distribution: lognormal, median: 0.007, sigma: 1.5}" "" ""
variant growth_sigma_0.5 "k_C1_growth_per_day: {distribution: lognormal, median: 0.007, sigma: 0.5}" "" ""
variant growth_0.5_occult_0.4_sd2 "k_C1_growth_per_day: {distribution: lognormal, median: 0.007, sigma: 0.5}" \
  "new_lesion_rate_log_sd: 2" "s/new_lesion_occult_per_burden: .*/new_lesion_occult_per_burden: 0.4/"
variant killing_sigma_0.5 "" "" "s/k_C_T1_per_day: {median: \([0-9.]*\), sigma: 1}/k_C_T1_per_day: {median: \1, sigma: 0.5}/"
variant killing_sigma_2 "" "" "s/k_C_T1_per_day: {median: \([0-9.]*\), sigma: 1}/k_C_T1_per_day: {median: \1, sigma: 2}/"
variant new_lesion_log_sd_2 "" "new_lesion_rate_log_sd: 2" ""
# Non-target disease (docs/recist.md) at growth spreads s per day, then without new lesions and
# with the narrower growth-rate distribution.
for sd in 0 0.003 0.006 0.01 0.02; do
  variant "non_target_sd_$sd" "" "non_target_growth_sd_per_day: $sd" "" non_target
done
variant non_target_0.002_no_new_lesions "" "non_target_growth_sd_per_day: 0.002" \
  "s/new_lesion_occult_per_burden: .*/new_lesion_occult_per_burden: 0/" non_target
variant non_target_0.003_growth_sigma_0.5 "k_C1_growth_per_day: {distribution: lognormal, median: 0.007, sigma: 0.5}" \
  "non_target_growth_sd_per_day: 0.003" "" non_target
for name in calibrated growth_sigma_0.5; do
  echo
  echo "diagnostics of $name:"
  /usr/bin/python3 tools/validation/progression_diagnostics.py "$work/$name.h5"
done
