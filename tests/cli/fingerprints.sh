#!/bin/sh
# Fingerprints stay the same across captures: each fixture's .json, .txt, .yaml and
# .xml are separate executions of one query (other timings, other row counts), so a
# rule that fires on both sides must give the same fingerprints on both. A rule whose
# finding depends on the timing may fire on one side only; it is not compared. Then a
# baseline written from the JSON capture hides those findings in the others.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
tmp=${TMPDIR:-/tmp}/planlint-fp.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0 compared=0

# "RULE FINGERPRINT" lines of a --write-baseline file, sorted.
pairs() {
    sed -n 's/.*"fingerprint": "\([0-9a-f]*\)", "rule": "\([^"]*\)".*/\2 \1/p' "$1" | sort
}

for json in "$src"/fixtures/pg15/*.json; do
    base=${json%.json}
    "$planlint" --no-config -o /dev/null --write-baseline "$tmp/a" "$json" || { echo "FAIL: $json"; fail=1; continue; }
    pairs "$tmp/a" > "$tmp/a.pairs"
    for ext in txt yaml xml; do
        other=$base.$ext
        [ -f "$other" ] || continue
        "$planlint" --no-config -o /dev/null --write-baseline "$tmp/b" "$other" || { echo "FAIL: $other"; fail=1; continue; }
        pairs "$tmp/b" > "$tmp/b.pairs"
        for rule in $(cut -d' ' -f1 "$tmp/a.pairs" "$tmp/b.pairs" | sort | uniq -d); do
            grep "^$rule " "$tmp/a.pairs" > "$tmp/ra"
            grep "^$rule " "$tmp/b.pairs" > "$tmp/rb"
            # One side may hold a finding more (a threshold crossed in one run only).
            if [ -n "$(comm -23 "$tmp/ra" "$tmp/rb")" ] && [ -n "$(comm -13 "$tmp/ra" "$tmp/rb")" ]; then
                echo "FAIL: $(basename "$json") vs .$ext: $rule fingerprints differ"
                diff "$tmp/ra" "$tmp/rb"
                fail=1
            fi
            compared=$((compared + 1))
        done
        # Whatever the JSON capture's baseline knows is hidden in the other capture.
        "$planlint" --no-config --format json --baseline "$tmp/a" "$other" > "$tmp/out" || { echo "FAIL: --baseline $other"; fail=1; }
        left=$(grep -o '"fingerprint":"[0-9a-f]*"' "$tmp/out" | cut -d'"' -f4 | grep -F -f "$(cut -d' ' -f2 "$tmp/a.pairs" > "$tmp/known"; echo "$tmp/known")")
        [ -z "$left" ] || { echo "FAIL: $(basename "$other"): known findings not hidden: $left"; fail=1; }
        want=$(comm -12 "$tmp/a.pairs" "$tmp/b.pairs" | wc -l)
        got=$(sed -n 's/.*"suppressed_by_baseline":\([0-9]*\)}.*/\1/p' "$tmp/out")
        if [ "${got:-0}" -lt "$want" ]; then
            echo "FAIL: $(basename "$other"): $got findings suppressed, expected $want or more"; fail=1
        fi
    done
done
echo "fingerprints: $compared rule comparisons across captures"
[ $compared -ge 40 ] || { echo "FAIL: too few comparisons ($compared)"; fail=1; }
exit $fail
