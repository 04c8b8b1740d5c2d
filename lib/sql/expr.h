/* expr.h - one condition as EXPLAIN prints it (Filter, Index Cond, Join Filter, Hash
 * Cond, Recheck Cond) read by PostgreSQL's own grammar: the constructs EXPLAIN adds to
 * SQL ($n, SubPlan n, (InitPlan n).colN, (returns $n)) become placeholders the grammar
 * accepts, and the text is parsed as "SELECT WHERE <condition>". */
#ifndef PL_SQL_EXPR_H
#define PL_SQL_EXPR_H

#include "sql.h"

/* Longer conditions are not read; deeper trees are not walked by the callers. */
#define PL_SQL_EXPR_MAX_LENGTH 65536
#define PL_SQL_EXPR_MAX_DEPTH 64

/* What a subquery becomes: a call of one of these functions with its number,
 * __planlint_subplan(2). A SubPlan runs per row; an InitPlan's value is a constant. */
#define PL_SQL_SUBPLAN "__planlint_subplan"
#define PL_SQL_INITPLAN "__planlint_initplan"

typedef struct pl_sql_expr {
    json_t *tree;      /* owned: pl_sql_expr_free() */
    json_t *node;      /* borrowed from tree: the condition, {"A_Expr": {...}} */
    char *text;        /* owned: the condition as parsed, placeholders in; a node's
                        * location minus offset is its byte offset in text */
    size_t len, offset;
} pl_sql_expr;

/* Reads cond[0..n). 0 with *x filled; PLANLINT_EPARSE when it is too long or not one
 * expression (e set when not NULL); PLANLINT_ENOMEM. x needs pl_sql_expr_free() in
 * every case. */
int pl_sql_expr_parse(pl_sql_expr *x, const char *cond, size_t n, pl_sql_error *e);
void pl_sql_expr_free(pl_sql_expr *x);

/* The node kind of v ({"A_Expr": {...}} -> "A_Expr") with its body in *body; NULL
 * when v is not a node. */
const char *pl_sql_node(const json_t *v, json_t **body);
/* The byte offset in x->text where node body (a node's body) starts, or -1 when the
 * parser gave it no location. For an operator (A_Expr) it is the operator's. */
long pl_sql_expr_at(const pl_sql_expr *x, const json_t *body);

#endif
