#!/bin/sh
# sweep_test.sh ACCELSIM SOURCE_DIR CASE: end-to-end checks of `accelsim sweep`, one CASE per
# ctest test (tests/sweep/CMakeLists.txt). Each runs in a fresh temporary folder and prints
# what differs on failure.
set -eu
accelsim=$1 src=$2 case=$3
work=$(mktemp -d /tmp/asim_sweep_XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
cfg=$src/configs/systolic_32x32.yaml

fail() { echo "FAIL: $*"; exit 1; }
rows() { tail -n +3 "$1" | wc -l | tr -d ' '; }
# No point index twice among the rows of $1.
unique_points() {
    dup=$(tail -n +3 "$1" | cut -d, -f1 | sort | uniq -d | head -3)
    [ -z "$dup" ] || fail "$1 has points more than once: $dup"
}

case $case in
j2_equals_j1)
    # 2 models x 8 x 4 x 2 = 128 points.
    set -- --config "$cfg" --model vit_tiny,bert_base:seq_len=64,layers=2 \
        --set array.rows=4:32:+4 --set array.cols=8:64:x2 --set array.tile_overlap=true,false
    "$accelsim" sweep "$@" --out one.csv -j 1
    "$accelsim" sweep "$@" --out two.csv -j 2
    [ "$(rows one.csv)" -eq 128 ] || fail "one.csv has $(rows one.csv) rows, want 128"
    cmp one.csv two.csv || fail "-j 2 differs from -j 1"
    ;;
kill_resume)
    # 4096 points; kill -9 the whole process group (parent and workers) at four moments,
    # then once the parent alone (its workers orphaned), restarting each time.
    set -- --config "$cfg" --model vit_tiny --set array.rows=1:64:+1 --set array.cols=1:32:+1 \
        --set array.tile_overlap=true,false
    "$accelsim" sweep "$@" --out ref.csv -j 2
    total=$(rows ref.csv)
    [ "$total" -eq 4096 ] || fail "ref.csv has $total rows"
    kills=0
    for at in 200 700 1500 2400 3200; do
        setsid "$accelsim" sweep "$@" --out k.csv -j 2 &
        pid=$!
        while [ "$(rows k.csv 2>/dev/null || echo 0)" -lt "$at" ] && kill -0 "$pid" 2>/dev/null; do
            sleep 0.01
        done
        # env kill: the kill program, which (unlike dash's builtin) takes a process group
        if [ "$at" -eq 3200 ]; then kill -9 "$pid"; else env kill -9 -- "-$pid"; fi || true
        wait "$pid" 2>/dev/null || true
        n=$(rows k.csv)
        [ "$n" -lt "$total" ] && kills=$((kills + 1))
        unique_points k.csv
    done
    [ "$kills" -ge 3 ] || fail "only $kills of 5 kills hit an unfinished sweep"
    "$accelsim" sweep "$@" --out k.csv -j 2
    cmp ref.csv k.csv || fail "the resumed sweep differs from an uninterrupted one"
    ;;
parallel_shards)
    # 4 shards through GNU parallel, merged; and the Slurm script's shards, merged.
    set -- --config "$cfg" --model vit_tiny --set array.rows=4:64:+4 --set array.cols=4:64:x2 \
        --set array.dataflow=os,ws,is --set array.tile_overlap=true,false
    "$accelsim" sweep "$@" --out single.csv -j 2
    ACCELSIM=$accelsim sh "$src/tools/sweep_parallel.sh" -n 4 --out par.csv -- "$@"
    cmp single.csv par.csv || fail "4 shards through GNU parallel differ from the single run"
    for i in 3 4 5; do
        SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_MIN=3 SLURM_ARRAY_TASK_COUNT=3 \
            ACCELSIM=$accelsim sh "$src/tools/sweep_slurm.sh" --out sl.csv -- "$@"
    done
    "$accelsim" sweep --merge sl.csv sl.shard0.csv sl.shard1.csv sl.shard2.csv
    cmp single.csv sl.csv || fail "the Slurm script's shards differ from the single run"
    ;;
error_rows)
    "$accelsim" sweep --config "$cfg" --model vit_tiny --set array.act_bits=2,8 --out e.csv
    grep -q '^0,vit_tiny,2,error,".*A operand is 8 bits but array.act_bits is 2",' e.csv ||
        fail "no error row for act_bits=2"
    cycles=$("$accelsim" --config "$cfg" --model vit_tiny --format json 2>/dev/null |
        sed -n 's/^  "total_cycles": \([0-9]*\),$/\1/p')
    grep -q "^1,vit_tiny,8,ok,\"\",$cycles," e.csv || fail "no ok row for act_bits=8 ($cycles cycles)"
    grep -q ',1$' e.csv || fail "the ok row is not on the front"
    ;;
resume_other_definition)
    set -- --config "$cfg" --model vit_tiny --out r.csv
    "$accelsim" sweep "$@" --set array.rows=8,16
    cp r.csv before.csv
    sh "$src/tests/cli/expect.sh" 2 \
        "r\.csv:1: holds a different sweep: its array\.rows values are '8,16' where this command has '8,16,32'" \
        "$accelsim" sweep "$@" --set array.rows=8,16,32
    # A missing or extra key is named as such (the first differing token was the next key
    # or the objectives, which had not changed).
    sh "$src/tests/cli/expect.sh" 2 \
        "r\.csv:1: holds a different sweep: this command sweeps array\.cols \(8\) and the file does not" \
        "$accelsim" sweep "$@" --set array.rows=8,16 --set array.cols=8
    sh "$src/tests/cli/expect.sh" 2 "r\.csv:1: holds a different sweep: it sweeps array\.rows \(8,16\) and this command does not" \
        "$accelsim" sweep "$@"
    cmp before.csv r.csv || fail "the refused resume changed the file"
    echo "point,model" >not_sweep.csv
    sh "$src/tests/cli/expect.sh" 2 "not_sweep\.csv: exists and is not an accelsim sweep file" \
        "$accelsim" sweep --config "$cfg" --model vit_tiny --out not_sweep.csv
    ;;
point_timeout)
    # A point over --point-timeout becomes an error row; the quick points are unaffected.
    # slow.yaml takes about 4.5 s in a release build on this machine, good.csv a few
    # milliseconds (a sanitizer build on a loaded machine: tenths of a second, so the timeout
    # leaves it room).
    printf 'name: slow\nops:\n  - {name: s, op: gemm, m: 65536, n: 65536, k: 2048}\n' >slow.yaml
    start=$(date +%s)
    "$accelsim" sweep --config "$cfg" --model "$src/tests/cli/data/good.csv,slow.yaml" \
        --set array.rows=8,16 --point-timeout 1.5 --out t.csv -j 2
    [ $(($(date +%s) - start)) -lt 30 ] || fail "the sweep took over 30 s"
    for p in 2 3; do
        grep -q "^$p,slow.yaml,[0-9]*,error,\"the point ran longer than --point-timeout (1.5 s) and was stopped\"," t.csv ||
            fail "no timeout row for point $p: $(cat t.csv)"
    done
    [ "$(grep -c ',ok,' t.csv)" -eq 2 ] || fail "the good.csv points are not ok"
    ;;
resume_strict)
    # Resume reads rows exactly as the sweep writes them; anything else is refused.
    set -- --config "$cfg" --model vit_tiny --set array.rows=8,16 --out r.csv -j 1
    "$accelsim" sweep "$@"
    cp r.csv good.csv
    # corrupt FIELD VALUE REGEX: row 0 with FIELD set to VALUE must be refused with REGEX.
    corrupt() {
        awk -F, -v OFS=, -v f="$1" -v v="$2" 'NR == 3 { $f = v } { print }' good.csv >r.csv
        sh "$src/tests/cli/expect.sh" 2 "$3" "$accelsim" sweep --config "$cfg" \
            --model vit_tiny --set array.rows=8,16 --out r.csv -j 1 ||
            fail "field $1 = '$2' was not refused"
    }
    corrupt 1 +0 "r\.csv:3: point '\+0' is not a point of this sweep"
    corrupt 1 00 "r\.csv:3: point '00' is not a point of this sweep"
    corrupt 4 error "r\.csv:3: point 0: an error row with results"
    corrupt 11 1.5 "r\.csv:3: point 0: lut = '1\.5' is not a whole number"
    corrupt 15 2 "r\.csv:3: point 0: fits = '2' is not 0 or 1"
    corrupt 6 -5 "r\.csv:3: point 0: total_cycles = '-5' is not a whole number"
    corrupt 7 -1.5 "r\.csv:3: point 0: latency_ms = '-1\.5' is not a number of at least 0"
    corrupt 5 oops "r\.csv:3: point 0: an ok row with an error message"
    cp good.csv r.csv
    "$accelsim" sweep "$@"
    cmp good.csv r.csv || fail "resuming the good file changed it"
    ;;
oversize_files)
    # A 4 GiB sparse file is refused by size before it is read, by resume, merge and plot.
    truncate -s 4G big.csv
    mem_limit=1048576 # none in a sanitizer build, which cannot start under it
    (ulimit -v $mem_limit && exec "$accelsim" --version) >/dev/null 2>&1 || mem_limit=unlimited
    re="big\\.csv: is 4294967296 bytes, more than the 1073741824 a sweep file may have"
    for cmd in "--config $cfg --model vit_tiny --out big.csv" "--merge m.csv big.csv" \
        "--plot big.csv"; do
        # shellcheck disable=SC2086
        (ulimit -v $mem_limit && exec sh "$src/tests/cli/expect.sh" 2 "$re" "$accelsim" sweep $cmd) ||
            fail "sweep $cmd did not refuse the 4 GiB file"
    done
    ;;
interrupt_messages)
    # Ctrl-C is a stop on request, not an error; the run after it says how much was done.
    set -- --config "$cfg" --model vit_tiny --set array.rows=1:64:+1 --set array.cols=1:16:+1 \
        --out i.csv -j 2
    "$accelsim" sweep "$@" 2>stop.txt &
    pid=$!
    while [ "$(rows i.csv 2>/dev/null || echo 0)" -lt 20 ] && kill -0 "$pid" 2>/dev/null; do
        sleep 0.01
    done
    kill -INT "$pid"
    rc=0
    wait "$pid" || rc=$?
    [ "$rc" -eq 130 ] || fail "exit status $rc after SIGINT, want 130"
    grep -q 'error' stop.txt && fail "SIGINT reported as an error: $(cat stop.txt)"
    grep -Eq '^accelsim: i\.csv: sweep stopped by Ctrl-C \(SIGINT\) with [0-9]+ of 1024 points done; run the same command again to resume$' stop.txt ||
        fail "unexpected message: $(cat stop.txt)"
    done_before=$(rows i.csv)
    "$accelsim" sweep "$@" 2>resume.txt
    grep -q "^accelsim: i\.csv: resuming: $done_before of 1024 points already done$" resume.txt ||
        fail "resume did not say $done_before of 1024 were done: $(cat resume.txt)"
    ;;
plot)
    "$accelsim" sweep --config "$cfg" --model vit_tiny --set array.rows=8:32:x2 \
        --set array.dataflow=os,ws --out p.csv
    "$accelsim" sweep --plot p.csv >/dev/null
    for f in p.pareto.svg p.pareto.png p.trends.svg p.trends.png; do
        [ -s "$f" ] || fail "$f was not written"
    done
    head -c 8 p.pareto.png | od -An -c | grep -q 'P   N   G' || fail "p.pareto.png is not a PNG"
    grep -q '<svg' p.trends.svg || fail "p.trends.svg is not an SVG"
    ;;
*)
    fail "unknown case '$case'"
    ;;
esac
echo "ok: $case"
