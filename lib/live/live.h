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
    int canceled;                  /* the last failed call was cancelled (SQLSTATE 57014:
                                    * a cancel request or statement_timeout) */
};

/* Records a database error from msg (first line only), with every secret of conn (or
 * of the secrets list, when conn is NULL) masked. Returns PLANLINT_EDATABASE. */
int pl_db_error(planlint_error *err, char *const *secrets, const char *what, const char *msg);

/* capture.c: the steps of a capture, for planlint_conn_capture() and the hypopg check. */

/* res when its status is want; else NULL after clearing it and recording the error (a
 * lost connection says so). */
PGresult *pl_live_result(planlint_conn *c, PGresult *res, ExecStatusType want, planlint_error *err);
/* Runs one command through the extended protocol, through pl_live_result(); more than
 * one result is an error. */
PGresult *pl_live_exec(planlint_conn *c, const char *sql, ExecStatusType want, planlint_error *err);
/* The same with n text parameters, which travel apart from the SQL text. */
PGresult *pl_live_exec_params(planlint_conn *c, const char *sql, int n, const char *const *values,
                              ExecStatusType want, planlint_error *err);
int pl_live_command(planlint_conn *c, const char *sql, planlint_error *err);
/* 0 when c can start planlint's transaction: connected (else PLANLINT_EDATABASE) and
 * not inside a transaction of the caller's (else PLANLINT_EINVAL). */
int pl_live_ready(planlint_conn *c, planlint_error *err);
/* BEGIN [READ ONLY], then SET LOCAL statement_timeout (0: the default, 30 s) and
 * standard_conforming_strings = on. */
int pl_live_begin(planlint_conn *c, int read_only, unsigned int timeout_ms, planlint_error *err);
/* 1 when the statement has $n (max_param > 0) and o gives no values: a generic plan,
 * which needs 12+ (else PLANLINT_EREFUSED, decided before anything is sent); 0 otherwise. */
int pl_live_generic(const planlint_conn *c, long max_param, const planlint_capture_options *o,
                    planlint_error *err);
/* 1 when o's version and parameters are well-formed. */
int pl_capture_options_ok(const planlint_capture_options *o);
/* EXPLAIN of sql inside the open transaction: sql alone as a protocol-level prepared
 * statement, then EXPLAIN EXECUTE, first without running it (pl_live_fence()), then
 * with ANALYZE unless o->no_analyze or generic (pl_live_generic()). *out (owned,
 * pl_free) gets the JSON. */
int pl_live_explain(char **out, size_t *out_len, planlint_conn *c, const char *sql, int generic,
                    const planlint_capture_options *o, planlint_error *err);
/* fence.c: PLANLINT_EREFUSED when the plan (EXPLAIN's JSON, not run) modifies data or
 * locks rows and o does not allow writes, or mentions a function that o does not allow
 * (side_effects.c): the server's own view, after the parse-tree check. */
int pl_live_fence(const char *json, size_t len, const planlint_capture_options *o, planlint_error *err);

struct pl_statement;
/* functions.c: unless o allows side effects, looks up the functions the statement calls
 * that are not built in, and refuses one whose body (or the body of a function it
 * calls, a few levels deep) calls a function that o does not allow. */
int pl_live_vet_functions(planlint_conn *c, const struct pl_statement *st,
                          const planlint_capture_options *o, planlint_error *err);
/* The first function name in text (an identifier followed by "(") that o does not
 * allow; *name gets it, lower-cased. Each other name found goes to fn, when not NULL. */
const struct pl_side_effect *pl_mention_refused(const char *text, const planlint_capture_options *o,
                                                char *name, size_t size,
                                                void (*fn)(const char *name, void *ud), void *ud);

/* ROLLBACK, whatever happened before, then DEALLOCATE what pl_live_explain() left. */
int pl_live_rollback(planlint_conn *c, planlint_error *err);

#endif
