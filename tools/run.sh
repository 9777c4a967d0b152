#!/bin/sh
# Installs what is missing, builds accelsim (Release) and runs it with the given arguments.
#   tools/run.sh --config configs/systolic_32x32.yaml --model vit_tiny
set -eu
cd "$(dirname "$0")/.."
./tools/bootstrap.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target accelsim >/dev/null
exec ./build/accelsim "$@"
