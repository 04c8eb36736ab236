#!/usr/bin/env bash
# What carries the abscopal effect? Re-runs the out-of-field targets of the two randomised
# RT + pembrolizumab trials (PEMBRO-RT, MDACC) with variants of the calibrated values (through
# vct validate --calibration) and prints each arm and the RT-minus-control difference.
# docs/validation.md quotes its output.
#
#   tools/validation/abscopal_sensitivity.sh [VARIANT ...]
#     calibrated   the calibrated values unchanged
#     NAME=V       patient parameter NAME set to V (e.g. rho_P2=0 switches epitope spreading off,
#                  alpha_L_per_Gy=0 lymphocyte depletion, k_T2_PD1_loss_per_day=0 the PD-1 gate of
#                  the priming wave, K_licensing_per_day=5 nearly all licensing,
#                  K_priming_licensing=0.01 the priming threshold: F(L) > 0.999 for L above 0.06)
#     NAME*S       the calibrated value or population median of NAME multiplied by S
#                  (e.g. k_C_T1_per_day*2: twice the maximal CD8 killing rate)
#   default variants: calibrated rho_P2=0 k_T2_PD1_loss_per_day=0 alpha_L_per_Gy=0 k_C_T1_per_day*2
#                     K_priming_licensing=0.01 K_priming_licensing=0.35
#   VCT=build/tools/vct SIZE=0 THREADS=0 (SIZE 0: each scenario's own population)
set -euo pipefail
cd "$(dirname "$0")/../.."
VCT=${VCT:-build/tools/vct}
SIZE=${SIZE:-0}
THREADS=${THREADS:-0}
CALIBRATED=${CALIBRATED:-scenarios/validation/calibrated.yaml}
VARIANTS=("$@")
[ ${#VARIANTS[@]} -gt 0 ] ||
  VARIANTS=(calibrated rho_P2=0 k_T2_PD1_loss_per_day=0 alpha_L_per_Gy=0 'k_C_T1_per_day*2'
            K_priming_licensing=0.01 K_priming_licensing=0.35)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

targets=(pembro_rt_control_orr_12wk pembro_rt_sbrt_orr_12wk pembro_rt_control_best_orr pembro_rt_sbrt_best_orr
         mdacc_pembrolizumab_best_orr mdacc_sbrt_out_of_field_best_orr mdacc_conventional_rt_out_of_field_best_orr)
args=()
for t in "${targets[@]}"; do args+=(--target "$t"); done

# Writes the calibrated file with one variant applied to $2. The file has two maps,
# population_medians (NAME: {median: M, sigma: S}) and parameters (NAME: V), as vct calibrate writes.
apply_variant() {
  awk -v variant="$1" '
    BEGIN {
      if (variant == "calibrated") mode = "none"
      else if (index(variant, "=")) { mode = "set"; split(variant, kv, "="); name = kv[1]; value = kv[2] }
      else if (index(variant, "*")) { mode = "scale"; split(variant, kv, "*"); name = kv[1]; value = kv[2] }
      else { print "unknown variant \x27" variant "\x27: expected calibrated, NAME=V or NAME*S" > "/dev/stderr"; exit 2 }
      if (mode != "none" && (name == "" || value == "" || value !~ /^[-+0-9.eE]+$/)) {
        print "variant \x27" variant "\x27: expected a parameter name and a number" > "/dev/stderr"; exit 2
      }
    }
    /^population_medians:/ { section = "medians" }
    /^parameters:/ { section = "parameters"; seen_parameters = 1 }
    mode != "none" && $1 == name ":" {
      if (mode == "set") {  # a population median becomes a fixed value, appended to parameters
        if (section == "parameters") { found = 1; print "  " name ": " value }
        next
      }
      found = 1
      if (section == "medians") {
        match($0, /median: [^,}]+/); m = substr($0, RSTART + 8, RLENGTH - 8)
        sub(/median: [^,}]+/, "median: " sprintf("%.6g", m * value)); print; next
      }
      print "  " name ": " sprintf("%.6g", $2 * value); next
    }
    { print }
    END {
      if (mode == "scale" && !found) { print "variant \x27" variant "\x27: " name " is not in the calibrated file" > "/dev/stderr"; exit 2 }
      if (mode == "set" && !found) { if (!seen_parameters) print "parameters:"; print "  " name ": " value }
    }' "$CALIBRATED" > "$2"
}

printf '%-28s | %-18s | %-18s | %-34s\n' "variant" "PEMBRO-RT 12 wk" "PEMBRO-RT best" "MDACC best"
printf '%-28s | %-18s | %-18s | %-34s\n' "" "ctl RT diff" "ctl RT diff" "pembro SBRT diff 45/15 diff"
printf '%-28s | %-18s | %-18s | %-34s\n' "published" "18.0 36.0 +18.0" "22.5 47.2 +24.7" \
  "25.0 38.0 +13.0 10.0 -15.0"
for variant in "${VARIANTS[@]}"; do
  cal="$work/calibration.yaml"
  apply_variant "$variant" "$cal"
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
      printf "%-28s | %-18s | %-18s | %-34s\n", label,
        sprintf("%4.1f %4.1f %+5.1f", a, b, b - a), sprintf("%4.1f %4.1f %+5.1f", c, d, d - c),
        sprintf("%4.1f %4.1f %+5.1f %4.1f %+5.1f", e, f, f - e, g, g - e)
    }' "$work/rows.csv"
done
echo "Simulated out-of-field ORR in percent; each row is one variant of the calibrated values (paired arms, same patients)."
