/* xml_reader.c - EXPLAIN (FORMAT XML) and auto_explain's XML, streamed through
 * libxml2's xmlTextReader: no DTD, no entities, no network, libxml2's own limits on
 * names and text. Element names are explain.c's labels with every character outside
 * [A-Za-z0-9_.-] turned into '-' ("I/O Read Time" -> <I-O-Read-Time>); the text has no
 * types, so values are typed as EXPLAIN's JSON prints them. */
#include "markup.h"
#include "alloc.h"
#include "error.h"
#include "xml_lib.h"

#include <limits.h>
#include <string.h>

#define PL_EXPLAIN_NS "http://www.postgresql.org/2009/explain"

typedef struct pl_xframe {
    const char *name;         /* libxml2's dictionary keeps it while the reader lives */
    int opened;               /* a child element came: the container is written */
    int array;
    int groups, spaces;       /* <Incremental-Sort-Groups>, <Sort-Space> children so far */
    int mem_methods, disk_methods;  /* in-memory and external sort methods among them */
} pl_xframe;

typedef struct pl_xml {
    pl_markup *m;
    const pl_span *span;
    const pl_xml_lib *lib;
    xmlTextReaderPtr reader;
    pl_xframe *stack;         /* m->max_depth + 2 frames */
    unsigned int depth;
    pl_buf text;              /* the innermost element's text */
    pl_buf key;               /* scratch: an element name as a JSON key */
    int err_line, err_col;    /* libxml2's first error */
    char err_msg[160];
} pl_xml;

/* ------------------------------------------------------------ names and types */

/* Back from an element name to explain.c's label: '-' was a blank, except in the
 * labels that have a '-' or '/' of their own. */
static const char *pl_xml_key(pl_xml *x, const char *name)
{
    static const char *const words[][2] = {
        { "I-O", "I/O" }, { "Full-sort", "Full-sort" }, { "Pre-sorted", "Pre-sorted" }, { "One-Time", "One-Time" },
    };
    size_t i = 0, w, l;

    x->key.len = 0;
    while (name[i]) {
        for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
            l = strlen(words[w][0]);
            if ((i == 0 || name[i - 1] == '-') && strncmp(name + i, words[w][0], l) == 0 &&
                (name[i + l] == '-' || name[i + l] == '\0'))
                break;
        }
        if (w < sizeof(words) / sizeof(words[0])) {
            pl_buf_puts(&x->key, words[w][1]);
            i += l;
        } else {
            pl_buf_putc(&x->key, name[i] == '-' ? ' ' : name[i]);
            i++;
        }
    }
    pl_buf_add(&x->key, "", 0);
    return x->key.data;
}

/* Which groups are JSON arrays: explain.c opens them with a plural label ("Plans",
 * "Workers", "Triggers", "Group Keys") and a singular one per member ("Plan"); lists
 * are <Item>s; <explain> holds one <Query> per statement (auto_explain: none). */
static int pl_xml_array(const char *parent, const char *child)
{
    size_t pl = strlen(parent), cl = strlen(child);

    if (strcmp(child, "Item") == 0)
        return 1;
    if (strcmp(parent, "explain") == 0)
        return strcmp(child, "Query") == 0;
    return pl == cl + 1 && parent[cl] == 's' && strncmp(parent, child, cl) == 0;
}

static int pl_ends(const char *s, const char *lit)
{
    size_t n = strlen(s), l = strlen(lit);

    return n >= l && memcmp(s + n - l, lit, l) == 0;
}

/* Values PostgreSQL prints as text even when they read as a number or a boolean:
 * list items, settings, names, conditions ("One-Time Filter: false"), query text. The
 * key table (keys.inc) settles the keys it knows; "Rows Removed by ..." are counts. */
static int pl_xml_text_value(const char *parent, const char *name, const char *key)
{
    static const planlint_value number = { .type = PLANLINT_VALUE_NUMBER, .is_integer = 1 };
    static const planlint_value string = { .type = PLANLINT_VALUE_STRING, .string = "" };

    if (strcmp(name, "Item") == 0 || strcmp(parent, "Settings") == 0)
        return 1;
    if (!key || pl_key_expected_type(key, &string) != NULL || strncmp(key, "Rows ", 5) == 0)
        return 0;
    return pl_key_expected_type(key, &number) != NULL || pl_ends(key, " Name") || pl_ends(key, "Cond") ||
           pl_ends(key, "Filter") || pl_ends(key, "Condition") || pl_ends(key, " Key") || pl_ends(key, "Text");
}

static int pl_blank_lines(const char *s, size_t n)
{
    size_t i;
    int nl = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '\n')
            nl = 1;
        else if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    }
    return nl;
}

/* ------------------------------------------------------------ elements */

static int pl_xml_fail(pl_xml *x, int code, const char *msg)
{
    return pl_markup_error(x->m, x->span, code, x->lib->TextReaderGetParserLineNumber(x->reader),
                           x->lib->TextReaderGetParserColumnNumber(x->reader), "%s", msg);
}

/* explain.c names two groups in XML by their kind, not their label: an incremental
 * sort's "Full-sort Groups" and "Pre-sorted Groups" (printed in that order) are both
 * <Incremental-Sort-Groups>, and a group's "Sort Space Memory" and "Sort Space Disk"
 * (in that order, each only when used) are both <Sort-Space>. A lone <Sort-Space> is
 * on disk when every sort method used was an external one. */
static const char *pl_xml_group_label(pl_xframe *parent, const char *name)
{
    if (strcmp(name, "Incremental-Sort-Groups") == 0)
        return parent->groups++ == 0 ? "Full-sort Groups" : "Pre-sorted Groups";
    if (strcmp(name, "Sort-Space") == 0)
        return parent->spaces++ == 0 && !(parent->disk_methods && !parent->mem_methods) ? "Sort Space Memory"
                                                                                          : "Sort Space Disk";
    return NULL;
}

/* Counts a sort method of an incremental sort's group (an <Item> of its list). */
static void pl_xml_sort_method(pl_xml *x, const char *text)
{
    pl_xframe *group;

    if (x->depth < 2 || strcmp(x->stack[x->depth - 1].name, "Sort-Methods-Used") != 0)
        return;
    group = &x->stack[x->depth - 2];
    if (strncmp(text, "external", 8) == 0)
        group->disk_methods++;
    else
        group->mem_methods++;
}

/* The key of frame i's value: none inside an array. */
static const char *pl_xml_member(pl_xml *x, unsigned int i, size_t *klen)
{
    const char *key;

    if (i == 0 || x->stack[i - 1].array) {
        *klen = 0;
        return NULL;
    }
    if ((key = pl_xml_group_label(&x->stack[i - 1], x->stack[i].name)) != NULL) {
        *klen = strlen(key);
        return key;
    }
    key = pl_xml_key(x, x->stack[i].name);
    *klen = x->key.len;
    return key;
}

static int pl_xml_start(pl_xml *x, const char *name)
{
    pl_xframe *parent = x->depth ? &x->stack[x->depth - 1] : NULL;
    const char *key, *ns;
    size_t klen;

    if (!parent) {
        ns = (const char *)x->lib->TextReaderConstNamespaceUri(x->reader);
        if (strcmp(name, "explain") != 0 || (ns && strcmp(ns, PL_EXPLAIN_NS) != 0))
            return pl_markup_error(x->m, x->span, PLANLINT_EPARSE, 1, 1,
                                   "expected EXPLAIN's <explain xmlns=\"" PL_EXPLAIN_NS "\">");
    } else if (!parent->opened) {
        parent->array = pl_xml_array(parent->name, name);
        parent->opened = 1;
        key = pl_xml_member(x, x->depth - 1, &klen);
        if (pl_markup_open(x->m, key, klen, !parent->array) < 0)
            return pl_xml_fail(x, PLANLINT_ELIMIT, "XML nested deeper than the limit (see max_depth)");
    }
    memset(&x->stack[x->depth], 0, sizeof(x->stack[x->depth]));
    x->stack[x->depth].name = name;
    x->depth++;
    x->text.len = 0;
    return 0;
}

static void pl_xml_end(pl_xml *x)
{
    pl_xframe *f = &x->stack[--x->depth];
    const char *key, *t = x->text.data ? x->text.data : "";
    size_t klen, tn = x->text.len;

    if (f->opened) {
        pl_markup_close(x->m, !f->array);
        return;
    }
    key = pl_xml_member(x, x->depth, &klen);
    if (strcmp(f->name, "Item") == 0)
        pl_xml_sort_method(x, t);
    if (x->depth == 0 || pl_blank_lines(t, tn))
        pl_markup_literal(x->m, key, klen, "[]");   /* an empty group or list */
    else if (pl_xml_text_value(x->stack[x->depth - 1].name, f->name, key))
        pl_markup_string(x->m, key, klen, t, tn);
    else
        pl_markup_untyped(x->m, key, klen, t, tn);
    x->text.len = 0;
}

static int pl_xml_node(pl_xml *x)
{
    const char *v;
    int rc;

    switch (x->lib->TextReaderNodeType(x->reader)) {
    case XML_READER_TYPE_ELEMENT:
        if (x->depth > x->m->max_depth)
            return pl_xml_fail(x, PLANLINT_ELIMIT, "XML nested deeper than the limit (see max_depth)");
        if ((rc = pl_xml_start(x, (const char *)x->lib->TextReaderConstLocalName(x->reader))) < 0)
            return rc;
        if (x->lib->TextReaderIsEmptyElement(x->reader))
            pl_xml_end(x);
        return 0;
    case XML_READER_TYPE_END_ELEMENT:
        pl_xml_end(x);
        return 0;
    case XML_READER_TYPE_TEXT:
    case XML_READER_TYPE_CDATA:
    case XML_READER_TYPE_WHITESPACE:
    case XML_READER_TYPE_SIGNIFICANT_WHITESPACE:
        if ((v = (const char *)x->lib->TextReaderConstValue(x->reader)) != NULL)
            pl_buf_puts(&x->text, v);
        return 0;
    case XML_READER_TYPE_DOCUMENT_TYPE:
    case XML_READER_TYPE_ENTITY_REFERENCE:
    case XML_READER_TYPE_ENTITY:
        return pl_xml_fail(x, PLANLINT_EPARSE, "invalid XML: DTDs and entities are not read");
    default:
        return 0;
    }
}

/* ------------------------------------------------------------ one document */

static void pl_xml_on_error(void *ctx, xmlErrorPtr e)
{
    pl_xml *x = ctx;
    size_t n;

    if (!e || e->level == XML_ERR_WARNING || x->err_msg[0])
        return;
    snprintf(x->err_msg, sizeof(x->err_msg), "%s", e->message ? e->message : "not well-formed");
    n = strlen(x->err_msg);
    while (n && (x->err_msg[n - 1] == '\n' || x->err_msg[n - 1] == ' '))
        x->err_msg[--n] = '\0';
    x->err_line = e->line;
    x->err_col = e->int2;
}

static int pl_xml_read_error(pl_xml *x)
{
    if (!x->err_msg[0])
        return pl_xml_fail(x, PLANLINT_EPARSE, "invalid XML");
    if (strstr(x->err_msg, "Memory allocation failed"))
        return pl_error_nomem(x->m->err);
    if (strncmp(x->err_msg, "Excessive depth", 15) == 0)
        return pl_markup_error(x->m, x->span, PLANLINT_ELIMIT, x->err_line, x->err_col,
                               "XML nested deeper than libxml2's limit of 256 elements (about 127 plan levels)");
    return pl_markup_error(x->m, x->span, PLANLINT_EPARSE, x->err_line, x->err_col, "invalid XML: %s",
                           x->err_msg);
}

static int pl_xml_walk(pl_xml *x)
{
    int ret, rc = 0;

    while (rc == 0 && (ret = x->lib->TextReaderRead(x->reader)) == 1) {
        rc = pl_xml_node(x);
        if (rc == 0 && (x->text.failed || x->key.failed))
            rc = pl_error_nomem(x->m->err);
    }
    if (rc == 0 && ret < 0)
        rc = pl_xml_read_error(x);
    return rc == 0 ? pl_markup_document(x->m) : rc;
}

static int pl_xml_span(pl_markup *m, const pl_span *span)
{
    /* No XML_PARSE_NOENT, DTDLOAD or DTDATTR: entities stay unexpanded, no DTD is
     * read; no XML_PARSE_HUGE: libxml2's limits on nesting, names and text hold. */
    const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA;
    const char *why = NULL;
    pl_xml x;
    int rc;

    if (span->n > INT_MAX)
        return pl_markup_error(m, span, PLANLINT_ELIMIT, 1, 1, "an XML document over %d bytes", INT_MAX);
    memset(&x, 0, sizeof(x));
    x.m = m;
    x.span = span;
    pl_buf_init(&x.text);
    pl_buf_init(&x.key);
    if (!(x.lib = pl_xml_lib_get(&why)))
        return pl_markup_error(m, span, PLANLINT_EFORMAT, 0, 0, "%s", why);
    x.stack = pl_malloc(((size_t)m->max_depth + 2) * sizeof(*x.stack));
    x.reader = x.stack ? x.lib->ReaderForMemory(span->s, (int)span->n, NULL, "UTF-8", options) : NULL;
    if (!x.reader) {
        pl_free(x.stack);
        return pl_error_nomem(m->err);
    }
    x.lib->TextReaderSetStructuredErrorHandler(x.reader, pl_xml_on_error, &x);
    rc = pl_xml_walk(&x);
    x.lib->FreeTextReader(x.reader);
    pl_buf_release(&x.text);
    pl_buf_release(&x.key);
    pl_free(x.stack);
    return rc;
}

/* ------------------------------------------------------------ finding XML in text */

static size_t pl_find(const char *text, size_t len, size_t from, const char *lit)
{
    size_t l = strlen(lit);
    const char *p;

    while (from < len && (p = memchr(text + from, lit[0], len - from)) != NULL) {
        from = (size_t)(p - text);
        if (len - from >= l && memcmp(p, lit, l) == 0)
            return from;
        from++;
    }
    return len;
}

/* "<explain" as a whole name. */
static size_t pl_find_explain(const char *text, size_t len, size_t from)
{
    for (;; from++) {
        char c;
        from = pl_find(text, len, from, "<explain");
        if (from + 8 >= len)
            return len;
        c = text[from + 8];
        if (c == ' ' || c == '>' || c == '/' || c == '\t' || c == '\n' || c == '\r')
            return from;
    }
}

static int pl_xml_scan(pl_markup *m, const char *text, size_t len)
{
    pl_cursor at = { 0, 0, 1 };
    size_t pos = pl_find_explain(text, len, 0), end;
    pl_span span;
    int rc = 0;

    while (rc == 0 && pos < len) {
        end = pl_find(text, len, pos, "</explain>");
        end = end < len ? end + 10 : len;
        memset(&span, 0, sizeof(span));
        span.s = text + pos;
        span.n = end - pos;
        pl_span_locate(&span, &at, text, pos);
        if (pl_find(span.s, span.n, 0, "<!DOCTYPE") < span.n || pl_find(span.s, span.n, 0, "<!ENTITY") < span.n)
            return pl_markup_error(m, &span, PLANLINT_EPARSE, 1, 1,
                                   "invalid XML: DTDs and entities are not read (EXPLAIN prints none)");
        rc = pl_xml_span(m, &span);
        pos = pl_find_explain(text, len, end);
    }
    return rc;
}

int pl_xml_read(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                const planlint_parse_options *opts, planlint_error *err)
{
    return pl_markup_read(list, arena, buf, len, opts, err, "XML", pl_xml_scan);
}
