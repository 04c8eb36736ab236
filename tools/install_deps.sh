#!/usr/bin/env bash
# Installs the Debian 12 packages the build and tests need (skips those already present).
# Why each one: docs/dependencies.md.
set -euo pipefail
packages=(
  g++ cmake make git pkg-config clang-format
  libeigen3-dev libboost-dev libhdf5-dev libyaml-cpp-dev
  libsundials-dev libsuitesparse-dev libnlopt-cxx-dev
  libgtest-dev libgmock-dev libcli11-dev
  libopenmpi-dev openmpi-bin gdb
  python3-scipy python3-numpy python3-h5py
  pybind11-dev python3-dev python3-pandas python3-matplotlib python3-yaml chromium
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install_deps: all ${#packages[@]} packages present"
  exit 0
fi
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
echo "install_deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
