/* live.h - the connection behind planlint_conn, shared by conn.c, capture.c and verify.c. */
#ifndef PL_LIVE_H
#define PL_LIVE_H

#include "planlint.h"

#include <libpq-fe.h>

#define PL_MAX_SECRETS 4

struct planlint_conn {
    PGconn *pg;
    char *secrets[PL_MAX_SECRETS]; /* strings no message may show: passwords, the DSN */
    int prepared;                  /* planlint_stmt exists: DEALLOCATE after ROLLBACK */
};

/* Records a database error from msg (first line only), with every secret of conn (or
 * of the secrets list, when conn is NULL) masked. Returns PLANLINT_EDATABASE. */
int pl_db_error(planlint_error *err, char *const *secrets, const char *what, const char *msg);

/* capture.c: the steps of a capture, for planlint_conn_capture() and the hypopg check. */

/* res when its status is want; else NULL after clearing it and recording the error (a
 * lost connection says so). */
PGresult *pl_live_result(planlint_conn *c, PGresult *res, ExecStatusType want, planlint_error *err);
/* Runs one command, through pl_live_result(). */
PGresult *pl_live_exec(planlint_conn *c, const char *sql, ExecStatusType want, planlint_error *err);
int pl_live_command(planlint_conn *c, const char *sql, planlint_error *err);
/* 0 when c can start planlint's transaction: connected (else PLANLINT_EDATABASE) and
 * not inside a transaction of the caller's (else PLANLINT_EINVAL). */
int pl_live_ready(planlint_conn *c, planlint_error *err);
/* BEGIN [READ ONLY], then SET LOCAL statement_timeout (0: the default, 30 s). */
int pl_live_begin(planlint_conn *c, int read_only, unsigned int timeout_ms, planlint_error *err);
/* 1 when sql has $n and o gives no values: a generic plan, which needs 16+ (else
 * PLANLINT_EREFUSED, decided before anything is sent); 0 otherwise. */
int pl_live_generic(const planlint_conn *c, const char *sql, const planlint_capture_options *o,
                    planlint_error *err);
/* EXPLAIN of sql inside the open transaction: through PREPARE and EXECUTE when there
 * are parameter values, as a generic plan when generic (pl_live_generic()). *out
 * (owned, pl_free) gets the JSON. */
int pl_live_explain(char **out, size_t *out_len, planlint_conn *c, const char *sql, int generic,
                    const planlint_capture_options *o, planlint_error *err);
/* ROLLBACK, whatever happened before, then DEALLOCATE what pl_live_explain() left. */
int pl_live_rollback(planlint_conn *c, planlint_error *err);

#endif
