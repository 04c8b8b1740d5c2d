/* speedscope.c - a flame graph in speedscope's file format
 * (https://www.speedscope.app/file-format-schema.json): one sampled profile per plan,
 * one sample per node, its stack the path from the root, weighted by exclusive time. */
#include "render.h"
#include "alloc.h"
#include "error.h"

/* Milliseconds from whole microseconds, exactly: 1234 -> 1.234 */
static void pl_ss_ms(pl_buf *b, long long us)
{
    pl_buf_printf(b, "%lld.%03lld", us / 1000, us % 1000);
}

/* Every node of every plan is a frame; a plan's frames start at base. */
static void pl_ss_frames(pl_buf *b, const planlint_plan *head, pl_buf *tmp)
{
    const planlint_plan *p;
    size_t i;
    int first = 1;

    pl_buf_puts(b, "\"shared\":{\"frames\":[");
    for (p = head; p; p = p->next) {
        for (i = 0; i < p->nnodes && pl_flame_has_timing(p); i++) {
            tmp->len = 0;
            pl_flame_label(tmp, p->nodes[i]);
            pl_buf_puts(tmp, "");
            pl_buf_puts(b, first ? "{\"name\":" : ",{\"name\":");
            pl_json_string(b, tmp->failed ? "" : tmp->data);
            pl_buf_putc(b, '}');
            first = 0;
        }
    }
    pl_buf_puts(b, "]}");
}

static void pl_ss_name(pl_buf *b, const planlint_plan *p, const planlint_render_options *opts,
                       pl_buf *tmp)
{
    tmp->len = 0;
    if (opts->source_name)
        pl_buf_printf(tmp, "%s: ", opts->source_name);
    pl_buf_printf(tmp, "plan %zu", p->index + 1);
    pl_json_string(b, tmp->failed ? "" : tmp->data);
}

/* stack[d] is the frame of the current node's ancestor at depth d (preorder). */
static void pl_ss_profile(pl_buf *b, const planlint_plan *p, size_t base, size_t *stack,
                          const planlint_render_options *opts, pl_buf *tmp)
{
    pl_flame_walk w = { 0, 0 };
    size_t i, d;
    int first = 1;

    pl_buf_puts(b, "{\"type\":\"sampled\",\"name\":");
    pl_ss_name(b, p, opts, tmp);
    pl_buf_puts(b, ",\"unit\":\"milliseconds\",\"startValue\":0,\"samples\":[");
    /* weights are written into tmp meanwhile, then appended */
    tmp->len = 0;
    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        long long weight = pl_flame_next_weight(&w, n);

        stack[n->depth] = base + n->id;
        if (weight <= 0)
            continue;
        pl_buf_puts(b, first ? "[" : ",[");
        for (d = 0; d <= n->depth; d++)
            pl_buf_printf(b, d ? ",%zu" : "%zu", stack[d]);
        pl_buf_putc(b, ']');
        if (!first)
            pl_buf_putc(tmp, ',');
        pl_ss_ms(tmp, weight);
        first = 0;
    }
    pl_buf_puts(b, "],\"weights\":[");
    if (!tmp->failed)
        pl_buf_add(b, tmp->data, tmp->len);
    pl_buf_puts(b, "],\"endValue\":");
    pl_ss_ms(b, w.rounded);
    pl_buf_putc(b, '}');
}

int pl_render_speedscope(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                         planlint_error *err)
{
    const planlint_plan *p;
    size_t most = 0, base = 0, *stack;
    pl_buf tmp;
    int rc, first = 1;

    if ((rc = pl_flame_check(head, "speedscope", err)) < 0)
        return rc;
    for (p = head; p; p = p->next)
        most = p->nnodes > most ? p->nnodes : most;
    if (!(stack = pl_malloc((most + 1) * sizeof(*stack))))
        return pl_error_nomem(err);
    pl_buf_init(&tmp);
    pl_buf_puts(b, "{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\",\"name\":");
    pl_json_string(b, opts->source_name ? opts->source_name : "planlint");
    pl_buf_puts(b, ",\"exporter\":\"planlint " PLANLINT_VERSION "\",\"activeProfileIndex\":0,");
    pl_ss_frames(b, head, &tmp);
    pl_buf_puts(b, ",\"profiles\":[");
    for (p = head; p; p = p->next) {
        if (!pl_flame_has_timing(p))
            continue;
        if (!first)
            pl_buf_putc(b, ',');
        pl_ss_profile(b, p, base, stack, opts, &tmp);
        base += p->nnodes;
        first = 0;
    }
    pl_buf_puts(b, "]}\n");
    rc = tmp.failed ? pl_error_nomem(err) : 0;
    pl_buf_release(&tmp);
    pl_free(stack);
    return rc;
}
