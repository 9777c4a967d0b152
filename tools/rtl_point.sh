# rtl_point.sh: one synthesis point of an RTL block and the per-block CSVs keyed by it, for
# tools/fmax_estimate.sh and tools/asic_cells.sh (sourced; they set ROOT and ME).
#
# A point is BLOCK P1 P2 P3: systolic ROWS COLS BITS (a = b = BITS, acc = 2 BITS + 16); qmm DPUS
# LANES ACC_BITS; quark LANES IN_BITS MODES (4095 = every mode, the shared unit). The top module,
# sources and parameter names come from rtl/BLOCK/calibration.sh, as for tools/calibrate.sh.
# shellcheck shell=sh

# The key columns of BLOCK's CSVs.
point_columns() {
    case $1 in
    systolic) echo "rows,cols,bits" ;;
    qmm) echo "dpus,lanes,acc_bits" ;;
    quark) echo "lanes,in_bits,modes" ;;
    *) echo "$ME: unknown block '$1' (systolic, qmm, quark)" >&2; exit 2 ;;
    esac
}

# The values of rtl/BLOCK/calibration.sh's CAL_PARAMS for a point: the systolic point's BITS
# sets AW = BW = BITS and ACCW = 2 BITS + 16; the others are the same three.
cal_values() {
    case $1 in
    systolic) echo "$2 $3 $4 $4 $(($4 * 2 + 16))" ;;
    *) echo "$2 $3 $4" ;;
    esac
}

# point_synth BLOCK P1 P2 P3: reads BLOCK's RTL with the point's parameters and runs the Yosys
# commands that the caller's synth_commands prints (CAL_TOP is set when it runs); the log is
# $tmp/log (tmp is removed on exit). Fails with the log on stderr.
point_synth() {
    b=$1
    point_columns "$b" >/dev/null
    [ $# -eq 4 ] || { echo "$ME: a point is BLOCK and 3 integers, got: $*" >&2; exit 2; }
    for v in "$2" "$3" "$4"; do
        case $v in
        '' | *[!0-9]*) echo "$ME: a point is BLOCK and 3 integers, got: $*" >&2; exit 2 ;;
        esac
    done
    # CAL_TOP, CAL_RTL, CAL_READ, CAL_PARAMS: the block's synthesis set-up (tools/calibrate.sh)
    # shellcheck disable=SC1090
    . "$ROOT/rtl/$b/calibration.sh"
    # shellcheck disable=SC2046 # the CAL_PARAMS values, in order
    set -- $(cal_values "$@")
    sets=""
    for name in $CAL_PARAMS; do
        sets="$sets -set $name $1"
        shift
    done
    files=""
    for f in $CAL_RTL; do
        files="$files $ROOT/rtl/$b/$f"
    done
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    yosys -q -l "$tmp/log" -p "$CAL_READ$files; chparam$sets $CAL_TOP; $(synth_commands)" \
        >/dev/null 2>&1 || { cat "$tmp/log" >&2; exit 1; }
}

# point_store CSV COLUMNS ROW: rewrites CSV (header COLUMNS) with ROW for its key (the first
# three fields), keeping the other rows, sorted.
point_store() {
    csv=$1; columns=$2; row=$3
    key=$(echo "$row" | cut -d, -f1-3)
    { echo "$columns"; { [ -f "$csv" ] && tail -n +2 "$csv" | grep -v "^$key," || true; echo "$row"; } |
        sort -t, -k1,1n -k2,2n -k3,3n; } >"$csv.tmp"
    mv "$csv.tmp" "$csv"
}

# point_want CSV KEY: prints CSV's row for KEY (P1,P2,P3), or fails before any synthesis.
point_want() {
    grep "^$2," "$1" || { echo "$ME: no row $2 in $1" >&2; exit 1; }
}

# point_command SUFFIX LABEL HINT ARGS...: the commands the tools share, on the caller's point
# (prints a point's row) and store (writes it) functions: --point BLOCK P1 P2 P3 prints the
# row; --store also writes it into $CAL/BLOCK_SUFFIX.csv; --check compares it with that CSV's
# row and fails, naming HINT, when the RTL gives another.
point_command() {
    suffix=$1; label=$2; hint=$3
    shift 3
    case "${1:-}" in
    --point)
        shift
        point "$@"
        ;;
    --store)
        shift
        row=$(point "$@")
        echo "$1 $row"
        store "$1" "$row"
        ;;
    --check)
        shift
        csv="$CAL/$1_$suffix.csv"
        key="$2,$3,$4"
        want=$(point_want "$csv" "$key")
        got=$(point "$@")
        echo "$label $1 $key: $got; $csv: $want"
        [ "$got" = "$want" ] || { echo "FAIL: RTL changed, rerun $hint"; exit 1; }
        echo PASS
        ;;
    esac
}
