#!/bin/sh
# calibrate.sh: Yosys resource calibration of a block's RTL twin rtl/BLOCK (Yosys 0.23
# synth_xilinx -family xcup, hierarchical), the data tools/fit.py fits the block's resource
# formulas to (docs/testing.md, "Calibration").
#
#   tools/calibrate.sh BLOCK [-j N] [OUT.csv]
#       synthesizes the block's grid, N points at a time (default 2), rows streaming into
#       OUT.csv.part as they finish, and writes OUT.csv sorted (default
#       traces/calibration/BLOCK_yosys.csv); then refit with tools/fit.py BLOCK.
#   tools/calibrate.sh BLOCK --point P...
#       synthesizes one point (one integer per CAL_PARAMS name) and prints its CSV row.
#   tools/calibrate.sh BLOCK --check P... [CSV]
#       synthesizes one point and fails unless its LUT, FF and DSP equal the CSV's row (so a
#       change to the RTL cannot silently leave the calibration stale).
#
# What a block synthesizes is data, in rtl/BLOCK/calibration.sh (sourced here):
#   CAL_TOP      the top module
#   CAL_RTL      its sources, relative to rtl/BLOCK/
#   CAL_READ     the Yosys read command (read_verilog, or read_verilog -sv)
#   CAL_PARAMS   the top's parameters a point sets (chparam), in argument order
#   CAL_COLUMNS  their CSV column names, comma-separated
#   CAL_CELLS    the cell-count columns (tools/yosys_cells.py), comma-separated, lut,ff,dsp first
#   cal_grid     a function printing the grid, one point (CAL_PARAMS values) per line
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
ME=tools/calibrate.sh

die() {
    echo "$ME: $*" >&2
    exit 2
}

blocks() {
    for f in "$ROOT"/rtl/*/calibration.sh; do
        [ -f "$f" ] && basename "$(dirname "$f")"
    done | tr '\n' ' ' | sed 's/ $//'
}

[ $# -ge 1 ] || die "usage: $ME BLOCK [-j N] [OUT.csv] | BLOCK --point P... | BLOCK --check P... [CSV]"
block=$1
shift
conf="$ROOT/rtl/$block/calibration.sh"
[ -f "$conf" ] || die "no rtl/$block/calibration.sh; blocks with a calibration: $(blocks)"
# shellcheck source=/dev/null # rtl/<block>/calibration.sh, data only
. "$conf"
nparams=$(echo "$CAL_PARAMS" | wc -w)
csv_default="$ROOT/traces/calibration/${block}_yosys.csv"

# point_of ARGS...: prints the first nparams arguments, which must be integers (a point).
point_of() {
    usage="$block: a point is $nparams integers ($CAL_PARAMS), got: $*"
    [ $# -ge "$nparams" ] || die "$usage"
    i=0
    for v in "$@"; do
        i=$((i + 1))
        [ $i -le "$nparams" ] || break
        case $v in
        '' | *[!0-9]*) die "$usage" ;;
        esac
        printf '%s ' "$v"
    done
}

point() {
    key=$(echo "$*" | tr ' ' ',')
    sets=""
    i=0
    for name in $CAL_PARAMS; do
        i=$((i + 1))
        eval "v=\${$i}"
        sets="$sets -set $name $v"
    done
    files=""
    for f in $CAL_RTL; do
        files="$files $ROOT/rtl/$block/$f"
    done
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    yosys -q -l "$tmp/log" -p "$CAL_READ$files; chparam$sets $CAL_TOP; \
        synth_xilinx -family xcup -top $CAL_TOP -noiopad -noclkbuf; \
        tee -q -o $tmp/stat.txt stat -tech xilinx" >/dev/null 2>&1 ||
        { cat "$tmp/log" >&2; exit 1; }
    python3 "$ROOT/tools/yosys_cells.py" "$tmp/stat.txt" "$key" "$CAL_CELLS"
}

case "${1:-}" in
--point)
    shift
    [ $# -eq "$nparams" ] || die "$block --point takes $nparams integers ($CAL_PARAMS), got: $*"
    pt=$(point_of "$@")
    # shellcheck disable=SC2086 # the point's integers, word-split on purpose
    point $pt
    ;;
--check)
    shift
    [ $# -eq "$nparams" ] || [ $# -eq $((nparams + 1)) ] ||
        die "$block --check takes $nparams integers ($CAL_PARAMS) and an optional CSV, got: $*"
    pt=$(point_of "$@")
    csv=$csv_default
    [ $# -eq "$nparams" ] || eval "csv=\${$#}"
    [ -f "$csv" ] || die "no file $csv"
    key=$(echo "$pt" | sed 's/ $//' | tr ' ' ',')
    from=$((nparams + 1))
    to=$((nparams + 3))
    row=$(grep "^$key," "$csv") || die "no row $key in $csv"
    want=$(echo "$row" | cut -d, -f$from-$to)
    # shellcheck disable=SC2086 # the point's integers, word-split on purpose
    now=$(point $pt) || { echo "FAIL: Yosys failed on $block $key"; exit 1; }
    got=$(echo "$now" | cut -d, -f$from-$to)
    echo "yosys $block $key: lut,ff,dsp = $got; $csv: $want"
    [ "$got" = "$want" ] || { echo "FAIL: RTL changed, rerun $ME $block"; exit 1; }
    echo "PASS"
    ;;
*)
    jobs=2
    if [ "${1:-}" = "-j" ]; then
        case ${2:-} in
        '' | *[!0-9]*) die "-j needs a number of parallel points" ;;
        esac
        jobs=$2
        shift 2
    fi
    case ${1:-} in
    -*) die "unknown option $1; usage: $ME $block [-j N] [OUT.csv]" ;;
    esac
    [ $# -le 1 ] || die "usage: $ME $block [-j N] [OUT.csv]"
    out=${1:-$csv_default}
    cal_grid | xargs -P "$jobs" -L 1 "$0" "$block" --point >"$out.part"
    keys=""
    i=0
    while [ $i -lt "$nparams" ]; do
        i=$((i + 1))
        keys="$keys -k$i,$i"
    done
    # shellcheck disable=SC2086 # one sort key per parameter
    rows=$(sort -t, -n $keys "$out.part")
    { echo "$CAL_COLUMNS,$CAL_CELLS"; echo "$rows"; } >"$out"
    rm -f "$out.part"
    echo "wrote $(echo "$rows" | wc -l) points to $out"
    ;;
esac
