/* cache_misses.c - PL020: a node read most of its pages from outside shared_buffers. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_read_ratio", 0.5, "report a node whose own shared reads are at least this fraction of its shared hits + reads" },
    { "min_reads", 1000, "and at least this many blocks read (1000 = 8 MB)" },
    { "min_io_share", 0.1,
      "with track_io_timing: and whose own I/O read time is at least this fraction of the execution time" },
};

/* What the read latency says about where the pages came from. */
static const char *source(pl_check *c, double us_per_read)
{
    if (isnan(us_per_read))
        return "The plan has no I/O timings (track_io_timing = off), so it cannot tell disk reads from "
               "OS page cache hits: turn it on (SET track_io_timing = on, superuser) and re-run.";
    /* A copy from the kernel's page cache takes microseconds; a device read, tens of microseconds or more. */
    if (us_per_read < 20)
        return pl_fmt_text(c, "At %s us per read they came from the OS page cache, not from disk: the cost is "
                              "the copies.", pl_fmt_num(c, us_per_read, 1));
    return pl_fmt_text(c, "At %s us per read most came from the storage device.", pl_fmt_num(c, us_per_read, 1));
}

static void report(pl_check *c, const planlint_node *n, double hit, double read, double io_ms)
{
    double us = isnan(io_ms) ? NAN : io_ms * 1000 / read;
    pl_finding *f = pl_finding_new(c, n, io_ms);

    if (isnan(io_ms))
        pl_finding_severity(f, PLANLINT_SEVERITY_INFO);
    pl_finding_message(f, "%s read %s of its %s shared blocks from outside shared_buffers (hit ratio %s)%s%s",
                       pl_node_label(c, n), pl_fmt_count(c, read), pl_fmt_count(c, hit + read),
                       pl_fmt_pct(c, hit / (hit + read)), isnan(io_ms) ? "" : ", I/O read time ",
                       isnan(io_ms) ? "" : pl_fmt_ms(c, io_ms));
    pl_finding_advice(f, "%s Read fewer pages (an index that matches the predicate, fewer columns, less bloat); "
                         "keep the hot data cached: size shared_buffers to the working set (a Seq Scan of a "
                         "table larger than a quarter of shared_buffers goes through a small ring buffer and "
                         "always shows reads), or load it after a restart with pg_prewarm.",
                      source(c, us));
    pl_finding_evidence(f, "excl_shared_hit", hit);
    pl_finding_evidence(f, "excl_shared_read", read);
    pl_finding_evidence(f, "excl_io_read_time_ms", io_ms);
}

/* A scan with no condition at all must read every page of its table: reading them from
 * outside shared_buffers is what a full scan costs (a large one goes through a small ring
 * buffer and always reads), not a sign of a missing index or a cold cache. */
static int reads_whole_table(const planlint_node *n)
{
    const char *t = pl_node_type(n);

    return n->fields[PLANLINT_FIELD_RELATION] && strstr(t, "Seq Scan") && !n->fields[PLANLINT_FIELD_FILTER];
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    int timed = (p->flags & PLANLINT_PLAN_HAS_IO_TIMING) != 0;
    double total = p->pm[PLANLINT_PLAN_TOTAL_TIME];
    size_t i;

    if (!(p->flags & PLANLINT_PLAN_HAS_BUFFERS))
        return;
    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        double hit = pl_nz(n->m[PLANLINT_M_EXCL_SHARED_HIT]), read = pl_nz(n->m[PLANLINT_M_EXCL_SHARED_READ]);
        /* I/O time is summed over all processes; the wall clock saw a share of it. */
        double io = pl_nz(n->m[PLANLINT_M_EXCL_IO_READ_TIME]) / fmax(1, pl_nz(n->m[PLANLINT_M_PARALLEL_DIVISOR]));

        if (read < pl_param(c, "min_reads") || read < pl_param(c, "min_read_ratio") * (hit + read) ||
            reads_whole_table(n))
            continue;
        if (timed && !isnan(total) && io < pl_param(c, "min_io_share") * total)
            continue;
        report(c, n, hit, read, timed ? io : NAN);
    }
}

const planlint_rule pl_rule_cache_misses = {
    "PL020", "cache-misses", "io", PLANLINT_SEVERITY_WARNING,
    "A node read most of its pages from outside shared_buffers (BUFFERS only)",
    "\"shared hit\" blocks were found in PostgreSQL's shared_buffers; \"read\" blocks were not and "
    "came from the operating system, which either had them in its page cache (a copy, "
    "microseconds) or read them from the storage device (far slower). A node whose own reads are "
    "most of its accesses, and whose I/O read time (with track_io_timing) is a noticeable share "
    "of the query, spends that time waiting for pages. Without track_io_timing the finding is only "
    "info: the plan cannot say whether the reads cost anything. A sequential scan with no "
    "Filter must read the whole table anyway and is not reported. On a scan that seq-scan-filter "
    "or index-filter reports, the finding is folded into theirs: the same rows read to be thrown "
    "away.\n\n"
    "Fix: read fewer pages (an index matching the predicate, covering indexes, less bloat); size "
    "shared_buffers for the working set (large sequential scans use a small ring buffer and "
    "always read, whatever its size); warm the cache after a restart with pg_prewarm; turn on "
    "track_io_timing to see what the reads cost.",
    params, PL_NPARAMS(params), check
};
