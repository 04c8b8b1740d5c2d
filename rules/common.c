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
