/* statement.h - what live capture learns from the statement's parse tree before it
 * sends anything: shared by statement.c, side_effects.c, capture.c and verify.c. */
#ifndef PL_STATEMENT_H
#define PL_STATEMENT_H

#include "planlint.h"

#include <jansson.h>

/* A function whose effect a ROLLBACK does not undo (side_effects.c). */
typedef struct pl_side_effect {
    const char *name;
    int prefix;        /* 1: every function whose name starts with name */
    int with_writes;   /* 1: allowed with allow_writes too (nextval) */
    const char *why;   /* what it does that outlives the rollback */
} pl_side_effect;

size_t pl_side_effect_count(void);
const pl_side_effect *pl_side_effect_at(size_t i);
/* The entry that covers the function called name, or NULL. */
const pl_side_effect *pl_side_effect_find(const char *name);
/* 1 when o lets a statement call e (NULL: not a side effect). */
int pl_side_effect_allowed(const pl_side_effect *e, const planlint_capture_options *o);
/* o->allow_side_effects, for every version of the options struct that has it. */
int pl_capture_allows_side_effects(const planlint_capture_options *o);

/* Refusal with the reason for a side effect: "refused: f() <why>; ...". Returns
 * PLANLINT_EREFUSED. via, when not NULL, names the function whose body calls f. */
int pl_side_effect_refuse(planlint_error *err, const char *f, const pl_side_effect *e, const char *via);

/* What the check found in a statement that it let through. */
typedef struct pl_statement {
    long max_param;      /* the highest $n, 0 for none */
    json_t *functions;   /* owned: the names of the functions it calls, as the keys of an object */
    json_t *operators;   /* owned: the operators it uses, the same way */
    json_t *relations;   /* owned: the tables (and views) it names, the same way */
} pl_statement;

/* planlint_capture_check(), keeping what capture needs next. On 0, release st with
 * pl_statement_release(). */
int pl_statement_read(pl_statement *st, const char *sql, const planlint_capture_options *o,
                      planlint_error *err);
void pl_statement_release(pl_statement *st);

#endif
