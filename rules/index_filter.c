/* index_filter.c - PL002: an index scan whose Filter, not its index condition,
 * throws most rows away: the index does not cover the predicate. */
#include "predicate.h"

static const pl_rule_param params[] = {
    { "min_removed_ratio", 0.8, "report when the Filter removes at least this share of the rows fetched" },
    { "min_removed", 1000, "ignore scans whose Filter removed fewer rows than this, over all loops" },
};

static int pl_is_index_scan(const planlint_node *n)
{
    return pl_node_is(n, "Index Scan") || pl_node_is(n, "Index Only Scan") || pl_node_is(n, "Bitmap Heap Scan");
}

/* Index Scan: its Index Cond. Bitmap Heap Scan: its Recheck Cond (the bitmap's). */
static const char *pl_index_cond(const planlint_node *n)
{
    const char *ic = n->fields[PLANLINT_FIELD_INDEX_COND];
    return ic ? ic : n->fields[PLANLINT_FIELD_RECHECK_COND];
}

/* No index fits yet: suggest one, or say why none can serve. */
static void advise(pl_check *c, pl_finding *f, const planlint_node *n, const pl_predicate *const *preds,
                   size_t npreds)
{
    const char *filter = n->fields[PLANLINT_FIELD_FILTER], *cond = pl_index_cond(n), *why = NULL;
    const char *sql = pl_finding_index(f, pl_index_suggestion(c, n, preds, npreds, &why));

    if (sql && cond)
        pl_finding_advice(f, "The index covers %s but not the Filter %s. Try %s so the index finds only "
                             "the rows that pass, then EXPLAIN again.", cond, filter, sql);
    else if (sql)
        pl_finding_advice(f, "The index is walked for its order, with no index condition: the Filter %s "
                             "decides. Try %s - or, where the order matters, an index on the Filter's "
                             "equality columns followed by the sort key - then EXPLAIN again.", filter, sql);
    else
        pl_index_advice_none(f, filter, why ? why : pl_no_safe_sql);
}

static void report(pl_check *c, const planlint_node *n, double removed, double ratio)
{
    const char *cond = pl_index_cond(n);
    pl_predicate pc, pf;
    const pl_predicate *preds[2];
    const pl_term *first = NULL;
    size_t np = 0;
    pl_finding *f;

    if (cond) {
        pl_predicate_parse(c, n, cond, 1, &pc);
        preds[np++] = &pc;
    }
    pl_predicate_parse(c, n, n->fields[PLANLINT_FIELD_FILTER], 0, &pf);
    preds[np++] = &pf;
    f = pl_finding_new(c, n, n->m[PLANLINT_M_EXCLUSIVE_TIME]);
    pl_finding_message(f, "%s%s%s fetched %s rows through the index and its Filter threw away %s of them",
                       pl_node_label(c, n), n->fields[PLANLINT_FIELD_INDEX] ? " using " : "",
                       n->fields[PLANLINT_FIELD_INDEX] ? n->fields[PLANLINT_FIELD_INDEX] : "",
                       pl_fmt_count(c, removed / ratio), pl_fmt_pct(c, ratio));
    if (!pl_rewrite_advice(c, f, n, preds, np, n->fields[PLANLINT_FIELD_FILTER]) &&
        !pl_existing_index_advice(c, f, n, preds, np, &first))
        advise(c, f, n, preds, np);
    pl_finding_evidence(f, "rows_removed_by_filter", removed);
    pl_finding_evidence(f, "rows_removed_ratio", ratio);
    pl_finding_evidence(f, "loops", n->m[PLANLINT_M_ACTUAL_LOOPS]);
    pl_catalog_evidence(c, f, n, first);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        double ratio = n->m[PLANLINT_M_ROWS_REMOVED_RATIO];
        double removed = n->m[PLANLINT_M_ROWS_REMOVED_FILTER] * n->m[PLANLINT_M_ACTUAL_LOOPS];

        if (!pl_is_index_scan(n) || !n->fields[PLANLINT_FIELD_FILTER] || isnan(ratio) ||
            ratio < pl_param(c, "min_removed_ratio") || !(removed >= pl_param(c, "min_removed")))
            continue;
        report(c, n, removed, ratio);
    }
}

const planlint_rule pl_rule_index_filter = {
    "PL002", "index-filter", "index", PLANLINT_SEVERITY_WARNING,
    "An index scan fetches rows that its Filter then throws away",
    "An Index Scan, Index Only Scan or Bitmap Heap Scan finds rows with its index condition, "
    "fetches them, and then tests the rest of the WHERE clause as a Filter. When the Filter "
    "removes most fetched rows, the index is not selective for this query: the work of "
    "fetching (often random heap reads) is wasted.\n\n"
    "Fix: an index that holds the Filter's columns too - the index condition's equality "
    "columns, the Filter's equality columns, then one range column - so the scan fetches only "
    "matching rows. planlint prints the CREATE INDEX when the Filter can use a btree.",
    params, PL_NPARAMS(params), check
};
