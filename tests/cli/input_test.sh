#!/bin/sh
# input_test.sh ACCELSIM SOURCE_DIR CASE: inputs too large to keep in the repository, made
# here (issue 18, group 5). Each must fail fast, with bounded memory (ulimit -v 1 GiB), with
# exit status 2 and one message naming the file and the place.
set -eu
accelsim=$1 src=$2 case=$3
work=$(mktemp -d /tmp/asim_in_XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*"; exit 1; }
# A sanitizer build reserves terabytes of address space for its shadow memory, so it cannot
# start under a 1 GiB limit; it then runs with the time limit only.
mem_limit=1048576
(ulimit -v $mem_limit && exec "$accelsim" --version) >/dev/null 2>&1 ||
    mem_limit=unlimited
# expect REGEX ARGS...: accelsim ARGS exits 2 within 20 s and 1 GiB with REGEX on stderr.
expect() {
    re=$1
    shift
    rc=0
    (ulimit -v $mem_limit && exec timeout 20 "$accelsim" "$@") >/dev/null 2>err.txt || rc=$?
    [ "$rc" -eq 2 ] || fail "exit status $rc, want 2: $(head -c 300 err.txt)"
    grep -Eq -- "$re" err.txt || fail "stderr does not match $re: $(head -c 300 err.txt)"
}
gen() { python3 -c "import sys; sys.stdout.write($1)" >"$2"; }

case $case in
flow_braces)
    gen "'{' + ',' * (8 << 20) + '}'" big.yaml
    expect 'big\.yaml:1:200001: the flow collection .* that starts at 1:1 has more than 200000 items' check big.yaml
    ;;
flow_list)
    gen "'[' + 'a,' * ((8 << 20) - 2) + 'a]'" big.yaml
    expect 'big\.yaml:1:400001: the flow collection .* has more than 200000 items' check big.yaml
    gen "'name: m\nops: [' + '{},\n' * 300000 + '{}]\n'" big_model.yaml
    expect 'big_model\.yaml:100001:3: the flow collection .* that starts at 2:6' \
        --config "$src/configs/systolic_32x32.yaml" --model big_model.yaml
    ;;
block_nodes)
    gen "'- a\n' * 1000001" nodes.yaml
    expect 'nodes\.yaml:1000000:3: more than 1000000 YAML nodes' check nodes.yaml
    ;;
onnx_2gb)
    # A sparse file: 2 GiB on paper, no disk; refused from its size before it is read.
    truncate -s 2147483648 big.onnx
    expect 'big\.onnx: file is larger than 2147483647 bytes' \
        --config "$src/configs/systolic_32x32.yaml" --model big.onnx:batch=1
    ;;
deep_block)
    gen "''.join(' ' * i + 'k%d:\n' % i for i in range(600))" deep.yaml
    expect 'deep\.yaml:65:65: nesting deeper than 64 levels' check deep.yaml
    ;;
deep_flow)
    gen "'a: ' + '[' * 600 + ']' * 600 + '\n'" deep.yaml
    expect 'deep\.yaml:1:67: nesting deeper than 64 levels' check deep.yaml
    gen "'- ' * 600 + 'a\n'" seq.yaml
    expect 'seq\.yaml:1:129: nesting deeper than 64 levels' check seq.yaml
    ;;
alias_bomb)
    gen "'a: &a [x,x,x,x,x,x,x,x,x,x]\n' + ''.join('%s: &%s [*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s,*%s]\n' % ((chr(98+i), chr(98+i)) + (chr(97+i),) * 10) for i in range(8))" bomb.yaml
    expect 'bomb\.yaml:[0-9]+:[0-9]+: more than 1000000 YAML nodes' check bomb.yaml
    ;;
*)
    fail "unknown case $case"
    ;;
esac
