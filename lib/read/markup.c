/* markup.c - the YAML and XML readers' common part: their documents as JSON text for
 * the JSON parser, typing untyped scalars as EXPLAIN's JSON does, psql's wrapping,
 * and errors at the input's line and column. */
#include "markup.h"
#include "alloc.h"
#include "error.h"
#include "json_parse.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* The JSON reader's nesting cap: two JSON levels per plan level, a hard limit above. */
#define PL_MARKUP_DEPTH_CAP 10000u

int pl_starts(const char *s, size_t n, const char *lit)
{
    size_t l = strlen(lit);

    return n >= l && memcmp(s, lit, l) == 0;
}

/* ------------------------------------------------------------ writing JSON */

static void pl_json_quoted(pl_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;

    pl_buf_putc(b, '"');
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        pl_buf_add(b, s + run, i - run);
        if (c == '"' || c == '\\') {
            esc[1] = (char)c;
            pl_buf_add(b, esc, 2);
        } else {
            pl_buf_add(b, esc, 6);
        }
        run = i + 1;
    }
    pl_buf_add(b, s + run, n - run);
    pl_buf_putc(b, '"');
}

/* A comma unless the member is the first of its container, then "key":. */
static void pl_member(pl_markup *m, const char *key, size_t klen)
{
    pl_buf *b = &m->json;
    char last = b->len ? b->data[b->len - 1] : '[';

    if (last != '[' && last != '{' && last != ':')
        pl_buf_putc(b, ',');
    if (key) {
        pl_json_quoted(b, key, klen);
        pl_buf_putc(b, ':');
    }
}

int pl_markup_open(pl_markup *m, const char *key, size_t klen, int object)
{
    if (m->depth >= m->max_depth)
        return PLANLINT_ELIMIT;
    m->depth++;
    pl_member(m, key, klen);
    pl_buf_putc(&m->json, object ? '{' : '[');
    return 0;
}

void pl_markup_close(pl_markup *m, int object)
{
    m->depth--;
    pl_buf_putc(&m->json, object ? '}' : ']');
}

void pl_markup_literal(pl_markup *m, const char *key, size_t klen, const char *json)
{
    pl_member(m, key, klen);
    pl_buf_puts(&m->json, json);
}

void pl_markup_string(pl_markup *m, const char *key, size_t klen, const char *s, size_t n)
{
    pl_member(m, key, klen);
    pl_json_quoted(&m->json, s, n);
}

static size_t pl_digit_run(const char *s, size_t i, size_t n)
{
    while (i < n && s[i] >= '0' && s[i] <= '9')
        i++;
    return i;
}

/* JSON's number grammar exactly: no '+', no leading zeros, no bare '.'. */
static int pl_json_number(const char *s, size_t n)
{
    size_t i = n && s[0] == '-', j;

    if (i >= n || s[i] < '0' || s[i] > '9')
        return 0;
    i = s[i] == '0' ? i + 1 : pl_digit_run(s, i, n);
    if (i < n && s[i] == '.') {
        if ((j = pl_digit_run(s, i + 1, n)) == i + 1)
            return 0;
        i = j;
    }
    if (i < n && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        i += i < n && (s[i] == '+' || s[i] == '-');
        if ((j = pl_digit_run(s, i, n)) == i)
            return 0;
        i = j;
    }
    return i == n;
}

void pl_markup_untyped(pl_markup *m, const char *key, size_t klen, const char *s, size_t n)
{
    double d;

    pl_member(m, key, klen);
    if ((n == 4 && memcmp(s, "true", 4) == 0) || (n == 5 && memcmp(s, "false", 5) == 0) ||
        (pl_json_number(s, n) && pl_parse_double(s, n, &d) == 0 && d - d == 0))
        pl_buf_add(&m->json, s, n);
    else
        pl_json_quoted(&m->json, s, n);
}

int pl_markup_document(pl_markup *m)
{
    planlint_value *doc;
    pl_json_error je;
    size_t used = 0;

    if (m->json.failed)
        return pl_error_nomem(m->err);
    if (m->json.len == 0)
        return 0;
    if (!(doc = pl_arena_alloc(m->arena, sizeof(*doc))))
        return pl_error_nomem(m->err);
    memset(&je, 0, sizeof(je));
    if (pl_json_parse_value(m->parser, m->json.data, m->json.len, doc, &used, &je) != 0)
        return je.code == PLANLINT_ENOMEM ? pl_error_nomem(m->err)
                                          : pl_error(m->err, je.code, 0, 0, NULL, "%s document: %s", m->what,
                                                     je.message);
    m->json.len = 0;
    m->depth = 0;
    return pl_plans_from_document(m->list, m->arena, doc, m->opts, m->err);
}

/* ------------------------------------------------------------ positions and errors */

void pl_span_locate(pl_span *span, pl_cursor *at, const char *text, size_t off)
{
    for (; at->pos < off; at->pos++)
        if (text[at->pos] == '\n') {
            at->line++;
            at->bol = at->pos + 1;
        }
    span->line = at->line;
    span->first_col = (int)(off - at->bol < 100000 ? off - at->bol : 100000);
}

int pl_markup_error(pl_markup *m, const pl_span *span, int code, int line, int col, const char *fmt, ...)
{
    char text[sizeof(m->err->text)];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (line < 1)
        line = 1;
    col += (line == 1 ? span->first_col : 0) + span->indent;
    line += span->line - 1;
    if (m->u && (size_t)line <= m->u->nlines) {
        col += m->u->orig_col_shift[line - 1];
        line = m->u->orig_line[line - 1];
    }
    return pl_error(m->err, code, line, col, NULL, "%s", text);
}

/* ------------------------------------------------------------ reading */

static int pl_markup_scan(pl_markup *m, pl_markup_scan_fn scan, const char *text, size_t len,
                          pl_plan_list *list, planlint_error *err)
{
    int rc;

    m->list = list;
    m->err = err;
    m->json.len = 0;
    m->json.failed = 0;
    m->depth = 0;
    rc = scan(m, text, len);
    if (rc == 0 && m->json.failed)
        rc = pl_error_nomem(err);
    return rc;
}

/* As the JSON reader: the unwrapped reading's error wins only when unwrapping changed
 * something; its plans win whenever it found some. */
static int pl_markup_unwrapped(pl_markup *m, pl_markup_scan_fn scan, const char *buf, size_t len,
                               pl_plan_list *list, planlint_error *first, int rc)
{
    planlint_error second;
    pl_plan_list retry;
    pl_unwrapped u;

    memset(&second, 0, sizeof(second));
    memset(&retry, 0, sizeof(retry));
    if (pl_unwrap_ex(buf, len, 1, &u) < 0)
        return pl_error_nomem(first);
    m->u = &u;
    if (pl_markup_scan(m, scan, u.text, u.len, &retry, &second) == 0 && retry.count > 0) {
        *list = retry;
        rc = 0;
    } else if (u.changed || second.code == PLANLINT_ENOMEM || second.code == PLANLINT_ELIMIT) {
        *first = second;
        rc = second.code;
    }
    m->u = NULL;
    pl_unwrapped_free(&u);
    return rc;
}

int pl_markup_read(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                   const planlint_parse_options *opts, planlint_error *err, const char *what,
                   pl_markup_scan_fn scan)
{
    unsigned int depth = opts->max_depth;
    planlint_error first;
    pl_markup m;
    int rc;

    memset(&m, 0, sizeof(m));
    memset(&first, 0, sizeof(first));
    m.arena = arena;
    m.opts = opts;
    m.what = what;
    m.max_depth = depth < PL_MARKUP_DEPTH_CAP / 2 ? 2 * depth + 4 : PL_MARKUP_DEPTH_CAP;
    pl_buf_init(&m.json);
    if (!(m.parser = pl_json_parser_new(arena, m.max_depth + 1)))
        return pl_error_nomem(err);
    rc = pl_markup_scan(&m, scan, buf, len, list, &first);
    if (rc == PLANLINT_EPARSE || (rc == 0 && list->count == 0)) {
        memset(list, 0, sizeof(*list));
        rc = pl_markup_unwrapped(&m, scan, buf, len, list, &first, rc);
    }
    pl_json_parser_free(m.parser);
    pl_buf_release(&m.json);
    if (rc < 0 && err && err->code == 0)
        *err = first;
    return rc;
}
