/* parse.c - libpg_query's parse tree of a SQL text, read into jansson values, and walks
 * over it. The parser is PostgreSQL's own, so a statement is split and classified
 * exactly as the server would (for PostgreSQL 15's grammar, with
 * standard_conforming_strings on, which live capture sets on the server as well). */
#include "sql.h"
#include "planlint.h"

#include <pg_query.h>
#include <stdio.h>
#include <string.h>

/* jansson refuses JSON nested deeper than 2048 levels, so a parsed tree never reaches
 * this; the walk still refuses rather than recurse without bound. */
#define PL_SQL_MAX_DEPTH 4096

static int pl_sql_fail(pl_sql_error *e, int position, const char *text)
{
    if (e) {
        snprintf(e->text, sizeof(e->text), "%s", text);
        e->position = position;
    }
    return PLANLINT_EPARSE;
}

int pl_sql_parse(json_t **out, const char *sql, pl_sql_error *e)
{
    PgQueryParseResult r;
    json_error_t jerr;
    int rc = 0;

    *out = NULL;
    if (strlen(sql) > PL_SQL_MAX_LENGTH)
        return pl_sql_fail(e, 0, "the statement is longer than 16 MiB");
    r = pg_query_parse(sql);
    if (r.error)
        rc = pl_sql_fail(e, r.error->cursorpos, r.error->message ? r.error->message : "syntax error");
    else if (!r.parse_tree)
        rc = PLANLINT_ENOMEM;
    else if (!(*out = json_loads(r.parse_tree, JSON_REJECT_DUPLICATES, &jerr)))
        /* jansson stops at 2048 levels: a statement nested that deep is not worth reading. */
        rc = strstr(jerr.text, "memory") ? PLANLINT_ENOMEM
                                         : pl_sql_fail(e, 0, "the statement is nested too deeply");
    pg_query_free_parse_result(r);
    return rc;
}

size_t pl_sql_stmt_count(const json_t *tree)
{
    return json_array_size(json_object_get(tree, "stmts"));
}

const char *pl_sql_stmt(const json_t *tree, size_t i, json_t **body, size_t *location)
{
    json_t *raw = json_array_get(json_object_get(tree, "stmts"), i);
    json_t *stmt = json_object_get(raw, "stmt");
    const char *kind;
    json_t *v;

    *body = NULL;
    if (location)
        *location = (size_t)json_integer_value(json_object_get(raw, "stmt_location"));
    json_object_foreach(stmt, kind, v) {
        *body = v;
        return kind;
    }
    return NULL;
}

static int pl_is_node_key(const char *key, const json_t *v)
{
    return key[0] >= 'A' && key[0] <= 'Z' && json_is_object(v);
}

static int pl_walk(json_t *v, pl_sql_visit fn, void *ud, int depth)
{
    const char *key;
    json_t *child;
    size_t i;
    int rc;

    if (depth > PL_SQL_MAX_DEPTH)
        return -1;
    if (json_is_array(v)) {
        json_array_foreach(v, i, child)
            if ((rc = pl_walk(child, fn, ud, depth + 1)) != 0)
                return rc;
        return 0;
    }
    json_object_foreach(v, key, child) {
        if (pl_is_node_key(key, child) && (rc = fn(key, child, ud)) != 0)
            return rc;
        if ((json_is_object(child) || json_is_array(child)) &&
            (rc = pl_walk(child, fn, ud, depth + 1)) != 0)
            return rc;
    }
    return 0;
}

int pl_sql_walk(json_t *v, pl_sql_visit fn, void *ud)
{
    return pl_walk(v, fn, ud, 0);
}

const char *pl_sql_string(const json_t *node)
{
    const json_t *s = json_object_get(node, "String");

    /* "sval" since libpg_query 15, "str" before. */
    return json_string_value(json_object_get(s, "sval")) ? json_string_value(json_object_get(s, "sval"))
                                                          : json_string_value(json_object_get(s, "str"));
}

const char *pl_sql_func_name(const json_t *funccall, const char **schema)
{
    const json_t *parts = json_object_get(funccall, "funcname");
    size_t n = json_array_size(parts);

    if (schema)
        *schema = n >= 2 ? pl_sql_string(json_array_get(parts, n - 2)) : NULL;
    return n ? pl_sql_string(json_array_get(parts, n - 1)) : NULL;
}
