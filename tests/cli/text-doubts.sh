#!/bin/sh
# What the command says about a text plan it is unsure of: a plan cut short warns on
# stderr (one line) and lists "incomplete" in JSON, exit 0; the same plan broken by
# fold reads with no warning at all. The cut copies are made here, not committed.
src=${top_srcdir:-.}
planlint=${PLANLINT:-$src/cli/planlint}
plan=$src/fixtures/pg15/hash_join.txt
tmp=${TMPDIR:-/tmp}/planlint-doubts.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

head -n 8 "$plan" > "$tmp/cut.txt"
"$planlint" --no-rules "$tmp/cut.txt" > /dev/null 2> "$tmp/err"; rc=$?
[ $rc = 0 ] || { echo "FAIL: cut plan: exit $rc, want 0"; fail=1; }
[ "$(wc -l < "$tmp/err")" = 1 ] && grep -q '^planlint: warning: .*cut.txt: plan 1: the plan looks cut short' "$tmp/err" ||
    { echo "FAIL: cut plan: stderr is not one warning:"; cat "$tmp/err"; fail=1; }
"$planlint" --no-rules --format json "$tmp/cut.txt" 2> /dev/null | grep -q '"warnings":\["incomplete"\]' ||
    { echo "FAIL: cut plan: no \"incomplete\" in the JSON"; fail=1; }

for w in 40 80 123; do
    fold -w $w "$plan" > "$tmp/folded.txt"
    fold -s -w $w "$plan" > "$tmp/folded-s.txt"
    for f in folded folded-s; do
        "$planlint" --no-rules --width 0 "$tmp/$f.txt" > "$tmp/$f.out" 2> "$tmp/err" ||
            { echo "FAIL: $f $w: exit $?"; fail=1; }
        [ -s "$tmp/err" ] && { echo "FAIL: $f $w: stderr:"; cat "$tmp/err"; fail=1; }
        "$planlint" --no-rules --width 0 "$plan" | sed 1d > "$tmp/want"
        sed 1d "$tmp/$f.out" | cmp -s - "$tmp/want" || { echo "FAIL: $f $w: another tree"; fail=1; }
    done
done
[ $fail = 0 ] && echo "PASS: cut plans warn, folded plans read as the original"
exit $fail
