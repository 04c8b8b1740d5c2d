/* table.c - every rule planlint knows, in id order. A new rule: its file in rules/,
 * one line here, one in Makefile.am. */
#include "finding.h"

extern const planlint_rule pl_rule_seq_scan_filter;
extern const planlint_rule pl_rule_index_filter;
extern const planlint_rule pl_rule_row_misestimate;
extern const planlint_rule pl_rule_nested_loop_inner_loops;
extern const planlint_rule pl_rule_hash_spill;
extern const planlint_rule pl_rule_hashagg_spill;
extern const planlint_rule pl_rule_sort_spill;
extern const planlint_rule pl_rule_lossy_bitmap;
extern const planlint_rule pl_rule_heap_fetches;
extern const planlint_rule pl_rule_workers_not_launched;
extern const planlint_rule pl_rule_jit_overhead;
extern const planlint_rule pl_rule_subplan_per_row;
extern const planlint_rule pl_rule_cte_scan;
extern const planlint_rule pl_rule_planning_time;
extern const planlint_rule pl_rule_trigger_time;
extern const planlint_rule pl_rule_large_offset;
extern const planlint_rule pl_rule_join_filter;
extern const planlint_rule pl_rule_temp_io;
extern const planlint_rule pl_rule_read_efficiency;
extern const planlint_rule pl_rule_cache_misses;
extern const planlint_rule pl_rule_missing_instrumentation;
extern const planlint_rule pl_rule_stale_stats;
extern const planlint_rule pl_rule_hash_probe_seq_scan;
extern const planlint_rule pl_rule_leading_wildcard_like;
extern const planlint_rule pl_rule_or_across_join;
extern const planlint_rule pl_rule_top_n_filter;
extern const planlint_rule pl_rule_append_not_pruned;
extern const planlint_rule pl_rule_memoize_hit_rate;
extern const planlint_rule pl_rule_fk_trigger_index;

const planlint_rule *const pl_rules[] = {
    &pl_rule_seq_scan_filter,
    &pl_rule_index_filter,
    &pl_rule_row_misestimate,
    &pl_rule_nested_loop_inner_loops,
    &pl_rule_hash_spill,
    &pl_rule_hashagg_spill,
    &pl_rule_sort_spill,
    &pl_rule_lossy_bitmap,
    &pl_rule_heap_fetches,
    &pl_rule_workers_not_launched,
    &pl_rule_jit_overhead,
    &pl_rule_subplan_per_row,
    &pl_rule_cte_scan,
    &pl_rule_planning_time,
    &pl_rule_trigger_time,
    &pl_rule_large_offset,
    &pl_rule_join_filter,
    &pl_rule_temp_io,
    &pl_rule_read_efficiency,
    &pl_rule_cache_misses,
    &pl_rule_missing_instrumentation,
    &pl_rule_stale_stats,
    &pl_rule_hash_probe_seq_scan,
    &pl_rule_leading_wildcard_like,
    &pl_rule_or_across_join,
    &pl_rule_top_n_filter,
    &pl_rule_append_not_pruned,
    &pl_rule_memoize_hit_rate,
    &pl_rule_fk_trigger_index,
};

const size_t pl_nrules = sizeof(pl_rules) / sizeof(pl_rules[0]);
