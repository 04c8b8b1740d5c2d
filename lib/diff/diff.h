/* diff.h - two plans of one query compared node by node (planlint_diff_*). */
#ifndef PL_DIFF_H
#define PL_DIFF_H

#include "model.h"
#include "buf.h"

#define PL_DIFF_MAX_REASONS 64

typedef struct pl_diff_reason {
    unsigned int kind;          /* PLANLINT_REGRESSION_* */
    char *text;
} pl_diff_reason;

struct planlint_diff {
    const planlint_plan *before, *after;
    const planlint_node **match_before;   /* by before node id: its after node, or NULL */
    const planlint_node **match_after;    /* by after node id */
    double factor, min_ms, min_share;
    char *before_name, *after_name;       /* NULL when not given */
    const planlint_finding **appeared, **gone;
    size_t nappeared, ngone;
    unsigned int regressions;
    pl_diff_reason reasons[PL_DIFF_MAX_REASONS];
    size_t nreasons;
    char *verdict;
};

/* diff.c: the node type as EXPLAIN's text names it ("HashAggregate" for an Aggregate
 * whose strategy is Hashed). Borrowed. */
const char *pl_diff_node_type(const planlint_node *n);
/* diff.c: "Seq Scan on orders" (the alias after the relation when it differs). */
void pl_diff_node_label(pl_buf *b, const planlint_node *n);
/* diff.c: what a node spills to disk, e.g. "Sort spills to disk (external merge,
 * 5,728 kB)", or 0 when it does not. */
int pl_diff_node_spill(pl_buf *b, const planlint_node *n);
/* diff.c: after / before, NaN when either is not a number or before is not above 0. */
double pl_diff_ratio(double before, double after);

/* diff_tree.c and diff_json.c: the renderings behind planlint_diff_render(). */
void pl_diff_render_tree(pl_buf *b, const planlint_diff *d, const planlint_render_options *opts);
void pl_diff_render_json(pl_buf *b, const planlint_diff *d);

#endif
