/* text_nodes.c - a text node name ("Parallel Hash Right Anti Join", "Index Scan
 * Backward using i on s.t x", "Partial HashAggregate") back into the JSON keys that
 * PostgreSQL's explain.c prints for the same node. */
#include "text.h"

#include <string.h>

/* Names printed as they are in both formats. */
static const char *const pl_plain_nodes[] = {
    "Result", "ProjectSet", "Append", "Merge Append", "Recursive Union", "BitmapAnd",
    "BitmapOr", "Seq Scan", "Sample Scan", "Gather", "Gather Merge", "Index Scan",
    "Index Only Scan", "Bitmap Index Scan", "Bitmap Heap Scan", "Tid Scan", "Tid Range Scan",
    "Subquery Scan", "Function Scan", "Table Function Scan", "Values Scan", "CTE Scan",
    "Named Tuplestore Scan", "WorkTable Scan", "Foreign Scan", "Materialize", "Memoize",
    "Sort", "Incremental Sort", "Group", "WindowAgg", "Unique", "LockRows", "Limit", "Hash",
    "Result Cache",
};

/* Text name -> Node Type plus one more key: aggregates, set operations, DML. */
typedef struct pl_alias {
    const char *text, *type, *key, *value;
} pl_alias;

static const pl_alias pl_aliases[] = {
    { "Aggregate", "Aggregate", "Strategy", "Plain" },
    { "GroupAggregate", "Aggregate", "Strategy", "Sorted" },
    { "HashAggregate", "Aggregate", "Strategy", "Hashed" },
    { "MixedAggregate", "Aggregate", "Strategy", "Mixed" },
    { "Insert", "ModifyTable", "Operation", "Insert" },
    { "Update", "ModifyTable", "Operation", "Update" },
    { "Delete", "ModifyTable", "Operation", "Delete" },
    { "Merge", "ModifyTable", "Operation", "Merge" },
    { "Foreign Insert", "Foreign Scan", "Operation", "Insert" },
    { "Foreign Update", "Foreign Scan", "Operation", "Update" },
    { "Foreign Delete", "Foreign Scan", "Operation", "Delete" },
    { "Index Scan Backward", "Index Scan", "Scan Direction", "Backward" },
    { "Index Only Scan Backward", "Index Only Scan", "Scan Direction", "Backward" },
};

/* Join types as explain.c spells them between the join method and "Join". */
static const char *const pl_join_types[] = {
    "Left", "Full", "Right", "Semi", "Anti", "Right Semi", "Right Anti",
};

typedef struct pl_span {
    const char *s;
    size_t n;
} pl_span;

static int pl_strip_prefix(pl_span *sp, const char *lit)
{
    size_t l = strlen(lit);

    if (sp->n <= l || memcmp(sp->s, lit, l) != 0)
        return 0;
    sp->s += l;
    sp->n -= l;
    return 1;
}

/* "Hash Right Anti Join", "Merge Join", "Nested Loop Left Join". */
static int pl_join_name(pl_arena *a, planlint_value *obj, pl_span sp)
{
    static const char *const methods[][2] = {
        { "Nested Loop", "Nested Loop" }, { "Hash", "Hash Join" }, { "Merge", "Merge Join" },
    };
    size_t i, j;

    for (i = 0; i < 3; i++) {
        pl_span rest = sp;
        if (i == 0 && pl_text_is(sp.s, sp.n, "Nested Loop"))
            rest.n = 0;
        else if (!pl_strip_prefix(&rest, methods[i][0]))
            continue;
        if (rest.n == 0 || pl_text_is(rest.s, rest.n, " Join"))
            return pl_tv_set_str(a, obj, "Node Type", methods[i][1], strlen(methods[i][1])) < 0 ||
                           pl_tv_set_str(a, obj, "Join Type", "Inner", 5) < 0 ? -1 : 1;
        if (!pl_strip_prefix(&rest, " ") || rest.n < 6 || memcmp(rest.s + rest.n - 5, " Join", 5) != 0)
            continue;
        rest.n -= 5;
        for (j = 0; j < sizeof(pl_join_types) / sizeof(pl_join_types[0]); j++)
            if (pl_text_is(rest.s, rest.n, pl_join_types[j]))
                return pl_tv_set_str(a, obj, "Node Type", methods[i][1], strlen(methods[i][1])) < 0 ||
                               pl_tv_set_str(a, obj, "Join Type", rest.s, rest.n) < 0 ? -1 : 1;
    }
    return 0;
}

/* "SetOp Except All", "HashSetOp Intersect"; "Custom Scan (Provider)". */
static int pl_special_name(pl_arena *a, planlint_value *obj, pl_span sp)
{
    pl_span rest = sp;

    if (pl_strip_prefix(&rest, "SetOp ") || pl_strip_prefix(&rest, "HashSetOp ")) {
        const char *strategy = sp.s[0] == 'H' ? "Hashed" : "Sorted";
        return pl_tv_set_str(a, obj, "Node Type", "SetOp", 5) < 0 ||
                       pl_tv_set_str(a, obj, "Strategy", strategy, 6) < 0 ||
                       pl_tv_set_str(a, obj, "Command", rest.s, rest.n) < 0 ? -1 : 1;
    }
    if (pl_strip_prefix(&rest, "Custom Scan (") && rest.s[rest.n - 1] == ')')
        return pl_tv_set_str(a, obj, "Node Type", "Custom Scan", 11) < 0 ||
                       pl_tv_set_str(a, obj, "Custom Plan Provider", rest.s, rest.n - 1) < 0 ? -1 : 1;
    return pl_join_name(a, obj, sp);
}

static int pl_method_name(pl_arena *a, planlint_value *obj, pl_span sp)
{
    size_t i;

    if (pl_strip_prefix(&sp, "Partial ")) {
        if (pl_tv_set_str(a, obj, "Partial Mode", "Partial", 7) < 0)
            return -1;
    } else if (pl_strip_prefix(&sp, "Finalize ")) {
        if (pl_tv_set_str(a, obj, "Partial Mode", "Finalize", 8) < 0)
            return -1;
    }
    for (i = 0; i < sizeof(pl_aliases) / sizeof(pl_aliases[0]); i++) {
        const pl_alias *al = &pl_aliases[i];
        if (pl_text_is(sp.s, sp.n, al->text)) {
            if (strcmp(al->type, "Aggregate") == 0 && !pl_value_get(obj, "Partial Mode") &&
                pl_tv_set_str(a, obj, "Partial Mode", "Simple", 6) < 0)
                return -1;
            return pl_tv_set_str(a, obj, "Node Type", al->type, strlen(al->type)) < 0 ||
                           pl_tv_set_str(a, obj, al->key, al->value, strlen(al->value)) < 0 ? -1 : 1;
        }
    }
    for (i = 0; i < sizeof(pl_plain_nodes) / sizeof(pl_plain_nodes[0]); i++)
        if (pl_text_is(sp.s, sp.n, pl_plain_nodes[i]))
            return pl_tv_set_str(a, obj, "Node Type", sp.s, sp.n) < 0 ? -1 : 1;
    return pl_special_name(a, obj, sp);
}

/* One identifier, "quoted" (with "" inside) or bare up to a blank or a dot. A quoted one
 * is unquoted into the arena, whole, however long. 0, or -1 when out of memory. */
static int pl_ident(pl_arena *a, pl_span *sp, pl_span *out)
{
    size_t i = 0, w = 0;
    char *buf;

    out->s = sp->s, out->n = 0;
    if (sp->n && sp->s[0] == '"') {
        if (!(buf = pl_arena_alloc(a, sp->n)))
            return -1;
        for (i = 1; i < sp->n; i++) {
            if (sp->s[i] == '"' && i + 1 < sp->n && sp->s[i + 1] == '"')
                buf[w++] = sp->s[i++];
            else if (sp->s[i] == '"')
                break;
            else
                buf[w++] = sp->s[i];
        }
        out->s = buf;
        out->n = w;
        i = i < sp->n ? i + 1 : i;
    } else {
        while (i < sp->n && sp->s[i] != ' ' && sp->s[i] != '.')
            i++;
        out->n = i;
    }
    sp->s += i;
    sp->n -= i;
    return 0;
}

/* Which key the object after " on " fills, by node type; NULL: it is the alias. */
static const char *pl_target_key(const char *type)
{
    if (strcmp(type, "Function Scan") == 0)
        return "Function Name";
    if (strcmp(type, "Table Function Scan") == 0)
        return "Table Function Name";
    if (strcmp(type, "CTE Scan") == 0 || strcmp(type, "WorkTable Scan") == 0)
        return "CTE Name";
    if (strcmp(type, "Named Tuplestore Scan") == 0)
        return "Tuplestore Name";
    if (strcmp(type, "Subquery Scan") == 0 || strcmp(type, "Values Scan") == 0)
        return NULL;
    if (strcmp(type, "Bitmap Index Scan") == 0)
        return "Index Name";
    return "Relation Name";
}

static int pl_set_span(pl_arena *a, planlint_value *obj, const char *key, pl_span sp)
{
    return pl_tv_set_str(a, obj, key, sp.s, sp.n);
}

/* "[schema.]name [alias]" after " on ". */
static int pl_scan_target(pl_arena *a, planlint_value *obj, pl_span sp)
{
    const char *key = pl_target_key(pl_value_str(obj, "Node Type"));
    pl_span first, name, schema = { NULL, 0 }, alias;

    if (pl_ident(a, &sp, &first) < 0)
        return -1;
    name = first;
    if (sp.n && sp.s[0] == '.') {
        sp.s++, sp.n--;
        schema = first;
        if (pl_ident(a, &sp, &name) < 0)
            return -1;
    }
    while (sp.n && sp.s[0] == ' ')
        sp.s++, sp.n--;
    alias = name;
    if (sp.n && pl_ident(a, &sp, &alias) < 0)
        return -1;
    if (!key || strcmp(key, "Index Name") == 0)
        return key ? pl_set_span(a, obj, key, name) : pl_set_span(a, obj, "Alias", name);
    if (pl_set_span(a, obj, key, name) < 0 || (schema.s && pl_set_span(a, obj, "Schema", schema) < 0))
        return -1;
    return pl_set_span(a, obj, "Alias", alias);
}

/* Position of lit in sp, or sp.n. */
static size_t pl_find(pl_span sp, const char *lit)
{
    size_t l = strlen(lit), i;

    for (i = 0; i + l <= sp.n; i++)
        if (memcmp(sp.s + i, lit, l) == 0)
            return i;
    return sp.n;
}

/* "using idx" and "on target" parts after the method. */
static int pl_name_targets(pl_arena *a, planlint_value *obj, pl_span sp, size_t using, size_t on)
{
    if (using < sp.n) {
        pl_span idx = { sp.s + using + 7, (on < sp.n ? on : sp.n) - using - 7 }, name;
        if (pl_ident(a, &idx, &name) < 0 || pl_set_span(a, obj, "Index Name", name) < 0)
            return -1;
    }
    if (on < sp.n) {
        pl_span target = { sp.s + on + 4, sp.n - on - 4 };
        return pl_scan_target(a, obj, target);
    }
    return 0;
}

int pl_text_node_name(pl_arena *a, planlint_value *obj, const char *s, size_t n)
{
    pl_span sp = { s, n }, method;
    int parallel = pl_strip_prefix(&sp, "Parallel "), async = pl_strip_prefix(&sp, "Async ");
    size_t using = pl_find(sp, " using "), on = pl_find(sp, " on "), end = using < on ? using : on;
    int known;

    method.s = sp.s;
    method.n = end;
    if (pl_tv_set_str(a, obj, "Node Type", "", 0) < 0)   /* keeps "Node Type" first */
        return -1;
    if ((known = pl_method_name(a, obj, method)) < 0)
        return -1;
    if (!known && pl_tv_set_str(a, obj, "Node Type", method.s, method.n) < 0)
        return -1;
    if (pl_tv_set_bool(a, obj, "Parallel Aware", parallel) < 0 ||
        pl_tv_set_bool(a, obj, "Async Capable", async) < 0)
        return -1;
    if ((!strcmp(pl_value_str(obj, "Node Type"), "Index Scan") ||
         !strcmp(pl_value_str(obj, "Node Type"), "Index Only Scan")) &&
        !pl_value_get(obj, "Scan Direction") && pl_tv_set_str(a, obj, "Scan Direction", "Forward", 7) < 0)
        return -1;
    if (pl_name_targets(a, obj, sp, using, on) < 0)
        return -1;
    return known;
}
