/* append_not_pruned.c - PL027: an Append (or Merge Append) over partitions scanned them
 * all, most for nothing: its condition is not one partition pruning can use. One finding
 * on the Append, naming that condition, instead of one per partition. */
#include "cond.h"

static const pl_rule_param params[] = {
    { "min_partitions", 3, "report an Append that scanned at least this many partitions" },
    { "min_empty_share", 0.5, "of which at least this share returned no row" },
    { "min_rows", 10000, "and whose Filters removed at least this many rows in all" },
};

/* The child's condition with its own qualifier taken off ("events_1.occurred_at" ->
 * "occurred_at"), so that the children can be compared and the text shown once. */
static const char *unqualified(pl_check *c, const planlint_node *n, const char *cond)
{
    const char *alias = n->fields[PLANLINT_FIELD_ALIAS] ? n->fields[PLANLINT_FIELD_ALIAS]
                                                         : n->fields[PLANLINT_FIELD_RELATION];
    const char *out = "", *at;
    size_t al = alias ? strlen(alias) : 0;

    if (!alias)
        return cond;
    while ((at = strstr(cond, alias)) != NULL) {
        int word = (at == cond || !(at[-1] == '_' || at[-1] == '.' || (at[-1] >= 'a' && at[-1] <= 'z') ||
                                   (at[-1] >= '0' && at[-1] <= '9'))) && at[al] == '.';

        out = pl_fmt_text(c, "%s%.*s", out, (int)(at - cond) + (word ? 0 : (int)al + 1), cond);
        cond = at + al + 1;
        if (!at[al])
            return out;
    }
    return pl_fmt_text(c, "%s%s", out, cond);
}

/* The first function call in cond ("date_trunc" of "date_trunc('month'::text, ...)"),
 * outside string literals, or NULL. */
static const char *first_call(pl_check *c, const char *cond)
{
    const char *s = cond, *start = NULL;

    for (; *s; s++) {
        if (*s == '\'') {
            while (s[1] && s[1] != '\'')
                s++;
            s += s[1] ? 1 : 0;
            start = NULL;
        } else if (*s == '_' || (*s >= 'a' && *s <= 'z')) {
            if (!start)
                start = s;
        } else if (*s == '(' && start) {
            return pl_fmt_text(c, "%.*s", (int)(s - start), start);
        } else if (!(*s >= '0' && *s <= '9')) {
            start = NULL;
        }
    }
    return NULL;
}

/* Why pruning could not use cond, as far as its text shows. */
static const char *reason(pl_check *c, const char *cond)
{
    static const char *const volatile_fns[] = { "clock_timestamp()", "random()", "timeofday()" };
    const char *fn;
    size_t i;

    for (i = 0; i < sizeof(volatile_fns) / sizeof(volatile_fns[0]); i++)
        if (strstr(cond, volatile_fns[i]))
            return pl_fmt_text(c, "it compares with %s, a volatile function: its value is known neither when "
                                  "the query is planned nor when it starts, so no partition can be skipped. "
                                  "Compute the value once: a literal or parameter from the application, or "
                                  "now() / current_timestamp (stable: pruned when the executor starts)",
                               volatile_fns[i]);
    if (strstr(cond, ")::"))
        return "a column is cast before the comparison (a type mismatch, or ::date on a timestamp): pruning "
               "compares the bare partition key only. Compare the bare column with values of its own type, "
               "as a range where needed: col >= '2024-03-15' AND col < '2024-03-16'";
    if ((fn = first_call(c, cond)) != NULL)
        return pl_fmt_text(c, "a function (%s) is applied to the column: pruning compares the bare partition key "
                              "only. Rewrite the condition as a range on the bare column: col >= '2024-03-01' AND "
                              "col < '2024-04-01' instead of date_trunc('month', col) = '2024-03-01'", fn);
    return "it does not compare the partition key itself (bare, of its own type) with a value known when the "
           "query starts, by =, <, <=, >, >= or IN; or the key is not in it at all";
}

static int is_scan(const planlint_node *n)
{
    return n->fields[PLANLINT_FIELD_RELATION] && n->fields[PLANLINT_FIELD_FILTER];
}

static void report(pl_check *c, const planlint_node *app, const char *cond, size_t scanned, size_t empty,
                   double removed)
{
    pl_finding *f = pl_finding_new(c, app, app->m[PLANLINT_M_INCLUSIVE_TIME]);

    pl_finding_message(f, "%s scanned %zu partitions and %zu of them returned no row (%s rows removed in all): "
                          "the condition %s did not prune them",
                       pl_node_label(c, app), scanned, empty, pl_fmt_count(c, removed), cond);
    pl_finding_advice(f, "If the condition is on the partition key, pruning could not use it: %s. Then EXPLAIN "
                         "again: only the partitions that can hold matching rows should be left under the "
                         "Append (or none, with a single partition).", reason(c, cond));
    pl_finding_evidence(f, "partitions_scanned", (double)scanned);
    pl_finding_evidence(f, "partitions_empty", (double)empty);
    pl_finding_evidence(f, "rows_removed", removed);
}

static void check_append(pl_check *c, const planlint_node *app)
{
    const char *cond = NULL;
    size_t i, scanned = 0, empty = 0;
    double removed = 0;

    for (i = 0; i < app->nchildren; i++) {
        const planlint_node *ch = app->children[i];
        const char *u;

        if (!is_scan(ch))
            return;   /* not a plain Append of partition scans */
        u = unqualified(c, ch, ch->fields[PLANLINT_FIELD_FILTER]);
        if (cond && strcmp(cond, u) != 0)
            return;   /* different conditions: a UNION ALL of queries, not one table's partitions */
        cond = u;
        if (ch->never_executed || !(ch->m[PLANLINT_M_ACTUAL_LOOPS] > 0))
            continue;
        scanned++;
        empty += ch->m[PLANLINT_M_TOTAL_ROWS] == 0;
        removed += pl_nz(ch->m[PLANLINT_M_ROWS_REMOVED_FILTER]) * ch->m[PLANLINT_M_ACTUAL_LOOPS];
    }
    if (cond && (double)scanned >= pl_param(c, "min_partitions") &&
        (double)empty >= pl_param(c, "min_empty_share") * (double)scanned && removed >= pl_param(c, "min_rows"))
        report(c, app, cond, scanned, empty, removed);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++)
        if (pl_node_is(p->nodes[i], "Append") || pl_node_is(p->nodes[i], "Merge Append"))
            check_append(c, p->nodes[i]);
}

const planlint_rule pl_rule_append_not_pruned = {
    "PL027", "append-not-pruned", "partitions", PLANLINT_SEVERITY_WARNING,
    "An Append scanned every partition though most held no matching row: the condition did not prune",
    "A query on a partitioned table reads only the partitions its condition can match when the "
    "condition compares the partition key itself with a value known at planning time (pruned "
    "by the planner) or when execution starts (a parameter or a stable function such as now(): "
    "pruned at run time, shown as Subplans Removed). Otherwise every partition is scanned and "
    "each applies the condition as a Filter, most of them for nothing. The usual causes: a "
    "function on the key (date_trunc('month', key) = ...), a cast of the key (key::date = ..., "
    "or a comparison with a value of another type that makes PostgreSQL cast the column), a "
    "volatile value (clock_timestamp(), random()), or no condition on the key at all.\n\n"
    "Fix: compare the bare partition key with values of its own type, as a range where needed "
    "(key >= '2024-03-01' AND key < '2024-04-01'), and compute volatile values once in the "
    "application. Then EXPLAIN again: the Append should list only the partitions that can match.",
    params, PL_NPARAMS(params), check
};
