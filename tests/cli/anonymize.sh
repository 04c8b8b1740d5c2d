#!/bin/sh
# --anonymize over every fixture (tests/cli/anonymize.py); needs python3, else SKIP.
src=$(cd "${top_srcdir:-.}" && pwd)
planlint=${PLANLINT:-$src/cli/planlint}
if ! command -v python3 > /dev/null 2>&1; then
    echo "python3 not found: skipped"
    exit 77
fi
exec python3 "$src/tests/cli/anonymize.py" "$planlint" "$src"
