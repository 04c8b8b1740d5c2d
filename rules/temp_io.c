/* temp_io.c - PL018: a node that wrote or read many temporary-file blocks itself. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_blocks", 1000, "report a node that wrote or read at least this many temporary blocks itself (1000 = 8 MB)" },
};

/* A Hash with more than one batch: hash-spill (PL005) reports it and the join above it. */
static int hash_spilled(const planlint_node *n)
{
    return pl_node_is(n, "Hash") && pl_nz(n->m[PLANLINT_M_HASH_BATCHES]) > 1;
}

/* Temporary files the spill rules (sort-spill, hash-spill, hashagg-spill) already explain. */
static int explained_by_spill_rule(const planlint_node *n)
{
    const char *space = n->fields[PLANLINT_FIELD_SORT_SPACE_TYPE];
    size_t i;

    if (pl_node_is(n, "Sort") && space && strcmp(space, "Disk") == 0)
        return 1;
    if (hash_spilled(n) || (pl_node_is(n, "Aggregate") && pl_nz(n->m[PLANLINT_M_DISK_USAGE]) > 0))
        return 1;
    /* A Hash Join writes the outer side's batches because its Hash spilled. */
    for (i = 0; i < n->nchildren; i++)
        if (hash_spilled(n->children[i]))
            return 1;
    return 0;
}

/* What the node keeps in a temporary file, so the advice speaks of the right thing. */
static const char *what_spilled(const planlint_node *n)
{
    if (pl_node_is(n, "WindowAgg"))
        return "its window partition (the whole input for OVER ()) in a tuplestore";
    if (pl_node_is(n, "Materialize"))
        return "its materialized input";
    if (n->kind == PL_KIND_CTE_SCAN)
        return "the CTE's result in a tuplestore";
    if (n->fields[PLANLINT_FIELD_JOIN_TYPE])
        return "join batches";
    return "intermediate rows";
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        double rd = pl_nz(n->m[PLANLINT_M_EXCL_TEMP_READ]), wr = pl_nz(n->m[PLANLINT_M_EXCL_TEMP_WRITTEN]);
        double io = n->m[PLANLINT_M_EXCL_TEMP_IO_READ_TIME] + n->m[PLANLINT_M_EXCL_TEMP_IO_WRITE_TIME];
        pl_finding *f;

        if ((rd < pl_param(c, "min_blocks") && wr < pl_param(c, "min_blocks")) || explained_by_spill_rule(n))
            continue;
        /* Measured temp I/O time is the part surely saved; without track_io_timing, the node's own time. */
        f = pl_finding_new(c, n, isnan(io) || io <= 0 ? n->m[PLANLINT_M_EXCLUSIVE_TIME] : io);
        pl_finding_message(f, "%s wrote %s and read %s temporary blocks itself (%s MB / %s MB): %s did not "
                              "fit in work_mem",
                           pl_node_label(c, n), pl_fmt_count(c, wr), pl_fmt_count(c, rd),
                           pl_fmt_num(c, wr * 8 / 1024, 1), pl_fmt_num(c, rd * 8 / 1024, 1), what_spilled(n));
        pl_finding_advice(f, "Raise work_mem for this query (%s in its transaction, "
                             "about twice the %s MB written, since rows take more room in memory than on disk), "
                             "or make it handle fewer or narrower rows (filter earlier, select fewer columns). "
                             "When spilling cannot be avoided, put temp_tablespaces on fast local storage.",
                          pl_set_work_mem(f, 1, pl_fmt_work_mem(c, wr * 8 * 2)), pl_fmt_num(c, wr * 8 / 1024, 1));
        pl_finding_evidence(f, "excl_temp_written_blocks", wr);
        pl_finding_evidence(f, "excl_temp_read_blocks", rd);
        pl_finding_evidence(f, "excl_temp_io_time_ms", io);
        pl_finding_evidence(f, "exclusive_time_ms", n->m[PLANLINT_M_EXCLUSIVE_TIME]);
    }
}

const planlint_rule pl_rule_temp_io = {
    "PL018", "temp-io", "memory", PLANLINT_SEVERITY_WARNING,
    "A node wrote or read many temporary-file blocks (not a sort, hash or hash-aggregate spill)",
    "Nodes that keep rows for later - WindowAgg (the current window partition, or the whole "
    "input for OVER ()), Materialize, CTE Scan, Recursive Union, Function Scan, a Hash Join's "
    "batches - hold them in a tuplestore of work_mem, and write the rest to temporary files when "
    "it overflows. The node's own \"temp written\" and \"temp read\" blocks (buffers minus its "
    "children's) show it; each block is 8 kB. Spills of Sort, Hash and HashAggregate have rules "
    "of their own (sort-spill, hash-spill, hashagg-spill) and are left to them.\n\n"
    "Fix: raise work_mem for the query (SET LOCAL work_mem, per role, not globally: every such "
    "node of every session may take that much) to about twice what was written; or feed the "
    "node fewer or narrower rows - filter earlier, select only the needed columns, partition a "
    "window by something smaller. When temporary files remain, put temp_tablespaces on fast "
    "local storage.",
    params, PL_NPARAMS(params), check
};
