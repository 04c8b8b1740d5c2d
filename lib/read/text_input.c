/* text_input.c - the logical lines of a pasted text plan: psql's frames, headers and
 * footers gone (unwrap.c), pgAdmin's per-line quotes gone, tabs expanded, lines that
 * a mail client or a narrow terminal broke in two joined again. */
#include "text.h"
#include "alloc.h"
#include "buf.h"
#include "nest.h"
#include "unwrap.h"

#include <string.h>

/* How many lines one broken line may span: a long Output list that fold -w 40 broke,
 * and a bound. */
#define PL_MAX_JOIN 4096

/* A line of the input, frames and headers gone; width is its display width in the
 * input, the blanks cut from its end included (pl_fold_width()). */
typedef pl_uline pl_raw;

/* A logical line being joined from raw pieces. */
typedef struct pl_joining {
    pl_buf text;              /* the pieces so far, indentation included */
    pl_nest nest;             /* parentheses and quotes over text */
    size_t tail_from;         /* where to look for "(cost=" next */
    int tail;                 /* text holds "(cost=" or "(actual" */
    int costs;                /* some line of the input has estimates or actuals */
    int guessed;              /* a join or a split was a guess */
} pl_joining;

/* Columns of s as fold(1) counts them: a byte each, tabs to multiples of 8. */
static size_t pl_width(const char *s, size_t n)
{
    size_t col = 0, i;

    for (i = 0; i < n; i++)
        col = s[i] == '\t' ? (col / 8 + 1) * 8 : col + 1;
    return col;
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

static int pl_label_is(const char *s, size_t ln, const char *const *list, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (pl_text_is(s, ln, list[i]))
            return 1;
    return 0;
}

/* Labels that also stand inside a line, after two blanks ("Sort Method: quicksort
 * Memory: 25kB"), or the tail of one ("Memory Usage" broken at its blank). */
static int pl_field_label(const char *s, size_t ln)
{
    static const char *const fields[] = {
        "Memory", "Disk", "Usage", "Memory Usage", "Disk Usage", "Batches", "Misses",
        "Evictions", "Overflows", "Average Memory", "Peak Memory", "Average Disk", "Peak Disk",
        "Sort Method", "Sort Methods", "Method", "Methods", "Maximum Storage", "Storage",
    };
    return pl_label_is(s, ln, fields, sizeof(fields) / sizeof(fields[0]));
}

/* Lines that hold such fields after their own label; "Worker 1:" lines after theirs. */
static int pl_fields_line(const char *s, size_t n)
{
    static const char *const multi[] = {
        "Sort Method", "Sort Methods", "Buckets", "Batches", "Hits", "Full-sort Groups",
        "Pre-sorted Groups", "Storage", "Planned Partitions",
    };
    size_t ln = pl_text_label(s, n);

    if (ln > 7 && memcmp(s, "Worker ", 7) == 0) {
        s += ln + 1;
        n -= ln + 1;
        s = pl_tv_trim(s, &n);
        ln = pl_text_label(s, n);
    }
    return ln && pl_label_is(s, ln, multi, sizeof(multi) / sizeof(multi[0]));
}

static int pl_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* "SubPlan 2", "InitPlan 1 (returns $0)", "CTE name" and nothing more. */
static int pl_header_like(const char *s, size_t n)
{
    size_t i = 0;

    if (n > 4 && memcmp(s, "CTE ", 4) == 0)
        return memchr(s + 4, ' ', n - 4) == NULL;
    if (n >= 7 && memcmp(s, "SubPlan", 7) == 0)
        i = 7;
    else if (n >= 8 && memcmp(s, "InitPlan", 8) == 0)
        i = 8;
    else
        return 0;
    if (i < n && s[i] == ' ')
        for (i++; i < n && s[i] >= '0' && s[i] <= '9'; i++)
            ;
    if (i + 2 < n && s[i] == ' ' && s[i + 1] == '(' && s[n - 1] == ')')
        return 1;
    return i == n;
}

static int pl_has_double_blank(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i + 1 < n; i++)
        if (s[i] == ' ' && s[i + 1] == ' ')
            return 1;
    return 0;
}

/* The start of a label that a break cut before its colon ("Rows Removed by"). */
static int pl_label_start(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n && i < 80; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == ' ' || c == '-'))
            return 0;
    }
    return i == n;
}

/* Could t be a line of its own: a node under "->", a "Label: value" detail, a subplan
 * header, a trigger, or a plan's first line? A piece that a break cut out of a longer
 * line rarely is one of these. t_broken: t is itself cut at its end. */
static int pl_starts_line(const pl_tline *t, int t_broken)
{
    size_t ln;

    if (t->arrow)
        return t->n > 0 && pl_upper(t->s[0]);
    if (!t->n || !pl_upper(t->s[0]))
        return 0;
    if ((ln = pl_text_label(t->s, t->n)) != 0)   /* "B  Disk Usage:" is "...529k" + "B" */
        return !pl_has_double_blank(t->s, ln);
    if (pl_header_like(t->s, t->n))
        return 1;
    if (t_broken && t->col > 0 && pl_label_start(t->s, t->n))
        return 1;
    return (t->n > 8 && memcmp(t->s, "Trigger ", 8) == 0) || pl_has_tail(t->s, t->n);
}

/* Is t the rest of cur's fields ("Buckets: 1024" + "Batches: 1  Memory Usage: 9kB")? */
static int pl_more_fields(const pl_tline *cur, const pl_tline *t)
{
    size_t ln = pl_text_label(t->s, t->n);

    return !t->arrow && ln && t->col < cur->col && t->col <= 2 && pl_field_label(t->s, ln) &&
           pl_fields_line(cur->s, cur->n);
}

/* Is cur, as joined so far, a whole line? A detail must have its label, a node line
 * its name; a node line without estimates may be COSTS OFF. */
static int pl_whole(const pl_tline *cur, const pl_joining *j)
{
    if (j->nest.depth > 0 || j->nest.quote)
        return 0;
    if (cur->arrow && !j->tail && j->costs)
        return 0;                            /* "->  Seq Scan on" waits for "(cost=" */
    if (cur->arrow || j->tail)
        return cur->n > 0;
    return pl_text_label(cur->s, cur->n) || pl_header_like(cur->s, cur->n) ||
           (cur->n > 8 && memcmp(cur->s, "Trigger ", 8) == 0);
}

/* After a piece that filled the line (fold -w) or ended at a blank (fold -s): the next
 * line carries on unless it starts a line of its own. */
static int pl_continues_broken(const pl_tline *cur, const pl_joining *j, const pl_tline *t,
                               int t_broken)
{
    if (cur->n == 0)                         /* only indentation so far */
        return 1;
    if (t->arrow && pl_starts_line(t, t_broken))
        return 0;
    if (!pl_whole(cur, j))
        return 1;
    if (cur->arrow && !j->tail && pl_has_tail(t->s, t->n))
        return 1;                            /* "->  Seq Scan on" + "t  (cost=...)" */
    if (pl_more_fields(cur, t))
        return 1;
    return !pl_starts_line(t, t_broken);
}

/* Does the next raw line continue this one, broken by a narrow screen or a mailer
 * that left no sign of where? Inside parentheses or quotes it does, and after a
 * comma (an Output list); a node line broken before its "(cost=" does when the next
 * piece brings the estimates (pev2's 06 and 07). */
static int pl_continues(const pl_tline *cur, const pl_joining *j, const pl_tline *t)
{
    int need_tail = 0;

    if (j->nest.depth <= 0 && !j->nest.quote && !(cur->n && cur->s[cur->n - 1] == ',')) {
        if (!cur->arrow || j->tail)
            return 0;
        need_tail = 1;
    }
    if (t->n == 0 || t->arrow || pl_text_label(t->s, t->n))
        return 0;
    if (t->col > cur->arrow_col)             /* deeper: only the rest of "(actual" */
        return (j->nest.depth > 0 || j->nest.quote) && !pl_starts_line(t, 0);
    return !need_tail || pl_has_tail(t->s, t->n);
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

/* The width a fold -w would leave on every broken piece: that of the widest unframed
 * lines, when one of them is followed by what cannot start a line (a longest line
 * alone says nothing). */
static size_t pl_fold_width(pl_raw *raw, size_t count)
{
    size_t i, max = 0;
    pl_tline t;

    for (i = 0; i < count; i++) {
        raw[i].width = raw[i].shift ? 0 : (unsigned int)(pl_width(raw[i].s, raw[i].n) + (size_t)raw[i].trail);
        if (raw[i].width > max)
            max = raw[i].width;
    }
    if (max < 20)
        return 0;
    for (i = 0; i + 1 < count; i++) {
        if (raw[i].width != max)
            continue;
        pl_classify(&t, raw[i + 1].s, raw[i + 1].n);
        if (t.n && !pl_starts_line(&t, 0))
            return max;
    }
    return 0;
}

/* Appends the piece r to j; exact: as fold(1) cut it (the blanks it ended with kept),
 * else by pl_join()'s guess. */
static void pl_add_piece(pl_joining *j, const pl_raw *r, int exact)
{
    size_t from = j->text.len, i;

    if (exact)
        pl_buf_add(&j->text, r->s, r->n);
    else
        pl_join(&j->text, r->s, r->n);
    for (i = from; i < j->text.len; i++)
        pl_nest_step(&j->nest, j->text.data[i]);
    if (!j->tail && j->text.len > j->tail_from) {
        j->tail = pl_has_tail(j->text.data + j->tail_from, j->text.len - j->tail_from);
        j->tail_from = j->text.len > 7 ? j->text.len - 7 : 0;
    }
}

static void pl_add_blanks(pl_joining *j, int k)
{
    while (k-- > 0)
        pl_buf_putc(&j->text, ' ');
}

/* Did fold -w (a piece as wide as any) or fold -s (the blank it broke at, at its end;
 * PostgreSQL never writes more than two in a row) cut r? More blanks are padding, but
 * for a piece of indentation alone. */
static int pl_broken(const pl_raw *r, size_t fold_w)
{
    return (r->trail > 0 && (r->trail <= 2 || r->n == 0)) || (fold_w && r->width == fold_w);
}

/* Joins raw[i] and the pieces that continue it into j; returns the index after them. */
static size_t pl_join_from(pl_joining *j, const pl_raw *raw, size_t i, size_t count, size_t fold_w)
{
    size_t k;

    j->text.len = 0;
    j->nest.depth = 0;
    j->nest.quote = 0;
    j->tail = 0;
    j->tail_from = 0;
    j->guessed = 0;
    pl_add_piece(j, &raw[i], 1);
    for (k = i + 1; k < count && k - i < PL_MAX_JOIN && !j->text.failed; k++) {
        const pl_raw *last = &raw[k - 1];
        int broken = pl_broken(last, fold_w);
        pl_tline cur, t;

        pl_classify(&cur, j->text.data, j->text.len);
        pl_classify(&t, raw[k].s, raw[k].n);
        if (t.n == 0 && raw[k].trail == 0)
            break;
        if (broken && pl_continues_broken(&cur, j, &t, pl_broken(&raw[k], fold_w))) {
            pl_add_blanks(j, last->trail);
            pl_add_piece(j, &raw[k], 1);
        } else if (!broken && t.n && pl_continues(&cur, j, &t)) {
            /* inside parentheses or quotes the line surely goes on */
            j->guessed |= j->nest.depth <= 0 && !j->nest.quote;
            pl_add_piece(j, &raw[k], 0);
        } else {
            break;
        }
    }
    return k;
}

static int pl_each(pl_raw *raw, size_t count, pl_tline_fn fn, void *ctx)
{
    char quoted = pl_first_quoted(raw, count);
    size_t i, next, fold_w;
    pl_joining j;
    int rc = 0, broken_input = 0;

    for (i = 0; i < count; i++) {
        size_t n = raw[i].n;
        pl_unquote(&raw[i].s, &n, quoted);
        raw[i].n = (unsigned int)n;
    }
    fold_w = quoted ? 0 : pl_fold_width(raw, count);
    memset(&j, 0, sizeof(j));
    for (i = 0; i < count && !j.costs; i++)
        j.costs = pl_has_tail(raw[i].s, raw[i].n);
    for (i = 0; i < count && !broken_input; i++)
        broken_input = i + 1 < count && pl_broken(&raw[i], fold_w);
    pl_buf_init(&j.text);
    for (i = 0; i < count && rc == 0; i = next) {
        pl_tline t;
        next = pl_join_from(&j, raw, i, count, fold_w);
        if (j.text.failed) {
            rc = PLANLINT_ENOMEM;
            break;
        }
        pl_classify(&t, j.text.data ? j.text.data : "", j.text.len);
        t.lineno = raw[i].lineno;
        t.colno += raw[i].shift;
        t.guessed = j.guessed;
        t.broken_input = broken_input;
        if (t.n > 0)
            rc = fn(ctx, &t);
    }
    pl_buf_release(&j.text);
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
    pl_buf clean;
    int rc;

    pl_buf_init(&clean);
    if (pl_needs_cleaning(buf, len)) {
        pl_buf_add_utf8(&clean, buf, len);
        if (clean.failed)
            return PLANLINT_ENOMEM;
        buf = clean.data;
        len = clean.len;
    }
    /* The lines point into buf: clean lives until they are read. */
    if (pl_unwrap_lines(buf, len, &u) < 0) {
        pl_buf_release(&clean);
        return PLANLINT_ENOMEM;
    }
    rc = pl_each(u.lines, u.nlines, fn, ctx);
    pl_unwrapped_free(&u);
    pl_buf_release(&clean);
    return rc;
}
