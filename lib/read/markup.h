/* markup.h - what the YAML and XML readers share. Each document they find is written
 * out as JSON text, event by event, and read by the JSON parser: the value tree is
 * then the one the same plan gives in JSON, with the same interning and limits. */
#ifndef PL_MARKUP_H
#define PL_MARKUP_H

#include "reader.h"
#include "buf.h"
#include "json_parse.h"
#include "unwrap.h"

typedef struct pl_markup {
    pl_arena *arena;
    const planlint_parse_options *opts;
    planlint_error *err;
    pl_plan_list *list;
    pl_json_parser *parser;
    const pl_unwrapped *u;    /* the text being read is u->text; NULL: the input itself */
    pl_buf json;              /* the current document as JSON text */
    unsigned int depth;       /* containers open in the current document */
    unsigned int max_depth;   /* two levels per plan level, as the JSON reader allows */
    const char *what;         /* "YAML" or "XML", for messages */
} pl_markup;

/* Reads every document of one text (the input, or its unwrapped form): 0 with plans
 * added to m->list (maybe none), or a negative code with m->err set. */
typedef int (*pl_markup_scan_fn)(pl_markup *m, const char *text, size_t len);

/* The readers' entry: scans buf, and psql's unwrapped form of it when buf as given
 * holds no plan or does not parse (the JSON reader's order). */
int pl_markup_read(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                   const planlint_parse_options *opts, planlint_error *err, const char *what,
                   pl_markup_scan_fn scan);

/* ------------------------------------------------------------ writing JSON */

/* A container: key is NULL inside an array. 0, or PLANLINT_ELIMIT past max_depth. */
int pl_markup_open(pl_markup *m, const char *key, size_t klen, int object);
void pl_markup_close(pl_markup *m, int object);
/* A member whose value is JSON text as is (a number, true, false, null, []). */
void pl_markup_literal(pl_markup *m, const char *key, size_t klen, const char *json);
void pl_markup_string(pl_markup *m, const char *key, size_t klen, const char *s, size_t n);
/* A scalar that came without a type: true/false, a finite number in JSON's syntax, or
 * a string, as EXPLAIN's JSON would have it. */
void pl_markup_untyped(pl_markup *m, const char *key, size_t klen, const char *s, size_t n);
/* Hands the finished document to the JSON parser and the plan builder. */
int pl_markup_document(pl_markup *m);

/* ------------------------------------------------------------ positions and errors */

/* Where a span of the text being read starts: line (1-based) and the bytes before it
 * on that line; indent bytes were removed from each of its lines (YAML). */
typedef struct pl_span {
    const char *s;
    size_t n;
    int line;
    int first_col;
    int indent;
} pl_span;

/* A place in the text being read, moved forward only: positions cost no rescans. */
typedef struct pl_cursor {
    size_t pos, bol;          /* the offset, and where its line begins */
    int line;
} pl_cursor;

/* Fills span->line and span->first_col for a span starting at text[off] (at or after
 * at->pos), moving at there. */
void pl_span_locate(pl_span *span, pl_cursor *at, const char *text, size_t off);
/* An error at (line, col) of a span (1-based, as the parsers count), reported at the
 * input's line and column. */
int pl_markup_error(pl_markup *m, const pl_span *span, int code, int line, int col, const char *fmt,
                    ...) PL_PRINTF(6, 7);
/* s[0..n) starts with lit. */
int pl_starts(const char *s, size_t n, const char *lit);

#endif
