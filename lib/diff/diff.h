/* diff.h - two plans of one query compared node by node (planlint_diff_*). */
#ifndef PL_DIFF_H
#define PL_DIFF_H

#include "model.h"
#include "buf.h"

#define PL_DIFF_MAX_REASONS 64

typedef struct pl_diff_reason {
    unsigned int kind;          /* PLANLINT_REGRESSION_* */
    const planlint_node *node;  /* of the after plan; NULL: the plan as a whole */
    char *text;
} pl_diff_reason;

struct planlint_diff {
    const planlint_plan *before, *after;
    const planlint_node **match_before;   /* by before node id: its after node, or NULL */
    const planlint_node **match_after;    /* by after node id */
    double factor, min_ms, min_share;
    int failing;                          /* the caller fails on a regression */
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

/* diff_render.c: the nodes in the order every rendering shows them: the after plan's
 * tree in preorder, each removed node of the before plan under its parent; visit gets
 * the before node (NULL: added) and the after node (NULL: removed). */
typedef void (*pl_diff_visit)(void *ctx, const planlint_node *before, const planlint_node *after,
                              unsigned int depth);
void pl_diff_walk(const planlint_diff *d, pl_diff_visit visit, void *ctx);
/* diff_render.c: "same", "changed" (another node type), "added" or "removed". */
const char *pl_diff_change(const planlint_node *before, const planlint_node *after);
/* diff_render.c: shared hit + read of the node itself, NaN when it has no buffers. */
double pl_diff_buffers(const planlint_node *n);
/* diff_render.c: a time in ms with 3 decimals, else a count with thousands separators;
 * "?" for NaN. */
void pl_diff_num(pl_buf *b, double v, int is_time);
/* diff_render.c: "execution_time", "node_time", "seq_scan" or "spill". */
const char *pl_diff_kind_name(unsigned int kind);

/* diff_markdown.c and diff_sarif.c: the renderings behind planlint_diff_render() for
 * PLANLINT_OUTPUT_MARKDOWN and PLANLINT_OUTPUT_SARIF. */
void pl_diff_render_markdown(pl_buf *b, const planlint_diff *d, const planlint_render_options *opts);
void pl_diff_render_sarif(pl_buf *b, const planlint_diff *d);

#endif
