#!/bin/sh
# The hostile-statement suite (hostile.sh) against PostgreSQL 16 or later, where a
# statement with $n and no --param values takes the generic-plan path of a newer server,
# and adminpack no longer exists (hostile.sh puts stand-ins under its function names).
# The server comes from PLANLINT_NEWER_PGBIN, as for newer.sh; without it, newer.sh
# says why the test skips (or fails, in CI).
set -u
[ -n "${PLANLINT_NEWER_PGBIN:-}" ] || exec sh "$(dirname "$0")/newer.sh"
PLANLINT_TEST_PGBIN=$PLANLINT_NEWER_PGBIN
hostile_port=${PLANLINT_TEST_PGPORT:-54345}
. "$(dirname "$0")/hostile.sh"
