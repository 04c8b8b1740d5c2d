/* json_parse.h - JSON text straight into the plan's arena: no intermediate tree. */
#ifndef PL_JSON_PARSE_H
#define PL_JSON_PARSE_H

#include "model.h"

typedef struct pl_intern pl_intern;

typedef struct pl_json_error {
    int code;              /* PLANLINT_EPARSE, PLANLINT_ELIMIT or PLANLINT_ENOMEM */
    size_t pos;            /* byte offset of the error in the parsed text */
    const char *message;   /* static text */
} pl_json_error;

typedef struct pl_json_parser pl_json_parser;

/* One parser per input; it keeps the key table and scratch space between values. */
pl_json_parser *pl_json_parser_new(pl_arena *arena, unsigned int max_depth);
void pl_json_parser_free(pl_json_parser *p);

/* Parses one JSON value starting at s[0] (leading whitespace allowed) into *out.
 * On success returns 0 and sets *consumed to the bytes read; else fills e. */
int pl_json_parse_value(pl_json_parser *p, const char *s, size_t len, planlint_value *out,
                        size_t *consumed, pl_json_error *e);

/* A small whole document (a config or baseline file) into *out, in arena; 0, or the
 * error in err as "invalid JSON: ..." (PLANLINT_EPARSE, PLANLINT_ELIMIT, PLANLINT_ENOMEM). */
int pl_json_parse_doc(pl_arena *arena, unsigned int max_depth, const char *s, size_t len,
                      planlint_value *out, planlint_error *err);

#endif
