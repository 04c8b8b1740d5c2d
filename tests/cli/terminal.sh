#!/bin/sh
# planlint with no FILE on a terminal says it is reading standard input, then reads it;
# on a pipe it says nothing. The terminal is a pty from util-linux script(1).
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
plan=$src/fixtures/pg15/hash_join.txt   # a whole plan: a cut one gets a warning
hint='planlint: reading a plan from standard input (end it with Ctrl-D)'
tmp=${TMPDIR:-/tmp}/planlint-terminal.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

# On a pipe: no hint, the plan is read.
"$planlint" --no-config < "$plan" > "$tmp/out" 2> "$tmp/err" || { echo "FAIL: plan on a pipe"; fail=1; }
[ -s "$tmp/err" ] && { echo "FAIL: something on stderr with a pipe:"; cat "$tmp/err"; fail=1; }

if ! script -qec true /dev/null > /dev/null 2>&1 < /dev/null; then
    echo "SKIP: no util-linux script(1) to run planlint on a terminal"
    exit 77
fi

# on_tty INPUT ARGS...: runs planlint on a pty fed INPUT then Ctrl-D (EOF at a line start).
on_tty() {
    input=$1; shift
    { cat "$input"; printf '\004'; } |
        timeout 20 script -qec "$(printf '%s ' "$planlint" "$@")" /dev/null 2>&1 | tr -d '\r' > "$tmp/tty"
}

on_tty "$plan" --no-config --no-rules --color=never --no-pager
grep -q "^$hint" "$tmp/tty" && echo "ok: the hint on a terminal" ||
    { echo "FAIL: no hint on a terminal:"; cat "$tmp/tty"; fail=1; }
grep -q '^Plan 1 of 1 from <stdin>' "$tmp/tty" && echo "ok: the pasted plan is read after the hint" ||
    { echo "FAIL: the plan was not read after the hint:"; cat "$tmp/tty"; fail=1; }

# A FILE, even on a terminal: no hint.
on_tty /dev/null --no-config --no-rules --color=never --no-pager "$plan"
grep -q "$hint" "$tmp/tty" && { echo "FAIL: hint despite a FILE"; fail=1; } || echo "ok: no hint with a FILE"
exit $fail
