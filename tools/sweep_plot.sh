#!/bin/sh
# Draws a sweep's Pareto front and per-key trends with gnuplot (SVG and PNG):
#   tools/sweep_plot.sh sweep.csv [PREFIX]   ->  PREFIX.pareto.{svg,png}, PREFIX.trends.{svg,png}
# A wrapper around `accelsim sweep --plot`, which writes the gnuplot script (PREFIX.gp).
set -eu
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 sweep.csv [PREFIX]" >&2; exit 2; }
exec "${ACCELSIM:-build/accelsim}" sweep --plot "$1" ${2:+--plot-prefix "$2"}
