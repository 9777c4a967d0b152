#!/bin/sh
# held_out_current.sh BLOCK DOC: every summary line of `tools/fit.py BLOCK --held-out` (the
# worst and mean leave-one-out error of each resource) must appear verbatim in DOC, so the
# out-of-sample errors a block's doc quotes are those of the committed calibration.
set -eu
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
out=$(python3 "$ROOT/tools/fit.py" "$1" --held-out)
lines=$(echo "$out" | grep "^held-out worst") || { echo "no summary lines from fit.py"; exit 1; }
echo "$lines" | while read -r line; do
    grep -qF "$line" "$ROOT/$2" || { echo "$2 lacks: $line (rerun tools/fit.py $1 --held-out)"; exit 1; }
done
echo "$2: $(echo "$lines" | wc -l) held-out lines current"
