#!/bin/sh
# Format parity: every fixture captured in several of EXPLAIN's formats reads into the
# same tree. JSON against text (with every list and group of a node: Output, keys,
# Grouping Sets); JSON against YAML and XML, and YAML against XML, also
# key by key (--tree).
src=${top_srcdir:-.}
bld=${top_builddir:-.}
dir=$src/fixtures/pg15
fail=0
# UPDATE statements change the table between two captures: estimates differ.
loose=" update_fk_triggers "
# names DIR A B [all]: the fixtures in DIR captured as A and B; "all" marks every one loose.
names() {
    (cd "$1" && for f in *."$2"; do
        n=${f%."$2"}
        [ -f "$n.$3" ] || continue
        case "$4$loose" in all*|*" $n "*) echo "~$n" ;; *) echo "$n" ;; esac
    done)
}
run() { "$bld/tests/parity/text_parity" "$@" || fail=1; }
# shellcheck disable=SC2046
run "$dir" json txt $(names "$dir" json txt)
# The YAML and XML files come from a later capture run than the JSON and text ones:
# ANALYZE sampled anew, so estimates are compared between YAML and XML only.
# shellcheck disable=SC2046
run --tree "$dir" json yaml $(names "$dir" json yaml all)
# shellcheck disable=SC2046
run --tree "$dir" json xml $(names "$dir" json xml all)
# shellcheck disable=SC2046
run --tree "$dir" yaml xml $(names "$dir" yaml xml)

# Shapes the main fixtures lack (fixtures/capture-parity.sh, one fixtures/parity/*.sql
# each): grouping sets in sorted rollups, each under its own Sort Key, next to a hashed one.
# shellcheck disable=SC2046
run "$dir/parity" json txt $(names "$dir/parity" json txt)

# Text written from JSON (--emit-plan=text): every JSON/text pair, here and in advice/,
# diff/ and parity/, reads back into the JSON's tree and matches the captured text; the
# captured text read and written again must be the captured text, byte for byte.
for d in "$dir" "$dir/advice" "$dir/diff" "$dir/parity"; do
    # shellcheck disable=SC2046
    "$bld/tests/parity/text_parity" --emit "$d" $(cd "$d" && for f in *.json; do
        [ -f "${f%.json}.txt" ] && echo "${f%.json}"; done) || fail=1
done

# Hard-wrapped text: every fixture that fold -w N or fold -s -w N broke reads into the
# tree of the unbroken one, or is flagged unsure. Every width from 40 to 200 for a
# sample of shapes (parallel workers, incremental sort, hash batches, triggers, JIT,
# subplans), every 7th width for all fixtures; PLANLINT_FOLD_ALL=1 runs every width
# for every fixture (about 21,000 reads).
sample="parallel_hash_join incremental_sort hash_join_batches delete_fk_triggers jit subplan_correlated hashagg_spill"
if [ "${PLANLINT_FOLD_ALL:-0}" = 1 ]; then
    "$bld/tests/parity/text_parity" --fold 40 200 1 "$dir"/*.txt || fail=1
else
    # shellcheck disable=SC2086
    "$bld/tests/parity/text_parity" --fold 40 200 1 $(for n in $sample; do echo "$dir/$n.txt"; done) || fail=1
    "$bld/tests/parity/text_parity" --fold 40 200 7 "$dir"/*.txt || fail=1
fi

# Truncated plans: every EXPLAIN ANALYZE fixture cut after each line or half-way
# through one is flagged incomplete (or refused), never read as a whole plan.
# shellcheck disable=SC2046
"$bld/tests/parity/text_parity" --cut $(grep -l 'actual time' "$dir"/*.txt) || fail=1

# psql's other output formats (fixtures/capture-psql-formats.sh): aligned wrapped at a
# narrow \pset columns, expanded (\x) with borders 0-2, wrapped and unaligned, and
# unaligned rows read into the tree of the plain rows they show.
for plain in "$dir"/psql/*.plain.txt; do
    [ -f "$plain" ] || continue
    base=${plain%.plain.txt}
    # shellcheck disable=SC2046
    "$bld/tests/parity/text_parity" --same "$plain" $(ls "$base".*.txt | grep -v '\.plain\.txt$') || fail=1
done
exit $fail
