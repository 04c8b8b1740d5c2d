/* hash_spill.c - PL005: a Hash that needed more than one batch (it spilled to disk). */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_batches", 2, "report a Hash with at least this many batches" },
};

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    double mult = pl_hash_mem_multiplier(p);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i], *join = n->parent;
        double batches = n->m[PLANLINT_M_HASH_BATCHES], peak = n->m[PLANLINT_M_PEAK_MEMORY_USAGE];
        double need, stake;
        pl_finding *f;

        if (isnan(batches) || batches < pl_param(c, "min_batches") || batches < 2)
            continue;
        /* Each batch held about the peak: all of them at once is what one batch needs. */
        need = isnan(peak) ? NAN : peak * batches;
        stake = n->m[PLANLINT_M_EXCLUSIVE_TIME] + (join ? join->m[PLANLINT_M_EXCLUSIVE_TIME] : 0);
        f = pl_finding_new(c, n, stake);
        pl_finding_message(f, "%s split its hash table into %s batches (planned %s): the inner side did not fit "
                              "in memory and went through temporary files",
                           pl_node_label(c, n), pl_fmt_count(c, batches),
                           pl_fmt_count(c, n->m[PLANLINT_M_ORIGINAL_HASH_BATCHES]));
        if (isnan(need))
            pl_finding_advice(f, "Raise work_mem (or hash_mem_multiplier) for this query until the Hash needs one batch.");
        else
            pl_finding_advice(f, "One batch needs about %s kB. With hash_mem_multiplier = %s that is "
                                 "%s for this query (SET LOCAL in its transaction). Or make the "
                                 "hashed (inner) side smaller: filter it earlier, or select fewer columns.",
                              pl_fmt_count(c, need), pl_fmt_num(c, mult, 1), pl_set_work_mem(f, 0, pl_fmt_work_mem(c, need / mult)));
        pl_finding_evidence(f, "hash_batches", batches);
        pl_finding_evidence(f, "original_hash_batches", n->m[PLANLINT_M_ORIGINAL_HASH_BATCHES]);
        pl_finding_evidence(f, "peak_memory_kb", peak);
        pl_finding_evidence(f, "temp_written_blocks", n->m[PLANLINT_M_TEMP_WRITTEN]);
    }
}

const planlint_rule pl_rule_hash_spill = {
    "PL005", "hash-spill", "memory", PLANLINT_SEVERITY_WARNING,
    "A Hash for a hash join spilled to disk in several batches",
    "When the inner side of a hash join does not fit in work_mem x hash_mem_multiplier, "
    "PostgreSQL splits it into batches and writes all but the first to temporary files, for "
    "both join inputs. Hash Batches above 1 (and above Original Hash Batches when the estimate "
    "was too low) shows it.\n\n"
    "Fix: give the query enough memory for one batch - about Peak Memory Usage x Hash Batches - "
    "with SET LOCAL work_mem (divided by hash_mem_multiplier), or shrink the hashed side: filter "
    "it earlier, select fewer columns, or fix the row estimate that made the planner choose it.",
    params, PL_NPARAMS(params), check
};
