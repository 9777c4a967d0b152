#!/bin/sh
# Installs the Debian packages accelsim needs, only those that are missing.
# Called by both README commands (tools/run.sh and tools/test.sh); safe to run again.
set -eu

PKGS="build-essential cmake ninja-build pkg-config libyaml-cpp-dev libcmocka-dev
verilator libsystemc-dev yosys parallel gnuplot clang libclang-rt-14-dev valgrind
python3"

# TEST: packages only the tests need, not the simulator (issue 16: the real single-node
# Slurm of tests/slurm/slurm_test.sh, GNU parallel over a local sshd in
# tests/slurm/parallel_ssh_test.sh, which --return needs rsync for). The lead splits the run
# and test lists; these belong to the test list.
TEST_PKGS="slurm-wlm munge openssh-server openssh-client rsync"
PKGS="$PKGS $TEST_PKGS"

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
