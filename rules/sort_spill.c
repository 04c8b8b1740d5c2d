/* sort_spill.c - PL007: a sort that did not fit in work_mem and went to disk. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_disk_kb", 1024, "ignore sorts that wrote less than this many kB to disk" },
};

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        const char *space = n->fields[PLANLINT_FIELD_SORT_SPACE_TYPE];
        double kb = n->m[PLANLINT_M_SORT_SPACE_USED];
        pl_finding *f;

        if (!space || strcmp(space, "Disk") != 0 || isnan(kb) || kb < pl_param(c, "min_disk_kb"))
            continue;
        /* An in-memory sort needs more than the compact on-disk runs: about twice. */
        f = pl_finding_new(c, n, n->m[PLANLINT_M_EXCLUSIVE_TIME]);
        pl_finding_message(f, "%s sorted %s kB on disk (%s): it did not fit in work_mem",
                           pl_node_label(c, n), pl_fmt_count(c, kb),
                           n->fields[PLANLINT_FIELD_SORT_METHOD] ? n->fields[PLANLINT_FIELD_SORT_METHOD] : "external");
        pl_finding_advice(f, "Give this query more sort memory, e.g. %s in its session or "
                             "transaction (SET LOCAL), or ALTER ROLE ... SET work_mem for its role. An index "
                             "matching the sort key avoids the sort altogether.",
                          pl_set_work_mem(f, 0, pl_fmt_work_mem(c, kb * 2)));
        pl_finding_evidence(f, "sort_space_used_kb", kb);
        pl_finding_evidence(f, "exclusive_time_ms", n->m[PLANLINT_M_EXCLUSIVE_TIME]);
    }
}

const planlint_rule pl_rule_sort_spill = {
    "PL007", "sort-spill", "memory", PLANLINT_SEVERITY_WARNING,
    "A Sort or Incremental Sort spilled to disk",
    "A sort that does not fit in work_mem writes sorted runs to temporary files and merges them "
    "(Sort Method: external merge, Disk: N kB). Disk merges are several times slower than a "
    "quicksort in memory and add temporary-file I/O.\n\n"
    "Fix: raise work_mem for this query (SET LOCAL work_mem inside its transaction, or per role), "
    "to about twice the disk space the sort used: in-memory tuples take more room than the "
    "compact runs on disk. Better still, avoid the sort with an index whose order matches the "
    "sort key, or sort fewer rows by filtering earlier.",
    params, PL_NPARAMS(params), check
};
