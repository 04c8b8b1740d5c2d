/* read_efficiency.c - PL019: a scan that touched many buffers for each row it returned. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_blocks_per_row", 6,
      "report a scan that touched at least this many buffers per row returned (each loop counts as at "
      "least one row); an index lookup needs about 3-5: the btree descent plus the heap page" },
    { "min_blocks", 1000, "and at least this many buffers in all (1000 = 8 MB)" },
};

static double own_blocks(const planlint_node *n)
{
    return pl_nz(n->m[PLANLINT_M_EXCL_SHARED_HIT]) + pl_nz(n->m[PLANLINT_M_EXCL_SHARED_READ]) +
           pl_nz(n->m[PLANLINT_M_EXCL_LOCAL_HIT]) + pl_nz(n->m[PLANLINT_M_EXCL_LOCAL_READ]);
}

/* A Bitmap Heap Scan and the Bitmap Index Scans (and BitmapAnd / BitmapOr) feeding it are one
 * access path: count their buffers and time together. */
static void add_bitmap_inputs(const planlint_node *n, double *blocks, double *ms)
{
    size_t i;

    for (i = 0; i < n->nchildren; i++) {
        const planlint_node *ch = n->children[i];
        if (strncmp(pl_node_type(ch), "Bitmap", 6) != 0)
            continue;
        *blocks += own_blocks(ch);
        *ms += pl_nz(ch->m[PLANLINT_M_EXCLUSIVE_TIME]);
        add_bitmap_inputs(ch, blocks, ms);
    }
}

/* Seq, Index, Index Only, Bitmap Heap, Tid, Sample Scan; not a ModifyTable, which names a table too. */
static int is_table_scan(const planlint_node *n)
{
    const char *t = pl_node_type(n);
    size_t len = strlen(t);

    return n->fields[PLANLINT_FIELD_RELATION] && len > 5 && strcmp(t + len - 5, " Scan") == 0;
}

static const char *why(const planlint_node *n)
{
    if (n->fields[PLANLINT_FIELD_FILTER] && n->fields[PLANLINT_FIELD_INDEX_COND])
        return "Most of it was thrown away by the Filter after the index lookup: an index that also covers "
               "the Filter's columns (or a partial index) reads only the rows wanted.";
    if (n->fields[PLANLINT_FIELD_FILTER])
        return "Most of it was thrown away by the Filter: an index on the Filter's most selective columns "
               "reads only the rows wanted.";
    return "The index condition is not selective, or the rows it finds are scattered over many pages: "
           "a more selective or covering index (INCLUDE the selected columns, for an Index Only Scan), "
           "or VACUUM / REINDEX if the table or index is bloated.";
}

static void report(pl_check *c, const planlint_node *n, double blocks, double per_row, double ms)
{
    pl_finding *f = pl_finding_new(c, n, ms);

    pl_finding_message(f, "%s touched %s buffers (%s MB) to return %s rows: %s buffers per row",
                       pl_node_label(c, n), pl_fmt_count(c, blocks), pl_fmt_num(c, blocks * 8 / 1024, 1),
                       pl_fmt_count(c, pl_nz(n->m[PLANLINT_M_TOTAL_ROWS])), pl_fmt_num(c, per_row, 1));
    pl_finding_advice(f, "%s Reading much to return little is typically a missing or unselective index.",
                      why(n));
    pl_finding_evidence(f, "blocks", blocks);
    pl_finding_evidence(f, "blocks_per_row", per_row);
    pl_finding_evidence(f, "total_rows", n->m[PLANLINT_M_TOTAL_ROWS]);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    if (!(p->flags & PLANLINT_PLAN_HAS_BUFFERS))
        return;
    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        double blocks, ms, per_row;

        if (!is_table_scan(n) || n->never_executed)
            continue;
        blocks = own_blocks(n);
        ms = n->m[PLANLINT_M_EXCLUSIVE_TIME];
        add_bitmap_inputs(n, &blocks, &ms);
        /* Each loop pays the descent at least once even when it finds nothing. */
        per_row = blocks / fmax(1, fmax(pl_nz(n->m[PLANLINT_M_TOTAL_ROWS]), pl_nz(n->m[PLANLINT_M_ACTUAL_LOOPS])));
        if (blocks < pl_param(c, "min_blocks") || per_row < pl_param(c, "min_blocks_per_row"))
            continue;
        report(c, n, blocks, per_row, ms);
    }
}

const planlint_rule pl_rule_read_efficiency = {
    "PL019", "read-efficiency", "io", PLANLINT_SEVERITY_WARNING,
    "A scan touched many buffers for each row it returned",
    "Every 8 kB page a scan reads or finds in shared buffers costs time, whether or not its rows "
    "are kept. With BUFFERS, a scan's own shared (and local) hit + read blocks divided by the "
    "rows it returned says how much it read per useful row. Fetching one row through a btree "
    "index costs about 3-5 pages (the descent to the leaf plus the heap page); a scan well above "
    "that is reading mostly rows it then discards - a Seq Scan with a selective Filter, an index "
    "whose condition matches far more rows than the Filter keeps - or pages full of dead rows.\n\n"
    "Fix: an index that matches the whole predicate (equality columns first, then a range), a "
    "partial index for a fixed condition, a covering index (INCLUDE) for an Index Only Scan; "
    "VACUUM (or REINDEX) when bloat is the cause. On a scan that seq-scan-filter or index-filter "
    "reports, the finding is folded into theirs (its numbers become their evidence): one problem, "
    "one finding.",
    params, PL_NPARAMS(params), check
};
