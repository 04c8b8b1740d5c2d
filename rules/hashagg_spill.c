/* hashagg_spill.c - PL006: a HashAggregate that spilled to disk (PostgreSQL 13+). */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_disk_kb", 1024, "ignore hash aggregates that wrote less than this many kB to disk" },
};

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    double mult = pl_hash_mem_multiplier(p);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        double disk = n->m[PLANLINT_M_DISK_USAGE], batches = n->m[PLANLINT_M_HASHAGG_BATCHES];
        double need = disk + pl_nz(n->m[PLANLINT_M_PEAK_MEMORY_USAGE]);
        pl_finding *f;

        if (isnan(disk) || disk < pl_param(c, "min_disk_kb") || disk <= 0)
            continue;
        f = pl_finding_new(c, n, n->m[PLANLINT_M_EXCLUSIVE_TIME]);
        pl_finding_message(f, "%s spilled %s kB to disk in %s batches: its hash table did not fit in memory",
                           pl_node_label(c, n), pl_fmt_count(c, disk), pl_fmt_count(c, batches));
        pl_finding_advice(f, "The groups need about %s kB. With hash_mem_multiplier = %s that is "
                             "%s for this query (SET LOCAL in its transaction). If the group "
                             "count was underestimated, ANALYZE the table or raise the statistics target of "
                             "the GROUP BY columns.",
                          pl_fmt_count(c, need), pl_fmt_num(c, mult, 1), pl_set_work_mem(f, 0, pl_fmt_work_mem(c, need / mult)));
        pl_finding_evidence(f, "hashagg_batches", batches);
        pl_finding_evidence(f, "disk_usage_kb", disk);
        pl_finding_evidence(f, "peak_memory_kb", n->m[PLANLINT_M_PEAK_MEMORY_USAGE]);
    }
}

const planlint_rule pl_rule_hashagg_spill = {
    "PL006", "hashagg-spill", "memory", PLANLINT_SEVERITY_WARNING,
    "A HashAggregate spilled groups to disk",
    "Since PostgreSQL 13 a HashAggregate whose groups do not fit in work_mem x "
    "hash_mem_multiplier writes some of them to temporary files and processes them in later "
    "batches (HashAgg Batches, Disk Usage). Each batch rereads spilled tuples.\n\n"
    "Fix: raise work_mem for the query to hold all groups (about Peak Memory Usage + Disk Usage, "
    "divided by hash_mem_multiplier), or correct the group-count estimate (ANALYZE, a higher "
    "statistics target, CREATE STATISTICS (ndistinct) on the grouped columns) so the planner "
    "chooses a sorted aggregate instead.",
    params, PL_NPARAMS(params), check
};
