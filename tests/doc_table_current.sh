#!/bin/sh
# doc_table_current.sh DOC COMMAND [ARGS...]: fails if the Markdown table rows in DOC (lines
# starting with '|') differ from those COMMAND prints, so a generated table cannot drift from
# the code that generates it.
set -eu
doc=$1
shift
doc_rows=$(mktemp)
trap 'rm -f "$doc_rows"' EXIT
grep '^|' "$doc" >"$doc_rows"
if ! "$@" | grep '^|' | diff -u "$doc_rows" -; then
    echo "$doc is out of date: regenerate its table with: $*"
    exit 1
fi
