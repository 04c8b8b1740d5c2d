/* rule.h - what a rule file sees: its descriptor type, its parameters, the plan,
 * and the calls that record a finding. One rule per file in rules/. */
#ifndef PL_RULE_H
#define PL_RULE_H

#include "model.h"

#include <math.h>
#include <string.h>

#if defined(__GNUC__)
#define PL_RULE_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define PL_RULE_PRINTF(a, b)
#endif

typedef struct pl_rule_param {
    const char *name;
    double default_value;
    const char *help;
} pl_rule_param;

typedef struct pl_check pl_check;
typedef struct planlint_finding pl_finding;

struct planlint_rule {
    const char *id;              /* stable: PL001 ... never reused */
    const char *name;            /* kebab-case */
    const char *category;        /* index, estimates, memory, parallel, ... */
    planlint_severity severity;  /* default; a rule may raise or lower it per finding */
    const char *summary;         /* one line */
    const char *explanation;     /* what, why, how to fix */
    const pl_rule_param *params;
    size_t nparams;
    void (*check)(pl_check *c);
};

#define PL_NPARAMS(a) (sizeof(a) / sizeof((a)[0]))

/* A rule that cannot get memory for its own work says so; the check then fails
 * with PLANLINT_ENOMEM. */
void pl_check_fail(pl_check *c);

/* The plan being checked, and the rule's parameter values (defaults or --set). */
const planlint_plan *pl_check_plan(const pl_check *c);
double pl_param(const pl_check *c, const char *name);

/* Starts a finding on node (NULL: plan level) with the rule's default severity.
 * time_at_stake: ms the fix could save (NaN when the plan has no timing).
 * Returns NULL on out of memory (the engine reports it). */
pl_finding *pl_finding_new(pl_check *c, const planlint_node *node, double time_at_stake);
void pl_finding_severity(pl_finding *f, planlint_severity s);
/* printf-style, for text and integers; format numbers with the pl_fmt_* helpers. */
void pl_finding_message(pl_finding *f, const char *fmt, ...) PL_RULE_PRINTF(2, 3);
void pl_finding_advice(pl_finding *f, const char *fmt, ...) PL_RULE_PRINTF(2, 3);
void pl_finding_evidence(pl_finding *f, const char *name, double value);
/* Every statement a finding shows is built by one of these two, never pasted into the
 * advice by hand: they parse it back (lib/sql/build.c) and keep it with the finding.
 * pl_finding_sql() formats fmt with %I an identifier, %Q a table (two arguments: schema
 * or NULL, name), %V identifiers "a, b" (const char *const *, size_t), %L a string literal, %s SQL text built by these functions or a constant;
 * the result must be exactly one statement of kind ("VacuumStmt") in which every name
 * comes back whole. Returns it (borrowed: valid until planlint_plan_free()), or NULL when
 * no such statement could be built: the advice must then say so, not show SQL.
 * pl_finding_index() takes a CREATE INDEX from pl_index_suggestion() (already compared
 * with the intended table and keys), checks it is one IndexStmt, and offers it to
 * planlint_verify_indexes(); NULL or a failing one is dropped. Returns what it kept. */
const char *pl_finding_sql(pl_finding *f, const char *kind, const char *fmt, ...);
const char *pl_finding_index(pl_finding *f, const char *create_index_sql);
/* The advice for a finding whose statement could not be built safely. */
extern const char pl_no_safe_sql[];

/* Locale-independent number text, kept until the plan is freed. */
const char *pl_fmt_ms(pl_check *c, double ms);       /* "12.345 ms" */
const char *pl_fmt_count(pl_check *c, double n);     /* "1,234,567" */
const char *pl_fmt_pct(pl_check *c, double ratio);   /* "99.2%" */
const char *pl_fmt_num(pl_check *c, double v, int decimals);
/* printf into the plan's arena, for text and integers. */
const char *pl_fmt_text(pl_check *c, const char *fmt, ...) PL_RULE_PRINTF(2, 3);
/* s as an SQL string literal: 'it''s' (standard_conforming_strings, the default). */
const char *pl_fmt_literal(pl_check *c, const char *s);
/* name as an SQL identifier, quoted when it needs to be ("Order Items", "user"). */
const char *pl_fmt_ident(pl_check *c, const char *name);
/* The stored name an identifier printed in a plan stands for ("a""b" -> a"b, Foo ->
 * foo), or NULL when s[0..n) is not one identifier. */
const char *pl_fmt_unquote(pl_check *c, const char *s, size_t n);

/* Helpers most rules need. */
const char *pl_node_type(const planlint_node *n);
int pl_node_is(const planlint_node *n, const char *type);
/* "Seq Scan on public.orders o" - how a finding names its node. */
const char *pl_node_label(pl_check *c, const planlint_node *n);
/* "public.orders" (the schema when the plan has it), or NULL when the node names no table. */
const char *pl_node_table(pl_check *c, const planlint_node *n);

/* rules/common.c: v, or 0 when it is NaN (a number the plan does not have). */
double pl_nz(double v);
/* rules/common.c: shared by the memory rules. "64MB": the smallest power of two
 * megabytes (at least 1MB) holding kb kilobytes. */
const char *pl_fmt_work_mem(pl_check *c, double kb);
/* rules/common.c: "SET work_mem = '64MB';" (SET LOCAL when local) through pl_finding_sql(),
 * or words saying the same when it could not be built. */
const char *pl_set_work_mem(pl_finding *f, int local, const char *value);
/* hash_mem_multiplier from the plan's Settings, else PostgreSQL 15's default 2.0. */
double pl_hash_mem_multiplier(const planlint_plan *plan);
/* The value of a setting the plan lists under "Settings" (SETTINGS option), or NULL. */
const char *pl_plan_setting(const planlint_plan *plan, const char *name);

/* rules/common.c: what every process that ran a node did with one metric: the leader's
 * own value (the node's) and each "Workers" entry's. Processes without it do not count. */
typedef struct pl_procs {
    double sum, max;   /* 0 when none had it */
    size_t n;          /* processes that had it */
} pl_procs;
pl_procs pl_node_processes(const planlint_node *n, planlint_metric m);
/* The processes that shared a Parallel Hash's table: the Gather's launched workers, plus
 * the leader unless parallel_leader_participation is off; 1 outside a Gather. */
double pl_hash_participants(const planlint_plan *plan, const planlint_node *n);
/* When a spill is not where the time goes - the node's own time (own: its exclusive time,
 * plus the join's for a hash) under a quarter of its inclusive time (whole), so its input
 * took the rest - a sentence that says so; NULL when the spill may well be the bottleneck. */
const char *pl_spill_not_bottleneck(pl_check *c, double own, double whole, double temp_io_ms);
/* The warning every memory advice ends with: more memory can change the plan. */
extern const char pl_plan_may_change[];

#endif
