-- Captured by hand from PostgreSQL 15 (psql, \pset format unaligned, tuples only):
-- EXPLAIN (COSTS, VERBOSE) into grouping_sets_sorted.txt, the same with FORMAT JSON
-- into grouping_sets_sorted.json. bit(8) sorts but does not hash, so next to a hashed
-- set the grouping sets on bx and byy are sorted rollups, each under its own Sort Key.
CREATE TABLE t AS SELECT i % 7 AS a, i % 11 AS b, i % 13 AS c, i % 17 AS d FROM generate_series(1, 10000) i;
ALTER TABLE t ADD COLUMN bx bit(8), ADD COLUMN byy bit(8);
UPDATE t SET bx = (c)::bit(8), byy = (d)::bit(8);
ANALYZE t;
SET jit = off;
EXPLAIN (COSTS, VERBOSE)
SELECT a, bx, byy, count(*) FROM t GROUP BY GROUPING SETS ((a), (b), (bx), (bx, a), (byy), ());
