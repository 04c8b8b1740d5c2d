/* fence.c - the second fence before ANALYZE: the server plans the statement without
 * running it, and the plan shows what the parse tree cannot, such as a write through a
 * rule or a function call inside a view. Also the scan for function names in text
 * (plan expressions, function bodies) that both fences share. */
#include "live.h"
#include "statement.h"
#include "error.h"

#include <ctype.h>
#include <string.h>

static int pl_word_byte(unsigned char c)
{
    return isalnum(c) || c == '_' || c == '$' || c >= 0x80;
}

/* Past the end of an identifier: an optional closing quote and blanks, then "(". */
static int pl_called(const char *p)
{
    if (*p == '"')
        p++;
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return *p == '(';
}

const pl_side_effect *pl_mention_refused(const char *text, const planlint_capture_options *o,
                                         char *name, size_t size,
                                         void (*fn)(const char *name, void *ud), void *ud)
{
    const char *p = text;

    while (*p) {
        const char *start;
        const pl_side_effect *e;
        size_t n;

        if (!pl_word_byte((unsigned char)*p) || (p > text && pl_word_byte((unsigned char)p[-1]))) {
            p++;
            continue;
        }
        for (start = p; pl_word_byte((unsigned char)*p); p++)
            ;
        if (!pl_called(p) || (n = (size_t)(p - start)) >= size)
            continue;
        for (size_t i = 0; i < n; i++)
            name[i] = (char)tolower((unsigned char)start[i]);
        name[n] = '\0';
        if ((e = pl_side_effect_find(name)) != NULL && !pl_side_effect_allowed(e, o))
            return e;
        if (fn)
            fn(name, ud);
    }
    return NULL;
}

/* The first string anywhere in v that mentions a refused function. */
static const pl_side_effect *pl_value_refused(const planlint_value *v, const planlint_capture_options *o,
                                              char *name, size_t size)
{
    const pl_side_effect *e = NULL;
    size_t i, n;

    switch (planlint_value_kind(v)) {
    case PLANLINT_VALUE_STRING:
        return pl_mention_refused(planlint_value_string(v), o, name, size, NULL, NULL);
    case PLANLINT_VALUE_ARRAY:
    case PLANLINT_VALUE_OBJECT:
        n = planlint_value_size(v);
        for (i = 0; i < n && !e; i++)
            e = pl_value_refused(planlint_value_at(v, i), o, name, size);
        return e;
    default:
        return NULL;
    }
}

static int pl_node_fence(const planlint_node *node, const planlint_capture_options *o, planlint_error *err)
{
    const char *type = planlint_node_field_get(node, PLANLINT_FIELD_NODE_TYPE);
    const pl_side_effect *e = NULL;
    char name[64];
    size_t i, n = planlint_node_key_count(node);

    if (type && strcmp(type, "ModifyTable") == 0 && !o->allow_writes)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: the server's plan modifies data (ModifyTable); it needs "
                        "--allow-writes (and is still rolled back)");
    if (type && strcmp(type, "LockRows") == 0 && !o->allow_writes)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: the server's plan locks rows (LockRows); it needs --allow-writes");
    for (i = 0; i < n && !e; i++)
        e = pl_value_refused(planlint_node_value_at(node, i), o, name, sizeof(name));
    if (e)
        return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                        "refused: the server's plan calls %s() (through a view, say), which %s; "
                        "a rollback cannot undo that, so it needs %s", name, e->why,
                        e->with_writes ? "--allow-writes or --allow-side-effects" : "--allow-side-effects");
    return 0;
}

int pl_live_fence(const char *json, size_t len, const planlint_capture_options *o, planlint_error *err)
{
    planlint_plan *plan = NULL;
    const planlint_plan *p;
    size_t i;
    int rc;

    if (o->allow_writes && pl_capture_allows_side_effects(o))
        return 0;
    if ((rc = planlint_plan_parse(&plan, json, len, NULL, err)) != 0)
        return rc;
    for (p = plan; p && rc == 0; p = planlint_plan_next(p))
        for (i = 0; i < planlint_plan_node_count(p) && rc == 0; i++)
            rc = pl_node_fence(planlint_plan_node(p, i), o, err);
    planlint_plan_free(plan);
    return rc;
}
