#!/bin/sh
# Conformance on the third-party plan corpus (../shared/corpus, or $PLANLINT_CORPUS):
# every JSON, YAML, XML and text plan parses, or is rejected exactly as
# tests/corpus/expected-rejects.tsv says and why; exclusive times add up; Pg::Explain's exclusive-time numbers hold.
# Skips (exit 77, shown as SKIP) where the corpus is not present, as in a user's clone.
set -u
src=${top_srcdir:-.}
bld=${top_builddir:-.}
corpus=${PLANLINT_CORPUS:-$src/../shared/corpus}
check=$(cd "$bld" && pwd)/tests/corpus/corpus_check
if [ ! -d "$corpus" ]; then
    echo "SKIP: no plan corpus at $corpus (set PLANLINT_CORPUS to run the conformance checks)"
    exit 77
fi
corpus=$(cd "$corpus" && pwd)
tmp=${TMPDIR:-/tmp}/planlint-conformance.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

# 1. Every plan input of the corpus: every file holding a JSON, YAML or XML plan node,
#    by content (README files aside); PostgreSQL's regression plans (12.0 and 18.3, most
#    with COSTS OFF); every other file of Pg::Explain's and pev2's tests but their
#    expectations and SQL.
(cd "$corpus" && {
    grep -rl --include='*' '"Node Type"' . | grep -v 'README'
    grep -rlE '<Node-Type>|Node Type: ' . | grep -v 'README'
    find ./pg-regress/pg12.0 ./pg-regress/pg18.3 -type f ! -name '*.json' ! -name '*.yaml' \
        ! -name '*.xml' ! -name '*.md' ! -name '*.tsv'
    find ./pg-explain/t ./pev2 -type f ! -name '*.expect' ! -name '*-expect' ! -name '*.struct' \
        ! -name '*.timings' ! -name '*.md' ! -name '*.tsv' ! -name '*.sql' ! -name '*xml*' ! -name '*yaml*'
} 2>/dev/null | sed 's|^\./||' | LC_ALL=C sort -u) > "$tmp/files"
[ -s "$tmp/files" ] || { echo "FAIL: no plans found under $corpus"; exit 1; }
(cd "$corpus" && xargs "$check" < "$tmp/files") > "$tmp/results"
grep -v '^OK ' "$tmp/results" | grep -v '^REJECT ' | grep -v '^SUMFAIL ' && fail=1
# Outcomes other than OK: "path<TAB>PLANLINT_E..." for rejects, "path<TAB>SUMFAIL".
awk '$1 == "REJECT" {print $2 "\t" $3} $1 == "SUMFAIL" {print $2 "\tSUMFAIL"}' \
    "$tmp/results" | LC_ALL=C sort > "$tmp/rejects"
grep -v '^#' "$src/tests/corpus/expected-rejects.tsv" | awk -F'\t' 'NF >= 2 {print $1 "\t" $2}' | LC_ALL=C sort > "$tmp/expected"
if ! diff -u "$tmp/expected" "$tmp/rejects"; then
    echo "FAIL: outcomes differ from tests/corpus/expected-rejects.tsv"
    grep -E '^(REJECT|SUMFAIL) ' "$tmp/results"
    fail=1
fi
total=$(wc -l < "$tmp/files")
ok=$(grep -c '^OK ' "$tmp/results")
summed=$(grep '^OK ' "$tmp/results" | sed 's/.*summed=//' | awk '{s += $1} END {print s + 0}')
rejected=$(grep -c '^REJECT ' "$tmp/results")
echo "corpus: $total files with JSON, YAML, XML or text plans: $ok parsed and add up ($summed timed plans), $rejected rejected; outcomes as tests/corpus/expected-rejects.tsv lists"
grep -E '^(REJECT|SUMFAIL) ' "$tmp/results"

# 1b. The sum check in numbers: every timed plan (a file may hold several), how many
#     have exclusive times adding up to the root's inclusive time within 1%, and
#     the largest difference among those.
awk '$1 == "OK" || $1 == "SUMFAIL" {
        for (i = 3; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
        timed += v["timed"]; within += v["within"]
        if (v["worst"] + 0 > worst) { worst = v["worst"] + 0; where = $2 " (" v["at"] ")" }
        delete v
     }
     END { printf "sum check: %d timed plans, %d add up within 1%%; largest difference among them %.3f%%: %s\n",
                  timed, within, worst * 100, where }' "$tmp/results"

# 2. Exclusive times that Pg::Explain's tests assert (t/plans 10, 13, 18 on pev2's
#    JSON rendering of the same plans; the plans inlined in t/11 and t/12), then the
#    cases of docs/derived-numbers.md that the corpus shows:
#    - t/44: the Gather's InitPlan runs in the leader alone, not divided by 3: the
#      Gather keeps 129.183 - 33.174 - 88.303 ms;
#    - pev2's cte-exclusive-time/03: nl1 (#33) is the one scan whose startup time
#      (967.757 ms) holds the CTE's (967.564): it ran the CTE to its first row, 2
#      loops x 967.564 ms; the rest (124.822 ms) goes to nl2 (#34), not all of it;
#    - pev2's 48: a Memoize of 1,000 loops printed "0.000 ms" holds its index scan's
#      0.006 ms, so the Nested Loop keeps 0.322 - 0.044 - 0.006 ms;
#    - pev2's samples 12: Gather Merge's shutdown wait under a Limit counts once.
while read -r file node metric want tol; do
    "$check" --metric "$corpus/$file" "$node" "$metric" "$want" "$tol" || fail=1
done <<'LIST'
pev2/src/services/__tests__/from-text/10-expect 0 exclusive_time 0.029 0.0015
pev2/src/services/__tests__/from-text/10-expect 0 inclusive_time 126.517 0.0005
pev2/src/services/__tests__/from-text/10-expect 5 inclusive_time 4.116 0.0005
pev2/src/services/__tests__/from-text/10-expect 5 exclusive_time 4.116 0.0005
pev2/src/services/__tests__/from-text/13-expect 0 exclusive_time 1.694 0.0015
pev2/src/services/__tests__/from-text/18-expect 0 exclusive_time 0.000 0.0015
pg-explain/t/inline-from-t-files/11-exclusive-3--01.plan 0 exclusive_time 14.114 0.0015
pg-explain/t/inline-from-t-files/12-exclusive-4--01.plan 0 exclusive_time 0.002 0.0015
pg-explain/t/44-parallel-queries.d/01.plan 0 exclusive_time 7.706 0.001
pg-explain/t/44-parallel-queries.d/01.plan 1 parallel_divisor 1 0
pg-explain/t/44-parallel-queries.d/01.plan 1 inclusive_time 88.303 0.0005
pg-explain/t/44-parallel-queries.d/01.plan 3 parallel_divisor 3 0
pg-explain/t/44-parallel-queries.d/01.plan 3 exclusive_time 51.310 0.0015
pev2/src/services/__tests__/cte-exclusive-time/03.plan 33 exclusive_time 33.144 0.0015
pev2/src/services/__tests__/cte-exclusive-time/03.plan 34 exclusive_time 38328.852 0.0015
pev2/src/services/__tests__/from-text/48-memoize-plan 0 exclusive_time 0.272 0.0015
pev2/src/services/__tests__/from-text/48-memoize-plan 2 exclusive_time 0.000 0.0015
pev2/src/services/__tests__/from-text/48-memoize-plan 3 exclusive_time 0.006 0.0015
pev2/extracted/samples--12-plan_parallel_2_source.txt 0 exclusive_time 0.678 0.0015
pev2/extracted/samples--12-plan_parallel_2_source.txt 1 exclusive_time 0.000 0.0015
LIST

# 3. Pg::Explain's parsed-structure expectations for its JSON, XML and YAML plans: every node's
#    costs, estimated rows and width, actual times, rows and loops, compared as
#    sorted lists (Pg::Explain orders subplans differently from plan order).
pe="$corpus/pg-explain/t"
{ for i in 1 2 3 4 5 6; do echo "13-xml-plans/$i.xml 13-xml-plans/$i.expect"; done
  for i in 1 2 3 4 5 6 7; do echo "15-yaml-plans/$i.yaml 15-yaml-plans/$i.expect"; done; } > "$tmp/markup-list"
n=0
while read -r plan expect; do
    "$check" --tuples "$pe/$plan" | sed 's/^ //' | LC_ALL=C sort > "$tmp/ours"
    perl "$src/tests/corpus/pg_explain_tuples.pl" "$pe/$expect" | LC_ALL=C sort > "$tmp/theirs"
    if diff -u "$tmp/theirs" "$tmp/ours"; then
        n=$((n + 1))
    else
        echo "FAIL: $plan differs from Pg::Explain's $expect"
        fail=1
    fi
done <<LIST
$(cat "$tmp/markup-list")
14-json-plans/1.json 14-json-plans/1.expect
14-json-plans/2.json 14-json-plans/2.expect
14-json-plans/3.json 14-json-plans/3.expect
14-json-plans/4.json 14-json-plans/4.expect
14-json-plans/5.json 14-json-plans/5.expect
14-json-plans/6.json 14-json-plans/6.expect
16-ctes/3-json.plan 16-ctes/3-json.expect
40-buffers-info.d/01.plan 40-buffers-info.d/01.struct
41-triggers-info.d/04.plan 41-triggers-info.d/04.struct
16-ctes/2-xml.plan 16-ctes/2-xml.expect
16-ctes/4-yaml.plan 16-ctes/4-yaml.expect
41-triggers-info.d/02.plan 41-triggers-info.d/02.struct
41-triggers-info.d/03.plan 41-triggers-info.d/03.struct
LIST
echo "Pg::Explain: $n of 26 JSON, XML and YAML plans match its expected node numbers"

# 3b. The same for Pg::Explain's text plans (t/plans/NN-plan against NN-expect). A
#     never-executed node is "-" there and 0 here: both are normalised to "-".
norm() { awk '$8 == "0.000" { $5 = "-"; $6 = "-"; $7 = "-" } { print }'; }
n=0; total=0
for expect in "$pe"/plans/*-expect; do
    plan=${expect%-expect}-plan
    [ -f "$plan" ] || continue
    total=$((total + 1))
    name=$(basename "$plan")
    "$check" --tuples "$plan" | sed 's/^ //' | norm | LC_ALL=C sort > "$tmp/ours"
    perl "$src/tests/corpus/pg_explain_tuples.pl" "$expect" | norm | LC_ALL=C sort > "$tmp/theirs"
    if cmp -s "$tmp/theirs" "$tmp/ours"; then
        n=$((n + 1))
    else
        echo "FAIL: $name differs from Pg::Explain's expectation"
        diff -u "$tmp/theirs" "$tmp/ours" | head -20
        fail=1
    fi
done
echo "Pg::Explain: $n of $total text plans match its expected node numbers"

# 3c. pev2's text-to-JSON expectations: every key pev2 expects, in every node, has
#     the same value in the tree planlint reads from the text (toMatchObject). pev2's
#     own spellings ("Nested Loop Join", quoted index names, "schema.table" as the
#     Relation Name, lists kept as "a, b", zero counters the text leaves out) are
#     mapped to PostgreSQL's.
#     The plans listed here differ, each for the reason given: listed, not hidden.
known_pev2() {
    case "$1" in
        from-text/43-index-name-parsing-plan) echo "pev2 puts the schema inside Relation Name" ;;
        *) echo "" ;;
    esac
}
pv="$corpus/pev2/src/services/__tests__"
n=0; total=0
for expect in "$pv"/from-text/*-expect "$pv"/12-line-wrapped-plans/*-expect; do
    plan=${expect%-expect}-plan
    [ -f "$plan" ] || continue
    total=$((total + 1))
    rel=${plan#$pv/}
    if "$check" --subset "$plan" "$expect" > "$tmp/subset"; then
        n=$((n + 1))
    else
        why=$(known_pev2 "$rel")
        if [ -n "$why" ]; then echo "known difference: $rel ($why)"; else cat "$tmp/subset"; fail=1; fi
    fi
done
echo "pev2: $n of $total text plans hold every key of pev2's expected JSON"

# 4. Pg::Explain's I/O timing expectations (t/82) for the psql-framed JSON plans.
"$check" --metric "$pe/82-io-timings-changed.d/11.plan" 0 io_read_time 15.769 0.0005 || fail=1
"$check" --metric "$pe/82-io-timings-changed.d/12.plan" 0 io_read_time 14.404 0.0005 || fail=1

# 5. Two of PostgreSQL's regression plans, which have neither costs nor times: the tree
#    and the HTML page show no empty number columns, and in planlint diff each node is
#    one line, with no line of blanks where numbers would be.
planlint=$(cd "$bld" && pwd)/cli/planlint
a="$corpus/pg-regress/pg18.3/join/266.txt" b="$corpus/pg-regress/pg18.3/btree_index/013.txt"
if [ -f "$a" ] && [ -f "$b" ]; then
    "$planlint" diff --color=never "$a" "$b" > "$tmp/diff" || { echo "FAIL: planlint diff on $a $b"; fail=1; }
    if grep -qE '^ +$' "$tmp/diff" || [ "$(grep -c '^[~+-] ' "$tmp/diff")" -lt 3 ]; then
        echo "FAIL: planlint diff of two plans without numbers:"; cat "$tmp/diff"; fail=1
    fi
    "$planlint" --color=never --width=100 "$a" > "$tmp/tree"
    if [ "$(sed -n 3p "$tmp/tree")" != "  node" ] || [ "$(sed -n 4p "$tmp/tree")" != "  #0 Merge Join" ]; then
        echo "FAIL: the tree of a plan without numbers has number columns:"; cat "$tmp/tree"; fail=1
    fi
    if "$planlint" --format html "$a" | grep -q 'startup cost'; then
        echo "FAIL: the HTML page of a plan without numbers has number columns"; fail=1
    fi
fi
exit $fail
