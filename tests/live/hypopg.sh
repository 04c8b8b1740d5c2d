#!/bin/sh
# hypopg verification of suggested indexes against a real, throwaway PostgreSQL with
# the hypopg extension available (Debian's postgresql-NN-hypopg): the index is chosen,
# or not, with the planner's costs; a role that cannot create the extension gets "not
# verified" and why; an extension installed in another schema is found; nothing of it
# (extension, index, rows) outlives planlint. Skips (77) when hypopg is not installed.
set -u
port=${PLANLINT_TEST_PGPORT:-54341}
. "$(dirname "$0")/cluster.sh"
start_cluster

[ "$(sql "SELECT count(*) FROM pg_available_extensions WHERE name = 'hypopg'")" = 1 ] ||
    cannot_run "the hypopg extension is not installed (Debian: postgresql-$("$pgbin/postgres" -V | sed 's/[^0-9]*\([0-9]*\).*/\1/')-hypopg)"

# noix: an index on k would serve k = 5. st: analyzed when every row was 'a', then
# 95% became 'b' with autovacuum off, so the planner expects status = 'a' to match every
# row and would not use an index on status.
sql "CREATE TABLE noix (id int, k int);
     INSERT INTO noix SELECT g, g % 100 FROM generate_series(1, 200000) g;
     CREATE TABLE noix2 (id int, k int);
     INSERT INTO noix2 SELECT g, g % 50 FROM generate_series(1, 100000) g;
     CREATE TABLE st (id int, status text) WITH (autovacuum_enabled = off);
     INSERT INTO st SELECT g, 'a' FROM generate_series(1, 20000) g;
     CREATE ROLE plain LOGIN; GRANT SELECT, UPDATE ON noix TO plain;" &&
    sql "ANALYZE noix; ANALYZE noix2; ANALYZE st;" && sql "UPDATE st SET status = 'b' WHERE id > 1000;" || exit 99
state() {
    sql "SELECT count(*), sum(id), sum(k) FROM noix; SELECT count(*), md5(string_agg(status, '' ORDER BY id)) FROM st;
         SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension;
         SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace;"
}
before=$(state)
# costs BEFORE AFTER: the JSON output's verification costs, for a comparison
costs() { grep -o '"cost_before":[0-9.]*,"cost_after":[0-9.]*' "$out" | head -1 | sed 's/[^0-9.,]//g; s/,/ /'; }

expect 0 "a missing index the planner would use" -- -c "SELECT * FROM noix WHERE k = 5"
has "the index is suggested" "CREATE INDEX ON public.noix (k);"
has "hypopg says the planner uses it" "Verified with hypopg: the planner uses the index; estimated cost"
expect 0 "the same, as JSON" -- --format=json -c "SELECT * FROM noix WHERE k = 5"
has "JSON: status chosen and the hypothetical index's name" '"verification":{"status":"chosen",.*"note":"<[0-9]*>btree_noix_k","together":null}'
set -- $(costs)
if [ $# = 2 ] && awk -v b="$1" -v a="$2" 'BEGIN { exit !(a > 0 && a < b / 2) }'; then
    echo "ok: the planner's cost falls from $1 to $2"
else
    echo "FAIL: costs before/after not as expected: '$*'"; cat "$out"; fail=1
fi
has "JSON: the CREATE INDEX as its own field" '"index_sql":"CREATE INDEX ON public.noix (k);"'
expect 0 "the same, as Markdown" -- --format=markdown -c "SELECT * FROM noix WHERE k = 5"
has "Markdown: the verdict quoted under the advice" '^> Verified with hypopg: the planner uses the index; estimated cost'
expect 0 "the same, as SARIF" -- --format=sarif -c "SELECT * FROM noix WHERE k = 5"
has "SARIF: the verdict in the result's message" '"text":"[^"]*Verified with hypopg: the planner uses the index'

# Two suggestions in one plan: each alone, then both together.
expect 0 "two missing indexes in one plan" -- --format=json -c \
    "SELECT * FROM noix a JOIN noix2 b ON b.id = a.id WHERE a.k = 5 AND b.k = 7"
has "both tried together" '"together":{"indexes":[23],"cost_after":[0-9.]*,"uses_this_index":true}'
expect 0 "the same in the tree" -- -c "SELECT * FROM noix a JOIN noix2 b ON b.id = a.id WHERE a.k = 5 AND b.k = 7"
has "the tree says so" "With all [23] suggested indexes together: estimated cost"

expect 0 "stale statistics: an index the planner would not use" -- -c "SELECT * FROM st WHERE status = 'a'"
has "hypopg says the planner would not use it" "the planner would NOT use the index"

expect 0 "parameters through --param" -- --param 7 -c "SELECT * FROM noix WHERE k = \$1"
has "verified with the parameter's value" "Verified with hypopg: the planner uses the index"
expect 0 "a write, with --allow-writes (planned again, never run again)" -- \
    --allow-writes -c "UPDATE noix SET id = id + 1 WHERE k = 5"
has "an UPDATE's index verified" "Verified with hypopg: the planner uses the index"
expect 0 "--no-verify" -- --no-verify -c "SELECT * FROM noix WHERE k = 5"
hasnt "--no-verify: no hypopg" "hypopg"
unchanged "verification as a superuser"

expect 0 "a role that may not create the extension" -- -U plain -c "SELECT * FROM noix WHERE k = 5"
has "not verified, and why" "Not verified with hypopg: permission denied to create extension"
has "the suggestion stands" "CREATE INDEX ON public.noix (k);"
unchanged "verification refused"

# Installed by an administrator in a schema that is not on the search path.
sql "CREATE SCHEMA tools; CREATE EXTENSION hypopg SCHEMA tools; GRANT USAGE ON SCHEMA tools TO plain;" || exit 99
before=$(state)
expect 0 "hypopg installed in another schema, used by a plain role" -- -U plain -c "SELECT * FROM noix WHERE k = 5"
has "found and used" "Verified with hypopg: the planner uses the index"
[ "$(sql "SELECT count(*) FROM tools.hypopg_list_indexes")" = 0 ] &&
    echo "ok: no hypothetical index left behind" || { echo "FAIL: hypothetical indexes left"; fail=1; }
unchanged "verification with the extension installed"

# Hostile names: a table whose name holds a quote, a newline and a semicolon, and a
# 63-byte column (as long as the server keeps) with a quote, a semicolon and --. The
# suggestion must quote them so that hypopg builds the index on exactly that column.
evil_col=$(printf 'k"; DROP TABLE noix; --%040d' 0 | tr 0 x)
evil_tab='"ev""il
t;"'
evil_colq=$(printf '%s' "$evil_col" | sed 's/"/""/g')
sql "CREATE TABLE $evil_tab (id int, \"$evil_colq\" int);
     INSERT INTO $evil_tab SELECT g, g % 100 FROM generate_series(1, 200000) g;" &&
    sql "ANALYZE $evil_tab;" || exit 99
before=$(state)
expect 0 "hostile table and column names" -- -c "SELECT * FROM $evil_tab WHERE \"$evil_colq\" = 5"
has "the names are quoted in the suggestion" 'CREATE INDEX ON public."ev""il'
has "the 63-byte column is kept whole" "(\"k\"\"; DROP TABLE noix; --x*\");"
has "hypopg builds it and the planner uses it" "Verified with hypopg: the planner uses the index"
unchanged "verification with hostile names"

finish
