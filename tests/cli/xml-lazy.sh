#!/bin/sh
# libxml2 is loaded when the first XML plan comes (lib/read/xml_lib.c), not at start:
# a JSON or text plan never loads it; an XML plan does; and when the libxml2 found has
# not what planlint needs, an XML plan gets one clear error and exit 2, others read on.
src=${top_srcdir:-.}
bld=${top_builddir:-.}
planlint=$bld/cli/planlint
fail=0
tmp=$(mktemp -d "${TMPDIR:-/tmp}/planlint-xml.XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT

loads() {   # loads FILE: how many times the dynamic loader opened libxml2 for it
    LD_DEBUG=files "$planlint" --no-rules "$1" 2>&1 >/dev/null | grep -c 'file=libxml2'
}
for f in hash_join.json hash_join.txt hash_join.yaml; do
    n=$(loads "$src/fixtures/pg15/$f")
    if [ "$n" -ne 0 ]; then
        echo "FAIL: reading $f loaded libxml2"; fail=1
    else
        echo "ok: $f without libxml2"
    fi
done
n=$(loads "$src/fixtures/pg15/hash_join.xml")
if [ "$n" -lt 1 ]; then
    echo "FAIL: reading hash_join.xml did not load libxml2 (LD_DEBUG gave nothing?)"; fail=1
else
    echo "ok: hash_join.xml loads libxml2"
fi

# A libxml2 without the functions planlint calls, found first.
echo 'int pl_nothing_here;' > "$tmp/stub.c"
if ${CC:-cc} -shared -fPIC -o "$tmp/libxml2.so.2" "$tmp/stub.c" 2>/dev/null; then
    LD_LIBRARY_PATH="$tmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$planlint" --no-rules \
        "$src/fixtures/pg15/hash_join.xml" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    if [ "$rc" -ne 2 ] || [ "$(wc -l < "$tmp/err")" -ne 1 ] ||
        ! grep -q 'XML plans need libxml2, and the one loaded has no xmlInitParser' "$tmp/err"; then
        echo "FAIL: stub libxml2: exit $rc, stderr:"; cat "$tmp/err"; fail=1
    else
        echo "ok: stub libxml2: $(cat "$tmp/err")"
    fi
    if ! LD_LIBRARY_PATH="$tmp${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$planlint" --no-rules \
        "$src/fixtures/pg15/hash_join.json" >/dev/null 2>&1; then
        echo "FAIL: a JSON plan failed with the stub libxml2 in the path"; fail=1
    fi
else
    echo "FAIL: cannot build the stub library with ${CC:-cc}"; fail=1
fi
exit $fail
