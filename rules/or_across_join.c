/* or_across_join.c - PL025: an OR whose branches test different tables of a join can
 * only be checked after the join; a UNION lets each branch filter its own table first. */
#include "cond.h"

#define PL_MAX_BRANCHES 8
#define PL_MAX_QUALS 8

static const pl_rule_param params[] = {
    { "min_rows", 10000, "ignore joins whose condition removed fewer rows than this, over all loops" },
    { "min_removed_ratio", 0.5, "report when the OR condition removed at least this share of the joined rows" },
};

typedef struct quals {
    const char *name[PL_MAX_QUALS];
    size_t n;
} quals;

/* The qualifiers of the columns a branch names ("o" of o.status), outside string
 * literals: identifiers followed by a dot. */
static void branch_quals(pl_check *c, pl_span b, quals *q)
{
    size_t i = 0, j, k;

    q->n = 0;
    while (i < b.n) {
        if (b.s[i] == '\'') {
            for (i++; i < b.n && b.s[i] != '\''; i++)
                ;
            i++;
            continue;
        }
        for (j = i; j < b.n && (b.s[j] == '_' || b.s[j] == '"' || (b.s[j] >= 'a' && b.s[j] <= 'z') ||
                                (b.s[j] >= 'A' && b.s[j] <= 'Z') || (j > i && b.s[j] >= '0' && b.s[j] <= '9'));
             j++)
            ;
        if (j > i && j < b.n && b.s[j] == '.' && (i == 0 || b.s[i - 1] != '.') && q->n < PL_MAX_QUALS) {
            const char *name = pl_fmt_unquote(c, b.s + i, j - i);

            for (k = 0; name && k < q->n && strcmp(q->name[k], name) != 0; k++)
                ;
            if (name && k == q->n)
                q->name[q->n++] = name;
        }
        i = j > i ? j : i + 1;
    }
}

static int disjoint(const quals *a, const quals *b)
{
    size_t i, j;

    if (a->n == 0 || b->n == 0)
        return 0;
    for (i = 0; i < a->n; i++)
        for (j = 0; j < b->n; j++)
            if (strcmp(a->name[i], b->name[j]) == 0)
                return 0;
    return 1;
}

/* Two branches of cond that test different tables, or 0. */
static int across(pl_check *c, const char *cond, pl_span *first, pl_span *second)
{
    pl_span br[PL_MAX_BRANCHES];
    quals q[PL_MAX_BRANCHES];
    size_t n = pl_cond_split(cond, strlen(cond), " OR ", br, PL_MAX_BRANCHES), i, j;

    for (i = 0; i < n; i++)
        branch_quals(c, br[i], &q[i]);
    for (i = 0; i < n; i++)
        for (j = i + 1; j < n; j++)
            if (disjoint(&q[i], &q[j])) {
                *first = br[i], *second = br[j];
                return 1;
            }
    return 0;
}

static void report(pl_check *c, const planlint_node *n, const char *what, pl_span a, pl_span b, double removed,
                   double ratio)
{
    pl_finding *f = pl_finding_new(c, n, n->m[PLANLINT_M_INCLUSIVE_TIME]);

    pl_finding_message(f, "%s tests an OR across the joined tables in its %s (%.*s OR %.*s): it removed %s "
                          "joined rows (%s), because no branch can be checked before the join",
                       pl_node_label(c, n), what, (int)a.n, a.s, (int)b.n, b.s, pl_fmt_count(c, removed),
                       pl_fmt_pct(c, ratio));
    pl_finding_advice(f, "Rewrite the query as a UNION of one query per branch: the same SELECT and joins, "
                         "once with WHERE %.*s and once with WHERE %.*s. Each part then filters its own "
                         "table before the join (through an index when there is one) instead of joining "
                         "everything first. UNION removes the rows both parts return; UNION ALL is cheaper "
                         "but returns a row twice when it satisfies both branches, unless the second part "
                         "excludes the first: AND (%.*s) IS NOT TRUE.",
                      (int)a.n, a.s, (int)b.n, b.s, (int)a.n, a.s);
    pl_finding_evidence(f, "rows_removed", removed);
    pl_finding_evidence(f, "rows_removed_ratio", ratio);
}

static void check_cond(pl_check *c, const planlint_node *n, const char *cond, const char *what, double removed)
{
    double kept = n->m[PLANLINT_M_TOTAL_ROWS], ratio;
    pl_span a, b;

    removed *= n->m[PLANLINT_M_ACTUAL_LOOPS];
    ratio = removed / (removed + kept);
    if (!cond || !(removed >= pl_param(c, "min_rows")) || !(ratio >= pl_param(c, "min_removed_ratio")))
        return;
    if (across(c, cond, &a, &b))
        report(c, n, what, a, b, removed, ratio);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];

        if (!pl_node_is(n, "Nested Loop") && !pl_node_is(n, "Hash Join") && !pl_node_is(n, "Merge Join"))
            continue;
        check_cond(c, n, n->fields[PLANLINT_FIELD_JOIN_FILTER], "Join Filter", n->m[PLANLINT_M_ROWS_REMOVED_JOIN_FILTER]);
        check_cond(c, n, n->fields[PLANLINT_FIELD_FILTER], "Filter", n->m[PLANLINT_M_ROWS_REMOVED_FILTER]);
    }
}

const planlint_rule pl_rule_or_across_join = {
    "PL025", "or-across-join", "sql", PLANLINT_SEVERITY_WARNING,
    "An OR between conditions on different tables of a join is only checked after the join",
    "WHERE a.x = 1 OR b.y = 2, with a and b joined, holds for a row of a only in combination with "
    "a row of b: neither table can be filtered on its own, so the join produces every pair first "
    "and the OR (a Join Filter, or a Filter above an outer join) throws most of them away. "
    "Indexes on a.x and b.y cannot help.\n\n"
    "Fix: rewrite as a UNION of one query per branch, each with one side of the OR in its WHERE: "
    "SELECT ... FROM a JOIN b ON ... WHERE a.x = 1 UNION SELECT ... FROM a JOIN b ON ... WHERE "
    "b.y = 2. Each part filters its own table before the join, through an index when there is "
    "one. UNION removes duplicates (the rows satisfying both branches, but also duplicates the "
    "original query would have kept); UNION ALL keeps every row, so add AND (a.x = 1) IS NOT TRUE "
    "to the second part to return each row once.",
    params, PL_NPARAMS(params), check
};
