#!/bin/sh
# Installs the Debian packages accelsim needs, only those that are missing.
#   tools/bootstrap.sh run    what building and running needs: a C/C++ compiler, CMake,
#                             yaml-cpp, cJSON, and protobuf-c with onnx.proto for the
#                             ONNX importer (tools/run.sh);
#   tools/bootstrap.sh test   that plus what the tests need: CMocka, valgrind, Verilator, Yosys,
#                             SystemC, clang and its sanitizer runtime, GNU parallel,
#                             gnuplot and python3, and for the scale-out tests (tests/slurm) a
#                             single-node Slurm, munge, an sshd and rsync (tools/test.sh).
# Safe to run again.
set -eu

RUN_PKGS="build-essential cmake libyaml-cpp-dev libcjson-dev libprotobuf-c-dev protobuf-c-compiler
libonnx-dev"
TEST_PKGS="pkg-config libcmocka-dev verilator libsystemc-dev yosys parallel gnuplot
clang libclang-rt-14-dev valgrind python3 python3-numpy
slurm-wlm munge openssh-server openssh-client rsync"

case "${1:-}" in
run) PKGS=$RUN_PKGS ;;
test) PKGS="$RUN_PKGS $TEST_PKGS" ;;
*) echo "usage: tools/bootstrap.sh run|test" >&2; exit 2 ;;
esac

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
[ -z "$missing" ] && exit 0

echo "bootstrap: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -q >&2
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing >&2
