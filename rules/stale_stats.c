/* stale_stats.c - PL022: a scan with no condition whose row estimate is far off: stale pg_class counts. */
#include "rule.h"
#include "enrich.h"

static const pl_rule_param params[] = {
    { "min_factor", 10, "report an estimate off by at least this factor (either direction)" },
    { "min_rows", 1000, "and at least this many rows, estimated or actual, per loop" },
    { "min_modified_ratio", 0.2, "live mode: rows modified since the last analyze, as a share of the "
                                 "table's rows, that confirm stale statistics" },
};

/* Only plain table scans: their estimate of an unconditioned scan is pg_class's reltuples
 * scaled by the table's current size, nothing else. */
static int plain_scan(const planlint_node *n)
{
    if (!n->fields[PLANLINT_FIELD_RELATION] || n->never_executed)
        return 0;
    if (!pl_node_is(n, "Seq Scan") && !pl_node_is(n, "Index Scan") && !pl_node_is(n, "Index Only Scan"))
        return 0;
    return !n->fields[PLANLINT_FIELD_FILTER] && !n->fields[PLANLINT_FIELD_INDEX_COND] &&
           !n->fields[PLANLINT_FIELD_RECHECK_COND];
}

/* Parents that read their input to the end, so fewer rows than estimated is not a Limit,
 * a semi join, a merge join or an EXISTS stopping early. */
static int reads_all(const planlint_node *parent, const planlint_node *child)
{
    static const char *const types[] = {
        "Aggregate", "Hash", "Sort", "Gather", "Append", "ModifyTable", "SetOp", "WindowAgg",
        "Unique", "Group", "Materialize", "Result", "ProjectSet", "Subquery Scan",
    };
    const char *rel = child->fields[PLANLINT_FIELD_PARENT_RELATIONSHIP];
    size_t i;

    if (rel && (strcmp(rel, "SubPlan") == 0 || strcmp(rel, "InitPlan") == 0))
        return 0;
    /* PostgreSQL 15+: a WindowAgg with a Run Condition stops once it can no longer hold. */
    if (pl_node_is(parent, "WindowAgg") && planlint_node_get(parent, "Run Condition"))
        return 0;
    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (pl_node_is(parent, types[i]))
            return 1;
    return 0;
}

static int ran_to_completion(const planlint_node *n)
{
    for (; n->parent; n = n->parent)
        if (!reads_all(n->parent, n))
            return 0;
    return 1;
}

/* Rows modified since the last analyze per row of the table; NaN without the numbers. */
static double modified_ratio(const pl_cat_table *t)
{
    if (!t || !t->has_activity || isnan(t->n_mod_since_analyze))
        return NAN;
    return t->n_mod_since_analyze / fmax(isnan(t->reltuples) ? 1 : t->reltuples, 1);
}

/* What pg_stat_user_tables says, appended to the advice, with its numbers as evidence. */
static void catalog_advice(pl_check *c, pl_finding *f, const char *base, const pl_cat_table *t, int confirmed)
{
    const char *when = pl_cat_last_analyze(t);

    pl_finding_advice(f, "%s %s pg_stat_user_tables shows %s rows modified since the last analyze (%s), %s of "
                         "the table's %s rows.", base, confirmed ? "Confirmed:" : "Not confirmed: the "
                         "statistics look fresh, so the estimate may be off for another reason;",
                      pl_fmt_count(c, t->n_mod_since_analyze), when ? when : "never analyzed",
                      pl_fmt_pct(c, modified_ratio(t)), pl_fmt_count(c, fmax(t->reltuples, 0)));
    pl_finding_evidence(f, "rows_modified_since_analyze", t->n_mod_since_analyze);
    pl_finding_evidence(f, "modified_ratio", modified_ratio(t));
    pl_finding_evidence(f, "table_reltuples", t->reltuples);
    if (!isnan(t->analyze_age_s))
        pl_finding_evidence(f, "seconds_since_analyze", t->analyze_age_s);
    if (!confirmed)
        pl_finding_severity(f, PLANLINT_SEVERITY_INFO);
}

static const char *fix_text(pl_check *c, pl_finding *f, const planlint_node *n)
{
    const char *rel = n->fields[PLANLINT_FIELD_RELATION];
    const char *sql = rel ? pl_finding_sql(f, "VacuumStmt", "ANALYZE %Q;", n->fields[PLANLINT_FIELD_SCHEMA], rel)
                          : NULL;

    return pl_fmt_text(c, "Run %s (VACUUM ANALYZE after mass deletes or updates). Then check why "
                          "autovacuum did not: the table's autovacuum_enabled, autovacuum_analyze_threshold and "
                          "autovacuum_analyze_scale_factor, and last_autoanalyze / n_mod_since_analyze in "
                          "pg_stat_user_tables (live mode reads them for you).%s%s",
                       sql ? sql : "ANALYZE on the table", sql ? "" : " ", sql ? "" : pl_no_safe_sql);
}

/* The plan alone shows the misestimate; t (NULL without a catalog) confirms it or not. */
static void report(pl_check *c, const planlint_node *n, double factor, int under, const pl_cat_table *t)
{
    pl_finding *f = pl_finding_new(c, n, n->m[PLANLINT_M_INCLUSIVE_TIME]);
    double ratio = modified_ratio(t);

    pl_finding_message(f, "%s has no condition, yet the planner expected %s rows per loop and got %s (%sx %s): "
                          "the table's row count in pg_class is stale",
                       pl_node_label(c, n), pl_fmt_count(c, n->m[PLANLINT_M_PLAN_ROWS]),
                       pl_fmt_count(c, n->m[PLANLINT_M_ACTUAL_ROWS]), pl_fmt_num(c, factor, 0),
                       under ? "more" : "fewer");
    if (isnan(ratio))
        pl_finding_advice(f, "%s", fix_text(c, f, n));
    else
        catalog_advice(c, f, fix_text(c, f, n), t, ratio >= pl_param(c, "min_modified_ratio"));
    pl_finding_evidence(f, "plan_rows", n->m[PLANLINT_M_PLAN_ROWS]);
    pl_finding_evidence(f, "actual_rows", n->m[PLANLINT_M_ACTUAL_ROWS]);
    pl_finding_evidence(f, "estimate_factor", factor);
}

/* Only the catalog shows it: the estimate looked right, the statistics are stale anyway. */
static void report_catalog(pl_check *c, const planlint_node *n, const pl_cat_table *t)
{
    pl_finding *f = pl_finding_new(c, n, n->m[PLANLINT_M_INCLUSIVE_TIME]);

    pl_finding_message(f, "%s reads %s, whose statistics are stale: %s rows were modified since its last "
                          "analyze, %s of the table",
                       pl_node_label(c, n), pl_node_table(c, n), pl_fmt_count(c, t->n_mod_since_analyze),
                       pl_fmt_pct(c, modified_ratio(t)));
    catalog_advice(c, f, fix_text(c, f, n), t, 1);
    pl_finding_evidence(f, "estimate_factor", n->m[PLANLINT_M_ESTIMATE_FACTOR]);
}

/* The plan-alone signal of the original rule. */
static int plan_signal(pl_check *c, const planlint_node *n)
{
    double factor = n->m[PLANLINT_M_ESTIMATE_FACTOR], dir = n->m[PLANLINT_M_ESTIMATE_DIRECTION];
    double rows = fmax(n->m[PLANLINT_M_PLAN_ROWS], n->m[PLANLINT_M_ACTUAL_ROWS]);

    if (!plain_scan(n) || isnan(factor) || isnan(dir) || factor < pl_param(c, "min_factor") ||
        rows < pl_param(c, "min_rows"))
        return 0;
    /* Fewer rows than estimated may only mean the consumer stopped early. */
    return dir > 0 || ran_to_completion(n);
}

/* A scan of a table the catalog shows stale, reported once per table. */
static int catalog_stale(pl_check *c, const planlint_node *n, const pl_cat_table *t,
                         const pl_cat_table **done, size_t *ndone)
{
    size_t i;

    if (!t || n->never_executed || !(modified_ratio(t) >= pl_param(c, "min_modified_ratio")))
        return 0;
    for (i = 0; i < *ndone; i++)
        if (done[i] == t)
            return 0;
    if (*ndone < 64)
        done[(*ndone)++] = t;
    return 1;
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    const pl_cat_table *done[64];
    size_t i, ndone = 0;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        const pl_cat_table *t = pl_catalog_table(n);
        int signal = plan_signal(c, n);

        if (signal) {
            report(c, n, n->m[PLANLINT_M_ESTIMATE_FACTOR], n->m[PLANLINT_M_ESTIMATE_DIRECTION] > 0, t);
            catalog_stale(c, n, t, done, &ndone);   /* one finding per table is enough */
        } else if (catalog_stale(c, n, t, done, &ndone)) {
            report_catalog(c, n, t);
        }
    }
}

const planlint_rule pl_rule_stale_stats = {
    "PL022", "stale-stats", "estimates", PLANLINT_SEVERITY_WARNING,
    "A scan with no condition misestimated its rows: the table's statistics are stale",
    "For a scan with no Filter and no index condition the planner's row estimate comes from "
    "pg_class alone: reltuples / relpages (rows per page at the last VACUUM or ANALYZE) times the "
    "table's current number of pages. When that is off by a large factor, the density recorded "
    "in pg_class no longer matches the table - typically many rows deleted or updated (dead rows "
    "still fill the pages) or a bulk load since the last ANALYZE, or a table never analyzed at "
    "all (temporary tables are never analyzed by autovacuum). Every estimate built on this "
    "table, joins and aggregates above it included, inherits the error. Only a scan that read "
    "its table to the end counts when it returned fewer rows than expected (a Limit or a semi "
    "join above it may stop it early).\n\n"
    "Fix: ANALYZE the table (VACUUM ANALYZE after mass deletes), then find out why autovacuum "
    "did not: autovacuum_enabled on the table, autovacuum_analyze_threshold and "
    "autovacuum_analyze_scale_factor (lower them for large tables), and last_autoanalyze / "
    "n_mod_since_analyze in pg_stat_user_tables. Run ANALYZE yourself right after bulk loads.\n\n"
    "In live mode (planlint_enrich()) the finding is checked against pg_stat_user_tables: rows "
    "modified since the last analyze, as a share of the table's rows (min_modified_ratio), confirm "
    "it (and report any scan of such a table even when its estimate looked right); fresh "
    "statistics turn it into an info saying it was not confirmed.",
    params, PL_NPARAMS(params), check
};
