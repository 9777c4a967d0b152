#!/bin/sh
# asic_cells.sh: generic-gate cell counts of the RTL blocks at the shipped configurations, which
# the ASIC area and leakage model prices per cell (docs/energy.md, "ASIC area and leakage").
#
#   tools/asic_cells.sh
#       synthesizes every point below, one at a time, and rewrites
#       traces/calibration/{systolic,qmm,quark}_asic.csv, keeping rows of points not rerun.
#   tools/asic_cells.sh --point BLOCK P1 P2 P3
#       synthesizes one point and prints its CSV row (without the block name).
#   tools/asic_cells.sh --store BLOCK P1 P2 P3
#       the same, and writes the row into the block's CSV (replacing the point's old row).
#   tools/asic_cells.sh --check BLOCK P1 P2 P3
#       synthesizes one point and fails unless it equals the row in the block's CSV, so a
#       change to the RTL cannot silently leave the counts stale.
#
# Points as for tools/fmax_estimate.sh (tools/rtl_point.sh): systolic ROWS COLS BITS; qmm DPUS
# LANES ACC_BITS; quark LANES IN_BITS MODES.
#
# Method: Yosys generic synthesis (synth, hierarchy kept), flip-flops legalized to the plain
# positive-edge D flip-flop (enables and synchronous resets become gates; the RTL has no
# asynchronous reset), then ABC (-fast) onto the two-input gates AND, NAND, OR, NOR, XOR, XNOR
# and NOT, which both cell libraries of configs/tech/asic_45nm.yaml have (ASAP7 has no 2:1
# mux, so MUX is not in the set). Columns: the point, then the hierarchy's total of each gate
# (tools/yosys_cells.py).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CAL="$ROOT/traces/calibration"
ME=tools/asic_cells.sh
CELLS=and,nand,or,nor,xor,xnor,not,dff
# shellcheck source=tools/rtl_point.sh
. "$ROOT/tools/rtl_point.sh"

# One small point per block (the ctest staleness checks resynthesize these), then the shipped
# configurations: configs/quark.yaml and systolic_32x32.yaml (32 x 32, 8-bit), odeformer.yaml
# (16 x 16, 8-bit), beta.yaml (64 DPUs x 8 lanes, 24-bit accumulators; QUARK N = 16) and
# quark.yaml's QUARK unit (N = 8), both with 8-bit inputs and every mode.
points() {
    echo "systolic 2 2 8"; echo "qmm 1 8 24"; echo "quark 2 8 1"; echo "quark 2 8 4095"
    echo "systolic 16 16 8"; echo "systolic 32 32 8"; echo "qmm 64 8 24"
    echo "quark 8 8 4095"; echo "quark 16 8 4095"
}

synth_commands() {
    echo "synth -top $CAL_TOP -noabc; dfflegalize -cell \$_DFF_P_ 01; \
        abc -g AND,NAND,OR,NOR,XOR,XNOR -fast; opt_clean; tee -q -o $tmp/stat.txt stat"
}

point() {
    point_synth "$@"
    python3 "$ROOT/tools/yosys_cells.py" "$tmp/stat.txt" "$2,$3,$4" "$CELLS"
}

store() {
    point_store "$CAL/$1_asic.csv" "$(point_columns "$1"),$CELLS" "$2"
}

case "${1:-}" in
--point | --store | --check)
    point_command asic "yosys" "$ME" "$@"
    ;;
"")
    points | while read -r b p1 p2 p3; do
        row=$(point "$b" "$p1" "$p2" "$p3")
        echo "$b $row"
        store "$b" "$row"
    done
    ;;
*)
    sed -n '2,24p' "$0"
    exit 2
    ;;
esac
