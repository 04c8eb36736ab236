#!/usr/bin/env bash
# Configures and builds into ./build (RelWithDebInfo: optimised, with -DNDEBUG). Extra arguments
# go to cmake (tools/test.sh adds -DVCT_WARNINGS_AS_ERRORS=ON).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" > build.log 2>&1 || { cat build.log; exit 1; }
cmake --build build -j"$(nproc)" >> build.log 2>&1 || { tail -50 build.log; exit 1; }
echo "build: ok (log in build.log)"
