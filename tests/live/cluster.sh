# cluster.sh - sourced by the live tests: a throwaway PostgreSQL cluster in a temp
# directory, reachable only through a Unix socket there, stopped and removed on exit.
# Sets planlint, port, pgbin, psqlbin, dir, data, out, err; defines start_cluster,
# stop_cluster, sql, PL, expect, has, hasnt, unchanged (which compares the test's
# state() with $before), and finish, which audits the server's statement log (every
# statement planlint sent, by its application_name) and exits with the result. Without the server binaries the test
# skips (77), unless PLANLINT_CI is set: CI installs them, so a skip there is a failure.
planlint=${PLANLINT:-$(cd "${top_builddir:-.}" && pwd)/cli/planlint}
port=${port:-${PLANLINT_TEST_PGPORT:-54340}}

# cannot_run WHY: skip here, fail in CI.
cannot_run() {
    if [ -n "${PLANLINT_CI:-}" ]; then echo "FAIL (CI must run this): $1"; exit 99; fi
    echo "SKIP: $1"; exit 77
}

pgbin=${PLANLINT_TEST_PGBIN:-}   # a server of the test's choosing, else the installed one
[ -n "$pgbin" ] || for d in $(command -v initdb 2>/dev/null | xargs -r dirname) /usr/lib/postgresql/*/bin /usr/pgsql-*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ] && { pgbin=$d; break; }
done
[ -n "$pgbin" ] || cannot_run "PostgreSQL server binaries (initdb, pg_ctl) not installed"
psqlbin=$(command -v psql || echo "$pgbin/psql")

# The server refuses to run as root: run it as postgres, in a directory it owns.
as_pg=
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || { echo "running as root and no postgres user"; exit 99; }
    as_pg="runuser -u postgres --"
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/planlint-live.XXXXXX") || exit 99
[ -n "$as_pg" ] && chown postgres "$dir"
chmod 755 "$dir"
data=$dir/data
out=$dir/out; err=$dir/err
stop_cluster() { $as_pg "$pgbin/pg_ctl" -D "$data" -m immediate stop >/dev/null 2>&1; }
trap 'stop_cluster; rm -rf "$dir"' EXIT
trap 'exit 99' INT TERM HUP

$as_pg "$pgbin/initdb" -D "$data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log"; exit 99; }
cat >> "$data/postgresql.conf" <<CONF
listen_addresses = ''
port = $port
unix_socket_directories = '$dir'
fsync = off
log_statement = 'all'
log_line_prefix = '%a[%c] '
CONF
start_cluster() {
    $as_pg "$pgbin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
        { cat "$dir/server.log"; exit 99; }
}

sql() { "$psqlbin" -X -q -At -h "$dir" -p "$port" -U postgres -d postgres -c "$1"; }
# wait_counted TABLE N: until the statistics counters show N rows inserted, updated or
# deleted in TABLE (up to 10 s). A session's counts reach them only as it ends, after
# psql has returned, so a test that reads them or ANALYZEs after a load waits first.
wait_counted() {
    i=0
    while [ "$(sql "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables
                    WHERE relid = '$1'::regclass")" -lt "$2" ]; do
        i=$((i + 1)); [ $i -le 100 ] || { echo "the statistics of $1 never counted $2 rows"; exit 99; }
        sleep 0.1
    done
}
PL() { "$planlint" -h "$dir" -p "$port" -U postgres -d postgres "$@" >"$out" 2>"$err"; }

fail=0
# expect CODE DESCRIPTION -- planlint arguments (connection options added; a later -U wins)
expect() {
    want=$1; what=$2; shift 3
    PL "$@"; got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL: $what: exit $got, expected $want"; cat "$err"; fail=1; return 1
    fi
    if [ "$want" -ge 2 ] && { [ "$(wc -l < "$err")" != 1 ] || ! grep -q '^planlint: error: ' "$err"; }; then
        echo "FAIL: $what: not a one-line diagnostic:"; cat "$err"; fail=1; return 1
    fi
    echo "ok: $what -> $got${want:+ $(head -c 150 "$err")}"
}
has() {   # has WHAT PATTERN: the last output holds PATTERN (a basic regular expression)
    if grep -q -- "$2" "$out"; then echo "ok: $1"; else echo "FAIL: $1: no '$2' in:"; cat "$out" "$err"; fail=1; fi
}
hasnt() {
    if grep -q -- "$2" "$out"; then echo "FAIL: $1: '$2' in:"; cat "$out"; fail=1; else echo "ok: $1"; fi
}
unchanged() {
    now=$(state)
    [ "$now" = "$before" ] || { echo "FAIL: $1: the database changed"; echo "$before"; echo "$now"; fail=1; }
}

# Every statement the planlint command sent (application_name "planlint") ran inside a
# transaction it opened with BEGIN, and none ever committed: the only statement
# allowed outside is DEALLOCATE after the ROLLBACK. Sessions cut short (Ctrl-C, a
# killed server) may end inside their transaction, which the server then aborts.
audit_log() {
    awk '
    /^planlint\[/ {
        if (!match($0, /LOG:  (execute [^:]*|statement): /)) next
        sess = $1; stmt = toupper(substr($0, RSTART + RLENGTH)); n++
        if (stmt ~ /^(COMMIT|END|PREPARE TRANSACTION|ABORT)/) { print "FAIL: planlint ended a transaction otherwise than by ROLLBACK: " $0; bad = 1 }
        else if (stmt ~ /^(BEGIN|START TRANSACTION)/) { if (open[sess]) { print "FAIL: BEGIN inside a transaction: " $0; bad = 1 } open[sess] = 1 }
        else if (stmt ~ /^ROLLBACK *$/) open[sess] = 0
        else if (!open[sess] && stmt !~ /^DEALLOCATE PLANLINT_STMT *$/) { print "FAIL: outside a transaction: " $0; bad = 1 }
    }
    END {
        if (n == 0) { print "FAIL: no statement of planlint in the server log"; exit 1 }
        if (!bad) print "ok: the server log holds " n " statements from planlint, each inside BEGIN ... ROLLBACK, none committed"
        exit bad
    }' "$dir/server.log" || fail=1
}
finish() {
    audit_log
    exit $fail
}
