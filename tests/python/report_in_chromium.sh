#!/usr/bin/env bash
# `vct report` (issue #20 item 2) renders in headless Chromium without errors: every figure the
# report promises is there, every embedded image is decoded by the browser (the page marks
# data-images-ok / data-images-failed on <body> once loaded), nothing is fetched from elsewhere
# (self-contained, opens offline), and the tables a modeller reads first are present.
# usage: report_in_chromium.sh VCT SCENARIO WORKDIR
set -euo pipefail
vct=$1; scenario=$2; work=$3
rm -rf "$work"; mkdir -p "$work"
"$vct" run "$scenario" --output "$work/trial.h5" --quiet
"$vct" report "$work/trial.h5" -o "$work/report.html" >/dev/null
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "report test: chromium is not installed (tools/install_deps.sh installs it)" >&2; exit 1; }
timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --enable-logging=stderr --v=0 \
  --user-data-dir="$work/profile" --virtual-time-budget=20000 --dump-dom "file://$work/report.html" \
  > "$work/dom.html" 2> "$work/chromium.log"
fail() { echo "report test: $*" >&2; exit 1; }
grep -q '<body data-images-ok="[0-9]*" data-images-failed="0"' "$work/dom.html" ||
  fail "images not all decoded: $(grep -o '<body[^>]*>' "$work/dom.html" || echo 'no body marks (page did not load)')"
ok=$(grep -o 'data-images-ok="[0-9]*"' "$work/dom.html" | grep -o '[0-9]*')
for id in fig-waterfall-pembrolizumab fig-waterfall-SBRT_then_pembrolizumab fig-waterfall-oof-pembrolizumab \
          fig-in-out-of-field fig-spider-pembrolizumab fig-swimmer-SBRT_then_pembrolizumab fig-km-pfs fig-km-os \
          fig-forest fig-trajectory; do
  grep -q "<figure id=\"$id\"><img" "$work/dom.html" || fail "figure $id missing"
done
figures=$(grep -o '<figure id="' "$work/dom.html" | wc -l)
[ "$ok" -eq "$figures" ] || fail "$figures figures but $ok decoded images"
for text in "Summary (RECIST 1.1)" "By site" "Arm comparisons" "BED Gy" "EQD2 Gy" "Provenance" "software_version" \
            "Resolved scenario"; do
  grep -qF "$text" "$work/dom.html" || fail "'$text' missing"
done
if grep -qE '(src|href)="(https?:)?//' "$work/dom.html"; then fail "the report fetches from elsewhere"; fi
if grep -qiE 'Uncaught|CONSOLE.*error' "$work/chromium.log"; then fail "console errors: $(grep -iE 'Uncaught|CONSOLE' "$work/chromium.log")"; fi
echo "report: $figures figures, all $ok images decoded by Chromium, tables present"
