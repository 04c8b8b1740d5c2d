#!/bin/sh
# Text/JSON parity: every fixture captured in both formats reads into the same tree.
src=${top_srcdir:-.}
bld=${top_builddir:-.}
dir=$src/fixtures/pg15
# UPDATE statements change the table between the two captures: estimates differ.
loose=" update_fk_triggers "
names=$(cd "$dir" && for f in *.txt; do
    n=${f%.txt}
    [ -f "$n.json" ] || continue
    case $loose in *" $n "*) echo "~$n" ;; *) echo "$n" ;; esac
done)
# shellcheck disable=SC2086
"$bld/tests/parity/text_parity" "$dir" $names
rc=$?

# Hard-wrapped text: every fixture that fold -w N or fold -s -w N broke reads into the
# tree of the unbroken one, or is flagged unsure. Every width from 40 to 200 for a
# sample of shapes (parallel workers, incremental sort, hash batches, triggers, JIT,
# subplans), every 7th width for all fixtures; PLANLINT_FOLD_ALL=1 runs every width
# for every fixture (about 21,000 reads).
sample="parallel_hash_join incremental_sort hash_join_batches delete_fk_triggers jit subplan_correlated hashagg_spill"
if [ "${PLANLINT_FOLD_ALL:-0}" = 1 ]; then
    "$bld/tests/parity/text_parity" --fold 40 200 1 "$dir"/*.txt || rc=1
else
    # shellcheck disable=SC2086
    "$bld/tests/parity/text_parity" --fold 40 200 1 $(for n in $sample; do echo "$dir/$n.txt"; done) || rc=1
    "$bld/tests/parity/text_parity" --fold 40 200 7 "$dir"/*.txt || rc=1
fi

# Truncated plans: every EXPLAIN ANALYZE fixture cut after each line or half-way
# through one is flagged incomplete (or refused), never read as a whole plan.
# shellcheck disable=SC2046
"$bld/tests/parity/text_parity" --cut $(grep -l 'actual time' "$dir"/*.txt) || rc=1

# psql's other output formats (fixtures/capture-psql-formats.sh): aligned wrapped at a
# narrow \pset columns, expanded (\x) with borders 0-2, wrapped and unaligned, and
# unaligned rows read into the tree of the plain rows they show.
for plain in "$dir"/psql/*.plain.txt; do
    [ -f "$plain" ] || continue
    base=${plain%.plain.txt}
    # shellcheck disable=SC2046
    "$bld/tests/parity/text_parity" --same "$plain" $(ls "$base".*.txt | grep -v '\.plain\.txt$') || rc=1
done
exit $rc
