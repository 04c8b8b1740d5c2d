#!/bin/sh
# Live mode against a real, throwaway PostgreSQL cluster started here: capture, refusals,
# rollback of writes (row checksums and schema compared before and after), timeout,
# connection errors without the password, a server dying mid-query, and Ctrl-C.
# Skips (exit 77) only when the PostgreSQL server binaries are not installed (fails in CI).
set -u
port=${PLANLINT_TEST_PGPORT:-54340}
. "$(dirname "$0")/cluster.sh"

# One role logs in with a password, so a wrong one can be tried.
{ echo "local all pwuser scram-sha-256"; cat "$data/pg_hba.conf"; } > "$dir/hba" &&
    cat "$dir/hba" > "$data/pg_hba.conf"
start_cluster

sql "CREATE TABLE t (id int PRIMARY KEY, v text, n int);
     INSERT INTO t SELECT g, md5(g::text), g % 10 FROM generate_series(1, 5000) g;
     CREATE TABLE u (id int); CREATE SEQUENCE s; ANALYZE;
     CREATE FUNCTION bump() RETURNS int LANGUAGE sql AS 'INSERT INTO u SELECT 1 RETURNING 1';
     CREATE FUNCTION quiet_reset() RETURNS int IMMUTABLE LANGUAGE plpgsql
         AS \$\$BEGIN PERFORM pg_stat_reset(); RETURN 1; END\$\$;
     CREATE VIEW tv AS SELECT id, pg_catalog.pg_cancel_backend(0) AS c FROM t;
     CREATE ROLE pwuser LOGIN PASSWORD 'Sup3rSecretPw'; GRANT SELECT ON t TO pwuser;" || exit 99
# Enrichment: ix has an index on status that the planner ignores (its statistics say
# every row is 'a', then most rows changed with autovacuum off: stale, too); noix has no
# index; fr was just analyzed, but pg_class lies about its row count (a plan-alone
# stale-stats signal that the catalog does not confirm). The ANALYZE waits until the
# loads are counted, and the tests until the UPDATE is.
sql "CREATE TABLE ix (id int, status text) WITH (autovacuum_enabled = off);
     INSERT INTO ix SELECT g, 'a' FROM generate_series(1, 20000) g;
     CREATE INDEX ix_status_idx ON ix (status);
     CREATE TABLE noix (id int, k int) WITH (autovacuum_enabled = off);
     INSERT INTO noix SELECT g, g % 100 FROM generate_series(1, 20000) g;
     CREATE TABLE fr (id int) WITH (autovacuum_enabled = off);
     INSERT INTO fr SELECT generate_series(1, 20000);" &&
    wait_counted ix 20000 && wait_counted noix 20000 && wait_counted fr 20000 &&
    sql "ANALYZE ix; ANALYZE noix; ANALYZE fr;" &&
    sql "UPDATE ix SET status = 'b' WHERE id > 1000;" && wait_counted ix 39000 &&
    sql "UPDATE pg_class SET reltuples = 10 WHERE oid = 'fr'::regclass;" || exit 99

state() {
    sql "SELECT count(*), md5(coalesce(string_agg(id || ':' || v || ':' || n, ',' ORDER BY id), '')) FROM t;
         SELECT count(*) FROM u; SELECT last_value, is_called FROM s;
         SELECT string_agg(relname || '/' || relkind::text, ',' ORDER BY relname) FROM pg_class
          WHERE relnamespace = 'public'::regnamespace;"
}
before=$(state)
# ---- capture
expect 0 "capture and analyze a SELECT" -- -c "SELECT * FROM t WHERE n = 3 ORDER BY v"
grep -q "Seq Scan\|Index Scan\|Sort" "$out" || { echo "FAIL: no annotated plan"; cat "$out"; fail=1; }
expect 0 "the statement as the argument, with a comment and (parentheses)" -- \
    "/* why */ (SELECT count(*) FROM t WHERE v LIKE 'a;b%')"
expect 0 "--no-analyze" -- --no-analyze -c "SELECT * FROM t WHERE id < 10"
expect 0 "--param for \$1" -- --param 42 -c "SELECT * FROM t WHERE id = \$1"
expect 0 "-f - (statement from stdin)" -- -f - <<SQL
SELECT n, count(*) FROM t GROUP BY n;
SQL
# --no-enrich: a file has no catalog to read, so only the plan alone compares.
expect 0 "--save keeps the captured JSON" -- --no-enrich --save "$dir/saved.json" -c "SELECT * FROM t WHERE n = 5"
cp "$out" "$dir/live.out"
# The saved plan carries its statement ("Query Text"), which a file's report shows.
if "$planlint" "$dir/saved.json" > "$dir/file.out" 2>"$err" && grep -q '"Plan"' "$dir/saved.json" &&
   grep -qx 'query: SELECT \* FROM t WHERE n = 5' "$dir/file.out" &&
   [ "$(grep -v '^query: ' "$dir/file.out" | grep -c .)" = "$(grep -c . "$dir/live.out")" ]; then
    echo "ok: the saved plan analyzes like a file, and names its statement"
else
    echo "FAIL: the saved plan does not analyze like the capture"; cat "$err"; fail=1
fi
grep -q '"Execution Time"' "$dir/saved.json" || { echo "FAIL: the saved plan lacks ANALYZE"; fail=1; }

# ---- enrichment from the catalog (planlint_enrich)
expect 0 "an existing index the planner ignored" -- -c "SELECT * FROM ix WHERE status = 'a'"
has "seq-scan-filter names the existing index" "ix_status_idx on (status) already exists and was not used"
hasnt "seq-scan-filter does not suggest it again" "CREATE INDEX ON public.ix"
has "stale-stats confirmed from pg_stat_user_tables" "Confirmed: pg_stat_user_tables shows 19,000 rows modified"
has "row-misestimate says from the catalog how stale the statistics are" \
    "its statistics are stale: it was last analyzed"
has "row-misestimate counts the rows changed since" "and 19,000 rows (95% of 20,000) changed since"
expect 0 "--no-enrich: the plan alone" -- --no-enrich -c "SELECT * FROM ix WHERE status = 'a'"
has "--no-enrich suggests from the plan alone" "CREATE INDEX ON public.ix (status);"
hasnt "--no-enrich reads no catalog" "pg_stat_user_tables shows"
expect 0 "a table with no index" -- -c "SELECT * FROM noix WHERE k = 5"
has "the missing index is suggested" "CREATE INDEX ON public.noix (k);"
hasnt "a freshly analyzed table is not reported stale" "stale-stats"
expect 0 "a misestimate on freshly analyzed statistics" -- -c "SELECT count(*) FROM fr"
has "stale-stats says the catalog does not confirm it" "Not confirmed: the statistics look fresh"
has "row-misestimate says the statistics are fresh instead of \"may be stale\"" \
    "Its statistics are fresh (it was last analyzed"
expect 0 "JSON output carries the catalog's evidence" -- --format=json -c "SELECT count(*) FROM ix"
has "rows_modified_since_analyze in the evidence" '"rows_modified_since_analyze"'
unchanged "enrichment"

# ---- a partial index counts when the Filter implies its WHERE. pix is ix's trick again:
# analyzed when every row was 'open' with k = 1, so the planner expects the partial index
# to hold the whole table and scans the table instead. In a schema of its own, which
# state() does not list.
sql "CREATE SCHEMA pi; CREATE TABLE pi.pix (id int, status text, k int) WITH (autovacuum_enabled = off);
     INSERT INTO pi.pix SELECT g, 'open', 1 FROM generate_series(1, 20000) g;
     CREATE INDEX pix_open_k ON pi.pix (k) WHERE status = 'open';" &&
    sql "ANALYZE pi.pix;" && sql "UPDATE pi.pix SET status = 'done' WHERE id > 1000;" || exit 99
expect 0 "a partial index the planner ignored" -- -c "SELECT * FROM pi.pix WHERE status = 'open' AND k = 1"
has "seq-scan-filter names the partial index, with its WHERE" \
    "Partial index pix_open_k on (k) WHERE (status = 'open'::text) already exists and was not used"
hasnt "seq-scan-filter does not suggest a new index" "CREATE INDEX ON pi.pix"
expect 0 "a partial index in JSON" -- --format=json -c "SELECT * FROM pi.pix WHERE status = 'open' AND k = 1"
has "existing_index_partial in the evidence" '"existing_index_partial"'
expect 0 "a Filter that does not imply the partial index's WHERE" -- \
    -c "SELECT * FROM pi.pix WHERE status = 'closed' AND k = 1"
has "the index is suggested" "CREATE INDEX ON pi.pix (status, k);"
hasnt "the partial index is not named" "pix_open_k"
unchanged "partial indexes"

# ---- refused before anything runs
expect 2 "INSERT without --allow-writes" -- -c "INSERT INTO t VALUES (9999, 'x', 1)"
expect 2 "UPDATE without --allow-writes" -- -c "UPDATE t SET v = 'x'"
expect 2 "DELETE without --allow-writes" -- -c "DELETE FROM t"
expect 2 "WITH ... DELETE without --allow-writes" -- -c "WITH d AS (DELETE FROM t RETURNING *) SELECT count(*) FROM d"
expect 2 "SELECT INTO without --allow-writes" -- -c "SELECT * INTO t2 FROM t"
expect 2 "WITH ... SELECT INTO without --allow-writes" -- -c "WITH w AS (SELECT 1) SELECT * INTO t2 FROM w"
expect 2 "SELECT FOR UPDATE without --allow-writes" -- -c "SELECT * FROM t WHERE id = 1 FOR UPDATE"
expect 2 "CREATE TABLE" -- --allow-writes -c "CREATE TABLE t3 (a int)"
expect 2 "DROP TABLE" -- --allow-writes -c "DROP TABLE t"
expect 2 "TRUNCATE" -- --allow-writes -c "TRUNCATE t"
expect 2 "VACUUM" -- --allow-writes -c "VACUUM t"
expect 2 "CREATE INDEX CONCURRENTLY" -- --allow-writes -c "CREATE INDEX CONCURRENTLY ON t (v)"
expect 2 "COPY" -- --allow-writes -c "COPY t TO STDOUT"
expect 2 "COMMIT" -- --allow-writes -c "COMMIT"
expect 2 "two statements" -- --allow-writes -c "SELECT 1; DELETE FROM t"
expect 2 "a statement hidden after a semicolon and a comment" -- --allow-writes -c "SELECT 1; -- x
DROP TABLE t"
expect 0 "\$1 without --param: a generic plan, never executed" -- --no-verify -c "SELECT * FROM t WHERE id = \$1"
grep -q "generic plan" "$err" && grep -q 'id = \$1' "$out" && grep -q "No ANALYZE: estimates only" "$out" ||
    { echo "FAIL: the generic plan is not one, or is not said to be"; cat "$err" "$out"; fail=1; }
expect 0 "semicolons inside quotes, dollar quotes and comments are not statements" -- \
    -c "SELECT ';' AS a, \$\$;DROP TABLE t;\$\$ AS b /* ; */ FROM t LIMIT 1; -- end"
unchanged "refusals"
expect 2 "nextval() without --allow-writes: a sequence does not roll back" -- -c "SELECT * FROM t WHERE id = nextval('s')"
grep -q "refused: nextval() moves a sequence; a rollback cannot undo that" "$err" || { echo "FAIL: the refusal does not name nextval"; cat "$err"; fail=1; }
expect 2 "an IMMUTABLE function whose body resets statistics, even plan-only" -- --no-analyze -c "SELECT quiet_reset()"
grep -q "quiet_reset() calls pg_stat_reset()" "$err" || { echo "FAIL: the refusal does not name the body's call"; cat "$err"; fail=1; }
expect 2 "a view that calls pg_cancel_backend: the server's plan shows it" -- -c "SELECT * FROM tv"
grep -q "the server's plan calls pg_cancel_backend()" "$err" || { echo "FAIL: the plan fence did not say why"; cat "$err"; fail=1; }
# The READ ONLY transaction stops what neither the parse tree nor the plan shows.
expect 3 "a write hidden in a function body is stopped by READ ONLY" -- -c "SELECT bump()"
unchanged "read only"

# ---- writes run and are rolled back
expect 0 "INSERT with --allow-writes" -- --allow-writes -c "INSERT INTO t SELECT g, 'new', 0 FROM generate_series(6000, 7000) g"
expect 0 "UPDATE with --allow-writes" -- --allow-writes -c "UPDATE t SET v = 'changed', n = n + 1"
expect 0 "DELETE with --allow-writes" -- --allow-writes -c "DELETE FROM t WHERE id % 2 = 0"
expect 0 "INSERT into another table" -- --allow-writes -c "INSERT INTO u SELECT 1"
expect 2 "CREATE TABLE AS, even with --allow-writes" -- --allow-writes -c "CREATE TABLE t4 AS SELECT * FROM t"
expect 0 "SELECT FOR UPDATE with --allow-writes" -- --allow-writes -c "SELECT * FROM t WHERE id = 1 FOR UPDATE"
unchanged "writes rolled back"

# ---- errors: one line, exit 3, no password
expect 3 "statement timeout" -- --timeout=1 -c "SELECT pg_sleep(5)"
grep -q "statement timeout" "$err" || { echo "FAIL: the timeout message does not say so"; fail=1; }
expect 3 "a database error (no such table)" -- -c "SELECT * FROM nosuch"
expect 3 "bad port" -- -p 1 -c "SELECT 1"
expect 3 "bad host" -- -h nosuch-host.invalid -c "SELECT 1"
secret=Wr0ngPassw0rdXyz
for how in uri pgpassword; do
    if [ $how = uri ]; then
        "$planlint" -d "postgresql://pwuser:$secret@/postgres?host=$dir&port=$port" -c "SELECT 1" >"$out" 2>"$err"
    else
        PGPASSWORD=$secret "$planlint" -h "$dir" -p "$port" -U pwuser -d postgres -c "SELECT 1" >"$out" 2>"$err"
    fi
    got=$?
    if [ $got != 3 ] || [ "$(wc -l < "$err")" != 1 ]; then
        echo "FAIL: wrong password ($how): exit $got"; cat "$err"; fail=1
    elif grep -q "$secret" "$out" "$err"; then
        echo "FAIL: wrong password ($how): the password appears in the output"; fail=1
    else
        echo "ok: wrong password ($how) -> 3 $(cat "$err")"
    fi
done
"$planlint" -d "postgresql://pwuser:Sup3rSecretPw@/postgres?host=$dir&port=$port" -c "SELECT * FROM t WHERE id = 1" >"$out" 2>"$err" &&
    echo "ok: the right password in a URI connects" || { echo "FAIL: URI with the right password"; cat "$err"; fail=1; }

# ---- no password given (-w, -W and the prompt, as psql): pwuser needs one
nopw() { timeout 20 "$planlint" -h "$dir" -p "$port" -U pwuser -d postgres "$@" -c "SELECT * FROM t WHERE id = 1"; }
for w in "" -w; do
    nopw $w </dev/null >"$out" 2>"$err"; got=$?
    if [ $got != 3 ] || [ "$(wc -l < "$err")" != 1 ] || ! grep -q "no password supplied" "$err"; then
        echo "FAIL: no password${w:+ with $w}, stdin not a terminal: exit $got"; cat "$err"; fail=1
    else
        echo "ok: no password${w:+ with $w}, stdin not a terminal -> 3 $(cat "$err")"
    fi
done
# On a pseudo-terminal (util-linux script): pty_run ANSWER ARGS types ANSWER once a
# prompt shows, and keeps script's stdin open until planlint is done (script 2.38
# hangs on an early EOF). Echo goes off before the prompt shows, so this cannot race;
# script leaves echo on for a piped stdin, so a password echoed back would be seen.
cat > "$dir/pty.sh" <<'PTY'
trap '' INT   # Ctrl-C is for planlint, not this shell; planlint installs its own handler
if [ -n "${PTY_STDIN:-}" ]; then "$@" < "$PTY_STDIN"; else "$@"; fi; rc=$?
printf '\nrc=%s tty=%s\n' $rc "$(stty -a | tr -s ' ;\r' '\n\n\n' | grep -xe echo -e -echo)"
PTY
pty_run() {
    answer=$1; shift
    rm -f "$dir/pty.done"; : > "$out"
    { i=0
      while [ ! -e "$dir/pty.done" ] && [ $i -lt 200 ]; do
          if [ -n "$answer" ] && grep -q "Password" "$out"; then printf "$answer"; answer=; fi
          sleep 0.1; i=$((i + 1))
      done; } |
        { timeout 30 script -qec "sh $dir/pty.sh $planlint -h $dir -p $port -d postgres $*" /dev/null >"$out"
          echo $? > "$dir/pty.done"; }
    tr -d '\r' < "$out" > "$err"
}
# pty_expect DESCRIPTION RC PROMPT|- ANSWER ARGS: exit code, prompt text (- for none),
# echo back on afterwards, and never the password on the terminal.
pty_expect() {
    what=$1 want=$2 prompt=$3; shift 3
    pty_run "$@"
    if ! grep -q "^rc=$want tty=echo\$" "$err"; then
        echo "FAIL: $what: expected rc=$want tty=echo:"; cat "$err"; fail=1
    elif [ "$prompt" = - ] && grep -q "Password" "$err"; then
        echo "FAIL: $what: prompted for a password:"; cat "$err"; fail=1
    elif [ "$prompt" != - ] && [ "$(grep -c "^$prompt" "$err")" != 1 ]; then
        echo "FAIL: $what: no '$prompt' prompt, or more than one:"; cat "$err"; fail=1
    elif grep -q Sup3rSecretPw "$err"; then
        echo "FAIL: $what: the password appears on the terminal"; cat "$err"; fail=1
    else
        echo "ok: $what -> $(grep '^rc=' "$err")"
    fi
}
if ! command -v script >/dev/null 2>&1; then
    echo "SKIP: password prompt tests: util-linux script not installed"
else
    pty_expect "on a terminal, the prompt after 'no password supplied'" 0 "Password for user pwuser: " \
        'Sup3rSecretPw\n' -U pwuser -c "'SELECT * FROM t WHERE id = 1'"
    grep -q "Seq Scan\|Index Scan" "$err" || { echo "FAIL: no plan after the prompt"; cat "$err"; fail=1; }
    pty_expect "a wrong password at the prompt" 3 "Password for user pwuser: " \
        'Wr0ngPassw0rdXyz\n' -U pwuser -c "'SELECT 1'"
    grep -q "password authentication failed" "$err" || { echo "FAIL: wrong password: no reason"; fail=1; }
    # Where no prompt is due, the password is typed all the same if one shows: a wrong
    # prompt then fails the test at once instead of waiting for the timeout.
    pty_expect "-w on a terminal never prompts" 3 - 'Sup3rSecretPw\n' -w -U pwuser -c "'SELECT 1'"
    grep -q "no password supplied" "$err" || { echo "FAIL: -w: no reason given"; cat "$err"; fail=1; }
    export PTY_STDIN=/dev/null
    pty_expect "a terminal, but stdin is not one: no prompt" 3 - 'Sup3rSecretPw\n' -U pwuser -c "'SELECT 1'"
    unset PTY_STDIN
    pty_expect "-W prompts before connecting" 0 "Password: " 'Sup3rSecretPw\n' -W -U pwuser -c "'SELECT 1'"
    export PGPASSWORD=Sup3rSecretPw
    pty_expect "PGPASSWORD on a terminal: no prompt" 0 - '' -U pwuser -c "'SELECT 1'"
    unset PGPASSWORD
    pty_expect "no prompt for a role that needs no password" 0 - 'x\n' -U postgres -c "'SELECT 1'"
    pty_expect "Ctrl-C at the prompt: exit 130, echo back on" 130 "Password for user pwuser: " \
        '\003' -U pwuser -c "'SELECT 1'"
fi

# ---- Ctrl-C cancels the backend query, and planlint exits promptly
active_sleeps() {
    sql "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%pg_sleep(30)%'
         AND pid <> pg_backend_pid()"
}
"$planlint" -h "$dir" -p "$port" -U postgres -d postgres -c "SELECT pg_sleep(30)" >"$out" 2>"$err" &
pid=$!
i=0; while [ "$(active_sleeps)" != 1 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $pid 2>/dev/null; then
    echo "FAIL: planlint still running 5 s after SIGINT"; kill -KILL $pid; fail=1
else
    wait $pid; got=$?
    sleep 0.3
    if [ "$(active_sleeps)" != 0 ]; then
        echo "FAIL: the backend query is still active after SIGINT"; fail=1
    elif [ $got -ge 128 ] && [ $got != 130 ]; then
        echo "FAIL: SIGINT: planlint died with status $got"; fail=1
    else
        echo "ok: SIGINT -> exit $got, backend query canceled: $(cat "$err")"
    fi
fi
unchanged "after SIGINT"

# ---- the server stops mid-query: an error, not a crash
"$planlint" -h "$dir" -p "$port" -U postgres -d postgres -c "SELECT pg_sleep(3)" >"$out" 2>"$err" &
pid=$!
sleep 1
stop_cluster
wait $pid; got=$?
if [ $got = 3 ] && [ "$(wc -l < "$err")" = 1 ]; then
    echo "ok: server stopped mid-query -> 3 $(cat "$err")"
else
    echo "FAIL: server stopped mid-query: exit $got"; cat "$err"; fail=1
fi
start_cluster
unchanged "after the server restarted"

finish
