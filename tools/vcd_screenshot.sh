#!/bin/sh
# vcd_screenshot.sh OUT.png: the GTKWave picture of docs/report.md. Runs a five-layer block
# (a SCALE-Sim topology) on configs/systolic_32x32.yaml with --vcd, opens it in GTKWave under
# Xvfb showing clk, cycle (decimal), layer and the busy and layer signals around the first
# layer change, and grabs the screen. Needs xvfb, gtkwave, x11-apps (xwd) and netpbm.
set -eu
out=$1
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/asim_shot_XXXXXX)
xvfb_pid="" gtk_pid=""
cleanup() {
    [ -n "$gtk_pid" ] && kill "$gtk_pid" 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
printf 'Layer,M,N,K,\nqkv,64,192,64,\nscores,64,64,64,\nproj,64,64,64,\nfc1,64,256,64,\nfc2,64,64,256,\n' \
    >"$work/tiny_block.csv"
"${ACCELSIM:-$root/build/accelsim}" --config "$root/configs/systolic_32x32.yaml" \
    --model "$work/tiny_block.csv" --vcd "$work/run.vcd" --out "$work/report.txt"
cat >"$work/show.tcl" <<'TCL'
gtkwave::addSignalsFromList [list accelsim.clk {accelsim.cycle[63:0]} accelsim.layer accelsim.dma_busy accelsim.dma_layer accelsim.array_busy accelsim.array_layer {accelsim.array_layer_index[31:0]}]
gtkwave::highlightSignalsFromList [list {accelsim.cycle[63:0]} {accelsim.array_layer_index[31:0]}]
gtkwave::/Edit/Data_Format/Decimal
gtkwave::/Edit/UnHighlight_All
gtkwave::setZoomRangeTimes 13140000 13320000
TCL
display=:$((90 + $$ % 9))
Xvfb "$display" -screen 0 1400x520x24 >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
DISPLAY=$display gtkwave --rcvar 'hide_sst on' --rcvar 'initial_window_x 1390' \
    --rcvar 'initial_window_y 510' -S "$work/show.tcl" "$work/run.vcd" >/dev/null 2>&1 &
gtk_pid=$!
sleep 5
DISPLAY=$display xwd -root -silent | xwdtopnm 2>/dev/null | pnmtopng >"$out"
echo "wrote $out"
