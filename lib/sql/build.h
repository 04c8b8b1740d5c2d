/* build.h - the SQL planlint suggests, built rather than pasted together: names are
 * quoted by one function, and every statement is parsed back by PostgreSQL's grammar
 * (libpg_query) before anyone sees it. A statement that does not read back as exactly
 * what was meant is not shown at all: no cut names, no second statement. */
#ifndef PL_SQL_BUILD_H
#define PL_SQL_BUILD_H

#include "buf.h"

#include <stdarg.h>
#include <stddef.h>

/* The name a printed identifier stands for, as PostgreSQL stores it: "Order Items" ->
 * Order Items, "a""b" -> a"b, a bare Name folded to name. Appends it to out; -1 when s is
 * not one identifier (an unclosed or stray quote, a blank, empty). */
int pl_sql_unquote(pl_buf *out, const char *s, size_t n);

/* 1 when name must be quoted: it is not lower-case ASCII letters, digits and _ starting
 * with a letter or _, or PostgreSQL's grammar reads it as a keyword (it does not come
 * back as itself both as a table name and as a type name - the words quote_identifier()
 * leaves bare). 0 when it may stay bare; PLANLINT_ENOMEM. */
int pl_sql_needs_quotes(const char *name);

/* name as an SQL identifier, quoted ("" for ") when it needs it. 0 or PLANLINT_ENOMEM
 * (b->failed set). */
int pl_sql_put_ident(pl_buf *b, const char *name);
/* s as an SQL string literal: 'it''s' (standard_conforming_strings, the default). */
void pl_sql_put_literal(pl_buf *b, const char *s);

/* Appends a statement built from fmt: %I an identifier (const char *), %Q a table name,
 * two arguments (schema or NULL, name), %V a list of identifiers "a, b", two arguments
 * (const char *const *, size_t), %L a string literal, %s SQL text that is already
 * safe (a constant of the rule, or a list built with these functions), %% a %. Anything
 * else in fmt is taken as it is. 0 or PLANLINT_ENOMEM. */
int pl_sql_vformat(pl_buf *b, const char *fmt, va_list ap);

/* Builds a statement with pl_sql_vformat() and parses it back: it must be exactly one
 * statement of kind, and every name given for %I and %Q must come back whole somewhere in
 * it. 0; PLANLINT_EPARSE when it does not (b then holds nothing usable); PLANLINT_ENOMEM. */
int pl_sql_build(pl_buf *b, const char *kind, const char *fmt, va_list ap);

/* 0 when sql parses as exactly one statement whose node is kind ("IndexStmt",
 * "VacuumStmt", ...); PLANLINT_EPARSE when it does not; PLANLINT_ENOMEM. */
int pl_sql_verify(const char *sql, const char *kind);

/* One key of a suggested btree index: a column (as stored), maybe wrapped in one
 * function call or one cast, maybe with an operator class. */
typedef struct pl_sql_index_key {
    const char *column;
    const char *func;      /* NULL, or a function of the column: lower(email) */
    const char *cast;      /* NULL, or the type it is cast to: (ordered_at::date) */
    const char *opclass;   /* NULL, or text_pattern_ops */
} pl_sql_index_key;

/* Appends "CREATE INDEX ON schema.rel (keys);" (schema may be NULL) and parses it back:
 * it must be one IndexStmt on exactly that schema and table, with exactly these keys, no
 * name, no WHERE. 0; PLANLINT_EPARSE when no such statement could be built (then b holds
 * nothing usable); PLANLINT_ENOMEM. */
int pl_sql_create_index(pl_buf *b, const char *schema, const char *rel, const pl_sql_index_key *keys,
                        size_t n);

#endif
