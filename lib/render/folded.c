/* folded.c - a flame graph as collapsed stacks ("frame;frame;frame weight"), and the
 * walk both flame graph formats share: node labels and exclusive-time weights. */
#include "render.h"
#include "alloc.h"
#include "error.h"

#include <math.h>
#include <string.h>

/* The node as the tree output names it, without colours: "#3 Seq Scan on
 * public.orders o". The id keeps siblings of the same shape apart. */
void pl_flame_label(pl_buf *b, const planlint_node *n)
{
    const char *sub = n->fields[PLANLINT_FIELD_SUBPLAN], *type = n->fields[PLANLINT_FIELD_NODE_TYPE];
    const char *rel = n->fields[PLANLINT_FIELD_RELATION], *cte = n->fields[PLANLINT_FIELD_CTE];
    const char *func = n->fields[PLANLINT_FIELD_FUNCTION], *alias = n->fields[PLANLINT_FIELD_ALIAS];
    const char *join = n->fields[PLANLINT_FIELD_JOIN_TYPE], *strat = n->fields[PLANLINT_FIELD_STRATEGY];
    const char *schema = n->fields[PLANLINT_FIELD_SCHEMA], *idx = n->fields[PLANLINT_FIELD_INDEX];
    const char *on = rel ? rel : cte ? cte : func;

    if (sub)
        pl_buf_printf(b, "%s: ", sub);
    pl_buf_printf(b, "#%zu %s%s", n->id,
                  planlint_value_bool(pl_value_get(n->obj, "Parallel Aware")) == 1 ? "Parallel " : "",
                  type ? type : "?");
    if (join && strcmp(join, "Inner") != 0)
        pl_buf_printf(b, " %s", join);
    if (strat && strcmp(strat, "Plain") != 0)
        pl_buf_printf(b, " (%s)", strat);
    if (on)
        pl_buf_printf(b, " on %s%s%s%s", rel && schema ? schema : "", rel && schema ? "." : "",
                      on, !rel && !cte ? "()" : "");
    if (alias && (!rel || strcmp(alias, rel) != 0) && (!cte || strcmp(alias, cte) != 0))
        pl_buf_printf(b, " %s", alias);
    if (idx)
        pl_buf_printf(b, " using %s", idx);
}

#define PL_FLAME_MAX_US 9e15

/* The next node's weight in whole microseconds. Rounding the running sum, not each
 * node, keeps every weight within 1 us of its exclusive time and makes the weights
 * of a plan add up to its rounded total exactly. */
long long pl_flame_next_weight(pl_flame_walk *w, const planlint_node *n)
{
    double ms = n->m[PLANLINT_M_EXCLUSIVE_TIME];
    long long before = w->rounded;

    if (!isnan(ms) && ms > 0)
        w->sum_ms += ms;
    /* Past 9e15 us (285 years) a damaged plan's times no longer fit: the weights stop
     * growing instead of overflowing. */
    w->rounded = w->sum_ms * 1000.0 < PL_FLAME_MAX_US ? llround(w->sum_ms * 1000.0) : (long long)PL_FLAME_MAX_US;
    return w->rounded - before;
}

int pl_flame_has_timing(const planlint_plan *p)
{
    return (p->flags & PLANLINT_PLAN_HAS_TIMING) && p->root &&
           !isnan(p->root->m[PLANLINT_M_EXCLUSIVE_TIME]);
}

/* Plans without per-node times have nothing to weigh; an input without any is an
 * error rather than an empty graph. */
int pl_flame_check(const planlint_plan *head, const char *format, planlint_error *err)
{
    const planlint_plan *p;

    for (p = head; p; p = p->next)
        if (pl_flame_has_timing(p))
            return 0;
    return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL,
                    "--format %s needs per-node times: EXPLAIN (ANALYZE) with TIMING on", format);
}

/* A frame that cannot split the line: control characters escaped as the tree output
 * escapes them (\n, \xNN), invalid UTF-8 as U+FFFD, and ';', the frame separator, as
 * ':'. The weight follows the last blank, so blanks may stay. */
static void pl_folded_frame(pl_buf *b, const planlint_node *n, pl_buf *tmp)
{
    size_t start = b->len, i;

    tmp->len = 0;
    pl_flame_label(tmp, n);
    if (tmp->failed)
        return;
    pl_buf_add_visible(b, tmp->data, tmp->len, 0);
    for (i = start; !b->failed && i < b->len; i++)
        if (b->data[i] == ';')
            b->data[i] = ':';
}

/* stack[d] is where the frames of the nodes below depth d start in path: preorder
 * visits a node right after its ancestors, so the path is cut back and extended. */
static void pl_folded_plan(pl_buf *b, const planlint_plan *p, size_t nplans, size_t *stack,
                           pl_buf *path, pl_buf *tmp)
{
    pl_flame_walk w = { 0, 0 };
    size_t i;

    path->len = 0;
    if (nplans > 1)
        pl_buf_printf(path, "plan %zu;", p->index + 1);
    stack[0] = path->len;
    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        long long weight = pl_flame_next_weight(&w, n);

        path->len = stack[n->depth];
        pl_folded_frame(path, n, tmp);
        if (path->failed)
            return;
        if (weight > 0) {
            pl_buf_add(b, path->data, path->len);
            pl_buf_printf(b, " %lld\n", weight);
        }
        pl_buf_putc(path, ';');
        stack[n->depth + 1] = path->len;
    }
}

int pl_render_folded(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                     planlint_error *err)
{
    const planlint_plan *p;
    size_t nplans = 0, most = 0, *stack;
    pl_buf path, tmp;
    int rc;

    (void)opts;
    if ((rc = pl_flame_check(head, "folded", err)) < 0)
        return rc;
    for (p = head; p; p = p->next, nplans++)
        most = p->nnodes > most ? p->nnodes : most;
    /* depth < nnodes, and the slot below the deepest node is written too */
    if (!(stack = pl_malloc((most + 1) * sizeof(*stack))))
        return pl_error_nomem(err);
    pl_buf_init(&path);
    pl_buf_init(&tmp);
    for (p = head; p; p = p->next)
        if (pl_flame_has_timing(p))
            pl_folded_plan(b, p, nplans, stack, &path, &tmp);
    rc = path.failed || tmp.failed ? pl_error_nomem(err) : 0;
    pl_buf_release(&path);
    pl_buf_release(&tmp);
    pl_free(stack);
    return rc;
}
