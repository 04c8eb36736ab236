#!/usr/bin/env bash
# What decouples best-response PD from PFS at the median? Re-runs the CheckMate 017 validation
# scenario (1,000 candidates of the suite's seed, calibrated values) with one change at a time and
# prints, per variant, the patients, ORR, BOR PD and PFS at 106.5 days, and the first-scan change
# and share without shrinkage from /summary/arms. docs/validation.md ("Progression and survival")
# quotes its output. About 35 s per variant on 2 cores. Then the diagnostics of the calibrated and
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

# variant NAME POPULATION_ENTRY PATIENT_PARAMETERS CALIBRATION_SED
variant() {
  local name=$1 population=$2 patient=$3 edit=$4
  sed "s/size: 300/size: $SIZE/" "$base" > "$work/$name.yaml"
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
with h5py.File(sys.argv[2], "r") as f:
    a = f["summary/arms"][0]
    km = f["summary/pfs_kaplan_meier/nivolumab"]
    t, s = np.asarray(km["time_day"]), np.asarray(km["survival"])
    pfs = s[t <= 106.5][-1] if np.any(t <= 106.5) else 1.0
    print("%-34s patients %4d  ORR %4.1f  BOR PD %4.1f  PFS 106.5 d %4.1f  first-scan P25/P50/P75 %+.0f/%+.0f/%+.0f %%"
          "  d=0 %2.0f %%" % (sys.argv[1], a["n"], 100 * a["orr"], 100 * a["PD"] / a["n"], 100 * pfs,
                             a["first_scan_change_p25_pct"], a["first_scan_change_p50_pct"],
                             a["first_scan_change_p75_pct"], 100 * a["tgi_d_zero_fraction"]))
PY
}

variant calibrated "" "" ""
variant growth_sigma_1.5 "k_C1_growth_per_day: {distribution: lognormal, median: 0.007, sigma: 1.5}" "" ""
variant growth_sigma_0.5 "k_C1_growth_per_day: {distribution: lognormal, median: 0.007, sigma: 0.5}" "" ""
variant growth_0.5_new_lesions_4e-4_sd2 "k_C1_growth_per_day: {distribution: lognormal, median: 0.007, sigma: 0.5}" \
  "new_lesion_rate_log_sd: 2" "s/new_lesion_rate_per_day: .*/new_lesion_rate_per_day: 4e-4/"
variant killing_sigma_0.5 "" "" "s/k_C_T1_per_day: {median: \([0-9.]*\), sigma: 1}/k_C_T1_per_day: {median: \1, sigma: 0.5}/"
variant killing_sigma_2 "" "" "s/k_C_T1_per_day: {median: \([0-9.]*\), sigma: 1}/k_C_T1_per_day: {median: \1, sigma: 2}/"
variant new_lesion_log_sd_2 "" "new_lesion_rate_log_sd: 2" ""
for name in calibrated growth_sigma_0.5; do
  echo
  echo "diagnostics of $name:"
  /usr/bin/python3 tools/validation/progression_diagnostics.py "$work/$name.h5"
done
