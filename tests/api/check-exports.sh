#!/bin/sh
# Each shared library exports exactly the symbols listed for it: libplanlint the
# analyzer's API (tests/api/exports.txt), libplanlint-live that and live mode's
# (tests/api/exports-live.txt), and nothing internal. A new export must be added there
# on purpose. libplanlint must not need libpq: embedding the analyzer pulls no client
# library, nor libxml2 before an XML plan comes.
src=${top_srcdir:-.}
bld=${top_builddir:-.}
command -v nm >/dev/null 2>&1 || { echo "nm not found"; exit 99; }
fail=0
for lib in libplanlint:exports.txt libplanlint-live:exports-live.txt; do
    so=$bld/lib/.libs/${lib%%:*}.so
    list=${lib#*:}
    if [ ! -f "$so" ]; then
        echo "SKIP: no shared library at $so (configured with --disable-shared?)"
        exit 77
    fi
    nm -D --defined-only "$so" | awk '$2 ~ /^[TDRBV]$/ {print $3}' | LC_ALL=C sort > "$bld/tests/api/$list.actual"
    if diff -u "$src/tests/api/$list" "$bld/tests/api/$list.actual"; then
        echo "${lib%%:*}: $(wc -l < "$bld/tests/api/$list.actual") symbols, as listed"
    else
        echo "FAIL: the symbols ${lib%%:*} exports differ from tests/api/$list"; fail=1
    fi
done
if nm -D --undefined-only "$bld/lib/.libs/libplanlint.so" | grep -q ' PQ'; then
    echo "FAIL: libplanlint needs libpq"; fail=1
elif command -v readelf >/dev/null 2>&1 && readelf -d "$bld/lib/.libs/libplanlint.so" | grep -q 'libpq'; then
    echo "FAIL: libplanlint is linked with libpq"; fail=1
else
    echo "libplanlint: no libpq"
fi
# libxml2 (and ICU behind it) is loaded only when an XML plan comes (lib/read/xml_lib.c).
for so in libplanlint libplanlint-live; do
    if command -v readelf >/dev/null 2>&1 && readelf -d "$bld/lib/.libs/$so.so" | grep -q 'libxml2'; then
        echo "FAIL: $so is linked with libxml2"; fail=1
    elif nm -D --undefined-only "$bld/lib/.libs/$so.so" | grep -q ' xml'; then
        echo "FAIL: $so needs libxml2 symbols at load time"; fail=1
    else
        echo "$so: libxml2 not linked"
    fi
done
exit $fail
