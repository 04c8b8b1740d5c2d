/* jit_overhead.c - PL011: compiling the query with JIT took a large share of its run time. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_share", 0.1,
      "report when JIT time (generation + inlining + optimization + emission) is at least this "
      "share of the execution time; JIT is meant to pay for itself, so a tenth is already a lot" },
};

/* A round threshold safely above a cost: 150000 -> 1000000. */
static double next_power_of_ten(double cost)
{
    double v = 1;

    while (v <= cost && v < 1e15)
        v *= 10;
    return v;
}

/* "jit_above_cost = 0 (default 100000)" or the default alone when not in Settings. */
static const char *cost_setting(pl_check *c, const char *name, const char *dflt)
{
    const char *v = pl_plan_setting(pl_check_plan(c), name);

    return v ? pl_fmt_text(c, "%s = %s (default %s)", name, v, dflt) : pl_fmt_text(c, "%s = %s", name, dflt);
}

static void advise(pl_check *c, pl_finding *f, double cost)
{
    const char *now = pl_fmt_text(c, "%s, %s, %s", cost_setting(c, "jit_above_cost", "100000"),
                                  cost_setting(c, "jit_inline_above_cost", "500000"),
                                  cost_setting(c, "jit_optimize_above_cost", "500000"));

    const char *off = pl_finding_sql(f, "VariableSetStmt", "SET jit = off;");
    const char *limit = pl_fmt_num(c, next_power_of_ten(cost), 0);
    const char *r1, *r2, *r3, *s1, *s2;

    /* Below the default jit_above_cost, JIT ran only because a setting was lowered. */
    if (!isnan(cost) && cost < 100000) {
        r1 = pl_finding_sql(f, "VariableSetStmt", "RESET jit_above_cost;");
        r2 = pl_finding_sql(f, "VariableSetStmt", "RESET jit_inline_above_cost;");
        r3 = pl_finding_sql(f, "VariableSetStmt", "RESET jit_optimize_above_cost;");
        if (off && r1 && r2 && r3)
            pl_finding_advice(f, "This plan's estimated cost (%s) is below the default jit_above_cost (100000), "
                                 "so JIT ran only because the thresholds were lowered: %s. Restore them "
                                 "with %s %s %s (and remove them from the role, database or "
                                 "postgresql.conf), or %s for short queries.",
                              pl_fmt_num(c, cost, 0), now, r1, r2, r3, off);
        return;
    }
    s1 = pl_finding_sql(f, "VariableSetStmt", "SET jit_inline_above_cost = %s;", limit);
    s2 = pl_finding_sql(f, "VariableSetStmt", "SET jit_optimize_above_cost = %s;", limit);
    if (off && s1 && s2)
        pl_finding_advice(f, "JIT starts when the plan's estimated cost (here %s) exceeds jit_above_cost; "
                             "inlining and optimization, usually the expensive part, have their own "
                             "thresholds. In effect: %s. Raise the thresholds above this plan's cost, e.g. "
                             "%s %s - or %s for short queries (per session, or ALTER ROLE ... SET jit = "
                             "off). A cost far above the real work also points at a row misestimate.",
                          pl_fmt_num(c, cost, 0), now, s1, s2, off);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    const planlint_value *timing = pl_value_get(pl_value_get(p->obj, "JIT"), "Timing");
    double jit = p->pm[PLANLINT_PLAN_JIT_TIME], total = p->pm[PLANLINT_PLAN_TOTAL_TIME];
    double cost = p->root ? p->root->m[PLANLINT_M_TOTAL_COST] : NAN;
    pl_finding *f;

    if (isnan(jit) || isnan(total) || total <= 0 || jit / total < pl_param(c, "min_share"))
        return;
    f = pl_finding_new(c, NULL, jit);
    pl_finding_message(f, "JIT compilation took %s of the %s execution time (%s): generation %s, "
                          "inlining %s, optimization %s, emission %s, for %s functions",
                       pl_fmt_ms(c, jit), pl_fmt_ms(c, total), pl_fmt_pct(c, jit / total),
                       pl_fmt_ms(c, pl_value_num(timing, "Generation")),
                       pl_fmt_ms(c, pl_value_num(timing, "Inlining")),
                       pl_fmt_ms(c, pl_value_num(timing, "Optimization")),
                       pl_fmt_ms(c, pl_value_num(timing, "Emission")),
                       pl_fmt_count(c, p->pm[PLANLINT_PLAN_JIT_FUNCTIONS]));
    advise(c, f, cost);
    pl_finding_evidence(f, "jit_time_ms", jit);
    pl_finding_evidence(f, "jit_share", jit / total);
    pl_finding_evidence(f, "jit_functions", p->pm[PLANLINT_PLAN_JIT_FUNCTIONS]);
    pl_finding_evidence(f, "plan_total_cost", cost);
}

const planlint_rule pl_rule_jit_overhead = {
    "PL011", "jit-overhead", "jit", PLANLINT_SEVERITY_WARNING,
    "JIT compilation took a large share of the execution time",
    "PostgreSQL compiles expressions and tuple deforming to machine code (LLVM) when the "
    "plan's estimated cost exceeds jit_above_cost, and also inlines and optimizes that code "
    "above jit_inline_above_cost and jit_optimize_above_cost. The compile time is paid on every "
    "execution, before the first row; it pays off only on queries that process many rows "
    "through those expressions. The JIT section of EXPLAIN ANALYZE shows the time spent.\n\n"
    "Fix: raise jit_above_cost, jit_inline_above_cost and jit_optimize_above_cost (per "
    "session, role or database) so that queries like this one no longer qualify, or SET jit = "
    "off for short queries. If the plan's cost is much higher than the work done, fix the row "
    "estimates that inflated it.",
    params, PL_NPARAMS(params), check
};
