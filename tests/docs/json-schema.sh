#!/bin/sh
# The JSON output against its published schema (docs/planlint-output.schema.json),
# checked by a real validator, ajv (draft 2020-12), installed with npm into a cache
# outside the source tree. The output of every captured fixture must pass; documents
# broken on purpose (a renamed or an extra field) must fail, or the schema is too loose
# to be worth anything. Without npm the test is skipped, except under PLANLINT_CI=1.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
cache=${PLANLINT_AJV_CACHE:-${TMPDIR:-/tmp}/planlint-ajv-cache}
tmp=${TMPDIR:-/tmp}/planlint-schema.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT

cannot() {
    if [ "${PLANLINT_CI:-0}" = 1 ]; then echo "FAIL: $1 (PLANLINT_CI=1)"; exit 1; fi
    echo "SKIP: $1"; exit 77
}
command -v node > /dev/null 2>&1 || cannot "node is not installed"
if [ ! -f "$cache/node_modules/ajv/dist/2020.js" ] || [ ! -d "$cache/node_modules/ajv-formats" ]; then
    command -v npm > /dev/null 2>&1 || cannot "npm is not installed (needed for ajv)"
    mkdir -p "$cache" || exit 99
    npm install --prefix "$cache" --no-audit --no-fund --no-save --loglevel=error ajv@8 ajv-formats@3 \
        > "$tmp/npm.log" 2>&1 || { cat "$tmp/npm.log"; cannot "npm install ajv ajv-formats failed"; }
fi

# The real output of every fixture, JSON and text captures, with and without rules.
n=0
for f in "$src"/fixtures/pg15/*.json "$src"/fixtures/pg15/*.txt; do
    n=$((n + 1))
    "$planlint" --no-config --format json "$f" > "$tmp/ok-$n.json"
    [ $? -le 1 ] || { echo "FAIL: planlint on $f"; exit 1; }
done
"$planlint" --no-config --format json --no-rules "$src"/fixtures/pg15/*.yaml > "$tmp/ok-yaml-norules.json" || exit 1
"$planlint" --no-config --format json --baseline "$src/tests/golden/baseline-new-only/baseline.json" \
    "$src"/fixtures/pg15/hash_join_batches.xml > "$tmp/ok-baseline.json" || exit 1
# Live mode's verification fields, as tests/live/hypopg.sh sees them, on a real finding
# that suggests an index (the file input has no server to ask).
one=$("$planlint" --no-config --format json "$src"/fixtures/pg15/seq_scan_filter.json)
printf '%s\n' "$one" > "$tmp/one"
case $one in *'"index_sql":"CREATE'*) ;; *) echo "FAIL: seq_scan_filter no longer suggests an index"; exit 1 ;; esac
printf '%s\n' "$one" | sed 's/"verification":null/"verification":{"status":"chosen","cost_before":18334.5,"cost_after":8.44,"note":"<13512>btree_orders_status","together":null}/' \
    > "$tmp/ok-verification.json"
printf '%s\n' "$one" | sed 's/"verification":null/"verification":{"status":"chosen","cost_before":18334.5,"cost_after":8.44,"note":"<13512>btree_orders_status","together":{"indexes":2,"cost_after":6.1,"uses_this_index":true}}/' \
    > "$tmp/ok-together.json"
grep -q '"status":"chosen"' "$tmp/ok-verification.json" || { echo "FAIL: no finding to verify"; exit 1; }
printf '%s\n' "$one" | sed 's/"verification":null/"verification":{"status":"unavailable","cost_before":null,"cost_after":null,"note":"hypopg is not installed","together":null}/' \
    > "$tmp/ok-unavailable.json"
"$planlint" --no-config --format json --stats "$src"/fixtures/pg15/hash_join_batches.json > "$tmp/ok-stats.json"
[ $? -le 1 ] || { echo "FAIL: planlint --stats"; exit 1; }

# Broken on purpose: each must fail.
broken() {   # NAME SED-EXPRESSION
    printf '%s\n' "$one" | sed "$2" > "$tmp/bad-$1.json"
    cmp -s "$tmp/bad-$1.json" "$tmp/one" && { echo "FAIL: $1 changed nothing"; exit 1; }
}
broken renamed-fingerprint 's/"fingerprint":/"finger_print":/'
broken renamed-node-type 's/"node_type":/"nodeType":/'
broken extra-plan-field 's/"node_count":/"nodes":3,"node_count":/'
broken bad-severity 's/"severity":"[a-z]*"/"severity":"fatal"/'
broken short-fingerprint 's/"fingerprint":"\([0-9a-f]\{8\}\)[0-9a-f]*"/"fingerprint":"\1"/'
broken summary-renamed 's/"suppressed_by_baseline":/"suppressed":/'
broken summary-missing-count 's/"by_severity":{"error":[0-9]*,/"by_severity":{/'
broken schema-version 's/"schema_version":1/"schema_version":2/'
broken verification-status 's/"verification":null/"verification":{"status":"maybe","cost_before":null,"cost_after":null,"note":null}/'
broken derived-unknown 's/"exclusive_time":/"exclusive_tim":/'

node "$src/tests/docs/json-schema.js" "$cache/node_modules" "$src/docs/planlint-output.schema.json" valid "$tmp"/ok-*.json || exit 1
node "$src/tests/docs/json-schema.js" "$cache/node_modules" "$src/docs/planlint-output.schema.json" invalid "$tmp"/bad-*.json || exit 1
