/* functions.c - a function the statement calls may itself call one whose effect a
 * ROLLBACK does not undo; and planning alone runs an IMMUTABLE function on constant
 * arguments. So before anything is planned, the bodies of the functions the statement
 * calls that are not built in (not in pg_catalog, not written in C) are read from the
 * catalog and scanned for the names of refused functions, and so are the bodies of the
 * functions those call, a few levels deep. A scan of names can over-match (a comment,
 * a string): that refuses, it never lets through. Dynamic SQL (EXECUTE 'text') cannot be
 * seen: docs/live-mode.md says so, and recommends a role without those rights. */
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

/* One level: the bodies of the functions named in names. */
static int pl_vet_level(planlint_conn *c, pl_vet *v, const json_t *names,
                        const planlint_capture_options *o, planlint_error *err)
{
    char *param = json_dumps(names, JSON_COMPACT);
    const char *values[1] = { param };
    PGresult *res;
    char found[64];
    int i, rc = 0;

    if (!param)
        return pl_error_nomem(err);
    res = pl_live_exec_params(c, pl_sql_bodies, 1, values, PGRES_TUPLES_OK, err);
    free(param);
    if (!res)
        return PLANLINT_EDATABASE;
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

int pl_live_vet_functions(planlint_conn *c, const pl_statement *st, const planlint_capture_options *o,
                          planlint_error *err)
{
    pl_vet v;
    json_t *names;
    int level, rc = 0;

    if (pl_capture_allows_side_effects(o) || json_object_size(st->functions) == 0)
        return 0;
    v.nomem = 0;
    if (!(v.seen = json_deep_copy(st->functions)))
        return pl_error_nomem(err);
    names = json_incref(st->functions);
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
