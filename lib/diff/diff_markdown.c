/* diff_markdown.c - the diff as GitHub-flavoured Markdown for a pull-request comment:
 * the verdict as the title, the regressions, the nodes that changed, the findings that
 * appeared and disappeared with their SQL, and both trees folded (docs/diff.md). Text
 * from the plans is escaped by markdown.c's helpers, as in the single-plan comment. */
#include "diff.h"
#include "render.h"
#include "finding.h"

#include <math.h>
#include <string.h>

#define PL_MD_ARROW " \xe2\x86\x92 "   /* " → " */
#define PL_MD_DOT " \xc2\xb7 "         /* " · " */
#define PL_MD_DASH "\xe2\x80\x94"      /* "—": nothing to show */

/* A node moved by this share or more (10%, as the verdict's slower and faster). */
#define PL_MD_NOTABLE 1.1

static void pl_md_side(pl_buf *b, const char *label, const char *name, const planlint_plan *p)
{
    double exec = p->pm[PLANLINT_PLAN_EXECUTION_TIME], plan = p->pm[PLANLINT_PLAN_PLANNING_TIME];

    pl_buf_printf(b, "**%s:** ", label);
    if (name)
        pl_md_text(b, name, 0);
    else
        pl_buf_puts(b, "(unnamed)");
    pl_buf_printf(b, PL_MD_DOT "%zu node%s", p->nnodes, p->nnodes == 1 ? "" : "s");
    if (!isnan(exec)) {
        pl_buf_puts(b, PL_MD_DOT "execution ");
        pl_buf_fixed(b, exec, 3);
        pl_buf_puts(b, " ms");
    }
    if (!isnan(plan)) {
        pl_buf_puts(b, PL_MD_DOT "planning ");
        pl_buf_fixed(b, plan, 3);
        pl_buf_puts(b, " ms");
    }
    if (!(p->flags & PLANLINT_PLAN_HAS_ANALYZE))
        pl_buf_puts(b, p->flags & PLANLINT_PLAN_HAS_COSTS ? PL_MD_DOT "no ANALYZE: estimates only"
                                                          : PL_MD_DOT "no ANALYZE, COSTS OFF: no numbers");
    pl_buf_puts(b, "  \n");
}

static void pl_md_header(pl_buf *b, const planlint_diff *d)
{
    pl_buf_puts(b, "### planlint diff: ");
    pl_md_text(b, d->verdict, 0);
    pl_buf_puts(b, "\n\n");
    pl_md_side(b, "Before", d->before_name, d->before);
    pl_md_side(b, "After", d->after_name, d->after);
    pl_buf_putc(b, '\n');
}

static const char *pl_md_kind(unsigned int kind)
{
    switch (kind) {
    case PLANLINT_REGRESSION_EXECUTION_TIME: return "execution time";
    case PLANLINT_REGRESSION_NODE_TIME: return "node time";
    case PLANLINT_REGRESSION_SEQ_SCAN: return "index scan to Seq Scan";
    default: return "spill to disk";
    }
}

/* What counts, said once, so that "none" has a meaning. */
static void pl_md_criteria(pl_buf *b, const planlint_diff *d)
{
    pl_buf_puts(b, "a time grown ");
    pl_buf_fixed(b, d->factor, 2);
    pl_buf_puts(b, "x or more (nodes from ");
    pl_buf_fixed(b, d->min_ms, 1);
    pl_buf_puts(b, " ms and ");
    pl_buf_fixed(b, d->min_share * 100, 0);
    pl_buf_puts(b, "% of the plan), an index scan become a Seq Scan, a new spill to disk");
}

static void pl_md_regressions(pl_buf *b, const planlint_diff *d)
{
    size_t i;

    pl_buf_printf(b, "#### Regressions (%zu)\n\n", d->nreasons);
    if (d->nreasons == 0) {
        pl_buf_puts(b, "None: ");
        pl_md_criteria(b, d);
        pl_buf_puts(b, ".\n\n");
        return;
    }
    pl_buf_puts(b, "Judged by: ");
    pl_md_criteria(b, d);
    pl_buf_puts(b, ".\n\n| # | Kind | Regression |\n|--:|------|------------|\n");
    for (i = 0; i < d->nreasons; i++) {
        pl_buf_printf(b, "| %zu | %s | ", i + 1, pl_md_kind(d->reasons[i].kind));
        pl_md_text(b, d->reasons[i].text, 0);
        pl_buf_puts(b, " |\n");
    }
    pl_buf_putc(b, '\n');
}

static double pl_get_time(const planlint_node *n) { return n->m[PLANLINT_M_EXCLUSIVE_TIME]; }
static double pl_get_rows(const planlint_node *n) { return n->m[PLANLINT_M_TOTAL_ROWS]; }

/* A matched node of the same type is listed when its rows or buffers differ, or its own
 * time moved by 10% or more and takes min_ms on either side (below that it is noise). */
static int pl_md_changed(const planlint_diff *d, const planlint_node *a, const planlint_node *b)
{
    double ta = pl_get_time(a), tb = pl_get_time(b), r = pl_diff_ratio(ta, tb);
    double ra = pl_get_rows(a), rb = pl_get_rows(b), ba = pl_diff_buffers(a), bb = pl_diff_buffers(b);

    if (strcmp(pl_diff_change(a, b), "same") != 0)
        return 1;
    if ((!isnan(ra) || !isnan(rb)) && !(ra == rb))
        return 1;
    if ((!isnan(ba) || !isnan(bb)) && !(ba == bb))
        return 1;
    if (isnan(ta) || isnan(tb) || (ta < d->min_ms && tb < d->min_ms))
        return 0;
    return isnan(r) || r >= PL_MD_NOTABLE || r <= 1 / PL_MD_NOTABLE;
}

/* "before → after (ratio×)", one side for an added or removed node, a dash for none. */
static void pl_md_cell(pl_buf *b, const planlint_node *x, const planlint_node *y,
                       double (*get)(const planlint_node *), int is_time)
{
    double va = x ? get(x) : NAN, vb = y ? get(y) : NAN, r = pl_diff_ratio(va, vb);

    pl_buf_puts(b, " | ");
    if (isnan(va) && isnan(vb)) {
        pl_buf_puts(b, PL_MD_DASH);
        return;
    }
    pl_diff_num(b, x ? va : vb, is_time);
    if (x && y) {
        pl_buf_puts(b, PL_MD_ARROW);
        pl_diff_num(b, vb, is_time);
    }
    if (x && y && !isnan(r)) {
        pl_buf_puts(b, " (");
        pl_buf_fixed(b, r, 2);
        pl_buf_puts(b, "\xc3\x97)");   /* "×" */
    }
}

/* The label of the node, and the after node's too when it says something else. */
static void pl_md_label(pl_buf *b, const planlint_node *x, const planlint_node *y)
{
    pl_buf la, lb;

    pl_buf_init(&la);
    pl_buf_init(&lb);
    pl_diff_node_label(&la, x ? x : y);
    pl_buf_putc(&la, '\0');
    if (x && y) {
        pl_diff_node_label(&lb, y);
        pl_buf_putc(&lb, '\0');
    }
    if (la.failed || lb.failed) {
        b->failed = 1;
    } else {
        pl_md_text(b, la.data, 0);
        if (x && y && strcmp(la.data, lb.data) != 0) {
            pl_buf_puts(b, PL_MD_ARROW);
            pl_md_text(b, lb.data, 0);
        }
    }
    pl_buf_release(&la);
    pl_buf_release(&lb);
}

typedef struct pl_md_nodes {
    pl_buf *b;
    const planlint_diff *d;
    size_t shown;
} pl_md_nodes;

static void pl_md_node_row(void *ctx, const planlint_node *x, const planlint_node *y, unsigned int depth)
{
    pl_md_nodes *t = ctx;
    const char *change;

    (void)depth;
    if (x && y && !pl_md_changed(t->d, x, y))
        return;
    if (t->shown++ == 0)
        pl_buf_puts(t->b, "| Change | Node | Self time (ms) | Rows | Buffers (hit+read) |\n"
                          "|--------|------|---------------:|-----:|-------------------:|\n");
    change = pl_diff_change(x, y);
    pl_buf_printf(t->b, "| %s | ", !strcmp(change, "same") ? "same type" : !strcmp(change, "changed") ? "type changed" : change);
    pl_md_label(t->b, x, y);
    pl_md_cell(t->b, x, y, pl_get_time, 1);
    pl_md_cell(t->b, x, y, pl_get_rows, 0);
    pl_md_cell(t->b, x, y, pl_diff_buffers, 0);
    pl_buf_puts(t->b, " |\n");
}

static void pl_md_nodes_table(pl_buf *b, const planlint_diff *d)
{
    pl_md_nodes t;

    t.b = b;
    t.d = d;
    t.shown = 0;
    pl_buf_puts(b, "#### Changed nodes\n\n");
    pl_diff_walk(d, pl_md_node_row, &t);
    if (t.shown == 0) {
        pl_buf_puts(b, "None: the same node types, rows and buffers; no own time of ");
        pl_buf_fixed(b, d->min_ms, 1);
        pl_buf_puts(b, " ms or more moved by 10%.\n");
    }
    pl_buf_putc(b, '\n');
}

static void pl_md_findings(pl_buf *b, const planlint_diff *d, int appeared)
{
    size_t i, n = planlint_diff_finding_count(d, appeared);
    const planlint_finding *const *f = appeared ? d->appeared : d->gone;

    pl_buf_printf(b, "#### Findings that %s (%zu)\n\n", appeared ? "appeared" : "disappeared", n);
    if (n == 0) {
        pl_buf_puts(b, "None.\n\n");
        return;
    }
    pl_md_findings_table(b, f, n);
    for (i = 0; i < n; i++)
        pl_md_finding(b, f[i], i + 1);
}

void pl_diff_render_markdown(pl_buf *b, const planlint_diff *d, const planlint_render_options *opts)
{
    planlint_render_options o = *opts;

    pl_md_header(b, d);
    pl_md_regressions(b, d);
    pl_md_nodes_table(b, d);
    pl_md_findings(b, d, 1);
    pl_md_findings(b, d, 0);
    o.source_name = d->before_name;
    pl_md_tree(b, d->before, 1, &o, "Before: plan tree");
    pl_buf_putc(b, '\n');
    o.source_name = d->after_name;
    pl_md_tree(b, d->after, 1, &o, "After: plan tree");
}
