/* sort_spill.c - PL007: a sort that did not fit in work_mem and went to disk, in any of
 * the processes that ran it. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_disk_kb", 1024, "ignore sorts that wrote less than this many kB to disk, all processes together" },
};

/* Disk space of the processes that sorted on disk: the leader (the node's own numbers)
 * and each worker of a parallel sort, which has a work_mem of its own. */
static pl_procs disk_sorts(const planlint_node *n)
{
    const char *space = n->fields[PLANLINT_FIELD_SORT_SPACE_TYPE];
    double kb = n->m[PLANLINT_M_SORT_SPACE_USED];
    pl_procs p = { 0, 0, 0 };
    size_t i;

    if (space && strcmp(space, "Disk") == 0 && !isnan(kb))
        p.sum = p.max = kb, p.n = 1;
    for (i = 0; i < planlint_value_size(n->workers); i++) {
        const planlint_value *w = planlint_value_at(n->workers, i);
        const char *ws = pl_value_str(w, "Sort Space Type");
        double wkb = pl_value_num(w, "Sort Space Used");
        if (!ws || strcmp(ws, "Disk") != 0 || isnan(wkb))
            continue;
        p.sum += wkb;
        p.max = fmax(p.max, wkb);
        p.n++;
    }
    return p;
}

static void report(pl_check *c, const planlint_node *n, const pl_procs *disk)
{
    double excl = n->m[PLANLINT_M_EXCLUSIVE_TIME], incl = n->m[PLANLINT_M_INCLUSIVE_TIME];
    double io = (n->m[PLANLINT_M_EXCL_TEMP_IO_READ_TIME] + n->m[PLANLINT_M_EXCL_TEMP_IO_WRITE_TIME]) /
                fmax(1, pl_nz(n->m[PLANLINT_M_PARALLEL_DIVISOR]));
    const char *minor = pl_spill_not_bottleneck(c, excl, incl, io);
    pl_finding *f = pl_finding_new(c, n, excl);
    /* An in-memory sort needs more than the compact on-disk runs: about twice. Each
     * process sorts its share in a work_mem of its own, so the largest share decides. */
    const char *set = pl_set_work_mem(f, 1, pl_fmt_work_mem(c, disk->max * 2));

    if (minor)
        pl_finding_severity(f, PLANLINT_SEVERITY_INFO);
    if (disk->n > 1)
        pl_finding_message(f, "%s sorted on disk in %zu processes (%s): %s kB in all, up to %s kB in one: its "
                              "share did not fit in work_mem",
                           pl_node_label(c, n), disk->n, n->fields[PLANLINT_FIELD_SORT_METHOD] ?
                           n->fields[PLANLINT_FIELD_SORT_METHOD] : "external merge",
                           pl_fmt_count(c, disk->sum), pl_fmt_count(c, disk->max));
    else
        pl_finding_message(f, "%s sorted %s kB on disk (%s): it did not fit in work_mem",
                           pl_node_label(c, n), pl_fmt_count(c, disk->sum),
                           n->fields[PLANLINT_FIELD_SORT_METHOD] ? n->fields[PLANLINT_FIELD_SORT_METHOD] : "external");
    pl_finding_advice(f, "%s%sGive this query more sort memory, e.g. %s in its transaction, or ALTER ROLE ... SET "
                         "work_mem for its role: about twice the largest on-disk share%s, since rows take more room "
                         "in memory than in the sorted runs on disk. An index matching the sort key avoids the sort "
                         "altogether. %s",
                      minor ? minor : "", minor ? " " : "", set,
                      disk->n > 1 ? " (work_mem is per process: every worker and the leader get that much)" : "",
                      pl_plan_may_change);
    pl_finding_evidence(f, "sort_space_used_kb", disk->sum);
    pl_finding_evidence(f, "max_process_sort_space_kb", disk->max);
    pl_finding_evidence(f, "processes_on_disk", (double)disk->n);
    pl_finding_evidence(f, "exclusive_time_ms", excl);
    pl_finding_evidence(f, "inclusive_time_ms", incl);
    pl_finding_evidence(f, "excl_temp_io_time_ms", io);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        pl_procs disk = disk_sorts(p->nodes[i]);

        if (disk.n == 0 || disk.sum < pl_param(c, "min_disk_kb"))
            continue;
        report(c, p->nodes[i], &disk);
    }
}

const planlint_rule pl_rule_sort_spill = {
    "PL007", "sort-spill", "memory", PLANLINT_SEVERITY_WARNING,
    "A Sort or Incremental Sort spilled to disk",
    "A sort that does not fit in work_mem writes sorted runs to temporary files and merges them "
    "(Sort Method: external merge, Disk: N kB). Disk merges are several times slower than a "
    "quicksort in memory and add temporary-file I/O. In a parallel plan the leader and every "
    "worker sort their share in a work_mem of their own (the Workers entries carry their own "
    "Sort Space Used): all of them count, and the largest share decides the work_mem needed. "
    "When the sort's own time is under a quarter of its inclusive time, its input is where the "
    "time goes: the finding is then only info and says so.\n\n"
    "Fix: raise work_mem for this query (SET LOCAL work_mem inside its transaction, or per role), "
    "to about twice the largest on-disk share: in-memory tuples take more room than the compact "
    "runs on disk. More memory may change the plan (a hash aggregate instead of sort and group, "
    "fewer workers): EXPLAIN ANALYZE again. Better still, avoid the sort with an index whose "
    "order matches the sort key, or sort fewer rows by filtering earlier.",
    params, PL_NPARAMS(params), check
};
