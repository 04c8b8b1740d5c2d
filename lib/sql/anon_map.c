/* anon_map.c - the anonymizer's table: (kind, name) -> token, an open-addressing hash
 * table that keeps the order of first use in its counters, so a run is deterministic. */
#include "anon.h"
#include "alloc.h"
#include "error.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct pl_anon_entry {
    char *key;          /* kind byte, then the name; NULL: empty slot */
    size_t klen;
    char *token;
} pl_anon_entry;

struct planlint_anonymizer {
    unsigned int what;
    pl_anon_entry *slots;
    size_t cap, used;
    unsigned long next[PL_ANON_KIND_COUNT_];
};

static const char *const pl_anon_prefix[PL_ANON_KIND_COUNT_] = { "t", "c", "i", "sc", "f", "tg", "s", "" };

int planlint_anonymizer_new(planlint_anonymizer **out, const planlint_anonymize_options *opts,
                            planlint_error *err)
{
    planlint_anonymizer *a;

    if (!out)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out must not be NULL");
    *out = NULL;
    if (opts && opts->version != PLANLINT_ANONYMIZE_OPTIONS_VERSION)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unsupported options version %u", opts->version);
    if (!(a = pl_malloc(sizeof(*a))))
        return pl_error_nomem(err);
    memset(a, 0, sizeof(*a));
    a->what = opts ? opts->what : PLANLINT_ANONYMIZE_LITERALS;
    if (a->what & PLANLINT_ANONYMIZE_NAMES)
        a->what |= PLANLINT_ANONYMIZE_LITERALS;   /* names alone would still leak the data */
    *out = a;
    return 0;
}

void planlint_anonymizer_free(planlint_anonymizer *a)
{
    size_t i;

    if (!a)
        return;
    for (i = 0; i < a->cap; i++) {
        pl_free(a->slots[i].key);
        pl_free(a->slots[i].token);
    }
    pl_free(a->slots);
    pl_free(a);
}

unsigned int pl_anon_what(const planlint_anonymizer *a)
{
    return a->what;
}

static uint64_t pl_anon_hash(const char *k, size_t n)
{
    uint64_t h = 1469598103934665603ULL;
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
    return h;
}

/* The slot of key, or the empty slot where it would go. cap is a power of two. */
static pl_anon_entry *pl_anon_slot(pl_anon_entry *slots, size_t cap, const char *key, size_t klen)
{
    size_t i = (size_t)pl_anon_hash(key, klen) & (cap - 1);

    while (slots[i].key && (slots[i].klen != klen || memcmp(slots[i].key, key, klen) != 0))
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

static int pl_anon_grow(planlint_anonymizer *a)
{
    size_t cap = a->cap ? a->cap * 2 : 64, i;
    pl_anon_entry *slots;

    if (cap > SIZE_MAX / sizeof(*slots) || !(slots = pl_malloc(cap * sizeof(*slots))))
        return -1;
    memset(slots, 0, cap * sizeof(*slots));
    for (i = 0; i < a->cap; i++)
        if (a->slots[i].key)
            *pl_anon_slot(slots, cap, a->slots[i].key, a->slots[i].klen) = a->slots[i];
    pl_free(a->slots);
    a->slots = slots;
    a->cap = cap;
    return 0;
}

/* kind byte + name, in buf when it fits, else on the heap (*heap to free). */
static char *pl_anon_key(char *buf, size_t size, pl_anon_kind kind, const char *name, size_t n, char **heap)
{
    char *k = buf;

    *heap = NULL;
    if (n + 1 > size) {
        if (n == SIZE_MAX || !(k = *heap = pl_malloc(n + 1)))
            return NULL;
    }
    k[0] = (char)('A' + kind);
    memcpy(k + 1, name, n);
    return k;
}

const char *pl_anon_find(const planlint_anonymizer *a, pl_anon_kind kind, const char *name, size_t n)
{
    char buf[256], *heap, *k;
    const pl_anon_entry *e;

    if (!a->cap || !(k = pl_anon_key(buf, sizeof(buf), kind, name, n, &heap)))
        return NULL;
    e = pl_anon_slot(a->slots, a->cap, k, n + 1);
    pl_free(heap);
    return e->key ? e->token : NULL;
}

static char *pl_anon_new_token(planlint_anonymizer *a, pl_anon_kind kind)
{
    char tmp[48];
    unsigned long k = ++a->next[kind];
    int len = kind == PL_ANON_STRING ? snprintf(tmp, sizeof(tmp), "'s%lu'", k)
                                     : snprintf(tmp, sizeof(tmp), "%s%lu", pl_anon_prefix[kind], k);

    return pl_strndup(tmp, (size_t)len);
}

const char *pl_anon_token(planlint_anonymizer *a, pl_anon_kind kind, const char *name, size_t n)
{
    char buf[256], *heap, *k;
    pl_anon_entry *e;
    const char *found = pl_anon_find(a, kind, name, n);

    if (found)
        return found;
    if ((a->used + 1) * 2 > a->cap && pl_anon_grow(a) < 0)
        return NULL;
    if (!(k = pl_anon_key(buf, sizeof(buf), kind, name, n, &heap)))
        return NULL;
    e = pl_anon_slot(a->slots, a->cap, k, n + 1);
    e->key = heap ? heap : pl_strndup(k, n + 1);
    e->token = e->key ? pl_anon_new_token(a, kind) : NULL;
    if (!e->key || !e->token) {
        pl_free(e->key);
        pl_free(e->token);
        e->key = e->token = NULL;
        return NULL;
    }
    e->klen = n + 1;
    a->used++;
    return e->token;
}
