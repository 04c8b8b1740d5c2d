#!/bin/sh
# Live mode for the rules that need the catalog: a slow foreign-key DELETE trigger
# resolved to the referencing table and columns (fk-trigger-index), silent once the
# index exists; the index a top-N index walk needs (top-n-filter), built from the walked
# index's keys and verified by hypopg. Skips (77) without the server binaries.
set -u
port=${PLANLINT_TEST_PGPORT:-54342}
. "$(dirname "$0")/cluster.sh"
start_cluster

sql "CREATE TABLE parent (id int PRIMARY KEY);
     INSERT INTO parent SELECT generate_series(1, 2000);
     CREATE TABLE \"Child Rows\" (id int, \"Parent Id\" int REFERENCES parent, k int);
     INSERT INTO \"Child Rows\" SELECT g, 1 + g % 1900, g FROM generate_series(1, 200000) g;
     CREATE TABLE parent2 (id int PRIMARY KEY);
     INSERT INTO parent2 SELECT generate_series(1, 2000);
     CREATE TABLE child2 (id int, parent_id int REFERENCES parent2);
     INSERT INTO child2 SELECT g, 1 + g % 1900 FROM generate_series(1, 200000) g;
     CREATE INDEX child2_parent_idx ON child2 (parent_id);
     CREATE TABLE o (id int, status text, created_at timestamptz);
     INSERT INTO o SELECT g, CASE WHEN g <= 1000 AND g % 2 = 0 THEN 'refunded' ELSE 'done' END,
                          timestamptz '2024-01-01' + g * interval '1 minute' FROM generate_series(1, 200000) g;
     CREATE INDEX o_created_at_idx ON o (created_at);
     CREATE EXTENSION hypopg;
     ANALYZE;" || exit 99

expect 0 "a DELETE whose FK trigger scans an unindexed referencing column" -- \
    --allow-writes -c "DELETE FROM parent WHERE id > 1950"
has "the trigger resolved to the referencing table and columns" 'has no index on (Parent Id)'
has "the CREATE INDEX, names quoted" 'CREATE INDEX ON public."Child Rows" ("Parent Id");'
has "no claim of hypopg verification" "Not verified with hypopg: the trigger's lookups do not"
expect 0 "the same without the catalog" -- --no-enrich --allow-writes -c "DELETE FROM parent WHERE id > 1950"
hasnt "fk-trigger-index needs the catalog" "PL029"
expect 0 "the referencing column indexed" -- --allow-writes -c "DELETE FROM parent2 WHERE id > 1950"
hasnt "no fk-trigger-index finding" "PL029"

expect 0 "ORDER BY created_at LIMIT over an index walk filtered by status" -- \
    -c "SELECT id FROM o WHERE status = 'refunded' ORDER BY created_at DESC LIMIT 20"
has "the composite index from the walked index's keys" "CREATE INDEX ON public.o (status, created_at);"
has "hypopg says the planner uses it" "Verified with hypopg: the planner uses the index"

finish
