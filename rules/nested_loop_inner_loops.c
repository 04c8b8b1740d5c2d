/* nested_loop_inner_loops.c - PL004: a Nested Loop whose inner side ran very many times
 * and took much of the query's time. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_loops", 1000, "report when the inner side ran at least this many times" },
    { "min_share", 0.2,
      "and the inner side (its inclusive time over all loops) took at least this share of the "
      "execution time" },
    { "max_cache_hit_ratio", 0.5,
      "skip an inner Memoize that answered at least this share of the lookups from its cache: "
      "it already does what a hash join would" },
    { "min_outer_factor", 10,
      "say the outer side was underestimated when its rows exceed the estimate this many times" },
};

/* The node that does the real inner work: below a Memoize, its child. */
static const planlint_node *inner_work(const planlint_node *inner)
{
    if (pl_node_is(inner, "Memoize") && inner->nchildren > 0)
        return inner->children[0];
    return inner;
}

static const planlint_node *child_by_relationship(const planlint_node *n, const char *rel)
{
    size_t i;

    for (i = 0; i < n->nchildren; i++) {
        const char *r = n->children[i]->fields[PLANLINT_FIELD_PARENT_RELATIONSHIP];
        if (r && strcmp(r, rel) == 0)
            return n->children[i];
    }
    return NULL;
}

/* What the inner side does per loop, and what would help it. */
static const char *inner_advice(pl_check *c, const planlint_node *work)
{
    const planlint_node *n = work;
    const char *idx = NULL;
    int depth;

    /* The index may sit a few levels down (Bitmap Heap Scan over its Bitmap Index Scan). */
    for (depth = 0; n && !idx && depth < 4; depth++, n = n->nchildren ? n->children[0] : NULL)
        idx = n->fields[PLANLINT_FIELD_INDEX];

    if (idx)
        return pl_fmt_text(c, "Each inner loop is already an index lookup (%s, %s per loop): the cost is "
                              "the number of loops, so a join that reads the inner table once fits "
                              "better - a hash join, or a merge join on sorted input.",
                           idx, pl_fmt_ms(c, work->m[PLANLINT_M_ACTUAL_TOTAL_TIME]));
    return pl_fmt_text(c, "Each inner loop runs %s (%s per loop) without an index lookup: index the inner "
                          "table on the join column(s), or let the planner use a hash or merge join.",
                       pl_node_label(c, work), pl_fmt_ms(c, work->m[PLANLINT_M_ACTUAL_TOTAL_TIME]));
}

/* The outer side returned min_outer_factor times the rows the planner expected. */
static int outer_underestimated(pl_check *c, const planlint_node *outer)
{
    return outer->m[PLANLINT_M_ESTIMATE_DIRECTION] > 0 &&
           outer->m[PLANLINT_M_ESTIMATE_FACTOR] >= pl_param(c, "min_outer_factor");
}

/* Why the planner picked a nested loop, when the plan shows it. */
static const char *cause(pl_check *c, const planlint_node *outer)
{
    const planlint_plan *p = pl_check_plan(c);
    const char *hj = pl_plan_setting(p, "enable_hashjoin"), *mj = pl_plan_setting(p, "enable_mergejoin");

    if (outer_underestimated(c, outer))
        return pl_fmt_text(c, " The planner expected %s outer row%s and got %s: it chose a nested loop for a "
                              "few loops. Fix that estimate first (ANALYZE the outer table, see "
                              "row-misestimate); SET enable_nestloop = off only to test what the "
                              "alternative would cost.",
                           pl_fmt_count(c, outer->m[PLANLINT_M_PLAN_ROWS]),
                           outer->m[PLANLINT_M_PLAN_ROWS] == 1 ? "" : "s",
                           pl_fmt_count(c, outer->m[PLANLINT_M_TOTAL_ROWS]));
    if ((hj && strcmp(hj, "off") == 0) || (mj && strcmp(mj, "off") == 0))
        return pl_fmt_text(c, " The plan was made with enable_hashjoin = %s, enable_mergejoin = %s: turn them "
                              "back on and the planner can choose.",
                           hj ? hj : "on", mj ? mj : "on");
    return " If the estimates are right and the planner still prefers the nested loop, compare with "
           "SET enable_nestloop = off (only to test, never as a fix).";
}

static void report(pl_check *c, const planlint_node *nl, const planlint_node *outer,
                   const planlint_node *work, double stake)
{
    double loops = work->m[PLANLINT_M_ACTUAL_LOOPS];
    pl_finding *f = pl_finding_new(c, nl, stake);
    int under = outer_underestimated(c, outer);

    pl_finding_message(f, "%s ran its inner side %s %s times (%s, %s of the execution time)%s",
                       pl_node_label(c, nl), pl_node_label(c, work), pl_fmt_count(c, loops),
                       pl_fmt_ms(c, stake), pl_fmt_pct(c, stake / pl_check_plan(c)->pm[PLANLINT_PLAN_TOTAL_TIME]),
                       under ? pl_fmt_text(c, ": the planner expected %s outer row%s",
                                           pl_fmt_count(c, outer->m[PLANLINT_M_PLAN_ROWS] *
                                                           outer->m[PLANLINT_M_ACTUAL_LOOPS]),
                                           outer->m[PLANLINT_M_PLAN_ROWS] *
                                           outer->m[PLANLINT_M_ACTUAL_LOOPS] == 1 ? "" : "s")
                             : "");
    pl_finding_advice(f, "%s%s", inner_advice(c, work), cause(c, outer));
    pl_finding_evidence(f, "inner_loops", loops);
    pl_finding_evidence(f, "inner_time_ms", stake);
    pl_finding_evidence(f, "outer_rows", outer->m[PLANLINT_M_TOTAL_ROWS]);
    pl_finding_evidence(f, "outer_plan_rows", outer->m[PLANLINT_M_PLAN_ROWS]);
    pl_finding_evidence(f, "outer_estimate_factor", outer->m[PLANLINT_M_ESTIMATE_FACTOR]);
}

static void check_join(pl_check *c, const planlint_node *nl)
{
    const planlint_node *outer = child_by_relationship(nl, "Outer");
    const planlint_node *inner = child_by_relationship(nl, "Inner"), *work;
    double total = pl_check_plan(c)->pm[PLANLINT_PLAN_TOTAL_TIME], t;

    if (!outer || !inner || isnan(total) || total <= 0)
        return;
    work = inner_work(inner);
    /* A per-row LIMIT (LATERAL top-N) has no join alternative: the loop is the point. */
    if (pl_node_is(work, "Limit"))
        return;
    if (work != inner) {
        double hits = inner->m[PLANLINT_M_CACHE_HITS], misses = inner->m[PLANLINT_M_CACHE_MISSES];
        if (hits + misses > 0 && hits / (hits + misses) >= pl_param(c, "max_cache_hit_ratio"))
            return;
    }
    /* Per-loop times are rounded to microseconds: a Memoize can print 0.000 over its child. */
    t = inner->m[PLANLINT_M_INCLUSIVE_TIME];
    if (isnan(t) || work->m[PLANLINT_M_INCLUSIVE_TIME] > t)
        t = work->m[PLANLINT_M_INCLUSIVE_TIME];
    if (isnan(t) || work->m[PLANLINT_M_ACTUAL_LOOPS] < pl_param(c, "min_loops") || t / total < pl_param(c, "min_share"))
        return;
    report(c, nl, outer, work, t);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++)
        if (pl_node_is(p->nodes[i], "Nested Loop") && !p->nodes[i]->never_executed)
            check_join(c, p->nodes[i]);
}

const planlint_rule pl_rule_nested_loop_inner_loops = {
    "PL004", "nested-loop-inner-loops", "joins", PLANLINT_SEVERITY_WARNING,
    "A Nested Loop ran its inner side thousands of times and that took much of the time",
    "A Nested Loop runs its inner side once per outer row. That is the best join for a few "
    "outer rows with an index on the inner join column, and a poor one for thousands: even a "
    "cheap index lookup adds up, and without an index each loop scans the inner table. The "
    "planner picks it when it believes the outer side is small, so the usual cause is an "
    "underestimated outer side (stale statistics, correlated predicates); the finding says "
    "so when the plan shows it. An inner Memoize that answers most lookups from its cache, and a "
    "per-row LIMIT (a LATERAL top-N, which has no join alternative), are not reported.\n\n"
    "Fix: correct the outer estimate (ANALYZE, statistics targets, CREATE STATISTICS), so the "
    "planner can choose a hash or merge join; index the inner join column when the inner side "
    "scans. SET enable_nestloop = off is a way to test the alternative, not a fix.",
    params, PL_NPARAMS(params), check
};
