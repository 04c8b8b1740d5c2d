/* live.c - planlint_conn_capture(): EXPLAIN one statement inside BEGIN ... ROLLBACK,
 * so that nothing the statement does outlives the call. */
#include "live.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"

#include <stdio.h>
#include <string.h>

#define PL_DEFAULT_TIMEOUT_MS 30000u

/* Runs one command (extended protocol: the server itself refuses a second statement).
 * Returns the result, or NULL after recording the error. */
static PGresult *pl_run(planlint_conn *c, const char *sql, ExecStatusType want, planlint_error *err)
{
    PGresult *res = PQexecParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0);
    const char *primary;

    if (res && PQresultStatus(res) == want)
        return res;
    primary = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (PQstatus(c->pg) != CONNECTION_OK)
        pl_db_error(err, c->secrets, "connection to the server was lost: ", PQerrorMessage(c->pg));
    else
        pl_db_error(err, c->secrets, "", primary ? primary : PQerrorMessage(c->pg));
    PQclear(res);
    return NULL;
}

static int pl_run_command(planlint_conn *c, const char *sql, planlint_error *err)
{
    PGresult *res = pl_run(c, sql, PGRES_COMMAND_OK, err);

    PQclear(res);
    return res ? 0 : PLANLINT_EDATABASE;
}

/* EXPLAIN's options, only those this server version knows. */
static void pl_explain_prefix(char *dst, size_t size, int server, const planlint_capture_options *o)
{
    if (o->no_analyze) {
        snprintf(dst, size, "EXPLAIN (VERBOSE, FORMAT JSON) ");
        return;
    }
    snprintf(dst, size, "EXPLAIN (ANALYZE, BUFFERS, VERBOSE%s%s, FORMAT JSON) ",
             server >= 120000 ? ", SETTINGS" : "",
             server >= 130000 && o->allow_writes ? ", WAL" : "");
}

/* "EXECUTE planlint_stmt('v1', 'v2')" with every value quoted by libpq. */
static int pl_execute_call(pl_buf *b, planlint_conn *c, const planlint_capture_options *o,
                           planlint_error *err)
{
    size_t i;

    pl_buf_puts(b, "EXECUTE planlint_stmt(");
    for (i = 0; i < o->nparams; i++) {
        const char *v = o->params[i] ? o->params[i] : "";
        char *lit = PQescapeLiteral(c->pg, v, strlen(v));

        if (!lit)
            return pl_db_error(err, c->secrets, "cannot quote a --param value: ",
                               PQerrorMessage(c->pg));
        if (i > 0)
            pl_buf_puts(b, ", ");
        pl_buf_puts(b, lit);
        PQfreemem(lit);
    }
    pl_buf_puts(b, ")");
    return 0;
}

/* BEGIN, the timeout, and PREPARE when there are parameters. */
static int pl_open_transaction(planlint_conn *c, const char *sql, const planlint_capture_options *o,
                               planlint_error *err)
{
    char set[80];
    pl_buf prep;
    int rc;

    if ((rc = pl_run_command(c, o->allow_writes ? "BEGIN" : "BEGIN READ ONLY", err)) != 0)
        return rc;
    snprintf(set, sizeof(set), "SET LOCAL statement_timeout = %u",
             o->timeout_ms ? o->timeout_ms : PL_DEFAULT_TIMEOUT_MS);
    if ((rc = pl_run_command(c, set, err)) != 0 || o->nparams == 0)
        return rc;
    pl_buf_init(&prep);
    pl_buf_puts(&prep, "PREPARE planlint_stmt AS ");
    pl_buf_puts(&prep, sql);
    rc = prep.failed ? pl_error_nomem(err) : pl_run_command(c, prep.data, err);
    pl_buf_release(&prep);
    return rc;
}

/* The EXPLAIN text: its single row and column. */
static int pl_explain(char **out, size_t *out_len, planlint_conn *c, const char *sql,
                      const planlint_capture_options *o, planlint_error *err)
{
    char prefix[96];
    pl_buf q;
    PGresult *res;
    int rc = 0;

    pl_explain_prefix(prefix, sizeof(prefix), PQserverVersion(c->pg), o);
    pl_buf_init(&q);
    pl_buf_puts(&q, prefix);
    if (o->nparams)
        rc = pl_execute_call(&q, c, o, err);
    else
        pl_buf_puts(&q, sql);
    if (rc == 0 && q.failed)
        rc = pl_error_nomem(err);
    if (rc == 0 && (res = pl_run(c, q.data, PGRES_TUPLES_OK, err)) != NULL) {
        if (PQntuples(res) < 1 || PQnfields(res) < 1)
            rc = pl_error(err, PLANLINT_EDATABASE, 0, 0, NULL, "EXPLAIN returned no plan");
        else if (!(*out = pl_strndup(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0))))
            rc = pl_error_nomem(err);
        else if (out_len)
            *out_len = (size_t)PQgetlength(res, 0, 0);
        PQclear(res);
    } else if (rc == 0) {
        rc = PLANLINT_EDATABASE;
    }
    pl_buf_release(&q);
    return rc;
}

/* Always runs, whatever happened before: the statement's effects must not survive. */
static int pl_rollback(planlint_conn *c, int prepared, planlint_error *err)
{
    int rc;

    if (PQstatus(c->pg) != CONNECTION_OK)
        return pl_db_error(err, c->secrets, "connection to the server was lost: ",
                           PQerrorMessage(c->pg));
    rc = pl_run_command(c, "ROLLBACK", err);
    /* Prepared statements outlive transactions; an embedder's connection stays clean. */
    if (rc == 0 && prepared)
        PQclear(PQexec(c->pg, "DEALLOCATE planlint_stmt"));
    return rc;
}

int planlint_conn_capture(char **out, size_t *out_len, planlint_conn *conn, const char *sql,
                          const planlint_capture_options *opts, planlint_error *err)
{
    int rc, rb;

    if (out)
        *out = NULL;
    if (!out || !conn || !conn->pg || !sql || !opts ||
        opts->version != PLANLINT_CAPTURE_OPTIONS_VERSION || (opts->nparams && !opts->params))
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "invalid capture arguments");
    if ((rc = planlint_statement_check(sql, opts->allow_writes, opts->nparams, err)) != 0)
        return rc;
    if (PQtransactionStatus(conn->pg) != PQTRANS_IDLE)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL,
                        "the connection is inside a transaction already");
    rc = pl_open_transaction(conn, sql, opts, err);
    if (rc == 0)
        rc = pl_explain(out, out_len, conn, sql, opts, err);
    rb = pl_rollback(conn, opts->nparams > 0, err);
    if (rc == 0 && rb != 0) {
        pl_free(*out);
        *out = NULL;
        rc = rb;
    }
    return rc;
}
