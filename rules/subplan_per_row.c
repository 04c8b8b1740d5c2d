/* subplan_per_row.c - PL012: a SubPlan re-run for every row of the outer query: correlated,
 * or uncorrelated but not hashed (NOT IN over too many rows for work_mem). */
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

/* Aliases and tables the subtree under n scans: what its conditions may name without
 * reaching outside. */
static int names_own(const planlint_node *n, const char *q, size_t len)
{
    const char *alias = n->fields[PLANLINT_FIELD_ALIAS], *rel = n->fields[PLANLINT_FIELD_RELATION];
    const char *cte = n->fields[PLANLINT_FIELD_CTE];
    size_t i;

    if ((alias && strlen(alias) == len && strncmp(alias, q, len) == 0) ||
        (rel && strlen(rel) == len && strncmp(rel, q, len) == 0) || (cte && strlen(cte) == len && strncmp(cte, q, len) == 0))
        return 1;
    for (i = 0; i < n->nchildren; i++)
        if (names_own(n->children[i], q, len))
            return 1;
    return 0;
}

/* A condition naming a parameter ($1) or a qualified column (x.col) of a table outside
 * root's subtree: the outer query's value, so root is correlated. */
static int cond_reaches_out(const planlint_node *root, const char *s)
{
    const char *p;

    for (p = s; p && *p; p++) {
        size_t len = 0;
        if (*p == '\'') {              /* skip a literal */
            for (p++; *p && !(p[0] == '\'' && p[1] != '\''); p += p[0] == '\'' ? 2 : 1)
                ;
            if (!*p)
                break;
            continue;
        }
        if (*p == '$' && p[1] >= '0' && p[1] <= '9')
            return 1;
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_') ||
            (p > s && (p[-1] == '_' || p[-1] == '.' || p[-1] == ':' || (p[-1] >= '0' && p[-1] <= '9') ||
                       (p[-1] >= 'a' && p[-1] <= 'z') || (p[-1] >= 'A' && p[-1] <= 'Z'))))
            continue;
        while ((p[len] >= 'a' && p[len] <= 'z') || (p[len] >= 'A' && p[len] <= 'Z') || p[len] == '_' ||
               (p[len] >= '0' && p[len] <= '9'))
            len++;
        if (p[len] == '.' && !names_own(root, p, len))
            return 1;
        p += len - 1;
    }
    return 0;
}

/* A SubPlan whose conditions name nothing of the outer query runs the same way for every
 * row: it is not correlated (NOT IN (SELECT ...) too large to hash, x > ALL (SELECT ...)). */
static int correlated(const planlint_node *root, const planlint_node *n)
{
    static const planlint_node_field conds[] = {
        PLANLINT_FIELD_FILTER, PLANLINT_FIELD_INDEX_COND, PLANLINT_FIELD_RECHECK_COND,
        PLANLINT_FIELD_JOIN_FILTER, PLANLINT_FIELD_HASH_COND, PLANLINT_FIELD_MERGE_COND,
    };
    size_t i;

    for (i = 0; i < sizeof(conds) / sizeof(conds[0]); i++)
        if (n->fields[conds[i]] && cond_reaches_out(root, n->fields[conds[i]]))
            return 1;
    for (i = 0; i < n->nchildren; i++)
        if (correlated(root, n->children[i]))
            return 1;
    return 0;
}

/* "NOT (SubPlan 1)" in the parent's Filter: NOT IN (or <> ALL) over the subquery. */
static int not_in(pl_check *c, const planlint_node *n)
{
    const char *filter = n->parent ? n->parent->fields[PLANLINT_FIELD_FILTER] : NULL;

    return filter && strstr(filter, pl_fmt_text(c, "NOT (%s)", n->fields[PLANLINT_FIELD_SUBPLAN])) != NULL;
}

/* The advice for an uncorrelated SubPlan that was not hashed: its rows are rescanned for
 * each outer row because a hash table of them did not fit in work_mem x hash_mem_multiplier. */
static void advise_uncorrelated(pl_check *c, pl_finding *f, const planlint_node *n)
{
    const planlint_node *src = n->nchildren && pl_node_is(n, "Materialize") ? n->children[0] : n;
    double rows = pl_nz(src->m[PLANLINT_M_PLAN_ROWS]), width = pl_nz(src->m[PLANLINT_M_PLAN_WIDTH]);
    /* The planner's size test: rows x (MAXALIGN(width) + tuple header), with room for the buckets. */
    double kb = rows * (ceil(width / 8) * 8 + 24 + 16) / 1024;
    const char *set = pl_set_work_mem(f, 1, pl_fmt_work_mem(c, kb * 2 / pl_hash_mem_multiplier(pl_check_plan(c))));

    if (not_in(c, n))
        pl_finding_advice(f, "This is NOT IN (SELECT ...) over a subquery that does not depend on the outer row: "
                             "the planner hashes its rows when they fit in work_mem x hash_mem_multiplier (a "
                             "\"hashed SubPlan\", one probe per row); these did not, so they are scanned again for "
                             "every outer row. Rewrite it as NOT EXISTS (SELECT 1 FROM ... WHERE inner_col = "
                             "outer_col), which becomes a hash or merge anti join. Mind NULLs: when the subquery "
                             "yields a NULL, NOT IN returns no rows at all while NOT EXISTS ignores the NULL, so the "
                             "two agree only when inner_col cannot be NULL. Or give the query the memory to hash its ~%s rows: %s",
                          pl_fmt_count(c, rows), set);
    else
        pl_finding_advice(f, "The subquery does not depend on the outer row, yet its rows are scanned again for "
                             "every outer row: they were not hashed (too many for work_mem x hash_mem_multiplier, "
                             "or an operator such as > ALL that cannot use a hash). Compute it once: join to it, "
                             "or compare with an aggregate of it (x > ALL (SELECT y ...) is x > (SELECT max(y) ...) "
                             "when y has no NULLs); for IN / NOT IN, enough memory to hash its ~%s rows: %s",
                          pl_fmt_count(c, rows), set);
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
    if (!correlated(n, n)) {
        advise_uncorrelated(c, f, n);
        pl_finding_evidence(f, "loops", loops);
        pl_finding_evidence(f, "time_per_loop_ms", n->m[PLANLINT_M_ACTUAL_TOTAL_TIME]);
        pl_finding_evidence(f, "inclusive_time_ms", incl);
        pl_finding_evidence(f, "inclusive_share", n->m[PLANLINT_M_INCLUSIVE_SHARE]);
        return;
    }
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
    "A SubPlan ran once per outer row (correlated, or not hashed) and took a large share of the time",
    "A subquery in the SELECT list or WHERE clause that refers to the outer query (a "
    "correlated subquery) becomes a SubPlan that the executor re-runs for every outer row: "
    "Actual Loops equals the outer row count. Each run may be cheap, but thousands of them "
    "add up - or a few runs are each slow, a scan of a whole table per outer row - and the "
    "planner cannot choose a hash or merge join. It is reported by its share of the execution "
    "time, all runs together. (A hashed SubPlan - NOT IN over an uncorrelated subquery - runs "
    "once and is not reported. An uncorrelated SubPlan that was not hashed, because its rows "
    "did not fit in work_mem x hash_mem_multiplier, is reported: its rows are rescanned for "
    "every outer row. For NOT IN the fix is NOT EXISTS - the same rows only when the "
    "subquery's column cannot be NULL, since NOT IN returns nothing when it yields a NULL - or "
    "enough work_mem for a hashed SubPlan.)\n\n"
    "Fix: rewrite it as a join the planner can optimize as a whole: a scalar aggregate "
    "becomes a LEFT JOIN to a grouped subquery, EXISTS / IN become semi-joins (keep them out "
    "of OR), a per-row LIMIT becomes LEFT JOIN LATERAL. If it must stay per row, index the "
    "correlated columns so each run is a single index probe (planlint prints the CREATE INDEX "
    "when a scan inside the SubPlan filters on the outer row's column).",
    params, PL_NPARAMS(params), check
};
