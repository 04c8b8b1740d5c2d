/* row_misestimate.c - PL003: actual rows far from the planner's estimate, where a parent
 * operator was planned on that estimate. Column names come from the node's conditions. */
#include "rule.h"
#include "enrich.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>
#include <strings.h>

#define PL_MAX_COLS 8
#define PL_MAX_COND_LEN 4096   /* longer conditions are read up to here: bounded work */
#define PL_MAX_TOKENS 512

static const pl_rule_param params[] = {
    { "min_factor", 10, "report when actual rows per loop and the estimate differ by at least this factor" },
    { "min_rows", 100,
      "ignore nodes where both the actual and the estimated rows (over all loops) stay below this: "
      "tiny counts are often off by 10x without consequence" },
    { "error_factor", 1000,
      "an underestimate by this factor feeding a Nested Loop is an error: the loop count the "
      "planner priced is wrong by as much" },
};

/* One alternation, tried left to right at each position: string literals, casts ("::text",
 * "::timestamp with time zone"), $n parameters, numbers and references to a SubPlan or
 * InitPlan ("NOT (hashed SubPlan 1)") are skipped whole so their insides are never read
 * as columns; then an identifier, maybe qualified (group 1) and
 * maybe a function call (group 3). */
static const char pl_token_re[] =
    "'(?:[^']|'')*'"
    "|::\\s*(?:\"[^\"]*\"|(?:timestamp|time) with(?:out)? time zone|character varying|double precision"
    "|bit varying|[A-Za-z_][\\w.]*)(?:\\[\\])*"
    "|\\$\\d+|\\d[\\w.]*"
    "|(?:hashed\\s+)?(?:SubPlan|InitPlan)\\s+\\d+"
    "|(?:(\"[^\"]+\"|[A-Za-z_]\\w*)\\.)?(\"[^\"]+\"|[A-Za-z_]\\w*)(\\s*\\()?";

/* An expression of one column compared in a condition: fn(col) (groups 1-3) or
 * (col ->> 'key') (groups 4-6), either maybe qualified; lower((email)::text) of a varchar
 * column too. The planner keeps no statistics
 * on them unless asked to, so their selectivity is a default guess. */
static const char pl_expr_re[] =
    "(?<![\\w.\"])([a-z_][a-z0-9_]*)\\(\\(?(?:(\"[^\"]+\"|[A-Za-z_]\\w*)\\.)?(\"[^\"]+\"|[A-Za-z_]\\w*)"
    "(?:\\)::[a-z_]\\w*(?: varying)?)?\\)"
    "|\\((?:(\"[^\"]+\"|[A-Za-z_]\\w*)\\.)?(\"[^\"]+\"|[A-Za-z_]\\w*)\\s*->>\\s*'((?:[^']|'')*)'(?:::text)?\\)";

static const char *const pl_keywords[] = {
    "AND", "OR", "NOT", "IS", "NULL", "TRUE", "FALSE", "ANY", "ALL", "SOME", "IN", "LIKE", "ILIKE",
    "BETWEEN", "SIMILAR", "TO", "ARRAY", "CASE", "WHEN", "THEN", "ELSE", "END", "DISTINCT", "FROM",
    "UNKNOWN", "ESCAPE", "COLLATE",
};

typedef struct pl_cols {
    const char *name[PL_MAX_COLS];
    size_t n;
} pl_cols;

typedef struct pl_re {
    pcre2_code *code;
    pcre2_match_data *md;
    pcre2_code *expr;
    pcre2_match_data *expr_md;
} pl_re;

/* The first expression of the node's own table in its conditions, names as stored. */
typedef struct pl_expr {
    const char *func;      /* lower, for fn(col); NULL for col ->> key */
    const char *column;
    const char *key;       /* the jsonb key, unquoted */
    const char *shown;     /* as the plan prints it, for the message */
} pl_expr;

static int is_keyword(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(pl_keywords) / sizeof(pl_keywords[0]); i++)
        if (strlen(pl_keywords[i]) == len && strncasecmp(pl_keywords[i], s, len) == 0)
            return 1;
    return 0;
}

static void add_col(pl_check *c, pl_cols *cols, const char *s, size_t len)
{
    size_t i;

    if (cols->n >= PL_MAX_COLS || is_keyword(s, len))
        return;
    for (i = 0; i < cols->n; i++)
        if (strlen(cols->name[i]) == len && strncmp(cols->name[i], s, len) == 0)
            return;
    cols->name[cols->n++] = pl_fmt_text(c, "%.*s", (int)len, s);
}

/* Columns of the node's own table in one condition: qualified by its alias (VERBOSE), or
 * bare. When alias is NULL (a join), qualified names are kept as written. */
static void cond_columns(pl_check *c, const pl_re *re, const char *cond, const char *alias, pl_cols *cols)
{
    size_t len = strlen(cond), off = 0;
    int tokens = 0;

    if (len > PL_MAX_COND_LEN)
        len = PL_MAX_COND_LEN;
    while (off < len && tokens++ < PL_MAX_TOKENS &&
           pcre2_match(re->code, (PCRE2_SPTR)cond, len, off, 0, re->md, NULL) > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->md);
        int rc = (int)pcre2_get_ovector_count(re->md);

        off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        /* Unset groups are PCRE2_UNSET; a set group 3 is a function call. */
        if (rc < 3 || ov[4] == PCRE2_UNSET || (rc > 3 && ov[6] != PCRE2_UNSET))
            continue;
        if (ov[2] == PCRE2_UNSET)
            add_col(c, cols, cond + ov[4], ov[5] - ov[4]);
        else if (!alias)
            add_col(c, cols, cond + ov[2], ov[5] - ov[2]);
        else if (strlen(alias) == ov[3] - ov[2] && strncmp(alias, cond + ov[2], ov[3] - ov[2]) == 0)
            add_col(c, cols, cond + ov[4], ov[5] - ov[4]);
    }
}

static pl_cols node_columns(pl_check *c, const pl_re *re, const planlint_node *n)
{
    static const planlint_node_field conds[] = {
        PLANLINT_FIELD_INDEX_COND, PLANLINT_FIELD_RECHECK_COND, PLANLINT_FIELD_FILTER,
        PLANLINT_FIELD_HASH_COND, PLANLINT_FIELD_MERGE_COND, PLANLINT_FIELD_JOIN_FILTER,
    };
    /* A table's columns are qualified by its alias, or by its name when it has none. */
    const char *rel = n->fields[PLANLINT_FIELD_RELATION];
    const char *alias = rel && n->fields[PLANLINT_FIELD_ALIAS] ? n->fields[PLANLINT_FIELD_ALIAS] : rel;
    pl_cols cols;
    size_t i;

    cols.n = 0;
    for (i = 0; re->code && i < sizeof(conds) / sizeof(conds[0]); i++)
        if (n->fields[conds[i]])
            cond_columns(c, re, n->fields[conds[i]], alias, &cols);
    return cols;
}

static int same_name(const char *alias, const char *s, PCRE2_SIZE from, PCRE2_SIZE to)
{
    return from == PCRE2_UNSET || !alias || (strlen(alias) == to - from && strncmp(alias, s + from, to - from) == 0);
}

/* 'it''s' (without its quotes) as stored: it's. */
static const char *unquote_literal(pl_check *c, const char *s, size_t n)
{
    const char *out = pl_fmt_text(c, "%.*s", (int)n, s);
    char *w = (char *)out;   /* the arena's copy; "" (a constant) only when empty or out of memory */
    const char *r;

    if (!*out)
        return out;
    for (r = out; *r; r++) {
        *w++ = *r;
        if (r[0] == '\'' && r[1] == '\'')
            r++;
    }
    *w = '\0';
    return out;
}

static int find_expr_in(pl_check *c, const pl_re *re, const char *cond, const char *alias, pl_expr *out)
{
    size_t len = strlen(cond), off = 0;
    int tokens = 0;

    if (len > PL_MAX_COND_LEN)
        len = PL_MAX_COND_LEN;
    while (off < len && tokens++ < PL_MAX_TOKENS &&
           pcre2_match(re->expr, (PCRE2_SPTR)cond, len, off, 0, re->expr_md, NULL) > 0) {
        PCRE2_SIZE *ov = pcre2_get_ovector_pointer(re->expr_md);
        int fn = ov[2] != PCRE2_UNSET;
        size_t q = fn ? 4 : 8, col = fn ? 6 : 10;

        off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
        if (!same_name(alias, cond, ov[q], ov[q + 1]))
            continue;
        out->column = pl_fmt_unquote(c, cond + ov[col], ov[col + 1] - ov[col]);
        out->func = fn ? pl_fmt_unquote(c, cond + ov[2], ov[3] - ov[2]) : NULL;
        out->key = fn ? NULL : unquote_literal(c, cond + ov[12], ov[13] - ov[12]);
        out->shown = pl_fmt_text(c, "%.*s", (int)(ov[1] - ov[0]), cond + ov[0]);
        if (out->column && (!fn || out->func) && strcmp(out->column, "SubPlan") != 0)
            return 1;
    }
    return 0;
}

static int find_expr(pl_check *c, const pl_re *re, const planlint_node *n, pl_expr *out)
{
    static const planlint_node_field conds[] = {
        PLANLINT_FIELD_INDEX_COND, PLANLINT_FIELD_RECHECK_COND, PLANLINT_FIELD_FILTER,
    };
    const char *rel = n->fields[PLANLINT_FIELD_RELATION];
    const char *alias = rel && n->fields[PLANLINT_FIELD_ALIAS] ? n->fields[PLANLINT_FIELD_ALIAS] : rel;
    size_t i;

    for (i = 0; rel && re->expr && i < sizeof(conds) / sizeof(conds[0]); i++)
        if (n->fields[conds[i]] && find_expr_in(c, re, n->fields[conds[i]], alias, out))
            return 1;
    return 0;
}

static const char *join_cols(pl_check *c, const pl_cols *cols)
{
    const char *s = cols->n ? cols->name[0] : "";
    size_t i;

    for (i = 1; i < cols->n; i++)
        s = pl_fmt_text(c, "%s, %s", s, cols->name[i]);
    return s;
}

/* The operator that was sized or chosen on this node's row count. Gather, Append and
 * the like pass rows through unchanged, so look past a few of them. */
static const planlint_node *dependent(const planlint_node *n)
{
    static const char *const sized[] = {
        "Nested Loop", "Hash", "Hash Join", "Sort", "Incremental Sort", "Aggregate", "Memoize",
        "WindowAgg", "SetOp", "Unique",
    };
    static const char *const through[] = {
        "Gather", "Gather Merge", "Append", "Merge Append", "Result", "Subquery Scan", "Materialize",
    };
    const planlint_node *p;
    int depth;
    size_t i;

    for (p = n->parent, depth = 0; p && depth < 4; p = p->parent, depth++) {
        for (i = 0; i < sizeof(sized) / sizeof(sized[0]); i++)
            if (pl_node_is(p, sized[i]))
                return p;
        for (i = 0; i < sizeof(through) / sizeof(through[0]) && !pl_node_is(p, through[i]); i++)
            ;
        if (i == sizeof(through) / sizeof(through[0]))
            return NULL;
    }
    return NULL;
}

/* A join off by about as much as one of its inputs only repeats that input's error:
 * report where it starts, not every node above it. */
static int inherited(pl_check *c, const planlint_node *n)
{
    double min = pl_param(c, "min_factor");
    size_t i;

    for (i = 0; i < n->nchildren; i++) {
        const planlint_node *k = n->children[i];
        if (k->m[PLANLINT_M_ESTIMATE_FACTOR] >= min &&
            k->m[PLANLINT_M_ESTIMATE_DIRECTION] == n->m[PLANLINT_M_ESTIMATE_DIRECTION] &&
            n->m[PLANLINT_M_ESTIMATE_FACTOR] < k->m[PLANLINT_M_ESTIMATE_FACTOR] * min)
            return 1;
    }
    return 0;
}

/* The statements of the advice, each built through pl_finding_sql(); NULL members when
 * one could not be. */
typedef struct pl_stmts {
    const char *analyze, *stats, *target;
} pl_stmts;

/* The columns as stored (unquoted); 0 when one of them is not a single identifier. */
static int stored_cols(pl_check *c, const pl_cols *cols, const char **out)
{
    size_t i;

    for (i = 0; i < cols->n; i++)
        if (!(out[i] = pl_fmt_unquote(c, cols->name[i], strlen(cols->name[i]))))
            return 0;
    return 1;
}

static pl_stmts build(pl_check *c, pl_finding *f, const planlint_node *n, const pl_cols *cols)
{
    const char *rel = n->fields[PLANLINT_FIELD_RELATION], *schema = n->fields[PLANLINT_FIELD_SCHEMA];
    const char *names[PL_MAX_COLS];
    pl_stmts s = { NULL, NULL, NULL };
    int ok = stored_cols(c, cols, names);

    s.analyze = pl_finding_sql(f, "VacuumStmt", "ANALYZE %Q;", schema, rel);
    if (ok && cols->n >= 2)
        s.stats = pl_finding_sql(f, "CreateStatsStmt", "CREATE STATISTICS %I (dependencies, ndistinct, mcv) "
                                 "ON %V FROM %Q;", pl_fmt_text(c, "%s_stats", rel), names, cols->n, schema, rel);
    if (ok && cols->n >= 1)
        s.target = pl_finding_sql(f, "AlterTableStmt", "ALTER TABLE %Q ALTER COLUMN %I SET STATISTICS 1000;",
                                  schema, rel, names[0]);
    return s;
}

/* What the catalog says about the table's statistics (live mode), or NULL without one.
 * *stale: never analyzed, or a tenth of its rows (autovacuum's default scale factor)
 * modified since. */
static const char *freshness(pl_check *c, const planlint_node *n, int *stale)
{
    const pl_cat_table *t = pl_catalog_table(n);
    const char *when = t ? pl_cat_last_analyze(t) : NULL;
    double mod, rows;

    *stale = 0;
    if (!t || !t->has_activity || isnan(t->n_mod_since_analyze))
        return NULL;
    if (!when) {
        *stale = 1;
        return "it has never been analyzed (pg_stat_user_tables)";
    }
    mod = t->n_mod_since_analyze;
    rows = fmax(pl_nz(t->reltuples), 1);
    *stale = mod >= 0.1 * rows;
    return pl_fmt_text(c, "it was last analyzed %s and %s rows (%s of %s) changed since (pg_stat_user_tables)",
                       when, pl_fmt_count(c, mod), pl_fmt_pct(c, mod / rows), pl_fmt_count(c, rows));
}

/* The words on staleness that open the advice: the catalog's when there is one. */
static const char *stale_words(pl_check *c, const planlint_node *n, const char *analyze)
{
    int stale;
    const char *fresh = freshness(c, n, &stale);

    if (!fresh)
        return pl_fmt_text(c, "%s first: its statistics may be stale (rows added or changed since the last "
                              "ANALYZE; check last_analyze / last_autoanalyze in pg_stat_user_tables).", analyze);
    if (stale)
        return pl_fmt_text(c, "%s first: its statistics are stale: %s.", analyze, fresh);
    return pl_fmt_text(c, "Its statistics are fresh (%s): another ANALYZE will not change the estimate.", fresh);
}

/* A condition on an expression (lower(email) = ..., payload ->> 'k' = ...): the planner
 * has no statistics on it and guesses (0.5% for equality), and ANALYZE does not
 * change that. Statistics on the expression (PostgreSQL 14+) or an expression index,
 * which ANALYZE also collects statistics for, do. */
static void advise_expr(pl_check *c, pl_finding *f, const planlint_node *n, const pl_expr *e)
{
    const char *rel = n->fields[PLANLINT_FIELD_RELATION], *schema = n->fields[PLANLINT_FIELD_SCHEMA];
    const char *name = e->func ? pl_fmt_text(c, "%s_%s_%s_stats", rel, e->func, e->column)
                                   : pl_fmt_text(c, "%s_%s_stats", rel, e->column);
    const char *stats, *index, *analyze = pl_finding_sql(f, "VacuumStmt", "ANALYZE %Q;", schema, rel);

    if (e->func) {
        stats = pl_finding_sql(f, "CreateStatsStmt", "CREATE STATISTICS %I ON (%I(%I)) FROM %Q;", name, e->func,
                               e->column, schema, rel);
        index = pl_finding_sql(f, "IndexStmt", "CREATE INDEX ON %Q (%I(%I));", schema, rel, e->func, e->column);
    } else {
        stats = pl_finding_sql(f, "CreateStatsStmt", "CREATE STATISTICS %I ON ((%I ->> %L)) FROM %Q;", name,
                               e->column, e->key, schema, rel);
        index = pl_finding_sql(f, "IndexStmt", "CREATE INDEX ON %Q ((%I ->> %L));", schema, rel, e->column, e->key);
    }
    if (!stats || !index || !analyze) {
        pl_finding_advice(f, "The condition is on an expression, %s: the planner keeps no statistics on it and "
                             "guesses its selectivity, and ANALYZE does not change that. Create statistics on the "
                             "expression (PostgreSQL 14+) or an expression index, then ANALYZE. %s",
                          e->shown, pl_no_safe_sql);
        return;
    }
    pl_finding_advice(f, "The condition is on an expression, %s: the planner keeps no statistics on it and "
                         "guesses its selectivity (0.5%% for an equality), so ANALYZE alone does not help. "
                         "Give it statistics on the expression (PostgreSQL 14+):\n"
                         "  %s\n"
                         "  %s\n"
                         "or create an expression index, whose expression ANALYZE also samples (and which "
                         "can serve the condition): %s",
                      e->shown, stats, analyze, index);
}

/* A Function Scan or CTE Scan: no table, nothing for ANALYZE to sample. */
static int advise_no_table(pl_finding *f, const planlint_node *n)
{
    if (pl_node_is(n, "Function Scan")) {
        pl_finding_advice(f, "A function's row count is not estimated from data: the planner takes its ROWS "
                             "setting (1000 unless declared; 1 for a scalar function), and ANALYZE does not change "
                             "it. Declare what it returns: ALTER FUNCTION name(argument types) ROWS n, or give it a "
                             "planner support function (SUPPORT) that estimates from the arguments.");
        return 1;
    }
    if (n->kind == PL_KIND_CTE_SCAN) {
        pl_finding_advice(f, "A CTE Scan's estimate is the estimate of the CTE's own query: fix it there (see the "
                             "nodes that compute the CTE), or let the planner inline the CTE (NOT MATERIALIZED, "
                             "PostgreSQL 12+) so that the outer conditions are estimated with its tables' statistics.");
        return 1;
    }
    return 0;
}

/* A join or other node without a table of its own: the statements stay generic. */
static void advise_generic(pl_finding *f, const pl_cols *cols, const char *list)
{
    const char *alter = pl_finding_sql(f, "AlterTableStmt", "ALTER TABLE t ALTER COLUMN c SET STATISTICS 1000;");
    const char *analyze = pl_finding_sql(f, "VacuumStmt", "ANALYZE t;");

    pl_finding_advice(f, "ANALYZE the tables below this node: their statistics may be stale. If the "
                         "estimate stays wrong, raise the statistics target of the columns in its "
                         "condition%s%s%s (%s then %s), and for columns of one table that are correlated, "
                         "CREATE STATISTICS (dependencies, ndistinct, mcv) ON them.",
                      cols->n ? " (" : "", list, cols->n ? ")" : "", alter ? alter : "", analyze ? analyze : "");
}

static void advise(pl_check *c, pl_finding *f, const planlint_node *n, const pl_cols *cols)
{
    const char *list = join_cols(c, cols);
    pl_stmts s;

    if (!n->fields[PLANLINT_FIELD_RELATION]) {
        if (!advise_no_table(f, n))
            advise_generic(f, cols, list);
        return;
    }
    s = build(c, f, n, cols);
    if (!s.analyze || (cols->n >= 1 && !s.target) || (cols->n >= 2 && !s.stats))
        pl_finding_advice(f, "ANALYZE the table first: its statistics may be stale. If the estimate stays "
                             "wrong, raise the statistics target of the columns in its condition%s%s%s, and "
                             "CREATE STATISTICS on those that are correlated. %s",
                          cols->n ? " (" : "", list, cols->n ? ")" : "", pl_no_safe_sql);
    else if (cols->n >= 2)
        pl_finding_advice(f, "%s If the estimate stays wrong, "
                             "the columns %s are probably correlated (the planner multiplies their "
                             "selectivities as if independent):\n"
                             "  %s\n"
                             "  %s\n"
                             "and raise the statistics target of a skewed column: %s",
                          stale_words(c, n, s.analyze), list, s.stats, s.analyze, s.target);
    else if (cols->n == 1)
        pl_finding_advice(f, "%s If the estimate stays wrong, raise the statistics target of %s: %s %s",
                          stale_words(c, n, s.analyze), list, s.target, s.analyze);
    else
        pl_finding_advice(f, "%s If the estimate stays wrong, raise the statistics target of the column in its "
                             "condition (ALTER TABLE ... ALTER COLUMN ... SET STATISTICS 1000), then %s",
                          stale_words(c, n, s.analyze), s.analyze);
}

static void report(pl_check *c, const pl_re *re, const planlint_node *n, const planlint_node *dep)
{
    double factor = n->m[PLANLINT_M_ESTIMATE_FACTOR], dir = n->m[PLANLINT_M_ESTIMATE_DIRECTION];
    double loops = n->m[PLANLINT_M_ACTUAL_LOOPS];
    pl_cols cols = node_columns(c, re, n);
    pl_expr expr;
    pl_finding *f = pl_finding_new(c, n, dep ? dep->m[PLANLINT_M_INCLUSIVE_TIME] : NAN);

    /* Nothing planned on the estimate: the error costs nothing here. An overestimate only
     * makes the planner cautious (memory to spare, a hash join where a loop would do): info.
     * An underestimate feeding a nested loop multiplies its loops by the same factor. */
    if (!dep || dir < 0)
        pl_finding_severity(f, PLANLINT_SEVERITY_INFO);
    else if (pl_node_is(dep, "Nested Loop") && dir > 0 && factor >= pl_param(c, "error_factor"))
        pl_finding_severity(f, PLANLINT_SEVERITY_ERROR);
    pl_finding_message(f, "%s returned %s row%s%s where the planner estimated %s (%sx %s)%s%s",
                       pl_node_label(c, n), pl_fmt_count(c, n->m[PLANLINT_M_ACTUAL_ROWS]),
                       n->m[PLANLINT_M_ACTUAL_ROWS] == 1 ? "" : "s", loops > 1 ? " per loop" : "", pl_fmt_count(c, n->m[PLANLINT_M_PLAN_ROWS]),
                       pl_fmt_num(c, factor, factor < 100 ? 1 : 0), dir > 0 ? "under" : "over",
                       dep ? "; planned on it: " : "", dep ? pl_node_label(c, dep) : "");
    if (find_expr(c, re, n, &expr))
        advise_expr(c, f, n, &expr);
    else
        advise(c, f, n, &cols);
    pl_finding_evidence(f, "estimate_factor", factor);
    pl_finding_evidence(f, "estimate_direction", dir);
    pl_finding_evidence(f, "actual_rows", n->m[PLANLINT_M_ACTUAL_ROWS]);
    pl_finding_evidence(f, "plan_rows", n->m[PLANLINT_M_PLAN_ROWS]);
    pl_finding_evidence(f, "loops", loops);
}

/* Below a Limit a node returns only what was pulled from it: fewer rows than estimated
 * is the Limit at work, not a misestimate. */
static int under_limit(const planlint_node *n)
{
    const planlint_node *p;

    for (p = n->parent; p; p = p->parent)
        if (pl_node_is(p, "Limit"))
            return 1;
    return 0;
}

static int candidate(pl_check *c, const planlint_node *n)
{
    double factor = n->m[PLANLINT_M_ESTIMATE_FACTOR], loops = n->m[PLANLINT_M_ACTUAL_LOOPS];
    double actual = n->m[PLANLINT_M_TOTAL_ROWS], planned = n->m[PLANLINT_M_PLAN_ROWS] * loops;

    if (isnan(factor) || n->never_executed || factor < pl_param(c, "min_factor"))
        return 0;
    if ((isnan(actual) || actual < pl_param(c, "min_rows")) && (isnan(planned) || planned < pl_param(c, "min_rows")))
        return 0;
    if (n->m[PLANLINT_M_ESTIMATE_DIRECTION] < 0 && under_limit(n))
        return 0;
    return !inherited(c, n);
}

/* The patterns, compiled when the first candidate comes: most plans have none, and a
 * compile costs more than the rest of the rule on a small plan. Without them (out of
 * memory) findings still come, just without column names. */
static void compile(pl_re *re)
{
    int errcode;
    PCRE2_SIZE erroff;

    re->code = pcre2_compile((PCRE2_SPTR)pl_token_re, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &errcode, &erroff, NULL);
    if (re->code && !(re->md = pcre2_match_data_create_from_pattern(re->code, NULL))) {
        pcre2_code_free(re->code);
        re->code = NULL;
    }
    re->expr = pcre2_compile((PCRE2_SPTR)pl_expr_re, PCRE2_ZERO_TERMINATED, PCRE2_UTF, &errcode, &erroff, NULL);
    if (re->expr && !(re->expr_md = pcre2_match_data_create_from_pattern(re->expr, NULL))) {
        pcre2_code_free(re->expr);
        re->expr = NULL;
    }
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    pl_re re = { NULL, NULL, NULL, NULL };
    int compiled = 0;
    size_t i;

    for (i = 0; i < p->nnodes; i++)
        if (candidate(c, p->nodes[i])) {
            if (!compiled++)
                compile(&re);
            report(c, &re, p->nodes[i], dependent(p->nodes[i]));
        }
    pcre2_match_data_free(re.md);
    pcre2_code_free(re.code);
    pcre2_match_data_free(re.expr_md);
    pcre2_code_free(re.expr);
}

const planlint_rule pl_rule_row_misestimate = {
    "PL003", "row-misestimate", "estimates", PLANLINT_SEVERITY_WARNING,
    "Actual rows far from the planner's estimate, with an operator planned on it",
    "The planner chooses join methods, join order, hash table and sort sizes from its row "
    "estimates. When a node returns 10x more or fewer rows than estimated (per loop), whatever "
    "was planned on that number is suspect: a Nested Loop chosen for 1 outer row runs its "
    "inner side 180,000 times, a Hash sized for 1,000 rows spills in batches, a sort expected "
    "to fit in memory goes to disk. The finding is a warning for an underestimate with such an "
    "operator above the node (an error for a 1000x underestimate under a Nested Loop); info "
    "for an overestimate (the planner was only cautious) or when nothing depends on it. "
    "Nodes under a Limit that returned fewer rows than estimated are not reported: the Limit "
    "stopped them. A join that is off by about as much as one of its inputs is not reported "
    "again: the error starts below it. Small counts (min_rows) are ignored.\n\n"
    "Fix: ANALYZE the table (statistics are stale after bulk loads or big changes); raise the "
    "statistics target of skewed columns (ALTER TABLE t ALTER COLUMN c SET STATISTICS 1000); "
    "for correlated columns used together in a condition, CREATE STATISTICS (dependencies, "
    "ndistinct, mcv) ON them, then ANALYZE.",
    params, PL_NPARAMS(params), check
};
