/* seq_scan_filter.c - PL001: a sequential scan whose Filter throws most rows away. */
#include "predicate.h"

static const pl_rule_param params[] = {
    { "min_removed_ratio", 0.9, "report when the Filter removes at least this share of the rows read" },
    { "min_rows", 10000, "ignore tables from which fewer rows were read, over all loops" },
};

/* No index fits yet: suggest one, or say why none can serve. */
static void advise(pl_check *c, pl_finding *f, const planlint_node *n, const pl_predicate *const *preds)
{
    const char *filter = n->fields[PLANLINT_FIELD_FILTER], *why = NULL;
    const char *sql = pl_finding_index(f, pl_index_suggestion(c, n, preds, 1, &why));

    if (!sql) {
        pl_index_advice_none(f, filter, why ? why : pl_no_safe_sql);
        return;
    }
    pl_finding_advice(f, "Try %s It matches the Filter %s (equality columns first, then one range "
                         "column). Then EXPLAIN again to see that the planner uses it.", sql, filter);
}

static void report(pl_check *c, const planlint_node *n, double read, double ratio)
{
    const pl_predicate *preds[1];
    const pl_term *first = NULL;
    pl_predicate pred;
    pl_finding *f;

    pl_predicate_parse(c, n, n->fields[PLANLINT_FIELD_FILTER], 0, &pred);
    preds[0] = &pred;
    f = pl_finding_new(c, n, n->m[PLANLINT_M_EXCLUSIVE_TIME]);
    pl_finding_message(f, "%s read %s rows and its Filter removed %s of them to return %s: an index could "
                          "read only the rows it needs",
                       pl_node_label(c, n), pl_fmt_count(c, read), pl_fmt_pct(c, ratio),
                       pl_fmt_count(c, n->m[PLANLINT_M_TOTAL_ROWS]));
    if (!pl_rewrite_advice(c, f, n, preds, 1, n->fields[PLANLINT_FIELD_FILTER]) &&
        !pl_existing_index_advice(c, f, n, preds, 1, &first))
        advise(c, f, n, preds);
    pl_finding_evidence(f, "rows_read", read);
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
        double ratio = n->m[PLANLINT_M_ROWS_REMOVED_RATIO], loops = n->m[PLANLINT_M_ACTUAL_LOOPS];
        double read = (n->m[PLANLINT_M_ROWS_REMOVED_FILTER] + n->m[PLANLINT_M_ACTUAL_ROWS]) * loops;

        if (!pl_node_is(n, "Seq Scan") || !n->fields[PLANLINT_FIELD_FILTER] || isnan(ratio) ||
            ratio < pl_param(c, "min_removed_ratio") || !(read >= pl_param(c, "min_rows")))
            continue;
        report(c, n, read, ratio);
    }
}

const planlint_rule pl_rule_seq_scan_filter = {
    "PL001", "seq-scan-filter", "index", PLANLINT_SEVERITY_WARNING,
    "A sequential scan reads a large table to keep few of its rows",
    "A Seq Scan reads every row of the table and tests each against its Filter. When the Filter "
    "removes almost all of them (Rows Removed by Filter far above the rows returned) on a table "
    "that is not tiny, an index on the filtered columns would read only the matching rows.\n\n"
    "Fix: create a btree index whose columns are the Filter's equality columns first, then one "
    "range column (planlint prints the CREATE INDEX; expressions such as lower(email) become "
    "expression indexes, LIKE 'prefix%' needs text_pattern_ops outside the C collation). Then "
    "EXPLAIN again. Conditions a btree cannot serve (<>, LIKE '%x', functions of two columns, "
    "OR across columns) get no suggestion: rewrite them, or use a GIN/trigram index.",
    params, PL_NPARAMS(params), check
};
