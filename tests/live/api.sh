#!/bin/sh
# The live-mode library calls (tests/live/test_live_api.c) against a real, throwaway
# PostgreSQL: argument checks, refusals, error paths, cancels, no session state left
# after any call (transaction, prepared statement, advisory lock), allocation failures,
# a killed backend, and the whole capture-enrich-check-verify path.
set -u
port=${PLANLINT_TEST_PGPORT:-54343}
. "$(dirname "$0")/cluster.sh"
start_cluster
sql "CREATE TABLE noix (id int, k int); INSERT INTO noix SELECT g, g % 100 FROM generate_series(1, 200000) g;" &&
    sql "DO \$\$ BEGIN FOR i IN 1..40 LOOP
           EXECUTE format('CREATE TABLE w%s (id int PRIMARY KEY, a int, b text, c date)', i);
           EXECUTE format('CREATE INDEX ON w%s (a, b)', i);
           EXECUTE format('INSERT INTO w%s SELECT g, g, g::text, DATE ''2026-01-01'' + g
                           FROM generate_series(1, 50) g', i);
         END LOOP; END \$\$;" &&
    sql "ANALYZE;" || exit 99
state() {
    sql "SELECT count(*), sum(id), sum(k) FROM noix; SELECT string_agg(extname, ',') FROM pg_extension;
         SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace;"
}
before=$(state)
"$(cd "${top_builddir:-.}" && pwd)/tests/live/test_live_api" "host=$dir port=$port user=postgres dbname=postgres" || fail=1
unchanged "the library calls"
# No finish: the test program sends statements of its own on planlint's connection
# (to check it is idle), so the statement-log audit of the other live tests does not apply.
exit $fail
