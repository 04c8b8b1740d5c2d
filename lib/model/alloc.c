/* alloc.c - heap allocation with an optional failure injector for the chaos test. */
#include "alloc.h"

#include <stdlib.h>
#include <string.h>

/* Only the chaos test sets these; the library itself never does. */
static long fail_after = -1;
static long attempts;

static int pl_should_fail(void)
{
    attempts++;
    if (fail_after < 0)
        return 0;
    if (fail_after == 0)
        return 1;
    fail_after--;
    return 0;
}

void pl_alloc_fail_after(long n)
{
    fail_after = n;
    attempts = 0;
}

long pl_alloc_count(void)
{
    return attempts;
}

void *pl_malloc(size_t n)
{
    if (pl_should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *pl_realloc(void *p, size_t n)
{
    if (pl_should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void pl_free(void *p)
{
    free(p);
}

char *pl_strndup(const char *s, size_t n)
{
    char *d;

    if (n == (size_t)-1)
        return NULL;
    d = pl_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
