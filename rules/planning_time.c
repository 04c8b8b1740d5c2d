/* planning_time.c - PL014: planning took long, in absolute terms and next to execution. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_ms", 10, "report planning that took at least this many ms (below it, planning is cheap whatever the ratio)" },
    { "min_ratio", 0.5, "report planning that took at least this fraction of the execution time" },
};

/* Relation scans under an Append or Merge Append: partitions the planner had to open. */
static size_t count_member_scans(const planlint_plan *p)
{
    size_t i, n = 0;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *node = p->nodes[i];
        if (node->fields[PLANLINT_FIELD_RELATION] && node->parent &&
            (pl_node_is(node->parent, "Append") || pl_node_is(node->parent, "Merge Append")))
            n++;
    }
    return n;
}

static size_t count_joins(const planlint_plan *p)
{
    size_t i, n = 0;

    for (i = 0; i < p->nnodes; i++)
        if (p->nodes[i]->fields[PLANLINT_FIELD_JOIN_TYPE])
            n++;
    return n;
}

/* The part of the advice that depends on the plan's shape. */
static const char *shape_advice(pl_check *c, const planlint_plan *p)
{
    size_t parts = count_member_scans(p), joins = count_joins(p);
    const char *pruning = pl_plan_setting(p, "enable_partition_pruning");

    if (pruning && strcmp(pruning, "off") == 0)
        return "enable_partition_pruning is off in this session: turn it back on so the planner can skip "
               "partitions. ";
    /* Many partitions: each one is opened, its indexes and statistics loaded, and a path built. */
    if (parts >= 32)
        return pl_fmt_text(c, "The plan scans %zu partitions: add a condition on the partition key so the "
                              "planner prunes them, or use fewer, larger partitions. ", parts);
    /* Beyond join_collapse_limit (8) the search space explodes; at geqo_threshold (12) GEQO takes over. */
    if (joins >= 7)
        return pl_fmt_text(c, "The plan joins %zu times: for many-table joins a lower join_collapse_limit / "
                              "from_collapse_limit (with the joins written in a good order) bounds the search. ",
                           joins);
    return "";
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    double plan_ms = p->pm[PLANLINT_PLAN_PLANNING_TIME], exec_ms = p->pm[PLANLINT_PLAN_EXECUTION_TIME];
    double hit = p->pm[PLANLINT_PLAN_PLANNING_SHARED_HIT], read = p->pm[PLANLINT_PLAN_PLANNING_SHARED_READ];
    pl_finding *f;

    if (isnan(plan_ms) || isnan(exec_ms) || plan_ms < pl_param(c, "min_ms") ||
        plan_ms < pl_param(c, "min_ratio") * exec_ms)
        return;
    f = pl_finding_new(c, NULL, plan_ms);
    pl_finding_message(f, "Planning took %s, %sx the execution time (%s)", pl_fmt_ms(c, plan_ms),
                       pl_fmt_num(c, exec_ms > 0 ? plan_ms / exec_ms : 0, 1), pl_fmt_ms(c, exec_ms));
    if (!isnan(hit))
        pl_finding_advice(f, "%sPlanning touched %s shared buffers (%s read): catalog and statistics lookups. "
                             "Run the statement as a prepared statement (PREPARE / protocol-level, as most "
                             "drivers and poolers can) so later executions reuse a plan; with "
                             "plan_cache_mode = force_generic_plan they skip planning altogether.",
                          shape_advice(c, p), pl_fmt_count(c, hit + pl_nz(read)),
                          pl_fmt_count(c, pl_nz(read)));
    else
        pl_finding_advice(f, "%sRun the statement as a prepared statement (PREPARE / protocol-level, as most "
                             "drivers and poolers can) so later executions reuse a plan; with "
                             "plan_cache_mode = force_generic_plan they skip planning altogether.",
                          shape_advice(c, p));
    pl_finding_evidence(f, "planning_time_ms", plan_ms);
    pl_finding_evidence(f, "execution_time_ms", exec_ms);
    pl_finding_evidence(f, "planning_shared_hit", hit);
    pl_finding_evidence(f, "planning_shared_read", read);
}

const planlint_rule pl_rule_planning_time = {
    "PL014", "planning-time", "planning", PLANLINT_SEVERITY_WARNING,
    "Planning took long, and a large share next to execution",
    "Planning Time is spent before the first row is read: parsing, looking up catalogs and "
    "statistics, pruning partitions and searching join orders. It is paid again on every "
    "execution of an unprepared statement. It is worth attention when it is both long in "
    "absolute terms and a large fraction of the execution time; a fast query planned for 0.5 ms "
    "is fine. The usual causes are many partitions that could not be pruned at plan time (each "
    "is opened with its indexes and statistics), joins of many tables (the search space grows "
    "exponentially up to join_collapse_limit and from_collapse_limit, 8 by default), and cold "
    "catalog caches in a fresh connection. \"Planning: Buffers\" (PostgreSQL 13+) shows how many "
    "catalog pages planning touched.\n\n"
    "Fix: prepare the statement (PREPARE, or the extended protocol through the driver) so plans "
    "are reused; plan_cache_mode = force_generic_plan skips re-planning. Give queries on "
    "partitioned tables a condition on the partition key, keep enable_partition_pruning on, and "
    "prefer fewer, larger partitions. For many-table joins, write the joins in a good order and "
    "lower join_collapse_limit / from_collapse_limit. Keep connections open (a pooler) so the "
    "catalog caches stay warm.",
    params, PL_NPARAMS(params), check
};
