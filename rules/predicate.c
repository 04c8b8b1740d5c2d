/* predicate.c - reading a scan's Filter / Index Cond as PostgreSQL prints it: split at
 * top-level AND/OR, each term read by PostgreSQL's own grammar (lib/sql/expr.c), its
 * columns told apart from outer references (columns of other tables: parameters at run
 * time), and the btree index that serves the terms - or, when a cast or arithmetic on
 * the column hides it from any index, the same condition written so that one can. */
#include "predicate.h"
#include "alloc.h"
#include "buf.h"
#include "build.h"
#include "expr.h"
#include "nest.h"

#include <ctype.h>
#include <stdio.h>

/* ------------------------------------------------------------ slices */

typedef struct pl_slice {
    const char *s;
    size_t n;
} pl_slice;

static void pl_trim_slice(pl_slice *x)
{
    while (x->n && x->s[0] == ' ')
        x->s++, x->n--;
    while (x->n && x->s[x->n - 1] == ' ')
        x->n--;
}

/* Index of the parenthesis closing the one at i, or n when unbalanced. */
static size_t pl_closing(const char *s, size_t n, size_t i)
{
    pl_nest st = { 0, 0 };

    for (; i < n; i++)
        if (pl_nest_step(&st, s[i]) == ')' && st.depth == 0)
            return i;
    return n;
}

/* Removes parentheses that wrap the whole slice. */
static void pl_strip_parens(pl_slice *x)
{
    pl_trim_slice(x);
    while (x->n >= 2 && x->s[0] == '(' && pl_closing(x->s, x->n, 0) == x->n - 1) {
        x->s++;
        x->n -= 2;
        pl_trim_slice(x);
    }
}

/* Position of word (e.g. " AND ") at parenthesis depth 0 outside quotes, from
 * `from`; n when absent. */
static size_t pl_find_top(const char *s, size_t n, size_t from, const char *word)
{
    size_t wl = strlen(word), i;
    int depth = 0;
    char quote = 0;

    for (i = from; i < n; i++) {
        char c = s[i];
        if (quote) {
            if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '\'' || c == '"')
            quote = c;
        else if (c == '(')
            depth++;
        else if (c == ')')
            depth--;
        else if (depth == 0 && i + wl <= n && memcmp(s + i, word, wl) == 0)
            return i;
    }
    return n;
}

/* ------------------------------------------------------------ one term, as a tree */

/* What reading one term needs: the check, the scan's names, the term's parse. */
typedef struct pl_reader {
    pl_check *c;
    int cut;                   /* a name longer than the parser keeps */
    const char *alias, *rel;   /* the scan's alias and table; NULL when not known */
    int outer_values;          /* without an alias: other qualifiers are the outer side's */
    pl_sql_expr x;
} pl_reader;

static const char *pl_kind(const json_t *v, json_t **body)
{
    return pl_sql_node(v, body);
}

static int pl_is(const json_t *v, const char *kind, json_t **body)
{
    const char *k = pl_kind(v, body);
    return k && strcmp(k, kind) == 0;
}

/* The single name of a list of String nodes (an operator, a function, a type): its last
 * part. */
static const char *pl_last_name(const json_t *list)
{
    size_t n = json_array_size(list);
    return n ? pl_sql_string(json_array_get(list, n - 1)) : NULL;
}

#define PL_NAME_MAX 63   /* NAMEDATALEN - 1: the parser cuts longer identifiers to this */

/* Whether the last name of the qualified name printed at text[at..] is name: the parser
 * cuts a longer identifier to 63 bytes, so a name that long is read again from the text.
 * 0 when it is not, or the text cannot be read as names. */
static int pl_name_whole(const pl_reader *r, long at, const char *name)
{
    const char *s = r->x.text, *tok = NULL;
    size_t n = r->x.len, i, len = 0;
    pl_buf b;
    int same;

    if (at < 0)
        return 0;
    for (i = (size_t)at; i < n;) {
        size_t start = i;
        if (s[i] == '"') {
            for (i++; i < n && !(s[i] == '"' && !(i + 1 < n && s[i + 1] == '"')); i += s[i] == '"' ? 2 : 1)
                ;
            if (i++ >= n)
                return 0;
        } else {
            while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '$' || ((unsigned char)s[i] & 0x80)))
                i++;
        }
        if (i == start)
            return 0;
        tok = s + start, len = i - start;
        if (i >= n || s[i] != '.')
            break;
        i++;
    }
    if (!tok)
        return 0;
    pl_buf_init(&b);
    same = pl_sql_unquote(&b, tok, len) == 0 && !b.failed && b.data && strcmp(b.data, name) == 0;
    if (b.failed)
        pl_check_fail(r->c);
    pl_buf_release(&b);
    return same;
}

/* A column reference: its column name (stored form), and whether it is the scan's own
 * column (unqualified, or qualified by the scan's alias) rather than an outer one. */
static const char *pl_column_ref(pl_reader *r, const json_t *v, int *own)
{
    json_t *body, *fields;
    const char *col, *qual;
    size_t n;

    if (!pl_is(v, "ColumnRef", &body))
        return NULL;
    fields = json_object_get(body, "fields");
    n = json_array_size(fields);
    if (!n || !(col = pl_sql_string(json_array_get(fields, n - 1))))
        return NULL;   /* o.* */
    if (strlen(col) >= PL_NAME_MAX && !pl_name_whole(r, pl_sql_expr_at(&r->x, body), col)) {
        r->cut = 1;
        return NULL;   /* cut short by the parser: not the column's name */
    }
    qual = n >= 2 ? pl_sql_string(json_array_get(fields, n - 2)) : NULL;
    if (!qual)
        *own = 1;
    else if (r->alias)
        *own = strcmp(qual, r->alias) == 0;
    else
        *own = !r->outer_values || (r->rel && strcmp(qual, r->rel) == 0);
    return col;
}

/* Functions whose value may change within a statement: never a value for an index. */
static int pl_volatile(const char *fn)
{
    static const char *const v[] = { "random", "clock_timestamp", "timeofday", "nextval", "setval",
                                     "gen_random_uuid", "uuid_generate_v4", "txid_current" };
    size_t i;

    for (i = 0; fn && i < sizeof(v) / sizeof(v[0]); i++)
        if (strcmp(fn, v[i]) == 0)
            return 1;
    return 0;
}

typedef struct pl_refs {
    pl_reader *r;
    int own, outer, param, subplan, volatile_fn, unread;
} pl_refs;

static void pl_refs_walk(pl_refs *f, const json_t *v, int depth);

static void pl_refs_children(pl_refs *f, const json_t *v, int depth)
{
    const char *key;
    json_t *child;
    size_t i;

    if (json_is_array(v)) {
        json_array_foreach(v, i, child)
            pl_refs_walk(f, child, depth + 1);
    } else if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, child)
            if (json_is_object(child) || json_is_array(child))
                pl_refs_walk(f, child, depth + 1);
    }
}

/* What an expression refers to: the scan's columns, outer columns, parameters,
 * subqueries, volatile functions. Depth-bounded: too deep counts as unread. */
static void pl_refs_walk(pl_refs *f, const json_t *v, int depth)
{
    json_t *body;
    const char *kind, *fn;
    int own = 0;

    if (depth > PL_SQL_EXPR_MAX_DEPTH) {
        f->unread = 1;
        return;
    }
    kind = pl_kind(v, &body);
    if (kind && strcmp(kind, "ColumnRef") == 0) {
        if (!pl_column_ref(f->r, v, &own))
            f->own = 1;   /* a whole row: counts as the scan's */
        else if (own)
            f->own = 1;
        else
            f->outer = 1;
        return;
    }
    if (kind && strcmp(kind, "ParamRef") == 0)
        f->param = 1;
    if (kind && strcmp(kind, "FuncCall") == 0) {
        fn = pl_last_name(json_object_get(body, "funcname"));
        f->subplan |= fn && strcmp(fn, PL_SQL_SUBPLAN) == 0;
        f->param |= fn && strcmp(fn, PL_SQL_INITPLAN) == 0;
        f->volatile_fn |= pl_volatile(fn);
    }
    if (kind && strcmp(kind, "SubLink") == 0)
        f->subplan = 1;
    pl_refs_children(f, kind ? body : v, depth);
}

static pl_refs pl_refs_of(pl_reader *r, const json_t *v)
{
    pl_refs f;

    memset(&f, 0, sizeof(f));
    f.r = r;
    pl_refs_walk(&f, v, 0);
    return f;
}

/* A value for an index probe: no column of the scan, no subquery run per row, nothing
 * volatile. Outer columns and parameters are values: fixed for each run of the scan. */
static int pl_is_value(pl_reader *r, const json_t *v)
{
    pl_refs f = pl_refs_of(r, v);
    return !f.own && !f.subplan && !f.volatile_fn && !f.unread;
}

/* The type a TypeCast names (its last name part: "date", "numeric", "int4"). */
static const char *pl_cast_type(const json_t *tc)
{
    const json_t *tn = json_object_get(tc, "typeName");

    if (json_array_size(json_object_get(tn, "arrayBounds")))
        return NULL;
    return pl_last_name(json_object_get(tn, "names"));
}

static int pl_in(const char *s, const char *const *list, size_t n)
{
    size_t i;

    for (i = 0; s && i < n; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

/* Casts between the text types change nothing an index sees: PostgreSQL applies them to
 * a varchar column's index by itself. */
static int pl_binary_compatible_cast(const char *type)
{
    static const char *const ok[] = { "text", "varchar", "bpchar", "name" };
    return pl_in(type, ok, sizeof(ok) / sizeof(ok[0]));
}

/* Casts an integer column gets to meet a wider number: the value should be written in
 * the column's type. (A cast to int4 or int2 may round a numeric column: not these.) */
static int pl_numeric_cast(const char *type)
{
    static const char *const num[] = { "numeric", "float8", "float4", "int8" };
    return pl_in(type, num, sizeof(num) / sizeof(num[0]));
}

/* Functions of one text or number argument that PostgreSQL marks IMMUTABLE: an index on
 * f(column) is accepted. A conservative list; anything else gets no expression index. */
static int pl_immutable_function(const char *fn)
{
    static const char *const imm[] = { "lower", "upper", "btrim", "ltrim", "rtrim", "abs", "md5",
                                       "initcap", "length", "char_length", "octet_length", "reverse" };
    return pl_in(fn, imm, sizeof(imm) / sizeof(imm[0]));
}

/* The scan's column v is, directly or through a cast between text types. */
static const char *pl_own_column(pl_reader *r, const json_t *v)
{
    json_t *body;
    const char *col;
    int own = 0;

    if (pl_is(v, "TypeCast", &body) && pl_binary_compatible_cast(pl_cast_type(body)))
        v = json_object_get(body, "arg");
    col = pl_column_ref(r, v, &own);
    return col && own ? col : NULL;
}

static void pl_unusable(pl_term *t, const char *why)
{
    t->kind = PL_TERM_UNUSABLE;
    t->why = why;
}

/* The index key v stands for: a column, or an immutable function of one. 0 when it is
 * one; otherwise -1 with t->why saying what is in the way (t->column set when the
 * column is known). */
static int pl_key_of(pl_reader *r, const json_t *v, pl_term *t)
{
    json_t *body, *args;
    const char *col, *fn;

    if ((col = pl_own_column(r, v)) != NULL) {
        t->column = col;
        t->key = pl_fmt_ident(r->c, col);
        return 0;
    }
    if (pl_is(v, "FuncCall", &body)) {
        fn = pl_last_name(json_object_get(body, "funcname"));
        args = json_object_get(body, "args");
        if (json_array_size(args) != 1 || json_array_size(json_object_get(body, "funcname")) != 1 ||
            !(col = pl_own_column(r, json_array_get(args, 0))) || !fn)
            return t->why = "an expression on the column (index the expression if it is immutable)", -1;
        t->column = col;
        if (!pl_immutable_function(fn))
            return t->why = pl_fmt_text(r->c, "the function %s() of the column: an index on %s cannot serve it, "
                                                "and one on the expression needs %s() to be immutable",
                                        fn, pl_fmt_ident(r->c, col), fn), -1;
        t->func = fn;
        t->key = pl_fmt_text(r->c, "%s(%s)", fn, pl_fmt_ident(r->c, col));
        t->expression = 1;
        return 0;
    }
    t->why = "an expression on the column (index the expression if it is immutable)";
    return -1;
}

/* ------------------------------------------------------------ rewrites */

typedef struct pl_span {
    size_t at, n;   /* in the parsed text */
} pl_span;

static pl_span pl_span_trim(const pl_reader *r, pl_span s)
{
    while (s.n && r->x.text[s.at] == ' ')
        s.at++, s.n--;
    while (s.n && r->x.text[s.at + s.n - 1] == ' ')
        s.n--;
    return s;
}

/* The operands of operator node body (an A_Expr) within span s: left and right. -1 when
 * the parser gave no location. Enclosing parentheses of s are taken off first. */
static int pl_operands(const pl_reader *r, const json_t *body, const char *op, pl_span s, pl_span *l, pl_span *rt)
{
    long at = pl_sql_expr_at(&r->x, body);
    pl_slice x = { r->x.text + s.at, s.n };

    pl_strip_parens(&x);
    s.at = (size_t)(x.s - r->x.text);
    s.n = x.n;
    if (at < 0 || (size_t)at < s.at || (size_t)at + strlen(op) > s.at + s.n)
        return -1;
    l->at = s.at;
    l->n = (size_t)at - s.at;
    rt->at = (size_t)at + strlen(op);
    rt->n = s.at + s.n - rt->at;
    *l = pl_span_trim(r, *l);
    *rt = pl_span_trim(r, *rt);
    return l->n && rt->n ? 0 : -1;
}

static const char *pl_span_text(const pl_reader *r, pl_span s)
{
    return pl_fmt_text(r->c, "%.*s", (int)s.n, r->x.text + s.at);
}

/* The rewrite only when it reads back as one expression and carries no placeholder. */
static const char *pl_checked(pl_check *c, const char *sql)
{
    pl_sql_expr x;
    int rc;

    if (!sql || strstr(sql, PL_SQL_SUBPLAN) || strstr(sql, PL_SQL_INITPLAN))
        return NULL;
    rc = pl_sql_expr_parse(&x, sql, strlen(sql), NULL);
    pl_sql_expr_free(&x);
    if (rc == PLANLINT_ENOMEM)
        pl_check_fail(c);
    return rc == 0 ? sql : NULL;
}

/* op with its operands swapped: 5 < col is col > 5. */
static const char *pl_flip(const char *op)
{
    return strcmp(op, "<") == 0 ? ">" : strcmp(op, ">") == 0 ? "<" : strcmp(op, "<=") == 0 ? ">=" :
           strcmp(op, ">=") == 0 ? "<=" : op;
}

/* col::date op V for a timestamp(tz) column: the same rows as a range on col. */
static const char *pl_date_rewrite(pl_check *c, const char *col, const char *op, const char *v)
{
    if (strcmp(op, "=") == 0)
        return pl_fmt_text(c, "%s >= %s AND %s < %s + 1", col, v, col, v);
    if (strcmp(op, ">=") == 0 || strcmp(op, "<") == 0)
        return pl_fmt_text(c, "%s %s %s", col, op, v);
    if (strcmp(op, ">") == 0)
        return pl_fmt_text(c, "%s >= %s + 1", col, v);
    if (strcmp(op, "<=") == 0)
        return pl_fmt_text(c, "%s < %s + 1", col, v);
    return NULL;
}

/* An integral number written as a constant ('42'::numeric, 42, 42.0): its digits. */
static const char *pl_integral(pl_check *c, const json_t *v)
{
    json_t *body, *val;
    const char *s;
    size_t i = 0, n;

    if (pl_is(v, "TypeCast", &body))
        v = json_object_get(body, "arg");
    if (!pl_is(v, "A_Const", &body))
        return NULL;
    if ((val = json_object_get(json_object_get(body, "ival"), "ival")) && json_is_integer(val))
        return pl_fmt_text(c, "%lld", (long long)json_integer_value(val));
    if (json_object_get(body, "ival"))
        return "0";   /* libpg_query leaves a zero out */
    s = json_string_value(json_object_get(json_object_get(body, "sval"), "sval"));
    if (!s)
        s = json_string_value(json_object_get(json_object_get(body, "fval"), "fval"));
    if (!s)
        return NULL;
    n = strlen(s);
    if (s[0] == '-')
        i++;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i == 0 || (s[0] == '-' && i == 1))
        return NULL;
    n = i;
    if (s[i] == '.')
        for (i++; s[i] == '0'; i++)
            ;
    return s[i] ? NULL : pl_fmt_text(c, "%.*s", (int)n, s);
}

/* The key side is a cast of the scan's column: say what it defeats and, where the same
 * rows can be asked for on the bare column, how. */
static void pl_cast_term(pl_reader *r, const json_t *tc, const char *op, const json_t *value, pl_span vs, pl_term *t)
{
    const char *type = pl_cast_type(tc), *col = pl_own_column(r, json_object_get(tc, "arg")), *id, *n;

    t->column = col;
    t->rewrite_kind = strcmp(op, "=") == 0 ? PL_TERM_EQUALITY : PL_TERM_RANGE;
    id = pl_fmt_ident(r->c, col);
    if (type && strcmp(type, "date") == 0) {
        pl_unusable(t, pl_fmt_text(r->c, "the column is cast to date (%s::date): an index on %s cannot serve "
                                         "it, and an index on the cast is refused for a timestamptz column "
                                         "(the cast depends on the TimeZone setting)", id, id));
        t->rewrite = pl_checked(r->c, pl_date_rewrite(r->c, id, op, pl_span_text(r, vs)));
        t->rewrite_kind = PL_TERM_RANGE;
        t->rewrite_note = "for a timestamp or timestamptz column, the same rows";
    } else if (pl_numeric_cast(type)) {
        pl_unusable(t, pl_fmt_text(r->c, "the column is cast to %s to meet the value's type (%s::%s): an "
                                         "index on %s cannot serve it", type, id, type, id));
        n = pl_integral(r->c, value);
        t->rewrite = n ? pl_checked(r->c, pl_fmt_text(r->c, "%s %s %s", id, op, n)) : NULL;
        t->rewrite_note = n ? "the value in the column's type, for an integer column" : NULL;
        if (!n)
            t->why = pl_fmt_text(r->c, "%s; compare %s with a value of its own type (cast the value, not the "
                                       "column)", t->why, id);
    } else {
        pl_unusable(t, pl_fmt_text(r->c, "the column is cast (%s::%s): an index on %s cannot serve it; compare "
                                         "%s with a value of its own type", id, type ? type : "?", id, id));
    }
}

/* col + x op v, col - x op v, x + col op v: the arithmetic moved to the value's side. */
static int pl_arith_term(pl_reader *r, const json_t *ae, const char *op, pl_span ks, pl_span vs, pl_term *t)
{
    const char *aop = pl_last_name(json_object_get(ae, "name")), *col, *id;
    const json_t *a = json_object_get(ae, "lexpr"), *b = json_object_get(ae, "rexpr");
    pl_span sa, sb, x;
    int col_left;

    if (!aop || (strcmp(aop, "+") != 0 && strcmp(aop, "-") != 0) || !a || !b ||
        pl_operands(r, ae, aop, ks, &sa, &sb) < 0)
        return -1;
    if ((col = pl_own_column(r, a)) != NULL && pl_is_value(r, b))
        col_left = 1, x = sb;
    else if (strcmp(aop, "+") == 0 && (col = pl_own_column(r, b)) != NULL && pl_is_value(r, a))
        col_left = 0, x = sa;
    else
        return -1;
    (void)col_left;
    id = pl_fmt_ident(r->c, col);
    t->column = col;
    pl_unusable(t, pl_fmt_text(r->c, "arithmetic on the column (%s %s %s): an index on %s cannot serve it",
                               id, aop, pl_span_text(r, x), id));
    t->rewrite = pl_checked(r->c, pl_fmt_text(r->c, "%s %s %s %s %s", id, op, pl_span_text(r, vs),
                                              strcmp(aop, "+") == 0 ? "-" : "+", pl_span_text(r, x)));
    t->rewrite_kind = strcmp(op, "=") == 0 ? PL_TERM_EQUALITY : PL_TERM_RANGE;
    t->rewrite_note = "the arithmetic moved to the value's side";
    return 0;
}

/* ------------------------------------------------------------ comparisons */

static const struct {
    const char *op;
    pl_term_kind kind;
    const char *why;   /* for unusable operators */
} pl_ops[] = {
    { "=", PL_TERM_EQUALITY, NULL }, { "<", PL_TERM_RANGE, NULL }, { "<=", PL_TERM_RANGE, NULL },
    { ">", PL_TERM_RANGE, NULL }, { ">=", PL_TERM_RANGE, NULL }, { "~~", PL_TERM_RANGE, NULL },
    { "<>", PL_TERM_UNUSABLE, "an inequality (<>)" }, { "!=", PL_TERM_UNUSABLE, "an inequality (<>)" },
    { "~~*", PL_TERM_UNUSABLE, "ILIKE (a pg_trgm GIN index or lower() would serve it)" },
    { "!~~", PL_TERM_UNUSABLE, "NOT LIKE" }, { "!~~*", PL_TERM_UNUSABLE, "NOT ILIKE" },
    { "~", PL_TERM_UNUSABLE, "a regular expression" }, { "~*", PL_TERM_UNUSABLE, "a regular expression" },
    { "!~", PL_TERM_UNUSABLE, "a regular expression" }, { "!~*", PL_TERM_UNUSABLE, "a regular expression" },
};

static int pl_op_index(const char *op)
{
    size_t i;

    for (i = 0; op && i < sizeof(pl_ops) / sizeof(pl_ops[0]); i++)
        if (strcmp(op, pl_ops[i].op) == 0)
            return (int)i;
    return -1;
}

/* LIKE 'abc%': a range on the prefix. LIKE '%abc' cannot use a btree. */
static void pl_like(pl_term *t, const json_t *value)
{
    json_t *body;
    const char *s;

    if (pl_is(value, "TypeCast", &body))
        value = json_object_get(body, "arg");
    s = pl_is(value, "A_Const", &body) ? json_string_value(json_object_get(json_object_get(body, "sval"), "sval"))
                                       : NULL;
    if (s && s[0] && s[0] != '%' && s[0] != '_') {
        t->kind = PL_TERM_RANGE;
        t->pattern_ops = 1;
    } else if (s) {
        pl_unusable(t, "LIKE with a leading wildcard (a pg_trgm GIN index would serve it)");
    } else {
        pl_unusable(t, "LIKE with a pattern known only at run time");
    }
}

/* The key side k of "k op v": a column or an immutable expression of one; else a cast
 * or arithmetic that hides the column, with its rewrite. */
static void pl_key_side(pl_reader *r, const json_t *k, const char *op, const json_t *v, pl_span ks, pl_span vs,
                        pl_term *t)
{
    json_t *body;

    if (pl_key_of(r, k, t) == 0)
        return;
    if (pl_is(k, "TypeCast", &body) && pl_own_column(r, json_object_get(body, "arg")) &&
        pl_op_index(op) >= 0 && pl_op_index(op) <= 4) {
        pl_cast_term(r, body, op, v, vs, t);
        return;
    }
    if (pl_is(k, "A_Expr", &body) && pl_op_index(op) >= 0 && pl_op_index(op) <= 4 &&
        pl_arith_term(r, body, op, ks, vs, t) == 0)
        return;
    pl_unusable(t, t->why);
}

static void pl_comparison(pl_reader *r, const json_t *ae, pl_span whole, pl_term *t)
{
    const char *op = pl_last_name(json_object_get(ae, "name")), *kind = json_string_value(json_object_get(ae, "kind"));
    const json_t *k = json_object_get(ae, "lexpr"), *v = json_object_get(ae, "rexpr");
    int any = kind && strcmp(kind, "AEXPR_OP_ANY") == 0, i = pl_op_index(op);
    pl_span ks, vs;

    if (!kind || (strcmp(kind, "AEXPR_OP") != 0 && !any) || !k || !v) {
        pl_unusable(t, kind && strcmp(kind, "AEXPR_DISTINCT") == 0 ? "IS DISTINCT FROM"
                                                                   : "not a comparison of a column with a value");
        return;
    }
    if (pl_operands(r, ae, op, whole, &ks, &vs) < 0)
        ks = vs = whole;   /* no texts: no rewrite */
    if (pl_is_value(r, k) && !pl_is_value(r, v) && !any) {   /* 5 < col: the planner's order may vary */
        const json_t *tmp = k;
        pl_span ts = ks;
        k = v, v = tmp, ks = vs, vs = ts;
        op = pl_flip(op);
    }
    if (pl_refs_of(r, v).subplan || pl_refs_of(r, k).subplan) {
        pl_unusable(t, "a subquery test");
        return;
    }
    if (!pl_is_value(r, v)) {
        pl_unusable(t, pl_refs_of(r, k).own ? "compares the column with another column or expression of the same row"
                                             : "not a comparison of a column with a value");
        return;
    }
    if (!pl_refs_of(r, k).own) {
        pl_unusable(t, "no column of this table in it");
        return;
    }
    if (i < 0) {
        pl_unusable(t, pl_fmt_text(r->c, "the operator %s, which a btree index does not serve (a GIN or GiST "
                                         "index may)", op ? op : "?"));
        return;
    }
    pl_refs f = pl_refs_of(r, v);
    t->outer = f.outer;
    t->any = any;
    if (any && strcmp(op, "=") != 0) {
        pl_unusable(t, "a comparison with ANY other than =");
        return;
    }
    pl_key_side(r, k, op, v, ks, vs, t);
    if (t->kind == PL_TERM_UNUSABLE || t->why)
        return;
    t->kind = pl_ops[i].kind;
    if (t->kind == PL_TERM_UNUSABLE)
        pl_unusable(t, pl_ops[i].why);
    else if (strcmp(op, "~~") == 0)
        pl_like(t, v);
}

static void pl_null_test(pl_reader *r, const json_t *nt, pl_term *t)
{
    const char *type = json_string_value(json_object_get(nt, "nulltesttype"));

    if (type && strcmp(type, "IS_NOT_NULL") == 0) {
        pl_unusable(t, "IS NOT NULL (rarely selective; a partial index WHERE ... IS NOT NULL can be)");
    } else if (pl_key_of(r, json_object_get(nt, "arg"), t) == 0) {
        t->kind = PL_TERM_EQUALITY;
    } else {
        t->column = NULL;
        pl_unusable(t, "IS NULL on an expression");
    }
}

static void pl_term_tree(pl_reader *r, pl_term *t)
{
    json_t *body;
    const char *kind = pl_kind(r->x.node, &body), *op;
    pl_span whole = { 0, r->x.len };

    if (kind && strcmp(kind, "BoolExpr") == 0) {
        op = json_string_value(json_object_get(body, "boolop"));
        pl_unusable(t, op && strcmp(op, "NOT_EXPR") == 0 ? "a negation (NOT)"
                       : op && strcmp(op, "OR_EXPR") == 0 ? "an OR of conditions (one index per branch would let a BitmapOr combine them)"
                                                          : "not a comparison of a column with a value");
    } else if (kind && strcmp(kind, "NullTest") == 0) {
        pl_null_test(r, body, t);
    } else if (pl_refs_of(r, r->x.node).subplan) {
        pl_unusable(t, "a subquery test");
    } else if (kind && strcmp(kind, "A_Expr") == 0) {
        pl_comparison(r, body, whole, t);
    } else {
        pl_unusable(t, "not a comparison of a column with a value");
    }
}

static void pl_term_parse(pl_reader *r, pl_slice x, pl_term *t)
{
    int rc;

    memset(t, 0, sizeof(*t));
    r->cut = 0;
    pl_strip_parens(&x);
    t->text = x.s;
    t->text_len = x.n;
    rc = pl_sql_expr_parse(&r->x, x.s, x.n, NULL);
    if (rc == PLANLINT_ENOMEM)
        pl_check_fail(r->c);
    if (rc < 0)
        pl_unusable(t, "a condition planlint could not read");
    else
        pl_term_tree(r, t);
    t->cut = r->cut;
    /* Names were borrowed from the tree: keep them in the plan's arena. */
    if (t->column)
        t->column = pl_fmt_text(r->c, "%s", t->column);
    if (t->func)
        t->func = pl_fmt_text(r->c, "%s", t->func);
    pl_sql_expr_free(&r->x);
}

int pl_predicate_parse(pl_check *c, const planlint_node *scan, const char *cond, int outer_values,
                       pl_predicate *out)
{
    pl_slice all = { cond, cond ? strlen(cond) : 0 };
    pl_reader r;
    size_t start = 0;

    memset(out, 0, sizeof(*out));
    memset(&r, 0, sizeof(r));
    r.c = c;
    r.alias = scan ? scan->fields[PLANLINT_FIELD_ALIAS] : NULL;
    r.rel = scan ? scan->fields[PLANLINT_FIELD_RELATION] : NULL;
    r.outer_values = outer_values;
    pl_strip_parens(&all);
    if (!all.n)
        return 0;
    if (pl_find_top(all.s, all.n, 0, " OR ") < all.n) {
        out->has_or = 1;
        return 0;
    }
    while (start <= all.n) {
        size_t end = pl_find_top(all.s, all.n, start, " AND ");
        pl_slice term = { all.s + start, end - start };
        if (out->nterms == PL_PRED_MAX_TERMS) {
            out->truncated = 1;
            break;
        }
        pl_term_parse(&r, term, &out->terms[out->nterms++]);
        start = end + 5;
    }
    return 0;
}

/* ------------------------------------------------------------ partial index predicates */

#define PL_TERM_TEXT_MAX 512   /* a longer term is never judged equal */
#define PL_AND_MAX_DEPTH 32

/* Whether word occurs outside quotes at any parenthesis depth. */
static int pl_has_anywhere(pl_slice x, const char *word)
{
    size_t wl = strlen(word), i;
    char quote = 0;

    for (i = 0; i < x.n; i++) {
        if (quote)
            quote = x.s[i] == quote ? 0 : quote;
        else if (x.s[i] == '\'' || x.s[i] == '"')
            quote = x.s[i];
        else if (i + wl <= x.n && memcmp(x.s + i, word, wl) == 0)
            return 1;
    }
    return 0;
}

/* x's AND terms with nested ANDs flattened: pg_get_expr() keeps a predicate written
 * "a AND (b AND c)" nested, EXPLAIN prints its conditions as one flat list. -1 when
 * there are more than max, or deeper than PL_AND_MAX_DEPTH. */
static int pl_and_flatten(pl_slice x, pl_slice *out, size_t max, size_t *n, int depth)
{
    size_t start = 0;

    pl_strip_parens(&x);
    if (depth > PL_AND_MAX_DEPTH)
        return -1;
    if (pl_find_top(x.s, x.n, 0, " AND ") == x.n) {
        if (*n == max || x.n == 0)
            return -1;
        out[(*n)++] = x;
        return 0;
    }
    while (start <= x.n) {
        size_t end = pl_find_top(x.s, x.n, start, " AND ");
        pl_slice term = { x.s + start, end - start };

        if (pl_and_flatten(term, out, max, n, depth + 1) < 0)
            return -1;
        start = end + 5;
    }
    return 0;
}

/* Length of the token at s: a 'literal' or "identifier" (doubled quotes inside), a word
 * (letters, digits, _ and $), or one other character. */
static size_t pl_token(const char *s, size_t n)
{
    size_t i = 1;

    if (s[0] == '\'' || s[0] == '"') {
        for (; i < n; i++)
            if (s[i] == s[0] && !(i + 1 < n && s[i + 1] == s[0]))
                return i + 1;
            else if (s[i] == s[0])
                i++;
        return n;
    }
    if (isalnum((unsigned char)s[0]) || s[0] == '_')
        while (i < n && (isalnum((unsigned char)s[i]) || s[i] == '_' || s[i] == '$'))
            i++;
    return i;
}

static int pl_ident_start(char c)
{
    return isalpha((unsigned char)c) || c == '_' || c == '"';
}

/* Whether the identifier token tok, plain or "quoted", is name. */
static int pl_ident_is(pl_slice tok, const char *name)
{
    size_t i, j = 0;

    if (!name || !pl_ident_start(tok.s[0]))
        return 0;
    if (tok.s[0] != '"')
        return strlen(name) == tok.n && memcmp(tok.s, name, tok.n) == 0;
    for (i = 1; i + 1 < tok.n; i++, j++) {
        if (tok.s[i] == '"')
            i++;   /* "" stands for one " */
        if (name[j] != tok.s[i])
            return 0;
    }
    return name[j] == '\0';
}

/* The term as compared: outer parentheses off, "alias." before a name off when alias is
 * the scan's (EXPLAIN VERBOSE qualifies, pg_get_expr() does not; other qualifiers stay,
 * so an outer table's column never passes for this table's), runs of spaces outside
 * quotes made one. Literals and their casts stay as printed: both texts come from the
 * same deparser. -1 when it does not fit in dst. */
static int pl_term_norm(pl_slice x, const planlint_node *scan, char *dst, size_t size)
{
    const char *alias = scan->fields[PLANLINT_FIELD_ALIAS], *rel = scan->fields[PLANLINT_FIELD_RELATION];
    size_t i = 0, n = 0;

    pl_strip_parens(&x);
    while (i < x.n) {
        pl_slice tok = { x.s + i, pl_token(x.s + i, x.n - i) };
        size_t after = i + tok.n;

        i = after;
        if (isspace((unsigned char)tok.s[0])) {
            while (i < x.n && isspace((unsigned char)x.s[i]))
                i++;
            tok.s = " ";
        } else if (after + 1 < x.n && x.s[after] == '.' && pl_ident_start(x.s[after + 1]) &&
                   (pl_ident_is(tok, alias) || pl_ident_is(tok, rel))) {
            i = after + 1;
            continue;
        }
        if (n + tok.n >= size)
            return -1;
        memcpy(dst + n, tok.s, tok.n);
        n += tok.n;
    }
    dst[n] = '\0';
    return 0;
}

/* The scan's term that reads as want (normalised), or NULL. */
static const pl_term *pl_same_term(const planlint_node *scan, const pl_predicate *const *preds, size_t npreds,
                                   const char *want)
{
    char have[PL_TERM_TEXT_MAX];
    size_t p, i;

    for (p = 0; p < npreds; p++)
        for (i = 0; i < preds[p]->nterms; i++) {
            const pl_term *t = &preds[p]->terms[i];
            pl_slice x = { t->text, t->text_len };

            if (t->text && pl_term_norm(x, scan, have, sizeof(have)) == 0 && strcmp(have, want) == 0)
                return t;
        }
    return NULL;
}

int pl_predicate_implies(const planlint_node *scan, const pl_predicate *const *preds, size_t npreds,
                         const char *index_pred, const pl_term **pinned, size_t *npinned)
{
    pl_slice all = { index_pred, index_pred ? strlen(index_pred) : 0 }, terms[PL_PRED_MAX_TERMS];
    char want[PL_TERM_TEXT_MAX];
    size_t nterms = 0, i;

    *npinned = 0;
    if (!all.n || pl_has_anywhere(all, " OR ") || pl_and_flatten(all, terms, PL_PRED_MAX_TERMS, &nterms, 0) < 0)
        return 0;
    for (i = 0; i < nterms; i++) {
        const pl_term *t;

        if (pl_term_norm(terms[i], scan, want, sizeof(want)) < 0 || !(t = pl_same_term(scan, preds, npreds, want))) {
            *npinned = 0;
            return 0;
        }
        if (t->kind == PL_TERM_EQUALITY && !t->any)
            pinned[(*npinned)++] = t;
    }
    return 1;
}

/* ------------------------------------------------------------ the index */

static pl_term_kind pl_effective_kind(const pl_term *t, int rewritten)
{
    return rewritten && t->rewrite ? t->rewrite_kind : t->kind;
}

/* Distinct values of the key's column by the catalog's pg_stats (n_distinct < 0 is a
 * share of the rows); NaN when not known. */
static double pl_distinct(const planlint_node *scan, const pl_term *t)
{
    const pl_cat_table *tab = scan ? pl_catalog_table(scan) : NULL;
    size_t i;

    if (!tab || t->expression || !t->column)
        return NAN;
    for (i = 0; i < tab->ncolumns; i++)
        if (tab->columns[i].name && strcmp(tab->columns[i].name, t->column) == 0) {
            double nd = tab->columns[i].n_distinct;
            return nd < 0 ? -nd * tab->reltuples : nd;
        }
    return NAN;
}

/* Equality keys, the most selective first when every one has statistics: the index then
 * narrows fastest and serves other queries on its leading column too. Stable: equal or
 * unknown counts keep the printed order. */
static void pl_order_equalities(const planlint_node *scan, const pl_term **keys, size_t neq)
{
    double nd[PL_SUGGEST_MAX_KEYS];
    size_t i, j;

    for (i = 0; i < neq; i++)
        if (isnan(nd[i] = pl_distinct(scan, keys[i])))
            return;
    for (i = 1; i < neq; i++)
        for (j = i; j > 0 && nd[j] > nd[j - 1]; j--) {
            const pl_term *t = keys[j];
            double d = nd[j];
            keys[j] = keys[j - 1], nd[j] = nd[j - 1];
            keys[j - 1] = t, nd[j - 1] = d;
        }
}

size_t pl_index_keys(const planlint_node *scan, const pl_predicate *const *preds, size_t npreds,
                     const pl_term **keys, size_t max, int rewritten)
{
    char *seen[PL_SUGGEST_MAX_KEYS];
    size_t n = 0, neq = 0, p, i, k;
    int pass;

    if (max > PL_SUGGEST_MAX_KEYS)
        max = PL_SUGGEST_MAX_KEYS;
    for (pass = 0; pass < 2; pass++)
        for (p = 0; p < npreds; p++)
            for (i = 0; i < preds[p]->nterms && n < max; i++) {
                const pl_term *t = &preds[p]->terms[i];
                const char *key = t->rewrite && rewritten ? t->column : t->key;
                int dup = 0;
                if (!key || pl_effective_kind(t, rewritten) != (pass == 0 ? PL_TERM_EQUALITY : PL_TERM_RANGE))
                    continue;
                for (k = 0; k < n; k++)
                    dup |= strcmp(seen[k], key) == 0;
                if (dup)
                    continue;
                seen[n] = (char *)key;
                keys[n++] = t;
                if (pass == 1)
                    goto done;   /* a btree uses one range column, the last */
            }
done:
    for (neq = 0; neq < n && pl_effective_kind(keys[neq], rewritten) == PL_TERM_EQUALITY; neq++)
        ;
    pl_order_equalities(scan, keys, neq);
    return n;
}

static const char *pl_first_reason(const pl_predicate *const *preds, size_t npreds)
{
    size_t p, i;

    for (p = 0; p < npreds; p++) {
        if (preds[p]->has_or)
            return "the condition ORs terms together; one index per branch would let a BitmapOr combine them";
        for (i = 0; i < preds[p]->nterms; i++)
            if (preds[p]->terms[i].kind == PL_TERM_UNUSABLE)
                return preds[p]->terms[i].why;
    }
    return "no term compares a column with a value";
}

/* The keys as lib/sql/build.c takes them; a rewritten term is its bare column. */
static void pl_sql_keys(const pl_term *const *terms, size_t n, pl_sql_index_key *keys, int rewritten)
{
    size_t i;

    for (i = 0; i < n; i++) {
        int bare = rewritten && terms[i]->rewrite;
        keys[i].column = terms[i]->column;
        keys[i].func = bare ? NULL : terms[i]->func;
        keys[i].cast = bare ? NULL : terms[i]->cast;
        keys[i].opclass = terms[i]->pattern_ops && !bare ? "text_pattern_ops" : NULL;
    }
}

/* Whether a term of preds passes test. */
static int pl_any_term(const pl_predicate *const *preds, size_t npreds, int (*test)(const pl_term *t))
{
    size_t p, i;

    for (p = 0; p < npreds; p++)
        for (i = 0; i < preds[p]->nterms; i++)
            if (test(&preds[p]->terms[i]))
                return 1;
    return 0;
}

/* A name in the conditions is longer than PostgreSQL keeps: no index is built from them,
 * since the name the server would see is not the one printed. */
static int pl_is_cut(const pl_term *t)
{
    return t->cut;
}

static int pl_any_cut(const pl_predicate *const *preds, size_t npreds)
{
    return pl_any_term(preds, npreds, pl_is_cut);
}

static const char *pl_suggest(pl_check *c, const planlint_node *scan, const pl_predicate *const *preds,
                              size_t npreds, const char **why, int rewritten)
{
    const char *rel = scan->fields[PLANLINT_FIELD_RELATION], *schema = scan->fields[PLANLINT_FIELD_SCHEMA];
    const pl_term *terms[PL_SUGGEST_MAX_KEYS];
    pl_sql_index_key keys[PL_SUGGEST_MAX_KEYS];
    size_t n = pl_index_keys(scan, preds, npreds, terms, PL_SUGGEST_MAX_KEYS, rewritten);
    pl_buf b;
    int rc;

    if (n == 0 || !rel || pl_any_cut(preds, npreds)) {
        if (why)
            *why = !rel ? "the scan names no table" : pl_any_cut(preds, npreds) ? pl_no_safe_sql
                                                                                : pl_first_reason(preds, npreds);
        return NULL;
    }
    pl_sql_keys(terms, n, keys, rewritten);
    pl_buf_init(&b);
    if ((rc = pl_sql_create_index(&b, schema, rel, keys, n)) < 0) {
        if (rc == PLANLINT_ENOMEM)
            pl_check_fail(c);
        pl_buf_release(&b);
        if (why)
            *why = pl_no_safe_sql;
        return NULL;
    }
    rel = pl_fmt_text(c, "%s", b.data);
    pl_buf_release(&b);
    return rel;
}

const char *pl_index_suggestion(pl_check *c, const planlint_node *scan, const pl_predicate *const *preds,
                                size_t npreds, const char **why)
{
    return pl_suggest(c, scan, preds, npreds, why, 0);
}

void pl_index_advice_none(pl_finding *f, const char *filter, const char *why)
{
    if (why == pl_no_safe_sql)
        pl_finding_advice(f, "An index on the columns of the Filter %s would serve it, but %s", filter,
                          "no safe CREATE INDEX could be built: a name in it does not read back as itself "
                          "in PostgreSQL's grammar (longer than the server keeps, or not one identifier), "
                          "so none is shown.");
    else
        pl_finding_advice(f, "No btree index fits the Filter %s: %s.", filter, why);
}

/* ------------------------------------------------------------ rewrites */

static int pl_has_rewrite(const pl_term *t)
{
    return t->rewrite != NULL;
}

int pl_predicate_has_rewrite(const pl_predicate *const *preds, size_t npreds)
{
    return pl_any_term(preds, npreds, pl_has_rewrite);
}

/* "(a)::date = ... hides a from an index: WHY. Write it as X (NOTE)." for every
 * rewritten term. */
static const char *pl_rewrite_list(pl_check *c, const pl_predicate *const *preds, size_t npreds)
{
    const char *text = "";
    size_t p, i;

    for (p = 0; p < npreds; p++)
        for (i = 0; i < preds[p]->nterms; i++) {
            const pl_term *t = &preds[p]->terms[i];
            if (t->rewrite)
                text = pl_fmt_text(c, "%s%s(%.*s) hides %s from an index: %s. Write it as %s (%s).", text,
                                   *text ? " " : "", (int)t->text_len, t->text, pl_fmt_ident(c, t->column),
                                   t->why, t->rewrite, t->rewrite_note ? t->rewrite_note : "the same rows");
        }
    return text;
}

int pl_rewrite_advice(pl_check *c, pl_finding *f, const planlint_node *scan, const pl_predicate *const *preds,
                      size_t npreds, const char *cond)
{
    const pl_term *keys[PL_SUGGEST_MAX_KEYS];
    const pl_cat_index *ix;
    const char *create, *shown, *why = NULL, *list;
    size_t nk;

    if (!pl_predicate_has_rewrite(preds, npreds))
        return 0;
    list = pl_rewrite_list(c, preds, npreds);
    nk = pl_index_keys(scan, preds, npreds, keys, PL_SUGGEST_MAX_KEYS, 1);
    if ((ix = pl_existing_index_rewritten(scan, preds, npreds, keys, nk)) != NULL) {
        pl_finding_advice(f, "%s The index %s on %s then serves %s.", list, ix->name, pl_index_key_list(c, ix),
                          cond);
        pl_finding_evidence(f, "existing_index_keys", (double)ix->nkeys);
        return 1;
    }
    create = pl_suggest(c, scan, preds, npreds, &why, 1);
    shown = create ? pl_finding_sql(f, "IndexStmt", "%s", create) : NULL;
    if (shown)
        pl_finding_advice(f, "%s An index on the bare column then serves it: an existing one (a primary key "
                             "counts) when it starts with the same columns, else %s (for the rewritten "
                             "condition: the planner cannot use it for %s as written). EXPLAIN again after "
                             "the rewrite.", list, shown, cond);
    else
        pl_finding_advice(f, "%s An index on the bare column then serves it.", list);
    return 1;
}
