/* unwrap.c - strip psql headers, frames, continuation marks and footers, and
 * pgAdmin's doubled quotes, keeping a map back to the input's lines. */
#include "unwrap.h"
#include "alloc.h"

#include <stdint.h>
#include <string.h>

typedef struct pl_line {
    const char *s;
    size_t n;
} pl_line;

static int pl_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static void pl_ltrim(pl_line *l)
{
    while (l->n && pl_is_space(l->s[0])) {
        l->s++;
        l->n--;
    }
}

static void pl_rtrim(pl_line *l)
{
    while (l->n && pl_is_space(l->s[l->n - 1]))
        l->n--;
}

static void pl_trim(pl_line *l)
{
    pl_ltrim(l);
    pl_rtrim(l);
}

/* Byte length of a frame border at p ('|', U+2502 or U+2551), else 0. */
static size_t pl_border_len(const char *p, size_t n)
{
    const unsigned char *u = (const unsigned char *)p;

    if (n >= 1 && u[0] == '|')
        return 1;
    if (n >= 3 && u[0] == 0xE2 && ((u[1] == 0x94 && u[2] == 0x82) || (u[1] == 0x95 && u[2] == 0x91)))
        return 3;
    return 0;
}

static size_t pl_border_len_end(const char *p, size_t n)
{
    if (n >= 1 && p[n - 1] == '|')
        return 1;
    if (n >= 3 && pl_border_len(p + n - 3, 3) == 3)
        return 3;
    return 0;
}

/* A line made of dashes, pluses, equals signs and box-drawing characters only. */
static int pl_is_rule(pl_line l)
{
    const unsigned char *u = (const unsigned char *)l.s;
    size_t i = 0;

    if (l.n == 0)
        return 0;
    while (i < l.n) {
        if (u[i] == '-' || u[i] == '+' || u[i] == '=' || pl_is_space((char)u[i])) {
            i++;
        } else if (i + 2 < l.n && u[i] == 0xE2 && (u[i + 1] == 0x94 || u[i + 1] == 0x95)) {
            i += 3;
        } else {
            return 0;
        }
    }
    return 1;
}

/* "(1 row)", "(12 rows)" */
static int pl_is_footer(pl_line l)
{
    size_t i = 1;

    if (l.n < 7 || l.s[0] != '(' || l.s[l.n - 1] != ')')
        return 0;
    if (l.s[i] < '0' || l.s[i] > '9')
        return 0;
    while (i < l.n && l.s[i] >= '0' && l.s[i] <= '9')
        i++;
    return (l.n - i == 5 && memcmp(l.s + i, " row)", 5) == 0) ||
           (l.n - i == 6 && memcmp(l.s + i, " rows)", 6) == 0);
}

static int pl_is_header(pl_line l)
{
    return l.n >= 10 && memcmp(l.s, "QUERY PLAN", 10) == 0;
}

/* Drops a trailing continuation mark: '+' (ascii, when plus), U+21B5 (unicode), U+2026
 * (wrap). Leading blanks stay when keep_indent: text plans nest by indentation. */
static void pl_drop_continuation(pl_line *l, int keep_indent, int plus)
{
    const unsigned char *u;

    if (keep_indent)
        pl_rtrim(l);
    else
        pl_trim(l);
    u = (const unsigned char *)l->s;
    if (plus && l->n >= 1 && l->s[l->n - 1] == '+')
        l->n--;
    else if (l->n >= 3 && u[l->n - 3] == 0xE2 &&
             ((u[l->n - 2] == 0x86 && u[l->n - 1] == 0xB5) || (u[l->n - 2] == 0x80 && u[l->n - 1] == 0xA6)))
        l->n -= 3;
}

static int pl_ends_marked(pl_line l, int plus)
{
    pl_line c = l;

    pl_drop_continuation(&c, 0, plus);
    pl_trim(&l);
    return c.n != l.n;
}

/* Removes the frame of one content line; returns the bytes removed on the left. */
static size_t pl_strip_frame(pl_line *l, int framed)
{
    const char *start = l->s;
    size_t b;

    if (!framed)
        return 0;
    pl_ltrim(l);
    b = pl_border_len(l->s, l->n);
    l->s += b;
    l->n -= b;
    pl_rtrim(l);
    l->n -= pl_border_len_end(l->s, l->n);
    return (size_t)(l->s - start);
}

/* DBeaver's grid copy closes each row with a '|' on the right only, under a
 * "QUERY PLAN   |" header: the indentation on the left is the plan's own. */
static int pl_is_right_framed_header(pl_line t)
{
    return pl_is_header(t) && t.s[t.n - 1] == '|' && !pl_border_len(t.s, t.n);
}

static void pl_strip_right_frame(pl_line *l)
{
    pl_rtrim(l);
    if (l->n && l->s[l->n - 1] == '|')
        l->n--;
}

/* psql marks every line of a multi-line value but its last with '+'. A text plan that
 * fold(1) broke has a '+' at the end of a piece only where an expression had one: there
 * a '+' is a mark only when at least half the lines carry one. */
static int pl_plus_marks(const char *buf, size_t len)
{
    size_t pos = 0, lines = 0, marked = 0;

    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        pl_line l = { buf + pos, nl ? (size_t)(nl - (buf + pos)) : len - pos };
        pos += l.n + 1;
        pl_rtrim(&l);
        l.n -= pl_border_len_end(l.s, l.n);
        pl_rtrim(&l);
        if (l.n == 0)
            continue;
        lines++;
        marked += l.s[l.n - 1] == '+';
    }
    return marked * 2 >= lines;
}

static size_t pl_count_lines(const char *buf, size_t len)
{
    size_t n = 1, i;

    for (i = 0; i < len; i++)
        if (buf[i] == '\n')
            n++;
    return n;
}

/* pgAdmin copies a JSON plan as one CSV field: "[ ... ""Plan"": ... ]". */
static void pl_undouble_quotes(pl_unwrapped *u)
{
    size_t r = 0, w = 0;
    char *t = u->text;

    while (r < u->len && (t[r] == ' ' || t[r] == '\n' || t[r] == '\t'))
        t[w++] = t[r++];
    if (r >= u->len || t[r] != '"')
        return;
    t[w++] = ' ';
    r++;
    u->changed = 1;
    while (r < u->len) {
        if (t[r] == '"' && r + 1 < u->len && t[r + 1] == '"') {
            t[w++] = '"';
            r += 2;
        } else if (t[r] == '"') {
            t[w++] = ' ';   /* the closing quote */
            r++;
        } else {
            t[w++] = t[r++];
        }
    }
    u->len = w;
    t[w] = '\0';
}

static int pl_unwrap_alloc(pl_unwrapped *u, size_t len, size_t nlines)
{
    if (nlines > SIZE_MAX / sizeof(int) || len >= SIZE_MAX - 1)
        return -1;
    u->text = pl_malloc(len + 2);  /* a last line without newline gets one */
    u->orig_line = pl_malloc(nlines * sizeof(int));
    u->orig_col_shift = pl_malloc(nlines * sizeof(int));
    u->trail = pl_malloc(nlines * sizeof(int));
    if (!u->text || !u->orig_line || !u->orig_col_shift || !u->trail) {
        pl_unwrapped_free(u);
        return -1;
    }
    return 0;
}

/* Blanks at the end of l, before any carriage return. */
static int pl_trailing_blanks(pl_line l)
{
    int k = 0;

    while (l.n && l.s[l.n - 1] == '\r')
        l.n--;
    while (l.n && (l.s[l.n - 1] == ' ' || l.s[l.n - 1] == '\t') && k < 100000) {
        l.n--;
        k++;
    }
    return k;
}

static void pl_emit_line(pl_unwrapped *u, pl_line l, int lineno, size_t shift, int trail)
{
    u->trail[u->nlines] = trail;
    memcpy(u->text + u->len, l.s, l.n);
    u->len += l.n;
    u->text[u->len++] = '\n';
    u->orig_line[u->nlines] = lineno;
    u->orig_col_shift[u->nlines] = shift > 100000 ? 100000 : (int)shift;
    u->nlines++;
}

int pl_unwrap(const char *buf, size_t len, pl_unwrapped *u)
{
    return pl_unwrap_ex(buf, len, 0, u);
}

int pl_unwrap_ex(const char *buf, size_t len, int keep_indent, pl_unwrapped *u)
{
    size_t pos = 0;
    int lineno = 0, framed, right_framed = 0, plus;

    memset(u, 0, sizeof(*u));
    if (pl_unwrap_alloc(u, len, pl_count_lines(buf, len)) < 0)
        return -1;
    if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0) {   /* UTF-8 byte order mark */
        pos = 3;
        u->changed = 1;
    }
    framed = 0;
    plus = !keep_indent || pl_plus_marks(buf + pos, len - pos);
    while (pos < len) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - (buf + pos)) : len - pos;
        pl_line l = { buf + pos, n }, t;
        size_t shift;
        int trail;

        pos += n + (nl ? 1 : 0);
        lineno++;
        t = l;
        pl_trim(&t);
        if (pl_border_len(t.s, t.n))
            framed = 1;
        if (pl_is_right_framed_header(t))
            right_framed = 1;
        shift = pl_strip_frame(&l, framed);
        if (right_framed && !framed)
            pl_strip_right_frame(&l);
        t = l;
        pl_trim(&t);
        if (pl_is_rule(t) || pl_is_header(t) || pl_is_footer(t)) {
            u->changed = 1;
            continue;
        }
        trail = 0;
        if (shift || pl_ends_marked(l, plus))
            u->changed = 1;
        else if (!framed && !right_framed)
            trail = pl_trailing_blanks(l);
        t = l;
        pl_drop_continuation(&l, keep_indent, plus);
        pl_emit_line(u, l, lineno, shift + (size_t)(l.s - t.s), trail);
    }
    u->text[u->len] = '\0';
    if (!keep_indent)
        pl_undouble_quotes(u);
    return 0;
}

void pl_unwrapped_free(pl_unwrapped *u)
{
    if (!u)
        return;
    pl_free(u->text);
    pl_free(u->orig_line);
    pl_free(u->orig_col_shift);
    pl_free(u->trail);
    memset(u, 0, sizeof(*u));
}
