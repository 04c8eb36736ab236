#!/bin/sh
# The PD-L1 TPS mapping's default values (docs/biomarkers.md): baseline PD-L1 of N fresh
# populations of the KEYNOTE-010 validation scenario (seed + k x 1000003, k = 1..N, as
# `vct validate --seeds`; SIZE candidates each, calibrated values, 63-day horizon since only the
# baseline is read), then `vct tps-fit` on them: one fit per population, the pooled fit and the
# spread. Usage: tools/tps_fit_seeds.sh [N] [SIZE] [PREVALENCE] (defaults 4, 1000, 22,30,48:
# EXPRESS, the defaults; 28,38,34 gives the KEYNOTE screening mapping the KEYNOTE validation
# scenarios set under patient.parameters, docs/biomarkers.md "Trial screening mapping").
set -eu
n=${1:-4}
size=${2:-1000}
prevalence=${3:-22,30,48}
root=$(cd "$(dirname "$0")/.." && pwd)
vct=${VCT:-$root/build/tools/vct}
work=$(mktemp -d "${TMPDIR:-/tmp}/vct_tps_fit.XXXXXX")
trap 'rm -rf "$work"' EXIT
base=$(sed -n 's/^  seed: \([0-9]*\)$/\1/p' "$root/scenarios/validation/keynote010_pembrolizumab.yaml")
files=""
k=1
while [ "$k" -le "$n" ]; do
  seed=$((base + 1000003 * k))
  sed -e "s/^  size: .*/  size: $size/" -e "s/^  seed: .*/  seed: $seed/" -e "s/horizon_day: 400/horizon_day: 63/" \
      -e "s/end_day: 400/end_day: 63/" -e "s#^  file: .*#  file: $work/seed$k.h5#" \
      "$root/scenarios/validation/keynote010_pembrolizumab.yaml" > "$work/seed$k.yaml"
  "$vct" run "$work/seed$k.yaml" --quiet
  files="$files $work/seed$k.h5"
  k=$((k + 1))
done
# shellcheck disable=SC2086
"$vct" tps-fit $files --prevalence "$prevalence"
