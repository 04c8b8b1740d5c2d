/* workers_not_launched.c - PL010: a Gather started fewer parallel workers than planned. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_missing", 1, "report when at least this many planned workers were not launched" },
};

/* The pool settings as the plan recorded them (SETTINGS lists only non-default values);
 * a max_parallel_workers below the planned count explains the shortfall by itself. */
static const char *setting_note(pl_check *c, const planlint_plan *p, double planned)
{
    const char *mpw = pl_plan_setting(p, "max_parallel_workers");
    const char *mwp = pl_plan_setting(p, "max_worker_processes");
    double v;

    if (mpw && pl_parse_double(mpw, strlen(mpw), &v) == 0 && v < planned)
        return pl_fmt_text(c, " Here the plan's settings show max_parallel_workers = %s: fewer than the %s "
                              "workers planned can ever start while it stays that low.",
                           mpw, pl_fmt_count(c, planned));
    if (mpw || mwp)
        return pl_fmt_text(c, " The plan's settings show max_parallel_workers = %s, max_worker_processes = %s.",
                           mpw ? mpw : "default", mwp ? mwp : "default");
    return "";
}

static void report(pl_check *c, const planlint_node *n, double planned, double launched)
{
    /* Parallel work scales roughly with the processes doing it (workers + leader):
     * with all workers the node would have taken (launched + 1) / (planned + 1). */
    double stake = n->m[PLANLINT_M_INCLUSIVE_TIME] * (1 - (launched + 1) / (planned + 1));
    pl_finding *f = pl_finding_new(c, n, stake);

    pl_finding_message(f, "%s launched %s of %s planned workers: the parallel part ran with %s "
                          "process%s instead of %s",
                       pl_node_label(c, n), pl_fmt_count(c, launched), pl_fmt_count(c, planned),
                       pl_fmt_count(c, launched + 1), launched + 1 > 1 ? "es" : "",
                       pl_fmt_count(c, planned + 1));
    pl_finding_advice(f, "Workers come from a shared pool: max_parallel_workers (default 8) caps parallel "
                         "workers across all sessions and max_worker_processes (default 8, needs a "
                         "restart) caps all background workers. When concurrent queries hold them, "
                         "new Gathers get fewer or none. Raise them in postgresql.conf if the machine has "
                         "idle cores, or run fewer parallel queries at once (lower "
                         "max_parallel_workers_per_gather for the others).%s",
                      setting_note(c, pl_check_plan(c), planned));
    pl_finding_evidence(f, "workers_planned", planned);
    pl_finding_evidence(f, "workers_launched", launched);
    pl_finding_evidence(f, "inclusive_time_ms", n->m[PLANLINT_M_INCLUSIVE_TIME]);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        double planned = n->m[PLANLINT_M_WORKERS_PLANNED], launched = n->m[PLANLINT_M_WORKERS_LAUNCHED];

        /* Without ANALYZE there is no Workers Launched: nothing to compare. */
        if (n->kind != PL_KIND_GATHER || isnan(planned) || isnan(launched) || n->never_executed)
            continue;
        if (planned - launched < pl_param(c, "min_missing") || launched >= planned)
            continue;
        report(c, n, planned, launched);
    }
}

const planlint_rule pl_rule_workers_not_launched = {
    "PL010", "workers-not-launched", "parallel", PLANLINT_SEVERITY_WARNING,
    "A Gather or Gather Merge launched fewer workers than planned",
    "The planner costs a parallel plan for Workers Planned processes, but the executor gets "
    "workers from shared pools at run time: max_parallel_workers for parallel queries and "
    "max_worker_processes for all background workers. When they are used up by other "
    "sessions, the Gather starts fewer workers (Workers Launched), or none, and the leader does "
    "the work alone - slower than planned, and on a plan chosen for parallelism.\n\n"
    "Fix: raise max_parallel_workers and max_worker_processes (the latter needs a restart) if "
    "the server has idle cores, or reduce how many parallel queries run at once, e.g. lower "
    "max_parallel_workers_per_gather for less important workloads.",
    params, PL_NPARAMS(params), check
};
