#!/bin/sh
# The SARIF output validated against the official SARIF 2.1.0 JSON schema by a real
# validator: ajv (with ajv-draft-04, as the schema is draft-04, and ajv-formats for
# "uri" and "uri-reference"), and the schema file sarif-2.1.0-rtm.5.json that the npm
# package @microsoft/jest-sarif ships. npm fetches them once into a cache outside the
# source tree ($PLANLINT_NPM_CACHE, else $TMPDIR). A deliberately broken document must
# be rejected, so a validator that accepts everything cannot pass. Without npm the test
# is skipped (77); under PLANLINT_CI=1 not being able to run is a failure.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
here=$src/tests/sarif
cache=${PLANLINT_NPM_CACHE:-${TMPDIR:-/tmp}/planlint-sarif-validator-$(id -u)}
tmp=${TMPDIR:-/tmp}/planlint-sarif.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL: $*"; fail=1; }

if ! command -v npm > /dev/null 2>&1 || ! command -v node > /dev/null 2>&1; then
    echo "npm or node not found: SARIF schema validation skipped"
    [ "${PLANLINT_CI:-0}" = 1 ] && { echo "FAIL: PLANLINT_CI=1 needs it"; exit 1; }
    exit 77
fi

# Pinned versions; the schema is taken out of the package's tarball, so jest and
# the rest of that package's dependencies are never installed.
schema=$cache/sarif-2.1.0-rtm.5.json
if [ ! -f "$cache/ready" ]; then
    rm -rf "$cache" && mkdir -p "$cache" &&
    (cd "$cache" && npm init -y > /dev/null &&
     npm install --no-audit --no-fund --silent ajv@8.20.0 ajv-draft-04@1.0.0 ajv-formats@3.0.1 > npm.log 2>&1 &&
     npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >> npm.log 2>&1 &&
     tar xzf microsoft-jest-sarif-1.0.0-beta.0.tgz package/lib/schemas/sarif-2.1.0-rtm.5.json &&
     mv package/lib/schemas/sarif-2.1.0-rtm.5.json "$schema" && rm -rf package ./*.tgz) &&
    touch "$cache/ready"
    if [ ! -f "$cache/ready" ]; then
        cat "$cache/npm.log" 2> /dev/null | tail -5
        echo "FAIL: could not install the SARIF validator from the npm registry into $cache"
        exit 99
    fi
fi
export NODE_PATH="$cache/node_modules"

"$planlint" --list-rules=json > "$tmp/rules.json" || exit 99

# Plans with findings and without, text and JSON, several plans in one input, the
# hostile plans, and a file name with a blank, ESC, '%' and non-ASCII bytes.
name="$tmp/plan 50% $(printf '\033')]0;x é.json"
cp "$src/tests/cli/hostile/hostile.json" "$name"
set -- fixtures/pg15/advice/b_seq_filter_cold.json fixtures/pg15/hash_join_batches.json \
    fixtures/pg15/index_scan.json fixtures/pg15/seq_scan_filter.txt fixtures/pg15/jit.json \
    tests/cli/hostile/hostile.json tests/cli/hostile/hostile.txt tests/cli/hostile/markdown.json "$name"
k=0
for plan in "$@"; do
    k=$((k + 1))
    (cd "$src" && "$planlint" --format=sarif "$plan" > "$tmp/out$k.sarif"; echo $? > "$tmp/rc")
    [ "$(cat "$tmp/rc")" -le 1 ] || bad "$plan: exit $(cat "$tmp/rc")"
    (cd "$src" && "$planlint" --format=json "$plan" > "$tmp/out$k.json")
    node "$here/check.js" "$tmp/out$k.sarif" "$tmp/out$k.json" "$tmp/rules.json" || bad "$plan: check.js"
done
# planlint diff on the captured before/after pairs, failing on regressions and not, and
# on the hostile plan against its text rendition.
for pair in index_drop work_mem parallel same_plan; do
    for failing in 0 1; do
        k=$((k + 1))
        b=fixtures/pg15/diff/$pair.before.json a=fixtures/pg15/diff/$pair.after.json
        fopt=--min-severity=info
        [ $failing = 1 ] && fopt=--fail-on-regression=1.5
        (cd "$src" && "$planlint" diff "$fopt" --format=sarif "$b" "$a" > "$tmp/out$k.sarif"; echo $? > "$tmp/rc")
        [ "$(cat "$tmp/rc")" -le 1 ] || bad "diff $pair: exit $(cat "$tmp/rc")"
        (cd "$src" && "$planlint" diff "$fopt" --format=json "$b" "$a" > "$tmp/diff$k.json"
         "$planlint" --format=sarif "$a" > "$tmp/after$k.sarif")
        node "$here/check-diff.js" "$tmp/out$k.sarif" "$tmp/diff$k.json" "$tmp/after$k.sarif" "$tmp/rules.json" \
            "$failing" || bad "diff $pair: check-diff.js"
    done
done
k=$((k + 1))
"$planlint" diff --format=sarif "$src/tests/cli/hostile/hostile.txt" "$name" > "$tmp/out$k.sarif"
[ $? -le 1 ] || bad "diff of the hostile plans"
# Several FILEs, JSON and text, with findings and without: one log, one run, the
# results of each file as it gives them on its own. A file that cannot be read is
# left out of the log, and the exit code is still the worst (2).
files="fixtures/pg15/seq_scan_filter.json fixtures/pg15/index_scan.json fixtures/pg15/hash_join_batches.txt"
k=$((k + 1))
(cd "$src" && "$planlint" --format=sarif --fail-on=warning $files > "$tmp/out$k.sarif"; echo $? > "$tmp/rc")
[ "$(cat "$tmp/rc")" = 1 ] || bad "three files: exit $(cat "$tmp/rc"), not 1"
j=0
for plan in $files; do
    j=$((j + 1))
    (cd "$src" && "$planlint" --format=sarif "$plan" > "$tmp/single$j.json")
done
node "$here/check-files.js" "$tmp/out$k.sarif" "$tmp"/single[123].json || bad "three files: check-files.js"
k=$((k + 1))
(cd "$src" && "$planlint" --format=sarif --fail-on=warning tests/cli/bad/invalid.json $files \
    > "$tmp/out$k.sarif" 2> "$tmp/err"; echo $? > "$tmp/rc")
[ "$(cat "$tmp/rc")" = 2 ] || bad "a bad file and three: exit $(cat "$tmp/rc"), not 2"
grep -q '^planlint: error: tests/cli/bad/invalid.json:' "$tmp/err" || bad "a bad file and three: no error"
node "$here/check-files.js" "$tmp/out$k.sarif" "$tmp"/single[123].json || bad "a bad file and three: check-files.js"
node "$here/validate.js" "$schema" "$tmp"/out*.sarif || bad "the SARIF output does not validate"

# The same problem seen in the JSON and the text rendition of one plan keeps its
# fingerprint; the uri is the name as given, percent-encoded.
(cd "$src" && "$planlint" --format=sarif fixtures/pg15/seq_scan_filter.json > "$tmp/fp.sarif")
node -e '
const fs = require("fs"), fp = (f) => JSON.parse(fs.readFileSync(f, "utf8")).runs[0].results
    .map((r) => r.partialFingerprints["planlintFingerprint/v1"]).join(" ");
if (fp(process.argv[1]) !== fp(process.argv[2]) || fp(process.argv[1]) === "") process.exit(1);
const uri = JSON.parse(fs.readFileSync(process.argv[3], "utf8")).runs[0].results[0]
    .locations[0].physicalLocation.artifactLocation.uri;
if (!uri.endsWith("/plan%2050%25%20%1B%5D0;x%20%C3%A9.json")) { console.log(uri); process.exit(1); }
' "$tmp/fp.sarif" "$tmp/out4.sarif" "$tmp/out9.sarif" || bad "fingerprints or uri"

# The validator can fail: a level SARIF does not have, a missing version, a result
# without a message, a file name that is not a URI reference (formats are checked).
node -e '
const fs = require("fs"), doc = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
const broken = (f, name) => { const d = JSON.parse(JSON.stringify(doc)); f(d);
    fs.writeFileSync(process.argv[2] + "/broken-" + name + ".json", JSON.stringify(d)); };
broken((d) => { d.runs[0].results[0].level = "fatal"; }, "level");
broken((d) => { delete d.version; }, "version");
broken((d) => { delete d.runs[0].results[0].message; }, "message");
broken((d) => { d.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = "a b\x1b.json"; }, "uri");
' "$tmp/out1.sarif" "$tmp" || exit 99
for b in "$tmp"/broken-*.json; do
    node "$here/validate.js" "$schema" "$b" > "$tmp/broken.out" && bad "$(basename "$b") was accepted"
    grep -q '^INVALID' "$tmp/broken.out" || bad "$(basename "$b"): no INVALID line"
done

[ $fail -eq 0 ] && echo "sarif: all outputs valid, broken documents rejected"
exit $fail
