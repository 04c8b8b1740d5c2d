/* heap_fetches.c - PL009: an Index Only Scan that still visited the heap for many rows. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_ratio", 0.1,
      "report when Heap Fetches are at least this share of the rows returned (0.1: the "
      "visibility map misses one page in ten that the scan touches)" },
    { "min_fetches", 1000, "ignore scans with fewer heap fetches than this (over all loops)" },
};

/* VACUUM and ALTER TABLE for the scan's table, built through pl_finding_sql(). */
static void advise(pl_finding *f, const planlint_node *n)
{
    const char *rel = n->fields[PLANLINT_FIELD_RELATION], *schema = n->fields[PLANLINT_FIELD_SCHEMA];
    const char *vac = NULL, *alter = NULL;

    if (rel) {
        vac = pl_finding_sql(f, "VacuumStmt", "VACUUM (ANALYZE) %Q;", schema, rel);
        alter = pl_finding_sql(f, "AlterTableStmt", "ALTER TABLE %Q SET (autovacuum_vacuum_scale_factor = 0.02, "
                               "autovacuum_vacuum_insert_scale_factor = 0.02);", schema, rel);
    }
    if (vac && alter)
        pl_finding_advice(f, "%s sets the visibility map bits, after which pages that "
                             "are all-visible need no heap visit. If the table is written to often, make "
                             "autovacuum visit it sooner, e.g. %s and check in pg_stat_user_tables when it "
                             "last ran (last_autovacuum).", vac, alter);
    else
        pl_finding_advice(f, "VACUUM (ANALYZE) the table: it sets the visibility map bits, after which pages "
                             "that are all-visible need no heap visit; lower its autovacuum_vacuum_scale_factor "
                             "if it is written to often.%s%s", rel ? " " : "", rel ? pl_no_safe_sql : "");
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        /* PostgreSQL prints Heap Fetches as a total over all loops, rows per loop. */
        double fetches = n->m[PLANLINT_M_HEAP_FETCHES], rows = n->m[PLANLINT_M_TOTAL_ROWS];
        double ratio;
        pl_finding *f;

        if (!pl_node_is(n, "Index Only Scan") || isnan(fetches) || fetches < pl_param(c, "min_fetches"))
            continue;
        ratio = rows > 0 ? fetches / rows : 1;
        if (ratio < pl_param(c, "min_ratio"))
            continue;
        f = pl_finding_new(c, n, n->m[PLANLINT_M_EXCLUSIVE_TIME]);
        pl_finding_message(f, "%s fetched %s heap tuples for %s rows returned (%s): the visibility map "
                              "is stale, so the index-only scan is reading the table anyway",
                           pl_node_label(c, n), pl_fmt_count(c, fetches), pl_fmt_count(c, rows),
                           pl_fmt_pct(c, ratio));
        advise(f, n);
        pl_finding_evidence(f, "heap_fetches", fetches);
        pl_finding_evidence(f, "total_rows", rows);
        pl_finding_evidence(f, "heap_fetch_ratio", ratio);
    }
}

const planlint_rule pl_rule_heap_fetches = {
    "PL009", "heap-fetches", "vacuum", PLANLINT_SEVERITY_WARNING,
    "An Index Only Scan fetched many rows from the heap: the visibility map is stale",
    "An Index Only Scan can skip the table only for heap pages the visibility map marks "
    "all-visible. Pages changed since the last VACUUM are not, and every row on them costs a "
    "heap fetch (Heap Fetches) - the scan then does the work of an Index Scan, plus the index "
    "overhead. A table that was bulk-loaded or heavily updated and not vacuumed since shows "
    "Heap Fetches close to the rows returned.\n\n"
    "Fix: VACUUM (ANALYZE) the table. To keep it that way, tune autovacuum for the table "
    "(autovacuum_vacuum_scale_factor, and autovacuum_vacuum_insert_scale_factor for "
    "insert-only tables, PostgreSQL 13+) and check that long-running transactions are not "
    "holding back the xmin horizon.",
    params, PL_NPARAMS(params), check
};
