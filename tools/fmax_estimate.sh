#!/bin/sh
# fmax_estimate.sh: Fmax estimates of the RTL blocks from Yosys static timing analysis
# (docs/fmax.md; per block in docs/systolic.md, qmm.md, nonlinear.md).
#
#   tools/fmax_estimate.sh [--long]
#       synthesizes the grid below one point at a time (the large points need 1-8 GB and
#       5-15 minutes each; --long adds the shipped sizes) and rewrites
#       traces/calibration/{systolic,qmm,quark}_fmax.csv, keeping rows of points not rerun.
#   tools/fmax_estimate.sh --point BLOCK P1 P2 P3
#       synthesizes one point and prints its CSV row (without the block name).
#   tools/fmax_estimate.sh --store BLOCK P1 P2 P3
#       the same, and writes the row into the block's CSV (replacing the point's old row).
#   tools/fmax_estimate.sh --check BLOCK P1 P2 P3
#       synthesizes one point and fails unless it equals the row in the block's CSV, so a
#       change to the RTL cannot silently leave the estimates stale.
#
# BLOCK and its parameters: systolic ROWS COLS BITS (a = b = BITS, acc = 2 BITS + 16);
# qmm DPUS LANES ACC_BITS; quark LANES IN_BITS MODES (4095 = every mode, the shared unit). The
# top module, sources and parameter names come from rtl/BLOCK/calibration.sh, as for
# tools/calibrate.sh.
#
# Method: synth_xilinx -family xc7 -abc9 -flatten, then the cells' timing from Yosys's
# cells_sim.v (its specify blocks, from the prjxray Artix-7 database) and `sta`: the latest
# arrival at any flip-flop input, clock-to-Q included, setup and routing not. (Yosys 0.23's
# -abc9 has no UltraScale+ timing: with -family xcup it falls back to these same xc7 delays,
# and its DSP48E2 has no timing arcs, so we map to xc7 cells where the DSP48E1 has them.)
# Columns: the parameters, delay_ps (that arrival), cells (cells on the path, each carry
# element and DSP counted once), fmax_mhz = 10^6 / delay_ps.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CAL="$ROOT/traces/calibration"

# shellcheck source=tools/rtl_point.sh
. "$ROOT/tools/rtl_point.sh"
ME=tools/fmax_estimate.sh

header() {
    echo "$(point_columns "$1"),delay_ps,cells,fmax_mhz"
}

synth_commands() {
    echo "synth_xilinx -family xc7 -abc9 -flatten -top $CAL_TOP -noiopad -noclkbuf; \
        read_verilog -lib -specify +/xilinx/cells_sim.v; sta"
}

grid() {
    echo "systolic 2 2 8"; echo "systolic 4 4 8"; echo "systolic 8 8 8"; echo "systolic 4 4 4"
    echo "systolic 4 4 16"; echo "systolic 16 16 8"
    echo "qmm 1 8 24"; echo "qmm 4 8 24"; echo "qmm 4 4 24"; echo "qmm 4 16 24"; echo "qmm 8 8 24"
    echo "quark 2 8 4095"; echo "quark 4 8 4095"; echo "quark 8 8 4095"
}

# The shipped sizes: configs/systolic_32x32.yaml, beta.yaml (64 DPUs x 8 lanes) and
# beta.yaml's QUARK unit (16 lanes).
long_grid() {
    echo "systolic 32 32 8"; echo "qmm 64 8 24"; echo "quark 16 8 4095"
}

point() {
    point_synth "$@"
    key="$2,$3,$4"
    # The path: from "Latest arrival time ... is D:" to the histogram; one "(CELL.IN->OUT)"
    # line per cell, the first flip-flop's C->Q not counted.
    sed -n '/Latest arrival time/,/Arrival histogram/p' "$tmp/log" | awk -v key="$key" '
        /Latest arrival time/ { d = $NF; sub(":", "", d) }
        /\([A-Z0-9_]+\.[A-Z0-9_]+->[A-Z0-9_]+\)/ && !/C->Q/ { cells++ }
        END {
            if (d == "" || d <= 0) { print "fmax_estimate.sh: no timing path found" > "/dev/stderr"; exit 1 }
            printf "%s,%d,%d,%.1f\n", key, d, cells, 1e6 / d
        }'
}

# Rewrites the block's CSV with row ROW for its key, keeping the other rows, sorted.
store() {
    point_store "$CAL/$1_fmax.csv" "$(header "$1")" "$2"
}

case "${1:-}" in
--point | --store | --check)
    point_command fmax "yosys sta" "tools/fmax_estimate.sh" "$@"
    ;;
--long | "")
    { grid; [ "${1:-}" = --long ] && long_grid || true; } | while read -r b p1 p2 p3; do
        row=$(point "$b" "$p1" "$p2" "$p3")
        echo "$b $row"
        store "$b" "$row"
    done
    ;;
*)
    sed -n '2,20p' "$0"
    exit 2
    ;;
esac
