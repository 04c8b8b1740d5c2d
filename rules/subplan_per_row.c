/* subplan_per_row.c - PL012: a correlated SubPlan re-run for every row of the outer query. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_loops", 1000, "report a SubPlan executed at least this many times (once per outer row)" },
    { "min_share", 0.1, "and taking at least this share of the execution time, all executions together" },
};

/* A hashed SubPlan runs once and probes a hash table; its parent's expressions name it
 * "hashed SubPlan N" (older servers put "hashed" in the name itself). */
static int is_hashed(pl_check *c, const planlint_node *n)
{
    const char *name = n->fields[PLANLINT_FIELD_SUBPLAN];
    const planlint_value *obj = n->parent ? n->parent->obj : NULL;
    const char *needle;
    size_t i;

    if (!name || strstr(name, "hashed"))
        return 1;
    needle = pl_fmt_text(c, "hashed %s", name);
    for (i = 0; obj && i < planlint_value_size(obj); i++) {
        const char *s = planlint_value_string(planlint_value_at(obj, i));
        if (s && strstr(s, needle))
            return 1;
    }
    return 0;
}

static void report(pl_check *c, const planlint_node *n)
{
    double loops = n->m[PLANLINT_M_ACTUAL_LOOPS], incl = n->m[PLANLINT_M_INCLUSIVE_TIME];
    pl_finding *f = pl_finding_new(c, n, incl);

    pl_finding_message(f, "%s (%s) ran %s times, once per row of %s, %s each: %s in all (%s)",
                       n->fields[PLANLINT_FIELD_SUBPLAN], pl_node_type(n), pl_fmt_count(c, loops),
                       n->parent ? pl_node_label(c, n->parent) : "its parent",
                       pl_fmt_ms(c, n->m[PLANLINT_M_ACTUAL_TOTAL_TIME]), pl_fmt_ms(c, incl),
                       pl_fmt_pct(c, n->m[PLANLINT_M_INCLUSIVE_SHARE]));
    pl_finding_advice(f, "Rewrite the correlated subquery as a join, so the planner can compute it for "
                         "all outer rows at once (hash or merge join) instead of once per row. A scalar "
                         "aggregate such as\n"
                         "  SELECT c.id, (SELECT count(*) FROM orders o WHERE o.customer_id = c.id) FROM customers c\n"
                         "becomes a grouped join:\n"
                         "  SELECT c.id, coalesce(o.n, 0) FROM customers c\n"
                         "  LEFT JOIN (SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id) o\n"
                         "         ON o.customer_id = c.id\n"
                         "EXISTS / IN (SELECT ...) become semi-joins when written without OR around them; a "
                         "per-row LIMIT or ORDER BY becomes LEFT JOIN LATERAL (...) ON true. If it must stay "
                         "per row, make each run cheap with an index on the correlated column(s).");
    pl_finding_evidence(f, "loops", loops);
    pl_finding_evidence(f, "time_per_loop_ms", n->m[PLANLINT_M_ACTUAL_TOTAL_TIME]);
    pl_finding_evidence(f, "inclusive_time_ms", incl);
    pl_finding_evidence(f, "inclusive_share", n->m[PLANLINT_M_INCLUSIVE_SHARE]);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        const char *rel = n->fields[PLANLINT_FIELD_PARENT_RELATIONSHIP];
        double loops = n->m[PLANLINT_M_ACTUAL_LOOPS], share = n->m[PLANLINT_M_INCLUSIVE_SHARE];

        if (!rel || strcmp(rel, "SubPlan") != 0 || isnan(loops) || loops < pl_param(c, "min_loops"))
            continue;
        /* Without timing the cost is unknown: loops alone are no proof of harm. */
        if (isnan(share) || share < pl_param(c, "min_share") || is_hashed(c, n))
            continue;
        report(c, n);
    }
}

const planlint_rule pl_rule_subplan_per_row = {
    "PL012", "subplan-per-row", "subqueries", PLANLINT_SEVERITY_WARNING,
    "A correlated SubPlan ran once per outer row and took a large share of the time",
    "A subquery in the SELECT list or WHERE clause that refers to the outer query (a "
    "correlated subquery) becomes a SubPlan that the executor re-runs for every outer row: "
    "Actual Loops equals the outer row count. Each run may be cheap, but thousands of them "
    "add up, and the planner cannot choose a hash or merge join. (A hashed SubPlan - NOT IN "
    "over an uncorrelated subquery - runs once and is not reported.)\n\n"
    "Fix: rewrite it as a join the planner can optimize as a whole: a scalar aggregate "
    "becomes a LEFT JOIN to a grouped subquery, EXISTS / IN become semi-joins (keep them out "
    "of OR), a per-row LIMIT becomes LEFT JOIN LATERAL. If it must stay per row, index the "
    "correlated columns so each run is a single index probe.",
    params, PL_NPARAMS(params), check
};
