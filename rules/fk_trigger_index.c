/* fk_trigger_index.c - PL029: a slow foreign-key action trigger (a DELETE or UPDATE of
 * referenced rows), resolved in live mode to the referencing table and columns, and the
 * index they lack. Without the catalog, trigger-time (PL015) speaks of it in general. */
#include "cond.h"

static const pl_rule_param params[] = {
    { "min_share", 0.2, "report a foreign-key trigger that took at least this fraction of the execution time" },
    { "min_ms_per_call", 1, "and at least this many ms per call (an index lookup takes microseconds)" },
};

/* RI_ConstraintTrigger_a_<oid>: the referenced table's action on DELETE / UPDATE. */
static int is_action_trigger(const char *name)
{
    const char *at = name ? strstr(name, "ConstraintTrigger_a_") : NULL;

    return at != NULL;
}

static void advise(pl_check *c, pl_finding *f, const pl_cat_fk *fk)
{
    const char *built = pl_index_on_columns(c, fk->schema, fk->table, fk->columns, fk->ncolumns);
    const char *sql = built ? pl_finding_sql(f, "IndexStmt", "%s", built) : NULL;

    if (!sql) {
        pl_finding_advice(f, "An index on the referencing columns would serve it. %s", pl_no_safe_sql);
        return;
    }
    /* Not offered to hypopg (pl_finding_index): the trigger's lookups are not part of the
     * statement's plan, so a re-plan of the statement cannot show the index used. */
    pl_finding_advice(f, "Try %s Each call of the trigger looks for rows of %s.%s that reference the "
                         "deleted or updated row, and without an index on the referencing column(s) every "
                         "call scans that table. Not verified with hypopg: the trigger's lookups do not "
                         "appear in the statement's plan; EXPLAIN SELECT 1 FROM ONLY %s.%s WHERE ... = "
                         "<a key value> shows the lookup alone. Then run the statement again under EXPLAIN "
                         "ANALYZE: the trigger's time should drop to about a millisecond per hundred calls.",
                      sql, fk->schema, fk->table, fk->schema, fk->table);
}

static void report(pl_check *c, const planlint_value *t, const pl_cat_fk *fk, double ms, double calls, double exec_ms)
{
    pl_finding *f = pl_finding_new(c, NULL, ms);
    const char *cols = fk->columns[0];
    size_t i;

    for (i = 1; i < fk->ncolumns; i++)
        cols = pl_fmt_text(c, "%s, %s", cols, fk->columns[i]);
    pl_finding_message(f, "Foreign-key trigger %s for %s on %s took %s in %s calls (%s of the execution time): "
                          "the referencing table %s.%s has no index on (%s)",
                       pl_value_str(t, "Trigger Name"), fk->constraint, fk->referenced, pl_fmt_ms(c, ms),
                       pl_fmt_count(c, calls), pl_fmt_pct(c, ms / exec_ms), fk->schema, fk->table, cols);
    advise(c, f, fk);
    pl_finding_evidence(f, "trigger_time_ms", ms);
    pl_finding_evidence(f, "calls", calls);
    pl_finding_evidence(f, "ms_per_call", calls > 0 ? ms / calls : ms);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    const planlint_value *list = pl_value_get(p->obj, "Triggers");
    double exec_ms = p->pm[PLANLINT_PLAN_EXECUTION_TIME];
    size_t i;

    if (!p->catalog || isnan(exec_ms) || exec_ms <= 0)
        return;
    for (i = 0; i < planlint_value_size(list); i++) {
        const planlint_value *t = planlint_value_at(list, i);
        double ms = pl_value_num(t, "Time"), calls = pl_value_num(t, "Calls");
        const pl_cat_fk *fk = pl_catalog_fk(p, pl_value_str(t, "Constraint Name"), pl_value_str(t, "Relation"));

        if (!fk || fk->index || fk->ncolumns == 0 || !is_action_trigger(pl_value_str(t, "Trigger Name")) ||
            isnan(ms) || ms < pl_param(c, "min_share") * exec_ms ||
            ms < pl_param(c, "min_ms_per_call") * (calls > 0 ? calls : 1))
            continue;
        report(c, t, fk, ms, calls, exec_ms);
    }
}

const planlint_rule pl_rule_fk_trigger_index = {
    "PL029", "fk-trigger-index", "triggers", PLANLINT_SEVERITY_WARNING,
    "Live mode: a slow foreign-key trigger, and the index its referencing columns lack",
    "Deleting or updating a referenced row fires the foreign key's action trigger "
    "(RI_ConstraintTrigger_a_*), which looks for referencing rows. PostgreSQL does not index "
    "referencing columns by itself, so without an index each call scans the referencing table. "
    "The plan names only the trigger, the constraint and the referenced table; in live mode "
    "planlint reads pg_constraint for the referencing table and columns and whether an index "
    "already leads with them.\n\n"
    "Fix: create the index on the referencing columns (planlint prints it). hypopg cannot "
    "verify it: the trigger's lookups are not part of the statement's plan. Run the statement "
    "again under EXPLAIN ANALYZE to see the trigger time drop. Without live mode, trigger-time "
    "(PL015) reports the same trigger and says how to look the columns up.",
    params, PL_NPARAMS(params), check
};
