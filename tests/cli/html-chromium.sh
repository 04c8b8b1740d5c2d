#!/bin/sh
# The HTML page in a real browser: headless Chromium loads the page of a few captured
# plans, and the one page of several files, from a file:// URL, with no console message,
# and the DOM it built holds the findings and the node names, and no id twice; its
# screenshot is a PNG of a reasonable size. Skipped
# (77) when chromium is not installed; under PLANLINT_CI=1 a browser that is missing
# or cannot run fails the test.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
tmp=${TMPDIR:-/tmp}/planlint-html-chromium.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0

browser=
for b in chromium chromium-browser; do
    command -v "$b" > /dev/null 2>&1 && browser=$b && break
done
if [ -z "$browser" ]; then
    [ "${PLANLINT_CI:-0}" = 1 ] && { echo "FAIL: chromium is not installed"; exit 1; }
    echo "SKIP: chromium is not installed"
    exit 77
fi

bad() { echo "FAIL: $*"; fail=1; }

chrome() {   # chrome LOG ARGS...: headless, a throwaway profile, no network
    log=$1
    shift
    timeout 120 "$browser" --headless=new --disable-gpu --no-sandbox --no-first-run \
        --user-data-dir="$tmp/profile" --enable-logging=stderr --v=0 \
        --virtual-time-budget=2000 "$@" 2> "$log"
}

# A console message in Chromium's log: "CONSOLE(12)" or ":CONSOLE:"; a page that
# is refused something by its Content-Security-Policy says so there too.
console_errors() {
    grep -i 'CONSOLE\|Content Security Policy\|Uncaught' "$1"
}

# page CASE FILE...: the one page of the FILEs (in fixtures/pg15/), for check CASE.
page() {
    case=$1
    shift
    (cd "$src/fixtures/pg15" && "$planlint" --format html "$@") > "$tmp/$case.html"
    [ $? -le 1 ] || bad "$case: planlint failed"
}

# check CASE TEXT...: the page made by page CASE, else that of fixtures/pg15/CASE.json,
# shows every TEXT.
check() {
    case=$1
    shift
    html=$tmp/$case.html
    if [ ! -f "$html" ]; then
        "$planlint" --format html "$src/fixtures/pg15/$case.json" > "$html"
        [ $? -le 1 ] || { bad "$case: planlint failed"; return; }
    fi
    if ! chrome "$tmp/$case.dom.log" --dump-dom "file://$html" > "$tmp/$case.dom"; then
        bad "$case: chromium could not run: $(grep -v dbus "$tmp/$case.dom.log" | tail -3)"
        return
    fi
    grep -q '<ul class="tree">' "$tmp/$case.dom" || bad "$case: the DOM has no plan tree"
    for want in "$@"; do
        grep -qF "$want" "$tmp/$case.dom" || bad "$case: the DOM does not show: $want"
    done
    twice=$(grep -o ' id="[^"]*"' "$tmp/$case.dom" | sort | uniq -d | tr -d '\n')
    [ -z "$twice" ] || bad "$case: ids given twice:$twice"
    errs=$(console_errors "$tmp/$case.dom.log")
    [ -z "$errs" ] || bad "$case: console messages: $errs"
    chrome "$tmp/$case.png.log" --screenshot="$tmp/$case.png" --window-size=1200,1600 "file://$html" > /dev/null ||
        bad "$case: no screenshot: $(grep -v dbus "$tmp/$case.png.log" | tail -3)"
    errs=$(console_errors "$tmp/$case.png.log")
    [ -z "$errs" ] || bad "$case: console messages: $errs"
    sig=$(od -An -tx1 -N8 "$tmp/$case.png" 2> /dev/null | tr -d ' \n')
    [ "$sig" = 89504e470d0a1a0a ] || bad "$case: the screenshot is not a PNG"
    # A blank 1200x1600 page compresses to a few kB; text and bars take far more.
    size=$(wc -c < "$tmp/$case.png" 2> /dev/null || echo 0)
    [ "$size" -gt 20000 ] || bad "$case: the screenshot is $size bytes: blank?"
    [ "$size" -lt 20000000 ] || bad "$case: the screenshot is $size bytes"
    [ -n "${PLANLINT_KEEP_SCREENSHOTS:-}" ] && cp "$tmp/$case.png" "$PLANLINT_KEEP_SCREENSHOTS/$case.png"
    return 0
}

check hash_join_batches 'PL005 hash-spill' 'PL006 hashagg-spill' 'href="#p1-f1"' \
    '#5 Hash' '#4 Seq Scan on public.order_items' 'SET LOCAL work_mem' 'Hash Cond: (i.order_id = o.id)'
check seq_scan_filter 'PL001 seq-scan-filter' '#0 Seq Scan on public.order_items' \
    'CREATE INDEX ON public.order_items (unit_price);' 'Filter: (order_items.unit_price &gt; 999.00)'
check no_analyze '#0' 'No ANALYZE'
check nested_loop_many_loops 'Nested Loop' 'Index'
page two_files hash_join_batches.json seq_scan_filter.txt
check two_files '<title>planlint: 2 inputs</title>' '<a href="#p2">seq_scan_filter.txt</a>' \
    '<h2>hash_join_batches.json</h2>' '<h2>seq_scan_filter.txt</h2>' 'href="#p1-f1"' 'href="#p2-f1"' \
    'PL005 hash-spill' 'PL001 seq-scan-filter' '#0 Seq Scan on public.order_items'

[ $fail -eq 0 ] && echo "html-chromium: ok"
exit $fail
