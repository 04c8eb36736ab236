#!/usr/bin/env bash
# Is the model's missing abscopal effect a matter of immune strength, or of lymphopenia? Re-runs
# the out-of-field targets of the two randomised RT + pembrolizumab trials with calibration
# variants applied on top of the calibrated values (through vct validate --calibration) and
# prints each arm and the RT-minus-control difference. docs/validation.md quotes its output.
#
#   tools/validation/abscopal_sensitivity.sh [VARIANT ...]
#     kill:S   population median of the maximal CD8 killing rate (k_C_T1_per_day: log-normal,
#              median 0.9 /day, sigma 1 in the wang2023 preset) multiplied by S
#     blood:D  mean dose to circulating lymphocytes per RT fraction, D Gy (blood_dose_per_fraction_Gy)
#   default variants: kill:1 kill:2 kill:5 kill:10 blood:0.1 blood:0.3
#   VCT=build/tools/vct SIZE=0 THREADS=0 (SIZE 0: each scenario's own population)
set -euo pipefail
cd "$(dirname "$0")/../.."
VCT=${VCT:-build/tools/vct}
SIZE=${SIZE:-0}
THREADS=${THREADS:-0}
VARIANTS=("$@")
[ ${#VARIANTS[@]} -gt 0 ] || VARIANTS=(kill:1 kill:2 kill:5 kill:10 blood:0.1 blood:0.3)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

targets=(pembro_rt_control_orr_12wk pembro_rt_sbrt_orr_12wk pembro_rt_control_best_orr pembro_rt_sbrt_best_orr
         mdacc_pembrolizumab_best_orr mdacc_sbrt_out_of_field_best_orr mdacc_conventional_rt_out_of_field_best_orr)
args=()
for t in "${targets[@]}"; do args+=(--target "$t"); done

printf '%-11s | %-26s | %-26s | %-38s\n' "variant" "PEMBRO-RT 12 wk: ctl RT diff" \
  "PEMBRO-RT best: ctl RT diff" "MDACC best: pembro SBRT diff 45/15 diff"
printf '%-11s | %-26s | %-26s | %-38s\n' "published" "18.0 36.0 +18.0" "22.5 47.2 +24.7" \
  "25.0 38.0 +13.0 10.0 -15.0"
for variant in "${VARIANTS[@]}"; do
  kind=${variant%%:*}
  value=${variant#*:}
  cal="$work/calibration.yaml"
  case "$kind" in
    kill)
      median=$(awk -v s="$value" 'BEGIN { printf "%.6g", 0.9 * s }')
      sed "s/^population_medians:.*/population_medians:\n  k_C_T1_per_day: {median: $median, sigma: 1}/" \
        scenarios/validation/calibrated.yaml > "$cal" ;;
    blood)
      sed "s/^parameters:.*/parameters:\n  blood_dose_per_fraction_Gy: $value/" \
        scenarios/validation/calibrated.yaml > "$cal" ;;
    *) echo "unknown variant '$variant': expected kill:S or blood:D" >&2; exit 2 ;;
  esac
  "$VCT" validate --calibration "$cal" --size "$SIZE" --threads "$THREADS" "${args[@]}" \
    --output "$work/rows.csv" > "$work/log.txt" 2>&1 || { cat "$work/log.txt"; exit 1; }
  awk -F, -v label="$variant" '
    NR > 1 { v[$1] = 100 * $7; n++ }
    END {
      if (n != 7) { print "expected 7 target rows, found " n > "/dev/stderr"; exit 1 }
      a = v["pembro_rt_control_orr_12wk"]; b = v["pembro_rt_sbrt_orr_12wk"]
      c = v["pembro_rt_control_best_orr"]; d = v["pembro_rt_sbrt_best_orr"]
      e = v["mdacc_pembrolizumab_best_orr"]; f = v["mdacc_sbrt_out_of_field_best_orr"]
      g = v["mdacc_conventional_rt_out_of_field_best_orr"]
      printf "%-11s | %-26s | %-26s | %-38s\n", label,
        sprintf("%4.1f %4.1f %+5.1f", a, b, b - a), sprintf("%4.1f %4.1f %+5.1f", c, d, d - c),
        sprintf("%4.1f %4.1f %+5.1f %4.1f %+5.1f", e, f, f - e, g, g - e)
    }' "$work/rows.csv"
done
echo "Simulated out-of-field ORR in percent; each row is one calibration variant (paired arms, same patients)."
