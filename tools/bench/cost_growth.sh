#!/usr/bin/env bash
# How the cost of one patient grows with the horizon and with the number of doses: runs the
# default durvalumab patient (scenarios/nsclc_durvalumab_10mgkg_q2w.yaml) with other horizons and
# dosing intervals through build/tools/vct_bench_patient and prints treatment steps and the
# median treatment time. usage: tools/bench/cost_growth.sh [REPEATS=5] [CPU]   (VCT_BUILD=dir, default build)
# CPU pins every run to one core with taskset (docs/performance.md: this machine's cores differ).
set -euo pipefail
cd "$(dirname "$0")/../.."
repeats="${1:-5}"
pin=()
if [[ -n "${2:-}" ]]; then pin=(taskset -c "$2"); fi
base=scenarios/nsclc_durvalumab_10mgkg_q2w.yaml
bench="${VCT_BUILD:-build}/tools/vct_bench_patient"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

run() {  # label horizon interval|none
  local label="$1" horizon="$2" interval="$3" scenario="$work/s.yaml"
  if [[ "$interval" == none ]]; then
    sed -E "s/^  horizon_day: .*/  horizon_day: $horizon/; /^treatment:/,/^    end_day:/d" "$base" > "$scenario"
  else
    sed -E "s/^  horizon_day: .*/  horizon_day: $horizon/; s/^    interval_day: .*/    interval_day: $interval/; s/^    end_day: .*/    end_day: $horizon/" \
      "$base" > "$scenario"
  fi
  local out steps doses ms
  out="$("${pin[@]}" "$bench" "$scenario" "$repeats")"
  steps=$(grep -oP '[0-9]+(?= treatment steps)' <<< "$out")
  doses=$(grep -oP '[0-9]+(?= doses/events)' <<< "$out")
  ms=$(awk '$1 == "treatment" {print $2}' <<< "$out")
  printf "%-28s %8s %6s %8s %10s %12.2f\n" "$label" "$horizon" "$doses" "$steps" "$ms" "$(awk -v s="$steps" -v d="$doses" 'BEGIN {print (d > 0 ? s / d : 0)}')"
}

printf "%-28s %8s %6s %8s %10s %12s\n" "case" "days" "doses" "steps" "ms" "steps/dose"
run "untreated" 400 none
for h in 100 200 400 800; do run "Q2W, horizon $h d" "$h" 14; done
for i in 7 28 56; do run "400 d, every $i d" 400 "$i"; done
