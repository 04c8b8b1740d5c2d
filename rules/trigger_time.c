/* trigger_time.c - PL015: triggers (foreign-key ones above all) took a large share of execution. */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_share", 0.2, "report a trigger that took at least this fraction of the execution time" },
    { "min_ms", 10, "and at least this many ms in all (a fraction of a millisecond is not worth a warning)" },
    { "min_fk_ms_per_call", 1,
      "a foreign-key trigger that finds its rows through an index takes microseconds per call: at or "
      "above this many ms per call it is a warning (a scan per row), below it only info (the inherent "
      "cost of checking many rows)" },
};

typedef struct trigger {
    const char *name, *relation, *constraint;
    double ms, calls;
} trigger;

static trigger read_trigger(const planlint_value *t)
{
    trigger tr;

    tr.name = pl_value_str(t, "Trigger Name");
    tr.relation = pl_value_str(t, "Relation");
    tr.constraint = pl_value_str(t, "Constraint Name");
    tr.ms = pl_value_num(t, "Time");
    tr.calls = pl_value_num(t, "Calls");
    return tr;
}

/* PostgreSQL names the RI triggers RI_ConstraintTrigger_a_<oid> (the referenced table's action
 * on DELETE / UPDATE) and RI_ConstraintTrigger_c_<oid> (the referencing table's check). Some
 * plan anonymizers drop the "RI_", so the rest of the name is what counts. */
static char fk_kind(const trigger *tr)
{
    static const char stem[] = "ConstraintTrigger_";
    const char *at = tr->name ? strstr(tr->name, stem) : NULL;
    size_t n = sizeof(stem) - 1;

    if (!at || (at[n] != 'a' && at[n] != 'c') || at[n + 1] != '_')
        return 0;
    return at[n];
}

/* SQL that names the referencing table and columns: the plan itself does not. The
 * relation is read as regclass input, which is an identifier: quoted where it needs it. */
static const char *lookup_sql(pl_check *c, pl_finding *f, const trigger *tr)
{
    const char *sql;

    if (tr->constraint)
        sql = pl_finding_sql(f, "SelectStmt", "SELECT conrelid::regclass AS referencing_table, "
                             "pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = %L;", tr->constraint);
    else
        sql = pl_finding_sql(f, "SelectStmt", "SELECT conrelid::regclass AS referencing_table, "
                             "pg_get_constraintdef(oid) FROM pg_constraint WHERE confrelid = %L::regclass "
                             "AND contype = 'f';", tr->relation ? pl_fmt_ident(c, tr->relation) : "referenced_table");
    return sql ? sql : pl_fmt_text(c, "pg_constraint. %s", pl_no_safe_sql);
}

static void advise(pl_check *c, pl_finding *f, const trigger *tr, char kind, int slow)
{
    const char *create;

    if (kind == 'a' && slow && (create = pl_finding_sql(f, "IndexStmt", "CREATE INDEX ON referencing_table "
                                                        "(fk_column);")) != NULL)
        pl_finding_advice(f, "Each call looks up the rows that reference the deleted or updated %s row. "
                             "That slow, it is almost always a missing index on the referencing column(s), "
                             "so every call scans the referencing table. Find them with %s then "
                             "%s (or \\d referencing_table in psql).",
                          tr->relation ? tr->relation : "referenced", lookup_sql(c, f, tr), create);
    else if (kind == 'c' && slow)
        pl_finding_advice(f, "Each call looks up the referenced row by its primary or unique key, which is "
                             "always indexed: this slow, the check is waiting on row locks held by concurrent "
                             "transactions, or the referenced key's index is bloated or not cached. "
                             "The constraint: %s", lookup_sql(c, f, tr));
    else if (kind)
        pl_finding_advice(f, "The calls are cheap one by one (an index lookup each): this is the cost of "
                             "checking many rows, not a missing index. For bulk loads, load in fewer, larger "
                             "statements, or drop and re-add the constraint around the load (ADD CONSTRAINT ... "
                             "NOT VALID, then VALIDATE CONSTRAINT).");
    else if (tr->constraint)
        pl_finding_advice(f, "The trigger of constraint %s: the plan does not say which side of it fired (an "
                             "UPDATE may fire either), so look it up with %s For a foreign key, a slow call on the "
                             "referenced side is almost always a missing index on the referencing column(s) "
                             "(CREATE INDEX ON referencing_table (fk_column)); EXPLAIN with VERBOSE names the "
                             "trigger (RI_ConstraintTrigger_a_* or _c_*).",
                          tr->constraint, lookup_sql(c, f, tr));
    else
        pl_finding_advice(f, "Look at the trigger's function (\\dft+ in psql, or pg_get_triggerdef / "
                             "pg_get_functiondef): per-row queries without an index, or work that a "
                             "statement-level trigger with transition tables (REFERENCING NEW TABLE AS ...) "
                             "could do once for all rows.");
}

/* EXPLAIN without VERBOSE prints a constraint's trigger in text as "Trigger for constraint
 * fk: ...": no trigger name, and no table when the statement modified only one. Both follow
 * from the statement: that table is the ModifyTable's, and of the RI triggers only the
 * referenced side's (a) fire on DELETE, only the referencing side's (c) on INSERT; an UPDATE
 * may fire either. */
static char fk_kind_of_statement(const trigger *tr, const planlint_node *root)
{
    const char *op = root ? root->fields[PLANLINT_FIELD_OPERATION] : NULL;

    if (tr->name || !tr->constraint || !op)
        return 0;
    if (strcmp(op, "Delete") == 0)
        return 'a';
    if (strcmp(op, "Insert") == 0)
        return 'c';
    return 0;
}

static void report(pl_check *c, const trigger *tr0, double exec_ms)
{
    const planlint_node *root = pl_check_plan(c)->root;
    trigger copy = *tr0, *tr = &copy;
    char kind;
    double per_call = tr->calls > 0 ? tr->ms / tr->calls : tr->ms;
    int slow = per_call >= pl_param(c, "min_fk_ms_per_call");
    pl_finding *f;

    if (root && !pl_node_is(root, "ModifyTable"))
        root = NULL;
    kind = tr->name ? fk_kind(tr) : fk_kind_of_statement(tr, root);
    if (!tr->relation && root)
        tr->relation = root->fields[PLANLINT_FIELD_RELATION];
    f = pl_finding_new(c, root, tr->ms);
    if (kind && !slow)
        pl_finding_severity(f, PLANLINT_SEVERITY_INFO);
    pl_finding_message(f, "%s%s%s%s%s on %s took %s in %s calls (%s per call), %s of the execution time",
                       kind ? "Foreign-key trigger" : "Trigger", tr->name ? " " : "",
                       tr->name ? tr->name : "",
                       tr->constraint ? " for constraint " : "", tr->constraint ? tr->constraint : "",
                       tr->relation ? tr->relation : "?", pl_fmt_ms(c, tr->ms), pl_fmt_count(c, tr->calls),
                       pl_fmt_ms(c, per_call), pl_fmt_pct(c, tr->ms / exec_ms));
    advise(c, f, tr, kind, slow);
    pl_finding_evidence(f, "trigger_time_ms", tr->ms);
    pl_finding_evidence(f, "calls", tr->calls);
    pl_finding_evidence(f, "ms_per_call", per_call);
    pl_finding_evidence(f, "share_of_execution", tr->ms / exec_ms);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    const planlint_value *list = pl_value_get(p->obj, "Triggers");
    double exec_ms = p->pm[PLANLINT_PLAN_EXECUTION_TIME];
    size_t i;

    if (isnan(exec_ms) || exec_ms <= 0)
        return;
    for (i = 0; i < planlint_value_size(list); i++) {
        trigger tr = read_trigger(planlint_value_at(list, i));
        if (isnan(tr.ms) || tr.ms < pl_param(c, "min_share") * exec_ms || tr.ms < pl_param(c, "min_ms"))
            continue;
        report(c, &tr, exec_ms);
    }
}

const planlint_rule pl_rule_trigger_time = {
    "PL015", "trigger-time", "triggers", PLANLINT_SEVERITY_WARNING,
    "Triggers took a large share of the execution time (foreign keys: often a missing index)",
    "EXPLAIN ANALYZE lists, after the plan, the time and calls of every trigger that fired. "
    "Trigger time is part of the execution time but appears in no plan node. Foreign keys are "
    "implemented with triggers: RI_ConstraintTrigger_c_* checks, for each inserted or updated "
    "referencing row, that the referenced key exists (through the referenced table's unique "
    "index); RI_ConstraintTrigger_a_* fires for each deleted or updated referenced row and looks "
    "for referencing rows (to raise an error, cascade or set null). PostgreSQL does not create an "
    "index on the referencing column, so without one every such call scans the whole "
    "referencing table: deleting a few rows can take seconds.\n\n"
    "Fix: for a slow RI_ConstraintTrigger_a_* trigger, create an index on the referencing "
    "column(s): CREATE INDEX ON referencing_table (fk_column). The plan names the trigger, the "
    "referenced table and the constraint, not the referencing column: look it up with "
    "SELECT conrelid::regclass, pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = "
    "'<constraint>', or \\d referencing_table in psql. FK checks that are cheap per call but "
    "many are the cost of the rows checked. For other triggers, read the trigger function: "
    "unindexed queries per row, or per-row work a statement-level trigger with transition "
    "tables could do once.",
    params, PL_NPARAMS(params), check
};
