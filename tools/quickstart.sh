#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install what is missing, build, run the default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
tools/build.sh
mkdir -p results
build/tools/vct run "${1:-scenarios/nsclc_durvalumab_10mgkg_q2w.yaml}"
