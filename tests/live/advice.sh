#!/bin/sh
# Index advice with the catalog: equality keys ordered by pg_stats n_distinct, a cast on
# a column answered with the index that exists for the rewrite, and the index for a
# correlated subquery verified with hypopg. Skips (77) when hypopg is not installed.
set -u
port=${PLANLINT_TEST_PGPORT:-54343}
. "$(dirname "$0")/cluster.sh"
start_cluster

[ "$(sql "SELECT count(*) FROM pg_available_extensions WHERE name = 'hypopg'")" = 1 ] ||
    cannot_run "the hypopg extension is not installed"

# ord: status has 4 values, user_id 20,000; no index but the primary key.
# ev: a timestamptz column with an index, for the ::date cast.
# u, o: a correlated subquery over 20 users that scans o once each.
sql "CREATE TABLE ord (id int PRIMARY KEY, status text, user_id int, created_at timestamptz);
     INSERT INTO ord SELECT g, (ARRAY['open','paid','shipped','done'])[1 + g % 4], g % 20000,
            timestamptz '2024-01-01 00:00+00' + g * interval '1 minute' FROM generate_series(1, 200000) g;
     CREATE TABLE ev (id int PRIMARY KEY, at timestamptz NOT NULL);
     INSERT INTO ev SELECT g, timestamptz '2024-01-01 00:00+00' + g * interval '20 seconds' FROM generate_series(1, 200000) g;
     CREATE INDEX ev_at_idx ON ev (at);
     CREATE TABLE u (id int PRIMARY KEY, country text);
     INSERT INTO u SELECT g, CASE WHEN g % 1000 = 0 THEN 'NZ' ELSE 'DE' END FROM generate_series(1, 20000) g;
     CREATE TABLE o (id int PRIMARY KEY, user_id int);
     INSERT INTO o SELECT g, g % 20000 FROM generate_series(1, 200000) g;" &&
    sql "ANALYZE ord; ANALYZE ev; ANALYZE u; ANALYZE o;" || exit 99
state() { sql "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class WHERE relnamespace = 'public'::regnamespace"; }
before=$(state)

expect 0 "equality keys by selectivity" -- --no-verify -c "SELECT id FROM ord WHERE status = 'open' AND user_id = 42 AND created_at > '2024-03-01'"
has "the many-valued column first, the range last" "CREATE INDEX ON public.ord (user_id, status, created_at);"
expect 0 "without the catalog: the printed order" -- --no-enrich --no-verify -c "SELECT id FROM ord WHERE status = 'open' AND user_id = 42 AND created_at > '2024-03-01'"
has "printed order" "CREATE INDEX ON public.ord (status, user_id, created_at);"

expect 0 "a ::date cast on an indexed timestamptz column" -- -c "SELECT id FROM ev WHERE at::date = '2024-02-01'"
has "the rewrite as a range" "Write it as at >= '2024-02-01'::date AND at < '2024-02-01'::date + 1"
has "the existing index named for it" "The index ev_at_idx on (at) then serves"
hasnt "no expression index" "CREATE INDEX ON public.ev ((("

expect 0 "id = 42::numeric on the primary key" -- -c "SELECT id FROM ev WHERE id = 42::numeric"
has "the value in the column's type" "Write it as id = 42"
has "the primary key named" "The index ev_pkey on (id) then serves"

expect 0 "a correlated subquery scanning a table per outer row" -- -c "SELECT u.id, (SELECT count(*) FROM o WHERE o.user_id = u.id) FROM u WHERE u.country = 'NZ'"
has "subplan-per-row on 20 loops" "PL012 subplan-per-row"
has "the index on the correlated column" "CREATE INDEX ON public.o (user_id);"
has "hypopg: the planner uses it" "Verified with hypopg: the planner uses the index"
unchanged "advice checks"

finish
