/* markdown.c - GitHub-flavoured Markdown for a pull-request comment: a header line,
 * the findings as a table, each finding's advice with its SQL in code blocks, and the
 * annotated tree folded in a <details> block. Text from the plan is escaped so that
 * it cannot end a table cell, open a link, inject HTML or reach a terminal raw. */
#include "render.h"
#include "finding.h"

#include <math.h>
#include <string.h>

/* Characters with a meaning in inline Markdown, HTML or on GitHub (emphasis, links,
 * tags, entities, table cells, math, "#12" issue links, "@name" mentions); a backslash
 * makes each one literal. '(' and '!' need none once '[' has one. */
static const char pl_md_special[] = "\\`*_[]<>|~&#@$";

/* "http://x" and "www.x" become links on GitHub: a backslash before the ':' or the
 * '.' stops that. */
static int pl_md_autolink_at(const char *s, size_t i, size_t n)
{
    if (s[i] == ':')
        return i + 2 < n && s[i + 1] == '/' && s[i + 2] == '/';
    return s[i] == '.' && i >= 3 && (s[i - 3] | 0x20) == 'w' && (s[i - 2] | 0x20) == 'w' &&
           (s[i - 1] | 0x20) == 'w';
}

/* A paragraph line that starts "- ", "+", "=" or "1." would become a list or a
 * heading: the marker gets a backslash. Returns how many bytes of s[i..n) were written. */
static size_t pl_md_line_start(pl_buf *b, const char *s, size_t i, size_t n)
{
    size_t k = i;

    if (s[i] == '-' || s[i] == '+' || s[i] == '=') {
        pl_buf_putc(b, '\\');
        pl_buf_putc(b, s[i]);
        return 1;
    }
    while (k < n && s[k] >= '0' && s[k] <= '9')
        k++;
    if (k == i || k == n || (s[k] != '.' && s[k] != ')'))
        return 0;
    pl_buf_add(b, s + i, k - i);
    pl_buf_putc(b, '\\');
    pl_buf_putc(b, s[k]);
    return k + 1 - i;
}

/* Text from the plan or a rule, escaped: control characters and invalid UTF-8 first
 * made visible (pl_buf_add_visible), then Markdown's punctuation. In a table cell a
 * line break is shown as "\n"; in a paragraph it is a hard line break. */
void pl_md_text(pl_buf *b, const char *s, int paragraph)
{
    pl_buf v;
    size_t i, k;
    int line_start = 1;

    pl_buf_init(&v);
    pl_buf_add_visible(&v, s, strlen(s), paragraph);
    for (i = 0; !v.failed && i < v.len; i++) {
        char c = v.data[i];
        if (c == '\n' && v.len - i == strspn(v.data + i, "\n "))
            break;   /* a break at the end would show as a backslash */
        if (c == '\n') {
            pl_buf_puts(b, "\\\n");
            line_start = 1;
            continue;
        }
        if (line_start && c == ' ')
            continue;   /* four blanks would open a code block */
        if (line_start && paragraph && (k = pl_md_line_start(b, v.data, i, v.len)) > 0) {
            i += k - 1;
            line_start = 0;
            continue;
        }
        if (strchr(pl_md_special, c) || pl_md_autolink_at(v.data, i, v.len))
            pl_buf_putc(b, '\\');
        pl_buf_putc(b, c);
        line_start = 0;
    }
    if (v.failed)
        b->failed = 1;
    pl_buf_release(&v);
}

/* A fence of backticks longer than any run of them in text, and at least 3. */
static size_t pl_md_fence_len(const char *text, size_t n)
{
    size_t i, run = 0, longest = 0;

    for (i = 0; i < n; i++) {
        run = text[i] == '`' ? run + 1 : 0;
        if (run > longest)
            longest = run;
    }
    return longest >= 3 ? longest + 1 : 3;
}

/* A fenced code block holding text[0..n) as it is. */
static void pl_md_code(pl_buf *b, const char *lang, const char *text, size_t n)
{
    size_t fence = pl_md_fence_len(text, n);

    pl_buf_repeat(b, "`", fence);
    pl_buf_puts(b, lang);
    pl_buf_putc(b, '\n');
    pl_buf_add(b, text, n);
    if (n && text[n - 1] != '\n')
        pl_buf_putc(b, '\n');
    pl_buf_repeat(b, "`", fence);
    pl_buf_puts(b, "\n\n");
}

/* Does s hold a byte a terminal acts on (other than tab and newline)? */
static int pl_md_has_controls(const char *s)
{
    const unsigned char *u;

    for (u = (const unsigned char *)s; *u; u++)
        if ((*u < 0x20 && *u != '\n' && *u != '\t') || *u == 0x7f || (*u == 0xC2 && u[1] >= 0x80 && u[1] <= 0x9f))
            return 1;
    return 0;
}

/* A statement as the finding holds it; one with control characters (a hostile name)
 * is shown escaped, with a comment that says so, never raw. */
static void pl_md_sql(pl_buf *b, const char *sql)
{
    pl_buf v;

    if (!pl_md_has_controls(sql)) {
        pl_md_code(b, "sql", sql, strlen(sql));
        return;
    }
    pl_buf_init(&v);
    pl_buf_puts(&v, "-- control characters shown as \\xNN: not the statement verbatim\n");
    pl_buf_add_visible(&v, sql, strlen(sql), 1);
    if (v.failed)
        b->failed = 1;
    else
        pl_md_code(b, "sql", v.data, v.len);
    pl_buf_release(&v);
}

void pl_md_node(pl_buf *b, const planlint_node *n)
{
    pl_buf l;

    if (!n) {
        pl_buf_puts(b, "(plan)");
        return;
    }
    pl_buf_init(&l);
    pl_render_node_label(&l, n);
    if (l.failed)
        b->failed = 1;
    else
        pl_md_text(b, l.data, 0);
    pl_buf_release(&l);
}

static void pl_md_metric(pl_buf *b, const char *label, double v)
{
    if (isnan(v))
        return;
    pl_buf_printf(b, " \xc2\xb7 %s ", label);
    pl_buf_fixed(b, v, 3);
    pl_buf_puts(b, " ms");
}

static void pl_md_header(pl_buf *b, const planlint_plan *p, size_t nplans,
                         const planlint_render_options *opts)
{
    pl_buf_puts(b, "### planlint");
    if (nplans > 1)
        pl_buf_printf(b, ": plan %zu of %zu", p->index + 1, nplans);
    pl_buf_putc(b, '\n');
    pl_buf_puts(b, "\n**Source:** ");
    if (opts->source_name)
        pl_md_text(b, opts->source_name, 0);
    else
        pl_buf_puts(b, "(unnamed)");
    pl_buf_printf(b, " \xc2\xb7 %zu node%s", p->nnodes, p->nnodes == 1 ? "" : "s");
    pl_md_metric(b, "execution", p->pm[PLANLINT_PLAN_EXECUTION_TIME]);
    pl_md_metric(b, "planning", p->pm[PLANLINT_PLAN_PLANNING_TIME]);
    if (!(p->flags & PLANLINT_PLAN_HAS_ANALYZE))
        pl_buf_puts(b, p->flags & PLANLINT_PLAN_HAS_COSTS ? " \xc2\xb7 no ANALYZE: estimates only"
                                                          : " \xc2\xb7 no ANALYZE, COSTS OFF: no numbers");
    pl_buf_puts(b, "\n\n");
}

static void pl_md_stake(pl_buf *b, const planlint_finding *f)
{
    if (isnan(f->time_at_stake)) {
        pl_buf_puts(b, "\xe2\x80\x94");
        return;
    }
    pl_buf_fixed(b, f->time_at_stake, 3);
    pl_buf_puts(b, " ms");
    if (!isnan(f->share_at_stake)) {
        pl_buf_puts(b, " (");
        pl_buf_fixed(b, f->share_at_stake * 100, 1);
        pl_buf_puts(b, "%)");
    }
}

void pl_md_findings_table(pl_buf *b, const planlint_finding *const *findings, size_t n)
{
    size_t i;

    pl_buf_puts(b, "| # | Severity | Rule | Node | Time at stake | Message |\n"
                   "|--:|----------|------|------|--------------:|---------|\n");
    for (i = 0; i < n; i++) {
        const planlint_finding *f = findings[i];
        pl_buf_printf(b, "| %zu | %s | %s ", i + 1, planlint_severity_name(f->severity), f->rule->id);
        pl_md_text(b, f->rule->name, 0);
        pl_buf_puts(b, " | ");
        pl_md_node(b, f->node);
        pl_buf_puts(b, " | ");
        pl_md_stake(b, f);
        pl_buf_puts(b, " | ");
        pl_md_text(b, f->message, 0);
        pl_buf_puts(b, " |\n");
    }
    pl_buf_putc(b, '\n');
}

void pl_md_finding(pl_buf *b, const planlint_finding *f, size_t k)
{
    const pl_sql_shown *s;

    pl_buf_printf(b, "#### %zu. %s ", k, f->rule->id);
    pl_md_text(b, f->rule->name, 0);
    pl_buf_puts(b, " on ");
    pl_md_node(b, f->node);
    pl_buf_puts(b, "\n\n");
    pl_md_text(b, f->advice, 1);
    pl_buf_puts(b, "\n\n");
    for (s = f->sql; s; s = s->next)
        pl_md_sql(b, s->text);
    if (f->verification != PLANLINT_VERIFY_NONE) {
        pl_buf v;
        pl_buf_init(&v);
        pl_verification_text(&v, f);
        pl_buf_puts(b, "> ");
        if (v.failed)
            b->failed = 1;
        else
            pl_md_text(b, v.data, 0);
        pl_buf_puts(b, "\n\n");
        pl_buf_release(&v);
    }
}

/* The terminal tree, without colour and without its findings list (the table has
 * them; the [PL...] markers on the nodes stay): a copy of the plan that says it was
 * not checked is enough for the tree renderer to leave the list out. */
void pl_md_tree(pl_buf *b, const planlint_plan *p, size_t nplans, const planlint_render_options *opts,
                const char *summary)
{
    planlint_render_options o = *opts;
    planlint_plan copy = *p;
    pl_buf t;

    o.color = 0;
    o.unicode = 1;
    copy.checked = 0;
    copy.index = 0;   /* no blank line before it */
    pl_buf_init(&t);
    pl_render_tree(&t, &copy, nplans, &o);
    pl_buf_printf(b, "<details><summary>%s</summary>\n\n", summary);
    if (t.failed)
        b->failed = 1;
    else
        pl_md_code(b, "text", t.data, t.len);
    pl_buf_puts(b, "</details>\n");
    pl_buf_release(&t);
}

static void pl_md_plan(pl_buf *b, const planlint_plan *p, size_t nplans,
                       const planlint_render_options *opts)
{
    size_t i;

    if (p->index > 0)
        pl_buf_puts(b, "\n---\n\n");
    pl_md_header(b, p, nplans, opts);
    if (p->checked && p->nfindings == 0)
        pl_buf_puts(b, "No findings.\n\n");
    if (p->checked && p->nfindings > 0) {
        pl_md_findings_table(b, p->findings, p->nfindings);
        for (i = 0; i < p->nfindings; i++)
            pl_md_finding(b, p->findings[i], i + 1);
    }
    pl_md_tree(b, p, nplans, opts, "Plan tree");
}

int pl_render_markdown(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                       planlint_error *err)
{
    const planlint_plan *p;
    size_t nplans = 0;

    (void)err;
    for (p = head; p; p = p->next)
        nplans++;
    for (p = head; p; p = p->next)
        pl_md_plan(b, p, nplans, opts);
    return 0;
}
