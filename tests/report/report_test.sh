#!/bin/sh
# End-to-end tests of the report writers (docs/report.md). usage: report_test.sh ACCELSIM ROOT CASE
# Each case prints what it checked and exits non-zero on the first failure.
set -eu
accelsim=$1
root=$2
case_=$3
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$root"

die() {
    echo "FAIL: $*" >&2
    exit 1
}

case $case_ in
config_echo)
    # The JSON config is the whole effective configuration: rerunning it as a YAML file (JSON
    # is YAML) gives the same run, and the --set overrides are listed.
    "$accelsim" --config configs/beta.yaml --model vit_tiny:layers=1 --set qmm.dpus=32 \
        --set dram.bandwidth_gbps=4.123456789 --set "clock_mhz=187.3" --format json > "$tmp/a.json"
    "$accelsim" config --markdown | sed -n 's/^| `\([a-z_.]*\)` .*/\1/p' > "$tmp/keys"
    python3 - "$tmp/a.json" "$tmp/keys" "$tmp/echo.yaml" "$root/configs" <<'PY'
import json, sys
rep = json.load(open(sys.argv[1]))
cfg = rep["config"]
want = {"qmm.dpus": 32, "dram.bandwidth_gbps": 4.123456789, "clock_mhz": 187.3}
assert cfg["overrides"] == want, f"overrides {cfg['overrides']} != {want}"
assert cfg["path"] == "configs/beta.yaml", cfg["path"]
keys = open(sys.argv[2]).read().split()
assert len(keys) > 30, keys
def get(key):
    node = cfg
    for part in key.split("."):
        node = node[part]
    return node
missing = [k for k in keys if not isinstance(get(k), (int, float, str, bool))]
assert not missing, f"keys missing from the echo: {missing}"
assert get("qmm.dpus") == 32 and get("dram.bandwidth_gbps") == 4.123456789 and get("clock_mhz") == 187.3
echo = {k: v for k, v in cfg.items() if k not in ("path", "overrides")}
echo["tech"] = sys.argv[4] + "/" + echo["tech"]
json.dump(echo, open(sys.argv[3], "w"))
print(f"ok: {len(keys)} keys echoed, overrides {cfg['overrides']}")
PY
    "$accelsim" --config "$tmp/echo.yaml" --model vit_tiny:layers=1 --format json > "$tmp/b.json"
    python3 - "$tmp/a.json" "$tmp/b.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:])
for k in ("total_cycles", "energy_mj", "macs", "resources"):
    assert a[k] == b[k], f"{k}: {a[k]} from the original, {b[k]} from the echoed config"
print(f"ok: the echoed config reruns to the same {a['total_cycles']} cycles and {a['energy_mj']} mJ")
PY
    "$accelsim" --config configs/beta.yaml --model vit_tiny:layers=1 --set qmm.dpus=32 > "$tmp/a.txt"
    grep -q '^accelsim .*(configs/beta.yaml --set qmm.dpus=32)$' "$tmp/a.txt" ||
        die "the text report's first line does not name the --set override"
    grep -q '^  qmm.dpus  *32  (--set)$' "$tmp/a.txt" || die "the text report lacks qmm.dpus 32 (--set)"
    grep -q '^  dram.latency_ns  *100  (default)$' "$tmp/a.txt" ||
        die "the text report lacks dram.latency_ns (default)"
    ;;
csv_columns)
    # The CSV header is the documented one, every row has every column, and layer rows add
    # up to the total row.
    "$accelsim" --config configs/beta.yaml --model vit_tiny:layers=2 --format csv > "$tmp/a.csv"
    "$accelsim" --config configs/beta.yaml --model vit_tiny:layers=2 --format json > "$tmp/a.json"
    doc=$(sed -n 's/^`\(row,name,.*\)`$/\1/p' docs/report.md)
    [ "$doc" = "$(head -n 1 "$tmp/a.csv")" ] || die "docs/report.md's CSV header differs from the program's"
    python3 "$here/check_csv.py" "$tmp/a.csv" "$tmp/a.json"
    ;;
trace_format)
    # The Chrome trace follows the trace-event format and nests exactly (check_trace.py).
    "$accelsim" --config configs/beta.yaml --model vit_tiny --format json --out "$tmp/r.json" \
        --trace "$tmp/t.json"
    python3 "$here/check_trace.py" "$tmp/t.json" "$tmp/r.json"
    "$accelsim" --config configs/systolic_32x32.yaml --model vit_tiny:layers=1 --set clock_mhz=187.3 \
        --format json --out "$tmp/r2.json" --trace "$tmp/t2.json"
    python3 "$here/check_trace.py" "$tmp/t2.json" "$tmp/r2.json"
    ;;
vcd_format)
    # The VCD matches the trace; a short run has a clock (check_vcd.py).
    "$accelsim" --config configs/beta.yaml --model vit_tiny --trace "$tmp/t.json" \
        --vcd "$tmp/t.vcd" > /dev/null
    python3 "$here/check_vcd.py" "$tmp/t.vcd" "$tmp/t.json"
    "$accelsim" --config configs/systolic_32x32.yaml --model tests/cli/data/good.csv \
        --trace "$tmp/s.json" --vcd "$tmp/s.vcd" > /dev/null
    grep -q ' clk \$end' "$tmp/s.vcd" || die "a short run's VCD has no clk"
    python3 "$here/check_vcd.py" "$tmp/s.vcd" "$tmp/s.json"
    ;;
vcd_clock_1mhz)
    # Issue 18: at clock_mhz=1 a run of 1.76e13 cycles overflowed 1 ps times to
    # #-9223372036854775808. The timescale now coarsens so times fit and stay exact.
    printf 'Layer,M,N,K,\nbig,16777216,1,1048576,\n' > "$tmp/big.csv"
    "$accelsim" --config configs/systolic_32x32.yaml --model "$tmp/big.csv" --set clock_mhz=1 \
        --set array.rows=1 --set array.cols=1 --set buffers.act_kib=1048576 \
        --set buffers.weight_kib=1048576 --set resources.enforce=false \
        --format json --out "$tmp/r.json" --trace "$tmp/t.json" --vcd "$tmp/t.vcd"
    grep -q '^#-' "$tmp/t.vcd" && die "negative VCD time"
    python3 "$here/check_vcd.py" "$tmp/t.vcd" "$tmp/t.json"
    python3 "$here/check_trace.py" "$tmp/t.json" "$tmp/r.json"
    ;;
escaping)
    # Issue 18: a layer named x"y\z and one with terminal escapes give valid JSON (report and
    # trace), a VCD with no control character, and a text report with none either.
    printf 'Layer,M,N,K,\nx"y\\z,16,16,16,\n\033[31mred\007,8,8,8,\n' > "$tmp/esc.csv"
    "$accelsim" --config configs/systolic_32x32.yaml --model "$tmp/esc.csv" --format json \
        --out "$tmp/r.json" --trace "$tmp/t.json" --vcd "$tmp/t.vcd"
    "$accelsim" --config configs/systolic_32x32.yaml --model "$tmp/esc.csv" > "$tmp/r.txt"
    python3 - "$tmp/r.json" "$tmp/t.json" <<'PY'
import json, sys
rep, tr = (json.load(open(p)) for p in sys.argv[1:])
want = ['x"y\\z', '\x1b[31mred\x07']
assert [l["name"] for l in rep["layers"]] == want, [l["name"] for l in rep["layers"]]
names = [e["name"] for e in tr["traceEvents"] if e.get("cat") == "layer"]
assert names == want, names
print("ok: names round-trip through the JSON report and the trace")
PY
    for f in "$tmp/t.vcd" "$tmp/r.txt"; do
        if LC_ALL=C grep -q "$(printf '[\001-\010\013-\037\177]')" "$f"; then
            die "$(basename "$f") holds a control character"
        fi
    done
    grep -qF 'x"y\x5cz' "$tmp/r.txt" || die "the text report does not show x\"y\\z escaped"
    grep -qF '\x1b[31mred\x07' "$tmp/r.txt" || die "the text report does not show the escape escaped"
    python3 "$here/check_vcd.py" "$tmp/t.vcd" "$tmp/t.json"
    ;;
*)
    die "unknown case $case_"
    ;;
esac
