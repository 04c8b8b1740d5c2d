#!/bin/sh
# planlint --log on the logs captured from a real server (fixtures/pg15/logs/): every
# entry the server logged is counted, in every log format, counted independently here
# (grep on the stderr log, Python's csv and json modules on csvlog and jsonlog); the
# three formats and a gzip copy give the same groups; filters, damaged entries,
# interleaved lines, other log_line_prefix settings and auto-detection.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
logs=$src/fixtures/pg15/logs
tmp=${TMPDIR:-/tmp}/planlint-log.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

bad() { echo "FAIL: $*"; fail=1; }
ok() { echo "ok: $*"; }

# summary FILE...: the JSON Lines summary object of planlint --log --format jsonl
summary() { "$planlint" --log --format jsonl "$@" 2>"$tmp/err" | grep '"type":"summary"'; }
field() { printf '%s\n' "$1" | sed -n "s/.*\"$2\":\([0-9]*\).*/\1/p"; }

# ---- every entry counted, each format counted without planlint
want_stderr=$(grep -cE '^[^[:space:]].*(LOG|INFO|NOTICE|WARNING|DEBUG[0-9]?):  duration: [0-9.]+ ms  plan:' "$logs/postgresql.stderr")
if command -v python3 >/dev/null 2>&1; then
    counts=$(python3 - "$logs" <<'PY'
import csv, json, sys
d = sys.argv[1]
def is_plan(m):
    return m.startswith('duration: ') and ' ms  plan:' in m.split('\n', 1)[0]
with open(d + '/postgresql.csv', newline='', encoding='utf-8') as f:
    c = sum(1 for r in csv.reader(f) if len(r) > 13 and is_plan(r[13]))
j = sum(1 for l in open(d + '/postgresql.json', encoding='utf-8') if l.strip() and is_plan(json.loads(l).get('message', '')))
print(c, j)
PY
)
    want_csv=${counts% *} want_json=${counts#* }
else
    want_csv=$(awk -F'\t' '$1 == "csvlog" { print $2 }' "$logs/COUNTS")
    want_json=$(awk -F'\t' '$1 == "jsonlog" { print $2 }' "$logs/COUNTS")
    echo "note: no python3, csvlog and jsonlog counts taken from COUNTS"
fi
[ "$want_stderr" -gt 100 ] || bad "the stderr fixture has only $want_stderr entries"
for pair in "postgresql.stderr:$want_stderr" "postgresql.csv:$want_csv" "postgresql.json:$want_json"; do
    f=${pair%%:*} want=${pair#*:}
    s=$(summary "$logs/$f")
    got=$(field "$s" entries)
    [ "$got" = "$want" ] && ok "$f: $got entries, as counted independently" || bad "$f: planlint counted '$got' entries, expected $want"
    [ -s "$tmp/err" ] && bad "$f: unexpected diagnostics: $(head -n 2 "$tmp/err")"
    j=$(printf '%s\n' "$s" | sed -n 's/.*"json":\([0-9]*\).*/\1/p')
    t=$(printf '%s\n' "$s" | sed -n 's/.*"text":\([0-9]*\).*/\1/p')
    [ "${j:-0}" -gt 0 ] && [ "${t:-0}" -gt 0 ] && ok "$f: JSON ($j) and text ($t) plans in one log" ||
        bad "$f: expected JSON and text entries: $s"
    y=$(printf '%s\n' "$s" | sed -n 's/.*"yaml":\([0-9]*\).*/\1/p')
    x=$(printf '%s\n' "$s" | sed -n 's/.*"xml":\([0-9]*\).*/\1/p')
    [ "$(field "$s" unsupported)" = 0 ] && [ "${y:-0}" = 1 ] && [ "${x:-0}" = 1 ] &&
        ok "$f: the YAML and XML entries read too" || bad "$f: YAML/XML entries: $s"
done

# ---- the same groups and counts from every format, and from a gzip copy
groups() {
    "$planlint" --log --format jsonl "$1" | grep '"type":"group"' |
        sed 's/.*"group":"\([0-9a-f]*\)","count":\([0-9]*\),"total_ms":\([0-9.e+-]*\).*"shapes":\[\([^]]*\)\].*/\1 \2 \3 \4/' |
        sed 's/"outline":"[^"]*",//g' | sort
}
groups "$logs/postgresql.stderr" > "$tmp/g.stderr"
groups "$logs/postgresql.csv" > "$tmp/g.csv"
groups "$logs/postgresql.json" > "$tmp/g.json"
[ "$(wc -l < "$tmp/g.stderr")" -ge 5 ] || bad "too few groups: $(cat "$tmp/g.stderr")"
cmp -s "$tmp/g.stderr" "$tmp/g.csv" && ok "stderr and csvlog: the same groups" ||
    { bad "stderr and csvlog groups differ"; diff "$tmp/g.stderr" "$tmp/g.csv"; }
cmp -s "$tmp/g.stderr" "$tmp/g.json" && ok "stderr and jsonlog: the same groups" ||
    { bad "stderr and jsonlog groups differ"; diff "$tmp/g.stderr" "$tmp/g.json"; }
if command -v gzip >/dev/null 2>&1; then
    gzip -c "$logs/postgresql.csv" > "$tmp/postgresql.csv.gz"
    groups "$tmp/postgresql.csv.gz" > "$tmp/g.gz"
    cmp -s "$tmp/g.csv" "$tmp/g.gz" && ok "gzip-compressed csvlog: the same groups" || bad "gzip csvlog groups differ"
fi
grep -q '"plan_flip":true' "$tmp/g.stderr" 2>/dev/null
"$planlint" --log --format jsonl "$logs/postgresql.stderr" | grep '"type":"group"' | grep -q '"plan_flip":true' &&
    ok "the planted plan flip is found" || bad "no plan flip found"

# ---- metadata of an entry
"$planlint" --log --format jsonl "$logs/postgresql.stderr" | grep '"type":"entry"' | grep 'capture-text' | head -n 1 > "$tmp/e"
for want in '"user":"postgres"' '"database":"shop"' '"application":"capture-text"' '"timestamp":"20' \
    '"plan_format":"text"' '"query":"SELECT count(*) FROM orders WHERE note' '"duration_ms":'; do
    grep -qF "$want" "$tmp/e" && ok "entry field $want" || bad "entry lacks $want: $(cat "$tmp/e")"
done
grep -q '"pid":[1-9]' "$tmp/e" && ok "entry field pid" || bad "entry lacks its pid"

# ---- filters
all=$(field "$(summary "$logs/postgresql.json")" grouped)
bench=$(field "$(summary --database bench "$logs/postgresql.json")" grouped)
shop=$(field "$(summary --database shop "$logs/postgresql.json")" grouped)
[ $((bench + shop)) = "$all" ] && [ "$bench" -gt 0 ] && [ "$shop" -gt 0 ] && ok "--database splits $all into $bench + $shop" ||
    bad "--database: bench $bench + shop $shop != $all"
slow=$(field "$(summary --min-duration 50 "$logs/postgresql.json")" grouped)
[ "$slow" -gt 0 ] && [ "$slow" -lt "$bench" ] && ok "--min-duration 50: $slow entries" || bad "--min-duration 50 kept $slow"
first=$(grep -m 1 -o '^[0-9-]* [0-9:.]* UTC' "$logs/postgresql.stderr")
none=$(field "$(summary --until "$first" "$logs/postgresql.stderr")" grouped)
every=$(field "$(summary --since "$first" "$logs/postgresql.stderr")" grouped)
[ "$none" = 0 ] && [ "$every" = "$all" ] && ok "--since/--until around the first line" || bad "--since $every, --until $none"
"$planlint" --log --top 2 "$logs/postgresql.stderr" > "$tmp/top" 2>&1
[ "$(grep -c '^[0-9]*\. query ' "$tmp/top")" = 2 ] && ok "--top 2 details two groups" || bad "--top 2: $(head -n 20 "$tmp/top")"

# ---- a damaged entry is reported with its position, the rest goes on
awk 'NR == 30 && /^\t/ { print "\t  \"Plan\": {{{ broken"; next } { print }' "$logs/postgresql.stderr" > "$tmp/damaged.log"
line=$(awk 'NR < 30 && /duration: .* plan:/ { n = NR } END { print n }' "$tmp/damaged.log")
"$planlint" --log "$tmp/damaged.log" > "$tmp/out" 2> "$tmp/err"
rc=$?
[ "$rc" -le 1 ] && grep -q "^planlint: warning: $tmp/damaged.log:[0-9]*: " "$tmp/err" && ok "damaged entry reported: $(head -n 1 "$tmp/err")" ||
    bad "damaged entry: exit $rc, $(cat "$tmp/err")"
grep -q "^$want_stderr auto_explain entries" "$tmp/out" && ok "every entry still counted after a damaged one" ||
    bad "after a damaged entry: $(head -n 2 "$tmp/out")"
[ -n "$line" ] && grep -q "damaged.log:3[0-9]*:" "$tmp/err" && ok "damaged entry line is near line 30 (entry at $line)" ||
    bad "damaged position: $(cat "$tmp/err")"
printf '2024-01-01 00:00:00.000 UTC,"u","d",1,"[local]",x,1,"SELECT",,1/1,0,LOG,00000,"duration: 1.0 ms  plan:\n{ unterminated\n' > "$tmp/cut.csv"
"$planlint" --log "$tmp/cut.csv" > "$tmp/out" 2> "$tmp/err"
grep -q 'cut.csv:1: csvlog record with an unterminated quoted field' "$tmp/err" && ok "unterminated csv field reported" ||
    bad "unterminated csv: $(cat "$tmp/err")"

# ---- another backend's line inside a JSON entry (no logging collector)
awk 'NR == 40 && /^\t/ { print "2099-01-01 00:00:00.000 UTC [1]: user=,db=,app=,client= LOG:  checkpoint starting: time" } { print }' \
    "$logs/postgresql.stderr" > "$tmp/interleaved.log"
s=$(summary "$tmp/interleaved.log")
[ "$(field "$s" grouped)" = "$want_stderr" ] && [ ! -s "$tmp/err" ] && ok "interleaved line of another pid skipped" ||
    bad "interleaved: $s $(cat "$tmp/err")"

# ---- other log_line_prefix settings: Debian's default, and one that says nothing known
sed -E 's/^([0-9-]+ [0-9:.]+ UTC) \[([0-9]+)\]: user=([^,]*),db=([^,]*),app=[^,]*,client=[^ ]* /\1 [\2] \3@\4 /' \
    "$logs/postgresql.stderr" > "$tmp/debian.log"
"$planlint" --log --format jsonl "$tmp/debian.log" | grep '"type":"entry"' | grep '"database":"shop"' | grep -q '"user":"postgres"' &&
    ok "prefix '%m [%p] %q%u@%d ': user and database found" || bad "Debian prefix: user/database not found"
sed -E 's/^([0-9-]+ [0-9:.]+ UTC) \[([0-9]+)\]: [^ ]* /<<\2>> /' "$logs/postgresql.stderr" > "$tmp/odd.log"
s=$(summary "$tmp/odd.log")
[ "$(field "$s" entries)" = "$want_stderr" ] && ok "an unknown prefix: every entry still counted" || bad "unknown prefix: $s"
"$planlint" --log --format jsonl "$tmp/odd.log" | grep '"type":"entry"' | head -n 1 | grep -q '"timestamp":null' &&
    ok "an unknown prefix: no timestamp invented" || bad "unknown prefix gave a timestamp"

# ---- auto-detection, and no progress output when stderr is not a terminal
"$planlint" "$logs/postgresql.json" > "$tmp/out" 2> "$tmp/err"
grep -q "^$want_json auto_explain entries" "$tmp/out" && ok "a jsonlog file is detected without --log" || bad "auto-detection: $(head -n 3 "$tmp/out")"
[ -s "$tmp/err" ] && bad "output on stderr when it is not a terminal: $(head -c 200 "$tmp/err")"
"$planlint" --width 80 "$src/fixtures/pg15/wrapped/auto-explain-log.txt" > "$tmp/out" 2>&1
grep -q '^Plan 1 of 1' "$tmp/out" && ok "a log excerpt with one plan is still read as a plan" || bad "one-plan excerpt: $(head -n 2 "$tmp/out")"

exit $fail
