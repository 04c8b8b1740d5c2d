#!/bin/sh
# Golden-output tests. Each tests/golden/<case>/ holds:
#   cmd     the arguments to planlint (one line, shell words), run from the source root
#   stdin   optional: fed to standard input
#   stdout  the expected standard output
#   stderr  optional: the expected standard error (else it must be empty)
#   status  the expected exit status
# UPDATE=1 rewrites the expectations from the current output (make golden-update).
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
tmp=${TMPDIR:-/tmp}/planlint-golden.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
for dir in "$src"/tests/golden/*/; do
    case=$(basename "$dir")
    [ -f "$dir/cmd" ] || continue
    eval "set -- $(cat "$dir/cmd")"
    input=/dev/null want_err=/dev/null
    [ -f "$dir/stdin" ] && input=$dir/stdin
    [ -f "$dir/stderr" ] && want_err=$dir/stderr
    (cd "$src" && "$planlint" "$@" < "$input" > "$tmp/stdout" 2> "$tmp/stderr")
    echo $? > "$tmp/status"
    if [ "${UPDATE:-0}" = 1 ]; then
        cp "$tmp/stdout" "$dir/stdout"
        cp "$tmp/status" "$dir/status"
        if [ -s "$tmp/stderr" ]; then cp "$tmp/stderr" "$dir/stderr"; else rm -f "$dir/stderr"; fi
        continue
    fi
    if diff -u "$dir/stdout" "$tmp/stdout" > "$tmp/diff" &&
       diff -u "$want_err" "$tmp/stderr" >> "$tmp/diff" &&
       diff -u "$dir/status" "$tmp/status" >> "$tmp/diff"; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: $case"
        head -40 "$tmp/diff"
    fi
done
echo "golden: $pass passed, $fail failed"
[ "${UPDATE:-0}" = 1 ] && exit 0
[ $((pass + fail)) -gt 0 ] || { echo "no golden cases found"; exit 99; }
[ $fail -eq 0 ]
