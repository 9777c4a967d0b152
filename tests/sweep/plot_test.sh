#!/bin/sh
# plot_test.sh ACCELSIM SOURCE_DIR CASE: checks of `accelsim sweep --plot` (sim/sweep/plot.c),
# one CASE per ctest test. Each runs in a fresh temporary folder.
set -eu
accelsim=$1 src=$2 case=$3
work=$(mktemp -d /tmp/asim_plot_XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
cfg=$src/configs/systolic_32x32.yaml
model=$src/tests/cli/data/good.csv

fail() { echo "FAIL: $*"; exit 1; }
# The x-axis scale lines of the trends figure of script $1.
x_scales() { sed -n '/trends/,$p' "$1" | grep 'logscale x' | sort -u; }

case $case in
log_axis)
    # A geometric range is drawn on a log axis, an arithmetic one on a linear axis.
    "$accelsim" sweep --config "$cfg" --model "$model" --set array.rows=8:64:x2 \
        --set resources.enforce=false --out geo.csv >/dev/null
    "$accelsim" sweep --plot geo.csv >/dev/null
    [ "$(x_scales geo.gp)" = "  set logscale x 2" ] || fail "8:64:x2 is not on a log axis: $(x_scales geo.gp)"
    "$accelsim" sweep --config "$cfg" --model "$model" --set array.rows=8:64:+8 \
        --set resources.enforce=false --out lin.csv >/dev/null
    "$accelsim" sweep --plot lin.csv >/dev/null
    [ "$(x_scales lin.gp)" = "  unset logscale x" ] || fail "8:64:+8 is not on a linear axis: $(x_scales lin.gp)"
    ;;
unfinished)
    # A file with one finished point, or none, plots without gnuplot warnings.
    "$accelsim" sweep --config "$cfg" --model "$model" --set array.rows=8:32:x2 --out full.csv >/dev/null
    head -n 3 full.csv >one.csv
    head -n 2 full.csv >none.csv
    for f in one none; do
        "$accelsim" sweep --plot $f.csv >out.txt 2>err.txt || fail "--plot $f.csv failed: $(cat err.txt)"
        [ ! -s err.txt ] || fail "--plot $f.csv printed: $(head -3 err.txt)"
        [ -s $f.trends.png ] && [ -s $f.pareto.svg ] || fail "--plot $f.csv wrote no figures"
    done
    ;;
gnuplot_injection)
    # Issue 18: the plot prefix comes from the file name; a name holding a line break and a
    # gnuplot shell escape (!cmd) or backquotes must not run anything.
    "$accelsim" sweep --config "$cfg" --model "$model" --set array.rows=8,16 --out base.csv >/dev/null
    name=$(printf 'a\n!touch PWNED\n`touch PWNED2`.csv')
    cp base.csv "$name"
    "$accelsim" sweep --plot "$name" >/dev/null 2>err.txt || fail "--plot failed: $(cat err.txt)"
    [ ! -e PWNED ] && [ ! -e PWNED2 ] || fail "gnuplot ran a command from the file name"
    prefix=$(printf 'a\n!touch PWNED\n`touch PWNED2`')
    [ -s "$prefix.trends.svg" ] || fail "the figures are not named after the file: $(ls)"
    ;;
*)
    fail "unknown case '$case'"
    ;;
esac
echo "ok: $case"
