/*
 * planlint.h - read PostgreSQL EXPLAIN plans and derive the numbers that explain them.
 *
 * The one public header of libplanlint. Everything else in lib/ is private.
 *
 * Ownership words used below:
 *   "owned: free with X"   the caller must release the value with X.
 *   "borrowed: valid until planlint_plan_free()"   the value lives in the plan's arena.
 */
#ifndef PLANLINT_H
#define PLANLINT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) || defined(__CYGWIN__)
#define PLANLINT_EXTERN
#elif defined(__GNUC__) && __GNUC__ >= 4
#define PLANLINT_EXTERN __attribute__((visibility("default")))
#else
#define PLANLINT_EXTERN
#endif

#include "planlint_version.h"

/* ---------------------------------------------------------------- errors */

/* Return codes. They are never renumbered; new ones are appended. */
#define PLANLINT_OK        0
#define PLANLINT_ENOMEM   -1  /* out of memory */
#define PLANLINT_EINVAL   -2  /* invalid argument from the caller */
#define PLANLINT_EPARSE   -3  /* invalid JSON, or no plan found in the input (JSON or text) */
#define PLANLINT_ESCHEMA  -4  /* valid JSON, but not an EXPLAIN plan */
#define PLANLINT_ELIMIT   -5  /* a size, depth or node-count limit was exceeded */
#define PLANLINT_EFORMAT  -6  /* an input format this build cannot read */
#define PLANLINT_EIO      -7  /* a read or write failed */
#define PLANLINT_EDATABASE -8 /* connecting to or running on the database failed */
#define PLANLINT_EREFUSED -9  /* a statement live capture refuses before running anything */
#define PLANLINT_ENOPASSWORD -10 /* the server wants a password and none was given */

#define PLANLINT_ERROR_TEXT_LENGTH 240
#define PLANLINT_ERROR_PATH_LENGTH 160

/* Filled by the library on failure; owned by the caller. The first error wins. */
typedef struct planlint_error {
    int code;            /* one of PLANLINT_E*, 0 when no error was recorded */
    int line;            /* 1-based line in the input, 0 when unknown */
    int column;          /* 1-based column in the input, 0 when unknown */
    char path[PLANLINT_ERROR_PATH_LENGTH]; /* JSON-pointer-like path, e.g. "/0/Plan/Plans/1" */
    char text[PLANLINT_ERROR_TEXT_LENGTH]; /* one line, no trailing period */
} planlint_error;

/* A constant name for a return code, e.g. "PLANLINT_EPARSE". */
PLANLINT_EXTERN const char *planlint_strerror(int code);

/* ---------------------------------------------------------------- version */

/* The library's version at run time, e.g. "0.1.0". Static storage. */
PLANLINT_EXTERN const char *planlint_version(void);

/* ---------------------------------------------------------------- options */

typedef enum planlint_input_format {
    PLANLINT_INPUT_AUTO = 0,
    PLANLINT_INPUT_JSON = 1,
    PLANLINT_INPUT_TEXT = 2,
    PLANLINT_INPUT_YAML = 3,
    PLANLINT_INPUT_XML = 4
} planlint_input_format;

#define PLANLINT_PARSE_OPTIONS_VERSION 1

/* Options for planlint_plan_parse(). Initialise with PLANLINT_PARSE_OPTIONS_INIT;
 * fields are only ever appended. A zero limit means "use the default". */
typedef struct planlint_parse_options {
    unsigned int version;         /* PLANLINT_PARSE_OPTIONS_VERSION */
    planlint_input_format format; /* default: auto-detect */
    size_t max_input_bytes;       /* default 1 GiB */
    unsigned int max_depth;       /* plan nesting depth, default 1000 */
    size_t max_nodes;             /* nodes over all plans of one input, default 2,000,000 */
} planlint_parse_options;

#define PLANLINT_PARSE_OPTIONS_INIT { PLANLINT_PARSE_OPTIONS_VERSION, PLANLINT_INPUT_AUTO, 0, 0, 0 }

/* ---------------------------------------------------------------- values */

/* A value as it appeared in the input, shaped as in EXPLAIN's JSON (a text plan is read
 * into the same keys); every key PostgreSQL prints is kept, unknown ones included.
 * Borrowed: valid until planlint_plan_free(). */
typedef struct planlint_value planlint_value;

typedef enum planlint_value_type {
    PLANLINT_VALUE_NULL = 0,
    PLANLINT_VALUE_BOOL,
    PLANLINT_VALUE_NUMBER,
    PLANLINT_VALUE_STRING,
    PLANLINT_VALUE_ARRAY,
    PLANLINT_VALUE_OBJECT
} planlint_value_type;

PLANLINT_EXTERN planlint_value_type planlint_value_kind(const planlint_value *v);
/* The string of a STRING value, else NULL. */
PLANLINT_EXTERN const char *planlint_value_string(const planlint_value *v);
/* The number of a NUMBER value (or a numeric STRING), else NaN. */
PLANLINT_EXTERN double planlint_value_number(const planlint_value *v);
/* 1 for true, 0 for false, -1 when not a BOOL. */
PLANLINT_EXTERN int planlint_value_bool(const planlint_value *v);
/* Elements of an ARRAY or members of an OBJECT; 0 for scalars. */
PLANLINT_EXTERN size_t planlint_value_size(const planlint_value *v);
PLANLINT_EXTERN const planlint_value *planlint_value_at(const planlint_value *v, size_t i);
/* The key of member i of an OBJECT, else NULL. */
PLANLINT_EXTERN const char *planlint_value_key(const planlint_value *v, size_t i);
/* Member of an OBJECT by key, else NULL. */
PLANLINT_EXTERN const planlint_value *planlint_value_get(const planlint_value *v, const char *key);

/* ---------------------------------------------------------------- plans and nodes */

typedef struct planlint_plan planlint_plan;
typedef struct planlint_node planlint_node;

/*
 * Parse one input (JSON or text, as EXPLAIN or auto_explain prints it, possibly
 * wrapped by psql, pgAdmin or a server log; opts->format picks one or detects it) into
 * plans. An input holding several plans gives a list: walk it with
 * planlint_plan_next(). On success *out is owned: free with planlint_plan_free(),
 * which frees every plan of the list. On failure *out is NULL, err is filled (if not
 * NULL) and a negative PLANLINT_E* code is returned. opts may be NULL.
 */
PLANLINT_EXTERN int planlint_plan_parse(planlint_plan **out, const char *buf, size_t len,
                                        const planlint_parse_options *opts,
                                        planlint_error *err);

/* Frees the whole list that planlint_plan_parse() returned. NULL is fine. */
PLANLINT_EXTERN void planlint_plan_free(planlint_plan *plan);

/* The next plan of the same input, or NULL. Borrowed: valid until planlint_plan_free(). */
PLANLINT_EXTERN const planlint_plan *planlint_plan_next(const planlint_plan *plan);

/* Index of this plan in its input (0-based). */
PLANLINT_EXTERN size_t planlint_plan_index(const planlint_plan *plan);

/* The top node ("Plan"). Borrowed: valid until planlint_plan_free(). */
PLANLINT_EXTERN const planlint_node *planlint_plan_root(const planlint_plan *plan);

/* Number of nodes, and node by id (ids are preorder, root = 0). */
PLANLINT_EXTERN size_t planlint_plan_node_count(const planlint_plan *plan);
PLANLINT_EXTERN const planlint_node *planlint_plan_node(const planlint_plan *plan, size_t id);

/* Any top-level key of the plan object ("Planning Time", "Triggers", "JIT", "Settings",
 * "Query Text", "Serialization", ...), or NULL. Borrowed. */
PLANLINT_EXTERN const planlint_value *planlint_plan_get(const planlint_plan *plan, const char *key);

/* Plan-level numbers; NaN when the plan does not have them. */
typedef enum planlint_plan_metric {
    PLANLINT_PLAN_PLANNING_TIME = 0,   /* ms */
    PLANLINT_PLAN_EXECUTION_TIME,      /* ms; "Total Runtime" before 9.4 */
    PLANLINT_PLAN_TRIGGER_TIME,        /* ms, all triggers */
    PLANLINT_PLAN_JIT_TIME,            /* ms, JIT "Timing" "Total" */
    PLANLINT_PLAN_JIT_FUNCTIONS,
    PLANLINT_PLAN_SERIALIZATION_TIME,  /* ms (PG17+) */
    PLANLINT_PLAN_PLANNING_SHARED_HIT, /* planning buffers (PG13+) */
    PLANLINT_PLAN_PLANNING_SHARED_READ,
    PLANLINT_PLAN_TOTAL_TIME,          /* derived: the time shares are relative to (ms) */
    PLANLINT_PLAN_METRIC_COUNT_
} planlint_plan_metric;

PLANLINT_EXTERN double planlint_plan_metric_get(const planlint_plan *plan, planlint_plan_metric m);

/* Flags that tell what the plan was captured with. */
#define PLANLINT_PLAN_HAS_ANALYZE  0x01u  /* actual times or rows present */
#define PLANLINT_PLAN_HAS_TIMING   0x02u  /* actual times present (not TIMING OFF) */
#define PLANLINT_PLAN_HAS_BUFFERS  0x04u
#define PLANLINT_PLAN_HAS_VERBOSE  0x08u  /* "Output" lists present */
#define PLANLINT_PLAN_HAS_COSTS    0x10u
#define PLANLINT_PLAN_HAS_SETTINGS 0x20u
#define PLANLINT_PLAN_HAS_IO_TIMING 0x40u
#define PLANLINT_PLAN_HAS_WAL      0x80u
/* Warnings from reading a text plan: where the reader could not be sure. */
#define PLANLINT_PLAN_WRAP_UNSURE  0x100u /* lines broken by a narrow screen or fold(1) were
                                             joined or kept apart by a guess: check the tree */
#define PLANLINT_PLAN_INCOMPLETE   0x200u /* cut short: ANALYZE nodes without actuals, no
                                             Execution Time after timed nodes, or a node
                                             missing the children its type needs */

PLANLINT_EXTERN unsigned int planlint_plan_flags(const planlint_plan *plan);

/* Tree navigation. Borrowed: valid until planlint_plan_free(). */
PLANLINT_EXTERN size_t planlint_node_id(const planlint_node *node);
PLANLINT_EXTERN unsigned int planlint_node_depth(const planlint_node *node);
PLANLINT_EXTERN const planlint_node *planlint_node_parent(const planlint_node *node);
PLANLINT_EXTERN size_t planlint_node_child_count(const planlint_node *node);
PLANLINT_EXTERN const planlint_node *planlint_node_child(const planlint_node *node, size_t i);

/* Any key of the node object, known or not, e.g. "Sort Method", "Hash Cond". Borrowed. */
PLANLINT_EXTERN const planlint_value *planlint_node_get(const planlint_node *node, const char *key);
/* Number of keys and key/value by position, in input order (child "Plans" included). */
PLANLINT_EXTERN size_t planlint_node_key_count(const planlint_node *node);
PLANLINT_EXTERN const char *planlint_node_key_at(const planlint_node *node, size_t i);
PLANLINT_EXTERN const planlint_value *planlint_node_value_at(const planlint_node *node, size_t i);

/* Common string fields; NULL when absent. Borrowed. */
typedef enum planlint_node_field {
    PLANLINT_FIELD_NODE_TYPE = 0,     /* "Node Type" */
    PLANLINT_FIELD_STRATEGY,          /* "Strategy": Plain, Sorted, Hashed, Mixed */
    PLANLINT_FIELD_JOIN_TYPE,         /* "Join Type" */
    PLANLINT_FIELD_OPERATION,         /* "Operation" of ModifyTable */
    PLANLINT_FIELD_RELATION,          /* "Relation Name" */
    PLANLINT_FIELD_SCHEMA,            /* "Schema" */
    PLANLINT_FIELD_ALIAS,             /* "Alias" */
    PLANLINT_FIELD_INDEX,             /* "Index Name" */
    PLANLINT_FIELD_CTE,               /* "CTE Name" */
    PLANLINT_FIELD_FUNCTION,          /* "Function Name" */
    PLANLINT_FIELD_SUBPLAN,           /* "Subplan Name" */
    PLANLINT_FIELD_PARENT_RELATIONSHIP,
    PLANLINT_FIELD_SCAN_DIRECTION,
    PLANLINT_FIELD_FILTER,            /* "Filter" */
    PLANLINT_FIELD_INDEX_COND,
    PLANLINT_FIELD_RECHECK_COND,
    PLANLINT_FIELD_JOIN_FILTER,
    PLANLINT_FIELD_HASH_COND,
    PLANLINT_FIELD_MERGE_COND,
    PLANLINT_FIELD_SORT_METHOD,
    PLANLINT_FIELD_SORT_SPACE_TYPE,
    PLANLINT_FIELD_COUNT_
} planlint_node_field;

PLANLINT_EXTERN const char *planlint_node_field_get(const planlint_node *node, planlint_node_field f);

/* Node numbers, raw and derived; NaN when absent or not applicable. Times are in ms. */
typedef enum planlint_metric {
    /* raw, as printed by EXPLAIN (per loop where PostgreSQL prints per loop) */
    PLANLINT_M_STARTUP_COST = 0,
    PLANLINT_M_TOTAL_COST,
    PLANLINT_M_PLAN_ROWS,
    PLANLINT_M_PLAN_WIDTH,
    PLANLINT_M_ACTUAL_STARTUP_TIME,
    PLANLINT_M_ACTUAL_TOTAL_TIME,
    PLANLINT_M_ACTUAL_ROWS,           /* per loop; fractional since PostgreSQL 18 */
    PLANLINT_M_ACTUAL_LOOPS,
    PLANLINT_M_WORKERS_PLANNED,
    PLANLINT_M_WORKERS_LAUNCHED,
    PLANLINT_M_ROWS_REMOVED_FILTER,   /* per loop */
    PLANLINT_M_ROWS_REMOVED_JOIN_FILTER,
    PLANLINT_M_ROWS_REMOVED_RECHECK,
    PLANLINT_M_HEAP_FETCHES,
    PLANLINT_M_EXACT_HEAP_BLOCKS,
    PLANLINT_M_LOSSY_HEAP_BLOCKS,
    PLANLINT_M_SORT_SPACE_USED,       /* kB */
    PLANLINT_M_HASH_BUCKETS,
    PLANLINT_M_HASH_BATCHES,
    PLANLINT_M_ORIGINAL_HASH_BATCHES,
    PLANLINT_M_PEAK_MEMORY_USAGE,     /* kB */
    PLANLINT_M_HASHAGG_BATCHES,
    PLANLINT_M_DISK_USAGE,            /* kB */
    PLANLINT_M_CACHE_HITS,            /* Memoize */
    PLANLINT_M_CACHE_MISSES,
    PLANLINT_M_CACHE_EVICTIONS,
    PLANLINT_M_CACHE_OVERFLOWS,
    PLANLINT_M_SHARED_HIT,            /* buffers, inclusive of children, all loops */
    PLANLINT_M_SHARED_READ,
    PLANLINT_M_SHARED_DIRTIED,
    PLANLINT_M_SHARED_WRITTEN,
    PLANLINT_M_LOCAL_HIT,
    PLANLINT_M_LOCAL_READ,
    PLANLINT_M_LOCAL_DIRTIED,
    PLANLINT_M_LOCAL_WRITTEN,
    PLANLINT_M_TEMP_READ,
    PLANLINT_M_TEMP_WRITTEN,
    PLANLINT_M_IO_READ_TIME,          /* shared+local block read time (every version's layout) */
    PLANLINT_M_IO_WRITE_TIME,
    PLANLINT_M_TEMP_IO_READ_TIME,
    PLANLINT_M_TEMP_IO_WRITE_TIME,
    PLANLINT_M_WAL_RECORDS,
    PLANLINT_M_WAL_FPI,
    PLANLINT_M_WAL_BYTES,
    /* derived, computed once after parsing; see docs/derived-numbers.md */
    PLANLINT_M_INCLUSIVE_TIME,        /* wall-clock ms of the node and everything it ran */
    PLANLINT_M_EXCLUSIVE_TIME,        /* ms spent in the node itself */
    PLANLINT_M_EXCLUSIVE_SHARE,       /* exclusive time / plan total time, 0..1 */
    PLANLINT_M_INCLUSIVE_SHARE,
    PLANLINT_M_TOTAL_ROWS,            /* actual rows x loops */
    PLANLINT_M_ESTIMATE_FACTOR,       /* >= 1: how far actual rows are from the estimate */
    PLANLINT_M_ESTIMATE_DIRECTION,    /* +1 underestimated, -1 overestimated, 0 exact */
    PLANLINT_M_ROWS_REMOVED_RATIO,    /* removed / (removed + returned), filter or join filter */
    PLANLINT_M_EXCL_SHARED_HIT,       /* exclusive buffers */
    PLANLINT_M_EXCL_SHARED_READ,
    PLANLINT_M_EXCL_SHARED_DIRTIED,
    PLANLINT_M_EXCL_SHARED_WRITTEN,
    PLANLINT_M_EXCL_LOCAL_HIT,
    PLANLINT_M_EXCL_LOCAL_READ,
    PLANLINT_M_EXCL_LOCAL_DIRTIED,
    PLANLINT_M_EXCL_LOCAL_WRITTEN,
    PLANLINT_M_EXCL_TEMP_READ,
    PLANLINT_M_EXCL_TEMP_WRITTEN,
    PLANLINT_M_EXCL_IO_READ_TIME,
    PLANLINT_M_EXCL_IO_WRITE_TIME,
    PLANLINT_M_EXCL_TEMP_IO_READ_TIME,
    PLANLINT_M_EXCL_TEMP_IO_WRITE_TIME,
    PLANLINT_M_EXCL_WAL_RECORDS,
    PLANLINT_M_EXCL_WAL_FPI,
    PLANLINT_M_EXCL_WAL_BYTES,
    PLANLINT_M_PARALLEL_DIVISOR,      /* processes the node's loops ran in (1 outside Gather) */
    PLANLINT_M_COUNT_
} planlint_metric;

PLANLINT_EXTERN double planlint_node_metric(const planlint_node *node, planlint_metric m);

/* A stable lower-case name for a metric ("exclusive_time"), or NULL. */
PLANLINT_EXTERN const char *planlint_metric_name(planlint_metric m);

/* 1 when the plan was run with ANALYZE and this node never ran ("never executed"). */
PLANLINT_EXTERN int planlint_node_never_executed(const planlint_node *node);

/* Per-worker entries ("Workers": [...]) of a parallel node. */
PLANLINT_EXTERN size_t planlint_node_worker_count(const planlint_node *node);
/* Raw metric of worker i (times, rows, loops, buffers, sort/hash details); NaN when absent. */
PLANLINT_EXTERN double planlint_node_worker_metric(const planlint_node *node, size_t i,
                                                   planlint_metric m);

/* ---------------------------------------------------------------- rules and findings */

typedef enum planlint_severity {
    PLANLINT_SEVERITY_INFO = 1,
    PLANLINT_SEVERITY_WARNING = 2,
    PLANLINT_SEVERITY_ERROR = 3
} planlint_severity;

/* "info", "warning", "error"; NULL for other values. */
PLANLINT_EXTERN const char *planlint_severity_name(planlint_severity s);
/* Parses a severity name; returns 0 when the name is unknown. */
PLANLINT_EXTERN planlint_severity planlint_severity_from_name(const char *name);

/* The rule catalog: static descriptors, valid for the life of the program. */
typedef struct planlint_rule planlint_rule;

PLANLINT_EXTERN size_t planlint_rule_count(void);
PLANLINT_EXTERN const planlint_rule *planlint_rule_at(size_t i);
/* By id ("PL001") or name ("seq-scan-filter"), case-insensitive; NULL if none. */
PLANLINT_EXTERN const planlint_rule *planlint_rule_find(const char *id_or_name);
PLANLINT_EXTERN const char *planlint_rule_id(const planlint_rule *r);
PLANLINT_EXTERN const char *planlint_rule_name(const planlint_rule *r);
PLANLINT_EXTERN const char *planlint_rule_category(const planlint_rule *r);
PLANLINT_EXTERN planlint_severity planlint_rule_severity(const planlint_rule *r);
PLANLINT_EXTERN const char *planlint_rule_summary(const planlint_rule *r);
/* Several paragraphs: what the rule looks for, why it matters, how to fix it. */
PLANLINT_EXTERN const char *planlint_rule_explanation(const planlint_rule *r);
/* Tunable thresholds. */
PLANLINT_EXTERN size_t planlint_rule_param_count(const planlint_rule *r);
PLANLINT_EXTERN const char *planlint_rule_param_name(const planlint_rule *r, size_t i);
PLANLINT_EXTERN double planlint_rule_param_default(const planlint_rule *r, size_t i);
PLANLINT_EXTERN const char *planlint_rule_param_help(const planlint_rule *r, size_t i);

#define PLANLINT_CHECK_OPTIONS_VERSION 2
/* The query time (execution plus planning, ms) below which no finding is more than info. */
#define PLANLINT_DEFAULT_MIN_TIME_MS 10.0

/* Options for planlint_check(). Initialise with PLANLINT_CHECK_OPTIONS_INIT. The
 * string lists are borrowed for the duration of the call. */
typedef struct planlint_check_options {
    unsigned int version;                /* PLANLINT_CHECK_OPTIONS_VERSION */
    planlint_severity min_severity;      /* findings below it are dropped; 0 = info */
    const char *const *enable;           /* rule ids, names or categories; NULL/0 = all */
    size_t nenable;
    const char *const *disable;          /* rule ids, names or categories to skip */
    size_t ndisable;
    const char *const *settings;         /* "RULE.PARAM=VALUE", RULE an id or name */
    size_t nsettings;
    /* Version 2: a plan whose query time (execution plus planning, ms) is below this gets
     * no warning or error, only info; 0 = no minimum. Version 1 callers get no minimum. */
    double min_time_ms;
} planlint_check_options;

#define PLANLINT_CHECK_OPTIONS_INIT { PLANLINT_CHECK_OPTIONS_VERSION, (planlint_severity)0, NULL, 0, NULL, 0, NULL, 0, \
                                      PLANLINT_DEFAULT_MIN_TIME_MS }

/*
 * Runs the rules on every plan of the list that starts at plan and keeps the
 * findings with each plan (a second call replaces them). Read them with
 * planlint_plan_finding_count() / planlint_plan_finding(). Returns 0, or
 * PLANLINT_EINVAL (unknown rule or parameter in opts) / PLANLINT_ENOMEM with err set.
 */
PLANLINT_EXTERN int planlint_check(planlint_plan *plan, const planlint_check_options *opts,
                                   planlint_error *err);

typedef struct planlint_finding planlint_finding;

/* Findings of this plan, ranked: most execution time at stake first. Borrowed:
 * valid until planlint_plan_free() or the next planlint_check(). */
PLANLINT_EXTERN size_t planlint_plan_finding_count(const planlint_plan *plan);
PLANLINT_EXTERN const planlint_finding *planlint_plan_finding(const planlint_plan *plan, size_t i);

PLANLINT_EXTERN const planlint_rule *planlint_finding_rule(const planlint_finding *f);
PLANLINT_EXTERN planlint_severity planlint_finding_severity(const planlint_finding *f);
/* The node it is about, or NULL for a plan-level finding (planning time, triggers, JIT). */
PLANLINT_EXTERN const planlint_node *planlint_finding_node(const planlint_finding *f);
/* Execution time the fix could save, in ms, and as a share (0..1) of the total; NaN when
 * the plan has no timing. */
PLANLINT_EXTERN double planlint_finding_time_at_stake(const planlint_finding *f);
PLANLINT_EXTERN double planlint_finding_share_at_stake(const planlint_finding *f);
/* One line saying what is wrong, with the numbers. */
PLANLINT_EXTERN const char *planlint_finding_message(const planlint_finding *f);
/* What to do; may span lines and hold SQL. Never NULL. */
PLANLINT_EXTERN const char *planlint_finding_advice(const planlint_finding *f);
/* The CREATE INDEX statement the advice suggests, or NULL. */
PLANLINT_EXTERN const char *planlint_finding_index_sql(const planlint_finding *f);

/* What planlint_verify_indexes() learnt of a finding's suggested index. */
typedef enum planlint_verification {
    PLANLINT_VERIFY_NONE = 0,     /* not checked: no index suggested, or no check ran */
    PLANLINT_VERIFY_UNAVAILABLE,  /* not verified: hypopg cannot be used here (note: why) */
    PLANLINT_VERIFY_FAILED,       /* hypopg or the planner rejected the index (note: why) */
    PLANLINT_VERIFY_CHOSEN,       /* the planner uses the hypothetical index */
    PLANLINT_VERIFY_NOT_CHOSEN    /* the planner would not use it */
} planlint_verification;

/* The outcome. cost_before and cost_after (if not NULL) get the planner's total cost
 * of the statement without and with the hypothetical index (NaN when unknown); note
 * (if not NULL) a one-line reason, or the hypothetical index's name. Borrowed. */
PLANLINT_EXTERN planlint_verification planlint_finding_verification(const planlint_finding *f,
                                                                    double *cost_before,
                                                                    double *cost_after,
                                                                    const char **note);
/* When a plan has two or more suggested indexes, planlint_verify_indexes() also tries
 * them all together: returns how many (0 when not tried), with *cost_after (if not NULL)
 * the planner's cost with all of them and *uses (if not NULL) 1 when the planner then
 * uses this finding's index. */
PLANLINT_EXTERN size_t planlint_finding_verification_together(const planlint_finding *f,
                                                              double *cost_after, int *uses);
/* "none", "unavailable", "failed", "chosen", "not_chosen"; NULL when out of range. */
PLANLINT_EXTERN const char *planlint_verification_name(planlint_verification v);

/* The numbers behind it, by name ("rows_removed_ratio", "loops", ...). */
PLANLINT_EXTERN size_t planlint_finding_evidence_count(const planlint_finding *f);
PLANLINT_EXTERN const char *planlint_finding_evidence_name(const planlint_finding *f, size_t i);
PLANLINT_EXTERN double planlint_finding_evidence_value(const planlint_finding *f, size_t i);

/* ---------------------------------------------------------------- configuration */

/* A parsed .planlint.json:
 *   { "enable": ["PL001", "memory"], "disable": ["jit-overhead"],
 *     "set": { "seq-scan-filter.min_rows": 10000 }, "fail_on": "warning",
 *     "min_severity": "info" }
 * Unknown keys and wrong types are errors (PLANLINT_ESCHEMA with the path). */
typedef struct planlint_config planlint_config;

/* On success *out is owned: free with planlint_config_free(). */
PLANLINT_EXTERN int planlint_config_parse(planlint_config **out, const char *buf, size_t len,
                                          planlint_error *err);
PLANLINT_EXTERN void planlint_config_free(planlint_config *cfg);
/* The strings of "enable", "disable" or "set" ("RULE.PARAM=VALUE"); *items is
 * borrowed: valid until planlint_config_free(). Returns the count (0 when absent). */
PLANLINT_EXTERN size_t planlint_config_list(const planlint_config *cfg, const char *key,
                                            const char *const **items);
/* "fail_on", "min_severity", or "min_time_ms" (its number as text, "." for decimals),
 * or NULL when absent. Borrowed. */
PLANLINT_EXTERN const char *planlint_config_string(const planlint_config *cfg, const char *key);

/* ---------------------------------------------------------------- rendering */

typedef enum planlint_output_format {
    PLANLINT_OUTPUT_TREE = 0,       /* annotated tree for a terminal */
    PLANLINT_OUTPUT_JSON = 1,       /* versioned JSON, see docs/json-output.md */
    PLANLINT_OUTPUT_MARKDOWN = 2,   /* a pull-request comment: findings table, SQL, the tree */
    PLANLINT_OUTPUT_SARIF = 3,      /* SARIF 2.1.0, for code scanning */
    PLANLINT_OUTPUT_HTML = 4,       /* one self-contained page */
    PLANLINT_OUTPUT_SPEEDSCOPE = 5, /* a flame graph in speedscope's file format */
    PLANLINT_OUTPUT_FOLDED = 6      /* a flame graph as collapsed stacks ("a;b;c 123") */
} planlint_output_format;

#define PLANLINT_RENDER_OPTIONS_VERSION 2

/* Version 1 callers get the defaults of the fields added since (those of _INIT). */
typedef struct planlint_render_options {
    unsigned int version;           /* PLANLINT_RENDER_OPTIONS_VERSION */
    planlint_output_format format;
    int color;                      /* 1: ANSI colours */
    unsigned int width;             /* tree: truncate lines to this width, 0 = never; below
                                     * 100, number columns are dropped before the text */
    int unicode;                    /* tree: 1 for box-drawing characters, 0 for ASCII */
    const char *source_name;        /* shown in headers, may be NULL */
    /* since version 2 */
    unsigned int fold;              /* tree: a run of more than this many siblings of one
                                     * shape (partitions) shows two and one summed line;
                                     * 0 = never fold. Default 5 */
    size_t top;                     /* tree: only the N nodes with the most exclusive time,
                                     * each with its path; 0 = the whole tree */
    int findings_only;              /* tree: the findings without the tree */
    int stats;                      /* tree: time, rows and buffers per table, index and
                                     * node type after the tree; JSON: a "stats" object */
} planlint_render_options;

#define PLANLINT_RENDER_OPTIONS_INIT { PLANLINT_RENDER_OPTIONS_VERSION, PLANLINT_OUTPUT_TREE, 0, 100, 1, NULL, \
                                       5, 0, 0, 0 }

/*
 * Render every plan of the list that starts at plan. On success *out is owned: free
 * with planlint_free(); *out_len (if not NULL) gets its length. The text is
 * NUL-terminated.
 */
PLANLINT_EXTERN int planlint_render(char **out, size_t *out_len, const planlint_plan *plan,
                                    const planlint_render_options *opts, planlint_error *err);

/* Where planlint_render_write() sends the text: n bytes at s; 0, or nonzero when the
 * write failed (rendering then stops with PLANLINT_EIO). */
typedef int (*planlint_write_fn)(void *ctx, const char *s, size_t n);

/*
 * The same text as planlint_render(), handed to write in pieces as it is made, so a
 * big plan's report (the tree, the JSON) is not held whole in memory. A failed write
 * or allocation can leave the text cut short; the return code says so.
 */
PLANLINT_EXTERN int planlint_render_write(const planlint_plan *plan, const planlint_render_options *opts,
                                          planlint_write_fn write, void *ctx, planlint_error *err);

/* One SARIF log over several inputs, such as the statements of a SQL file captured one
 * by one: one run, the results of each plan added in turn, each located by its own
 * source and line. planlint_render() with PLANLINT_OUTPUT_SARIF is the same for one
 * input without a line. */
typedef struct planlint_sarif planlint_sarif;

/* On success *out is owned: free with planlint_sarif_free(). */
PLANLINT_EXTERN int planlint_sarif_new(planlint_sarif **out, planlint_error *err);
/* Adds a result for every finding of every plan of the list that starts at plan (run
 * planlint_check() first), located at source (a file name, or NULL for none) and, when
 * line > 0, at that 1-based line of it (region.startLine). The plan may be freed after. */
PLANLINT_EXTERN int planlint_sarif_add(planlint_sarif *log, const planlint_plan *plan, const char *source,
                                       size_t line, planlint_error *err);
/* The log with every result added so far. On success *out is owned: free with
 * planlint_free(); *out_len (if not NULL) gets its length. */
PLANLINT_EXTERN int planlint_sarif_finish(char **out, size_t *out_len, const planlint_sarif *log,
                                          planlint_error *err);
/* NULL is fine. */
PLANLINT_EXTERN void planlint_sarif_free(planlint_sarif *log);

/* One HTML page over several inputs, such as the files of one command line: the plans
 * of each input added in turn, each headed by its name, under a list of the inputs
 * that links to them. planlint_render() with PLANLINT_OUTPUT_HTML is the page of one
 * input. */
typedef struct planlint_html planlint_html;

/* On success *out is owned: free with planlint_html_free(). */
PLANLINT_EXTERN int planlint_html_new(planlint_html **out, planlint_error *err);
/* Adds every plan of the list that starts at plan (with its findings if
 * planlint_check() ran), under source (a file name; NULL: "input N"). The plan may be
 * freed after. */
PLANLINT_EXTERN int planlint_html_add(planlint_html *page, const planlint_plan *plan, const char *source,
                                      planlint_error *err);
/* The page with every input added so far. On success *out is owned: free with
 * planlint_free(); *out_len (if not NULL) gets its length. */
PLANLINT_EXTERN int planlint_html_finish(char **out, size_t *out_len, const planlint_html *page,
                                         planlint_error *err);
/* NULL is fine. */
PLANLINT_EXTERN void planlint_html_free(planlint_html *page);

/* ---------------------------------------------------------------- sharing plans */

/* What planlint_plan_anonymize() replaces. */
#define PLANLINT_ANONYMIZE_LITERALS 0x01u /* string and numeric constants: 's1', 1 */
#define PLANLINT_ANONYMIZE_NAMES    0x02u /* also tables, aliases, CTEs (t1), columns (c1),
                                           * indexes (i1), schemas (sc1), scanned functions
                                           * (f1), triggers and constraints (tg1); implies
                                           * PLANLINT_ANONYMIZE_LITERALS */

#define PLANLINT_ANONYMIZE_OPTIONS_VERSION 1

typedef struct planlint_anonymize_options {
    unsigned int version;   /* PLANLINT_ANONYMIZE_OPTIONS_VERSION */
    unsigned int what;      /* PLANLINT_ANONYMIZE_* flags */
} planlint_anonymize_options;

#define PLANLINT_ANONYMIZE_OPTIONS_INIT { PLANLINT_ANONYMIZE_OPTIONS_VERSION, PLANLINT_ANONYMIZE_LITERALS }

/* The mapping from names and literals to tokens: the same name or literal gets the same
 * token in every plan anonymized with one anonymizer, in the order first met. */
typedef struct planlint_anonymizer planlint_anonymizer;

/* On success *out is owned: free with planlint_anonymizer_free(). opts may be NULL
 * (literals only). */
PLANLINT_EXTERN int planlint_anonymizer_new(planlint_anonymizer **out, const planlint_anonymize_options *opts,
                                            planlint_error *err);
/* NULL is fine. */
PLANLINT_EXTERN void planlint_anonymizer_free(planlint_anonymizer *a);

/*
 * Rewrites every plan of the list that starts at plan, in place: the expressions
 * (Filter, Index Cond, Hash Cond, Output, Sort Key, Group Key, ...) and the Query Text,
 * cut into tokens by PostgreSQL's scanner, get their literals (and, with
 * PLANLINT_ANONYMIZE_NAMES, their names) replaced, keywords, operators, types, functions
 * called and $n kept; a text the scanner refuses has every quoted string and number
 * (and every lower-case word) replaced. The keys that hold names are replaced whole.
 * Comments in the query are dropped. Numbers of the plan (costs, rows, times, buffers),
 * node types and Settings are kept, so the derived numbers stay the same. Call it
 * before planlint_check(). Returns 0, PLANLINT_EINVAL or PLANLINT_ENOMEM (the plan may
 * then be partly rewritten: free it, do not show it).
 */
PLANLINT_EXTERN int planlint_plan_anonymize(planlint_plan *plan, planlint_anonymizer *a, planlint_error *err);

/* Every plan of the list, written back as EXPLAIN (FORMAT JSON) prints it (whatever the
 * input format was): the same keys in the same order and the same numbers, one JSON
 * array. On success *out is owned: free with planlint_free(); *out_len (if not NULL)
 * gets its length. */
PLANLINT_EXTERN int planlint_plan_write(char **out, size_t *out_len, const planlint_plan *plan,
                                        planlint_error *err);
/* Every plan of the list written as EXPLAIN (FORMAT TEXT) prints it (whatever the input
 * format was): the node lines with "->", "(cost=... rows=... width=...)" and "(actual
 * time=... rows=... loops=...)", each node's detail lines (Filter, Rows Removed by
 * Filter, Sort Method, Buffers, ...) in the order of its keys, then Settings, Planning,
 * Planning Time, Triggers, JIT and Execution Time; plans separated by a blank line.
 * Names are quoted as quote_identifier() would; control characters in the plan's text
 * are written as \xNN, as in planlint's other text output. On success *out is owned:
 * free with planlint_free(); *out_len (if not NULL) gets its length. */
PLANLINT_EXTERN int planlint_plan_write_text(char **out, size_t *out_len, const planlint_plan *plan,
                                             planlint_error *err);

/*
 * EXPLAIN (FORMAT JSON)'s text (json, len bytes) with "Query Text": query added as the
 * first member of its top-level object, where auto_explain logs the statement, so that a
 * saved capture says what it is the plan of. The rest is kept byte for byte; the query
 * is written as JSON escapes it (invalid UTF-8 as U+FFFD). Returns 0, PLANLINT_EINVAL,
 * PLANLINT_ENOMEM, PLANLINT_EPARSE (not JSON) or PLANLINT_ESCHEMA (no "Plan" in the
 * first object, or a "Query Text" there already). On success *out is owned: free with
 * planlint_free(); *out_len (if not NULL) gets its length.
 */
PLANLINT_EXTERN int planlint_explain_set_query(char **out, size_t *out_len, const char *json, size_t len,
                                               const char *query, planlint_error *err);

/* ---------------------------------------------------------------- SQL scripts */

/* A SQL file cut into statements by PostgreSQL's own grammar (libpg_query's parser, for
 * PostgreSQL 15), as psql -f runs them one by one. */
typedef struct planlint_script planlint_script;

/*
 * Splits sql (len bytes, NUL-terminated or not) where the grammar ends its statements:
 * a ';' inside a string, a quoted name, a dollar-quoted body, a comment or a BEGIN
 * ATOMIC ... END body does not end one. Empty statements (";;", a file of comments)
 * are left out. Each statement's text is what lies after the previous ';' up to its
 * own ';' (which is left out), less the blanks around it: the comments before it are
 * part of it, as PostgreSQL's parser sees them. Its line is the line of its first
 * word. A text the grammar cannot read anywhere is not split: PLANLINT_EPARSE, with
 * the parser's message in err and, when it points at one, err->line and err->column
 * (in characters) of the place. Also PLANLINT_EINVAL, PLANLINT_ENOMEM, and
 * PLANLINT_EPARSE for a NUL byte or a text over 16 MiB. On success *out is owned: free
 * with planlint_script_free().
 */
PLANLINT_EXTERN int planlint_script_split(planlint_script **out, const char *sql, size_t len,
                                          planlint_error *err);
PLANLINT_EXTERN size_t planlint_script_count(const planlint_script *s);
/* Statement i (from 0): its text, NUL-terminated; *len and *line (1-based) when not
 * NULL. Borrowed: valid until planlint_script_free(). NULL when i is out of range. */
PLANLINT_EXTERN const char *planlint_script_statement(const planlint_script *s, size_t i, size_t *len,
                                                      size_t *line);
/* NULL is fine. */
PLANLINT_EXTERN void planlint_script_free(planlint_script *s);

/* ---------------------------------------------------------------- server logs */

/* auto_explain's entries in PostgreSQL server logs, read one at a time in bounded
 * memory: a stderr log with any log_line_prefix, csvlog or jsonlog (PostgreSQL 15+),
 * plain or gzip-compressed, JSON and text plans mixed. See docs/log-mode.md. */

typedef enum planlint_log_format {
    PLANLINT_LOG_AUTO = 0,   /* detect from the first records */
    PLANLINT_LOG_STDERR = 1, /* log_destination = 'stderr' (any log_line_prefix) */
    PLANLINT_LOG_CSV = 2,    /* csvlog */
    PLANLINT_LOG_JSON = 3    /* jsonlog */
} planlint_log_format;

/* "stderr", "csvlog", "jsonlog"; NULL for other values. */
PLANLINT_EXTERN const char *planlint_log_format_name(planlint_log_format f);

/* The log format of the start of a file (decompressed), when it is clearly a server
 * log holding auto_explain entries: a csvlog or jsonlog record, or two stderr entries.
 * PLANLINT_LOG_AUTO (0) when it is not. */
PLANLINT_EXTERN planlint_log_format planlint_log_detect(const char *buf, size_t len);

#define PLANLINT_LOG_OPTIONS_VERSION 1

/* Options for planlint_log_reader_open(). Initialise with PLANLINT_LOG_OPTIONS_INIT. */
typedef struct planlint_log_options {
    unsigned int version;         /* PLANLINT_LOG_OPTIONS_VERSION */
    planlint_log_format format;   /* default: detected */
    size_t max_entry_bytes;       /* one entry's message; longer ones are damaged. Default 64 MiB */
} planlint_log_options;

#define PLANLINT_LOG_OPTIONS_INIT { PLANLINT_LOG_OPTIONS_VERSION, PLANLINT_LOG_AUTO, 0 }

typedef struct planlint_log_reader planlint_log_reader;
typedef struct planlint_log_entry planlint_log_entry;

/* Opens a log file (gzip-compressed or not; "-" is not special). name is used in
 * messages and may be NULL (then path). On success *out is owned: free with
 * planlint_log_reader_close(). PLANLINT_EIO when the file cannot be opened. */
PLANLINT_EXTERN int planlint_log_reader_open(planlint_log_reader **out, const char *path,
                                             const planlint_log_options *opts, planlint_error *err);
/* The same on an open file descriptor (a pipe is fine); the reader closes it. */
PLANLINT_EXTERN int planlint_log_reader_open_fd(planlint_log_reader **out, int fd, const char *name,
                                                const planlint_log_options *opts, planlint_error *err);
/* NULL is fine. Entries already returned stay valid. */
PLANLINT_EXTERN void planlint_log_reader_close(planlint_log_reader *r);

/*
 * The next auto_explain entry. Returns 1 with *out set (owned: free with
 * planlint_log_entry_free()), 0 at the end of the log, or a negative PLANLINT_E* code
 * with err filled: PLANLINT_EIO or PLANLINT_ENOMEM end the reading; PLANLINT_EPARSE or
 * PLANLINT_ELIMIT mean one damaged record (an unterminated CSV field, a jsonlog line that
 * is not JSON, an entry over max_entry_bytes), at err->line of the file: call again to
 * go on. Lines that are not auto_explain entries are skipped and counted.
 */
PLANLINT_EXTERN int planlint_log_reader_next(planlint_log_reader *r, planlint_log_entry **out,
                                             planlint_error *err);

/* What the reader has seen so far. */
typedef struct planlint_log_stats {
    size_t lines;            /* physical lines read */
    size_t entries;          /* auto_explain entries returned */
    size_t skipped_lines;    /* lines that belong to no entry (other messages) */
    size_t damaged;          /* damaged records reported */
    unsigned long long bytes;      /* bytes read, after decompression */
    unsigned long long raw_bytes;  /* bytes read from the file (compressed size) */
} planlint_log_stats;

PLANLINT_EXTERN void planlint_log_reader_stats(const planlint_log_reader *r, planlint_log_stats *out);
/* The format found (PLANLINT_LOG_AUTO until the first record decides). */
PLANLINT_EXTERN planlint_log_format planlint_log_reader_format(const planlint_log_reader *r);

/* NULL is fine; frees the entry's plan too. */
PLANLINT_EXTERN void planlint_log_entry_free(planlint_log_entry *e);

typedef enum planlint_log_field {
    PLANLINT_LOG_TIMESTAMP = 0,  /* as logged, e.g. "2024-05-01 10:00:00.123 UTC" */
    PLANLINT_LOG_USER,
    PLANLINT_LOG_DATABASE,
    PLANLINT_LOG_APPLICATION,
    PLANLINT_LOG_QUERY,          /* auto_explain's "Query Text" */
    PLANLINT_LOG_PREFIX,         /* stderr: the raw log_line_prefix text */
    PLANLINT_LOG_PLAN_TEXT,      /* the plan as logged, after "plan:" */
    PLANLINT_LOG_PLAN_FORMAT,    /* "json", "text", "yaml", "xml" */
    PLANLINT_LOG_FILE,           /* the name given to the reader */
    PLANLINT_LOG_FIELD_COUNT_
} planlint_log_field;

/* A field of the entry, or NULL when the log does not have it. Borrowed: valid until
 * planlint_log_entry_free(). */
PLANLINT_EXTERN const char *planlint_log_entry_get(const planlint_log_entry *e, planlint_log_field f);
/* The backend's process id, 0 when unknown. */
PLANLINT_EXTERN long planlint_log_entry_pid(const planlint_log_entry *e);
/* auto_explain's "duration: ... ms". */
PLANLINT_EXTERN double planlint_log_entry_duration(const planlint_log_entry *e);
/* The timestamp as seconds since 1970 (UTC when the log names UTC/GMT or an offset, else
 * as written), NaN when there is none. */
PLANLINT_EXTERN double planlint_log_entry_time(const planlint_log_entry *e);
/* 1-based line of the file where the entry starts. */
PLANLINT_EXTERN size_t planlint_log_entry_line(const planlint_log_entry *e);

/* The entry's plan, parsed on first call (opts as for planlint_plan_parse(), NULL for
 * the defaults; a JSON plan as JSON, a text plan as text). *plan is borrowed: valid
 * until planlint_log_entry_free(); error lines are lines of the log file. */
PLANLINT_EXTERN int planlint_log_entry_plan(planlint_log_entry *e, planlint_plan **plan,
                                            const planlint_parse_options *opts, planlint_error *err);

/* Parses a timestamp as logs and --since take it ("2024-05-01", "2024-05-01 10:00",
 * "2024-05-01T10:00:00.5+02", "... UTC"): seconds since 1970, or NaN. */
PLANLINT_EXTERN double planlint_log_time_parse(const char *s);

/* ---------------------------------------------------------------- grouping by query */

/* Entries grouped by query: the fingerprint of the normalized query (libpg_query's
 * fingerprint; a hash of the whitespace-normalized text when it does not parse), with
 * the plan shapes seen (node types, relations and indexes in tree order). */
typedef struct planlint_log_groups planlint_log_groups;
typedef struct planlint_log_group planlint_log_group;

#define PLANLINT_GROUP_OPTIONS_VERSION 1

typedef struct planlint_group_options {
    unsigned int version;                 /* PLANLINT_GROUP_OPTIONS_VERSION */
    const planlint_check_options *check;  /* rules for the slowest plans; NULL: defaults.
                                           * Borrowed until planlint_log_groups_free() */
    size_t max_groups;                    /* default 10000; entries of further queries are
                                           * counted apart */
    size_t max_samples;                   /* durations kept per group for p95, default 512 */
    const planlint_parse_options *parse;  /* for the plans, NULL: defaults; borrowed */
} planlint_group_options;

#define PLANLINT_GROUP_OPTIONS_INIT { PLANLINT_GROUP_OPTIONS_VERSION, NULL, 0, 0, NULL }

/* On success *out is owned: free with planlint_log_groups_free(). */
PLANLINT_EXTERN int planlint_log_groups_new(planlint_log_groups **out, const planlint_group_options *opts,
                                            planlint_error *err);
PLANLINT_EXTERN void planlint_log_groups_free(planlint_log_groups *g);

/*
 * Adds one entry: fingerprints its query, finds its plan shape and counts it into its
 * group; when it is the group's slowest so far, runs the rules on its plan (unless
 * planlint_check() already ran) and keeps a copy of the findings. The plan is parsed
 * (planlint_log_entry_plan()) for the shape unless a plan whose text differs only in
 * its digits was parsed before (the shape is then known), and for the rules. The
 * entry may be freed right after. *group (if not NULL) gets the group,
 * borrowed: valid until planlint_log_groups_free(), or NULL when max_groups was reached.
 * A plan that does not parse is not counted: its error is returned (PLANLINT_EFORMAT
 * for a YAML or XML plan).
 */
PLANLINT_EXTERN int planlint_log_groups_add(planlint_log_groups *g, planlint_log_entry *e,
                                            const planlint_log_group **group, planlint_error *err);

/* Groups, ranked by total duration (the time at stake across executions), largest first.
 * Borrowed: valid until the next planlint_log_groups_add() or planlint_log_groups_free(). */
PLANLINT_EXTERN size_t planlint_log_groups_count(planlint_log_groups *g);
PLANLINT_EXTERN const planlint_log_group *planlint_log_groups_at(planlint_log_groups *g, size_t i);
/* Entries that found no group because max_groups was reached. */
PLANLINT_EXTERN size_t planlint_log_groups_overflow(const planlint_log_groups *g);

/* The group's id: the query fingerprint as 16 hex digits. Borrowed. */
PLANLINT_EXTERN const char *planlint_log_group_id(const planlint_log_group *grp);
PLANLINT_EXTERN size_t planlint_log_group_count(const planlint_log_group *grp);

typedef enum planlint_group_metric {
    PLANLINT_GROUP_TOTAL = 0,    /* ms, sum of durations */
    PLANLINT_GROUP_MEAN,
    PLANLINT_GROUP_P95,          /* exact up to max_samples executions, else from a sample */
    PLANLINT_GROUP_MAX,
    PLANLINT_GROUP_MIN,
    PLANLINT_GROUP_FIRST_SEEN,   /* seconds since 1970, NaN when the log has no times */
    PLANLINT_GROUP_LAST_SEEN
} planlint_group_metric;

PLANLINT_EXTERN double planlint_log_group_metric(const planlint_log_group *grp, planlint_group_metric m);
/* 1 when the p95 comes from a sample (more executions than max_samples). */
PLANLINT_EXTERN int planlint_log_group_p95_sampled(const planlint_log_group *grp);

/* Of the group's slowest entry: PLANLINT_LOG_QUERY (at most 4 kB, cut with "..."),
 * _TIMESTAMP, _USER, _DATABASE, _APPLICATION, _FILE, _PLAN_FORMAT; NULL otherwise.
 * Also the first/last timestamps as logged: use planlint_log_group_seen(). Borrowed. */
PLANLINT_EXTERN const char *planlint_log_group_slowest(const planlint_log_group *grp, planlint_log_field f);
/* The slowest entry's line in its file. */
PLANLINT_EXTERN size_t planlint_log_group_slowest_line(const planlint_log_group *grp);
/* The first (last = 0) or last (last = 1) timestamp as logged, or NULL. Borrowed. */
PLANLINT_EXTERN const char *planlint_log_group_seen(const planlint_log_group *grp, int last);

/* Plan shapes seen, most frequent first (at most 16 are told apart; later ones count
 * into the last). Two or more: the plan flipped. */
PLANLINT_EXTERN size_t planlint_log_group_shape_count(const planlint_log_group *grp);
/* Shape i: its hash (16 hex digits, borrowed), a short outline such as
 * "Sort(Seq Scan orders)" (borrowed, at most 400 bytes), its count. */
PLANLINT_EXTERN const char *planlint_log_group_shape(const planlint_log_group *grp, size_t i,
                                                     const char **outline, size_t *count);

/* The findings of the group's slowest plan, ranked (at most 16), copied out of it. */
typedef struct planlint_log_finding {
    const char *rule_id;         /* "PL004" */
    const char *rule_name;
    planlint_severity severity;
    double time_at_stake;        /* ms, NaN when unknown */
    double share_at_stake;       /* 0..1, NaN when unknown */
    const char *message;
    const char *advice;
} planlint_log_finding;

PLANLINT_EXTERN size_t planlint_log_group_finding_count(const planlint_log_group *grp);
/* Borrowed: valid until planlint_log_groups_free() or the group's next slowest entry. */
PLANLINT_EXTERN const planlint_log_finding *planlint_log_group_finding(const planlint_log_group *grp,
                                                                      size_t i);

/* The fingerprint (16 hex digits) and plan shape hash of an entry, computed on first
 * call (the shape parses the plan); NULL when its plan cannot be read. Borrowed: valid
 * until planlint_log_entry_free(). */
PLANLINT_EXTERN const char *planlint_log_entry_fingerprint(planlint_log_entry *e);
PLANLINT_EXTERN const char *planlint_log_entry_shape(planlint_log_entry *e);

/* ---------------------------------------------------------------- live capture */

/* A connection to a PostgreSQL server (libpq underneath). */
typedef struct planlint_conn planlint_conn;

#define PLANLINT_CONNECT_OPTIONS_VERSION 1

/* Connection settings as psql takes them; NULL leaves a setting to libpq (PG*
 * variables, ~/.pgpass, service files). dbname may be a conninfo string or a
 * postgresql:// URI; later fields override what it says, as in psql. */
typedef struct planlint_connect_options {
    unsigned int version;     /* PLANLINT_CONNECT_OPTIONS_VERSION */
    const char *host;
    const char *port;
    const char *user;
    const char *dbname;
    const char *password;     /* never copied into any message */
} planlint_connect_options;

#define PLANLINT_CONNECT_OPTIONS_INIT { PLANLINT_CONNECT_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL }

/* Connect (application_name falls back to "planlint"). On success *out is owned: free
 * with planlint_conn_close(). On failure returns PLANLINT_EDATABASE, or
 * PLANLINT_ENOPASSWORD when the server asked for a password and none was given (not
 * for a wrong one): a caller that can ask the user, as psql does, may retry once with
 * opts->password set. Either way err holds libpq's one-line message (for
 * PLANLINT_ENOPASSWORD, "... fe_sendauth: no password supplied"), which holds neither
 * the password nor the conninfo string. Never prompts for anything itself. */
PLANLINT_EXTERN int planlint_conn_open(planlint_conn **out, const planlint_connect_options *opts,
                                       planlint_error *err);

/* Closes the connection. NULL is fine. */
PLANLINT_EXTERN void planlint_conn_close(planlint_conn *conn);

/*
 * Adds what only the database knows to every plan of the list that starts at plan: for
 * the tables its scans name (at most 200), their indexes and key columns, size and row
 * count, last (auto)analyze and vacuum times and rows modified since (pg_stat_user_tables),
 * and column statistics (pg_stats). Read with parameterised queries inside BEGIN READ ONLY
 * ... ROLLBACK; conn must not be inside a transaction. Call it before planlint_check():
 * the index and statistics rules then use it. The data lives in the plan's arena.
 * Returns 0, PLANLINT_EINVAL, PLANLINT_ENOMEM or PLANLINT_EDATABASE (the plan is then
 * left as it was).
 */
PLANLINT_EXTERN int planlint_enrich(planlint_plan *plan, planlint_conn *conn, planlint_error *err);

/* The server's version as a number, e.g. 150004, or 0 when unknown. */
PLANLINT_EXTERN int planlint_conn_server_version(const planlint_conn *conn);

/* A handle to cancel the running query from a signal handler or another thread. */
typedef struct planlint_cancel planlint_cancel;

/* Owned: free with planlint_cancel_free() (before closing the connection is not
 * required). NULL when out of memory or not connected. */
PLANLINT_EXTERN planlint_cancel *planlint_conn_cancel_handle(planlint_conn *conn);

/* Asks the server to cancel the query running on the handle's connection. Async-signal
 * safe (libpq's PQcancel). Returns 0 when the request was sent, -1 otherwise. */
PLANLINT_EXTERN int planlint_cancel_send(planlint_cancel *cancel);

/* NULL is fine. Not async-signal safe. */
PLANLINT_EXTERN void planlint_cancel_free(planlint_cancel *cancel);

#define PLANLINT_CAPTURE_OPTIONS_VERSION 2

/* Options for planlint_conn_capture(). Initialise with PLANLINT_CAPTURE_OPTIONS_INIT. */
typedef struct planlint_capture_options {
    unsigned int version;         /* PLANLINT_CAPTURE_OPTIONS_VERSION */
    int no_analyze;               /* 1: plan only, the statement is not executed */
    int allow_writes;             /* 1: data-modifying statements and row locks run (rolled back) */
    unsigned int timeout_ms;      /* statement_timeout; 0 means 30 seconds */
    const char *const *params;    /* values for $1..$n, as text */
    size_t nparams;
    int allow_side_effects;       /* 1: calls of functions whose effects a ROLLBACK does not
                                   * undo run (dblink, pg_terminate_backend, setval, ...);
                                   * since version 2 */
} planlint_capture_options;

#define PLANLINT_CAPTURE_OPTIONS_INIT { PLANLINT_CAPTURE_OPTIONS_VERSION, 0, 0, 0, NULL, 0, 0 }

/*
 * Whether planlint_conn_capture() would run sql with opts, decided by PostgreSQL 15's own
 * grammar (libpg_query) before anything is sent: exactly one SELECT, VALUES, TABLE,
 * INSERT, UPDATE, DELETE or MERGE; data-modifying (also inside WITH) or locking rows
 * (FOR UPDATE/SHARE) only when opts->allow_writes; never SELECT INTO; no call of a
 * function whose effect a ROLLBACK does not undo (dblink, backend signalling, statistics
 * resets, server file writers, replication slots, pg_reload_conf, pg_switch_wal,
 * session advisory locks, setval, nextval; nextval also with allow_writes) unless
 * opts->allow_side_effects; when opts->nparams > 0, no $n beyond it ($n with no values
 * asks for a generic plan). A text the grammar cannot read is refused with the parser's
 * message. Returns 0, PLANLINT_EINVAL, PLANLINT_ENOMEM or PLANLINT_EREFUSED with the
 * reason in err.
 */
PLANLINT_EXTERN int planlint_capture_check(const char *sql, const planlint_capture_options *opts,
                                           planlint_error *err);

/* planlint_capture_check() with allow_writes and nparams set and nothing else allowed. */
PLANLINT_EXTERN int planlint_statement_check(const char *sql, int allow_writes, size_t nparams,
                                             planlint_error *err);

/*
 * Capture the plan of one statement, after planlint_capture_check(): BEGIN (READ ONLY
 * unless allow_writes), SET LOCAL statement_timeout and standard_conforming_strings = on
 * (so that the server reads the text as the check did); unless side effects are allowed,
 * the functions the statement calls that are not built in are looked up, and one whose
 * body calls a refused function is refused too. The text is then sent alone, as a
 * protocol-level prepared statement (the server refuses a second statement in it), and
 * planned without running (EXPLAIN EXECUTE); a plan that modifies data or locks rows
 * without allow_writes, or calls a refused function (through a view, say), is refused.
 * Then EXPLAIN (ANALYZE, BUFFERS, VERBOSE, SETTINGS, FORMAT JSON) EXECUTE, with the
 * options the server supports, then ROLLBACK, always. A statement with $n and no values
 * gets a generic plan (plan_cache_mode = force_generic_plan, executed with NULLs under
 * EXPLAIN without ANALYZE, so never run; PostgreSQL 12+, refused on older servers). On
 * success *out is owned: free with planlint_free(): EXPLAIN's JSON, NUL-terminated, for
 * planlint_plan_parse(); *out_len (if not NULL) gets its length. Database errors, a
 * timeout, a cancel or a lost connection return PLANLINT_EDATABASE; refusals, before
 * the statement runs, PLANLINT_EREFUSED.
 */
PLANLINT_EXTERN int planlint_conn_capture(char **out, size_t *out_len, planlint_conn *conn,
                                          const char *sql, const planlint_capture_options *opts,
                                          planlint_error *err);

/*
 * Checks each CREATE INDEX that the findings of plan suggest (run planlint_check()
 * first) with the hypopg extension, as planlint_conn_capture() would run sql with opts
 * (opts->no_analyze does not matter: the statement is planned, never executed).
 * Everything happens inside BEGIN ... ROLLBACK: when hypopg is available but not
 * installed, CREATE EXTENSION hypopg runs there and is rolled back with the rest (it
 * needs the right to create it); then the transaction turns READ ONLY, the statement
 * is EXPLAINed once as it is and once per suggested index, after
 * hypopg_create_index(), then, when there are two or more, once with all of them (an
 * index may only pay off with another, or make another useless). Each finding then holds
 * the costs and whether the index was chosen (planlint_finding_verification(),
 * planlint_finding_verification_together()). When hypopg cannot be used, the findings
 * say why (PLANLINT_VERIFY_UNAVAILABLE) and 0 is returned. Returns 0, PLANLINT_EINVAL,
 * PLANLINT_ENOMEM, PLANLINT_EREFUSED or PLANLINT_EDATABASE (a lost connection, a
 * timeout, a cancel).
 */
PLANLINT_EXTERN int planlint_verify_indexes(planlint_plan *plan, planlint_conn *conn, const char *sql,
                                            const planlint_capture_options *opts,
                                            planlint_error *err);

/* ---------------------------------------------------------------- baselines */

/* A finding's fingerprint: 16 lowercase hex digits (64-bit FNV-1a) over its rule id and
 * the node it is about (node type, schema, relation, alias, index name, and the node
 * types from the root down to it). No id, time or row count goes in, so the same
 * finding on the same query captured twice, in any input format, has the same
 * fingerprint. Two findings of one rule on nodes that look alike share it. Borrowed:
 * valid until planlint_plan_free() or the next planlint_check(); NULL when f is NULL. */
PLANLINT_EXTERN const char *planlint_finding_fingerprint(const planlint_finding *f);

/* A set of known findings, by fingerprint: what --write-baseline writes and --baseline
 * reads. The file is JSON: {"version": 1, "findings": [{"fingerprint": "...",
 * "rule": "PL001", "label": "..."}, ...]}. */
typedef struct planlint_baseline planlint_baseline;

/* An empty baseline. On success *out is owned: free with planlint_baseline_free(). */
PLANLINT_EXTERN int planlint_baseline_new(planlint_baseline **out, planlint_error *err);
/* Reads a baseline file's text. Returns 0, or PLANLINT_EPARSE (not JSON) /
 * PLANLINT_ESCHEMA (not a baseline: the path says where) / PLANLINT_ENOMEM with err
 * set. On success *out is owned: free with planlint_baseline_free(). */
PLANLINT_EXTERN int planlint_baseline_parse(planlint_baseline **out, const char *buf, size_t len,
                                            planlint_error *err);
PLANLINT_EXTERN void planlint_baseline_free(planlint_baseline *bl);
/* Adds the findings of every plan of the list that starts at plan (run
 * planlint_check() first); a fingerprint already there is kept once. */
PLANLINT_EXTERN int planlint_baseline_add(planlint_baseline *bl, const planlint_plan *plan,
                                          planlint_error *err);
PLANLINT_EXTERN size_t planlint_baseline_count(const planlint_baseline *bl);
/* 1 when the baseline holds this fingerprint, else 0. */
PLANLINT_EXTERN int planlint_baseline_contains(const planlint_baseline *bl, const char *fingerprint);
/* The baseline file's text, one finding a line, sorted by rule and label. On success
 * *out is owned: free with planlint_free(); *out_len (if not NULL) gets its length. */
PLANLINT_EXTERN int planlint_baseline_render(char **out, size_t *out_len, const planlint_baseline *bl,
                                             planlint_error *err);
/* Drops from every plan of the list the findings whose fingerprint bl holds (the
 * rest keep their rank); returns how many it dropped. The renderers say how many. */
PLANLINT_EXTERN size_t planlint_plan_apply_baseline(planlint_plan *plan, const planlint_baseline *bl);
/* How many findings of this plan a baseline dropped (0 until one is applied). */
PLANLINT_EXTERN size_t planlint_plan_suppressed_count(const planlint_plan *plan);

/* ---------------------------------------------------------------- comparing two plans */

/* Two plans of the same query, node by node (see docs/diff.md): nodes are matched by
 * node type, relation, alias, index and parent relationship under matched parents,
 * then by position; a scan left over on either side is matched by relation and alias
 * anywhere in the tree. */
typedef struct planlint_diff planlint_diff;

#define PLANLINT_DIFF_OPTIONS_VERSION 2

/* Options for planlint_diff_new(). Initialise with PLANLINT_DIFF_OPTIONS_INIT. Version 1
 * callers get the defaults of the fields added since. */
typedef struct planlint_diff_options {
    unsigned int version;       /* PLANLINT_DIFF_OPTIONS_VERSION */
    double factor;              /* a time that grew by this factor or more is a regression;
                                 * 0: 1.5 */
    double min_node_ms;         /* the execution time, or a node's own time, under this many
                                 * ms in the after plan is not judged; 0: 1 ms */
    double min_node_share;      /* nor a node's own time under this share (0..1) of the
                                 * after plan's total time; 0: 0.01 */
    const char *before_name;    /* shown in the output, may be NULL; copied */
    const char *after_name;
    /* since version 2 */
    int fail_on_regression;     /* 1: the caller fails on a regression (planlint diff
                                 * --fail-on-regression): SARIF reports each one at level
                                 * error, else at level warning */
} planlint_diff_options;

#define PLANLINT_DIFF_OPTIONS_INIT { PLANLINT_DIFF_OPTIONS_VERSION, 0, 0, 0, NULL, NULL, 0 }

/* What makes a diff a regression (planlint_diff_regressions()). */
#define PLANLINT_REGRESSION_EXECUTION_TIME 0x01u /* the execution time grew by factor */
#define PLANLINT_REGRESSION_NODE_TIME      0x02u /* a matched node's own time grew by factor */
#define PLANLINT_REGRESSION_SEQ_SCAN       0x04u /* a relation scanned by an index is now
                                                    scanned sequentially */
#define PLANLINT_REGRESSION_SPILL          0x08u /* a sort, hash or hash aggregate now
                                                    spills to disk */

/*
 * Compares the first plan of each list. Run planlint_check() on both first to compare
 * their findings (a finding matches one of the same rule on the matched node, or on a
 * node of the same relation and alias). Both plans are borrowed: free the diff before
 * either. On success *out is owned: free with planlint_diff_free().
 */
PLANLINT_EXTERN int planlint_diff_new(planlint_diff **out, const planlint_plan *before,
                                      const planlint_plan *after, const planlint_diff_options *opts,
                                      planlint_error *err);
/* NULL is fine. */
PLANLINT_EXTERN void planlint_diff_free(planlint_diff *d);
/* The node matched to a node of either plan, or NULL when it was added or removed.
 * Borrowed: valid until planlint_plan_free(). */
PLANLINT_EXTERN const planlint_node *planlint_diff_match(const planlint_diff *d, const planlint_node *node);
/* Findings of the after plan that the before plan has no match for (appeared = 1), or
 * of the before plan that the after plan has none for (appeared = 0), ranked.
 * Borrowed: valid until planlint_plan_free(). */
PLANLINT_EXTERN size_t planlint_diff_finding_count(const planlint_diff *d, int appeared);
PLANLINT_EXTERN const planlint_finding *planlint_diff_finding(const planlint_diff *d, int appeared, size_t i);
/* PLANLINT_REGRESSION_* flags, 0 when nothing regressed. */
PLANLINT_EXTERN unsigned int planlint_diff_regressions(const planlint_diff *d);
/* Each regression in one line, e.g. "Seq Scan on orders: 0.015 ms -> 22.096 ms
 * (1473.07x)", with its PLANLINT_REGRESSION_* flag in *kind (if not NULL). Borrowed:
 * valid until planlint_diff_free(). */
PLANLINT_EXTERN size_t planlint_diff_reason_count(const planlint_diff *d);
PLANLINT_EXTERN const char *planlint_diff_reason(const planlint_diff *d, size_t i, unsigned int *kind);
/* One line: "slower: 0.108 ms -> 22.147 ms (205.06x); Bitmap Heap Scan on orders
 * became Seq Scan; new finding PL001 seq-scan-filter". Borrowed: valid until
 * planlint_diff_free(). */
PLANLINT_EXTERN const char *planlint_diff_verdict(const planlint_diff *d);
/* Renders the diff as PLANLINT_OUTPUT_TREE (text for a terminal), PLANLINT_OUTPUT_JSON,
 * PLANLINT_OUTPUT_MARKDOWN (a pull-request comment) or PLANLINT_OUTPUT_SARIF (the
 * findings that appeared and the regressions, for code scanning); see docs/diff.md.
 * Other formats give PLANLINT_EINVAL. On success *out is owned: free
 * with planlint_free(). */
PLANLINT_EXTERN int planlint_diff_render(char **out, size_t *out_len, const planlint_diff *d,
                                         const planlint_render_options *opts, planlint_error *err);

/* Frees memory the library returned as "owned: free with planlint_free()". */
PLANLINT_EXTERN void planlint_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* PLANLINT_H */
