#!/bin/sh
# Simulation speed of a 7B-shaped decoder (the built-in llama: 32 layers, dim 4096, 32 heads,
# FFN 11008, vocabulary 32000) on one configuration: prefill of 2048 tokens and decoding one
# token against a 2048-token KV cache, through bench_run (median of RUNS runs, default 3).
# The targets (docs/performance.md) are 1 s for prefill and 0.1 s for decode; the check uses
# the CPU time, which other work on a shared machine does not inflate. Exits 1 if over.
#   bench/bench_decoder.sh [-r RUNS] [-m key=value,...] [-s KEY=VALUE]... CONFIG
# -m adds model parameters (e.g. kv_heads=8); -s is a --set. BENCH_RUN overrides the program.
set -eu
runs=3 extra="" sets=""
while [ $# -gt 1 ]; do
    case $1 in
    -r) runs=$2; shift 2 ;;
    -m) extra=",$2"; shift 2 ;;
    -s) sets="$sets -s $2"; shift 2 ;;
    *) break ;;
    esac
done
[ $# -eq 1 ] || { echo "usage: $0 [-r RUNS] [-m key=value,...] [-s KEY=VALUE]... CONFIG" >&2; exit 2; }
# shellcheck disable=SC2086
out=$("${BENCH_RUN:-build/bench_run}" "$1" "llama:phase=prefill,context=2048$extra" \
    "llama:phase=decode,context=2048$extra" -n "$runs" $sets)
echo "$out"
echo "$out" | awk '
    /phase=prefill/ { what = "prefill"; limit = 1000 }
    /phase=decode/  { what = "decode";  limit = 100 }
    /phase=/ { over += $5 > limit
               printf "%-8s cpu %.1f ms, target %d ms: %s\n", what, $5, limit,
                      ($5 <= limit ? "ok" : "OVER") }
    END { exit over > 0 }'
