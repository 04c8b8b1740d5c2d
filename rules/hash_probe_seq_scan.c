/* hash_probe_seq_scan.c - PL023: a Hash Join probes with a big sequential scan of which
 * it keeps few rows; an index on the probe side's join key would allow index lookups. */
#include "cond.h"

#define PL_MAX_JOIN_KEYS 8

static const pl_rule_param params[] = {
    { "min_rows", 10000, "ignore probe sides that read fewer rows than this" },
    { "max_kept_ratio", 0.01, "report when the join returns at most this fraction of the rows the probe side read" },
    { "max_build_ratio", 0.01,
      "and the hashed (build) side has at most this fraction of the probe side's rows: so few that one "
      "index lookup per build row costs less than the scan" },
};

/* The probe side's columns of the Hash Cond, in order: "o.customer_id = c.id" gives
 * customer_id when o is the probe scan. 0 when a key is not a bare column of it. */
static size_t probe_keys(pl_check *c, const planlint_node *join, const planlint_node *probe, const char **cols)
{
    const char *cond = join->fields[PLANLINT_FIELD_HASH_COND];
    pl_span terms[PL_MAX_JOIN_KEYS], side[2];
    size_t n, i, k = 0;

    n = pl_cond_split(cond, cond ? strlen(cond) : 0, " AND ", terms, PL_MAX_JOIN_KEYS);
    for (i = 0; i < n; i++) {
        const char *qual, *col;
        int s, found = 0;

        if (pl_cond_split(terms[i].s, terms[i].n, " = ", side, 2) != 2)
            return 0;
        for (s = 0; s < 2 && !found; s++)
            if (pl_span_column(c, side[s], &qual, &col) && pl_qual_is_scan(probe, qual))
                found = 1;
        if (!found)
            return 0;
        cols[k++] = col;
    }
    return k;
}

static void advise(pl_check *c, pl_finding *f, const planlint_node *probe, const char *const *cols, size_t n)
{
    const pl_cat_index *ix = pl_cat_index_leading(pl_catalog_table(probe), cols, n);
    const char *sql;

    if (ix) {
        pl_finding_advice(f, "The index %s already starts with the join key, yet the planner chose to scan: "
                             "its row estimates may be off (EXPLAIN shows them; ANALYZE the tables), or "
                             "random_page_cost is set high for storage that is fast.", ix->name);
        return;
    }
    sql = pl_finding_index(f, pl_index_on_columns(c, probe->fields[PLANLINT_FIELD_SCHEMA],
                                                  probe->fields[PLANLINT_FIELD_RELATION], cols, n));
    if (!sql) {
        pl_finding_advice(f, "An index on the probe side's join key would serve it. %s", pl_no_safe_sql);
        return;
    }
    pl_finding_advice(f, "Try %s The join key of the probe side is not indexed (often a foreign key: "
                         "PostgreSQL does not index the referencing column). With it, the planner can run "
                         "a nested loop that looks up the few matching rows for each hashed row instead "
                         "of reading the whole table. Then EXPLAIN again.", sql);
}

static void report(pl_check *c, const planlint_node *join, const planlint_node *probe, const planlint_node *build,
                   double read)
{
    const char *cols[PL_MAX_JOIN_KEYS];
    size_t n = probe_keys(c, join, probe, cols);
    pl_finding *f;

    if (n == 0)
        return;
    /* On the scan: the index it suggests is on the scan's table. */
    f = pl_finding_new(c, probe, probe->m[PLANLINT_M_INCLUSIVE_TIME]);
    pl_finding_message(f, "%s probed with %s, which read %s rows, to return %s joined rows for %s hashed rows",
                       pl_node_label(c, join), pl_node_label(c, probe), pl_fmt_count(c, read),
                       pl_fmt_count(c, join->m[PLANLINT_M_TOTAL_ROWS]), pl_fmt_count(c, build->m[PLANLINT_M_TOTAL_ROWS]));
    advise(c, f, probe, cols, n);
    pl_finding_evidence(f, "probe_rows_read", read);
    pl_finding_evidence(f, "join_rows", join->m[PLANLINT_M_TOTAL_ROWS]);
    pl_finding_evidence(f, "build_rows", build->m[PLANLINT_M_TOTAL_ROWS]);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i], *probe, *build;
        double read, kept, built;

        if (!pl_node_is(n, "Hash Join") || n->nchildren != 2)
            continue;
        probe = n->children[0], build = n->children[1];
        if (!pl_node_is(probe, "Seq Scan") || !probe->fields[PLANLINT_FIELD_RELATION])
            continue;
        read = (probe->m[PLANLINT_M_ACTUAL_ROWS] + pl_nz(probe->m[PLANLINT_M_ROWS_REMOVED_FILTER])) *
               probe->m[PLANLINT_M_ACTUAL_LOOPS];
        kept = n->m[PLANLINT_M_TOTAL_ROWS], built = build->m[PLANLINT_M_TOTAL_ROWS];
        if (!(read >= pl_param(c, "min_rows")) || isnan(kept) || isnan(built) ||
            kept > pl_param(c, "max_kept_ratio") * read || built > pl_param(c, "max_build_ratio") * read)
            continue;
        report(c, n, probe, build, read);
    }
}

const planlint_rule pl_rule_hash_probe_seq_scan = {
    "PL023", "hash-probe-seq-scan", "index", PLANLINT_SEVERITY_WARNING,
    "A Hash Join reads a whole table on its probe side to keep a few of its rows",
    "A Hash Join builds a hash table from one input (the Hash node) and probes it with every row "
    "of the other. When the probe side is a Seq Scan of a large table, the hashed side has few "
    "rows and the join returns only a small part of the table, nearly all of the scan is wasted: "
    "the rows that matter are the few that match the hashed keys. The usual cause is a foreign "
    "key without an index: PostgreSQL indexes the referenced (primary) key, never the "
    "referencing column, so joining a handful of parents to their children reads every child.\n\n"
    "Fix: create an index on the probe side's join key (the column of the Hash Cond on the "
    "scanned table; planlint prints the CREATE INDEX). The planner can then run a nested loop "
    "that looks up the matching rows for each hashed row. Then EXPLAIN again.",
    params, PL_NPARAMS(params), check
};
