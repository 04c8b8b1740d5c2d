/* label.c - how the Markdown and SARIF outputs name a node: "#3 Seq Scan on public.t"
 * and its place in the EXPLAIN document, "Plan/Plans/0". Raw text: callers escape. */
#include "render.h"
#include "alloc.h"

#include <string.h>

void pl_render_node_label(pl_buf *b, const planlint_node *n)
{
    const char *rel = n->fields[PLANLINT_FIELD_RELATION], *schema = n->fields[PLANLINT_FIELD_SCHEMA];
    const char *sub = n->fields[PLANLINT_FIELD_SUBPLAN];

    pl_buf_printf(b, "#%zu %s", n->id, n->fields[PLANLINT_FIELD_NODE_TYPE]);
    if (rel) {
        pl_buf_puts(b, " on ");
        if (schema)
            pl_buf_printf(b, "%s.", schema);
        pl_buf_puts(b, rel);
    } else if (n->fields[PLANLINT_FIELD_CTE]) {
        pl_buf_printf(b, " on %s", n->fields[PLANLINT_FIELD_CTE]);
    } else if (n->fields[PLANLINT_FIELD_FUNCTION]) {
        pl_buf_printf(b, " on %s()", n->fields[PLANLINT_FIELD_FUNCTION]);
    }
    if (n->fields[PLANLINT_FIELD_INDEX])
        pl_buf_printf(b, " using %s", n->fields[PLANLINT_FIELD_INDEX]);
    if (sub)
        pl_buf_printf(b, " (%s)", sub);
}

/* The ancestors are collected in one walk up, as json.c does for node_path. */
void pl_node_doc_path(pl_buf *b, const planlint_node *n)
{
    const planlint_node **chain, *a;
    size_t len = (size_t)n->depth + 1, i, k;

    if (!(chain = pl_malloc(len * sizeof(*chain)))) {
        b->failed = 1;
        return;
    }
    for (a = n, i = len; i > 0; a = a->parent)
        chain[--i] = a;
    pl_buf_puts(b, "Plan");
    for (i = 1; i < len; i++) {
        for (k = 0; k < chain[i - 1]->nchildren && chain[i - 1]->children[k] != chain[i]; k++)
            ;
        pl_buf_printf(b, "/Plans/%zu", k);
    }
    pl_free((void *)chain);
}
