/* hash_spill.c - PL005: a Hash that needed more than one batch (it spilled to disk). */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_batches", 2, "report a Hash with at least this many batches" },
};

static int parallel_hash(const planlint_node *n)
{
    return planlint_value_bool(pl_value_get(n->obj, "Parallel Aware")) == 1;
}

/* The advice: one batch needs about Peak Memory Usage x Hash Batches (the peak is one
 * batch's table); a Parallel Hash shares work_mem x hash_mem_multiplier x participants. */
static void advise(pl_check *c, pl_finding *f, const planlint_node *n, double need, double mult, const char *minor)
{
    double who = parallel_hash(n) ? pl_hash_participants(pl_check_plan(c), n) : 1;
    double batches = n->m[PLANLINT_M_HASH_BATCHES], orig = n->m[PLANLINT_M_ORIGINAL_HASH_BATCHES];
    const char *grew = !isnan(orig) && orig < batches ?
        pl_fmt_text(c, " The planner expected %s batch%s: the hashed side was larger than estimated, and a better "
                       "estimate alone may choose another plan.", pl_fmt_count(c, orig), orig == 1 ? "" : "es") : "";

    if (isnan(need)) {
        pl_finding_advice(f, "%s%sRaise work_mem (or hash_mem_multiplier) for this query until the Hash needs one "
                             "batch.%s %s", minor ? minor : "", minor ? " " : "", grew, pl_plan_may_change);
        return;
    }
    if (who > 1)
        pl_finding_advice(f, "%s%sThe hash table is shared by %s processes, and so is its budget: work_mem x "
                             "hash_mem_multiplier (%s) x %s. One batch needs about %s kB (Peak Memory Usage x "
                             "Hash Batches), so %s for this query (in its transaction) is enough. Or make the "
                             "hashed (inner) side smaller: filter it earlier, or select fewer columns.%s %s",
                          minor ? minor : "", minor ? " " : "", pl_fmt_count(c, who), pl_fmt_num(c, mult, 1),
                          pl_fmt_count(c, who), pl_fmt_count(c, need),
                          pl_set_work_mem(f, 1, pl_fmt_work_mem(c, need / mult / who)), grew, pl_plan_may_change);
    else
        pl_finding_advice(f, "%s%sOne batch needs about %s kB (Peak Memory Usage x Hash Batches). With "
                             "hash_mem_multiplier = %s that is %s for this query (in its transaction). Or make the "
                             "hashed (inner) side smaller: filter it earlier, or select fewer columns.%s %s",
                          minor ? minor : "", minor ? " " : "", pl_fmt_count(c, need), pl_fmt_num(c, mult, 1),
                          pl_set_work_mem(f, 1, pl_fmt_work_mem(c, need / mult)), grew, pl_plan_may_change);
}

static void report(pl_check *c, const planlint_node *n, double mult)
{
    const planlint_node *join = n->parent;
    double batches = n->m[PLANLINT_M_HASH_BATCHES], peak = n->m[PLANLINT_M_PEAK_MEMORY_USAGE];
    /* Each batch held about the peak: all of them at once is what one batch needs. */
    double need = isnan(peak) ? NAN : peak * batches;
    /* The Hash builds, the join probes and rereads the outer batches: both are the spill's. */
    double own = n->m[PLANLINT_M_EXCLUSIVE_TIME] + (join ? pl_nz(join->m[PLANLINT_M_EXCLUSIVE_TIME]) : 0);
    double whole = join ? join->m[PLANLINT_M_INCLUSIVE_TIME] : n->m[PLANLINT_M_INCLUSIVE_TIME];
    const planlint_node *top = join ? join : n;
    double io = (pl_nz(n->m[PLANLINT_M_EXCL_TEMP_IO_READ_TIME]) + pl_nz(n->m[PLANLINT_M_EXCL_TEMP_IO_WRITE_TIME]) +
                 pl_nz(top->m[PLANLINT_M_EXCL_TEMP_IO_READ_TIME]) + pl_nz(top->m[PLANLINT_M_EXCL_TEMP_IO_WRITE_TIME])) /
                fmax(1, pl_nz(n->m[PLANLINT_M_PARALLEL_DIVISOR]));
    const char *minor = pl_spill_not_bottleneck(c, own, whole, io);
    pl_finding *f = pl_finding_new(c, n, own);

    if (minor)
        pl_finding_severity(f, PLANLINT_SEVERITY_INFO);
    pl_finding_message(f, "%s split its hash table into %s batches (planned %s): the inner side did not fit "
                          "in memory and went through temporary files",
                       pl_node_label(c, n), pl_fmt_count(c, batches),
                       pl_fmt_count(c, n->m[PLANLINT_M_ORIGINAL_HASH_BATCHES]));
    advise(c, f, n, need, mult, minor);
    pl_finding_evidence(f, "hash_batches", batches);
    pl_finding_evidence(f, "original_hash_batches", n->m[PLANLINT_M_ORIGINAL_HASH_BATCHES]);
    pl_finding_evidence(f, "peak_memory_kb", peak);
    pl_finding_evidence(f, "temp_written_blocks", n->m[PLANLINT_M_TEMP_WRITTEN]);
    pl_finding_evidence(f, "participants", parallel_hash(n) ? pl_hash_participants(pl_check_plan(c), n) : 1);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    double mult = pl_hash_mem_multiplier(p);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        double batches = p->nodes[i]->m[PLANLINT_M_HASH_BATCHES];

        if (isnan(batches) || batches < pl_param(c, "min_batches") || batches < 2)
            continue;
        report(c, p->nodes[i], mult);
    }
}

const planlint_rule pl_rule_hash_spill = {
    "PL005", "hash-spill", "memory", PLANLINT_SEVERITY_WARNING,
    "A Hash for a hash join spilled to disk in several batches",
    "When the inner side of a hash join does not fit in work_mem x hash_mem_multiplier, "
    "PostgreSQL splits it into batches and writes all but the first to temporary files, for "
    "both join inputs. Hash Batches above 1 (and above Original Hash Batches when the estimate "
    "was too low) shows it.\n\n"
    "A Parallel Hash builds one table shared by the leader and the workers, and its budget is "
    "shared too: work_mem x hash_mem_multiplier x participants. When the Hash and its join took "
    "under a quarter of the join's inclusive time, the inputs are where the time goes: the "
    "finding is then only info.\n\n"
    "Fix: give the query enough memory for one batch - about Peak Memory Usage x Hash Batches - "
    "with SET LOCAL work_mem (divided by hash_mem_multiplier, and for a Parallel Hash by the "
    "participants); more memory may change the plan, so EXPLAIN ANALYZE again. Or shrink the hashed side: filter "
    "it earlier, select fewer columns, or fix the row estimate that made the planner choose it.",
    params, PL_NPARAMS(params), check
};
