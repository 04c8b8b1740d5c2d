/* subplan_per_row.c - PL012: a correlated SubPlan re-run for every row of the outer query. */
#include "predicate.h"

static const pl_rule_param params[] = {
    { "min_loops", 2, "report a SubPlan executed at least this many times (once per outer row)" },
    { "min_share", 0.1, "and taking at least this share of the execution time, all executions together" },
    { "min_time_ms", 10, "and at least this many milliseconds, all executions together" },
};

#define PL_SUBPLAN_MAX_DEPTH 64

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

/* A scan inside the SubPlan that filters on an outer reference with no index to probe:
 * the index that makes each run one probe, as a sentence for the advice ("" when none). */
static const char *correlated_index(pl_check *c, pl_finding *f, const planlint_node *n, int depth)
{
    const char *cond = n->fields[PLANLINT_FIELD_FILTER], *sql;
    const pl_predicate *preds[1];
    const pl_term *keys[PL_SUGGEST_MAX_KEYS];
    pl_predicate pred;
    size_t i, nk;

    if (depth > PL_SUBPLAN_MAX_DEPTH)
        return "";
    if (pl_node_is(n, "Seq Scan") && cond) {
        pl_predicate_parse(c, n, cond, 0, &pred);
        preds[0] = &pred;
        for (i = 0; i < pred.nterms; i++)
            if (pred.terms[i].outer && pred.terms[i].kind == PL_TERM_EQUALITY)
                break;
        nk = pl_index_keys(n, preds, 1, keys, PL_SUGGEST_MAX_KEYS, 0);
        if (i < pred.nterms && !pl_existing_index(n, preds, 1, keys, nk) &&
            (sql = pl_index_suggestion(c, n, preds, 1, NULL)) != NULL &&
            (sql = pl_finding_sql(f, "IndexStmt", "%s", sql)) != NULL)
            return pl_fmt_text(c, " Here %s reads the whole table on each run to find the rows of "
                                  "the outer row (Filter %s): %s lets each run probe an index instead.",
                               pl_node_label(c, n), cond, sql);
    }
    for (i = 0; i < n->nchildren; i++) {
        const char *s = correlated_index(c, f, n->children[i], depth + 1);
        if (*s)
            return s;
    }
    return "";
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
                         "per row, make each run cheap with an index on the correlated column(s).%s",
                      correlated_index(c, f, n, 0));
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
        /* Its share of the time decides, not the loops alone: 20 runs of 70 ms are as bad
         * as 20,000 of 0.07 ms. Without timing the cost is unknown. */
        if (isnan(share) || share < pl_param(c, "min_share") ||
            !(n->m[PLANLINT_M_INCLUSIVE_TIME] >= pl_param(c, "min_time_ms")) || is_hashed(c, n))
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
    "add up - or a few runs are each slow, a scan of a whole table per outer row - and the "
    "planner cannot choose a hash or merge join. It is reported by its share of the execution "
    "time, all runs together. (A hashed SubPlan - NOT IN "
    "over an uncorrelated subquery - runs once and is not reported.)\n\n"
    "Fix: rewrite it as a join the planner can optimize as a whole: a scalar aggregate "
    "becomes a LEFT JOIN to a grouped subquery, EXISTS / IN become semi-joins (keep them out "
    "of OR), a per-row LIMIT becomes LEFT JOIN LATERAL. If it must stay per row, index the "
    "correlated columns so each run is a single index probe (planlint prints the CREATE INDEX "
    "when a scan inside the SubPlan filters on the outer row's column).",
    params, PL_NPARAMS(params), check
};
