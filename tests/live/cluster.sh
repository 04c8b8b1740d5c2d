# cluster.sh - sourced by the live tests: a throwaway PostgreSQL cluster in a temp
# directory, reachable only through a Unix socket there, stopped and removed on exit.
# Sets planlint, port, pgbin, psqlbin, dir, data, out, err; defines start_cluster,
# stop_cluster, sql, PL, expect, has, hasnt, unchanged (which compares the test's
# state() with $before). Without the server binaries the test
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
CONF
start_cluster() {
    $as_pg "$pgbin/pg_ctl" -D "$data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
        { cat "$dir/server.log"; exit 99; }
}

sql() { "$psqlbin" -X -q -At -h "$dir" -p "$port" -U postgres -d postgres -c "$1"; }
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
