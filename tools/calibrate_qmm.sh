#!/bin/sh
# calibrate_qmm.sh: Yosys resource calibration of rtl/qmm (synth_xilinx -family xcup,
# hierarchical: the lane, the DPU and the requantizer are each mapped once, docs/qmm.md
# "Resources").
#
#   tools/calibrate_qmm.sh [-j N] [OUT.csv]
#       synthesizes the grid below, N points at a time (default 2), and writes OUT.csv
#       (default traces/calibration/qmm_yosys.csv); then refit with tools/fit_qmm_resource.py
#       and paste its coefficients into sim/qmm/qmm_resource.c.
#   tools/calibrate_qmm.sh --point D L ACCW
#       synthesizes one point and prints its CSV row.
#   tools/calibrate_qmm.sh --check D L ACCW [CSV]
#       synthesizes one point and fails unless LUT, FF and DSP equal the CSV's row (so a
#       change to the RTL cannot silently leave the calibration stale).
#
# Columns: dpus,lanes,acc_bits (M0W 16, BTW 32, SHW 5, OW 8, MW = NW = KW = 16, the RTL's
# defaults), lut (LUT1..LUT6 + INV), ff (FDRE/FDSE/FDCE/FDPE), dsp (DSP48E2), carry4,
# muxf (MUXF7..9), all totals of the design hierarchy.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSV_DEFAULT="$ROOT/traces/calibration/qmm_yosys.csv"
HEADER="dpus,lanes,acc_bits,lut,ff,dsp,carry4,muxf"

# Grid: D x L at a 24-bit accumulator, plus accumulator widths at two sizes.
grid() {
    for d in 1 2 4 8 16 32 64; do
        for l in 1 2 4 8 16; do
            echo "$d $l 24"
        done
    done
    for acc in 16 20 32 40 44; do
        echo "4 2 $acc"; echo "16 4 $acc"
    done
    for acc in 26 27 28; do     # where the requantizer multiply needs a second DSP
        echo "4 2 $acc"
    done
}

point() {
    d=$1; l=$2; acc=$3
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    yosys -q -l "$tmp/log" -p "read_verilog $ROOT/rtl/qmm/qmm_engine.v \
        $ROOT/rtl/qmm/qmm_ctrl.v $ROOT/rtl/qmm/qmm_dpu.v $ROOT/rtl/qmm/qmm_lane.v \
        $ROOT/rtl/qmm/qmm_post.v; chparam -set D $d -set L $l -set ACCW $acc qmm_engine; \
        synth_xilinx -family xcup -top qmm_engine -noiopad -noclkbuf; \
        tee -q -o $tmp/stat.txt stat -tech xilinx" >/dev/null 2>&1 ||
        { cat "$tmp/log" >&2; exit 1; }
    # The totals follow "=== design hierarchy ===" (Yosys 0.23's hierarchical stat -json is
    # not valid JSON, so the text report is read).
    awk -v key="$d,$l,$acc" '
        /=== design hierarchy ===/ { tot = 1 }
        tot && $1 ~ /^(LUT[1-6]|INV)$/ { lut += $2 }
        tot && $1 ~ /^FD[RSCP]E$/ { ff += $2 }
        tot && $1 == "DSP48E2" { dsp += $2 }
        tot && $1 == "CARRY4" { carry += $2 }
        tot && $1 ~ /^MUXF[789]$/ { muxf += $2 }
        END {
            if (!tot) exit 1
            printf "%s,%d,%d,%d,%d,%d\n", key, lut, ff, dsp, carry, muxf
        }' "$tmp/stat.txt"
}

case "${1:-}" in
--point)
    shift
    point "$@"
    ;;
--check)
    shift
    csv=${4:-$CSV_DEFAULT}
    key="$1,$2,$3"
    want=$(grep "^$key," "$csv" | cut -d, -f4-6) || { echo "no row $key in $csv"; exit 1; }
    got=$(point "$1" "$2" "$3" | cut -d, -f4-6)
    echo "yosys $key: lut,ff,dsp = $got; $csv: $want"
    [ "$got" = "$want" ] || { echo "FAIL: RTL changed, rerun tools/calibrate_qmm.sh"; exit 1; }
    echo "PASS"
    ;;
*)
    jobs=2
    if [ "${1:-}" = "-j" ]; then jobs=$2; shift 2; fi
    out=${1:-$CSV_DEFAULT}
    rows=$(grid | xargs -P "$jobs" -L 1 "$0" --point | sort -t, -n -k1,1 -k2,2 -k3,3)
    { echo "$HEADER"; echo "$rows"; } > "$out"
    echo "wrote $(echo "$rows" | wc -l) points to $out"
    ;;
esac
