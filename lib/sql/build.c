/* build.c - statements planlint suggests, put together from names and values with one
 * quoting function, then parsed back with PostgreSQL's grammar and compared with what was
 * meant. Nothing here is cached: each call parses afresh (libpg_query keeps its own
 * per-thread memory), so the functions are safe to call from several threads. */
#include "build.h"
#include "sql.h"
#include "planlint.h"

#include <string.h>

/* At most this many names in one statement built by pl_sql_build(). */
#define PL_SQL_MAX_NAMES 16

static int pl_is_lower_start(char c)
{
    return (c >= 'a' && c <= 'z') || c == '_';
}

static int pl_is_lower_rest(char c)
{
    return pl_is_lower_start(c) || (c >= '0' && c <= '9');
}

/* A bare identifier as the scanner reads it: letters, digits, _, $ and any non-ASCII
 * byte, not starting with a digit or $. Upper-case ASCII folds to lower case. */
static int pl_unquote_bare(pl_buf *out, const char *s, size_t n)
{
    size_t i;

    if ((s[0] >= '0' && s[0] <= '9') || s[0] == '$')
        return -1;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        else if (!pl_is_lower_rest(c) && c != '$' && !((unsigned char)c & 0x80))
            return -1;
        pl_buf_putc(out, c);
    }
    return 0;
}

int pl_sql_unquote(pl_buf *out, const char *s, size_t n)
{
    size_t i;

    if (n == 0)
        return -1;
    if (s[0] != '"')
        return pl_unquote_bare(out, s, n);
    if (n < 3 || s[n - 1] != '"')
        return -1;
    for (i = 1; i + 1 < n; i++) {
        if (s[i] == '"') {
            if (i + 2 >= n || s[i + 1] != '"')
                return -1;   /* a lone quote ends the name before its end */
            i++;
        }
        pl_buf_putc(out, s[i]);
    }
    return 0;
}

static int pl_plain(const char *name)
{
    size_t i;

    if (!pl_is_lower_start(name[0]))
        return 0;
    for (i = 1; name[i]; i++)
        if (!pl_is_lower_rest(name[i]))
            return 0;
    return 1;
}

/* Whether a node list ([{"String": {"sval": ...}}]) is exactly the one name. */
static int pl_names_are(const json_t *list, const char *name)
{
    const char *s = json_array_size(list) == 1 ? pl_sql_string(json_array_get(list, 0)) : NULL;

    return s && strcmp(s, name) == 0;
}

/* "SELECT 1::name FROM name": a table name takes identifiers and unreserved and column
 * name keywords, a type name identifiers and unreserved and type/function keywords. A
 * word that reads back as itself in both is one quote_identifier() would leave bare. */
static int pl_reads_back_bare(const json_t *tree, const char *name)
{
    json_t *sel, *target, *from;

    if (pl_sql_stmt_count(tree) != 1 || !pl_sql_stmt(tree, 0, &sel, NULL))
        return 0;
    target = json_object_get(json_object_get(json_array_get(json_object_get(sel, "targetList"), 0), "ResTarget"), "val");
    target = json_object_get(json_object_get(json_object_get(target, "TypeCast"), "typeName"), "names");
    from = json_object_get(json_array_get(json_object_get(sel, "fromClause"), 0), "RangeVar");
    return pl_names_are(target, name) && !json_object_get(from, "schemaname") &&
           json_is_string(json_object_get(from, "relname")) &&
           strcmp(json_string_value(json_object_get(from, "relname")), name) == 0;
}

int pl_sql_needs_quotes(const char *name)
{
    pl_buf probe;
    json_t *tree = NULL;
    int rc, bare;

    if (!pl_plain(name))
        return 1;
    pl_buf_init(&probe);
    pl_buf_printf(&probe, "SELECT 1::%s FROM %s", name, name);
    if (probe.failed) {
        pl_buf_release(&probe);
        return PLANLINT_ENOMEM;
    }
    rc = pl_sql_parse(&tree, probe.data, NULL);
    pl_buf_release(&probe);
    if (rc == PLANLINT_ENOMEM)
        return rc;
    bare = rc == 0 && pl_reads_back_bare(tree, name);
    json_decref(tree);
    return !bare;
}

int pl_sql_put_ident(pl_buf *b, const char *name)
{
    int q = pl_sql_needs_quotes(name);

    if (q < 0) {
        b->failed = 1;
        return q;
    }
    if (!q) {
        pl_buf_puts(b, name);
        return 0;
    }
    pl_buf_putc(b, '"');
    for (; *name; name++) {
        if (*name == '"')
            pl_buf_putc(b, '"');
        pl_buf_putc(b, *name);
    }
    pl_buf_putc(b, '"');
    return b->failed ? PLANLINT_ENOMEM : 0;
}

void pl_sql_put_literal(pl_buf *b, const char *s)
{
    pl_buf_putc(b, '\'');
    for (; *s; s++) {
        if (*s == '\'')
            pl_buf_putc(b, '\'');
        pl_buf_putc(b, *s);
    }
    pl_buf_putc(b, '\'');
}

static int pl_put_table(pl_buf *b, const char *schema, const char *rel)
{
    if (schema && (pl_sql_put_ident(b, schema) < 0 || (pl_buf_putc(b, '.'), 0)))
        return PLANLINT_ENOMEM;
    return pl_sql_put_ident(b, rel);
}

/* The names of one pl_sql_build(), checked against the parsed statement. */
typedef struct pl_names {
    const char *name[PL_SQL_MAX_NAMES];
    size_t n;
    int overflow;
} pl_names;

static void pl_note(pl_names *names, const char *name)
{
    if (!names || !name)
        return;
    if (names->n == PL_SQL_MAX_NAMES)
        names->overflow = 1;
    else
        names->name[names->n++] = name;
}

/* "a, b, c": n identifiers, for %V. */
static int pl_put_list(pl_buf *b, pl_names *names, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        pl_note(names, list[i]);
        if (i)
            pl_buf_puts(b, ", ");
        if (pl_sql_put_ident(b, list[i]) < 0)
            return PLANLINT_ENOMEM;
    }
    return 0;
}

static int pl_format(pl_buf *b, pl_names *names, const char *fmt, va_list ap)
{
    const char *p, *s, *t;
    const char *const *list;

    for (p = fmt; *p; p++) {
        if (*p != '%' || !p[1]) {
            pl_buf_putc(b, *p);
            continue;
        }
        switch (*++p) {
        case 'I':
            pl_note(names, s = va_arg(ap, const char *));
            if (pl_sql_put_ident(b, s) < 0)
                return PLANLINT_ENOMEM;
            break;
        case 'Q':
            s = va_arg(ap, const char *);
            t = va_arg(ap, const char *);
            pl_note(names, s);
            pl_note(names, t);
            if (pl_put_table(b, s, t) < 0)
                return PLANLINT_ENOMEM;
            break;
        case 'L':
            pl_sql_put_literal(b, va_arg(ap, const char *));
            break;
        case 'V':
            list = va_arg(ap, const char *const *);
            if (pl_put_list(b, names, list, va_arg(ap, size_t)) < 0)
                return PLANLINT_ENOMEM;
            break;
        case 's':
            pl_buf_puts(b, va_arg(ap, const char *));
            break;
        default:
            pl_buf_putc(b, *p);
        }
    }
    return b->failed ? PLANLINT_ENOMEM : 0;
}

int pl_sql_vformat(pl_buf *b, const char *fmt, va_list ap)
{
    return pl_format(b, NULL, fmt, ap);
}

/* The parsed statement, when sql is exactly one statement of kind. */
static int pl_parse_one(const char *sql, const char *kind, json_t **tree, json_t **body)
{
    const char *got;
    int rc = pl_sql_parse(tree, sql, NULL);

    *body = NULL;
    if (rc < 0)
        return rc;
    if (pl_sql_stmt_count(*tree) != 1 || !(got = pl_sql_stmt(*tree, 0, body, NULL)) || strcmp(got, kind) != 0) {
        json_decref(*tree);
        *tree = NULL;
        return PLANLINT_EPARSE;
    }
    return 0;
}

int pl_sql_verify(const char *sql, const char *kind)
{
    json_t *tree, *body;
    int rc = pl_parse_one(sql, kind, &tree, &body);

    json_decref(tree);
    return rc;
}

/* Whether name is a string anywhere in v: the parser kept it whole, not cut short. */
static int pl_has_string(const json_t *v, const char *name, int depth)
{
    const char *key;
    json_t *child;
    size_t i;

    if (depth > 256)
        return 0;
    if (json_is_string(v))
        return strcmp(json_string_value(v), name) == 0;
    json_array_foreach(v, i, child)
        if (pl_has_string(child, name, depth + 1))
            return 1;
    if (json_is_object(v))
        json_object_foreach((json_t *)v, key, child)
            if (pl_has_string(child, name, depth + 1))
                return 1;
    return 0;
}

int pl_sql_build(pl_buf *b, const char *kind, const char *fmt, va_list ap)
{
    pl_names names;
    json_t *tree, *body;
    size_t i;
    int rc;

    names.n = 0;
    names.overflow = 0;
    if ((rc = pl_format(b, &names, fmt, ap)) < 0)
        return rc;
    if (names.overflow || !b->data)
        return PLANLINT_EPARSE;
    if ((rc = pl_parse_one(b->data, kind, &tree, &body)) < 0)
        return rc;
    for (i = 0; i < names.n && rc == 0; i++)
        if (!pl_has_string(body, names.name[i], 0))
            rc = PLANLINT_EPARSE;
    json_decref(tree);
    return rc;
}

/* ------------------------------------------------------------ CREATE INDEX */

static const char *pl_str(const json_t *obj, const char *key)
{
    return json_string_value(json_object_get(obj, key));
}

static int pl_eq(const char *a, const char *b)
{
    return a ? b && strcmp(a, b) == 0 : b == NULL;
}

/* {"ColumnRef": {"fields": [{"String": {"sval": column}}]}} */
static int pl_is_column(const json_t *node, const char *column)
{
    return pl_names_are(json_object_get(json_object_get(node, "ColumnRef"), "fields"), column);
}

static int pl_expr_matches(const json_t *expr, const pl_sql_index_key *k)
{
    const json_t *fc = json_object_get(expr, "FuncCall"), *tc = json_object_get(expr, "TypeCast");

    if (k->func)
        return fc && json_object_size(expr) == 1 && pl_names_are(json_object_get(fc, "funcname"), k->func) &&
               json_array_size(json_object_get(fc, "args")) == 1 &&
               pl_is_column(json_array_get(json_object_get(fc, "args"), 0), k->column) &&
               !json_object_get(fc, "agg_order") && !json_object_get(fc, "agg_filter") &&
               !json_object_get(fc, "over") && !json_is_true(json_object_get(fc, "agg_star"));
    /* The type's text was read by a pattern of letters, digits, blanks and []: the
     * parser may spell it its own way (pg_catalog.timestamp), so only its shape counts. */
    return tc && json_object_size(expr) == 1 && pl_is_column(json_object_get(tc, "arg"), k->column) &&
           json_object_get(tc, "typeName");
}

static int pl_elem_matches(const json_t *node, const pl_sql_index_key *k)
{
    const json_t *e = json_object_get(node, "IndexElem");
    const json_t *opclass = json_object_get(e, "opclass");

    if (!e || json_object_get(e, "collation") || json_object_get(e, "indexcolname") ||
        json_object_get(e, "opclassopts") || !pl_eq(pl_str(e, "ordering"), "SORTBY_DEFAULT") ||
        !pl_eq(pl_str(e, "nulls_ordering"), "SORTBY_NULLS_DEFAULT"))
        return 0;
    if (k->opclass ? !pl_names_are(opclass, k->opclass) : opclass != NULL)
        return 0;
    if (!k->func && !k->cast)
        return pl_eq(pl_str(e, "name"), k->column) && !json_object_get(e, "expr");
    return !json_object_get(e, "name") && pl_expr_matches(json_object_get(e, "expr"), k);
}

/* Only the members a plain CREATE INDEX ON t (keys) has may be there. */
static int pl_index_is_plain(const json_t *stmt)
{
    static const char *const allowed[] = { "relation", "accessMethod", "indexParams" };
    const char *key;
    json_t *v;
    size_t i;

    json_object_foreach((json_t *)stmt, key, v) {
        for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && strcmp(key, allowed[i]) != 0; i++)
            ;
        if (i == sizeof(allowed) / sizeof(allowed[0]))
            return 0;
    }
    return pl_eq(pl_str(stmt, "accessMethod"), "btree");
}

static int pl_index_matches(const json_t *stmt, const char *schema, const char *rel,
                            const pl_sql_index_key *keys, size_t n)
{
    const json_t *relation = json_object_get(stmt, "relation"), *params = json_object_get(stmt, "indexParams");
    size_t i;

    if (!pl_index_is_plain(stmt) || !pl_eq(pl_str(relation, "schemaname"), schema) ||
        !pl_eq(pl_str(relation, "relname"), rel) || json_array_size(params) != n)
        return 0;
    for (i = 0; i < n; i++)
        if (!pl_elem_matches(json_array_get(params, i), &keys[i]))
            return 0;
    return 1;
}

/* Only what predicate.c's patterns let through: a name, then words, blanks and []. */
static int pl_type_text_ok(const char *t)
{
    if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || *t == '_'))
        return 0;
    for (; *t; t++)
        if (!((*t >= 'a' && *t <= 'z') || (*t >= 'A' && *t <= 'Z') || (*t >= '0' && *t <= '9') ||
              *t == '_' || *t == ' ' || *t == '[' || *t == ']'))
            return 0;
    return 1;
}

/* One key as the index list prints it: col, (lower(col)), ((col::date)). */
static int pl_put_key(pl_buf *b, const pl_sql_index_key *k)
{
    if (k->func && !pl_plain(k->func))
        return PLANLINT_EPARSE;
    if (k->cast && !pl_type_text_ok(k->cast))
        return PLANLINT_EPARSE;
    pl_buf_puts(b, k->func ? "(" : k->cast ? "((" : "");
    if (k->func)
        pl_buf_printf(b, "%s(", k->func);
    if (pl_sql_put_ident(b, k->column) < 0)
        return PLANLINT_ENOMEM;
    if (k->cast)
        pl_buf_printf(b, "::%s", k->cast);
    pl_buf_puts(b, k->func ? "))" : k->cast ? "))" : "");
    if (k->opclass && pl_plain(k->opclass))
        pl_buf_printf(b, " %s", k->opclass);
    return b->failed ? PLANLINT_ENOMEM : 0;
}

int pl_sql_create_index(pl_buf *b, const char *schema, const char *rel, const pl_sql_index_key *keys,
                        size_t n)
{
    json_t *tree, *body;
    size_t i;
    int rc;

    pl_buf_puts(b, "CREATE INDEX ON ");
    if (pl_put_table(b, schema, rel) < 0)
        return PLANLINT_ENOMEM;
    pl_buf_puts(b, " (");
    for (i = 0; i < n; i++) {
        if (i)
            pl_buf_puts(b, ", ");
        if ((rc = pl_put_key(b, &keys[i])) < 0)
            return rc;
    }
    pl_buf_puts(b, ");");
    if (b->failed)
        return PLANLINT_ENOMEM;
    if ((rc = pl_parse_one(b->data, "IndexStmt", &tree, &body)) < 0)
        return rc;
    rc = pl_index_matches(body, schema, rel, keys, n) ? 0 : PLANLINT_EPARSE;
    json_decref(tree);
    return rc;
}
