#!/bin/sh
# Installs what is missing, then runs every test in two builds, each under ctest:
#   1. build/      Release with gcc: unit, CLI, golden, memcheck (valgrind), fuzz replays and
#                  the Verilated RTL lockstep cross-checks;
#   2. build-san/  clang with AddressSanitizer + UndefinedBehaviorSanitizer: the same tests
#                  except the RTL cross-checks and valgrind (docs/testing.md says why), plus a
#                  short libFuzzer run of every input parser.
# Stops at the first failing stage; the output ends with ctest's own summary.
set -eu
cd "$(dirname "$0")/.."
./tools/bootstrap.sh test
jobs=$(nproc)

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release -DASIM_TESTS=ON -DASIM_COSIM=ON -DASIM_SYSTEMC=ON
cmake --build build -j "$jobs"
(cd build && ctest --output-on-failure -j "$jobs")

cmake -S . -B build-san -DCMAKE_BUILD_TYPE=RelWithDebInfo -DASIM_TESTS=ON -DASIM_SYSTEMC=ON \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DASIM_SANITIZE=ON -DASIM_FUZZ=ON -DASIM_COSIM=OFF
cmake --build build-san -j "$jobs"
cd build-san
exec ctest --output-on-failure -j "$jobs"
