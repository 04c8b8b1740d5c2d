/* json_reader.c - JSON text -> plans. jansson does the lexing; its json_t tree is
 * converted into the plan's arena and dropped at once. */
#include "model.h"
#include "alloc.h"
#include "error.h"
#include "unwrap.h"
#include "reader.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------ key interning */

/* Plans repeat the same few hundred keys on every node: store each once. */
typedef struct pl_intern {
    const char **slots;
    size_t cap, used;
} pl_intern;

static size_t pl_hash(const char *s)
{
    size_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static int pl_intern_grow(pl_intern *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 256, i;
    const char **ns = pl_malloc(ncap * sizeof(*ns));

    if (!ns)
        return -1;
    memset(ns, 0, ncap * sizeof(*ns));
    for (i = 0; i < t->cap; i++) {
        if (t->slots[i]) {
            size_t j = pl_hash(t->slots[i]) & (ncap - 1);
            while (ns[j])
                j = (j + 1) & (ncap - 1);
            ns[j] = t->slots[i];
        }
    }
    pl_free(t->slots);
    t->slots = ns;
    t->cap = ncap;
    return 0;
}

static const char *pl_intern_key(pl_intern *t, pl_arena *a, const char *key)
{
    size_t j;

    if ((t->used + 1) * 2 > t->cap && pl_intern_grow(t) < 0)
        return NULL;
    j = pl_hash(key) & (t->cap - 1);
    while (t->slots[j]) {
        if (strcmp(t->slots[j], key) == 0)
            return t->slots[j];
        j = (j + 1) & (t->cap - 1);
    }
    t->slots[j] = pl_arena_strndup(a, key, strlen(key));
    if (!t->slots[j])
        return NULL;
    t->used++;
    return t->slots[j];
}

/* ------------------------------------------------------------ conversion */

typedef struct pl_reader {
    pl_arena *arena;
    pl_intern keys;
    planlint_error *err;
    planlint_error noise_err;     /* why the first non-plan value was not a plan */
    const planlint_parse_options *opts;
} pl_reader;

static int pl_convert(pl_reader *r, planlint_value *out, json_t *j);

static int pl_convert_array(pl_reader *r, planlint_value *out, json_t *j)
{
    size_t i, n = json_array_size(j);

    out->type = PLANLINT_VALUE_ARRAY;
    out->size = n;
    out->items = n ? pl_arena_array(r->arena, n, sizeof(planlint_value)) : NULL;
    if (n && !out->items)
        return pl_error_nomem(r->err);
    for (i = 0; i < n; i++) {
        int rc = pl_convert(r, &out->items[i], json_array_get(j, i));
        if (rc < 0)
            return rc;
    }
    return 0;
}

static int pl_convert_object(pl_reader *r, planlint_value *out, json_t *j)
{
    size_t n = json_object_size(j), i = 0;
    const char *key;
    json_t *v;

    out->type = PLANLINT_VALUE_OBJECT;
    out->size = n;
    out->items = n ? pl_arena_array(r->arena, n, sizeof(planlint_value)) : NULL;
    out->keys = n ? pl_arena_array(r->arena, n, sizeof(char *)) : NULL;
    if (n && (!out->items || !out->keys))
        return pl_error_nomem(r->err);
    json_object_foreach(j, key, v) {
        int rc;
        out->keys[i] = pl_intern_key(&r->keys, r->arena, key);
        if (!out->keys[i])
            return pl_error_nomem(r->err);
        rc = pl_convert(r, &out->items[i], v);
        if (rc < 0)
            return rc;
        i++;
    }
    return 0;
}

static int pl_convert(pl_reader *r, planlint_value *out, json_t *j)
{
    switch (json_typeof(j)) {
    case JSON_OBJECT:
        return pl_convert_object(r, out, j);
    case JSON_ARRAY:
        return pl_convert_array(r, out, j);
    case JSON_STRING:
        out->type = PLANLINT_VALUE_STRING;
        out->string = pl_arena_strndup(r->arena, json_string_value(j), json_string_length(j));
        return out->string ? 0 : pl_error_nomem(r->err);
    case JSON_INTEGER:
        out->type = PLANLINT_VALUE_NUMBER;
        out->is_integer = 1;
        out->number = (double)json_integer_value(j);
        return 0;
    case JSON_REAL:
        out->type = PLANLINT_VALUE_NUMBER;
        out->number = json_real_value(j);
        return 0;
    case JSON_TRUE:
    case JSON_FALSE:
        out->type = PLANLINT_VALUE_BOOL;
        out->boolean = json_is_true(j);
        return 0;
    default:
        out->type = PLANLINT_VALUE_NULL;
        return 0;
    }
}

/* A document shaped like a plan: errors inside it are real errors. Anything else
 * is noise between plans, reported only if the input holds no plan at all. */
static int pl_looks_like_plan(const planlint_value *doc)
{
    const planlint_value *first = doc;

    while (first->type == PLANLINT_VALUE_ARRAY && first->size > 0)
        first = &first->items[0];
    return first->type == PLANLINT_VALUE_OBJECT &&
           (pl_value_get(first, "Plan") || pl_value_get(first, "Node Type"));
}

static void pl_line_col(const char *buf, size_t pos, int *line, int *col)
{
    size_t i;

    *line = 1;
    *col = 1;
    for (i = 0; i < pos; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static int pl_json_error(pl_reader *r, const char *buf, size_t len, size_t pos,
                         const json_error_t *je, const pl_unwrapped *u)
{
    int line, col, code = PLANLINT_EPARSE;
    const char *text = je->text[0] ? je->text : "syntax error";

    pl_line_col(buf, pos + (je->position > 0 ? (size_t)je->position - 1 : 0), &line, &col);
    if (u && line >= 1 && (size_t)line <= u->nlines) {
        col += u->orig_col_shift[line - 1];
        line = u->orig_line[line - 1];
    }
    switch (json_error_code(je)) {
    case json_error_stack_overflow:
        code = PLANLINT_ELIMIT;
        text = "nesting too deep";
        break;
    case json_error_out_of_memory:
        return pl_error_nomem(r->err);
    case json_error_unknown:
    case json_error_invalid_syntax:
    case json_error_premature_end_of_input:
        /* jansson says so for some allocation failures too: text that is valid
         * JSON after all means the memory ran out. */
        if (pl_json_syntax_ok(buf + pos, len - pos))
            return pl_error_nomem(r->err);
        break;
    default:
        break;
    }
    return pl_error(r->err, code, line, col, NULL, "invalid JSON: %s", text);
}

/* ------------------------------------------------------------ one JSON value */

static int pl_read_value(pl_reader *r, json_t *j, pl_plan_list *list)
{
    planlint_value *doc = pl_arena_alloc(r->arena, sizeof(*doc));
    int rc;

    if (!doc)
        return pl_error_nomem(r->err);
    rc = pl_convert(r, doc, j);
    if (rc < 0)
        return rc;
    if (!pl_looks_like_plan(doc)) {
        if (r->noise_err.code == 0)
            pl_plans_from_document(list, r->arena, doc, r->opts, &r->noise_err);
        return 0;
    }
    return pl_plans_from_document(list, r->arena, doc, r->opts, r->err);
}

/* Can a plan document start at buf[pos]? '[' must open an array of objects or
 * arrays, '{' an object with a key: "[19963]" in a log line prefix is not one. */
static int pl_plausible_start(const char *buf, size_t len, size_t pos)
{
    char open = buf[pos];

    for (pos++; pos < len; pos++) {
        char c = buf[pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        return open == '[' ? (c == '{' || c == '[' || c == ']') : (c == '"' || c == '}');
    }
    return 0;
}

/* Where the next JSON value starts, skipping log prefixes and other noise. */
static size_t pl_skip_noise(const char *buf, size_t len, size_t pos)
{
    while (pos < len && !((buf[pos] == '[' || buf[pos] == '{') && pl_plausible_start(buf, len, pos)))
        pos++;
    return pos;
}

/* Reads every JSON value of buf. Returns 0, or a negative code with err set. */
static int pl_read_all(pl_reader *r, const char *buf, size_t len, const pl_unwrapped *u,
                       pl_plan_list *list)
{
    size_t pos = pl_skip_noise(buf, len, 0);

    while (pos < len) {
        json_error_t je;
        json_t *j = json_loadb(buf + pos, len - pos, JSON_DISABLE_EOF_CHECK | JSON_ALLOW_NUL, &je);
        int rc;

        if (!j)
            return pl_json_error(r, buf, len, pos, &je, u);
        rc = pl_read_value(r, j, list);
        json_decref(j);
        if (rc < 0)
            return rc;
        pos = pl_skip_noise(buf, len, pos + (size_t)je.position);
    }
    return 0;
}

int pl_json_read(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                 const planlint_parse_options *opts, planlint_error *err)
{
    pl_reader r;
    planlint_error first;
    pl_unwrapped u;
    int rc;

    memset(&r, 0, sizeof(r));
    r.arena = arena;
    r.opts = opts;
    memset(&first, 0, sizeof(first));
    r.err = &first;
    rc = pl_read_all(&r, buf, len, NULL, list);
    if (rc == PLANLINT_EPARSE || (rc == 0 && list->count == 0)) {
        /* Not plain JSON: maybe psql's or pgAdmin's wrapping around it. */
        planlint_error second;
        pl_plan_list retry;

        memset(&second, 0, sizeof(second));
        memset(&retry, 0, sizeof(retry));
        if (pl_unwrap(buf, len, &u) < 0) {
            pl_free(r.keys.slots);
            return pl_error_nomem(err);
        }
        r.err = &second;
        if (pl_read_all(&r, u.text, u.len, &u, &retry) == 0 && retry.count > 0) {
            *list = retry;
            rc = 0;
        } else if (u.changed || second.code == PLANLINT_ENOMEM || second.code == PLANLINT_ELIMIT) {
            first = second;
            rc = second.code;
        }
        pl_unwrapped_free(&u);
    }
    pl_free(r.keys.slots);
    if (rc == 0 && list->count == 0 && r.noise_err.code != 0) {
        first = r.noise_err;
        rc = first.code;
    }
    if (rc < 0 && err && err->code == 0)
        *err = first;
    return rc;
}
