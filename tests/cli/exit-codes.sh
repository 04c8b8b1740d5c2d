#!/bin/sh
# The documented exit codes, each provoked for real, and one-line diagnostics.
#   0 success, 1 a finding at or above --fail-on, 2 usage or invalid input,
#   4 internal error (write error). 3 (database error) is tested in tests/live/run.sh.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
fixture=$src/fixtures/pg15/hash_join.json
tmp=${TMPDIR:-/tmp}/planlint-exit.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

# expect CODE DESCRIPTION -- ARGS...   (stdin from $stdin_file, stdout to $out_file)
expect() {
    want=$1; what=$2; shift 3
    "$planlint" "$@" < "${stdin_file:-/dev/null}" > "${out_file:-$tmp/out}" 2> "$tmp/err"
    got=$?
    if [ "$got" != "$want" ]; then
        echo "FAIL: $what: exit $got, expected $want"; cat "$tmp/err"; fail=1; return
    fi
    if [ "$want" -ge 2 ]; then
        lines=$(wc -l < "$tmp/err")
        first=$(head -n 1 "$tmp/err")
        case "$first" in
            "planlint: error: "*) ;;
            *) echo "FAIL: $what: diagnostic does not start with 'planlint: error: ': $first"; fail=1 ;;
        esac
        # One line, plus psql's "Try --help" hint for usage errors.
        if [ "$lines" -gt 2 ] || { [ "$lines" -eq 2 ] && ! grep -q '^Try "planlint --help"' "$tmp/err"; }; then
            echo "FAIL: $what: diagnostic is $lines lines"; cat "$tmp/err"; fail=1
        fi
    fi
    echo "ok: $what -> $got"
}

expect 0 "a valid plan" -- "$fixture"
expect 0 "--help" -- --help
expect 0 "-? (psql's help)" -- '-?'
expect 0 "--version" -- --version
grep -q '^planlint ' "$tmp/out" || { echo "FAIL: --version output"; fail=1; }
stdin_file=$fixture expect 0 "plan on standard input" --
stdin_file=$fixture expect 0 "'-' reads standard input" -- -
spill=$src/fixtures/pg15/hash_join_batches.json
expect 1 "a warning with --fail-on warning" -- --no-config --fail-on warning "$spill"
expect 1 "a warning with --fail-on info" -- --no-config --fail-on info "$spill"
expect 0 "a warning with --fail-on error" -- --no-config --fail-on error "$spill"
expect 0 "a warning without --fail-on" -- --no-config "$spill"
expect 2 "an unknown rule" -- --no-config --enable no-such-rule "$spill"
expect 2 "a bad --set" -- --no-config --set sort-spill.min_disk_kb=lots "$spill"
expect 2 "--explain an unknown rule" -- --explain PL999
expect 0 "--list-rules" -- --list-rules
expect 0 "--explain" -- --explain sort-spill
# .planlint.json: found from a subdirectory, overridden by the command line, errors are usage errors.
mkdir -p "$tmp/proj/sub"
printf '{ "fail_on": "warning", "set": { "hash-spill.min_batches": 2 } }\n' > "$tmp/proj/.planlint.json"
(cd "$tmp/proj/sub" && "$planlint" "$spill" > /dev/null 2>&1); rc=$?
[ $rc -eq 1 ] && echo "ok: .planlint.json fail_on found upward -> 1" || { echo "FAIL: .planlint.json upward: exit $rc"; fail=1; }
(cd "$tmp/proj/sub" && "$planlint" --fail-on none "$spill" > /dev/null 2>&1); rc=$?
[ $rc -eq 0 ] && echo "ok: --fail-on none overrides the file -> 0" || { echo "FAIL: override: exit $rc"; fail=1; }
(cd "$tmp/proj/sub" && "$planlint" --no-config "$spill" > /dev/null 2>&1); rc=$?
[ $rc -eq 0 ] && echo "ok: --no-config -> 0" || { echo "FAIL: --no-config: exit $rc"; fail=1; }
printf '{ "fail_on": 3 }\n' > "$tmp/bad.json"
expect 2 "a config with a wrong type" -- --config "$tmp/bad.json" "$spill"
printf '{ "colour": "red" }\n' > "$tmp/bad.json"
expect 2 "a config with an unknown key" -- --config "$tmp/bad.json" "$spill"
expect 2 "a missing --config file" -- --config "$tmp/none.json" "$spill"
expect 2 "an unknown option" -- --no-such-option
expect 2 "-h without a host" -- -h
grep -q -- "-h is the server host; help is -? or --help" "$tmp/err" || { echo "FAIL: -h message"; fail=1; }
expect 2 "a bad --format value" -- --format yaml "$fixture"
expect 2 "a bad --color value" -- --color=sometimes "$fixture"
expect 2 "a missing file" -- "$tmp/none.json"
expect 2 "a directory" -- "$tmp"
expect 2 "invalid JSON" -- "$src/tests/cli/bad/invalid.json"
expect 2 "JSON that is not a plan" -- "$src/tests/cli/bad/not-a-plan.json"
expect 0 "a text-format plan" -- "$src/tests/cli/text-plan.txt"
expect 0 "a text-format plan with --input-format text" -- --input-format text "$src/tests/cli/text-plan.txt"
expect 2 "text that is not a plan" -- "$src/tests/cli/bad/not-a-plan.txt"
expect 2 "a text plan read as JSON (--input-format json)" -- --input-format json "$src/tests/cli/text-plan.txt"
expect 2 "empty input" -- /dev/null
expect 0 "a YAML plan" -- "$src/tests/cli/bad/yaml-plan.txt"
expect 0 "an XML plan" -- "$src/tests/cli/bad/xml-plan.txt"
expect 2 "a YAML plan read as XML (--input-format xml)" -- --input-format xml "$src/tests/cli/bad/yaml-plan.txt"
printf -- '- Plan:\n    Node Type: "Result"\n   Startup Cost: [\n' > "$tmp/broken.yaml"
expect 2 "invalid YAML" -- "$tmp/broken.yaml"
grep -q "broken.yaml:3:.*invalid YAML" "$tmp/err" || { echo "FAIL: YAML error position"; cat "$tmp/err"; fail=1; }
printf '<explain xmlns="http://www.postgresql.org/2009/explain">\n<Query><Plan><Node-Type>Result</Plan>\n' > "$tmp/broken.xml"
expect 2 "invalid XML" -- "$tmp/broken.xml"
grep -q "broken.xml:2:.*invalid XML" "$tmp/err" || { echo "FAIL: XML error position"; cat "$tmp/err"; fail=1; }
expect 2 "one bad file among good ones" -- "$fixture" "$src/tests/cli/bad/invalid.json"
if [ -w /dev/full ]; then
    out_file=/dev/full expect 4 "write error (stdout is /dev/full)" -- "$fixture"
    out_file=/dev/full expect 4 "write error on --help" -- --help
else
    echo "SKIP: no /dev/full; write errors not tested"
    exit 77
fi
expect 2 "-o into a missing directory" -- -o "$tmp/no/such/dir/out" "$fixture"
expect 0 "-o FILE" -- -o "$tmp/o.txt" "$fixture"
[ -s "$tmp/o.txt" ] || { echo "FAIL: -o wrote nothing"; fail=1; }

# Colour: never on a pipe by default, always with --color=always, NO_COLOR honoured.
"$planlint" "$fixture" | grep -q "$(printf '\033')" && { echo "FAIL: colour on a pipe"; fail=1; }
"$planlint" --color=always "$fixture" | grep -q "$(printf '\033')" || { echo "FAIL: --color=always"; fail=1; }
exit $fail
