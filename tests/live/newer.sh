#!/bin/sh
# Live mode against PostgreSQL 16 or later (Debian 12 ships 15): a generic plan for a
# statement with $n and no values (EXPLAIN GENERIC_PLAN, 16+), the EXPLAIN options of a
# newer server, and "not verified" when hypopg is not installed there. The server comes
# from PLANLINT_NEWER_PGBIN (tests/live/newer-postgres.sh fetches one); without it the
# test skips, except in CI.
set -u
[ -n "${PLANLINT_NEWER_PGBIN:-}" ] || {
    [ -n "${PLANLINT_CI:-}" ] && { echo "FAIL (CI must run this): PLANLINT_NEWER_PGBIN not set"; exit 99; }
    echo "SKIP: no newer server: PLANLINT_NEWER_PGBIN=\$(tests/live/newer-postgres.sh DIR) make check"; exit 77
}
PLANLINT_TEST_PGBIN=$PLANLINT_NEWER_PGBIN
port=${PLANLINT_TEST_PGPORT:-54342}
. "$(dirname "$0")/cluster.sh"
start_cluster
version=$(sql "SHOW server_version_num")
[ "${version:-0}" -ge 160000 ] || { echo "FAIL: $pgbin is PostgreSQL $version, not 16 or later"; exit 99; }
echo "server: $(sql "SELECT version()")"

sql "CREATE TABLE noix (id int, k int); INSERT INTO noix SELECT g, g % 100 FROM generate_series(1, 200000) g;" &&
    sql "ANALYZE noix;" || exit 99
state() { sql "SELECT count(*), sum(id), sum(k) FROM noix; SELECT string_agg(extname, ',') FROM pg_extension;"; }
before=$(state)

expect 0 "\$1 without --param: a generic plan" -- -c "SELECT * FROM noix WHERE k = \$1"
has "the plan keeps the placeholder" "Filter: (noix.k = \$1)"
has "a generic plan is not executed" "No ANALYZE: estimates only"
grep -q "^planlint: note: with \$n and no --param values, this is a generic plan" "$err" &&
    echo "ok: a note says it is a generic plan" || { echo "FAIL: no note on the generic plan"; cat "$err"; fail=1; }
expect 0 "a generic plan of an UPDATE, with --allow-writes" -- --allow-writes -c "UPDATE noix SET id = -id WHERE k = \$1"
has "an UPDATE's generic plan" "ModifyTable on public.noix"
expect 0 "--param on a newer server" -- --param 5 -c "SELECT * FROM noix WHERE k = \$1"
has "the value is used" "Filter: (noix.k = 5)"
expect 0 "ANALYZE with the options of a newer server" -- --allow-writes -c "UPDATE noix SET id = id WHERE k = 5"
has "executed, so actual numbers" "execution [0-9.]* ms"
expect 0 "hypopg not installed on the server" -- -c "SELECT * FROM noix WHERE k = 5"
has "the index is suggested" "CREATE INDEX ON public.noix (k);"
has "not verified, because hypopg is missing" "Not verified with hypopg: the hypopg extension is not installed on the server"
[ "$(state)" = "$before" ] && echo "ok: the database did not change" || { echo "FAIL: the database changed"; fail=1; }
finish
