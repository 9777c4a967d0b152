#!/bin/sh
# man_current.sh ACCELSIM MANPAGE: the man page names exactly the options and subcommands of
# `accelsim --help` and `accelsim sweep --help`, carries the program's version and renders
# without groff warnings.
set -eu
accelsim=$1 man=$2
fail() { echo "FAIL: $*"; exit 1; }
help=$("$accelsim" --help; "$accelsim" sweep --help)
page=$(sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\e/\\/g' "$man")
opts() { grep -oE '(^|[^A-Za-z0-9-])(--[a-z][a-z-]*[a-z]|-j)\b' | sed 's/^[^-]*//' | sort -u; }
subs() { grep -oE 'accelsim [a-z]+' | sort -u; }
if [ "$(echo "$help" | opts)" != "$(echo "$page" | opts)" ]; then
    echo "options only in --help:"; echo "$help" | opts >/tmp/asim_man_h.$$
    echo "$page" | opts | comm -13 - /tmp/asim_man_h.$$
    echo "options only in the man page:"; echo "$page" | opts | comm -23 - /tmp/asim_man_h.$$
    rm -f /tmp/asim_man_h.$$
    fail "$man and --help name different options"
fi
[ "$(echo "$help" | subs)" = "$(echo "$page" | subs)" ] || fail "$man and --help name different subcommands"
version=$("$accelsim" --version)
grep -q "^\.TH ACCELSIM 1 [0-9]* \"$version\"" "$man" || fail "$man is not for $version"
if command -v groff >/dev/null; then
    warn=$(groff -man -Tutf8 -ww -z "$man" 2>&1)
    [ -z "$warn" ] || fail "groff warns: $warn"
fi
echo "ok: $(echo "$help" | opts | wc -l) options and $(echo "$help" | subs | wc -l) subcommands in step; $version"
