/* functions.c - a function the statement calls may itself call one whose effect a
 * ROLLBACK does not undo; and planning alone runs an IMMUTABLE function on constant
 * arguments. So before anything is planned, the functions the statement reaches that
 * are not built in are looked up: those it calls, those behind the operators it uses,
 * the trigger functions and column defaults of the tables it names. A refused function
 * among them is refused; the bodies of the others (not written in C) are scanned for the
 * names of refused functions, and so are the bodies of the functions those call, a few
 * levels deep. A scan of names can over-match (a comment, a string): that refuses, it
 * never lets through. Dynamic SQL (EXECUTE 'text') cannot be seen: docs/live-mode.md
 * says so, and recommends a role without those rights. */
#include "live.h"
#include "statement.h"
#include "error.h"

#include <string.h>

#define PL_VET_LEVELS 4
#define PL_VET_MAX_NAMES 2000

/* The bodies of the functions named by the keys of the JSON object $1. */
static const char pl_sql_bodies[] =
    "SELECT p.proname, p.prosrc FROM pg_catalog.pg_proc p"
    " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
    " JOIN pg_catalog.pg_language l ON l.oid = p.prolang"
    " WHERE p.proname IN (SELECT json_object_keys($1::json))"
    " AND n.nspname <> 'pg_catalog' AND l.lanname NOT IN ('c', 'internal')";

/* The functions behind the operators named by the keys of $1 (not built-in ones). */
static const char pl_sql_operators[] =
    "SELECT o.oprname, p.proname FROM pg_catalog.pg_operator o"
    " JOIN pg_catalog.pg_proc p ON p.oid = o.oprcode"
    " JOIN pg_catalog.pg_namespace n ON n.oid = o.oprnamespace"
    " WHERE o.oprname IN (SELECT json_object_keys($1::json)) AND n.nspname <> 'pg_catalog'";

/* What the tables named by the keys of $1 run by themselves: their user triggers'
 * functions (by name), and their column defaults (as text). */
static const char pl_sql_tables[] =
    "SELECT c.relname, p.proname, NULL FROM pg_catalog.pg_trigger t"
    " JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid"
    " WHERE NOT t.tgisinternal AND c.relname IN (SELECT json_object_keys($1::json))"
    " UNION ALL"
    " SELECT c.relname, NULL, pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attrdef d"
    " JOIN pg_catalog.pg_class c ON c.oid = d.adrelid"
    " WHERE c.relname IN (SELECT json_object_keys($1::json))";

typedef struct pl_vet {
    json_t *seen;      /* every name looked up so far */
    json_t *next;      /* names found in bodies, to look up next */
    int nomem;
} pl_vet;

static void pl_vet_found(const char *name, void *ud)
{
    pl_vet *v = ud;

    if (json_object_get(v->seen, name) || json_object_size(v->seen) >= PL_VET_MAX_NAMES)
        return;
    if (json_object_set_new(v->seen, name, json_true()) != 0 ||
        json_object_set_new(v->next, name, json_true()) != 0)
        v->nomem = 1;
}

/* A query of one JSON parameter (the keys of set), through the extended protocol. */
static PGresult *pl_vet_query(planlint_conn *c, const char *sql, const json_t *set, planlint_error *err)
{
    char *param = json_dumps(set, JSON_COMPACT);
    const char *values[1] = { param };
    PGresult *res;

    if (!param) {
        pl_error_nomem(err);
        return NULL;
    }
    res = pl_live_exec_params(c, sql, 1, values, PGRES_TUPLES_OK, err);
    free(param);
    return res;
}

/* The code of a query that pl_vet_query() could not run. */
static int pl_vet_failed(const planlint_error *err)
{
    return err && err->code == PLANLINT_ENOMEM ? PLANLINT_ENOMEM : PLANLINT_EDATABASE;
}

/* One level: the bodies of the functions named in names. */
static int pl_vet_level(planlint_conn *c, pl_vet *v, const json_t *names,
                        const planlint_capture_options *o, planlint_error *err)
{
    PGresult *res;
    char found[64];
    int i, rc = 0;

    if (!(res = pl_vet_query(c, pl_sql_bodies, names, err)))
        return pl_vet_failed(err);
    for (i = 0; i < PQntuples(res) && rc == 0; i++) {
        const pl_side_effect *e = pl_mention_refused(PQgetvalue(res, i, 1), o, found, sizeof(found),
                                                     pl_vet_found, v);

        if (e)
            rc = pl_side_effect_refuse(err, found, e, PQgetvalue(res, i, 0));
        else if (v->nomem)
            rc = pl_error_nomem(err);
    }
    PQclear(res);
    return rc;
}

/* A function reached another way than a call (an operator, a trigger, a default): a
 * refused one is refused, naming how it was reached; another joins the names whose
 * bodies are scanned. */
static int pl_vet_reached(pl_vet *v, const char *fn, const char *via, const planlint_capture_options *o,
                          planlint_error *err)
{
    const pl_side_effect *e = pl_side_effect_find(fn);

    if (!pl_side_effect_allowed(e, o))
        return pl_side_effect_refuse(err, fn, e, via);
    pl_vet_found(fn, v);
    return v->nomem ? pl_error_nomem(err) : 0;
}

/* Operators, triggers and column defaults: what else runs a function. */
static int pl_vet_indirect(planlint_conn *c, pl_vet *v, const pl_statement *st,
                           const planlint_capture_options *o, planlint_error *err)
{
    PGresult *res;
    char found[64], via[160];
    int i, rc = 0;

    if (json_object_size(st->operators) > 0) {
        if (!(res = pl_vet_query(c, pl_sql_operators, st->operators, err)))
            return pl_vet_failed(err);
        for (i = 0; i < PQntuples(res) && rc == 0; i++) {
            snprintf(via, sizeof(via), "operator %.60s, whose function is %.60s", PQgetvalue(res, i, 0),
                     PQgetvalue(res, i, 1));
            rc = pl_vet_reached(v, PQgetvalue(res, i, 1), via, o, err);
        }
        PQclear(res);
    }
    if (rc != 0 || json_object_size(st->relations) == 0)
        return rc;
    if (!(res = pl_vet_query(c, pl_sql_tables, st->relations, err)))
        return pl_vet_failed(err);
    for (i = 0; i < PQntuples(res) && rc == 0; i++) {
        const pl_side_effect *e;

        if (!PQgetisnull(res, i, 1)) {
            snprintf(via, sizeof(via), "a trigger on %.60s, whose function is %.60s", PQgetvalue(res, i, 0),
                     PQgetvalue(res, i, 1));
            rc = pl_vet_reached(v, PQgetvalue(res, i, 1), via, o, err);
        } else if ((e = pl_mention_refused(PQgetvalue(res, i, 2), o, found, sizeof(found), pl_vet_found, v))) {
            snprintf(via, sizeof(via), "a column default of %.60s", PQgetvalue(res, i, 0));
            rc = pl_side_effect_refuse(err, found, e, via);
        } else if (v->nomem)
            rc = pl_error_nomem(err);
    }
    PQclear(res);
    return rc;
}

int pl_live_vet_functions(planlint_conn *c, const pl_statement *st, const planlint_capture_options *o,
                          planlint_error *err)
{
    pl_vet v;
    json_t *names;
    int level, rc = 0;

    if (pl_capture_allows_side_effects(o))
        return 0;
    v.nomem = 0;
    if (!(v.seen = json_deep_copy(st->functions)))
        return pl_error_nomem(err);
    if (!(v.next = json_deep_copy(st->functions))) {
        json_decref(v.seen);
        return pl_error_nomem(err);
    }
    rc = pl_vet_indirect(c, &v, st, o, err);
    names = v.next;
    for (level = 0; level < PL_VET_LEVELS && rc == 0 && json_object_size(names) > 0; level++) {
        if (!(v.next = json_object())) {
            rc = pl_error_nomem(err);
            break;
        }
        rc = pl_vet_level(c, &v, names, o, err);
        json_decref(names);
        names = v.next;
    }
    json_decref(names);
    json_decref(v.seen);
    return rc;
}
