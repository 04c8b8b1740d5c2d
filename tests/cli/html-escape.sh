#!/bin/sh
# The HTML page escapes every string from the input: the hostile plans
# (tests/cli/hostile/: ESC sequences, CR/LF, BEL, DEL, C1, invalid UTF-8), the same
# plan with markup put into its names, conditions and query text, and a file name
# with markup in it. No control byte, no tag but the page's own, no raw markup.
set -u
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
dir=$src/tests/cli/hostile
tmp=${TMPDIR:-/tmp}/planlint-html-escape.$$
mkdir -p "$tmp" || exit 99
trap 'rm -rf "$tmp"' EXIT
fail=0
c1=$(printf '\302[\200-\237]')
tags='!DOCTYPE|html|head|meta|title|style|body|header|h1|h2|h3|section|dl|dt|dd|div|p|pre|code|ol|ul|li|details|summary|span|b|i|a'

bad() { echo "FAIL: $*"; fail=1; }

check() {   # check FILE WHAT
    n=$(LC_ALL=C tr -d '\n -~\200-\377' < "$1" | wc -c)
    [ "$n" -eq 0 ] || bad "$2: $n control bytes"
    LC_ALL=C grep -q "$c1" "$1" && bad "$2: a C1 control (C2 80-9F)"
    grep -qi '<script\|<img\|<svg\|<iframe\|<link\|<object' "$1" && bad "$2: raw markup from the input"
    other=$(grep -o '<[^ >]*' "$1" | sed 's,^</*,,' | grep -Ev "^($tags)$" | sort -u)
    [ -z "$other" ] || bad "$2: tags that are not the page's own: $other"
    grep -q "content=\"default-src 'none'; style-src 'unsafe-inline'\"" "$1" || bad "$2: no Content-Security-Policy"
    return 0
}

run() {   # run OUT WHAT ARGS...: exit 0 or 1, nothing on stderr
    out=$1 what=$2
    shift 2
    "$planlint" --format html "$@" > "$out" 2> "$tmp/err"
    rc=$?
    [ $rc -le 1 ] || bad "$what: exit $rc: $(head -3 "$tmp/err")"
    [ -s "$tmp/err" ] && bad "$what: stderr: $(head -3 "$tmp/err")"
    check "$out" "$what"
}

run "$tmp/hostile.html" hostile.json "$dir/hostile.json"
grep -q 'No findings\. -- forged' "$tmp/hostile.html" && grep -q '\\x1b\[2J' "$tmp/hostile.html" ||
    bad "hostile.json: the escaped names are not shown"

# Markup where the plan has names, conditions and the query text.
sed -e 's/customers/<script>alert(\\"x\\")<\/script><img src=x onerror=alert(1)>/g' \
    -e "s/region_id/r'\\\\\"<\/code><\/pre><svg onload=alert(2)>\&amp;/g" \
    -e 's/SELECT 1/<\/title><iframe src=javascript:alert(3)>/g' \
    "$dir/hostile.json" > "$tmp/markup.json"
run "$tmp/markup.html" markup.json "$tmp/markup.json"
grep -q '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror' "$tmp/markup.html" ||
    bad "markup.json: the relation name is not shown escaped"
grep -q "r&#39;&quot;&lt;/code&gt;&lt;/pre&gt;&lt;svg onload=alert(2)&gt;&amp;amp;" "$tmp/markup.html" ||
    bad "markup.json: the condition is not shown escaped"
grep -q '&lt;/title&gt;&lt;iframe' "$tmp/markup.html" || bad "markup.json: the query text is not shown escaped"

# Markup in the file name, shown in the title and the header.
cp "$tmp/markup.json" "$tmp/<b>\"x'&.json"
run "$tmp/name.html" "file name" "$tmp/<b>\"x'&.json"
grep -q '&lt;b&gt;&quot;x&#39;&amp;\.json</title>' "$tmp/name.html" || bad "file name: not shown escaped"

# Broken input still fails cleanly, before any page is written.
"$planlint" --format html "$dir/broken.json" > "$tmp/broken.html" 2> /dev/null
[ $? -eq 2 ] || bad "broken.json: exit status is not 2"

[ $fail -eq 0 ] && echo "html-escape: ok"
exit $fail
