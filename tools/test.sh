#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install what is missing, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
tools/build.sh
ctest --test-dir build -j"$(nproc)" --output-on-failure
