#!/bin/sh
# Batch live mode against a real, throwaway PostgreSQL cluster: -f FILE with several
# statements and -f DIR, each statement captured in its own rolled-back transaction and
# reported under FILE:LINE; a refused statement is named and nothing of it runs; the
# split is PostgreSQL's grammar (';' in strings, dollar quotes and comments stays);
# JSON Lines and one SARIF log; --save DIR with "Query Text"; the exit status and the
# summary line; SIGINT stops the batch. JSON is read with Perl's JSON::PP.
# Skips (77) only without the PostgreSQL server binaries (fails in CI).
set -u
port=${PLANLINT_TEST_PGPORT:-54348}
. "$(dirname "$0")/cluster.sh"
perl -MJSON::PP -e 1 2>/dev/null || cannot_run "perl with JSON::PP not installed"
start_cluster

sql "CREATE TABLE t (id int PRIMARY KEY, v text, n int);
     INSERT INTO t SELECT g, md5(g::text), g % 10 FROM generate_series(1, 5000) g;
     CREATE TABLE big (id int, k int);
     INSERT INTO big SELECT g, g % 1000 FROM generate_series(1, 50000) g; ANALYZE;" || exit 99
state() {
    sql "SELECT count(*), md5(coalesce(string_agg(id || ':' || v || ':' || n, ',' ORDER BY id), '')) FROM t;
         SELECT count(*) FROM big;
         SELECT string_agg(relname || '/' || relkind::text, ',' ORDER BY relname) FROM pg_class
          WHERE relnamespace = 'public'::regnamespace;"
}
before=$(state)
cd "$dir" || exit 99

# same WHAT FILE TEXT: FILE holds exactly TEXT
same() {
    if [ "$(cat "$2")" = "$3" ]; then echo "ok: $1"; else echo "FAIL: $1:"; cat "$2"; fail=1; fi
}
# json WHAT PERL: the Perl code, with the output's JSON lines decoded in @d, is true
json() {
    if perl -MJSON::PP -e 'my @d = map { JSON::PP->new->decode($_) } grep { /\S/ } <STDIN>; exit !('"$2"')' < "$out"; then
        echo "ok: $1"
    else
        echo "FAIL: $1:"; head -c 2000 "$out"; echo; fail=1
    fi
}
# batch CODE WHAT -- ARGS: as expect, but stderr has one line per refusal or failure
# plus the summary, so only the exit code is checked here.
batch() {
    want=$1; what=$2; shift 3
    PL "$@"; got=$?
    if [ "$got" = "$want" ]; then echo "ok: $what -> $got"; else echo "FAIL: $what: exit $got, expected $want"; cat "$err"; fail=1; fi
}
logged() { grep -c -- "$1" "$dir/server.log"; }

# ---- a file of three statements, one of them refused
cat > three.sql <<'SQL'
-- the rows of one n
SELECT * FROM t WHERE n = 3 ORDER BY v;

DELETE FROM t WHERE id < 100;
SELECT count(*) FROM t
  WHERE v LIKE 'a%';
SQL
batch 2 "three statements, a DELETE refused" -- -f three.sql
[ "$(grep -c '^-- ' "$out")" = 2 ] && grep -qx -- '-- three.sql:2' "$out" && grep -qx -- '-- three.sql:5' "$out" &&
    echo "ok: two reports, under three.sql:2 and three.sql:5" || { echo "FAIL: the reports' headers:"; cat "$out"; fail=1; }
grep -q "from three.sql:5: " "$out" && grep -q "^query: SELECT count(\*) FROM t" "$out" &&
    echo "ok: each report names its statement" || { echo "FAIL: the report does not name its statement"; cat "$out"; fail=1; }
same "the refusal is named three.sql:4, then the summary" "$err" \
"planlint: error: three.sql:4: refused: data-modifying statement (INSERT, UPDATE, DELETE or MERGE, also inside WITH); it needs --allow-writes (and is still rolled back)
planlint: 3 statements: 2 analyzed, 1 refused, 0 failed"
[ "$(logged 'DELETE FROM t WHERE id < 100')" = 0 ] && echo "ok: the refused DELETE never reached the server" ||
    { echo "FAIL: the refused DELETE was sent"; fail=1; }
unchanged "a refused statement in a batch"
mark=$(wc -l < "$dir/server.log")
batch 0 "the same with --allow-writes: three analyzed" -- --allow-writes -f three.sql
tail -n 1 "$err" | grep -qx "planlint: 3 statements: 3 analyzed, 0 refused, 0 failed" &&
    echo "ok: the summary counts three" || { echo "FAIL: the summary:"; cat "$err"; fail=1; }
# The EXPLAIN ANALYZE runs since the mark, and the transactions (BEGIN) they ran in;
# finish() checks that every transaction ended in ROLLBACK.
runs=$(tail -n +$((mark + 1)) "$dir/server.log" | awk '
    /^planlint\[/ && match($0, /LOG:  (execute [^:]*|statement): /) {
        stmt = substr($0, RSTART + RLENGTH)
        if (stmt ~ /^BEGIN/) tx++
        if (stmt ~ /^EXPLAIN \(ANALYZE/) { n++; seen[tx] = 1 }
    }
    END { k = 0; for (t in seen) k++; print n + 0, k }')
[ "$runs" = "3 3" ] && echo "ok: three captures, each in a transaction of its own" ||
    { echo "FAIL: captures and their transactions: $runs"; fail=1; }
unchanged "a DELETE in a batch, rolled back"
batch 0 "from standard input" -- -f - < three.sql --allow-writes --no-analyze
grep -qx -- '-- <stdin>:4' "$out" && echo "ok: named <stdin>:4" || { echo "FAIL: stdin names:"; cat "$out"; fail=1; }

# ---- ';' that does not end a statement: only the grammar knows
cat > semi.sql <<'SQL'
SELECT ';' AS a, $$;DROP TABLE t;$$ AS b, $x$ ; DELETE FROM t; $x$ AS c /* ; DELETE FROM t; */
  FROM t LIMIT 1; -- a comment; DELETE FROM t;
SELECT E'\';' AS d, "semi;colon".n FROM t AS "semi;colon" WHERE id = 2 -- ; not the end
;
SQL
batch 0 "semicolons in strings, dollar quotes, quoted names and comments" -- -f semi.sql
grep -qx -- '-- semi.sql:1' "$out" && grep -qx -- '-- semi.sql:3' "$out" && [ "$(grep -c '^-- ' "$out")" = 2 ] &&
    tail -n 1 "$err" | grep -qx "planlint: 2 statements: 2 analyzed, 0 refused, 0 failed" &&
    echo "ok: two statements, none cut at a quoted ';'" || { echo "FAIL: the split:"; cat "$out" "$err"; fail=1; }
unchanged "quoted semicolons"

# ---- one statement in a file: as it always was
printf "SELECT v FROM t WHERE n = 4 AND v LIKE '%%;%%';\n" > one.sql
PL --no-analyze -f one.sql; cp "$out" one.out; cp "$err" one.err
PL --no-analyze -c "$(cat one.sql)"
if cmp -s one.out "$out" && [ ! -s one.err ] && [ ! -s "$err" ] && grep -q "from <capture>:" one.out &&
   ! grep -q '^-- ' one.out; then
    echo "ok: -f with one statement prints what -c prints, no header, no summary"
else
    echo "FAIL: -f with one statement differs from -c:"; diff one.out "$out"; cat one.err; fail=1
fi

# ---- a directory: its *.sql files by name, nothing else
mkdir -p d/sub.sql && echo "SELECT 1/0;" > d/sub.sql/x.sql && echo "DROP TABLE t;" > d/notes.txt
cat > d/b.sql <<'SQL'
SELECT n, count(*) FROM t GROUP BY n;

SELECT * FROM big WHERE k = 5;
SQL
cat > d/a.sql <<'SQL'
/* it's "quoted", with a tab	and a backslash \ and é */
SELECT count(*) FROM t WHERE v <> 'it''s "q" \ é
 two lines'
SQL
batch 0 "a directory of two files" -- -f d
[ "$(grep '^-- ' "$out" | tr '\n' ' ')" = "-- d/a.sql -- d/b.sql:1 -- d/b.sql:3 " ] &&
    echo "ok: d/a.sql, d/b.sql:1, d/b.sql:3 in that order, nothing else" || { echo "FAIL: the directory:"; grep '^-- ' "$out"; fail=1; }
batch 0 "a directory, --format json" -- -f d/ --format json
json "JSON Lines: one valid document per statement, named" \
    '@d == 3 && $d[0]{planlint}{source} eq "d/a.sql" && $d[1]{planlint}{source} eq "d/b.sql:1" && $d[2]{planlint}{source} eq "d/b.sql:3"'
json "each document holds the statement as Query Text" '$d[2]{plans}[0]{raw}{"Query Text"} eq "SELECT * FROM big WHERE k = 5"'
cp "$out" batch.jsonl
batch 0 "a directory, --format sarif" -- -f d --format sarif
cp "$out" batch.sarif
json "one SARIF log, one run, results located by file and line" \
    '@d == 1 && @{$d[0]{runs}} == 1 && (grep { $_->{locations}[0]{physicalLocation}{artifactLocation}{uri} eq "d/b.sql" && $_->{locations}[0]{physicalLocation}{region}{startLine} == 3 } @{$d[0]{runs}[0]{results}})'
batch 1 "--fail-on=info over a batch" -- -f d --fail-on=info
batch 0 "a directory, --format markdown" -- -f d --format markdown
[ "$(grep -c '^\*\*Source:\*\* d/' "$out")" = 3 ] && echo "ok: markdown names each statement" ||
    { echo "FAIL: markdown sources:"; grep Source "$out"; fail=1; }
# Against the published schemas too, with the validators tests/docs/json-schema.sh and
# tests/sarif/validate.sh install, when they are there already.
src=$(cd "${top_srcdir:-$(dirname "$0")/../..}" && pwd)
ajv=${PLANLINT_AJV_CACHE:-${TMPDIR:-/tmp}/planlint-ajv-cache}
sarif=${PLANLINT_NPM_CACHE:-${TMPDIR:-/tmp}/planlint-sarif-validator-$(id -u)}
if command -v node >/dev/null 2>&1 && [ -f "$ajv/node_modules/ajv/dist/2020.js" ]; then
    node "$src/tests/docs/json-schema.js" "$ajv/node_modules" "$src/docs/planlint-output.schema.json" valid batch.jsonl &&
        echo "ok: the JSON Lines pass docs/planlint-output.schema.json" || { echo "FAIL: the JSON Lines against the schema"; fail=1; }
else
    echo "note: no JSON schema validator installed yet (tests/docs/json-schema.sh installs it); not validated"
fi
if command -v node >/dev/null 2>&1 && [ -f "$sarif/ready" ]; then
    NODE_PATH=$sarif/node_modules node "$src/tests/sarif/validate.js" "$sarif/sarif-2.1.0-rtm.5.json" batch.sarif &&
        echo "ok: the SARIF log passes the SARIF 2.1.0 schema" || { echo "FAIL: the SARIF log against its schema"; fail=1; }
else
    echo "note: no SARIF validator installed yet (tests/sarif/validate.sh installs it); not validated"
fi
expect 2 "--format html refuses a batch" -- -f d --format html
expect 2 "--emit-plan refuses a batch" -- -f three.sql --emit-plan
unchanged "directories"

# ---- --save DIR: each plan with its statement, read back as a file
batch 0 "--save DIR" -- -f d --save saved --no-enrich
[ "$(cd saved && ls | tr '\n' ' ')" = "a.sql.json b.sql_1.json b.sql_3.json " ] &&
    echo "ok: saved as a.sql.json, b.sql_1.json, b.sql_3.json" || { echo "FAIL: saved files:"; ls saved; fail=1; }
want_a=$(cat d/a.sql)   # the file's one statement, comment included, less the final newline
for f in saved/*.json; do
    if "$planlint" "$f" > file.out 2> file.err && grep -q "^query: " file.out; then echo "ok: $f reads back, with its query"
    else echo "FAIL: $f does not read back"; cat file.err; fail=1; fi
done
WANT=$want_a perl -MJSON::PP -e 'local $/; my $d = JSON::PP->new->decode(<STDIN>); exit !($d->[0]{"Query Text"} eq $ENV{WANT} && $d->[0]{Plan})' \
    < saved/a.sql.json && echo "ok: Query Text is the statement's exact text (quotes, tab, backslash, newline, UTF-8)" ||
    { echo "FAIL: Query Text of a.sql.json:"; head -c 600 saved/a.sql.json; fail=1; }
[ "$(sed -n 3p saved/b.sql_3.json)" = '    "Query Text": "SELECT * FROM big WHERE k = 5",' ] &&
    echo "ok: Query Text first in the top-level object" || { echo "FAIL: where Query Text went:"; head -c 200 saved/b.sql_3.json; fail=1; }
batch 0 "--save DIR again: the same names" -- -f d --save saved --no-enrich
[ "$(ls saved | wc -l)" = 3 ] && echo "ok: a second run rewrites the same files" || { echo "FAIL:"; ls saved; fail=1; }
printf 'SELECT 1;\nSELECT 2;\n' > 'x y.sql'; printf 'SELECT 3;\nSELECT 4;\n' > x_y.sql
mkdir xy && cp 'x y.sql' x_y.sql xy/
batch 0 "names that sanitize alike stay apart" -- -f xy --save saved2 --no-analyze
[ "$(cd saved2 && ls | tr '\n' ' ')" = "x_y.sql_1-2.json x_y.sql_1.json x_y.sql_2-2.json x_y.sql_2.json " ] &&
    echo "ok: unique file names" || { echo "FAIL: saved2:"; ls saved2; fail=1; }
: > plainfile
sent=$(logged 'FROM big')
batch 2 "--save onto a file, with a batch" -- -f d --save plainfile
grep -q "with several statements, --save names a directory" "$err" && [ "$(logged 'FROM big')" = "$sent" ] &&
    echo "ok: refused before anything runs" || { echo "FAIL:"; cat "$err"; fail=1; }
PL --no-enrich --save single.json -c "SELECT * FROM t WHERE n = 5"
WANT="SELECT * FROM t WHERE n = 5" perl -MJSON::PP -e 'local $/; my $d = JSON::PP->new->decode(<STDIN>); exit !($d->[0]{"Query Text"} eq $ENV{WANT})' \
    < single.json && echo "ok: a single statement's saved plan has its Query Text" || { echo "FAIL: single.json"; fail=1; }

# ---- exit status: a failure outranks a refusal, which outranks findings; a file the
# grammar cannot read is refused whole and the others still run
mkdir -p e && printf 'SELECT * FROM big WHERE k = 5;\n' > e/a.sql &&
    printf 'SELECT 1;\nSELEC 2;\n' > e/b.sql && printf 'SELECT * FROM nosuch;\n' > e/c.sql
batch 3 "analyzed, refused and failed: the failure's 3" -- -f e --fail-on=info
same "each named, then the summary" "$err" \
"planlint: error: e/b.sql:2: refused: PostgreSQL 15's grammar cannot read the file: syntax error at or near \"SELEC\" (at column 1); none of the file's statements ran
planlint: error: e/c.sql: relation \"nosuch\" does not exist
planlint: 3 statements: 1 analyzed, 1 refused, 1 failed"
rm e/c.sql
batch 2 "analyzed with findings over --fail-on, and refused: 2" -- -f e --fail-on=info
unchanged "exit status"

# ---- SIGINT cancels the statement running and stops the batch
printf 'SELECT 1;\nSELECT pg_sleep(30);\nSELECT 42424242;\n' > slow.sql
PGAPPNAME=batch-int "$planlint" -h "$dir" -p "$port" -U postgres -d postgres -f slow.sql >"$out" 2>"$err" &
pid=$!
i=0
while [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'batch-int' AND state = 'active'
               AND wait_event = 'PgSleep'")" != 1 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -INT $pid
i=0; while kill -0 $pid 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if kill -0 $pid 2>/dev/null; then echo "FAIL: planlint still running 5 s after SIGINT"; kill -KILL $pid; fail=1; fi
wait $pid; got=$?
if [ $got = 130 ] && grep -qx "planlint: cancelled by SIGINT" "$err" &&
   tail -n 1 "$err" | grep -qx "planlint: 3 statements: 1 analyzed, 0 refused, 1 failed, 1 not run" &&
   grep -qx -- '-- slow.sql:1' "$out" && [ "$(logged 42424242)" = 0 ] &&
   [ "$(sql "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'batch-int'")" = 0 ]; then
    echo "ok: SIGINT -> 130, the first report written, the third statement never sent"
else
    echo "FAIL: SIGINT during a batch: exit $got"; cat "$err"; cat "$out"; fail=1
fi
unchanged "after SIGINT"

finish
