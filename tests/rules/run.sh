#!/bin/sh
# Every rule on real captured plans: tests/rules/expect.tsv says, per fixture and
# rule, what must come out - "warning" (a finding at warning or above), "info" (a
# finding, any severity) or "none" (no finding at all). Each rule runs alone
# (--enable) so one rule's behaviour cannot hide another's.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
pass=0
fail=0
while IFS='	' read -r fixture rule want why; do
    case "$fixture" in ''|'#'*) continue ;; esac
    out=$("$planlint" --no-config --enable "$rule" --format json "$src/$fixture")
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
echo "rules: $pass passed, $fail failed"
[ $((pass + fail)) -gt 0 ] && [ $fail -eq 0 ]
