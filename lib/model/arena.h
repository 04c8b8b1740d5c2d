/* arena.h - one bump allocator per plan list: nodes, values and strings die together. */
#ifndef PL_ARENA_H
#define PL_ARENA_H

#include <stddef.h>

typedef struct pl_arena pl_arena;

pl_arena *pl_arena_new(void);
void pl_arena_free(pl_arena *a);
/* Zeroed, 16-byte aligned memory; NULL on out of memory or size overflow. */
void *pl_arena_alloc(pl_arena *a, size_t size);
/* n elements of `size` bytes, with the multiplication checked. */
void *pl_arena_array(pl_arena *a, size_t n, size_t size);
/* Gives back a block of `size` bytes that pl_arena_alloc() returned and nothing uses
 * any more; a later request of the same size takes it (objects growing by doubling
 * then do not leave their smaller copies behind). Blocks under 16 bytes or over 4 kB
 * are not kept. */
void pl_arena_recycle(pl_arena *a, void *p, size_t size);
/* The arena's one copy of the key list keys[0..n) (compared by text): objects of one
 * shape share it. NULL on out of memory. */
const char **pl_arena_shape(pl_arena *a, const char *const *keys, size_t n);
/* A NUL-terminated copy of s[0..n) (not aligned). */
char *pl_arena_strndup(pl_arena *a, const char *s, size_t n);
/* Bytes requested from the heap so far (for tests and benchmarks). */
size_t pl_arena_footprint(const pl_arena *a);

#endif
