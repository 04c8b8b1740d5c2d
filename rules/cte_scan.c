/* cte_scan.c - PL013: a materialized CTE filtered after the fact, or rescanned many times. */
#include "rule.h"
#include "alloc.h"

#include <stdlib.h>

static const pl_rule_param params[] = {
    { "min_removed_ratio", 0.9,
      "report a CTE Scan whose Filter discards at least this share of the CTE's rows "
      "(the predicate could have been applied inside the CTE)" },
    { "min_removed_rows", 1000, "and at least this many rows in all loops" },
    { "min_loops", 1000,
      "report a CTE Scan rescanned at least this many times (each rescan reads the whole "
      "tuplestore: there is no index on a CTE)" },
};

typedef struct cte_info {
    const char *name;
    size_t order;                   /* preorder position of the node it came from */
    const planlint_node *def;       /* the CTE's subplan ("Subplan Name": "CTE x") */
    size_t nscans;                  /* CTE Scans of that name */
    const planlint_node *unfiltered; /* one scan reading it without a Filter, if any */
} cte_info;

/* Every CTE name of the plan, sorted, with what the findings say about it. Built at most
 * once per run, at the first scan worth reporting: a plan over thousands of partitions
 * can hold thousands of CTE Scans, and a walk of the whole plan for each was quadratic. */
typedef struct cte_table {
    cte_info *v;
    size_t n;
    int built;
} cte_table;

static const char *def_name(const planlint_node *n)
{
    const char *sub = n->fields[PLANLINT_FIELD_SUBPLAN];

    return sub && strncmp(sub, "CTE ", 4) == 0 ? sub + 4 : NULL;
}

static const char *scan_name(const planlint_node *n)
{
    return n->kind == PL_KIND_CTE_SCAN ? n->fields[PLANLINT_FIELD_CTE] : NULL;
}

static int by_name_then_order(const void *a, const void *b)
{
    const cte_info *x = a, *y = b;
    int d = strcmp(x->name, y->name);

    return d ? d : (x->order > y->order) - (x->order < y->order);
}

static int name_cmp(const void *name, const void *entry)
{
    return strcmp(name, ((const cte_info *)entry)->name);
}

static void add_ref(cte_table *t, const char *name, size_t order, const planlint_node *def,
                    const planlint_node *scan)
{
    cte_info *e = &t->v[t->n++];

    e->name = name;
    e->order = order;
    e->def = def;
    e->nscans = scan != NULL;
    e->unfiltered = scan && !scan->fields[PLANLINT_FIELD_FILTER] ? scan : NULL;
}

/* One entry per definition or scan, sorted by name and plan order, then folded into one
 * per name: the last definition, the scan count, the last scan without a Filter. */
static int build_table(const planlint_plan *p, cte_table *t)
{
    size_t i, n = 0, k;

    t->built = 1;
    for (i = 0; i < p->nnodes; i++)
        n += (def_name(p->nodes[i]) != NULL) + (scan_name(p->nodes[i]) != NULL);
    if (n == 0)
        return 0;
    if (!(t->v = pl_malloc(n * sizeof(*t->v))))
        return -1;
    for (i = 0; i < p->nnodes; i++) {
        if (def_name(p->nodes[i]))
            add_ref(t, def_name(p->nodes[i]), i, p->nodes[i], NULL);
        if (scan_name(p->nodes[i]))
            add_ref(t, scan_name(p->nodes[i]), i, NULL, p->nodes[i]);
    }
    qsort(t->v, n, sizeof(*t->v), by_name_then_order);
    for (i = 0, k = 0; i < n; i++) {
        cte_info *last = k ? &t->v[k - 1] : NULL;
        if (!last || strcmp(last->name, t->v[i].name) != 0) {
            t->v[k++] = t->v[i];
            continue;
        }
        last->def = t->v[i].def ? t->v[i].def : last->def;
        last->nscans += t->v[i].nscans;
        last->unfiltered = t->v[i].unfiltered ? t->v[i].unfiltered : last->unfiltered;
    }
    t->n = k;
    return 0;
}

/* NULL only when the table could not be built (the check then fails): the scan asking
 * is itself in it. */
static const cte_info *find_cte(pl_check *c, cte_table *t, const char *name)
{
    if (!t->built && build_table(pl_check_plan(c), t) < 0) {
        pl_check_fail(c);
        return NULL;
    }
    return t->n ? bsearch(name, t->v, t->n, sizeof(*t->v), name_cmp) : NULL;
}

/* "#0 CTE Scan on spend a" */
static const char *scan_label(pl_check *c, const planlint_node *n)
{
    const char *name = n->fields[PLANLINT_FIELD_CTE], *alias = n->fields[PLANLINT_FIELD_ALIAS];

    if (alias && strcmp(alias, name) != 0)
        return pl_fmt_text(c, "#%zu CTE Scan on %s %s", n->id, name, alias);
    return pl_fmt_text(c, "#%zu CTE Scan on %s", n->id, name);
}

static void advise_filter(pl_check *c, pl_finding *f, const planlint_node *n, const cte_info *ci)
{
    const char *name = n->fields[PLANLINT_FIELD_CTE], *filter = n->fields[PLANLINT_FIELD_FILTER];

    if (ci->unfiltered) {
        pl_finding_severity(f, PLANLINT_SEVERITY_INFO);
        pl_finding_advice(f, "%s reads %s without a filter, so the predicate cannot move into the CTE, and "
                             "inlining it (NOT MATERIALIZED) would compute it once per reference. Keep it "
                             "materialized unless the query can be rewritten to read the data once (e.g. a "
                             "window function instead of a second reference).",
                          scan_label(c, ci->unfiltered), name);
    } else if (ci->nscans == 1) {
        pl_finding_advice(f, "Let the planner push %s into the CTE: since PostgreSQL 12 a non-recursive CTE "
                             "referenced once is inlined unless it is written AS MATERIALIZED (or has side "
                             "effects / volatile functions) - remove MATERIALIZED, or on older servers move "
                             "the predicate into the CTE's WHERE clause yourself. The inner query can then "
                             "use an index for it instead of materializing every row.",
                          filter);
    } else {
        pl_finding_advice(f, "Every reference of %s is filtered: move the predicates they share into the CTE's "
                             "WHERE clause, or write it AS NOT MATERIALIZED so each reference is planned with "
                             "its own predicate (the CTE is then computed once per reference).",
                          name);
    }
}

static void report_filter(pl_check *c, const planlint_node *n, const cte_info *ci, double ratio)
{
    double loops = n->m[PLANLINT_M_ACTUAL_LOOPS];
    double removed = n->m[PLANLINT_M_ROWS_REMOVED_FILTER] * loops, kept = n->m[PLANLINT_M_TOTAL_ROWS];
    /* The scan's inclusive time holds the CTE work it triggered; the share spent on rows
     * thrown away is what pushing the predicate down could save, at most - nothing when
     * another reference needs every row anyway. */
    double stake = ci->unfiltered ? 0 : n->m[PLANLINT_M_INCLUSIVE_TIME] * ratio;
    pl_finding *f = pl_finding_new(c, n, stake);

    pl_finding_message(f, "%s kept %s of %s rows (Filter %s removed %s): the CTE was materialized in full "
                          "and filtered afterwards",
                       scan_label(c, n), pl_fmt_count(c, kept), pl_fmt_count(c, kept + removed),
                       n->fields[PLANLINT_FIELD_FILTER], pl_fmt_count(c, removed));
    advise_filter(c, f, n, ci);
    pl_finding_evidence(f, "rows_removed_ratio", ratio);
    pl_finding_evidence(f, "rows_removed", removed);
    pl_finding_evidence(f, "cte_scans", (double)ci->nscans);
    if (ci->def)
        pl_finding_evidence(f, "cte_inclusive_time_ms", ci->def->m[PLANLINT_M_INCLUSIVE_TIME]);
}

static void report_loops(pl_check *c, const planlint_node *n)
{
    pl_finding *f = pl_finding_new(c, n, n->m[PLANLINT_M_EXCLUSIVE_TIME]);

    pl_finding_message(f, "%s was rescanned %s times, reading the materialized CTE from the start each time",
                       scan_label(c, n), pl_fmt_count(c, n->m[PLANLINT_M_ACTUAL_LOOPS]));
    pl_finding_advice(f, "A CTE's tuplestore has no index, so a CTE on the inner side of a nested loop is "
                         "read in full per outer row. Inline it (remove MATERIALIZED, or AS NOT "
                         "MATERIALIZED when it is referenced more than once) so the join can use the base "
                         "tables' indexes or a hash join, or join to it in a way that reads it once.");
    pl_finding_evidence(f, "loops", n->m[PLANLINT_M_ACTUAL_LOOPS]);
    pl_finding_evidence(f, "exclusive_time_ms", n->m[PLANLINT_M_EXCLUSIVE_TIME]);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    cte_table ctes = { NULL, 0, 0 };
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        double ratio = n->m[PLANLINT_M_ROWS_REMOVED_RATIO];
        double removed = n->m[PLANLINT_M_ROWS_REMOVED_FILTER] * n->m[PLANLINT_M_ACTUAL_LOOPS];
        const cte_info *ci;
        int filtered;

        if (n->kind != PL_KIND_CTE_SCAN || !n->fields[PLANLINT_FIELD_CTE] || n->never_executed)
            continue;
        filtered = n->fields[PLANLINT_FIELD_FILTER] && !isnan(ratio) &&
                   ratio >= pl_param(c, "min_removed_ratio") && removed >= pl_param(c, "min_removed_rows");
        if (!filtered && !(n->m[PLANLINT_M_ACTUAL_LOOPS] >= pl_param(c, "min_loops")))
            continue;
        if (!(ci = find_cte(c, &ctes, n->fields[PLANLINT_FIELD_CTE])))
            break;
        /* A recursive CTE cannot be inlined: nothing to suggest. */
        if (ci->def && pl_node_is(ci->def, "Recursive Union"))
            continue;
        if (filtered)
            report_filter(c, n, ci, ratio);
        else
            report_loops(c, n);
    }
    pl_free(ctes.v);
}

const planlint_rule pl_rule_cte_scan = {
    "PL013", "cte-scan", "subqueries", PLANLINT_SEVERITY_WARNING,
    "A materialized CTE was filtered after the fact, or rescanned many times",
    "A materialized CTE (WITH x AS MATERIALIZED, any CTE before PostgreSQL 12, or one "
    "referenced several times) is computed in full into a tuplestore; its CTE Scans read that "
    "store. A predicate on the CTE Scan (Filter, Rows Removed by Filter) is applied only "
    "afterwards, so every discarded row was still computed and stored, and no index on the "
    "underlying table could serve it. A CTE Scan rescanned per outer row reads the whole store "
    "each time.\n\n"
    "Fix: let the planner inline the CTE - since PostgreSQL 12 a non-recursive, side-effect-free "
    "CTE referenced once is inlined unless written AS MATERIALIZED; AS NOT MATERIALIZED forces "
    "it for several references - or move the predicate into the CTE yourself. When another "
    "reference reads the CTE unfiltered, materializing may be right: the finding is then only "
    "informational. Recursive CTEs are not reported.",
    params, PL_NPARAMS(params), check
};
