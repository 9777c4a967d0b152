#!/bin/sh
# Runs an `accelsim sweep` as N shards with GNU parallel (local cores, or other hosts with
# --sshlogin) and merges them into the file a single run would have written.
#
#   tools/sweep_parallel.sh [-n SHARDS] [-S SSHLOGIN]... [-j JOBS] --out OUT.csv -- SWEEP-ARGS...
#
#   -n SHARDS    number of shards (default 4); shard i runs the points p with p mod N == i
#   -S SSHLOGIN  passed to parallel --sshlogin (repeatable; ':' is this machine). Each host
#                needs accelsim built at the same path and the config/model files at the same
#                paths (a shared file system, or the same checkout); the shard files come back
#                with --return.
#   -j JOBS      worker processes per shard (default 1; parallel runs one shard per core)
#   --out FILE   the merged CSV; the shards are FILE.shardI.csv next to it
#   ACCELSIM     environment: the accelsim program (default: build/accelsim)
#
# Running the same command again resumes every unfinished shard, then merges.
set -eu
shards=4 jobs=1 out="" logins=""
while [ $# -gt 0 ]; do
    case $1 in
    -n) shards=$2; shift 2 ;;
    -S) logins="$logins --sshlogin $2"; shift 2 ;;
    -j) jobs=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "sweep_parallel.sh: unknown option '$1' (see the header of $0)" >&2; exit 2 ;;
    esac
done
if [ -z "$out" ] || [ $# -eq 0 ]; then
    echo "sweep_parallel.sh: usage: $0 [-n N] [-S LOGIN]... [-j J] --out OUT.csv -- SWEEP-ARGS..." >&2
    exit 2
fi
case $shards in '' | *[!0-9]* | 0) echo "sweep_parallel.sh: -n '$shards' is not a positive integer" >&2; exit 2 ;; esac
accelsim=${ACCELSIM:-build/accelsim}
base=${out%.csv}
remote=""
[ -n "$logins" ] && remote="$logins --workdir . --return $base.shard{}.csv"

# One job per shard; --halt now,fail=1 stops the others when one fails.
# shellcheck disable=SC2086
seq 0 $((shards - 1)) | parallel --will-cite --halt now,fail=1 $remote \
    "$accelsim" sweep "$@" --shard "{}/$shards" -j "$jobs" --out "$base.shard{}.csv"

i=0 files=""
while [ $i -lt "$shards" ]; do files="$files $base.shard$i.csv"; i=$((i + 1)); done
# shellcheck disable=SC2086
exec "$accelsim" sweep --merge "$out" $files
