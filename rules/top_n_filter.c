/* top_n_filter.c - PL026: a LIMIT whose input discards most rows to find the first few in
 * ORDER BY order: an index walked for the order while its Filter throws rows away, or a
 * Sort of a large filtered set. One index (equality columns, then the order) serves both. */
#include "cond.h"
#include "predicate.h"

#define PL_MAX_KEYS 8

static const pl_rule_param params[] = {
    { "min_rows", 10000, "ignore inputs that read or sorted fewer rows than this, over all loops" },
    { "min_removed_ratio", 0.9, "an index walked for the order: report when its Filter removed at least this share" },
    { "max_kept_ratio", 0.01, "a Sort: report when the Limit kept at most this fraction of the sorted rows" },
};

typedef struct keys {
    const char *col[PL_MAX_KEYS];
    size_t n;
} keys;

static void add_key(keys *k, const char *col)
{
    size_t i;

    for (i = 0; i < k->n; i++)
        if (strcmp(k->col[i], col) == 0)
            return;
    if (k->n < PL_MAX_KEYS)
        k->col[k->n++] = col;
}

/* The Filter's equality columns (col = value), the index's leading keys. */
static void filter_equalities(pl_check *c, const planlint_node *scan, keys *k)
{
    pl_predicate pred;
    size_t i;

    k->n = 0;
    pl_predicate_parse(c, scan, scan->fields[PLANLINT_FIELD_FILTER], 0, &pred);
    for (i = 0; i < pred.nterms && !pred.has_or; i++)
        if (pred.terms[i].kind == PL_TERM_EQUALITY && !pred.terms[i].expression && pred.terms[i].column)
            add_key(k, pred.terms[i].column);
}

/* The Sort Key's columns when each is a bare column of the scan, all in one direction. */
static int sort_columns(pl_check *c, const planlint_node *sort, const planlint_node *scan, keys *k)
{
    const planlint_value *list = pl_value_get(sort->obj, "Sort Key");
    size_t i, n = planlint_value_size(list);
    int desc = -1;

    for (i = 0; i < n; i++) {
        const char *key = planlint_value_string(planlint_value_at(list, i)), *qual, *col;
        pl_span x;
        int d;

        if (!key)
            return 0;
        x.s = key, x.n = strlen(key);
        d = x.n > 5 && memcmp(key + x.n - 5, " DESC", 5) == 0;
        x.n -= d ? 5 : 0;
        if ((desc >= 0 && d != desc) || !pl_span_column(c, x, &qual, &col) || (qual && !pl_qual_is_scan(scan, qual)))
            return 0;
        desc = d;
        add_key(k, col);
    }
    return n > 0;
}

/* The walked index's keys, from the catalog (live mode), when they are plain columns. */
static int index_columns(pl_check *c, const planlint_node *scan, keys *k)
{
    const pl_cat_table *t = pl_catalog_table(scan);
    const char *name = scan->fields[PLANLINT_FIELD_INDEX];
    size_t i, j;

    for (i = 0; t && name && i < t->nindexes; i++) {
        if (strcmp(t->indexes[i].name, name) != 0 || !t->indexes[i].btree)
            continue;
        for (j = 0; j < t->indexes[i].nkeys; j++) {
            const char *col = pl_fmt_unquote(c, t->indexes[i].keys[j], strlen(t->indexes[i].keys[j]));

            if (!col)
                return 0;
            add_key(k, col);
        }
        return 1;
    }
    return 0;
}

static void advise(pl_check *c, pl_finding *f, const planlint_node *scan, const keys *k, size_t neq, int known)
{
    const char *sql = known ? pl_finding_index(f, pl_index_on_columns(c, scan->fields[PLANLINT_FIELD_SCHEMA],
                                                                      scan->fields[PLANLINT_FIELD_RELATION],
                                                                      k->col, k->n))
                            : NULL;
    const char *eq = pl_fmt_text(c, "%s", k->col[0]);
    size_t i;

    for (i = 1; i < neq; i++)
        eq = pl_fmt_text(c, "%s, %s", eq, k->col[i]);
    if (sql)
        pl_finding_advice(f, "Try %s It has the Filter's equality columns first, then the ORDER BY columns: the "
                             "index then yields the matching rows already in order, and the LIMIT stops "
                             "after reading only the rows it returns. Then EXPLAIN again.", sql);
    else if (!known)
        pl_finding_advice(f, "Create an index on (%s, then the ORDER BY columns that %s walks - its key "
                             "columns): the index then yields the matching rows already in order and the "
                             "LIMIT stops after the rows it returns. Live mode (planlint -d) reads the index "
                             "and prints the CREATE INDEX.", eq, scan->fields[PLANLINT_FIELD_INDEX]);
    else
        pl_finding_advice(f, "An index on (%s, then the ORDER BY columns) would serve it. %s", eq, pl_no_safe_sql);
}

static void report(pl_check *c, const planlint_node *limit, const planlint_node *scan, const char *what, double rows,
                   const keys *k, size_t neq, int known)
{
    pl_finding *f = pl_finding_new(c, scan, limit->m[PLANLINT_M_INCLUSIVE_TIME]);

    pl_finding_message(f, "%s returned %s rows after %s %s rows: the Filter %s is applied before the "
                          "ORDER BY order can stop the work",
                       pl_node_label(c, limit), pl_fmt_count(c, limit->m[PLANLINT_M_TOTAL_ROWS]), what,
                       pl_fmt_count(c, rows), scan->fields[PLANLINT_FIELD_FILTER]);
    advise(c, f, scan, k, neq, known);
    pl_finding_evidence(f, "rows", rows);
    pl_finding_evidence(f, "limit_rows", limit->m[PLANLINT_M_TOTAL_ROWS]);
}

/* Limit -> Index Scan walked for the order, its Filter removing most rows. */
static void check_walk(pl_check *c, const planlint_node *limit, const planlint_node *scan)
{
    double removed = pl_nz(scan->m[PLANLINT_M_ROWS_REMOVED_FILTER]) * scan->m[PLANLINT_M_ACTUAL_LOOPS];
    double ratio = scan->m[PLANLINT_M_ROWS_REMOVED_RATIO];
    keys k;
    size_t neq;
    int known;

    if (!(removed >= pl_param(c, "min_rows")) || !(ratio >= pl_param(c, "min_removed_ratio")))
        return;
    filter_equalities(c, scan, &k);
    if ((neq = k.n) == 0)
        return;
    known = index_columns(c, scan, &k);
    if (!known || k.n > neq)
        report(c, limit, scan, "reading past", removed, &k, neq, known);
}

/* Limit -> Sort -> scan with a Filter, sorting many rows for a few. */
static void check_sort(pl_check *c, const planlint_node *limit, const planlint_node *sort)
{
    const planlint_node *scan = sort->nchildren == 1 ? sort->children[0] : NULL;
    double sorted = scan ? scan->m[PLANLINT_M_TOTAL_ROWS] : NAN;
    keys k;
    size_t neq;

    if (!scan || !scan->fields[PLANLINT_FIELD_FILTER] || !scan->fields[PLANLINT_FIELD_RELATION] ||
        !(sorted >= pl_param(c, "min_rows")) ||
        !(limit->m[PLANLINT_M_TOTAL_ROWS] <= pl_param(c, "max_kept_ratio") * sorted))
        return;
    filter_equalities(c, scan, &k);
    if ((neq = k.n) == 0 || !sort_columns(c, sort, scan, &k) || k.n == neq)
        return;
    report(c, limit, scan, "sorting", sorted, &k, neq, 1);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i], *child;

        if (!pl_node_is(n, "Limit") || n->nchildren < 1)
            continue;
        child = n->children[0];
        if (!pl_node_is(child, "Sort") && !pl_node_is(child, "Index Scan"))
            continue;
        if (!child->fields[PLANLINT_FIELD_FILTER] && !pl_node_is(child, "Sort"))
            continue;
        if (pl_node_is(child, "Sort"))
            check_sort(c, n, child);
        else
            check_walk(c, n, child);
    }
}

const planlint_rule pl_rule_top_n_filter = {
    "PL026", "top-n-filter", "index", PLANLINT_SEVERITY_WARNING,
    "A LIMIT found its few rows only after filtering many: an index on (filter columns, ORDER BY) would stop early",
    "ORDER BY x LIMIT n is fast when the rows come out of an index already in order and all "
    "match: the scan stops after n rows. Two plans miss that when there is also a WHERE: the "
    "planner walks an index on x and its Filter throws away row after row until n match (slow "
    "when matching rows are rare, or all at the far end), or it reads every matching row and "
    "sorts them (a top-N Sort) to keep n.\n\n"
    "Fix: a composite btree index with the Filter's equality columns first, then the ORDER BY "
    "columns: CREATE INDEX ON t (status, created_at) for WHERE status = 'x' ORDER BY created_at "
    "LIMIT 20 (descending order is served by the same index, read backward). planlint prints "
    "it; for an index walk it needs the walked index's columns, which live mode reads from the "
    "catalog. Then EXPLAIN again: an Index Scan with the equality in its Index Cond and no Sort.",
    params, PL_NPARAMS(params), check
};
