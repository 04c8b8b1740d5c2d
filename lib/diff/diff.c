/* diff.c - planlint_diff_new(): match the nodes of two plans of one query, then say
 * what changed: findings that appeared or went, regressions, a one-line verdict. */
#include "diff.h"
#include "finding.h"
#include "alloc.h"
#include "error.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define PL_DIFF_DEFAULT_FACTOR 1.5
#define PL_DIFF_DEFAULT_MIN_MS 1.0
#define PL_DIFF_DEFAULT_MIN_SHARE 0.01
/* Execution time ratios within this factor either way read "about the same". */
#define PL_DIFF_SAME_BAND 1.1

static const char *pl_f(const planlint_node *n, planlint_node_field f)
{
    return n->fields[f];
}

static int pl_same_str(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

/* Both name it and the names agree. */
static int pl_both_same(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

double pl_diff_ratio(double before, double after)
{
    if (isnan(before) || isnan(after) || before <= 0)
        return NAN;
    return after / before;
}

static void pl_pair(planlint_diff *d, const planlint_node *a, const planlint_node *b)
{
    d->match_before[a->id] = b;
    d->match_after[b->id] = a;
}

/* How alike two nodes are, or -1 when they scan different relations, or only one of
 * them scans one (never matched). */
static int pl_match_score(const planlint_node *a, const planlint_node *b, size_t ia, size_t ib)
{
    const char *ra = pl_f(a, PLANLINT_FIELD_RELATION), *rb = pl_f(b, PLANLINT_FIELD_RELATION);
    int s = 0;

    /* A scan is never taken for a node that scans nothing (a Gather added above it):
     * the leftover pass matches it by relation instead. */
    if ((ra && rb && strcmp(ra, rb) != 0) || (!ra != !rb))
        return -1;
    if (pl_both_same(pl_f(a, PLANLINT_FIELD_NODE_TYPE), pl_f(b, PLANLINT_FIELD_NODE_TYPE)))
        s += 4;
    if (pl_both_same(ra, rb))
        s += 4;
    if (pl_both_same(pl_f(a, PLANLINT_FIELD_ALIAS), pl_f(b, PLANLINT_FIELD_ALIAS)))
        s += 2;
    if (pl_both_same(pl_f(a, PLANLINT_FIELD_INDEX), pl_f(b, PLANLINT_FIELD_INDEX)))
        s += 2;
    if (pl_both_same(pl_f(a, PLANLINT_FIELD_CTE), pl_f(b, PLANLINT_FIELD_CTE)) ||
        pl_both_same(pl_f(a, PLANLINT_FIELD_SUBPLAN), pl_f(b, PLANLINT_FIELD_SUBPLAN)) ||
        pl_both_same(pl_f(a, PLANLINT_FIELD_FUNCTION), pl_f(b, PLANLINT_FIELD_FUNCTION)))
        s += 2;
    if (pl_both_same(pl_f(a, PLANLINT_FIELD_PARENT_RELATIONSHIP), pl_f(b, PLANLINT_FIELD_PARENT_RELATIONSHIP)))
        s += 2;
    if (ia == ib)
        s += 1;
    return s;
}

/* The best unmatched child of b for child a (score 2 or more: more than position). */
static const planlint_node *pl_best_child(planlint_diff *d, const planlint_node *a, size_t ia,
                                         const planlint_node *b)
{
    const planlint_node *best = NULL;
    int best_score = 1, s;
    size_t j;

    for (j = 0; j < b->nchildren; j++) {
        if (d->match_after[b->children[j]->id])
            continue;
        s = pl_match_score(a, b->children[j], ia, j);
        if (s > best_score) {
            best = b->children[j];
            best_score = s;
        }
    }
    return best;
}

static size_t pl_unmatched_children(const planlint_node *n, const planlint_node **match,
                                    const planlint_node **first)
{
    size_t i, k = 0;

    for (i = 0; i < n->nchildren; i++)
        if (!match[n->children[i]->id] && k++ == 0)
            *first = n->children[i];
    return k;
}

/* Beyond this many pairs of children (an Append of thousands of partitions on both
 * sides), children are matched by position only, to stay linear. */
#define PL_DIFF_MAX_CHILD_PAIRS 1000000

/* Children of a matched pair: by likeness, then one left on each side by position. */
static void pl_match_children(planlint_diff *d, const planlint_node *a, const planlint_node *b)
{
    const planlint_node *ca = NULL, *cb = NULL;
    size_t i;

    for (i = 0; i < a->nchildren; i++) {
        const planlint_node *best;
        if ((double)a->nchildren * (double)b->nchildren > PL_DIFF_MAX_CHILD_PAIRS)
            best = i < b->nchildren && pl_match_score(a->children[i], b->children[i], i, i) >= 0 ? b->children[i] : NULL;
        else
            best = pl_best_child(d, a->children[i], i, b);
        if (best)
            pl_pair(d, a->children[i], best);
    }
    if (pl_unmatched_children(a, d->match_before, &ca) == 1 &&
        pl_unmatched_children(b, d->match_after, &cb) == 1 && pl_match_score(ca, cb, 0, 0) >= 0)
        pl_pair(d, ca, cb);
    for (i = 0; i < a->nchildren; i++)
        if (d->match_before[a->children[i]->id])
            pl_match_children(d, a->children[i], d->match_before[a->children[i]->id]);
}

/* The nodes of a plan that name a relation, sorted by relation and alias: finding a
 * relation's nodes is a binary search, so that plans of many nodes stay fast. */
typedef struct pl_rel_index {
    const planlint_node **v;
    size_t n;
} pl_rel_index;

static int pl_key_cmp(const planlint_node *a, const planlint_node *b)
{
    const char *aa = pl_f(a, PLANLINT_FIELD_ALIAS), *ab = pl_f(b, PLANLINT_FIELD_ALIAS);
    int c = strcmp(pl_f(a, PLANLINT_FIELD_RELATION), pl_f(b, PLANLINT_FIELD_RELATION));

    return c ? c : strcmp(aa ? aa : "", ab ? ab : "");
}

static int pl_rel_cmp(const void *x, const void *y)
{
    const planlint_node *a = *(const planlint_node *const *)x, *b = *(const planlint_node *const *)y;
    int c = pl_key_cmp(a, b);

    return c ? c : a->id < b->id ? -1 : a->id > b->id;
}

static int pl_rel_index_build(pl_rel_index *ix, const planlint_plan *p)
{
    size_t i;

    ix->n = 0;
    if (!(ix->v = pl_malloc((p->nnodes + 1) * sizeof(*ix->v))))
        return -1;
    for (i = 0; i < p->nnodes; i++)
        if (pl_f(p->nodes[i], PLANLINT_FIELD_RELATION))
            ix->v[ix->n++] = p->nodes[i];
    qsort((void *)ix->v, ix->n, sizeof(*ix->v), pl_rel_cmp);
    return 0;
}

/* The first entry of n's relation and alias; ix->n when there is none. */
static size_t pl_rel_find(const pl_rel_index *ix, const planlint_node *n)
{
    size_t lo = 0, hi = ix->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pl_key_cmp(ix->v[mid], n) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < ix->n && pl_key_cmp(ix->v[lo], n) == 0 ? lo : ix->n;
}

/* A scan left unmatched on both sides (a node added above it, say) is matched with
 * the one unmatched node of the same relation and alias on the other side. */
static void pl_match_leftovers(planlint_diff *d, const pl_rel_index *after)
{
    size_t i, j;

    for (i = 0; i < d->before->nnodes; i++) {
        const planlint_node *a = d->before->nodes[i], *found = NULL;
        size_t n = 0;
        if (d->match_before[a->id] || !pl_f(a, PLANLINT_FIELD_RELATION))
            continue;
        for (j = pl_rel_find(after, a); j < after->n && pl_key_cmp(after->v[j], a) == 0; j++)
            if (!d->match_after[after->v[j]->id] && n++ == 0)
                found = after->v[j];
        if (n == 1) {
            pl_pair(d, a, found);
            pl_match_children(d, a, found);
        }
    }
}

const char *pl_diff_node_type(const planlint_node *n)
{
    /* [Partial Mode: Simple, Partial, Finalize][Strategy: Plain, Hashed, Sorted, Mixed] */
    static const char *const names[3][4] = {
        { "Aggregate", "HashAggregate", "GroupAggregate", "MixedAggregate" },
        { "Partial Aggregate", "Partial HashAggregate", "Partial GroupAggregate", "Partial MixedAggregate" },
        { "Finalize Aggregate", "Finalize HashAggregate", "Finalize GroupAggregate", "Finalize MixedAggregate" }
    };
    static const char *const strategies[] = { "Plain", "Hashed", "Sorted", "Mixed" };
    const char *type = pl_f(n, PLANLINT_FIELD_NODE_TYPE), *strategy = pl_f(n, PLANLINT_FIELD_STRATEGY);
    const char *mode = planlint_value_string(planlint_node_get(n, "Partial Mode"));
    size_t s, m = pl_same_str(mode, "Partial") ? 1 : pl_same_str(mode, "Finalize") ? 2 : 0;

    if (!type || strcmp(type, "Aggregate") != 0)
        return type ? type : "?";
    for (s = 0; s < 4; s++)
        if (pl_same_str(strategy, strategies[s]))
            return names[m][s];
    return names[m][0];
}

void pl_diff_node_label(pl_buf *b, const planlint_node *n)
{
    const char *type = pl_diff_node_type(n), *rel = pl_f(n, PLANLINT_FIELD_RELATION);
    const char *alias = pl_f(n, PLANLINT_FIELD_ALIAS), *name = pl_f(n, PLANLINT_FIELD_CTE);

    if (planlint_value_bool(planlint_node_get(n, "Parallel Aware")) == 1)
        pl_buf_puts(b, "Parallel ");
    pl_buf_puts(b, type);
    if (!rel && !name)
        name = pl_f(n, PLANLINT_FIELD_FUNCTION);
    if (rel || name)
        pl_buf_printf(b, " on %s", rel ? rel : name);
    if (alias && !pl_same_str(alias, rel ? rel : name))
        pl_buf_printf(b, " %s", alias);
    if (pl_f(n, PLANLINT_FIELD_INDEX))
        pl_buf_printf(b, " using %s", pl_f(n, PLANLINT_FIELD_INDEX));
}

static int pl_type_is(const planlint_node *n, const char *type)
{
    return pl_both_same(pl_f(n, PLANLINT_FIELD_NODE_TYPE), type);
}

int pl_diff_node_spill(pl_buf *b, const planlint_node *n)
{
    const char *space = pl_f(n, PLANLINT_FIELD_SORT_SPACE_TYPE), *method = pl_f(n, PLANLINT_FIELD_SORT_METHOD);
    double batches = n->m[PLANLINT_M_HASH_BATCHES], agg = n->m[PLANLINT_M_HASHAGG_BATCHES];

    if (pl_same_str(space, "Disk") || (method && strstr(method, "external"))) {
        pl_buf_printf(b, "%s spills to disk (%s", pl_f(n, PLANLINT_FIELD_NODE_TYPE), method ? method : "disk");
        if (!isnan(n->m[PLANLINT_M_SORT_SPACE_USED])) {
            pl_buf_puts(b, ", ");
            pl_buf_count(b, n->m[PLANLINT_M_SORT_SPACE_USED]);
            pl_buf_puts(b, " kB");
        }
        pl_buf_putc(b, ')');
        return 1;
    }
    if (pl_type_is(n, "Hash") && batches > 1) {
        pl_buf_puts(b, "Hash spills to disk (");
        pl_buf_count(b, batches);
        pl_buf_puts(b, " batches)");
        return 1;
    }
    if (pl_type_is(n, "Aggregate") && (agg > 1 || n->m[PLANLINT_M_DISK_USAGE] > 0)) {
        pl_buf_puts(b, "HashAggregate spills to disk (");
        pl_buf_count(b, isnan(agg) ? 1 : agg);
        pl_buf_puts(b, " batches)");
        return 1;
    }
    return 0;
}

/* Records a regression about node n of the after plan (NULL: the plan); its text is
 * what b holds (b is reset). */
static void pl_reason(planlint_diff *d, unsigned int kind, const planlint_node *n, pl_buf *b)
{
    d->regressions |= kind;
    if (d->nreasons < PL_DIFF_MAX_REASONS && !b->failed && b->data) {
        d->reasons[d->nreasons].kind = kind;
        d->reasons[d->nreasons].node = n;
        d->reasons[d->nreasons].text = b->data;
        d->nreasons++;
        pl_buf_init(b);
    }
    pl_buf_release(b);
}

static void pl_time_change(pl_buf *b, double before, double after)
{
    pl_buf_fixed(b, before, 3);
    pl_buf_puts(b, " ms -> ");
    pl_buf_fixed(b, after, 3);
    pl_buf_puts(b, " ms");
    if (!isnan(pl_diff_ratio(before, after))) {
        pl_buf_puts(b, " (");
        pl_buf_fixed(b, pl_diff_ratio(before, after), 2);
        pl_buf_puts(b, "x)");
    }
}

static int pl_grew(const planlint_diff *d, double before, double after)
{
    if (isnan(before) || isnan(after) || after < d->min_ms)
        return 0;
    return before <= 0 || after / before >= d->factor;
}

static void pl_judge_times(planlint_diff *d)
{
    double tb = d->before->pm[PLANLINT_PLAN_EXECUTION_TIME], ta = d->after->pm[PLANLINT_PLAN_EXECUTION_TIME];
    double total = d->after->pm[PLANLINT_PLAN_TOTAL_TIME];
    pl_buf b;
    size_t i;

    pl_buf_init(&b);
    if (pl_grew(d, tb, ta)) {
        pl_buf_puts(&b, "execution time ");
        pl_time_change(&b, tb, ta);
        pl_reason(d, PLANLINT_REGRESSION_EXECUTION_TIME, NULL, &b);
    }
    for (i = 0; i < d->after->nnodes; i++) {
        const planlint_node *n = d->after->nodes[i], *m = d->match_after[n->id];
        double eb, ea = n->m[PLANLINT_M_EXCLUSIVE_TIME];
        if (!m || isnan(ea) || (!isnan(total) && ea < d->min_share * total))
            continue;
        eb = m->m[PLANLINT_M_EXCLUSIVE_TIME];
        if (!pl_grew(d, eb, ea))
            continue;
        pl_diff_node_label(&b, n);
        pl_buf_puts(&b, ": ");
        pl_time_change(&b, eb, ea);
        pl_reason(d, PLANLINT_REGRESSION_NODE_TIME, n, &b);
    }
}

static int pl_is_index_scan(const planlint_node *n)
{
    return pl_type_is(n, "Index Scan") || pl_type_is(n, "Index Only Scan") || pl_type_is(n, "Bitmap Heap Scan");
}

/* The before plan's scan of the relation and alias of n of the kind asked for. */
static const planlint_node *pl_find_scan(const pl_rel_index *before, const planlint_node *n, int index)
{
    size_t i;

    for (i = pl_rel_find(before, n); i < before->n && pl_key_cmp(before->v[i], n) == 0; i++)
        if (index ? pl_is_index_scan(before->v[i]) : pl_type_is(before->v[i], "Seq Scan"))
            return before->v[i];
    return NULL;
}

/* A Seq Scan of a relation the before plan read through an index only; a node that
 * spills now and did not (or was not there). */
static void pl_judge_shapes(planlint_diff *d, const pl_rel_index *before)
{
    const planlint_node *was;
    pl_buf b, tmp;
    size_t i;

    pl_buf_init(&b);
    pl_buf_init(&tmp);
    for (i = 0; i < d->after->nnodes; i++) {
        const planlint_node *n = d->after->nodes[i], *m = d->match_after[n->id];
        if (pl_type_is(n, "Seq Scan") && pl_f(n, PLANLINT_FIELD_RELATION) && !pl_find_scan(before, n, 0) &&
            (was = pl_find_scan(before, n, 1))) {
            pl_diff_node_label(&b, was);
            pl_buf_puts(&b, " became Seq Scan");
            pl_reason(d, PLANLINT_REGRESSION_SEQ_SCAN, n, &b);
        }
        if (pl_diff_node_spill(&b, n) && !(m && pl_diff_node_spill(&tmp, m))) {
            pl_buf_printf(&b, "%s", m ? "" : " (a new node)");
            pl_reason(d, PLANLINT_REGRESSION_SPILL, n, &b);
        }
        pl_buf_release(&b);
        pl_buf_release(&tmp);
    }
}

/* The same finding on the other side: the same rule, on the matched node or on a node
 * of the same relation and alias (plan-level findings match each other). */
static int pl_findings_match(const planlint_diff *d, const planlint_finding *a, const planlint_finding *b)
{
    const planlint_node *na = a->node, *nb = b->node;

    if (a->rule != b->rule)
        return 0;
    if (!na || !nb)
        return na == nb;
    if (d->match_before[na->id] == nb)
        return 1;
    return pl_both_same(pl_f(na, PLANLINT_FIELD_RELATION), pl_f(nb, PLANLINT_FIELD_RELATION)) &&
           pl_same_str(pl_f(na, PLANLINT_FIELD_ALIAS), pl_f(nb, PLANLINT_FIELD_ALIAS));
}

/* The findings of `from` with no match in `other`, in rank order. */
static int pl_unmatched_findings(const planlint_diff *d, const planlint_plan *from, const planlint_plan *other,
                                 int from_is_after, const planlint_finding ***out, size_t *n)
{
    size_t i, j;

    *n = 0;
    *out = from->nfindings ? pl_malloc(from->nfindings * sizeof(**out)) : NULL;
    if (from->nfindings && !*out)
        return -1;
    for (i = 0; i < from->nfindings; i++) {
        const planlint_finding *f = from->findings[i];
        int found = 0;
        for (j = 0; j < other->nfindings && !found; j++)
            found = from_is_after ? pl_findings_match(d, other->findings[j], f)
                                  : pl_findings_match(d, f, other->findings[j]);
        if (!found)
            (*out)[(*n)++] = f;
    }
    return 0;
}

/* "slower: 0.108 ms -> 22.147 ms (205.06x)", "faster: ...", "about the same: ...". */
static void pl_verdict_time(pl_buf *b, const planlint_diff *d)
{
    double tb = d->before->pm[PLANLINT_PLAN_EXECUTION_TIME], ta = d->after->pm[PLANLINT_PLAN_EXECUTION_TIME];
    double r = pl_diff_ratio(tb, ta);

    if (isnan(tb) || isnan(ta)) {
        pl_buf_puts(b, "no execution times to compare (EXPLAIN without ANALYZE)");
        return;
    }
    pl_buf_puts(b, isnan(r) ? "unknown" : r >= PL_DIFF_SAME_BAND ? "slower"
                                        : r <= 1 / PL_DIFF_SAME_BAND ? "faster" : "about the same");
    pl_buf_puts(b, ": ");
    pl_time_change(b, tb, ta);
}

/* The node types that changed under a match, at most two named. */
static void pl_verdict_types(pl_buf *b, const planlint_diff *d)
{
    size_t i, k = 0;

    for (i = 0; i < d->before->nnodes; i++) {
        const planlint_node *a = d->before->nodes[i], *m = d->match_before[a->id];
        if (!m || strcmp(pl_diff_node_type(a), pl_diff_node_type(m)) == 0)
            continue;
        if (k++ < 2) {
            pl_buf_puts(b, "; ");
            pl_diff_node_label(b, a);
            pl_buf_printf(b, " became %s", pl_diff_node_type(m));
        }
    }
    if (k > 2)
        pl_buf_printf(b, "; %zu more node types changed", k - 2);
}

static void pl_verdict_findings(pl_buf *b, const planlint_finding *const *f, size_t n, const char *what)
{
    size_t i;

    for (i = 0; i < n && i < 2; i++)
        pl_buf_printf(b, "; %s %s %s", what, planlint_rule_id(f[i]->rule), planlint_rule_name(f[i]->rule));
    if (n > 2)
        pl_buf_printf(b, " (and %zu more)", n - 2);
}

static void pl_verdict(planlint_diff *d)
{
    pl_buf b, tmp;
    size_t i;

    pl_buf_init(&b);
    pl_buf_init(&tmp);
    pl_verdict_time(&b, d);
    pl_verdict_types(&b, d);
    for (i = 0; i < d->nreasons; i++)
        if (d->reasons[i].kind == PLANLINT_REGRESSION_SPILL)
            pl_buf_printf(&b, "; %s", d->reasons[i].text);
    pl_verdict_findings(&b, d->appeared, d->nappeared, "new finding");
    pl_verdict_findings(&b, d->gone, d->ngone, "gone:");
    if (!b.failed)
        d->verdict = b.data;
    else
        pl_buf_release(&b);
}

static char *pl_copy_name(const char *s)
{
    return s ? pl_strndup(s, strlen(s)) : NULL;
}

static int pl_diff_setup(planlint_diff *d, const planlint_plan *before, const planlint_plan *after,
                         const planlint_diff_options *o)
{
    d->before = before;
    d->after = after;
    d->factor = o->factor > 0 ? o->factor : PL_DIFF_DEFAULT_FACTOR;
    d->min_ms = o->min_node_ms > 0 ? o->min_node_ms : PL_DIFF_DEFAULT_MIN_MS;
    d->min_share = o->min_node_share > 0 ? o->min_node_share : PL_DIFF_DEFAULT_MIN_SHARE;
    d->failing = o->fail_on_regression != 0;
    d->match_before = pl_malloc((before->nnodes + 1) * sizeof(*d->match_before));
    d->match_after = pl_malloc((after->nnodes + 1) * sizeof(*d->match_after));
    d->before_name = pl_copy_name(o->before_name);
    d->after_name = pl_copy_name(o->after_name);
    if (!d->match_before || !d->match_after || (o->before_name && !d->before_name) ||
        (o->after_name && !d->after_name))
        return -1;
    memset(d->match_before, 0, (before->nnodes + 1) * sizeof(*d->match_before));
    memset(d->match_after, 0, (after->nnodes + 1) * sizeof(*d->match_after));
    return 0;
}

int planlint_diff_new(planlint_diff **out, const planlint_plan *before, const planlint_plan *after,
                      const planlint_diff_options *opts, planlint_error *err)
{
    planlint_diff_options defaults = PLANLINT_DIFF_OPTIONS_INIT, upgraded = PLANLINT_DIFF_OPTIONS_INIT;
    pl_rel_index ib = { NULL, 0 }, ia = { NULL, 0 };
    planlint_diff *d;

    if (!out || !before || !after)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out, before and after must not be NULL");
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (opts->version == 1) {
        /* A version 1 struct ends before fail_on_regression: read only what it has. */
        memcpy(&upgraded, opts, offsetof(planlint_diff_options, fail_on_regression));
        upgraded.version = PLANLINT_DIFF_OPTIONS_VERSION;
        opts = &upgraded;
    } else if (opts->version != PLANLINT_DIFF_OPTIONS_VERSION) {
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unsupported options version %u", opts->version);
    }
    if (!before->root || !after->root)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "a plan without nodes cannot be compared");
    if (!(d = pl_malloc(sizeof(*d))))
        return pl_error_nomem(err);
    memset(d, 0, sizeof(*d));
    if (pl_diff_setup(d, before, after, opts) < 0 || pl_rel_index_build(&ib, before) < 0 ||
        pl_rel_index_build(&ia, after) < 0)
        goto nomem;
    pl_pair(d, before->root, after->root);
    pl_match_children(d, before->root, after->root);
    pl_match_leftovers(d, &ia);
    if (pl_unmatched_findings(d, after, before, 1, &d->appeared, &d->nappeared) < 0 ||
        pl_unmatched_findings(d, before, after, 0, &d->gone, &d->ngone) < 0)
        goto nomem;
    pl_judge_times(d);
    pl_judge_shapes(d, &ib);
    pl_verdict(d);
    if (!d->verdict)
        goto nomem;
    pl_free((void *)ib.v);
    pl_free((void *)ia.v);
    *out = d;
    return 0;
nomem:
    pl_free((void *)ib.v);
    pl_free((void *)ia.v);
    planlint_diff_free(d);
    return pl_error_nomem(err);
}

void planlint_diff_free(planlint_diff *d)
{
    size_t i;

    if (!d)
        return;
    for (i = 0; i < d->nreasons; i++)
        pl_free(d->reasons[i].text);
    pl_free((void *)d->match_before);
    pl_free((void *)d->match_after);
    pl_free((void *)d->appeared);
    pl_free((void *)d->gone);
    pl_free(d->before_name);
    pl_free(d->after_name);
    pl_free(d->verdict);
    pl_free(d);
}

const planlint_node *planlint_diff_match(const planlint_diff *d, const planlint_node *node)
{
    if (!d || !node)
        return NULL;
    if (node->plan == d->before && node->id < d->before->nnodes)
        return d->match_before[node->id];
    if (node->plan == d->after && node->id < d->after->nnodes)
        return d->match_after[node->id];
    return NULL;
}

size_t planlint_diff_finding_count(const planlint_diff *d, int appeared)
{
    return !d ? 0 : appeared ? d->nappeared : d->ngone;
}

const planlint_finding *planlint_diff_finding(const planlint_diff *d, int appeared, size_t i)
{
    if (i >= planlint_diff_finding_count(d, appeared))
        return NULL;
    return appeared ? d->appeared[i] : d->gone[i];
}

unsigned int planlint_diff_regressions(const planlint_diff *d)
{
    return d ? d->regressions : 0;
}

size_t planlint_diff_reason_count(const planlint_diff *d)
{
    return d ? d->nreasons : 0;
}

const char *planlint_diff_reason(const planlint_diff *d, size_t i, unsigned int *kind)
{
    if (!d || i >= d->nreasons)
        return NULL;
    if (kind)
        *kind = d->reasons[i].kind;
    return d->reasons[i].text;
}

const char *planlint_diff_verdict(const planlint_diff *d)
{
    return d ? d->verdict : NULL;
}
