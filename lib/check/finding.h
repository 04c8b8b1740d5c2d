/* finding.h - a finding as the engine and the renderers see it. */
#ifndef PL_FINDING_H
#define PL_FINDING_H

#include "model.h"
#include "rule.h"

#define PL_MAX_EVIDENCE 12

/* A statement a finding shows, parsed back before it was kept (pl_finding_sql()). */
typedef struct pl_sql_shown {
    const char *kind;              /* "IndexStmt", "VacuumStmt", ... */
    const char *text;
    struct pl_sql_shown *next;
} pl_sql_shown;

struct planlint_finding {
    const planlint_rule *rule;
    planlint_severity severity;
    const planlint_node *node;
    double time_at_stake;          /* ms, NaN without timing: at most the time in the node,
                                    * counted once across the plan's findings (check.c) */
    double share_at_stake;         /* of the plan's total time */
    double time_shared;            /* ms of this finding's own estimate already counted... */
    const struct planlint_finding *shared_with;  /* ...under this finding, ranked above */
    const char *message;
    const char *advice;
    const char *ev_names[PL_MAX_EVIDENCE];
    double ev_values[PL_MAX_EVIDENCE];
    size_t nev;
    const char *index_sql;         /* the CREATE INDEX it suggests, or NULL */
    pl_sql_shown *sql, *sql_tail;  /* every statement in its advice, in order */
    planlint_verification verification;  /* planlint_verify_indexes() */
    double cost_before, cost_after;
    const char *verify_note;
    size_t together;                     /* > 1: the plan's suggested indexes tried together */
    double together_cost;                /* the cost with all of them */
    int together_uses;                   /* 1: the planner uses this finding's index then */
    struct planlint_finding *next;
    struct pl_check *builder;      /* only while its rule runs */
    char fingerprint[17];          /* baseline.c: 16 hex digits, stable across captures */
};

/* The run of one rule on one plan. */
struct pl_check {
    planlint_plan *plan;
    const planlint_rule *rule;
    const double *params;          /* rule->nparams values */
    pl_arena *arena;
    struct planlint_finding *head, *tail;
    int failed;                    /* an allocation failed */
};

/* baseline.c: sets f->fingerprint from its rule and node (pl_finding_new()). */
void pl_finding_fingerprint_set(struct planlint_finding *f);

/* rules/table.c */
extern const planlint_rule *const pl_rules[];
extern const size_t pl_nrules;

#endif
