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

#define PL_TIME_PAIR 0   /* pl_excl_pairs[0]: the one quantity printed rounded per loop */
#define PL_NONE SIZE_MAX

/* Scratch space for one plan's derivation. */
typedef struct pl_derive {
    planlint_plan *plan;
    size_t *subtree;      /* nodes in the subtree of node i, itself included */
    double *extra;        /* [node * PL_NPAIRS + pair]: consumed InitPlan / CTE work */
    double *time;         /* inclusive time of node i, reconciled with its rounding */
    size_t *payer;        /* InitPlan or CTE i: the node charged for it (first of them) */
    unsigned char *late;  /* node i's time holds a Gather's shutdown its parent did not see */
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
    n->dflags &= ~PL_NODE_INCLUDES_JIT;
}

static int pl_is_subplan(const planlint_node *n)
{
    const char *rel = n->fields[PLANLINT_FIELD_PARENT_RELATIONSHIP];
    return rel && strcmp(rel, "SubPlan") == 0;
}

/* Processes that shared the work below a Gather: the workers it launched plus the
 * leader. Every node under the Gather is divided by the same number, even one that
 * ran in a single process (a Parallel Append member): only then does a parent's
 * share stay at least the sum of its children's. The Gather's own InitPlans and
 * SubPlans are the exception: the leader runs them alone (it evaluates the
 * parameters before starting the workers, and the Gather's expressions), so the
 * divisor stops there. InitPlans and SubPlans of nodes further down run in every
 * process that evaluates them, and their loops count all of those. */
static double pl_parallel_divisor(const planlint_node *n)
{
    const planlint_node *c, *g = NULL;
    double workers;

    for (c = n; c->parent && !g; c = c->parent)
        if (c->parent->kind == PL_KIND_GATHER) {
            if (pl_is_initplan(c) || pl_is_subplan(c))
                return 1;
            g = c->parent;
        }
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
        const char *key = pl_value_keys(o)[i];
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

/* The nearest node from n up to a that ran. */
static size_t pl_executed_ancestor(const pl_derive *d, size_t n, size_t a)
{
    const planlint_node *x = d->plan->nodes[n];

    while (x->id != a && x->never_executed)
        x = x->parent;
    return x->id;
}

static int pl_is_append(const planlint_node *n)
{
    const char *type = n->fields[PLANLINT_FIELD_NODE_TYPE];
    return strcmp(type, "Append") == 0 || strcmp(type, "Merge Append") == 0;
}

/* The node that pays for InitPlan ip attached to node a: a Gather that evaluates
 * its parameter for the workers; else, when a node that mentions it never ran
 * below an Append that did, that Append (it evaluated the parameter to prune its
 * partitions at run time); else the deepest node that ran and mentions it; else
 * the nearest node that ran above one that mentions it; else a. */
static size_t pl_initplan_consumer(const pl_derive *d, size_t a, size_t ip)
{
    planlint_node **nodes = d->plan->nodes;
    const char *name = nodes[ip]->fields[PLANLINT_FIELD_SUBPLAN];
    char needles[8][32];
    size_t nn, i, best = a, idle = PL_NONE, end = a + d->subtree[a];
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
        if (how == 1 && nodes[i]->never_executed) {
            size_t up = pl_executed_ancestor(d, i, a);
            if (pl_is_append(nodes[up]))
                return up;
            idle = idle == PL_NONE ? up : idle;
        } else if (how == 1 && (best == a || nodes[i]->depth > best_depth)) {
            best = i;
            best_depth = nodes[i]->depth;
        }
    }
    return best == a && idle != PL_NONE ? idle : best;
}

/* ------------------------------------------------------------ CTE consumers */

static int pl_scans_cte(const planlint_node *n, const char *cte)
{
    return n->kind == PL_KIND_CTE_SCAN && n->fields[PLANLINT_FIELD_CTE] &&
           strcmp(n->fields[PLANLINT_FIELD_CTE], cte) == 0;
}

/* The inclusive amount the exclusive numbers are derived from: for time, the
 * inclusive time as reconciled with its rounding (pl_reconcile()). */
static double pl_amount(const pl_derive *d, const planlint_node *n, size_t pair)
{
    return pair == PL_TIME_PAIR ? d->time[n->id] : pl_nz(pl_incl(n, pair));
}

/* What a node spent itself: its inclusive amount less its children's (InitPlans
 * aside) and less the InitPlan and CTE work charged to it so far. */
static double pl_own(const pl_derive *d, const planlint_node *n, size_t pair)
{
    double x = pl_amount(d, n, pair);
    size_t c;

    for (c = 0; c < n->nchildren; c++)
        if (!pl_is_initplan(n->children[c]))
            x -= pl_amount(d, n->children[c], pair);
    x -= d->extra[n->id * PL_NPAIRS + pair];
    return x > 0 ? x : 0;
}

/* A data-modifying CTE (INSERT, UPDATE, DELETE, MERGE ... RETURNING) runs to
 * completion whether or not its rows are read: what its scans did not pull, the
 * executor finishes after the main plan, outside the root's time. */
static int pl_modifies(const planlint_node *cte)
{
    return strcmp(cte->fields[PLANLINT_FIELD_NODE_TYPE], "ModifyTable") == 0;
}

/* Could this scan have started the CTE? The first scan to pull a row runs the CTE
 * up to its first row, so its own time to its first row holds the CTE's: its
 * startup time is at least the CTE's (less the rounding of both). Scans that come
 * later find rows in the tuplestore and start fast. */
static int pl_may_have_started(const planlint_node *scan, const planlint_node *cte)
{
    double s = scan->m[PLANLINT_M_ACTUAL_STARTUP_TIME], c = cte->m[PLANLINT_M_ACTUAL_STARTUP_TIME];

    return !isnan(s) && !isnan(c) && !scan->never_executed && s >= c - 0.001;
}

/* The time to the CTE's first row, over all its loops: what the scan that
 * started it holds for sure. */
static double pl_cte_startup(const planlint_node *cte)
{
    double s = cte->m[PLANLINT_M_ACTUAL_STARTUP_TIME], loops = cte->m[PLANLINT_M_ACTUAL_LOOPS];

    return isnan(s) || isnan(loops) ? 0 : s * loops / cte->m[PLANLINT_M_PARALLEL_DIVISOR];
}

static void pl_charge_to(pl_derive *d, size_t ip, size_t pair, size_t scan, double take)
{
    d->extra[scan * PL_NPAIRS + pair] += take;
    if (pair == PL_TIME_PAIR && d->payer[ip] == PL_NONE)
        d->payer[ip] = scan;
}

/* The CTE's work is charged to the scans that ran it: a scan runs the CTE while it
 * reads past the rows already in the tuplestore, and only rereads them otherwise.
 * When exactly one scan's startup time says it started the CTE (first >= 0), that
 * scan is charged the CTE's time to its first row. The rest, and everything when
 * the startup times tell nothing (every scan or none could have started it), is
 * charged greedily, the largest own amount first: a scan that ran the CTE is one
 * whose time holds it. */
static void pl_charge_cte_pair(pl_derive *d, size_t a, size_t ip, size_t pair, const size_t *scans,
                               size_t n, double *pre, size_t first)
{
    double work = pl_amount(d, d->plan->nodes[ip], pair), take;
    size_t k;

    if (work <= 0 || (n == 0 && pl_modifies(d->plan->nodes[ip])))
        return;   /* a data-modifying CTE nobody read ran after the root: in no node's time */
    if (n == 0) {
        pl_charge_to(d, ip, pair, a, work);
        return;
    }
    for (k = 0; k < n; k++)
        pre[k] = pl_own(d, d->plan->nodes[scans[k]], pair);
    if (pair == PL_TIME_PAIR && first < n) {
        take = pl_cte_startup(d->plan->nodes[ip]);
        take = take < pre[first] ? take : pre[first];
        take = take < work ? take : work;
        pl_charge_to(d, ip, pair, scans[first], take);
        pre[first] -= take;
        work -= take;
    }
    while (work > 0) {
        size_t best = n;
        for (k = 0; k < n; k++)
            if (pre[k] > 0 && (best == n || pre[k] > pre[best]))
                best = k;
        if (best == n)
            break;
        take = pre[best] < work ? pre[best] : work;
        pl_charge_to(d, ip, pair, scans[best], take);
        work -= take;
        pre[best] = 0;
    }
}

/* The CTE scans of cte under node a into scans; the one scan that may have started
 * the CTE into *first (n when none or several may have). */
static size_t pl_cte_scans(const pl_derive *d, size_t a, size_t ip, const char *cte, size_t *scans,
                           size_t *first)
{
    size_t i, n = 0, end = a + d->subtree[a], starters = 0;

    for (i = a; i < end; i++)
        if (pl_scans_cte(d->plan->nodes[i], cte)) {
            if (pl_may_have_started(d->plan->nodes[i], d->plan->nodes[ip])) {
                starters++;
                *first = n;
            }
            scans[n++] = i;
        }
    if (starters != 1)
        *first = n;
    return n;
}

static int pl_charge_cte(pl_derive *d, size_t a, size_t ip, const char *cte)
{
    size_t pair, n, first = 0, *scans = pl_malloc(d->subtree[a] * sizeof(*scans));
    double *pre = pl_malloc(d->subtree[a] * sizeof(*pre));

    if (!scans || !pre) {
        pl_free(scans);
        pl_free(pre);
        return -1;
    }
    n = pl_cte_scans(d, a, ip, cte, scans, &first);
    for (pair = 0; pair < PL_NPAIRS; pair++)
        pl_charge_cte_pair(d, a, ip, pair, scans, n, pre, first);
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
            d->payer[ip->id] = consumer;
            for (pair = 0; pair < PL_NPAIRS; pair++)
                d->extra[consumer * PL_NPAIRS + pair] += pl_amount(d, ip, pair);
        }
    }
    return 0;
}

/* ------------------------------------------------------------ rounding */

/* EXPLAIN prints per-loop times to 0.001 ms, so a node's total time is known to
 * within half of that per loop: 72,000 loops of "0.001 ms" are anything from 36
 * to 108 ms. */
static double pl_margin(const planlint_node *n)
{
    double loops = n->m[PLANLINT_M_ACTUAL_LOOPS];

    if (isnan(n->m[PLANLINT_M_INCLUSIVE_TIME]) || isnan(loops) || n->never_executed)
        return 0;
    return 0.0005 * loops / n->m[PLANLINT_M_PARALLEL_DIVISOR];
}

/* What a node's time must hold: its children's and the work charged to it. */
static double pl_claimed(const pl_derive *d, const planlint_node *n)
{
    double x = d->extra[n->id * PL_NPAIRS + PL_TIME_PAIR];
    size_t c;

    for (c = 0; c < n->nchildren; c++)
        if (!pl_is_initplan(n->children[c]))
            x += d->time[n->children[c]->id];
    return x;
}

static int pl_under_limit(const planlint_node *n)
{
    for (n = n->parent; n; n = n->parent)
        if (strcmp(n->fields[PLANLINT_FIELD_NODE_TYPE], "Limit") == 0)
            return 1;
    return 0;
}

/* Upwards: a node whose printed time is less than its children claim is raised
 * as far as its own rounding allows (a Memoize of 15,000 loops at "0.000 ms"
 * holds the 1,950 loops of its index scan at "0.001 ms"). A raised InitPlan or
 * CTE raises what its payer was charged. The root is the reference, never moved.
 * One exception goes further: a Gather waits for its workers when it is shut
 * down, which a Limit does as soon as it has its rows; up to PostgreSQL 12 that
 * wait is timed in the Gather alone, not in the nodes between it and the Limit.
 * Those nodes are raised to hold it, so the wait counts once, in the Gather.
 * (Without a Limit the shutdown comes after the root finished, outside the plan's
 * times altogether: nothing to raise.) */
static void pl_reconcile_up(pl_derive *d, planlint_node *n)
{
    double need = pl_claimed(d, n), was = d->time[n->id], hi = n->m[PLANLINT_M_INCLUSIVE_TIME] + pl_margin(n);
    size_t c;

    d->late[n->id] = n->kind == PL_KIND_GATHER;
    if (!n->parent || isnan(hi) || need <= was)
        return;
    for (c = 0; c < n->nchildren; c++)
        if (!pl_is_initplan(n->children[c]) && d->late[n->children[c]->id] && need > hi && pl_under_limit(n)) {
            hi = need;
            d->late[n->id] = 1;
        }
    d->time[n->id] = need < hi ? need : (hi > was ? hi : was);
    if (d->payer[n->id] != PL_NONE)
        d->extra[d->payer[n->id] * PL_NPAIRS + PL_TIME_PAIR] += d->time[n->id] - was;
}

/* Downwards: children that still claim more than their parent's time are lowered,
 * each within its own rounding and in proportion to what it has left of it, so
 * the less precise numbers (more loops) give way to the more precise. What
 * rounding cannot explain is left alone, for the sum check to see. */
static void pl_reconcile_down(pl_derive *d, planlint_node *n)
{
    double over = pl_claimed(d, n) - d->time[n->id], room = 0, f, lo;
    size_t c;

    if (isnan(n->m[PLANLINT_M_INCLUSIVE_TIME]) || over <= 0)
        return;
    for (c = 0; c < n->nchildren; c++)
        if (!pl_is_initplan(n->children[c])) {
            lo = n->children[c]->m[PLANLINT_M_INCLUSIVE_TIME] - pl_margin(n->children[c]);
            room += d->time[n->children[c]->id] - (lo > 0 ? lo : 0);
        }
    if (room <= 0)
        return;
    f = over < room ? over / room : 1;
    for (c = 0; c < n->nchildren; c++)
        if (!pl_is_initplan(n->children[c])) {
            planlint_node *k = n->children[c];
            lo = k->m[PLANLINT_M_INCLUSIVE_TIME] - pl_margin(k);
            d->time[k->id] -= f * (d->time[k->id] - (lo > 0 ? lo : 0));
        }
}

/* Reconciles the times with their rounding: up in postorder (InitPlans, listed
 * first, before the nodes that pay for them), then down in preorder. */
static void pl_reconcile(pl_derive *d)
{
    planlint_plan *plan = d->plan;
    planlint_node *p;
    size_t j;

    if (isnan(plan->root->m[PLANLINT_M_INCLUSIVE_TIME]))
        return;
    for (j = 0; j < plan->nnodes; j++) {
        if (d->subtree[j] != 1)
            continue;
        pl_reconcile_up(d, plan->nodes[j]);
        for (p = plan->nodes[j]->parent; p && p->id + d->subtree[p->id] - 1 == j; p = p->parent)
            pl_reconcile_up(d, p);
    }
    for (j = 0; j < plan->nnodes; j++)
        pl_reconcile_down(d, plan->nodes[j]);
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

/* ------------------------------------------------------------ JIT */

/* JIT compiles the query's expressions when the first of them is evaluated
 * (inlining, optimization, emission; generation came before, at start-up), so
 * that time is inside whichever node evaluated first: its time to its first row
 * and its own time both hold it. That is the deepest node where both do. Only
 * without parallel workers: each one compiles for itself and the plan's JIT
 * timing is their sum, comparable to no node's time. */
static void pl_mark_jit(planlint_plan *plan)
{
    const planlint_value *timing = pl_value_get(pl_value_get(plan->obj, "JIT"), "Timing");
    const planlint_value *gen = pl_value_get(timing, "Generation");
    double compile = pl_value_num(timing, "Total"), g;
    planlint_node *best = NULL;
    size_t i;

    plan->jit_compile = NAN;
    g = gen && gen->type == PLANLINT_VALUE_OBJECT ? pl_value_num(gen, "Total") : pl_value_num(timing, "Generation");
    compile -= pl_nz(g);
    if (isnan(compile) || compile <= 0)
        return;
    for (i = 0; i < plan->nnodes; i++) {
        planlint_node *n = plan->nodes[i];
        if (n->kind == PL_KIND_GATHER)
            return;
        if (n->m[PLANLINT_M_ACTUAL_STARTUP_TIME] >= compile - 0.001 &&
            n->m[PLANLINT_M_EXCLUSIVE_TIME] >= compile - 0.001 && (!best || n->depth > best->depth))
            best = n;
    }
    if (!best)
        return;
    best->dflags |= PL_NODE_INCLUDES_JIT;
    plan->jit_compile = compile;
}

static void pl_derive_release(pl_derive *d)
{
    pl_free(d->subtree);
    pl_free(d->extra);
    pl_free(d->time);
    pl_free(d->payer);
    pl_free(d->late);
}

static int pl_derive_alloc(pl_derive *d, planlint_plan *plan)
{
    size_t i, n = plan->nnodes;

    d->plan = plan;
    d->subtree = pl_malloc(n * sizeof(*d->subtree));
    d->extra = n > SIZE_MAX / (PL_NPAIRS * sizeof(double)) ? NULL
                                                           : pl_malloc(n * PL_NPAIRS * sizeof(double));
    d->time = pl_malloc(n * sizeof(*d->time));
    d->payer = pl_malloc(n * sizeof(*d->payer));
    d->late = pl_malloc(n);
    if (!d->subtree || !d->extra || !d->time || !d->payer || !d->late) {
        pl_derive_release(d);
        return -1;
    }
    for (i = 0; i < n * PL_NPAIRS; i++)
        d->extra[i] = 0;
    for (i = 0; i < n; i++) {
        d->subtree[i] = 1;
        d->payer[i] = PL_NONE;
        d->late[i] = 0;
    }
    for (i = n; i-- > 1;)
        d->subtree[plan->nodes[i]->parent->id] += d->subtree[i];
    return 0;
}

int pl_plan_derive(planlint_plan *plan, planlint_error *err)
{
    pl_derive d;
    size_t i, n = plan->nnodes;

    if (pl_derive_alloc(&d, plan) < 0)
        return pl_error_nomem(err);
    for (i = 0; i < n; i++)
        pl_classify(plan->nodes[i]);
    for (i = 0; i < n; i++) {   /* preorder: parents (and their Gather) come first */
        pl_derive_inclusive(plan->nodes[i]);
        pl_derive_estimate(plan->nodes[i]);
        d.time[i] = pl_nz(plan->nodes[i]->m[PLANLINT_M_INCLUSIVE_TIME]);
    }
    if (pl_charge_initplans(&d, 0) < 0 || pl_charge_initplans(&d, 1) < 0) {
        pl_derive_release(&d);
        return pl_error_nomem(err);
    }
    pl_reconcile(&d);
    for (i = 0; i < n; i++)
        pl_derive_exclusive(&d, plan->nodes[i]);
    pl_derive_total(plan);
    pl_mark_jit(plan);
    pl_derive_release(&d);
    return 0;
}
