/* text_input.c - the logical lines of a pasted text plan: psql's frames, headers and
 * footers gone (unwrap.c), pgAdmin's per-line quotes gone, tabs expanded, lines that
 * a mail client or a narrow terminal broke in two joined again. */
#include "text.h"
#include "alloc.h"
#include "buf.h"
#include "nest.h"
#include "unwrap.h"

#include <string.h>

/* How many lines one broken line may span: enough for any real plan, and a bound. */
#define PL_MAX_JOIN 16

typedef struct pl_raw {
    const char *s;
    size_t n;
    int lineno, shift;
} pl_raw;

/* Open parentheses left at the end of s (quotes skipped). */
static int pl_open_parens(const char *s, size_t n)
{
    pl_nest st = { 0, 0 };
    size_t i;

    for (i = 0; i < n; i++)
        pl_nest_step(&st, s[i]);
    return st.depth;
}

/* Display column after the indentation of s; *skip gets the bytes of indentation. */
static int pl_indent(const char *s, size_t n, size_t *skip)
{
    int col = 0;
    size_t i = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\t')) {
        col = s[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
        i++;
    }
    *skip = i;
    return col;
}

/* Fills a line's columns and arrow from its raw text. */
static void pl_classify(pl_tline *t, const char *s, size_t n)
{
    size_t skip;

    t->col = pl_indent(s, n, &skip);
    t->arrow_col = t->col;
    t->arrow = 0;
    if (n - skip >= 2 && s[skip] == '-' && s[skip + 1] == '>') {
        size_t more;
        int extra = pl_indent(s + skip + 2, n - skip - 2, &more);
        t->arrow = 1;
        t->col += 2 + extra;
        skip += 2 + more;
    }
    t->s = s + skip;
    t->n = n - skip;
    t->colno = (int)skip + 1;
}

/* Does s hold a node's estimates or actuals? */
static int pl_has_tail(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i + 7 <= n; i++)
        if (memcmp(s + i, "(cost=", 6) == 0 || memcmp(s + i, "(actual", 7) == 0)
            return 1;
    return 0;
}

/* Does the next raw line continue this one, broken by a narrow screen or a mailer?
 * Inside parentheses it does; a node line broken before its "(cost=" does when the
 * next piece brings the estimates (pev2's 06 and 07). */
static int pl_continues(const pl_tline *cur, const pl_raw *next)
{
    int need_tail = 0;
    pl_tline t;

    if (pl_open_parens(cur->s, cur->n) <= 0) {
        if (!cur->arrow || pl_has_tail(cur->s, cur->n))
            return 0;
        need_tail = 1;
    }
    pl_classify(&t, next->s, next->n);
    if (t.n == 0 || t.arrow || t.col > cur->arrow_col || pl_text_label(t.s, t.n))
        return 0;
    return !need_tail || pl_has_tail(t.s, t.n);
}

/* Joins a broken piece. PostgreSQL never breaks a line, so whoever did either cut it
 * at a fixed width, losing nothing ("(cos" + "t=32.88"), or broke it at a blank: a
 * piece that kept some indentation stands for that blank (" AND ((b)", " t2.c2)"); a
 * mailer that dropped it leaves "(actual" or "rows=" right after a number or ")". */
static void pl_join(pl_buf *b, const char *s, size_t n)
{
    char last = b->len ? b->data[b->len - 1] : ' ';
    int word = (last >= 'a' && last <= 'z') || (last >= 'A' && last <= 'Z');
    size_t skip, i = 0;

    pl_indent(s, n, &skip);
    s += skip;
    n -= skip;
    while (i < n && s[i] >= 'a' && s[i] <= 'z')
        i++;
    if (n && last != ' ' &&
        (skip > 0 || (!word && (s[0] == '(' || (i > 0 && i < n && s[i] == '=')))))
        pl_buf_putc(b, ' ');
    pl_buf_add(b, s, n);
}

/* pgAdmin's "Copy with headers" quotes each line: "Seq Scan on t  (cost=...)"; other
 * tools use single quotes, or leave only the closing one. */
static void pl_unquote(const char **s, size_t *n, char quote)
{
    if (!quote)
        return;
    if (*n && (*s)[0] == quote) {
        (*s)++;
        (*n)--;
    }
    if (*n && (*s)[*n - 1] == quote)
        (*n)--;
}

static size_t pl_split(const pl_unwrapped *u, pl_raw *raw)
{
    size_t pos = 0, k = 0;

    while (pos < u->len && k < u->nlines) {
        const char *nl = memchr(u->text + pos, '\n', u->len - pos);
        size_t n = nl ? (size_t)(nl - (u->text + pos)) : u->len - pos;
        raw[k].s = u->text + pos;
        raw[k].n = n;
        raw[k].lineno = u->orig_line[k];
        raw[k].shift = u->orig_col_shift[k];
        k++;
        pos += n + 1;
    }
    return k;
}

/* The quote around every line, judged by the first non-blank one; 0 when none. */
static char pl_first_quoted(const pl_raw *raw, size_t count)
{
    size_t i, skip;

    for (i = 0; i < count; i++) {
        const char *s = raw[i].s;
        pl_indent(s, raw[i].n, &skip);
        if (skip >= raw[i].n)
            continue;
        if ((s[skip] == '"' || s[skip] == '\'') && s[raw[i].n - 1] == s[skip] && raw[i].n - skip >= 2)
            return s[skip];
        return s[raw[i].n - 1] == '"' && memchr(s + skip, '"', raw[i].n - skip - 1) == NULL ? '"' : 0;
    }
    return 0;
}

static int pl_each(pl_raw *raw, size_t count, pl_tline_fn fn, void *ctx)
{
    char quoted = pl_first_quoted(raw, count);
    int rc = 0;
    pl_buf joined;
    size_t i, j;

    for (i = 0; i < count; i++)
        pl_unquote(&raw[i].s, &raw[i].n, quoted);
    pl_buf_init(&joined);
    for (i = 0; i < count && rc == 0; i = j) {
        pl_tline t;
        pl_classify(&t, raw[i].s, raw[i].n);
        t.lineno = raw[i].lineno;
        t.colno += raw[i].shift;
        for (j = i + 1; j < count && j - i < PL_MAX_JOIN; j++) {
            if (!pl_continues(&t, &raw[j]))
                break;
            if (j == i + 1) {
                joined.len = 0;
                pl_buf_add(&joined, t.s, t.n);
            }
            pl_join(&joined, raw[j].s, raw[j].n);
            if (joined.failed)
                break;
            t.s = joined.data;
            t.n = joined.len;
        }
        if (joined.failed)
            rc = PLANLINT_ENOMEM;
        else if (t.n > 0)
            rc = fn(ctx, &t);
    }
    pl_buf_release(&joined);
    return rc;
}

/* 1 when buf holds a NUL byte or invalid UTF-8, which must not reach the value tree. */
static int pl_needs_cleaning(const char *buf, size_t len)
{
    const unsigned char *u = (const unsigned char *)buf;
    size_t i = 0, k;

    while (i < len) {
        if (u[i] && u[i] < 0x80) {
            i++;
            continue;
        }
        if (!u[i] || !(k = pl_utf8_valid(u + i, len - i)))
            return 1;
        i += k;
    }
    return 0;
}

/* The lines of buf, cleaned as the JSON reader cleans its strings: invalid UTF-8 and
 * NUL bytes become U+FFFD (a NUL would otherwise end the text it is in). Columns in
 * error messages count the three bytes of each U+FFFD. */
int pl_text_each_line(const char *buf, size_t len, pl_tline_fn fn, void *ctx)
{
    pl_unwrapped u;
    pl_raw *raw;
    pl_buf clean;
    size_t count;
    int rc;

    pl_buf_init(&clean);
    if (pl_needs_cleaning(buf, len)) {
        pl_buf_add_utf8(&clean, buf, len);
        if (clean.failed)
            return PLANLINT_ENOMEM;
        buf = clean.data;
        len = clean.len;
    }
    rc = pl_unwrap_ex(buf, len, 1, &u);
    pl_buf_release(&clean);
    if (rc < 0)
        return PLANLINT_ENOMEM;
    raw = pl_malloc((u.nlines ? u.nlines : 1) * sizeof(*raw));
    if (!raw) {
        pl_unwrapped_free(&u);
        return PLANLINT_ENOMEM;
    }
    count = pl_split(&u, raw);
    rc = pl_each(raw, count, fn, ctx);
    pl_free(raw);
    pl_unwrapped_free(&u);
    return rc;
}
