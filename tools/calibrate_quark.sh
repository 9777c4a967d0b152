#!/bin/sh
# calibrate_quark.sh: Yosys resource calibration of rtl/quark (synth_xilinx -family
# xcup, hierarchical: each Appro-Exp / Appro-LN width is mapped once; docs/nonlinear.md,
# "Resources").
#
#   tools/calibrate_quark.sh [-j N] [OUT.csv]
#       synthesizes the grid below, N points at a time (default 2), and writes OUT.csv
#       (default traces/calibration/quark_yosys.csv); then refit with
#       tools/fit_quark_resource.py and paste its coefficients into
#       sim/quark/quark_resource.c.
#   tools/calibrate_quark.sh --point N IW MODES
#       synthesizes one point (MODES: decimal mask of enabled modes) and prints its CSV row.
#   tools/calibrate_quark.sh --check N IW MODES [CSV]
#       synthesizes one point and fails unless LUT, FF and DSP equal the CSV's row
#       (so a change to the RTL cannot silently leave the calibration stale).
#
# Columns: lanes,in_bits,modes, lut (LUT1..LUT6 + INV), ff (FDRE/FDSE/FDCE/FDPE), dsp
# (DSP48E2), carry4, muxf (MUXF7..9), srl (SRL16E/SRLC32E, counted as LUTs by the model).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CSV_DEFAULT="$ROOT/traces/calibration/quark_yosys.csv"
HEADER="lanes,in_bits,modes,lut,ff,dsp,carry4,muxf,srl"

# Grid, most informative first (points stream into OUT.csv.part as they finish): the shared
# unit (255) and the three separate units (softmax 1, GELU + tanh 130, LayerNorm + add 68)
# at N = 2 and 4 with 8-bit inputs, then at N = 2 with 16-bit inputs, then N = 8.
grid() {
    for n in 2 4; do
        for m in 255 1 130 68; do echo "$n 8 $m"; done
    done
    for m in 255 1 130 68; do echo "2 16 $m"; done
    for m in 255 1 130 68; do echo "8 8 $m"; done
}

point() {
    n=$1; iw=$2; modes=$3
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    yosys -q -l "$tmp/log" -p "read_verilog -sv $ROOT/rtl/quark/quark_unit.v \
        $ROOT/rtl/quark/quark_exp.v $ROOT/rtl/quark/quark_ln.v; \
        chparam -set N $n -set IW $iw -set MODES $modes quark_unit; \
        synth_xilinx -family xcup -top quark_unit -noiopad -noclkbuf; \
        tee -q -o $tmp/stat.json stat -json -tech xilinx" >/dev/null 2>&1 ||
        { cat "$tmp/log" >&2; exit 1; }
    python3 "$ROOT/tools/yosys_cells.py" "$tmp/stat.json" "$n,$iw,$modes" --srl
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
    [ "$got" = "$want" ] || { echo "FAIL: RTL changed, rerun tools/calibrate_quark.sh"; exit 1; }
    echo "PASS"
    ;;
*)
    jobs=2
    if [ "${1:-}" = "-j" ]; then jobs=$2; shift 2; fi
    out=${1:-$CSV_DEFAULT}
    grid | xargs -P "$jobs" -L 1 "$0" --point > "$out.part"
    rows=$(sort -t, -n -k1,1 -k2,2 -k3,3 "$out.part")
    { echo "$HEADER"; echo "$rows"; } > "$out"
    rm -f "$out.part"
    echo "wrote $(echo "$rows" | wc -l) points to $out"
    ;;
esac
