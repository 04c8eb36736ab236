#!/usr/bin/env bash
# Throughput and peak memory of a virtual trial: runs SCENARIO with CANDIDATES candidates on
# THREADS threads and prints candidates/s, patient-arms/s per core, peak resident memory and the
# result file size (published parameters, as docs/performance.md measured them).
# usage: tools/bench/bench_trial.sh CANDIDATES THREADS [SCENARIO]
set -euo pipefail
cd "$(dirname "$0")/../.."
n="${1:?candidates}"; threads="${2:?threads}"
scenario="${3:-scenarios/nsclc_trial_nivolumab_vs_pembrolizumab.yaml}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed -E "s/^  size: [0-9]+/  size: $n/; s|^  file: .*|  file: $work/out.h5|" "$scenario" > "$work/scenario.yaml"
/usr/bin/time -v build/tools/vct run "$work/scenario.yaml" --published --threads "$threads" > "$work/stdout" 2> "$work/time"
elapsed=$(grep -oP 'RECIST.*\. \K[0-9.]+(?= s\.)' "$work/stdout")
patients=$(grep -oP 'Virtual trial: [0-9]+ candidates, \K[0-9]+' "$work/stdout")
arms=$(grep -cP '^\S+\s+\d+\s+\d+\s+\d+\s+\d+\s+\d+\s' "$work/stdout")
rss_kb=$(grep -oP 'Maximum resident set size \(kbytes\): \K[0-9]+' "$work/time")
size=$(du -k "$work/out.h5" | cut -f1)
awk -v n="$n" -v t="$threads" -v e="$elapsed" -v p="$patients" -v a="$arms" -v rss="$rss_kb" -v sz="$size" 'BEGIN {
  printf "candidates %d, threads %d, patients %d, arms %d\n", n, t, p, a;
  printf "wall %.1f s: %.2f candidates/s, %.2f patient-arms/s, %.2f patient-arms/s per core\n", e, n/e, p*a/e, p*a/e/t;
  printf "peak resident memory %.1f MiB, result file %.1f MiB\n", rss/1024, sz/1024 }'
