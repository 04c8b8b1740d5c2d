/* predicate.h - what a Filter or Index Cond says about a table's columns, and the
 * btree index that would serve it. Shared by seq-scan-filter and index-filter. */
#ifndef PL_PREDICATE_H
#define PL_PREDICATE_H

#include "rule.h"
#include "enrich.h"

#define PL_PRED_MAX_TERMS 16
#define PL_SUGGEST_MAX_KEYS 4  /* columns pl_index_suggestion() puts in one index */

typedef enum pl_term_kind {
    PL_TERM_EQUALITY,      /* col = const, col = ANY(array), col IS NULL */
    PL_TERM_RANGE,         /* col < const, <=, >, >=, LIKE 'prefix%' */
    PL_TERM_UNUSABLE       /* <>, LIKE '%x', col op col, NOT, ... */
} pl_term_kind;

typedef struct pl_term {
    pl_term_kind kind;
    const char *key;       /* index key as printed: "status_id", "lower(email)", "\"Weird Col\"" */
    const char *column;    /* the key's column as stored (unquoted): Order Items for "Order Items" */
    const char *func;      /* NULL, or the function the key applies to the column: lower */
    const char *cast;      /* NULL, or the type the key casts the column to (not set by the reader:
                            * no cast is known to be immutable without the column's type) */
    int expression;        /* key is an expression, not a plain column */
    int pattern_ops;       /* LIKE 'prefix%': needs text_pattern_ops outside the C collation */
    int any;               /* col = ANY (array): equal to one of several values, not one */
    int cut;               /* holds a name longer than PostgreSQL keeps (63 bytes) */
    int outer;             /* compared with an outer reference (a column of another table, a
                            * parameter at run time): as good as a constant for an index */
    const char *why;       /* for unusable terms: the reason */
    const char *rewrite;   /* NULL, or the same condition on the bare column, which an index on
                            * column serves: "recorded_at >= '2024-02-01'::date AND ..." */
    const char *rewrite_note;  /* what the rewrite keeps: "the value in the column's type" */
    pl_term_kind rewrite_kind; /* what the rewrite is for an index on column */
    const char *text;      /* the term as printed, outer parentheses off (borrowed from the condition) */
    size_t text_len;
} pl_term;

typedef struct pl_predicate {
    pl_term terms[PL_PRED_MAX_TERMS];
    size_t nterms;
    int has_or;            /* a top-level OR: one index per branch would be needed */
    int truncated;         /* more terms than fit */
} pl_predicate;

/* Splits cond at top-level AND (and OR) and reads each term with PostgreSQL's grammar
 * (lib/sql/expr.h). A column qualified by the scan's alias, or not qualified, is the
 * scan's; one qualified by another alias is an outer reference - the outer side of a
 * nested loop or the query around a SubPlan - and so a value for the index, as good as a
 * constant. A scan with no alias (NULL) judges qualifiers by outer_values: with it, a
 * qualifier other than the table's name is an outer reference; without it, every
 * qualifier is the scan's. Names are kept in c's arena. */
int pl_predicate_parse(pl_check *c, const planlint_node *scan, const char *cond, int outer_values,
                       pl_predicate *out);

/* "CREATE INDEX ON schema.rel (eq1, eq2, range);" from index-usable terms of the
 * given predicates (equalities first, then one range column), built and parsed back by
 * pl_sql_create_index(); NULL when no term can use a btree, or when no statement that
 * reads back as this index could be built. why (if not NULL) gets a reason in that case:
 * pl_no_safe_sql for the second. */
const char *pl_index_suggestion(pl_check *c, const planlint_node *scan, const pl_predicate *const *preds,
                                size_t npreds, const char **why);
/* The advice of a finding that gets no CREATE INDEX, with why from pl_index_suggestion(). */
void pl_index_advice_none(pl_finding *f, const char *filter, const char *why);

/* The terms pl_index_suggestion() makes the index's keys of, in order (at most max):
 * equality terms first - the most selective first when the scan's catalog (planlint_enrich())
 * has pg_stats' n_distinct for them, else in the order printed - then one range term.
 * With rewritten, a term that has a rewrite counts as its rewrite (its bare column). */
size_t pl_index_keys(const planlint_node *scan, const pl_predicate *const *preds, size_t npreds,
                     const pl_term **keys, size_t max, int rewritten);

/* 1 when a term of preds has a rewrite: a cast or arithmetic hides its column from an index. */
int pl_predicate_has_rewrite(const pl_predicate *const *preds, size_t npreds);
/* The advice for such a scan: what hides the column, the condition written on the bare
 * column, and the index that then serves it - named when the catalog has one, otherwise
 * a CREATE INDEX shown through pl_finding_sql() (not offered to hypopg, which would test
 * it against the query as it is). Returns 1 when it gave the advice. */
int pl_rewrite_advice(pl_check *c, pl_finding *f, const planlint_node *scan, const pl_predicate *const *preds,
                      size_t npreds, const char *cond);

/* 1 when the rows the scan keeps surely satisfy a partial index's predicate (as
 * pg_get_expr() prints it), judged by text alone: every term of the predicate, split at
 * AND (nested ANDs too), must also be a top-level AND term of one of preds, both
 * compared without outer parentheses, without qualifiers naming the scan's table (its
 * alias or relation) and with runs of spaces outside quotes made one. 0 when not, and
 * whenever unsure: an OR anywhere in the predicate, too many or too long terms, the same
 * condition spelled differently (IN lists, folded constants, operands swapped).
 * pinned (room for PL_PRED_MAX_TERMS) gets the scan's terms that the predicate fixes to
 * one value - col = constant, col IS NULL - so that the index need not have them as keys. */
int pl_predicate_implies(const planlint_node *scan, const pl_predicate *const *preds, size_t npreds,
                         const char *index_pred, const pl_term **pinned, size_t *npinned);

/* rules/existing_index.c: a valid btree index of the scan's table (known only after
 * planlint_enrich()) whose first n keys are these keys (the terms of preds that
 * pl_index_keys() chose), in any order; NULL when there is none or no catalog. A partial
 * index counts when preds imply its predicate (pl_predicate_implies()); keys its
 * predicate fixes to one value may then be missing from its keys. */
const pl_cat_index *pl_existing_index(const planlint_node *scan,
                                      const pl_predicate *const *preds, size_t npreds,
                                      const pl_term *const *keys, size_t n);
/* The same for keys from pl_index_keys(..., rewritten = 1): a rewritten term counts as its
 * bare column. */
const pl_cat_index *pl_existing_index_rewritten(const planlint_node *scan, const pl_predicate *const *preds,
                                                size_t npreds, const pl_term *const *keys, size_t n);
/* "(status, created_at)": the index's key list, for advice text. */
const char *pl_index_key_list(pl_check *c, const pl_cat_index *ix);
/* With a catalog (planlint_enrich()): when an index that fits the predicates exists,
 * the finding names it instead of suggesting one (returns 1). *first_key gets the
 * first key the suggestion would use, for pl_catalog_evidence(). */
int pl_existing_index_advice(pl_check *c, pl_finding *f, const planlint_node *scan,
                             const pl_predicate *const *preds, size_t npreds, const pl_term **first_key);
/* Catalog numbers every index rule adds to its finding, when there is a catalog. */
void pl_catalog_evidence(pl_check *c, pl_finding *f, const planlint_node *scan, const pl_term *first_key);

#endif
