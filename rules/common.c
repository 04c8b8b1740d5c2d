/* common.c - small helpers several rules share (memory sizes, plan settings). */
#include "rule.h"

double pl_nz(double v)
{
    return isnan(v) ? 0 : v;
}

const char *pl_fmt_work_mem(pl_check *c, double kb)
{
    long mb = 1;

    while ((double)mb * 1024 < kb && mb < 1048576)
        mb *= 2;
    if (mb >= 1024)
        return pl_fmt_text(c, "%ldGB", mb / 1024);
    return pl_fmt_text(c, "%ldMB", mb);
}

const char *pl_plan_setting(const planlint_plan *plan, const char *name)
{
    return planlint_value_string(pl_value_get(pl_value_get(plan->obj, "Settings"), name));
}

double pl_hash_mem_multiplier(const planlint_plan *plan)
{
    const char *v = pl_plan_setting(plan, "hash_mem_multiplier");
    double d;

    if (v && pl_parse_double(v, strlen(v), &d) == 0 && d > 0)
        return d;
    return 2.0;
}

const char *pl_set_work_mem(pl_finding *f, int local, const char *value)
{
    const char *sql = pl_finding_sql(f, "VariableSetStmt", local ? "SET LOCAL work_mem = %L;" : "SET work_mem = %L;",
                                     value);

    return sql ? sql : "a higher work_mem";
}

pl_procs pl_node_processes(const planlint_node *n, planlint_metric m)
{
    pl_procs p = { 0, 0, 0 };
    size_t i;

    for (i = 0; i <= planlint_value_size(n->workers); i++) {
        double v = i == 0 ? n->m[m] : pl_object_metric(planlint_value_at(n->workers, i - 1), m);
        if (isnan(v))
            continue;
        p.sum += v;
        p.max = fmax(p.max, v);
        p.n++;
    }
    return p;
}

double pl_hash_participants(const planlint_plan *plan, const planlint_node *n)
{
    const char *lead = pl_plan_setting(plan, "parallel_leader_participation");
    const planlint_node *g;

    for (g = n->parent; g && g->kind != PL_KIND_GATHER; g = g->parent)
        ;
    if (!g || isnan(g->m[PLANLINT_M_WORKERS_LAUNCHED]))
        return 1;
    return g->m[PLANLINT_M_WORKERS_LAUNCHED] + (lead && strcmp(lead, "off") == 0 ? 0 : 1);
}

const char *pl_spill_not_bottleneck(pl_check *c, double own, double whole, double temp_io_ms)
{
    if (isnan(own) || isnan(whole) || whole <= 0 || own >= 0.25 * whole)
        return NULL;
    return pl_fmt_text(c, "The spill is not the bottleneck: of the %s the spilling node took, %s was its own work%s%s%s "
                          "and %s was spent producing its input; speed up the input first.",
                       pl_fmt_ms(c, whole), pl_fmt_ms(c, own), isnan(temp_io_ms) ? "" : " (temporary-file I/O: ",
                       isnan(temp_io_ms) ? "" : pl_fmt_ms(c, temp_io_ms), isnan(temp_io_ms) ? "" : ")",
                       pl_fmt_ms(c, whole - own));
}

const char pl_plan_may_change[] = "More memory can change the plan itself (a hash instead of a sort, another join "
                                  "method or order, fewer workers): EXPLAIN ANALYZE again after the change.";
