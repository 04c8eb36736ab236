#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install what is missing, build, run the default scenario
# (a 500-candidate virtual NSCLC trial, about a minute on 2 cores), or the scenario given.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
tools/build.sh
mkdir -p results
build/tools/vct run "${1:-scenarios/nsclc_trial_nivolumab_vs_pembrolizumab.yaml}"
if [ -z "${1:-}" ]; then
  echo
  echo "Next: build/tools/vct report results/nsclc_trial_nivolumab_vs_pembrolizumab.h5  (HTML: tables and figures)"
  echo "      build/tools/vct --help; Python: PYTHONPATH=build/python /usr/bin/python3 (docs/python.md)"
fi
