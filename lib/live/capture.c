/* capture.c - planlint_conn_capture(): EXPLAIN one statement inside BEGIN ... ROLLBACK,
 * so that nothing the statement does outlives the call. The steps are shared with the
 * hypothetical-index check (verify.c). */
#include "live.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "statement.h"

#include <stdio.h>
#include <string.h>

#define PL_DEFAULT_TIMEOUT_MS 30000u
#define PL_GENERIC_PLAN_VERSION 160000   /* EXPLAIN (GENERIC_PLAN) */
#define PL_FORCE_GENERIC_VERSION 120000  /* plan_cache_mode */

static int pl_lost(const planlint_conn *c, planlint_error *err)
{
    return pl_db_error(err, c->secrets, "connection to the server was lost: ", PQerrorMessage(c->pg));
}

PGresult *pl_live_result(planlint_conn *c, PGresult *res, ExecStatusType want, planlint_error *err)
{
    const char *primary;

    if (res && PQresultStatus(res) == want)
        return res;
    primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    c->canceled = res && PQresultErrorField(res, PG_DIAG_SQLSTATE) &&
                  strcmp(PQresultErrorField(res, PG_DIAG_SQLSTATE), "57014") == 0;
    if (PQstatus(c->pg) != CONNECTION_OK)
        pl_lost(c, err);
    else
        pl_db_error(err, c->secrets, "", primary ? primary : PQerrorMessage(c->pg));
    PQclear(res);
    return NULL;
}

/* Extended protocol: the server itself refuses a second statement. Every result is
 * read: more than one means the server ran more than one thing, and the call fails (the
 * caller rolls back). */
PGresult *pl_live_exec(planlint_conn *c, const char *sql, ExecStatusType want, planlint_error *err)
{
    return pl_live_exec_params(c, sql, 0, NULL, want, err);
}

PGresult *pl_live_exec_params(planlint_conn *c, const char *sql, int n, const char *const *values,
                              ExecStatusType want, planlint_error *err)
{
    PGresult *res = NULL, *next;
    int extra = 0;

    if (!PQsendQueryParams(c->pg, sql, n, NULL, values, NULL, NULL, 0))
        return pl_live_result(c, NULL, want, err);
    while ((next = PQgetResult(c->pg)) != NULL) {
        if (res) {
            extra = 1;
            PQclear(res);
        }
        res = next;
    }
    if (extra) {
        PQclear(res);
        pl_error(err, PLANLINT_EDATABASE, 0, 0, NULL,
                 "the server returned more than one result for one statement; rolled back");
        return NULL;
    }
    return pl_live_result(c, res, want, err);
}

int pl_live_command(planlint_conn *c, const char *sql, planlint_error *err)
{
    PGresult *res = pl_live_exec(c, sql, PGRES_COMMAND_OK, err);

    PQclear(res);
    return res ? 0 : PLANLINT_EDATABASE;
}

int pl_live_ready(planlint_conn *c, planlint_error *err)
{
    if (PQstatus(c->pg) != CONNECTION_OK)
        return pl_lost(c, err);
    if (PQtransactionStatus(c->pg) != PQTRANS_IDLE)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "the connection is inside a transaction already");
    return 0;
}

/* standard_conforming_strings decides where a '...' literal ends: on, the server reads
 * the text as the statement check did (libpg_query knows no other way). */
int pl_live_begin(planlint_conn *c, int read_only, unsigned int timeout_ms, planlint_error *err)
{
    char set[80];
    int rc;

    if ((rc = pl_live_command(c, read_only ? "BEGIN READ ONLY" : "BEGIN", err)) != 0)
        return rc;
    snprintf(set, sizeof(set), "SET LOCAL statement_timeout = %u",
             timeout_ms ? timeout_ms : PL_DEFAULT_TIMEOUT_MS);
    if ((rc = pl_live_command(c, set, err)) != 0)
        return rc;
    return pl_live_command(c, "SET LOCAL standard_conforming_strings = on", err);
}

/* EXPLAIN's options, only those this server version knows. A plan only (the first look,
 * --no-analyze, a generic plan) runs nothing. GENERIC_PLAN (16+) also keeps the executor
 * from pruning partitions with the NULLs a generic plan is shown with. */
static void pl_explain_prefix(char *dst, size_t size, int server, int analyze, int generic,
                              const planlint_capture_options *o)
{
    if (!analyze) {
        snprintf(dst, size, "EXPLAIN (VERBOSE%s%s, FORMAT JSON) ",
                 server >= 120000 ? ", SETTINGS" : "",
                 generic && server >= PL_GENERIC_PLAN_VERSION ? ", GENERIC_PLAN" : "");
        return;
    }
    snprintf(dst, size, "EXPLAIN (ANALYZE, BUFFERS, VERBOSE%s%s, FORMAT JSON) ",
             server >= 120000 ? ", SETTINGS" : "",
             server >= 130000 && o->allow_writes ? ", WAL" : "");
}

/* "EXECUTE planlint_stmt('v1', 'v2')" with every value quoted by libpq; NULL for each of
 * the nparams a generic plan leaves open. */
static int pl_execute_call(pl_buf *b, planlint_conn *c, int nparams, const planlint_capture_options *o,
                           planlint_error *err)
{
    int i;

    pl_buf_puts(b, "EXECUTE planlint_stmt");
    for (i = 0; i < nparams; i++) {
        const char *v = (size_t)i < o->nparams && o->params[i] ? o->params[i] : "";
        char *lit = (size_t)i < o->nparams ? PQescapeLiteral(c->pg, v, strlen(v)) : NULL;

        if ((size_t)i < o->nparams && !lit)
            return pl_db_error(err, c->secrets, "cannot quote a --param value: ",
                               PQerrorMessage(c->pg));
        pl_buf_puts(b, i == 0 ? "(" : ", ");
        pl_buf_puts(b, lit ? lit : "NULL");
        PQfreemem(lit);
    }
    if (nparams > 0)
        pl_buf_puts(b, ")");
    return 0;
}

/* The statement alone, as the protocol-level prepared statement planlint_stmt: the
 * server parses it (and refuses a second statement) but runs nothing. *nparams gets the
 * number of $n it found. c->prepared tells pl_live_rollback() to drop it. */
static int pl_prepare(planlint_conn *c, const char *sql, int *nparams, planlint_error *err)
{
    PGresult *res = pl_live_result(c, PQprepare(c->pg, "planlint_stmt", sql, 0, NULL),
                                   PGRES_COMMAND_OK, err);

    if (!res)
        return PLANLINT_EDATABASE;
    PQclear(res);
    c->prepared = 1;
    if (!(res = pl_live_result(c, PQdescribePrepared(c->pg, "planlint_stmt"), PGRES_COMMAND_OK, err)))
        return PLANLINT_EDATABASE;
    *nparams = PQnparams(res);
    PQclear(res);
    return 0;
}

int pl_live_generic(const planlint_conn *c, long max_param, const planlint_capture_options *o,
                    planlint_error *err)
{
    int server = PQserverVersion(c->pg);

    if (o->nparams || max_param == 0)
        return 0;
    if (server >= PL_FORCE_GENERIC_VERSION)
        return 1;
    return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                    "refused: the statement uses $%ld and no --param values were given; a generic "
                    "plan needs PostgreSQL 12 or later (the server is %d.%d)",
                    max_param, server / 10000, server >= 100000 ? server % 10000 : server / 100 % 100);
}

/* The EXPLAIN text: its single row and column. */
static int pl_explain_run(char **out, size_t *out_len, planlint_conn *c, const char *query,
                          planlint_error *err)
{
    PGresult *res = pl_live_exec(c, query, PGRES_TUPLES_OK, err);
    int rc = 0;

    if (!res)
        return PLANLINT_EDATABASE;
    if (PQntuples(res) != 1 || PQnfields(res) != 1)
        rc = pl_error(err, PLANLINT_EDATABASE, 0, 0, NULL, "EXPLAIN did not return one plan");
    else if (!(*out = pl_strndup(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0))))
        rc = pl_error_nomem(err);
    else if (out_len)
        *out_len = (size_t)PQgetlength(res, 0, 0);
    PQclear(res);
    return rc;
}

/* EXPLAIN [ANALYZE] EXECUTE planlint_stmt(...). */
static int pl_explain_execute(char **out, size_t *out_len, planlint_conn *c, int analyze, int generic,
                              int nparams, const planlint_capture_options *o, planlint_error *err)
{
    char prefix[112];
    pl_buf q;
    int rc;

    pl_explain_prefix(prefix, sizeof(prefix), PQserverVersion(c->pg), analyze, generic, o);
    pl_buf_init(&q);
    pl_buf_puts(&q, prefix);
    rc = pl_execute_call(&q, c, nparams, o, err);
    if (rc == 0 && q.failed)
        rc = pl_error_nomem(err);
    if (rc == 0)
        rc = pl_explain_run(out, out_len, c, q.data, err);
    pl_buf_release(&q);
    return rc;
}

/* DEALLOCATE planlint_stmt while the transaction is usable (after an error, the
 * ROLLBACK comes first: pl_live_rollback()). */
static int pl_deallocate(planlint_conn *c, planlint_error *err)
{
    if (c->prepared && PQstatus(c->pg) == CONNECTION_OK &&
        PQtransactionStatus(c->pg) == PQTRANS_INTRANS &&
        pl_live_command(c, "DEALLOCATE planlint_stmt", err) == 0)
        c->prepared = 0;
    return c->prepared ? PLANLINT_EDATABASE : 0;
}

/* The plan first, run for nothing: the server's own view of what the statement does is
 * checked (pl_live_fence) before ANALYZE runs it. With no ANALYZE, that plan is the one.
 * ANALYZE gets a fresh prepared statement: the first one's cached plan would hide the
 * planning time and the planner's buffers. */
static int pl_explain_steps(char **out, size_t *out_len, planlint_conn *c, const char *sql,
                            int generic, int nparams, const planlint_capture_options *o,
                            planlint_error *err)
{
    int analyze = !o->no_analyze && !generic;
    int rc = pl_explain_execute(out, out_len, c, 0, generic, nparams, o, err);

    if (rc == 0)
        rc = pl_live_fence(*out, out_len ? *out_len : strlen(*out), o, err);
    if (rc != 0 || !analyze)
        return rc;
    pl_free(*out);
    *out = NULL;
    if ((rc = pl_deallocate(c, err)) != 0 || (rc = pl_prepare(c, sql, &nparams, err)) != 0)
        return rc;
    return pl_explain_execute(out, out_len, c, 1, 0, nparams, o, err);
}

int pl_live_explain(char **out, size_t *out_len, planlint_conn *c, const char *sql, int generic,
                    const planlint_capture_options *o, planlint_error *err)
{
    int nparams = 0, rc = pl_prepare(c, sql, &nparams, err);

    if (rc == 0 && o->nparams < (size_t)nparams && !generic)
        rc = pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                      "refused: the statement has %d parameters but %zu --param value%s given",
                      nparams, o->nparams, o->nparams == 1 ? " was" : "s were");
    /* A generic plan: planned for no values at all, shown with NULLs, never executed. */
    if (rc == 0 && generic)
        rc = pl_live_command(c, "SET LOCAL plan_cache_mode = force_generic_plan", err);
    if (rc == 0)
        rc = pl_explain_steps(out, out_len, c, sql, generic, nparams, o, err);
    if (rc != 0) {
        pl_free(*out);
        *out = NULL;
    }
    /* A fresh prepared statement next time: a cached plan would not see new indexes. */
    if (pl_deallocate(c, rc ? NULL : err) != 0 && rc == 0)
        rc = PLANLINT_EDATABASE;
    return rc;
}

int pl_live_rollback(planlint_conn *c, planlint_error *err)
{
    int rc;

    if (PQstatus(c->pg) != CONNECTION_OK)
        return pl_lost(c, err);
    rc = pl_live_command(c, "ROLLBACK", err);
    /* Prepared statements outlive transactions; an embedder's connection stays clean. */
    if (rc == 0 && c->prepared) {
        PQclear(PQexec(c->pg, "DEALLOCATE planlint_stmt"));
        c->prepared = 0;
    }
    return rc;
}

int planlint_conn_capture(char **out, size_t *out_len, planlint_conn *conn, const char *sql,
                          const planlint_capture_options *opts, planlint_error *err)
{
    pl_statement st;
    int rc, rb, generic;

    if (out)
        *out = NULL;
    if (!out || !conn || !conn->pg || !sql || !opts || !pl_capture_options_ok(opts))
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "invalid capture arguments");
    if ((rc = pl_statement_read(&st, sql, opts, err)) != 0)
        return rc;
    if ((rc = pl_live_ready(conn, err)) == 0 && (generic = pl_live_generic(conn, st.max_param, opts, err)) < 0)
        rc = generic;   /* before anything runs */
    if (rc != 0) {
        pl_statement_release(&st);
        return rc;
    }
    rc = pl_live_begin(conn, !opts->allow_writes, opts->timeout_ms, err);
    if (rc == 0)
        rc = pl_live_vet_functions(conn, &st, opts, err);
    if (rc == 0)
        rc = pl_live_explain(out, out_len, conn, sql, generic, opts, err);
    pl_statement_release(&st);
    rb = pl_live_rollback(conn, err);
    if (rc == 0 && rb != 0) {
        pl_free(*out);
        *out = NULL;
        rc = rb;
    }
    return rc;
}

int pl_capture_options_ok(const planlint_capture_options *o)
{
    return (o->version == 1 || o->version == PLANLINT_CAPTURE_OPTIONS_VERSION) &&
           (o->nparams == 0 || o->params);
}
