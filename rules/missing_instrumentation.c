/* missing_instrumentation.c - PL021: the plan lacks ANALYZE, BUFFERS or timing. */
#include "rule.h"

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    unsigned int fl = p->flags;
    const char *missing, *reveals;
    pl_finding *f;

    if (!(fl & PLANLINT_PLAN_HAS_ANALYZE)) {
        missing = "ANALYZE, BUFFERS";
        reveals = "actual times, rows and loops per node (so where the time goes and how far the "
                  "estimates are off) and the buffers each node read";
    } else if (!(fl & PLANLINT_PLAN_HAS_TIMING)) {
        missing = "TIMING ON";
        reveals = "per-node times, so the time at stake of each finding";
    } else if (!(fl & PLANLINT_PLAN_HAS_BUFFERS)) {
        missing = "BUFFERS";
        reveals = "shared, local and temporary blocks per node: cache misses, read amplification, spills";
    } else {
        return;
    }
    f = pl_finding_new(c, NULL, NAN);
    pl_finding_message(f, "The plan was captured without %s", missing);
    pl_finding_advice(f, "Re-run it as EXPLAIN (ANALYZE, BUFFERS, VERBOSE, SETTINGS, FORMAT JSON) to see %s. "
                         "ANALYZE executes the statement: wrap data-modifying statements in BEGIN ... ROLLBACK.",
                      reveals);
}

const planlint_rule pl_rule_missing_instrumentation = {
    "PL021", "missing-instrumentation", "instrumentation", PLANLINT_SEVERITY_INFO,
    "The plan lacks ANALYZE, timing or BUFFERS, so some problems cannot be seen",
    "Without ANALYZE a plan holds only the planner's estimates: no actual rows, times or "
    "loops, so no rule can say where the time went. TIMING OFF hides per-node times; without "
    "BUFFERS the cache, read and spill numbers are missing.\n\n"
    "Fix: capture the plan with EXPLAIN (ANALYZE, BUFFERS, VERBOSE, SETTINGS, FORMAT JSON); "
    "run data-modifying statements inside BEGIN ... ROLLBACK.",
    NULL, 0, check
};
