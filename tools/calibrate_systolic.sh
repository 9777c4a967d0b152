#!/bin/sh
# calibrate_systolic.sh: Yosys resource calibration of rtl/systolic (synth_xilinx -family xcup,
# hierarchical: the PE is mapped once, see docs/systolic.md "Resources").
#
#   tools/calibrate_systolic.sh [-j N] [OUT.csv]
#       synthesizes the grid below, N points at a time (default 2), and writes OUT.csv
#       (default traces/calibration/systolic_yosys.csv); then refit with
#       tools/fit_systolic_resource.py and paste its coefficients into
#       sim/systolic/systolic_resource.c.
#   tools/calibrate_systolic.sh --point R C AW BW ACCW
#       synthesizes one point and prints its CSV row.
#   tools/calibrate_systolic.sh --check R C AW BW ACCW [CSV]
#       synthesizes one point and fails unless LUT, FF and DSP equal the CSV's row
#       (so a change to the RTL cannot silently leave the calibration stale).
#
# Columns: rows,cols,a_bits,b_bits,acc_bits (signed operands, TW = 16), lut (LUT1..LUT6 + INV),
# ff (FDRE/FDSE/FDCE/FDPE), dsp (DSP48E2), carry4, muxf (MUXF7..9).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSV_DEFAULT="$ROOT/traces/calibration/systolic_yosys.csv"
HEADER="rows,cols,a_bits,b_bits,acc_bits,lut,ff,dsp,carry4,muxf"

# Grid: every size x every width (acc = a + b + 16), plus points that separate a_bits,
# b_bits and acc_bits for the fit.
grid() {
    for size in "2 2" "4 4" "8 8" "16 16" "4 8" "8 16" "32 32"; do
        for w in 2 3 4 8 16; do
            echo "$size $w $w $((2 * w + 16))"
        done
    done
    echo "8 8 8 4 28"; echo "8 8 4 8 28"; echo "8 8 16 8 40"; echo "8 8 2 8 26"
    echo "8 8 8 8 16"; echo "8 8 8 8 48"; echo "4 4 4 4 12"; echo "4 4 4 4 32"
}

point() {
    r=$1; c=$2; aw=$3; bw=$4; acc=$5
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    yosys -q -l "$tmp/log" -p "read_verilog -sv $ROOT/rtl/systolic/systolic_array.v \
        $ROOT/rtl/systolic/sys_ctrl.v $ROOT/rtl/systolic/sys_pe.v $ROOT/rtl/systolic/sys_skew.v; \
        chparam -set R $r -set C $c -set AW $aw -set BW $bw -set ACCW $acc systolic_array; \
        synth_xilinx -family xcup -top systolic_array -noiopad -noclkbuf; \
        tee -q -o $tmp/stat.json stat -json -tech xilinx" >/dev/null 2>&1 ||
        { cat "$tmp/log" >&2; exit 1; }
    python3 "$ROOT/tools/yosys_cells.py" "$tmp/stat.json" "$r,$c,$aw,$bw,$acc"
}

case "${1:-}" in
--point)
    shift
    point "$@"
    ;;
--check)
    shift
    csv=${6:-$CSV_DEFAULT}
    key="$1,$2,$3,$4,$5"
    want=$(grep "^$key," "$csv" | cut -d, -f6-8) || { echo "no row $key in $csv"; exit 1; }
    got=$(point "$1" "$2" "$3" "$4" "$5" | cut -d, -f6-8)
    echo "yosys $key: lut,ff,dsp = $got; $csv: $want"
    [ "$got" = "$want" ] || { echo "FAIL: RTL changed, rerun tools/calibrate_systolic.sh"; exit 1; }
    echo "PASS"
    ;;
*)
    jobs=2
    if [ "${1:-}" = "-j" ]; then jobs=$2; shift 2; fi
    out=${1:-$CSV_DEFAULT}
    rows=$(grid | xargs -P "$jobs" -L 1 "$0" --point | sort -t, -n -k1,1 -k2,2 -k3,3 -k4,4 -k5,5)
    { echo "$HEADER"; echo "$rows"; } > "$out"
    echo "wrote $(echo "$rows" | wc -l) points to $out"
    ;;
esac
