#!/bin/sh
# Replays the fuzz corpora (and every captured fixture) through the JSON, text, YAML
# and XML fuzz targets, the log corpus (and the captured server logs) through the log
# reader, and the SQL corpus through live mode's statement check.
# A crash, a sanitizer report or a hang fails the test.
src=${top_srcdir:-.}
bld=${top_builddir:-.}
"$bld/tests/fuzz/fuzz_json_replay" "$src/tests/fuzz/corpus/json" "$src/fixtures/pg15" || exit 1
"$bld/tests/fuzz/fuzz_sql_replay" "$src/tests/fuzz/corpus/sql" || exit 1
"$bld/tests/fuzz/fuzz_yaml_replay" "$src/tests/fuzz/corpus/yaml" "$src/fixtures/pg15" || exit 1
"$bld/tests/fuzz/fuzz_xml_replay" "$src/tests/fuzz/corpus/xml" "$src/fixtures/pg15" || exit 1
"$bld/tests/fuzz/fuzz_log_replay" "$src/tests/fuzz/corpus/log" "$src/fixtures/pg15/logs" || exit 1
exec "$bld/tests/fuzz/fuzz_text_replay" "$src/tests/fuzz/corpus/text" "$src/tests/fuzz/corpus/json" "$src/fixtures/pg15"
