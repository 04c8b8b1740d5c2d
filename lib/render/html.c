/* html.c - one self-contained HTML page: no script, no request (the page forbids both
 * in its Content-Security-Policy), readable on screen and on paper. The words are the
 * tree's (tree.c); every string from the input is escaped twice: control characters
 * as the terminal sees them, then & < > " ' as entities. One input's plans
 * (planlint_render()), or several inputs' on one page (planlint_html_*). */
#include "render.h"
#include "finding.h"
#include "alloc.h"
#include "error.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct pl_html {
    pl_buf *b;
    pl_buf tmp;                 /* scratch for text before it is escaped */
    const planlint_plan *plan;
    size_t anchor;              /* the plan's number on the page, in its ids: p<anchor>-n3 */
    int analyze;
    int no_numbers;            /* EXPLAIN (COSTS OFF) without ANALYZE: no number columns */
    size_t *first, *next;       /* per node, its findings by rank: first[id], next[rank] */
} pl_html;

#define PL_NONE SIZE_MAX

static const char pl_html_css[] =
    ":root{--fg:#1d2330;--dim:#5b6475;--line:#d9dde5;--bg:#fff;--band:#f4f6f9;"
    "--err:#c0262d;--warn:#b86e00;--info:#1f6fb2;--bar:#3b7dd8}\n"
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;color:var(--fg);"
    "background:var(--bg);margin:0 auto;padding:1em 1.5em;max-width:1400px}\n"
    "h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.2em;margin:1.2em 0 .3em;"
    "border-bottom:2px solid var(--line)}h3{font-size:1.05em;margin:1em 0 .4em}\n"
    ".src{color:var(--dim);overflow-wrap:anywhere;margin:0}\n"
    "dl.summary{display:flex;flex-wrap:wrap;gap:.3em 1.6em;margin:.4em 0}"
    "dl.summary div{display:flex;gap:.4em}dl.summary dt{color:var(--dim)}dl.summary dd{margin:0;"
    "font-weight:600;font-variant-numeric:tabular-nums}\n"
    "pre{background:var(--band);border:1px solid var(--line);border-radius:4px;padding:.5em .7em;"
    "white-space:pre-wrap;overflow-wrap:anywhere;margin:.4em 0}\n"
    "code,pre,.tree,.cols{font-family:ui-monospace,'DejaVu Sans Mono',Menlo,Consolas,monospace;"
    "font-size:12.5px}\n"
    ".note{color:var(--warn)}\n"
    "ol.findings{padding-left:1.6em}ol.findings>li{margin:.6em 0 1em;padding-left:.5em;"
    "border-left:4px solid var(--info)}\n"
    ".sev-error{border-color:var(--err)!important}.sev-warning{border-color:var(--warn)!important}\n"
    ".sev{font-weight:700;text-transform:uppercase;font-size:.8em;letter-spacing:.04em}\n"
    "li.sev-error .sev,a.sev-error{color:var(--err)}li.sev-warning .sev,a.sev-warning{color:var(--warn)}"
    "li.sev-info .sev,a.sev-info{color:var(--info)}\n"
    ".rule{font-weight:600}.stake{color:var(--dim)}.msg{margin:.3em 0}\n"
    ".advice{white-space:pre-wrap;overflow-wrap:anywhere;margin:.3em 0}.verify{color:var(--dim);"
    "font-style:italic}\n"
    ".cols,.tree summary,.tree .row{display:flex;align-items:baseline;gap:.5em}\n"
    ".cols{color:var(--dim);border-bottom:1px solid var(--line);padding:.2em 0 .2em 1.2em}\n"
    ".title{flex:1 1 auto;min-width:0;overflow-wrap:anywhere}.title b{font-weight:600}\n"
    ".nums{display:flex;flex:0 0 auto;gap:.4em;font-variant-numeric:tabular-nums}"
    ".nums>span{width:6.5em;text-align:right;white-space:nowrap}.nums>span.n{width:4em}"
    ".nums>.bar{width:9em;text-align:left}\n"
    ".bar>i{display:inline-block;height:.8em;background:var(--bar);vertical-align:middle;min-width:1px}"
    ".bar>i.hot{background:var(--err)}.bar>i.warm{background:var(--warn)}\n"
    ".tree,.tree ul{list-style:none;margin:0;padding:0}.tree ul{padding-left:1.2em;"
    "border-left:1px dotted var(--line);margin-left:.4em}\n"
    ".tree li{margin:0}.tree summary,.tree .row{padding:.15em 0;border-bottom:1px solid var(--band);"
    "cursor:pointer;list-style:none}.tree .row{cursor:auto;padding-left:1.2em}\n"
    ".tree summary::-webkit-details-marker{display:none}"
    ".tree summary::before{content:'\\25b8';width:1em;flex:0 0 1em;color:var(--dim)}"
    ".tree details[open]>summary::before{content:'\\25be'}\n"
    ".tree li.flagged>details>summary,.tree li.flagged>.row{background:#fff6e5}\n"
    ".marks a{font-weight:700;text-decoration:none;margin-left:.3em}\n"
    "ul.det{color:var(--dim);padding-left:2.2em;border:0;margin:0 0 .2em}"
    "ul.det li{overflow-wrap:anywhere}\n"
    ".dim{color:var(--dim)}.over{color:var(--err)}\n"
    ":target{outline:2px solid var(--bar);outline-offset:2px}\n"
    "@media print{body{font-size:10pt;max-width:none;padding:0}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "details::details-content{content-visibility:visible;display:contents}"
    ".tree summary::before{content:none}a{color:inherit;text-decoration:none}"
    "ol.findings>li,.tree summary{break-inside:avoid}h2,h3{break-after:avoid}"
    ".nums>span{width:5.5em}.nums>.bar{width:6em}}\n"
    "@page{margin:12mm}\n";

/* ------------------------------------------------------------ escaping */

/* s[0..n) holds no control character (pl_buf_add_visible() wrote it): only the
 * characters that mean something to HTML are left to escape. */
static void pl_html_esc(pl_buf *b, const char *s, size_t n)
{
    size_t i, run = 0;

    for (i = 0; i < n; i++) {
        const char *e;
        switch (s[i]) {
        case '&': e = "&amp;"; break;
        case '<': e = "&lt;"; break;
        case '>': e = "&gt;"; break;
        case '"': e = "&quot;"; break;
        case '\'': e = "&#39;"; break;
        default: continue;
        }
        pl_buf_add(b, s + run, i - run);
        pl_buf_puts(b, e);
        run = i + 1;
    }
    pl_buf_add(b, s + run, n - run);
}

/* Text from the plan, the database or the command line. */
static void pl_html_text(pl_html *h, const char *s, int keep_newlines)
{
    h->tmp.len = 0;
    pl_buf_add_visible(&h->tmp, s, strlen(s), keep_newlines);
    if (h->tmp.failed)
        h->b->failed = 1;
    else if (h->tmp.len)
        pl_html_esc(h->b, h->tmp.data, h->tmp.len);
}

/* What a tree.c helper wrote into tmp (already made visible). */
static void pl_html_tmp(pl_html *h)
{
    if (h->tmp.failed)
        h->b->failed = 1;
    else if (h->tmp.len)
        pl_html_esc(h->b, h->tmp.data, h->tmp.len);
}

/* ------------------------------------------------------------ header */

static void pl_html_metric(pl_html *h, const char *label, double v, int decimals, const char *unit)
{
    if (isnan(v))
        return;
    pl_buf_printf(h->b, "<div><dt>%s</dt><dd>", label);
    if (decimals < 0)
        pl_buf_count(h->b, v);
    else
        pl_buf_fixed(h->b, v, decimals);
    pl_buf_printf(h->b, "%s</dd></div>", unit);
}

static void pl_html_buffers(pl_html *h, const char *label, double v)
{
    if (v > 0)
        pl_html_metric(h, label, v, -1, "");
}

static void pl_html_query(pl_html *h)
{
    const char *q = pl_value_str(h->plan->obj, "Query Text");

    if (!q)
        return;
    pl_buf_puts(h->b, "<details class=\"query\"><summary>Query text</summary><pre><code>");
    pl_html_text(h, q, 1);
    pl_buf_puts(h->b, "</code></pre></details>\n");
}

/* "Plan 2 of 3"; on a page of several inputs, "FILE" or "FILE, plan 2 of 3". */
static void pl_html_plan_header(pl_html *h, size_t nplans, const char *source)
{
    const planlint_plan *p = h->plan;

    pl_buf_printf(h->b, "<section class=\"plan\" id=\"p%zu\">\n<h2>", h->anchor);
    if (source) {
        pl_html_text(h, source, 0);
        if (nplans > 1)
            pl_buf_printf(h->b, ", plan %zu of %zu", p->index + 1, nplans);
    } else {
        pl_buf_printf(h->b, "Plan %zu of %zu", p->index + 1, nplans);
    }
    pl_buf_puts(h->b, "</h2>\n");
    pl_buf_puts(h->b, "<dl class=\"summary\">");
    pl_html_metric(h, "Execution", p->pm[PLANLINT_PLAN_EXECUTION_TIME], 3, " ms");
    pl_html_metric(h, "Planning", p->pm[PLANLINT_PLAN_PLANNING_TIME], 3, " ms");
    pl_html_metric(h, "Triggers", p->pm[PLANLINT_PLAN_TRIGGER_TIME], 3, " ms");
    pl_html_metric(h, "JIT", p->pm[PLANLINT_PLAN_JIT_TIME], 3, " ms");
    pl_html_metric(h, "Nodes", (double)p->nnodes, -1, "");
    pl_html_buffers(h, "Shared hit", p->root->m[PLANLINT_M_SHARED_HIT]);
    pl_html_buffers(h, "Shared read", p->root->m[PLANLINT_M_SHARED_READ]);
    pl_html_buffers(h, "Temp written", p->root->m[PLANLINT_M_TEMP_WRITTEN]);
    pl_buf_puts(h->b, "</dl>\n");
    pl_html_query(h);
    if (h->no_numbers)
        pl_buf_puts(h->b, "<p class=\"note\">No ANALYZE, COSTS OFF: no numbers. Re-run with EXPLAIN (ANALYZE, "
                          "BUFFERS) for real ones.</p>\n");
    else if (!h->analyze)
        pl_buf_puts(h->b, "<p class=\"note\">No ANALYZE: estimates only. Re-run with EXPLAIN (ANALYZE, "
                          "BUFFERS) for real numbers.</p>\n");
    else if (!(p->flags & PLANLINT_PLAN_HAS_TIMING))
        pl_buf_puts(h->b, "<p class=\"note\">TIMING OFF: no per-node times.</p>\n");
}

/* ------------------------------------------------------------ findings */

static const char *pl_html_sev(planlint_severity s)
{
    return s >= PLANLINT_SEVERITY_ERROR ? "sev-error" : (s >= PLANLINT_SEVERITY_WARNING ? "sev-warning" : "sev-info");
}

static void pl_html_node_link(pl_html *h, const planlint_node *n)
{
    pl_buf_printf(h->b, " on <a href=\"#p%zu-n%zu\">", h->anchor, n->id);
    h->tmp.len = 0;
    pl_tree_node_title(&h->tmp, n);
    pl_html_tmp(h);
    pl_buf_puts(h->b, "</a>");
}

static void pl_html_verification(pl_html *h, const planlint_finding *f)
{
    pl_buf v;

    if (f->verification == PLANLINT_VERIFY_NONE)
        return;
    pl_buf_init(&v);
    pl_tree_verification(&v, f);
    if (v.failed || !v.data) {
        h->b->failed = 1;
    } else {
        pl_buf_puts(h->b, "<p class=\"verify\">");
        pl_html_text(h, v.data, 0);
        pl_buf_puts(h->b, "</p>\n");
    }
    pl_buf_release(&v);
}

static void pl_html_finding(pl_html *h, const planlint_finding *f, size_t rank)
{
    const pl_sql_shown *s;

    pl_buf_printf(h->b, "<li id=\"p%zu-f%zu\" class=\"%s\"><div><span class=\"sev\">%s</span> "
                        "<span class=\"rule\">%s %s</span>",
                  h->anchor, rank, pl_html_sev(f->severity), planlint_severity_name(f->severity),
                  f->rule->id, f->rule->name);
    if (f->node)
        pl_html_node_link(h, f->node);
    pl_buf_puts(h->b, "<span class=\"stake\">");
    h->tmp.len = 0;
    pl_tree_finding_stake(&h->tmp, h->plan, f);
    pl_html_tmp(h);
    pl_buf_puts(h->b, "</span></div>\n<p class=\"msg\">");
    pl_html_text(h, f->message, 1);
    pl_buf_puts(h->b, "</p>\n<p class=\"advice\">");
    pl_html_text(h, f->advice, 1);
    pl_buf_puts(h->b, "</p>\n");
    for (s = f->sql; s; s = s->next) {
        pl_buf_puts(h->b, "<pre><code class=\"sql\">");
        pl_html_text(h, s->text, 1);
        pl_buf_puts(h->b, "</code></pre>\n");
    }
    pl_html_verification(h, f);
    pl_buf_puts(h->b, "</li>\n");
}

static void pl_html_findings(pl_html *h)
{
    size_t i;

    if (!h->plan->checked)
        return;
    if (h->plan->nfindings == 0) {
        pl_buf_puts(h->b, "<h3>No findings</h3>\n");
        return;
    }
    pl_buf_printf(h->b, "<h3>Findings (%zu), most severe first, then most time at stake</h3>\n"
                        "<ol class=\"findings\">\n", h->plan->nfindings);
    for (i = 0; i < h->plan->nfindings; i++)
        pl_html_finding(h, h->plan->findings[i], i + 1);
    pl_buf_puts(h->b, "</ol>\n");
}

/* ------------------------------------------------------------ plan tree */

/* first[id] and next[rank]: the findings of each node in rank order. On out of memory
 * the marks are left out, not the tree. */
static void pl_html_index(pl_html *h)
{
    const planlint_plan *p = h->plan;
    size_t i, nf = p->nfindings;

    if (nf == 0 || p->nnodes > SIZE_MAX / sizeof(size_t) || nf > SIZE_MAX / sizeof(size_t) ||
        !(h->first = pl_malloc(p->nnodes * sizeof(size_t))) || !(h->next = pl_malloc(nf * sizeof(size_t)))) {
        pl_free(h->first);
        h->first = NULL;
        return;
    }
    for (i = 0; i < p->nnodes; i++)
        h->first[i] = PL_NONE;
    for (i = nf; i-- > 0;) {
        const planlint_node *n = p->findings[i]->node;
        h->next[i] = PL_NONE;
        if (n && n->id < p->nnodes) {
            h->next[i] = h->first[n->id];
            h->first[n->id] = i;
        }
    }
}

static void pl_html_marks(pl_html *h, const planlint_node *n)
{
    size_t i;

    if (!h->first || h->first[n->id] == PL_NONE)
        return;
    pl_buf_puts(h->b, "<span class=\"marks\">");
    for (i = h->first[n->id]; i != PL_NONE; i = h->next[i]) {
        const planlint_finding *f = h->plan->findings[i];
        pl_buf_printf(h->b, "<a class=\"%s\" href=\"#p%zu-f%zu\" title=\"finding %zu: %s\">%s</a>",
                      pl_html_sev(f->severity), h->anchor, i + 1, i + 1, f->rule->name, f->rule->id);
    }
    pl_buf_puts(h->b, "</span>");
}

static void pl_html_cell(pl_html *h, double v, int decimals, const char *cls)
{
    pl_buf_printf(h->b, "<span%s>", cls);
    if (!isnan(v)) {
        if (decimals < 0)
            pl_buf_count(h->b, v);
        else
            pl_buf_fixed(h->b, v, decimals);
    }
    pl_buf_puts(h->b, "</span>");
}

/* "↑12x": how far the estimate was off, the way the tree shows it. */
static void pl_html_estimate(pl_html *h, const planlint_node *n)
{
    double f = n->m[PLANLINT_M_ESTIMATE_FACTOR], dir = n->m[PLANLINT_M_ESTIMATE_DIRECTION];

    if (isnan(f) || dir == 0 || f < 1.05) {
        pl_buf_puts(h->b, isnan(f) ? "<span class=\"n\"></span>" : "<span class=\"n dim\">=</span>");
        return;
    }
    pl_buf_printf(h->b, "<span class=\"n%s\">%s", f >= 10 ? " over" : "", dir > 0 ? "\xe2\x86\x91" : "\xe2\x86\x93");
    pl_buf_fixed(h->b, f, f < 10 ? 1 : 0);
    pl_buf_puts(h->b, "x</span>");
}

static void pl_html_bar(pl_html *h, double share)
{
    pl_buf_puts(h->b, "<span class=\"bar\">");
    if (!isnan(share)) {
        double pct = share < 0 ? 0 : (share > 1 ? 100 : share * 100);
        pl_buf_printf(h->b, "<i class=\"%s\" style=\"width:", share >= 0.5 ? "hot" : (share >= 0.1 ? "warm" : "cool"));
        pl_buf_fixed(h->b, pct, 1);
        pl_buf_puts(h->b, "%\"></i>");
    }
    pl_buf_puts(h->b, "</span>");
}

static void pl_html_numbers(pl_html *h, const planlint_node *n)
{
    const double *m = n->m;

    if (h->no_numbers)
        return;
    pl_buf_puts(h->b, "<span class=\"nums\">");
    if (!h->analyze) {
        pl_html_cell(h, m[PLANLINT_M_STARTUP_COST], 2, "");
        pl_html_cell(h, m[PLANLINT_M_TOTAL_COST], 2, "");
        pl_html_cell(h, m[PLANLINT_M_PLAN_ROWS], -1, "");
        pl_html_cell(h, m[PLANLINT_M_PLAN_WIDTH], -1, " class=\"n\"");
    } else if (n->never_executed) {
        pl_buf_puts(h->b, "<span class=\"dim\">never executed</span>");
    } else {
        pl_html_cell(h, m[PLANLINT_M_EXCLUSIVE_TIME], 3, "");
        pl_html_cell(h, isnan(m[PLANLINT_M_EXCLUSIVE_SHARE]) ? NAN : m[PLANLINT_M_EXCLUSIVE_SHARE] * 100, 1,
                     " class=\"n\"");
        pl_html_cell(h, m[PLANLINT_M_INCLUSIVE_TIME], 3, "");
        pl_html_cell(h, m[PLANLINT_M_ACTUAL_ROWS], -1, "");
        pl_html_cell(h, m[PLANLINT_M_PLAN_ROWS], -1, "");
        pl_html_estimate(h, n);
        pl_html_cell(h, m[PLANLINT_M_ACTUAL_LOOPS], -1, " class=\"n\"");
        pl_html_cell(h, m[PLANLINT_M_EXCL_SHARED_HIT], -1, "");
        pl_html_cell(h, m[PLANLINT_M_EXCL_SHARED_READ], -1, "");
        pl_html_bar(h, m[PLANLINT_M_EXCLUSIVE_SHARE]);
    }
    pl_buf_puts(h->b, "</span>");
}

static void pl_html_columns(pl_html *h)
{
    if (h->no_numbers) {
        pl_buf_puts(h->b, "<div class=\"cols\" aria-hidden=\"true\"><span class=\"title\">node</span></div>\n");
        return;
    }
    pl_buf_puts(h->b, "<div class=\"cols\" aria-hidden=\"true\"><span class=\"title\">node</span><span class=\"nums\">");
    if (!h->analyze)
        pl_buf_puts(h->b, "<span>startup cost</span><span>total cost</span><span>est rows</span>"
                          "<span class=\"n\">width</span>");
    else
        pl_buf_puts(h->b, "<span>excl ms</span><span class=\"n\">self %</span><span>incl ms</span>"
                          "<span>rows</span><span>est rows</span><span class=\"n\">off</span>"
                          "<span class=\"n\">loops</span><span>hit</span><span>read</span>"
                          "<span class=\"bar\">exclusive time</span>");
    pl_buf_puts(h->b, "</span></div>\n");
}

/* The node's own line: title, finding marks, numbers. */
static void pl_html_node_line(pl_html *h, const planlint_node *n)
{
    pl_buf_puts(h->b, "<span class=\"title\"><b>");
    h->tmp.len = 0;
    pl_tree_node_title(&h->tmp, n);
    pl_html_tmp(h);
    pl_buf_puts(h->b, "</b>");
    pl_html_marks(h, n);
    pl_buf_puts(h->b, "</span>");
    pl_html_numbers(h, n);
}

/* The tree's detail lines, one list item each. */
static void pl_html_details(pl_html *h)
{
    size_t pos = 0, k;

    pl_buf_puts(h->b, "<ul class=\"det\">");
    while (pos < h->tmp.len) {
        const char *s = h->tmp.data + pos;
        for (k = 0; pos + k < h->tmp.len && s[k] != '\n'; k++)
            ;
        pl_buf_puts(h->b, "<li>");
        pl_html_esc(h->b, s, k);
        pl_buf_puts(h->b, "</li>");
        pos += k + 1;
    }
    pl_buf_puts(h->b, "</ul>");
}

/* Opens the node's item; a node with children stays open for them. */
static void pl_html_node(pl_html *h, const planlint_node *n)
{
    int flagged = h->first && h->first[n->id] != PL_NONE;

    pl_buf_printf(h->b, "<li id=\"p%zu-n%zu\"%s>", h->anchor, n->id, flagged ? " class=\"flagged\"" : "");
    h->tmp.len = 0;
    pl_tree_node_details(&h->tmp, n);
    if (h->tmp.failed)
        h->b->failed = 1;
    if (!h->tmp.len && !n->nchildren) {
        pl_buf_puts(h->b, "<div class=\"row\">");
        pl_html_node_line(h, n);
        pl_buf_puts(h->b, "</div></li>\n");
        return;
    }
    pl_buf_puts(h->b, "<details open><summary>");
    /* the title goes through tmp too: keep the detail lines aside meanwhile */
    {
        pl_buf det = h->tmp;
        pl_buf_init(&h->tmp);
        pl_html_node_line(h, n);
        pl_buf_release(&h->tmp);
        h->tmp = det;
    }
    pl_buf_puts(h->b, "</summary>");
    if (h->tmp.len)
        pl_html_details(h);
    if (n->nchildren)
        pl_buf_puts(h->b, "\n<ul>\n");
    else
        pl_buf_puts(h->b, "</details></li>\n");
}

/* Nodes come in preorder: a node of depth d closes the open nodes at depth >= d. */
static void pl_html_tree(pl_html *h)
{
    const planlint_plan *p = h->plan;
    unsigned int open = 0;
    size_t i;

    pl_buf_puts(h->b, "<h3>Plan tree</h3>\n");
    pl_html_columns(h);
    pl_buf_puts(h->b, "<ul class=\"tree\">\n");
    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        for (; open > n->depth; open--)
            pl_buf_puts(h->b, "</ul></details></li>\n");
        pl_html_node(h, n);
        if (n->nchildren)
            open = n->depth + 1;
    }
    for (; open > 0; open--)
        pl_buf_puts(h->b, "</ul></details></li>\n");
    pl_buf_puts(h->b, "</ul>\n");
}

/* ------------------------------------------------------------ page */

/* One plan's section, anchored as p<anchor>; source: the input's name on a page of
 * several, NULL on a page of one. */
static void pl_html_plan(pl_buf *b, const planlint_plan *plan, size_t nplans, size_t anchor, const char *source)
{
    pl_html h;

    memset(&h, 0, sizeof(h));
    h.b = b;
    h.plan = plan;
    h.anchor = anchor;
    h.analyze = (plan->flags & PLANLINT_PLAN_HAS_ANALYZE) != 0;
    h.no_numbers = !h.analyze && !(plan->flags & PLANLINT_PLAN_HAS_COSTS);
    pl_buf_init(&h.tmp);
    pl_html_plan_header(&h, nplans, source);
    pl_html_index(&h);
    pl_html_findings(&h);
    pl_html_tree(&h);
    pl_buf_puts(b, "</section>\n");
    pl_free(h.first);
    pl_free(h.next);
    pl_buf_release(&h.tmp);
}

/* The page up to its first section; source names the input(s) in the title and header. */
static void pl_html_head(pl_html *h, const char *source)
{
    pl_buf_puts(h->b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
                      "style-src 'unsafe-inline'\">\n"
                      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                      "<meta name=\"generator\" content=\"planlint\">\n<title>planlint");
    if (source) {
        pl_buf_puts(h->b, ": ");
        pl_html_text(h, source, 0);
    }
    pl_buf_puts(h->b, "</title>\n<style>\n");
    pl_buf_puts(h->b, pl_html_css);
    pl_buf_puts(h->b, "</style>\n</head>\n<body>\n<header><h1>planlint report</h1>");
    if (source) {
        pl_buf_puts(h->b, "<p class=\"src\">");
        pl_html_text(h, source, 0);
        pl_buf_puts(h->b, "</p>");
    }
    pl_buf_puts(h->b, "</header>\n");
}

int pl_render_html(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                   planlint_error *err)
{
    const planlint_plan *p;
    size_t nplans = 0;
    pl_html h;

    (void)err;
    for (p = head; p; p = p->next)
        nplans++;
    memset(&h, 0, sizeof(h));
    h.b = b;
    pl_buf_init(&h.tmp);
    pl_html_head(&h, opts->source_name);
    pl_buf_release(&h.tmp);
    for (p = head; p; p = p->next)
        pl_html_plan(b, p, nplans, p->index + 1, NULL);
    pl_buf_puts(b, "</body>\n</html>\n");
    return 0;
}

/* ------------------------------------------------------------ a page of several inputs */

struct planlint_html {
    pl_buf nav;         /* one link per input, to its first plan */
    pl_buf body;        /* the plans' sections */
    size_t nplans;      /* plans on the page so far: the next one is p<nplans + 1> */
    size_t ninputs;
};

int planlint_html_new(planlint_html **out, planlint_error *err)
{
    if (!out)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out must not be NULL");
    if (!(*out = pl_malloc(sizeof(**out))))
        return pl_error_nomem(err);
    memset(*out, 0, sizeof(**out));
    pl_buf_init(&(*out)->nav);
    pl_buf_init(&(*out)->body);
    return 0;
}

/* "<li><a href="#p3">FILE</a> <span class="dim">2 plans, 1 finding</span></li>" */
static void pl_html_nav_item(planlint_html *page, const planlint_plan *plan, const char *source)
{
    const planlint_plan *p;
    size_t nplans = 0, nfindings = 0;
    int checked = 1;
    pl_html h;

    for (p = plan; p; p = p->next, nplans++) {
        nfindings += p->nfindings;
        checked &= p->checked != 0;
    }
    memset(&h, 0, sizeof(h));
    h.b = &page->nav;
    pl_buf_init(&h.tmp);
    pl_buf_printf(&page->nav, "<li><a href=\"#p%zu\">", page->nplans + 1);
    pl_html_text(&h, source, 0);
    pl_buf_printf(&page->nav, "</a> <span class=\"dim\">%zu plan%s", nplans, nplans == 1 ? "" : "s");
    if (checked)
        pl_buf_printf(&page->nav, ", %zu finding%s", nfindings, nfindings == 1 ? "" : "s");
    pl_buf_puts(&page->nav, "</span></li>\n");
    pl_buf_release(&h.tmp);
}

int planlint_html_add(planlint_html *page, const planlint_plan *plan, const char *source, planlint_error *err)
{
    const planlint_plan *p;
    char unnamed[32];
    size_t nplans = 0;

    if (!page || !plan)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "page and plan must not be NULL");
    page->ninputs++;
    if (!source) {
        snprintf(unnamed, sizeof(unnamed), "input %zu", page->ninputs);
        source = unnamed;
    }
    for (p = plan; p; p = p->next)
        nplans++;
    pl_html_nav_item(page, plan, source);
    for (p = plan; p; p = p->next)
        pl_html_plan(&page->body, p, nplans, ++page->nplans, source);
    return page->nav.failed || page->body.failed ? pl_error_nomem(err) : 0;
}

int planlint_html_finish(char **out, size_t *out_len, const planlint_html *page, planlint_error *err)
{
    char title[48];
    pl_buf b;
    pl_html h;

    if (!out || !page)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out and page must not be NULL");
    *out = NULL;
    snprintf(title, sizeof(title), "%zu inputs", page->ninputs);
    pl_buf_init(&b);
    memset(&h, 0, sizeof(h));
    h.b = &b;
    pl_buf_init(&h.tmp);
    pl_html_head(&h, title);
    pl_buf_release(&h.tmp);
    pl_buf_puts(&b, "<nav><ul class=\"inputs\">\n");
    if (page->nav.len)
        pl_buf_add(&b, page->nav.data, page->nav.len);
    pl_buf_puts(&b, "</ul></nav>\n");
    if (page->body.len)
        pl_buf_add(&b, page->body.data, page->body.len);
    pl_buf_puts(&b, "</body>\n</html>\n");
    return pl_buf_hand_over(&b, out, out_len, err);
}

void planlint_html_free(planlint_html *page)
{
    if (!page)
        return;
    pl_buf_release(&page->nav);
    pl_buf_release(&page->body);
    pl_free(page);
}
