#!/bin/sh
# errors_table.sh ACCELSIM: runs every bad-input case of tests/cli/cases.txt (exit status 2)
# and prints a Markdown table of the case, the command line and the message accelsim gives.
# docs/errors.md holds its output; ctest docs.errors_md_current checks it stays current.
set -eu
accelsim=$1
cd "$(dirname "$0")/.."
C=configs/systolic_32x32.yaml B=configs/beta.yaml Q=configs/quark.yaml D=tests/cli/data
echo "| case | arguments | message (exit status 2) |"
echo "|---|---|---|"
# A regex may hold an escaped bar (\|); it stands in as \001 while the line splits on bars.
sep=$(printf '\001')
grep -E '^[a-z0-9_]+ *\| *2 *\|' tests/cli/cases.txt | sed "s/\\\\|/$sep/g" |
while IFS='|' read -r name status regex args; do
    name=$(echo "$name" | tr -d ' ')
    args=$(echo "$args" | sed -e 's/^ *//' -e 's/ *$//' -e "s#\\bC\\b#$C#g" -e "s#\\bB\\b#$B#g" \
        -e "s#\\bQ\\b#$Q#g" -e "s#\\bD/#$D/#g" -e "s#--config D\\b#--config $D#g")
    # shellcheck disable=SC2086
    msg=$("$accelsim" $args 2>&1 >/dev/null | grep 'accelsim: error:' | sed 's/^accelsim: error: //' | sed 's/|/\\|/g' || true)
    echo "| $name | \`$args\` | $msg |"
done
