/* verify.c - planlint_verify_indexes(): would the planner use the index a finding
 * suggests? hypopg creates it hypothetically (in this backend's memory only) and the
 * statement is planned again, never executed, in a transaction that is always rolled
 * back and is READ ONLY from the moment hypopg is ready. */
#include "finding.h"
#include "live.h"
#include "statement.h"
#include "alloc.h"
#include "arena.h"
#include "error.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PL_NAME_MAX 256
#define PL_TOGETHER_MAX 16   /* suggestions tried together, at most */

static const char pl_sql_schema[] =
    "SELECT quote_ident(n.nspname) FROM pg_extension e"
    " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'hypopg'";
static const char pl_sql_available[] =
    "SELECT name FROM pg_available_extensions WHERE name = 'hypopg'";

typedef struct pl_verifier {
    planlint_conn *conn;
    const char *sql;
    planlint_capture_options opts;  /* as the caller's, but never ANALYZE */
    pl_arena *arena;
    planlint_error *err;
    int generic;                    /* pl_live_generic() */
    char schema[PL_NAME_MAX];       /* hypopg's schema, quoted */
    double cost_before;
    int keep_plan;                  /* pl_plan_cost() keeps its plan in last_plan */
    planlint_plan *last_plan;
} pl_verifier;

static int pl_lost(const pl_verifier *v)
{
    return PQstatus(v->conn->pg) != CONNECTION_OK;
}

/* The first column of the first row into out (empty when there is no row). The one
 * parameter, when not NULL, goes separately from the SQL text. */
static int pl_query_text(pl_verifier *v, const char *sql, const char *param, char *out, size_t size,
                         planlint_error *err)
{
    PGresult *res = pl_live_exec_params(v->conn, sql, param ? 1 : 0, param ? &param : NULL,
                                        PGRES_TUPLES_OK, err);

    out[0] = '\0';
    if (!res)
        return PLANLINT_EDATABASE;
    if (PQntuples(res) > 0 && PQnfields(res) > 0)
        snprintf(out, size, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    return 0;
}

/* Installed already, or installable here: CREATE EXTENSION inside the transaction, in
 * a savepoint so that a refusal leaves the transaction usable. Returns 1 when v->schema
 * is set, 0 with the reason in *why, or an error. */
static int pl_hypopg_ready(pl_verifier *v, const char **why)
{
    char found[PL_NAME_MAX];
    planlint_error e;
    int rc;

    memset(&e, 0, sizeof(e));
    if ((rc = pl_query_text(v, pl_sql_schema, NULL, v->schema, sizeof(v->schema), v->err)) != 0)
        return rc;
    if (v->schema[0])
        return 1;
    if ((rc = pl_query_text(v, pl_sql_available, NULL, found, sizeof(found), v->err)) != 0)
        return rc;
    if (!found[0]) {
        *why = "the hypopg extension is not installed on the server";
        return 0;
    }
    if ((rc = pl_live_command(v->conn, "SAVEPOINT planlint_ext", v->err)) != 0)
        return rc;
    if (pl_live_command(v->conn, "CREATE EXTENSION hypopg", &e) != 0) {
        if (pl_lost(v)) {
            *v->err = e;
            return PLANLINT_EDATABASE;
        }
        if ((rc = pl_live_command(v->conn, "ROLLBACK TO SAVEPOINT planlint_ext", v->err)) != 0)
            return rc;
        *why = pl_arena_strndup(v->arena, e.text, strlen(e.text));
        return *why ? 0 : pl_error_nomem(v->err);
    }
    if ((rc = pl_live_command(v->conn, "RELEASE SAVEPOINT planlint_ext", v->err)) != 0)
        return rc;
    if ((rc = pl_query_text(v, pl_sql_schema, NULL, v->schema, sizeof(v->schema), v->err)) != 0)
        return rc;
    return v->schema[0] != '\0';
}

static int pl_plan_uses(const planlint_plan *p, const char *index_name)
{
    size_t i;

    for (; p; p = p->next)
        for (i = 0; i < p->nnodes; i++)
            if (p->nodes[i]->fields[PLANLINT_FIELD_INDEX] &&
                strcmp(p->nodes[i]->fields[PLANLINT_FIELD_INDEX], index_name) == 0)
                return 1;
    return 0;
}

/* EXPLAIN the statement: the planner's total cost, and whether index_name is in it. */
static int pl_plan_cost(pl_verifier *v, const char *index_name, double *cost, int *uses,
                        planlint_error *err)
{
    planlint_plan *p = NULL;
    char *json = NULL;
    size_t len = 0;
    int rc = pl_live_explain(&json, &len, v->conn, v->sql, v->generic, &v->opts, err);

    if (rc == 0)
        rc = planlint_plan_parse(&p, json, len, NULL, err);
    if (rc == 0) {
        *cost = p->root ? p->root->m[PLANLINT_M_TOTAL_COST] : NAN;
        *uses = index_name && pl_plan_uses(p, index_name);
    }
    /* With all indexes together, the caller looks at the plan for each of them. */
    if (rc == 0 && !index_name && v->keep_plan) {
        v->last_plan = p;
        p = NULL;
    }
    planlint_plan_free(p);
    pl_free(json);
    return rc;
}

static int pl_note(pl_verifier *v, planlint_finding *f, planlint_verification what, const char *note)
{
    if (!(f->verify_note = pl_arena_strndup(v->arena, note, strlen(note))))
        return pl_error_nomem(v->err);
    f->verification = what;
    return 0;
}

/* The hypothetical index, the plan with it, and hypopg_reset(), inside a savepoint. */
static int pl_verify_one(pl_verifier *v, planlint_finding *f)
{
    char q[PL_NAME_MAX + 64], name[PL_NAME_MAX];
    planlint_error e;
    double cost = NAN;
    int uses = 0, rc;

    memset(&e, 0, sizeof(e));
    if ((rc = pl_live_command(v->conn, "SAVEPOINT planlint_hypo", v->err)) != 0)
        return rc;
    snprintf(q, sizeof(q), "SELECT indexname FROM %s.hypopg_create_index($1)", v->schema);
    rc = pl_query_text(v, q, f->index_sql, name, sizeof(name), &e);
    if (rc == 0 && !name[0])
        rc = pl_error(&e, PLANLINT_EDATABASE, 0, 0, NULL, "hypopg created no index");
    if (rc == 0)
        rc = pl_plan_cost(v, name, &cost, &uses, &e);
    /* A cancel or the statement timeout ends the whole check, not just this index. */
    if (rc == PLANLINT_ENOMEM || pl_lost(v) || (rc != 0 && v->conn->canceled)) {
        *v->err = e;
        return rc;
    }
    if (rc == 0) {
        f->cost_before = v->cost_before;
        f->cost_after = cost;
        rc = pl_note(v, f, uses ? PLANLINT_VERIFY_CHOSEN : PLANLINT_VERIFY_NOT_CHOSEN, name);
    } else if ((rc = pl_live_command(v->conn, "ROLLBACK TO SAVEPOINT planlint_hypo", v->err)) == 0) {
        rc = pl_note(v, f, PLANLINT_VERIFY_FAILED, e.text);
    }
    if (rc != 0)
        return rc;
    snprintf(q, sizeof(q), "SELECT %s.hypopg_reset()", v->schema);
    if ((rc = pl_query_text(v, q, NULL, name, sizeof(name), v->err)) != 0)
        return rc;
    return pl_live_command(v->conn, "RELEASE SAVEPOINT planlint_hypo", v->err);
}

/* An earlier finding that suggested the same index: its outcome serves. */
static const planlint_finding *pl_same_index(const planlint_plan *plan, size_t upto, const char *sql)
{
    size_t i;

    for (i = 0; i < upto; i++)
        if (plan->findings[i]->index_sql && strcmp(plan->findings[i]->index_sql, sql) == 0)
            return plan->findings[i];
    return NULL;
}

static int pl_verify_all(pl_verifier *v, planlint_plan *plan)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < plan->nfindings && rc == 0; i++) {
        planlint_finding *f = (planlint_finding *)plan->findings[i];
        const planlint_finding *same;

        if (!f->index_sql)
            continue;
        if (!(same = pl_same_index(plan, i, f->index_sql))) {
            rc = pl_verify_one(v, f);
            continue;
        }
        f->verification = same->verification;
        f->cost_before = same->cost_before;
        f->cost_after = same->cost_after;
        f->verify_note = same->verify_note;
    }
    return rc;
}

/* The plan's hypothetical index names in name[i] for suggestion i (distinct index_sql). */
typedef struct pl_together {
    const char *sql[PL_TOGETHER_MAX];
    char name[PL_TOGETHER_MAX][PL_NAME_MAX];
    size_t n;
} pl_together;

/* The distinct suggestions that the planner used alone or that could not be tried
 * (not the failed ones). */
static void pl_together_collect(pl_together *t, const planlint_plan *plan)
{
    size_t i, j;

    t->n = 0;
    for (i = 0; i < plan->nfindings && t->n < PL_TOGETHER_MAX; i++) {
        const planlint_finding *f = plan->findings[i];
        if (!f->index_sql || (f->verification != PLANLINT_VERIFY_CHOSEN &&
                              f->verification != PLANLINT_VERIFY_NOT_CHOSEN))
            continue;
        for (j = 0; j < t->n && strcmp(t->sql[j], f->index_sql) != 0; j++)
            ;
        if (j == t->n)
            t->sql[t->n++] = f->index_sql;
    }
}

/* All suggested indexes at once, in a savepoint: the cost, and which ones are used. */
static int pl_verify_together(pl_verifier *v, planlint_plan *plan)
{
    char q[PL_NAME_MAX + 64], scratch[PL_NAME_MAX];
    pl_together t;
    planlint_error e;
    double cost = NAN;
    size_t i, j;
    int uses, rc = 0;

    pl_together_collect(&t, plan);
    if (t.n < 2)
        return 0;
    memset(&e, 0, sizeof(e));
    if ((rc = pl_live_command(v->conn, "SAVEPOINT planlint_hypo", v->err)) != 0)
        return rc;
    snprintf(q, sizeof(q), "SELECT indexname FROM %s.hypopg_create_index($1)", v->schema);
    for (i = 0; i < t.n && rc == 0; i++)
        rc = pl_query_text(v, q, t.sql[i], t.name[i], sizeof(t.name[i]), &e);
    if (rc == 0)
        rc = pl_plan_cost(v, NULL, &cost, &uses, &e);
    if (rc == PLANLINT_ENOMEM || pl_lost(v) || (rc != 0 && v->conn->canceled)) {
        *v->err = e;
        return rc;
    }
    for (i = 0; rc == 0 && i < plan->nfindings; i++) {
        planlint_finding *f = (planlint_finding *)plan->findings[i];
        for (j = 0; f->index_sql && j < t.n && strcmp(t.sql[j], f->index_sql) != 0; j++)
            ;
        if (!f->index_sql || j == t.n)
            continue;
        f->together = t.n;
        f->together_cost = cost;
        f->together_uses = pl_plan_uses(v->last_plan, t.name[j]);
    }
    planlint_plan_free(v->last_plan);
    v->last_plan = NULL;
    /* A failure here leaves each index's own verdict standing. */
    if (rc != 0)
        return pl_live_command(v->conn, "ROLLBACK TO SAVEPOINT planlint_hypo", v->err);
    snprintf(q, sizeof(q), "SELECT %s.hypopg_reset()", v->schema);
    if ((rc = pl_query_text(v, q, NULL, scratch, sizeof(scratch), v->err)) != 0)
        return rc;
    return pl_live_command(v->conn, "RELEASE SAVEPOINT planlint_hypo", v->err);
}

static int pl_mark_unavailable(pl_verifier *v, planlint_plan *plan, const char *why)
{
    size_t i;
    int rc = 0;

    for (i = 0; i < plan->nfindings && rc == 0; i++)
        if (plan->findings[i]->index_sql)
            rc = pl_note(v, (planlint_finding *)plan->findings[i], PLANLINT_VERIFY_UNAVAILABLE, why);
    return rc;
}

/* Inside the transaction: hypopg, then READ ONLY, the plain plan, each index. */
static int pl_verify_in_transaction(pl_verifier *v, planlint_plan *plan)
{
    const char *why = NULL;
    int uses, rc = pl_hypopg_ready(v, &why);

    if (rc == 0)
        return pl_mark_unavailable(v, plan, why);
    if (rc < 0)
        return rc;
    if ((rc = pl_live_command(v->conn, "SET TRANSACTION READ ONLY", v->err)) != 0)
        return rc;
    if ((rc = pl_plan_cost(v, NULL, &v->cost_before, &uses, v->err)) != 0)
        return rc;
    if ((rc = pl_verify_all(v, plan)) != 0)
        return rc;
    v->keep_plan = 1;
    rc = pl_verify_together(v, plan);
    planlint_plan_free(v->last_plan);
    v->last_plan = NULL;
    return rc;
}

static int pl_has_suggestion(const planlint_plan *plan)
{
    size_t i;

    for (i = 0; i < plan->nfindings; i++)
        if (plan->findings[i]->index_sql)
            return 1;
    return 0;
}

int planlint_verify_indexes(planlint_plan *plan, planlint_conn *conn, const char *sql,
                            const planlint_capture_options *opts, planlint_error *err)
{
    pl_verifier v;
    int rc, rb;

    pl_statement st;

    if (!plan || !conn || !conn->pg || !sql || !opts || !pl_capture_options_ok(opts))
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "invalid verification arguments");
    if (!pl_has_suggestion(plan))
        return 0;   /* nothing to ask the server */
    if ((rc = pl_statement_read(&st, sql, opts, err)) != 0)
        return rc;
    memset(&v, 0, sizeof(v));
    v.conn = conn, v.sql = sql, v.opts = *opts, v.arena = plan->arena, v.err = err;
    v.opts.no_analyze = 1;
    if ((rc = pl_live_ready(conn, err)) == 0 && (v.generic = pl_live_generic(conn, st.max_param, opts, err)) < 0)
        rc = v.generic;   /* before anything runs */
    if (rc != 0) {
        pl_statement_release(&st);
        return rc;
    }
    rc = pl_live_begin(conn, 0, opts->timeout_ms, err);
    /* Planning runs IMMUTABLE functions: the same look at their bodies as capture's. */
    if (rc == 0)
        rc = pl_live_vet_functions(conn, &st, opts, err);
    pl_statement_release(&st);
    if (rc == 0)
        rc = pl_verify_in_transaction(&v, plan);
    rb = pl_live_rollback(conn, err);
    return rc ? rc : rb;
}
