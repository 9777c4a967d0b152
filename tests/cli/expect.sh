#!/bin/sh
# expect.sh STATUS REGEX PROGRAM [ARGS...]: runs PROGRAM with ARGS and checks that it exits
# with STATUS and that its stderr (stdout when STATUS is 0) matches the extended REGEX.
# Status 0 runs also must print nothing on stderr beyond known warnings; a crash (signal)
# never matches a status of 2. A failing run must print exactly one line with the error
# prefix, EXPECT_ERROR_PREFIX (default "accelsim: error:"; other tools name themselves).
want_status=$1 want_re=$2
prefix=${EXPECT_ERROR_PREFIX:-accelsim: error:}
shift 2
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT
timeout 60 "$@" >"$out" 2>"$err"
status=$?
if [ "$want_status" -eq 0 ]; then text=$out; else text=$err; fi
fail=0
if [ "$status" -ne "$want_status" ]; then
    echo "FAIL: exit status $status, want $want_status"; fail=1
fi
if ! grep -Eq -- "$want_re" "$text"; then
    echo "FAIL: output does not match: $want_re"; fail=1
fi
if [ "$want_status" -ne 0 ] && [ "$(grep -cF -- "$prefix" "$err")" -ne 1 ]; then
    echo "FAIL: want exactly one '$prefix' line"; fail=1
fi
if [ "$fail" -ne 0 ]; then
    echo "--- command: $*"; echo "--- stderr:"; cat "$err"; echo "--- stdout (head):"
    head -5 "$out"
fi
exit $fail
