/* cond.h - reading the parts of a plan condition a rule needs beyond predicate.h
 * (join keys, OR branches, the qualifiers of columns) and building an index on plain
 * columns. Helpers of rules/common.c, shared by the join, top-N and foreign-key rules. */
#ifndef PL_COND_H
#define PL_COND_H

#include "rule.h"
#include "enrich.h"

/* A piece of a condition as printed: s[0..n), borrowed from the plan. */
typedef struct pl_span {
    const char *s;
    size_t n;
} pl_span;

/* Splits cond at the top-level word (" AND " or " OR "), outside quotes and
 * parentheses, after taking off the parentheses around the whole; each part loses its
 * own outer parentheses. Returns the number of parts (at most max; 0 when cond is NULL). */
size_t pl_cond_split(const char *cond, size_t len, const char *word, pl_span *out, size_t max);

/* When x is a bare column, "qual.col", "col" or "(qual.col)", its stored name (unquoted)
 * into *col and its qualifier (unquoted, NULL when none) into *qual; 0 when x is anything
 * else (an expression, a cast, a constant). Names are kept in c's arena. */
int pl_span_column(pl_check *c, pl_span x, const char **qual, const char **col);

/* Whether the qualifier of a column names the scan: its alias or its relation. */
int pl_qual_is_scan(const planlint_node *scan, const char *qual);

/* "CREATE INDEX ON schema.rel (a, b);" on plain columns, built and parsed back
 * (lib/sql/build.c), ready for pl_finding_index(); NULL when it could not be built. */
const char *pl_index_on_columns(pl_check *c, const char *schema, const char *rel, const char *const *cols,
                                size_t n);

/* With a catalog: a valid btree index of the table whose first n keys are cols, in any
 * order; NULL when there is none or no catalog. */
const pl_cat_index *pl_cat_index_leading(const pl_cat_table *t, const char *const *cols, size_t n);

#endif
