/* capture.c - planlint_conn_capture(): EXPLAIN one statement inside BEGIN ... ROLLBACK,
 * so that nothing the statement does outlives the call. The steps are shared with the
 * hypothetical-index check (verify.c). */
#include "live.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "sql_scan.h"

#include <stdio.h>
#include <string.h>

#define PL_DEFAULT_TIMEOUT_MS 30000u
#define PL_GENERIC_PLAN_VERSION 160000

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
    if (PQstatus(c->pg) != CONNECTION_OK)
        pl_lost(c, err);
    else
        pl_db_error(err, c->secrets, "", primary ? primary : PQerrorMessage(c->pg));
    PQclear(res);
    return NULL;
}

/* Extended protocol: the server itself refuses a second statement. */
PGresult *pl_live_exec(planlint_conn *c, const char *sql, ExecStatusType want, planlint_error *err)
{
    return pl_live_result(c, PQexecParams(c->pg, sql, 0, NULL, NULL, NULL, NULL, 0), want, err);
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

int pl_live_begin(planlint_conn *c, int read_only, unsigned int timeout_ms, planlint_error *err)
{
    char set[80];
    int rc;

    if ((rc = pl_live_command(c, read_only ? "BEGIN READ ONLY" : "BEGIN", err)) != 0)
        return rc;
    snprintf(set, sizeof(set), "SET LOCAL statement_timeout = %u",
             timeout_ms ? timeout_ms : PL_DEFAULT_TIMEOUT_MS);
    return pl_live_command(c, set, err);
}

/* EXPLAIN's options, only those this server version knows. A generic plan is planned
 * for no values, so it cannot be executed: no ANALYZE. */
static void pl_explain_prefix(char *dst, size_t size, int server, int generic,
                              const planlint_capture_options *o)
{
    if (generic) {
        snprintf(dst, size, "EXPLAIN (GENERIC_PLAN, VERBOSE, SETTINGS, FORMAT JSON) ");
        return;
    }
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

/* PREPARE planlint_stmt AS sql; c->prepared tells pl_live_rollback() to drop it. */
static int pl_prepare(planlint_conn *c, const char *sql, planlint_error *err)
{
    pl_buf prep;
    int rc;

    pl_buf_init(&prep);
    pl_buf_puts(&prep, "PREPARE planlint_stmt AS ");
    pl_buf_puts(&prep, sql);
    rc = prep.failed ? pl_error_nomem(err) : pl_live_command(c, prep.data, err);
    pl_buf_release(&prep);
    if (rc == 0)
        c->prepared = 1;
    return rc;
}

int pl_live_generic(const planlint_conn *c, const char *sql, const planlint_capture_options *o,
                    planlint_error *err)
{
    long max_param = o->nparams ? 0 : pl_statement_max_param(sql);
    int server = PQserverVersion(c->pg);

    if (max_param == 0)
        return 0;
    if (server >= PL_GENERIC_PLAN_VERSION)
        return 1;
    return pl_error(err, PLANLINT_EREFUSED, 0, 0, NULL,
                    "refused: the statement uses $%ld and no --param values were given; a generic "
                    "plan needs PostgreSQL 16 or later (the server is %d.%d)",
                    max_param, server / 10000, server >= 100000 ? server % 10000 : server / 100 % 100);
}

/* The EXPLAIN text: its single row and column. A generic plan goes through the simple
 * protocol, where $n stays a placeholder (the extended one would ask for values); the
 * statement was checked to be a single one (planlint_statement_check). */
static int pl_explain_run(char **out, size_t *out_len, planlint_conn *c, const char *query,
                          int generic, planlint_error *err)
{
    PGresult *res = generic ? pl_live_result(c, PQexec(c->pg, query), PGRES_TUPLES_OK, err)
                            : pl_live_exec(c, query, PGRES_TUPLES_OK, err);
    int rc = 0;

    if (!res)
        return PLANLINT_EDATABASE;
    if (PQntuples(res) < 1 || PQnfields(res) < 1)
        rc = pl_error(err, PLANLINT_EDATABASE, 0, 0, NULL, "EXPLAIN returned no plan");
    else if (!(*out = pl_strndup(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0))))
        rc = pl_error_nomem(err);
    else if (out_len)
        *out_len = (size_t)PQgetlength(res, 0, 0);
    PQclear(res);
    return rc;
}

int pl_live_explain(char **out, size_t *out_len, planlint_conn *c, const char *sql, int generic,
                    const planlint_capture_options *o, planlint_error *err)
{
    char prefix[96];
    pl_buf q;
    int rc = 0;

    if (o->nparams && (rc = pl_prepare(c, sql, err)) != 0)
        return rc;
    pl_explain_prefix(prefix, sizeof(prefix), PQserverVersion(c->pg), generic, o);
    pl_buf_init(&q);
    pl_buf_puts(&q, prefix);
    if (o->nparams)
        rc = pl_execute_call(&q, c, o, err);
    else
        pl_buf_puts(&q, sql);
    if (rc == 0 && q.failed)
        rc = pl_error_nomem(err);
    if (rc == 0)
        rc = pl_explain_run(out, out_len, c, q.data, generic, err);
    pl_buf_release(&q);
    /* A fresh PREPARE next time: a cached generic plan would not see new indexes. */
    if (rc == 0 && c->prepared && pl_live_command(c, "DEALLOCATE planlint_stmt", err) == 0)
        c->prepared = 0;
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
    int rc, rb, generic;

    if (out)
        *out = NULL;
    if (!out || !conn || !conn->pg || !sql || !opts ||
        opts->version != PLANLINT_CAPTURE_OPTIONS_VERSION || (opts->nparams && !opts->params))
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "invalid capture arguments");
    if ((rc = planlint_statement_check(sql, opts->allow_writes, opts->nparams, err)) != 0)
        return rc;
    if ((rc = pl_live_ready(conn, err)) != 0)
        return rc;
    if ((generic = pl_live_generic(conn, sql, opts, err)) < 0)
        return generic;   /* before anything runs */
    rc = pl_live_begin(conn, !opts->allow_writes, opts->timeout_ms, err);
    if (rc == 0)
        rc = pl_live_explain(out, out_len, conn, sql, generic, opts, err);
    rb = pl_live_rollback(conn, err);
    if (rc == 0 && rb != 0) {
        pl_free(*out);
        *out = NULL;
        rc = rb;
    }
    return rc;
}
