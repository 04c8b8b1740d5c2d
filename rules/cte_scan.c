/* cte_scan.c - PL013: a materialized CTE filtered after the fact, or rescanned many times. */
#include "rule.h"

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
    const planlint_node *def;       /* the CTE's subplan ("Subplan Name": "CTE x") */
    size_t nscans;                  /* CTE Scans of that name */
    const planlint_node *unfiltered; /* one scan reading it without a Filter, if any */
} cte_info;

static cte_info find_cte(const planlint_plan *p, const char *name)
{
    cte_info ci = { NULL, 0, NULL };
    size_t i, len = strlen(name);

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        const char *sub = n->fields[PLANLINT_FIELD_SUBPLAN], *cte = n->fields[PLANLINT_FIELD_CTE];

        if (sub && strncmp(sub, "CTE ", 4) == 0 && strlen(sub + 4) == len && strcmp(sub + 4, name) == 0)
            ci.def = n;
        if (n->kind == PL_KIND_CTE_SCAN && cte && strcmp(cte, name) == 0) {
            ci.nscans++;
            if (!n->fields[PLANLINT_FIELD_FILTER])
                ci.unfiltered = n;
        }
    }
    return ci;
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
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        double ratio = n->m[PLANLINT_M_ROWS_REMOVED_RATIO];
        double removed = n->m[PLANLINT_M_ROWS_REMOVED_FILTER] * n->m[PLANLINT_M_ACTUAL_LOOPS];
        cte_info ci;

        if (n->kind != PL_KIND_CTE_SCAN || !n->fields[PLANLINT_FIELD_CTE] || n->never_executed)
            continue;
        ci = find_cte(p, n->fields[PLANLINT_FIELD_CTE]);
        /* A recursive CTE cannot be inlined: nothing to suggest. */
        if (ci.def && pl_node_is(ci.def, "Recursive Union"))
            continue;
        if (n->fields[PLANLINT_FIELD_FILTER] && !isnan(ratio) && ratio >= pl_param(c, "min_removed_ratio") &&
            removed >= pl_param(c, "min_removed_rows"))
            report_filter(c, n, &ci, ratio);
        else if (n->m[PLANLINT_M_ACTUAL_LOOPS] >= pl_param(c, "min_loops"))
            report_loops(c, n);
    }
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
