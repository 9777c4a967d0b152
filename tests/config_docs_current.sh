#!/bin/sh
# config_docs_current.sh ACCELSIM DOC: fails if the table in DOC (docs/config.md) differs
# from what the schema generates (`accelsim config --markdown`).
set -eu
doc_table=$(mktemp)
trap 'rm -f "$doc_table"' EXIT
grep '^|' "$2" >"$doc_table"
if ! "$1" config --markdown | diff -u "$doc_table" -; then
    echo "docs/config.md is out of date: regenerate its table with 'accelsim config --markdown'"
    exit 1
fi
