#!/bin/sh
# docs/rules.md is what `planlint --list-rules=markdown` prints: regenerate it with
# `make docs` after changing a rule.
src=${top_srcdir:-.}
planlint=${PLANLINT:-./cli/planlint}
tmp=${TMPDIR:-/tmp}/planlint-rules.$$.md
"$planlint" --list-rules=markdown > "$tmp" || exit 99
if diff -u "$src/docs/rules.md" "$tmp"; then
    rm -f "$tmp"
    echo "docs/rules.md is fresh"
    exit 0
fi
rm -f "$tmp"
echo "FAIL: docs/rules.md is stale; run make docs"
exit 1
