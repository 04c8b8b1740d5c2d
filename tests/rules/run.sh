#!/bin/sh
# Every rule on real captured plans: tests/rules/expect.tsv says, per fixture and
# rule, what must come out - "warning" (a finding at warning or above), "info" (a
# finding, any severity) or "none" (no finding at all). Each rule runs alone
# (--enable) so one rule's behaviour cannot hide another's.
# The rules are tested without the minimum query time (--min-time=0): it is the
# engine's policy, tested on its own below.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
pass=0
fail=0
while IFS='	' read -r fixture rule want why; do
    case "$fixture" in ''|'#'*) continue ;; esac
    out=$("$planlint" --no-config --min-time=0 --enable "$rule" --format json "$src/$fixture")
    rc=$?
    if [ $rc -ne 0 ]; then
        echo "FAIL: $fixture $rule: planlint exited $rc"; fail=$((fail + 1)); continue
    fi
    id=$("$planlint" --explain "$rule" | head -n 1 | cut -d' ' -f1)
    any=$(printf '%s' "$out" | grep -o "\"rule_id\":\"$id\"" | wc -l)
    warn=$(printf '%s' "$out" | grep -o "\"rule_id\":\"$id\",\"rule_name\":\"[^\"]*\",\"category\":\"[^\"]*\",\"severity\":\"\(warning\|error\)\"" | wc -l)
    case "$want" in
        warning) ok=$([ "$warn" -gt 0 ] && echo 1 || echo 0) ;;
        info) ok=$([ "$any" -gt 0 ] && echo 1 || echo 0) ;;
        none) ok=$([ "$any" -eq 0 ] && echo 1 || echo 0) ;;
        *) echo "FAIL: bad expectation '$want' for $fixture $rule"; fail=$((fail + 1)); continue ;;
    esac
    if [ "$ok" = 1 ]; then
        pass=$((pass + 1))
    else
        echo "FAIL: $fixture $rule: expected $want, got $any finding(s), $warn at warning or above ($why)"
        fail=$((fail + 1))
    fi
done < "$src/tests/rules/expect.tsv"

# Healthy plans: no rule at all may warn.
for fixture in $(grep -v '^#' "$src/tests/rules/healthy.txt"); do
    warn=$("$planlint" --no-config --min-severity warning --format json "$src/$fixture" | grep -o '"severity":"\(warning\|error\)"' | wc -l)
    if [ "$warn" -eq 0 ]; then pass=$((pass + 1)); else
        echo "FAIL: healthy plan $fixture got $warn warning(s):"
        "$planlint" --no-config --min-severity warning --color=never "$src/$fixture" | sed -n '/^Findings/,$p'
        fail=$((fail + 1))
    fi
done
# The engine's policy. A query faster than --min-time (default 10 ms) warns about nothing:
# partition_ordered_append runs in 4 ms and has an index-filter warning at --min-time=0.
count_warn() {
    "$planlint" --no-config "$@" --format json | grep -o '"severity":"\(warning\|error\)"' | wc -l
}
fast=$src/fixtures/pg15/partition_ordered_append.json
if [ "$(count_warn --min-time=0 "$fast")" -gt 0 ] && [ "$(count_warn "$fast")" -eq 0 ] &&
   [ "$(count_warn --min-time=5 "$fast")" -eq 0 ] && [ "$(count_warn --min-time=3.5 "$fast")" -gt 0 ]; then
    pass=$((pass + 1))
else
    echo "FAIL: --min-time does not turn the warnings of a 4 ms query into info"; fail=$((fail + 1))
fi
cfg=${TMPDIR:-/tmp}/planlint-min-time.$$.json
printf '{"min_time_ms": 0}\n' > "$cfg"
if [ "$("$planlint" --config "$cfg" --format json "$fast" | grep -o '"severity":"warning"' | wc -l)" -gt 0 ]; then
    pass=$((pass + 1))
else
    echo "FAIL: min_time_ms in the config file is not read"; fail=$((fail + 1))
fi
rm -f "$cfg"
# Time at stake is counted once: the shares of one plan's findings never add past 100%.
for fixture in "$src"/fixtures/pg15/*.json "$src"/fixtures/pg15/advice/b_*.json; do
    sum=$("$planlint" --no-config --min-time=0 --format json "$fixture" |
          grep -o '"share_at_stake":[0-9.e+-]*' | cut -d: -f2 | awk '{ s += $1 } END { printf "%.6f", s }')
    if awk -v s="$sum" 'BEGIN { exit !(s <= 1.000001) }'; then pass=$((pass + 1)); else
        echo "FAIL: $fixture: the shares at stake add up to $sum"; fail=$((fail + 1))
    fi
done
echo "rules: $pass passed, $fail failed"
[ $((pass + fail)) -gt 0 ] && [ $fail -eq 0 ]
