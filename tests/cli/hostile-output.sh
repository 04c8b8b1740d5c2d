#!/bin/sh
# Plans that try to drive the terminal: ESC [2J, OSC 0 and OSC 8, CR, LF before a
# forged "No findings." line, BEL, DEL, a C1 CSI (C2 9B), invalid UTF-8 and (text) NUL
# bytes in relation names, aliases, filters, index names, settings, triggers and the
# query text (tests/cli/hostile/). The tree must show them escaped, the JSON must stay
# valid JSON in valid UTF-8, and errors must quote them escaped. The JSON and width
# checks need python3; without it they are skipped and the test says SKIP.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
dir=$src/tests/cli/hostile
tmp=${TMPDIR:-/tmp}/planlint-hostile.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
esc=$(printf '\033')
c1=$(printf '\302[\200-\237]')

bad() { echo "FAIL: $*"; fail=1; }

# Bytes a terminal acts on: C0 controls but the renderer's own newlines (tab is
# escaped too), DEL, and C1 controls as UTF-8.
no_controls() {
    n=$(LC_ALL=C tr -d '\n -~\200-\377' < "$1" | wc -c)
    [ "$n" -eq 0 ] || bad "$2: $n control bytes"
    LC_ALL=C grep -q "$c1" "$1" && bad "$2: a C1 control (C2 80-9F)"
    grep -q '^No findings\. -- forged' "$1" && bad "$2: the forged line starts a line"
    return 0
}

# With colour, the only escapes are SGR sequences: ESC [ digits and ';' m.
only_sgr() {
    LC_ALL=C sed "s/$esc\[[0-9;]*m//g" "$1" > "$tmp/nosgr"
    no_controls "$tmp/nosgr" "$2 (SGR removed)"
}

run() {   # run OUT DESCRIPTION -- ARGS...: exit 0 or 1 expected, stderr empty
    out=$1 what=$2; shift 3
    "$planlint" "$@" > "$out" 2> "$tmp/err"
    rc=$?
    [ $rc -le 1 ] || { bad "$what: exit $rc"; cat "$tmp/err"; }
    [ -s "$tmp/err" ] && { bad "$what: wrote to stderr"; cat "$tmp/err"; }
    return 0
}

# A source name that is itself hostile: shown in the header and in "source".
name="$tmp/plan${esc}]0;title$(printf '\007')
No findings. -- forged.json"
cp "$dir/hostile.json" "$name"

for plan in "$dir/hostile.json" "$dir/hostile.txt" "$name"; do
    base=$(basename "$plan")
    base=$(printf %s "$base" | LC_ALL=C tr -c 'a-z.' '_')
    for width in 0 60 100; do
        run "$tmp/tree" "$base tree width $width" -- --color=never --width=$width "$plan"
        no_controls "$tmp/tree" "$base tree width $width"
        run "$tmp/color" "$base colour width $width" -- --color=always --width=$width "$plan"
        only_sgr "$tmp/color" "$base colour width $width"
    done
    run "$tmp/ascii" "$base ascii" -- --color=never --ascii --width=80 "$plan"
    no_controls "$tmp/ascii" "$base ascii"
    grep -q 'customers\\x1b\[2J\\x1b\]0;pwned\\x07' "$tmp/ascii" || bad "$base: relation name not shown escaped"
    run "$tmp/md" "$base markdown" -- --format=markdown "$plan"
    no_controls "$tmp/md" "$base markdown"
    grep -q '^| 1 | warning | PL001 seq-scan-filter | \\#1 Seq Scan on public.customers' "$tmp/md" ||
        bad "$base markdown: the first finding's row is not one table row"
    run "$tmp/emit" "$base emitted text" -- --emit-plan=text "$plan"
    no_controls "$tmp/emit" "$base emitted text"
    grep -qF '  ->  Seq Scan on public."customers\x1b[2J\x1b]0;pwned\x07"' "$tmp/emit" ||
        bad "$base emitted text: the relation name is not shown escaped"
    run "$tmp/out-$base.json" "$base json" -- --format=json "$plan"
    LC_ALL=C grep -q "$esc" "$tmp/out-$base.json" && bad "$base json: a raw ESC"
done

# planlint diff as Markdown, the hostile names in the title, the node table and the
# trees: nothing raw, and every table row stays one row.
run "$tmp/diff.md" "diff markdown" -- diff --format=markdown "$dir/hostile.txt" "$name"
no_controls "$tmp/diff.md" "diff markdown"
grep '^| ' "$tmp/diff.md" | grep -qF 'o\\x1b\[31mred' || bad "diff markdown: no node row shows the alias escaped"
grep '^| ' "$tmp/diff.md" | grep -v ' |$' > "$tmp/rows" && { bad "diff markdown: a table row is cut"; cat "$tmp/rows"; }

# Errors quote the input near the error, escaped, on one line.
for broken in broken.json broken.txt; do
    "$planlint" "$dir/$broken" > /dev/null 2> "$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || bad "$broken: exit $rc, expected 2"
    [ "$(wc -l < "$tmp/err")" -eq 1 ] || bad "$broken: the diagnostic is not one line"
    no_controls "$tmp/err" "$broken diagnostic"
done

if ! command -v python3 > /dev/null 2>&1; then
    [ $fail -eq 0 ] && { echo "python3 not found: JSON and width checks skipped"; exit 77; }
    exit 1
fi

# The JSON parses, strictly as UTF-8; the source name and the relation name keep
# their escapes as \u001b.
for f in "$tmp"/out-*.json; do
    python3 - "$f" <<'EOF' || bad "$(basename "$f"): not strict UTF-8 JSON"
import json, sys
doc = json.loads(open(sys.argv[1], "rb").read().decode("utf-8", "strict"))
scan = doc["plans"][0]["root"]["children"][0]["raw"]
assert scan["Relation Name"].startswith("customers\x1b[2J\x1b]0;pwned\x07"), scan["Relation Name"]
assert "\x00" not in json.dumps(doc, ensure_ascii=False), "a NUL in a string"
EOF
done

# Every width cuts lines between characters and escapes, never inside one, and no
# line is wider than asked (wide characters count two columns).
python3 - "$planlint" "$dir/hostile.json" "$dir/hostile.txt" <<'EOF' || bad "width cutting"
import re, subprocess, sys, unicodedata
planlint, plans = sys.argv[1], sys.argv[2:]
def width(line):
    line = re.sub("\x1b\\[[0-9;]*m", "", line)
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1
               for c in line)
for plan in plans:
    for w in range(40, 121):
        for color in ("never",) if w % 10 else ("never", "always"):
            run = subprocess.run([planlint, "--width=%d" % w, "--color=" + color, plan],
                                 stdout=subprocess.PIPE)
            if run.returncode > 1:
                sys.exit("%s --width=%d: exit %d" % (plan, w, run.returncode))
            out = run.stdout.decode("utf-8", "strict")
            for line in out.split("\n"):
                if width(line) > w:
                    sys.exit("%s --width=%d: %d columns: %r" % (plan, w, width(line), line))
                if re.search(r"\\x[0-9a-f]?\u2026", line):
                    sys.exit("%s --width=%d: cut inside an escape: %r" % (plan, w, line))
EOF

# The CLI's own diagnostics: a file name with ESC, CR and a line break is quoted in one
# escaped line.
tmp=$(mktemp -d) || exit 99
evil="$tmp/evil$(printf '\033')[2J$(printf '\r')name
No findings.json"
printf 'not a plan' > "$evil"
"$planlint" "$evil" >/dev/null 2>"$tmp/diag"
[ "$(wc -l < "$tmp/diag")" = 1 ] && grep -q 'evil\\x1b\[2J\\x0dname\\x0aNo findings' "$tmp/diag" &&
    ! tr -d '\n' < "$tmp/diag" | grep -q "$(printf '[\001-\037]')" || { cat -v "$tmp/diag"; bad "a diagnostic quotes a file name raw"; }
rm -rf "$tmp"

exit $fail
