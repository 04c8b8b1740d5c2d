/* arena.c - chunked bump allocator; large requests get a chunk of their own. */
#include "arena.h"
#include "alloc.h"

#include <stdint.h>
#include <string.h>

#define PL_ARENA_CHUNK (64u * 1024u)
#define PL_ARENA_ALIGN 16u

typedef struct pl_chunk {
    struct pl_chunk *next;
    size_t size;
    size_t used;
    /* payload follows, aligned */
} pl_chunk;

/* Recycled blocks, one list per size in units of PL_ARENA_ALIGN. */
#define PL_ARENA_RECYCLE_MAX 256u

typedef struct pl_free_block {
    struct pl_free_block *next;
} pl_free_block;

/* Interned key lists (pl_arena_shape): open addressing on a hash of the keys' text. */
typedef struct pl_shape {
    const char **keys;        /* in the arena; NULL: a free slot */
    size_t n;
    size_t hash;
} pl_shape;

struct pl_arena {
    pl_chunk *head;
    size_t footprint;
    pl_free_block *recycled[PL_ARENA_RECYCLE_MAX + 1];
    pl_shape *shapes;         /* pl_malloc'd */
    size_t nshapes, shapes_cap;
};

#define PL_CHUNK_HEADER ((sizeof(pl_chunk) + PL_ARENA_ALIGN - 1) & ~(size_t)(PL_ARENA_ALIGN - 1))

pl_arena *pl_arena_new(void)
{
    pl_arena *a = pl_malloc(sizeof(*a));

    if (!a)
        return NULL;
    memset(a, 0, sizeof(*a));
    return a;
}

void pl_arena_free(pl_arena *a)
{
    pl_chunk *c, *next;

    if (!a)
        return;
    for (c = a->head; c; c = next) {
        next = c->next;
        pl_free(c);
    }
    pl_free(a->shapes);
    pl_free(a);
}

static pl_chunk *pl_chunk_new(pl_arena *a, size_t payload)
{
    pl_chunk *c;

    if (payload > SIZE_MAX - PL_CHUNK_HEADER)
        return NULL;
    c = pl_malloc(PL_CHUNK_HEADER + payload);
    if (!c)
        return NULL;
    c->size = payload;
    c->used = 0;
    a->footprint += PL_CHUNK_HEADER + payload;
    return c;
}

/* size bytes at an offset that is a multiple of align (1 or PL_ARENA_ALIGN), not zeroed. */
static void *pl_bump(pl_arena *a, size_t size, size_t align)
{
    pl_chunk *c = a->head;
    size_t at = c ? (c->used + align - 1) & ~(align - 1) : 0;
    void *p;

    if (!c || at > c->size || c->size - at < size) {
        if (size > PL_ARENA_CHUNK / 4) {
            /* A big block gets its own chunk behind the current one, so the
             * current chunk's free space is not wasted. */
            pl_chunk *big = pl_chunk_new(a, size);
            if (!big)
                return NULL;
            big->used = size;
            if (c) {
                big->next = c->next;
                c->next = big;
            } else {
                big->next = NULL;
                a->head = big;
            }
            return (char *)big + PL_CHUNK_HEADER;
        }
        c = pl_chunk_new(a, PL_ARENA_CHUNK);
        if (!c)
            return NULL;
        c->next = a->head;
        a->head = c;
        at = 0;
    }
    p = (char *)c + PL_CHUNK_HEADER + at;
    c->used = at + size;
    return p;
}

void *pl_arena_alloc(pl_arena *a, size_t size)
{
    size_t units;
    void *p;

    if (size > SIZE_MAX - PL_ARENA_ALIGN)
        return NULL;
    size = (size + PL_ARENA_ALIGN - 1) & ~(size_t)(PL_ARENA_ALIGN - 1);
    units = size / PL_ARENA_ALIGN;
    if (units && units <= PL_ARENA_RECYCLE_MAX && a->recycled[units]) {
        pl_free_block *b = a->recycled[units];
        a->recycled[units] = b->next;
        p = b;
    } else if (!(p = pl_bump(a, size, PL_ARENA_ALIGN))) {
        return NULL;
    }
    memset(p, 0, size);
    return p;
}

void pl_arena_recycle(pl_arena *a, void *p, size_t size)
{
    size_t units;
    pl_free_block *b = p;

    if (!p || size < PL_ARENA_ALIGN)
        return;
    units = (size + PL_ARENA_ALIGN - 1) / PL_ARENA_ALIGN;
    if (units > PL_ARENA_RECYCLE_MAX)
        return;
    b->next = a->recycled[units];
    a->recycled[units] = b;
}

void *pl_arena_array(pl_arena *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size)
        return NULL;
    return pl_arena_alloc(a, n * size);
}

/* Keys are compared by their text: a reader may hold one key in several copies. */
static size_t pl_shape_hash(const char *const *keys, size_t n)
{
    size_t h = (size_t)0xcbf29ce484222325ULL ^ n, i;
    const unsigned char *k;

    for (i = 0; i < n; i++) {
        for (k = (const unsigned char *)keys[i]; *k; k++)
            h = (h ^ *k) * (size_t)0x100000001b3ULL;
        h = (h ^ 0xff) * (size_t)0x100000001b3ULL;
    }
    return h ^ (h >> 29);
}

static int pl_same_keys(const char *const *a, const char *const *b, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (a[i] != b[i] && strcmp(a[i], b[i]) != 0)
            return 0;
    return 1;
}

static int pl_shapes_grow(pl_arena *a)
{
    size_t cap = a->shapes_cap ? a->shapes_cap * 2 : 64, i, j;
    pl_shape *t;

    if (cap > SIZE_MAX / sizeof(*t) || !(t = pl_malloc(cap * sizeof(*t))))
        return -1;
    memset(t, 0, cap * sizeof(*t));
    for (i = 0; i < a->shapes_cap; i++) {
        if (!a->shapes[i].keys)
            continue;
        for (j = a->shapes[i].hash & (cap - 1); t[j].keys; j = (j + 1) & (cap - 1))
            ;
        t[j] = a->shapes[i];
    }
    pl_free(a->shapes);
    a->shapes = t;
    a->shapes_cap = cap;
    return 0;
}

const char **pl_arena_shape(pl_arena *a, const char *const *keys, size_t n)
{
    size_t h = pl_shape_hash(keys, n), j;
    const char **copy;

    if ((a->nshapes + 1) * 2 > a->shapes_cap && pl_shapes_grow(a) < 0)
        return NULL;
    for (j = h & (a->shapes_cap - 1); a->shapes[j].keys; j = (j + 1) & (a->shapes_cap - 1))
        if (a->shapes[j].hash == h && a->shapes[j].n == n && pl_same_keys(a->shapes[j].keys, keys, n))
            return a->shapes[j].keys;
    if (!(copy = pl_arena_array(a, n ? n : 1, sizeof(*copy))))
        return NULL;
    memcpy(copy, keys, n * sizeof(*keys));
    a->shapes[j].keys = copy;
    a->shapes[j].n = n;
    a->shapes[j].hash = h;
    a->nshapes++;
    return copy;
}

char *pl_arena_strndup(pl_arena *a, const char *s, size_t n)
{
    char *d;

    if (n == SIZE_MAX)
        return NULL;
    d = pl_bump(a, n + 1, 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

size_t pl_arena_footprint(const pl_arena *a)
{
    return a->footprint;
}
