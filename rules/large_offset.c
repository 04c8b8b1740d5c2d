/* large_offset.c - PL016: a Limit that threw away many rows (a large OFFSET). */
#include "rule.h"

static const pl_rule_param params[] = {
    { "min_discarded", 10000,
      "report a Limit whose input produced at least this many more rows than it returned (over all loops)" },
};

/* The Limit's input: its only plan child that is not an InitPlan. */
static const planlint_node *input_of(const planlint_node *limit)
{
    size_t i;

    for (i = 0; i < limit->nchildren; i++) {
        const char *rel = limit->children[i]->fields[PLANLINT_FIELD_PARENT_RELATIONSHIP];
        if (!rel || strcmp(rel, "InitPlan") != 0)
            return limit->children[i];
    }
    return NULL;
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i], *in;
        double returned = n->m[PLANLINT_M_TOTAL_ROWS], read, discarded;
        pl_finding *f;

        if (!pl_node_is(n, "Limit") || !(in = input_of(n)) || isnan(returned))
            continue;
        /* A Limit stops pulling once it has its rows, so without OFFSET its input returns no more
         * than the Limit did: whatever it read beyond that was skipped by OFFSET. */
        read = in->m[PLANLINT_M_TOTAL_ROWS];
        discarded = read - returned;
        if (isnan(read) || discarded < pl_param(c, "min_discarded") || discarded <= 0)
            continue;
        /* Keyset pagination reads only the returned rows: the rest of the input's time is at stake. */
        f = pl_finding_new(c, n, n->m[PLANLINT_M_INCLUSIVE_TIME] * discarded / read);
        pl_finding_message(f, "%s read %s rows from %s to return %s: OFFSET skipped %s of them",
                           pl_node_label(c, n), pl_fmt_count(c, read), pl_node_label(c, in),
                           pl_fmt_count(c, returned), pl_fmt_count(c, discarded));
        pl_finding_advice(f, "OFFSET still produces every skipped row, so each page costs more than the "
                             "one before. Use keyset pagination: remember the sort key of the last row "
                             "shown and ask for the next page with WHERE (sort_key, id) > (last_sort_key, "
                             "last_id) ORDER BY sort_key, id LIMIT n, with an index on (sort_key, id) so "
                             "the scan starts at the right place.");
        pl_finding_evidence(f, "rows_read", read);
        pl_finding_evidence(f, "rows_returned", returned);
        pl_finding_evidence(f, "rows_discarded", discarded);
    }
}

const planlint_rule pl_rule_large_offset = {
    "PL016", "large-offset", "sql", PLANLINT_SEVERITY_WARNING,
    "A Limit discarded many rows of its input: a large OFFSET",
    "LIMIT n OFFSET k makes the input produce k + n rows and throws the first k away: the work "
    "grows with the page number, so deep pages of a paginated list get slower and slower. The "
    "plan shows it as a Limit whose input returned many more rows than the Limit did (a Limit "
    "without OFFSET stops pulling once it has its rows).\n\n"
    "Fix: keyset (seek) pagination. Keep the sort key of the last row of the page and fetch the "
    "next one with WHERE (sort_key, id) > (:last_sort_key, :last_id) ORDER BY sort_key, id "
    "LIMIT n, backed by an index on (sort_key, id): every page then costs the same. If random "
    "page access is really needed, cap the page number or precompute page boundaries.",
    params, PL_NPARAMS(params), check
};
