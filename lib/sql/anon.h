/* anon.h - the mapping behind planlint_plan_anonymize(): every name and literal met in
 * one run gets a token of its kind, the same one each time it comes back. */
#ifndef PL_SQL_ANON_H
#define PL_SQL_ANON_H

#include "planlint.h"

#include <stddef.h>

/* What a token stands for; each kind counts on its own: t1, c1, i1, sc1, f1, tg1,
 * 's1' and, for numbers, 1. */
typedef enum pl_anon_kind {
    PL_ANON_TABLE = 0,  /* relation names, aliases, CTE names */
    PL_ANON_COLUMN,
    PL_ANON_INDEX,
    PL_ANON_SCHEMA,
    PL_ANON_FUNCTION,   /* functions scanned (Function Scan) */
    PL_ANON_TRIGGER,    /* triggers and constraints */
    PL_ANON_STRING,     /* string literals, keyed by their text as printed */
    PL_ANON_NUMBER,     /* numeric literals, likewise */
    PL_ANON_KIND_COUNT_
} pl_anon_kind;

/* The token of name[0..n) as kind, created on first use. Borrowed: valid until
 * planlint_anonymizer_free(). NULL when out of memory. */
const char *pl_anon_token(planlint_anonymizer *a, pl_anon_kind kind, const char *name, size_t n);
/* The token name already has as kind, or NULL. */
const char *pl_anon_find(const planlint_anonymizer *a, pl_anon_kind kind, const char *name, size_t n);
/* PLANLINT_ANONYMIZE_* flags the anonymizer was made with. */
unsigned int pl_anon_what(const planlint_anonymizer *a);

#endif
