#!/bin/sh
# The shared library exports exactly the symbols in tests/api/exports.txt: the public
# API and nothing internal. A new export must be added there on purpose.
src=${top_srcdir:-.}
bld=${top_builddir:-.}
so=$bld/lib/.libs/libplanlint.so
if [ ! -f "$so" ]; then
    echo "SKIP: no shared library at $so (configured with --disable-shared?)"
    exit 77
fi
command -v nm >/dev/null 2>&1 || { echo "nm not found"; exit 99; }
nm -D --defined-only "$so" | awk '$2 ~ /^[TDRBV]$/ {print $3}' | LC_ALL=C sort > "$bld/tests/api/exports.actual"
if diff -u "$src/tests/api/exports.txt" "$bld/tests/api/exports.actual"; then
    echo "exports: $(wc -l < "$bld/tests/api/exports.actual") symbols, as listed"
    exit 0
fi
echo "FAIL: exported symbols differ from tests/api/exports.txt"
exit 1
