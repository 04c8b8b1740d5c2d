/* model.h - the in-memory plan: a value tree kept from the input, and nodes indexing it. */
#ifndef PL_MODEL_H
#define PL_MODEL_H

#include "planlint.h"
#include "arena.h"

#include <stddef.h>

/* 16 bytes: a plan of 100k nodes holds millions of these. Which member of the union
 * is set follows from type. An OBJECT's items are preceded by one slot whose keys
 * member says where its keys are: objects of one shape share one array of them
 * (pl_arena_shape()), so a key costs its item alone. */
struct planlint_value {
    unsigned char type;       /* planlint_value_type */
    unsigned char boolean;
    unsigned char is_integer; /* NUMBER: written without fraction or exponent; OBJECT:
                               * its keys are a shared shape, never to be written */
    unsigned char room;       /* ARRAY / OBJECT: 0 when the block holds the power of two
                               * from 4 that size implies (text_build.c grows it so),
                               * else 1 + the free slots after size */
    unsigned int size;        /* ARRAY / OBJECT */
    union {
        double number;
        const char *string;   /* STRING: NUL-terminated; may contain no NUL */
        planlint_value *items; /* ARRAY elements / OBJECT member values */
        const char **keys;    /* the slot before an OBJECT's items: its keys */
    };
};

/* An OBJECT's keys, in the order of its items. */
static inline const char **pl_value_keys(const planlint_value *v)
{
    return v->items ? v->items[-1].keys : NULL;
}

/* Node kinds the derivations care about, decided once from "Node Type". */
enum pl_node_kind {
    PL_KIND_OTHER = 0,
    PL_KIND_GATHER,           /* Gather, Gather Merge */
    PL_KIND_CTE_SCAN,
    PL_KIND_WORKTABLE_SCAN
};

struct planlint_node {
    size_t id;
    unsigned int depth;
    enum pl_node_kind kind;
    int never_executed;
    planlint_plan *plan;
    planlint_node *parent;
    planlint_node **children;
    size_t nchildren;
    const planlint_value *obj;         /* the node's object in the value tree */
    const planlint_value *workers;     /* "Workers" array, or NULL */
    const char *fields[PLANLINT_FIELD_COUNT_];
    double m[PLANLINT_M_COUNT_];
    unsigned int dflags;               /* PL_NODE_*: what derive.c found out about it */
    const struct pl_cat_table *catalog; /* planlint_enrich(): the table it scans, or NULL */
};

/* dflags: its own time holds the plan's JIT compilation (plan->jit_compile ms). */
#define PL_NODE_INCLUDES_JIT 0x01u

struct pl_catalog;

struct planlint_plan {
    size_t index;
    planlint_plan *next;
    pl_arena *arena;                   /* shared by the list; freed with the first plan */
    const planlint_value *obj;         /* the plan object: "Plan", "Planning Time", ... */
    planlint_node *root;
    planlint_node **nodes;             /* preorder */
    size_t nnodes;
    unsigned int flags;
    double pm[PLANLINT_PLAN_METRIC_COUNT_];
    double jit_compile;                 /* ms of JIT compilation inside one node's time, or NaN */
    const planlint_finding **findings;  /* ranked, set by planlint_check() */
    size_t nfindings;
    int checked;                        /* planlint_check() ran on it */
    struct pl_catalog *catalog;         /* planlint_enrich(); NULL: rules use the plan alone */
    size_t nsuppressed;                 /* findings a baseline dropped (baseline.c) */
};

/* value.c */
const planlint_value *pl_value_get(const planlint_value *obj, const char *key);
double pl_value_num(const planlint_value *obj, const char *key);
const char *pl_value_str(const planlint_value *obj, const char *key);

/* plan.c: fill typed fields and raw metrics of a node from its object. Returns the
 * index of the first known key whose value has the wrong type, with *want saying
 * what it should be ("expected a number"), or the object's size when none has. */
size_t pl_node_fill(planlint_node *node, const char **want);
/* plan.c: points the node's fields at its object's strings again, after they were
 * replaced (planlint_plan_anonymize()). */
void pl_node_refresh_fields(planlint_node *node);
/* plan.c: read the raw metric m from an object (node or worker entry). */
double pl_object_metric(const planlint_value *obj, planlint_metric m);
/* plan.c: plan-level raw metrics and flags. */
void pl_plan_fill(planlint_plan *plan);

/* derive.c */
int pl_plan_derive(planlint_plan *plan, planlint_error *err);

/* number.c: locale-independent number parsing */
int pl_parse_double(const char *s, size_t len, double *out);

#endif
