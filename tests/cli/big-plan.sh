#!/bin/sh
# A big generated plan (bench/genplan, 20,000 nodes, made on the fly): the folded tree
# is much shorter than the full one, the sums of a folded line come out in its columns,
# the findings' summary comes before the long tree, --top, --stats keep to their size,
# and planlint_render_write() hands on what planlint_render() makes.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-./cli/planlint}
genplan=${GENPLAN:-${top_builddir:-.}/bench/genplan}
tmp=${TMPDIR:-/tmp}/planlint-big.$$
trap 'rm -f "$tmp".*' EXIT
fail=0
ok() { echo "ok: $1"; }
bad() { echo "FAIL: $1"; fail=1; }

"$genplan" 20000 7 > "$tmp.json" || { echo "genplan failed"; exit 99; }
"$planlint" --color=never --width 100 --no-rules "$tmp.json" > "$tmp.fold"
"$planlint" --color=never --width 100 --no-rules --no-fold "$tmp.json" > "$tmp.full"
folded=$(wc -l < "$tmp.fold")
full=$(wc -l < "$tmp.full")
[ "$folded" -lt $((full / 2)) ] && ok "folded tree: $folded lines, full: $full" ||
    bad "folded tree $folded lines is not much shorter than $full"
grep -q '×[0-9]* ' "$tmp.fold" && ok "folded lines" || bad "no folded line"
grep -q '×' "$tmp.full" && bad "--no-fold folded" || ok "--no-fold draws every node"

"$planlint" --color=never --width 100 "$tmp.json" > "$tmp.rules"
grep -B1 -m1 'excl ms' "$tmp.rules" | head -1 | grep -q '^Findings: ' && ok "summary before the long tree" ||
    bad "no findings summary before the tree"

n=$("$planlint" --color=never --width 100 --no-rules --top 7 "$tmp.json" | grep -c '^ *[0-9.]* *[0-9.]*% .*#[0-9]')
[ "$n" -eq 7 ] && ok "--top 7" || bad "--top 7 showed $n nodes"

"$planlint" --color=never --width 100 --no-rules --stats --findings-only "$tmp.json" > "$tmp.stats"
grep -q '^Per node type' "$tmp.stats" && [ "$(wc -l < "$tmp.stats")" -lt 80 ] && ok "--stats" ||
    bad "--stats: $(wc -l < "$tmp.stats") lines"

"$planlint" --format json --stats --no-rules "$tmp.json" | grep -q '"stats":{"tables":\[' &&
    ok "JSON stats" || bad "no stats in the JSON output"

# The report written in pieces as it is made is the report made whole, in every format,
# from the plan in JSON and as EXPLAIN text.
"$planlint" --emit-plan=text "$tmp.json" > "$tmp.txt" || bad "--emit-plan=text"
if "${top_builddir:-.}/tests/unit/render_same" "$tmp.json" "$tmp.txt" > "$tmp.same"; then
    ok "planlint_render_write: $(grep -c '^ok' "$tmp.same") outputs as planlint_render makes them"
else
    grep FAIL "$tmp.same"; bad "planlint_render_write"
fi
[ $fail -eq 0 ]
