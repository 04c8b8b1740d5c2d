/* sql.h - SQL text read by libpg_query, PostgreSQL's own grammar: its parse tree as
 * jansson values, and the few walks over it that planlint needs. */
#ifndef PL_SQL_H
#define PL_SQL_H

#include <jansson.h>
#include <stddef.h>

/* Longer SQL texts are refused before the parser sees them. */
#define PL_SQL_MAX_LENGTH (16u * 1024u * 1024u)

/* Why a text did not parse: the parser's message and the 1-based character position
 * it points at (0 when none). */
typedef struct pl_sql_error {
    char text[200];
    int position;
} pl_sql_error;

/* Parses sql. Returns 0 with *out (owned: json_decref) the tree libpg_query gives,
 * {"version": N, "stmts": [{"stmt": {"SelectStmt": {...}}, ...}]}; PLANLINT_EPARSE with
 * e filled when sql is not valid SQL for PostgreSQL 15's grammar (or too long, or nested
 * too deeply to read); PLANLINT_ENOMEM. */
int pl_sql_parse(json_t **out, const char *sql, pl_sql_error *e);

/* The number of statements in a tree from pl_sql_parse(). */
size_t pl_sql_stmt_count(const json_t *tree);

/* The i-th statement: its node kind ("SelectStmt") and, in *body, its fields
 * (borrowed from tree). *location gets the byte offset where it starts in the text. */
const char *pl_sql_stmt(const json_t *tree, size_t i, json_t **body, size_t *location);

/* Calls fn for every node at or below v, parents first. A node is a member of an
 * object whose key starts with an upper-case letter and whose value is an object:
 * {"FuncCall": {...}}. Stops at the first non-zero return of fn, and returns it; -1
 * when the tree is nested deeper than the walk goes (a check must then refuse). */
typedef int (*pl_sql_visit)(const char *kind, json_t *body, void *ud);
int pl_sql_walk(json_t *v, pl_sql_visit fn, void *ud);

/* The text of a String node ({"String": {"sval": "x"}}), or NULL. */
const char *pl_sql_string(const json_t *node);

/* The function a FuncCall body calls: its last name part; *schema (if not NULL) gets
 * the schema part, or NULL when unqualified. NULL when the name has no parts. */
const char *pl_sql_func_name(const json_t *funccall, const char **schema);

#endif
