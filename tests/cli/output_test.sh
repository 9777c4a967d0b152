#!/bin/sh
# output_test.sh ACCELSIM SOURCE_DIR CASE: outputs (--out, --trace, --vcd, sweep --merge and
# the sweep CSV) never replace what is not theirs (issue 18, group 1; sim/kernel/outfile.c).
# One CASE per ctest test (tests/cli/CMakeLists.txt); each runs in a fresh temporary folder.
set -eu
accelsim=$1 src=$2 case=$3
work=$(mktemp -d /tmp/asim_out_XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
cfg=$src/configs/systolic_32x32.yaml
run() { "$accelsim" --config "$cfg" --model vit_tiny "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
# expect_refusal REGEX CMD...: CMD must exit 2 with REGEX on stderr.
expect_refusal() {
    re=$1
    shift
    if "$@" 2>err.txt; then fail "$* succeeded"; else rc=$?; fi
    [ "$rc" -eq 2 ] || fail "$* exited $rc, want 2"
    grep -Eq -- "$re" err.txt || fail "stderr does not match $re: $(cat err.txt)"
}

case $case in
device)
    # A character device is written as a stream; it stays a device. A private one (not
    # /dev/null, which other processes use) when we may create it.
    dev=/dev/null
    if mknod null c 1 3 2>/dev/null; then dev=$work/null; fi
    run --out "$dev" --trace "$dev"
    [ -c "$dev" ] || fail "$dev is no longer a character device"
    ;;
fifo)
    mkfifo pipe
    timeout 20 cat pipe >got.txt &
    timeout 20 "$accelsim" --config "$cfg" --model vit_tiny --out pipe --format json
    wait
    [ -p pipe ] || fail "the FIFO was replaced"
    python3 -m json.tool got.txt >/dev/null || fail "the report through the FIFO is not JSON"
    ;;
planted_tmp)
    # The old writer used the fixed name OUT.tmp; a link planted there must not be followed.
    echo victim >victim.txt
    for f in out.json.tmp .out.json.tmp; do ln -s victim.txt "$f"; done
    run --out out.json --format json
    [ "$(cat victim.txt)" = victim ] || fail "victim.txt was overwritten"
    python3 -m json.tool out.json >/dev/null || fail "out.json is not JSON"
    ;;
symlink)
    # A link is followed to its target (existing or not); the link stays.
    ln -s sub/real.json link.json
    mkdir sub
    run --out link.json --format json
    [ -L link.json ] || fail "link.json is no longer a link"
    python3 -m json.tool sub/real.json >/dev/null || fail "the link's target was not written"
    run --out link.json --format csv
    [ -L link.json ] || fail "link.json was replaced on the second write"
    head -1 sub/real.json | grep -q '^row,name,' || fail "the second write did not reach the target"
    ;;
permissions)
    echo old >r.txt
    chmod 640 r.txt
    run --out r.txt
    [ "$(stat -c %a r.txt)" = 640 ] || fail "r.txt has mode $(stat -c %a r.txt), want 640"
    [ -z "$(ls -A | grep -v '^r.txt$' || true)" ] || fail "left files behind: $(ls -A)"
    ;;
concurrent)
    # Four writers of one --out, ten times: the file is always one whole report.
    for trial in 1 2 3 4 5 6 7 8 9 10; do
        for w in 1 2 3 4; do run --out same.json --format json & done
        wait
        python3 -m json.tool same.json >/dev/null || fail "trial $trial left invalid JSON"
    done
    [ "$(ls -A)" = same.json ] || fail "left temporary files behind: $(ls -A)"
    ;;
same_as_input)
    cp "$cfg" c.yaml
    sed "s|^tech:.*|tech: $src/configs/tech/fpga_usplus.yaml|" "$cfg" >c.yaml
    printf 'Layer,M,N,K,\nl1,8,8,8,\n' >m.csv
    before=$(cksum <c.yaml)
    expect_refusal 'c\.yaml: is the same file as the input c\.yaml' \
        "$accelsim" --config c.yaml --model m.csv --out c.yaml
    ln c.yaml hard.yaml
    expect_refusal 'hard\.yaml: is the same file as the input c\.yaml' \
        "$accelsim" --config c.yaml --model m.csv --trace hard.yaml
    expect_refusal 'm\.csv: is the same file as the input m\.csv' \
        "$accelsim" --config c.yaml --model m.csv --vcd m.csv
    expect_refusal 'r\.txt: is also given as another output \(r\.txt\)' \
        "$accelsim" --config c.yaml --model m.csv --out r.txt --trace ./r.txt
    expect_refusal 'standard output is given to two outputs' \
        "$accelsim" --config c.yaml --model m.csv --trace -
    [ "$(cksum <c.yaml)" = "$before" ] || fail "the config was changed"
    [ ! -e r.txt ] || fail "a refused run wrote r.txt"
    ;;
stdout_dash)
    run --out - --format json >got.json
    python3 -m json.tool got.json >/dev/null || fail "--out - did not write the report on stdout"
    [ ! -e ./- ] || fail "--out - wrote a file named -"
    ;;
stdout_full)
    [ -w /dev/full ] || { echo "SKIP: no /dev/full"; exit 0; }
    for cmd in "run" "$accelsim list models" "$accelsim check $cfg" "$accelsim --help"; do
        if $cmd >/dev/full 2>err.txt; then fail "'$cmd >/dev/full' exited 0"; fi
        grep -q 'standard output: cannot write' err.txt || fail "'$cmd': $(cat err.txt)"
        [ "$(grep -c 'accelsim: error:' err.txt)" -eq 1 ] || fail "'$cmd': $(cat err.txt)"
    done
    ;;
sweep_symlink)
    # The sweep CSV behind a link is appended to and rewritten through the link.
    mkdir sub
    ln -s sub/s.csv s.csv
    set -- sweep --config "$cfg" --model vit_tiny --set array.rows=8,16 -j 1
    "$accelsim" "$@" --out s.csv
    [ -L s.csv ] || fail "the sweep replaced its link"
    [ "$(tail -n +3 sub/s.csv | wc -l)" -eq 2 ] || fail "sub/s.csv does not have the 2 rows"
    "$accelsim" sweep --merge m.csv s.csv
    ln -s m.csv mlink.csv
    "$accelsim" sweep --merge mlink.csv s.csv
    [ -L mlink.csv ] || fail "the merge replaced its link"
    cmp m.csv sub/s.csv || fail "the merge differs from its one input"
    expect_refusal 'is the same file as the input s\.csv' "$accelsim" sweep --merge sub/s.csv s.csv
    expect_refusal 'is the same file as the input' "$accelsim" "$@" --out "$cfg"
    ;;
*)
    fail "unknown case $case"
    ;;
esac
