/* enrich.c - planlint_enrich(): read what only the database knows about the plan's
 * tables (indexes, size, analyze times, column statistics), read-only and rolled back. */
#include "enrich.h"
#include "live.h"
#include "error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PL_ENRICH_MAX_TABLES 200
#define PL_ENRICH_TIMEOUT "SET LOCAL statement_timeout = 10000"

/* All catalog SQL in one place. Parameters only, never text pasted into SQL. With no
 * Schema in the plan, to_regclass() resolves the bare name along the search path, that
 * is current_schemas(), as the planner did. */
static const char pl_sql_table[] =
    "SELECT n.nspname, c.relname, c.reltuples::float8, c.relpages::float8,"
    " pg_table_size(c.oid)::float8, s.relid IS NOT NULL, s.n_live_tup::float8,"
    " s.n_mod_since_analyze::float8, s.last_analyze::text, s.last_autoanalyze::text,"
    " s.last_vacuum::text, s.last_autovacuum::text,"
    " extract(epoch FROM now() - greatest(s.last_analyze, s.last_autoanalyze))::float8, c.oid::text"
    " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
    " LEFT JOIN pg_stat_user_tables s ON s.relid = c.oid"
    " WHERE c.oid = CASE WHEN $1::text IS NULL THEN to_regclass(quote_ident($2::text))"
    " ELSE to_regclass(quote_ident($1::text) || '.' || quote_ident($2::text)) END";

/* One row per key column of each valid index; INCLUDE columns are not keys (11+). The
 * predicate is deparsed without pretty-printing: then it has the parentheses and casts
 * EXPLAIN prints, "((kind)::text = 'y'::text)", not "kind::text = 'y'::text". */
static const char pl_sql_indexes[] =
    "SELECT ci.relname, pg_get_indexdef(i.indexrelid, k.k, true), i.indpred IS NOT NULL,"
    " i.indexprs IS NOT NULL, am.amname = 'btree', pg_get_expr(i.indpred, i.indrelid, false)"
    " FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_am am ON am.oid = ci.relam,"
    " generate_series(1, %s) k(k)"
    " WHERE i.indrelid = $1::oid AND i.indisvalid ORDER BY ci.relname, k.k LIMIT 4000";

static const char pl_sql_columns[] =
    "SELECT attname::text, null_frac::float8, n_distinct::float8, correlation::float8"
    " FROM pg_stats WHERE schemaname = $1::text AND tablename = $2::text AND NOT inherited"
    " ORDER BY attname LIMIT 1600";

/* The referencing columns of a foreign key the plan's Triggers name (by constraint name
 * and referenced table), and a valid non-partial index of the referencing table whose
 * leading keys are exactly those columns. */
static const char pl_sql_fk[] =
    "SELECT con.oid::text, n.nspname, r.relname, a.attname::text,"
    " (SELECT ci.relname FROM pg_index i JOIN pg_class ci ON ci.oid = i.indexrelid"
    "   WHERE i.indrelid = con.conrelid AND i.indisvalid AND i.indpred IS NULL"
    "   AND (SELECT array_agg(x ORDER BY x) FROM unnest((string_to_array(i.indkey::text, ' ')::int2[])"
    "        [1:cardinality(con.conkey)]) x) = (SELECT array_agg(x ORDER BY x) FROM unnest(con.conkey) x)"
    "   ORDER BY ci.relname LIMIT 1)"
    " FROM pg_constraint con JOIN pg_class f ON f.oid = con.confrelid"
    " JOIN pg_class r ON r.oid = con.conrelid JOIN pg_namespace n ON n.oid = r.relnamespace,"
    " unnest(con.conkey) WITH ORDINALITY k(attnum, i)"
    " JOIN pg_attribute a ON a.attnum = k.attnum"
    " WHERE con.contype = 'f' AND con.conname = $1::text AND f.relname = $2::text AND a.attrelid = con.conrelid"
    " ORDER BY con.oid, k.i LIMIT 64";

#define PL_ENRICH_MAX_FKS 64

typedef struct pl_enricher {
    planlint_conn *conn;
    pl_arena *arena;
    planlint_error *err;
    struct pl_catalog *cat;
} pl_enricher;

static PGresult *pl_query(pl_enricher *e, const char *sql, int nparams, const char *const *values)
{
    PGresult *res = PQexecParams(e->conn->pg, sql, nparams, NULL, values, NULL, NULL, 0);
    ExecStatusType st = res ? PQresultStatus(res) : PGRES_FATAL_ERROR;

    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK)
        return res;
    pl_db_error(e->err, e->conn->secrets, "reading the catalog: ", PQerrorMessage(e->conn->pg));
    PQclear(res);
    return NULL;
}

static int pl_command(pl_enricher *e, const char *sql)
{
    PGresult *res = pl_query(e, sql, 0, NULL);

    PQclear(res);
    return res ? 0 : PLANLINT_EDATABASE;
}

static double pl_num(const PGresult *r, int row, int col)
{
    double v;

    if (PQgetisnull(r, row, col) || pl_parse_double(PQgetvalue(r, row, col),
                                                    (size_t)PQgetlength(r, row, col), &v) != 0)
        return NAN;
    return v;
}

/* An arena copy of a text column; NULL for SQL NULL. *nomem is set on failure. */
static const char *pl_text(pl_enricher *e, const PGresult *r, int row, int col, int *nomem)
{
    const char *s;

    if (PQgetisnull(r, row, col))
        return NULL;
    if (!(s = pl_arena_strndup(e->arena, PQgetvalue(r, row, col), (size_t)PQgetlength(r, row, col))))
        *nomem = 1;
    return s;
}

static int pl_is_true(const PGresult *r, int row, int col)
{
    return !PQgetisnull(r, row, col) && PQgetvalue(r, row, col)[0] == 't';
}

static int pl_read_indexes(pl_enricher *e, pl_cat_table *t, const char *oid)
{
    char sql[sizeof(pl_sql_indexes) + 32];
    PGresult *r;
    int i, n, nomem = 0;
    pl_cat_index *ix = NULL;

    snprintf(sql, sizeof(sql), pl_sql_indexes,
             PQserverVersion(e->conn->pg) >= 110000 ? "i.indnkeyatts" : "i.indnatts");
    if (!(r = pl_query(e, sql, 1, &oid)))
        return PLANLINT_EDATABASE;
    n = PQntuples(r);
    if (n > 0 && !(t->indexes = pl_arena_array(e->arena, (size_t)n, sizeof(*t->indexes))))
        nomem = 1;
    for (i = 0; i < n && !nomem; i++) {
        const char *name = PQgetvalue(r, i, 0);

        if (!ix || strcmp(ix->name, name) != 0) {
            ix = &t->indexes[t->nindexes++];
            ix->name = pl_text(e, r, i, 0, &nomem);
            ix->partial = pl_is_true(r, i, 2);
            ix->predicate = pl_text(e, r, i, 5, &nomem);
            ix->expression = pl_is_true(r, i, 3);
            ix->btree = pl_is_true(r, i, 4);
        }
        if (ix->nkeys < PL_CAT_MAX_KEYS)
            ix->keys[ix->nkeys++] = pl_text(e, r, i, 1, &nomem);
    }
    PQclear(r);
    return nomem ? pl_error_nomem(e->err) : 0;
}

static int pl_read_columns(pl_enricher *e, pl_cat_table *t)
{
    const char *values[2];
    PGresult *r;
    int i, n, nomem = 0;

    values[0] = t->schema;
    values[1] = t->name;
    if (!(r = pl_query(e, pl_sql_columns, 2, values)))
        return PLANLINT_EDATABASE;
    n = PQntuples(r);
    if (n > 0 && !(t->columns = pl_arena_array(e->arena, (size_t)n, sizeof(*t->columns))))
        nomem = 1;
    for (i = 0; i < n && !nomem; i++) {
        pl_cat_column *col = &t->columns[t->ncolumns++];

        col->name = pl_text(e, r, i, 0, &nomem);
        col->null_frac = pl_num(r, i, 1);
        col->n_distinct = pl_num(r, i, 2);
        col->correlation = pl_num(r, i, 3);
    }
    PQclear(r);
    return nomem ? pl_error_nomem(e->err) : 0;
}

static void pl_fill_table(pl_enricher *e, pl_cat_table *t, const PGresult *r, int *nomem)
{
    t->schema = pl_text(e, r, 0, 0, nomem);
    t->name = pl_text(e, r, 0, 1, nomem);
    t->reltuples = pl_num(r, 0, 2);
    t->relpages = pl_num(r, 0, 3);
    t->size_bytes = pl_num(r, 0, 4);
    t->has_activity = pl_is_true(r, 0, 5);
    t->n_live_tup = pl_num(r, 0, 6);
    t->n_mod_since_analyze = pl_num(r, 0, 7);
    t->last_analyze = pl_text(e, r, 0, 8, nomem);
    t->last_autoanalyze = pl_text(e, r, 0, 9, nomem);
    t->last_vacuum = pl_text(e, r, 0, 10, nomem);
    t->last_autovacuum = pl_text(e, r, 0, 11, nomem);
    t->analyze_age_s = pl_num(r, 0, 12);
}

/* One table: its row, then its indexes and column statistics. A table the server does
 * not know (dropped since, or a name from another database) is skipped. */
static int pl_read_table(pl_enricher *e, const char *schema, const char *rel)
{
    const char *values[2];
    pl_cat_table *t = &e->cat->tables[e->cat->ntables];
    PGresult *r;
    int rc = 0, nomem = 0;
    char oid[24];

    values[0] = schema;
    values[1] = rel;
    if (!(r = pl_query(e, pl_sql_table, 2, values)))
        return PLANLINT_EDATABASE;
    if (PQntuples(r) != 1) {
        PQclear(r);
        return 0;
    }
    pl_fill_table(e, t, r, &nomem);
    snprintf(oid, sizeof(oid), "%s", PQgetvalue(r, 0, 13));
    PQclear(r);
    if (nomem || (schema && !(t->asked_schema = pl_arena_strndup(e->arena, schema, strlen(schema)))))
        return pl_error_nomem(e->err);
    e->cat->ntables++;
    rc = pl_read_indexes(e, t, oid);
    return rc ? rc : pl_read_columns(e, t);
}

static int pl_seen(const pl_enricher *e, const char *schema, const char *rel)
{
    size_t i;

    for (i = 0; i < e->cat->ntables; i++) {
        const pl_cat_table *t = &e->cat->tables[i];
        const char *s = t->asked_schema;

        if (strcmp(t->name, rel) == 0 && (s == schema || (s && schema && strcmp(s, schema) == 0)))
            return 1;
    }
    return 0;
}

/* Every table a scan of any plan of the list names, at most PL_ENRICH_MAX_TABLES. */
static int pl_read_tables(pl_enricher *e, const planlint_plan *list)
{
    const planlint_plan *p;
    size_t i;
    int rc;

    for (p = list; p; p = p->next)
        for (i = 0; i < p->nnodes && e->cat->ntables < PL_ENRICH_MAX_TABLES; i++) {
            const char *rel = p->nodes[i]->fields[PLANLINT_FIELD_RELATION];
            const char *schema = p->nodes[i]->fields[PLANLINT_FIELD_SCHEMA];

            if (!rel || pl_seen(e, schema, rel))
                continue;
            if ((rc = pl_read_table(e, schema, rel)) != 0)
                return rc;
        }
    return 0;
}

/* One foreign key: kept only when the name and referenced table find exactly one. */
static int pl_read_fk(pl_enricher *e, const char *constraint, const char *relation)
{
    const char *values[2];
    pl_cat_fk *fk = &e->cat->fks[e->cat->nfks];
    PGresult *r;
    int i, n, nomem = 0;

    values[0] = constraint, values[1] = relation;
    if (!(r = pl_query(e, pl_sql_fk, 2, values)))
        return PLANLINT_EDATABASE;
    n = PQntuples(r);
    if (n == 0 || strcmp(PQgetvalue(r, 0, 0), PQgetvalue(r, n - 1, 0)) != 0) {
        PQclear(r);
        return 0;
    }
    memset(fk, 0, sizeof(*fk));
    fk->constraint = pl_arena_strndup(e->arena, constraint, strlen(constraint));
    fk->referenced = pl_arena_strndup(e->arena, relation, strlen(relation));
    fk->schema = pl_text(e, r, 0, 1, &nomem);
    fk->table = pl_text(e, r, 0, 2, &nomem);
    fk->index = pl_text(e, r, 0, 4, &nomem);
    for (i = 0; i < n && i < PL_CAT_MAX_KEYS; i++)
        fk->columns[fk->ncolumns++] = pl_text(e, r, i, 3, &nomem);
    PQclear(r);
    if (nomem || !fk->constraint || !fk->referenced)
        return pl_error_nomem(e->err);
    e->cat->nfks++;
    return 0;
}

/* Every foreign key named by a trigger in the plans' "Triggers" lists. */
static int pl_read_fks(pl_enricher *e, const planlint_plan *list)
{
    const planlint_plan *p;
    size_t i;
    int rc;

    for (p = list; p; p = p->next) {
        const planlint_value *trig = pl_value_get(p->obj, "Triggers");

        for (i = 0; i < planlint_value_size(trig) && e->cat->nfks < PL_ENRICH_MAX_FKS; i++) {
            const char *con = pl_value_str(planlint_value_at(trig, i), "Constraint Name");
            const char *rel = pl_value_str(planlint_value_at(trig, i), "Relation");

            if (!con || !rel || pl_catalog_fk_in(e->cat, con, rel))
                continue;
            if ((rc = pl_read_fk(e, con, rel)) != 0)
                return rc;
        }
    }
    return 0;
}

/* The catalog entry of the table a scan names, as the server resolved it. */
static const pl_cat_table *pl_find(const struct pl_catalog *cat, const planlint_node *scan)
{
    const char *rel = scan->fields[PLANLINT_FIELD_RELATION], *schema = scan->fields[PLANLINT_FIELD_SCHEMA];
    size_t i;

    for (i = 0; rel && i < cat->ntables; i++) {
        const pl_cat_table *t = &cat->tables[i];

        if (strcmp(t->name, rel) == 0 && (!schema || strcmp(t->schema, schema) == 0))
            return t;
    }
    return NULL;
}

/* Only after a complete read: the plan stays as it was when enrichment fails. Each scan
 * keeps its table, so that rules find it without a search. */
static void pl_attach(planlint_plan *list, struct pl_catalog *cat)
{
    planlint_plan *p;
    size_t i;

    for (p = list; p; p = p->next) {
        p->catalog = cat;
        for (i = 0; i < p->nnodes; i++)
            p->nodes[i]->catalog = pl_find(cat, p->nodes[i]);
    }
}

int planlint_enrich(planlint_plan *plan, planlint_conn *conn, planlint_error *err)
{
    pl_enricher e;
    int rc, rb;

    if (!plan || !conn || !conn->pg)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "invalid enrich arguments");
    if ((rc = pl_live_ready(conn, err)) != 0)
        return rc;
    e.conn = conn, e.arena = plan->arena, e.err = err;
    if (!(e.cat = pl_arena_alloc(plan->arena, sizeof(*e.cat))) ||
        !(e.cat->tables = pl_arena_array(plan->arena, PL_ENRICH_MAX_TABLES, sizeof(*e.cat->tables))) ||
        !(e.cat->fks = pl_arena_array(plan->arena, PL_ENRICH_MAX_FKS, sizeof(*e.cat->fks))))
        return pl_error_nomem(err);
    if ((rc = pl_command(&e, "BEGIN READ ONLY")) != 0)
        return rc;
    rc = pl_command(&e, PL_ENRICH_TIMEOUT);
    if (rc == 0)
        rc = pl_read_tables(&e, plan);
    if (rc == 0)
        rc = pl_read_fks(&e, plan);
    /* A failed read leaves the transaction aborted; ROLLBACK ends it either way. */
    rb = PQstatus(conn->pg) == CONNECTION_OK ? pl_command(&e, "ROLLBACK") : PLANLINT_EDATABASE;
    if (rc == 0 && rb != 0)
        rc = rb;
    if (rc == 0)
        pl_attach(plan, e.cat);
    return rc;
}
