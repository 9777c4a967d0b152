#!/bin/sh
# Design points per minute of `accelsim sweep`: a 1536-point grid (array.rows 4..64 step 4 x
# array.cols 4..64 step 4 x 3 dataflows x tile_overlap) of one model, run from scratch into a
# temporary file, timed end to end (workers, CSV, final sort and front included).
#   bench/bench_sweep.sh CONFIG [MODEL] [-j N] [-r RUNS]     (MODEL default vit_tiny)
# Prints the median of RUNS (default 3) runs. ACCELSIM overrides the program (build/accelsim).
set -eu
config="" model="vit_tiny" jobs=$(nproc) runs=3
while [ $# -gt 0 ]; do
    case $1 in
    -j) jobs=$2; shift 2 ;;
    -r) runs=$2; shift 2 ;;
    *) if [ -z "$config" ]; then config=$1; else model=$1; fi; shift ;;
    esac
done
[ -n "$config" ] || { echo "usage: $0 CONFIG [MODEL] [-j N] [-r RUNS]" >&2; exit 2; }
accelsim=${ACCELSIM:-build/accelsim}
work=$(mktemp -d /tmp/bench_sweep_XXXXXX)
trap 'rm -rf "$work"' EXIT
points=1536
i=0
while [ $i -lt "$runs" ]; do
    rm -f "$work/s.csv"
    t0=$(date +%s.%N)
    "$accelsim" sweep --config "$config" --model "$model" --set array.rows=4:64:+4 \
        --set array.cols=4:64:+4 --set array.dataflow=os,ws,is \
        --set array.tile_overlap=true,false --out "$work/s.csv" -j "$jobs"
    t1=$(date +%s.%N)
    echo "$t0 $t1" | awk '{ printf "%.3f\n", $2 - $1 }' >>"$work/times"
    i=$((i + 1))
done
rows=$(($(wc -l <"$work/s.csv") - 2))
[ "$rows" -eq "$points" ] || { echo "bench_sweep: $rows rows, want $points" >&2; exit 1; }
sort -n "$work/times" | awk -v n="$runs" -v p="$points" -v m="$model" -v j="$jobs" '
    { t[NR] = $1 }
    END { med = t[int((n + 1) / 2)];
          printf "model %s, %d points, -j %d, %d runs: median %.2f s = %.0f points/min (best %.0f)\n",
                 m, p, j, n, med, 60 * p / med, 60 * p / t[1] }'
