/* memoize_hit_rate.c - PL028: a Memoize node whose cache was rarely hit: the planner
 * expected repeated lookup keys that did not come, or the cache was too small for them. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "max_hit_ratio", 0.5, "report a Memoize whose hits are at most this fraction of its lookups" },
    { "min_lookups", 1000, "ignore a Memoize with fewer lookups (hits + misses) than this" },
    { "min_eviction_ratio", 0.1, "evictions at or above this fraction of the misses: the cache was too small" },
};

static void advise(pl_check *c, pl_finding *f, const planlint_node *n, double misses, double evictions)
{
    const char *key = pl_value_str(n->obj, "Cache Key");
    const char *off = pl_finding_sql(f, "VariableSetStmt", "SET enable_memoize = off;");

    if (evictions >= pl_param(c, "min_eviction_ratio") * misses)
        pl_finding_advice(f, "The cache evicted %s entries: it is too small for the keys the outer side "
                             "repeats (its limit is work_mem x hash_mem_multiplier). Raise hash_mem_multiplier "
                             "or work_mem for this query, or compare with %s (no cache at all).",
                          pl_fmt_count(c, evictions), off ? off : "enable_memoize off");
    else
        pl_finding_advice(f, "Nearly every lookup key (%s) was new: the planner expected repeated keys, from "
                             "statistics that say the outer side has far fewer distinct values than it has. "
                             "ANALYZE the outer side's table (the statistics may be stale), or raise the "
                             "column's statistics target (ALTER TABLE ... ALTER COLUMN ... SET STATISTICS). "
                             "Compare with %s (a hash join may fit better than a nested loop of lookups).",
                          key ? key : "?", off ? off : "enable_memoize off");
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        double hits = n->m[PLANLINT_M_CACHE_HITS], misses = n->m[PLANLINT_M_CACHE_MISSES];
        double evictions = pl_nz(n->m[PLANLINT_M_CACHE_EVICTIONS]), lookups = hits + misses;
        pl_finding *f;

        if (!pl_node_is(n, "Memoize") || isnan(lookups) || lookups < pl_param(c, "min_lookups") ||
            hits > pl_param(c, "max_hit_ratio") * lookups)
            continue;
        f = pl_finding_new(c, n, n->m[PLANLINT_M_INCLUSIVE_TIME]);
        pl_finding_message(f, "%s hit its cache on %s of %s lookups (%s): %s misses ran its inner side, "
                              "%s evictions",
                           pl_node_label(c, n), pl_fmt_count(c, hits), pl_fmt_count(c, lookups),
                           pl_fmt_pct(c, hits / lookups), pl_fmt_count(c, misses), pl_fmt_count(c, evictions));
        advise(c, f, n, misses, evictions);
        pl_finding_evidence(f, "cache_hits", hits);
        pl_finding_evidence(f, "cache_misses", misses);
        pl_finding_evidence(f, "cache_evictions", evictions);
        pl_finding_evidence(f, "hit_ratio", hits / lookups);
    }
}

const planlint_rule pl_rule_memoize_hit_rate = {
    "PL028", "memoize-hit-rate", "joins", PLANLINT_SEVERITY_WARNING,
    "A Memoize node rarely found its lookup key in its cache",
    "Memoize (PostgreSQL 14+) caches the inner side's rows of a nested loop by the lookup key, "
    "so that a key seen before costs a hash lookup instead of an index scan. The planner picks "
    "it when the statistics say the outer side repeats few distinct keys. When most lookups "
    "miss (Hits far below Misses), the cache only adds work, and the plan built around it - a "
    "nested loop of lookups - was chosen on a wrong estimate. Evictions mean the cache was too "
    "small for the keys that did repeat.\n\n"
    "Fix: with few evictions, the estimate of distinct keys was wrong: ANALYZE the outer "
    "table, or raise the statistics target of the key column; compare with SET enable_memoize "
    "= off. With many evictions, give the cache more memory (hash_mem_multiplier, work_mem).",
    params, PL_NPARAMS(params), check
};
