/* derive.c - the numbers EXPLAIN does not print: inclusive and exclusive time and
 * buffers with loops, parallel workers, CTE scans and InitPlans accounted for.
 * docs/derived-numbers.md writes down every formula used here. */
#include "model.h"
#include "alloc.h"
#include "error.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

/* Inclusive quantity -> the exclusive metric derived from it. */
static const struct {
    planlint_metric incl, excl;
} pl_excl_pairs[] = {
    { PLANLINT_M_INCLUSIVE_TIME, PLANLINT_M_EXCLUSIVE_TIME },
    { PLANLINT_M_SHARED_HIT, PLANLINT_M_EXCL_SHARED_HIT },
    { PLANLINT_M_SHARED_READ, PLANLINT_M_EXCL_SHARED_READ },
    { PLANLINT_M_SHARED_DIRTIED, PLANLINT_M_EXCL_SHARED_DIRTIED },
    { PLANLINT_M_SHARED_WRITTEN, PLANLINT_M_EXCL_SHARED_WRITTEN },
    { PLANLINT_M_LOCAL_HIT, PLANLINT_M_EXCL_LOCAL_HIT },
    { PLANLINT_M_LOCAL_READ, PLANLINT_M_EXCL_LOCAL_READ },
    { PLANLINT_M_LOCAL_DIRTIED, PLANLINT_M_EXCL_LOCAL_DIRTIED },
    { PLANLINT_M_LOCAL_WRITTEN, PLANLINT_M_EXCL_LOCAL_WRITTEN },
    { PLANLINT_M_TEMP_READ, PLANLINT_M_EXCL_TEMP_READ },
    { PLANLINT_M_TEMP_WRITTEN, PLANLINT_M_EXCL_TEMP_WRITTEN },
    { PLANLINT_M_IO_READ_TIME, PLANLINT_M_EXCL_IO_READ_TIME },
    { PLANLINT_M_IO_WRITE_TIME, PLANLINT_M_EXCL_IO_WRITE_TIME },
    { PLANLINT_M_TEMP_IO_READ_TIME, PLANLINT_M_EXCL_TEMP_IO_READ_TIME },
    { PLANLINT_M_TEMP_IO_WRITE_TIME, PLANLINT_M_EXCL_TEMP_IO_WRITE_TIME },
    { PLANLINT_M_WAL_RECORDS, PLANLINT_M_EXCL_WAL_RECORDS },
    { PLANLINT_M_WAL_FPI, PLANLINT_M_EXCL_WAL_FPI },
    { PLANLINT_M_WAL_BYTES, PLANLINT_M_EXCL_WAL_BYTES },
};
#define PL_NPAIRS (sizeof(pl_excl_pairs) / sizeof(pl_excl_pairs[0]))

/* Scratch space for one plan's derivation. */
typedef struct pl_derive {
    planlint_plan *plan;
    size_t *subtree;      /* nodes in the subtree of node i, itself included */
    double *extra;        /* [node * PL_NPAIRS + pair]: consumed InitPlan / CTE work */
} pl_derive;

static double pl_nz(double d)
{
    return isnan(d) ? 0 : d;
}

static int pl_is_initplan(const planlint_node *n)
{
    const char *rel = n->fields[PLANLINT_FIELD_PARENT_RELATIONSHIP];
    return rel && strcmp(rel, "InitPlan") == 0;
}

static const char *pl_cte_name(const planlint_node *n)
{
    const char *sub = n->fields[PLANLINT_FIELD_SUBPLAN];
    return pl_is_initplan(n) && sub && strncmp(sub, "CTE ", 4) == 0 ? sub + 4 : NULL;
}

static void pl_classify(planlint_node *n)
{
    const char *type = n->fields[PLANLINT_FIELD_NODE_TYPE];

    if (strcmp(type, "Gather") == 0 || strcmp(type, "Gather Merge") == 0)
        n->kind = PL_KIND_GATHER;
    else if (strcmp(type, "CTE Scan") == 0)
        n->kind = PL_KIND_CTE_SCAN;
    else if (strcmp(type, "WorkTable Scan") == 0)
        n->kind = PL_KIND_WORKTABLE_SCAN;
    n->never_executed = n->m[PLANLINT_M_ACTUAL_LOOPS] == 0;
}

/* Processes that shared the work below a Gather: the workers it launched plus the
 * leader. Every node under the Gather is divided by the same number, even one that
 * ran in a single process (a Parallel Append member): only then does a parent's
 * share stay at least the sum of its children's. */
static double pl_parallel_divisor(const planlint_node *n)
{
    const planlint_node *g;
    double workers;

    for (g = n->parent; g && g->kind != PL_KIND_GATHER; g = g->parent)
        ;
    if (!g)
        return 1;
    workers = g->m[PLANLINT_M_WORKERS_LAUNCHED];
    if (isnan(workers))
        workers = pl_nz(g->m[PLANLINT_M_WORKERS_PLANNED]);
    return workers >= 0 && workers < 1e6 ? workers + 1 : 1;
}

static void pl_derive_inclusive(planlint_node *n)
{
    double loops = n->m[PLANLINT_M_ACTUAL_LOOPS], t = n->m[PLANLINT_M_ACTUAL_TOTAL_TIME];

    n->m[PLANLINT_M_PARALLEL_DIVISOR] = pl_parallel_divisor(n);
    if (isnan(loops))
        return;
    n->m[PLANLINT_M_TOTAL_ROWS] = pl_nz(n->m[PLANLINT_M_ACTUAL_ROWS]) * loops;
    if (n->never_executed)
        n->m[PLANLINT_M_INCLUSIVE_TIME] = 0;
    else if (!isnan(t))
        n->m[PLANLINT_M_INCLUSIVE_TIME] = t * loops / n->m[PLANLINT_M_PARALLEL_DIVISOR];
}

static void pl_derive_estimate(planlint_node *n)
{
    double a = n->m[PLANLINT_M_ACTUAL_ROWS], p = n->m[PLANLINT_M_PLAN_ROWS];
    double rf = n->m[PLANLINT_M_ROWS_REMOVED_FILTER];

    if (isnan(rf))
        rf = n->m[PLANLINT_M_ROWS_REMOVED_JOIN_FILTER];
    if (!isnan(rf) && !isnan(a) && rf + a > 0)
        n->m[PLANLINT_M_ROWS_REMOVED_RATIO] = rf / (rf + a);
    if (isnan(a) || isnan(p) || n->never_executed)
        return;
    /* The planner never estimates fewer than one row; floor both sides at one so
     * fractional averages (PostgreSQL 18) do not read as huge misestimates. */
    a = a < 1 ? 1 : a;
    p = p < 1 ? 1 : p;
    n->m[PLANLINT_M_ESTIMATE_FACTOR] = a > p ? a / p : p / a;
    n->m[PLANLINT_M_ESTIMATE_DIRECTION] = a > p ? 1 : (a < p ? -1 : 0);
}

static double pl_incl(const planlint_node *n, size_t pair)
{
    return n->m[pl_excl_pairs[pair].incl];
}

/* ------------------------------------------------------------ InitPlan consumers */

/* Does s mention the parameter "$k" (not "$k0") or "(InitPlan k)"? */
static int pl_text_mentions(const char *s, const char *needle, int is_dollar)
{
    size_t nl = strlen(needle);
    const char *p = s;

    while ((p = strstr(p, needle)) != NULL) {
        if (!is_dollar || !(p[nl] >= '0' && p[nl] <= '9'))
            return 1;
        p += nl;
    }
    return 0;
}

static int pl_value_mentions(const planlint_value *v, const char *needle, int is_dollar)
{
    size_t i;

    if (v->type == PLANLINT_VALUE_STRING)
        return pl_text_mentions(v->string, needle, is_dollar);
    if (v->type == PLANLINT_VALUE_ARRAY)
        for (i = 0; i < v->size; i++)
            if (v->items[i].type == PLANLINT_VALUE_STRING &&
                pl_text_mentions(v->items[i].string, needle, is_dollar))
                return 1;
    return 0;
}

/* 2 when the node evaluates one of the parameters for workers ("Params Evaluated"),
 * 1 when one of its expressions mentions one, 0 otherwise. */
static int pl_node_mentions(const planlint_node *n, char needles[][32], size_t nn)
{
    const planlint_value *o = n->obj;
    int found = 0;
    size_t i, k;

    for (i = 0; i < o->size; i++) {
        const char *key = o->keys[i];
        if (strcmp(key, "Plans") == 0 || strcmp(key, "Workers") == 0 || strcmp(key, "Subplan Name") == 0)
            continue;
        for (k = 0; k < nn; k++)
            if (pl_value_mentions(&o->items[i], needles[k], needles[k][0] == '$')) {
                if (strcmp(key, "Params Evaluated") == 0)
                    return 2;
                found = 1;
                break;
            }
    }
    return found;
}

/* Fills needles with what refers to an InitPlan's output: "$0", "$1", ... from
 * "InitPlan 1 (returns $0,$1)" (up to PostgreSQL 16) and "(InitPlan 1)" (17+). */
static size_t pl_initplan_needles(const char *name, char needles[][32], size_t max)
{
    const char *p = strstr(name, "returns ");
    size_t n = 0, len;

    if (strncmp(name, "InitPlan ", 9) == 0) {
        len = strcspn(name + 9, " ");
        if (len < 20) {
            needles[n][0] = '(';
            memcpy(needles[n] + 1, name, 9 + len);
            memcpy(needles[n] + 10 + len, ")", 2);
            n++;
        }
    }
    while (p && n < max && (p = strchr(p, '$')) != NULL) {
        len = 1 + strspn(p + 1, "0123456789");
        if (len > 1 && len < 30) {
            memcpy(needles[n], p, len);
            needles[n][len] = '\0';
            n++;
        }
        p += len;
    }
    return n;
}

/* The node that pays for InitPlan ip attached to node a: a Gather that evaluates
 * its parameter for the workers, else the deepest node that mentions it, else a. */
static size_t pl_initplan_consumer(const pl_derive *d, size_t a, size_t ip)
{
    planlint_node **nodes = d->plan->nodes;
    const char *name = nodes[ip]->fields[PLANLINT_FIELD_SUBPLAN];
    char needles[8][32];
    size_t nn, i, best = a, end = a + d->subtree[a];
    unsigned int best_depth = 0;

    if (!name || (nn = pl_initplan_needles(name, needles, 8)) == 0)
        return a;
    for (i = a; i < end; i++) {
        int how;
        if (i == ip) {
            i += d->subtree[ip] - 1;
            continue;
        }
        how = pl_node_mentions(nodes[i], needles, nn);
        if (how == 2)
            return i;
        if (how == 1 && (best == a || nodes[i]->depth > best_depth)) {
            best = i;
            best_depth = nodes[i]->depth;
        }
    }
    return best;
}

/* ------------------------------------------------------------ CTE consumers */

static int pl_scans_cte(const planlint_node *n, const char *cte)
{
    return n->kind == PL_KIND_CTE_SCAN && n->fields[PLANLINT_FIELD_CTE] &&
           strcmp(n->fields[PLANLINT_FIELD_CTE], cte) == 0;
}

/* What a node spent itself: its inclusive amount less its children's (InitPlans
 * aside) and less the InitPlan and CTE work charged to it so far. */
static double pl_own(const pl_derive *d, const planlint_node *n, size_t pair)
{
    double x = pl_nz(pl_incl(n, pair));
    size_t c;

    for (c = 0; c < n->nchildren; c++)
        if (!pl_is_initplan(n->children[c]))
            x -= pl_nz(pl_incl(n->children[c], pair));
    x -= d->extra[n->id * PL_NPAIRS + pair];
    return x > 0 ? x : 0;
}

/* The CTE's work is charged to the scans that ran it. The scan that pulled the rows
 * first ran the CTE; later scans only reread its tuplestore. Which one came first
 * is not in the plan, so the scans are charged greedily, the largest own amount
 * first: the one that ran the CTE is the one whose time holds it. */
static void pl_charge_cte_pair(pl_derive *d, size_t a, size_t ip, size_t pair, const size_t *scans,
                               size_t n, double *pre)
{
    double work = pl_nz(pl_incl(d->plan->nodes[ip], pair)), take;
    size_t k;

    if (work <= 0)
        return;
    for (k = 0; k < n; k++)
        pre[k] = pl_own(d, d->plan->nodes[scans[k]], pair);
    if (n == 0) {
        d->extra[a * PL_NPAIRS + pair] += work;
        return;
    }
    while (work > 0) {
        size_t best = n;
        for (k = 0; k < n; k++)
            if (pre[k] > 0 && (best == n || pre[k] > pre[best]))
                best = k;
        if (best == n)
            break;
        take = pre[best] < work ? pre[best] : work;
        d->extra[scans[best] * PL_NPAIRS + pair] += take;
        work -= take;
        pre[best] = 0;
    }
}

static int pl_charge_cte(pl_derive *d, size_t a, size_t ip, const char *cte)
{
    size_t pair, i, n = 0, end = a + d->subtree[a], *scans = pl_malloc(d->subtree[a] * sizeof(*scans));
    double *pre = pl_malloc(d->subtree[a] * sizeof(*pre));

    if (!scans || !pre) {
        pl_free(scans);
        pl_free(pre);
        return -1;
    }
    for (i = a; i < end; i++)
        if (pl_scans_cte(d->plan->nodes[i], cte))
            scans[n++] = i;
    for (pair = 0; pair < PL_NPAIRS; pair++)
        pl_charge_cte_pair(d, a, ip, pair, scans, n, pre);
    pl_free(scans);
    pl_free(pre);
    return 0;
}

/* InitPlans first, then CTEs: a scan's own amount must already exclude the
 * InitPlans it consumed before CTE work is weighed against it. */
static int pl_charge_initplans(pl_derive *d, int ctes)
{
    planlint_plan *plan = d->plan;
    size_t i, c, pair;

    for (i = 0; i < plan->nnodes; i++) {
        planlint_node *a = plan->nodes[i];
        for (c = 0; c < a->nchildren; c++) {
            planlint_node *ip = a->children[c];
            const char *cte = pl_is_initplan(ip) ? pl_cte_name(ip) : NULL;
            size_t consumer;

            if (!pl_is_initplan(ip) || (ctes != (cte != NULL)))
                continue;
            if (cte) {
                if (pl_charge_cte(d, i, ip->id, cte) < 0)
                    return -1;
                continue;
            }
            consumer = pl_initplan_consumer(d, i, ip->id);
            for (pair = 0; pair < PL_NPAIRS; pair++)
                d->extra[consumer * PL_NPAIRS + pair] += pl_nz(pl_incl(ip, pair));
        }
    }
    return 0;
}

/* ------------------------------------------------------------ exclusive numbers */

static void pl_derive_exclusive(pl_derive *d, planlint_node *n)
{
    size_t pair;

    for (pair = 0; pair < PL_NPAIRS; pair++)
        if (!isnan(pl_incl(n, pair)))
            n->m[pl_excl_pairs[pair].excl] = pl_own(d, n, pair);
}

static void pl_derive_total(planlint_plan *plan)
{
    double total = plan->pm[PLANLINT_PLAN_EXECUTION_TIME];
    size_t i;

    if (isnan(total) || total <= 0)
        total = plan->root->m[PLANLINT_M_INCLUSIVE_TIME];
    plan->pm[PLANLINT_PLAN_TOTAL_TIME] = total;
    if (isnan(total) || total <= 0)
        return;
    for (i = 0; i < plan->nnodes; i++) {
        planlint_node *n = plan->nodes[i];
        n->m[PLANLINT_M_EXCLUSIVE_SHARE] = n->m[PLANLINT_M_EXCLUSIVE_TIME] / total;
        n->m[PLANLINT_M_INCLUSIVE_SHARE] = n->m[PLANLINT_M_INCLUSIVE_TIME] / total;
    }
}

int pl_plan_derive(planlint_plan *plan, planlint_error *err)
{
    pl_derive d;
    size_t i, n = plan->nnodes;

    d.plan = plan;
    d.subtree = pl_malloc(n * sizeof(*d.subtree));
    d.extra = n > SIZE_MAX / (PL_NPAIRS * sizeof(double)) ? NULL
                                                          : pl_malloc(n * PL_NPAIRS * sizeof(double));
    if (!d.subtree || !d.extra) {
        pl_free(d.subtree);
        pl_free(d.extra);
        return pl_error_nomem(err);
    }
    for (i = 0; i < n * PL_NPAIRS; i++)
        d.extra[i] = 0;
    for (i = 0; i < n; i++) {
        pl_classify(plan->nodes[i]);
        d.subtree[i] = 1;
    }
    for (i = n; i-- > 1;)
        d.subtree[plan->nodes[i]->parent->id] += d.subtree[i];
    for (i = 0; i < n; i++) {   /* preorder: parents (and their Gather) come first */
        pl_derive_inclusive(plan->nodes[i]);
        pl_derive_estimate(plan->nodes[i]);
    }
    if (pl_charge_initplans(&d, 0) < 0 || pl_charge_initplans(&d, 1) < 0) {
        pl_free(d.subtree);
        pl_free(d.extra);
        return pl_error_nomem(err);
    }
    for (i = 0; i < n; i++)
        pl_derive_exclusive(&d, plan->nodes[i]);
    pl_derive_total(plan);
    pl_free(d.subtree);
    pl_free(d.extra);
    return 0;
}
