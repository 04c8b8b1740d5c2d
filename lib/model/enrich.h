/* enrich.h - what live mode read from the server's catalog about the plan's
 * tables, kept in the plan's arena so that rules can use it. */
#ifndef PL_ENRICH_H
#define PL_ENRICH_H

#include "model.h"

#define PL_CAT_MAX_KEYS 32

typedef struct pl_cat_index {
    const char *name;
    const char *keys[PL_CAT_MAX_KEYS]; /* key columns or expressions, in order (pg_get_indexdef) */
    size_t nkeys;
    int partial;                       /* has a WHERE clause: serves only some queries */
    const char *predicate;             /* that WHERE clause as EXPLAIN spells conditions
                                        * (pg_get_expr, not pretty); NULL when not partial */
    int expression;                    /* at least one key is an expression */
    int btree;
} pl_cat_index;

typedef struct pl_cat_column {
    const char *name;
    double null_frac, n_distinct, correlation;  /* pg_stats; NaN when absent */
} pl_cat_column;

typedef struct pl_cat_table {
    const char *schema, *name;         /* as resolved by the server */
    const char *asked_schema;          /* the plan's "Schema", NULL when it had none */
    double reltuples, relpages, size_bytes;
    int has_activity;                  /* a row in pg_stat_user_tables */
    double n_live_tup, n_mod_since_analyze;
    double analyze_age_s;              /* seconds since the last (auto)analyze; NaN: never */
    const char *last_analyze, *last_autoanalyze, *last_vacuum, *last_autovacuum; /* NULL: never */
    pl_cat_index *indexes;
    size_t nindexes;
    pl_cat_column *columns;
    size_t ncolumns;
} pl_cat_table;

/* A foreign key whose trigger the plan's "Triggers" list names, resolved in the catalog. */
typedef struct pl_cat_fk {
    const char *constraint, *referenced;   /* as the plan names them: Constraint Name, Relation */
    const char *schema, *table;            /* the referencing table */
    const char *columns[PL_CAT_MAX_KEYS];  /* its referencing columns, in the key's order */
    size_t ncolumns;
    const char *index;                     /* a valid index leading with exactly them, or NULL */
} pl_cat_fk;

struct pl_catalog {
    pl_cat_table *tables;
    size_t ntables;
    pl_cat_fk *fks;
    size_t nfks;
};

/* The catalog entry of the scan's table, or NULL (no enrichment, or not found). */
const pl_cat_table *pl_catalog_table(const planlint_node *scan);

/* The foreign key of a trigger (its Constraint Name and Relation, the referenced table),
 * or NULL (no enrichment, not found, or the name is ambiguous). */
const pl_cat_fk *pl_catalog_fk(const planlint_plan *plan, const char *constraint, const char *relation);
/* The same in a catalog being filled (enrich.c, before it is attached to the plan). */
const pl_cat_fk *pl_catalog_fk_in(const struct pl_catalog *cat, const char *constraint,
                                  const char *relation);

/* The later of last_analyze and last_autoanalyze, or NULL when never analyzed. */
const char *pl_cat_last_analyze(const pl_cat_table *t);

#endif
