/* diff_render.c - planlint_diff_render(): the diff as text for a terminal or as JSON
 * (docs/diff.md), and the walk every rendering shows the nodes in: the after plan's
 * tree, removed nodes under their parent. Markdown and SARIF are in diff_markdown.c and
 * diff_sarif.c. */
#include "diff.h"
#include "render.h"
#include "finding.h"
#include "error.h"

#include <math.h>
#include <string.h>

#define PL_DIFF_JSON_VERSION 1

/* Removed nodes: those of the before plan left unmatched, with their unmatched children. */
static void pl_walk_removed(const planlint_diff *d, const planlint_node *a, unsigned int depth,
                            pl_diff_visit visit, void *ctx)
{
    size_t i;

    visit(ctx, a, NULL, depth);
    for (i = 0; i < a->nchildren; i++)
        if (!d->match_before[a->children[i]->id])
            pl_walk_removed(d, a->children[i], depth + 1, visit, ctx);
}

static void pl_walk(const planlint_diff *d, const planlint_node *b, unsigned int depth, pl_diff_visit visit,
                    void *ctx)
{
    const planlint_node *a = d->match_after[b->id];
    size_t i;

    visit(ctx, a, b, depth);
    for (i = 0; i < b->nchildren; i++)
        pl_walk(d, b->children[i], depth + 1, visit, ctx);
    for (i = 0; a && i < a->nchildren; i++)
        if (!d->match_before[a->children[i]->id])
            pl_walk_removed(d, a->children[i], depth + 1, visit, ctx);
}

void pl_diff_walk(const planlint_diff *d, pl_diff_visit visit, void *ctx)
{
    pl_walk(d, d->after->root, 0, visit, ctx);
}

const char *pl_diff_change(const planlint_node *a, const planlint_node *b)
{
    if (!a || !b)
        return a ? "removed" : "added";
    return strcmp(pl_diff_node_type(a), pl_diff_node_type(b)) != 0 ? "changed" : "same";
}

double pl_diff_buffers(const planlint_node *n)
{
    double hit = n->m[PLANLINT_M_EXCL_SHARED_HIT], read = n->m[PLANLINT_M_EXCL_SHARED_READ];

    if (isnan(hit) && isnan(read))
        return NAN;
    return (isnan(hit) ? 0 : hit) + (isnan(read) ? 0 : read);
}

/* ---------------------------------------------------------------- text */

typedef struct pl_diff_text {
    pl_buf *b;
    const planlint_render_options *o;
} pl_diff_text;

static void pl_paint(pl_diff_text *t, const char *code)
{
    if (t->o->color)
        pl_buf_puts(t->b, code);
}

void pl_diff_num(pl_buf *b, double v, int is_time)
{
    if (isnan(v))
        pl_buf_puts(b, "?");
    else if (is_time)
        pl_buf_fixed(b, v, 3);
    else
        pl_buf_count(b, v);
}

/* "  label a -> b" (a ratio after times), or the one side a node added or removed has. */
static void pl_text_metric(pl_buf *b, const char *label, const planlint_node *x, const planlint_node *y,
                           double (*get)(const planlint_node *), int is_time)
{
    double va = x ? get(x) : NAN, vb = y ? get(y) : NAN;

    if (isnan(va) && isnan(vb))
        return;
    pl_buf_printf(b, "  %s ", label);
    pl_diff_num(b, x ? va : vb, is_time);
    if (x && y) {
        pl_buf_puts(b, " -> ");
        pl_diff_num(b, vb, is_time);
    }
    if (is_time)
        pl_buf_puts(b, " ms");
    if (is_time && x && y && !isnan(pl_diff_ratio(va, vb))) {
        pl_buf_puts(b, " (");
        pl_buf_fixed(b, pl_diff_ratio(va, vb), 2);
        pl_buf_puts(b, "x)");
    }
}

static void pl_text_spill(pl_buf *b, const planlint_node *n, const char *when)
{
    pl_buf tmp;

    pl_buf_init(&tmp);
    if (n && pl_diff_node_spill(&tmp, n) && !tmp.failed) {
        pl_buf_printf(b, "  %s", when);
        pl_buf_add(b, tmp.data, tmp.len);
    }
    pl_buf_release(&tmp);
}

static double pl_get_time(const planlint_node *n) { return n->m[PLANLINT_M_EXCLUSIVE_TIME]; }
static double pl_get_rows(const planlint_node *n) { return n->m[PLANLINT_M_TOTAL_ROWS]; }
static double pl_get_est(const planlint_node *n) { return n->m[PLANLINT_M_PLAN_ROWS]; }

/* The after node's label too when it says something else (Parallel, another index). */
static void pl_text_labels(pl_buf *b, const planlint_node *x, const planlint_node *y)
{
    pl_buf la, lb;

    pl_diff_node_label(b, x ? x : y);
    if (!x || !y)
        return;
    pl_buf_init(&la);
    pl_buf_init(&lb);
    pl_diff_node_label(&la, x);
    pl_diff_node_label(&lb, y);
    if (la.failed || lb.failed || la.len != lb.len || memcmp(la.data, lb.data, la.len) != 0) {
        pl_buf_puts(b, " -> ");
        pl_diff_node_label(b, y);
    }
    pl_buf_release(&la);
    pl_buf_release(&lb);
}

static void pl_text_node(void *ctx, const planlint_node *a, const planlint_node *b, unsigned int depth)
{
    pl_diff_text *t = ctx;
    const char *change = pl_diff_change(a, b);
    const char *mark = *change == 'a' ? "+ " : *change == 'r' ? "- " : *change == 'c' ? "~ " : "  ";
    size_t indent, numbers;

    pl_paint(t, *change == 'a' ? "\x1b[32m" : *change == 'r' ? "\x1b[31m" : *change == 'c' ? "\x1b[33m" : "");
    pl_buf_puts(t->b, mark);
    pl_buf_repeat(t->b, "  ", depth);
    pl_text_labels(t->b, a, b);
    if (*change != 's')
        pl_paint(t, "\x1b[0m");
    pl_buf_putc(t->b, '\n');
    indent = t->b->len;
    pl_buf_puts(t->b, "  ");
    pl_buf_repeat(t->b, "  ", depth);
    pl_buf_puts(t->b, " ");
    numbers = t->b->len;
    pl_text_metric(t->b, "self", a, b, pl_get_time, 1);
    pl_text_metric(t->b, "rows", a, b, pl_get_rows, 0);
    pl_text_metric(t->b, "buffers", a, b, pl_diff_buffers, 0);
    pl_text_metric(t->b, "estimated rows", a, b, pl_get_est, 0);
    pl_text_spill(t->b, a, b ? "was: " : "");
    pl_text_spill(t->b, b, a ? "now: " : "");
    if (t->b->len == numbers && !t->b->failed) {
        t->b->len = indent;   /* no numbers (EXPLAIN with COSTS OFF): no line of blanks */
        t->b->data[indent] = '\0';
        return;
    }
    pl_buf_putc(t->b, '\n');
}

static void pl_text_findings(pl_diff_text *t, const planlint_diff *d, int appeared)
{
    size_t i, n = planlint_diff_finding_count(d, appeared);

    pl_buf_printf(t->b, "\n%s (%zu):\n", appeared ? "New findings" : "Findings gone", n);
    for (i = 0; i < n; i++) {
        const planlint_finding *f = planlint_diff_finding(d, appeared, i);
        pl_buf_printf(t->b, "  %s %s %s", planlint_rule_id(f->rule), planlint_severity_name(f->severity),
                      planlint_rule_name(f->rule));
        if (f->node) {
            pl_buf_puts(t->b, " at ");
            pl_diff_node_label(t->b, f->node);
        }
        pl_buf_puts(t->b, ": ");
        pl_buf_add_visible(t->b, f->message, strlen(f->message), 0);
        pl_buf_putc(t->b, '\n');
    }
}

static void pl_text_plan_time(pl_buf *b, const char *label, const planlint_diff *d, planlint_plan_metric m)
{
    double va = d->before->pm[m], vb = d->after->pm[m];

    if (isnan(va) && isnan(vb))
        return;
    pl_buf_printf(b, "%-16s", label);
    isnan(va) ? pl_buf_puts(b, "?") : pl_buf_fixed(b, va, 3);
    pl_buf_puts(b, " ms -> ");
    isnan(vb) ? pl_buf_puts(b, "?") : pl_buf_fixed(b, vb, 3);
    pl_buf_puts(b, " ms");
    if (!isnan(pl_diff_ratio(va, vb))) {
        pl_buf_puts(b, " (");
        pl_buf_fixed(b, pl_diff_ratio(va, vb), 2);
        pl_buf_puts(b, "x)");
    }
    pl_buf_putc(b, '\n');
}

static void pl_text_regressions(pl_diff_text *t, const planlint_diff *d)
{
    size_t i;

    pl_buf_puts(t->b, "\nRegressions (a time grown ");
    pl_buf_fixed(t->b, d->factor, 2);
    pl_buf_puts(t->b, "x or more, nodes from ");
    pl_buf_fixed(t->b, d->min_ms, 1);
    pl_buf_puts(t->b, " ms and ");
    pl_buf_fixed(t->b, d->min_share * 100, 0);
    pl_buf_printf(t->b, "%% of the plan; index scan to Seq Scan; a new spill to disk):%s\n",
                  d->nreasons ? "" : " none");
    for (i = 0; i < d->nreasons; i++) {
        pl_paint(t, "\x1b[31m");
        pl_buf_puts(t->b, "  ");
        pl_buf_add_visible(t->b, d->reasons[i].text, strlen(d->reasons[i].text), 0);
        pl_paint(t, "\x1b[0m");
        pl_buf_putc(t->b, '\n');
    }
}

static void pl_diff_text_render(pl_buf *b, const planlint_diff *d, const planlint_render_options *o)
{
    pl_diff_text t;
    const char *v = d->verdict;

    t.b = b;
    t.o = o;
    pl_buf_puts(b, "Plan diff: ");
    pl_buf_add_visible(b, d->before_name ? d->before_name : "before", strlen(d->before_name ? d->before_name : "before"), 0);
    pl_buf_puts(b, " -> ");
    pl_buf_add_visible(b, d->after_name ? d->after_name : "after", strlen(d->after_name ? d->after_name : "after"), 0);
    pl_buf_puts(b, "\nVerdict: ");
    pl_paint(&t, strncmp(v, "slower", 6) == 0 ? "\x1b[1;31m" : strncmp(v, "faster", 6) == 0 ? "\x1b[1;32m" : "\x1b[1m");
    pl_buf_add_visible(b, v, strlen(v), 0);
    pl_paint(&t, "\x1b[0m");
    pl_buf_puts(b, "\n\n");
    pl_text_plan_time(b, "Execution time", d, PLANLINT_PLAN_EXECUTION_TIME);
    pl_text_plan_time(b, "Planning time", d, PLANLINT_PLAN_PLANNING_TIME);
    pl_buf_puts(b, "\nNodes (before -> after; ~ changed, + added, - removed; self time, rows, buffers hit+read):\n");
    pl_diff_walk(d, pl_text_node, &t);
    pl_text_findings(&t, d, 1);
    pl_text_findings(&t, d, 0);
    pl_text_regressions(&t, d);
}

/* ---------------------------------------------------------------- JSON */

typedef struct pl_diff_json {
    pl_buf *b;
    int first;
} pl_diff_json;

static void pl_jkey(pl_buf *b, const char *key)
{
    pl_json_string(b, key);
    pl_buf_putc(b, ':');
}

static void pl_jstr(pl_buf *b, const char *key, const char *v, int comma)
{
    pl_jkey(b, key);
    v ? pl_json_string(b, v) : pl_buf_puts(b, "null");
    if (comma)
        pl_buf_putc(b, ',');
}

static void pl_jnum(pl_buf *b, const char *key, double v, int is_time, int comma)
{
    pl_jkey(b, key);
    pl_json_derived_number(b, v, is_time);
    if (comma)
        pl_buf_putc(b, ',');
}

static void pl_json_label(pl_buf *b, const planlint_node *n)
{
    pl_buf label;

    pl_buf_init(&label);
    pl_diff_node_label(&label, n);
    pl_buf_putc(&label, '\0');
    if (label.failed)
        b->failed = 1;
    else
        pl_json_string(b, label.data);
    pl_buf_release(&label);
}

static void pl_json_node(pl_buf *b, const planlint_node *n)
{
    pl_buf spill;

    if (!n) {
        pl_buf_puts(b, "null");
        return;
    }
    pl_buf_printf(b, "{\"id\":%zu,", n->id);
    pl_jkey(b, "label");
    pl_json_label(b, n);
    pl_buf_putc(b, ',');
    pl_jstr(b, "node_type", n->fields[PLANLINT_FIELD_NODE_TYPE], 1);
    pl_jstr(b, "relation", n->fields[PLANLINT_FIELD_RELATION], 1);
    pl_jstr(b, "alias", n->fields[PLANLINT_FIELD_ALIAS], 1);
    pl_jstr(b, "index", n->fields[PLANLINT_FIELD_INDEX], 1);
    pl_jnum(b, "exclusive_time", n->m[PLANLINT_M_EXCLUSIVE_TIME], 1, 1);
    pl_jnum(b, "inclusive_time", n->m[PLANLINT_M_INCLUSIVE_TIME], 1, 1);
    pl_jnum(b, "total_rows", n->m[PLANLINT_M_TOTAL_ROWS], 0, 1);
    pl_jnum(b, "plan_rows", n->m[PLANLINT_M_PLAN_ROWS], 0, 1);
    pl_jnum(b, "estimate_factor", n->m[PLANLINT_M_ESTIMATE_FACTOR], 0, 1);
    pl_jnum(b, "buffers", pl_diff_buffers(n), 0, 1);
    pl_jnum(b, "temp_written", n->m[PLANLINT_M_EXCL_TEMP_WRITTEN], 0, 1);
    pl_buf_init(&spill);
    if (pl_diff_node_spill(&spill, n))
        pl_buf_putc(&spill, '\0');
    pl_jstr(b, "spill", spill.failed ? NULL : spill.data, 0);
    pl_buf_release(&spill);
    pl_buf_putc(b, '}');
}

static void pl_json_visit(void *ctx, const planlint_node *a, const planlint_node *b, unsigned int depth)
{
    pl_diff_json *j = ctx;

    if (!j->first)
        pl_buf_putc(j->b, ',');
    j->first = 0;
    pl_buf_printf(j->b, "\n    {\"depth\":%u,", depth);
    pl_jstr(j->b, "change", pl_diff_change(a, b), 1);
    pl_jkey(j->b, "before");
    pl_json_node(j->b, a);
    pl_buf_putc(j->b, ',');
    pl_jkey(j->b, "after");
    pl_json_node(j->b, b);
    pl_buf_putc(j->b, ',');
    pl_jnum(j->b, "exclusive_time_ratio",
            a && b ? pl_diff_ratio(a->m[PLANLINT_M_EXCLUSIVE_TIME], b->m[PLANLINT_M_EXCLUSIVE_TIME]) : NAN, 0, 0);
    pl_buf_putc(j->b, '}');
}

static void pl_json_findings(pl_buf *b, const planlint_diff *d, int appeared)
{
    size_t i, n = planlint_diff_finding_count(d, appeared);

    pl_buf_putc(b, '[');
    for (i = 0; i < n; i++) {
        const planlint_finding *f = planlint_diff_finding(d, appeared, i);
        pl_buf_puts(b, i ? ",\n      {" : "\n      {");
        pl_jstr(b, "rule_id", planlint_rule_id(f->rule), 1);
        pl_jstr(b, "rule_name", planlint_rule_name(f->rule), 1);
        pl_jstr(b, "severity", planlint_severity_name(f->severity), 1);
        pl_jkey(b, "node");
        f->node ? pl_buf_printf(b, "%zu", f->node->id) : pl_buf_puts(b, "null");
        pl_buf_putc(b, ',');
        pl_jstr(b, "relation", f->node ? f->node->fields[PLANLINT_FIELD_RELATION] : NULL, 1);
        pl_jnum(b, "time_at_stake", f->time_at_stake, 1, 1);
        pl_jstr(b, "message", f->message, 0);
        pl_buf_putc(b, '}');
    }
    pl_buf_puts(b, n ? "\n    ]" : "]");
}

const char *pl_diff_kind_name(unsigned int kind)
{
    switch (kind) {
    case PLANLINT_REGRESSION_EXECUTION_TIME: return "execution_time";
    case PLANLINT_REGRESSION_NODE_TIME: return "node_time";
    case PLANLINT_REGRESSION_SEQ_SCAN: return "seq_scan";
    default: return "spill";
    }
}

static void pl_json_side(pl_buf *b, const char *key, const char *name, const planlint_plan *p)
{
    pl_buf_printf(b, "  \"%s\": {", key);
    pl_jstr(b, "source", name, 1);
    pl_jnum(b, "execution_time", p->pm[PLANLINT_PLAN_EXECUTION_TIME], 1, 1);
    pl_jnum(b, "planning_time", p->pm[PLANLINT_PLAN_PLANNING_TIME], 1, 1);
    pl_buf_printf(b, "\"nodes\":%zu,\"findings\":%zu},\n", p->nnodes, p->nfindings);
}

static void pl_json_regression(pl_buf *b, const planlint_diff *d)
{
    size_t i;

    pl_buf_puts(b, "  \"regression\": {");
    pl_jnum(b, "factor", d->factor, 0, 1);
    pl_jnum(b, "min_node_ms", d->min_ms, 0, 1);
    pl_jnum(b, "min_node_share", d->min_share, 0, 1);
    pl_buf_printf(b, "\"regressed\":%s,\"reasons\":[", d->regressions ? "true" : "false");
    for (i = 0; i < d->nreasons; i++) {
        pl_buf_puts(b, i ? ",\n    {" : "\n    {");
        pl_jstr(b, "kind", pl_diff_kind_name(d->reasons[i].kind), 1);
        pl_jstr(b, "text", d->reasons[i].text, 0);
        pl_buf_putc(b, '}');
    }
    pl_buf_puts(b, d->nreasons ? "\n  ]},\n" : "]},\n");
}

static void pl_diff_json_render(pl_buf *b, const planlint_diff *d)
{
    pl_diff_json j;

    pl_buf_printf(b, "{\n  \"planlint_diff_version\": %d,\n", PL_DIFF_JSON_VERSION);
    pl_json_side(b, "before", d->before_name, d->before);
    pl_json_side(b, "after", d->after_name, d->after);
    pl_buf_puts(b, "  ");
    pl_jnum(b, "execution_time_ratio", pl_diff_ratio(d->before->pm[PLANLINT_PLAN_EXECUTION_TIME],
                                                     d->after->pm[PLANLINT_PLAN_EXECUTION_TIME]), 0, 1);
    pl_buf_puts(b, "\n  ");
    pl_jstr(b, "verdict", d->verdict, 1);
    pl_buf_putc(b, '\n');
    pl_json_regression(b, d);
    pl_buf_puts(b, "  \"nodes\": [");
    j.b = b;
    j.first = 1;
    pl_diff_walk(d, pl_json_visit, &j);
    pl_buf_puts(b, "\n  ],\n  \"findings\": {\n    \"appeared\": ");
    pl_json_findings(b, d, 1);
    pl_buf_puts(b, ",\n    \"disappeared\": ");
    pl_json_findings(b, d, 0);
    pl_buf_puts(b, "\n  }\n}\n");
}

int planlint_diff_render(char **out, size_t *out_len, const planlint_diff *d, const planlint_render_options *opts,
                         planlint_error *err)
{
    planlint_render_options defaults = PLANLINT_RENDER_OPTIONS_INIT;
    pl_buf b;

    if (!out || !d)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out and diff must not be NULL");
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (opts->version != PLANLINT_RENDER_OPTIONS_VERSION)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unsupported options version %u", opts->version);
    pl_buf_init(&b);
    switch (opts->format) {
    case PLANLINT_OUTPUT_TREE: pl_diff_text_render(&b, d, opts); break;
    case PLANLINT_OUTPUT_JSON: pl_diff_json_render(&b, d); break;
    case PLANLINT_OUTPUT_MARKDOWN: pl_diff_render_markdown(&b, d, opts); break;
    case PLANLINT_OUTPUT_SARIF: pl_diff_render_sarif(&b, d); break;
    default:
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "a diff is rendered as tree, json, markdown or sarif only");
    }
    return pl_buf_hand_over(&b, out, out_len, err);
}
