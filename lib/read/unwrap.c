/* unwrap.c - strip psql headers, frames, continuation marks and footers, and
 * pgAdmin's doubled quotes, keeping a map back to the input's lines. */
#include "unwrap.h"
#include "alloc.h"

#include <stdint.h>
#include <limits.h>
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

/* ---------------------------------------------------- psql's expanded and wrapped output */

static int pl_starts(pl_line l, const char *lit)
{
    size_t n = strlen(lit);
    return l.n >= n && memcmp(l.s, lit, n) == 0;
}

/* Byte length of psql's wrap mark at the start of l ('.', or U+2026 in unicode), else 0. */
static size_t pl_wrap_mark(pl_line l)
{
    if (pl_starts(l, "\xe2\x80\xa6"))
        return 3;
    return l.n && l.s[0] == '.' ? 1 : 0;
}

/* "-[ RECORD 3 ]----", "+-[ RECORD 3 ]--+", "* Record 3" of \x output. */
static int pl_is_record(pl_line t)
{
    size_t i;

    if (pl_starts(t, "* Record "))
        return 1;
    for (i = 0; i + 9 <= t.n && i < 16; i++)
        if (memcmp(t.s + i, "[ RECORD ", 9) == 0)
            return 1;
    return 0;
}

/* In \x output each row is "QUERY PLAN | value" (border 1; "QUERY PLAN value" with
 * border 0, "QUERY PLAN|value" unaligned) and a value wrapped by \pset format wrapped
 * goes on under a blank label: "           |.rest". Leaves the value in *l, a wrap mark
 * in front kept for the caller: 1 when l was such a row, 0 when not. */
static int pl_expanded_value(pl_line *l)
{
    pl_line p = *l, rest;
    size_t i = 0;

    if (p.n > 1 && p.s[0] == ' ' && p.s[1] == 'Q')
        p.s++, p.n--;                          /* border 2: "| QUERY PLAN | ..." */
    if (pl_starts(p, "QUERY PLAN|")) {
        l->s = p.s + 11;                       /* unaligned: no margin */
        l->n = p.n - 11;
        return 1;
    }
    if (pl_starts(p, "QUERY PLAN |")) {
        i = 12;
    } else if (pl_starts(p, "QUERY PLAN ")) {
        rest.s = p.s + 11;
        rest.n = p.n - 11;
        pl_trim(&rest);
        if (rest.n == 0)
            return 0;                          /* the header of aligned output */
        l->s = p.s + 11;                       /* border 0 */
        l->n = p.n - 11;
        return 1;
    } else {
        while (i < p.n && p.s[i] == ' ')
            i++;
        if (i < 10 || i >= p.n || p.s[i] != '|')
            return 0;
        i++;
    }
    p.s += i;
    p.n -= i;
    if (!pl_wrap_mark(p) && p.n && p.s[0] == ' ')
        p.s++, p.n--;                          /* the margin */
    *l = p;
    return 1;
}

/* Does l end in psql's wrap mark ('.' or U+2026) where the next row may go on? */
static int pl_wrapped_at_end(pl_line l)
{
    if (l.n >= 3 && memcmp(l.s + l.n - 3, "\xe2\x80\xa6", 3) == 0)
        return 1;
    return l.n && l.s[l.n - 1] == '.';
}

static int pl_unwrap_alloc(pl_unwrapped *u, size_t len, size_t nlines, int spans)
{
    if (spans) {
        /* Line lengths and joined offsets are unsigned ints. */
        if (len > UINT_MAX || nlines > SIZE_MAX / sizeof(pl_uline) ||
            !(u->lines = pl_malloc(nlines * sizeof(pl_uline))))
            return -1;
        pl_buf_init(&u->joined);
        return 0;
    }
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
    if (u->lines) {
        pl_uline *x = &u->lines[u->nlines++];
        x->s = l.s;
        x->n = (unsigned int)l.n;
        x->lineno = lineno;
        x->shift = shift > 100000 ? 100000 : (int)shift;
        x->trail = trail;
        x->width = 0;
        return;
    }
    u->trail[u->nlines] = trail;
    memcpy(u->text + u->len, l.s, l.n);
    u->len += l.n;
    u->text[u->len++] = '\n';
    u->orig_line[u->nlines] = lineno;
    u->orig_col_shift[u->nlines] = shift > 100000 ? 100000 : (int)shift;
    u->nlines++;
}

/* The joined lines' offsets become pointers once u->joined no longer grows. */
static int pl_resolve_joined(pl_unwrapped *u)
{
    size_t i;

    if (u->joined.failed) {
        pl_unwrapped_free(u);
        return -1;
    }
    for (i = 0; i < u->nlines; i++)
        if (!u->lines[i].s) {
            u->lines[i].s = u->joined.data + u->lines[i].width;
            u->lines[i].width = 0;
        }
    return 0;
}

int pl_unwrap(const char *buf, size_t len, pl_unwrapped *u)
{
    return pl_unwrap_ex(buf, len, 0, u);
}

/* Lines mode: the last line moves to the end of u->joined, to be continued there (its
 * offset is kept in width until pl_unwrap_lines() ends); dot: without its last byte. */
static void pl_join_line(pl_unwrapped *u, int dot)
{
    pl_uline *x = &u->lines[u->nlines - 1];

    if (x->s) {
        x->width = (unsigned int)u->joined.len;
        pl_buf_add(&u->joined, x->s, x->n);
        x->s = NULL;
    }
    if (dot && x->n && !u->joined.failed) {
        x->n--;
        u->joined.len--;
    }
}

/* \pset format wrapped: the rest of a cell after its wrap mark ("...(actual tim." +
 * ".e=58.834...") joins the line before it, in place of that line's mark and newline.
 * *wrapped and *wrapped_dot say whether this piece ends in a mark too. */
static void pl_join_wrapped(pl_unwrapped *u, pl_line l, size_t mark, int plus, int *wrapped,
                            int *wrapped_dot)
{
    l.s += mark;
    l.n -= mark;
    pl_rtrim(&l);
    if (u->lines)
        pl_join_line(u, *wrapped_dot);
    else
        u->len -= *wrapped_dot ? 2 : 1;
    *wrapped = pl_wrapped_at_end(l);
    *wrapped_dot = *wrapped && l.s[l.n - 1] == '.';
    pl_drop_continuation(&l, 1, plus);
    if (u->lines) {
        pl_buf_add(&u->joined, l.s, l.n);
        u->lines[u->nlines - 1].n += (unsigned int)l.n;
        return;
    }
    memcpy(u->text + u->len, l.s, l.n);
    u->len += l.n;
    u->text[u->len++] = '\n';
}

static int pl_unwrap_mode(const char *buf, size_t len, int keep_indent, int spans, pl_unwrapped *u)
{
    size_t pos = 0;
    int lineno = 0, framed, right_framed = 0, plus, wrapped = 0, wrapped_dot = 0, rules = 0, marks = 0;
    size_t mark;

    memset(u, 0, sizeof(*u));
    if (pl_unwrap_alloc(u, len, pl_count_lines(buf, len), spans) < 0)
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
        rules = pl_is_rule(t) ? rules + 1 : 0;
        if (rules > 1)
            marks = -1;                        /* a table a terminal wrapped: no marks */
        else if (marks == 0 && (rules || pl_is_record(t)))
            marks = 1;                         /* psql's own table: wrap marks are marks */
        if (keep_indent && (pl_is_record(t) || pl_expanded_value(&l))) {
            u->changed = 1;
            if (pl_is_record(t))
                continue;
            t = l;
            pl_trim(&t);
            if (t.n == 0)
                continue;
        } else if (pl_is_rule(t) || pl_is_header(t) || pl_is_footer(t)) {
            u->changed = 1;
            continue;
        }
        if (keep_indent && marks > 0 && wrapped && u->nlines && (mark = pl_wrap_mark(l)) != 0) {
            pl_join_wrapped(u, l, mark, plus, &wrapped, &wrapped_dot);
            continue;
        }
        t = l;
        pl_rtrim(&t);
        wrapped = keep_indent && pl_wrapped_at_end(t);
        wrapped_dot = wrapped && t.s[t.n - 1] == '.';
        trail = 0;
        if (shift || pl_ends_marked(l, plus))
            u->changed = 1;
        else if (!framed && !right_framed)
            trail = pl_trailing_blanks(l);
        t = l;
        pl_drop_continuation(&l, keep_indent, plus);
        pl_emit_line(u, l, lineno, shift + (size_t)(l.s - t.s), trail);
    }
    if (spans)
        return pl_resolve_joined(u);
    u->text[u->len] = '\0';
    if (!keep_indent)
        pl_undouble_quotes(u);
    return 0;
}

int pl_unwrap_ex(const char *buf, size_t len, int keep_indent, pl_unwrapped *u)
{
    return pl_unwrap_mode(buf, len, keep_indent, 0, u);
}

int pl_unwrap_lines(const char *buf, size_t len, pl_unwrapped *u)
{
    return pl_unwrap_mode(buf, len, 1, 1, u);
}

void pl_unwrapped_free(pl_unwrapped *u)
{
    if (!u)
        return;
    pl_free(u->text);
    pl_free(u->orig_line);
    pl_free(u->orig_col_shift);
    pl_free(u->trail);
    if (u->lines)
        pl_buf_release(&u->joined);
    pl_free(u->lines);
    memset(u, 0, sizeof(*u));
}
