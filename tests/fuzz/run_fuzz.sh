#!/usr/bin/env bash
# run_fuzz.sh FUZZER SECONDS SOURCE_DIR WORK: replays tests/fuzz/regressions/*, then fuzzes for
# SECONDS from a seed corpus of the repository's scenarios ('S' + text) and calibration files
# ('C' + text). A crash, sanitizer report, leak, timeout (10 s) or memory blow-up (2 GiB) fails the
# test; libFuzzer writes the input to WORK/crash-*: add it to tests/fuzz/regressions/ with the fix.
set -euo pipefail
fuzzer=$1 seconds=$2 src=$3 work=$4
rm -rf "$work" && mkdir -p "$work/corpus"
regressions=("$src"/tests/fuzz/regressions/*)
if [ -e "${regressions[0]}" ]; then
  "$fuzzer" -rss_limit_mb=2048 -timeout=10 "${regressions[@]}"
fi
i=0
while IFS= read -r -d '' f; do
  { printf 'S'; cat "$f"; } > "$work/corpus/scenario-$i"
  i=$((i + 1))
done < <(find "$src/scenarios" "$src/tests/scenarios" -name '*.yaml' ! -name 'calibrated.yaml' -print0)
while IFS= read -r -d '' f; do
  { printf 'C'; cat "$f"; } > "$work/corpus/calibration-$i"
  i=$((i + 1))
done < <(find "$src/scenarios" "$src/tests/cli" -name 'calibrat*.yaml' -print0)
echo "run_fuzz: seed corpus of $i files; fuzzing for $seconds s"
cd "$work"
"$fuzzer" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=65536 -print_final_stats=1 corpus
