/* join_filter.c - PL017: a join whose Join Filter threw away most of the rows it joined. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_ratio", 0.9, "report a Join Filter that removed at least this fraction of the joined rows" },
    { "min_removed", 10000, "and at least this many rows in total over all loops" },
};

/* The inner side of a Nested Loop: rescanned for every outer row only because no join key
 * narrows it, so its time is what a usable join condition could save. */
static double inner_time(const planlint_node *join)
{
    size_t i;

    if (!pl_node_is(join, "Nested Loop"))
        return 0;
    for (i = 0; i < join->nchildren; i++) {
        const char *rel = join->children[i]->fields[PLANLINT_FIELD_PARENT_RELATIONSHIP];
        double t = join->children[i]->m[PLANLINT_M_INCLUSIVE_TIME];
        if (rel && strcmp(rel, "Inner") == 0 && !isnan(t))
            return t;
    }
    return 0;
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        const char *cond = n->fields[PLANLINT_FIELD_JOIN_FILTER];
        double loops = n->m[PLANLINT_M_ACTUAL_LOOPS], removed = n->m[PLANLINT_M_ROWS_REMOVED_JOIN_FILTER];
        double kept = n->m[PLANLINT_M_TOTAL_ROWS], ratio, excl = n->m[PLANLINT_M_EXCLUSIVE_TIME];
        pl_finding *f;

        if (!cond || isnan(removed) || isnan(kept))
            continue;
        removed *= isnan(loops) ? 1 : loops;
        ratio = removed / (removed + kept);
        if (removed < pl_param(c, "min_removed") || ratio < pl_param(c, "min_ratio"))
            continue;
        f = pl_finding_new(c, n, isnan(excl) ? NAN : excl + inner_time(n));
        pl_finding_message(f, "%s joined %s row pairs and its Join Filter %s discarded %s of them (%s): "
                              "the condition could not be used to find matching rows",
                           pl_node_label(c, n), pl_fmt_count(c, removed + kept), cond, pl_fmt_count(c, removed),
                           pl_fmt_pct(c, ratio));
        pl_finding_advice(f, "Rewrite the condition so the join can use it as a key: an equality or range "
                             "on a bare column (not an expression such as a + b or f(col), not a cast to "
                             "another type; match the column types of both sides), or an expression index "
                             "matching it. Failing that, give the inner side an indexable condition of its "
                             "own so it returns fewer rows per loop.");
        pl_finding_evidence(f, "rows_removed_by_join_filter", removed);
        pl_finding_evidence(f, "rows_kept", kept);
        pl_finding_evidence(f, "removed_ratio", ratio);
    }
}

const planlint_rule pl_rule_join_filter = {
    "PL017", "join-filter", "joins", PLANLINT_SEVERITY_WARNING,
    "A join's Join Filter discarded most of the rows it joined",
    "A Join Filter is a join condition the join could not use to find matching rows: the join "
    "pairs up rows first (every outer row with every inner row of a Nested Loop, or every hash "
    "or merge match) and only then evaluates the filter. When it discards most pairs, the join "
    "did far more work than its result needs - a Nested Loop over a Join Filter is close to a "
    "cross join. Typical causes: a condition on an expression (a.x + b.y = 0, lower(a.s) = b.s), "
    "mismatched types that need a cast, OR across the two sides, or non-equality conditions.\n\n"
    "Fix: rewrite the condition as an equality (for hash and merge joins) or an indexable "
    "equality or range (for a nested loop over an index) on bare columns of matching types; add "
    "an expression index when the expression cannot be avoided; split an OR into a UNION; or "
    "give the inner side its own selective, indexable condition.",
    params, PL_NPARAMS(params), check
};
