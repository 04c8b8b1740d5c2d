#!/bin/sh
# The pager: used on a terminal when the output is longer than the screen, never when
# stdout is not a terminal, off with --no-pager or an empty PLANLINT_PAGER. A terminal
# comes from script(1); without it the test is skipped.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
command -v script > /dev/null 2>&1 || { echo "script(1) not found"; exit 77; }
script -qec true /dev/null > /dev/null 2>&1 || { echo "script(1) cannot make a terminal"; exit 77; }
fail=0
plan=$src/fixtures/pg15/planning_many_partitions.json
small=$src/fixtures/pg15/seq_scan_filter.json

# run ENV-ASSIGNMENTS ARGS...: planlint on a 24-row terminal, its output on stdout
run() {
    script -qec "stty rows 24 cols 100; env $1 '$planlint' --color=never $2" /dev/null | tr -d '\r'
}
check() {   # name, expected (paged|plain), output
    case "$3" in
        PAGED:*) got=paged ;;
        *) got=plain ;;
    esac
    if [ "$got" = "$2" ]; then echo "ok: $1"; else echo "FAIL: $1: $got, expected $2"; fail=1; fi
}
pager="PLANLINT_PAGER='sed s/^/PAGED:/'"
check "long output is paged" paged "$(run "$pager" "$plan")"
check "short output is not" plain "$(run "$pager" "$small")"
check "--no-pager" plain "$(run "$pager" "--no-pager $plan")"
check "empty PLANLINT_PAGER" plain "$(run "PLANLINT_PAGER= PAGER='sed s/^/PAGED:/'" "$plan")"
check "PAGER when PLANLINT_PAGER is unset" paged "$(run "PAGER='sed s/^/PAGED:/'" "$plan")"
out=$(PLANLINT_PAGER='sed s/^/PAGED:/' "$planlint" --color=never "$plan" | head -1)
check "not a terminal" plain "$out"
[ $fail -eq 0 ]
