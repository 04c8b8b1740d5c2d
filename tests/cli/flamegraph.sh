#!/bin/sh
# The flame graph formats. --format folded on every fixture with per-node times: one
# well-formed "frame;frame weight" line per node, the weights (integer microseconds)
# adding up to the root's inclusive time; names that hold ';' or newlines cannot split
# a frame. --format speedscope: validated with ajv against the schema speedscope
# publishes (npm package "speedscope"), weights adding up to the root's time, and
# what speedscope's importer relies on beyond the schema (flamegraph.cjs; the importer
# itself ships only inside the browser bundle). Without npm the second part skips (77), unless
# PLANLINT_CI is set. npm installs them with --prefix $top_builddir/tests/node_modules
# (or PLANLINT_NODE_MODULES), outside the source tree.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
build=$(cd "${top_builddir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
tmp=${TMPDIR:-/tmp}/planlint-flame.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
checked=0

# The root's inclusive time in ms: the first derived "inclusive_time" of --format json.
root_ms() {
    "$planlint" --format json "$1" | grep -o '"inclusive_time":[0-9.e+-]*' | head -n 1 | cut -d: -f2
}

for f in "$src"/fixtures/pg15/*.json "$src"/fixtures/pg15/*.txt \
         "$src"/fixtures/pg15/*.yaml "$src"/fixtures/pg15/*.xml; do
    name=${f#"$src"/}
    if ! "$planlint" --format folded "$f" > "$tmp/folded" 2> "$tmp/err"; then
        # only a plan without per-node times (no derived inclusive time) may be refused
        if ! grep -q 'needs per-node times' "$tmp/err" || [ -n "$(root_ms "$f")" ]; then
            echo "FAIL: $name: --format folded failed"; cat "$tmp/err"; fail=1
        fi
        continue
    fi
    checked=$((checked + 1))
    if grep -Evq '^[^;]+(;[^;]+)* [1-9][0-9]*$' "$tmp/folded"; then
        echo "FAIL: $name: malformed folded line:"; grep -Ev '^[^;]+(;[^;]+)* [1-9][0-9]*$' "$tmp/folded" | head -3
        fail=1
    fi
    root=$(root_ms "$f")
    awk -v root="$root" -v name="$name" '{ s += $NF } END {
        d = s - root * 1000; if (d < 0) d = -d
        if (d > 1) { printf "FAIL: %s: folded weights add up to %d us, root %s ms\n", name, s, root; exit 1 } }' \
        "$tmp/folded" || fail=1
    case $f in *.json) echo "$f $root" >> "$tmp/speedscope-list" ;; esac
done
[ "$checked" -ge 50 ] || { echo "FAIL: only $checked fixtures with times"; fail=1; }
echo "folded: $checked fixtures checked"

# A relation and alias holding ';', a newline and a control character.
cat > "$tmp/hostile.json" <<'PLAN'
[{"Plan": {"Node Type": "Nested Loop", "Join Type": "Inner", "Actual Startup Time": 0.01,
  "Actual Total Time": 2.5, "Actual Rows": 1, "Actual Loops": 1, "Plans": [
  {"Node Type": "Seq Scan", "Parent Relationship": "Outer", "Relation Name": "a;b\nc",
   "Schema": "s;", "Alias": "x\u0001;y", "Actual Startup Time": 0.005, "Actual Total Time": 1.0,
   "Actual Rows": 1, "Actual Loops": 1},
  {"Node Type": "Seq Scan", "Parent Relationship": "Inner", "Relation Name": "t",
   "Actual Startup Time": 0.005, "Actual Total Time": 0.5, "Actual Rows": 1, "Actual Loops": 1}]},
  "Execution Time": 2.6}]
PLAN
"$planlint" --format folded "$tmp/hostile.json" > "$tmp/hostile.folded" 2> "$tmp/err"
cat > "$tmp/hostile.want" <<'WANT'
#0 Nested Loop 1000
#0 Nested Loop;#1 Seq Scan on s:.a:b\nc x\x01:y 1000
#0 Nested Loop;#2 Seq Scan on t 500
WANT
if ! diff -u "$tmp/hostile.want" "$tmp/hostile.folded"; then
    echo "FAIL: names with ';' or newlines split a frame"; cat "$tmp/err"; fail=1
fi
echo "$tmp/hostile.json 2.5" >> "$tmp/speedscope-list"

# Several plans, one without times: a "plan N" frame on top of each timed one, and
# each plan's weights adding up to its own root.
cat "$src/fixtures/pg15/hash_join_batches.json" "$src/fixtures/pg15/analyze_timing_off.json" \
    "$src/fixtures/pg15/memoize.json" > "$tmp/multi.json"
"$planlint" --format folded "$tmp/multi.json" > "$tmp/multi.folded"
for n in 1 3; do
    f=hash_join_batches; [ $n = 3 ] && f=memoize
    want=$("$planlint" --format folded "$src/fixtures/pg15/$f.json" | awk '{ s += $NF } END { print s }')
    got=$(grep "^plan $n;" "$tmp/multi.folded" | awk '{ s += $NF } END { print s }')
    [ "$got" = "$want" ] || { echo "FAIL: plan $n of several: $got us, alone $want us"; fail=1; }
done
if grep -qv '^plan [13];#0 ' "$tmp/multi.folded"; then
    echo "FAIL: several plans: a line without its plan frame"; fail=1
fi
echo "$tmp/multi.json $(awk '{ s += $NF } END { print s / 1000 }' "$tmp/multi.folded")" >> "$tmp/speedscope-list"

# ---------------------------------------------------------------- speedscope
npm=${NPM:-npm} node=${NODE:-node}
if ! command -v "$npm" > /dev/null 2>&1 || ! command -v "$node" > /dev/null 2>&1; then
    if [ -n "${PLANLINT_CI:-}" ]; then echo "FAIL (CI must run this): npm or node not found"; exit 99; fi
    [ $fail -eq 0 ] || exit 1
    echo "SKIP: speedscope validation: npm or node not found"; exit 77
fi
modules=${PLANLINT_NODE_MODULES:-$build/tests/node_modules}
if [ ! -f "$modules/node_modules/speedscope/package.json" ] || [ ! -d "$modules/node_modules/ajv" ]; then
    mkdir -p "$modules" &&
    "$npm" install --prefix "$modules" --no-audit --no-fund --no-save speedscope@1 ajv@8 > "$tmp/npm.log" 2>&1 || {
        echo "FAIL: npm install speedscope ajv into $modules failed:"; tail -20 "$tmp/npm.log"; exit 99; }
fi
while read -r f root; do
    out=$tmp/$(basename "$f").speedscope.json
    "$planlint" --format speedscope "$f" > "$out" || { echo "FAIL: $f: --format speedscope failed"; fail=1; continue; }
    echo "$out $root" >> "$tmp/check-list"
done < "$tmp/speedscope-list"
NODE_PATH=$modules/node_modules "$node" "$src/tests/cli/flamegraph.cjs" "$modules/node_modules" "$tmp/check-list" || fail=1
[ $fail -eq 0 ]
