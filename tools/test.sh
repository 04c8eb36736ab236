#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install what is missing, build (warnings are errors for
# the project's own code), run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
tools/build.sh -DVCT_WARNINGS_AS_ERRORS=ON
ctest --test-dir build -j"$(nproc)" --output-on-failure
