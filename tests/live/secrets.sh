#!/bin/sh
# Passwords never reach planlint's output, not even when libpq cannot parse the conninfo
# string or URI and echoes a piece of it ("invalid percent-encoded token: ..."): the
# userinfo of a URI, password= values and PGPASSWORD are masked. Against a real,
# throwaway server whose role pwuser has the password Se%cret (a raw '%'). Skips (77)
# without the server binaries; fails in CI.
set -u
port=${PLANLINT_TEST_PGPORT:-54347}
. "$(dirname "$0")/cluster.sh"
sed -i '1i local all pwuser scram-sha-256' "$data/pg_hba.conf" || exit 99   # before "trust"
start_cluster
sql "CREATE ROLE pwuser LOGIN PASSWORD 'Se%cret';" || exit 99

# hidden CODE WHAT SECRET DSN: planlint -d DSN exits CODE with one line on stderr, and
# SECRET (a fixed string) is nowhere in what it printed.
hidden() {
    want=$1 what=$2 secret=$3 dsn=$4
    "$planlint" -d "$dsn" -c "SELECT 1" >"$out" 2>"$err"; got=$?
    if [ $got != "$want" ] || { [ "$want" != 0 ] && [ "$(wc -l < "$err")" != 1 ]; }; then
        echo "FAIL: $what: exit $got, expected $want"; cat "$err"; fail=1
    elif grep -qF -- "$secret" "$out" "$err"; then
        echo "FAIL: $what: '$secret' printed:"; cat "$out" "$err"; fail=1
    else
        echo "ok: $what -> $got $(cat "$err")"
    fi
}
uri="/postgres?host=$dir&port=$port"
hidden 3 "a bad %-escape in a URI's password" Secret "postgresql://u:Secret%zzPass@localhost/db"
hidden 3 "a bad %-escape in a URI's password, the server reachable" Secret "postgresql://pwuser:Secret%zzPass@$uri"
hidden 3 "%00 in a URI's password" Secret "postgresql://pwuser:Secret%00Pass@$uri"
hidden 3 "a bad %-escape in a URI's user: the whole userinfo is masked" pw%zzuser "postgresql://pw%zzuser:Secret@$uri"
hidden 3 "... and its password" Secret "postgresql://pw%zzuser:Secret@$uri"
hidden 3 "a raw '/' in a URI's password (libpq reads the part before it as a port)" '"Se"' \
    "postgresql://pwuser:Se/cretPw@localhost/postgres"
hidden 3 "an unclosed IPv6 bracket: the URI whole" Secret "postgresql://pwuser:Secret@[::1/postgres"
hidden 3 "a bad %-escape in a URI's password= parameter" Secret "postgresql:///postgres?host=$dir&password=Secret%zz"
hidden 3 "a '=' in a URI's password= parameter" Secret "postgresql:///postgres?host=$dir&password=Secret=x"
hidden 0 "the right password in a URI, %-encoded, connects" Se% "postgresql://pwuser:Se%25cret@$uri"

ci="host=$dir port=$port user=pwuser"
hidden 0 "a raw '%' in a conninfo password connects" Se% "$ci password=Se%cret dbname=postgres"
hidden 3 "... and with an unknown option, fails without it" Se%cret "$ci password=Se%cret bogus=1"
hidden 3 "... with a bad port" Se%cret "$ci password=Se%cret port=abc"
hidden 3 "... with an unterminated quote" Se%cret "$ci password='Se%cret"
hidden 3 "... quoted, with a database that does not exist" Se%cret "$ci password = 'Se%cret' dbname=nosuch"

# PGPASSWORD: libpq reads it, a message cannot say where a word came from.
export PGPASSWORD=Wr0ngEnvPw
hidden 3 "a wrong PGPASSWORD" Wr0ngEnvPw "$ci dbname=postgres"
export PGPASSWORD=bogusopt
hidden 3 "PGPASSWORD in a message about something else" bogusopt "$ci bogusopt=1"
export PGPASSWORD='Se%cret'
hidden 0 "the right PGPASSWORD connects" Se% "$ci dbname=postgres"
hidden 3 "... and is masked in a parse error" Se%cret "postgresql://pwuser:Se%cret@$uri"
unset PGPASSWORD

finish
