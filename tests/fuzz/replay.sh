#!/bin/sh
# Replays the fuzz corpus (and every captured fixture) through the JSON fuzz target.
# A crash, a sanitizer report or a hang fails the test.
src=${top_srcdir:-.}
bld=${top_builddir:-.}
exec "$bld/tests/fuzz/fuzz_json_replay" "$src/tests/fuzz/corpus/json" "$src/fixtures/pg15"
