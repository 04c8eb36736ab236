#!/usr/bin/env bash
# The unit, analytic, scenario and trial tests under AddressSanitizer + UndefinedBehaviorSanitizer, and 60 s
# of libFuzzer on the scenario and calibration loaders (clang; preset sanitize-fuzz; issue #19).
# Run by CI after tools/test.sh, and before each release (docs/testing.md).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
packages=(clang libclang-rt-14-dev libomp-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
cmake --preset sanitize-fuzz >/dev/null
cmake --build --preset sanitize-fuzz -j"$(nproc)" \
  --target vct_unit_tests vct_analytic_tests vct_scenario_tests vct_trial_tests vct_fuzz_loaders
ctest --preset sanitize-fuzz -j"$(nproc)"
