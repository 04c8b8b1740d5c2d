/* text_build.c - growing objects and arrays in the arena while the text reader fills
 * them, and turning the text's values into JSON-typed ones. */
#include "text.h"
#include "reader.h"
#include "nest.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

/* Bytes of a block of cap slots: the items, then for an object the keys. */
static size_t pl_tv_block(size_t cap, int with_keys)
{
    return cap * (sizeof(planlint_value) + (with_keys ? sizeof(char *) : 0));
}

/* Moves v's members to a block of cap slots, giving the old one back to the arena. */
static int pl_tv_move(pl_arena *a, planlint_value *v, size_t cap, int with_keys)
{
    size_t n = v->size, old = v->items ? pl_value_capacity(v) : 0;
    const char **keys = pl_value_keys(v);
    planlint_value *items;

    if (cap > SIZE_MAX / pl_tv_block(1, with_keys) || !(items = pl_arena_alloc(a, pl_tv_block(cap, with_keys))))
        return -1;
    if (n) {
        /* The value is still being filled, so nothing else points at the old block. */
        memcpy(items, v->items, n * sizeof(*items));
        if (with_keys)
            memcpy((void *)(items + cap), keys, n * sizeof(*keys));
    }
    if (old)
        pl_arena_recycle(a, v->items, pl_tv_block(old, with_keys));
    v->items = items;
    return 0;
}

/* Room for one more item. */
static int pl_tv_reserve(pl_arena *a, planlint_value *v, int with_keys)
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
    /* Until the caller counts the new item in size, the keys' place is not implied. */
    if (pl_tv_move(a, v, cap, with_keys) < 0)
        return -1;
    v->room = 0;   /* cap is the power of two above n: implied again */
    return 0;
}

int pl_tv_fit(pl_arena *a, planlint_value *v, unsigned int extra)
{
    size_t cap = v->size + (size_t)extra;

    if ((v->type != PLANLINT_VALUE_OBJECT && v->type != PLANLINT_VALUE_ARRAY) || extra >= 255 ||
        !v->items || cap == 0 || cap >= pl_value_capacity(v))
        return 0;
    if (pl_tv_move(a, v, cap, v->type == PLANLINT_VALUE_OBJECT) < 0)
        return -1;
    v->room = (unsigned char)(extra + 1);
    return 0;
}

int pl_tv_push(pl_arena *a, planlint_value *arr, const planlint_value *v)
{
    arr->type = PLANLINT_VALUE_ARRAY;
    if (pl_tv_reserve(a, arr, 0) < 0)
        return -1;
    arr->items[arr->size++] = *v;
    return 0;
}

int pl_tv_set(pl_arena *a, planlint_value *obj, const char *key, const planlint_value *v)
{
    const char **keys = pl_value_keys(obj);
    size_t i;

    obj->type = PLANLINT_VALUE_OBJECT;
    /* Keys are mostly the same literals: pointer and first byte settle most cases. */
    for (i = 0; i < obj->size; i++) {
        const char *k = keys[i];
        if (k == key || (k[0] == key[0] && strcmp(k, key) == 0)) {
            obj->items[i] = *v;
            return 0;
        }
    }
    if (pl_tv_reserve(a, obj, 1) < 0)
        return -1;
    /* Where the keys are follows from the new size. */
    obj->items[obj->size++] = *v;
    pl_value_keys(obj)[obj->size - 1] = key;
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
