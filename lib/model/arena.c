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

struct pl_arena {
    pl_chunk *head;
    size_t footprint;
    pl_free_block *recycled[PL_ARENA_RECYCLE_MAX + 1];
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
