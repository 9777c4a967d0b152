#!/bin/sh
# Installs what is missing, builds everything (library, program, tests, RTL cross-checks)
# and runs every test under ctest. The output ends with ctest's own summary.
set -eu
cd "$(dirname "$0")/.."
./tools/bootstrap.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j "$(nproc)"
cd build
exec ctest --output-on-failure -j "$(nproc)"
