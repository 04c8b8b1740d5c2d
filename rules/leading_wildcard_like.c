/* leading_wildcard_like.c - PL024: LIKE/ILIKE '%...' in the Filter of a big scan; a
 * pg_trgm GIN index serves it, a btree cannot. */
#include "cond.h"

#define PL_MAX_TERMS 16

static const pl_rule_param params[] = {
    { "min_rows", 10000, "ignore scans that read fewer rows than this, over all loops" },
    { "min_removed_ratio", 0.9, "report when the Filter removes at least this share of the rows read" },
};

typedef struct like_term {
    const char *column, *op, *pattern;   /* op: "LIKE" or "ILIKE" */
    int pattern_len;
} like_term;

/* Whether the pattern literal 'x...' starts with a wildcard and keeps a run of three
 * plain characters: pg_trgm finds rows by the trigrams of that run. */
static int leading_wildcard(pl_span lit)
{
    size_t i, run = 0, best = 0;

    if (lit.n < 3 || lit.s[0] != '\'' || (lit.s[1] != '%' && lit.s[1] != '_'))
        return 0;
    for (i = 1; i < lit.n && lit.s[i] != '\''; i++) {
        run = (lit.s[i] == '%' || lit.s[i] == '_' || lit.s[i] == '\\') ? 0 : run + 1;
        if (run > best)
            best = run;
    }
    return best >= 3;
}

/* "col ~~ '%x%'::text", "(col)::text ~~* '%x%'::text" (a varchar column) -> the column. */
static int read_like(pl_check *c, const planlint_node *scan, pl_span term, like_term *out)
{
    static const char *const ops[2][2] = { { " ~~* ", "ILIKE" }, { " ~~ ", "LIKE" } };
    pl_span side[2];
    const char *qual;
    size_t k;

    for (k = 0; k < 2; k++) {
        if (pl_cond_split(term.s, term.n, ops[k][0], side, 2) != 2)
            continue;
        if (side[0].n > 6 && memcmp(side[0].s + side[0].n - 6, "::text", 6) == 0)
            side[0].n -= 6;
        if (!leading_wildcard(side[1]) || !pl_span_column(c, side[0], &qual, &out->column) ||
            (qual && !pl_qual_is_scan(scan, qual)))
            return 0;
        out->op = ops[k][1];
        out->pattern = side[1].s;
        out->pattern_len = (int)side[1].n;
        return 1;
    }
    return 0;
}

static void advise(pl_check *c, pl_finding *f, const planlint_node *n, const like_term *t)
{
    const char *ext = pl_finding_sql(f, "CreateExtensionStmt", "CREATE EXTENSION IF NOT EXISTS pg_trgm;");
    const char *ix = pl_finding_sql(f, "IndexStmt", "CREATE INDEX ON %Q USING gin (%I gin_trgm_ops);",
                                    n->fields[PLANLINT_FIELD_SCHEMA], n->fields[PLANLINT_FIELD_RELATION], t->column);

    (void)c;
    if (!ext || !ix) {
        pl_finding_advice(f, "A pg_trgm GIN index on %s would serve it. %s", t->column, pl_no_safe_sql);
        return;
    }
    pl_finding_advice(f, "A btree index cannot find rows by a pattern that starts with a wildcard; a "
                         "trigram index can (LIKE and ILIKE alike): %s then %s Then EXPLAIN again: it "
                         "should show a Bitmap Index Scan on the new index. (hypopg cannot simulate GIN "
                         "indexes, so live mode does not verify this one.)", ext, ix);
}

static void report(pl_check *c, const planlint_node *n, const like_term *t, double read, double ratio)
{
    pl_finding *f = pl_finding_new(c, n, n->m[PLANLINT_M_EXCLUSIVE_TIME]);

    pl_finding_message(f, "%s read %s rows to keep %s: its Filter tests %s %s %.*s, a pattern with a "
                          "leading wildcard that no btree index can serve",
                       pl_node_label(c, n), pl_fmt_count(c, read), pl_fmt_count(c, n->m[PLANLINT_M_TOTAL_ROWS]),
                       pl_fmt_ident(c, t->column), t->op, t->pattern_len, t->pattern);
    advise(c, f, n, t);
    pl_finding_evidence(f, "rows_read", read);
    pl_finding_evidence(f, "rows_removed_ratio", ratio);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i, k, nterms;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        const char *filter = n->fields[PLANLINT_FIELD_FILTER];
        double ratio = n->m[PLANLINT_M_ROWS_REMOVED_RATIO];
        double read = (pl_nz(n->m[PLANLINT_M_ROWS_REMOVED_FILTER]) + n->m[PLANLINT_M_ACTUAL_ROWS]) *
                      n->m[PLANLINT_M_ACTUAL_LOOPS];
        pl_span terms[PL_MAX_TERMS];
        like_term t;

        if (!filter || !n->fields[PLANLINT_FIELD_RELATION] || isnan(ratio) ||
            ratio < pl_param(c, "min_removed_ratio") || !(read >= pl_param(c, "min_rows")))
            continue;
        nterms = pl_cond_split(filter, strlen(filter), " AND ", terms, PL_MAX_TERMS);
        for (k = 0; k < nterms; k++)
            if (read_like(c, n, terms[k], &t)) {
                report(c, n, &t, read, ratio);
                break;
            }
    }
}

const planlint_rule pl_rule_leading_wildcard_like = {
    "PL024", "leading-wildcard-like", "index", PLANLINT_SEVERITY_WARNING,
    "LIKE or ILIKE with a leading wildcard filters a large scan: a trigram index would serve it",
    "A btree index finds strings by their beginning, so it serves LIKE 'abc%' but not LIKE "
    "'%abc%', '%abc' or ILIKE: such a Filter makes PostgreSQL read every row and test the "
    "pattern on each. When the Filter keeps few of many rows, a trigram index (the pg_trgm "
    "extension, shipped with PostgreSQL) finds the candidate rows from the pattern's "
    "three-character pieces; it serves LIKE and ILIKE alike (and regular expressions). It "
    "needs a run of at least three plain characters in the pattern.\n\n"
    "Fix: CREATE EXTENSION IF NOT EXISTS pg_trgm; then CREATE INDEX ON t USING gin (col "
    "gin_trgm_ops); (planlint prints both). Then EXPLAIN again: a Bitmap Index Scan on the new "
    "index should replace the scan. hypopg cannot simulate GIN indexes: live mode does not "
    "verify this suggestion. A GIN index slows writes; for a column that is written often, "
    "consider gist_trgm_ops, or full-text search when the searches are for words.",
    params, PL_NPARAMS(params), check
};
