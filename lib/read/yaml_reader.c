/* yaml_reader.c - EXPLAIN (FORMAT YAML) and auto_explain's YAML, through libyaml's
 * events. PostgreSQL quotes every string in YAML (explain.c's escape_yaml() is
 * escape_json()), so a quoted scalar is a string and a plain one is a number or a
 * boolean, exactly as in JSON; an empty group or list ("Triggers: ") is JSON's []. */
#include "markup.h"
#include "alloc.h"
#include "error.h"

#include <string.h>
#include <yaml.h>

typedef struct pl_yframe {
    char mapping;
    char want_key;
} pl_yframe;

typedef struct pl_yaml {
    pl_markup *m;
    const pl_span *span;
    yaml_parser_t parser;
    pl_yframe *stack;         /* m->max_depth + 1 frames */
    unsigned int depth;
    pl_buf key;               /* the pending key of the innermost mapping */
} pl_yaml;

static int pl_yaml_fail(pl_yaml *y, const yaml_mark_t *mark, int code, const char *msg)
{
    return pl_markup_error(y->m, y->span, code, (int)mark->line + 1, (int)mark->column + 1, "%s", msg);
}

static int pl_yaml_parse_error(pl_yaml *y)
{
    yaml_parser_t *p = &y->parser;
    const char *problem = p->problem ? p->problem : "syntax error";

    if (p->error == YAML_MEMORY_ERROR)
        return pl_error_nomem(y->m->err);
    if (p->context)
        return pl_markup_error(y->m, y->span, PLANLINT_EPARSE, (int)p->problem_mark.line + 1,
                               (int)p->problem_mark.column + 1, "invalid YAML: %s %s", problem, p->context);
    return pl_markup_error(y->m, y->span, PLANLINT_EPARSE, (int)p->problem_mark.line + 1,
                           (int)p->problem_mark.column + 1, "invalid YAML: %s", problem);
}

static int pl_yaml_is_null(const yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t n = ev->data.scalar.length;

    return ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE &&
           (n == 0 || (n == 1 && s[0] == '~') || (n == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
                                                              !memcmp(s, "NULL", 4))));
}

/* The key the next value goes under: NULL in a sequence or at the top. */
static const char *pl_yaml_key(pl_yaml *y, size_t *klen)
{
    pl_yframe *f = y->depth ? &y->stack[y->depth - 1] : NULL;

    if (!f || !f->mapping) {
        *klen = 0;
        return NULL;
    }
    f->want_key = 1;
    *klen = y->key.len;
    return y->key.data ? y->key.data : "";
}

static int pl_yaml_scalar(pl_yaml *y, const yaml_event_t *ev)
{
    pl_yframe *f = y->depth ? &y->stack[y->depth - 1] : NULL;
    const char *s = (const char *)ev->data.scalar.value, *key;
    size_t n = ev->data.scalar.length, klen;

    if (f && f->mapping && f->want_key) {
        y->key.len = 0;
        pl_buf_add(&y->key, s, n);
        f->want_key = 0;
        return 0;
    }
    key = pl_yaml_key(y, &klen);
    if (!f && pl_yaml_is_null(ev))
        return 0;   /* an empty document */
    if (pl_yaml_is_null(ev))
        pl_markup_literal(y->m, key, klen, key ? "[]" : "null");
    else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        pl_markup_untyped(y->m, key, klen, s, n);
    else
        pl_markup_string(y->m, key, klen, s, n);
    return 0;
}

static int pl_yaml_open(pl_yaml *y, const yaml_event_t *ev, int mapping)
{
    pl_yframe *f = y->depth ? &y->stack[y->depth - 1] : NULL;
    const char *key;
    size_t klen;

    if (f && f->mapping && f->want_key)
        return pl_yaml_fail(y, &ev->start_mark, PLANLINT_EPARSE, "invalid YAML: a key that is not a scalar");
    key = pl_yaml_key(y, &klen);
    if (pl_markup_open(y->m, key, klen, mapping) < 0)
        return pl_yaml_fail(y, &ev->start_mark, PLANLINT_ELIMIT,
                            "YAML nested deeper than the limit (see max_depth)");
    y->stack[y->depth].mapping = (char)mapping;
    y->stack[y->depth].want_key = 1;
    y->depth++;
    return 0;
}

static int pl_yaml_event(pl_yaml *y, const yaml_event_t *ev)
{
    switch (ev->type) {
    case YAML_SCALAR_EVENT:
        return pl_yaml_scalar(y, ev);
    case YAML_SEQUENCE_START_EVENT:
        return pl_yaml_open(y, ev, 0);
    case YAML_MAPPING_START_EVENT:
        return pl_yaml_open(y, ev, 1);
    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
        y->depth--;
        pl_markup_close(y->m, y->stack[y->depth].mapping);
        return 0;
    case YAML_ALIAS_EVENT:   /* EXPLAIN prints none; expanding them is how YAML bombs work */
        return pl_yaml_fail(y, &ev->start_mark, PLANLINT_EPARSE, "invalid YAML: aliases (*name) are not read");
    case YAML_DOCUMENT_END_EVENT:
        return pl_markup_document(y->m);
    default:
        return 0;
    }
}

/* Parses one span (a YAML stream, indentation removed) into plans. */
static int pl_yaml_span(pl_markup *m, const pl_span *span)
{
    pl_yaml y;
    yaml_event_t ev;
    int rc = 0, done = 0;

    memset(&y, 0, sizeof(y));
    y.m = m;
    y.span = span;
    pl_buf_init(&y.key);
    if (!(y.stack = pl_malloc(((size_t)m->max_depth + 1) * sizeof(*y.stack))))
        return pl_error_nomem(m->err);
    if (!yaml_parser_initialize(&y.parser)) {
        pl_free(y.stack);
        return pl_error_nomem(m->err);
    }
    yaml_parser_set_input_string(&y.parser, (const unsigned char *)span->s, span->n);
    yaml_parser_set_encoding(&y.parser, YAML_UTF8_ENCODING);
    while (rc == 0 && !done) {
        if (!yaml_parser_parse(&y.parser, &ev)) {
            rc = pl_yaml_parse_error(&y);
            break;
        }
        done = ev.type == YAML_STREAM_END_EVENT;
        rc = pl_yaml_event(&y, &ev);
        yaml_event_delete(&ev);
        if (rc == 0 && y.key.failed)
            rc = pl_error_nomem(m->err);
    }
    yaml_parser_delete(&y.parser);
    pl_buf_release(&y.key);
    pl_free(y.stack);
    return rc;
}

/* ------------------------------------------------------------ finding YAML in text */

typedef struct pl_yline {
    const char *s;            /* the line, without its newline */
    size_t n, indent;         /* leading blanks */
} pl_yline;

static size_t pl_yline_at(const char *text, size_t len, size_t pos, pl_yline *l)
{
    const char *nl = memchr(text + pos, '\n', len - pos);

    l->s = text + pos;
    l->n = nl ? (size_t)(nl - l->s) : len - pos;
    for (l->indent = 0; l->indent < l->n && (l->s[l->indent] == ' ' || l->s[l->indent] == '\t'); l->indent++)
        ;
    return pos + l->n + (nl != NULL);
}

/* Where a plan starts: EXPLAIN's "- Plan:", auto_explain's "Query Text:" or "Plan:",
 * or a plan node pasted alone. */
static int pl_yaml_start(const char *s, size_t n)
{
    return pl_starts(s, n, "- Plan:") || pl_starts(s, n, "Plan:") || pl_starts(s, n, "Query Text: \"") ||
           pl_starts(s, n, "Node Type:");
}

/* "Key: value" or "Key:" at the top level of a mapping. */
static int pl_yaml_key_line(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') || s[0] == '"'))
        return 0;
    for (i = 1; i < n; i++)
        if (s[i] == ':' && (i + 1 == n || s[i + 1] == ' '))
            return 1;
    return 0;
}

/* Does line l belong to the span that started with `first`? Blank lines do; others
 * need first's indentation, and at first's column the same kind of entry. */
static int pl_yaml_continues(const pl_yline *first, const pl_yline *l)
{
    const char *rest = l->s + first->indent;
    size_t rn = l->n - first->indent;

    if (l->indent == l->n)
        return 1;
    if (l->n <= first->indent || memcmp(l->s, first->s, first->indent) != 0)
        return 0;
    if (rest[0] == ' ' || rest[0] == '\t')
        return 1;
    return first->s[first->indent] == '-' ? pl_starts(rest, rn, "- ") || (rn == 1 && rest[0] == '-')
                                          : pl_yaml_key_line(rest, rn);
}

/* Copies the span starting at line `first` (at text[pos]) into doc without its common
 * indentation; returns where the span ends. */
static size_t pl_yaml_cut(const char *text, size_t len, size_t pos, const pl_yline *first, pl_buf *doc)
{
    pl_yline l;
    size_t next;

    doc->len = 0;
    pl_buf_add(doc, first->s + first->indent, first->n - first->indent);
    pl_buf_putc(doc, '\n');
    for (next = pos; next < len; next = pos) {
        pos = pl_yline_at(text, len, next, &l);
        if (!pl_yaml_continues(first, &l))
            return next;
        if (l.n > first->indent)
            pl_buf_add(doc, l.s + first->indent, l.n - first->indent);
        pl_buf_putc(doc, '\n');
    }
    return len;
}

static int pl_yaml_scan(pl_markup *m, const char *text, size_t len)
{
    size_t pos = 0, start;
    pl_cursor at = { 0, 0, 1 };
    pl_buf doc;
    pl_span span;
    pl_yline l;
    int rc = 0;

    pl_buf_init(&doc);
    while (rc == 0 && pos < len) {
        start = pos;
        pos = pl_yline_at(text, len, pos, &l);
        if (!pl_yaml_start(l.s + l.indent, l.n - l.indent))
            continue;
        pos = pl_yaml_cut(text, len, pos, &l, &doc);
        if (doc.failed) {
            rc = pl_error_nomem(m->err);
            break;
        }
        memset(&span, 0, sizeof(span));
        span.s = doc.data;
        span.n = doc.len;
        span.indent = (int)l.indent;
        pl_span_locate(&span, &at, text, start);
        rc = pl_yaml_span(m, &span);
    }
    pl_buf_release(&doc);
    return rc;
}

int pl_yaml_read(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                 const planlint_parse_options *opts, planlint_error *err)
{
    return pl_markup_read(list, arena, buf, len, opts, err, "YAML", pl_yaml_scan);
}
