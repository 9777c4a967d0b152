#!/bin/sh
# onnx_inline_test.sh ACCELSIM ONNX_INLINE_WEIGHTS SOURCE_DIR: vit_tiny with its weights inline
# (23 MB, past the 4 MiB from which the importer's arena takes one huge-page mapping for
# protobuf-c's copies) gives the same report as the stripped file, every figure equal.
set -eu
accelsim=$1 inline=$2 src=$3
work=$(mktemp -d /tmp/asim_inline_XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
cp "$src/models/onnx/vit_tiny_op17.onnx" m.onnx
mkdir w
"$inline" m.onnx w/m.onnx >/dev/null
size=$(wc -c < w/m.onnx)
[ "$size" -gt 20000000 ] || { echo "FAIL: the inline-weight file has only $size bytes"; exit 1; }
"$accelsim" --config "$src/configs/systolic_32x32.yaml" --model m.onnx:batch=1 --format csv \
    > stripped.csv 2>/dev/null
(cd w && "$accelsim" --config "$src/configs/systolic_32x32.yaml" --model m.onnx:batch=1 \
    --format csv > ../inline.csv 2>/dev/null)
cmp stripped.csv inline.csv || { echo "FAIL: reports differ"; diff stripped.csv inline.csv | head; exit 1; }
echo "ok: $size bytes of inline weights, same report"
