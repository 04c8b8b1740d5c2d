#!/bin/sh
# Every statement planlint shows, parsed once more (tests/unit/sql_reparse): the findings
# of all captured fixtures and of the hostile plans here (names of 200 bytes, with quotes,
# semicolons, comments, newlines and control bytes), and every index_sql in the JSON
# output. Then what the hostile plans must and must not suggest.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
build=$(cd "${top_builddir:-.}" && pwd)
planlint=${PLANLINT:-$build/cli/planlint}
reparse=$build/tests/unit/sql_reparse
fail=0

plans=$(ls "$src"/fixtures/pg15/*.json "$src"/fixtures/pg15/*.txt "$src"/fixtures/pg15/*/*.json "$src"/fixtures/pg15/*/*.txt \
    "$src"/tests/advice/*.json "$src"/tests/advice/*.txt | grep -v -e /wrapped/ -e /logs/)
"$reparse" $plans || fail=1
for plan in $plans; do
    "$planlint" --format=json --color=never "$plan" | "$reparse" --json > /dev/null || { echo "FAIL: index_sql of $plan"; fail=1; }
done

# expect FILE WHAT: WHAT is index_sql (the exact statement) or "none" (no index_sql, and
# the advice says why). shown FILE SQL: the advice shows SQL, a statement for a rewritten
# condition (built and re-parsed, not an index_sql).
expect() {
    out=$("$planlint" --format=json --color=never "$src/tests/advice/$1")
    case $2 in
    none)
        if printf '%s' "$out" | grep -q '"index_sql":"' ||
           ! printf '%s' "$out" | grep -q 'no safe CREATE INDEX could be built'; then
            echo "FAIL: $1 suggests an index, or does not say why not"; fail=1
        fi ;;
    *)
        if ! printf '%s' "$out" | grep -qF "\"index_sql\":\"$2\""; then
            echo "FAIL: $1: want index_sql $2"; fail=1
        fi ;;
    esac
}
shown() {
    "$planlint" --format=json --color=never "$src/tests/advice/$1" | grep -qF "$2" || { echo "FAIL: $1: want $2 in the advice"; fail=1; }
}
quotes='CREATE INDEX ON \"Sales \"\"EU\"\"; --\".\"order\" (\") ; DROP TABLE important; --\", (lower(\"Email/*\")), created);'
expect cut-column.json none
expect cut-column.txt none
expect long-table.json none
shown quotes.json "$quotes"
shown quotes.txt "$quotes"
expect long63.txt 'CREATE INDEX ON public.\"Order Items\" (\"k\"\"; DROP TABLE important; --zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\");'
expect long63.json 'CREATE INDEX ON public.\"Order Items\" (\"k\"\"; DROP TABLE important; --\nzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\");'
[ $fail -eq 0 ] && echo "advice: all statements re-parse"
exit $fail
