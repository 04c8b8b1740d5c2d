#!/bin/sh
# SIGINT, SIGTERM and SIGHUP while live mode has the server working: during the capture,
# the catalog enrichment and the hypopg check, each signal must cancel the query on the
# server (gone from pg_stat_activity within 2 s), let planlint roll back (its last
# statement in the server log is ROLLBACK or the DEALLOCATE after it), and end it with
# 128 + the signal and one line on stderr. Skips (77) without the server binaries; fails
# in CI.
set -u
port=${PLANLINT_TEST_PGPORT:-54346}
. "$(dirname "$0")/cluster.sh"
start_cluster
sql "CREATE TABLE t (id int, k int) WITH (autovacuum_enabled = off);
     INSERT INTO t SELECT g, g % 100 FROM generate_series(1, 20000) g;" &&
    wait_counted t 20000 && sql "ANALYZE t;" || exit 99

now_ms() { echo $(($(date +%s%N) / 1000000)); }
# until SQL (a boolean query) is true, up to 10 s
wait_until() {
    i=0
    while [ "$(sql "$1")" != t ]; do
        i=$((i + 1)); [ $i -le 200 ] || return 1
        sleep 0.05
    done
}
running() {   # running APP: the server runs a query for application_name APP
    sql "SELECT count(*) > 0 FROM pg_stat_activity WHERE application_name = '$1' AND state = 'active'"
}
# The statements the server logged for APP, the last one last.
logged() {
    sed -n "s/^$1\[[^]]*\] LOG:  \(execute [^:]*\|statement\): //p" "$dir/server.log"
}

# A session that holds an ACCESS EXCLUSIVE lock on t: queued behind planlint's capture
# (which reads t), it gets the lock the moment the capture rolls back, so that what
# planlint sends next on t waits for it.
locker_start() {
    PGAPPNAME=locker "$psqlbin" -X -q -h "$dir" -p "$port" -U postgres -d postgres \
        -c "BEGIN; LOCK TABLE t IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60);" >/dev/null 2>&1 &
    locker=$!
    wait_until "SELECT count(*) = 1 FROM pg_stat_activity WHERE application_name = 'locker'
                AND wait_event_type = 'Lock'" || { echo "FAIL: the locker never queued for t"; fail=1; }
}
locker_stop() {
    sql "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'locker'" >/dev/null
    wait $locker 2>/dev/null
}

# stop_test SIG CODE APP WHEN LOCKED -- ARGS: planlint ARGS under application_name APP;
# once the boolean query WHEN is true (and, when LOCKED is not empty, the locker has
# queued and LOCKED is true), SIG; then the checks above.
stop_test() {
    sig=$1 code=$2 app=$3 when=$4 locked=$5; shift 6
    PGAPPNAME=$app "$planlint" -h "$dir" -p "$port" -U postgres -d postgres "$@" >"$out" 2>"$err" &
    pid=$!
    if ! wait_until "$when" || { [ -n "$locked" ] && ! { locker_start && wait_until "$locked"; }; }; then
        echo "FAIL: SIG$sig ($app): planlint never reached the point to signal"; cat "$err"; fail=1
        kill -KILL $pid; wait $pid; return
    fi
    t0=$(now_ms)
    kill -s "$sig" $pid
    i=0; while [ "$(running "$app")" = t ] && [ $i -lt 100 ]; do sleep 0.02; i=$((i + 1)); done
    gone=$(($(now_ms) - t0))
    i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
    if kill -0 $pid 2>/dev/null; then
        echo "FAIL: SIG$sig ($app): planlint still running 5 s after the signal"; kill -KILL $pid; fail=1
    fi
    wait $pid; got=$?
    last=$(logged "$app" | tail -n 1)
    if [ $gone -gt 2000 ]; then
        echo "FAIL: SIG$sig ($app): the query still ran $gone ms after the signal"; fail=1
    elif [ $got != "$code" ] || [ "$(cat "$err")" != "planlint: cancelled by SIG$sig" ]; then
        echo "FAIL: SIG$sig ($app): exit $got, expected $code, and stderr:"; cat "$err"; fail=1
    elif ! grep -q "^$app\[.*canceling statement due to user request" "$dir/server.log"; then
        echo "FAIL: SIG$sig ($app): the server log shows no cancelled statement"; fail=1
    elif ! echo "$last" | grep -qx "ROLLBACK *\|DEALLOCATE planlint_stmt *"; then
        echo "FAIL: SIG$sig ($app): planlint's last statement was not its ROLLBACK: $last"; fail=1
    else
        echo "ok: SIG$sig ($app) -> exit $got, '$(cat "$err")', the query gone from the server $gone ms after the signal, then $last"
    fi
}

sleeping() {   # the condition: APP's EXPLAIN ANALYZE (or PATTERN) runs on the server
    echo "SELECT count(*) = 1 FROM pg_stat_activity WHERE application_name = '$1' AND state = 'active'
          AND query LIKE '%${2:-EXPLAIN (ANALYZE}%'"
}
waiting() {    # APP waits for the locker, in a statement that starts with PREFIX
    echo "SELECT count(*) = 1 FROM pg_stat_activity WHERE application_name = '$1' AND state = 'active'
          AND wait_event_type = 'Lock' AND query LIKE '$2%'"
}

# ---- the capture: a statement that sleeps
stop_test INT 130 sig-int "$(sleeping sig-int)" "" -- -c "SELECT pg_sleep(30)"
stop_test TERM 143 sig-term "$(sleeping sig-term)" "" -- -c "SELECT pg_sleep(30)"
stop_test HUP 129 sig-hup "$(sleeping sig-hup)" "" -- -c "SELECT pg_sleep(30)"
stop_test TERM 143 sig-term-param "$(sleeping sig-term-param "ANALYZE%EXECUTE planlint_stmt(''30'')")" "" -- --param 30 -c 'SELECT pg_sleep($1)'

# ---- the enrichment: its first catalog query on t, pg_table_size(t), waits for the
# locker's lock (to_regclass takes none; pg_table_size opens the table). The capture
# takes 2 s (200 rows pass k = 5, each sleeps 10 ms), time for the locker to queue; its
# seq-scan-filter finding suggests an index, for the hypopg check below.
slow="SELECT id FROM t WHERE k = 5 AND CASE WHEN k = 5 THEN pg_sleep(0.01) IS NOT NULL END"
stop_test TERM 143 sig-enrich "$(sleeping sig-enrich)" "$(waiting sig-enrich "SELECT n.nspname")" -- -c "$slow"
locker_stop
# Before it, the capture must have run to its end: the enrichment waited, not the capture.
logged sig-enrich | grep -q "pg_table_size" || { echo "FAIL: the enrichment never started"; fail=1; }

# ---- the hypopg check: the statement it prepares (the server's parse analysis opens t)
# waits for the lock too (hypopg is installed by the ROLLBACKed transaction, so this
# needs it available).
if [ -n "$(sql "SELECT 1 FROM pg_available_extensions WHERE name = 'hypopg'")" ]; then
    stop_test HUP 129 sig-verify "$(sleeping sig-verify)" "$(waiting sig-verify "SELECT id FROM t")" -- --no-enrich -c "$slow"
    locker_stop
    logged sig-verify | grep -q "hypopg" || { echo "FAIL: the hypopg check never started"; fail=1; }
    [ "$(sql "SELECT count(*) FROM pg_extension WHERE extname = 'hypopg'")" = 0 ] ||
        { echo "FAIL: hypopg stayed installed"; fail=1; }
elif [ -n "${PLANLINT_CI:-}" ]; then
    echo "FAIL (CI must run this): hypopg is not installed for $pgbin"; fail=1
else
    echo "SKIP: a signal during the hypopg check: hypopg is not installed for $pgbin"
fi

finish_signals() {
    [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'sig-%'")" = 0 ] ||
        { echo "FAIL: a planlint session outlived its process"; fail=1; }
    exit $fail
}
finish_signals
