/* alloc.h - the library's only way to get heap memory, so tests can make it fail. */
#ifndef PL_ALLOC_H
#define PL_ALLOC_H

#include <stddef.h>

void *pl_malloc(size_t n);
void *pl_realloc(void *p, size_t n);
void pl_free(void *p);
char *pl_strndup(const char *s, size_t n);

/* Test hook: after `n` more successful allocations, every allocation fails
 * (n < 0 turns failure injection off). Not exported; tests link the static core. */
void pl_alloc_fail_after(long n);
/* Test hook: the number of allocations attempted since the last reset. */
long pl_alloc_count(void);

#endif
