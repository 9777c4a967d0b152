#!/bin/sh
# Regenerates the golden reports in traces/golden/ from build/accelsim. Run it only after a
# deliberate change of a model's timing, energy or report format, and say why in the commit.
set -eu
cd "$(dirname "$0")/.."
while read -r name config model; do
    case "$name" in ''|'#'*) continue ;; esac
    ./build/accelsim --config "$config" --model "$model" --format json >"traces/golden/$name.json"
done <traces/golden/cases.txt
