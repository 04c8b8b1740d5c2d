/* text_build.c - growing objects and arrays in the arena while the text reader fills
 * them, and turning the text's values into JSON-typed ones. */
#include "text.h"
#include "reader.h"
#include "nest.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

/* Slots for items in the block of an ARRAY or OBJECT (see room in model.h). */
static size_t pl_value_capacity(const planlint_value *v)
{
    size_t cap = 4;

    if (v->room)
        return (size_t)v->size + v->room - 1u;
    while (cap < v->size)
        cap *= 2;
    return cap;
}

/* An object's block is one slot for where its keys are, then its items; its keys are
 * its own array while it grows, the arena's shared copy once it is complete. */
static int pl_tv_is_object(const planlint_value *v)
{
    return v->type == PLANLINT_VALUE_OBJECT;
}

/* Gives back what v's block and own keys took. */
static void pl_tv_give_back(pl_arena *a, planlint_value *v, size_t cap)
{
    if (!v->items)
        return;
    if (!pl_tv_is_object(v)) {
        pl_arena_recycle(a, v->items, cap * sizeof(*v->items));
        return;
    }
    if (!v->is_integer)
        pl_arena_recycle(a, (void *)pl_value_keys(v), cap * sizeof(char *));
    pl_arena_recycle(a, v->items - 1, (cap + 1) * sizeof(*v->items));
}

/* Moves v's members to a block of cap slots (and an object's keys to an array of its
 * own, of cap), giving the old ones back to the arena. */
static int pl_tv_move(pl_arena *a, planlint_value *v, size_t cap)
{
    size_t n = v->size, old = v->items ? pl_value_capacity(v) : 0;
    int object = pl_tv_is_object(v);
    const char **keys = NULL;
    planlint_value *items;

    if (cap >= SIZE_MAX / sizeof(*items) - 1 || !(items = pl_arena_array(a, cap + (size_t)object, sizeof(*items))))
        return -1;
    if (object) {
        if (!(keys = pl_arena_array(a, cap, sizeof(*keys))))
            return -1;
        if (n)
            memcpy(keys, pl_value_keys(v), n * sizeof(*keys));
        items->keys = keys;
        items++;
    }
    /* The value is still being filled, so nothing else points at the old block. */
    if (n)
        memcpy(items, v->items, n * sizeof(*items));
    pl_tv_give_back(a, v, old);
    v->items = items;
    v->is_integer = 0;
    return 0;
}

/* Room for one more item. */
static int pl_tv_reserve(pl_arena *a, planlint_value *v)
{
    size_t n = v->size, cap = 4;

    if (v->room > 1) {
        v->room--;
        return 0;
    }
    if (!v->room && n != 0 && (n < 4 || (n & (n - 1)) != 0))
        return 0;
    if (n >= UINT_MAX)
        return -1;
    while (cap <= n)
        cap *= 2;
    if (pl_tv_move(a, v, cap) < 0)
        return -1;
    v->room = 0;   /* cap is the power of two above n: implied again */
    return 0;
}

/* An object about to get a key while its keys are the shared shape: an array of its
 * own first, as large as its block. */
static int pl_tv_own_keys(pl_arena *a, planlint_value *v)
{
    size_t cap = pl_value_capacity(v);
    const char **keys;

    if (!v->is_integer || !v->items)
        return 0;
    if (!(keys = pl_arena_array(a, cap, sizeof(*keys))))
        return -1;
    memcpy(keys, pl_value_keys(v), v->size * sizeof(*keys));
    v->items[-1].keys = keys;
    v->is_integer = 0;
    return 0;
}

int pl_tv_fit(pl_arena *a, planlint_value *v, unsigned int extra)
{
    size_t cap = v->size + (size_t)extra;
    const char **shape, **own;

    if ((v->type != PLANLINT_VALUE_OBJECT && v->type != PLANLINT_VALUE_ARRAY) || extra >= 255 ||
        !v->items || cap == 0)
        return 0;
    if (cap < pl_value_capacity(v)) {
        if (pl_tv_move(a, v, cap) < 0)
            return -1;
        v->room = (unsigned char)(extra + 1);
    }
    if (!pl_tv_is_object(v) || v->is_integer)
        return 0;
    /* Its keys so far become the shape's shared copy; a key added later takes a copy of
     * its own first (pl_tv_own_keys), which the next fit gives back. */
    own = pl_value_keys(v);
    if (!(shape = pl_arena_shape(a, own, v->size)))
        return -1;
    pl_arena_recycle(a, (void *)own, pl_value_capacity(v) * sizeof(*own));
    v->items[-1].keys = shape;
    v->is_integer = 1;
    return 0;
}

/* v as an empty container of type unless it is one already. A scalar that a damaged
 * plan put where a list or an object goes is dropped: its string is not a block of
 * items, and growing it would give that string to the arena as free space. */
static void pl_tv_become(planlint_value *v, planlint_value_type type)
{
    if (v->type == type)
        return;
    memset(v, 0, sizeof(*v));
    v->type = type;
}

int pl_tv_push(pl_arena *a, planlint_value *arr, const planlint_value *v)
{
    pl_tv_become(arr, PLANLINT_VALUE_ARRAY);
    if (pl_tv_reserve(a, arr) < 0)
        return -1;
    arr->items[arr->size++] = *v;
    return 0;
}

int pl_tv_set(pl_arena *a, planlint_value *obj, const char *key, const planlint_value *v)
{
    const char **keys;
    size_t i;

    pl_tv_become(obj, PLANLINT_VALUE_OBJECT);
    keys = pl_value_keys(obj);
    /* Keys are mostly the same literals: pointer and first byte settle most cases. */
    for (i = 0; i < obj->size; i++) {
        const char *k = keys[i];
        if (k == key || (k[0] == key[0] && strcmp(k, key) == 0)) {
            obj->items[i] = *v;
            return 0;
        }
    }
    if (pl_tv_own_keys(a, obj) < 0 || pl_tv_reserve(a, obj) < 0)
        return -1;
    pl_value_keys(obj)[obj->size] = key;
    obj->items[obj->size++] = *v;
    return 0;
}

int pl_tv_rename(pl_arena *a, planlint_value *obj, size_t i, const char *key)
{
    if (obj->type != PLANLINT_VALUE_OBJECT || i >= obj->size || pl_tv_own_keys(a, obj) < 0)
        return -1;
    pl_value_keys(obj)[i] = key;
    return 0;
}

int pl_tv_set_str(pl_arena *a, planlint_value *obj, const char *key, const char *s, size_t n)
{
    planlint_value v;

    memset(&v, 0, sizeof(v));
    v.type = PLANLINT_VALUE_STRING;
    if (!(v.string = pl_arena_strndup(a, s, n)))
        return -1;
    return pl_tv_set(a, obj, key, &v);
}

int pl_tv_set_num(pl_arena *a, planlint_value *obj, const char *key, double d)
{
    planlint_value v;

    if (d != d)
        return 0;   /* not printed, or masked: absent as in a JSON plan without it */
    memset(&v, 0, sizeof(v));
    v.type = PLANLINT_VALUE_NUMBER;
    v.number = d;
    /* Range first: converting a double outside long long is undefined. */
    v.is_integer = d > -9e15 && d < 9e15 && d == (double)(long long)d;
    return pl_tv_set(a, obj, key, &v);
}

int pl_tv_set_bool(pl_arena *a, planlint_value *obj, const char *key, int b)
{
    planlint_value v;

    memset(&v, 0, sizeof(v));
    v.type = PLANLINT_VALUE_BOOL;
    v.boolean = b != 0;
    return pl_tv_set(a, obj, key, &v);
}

int pl_text_is(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && memcmp(s, lit, n) == 0;
}

const char *pl_tv_trim(const char *s, size_t *n)
{
    while (*n && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        (*n)--;
    }
    while (*n && (s[*n - 1] == ' ' || s[*n - 1] == '\t' || s[*n - 1] == '\r'))
        (*n)--;
    return s;
}

/* Units the text appends to numbers that JSON gives bare. */
static size_t pl_strip_unit(const char *s, size_t n)
{
    static const char *const units[] = { " ms", "ms", "kB", " kB", " bytes" };
    size_t i, u;

    for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
        u = strlen(units[i]);
        if (n > u && memcmp(s + n - u, units[i], u) == 0)
            return n - u;
    }
    return n;
}

static const planlint_value pl_string_probe = { .type = PLANLINT_VALUE_STRING, .string = "" };

int pl_tv_set_numtext(pl_arena *a, planlint_value *obj, const char *key, const char *s, size_t n)
{
    double d;
    size_t m;

    s = pl_tv_trim(s, &n);
    m = pl_strip_unit(s, n);
    if (pl_parse_double(s, m, &d) == 0)
        return pl_tv_set_num(a, obj, key, d);
    if (pl_key_expected_type(key, &pl_string_probe))
        return 0;   /* a key that must be a number, masked ("rows=N" in regression output) */
    return pl_tv_set_str(a, obj, key, s, n);
}

/* End of the list item starting at s: the next ", " outside parentheses, brackets
 * and quotes. */
static size_t pl_item_end(const char *s, size_t n)
{
    pl_nest st = { 0, 0 };
    size_t i;

    for (i = 0; i < n; i++) {
        char c = pl_nest_step(&st, s[i]);
        if (c == '[')
            st.depth++;
        else if (c == ']')
            st.depth--;
        if (st.depth < 0)   /* a stray closer opens no level below the list */
            st.depth = 0;
        else if (c == ',' && st.depth == 0 && i + 1 < n && s[i + 1] == ' ')
            return i;
    }
    return n;
}

int pl_tv_list(pl_arena *a, planlint_value *arr, const char *s, size_t n)
{
    planlint_value item;
    size_t pos = 0;

    memset(arr, 0, sizeof(*arr));
    arr->type = PLANLINT_VALUE_ARRAY;
    memset(&item, 0, sizeof(item));
    item.type = PLANLINT_VALUE_STRING;
    while (pos < n) {
        size_t end = pos + pl_item_end(s + pos, n - pos), len = end - pos;
        const char *t = pl_tv_trim(s + pos, &len);
        if (!(item.string = pl_arena_strndup(a, t, len)) || pl_tv_push(a, arr, &item) < 0)
            return -1;
        pos = end + 2;
    }
    return pl_tv_fit(a, arr, 0);
}

int pl_tv_set_list(pl_arena *a, planlint_value *obj, const char *key, const char *s, size_t n)
{
    planlint_value arr;

    return pl_tv_list(a, &arr, s, n) < 0 ? -1 : pl_tv_set(a, obj, key, &arr);
}
