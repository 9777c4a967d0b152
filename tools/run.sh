#!/bin/sh
# Installs what is missing for running (a C/C++ compiler, CMake, yaml-cpp), builds accelsim
# (Release) and runs it with the given arguments.
#   tools/run.sh --config configs/systolic_32x32.yaml --model vit_tiny
set -eu
cd "$(dirname "$0")/.."
./tools/bootstrap.sh run
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target accelsim -j "$(nproc)" >/dev/null
exec ./build/accelsim "$@"
