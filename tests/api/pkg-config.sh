#!/bin/sh
# planlint.pc and planlint-live.pc resolve, also with --static (Debian's libpq.pc lists
# private dependencies that have no .pc of their own, so the analyzer's must not name
# libpq), and only the live one brings libpq.
bld=${top_builddir:-.}
command -v pkg-config >/dev/null 2>&1 || { echo "SKIP: no pkg-config"; exit 77; }
fail=0
for mode in "" --static; do
    core=$(PKG_CONFIG_PATH=$bld pkg-config $mode --cflags --libs planlint) ||
        { echo "FAIL: pkg-config $mode planlint"; fail=1; }
    live=$(PKG_CONFIG_PATH=$bld pkg-config $mode --cflags --libs planlint-live) ||
        { echo "FAIL: pkg-config $mode planlint-live"; fail=1; }
    case " $core " in *" -lpq "*) echo "FAIL: planlint.pc $mode brings libpq: $core"; fail=1 ;; esac
    case " $live " in *" -lplanlint-live "*) ;; *) echo "FAIL: planlint-live.pc $mode: $live"; fail=1 ;; esac
    [ $fail = 0 ] && echo "ok: pkg-config $mode: planlint -> $core"
done
exit $fail
