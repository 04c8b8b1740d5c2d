/* hashagg_spill.c - PL006: a HashAggregate that spilled to disk (PostgreSQL 13+). */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_disk_kb", 1024, "ignore hash aggregates that wrote less than this many kB to disk, all processes together" },
};

/* The memory each process's groups needed: what it spilled plus what it held. */
static double max_need(const planlint_node *n)
{
    double need = pl_nz(n->m[PLANLINT_M_DISK_USAGE]) + pl_nz(n->m[PLANLINT_M_PEAK_MEMORY_USAGE]);
    size_t i;

    for (i = 0; i < planlint_value_size(n->workers); i++) {
        const planlint_value *w = planlint_value_at(n->workers, i);
        need = fmax(need, pl_nz(pl_object_metric(w, PLANLINT_M_DISK_USAGE)) +
                          pl_nz(pl_object_metric(w, PLANLINT_M_PEAK_MEMORY_USAGE)));
    }
    return need;
}

static void report(pl_check *c, const planlint_node *n, const pl_procs *disk, double mult)
{
    double excl = n->m[PLANLINT_M_EXCLUSIVE_TIME], incl = n->m[PLANLINT_M_INCLUSIVE_TIME];
    double io = (n->m[PLANLINT_M_EXCL_TEMP_IO_READ_TIME] + n->m[PLANLINT_M_EXCL_TEMP_IO_WRITE_TIME]) /
                fmax(1, pl_nz(n->m[PLANLINT_M_PARALLEL_DIVISOR]));
    double need = max_need(n);
    const char *minor = pl_spill_not_bottleneck(c, excl, incl, io);
    pl_finding *f = pl_finding_new(c, n, excl);

    if (minor)
        pl_finding_severity(f, PLANLINT_SEVERITY_INFO);
    if (disk->n > 1)
        pl_finding_message(f, "%s spilled %s kB to disk in %zu processes (up to %s kB in one, %s batches in the "
                              "leader): its hash table did not fit in memory",
                           pl_node_label(c, n), pl_fmt_count(c, disk->sum), disk->n, pl_fmt_count(c, disk->max),
                           pl_fmt_count(c, n->m[PLANLINT_M_HASHAGG_BATCHES]));
    else
        pl_finding_message(f, "%s spilled %s kB to disk in %s batches: its hash table did not fit in memory",
                           pl_node_label(c, n), pl_fmt_count(c, disk->sum),
                           pl_fmt_count(c, n->m[PLANLINT_M_HASHAGG_BATCHES]));
    pl_finding_advice(f, "%s%sThe groups need about %s kB%s. With hash_mem_multiplier = %s that is "
                         "%s for this query (in its transaction). If the group count was underestimated, "
                         "ANALYZE the table or raise the statistics target of the GROUP BY columns. %s",
                      minor ? minor : "", minor ? " " : "", pl_fmt_count(c, need),
                      disk->n > 1 ? " in the busiest process (each has a work_mem of its own)" : "",
                      pl_fmt_num(c, mult, 1), pl_set_work_mem(f, 1, pl_fmt_work_mem(c, need / mult)),
                      pl_plan_may_change);
    pl_finding_evidence(f, "hashagg_batches", n->m[PLANLINT_M_HASHAGG_BATCHES]);
    pl_finding_evidence(f, "disk_usage_kb", disk->sum);
    pl_finding_evidence(f, "max_process_disk_usage_kb", disk->max);
    pl_finding_evidence(f, "processes_on_disk", (double)disk->n);
    pl_finding_evidence(f, "peak_memory_kb", n->m[PLANLINT_M_PEAK_MEMORY_USAGE]);
    pl_finding_evidence(f, "excl_temp_io_time_ms", io);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    double mult = pl_hash_mem_multiplier(p);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        /* The leader and every worker spill on their own: all of it counts. */
        pl_procs disk = pl_node_processes(n, PLANLINT_M_DISK_USAGE);

        if (disk.n == 0 || disk.sum < pl_param(c, "min_disk_kb") || disk.sum <= 0)
            continue;
        report(c, n, &disk, mult);
    }
}

const planlint_rule pl_rule_hashagg_spill = {
    "PL006", "hashagg-spill", "memory", PLANLINT_SEVERITY_WARNING,
    "A HashAggregate spilled groups to disk",
    "Since PostgreSQL 13 a HashAggregate whose groups do not fit in work_mem x "
    "hash_mem_multiplier writes some of them to temporary files and processes them in later "
    "batches (HashAgg Batches, Disk Usage). Each batch rereads spilled tuples. In a parallel "
    "plan the leader and each worker (their Workers entries) spill on their own: all of it "
    "counts, and the busiest process decides the work_mem needed. When the node's own time is "
    "under a quarter of its inclusive time, its input is where the time goes: the finding is "
    "then only info.\n\n"
    "Fix: raise work_mem for the query to hold all groups (about Peak Memory Usage + Disk Usage, "
    "divided by hash_mem_multiplier; more memory may change the plan), or correct the group-count estimate (ANALYZE, a higher "
    "statistics target, CREATE STATISTICS (ndistinct) on the grouped columns) so the planner "
    "chooses a sorted aggregate instead.",
    params, PL_NPARAMS(params), check
};
