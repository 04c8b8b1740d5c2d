/* test_live_api.c - the live-mode library calls against a real server (started by
 * tests/live/api.sh, which passes its conninfo): bad arguments, a connection already in
 * a transaction, refusals that run nothing, the prepared statement cleaned up after an
 * error, no session state left after success, refusal, error or cancel, the whole
 * capture-enrich-check-verify path, a backend killed under planlint, and every
 * allocation failure inside planlint_enrich() and planlint_verify_indexes(). */
#include "live.h"
#include "enrich.h"
#include "alloc.h"
#include "../unit/tap.h"

#include <signal.h>
#include <sys/time.h>

static const char *conninfo;

static planlint_conn *open_conn(void)
{
    planlint_connect_options o = PLANLINT_CONNECT_OPTIONS_INIT;
    planlint_error err;
    planlint_conn *c = NULL;

    memset(&err, 0, sizeof(err));
    o.dbname = conninfo;
    if (planlint_conn_open(&c, &o, &err) != 0) {
        fprintf(stderr, "cannot connect: %s\n", err.text);
        exit(99);
    }
    return c;
}

/* The first column of the first row of a query on the connection, as an integer. */
static long query_long(planlint_conn *c, const char *sql)
{
    PGresult *r = PQexec(c->pg, sql);
    long v = PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) > 0 ? atol(PQgetvalue(r, 0, 0)) : -1;

    PQclear(r);
    return v;
}

/* Nothing of a library call outlives it: no transaction, no prepared statement, no
 * advisory lock of the statement's (pg_advisory_xact_lock: ROLLBACK releases it), and
 * the connection answers. */
static int idle(planlint_conn *c)
{
    return PQtransactionStatus(c->pg) == PQTRANS_IDLE &&
           query_long(c, "SELECT count(*) FROM pg_prepared_statements") == 0 &&
           query_long(c, "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
                         " AND locktype = 'advisory'") == 0;
}

static planlint_plan *capture(planlint_conn *c, const char *sql)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    planlint_error err;
    planlint_plan *p = NULL;
    char *json = NULL;
    size_t len = 0;

    memset(&err, 0, sizeof(err));
    if (planlint_conn_capture(&json, &len, c, sql, &o, &err) != 0 ||
        planlint_plan_parse(&p, json, len, NULL, &err) != 0) {
        fprintf(stderr, "capture failed: %s\n", err.text);
        exit(99);
    }
    planlint_free(json);
    return p;
}

static void check_plan(planlint_plan *p)
{
    planlint_check_options o = PLANLINT_CHECK_OPTIONS_INIT;
    planlint_error err;

    memset(&err, 0, sizeof(err));
    if (planlint_check(p, &o, &err) != 0) {
        fprintf(stderr, "check failed: %s\n", err.text);
        exit(99);
    }
}

/* The seq-scan-filter finding with its CREATE INDEX. */
static const planlint_finding *suggestion(const planlint_plan *p)
{
    size_t i;

    for (i = 0; i < planlint_plan_finding_count(p); i++)
        if (planlint_finding_index_sql(planlint_plan_finding(p, i)))
            return planlint_plan_finding(p, i);
    return NULL;
}

static void test_bad_arguments(planlint_conn *c, planlint_plan *p)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT, bad = PLANLINT_CAPTURE_OPTIONS_INIT;
    planlint_error err;
    char *json = NULL;

    memset(&err, 0, sizeof(err));
    bad.version = 0;
    CHECK(planlint_conn_capture(NULL, NULL, c, "SELECT 1", &o, &err) == PLANLINT_EINVAL);
    CHECK(planlint_conn_capture(&json, NULL, NULL, "SELECT 1", &o, &err) == PLANLINT_EINVAL);
    CHECK(planlint_conn_capture(&json, NULL, c, NULL, &o, &err) == PLANLINT_EINVAL);
    CHECK(planlint_conn_capture(&json, NULL, c, "SELECT 1", &bad, &err) == PLANLINT_EINVAL);
    bad = o;
    bad.nparams = 1;   /* and no values */
    CHECK(planlint_conn_capture(&json, NULL, c, "SELECT $1", &bad, &err) == PLANLINT_EINVAL);
    CHECK(json == NULL);
    CHECK(planlint_enrich(NULL, c, &err) == PLANLINT_EINVAL);
    CHECK(planlint_enrich(p, NULL, &err) == PLANLINT_EINVAL);
    CHECK(planlint_verify_indexes(NULL, c, "SELECT 1", &o, &err) == PLANLINT_EINVAL);
    CHECK(planlint_verify_indexes(p, c, NULL, &o, &err) == PLANLINT_EINVAL);
    CHECK(planlint_verify_indexes(p, c, "SELECT 1", NULL, &err) == PLANLINT_EINVAL);
    CHECK(idle(c));
}

/* An embedder's open transaction is not planlint's to end. */
static void test_in_transaction(planlint_conn *c, planlint_plan *p, const char *sql)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    planlint_error err;
    char *json = NULL;

    memset(&err, 0, sizeof(err));
    PQclear(PQexec(c->pg, "BEGIN"));
    CHECK(planlint_conn_capture(&json, NULL, c, "SELECT 1", &o, &err) == PLANLINT_EINVAL);
    CHECK(strstr(err.text, "inside a transaction") != NULL);
    CHECK(planlint_enrich(p, c, &err) == PLANLINT_EINVAL);
    CHECK(p->catalog == NULL);
    CHECK(planlint_verify_indexes(p, c, sql, &o, &err) == PLANLINT_EINVAL);
    CHECK(PQtransactionStatus(c->pg) == PQTRANS_INTRANS);
    PQclear(PQexec(c->pg, "ROLLBACK"));
}

static void test_refusals(planlint_conn *c)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    planlint_error err;
    char *json = NULL;
    int rc;

    memset(&err, 0, sizeof(err));
    CHECK(planlint_conn_capture(&json, NULL, c, "DELETE FROM noix", &o, &err) == PLANLINT_EREFUSED);
    CHECK(strstr(err.text, "--allow-writes") != NULL);
    memset(&err, 0, sizeof(err));   /* the first error recorded stays */
    rc = planlint_conn_capture(&json, NULL, c, "SELECT * FROM noix WHERE k = $1", &o, &err);
    if (planlint_conn_server_version(c) >= 120000) {
        CHECK(rc == 0);   /* a generic plan */
        CHECK(json && strstr(json, "$1") != NULL && strstr(json, "Actual") == NULL);
    } else {
        CHECK(rc == PLANLINT_EREFUSED);
        CHECK(strstr(err.text, "PostgreSQL 12") != NULL);
    }
    planlint_free(json);
    CHECK(idle(c));
}

/* A value the server rejects: an error, and no prepared statement left behind. */
static void test_prepared_cleanup(planlint_conn *c)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    const char *values[] = { "not a number" };
    planlint_error err;
    char *json = NULL;

    memset(&err, 0, sizeof(err));
    o.params = values;
    o.nparams = 1;
    CHECK(planlint_conn_capture(&json, NULL, c, "SELECT * FROM noix WHERE k = $1", &o, &err) ==
          PLANLINT_EDATABASE);
    CHECK(strstr(err.text, "invalid input syntax") != NULL);
    CHECK(json == NULL);
    CHECK(idle(c));
}

/* A cancel request from a signal handler, 300 ms after cancel_later(), as the planlint
 * command sends one. */
static planlint_cancel *volatile pending_cancel;

static void on_alarm(int sig)
{
    (void)sig;
    planlint_cancel_send(pending_cancel);
}

static void cancel_later(planlint_conn *c)
{
    struct itimerval t;

    memset(&t, 0, sizeof(t));
    t.it_value.tv_usec = 300000;
    pending_cancel = planlint_conn_cancel_handle(c);
    signal(SIGALRM, on_alarm);
    setitimer(ITIMER_REAL, &t, NULL);
}

static void cancel_done(void)
{
    planlint_cancel_free(pending_cancel);
    pending_cancel = NULL;
}

/* planlint_conn_capture() of sql (with $1 = "42" when param): rc expected, then idle. */
static void capture_leaves_nothing(planlint_conn *c, const char *sql, int param, int cancel, int want)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    const char *values[] = { "42" };
    planlint_error err;
    char *json = NULL;
    int rc;

    memset(&err, 0, sizeof(err));
    o.params = values;
    o.nparams = param ? 1 : 0;
    if (cancel)
        cancel_later(c);
    rc = planlint_conn_capture(&json, NULL, c, sql, &o, &err);
    cancel_done();
    if (rc != want || !idle(c))
        fprintf(stderr, "# %s%s: %d (%s)\n", sql, param ? " with $1" : "", rc, err.text);
    CHECK(rc == want);
    CHECK((json != NULL) == (want == 0));
    CHECK(!cancel || strstr(err.text, "canceling statement") != NULL);
    CHECK(idle(c));
    planlint_free(json);
}

/* The statement takes a transaction-level advisory lock: success, a refusal, an error
 * and a cancel, each with and without a prepared statement. */
static void test_capture_leaves_nothing(planlint_conn *c)
{
    int param;

    for (param = 0; param <= 1; param++) {
        capture_leaves_nothing(c, param ? "SELECT pg_advisory_xact_lock($1::bigint)"
                                        : "SELECT pg_advisory_xact_lock(42)", param, 0, 0);
        capture_leaves_nothing(c, "SELECT pg_advisory_xact_lock(42) FROM noix FOR UPDATE", param, 0,
                               PLANLINT_EREFUSED);
        capture_leaves_nothing(c, param ? "SELECT pg_advisory_xact_lock($1::bigint), 1 / 0"
                                        : "SELECT pg_advisory_xact_lock(42), 1 / 0", param, 0,
                               PLANLINT_EDATABASE);
        capture_leaves_nothing(c, param ? "SELECT pg_advisory_xact_lock($1::bigint), pg_sleep(30)"
                                        : "SELECT pg_advisory_xact_lock(42), pg_sleep(30)", param, 1,
                               PLANLINT_EDATABASE);
    }
}

/* Enrichment and verification wait for a lock that another session holds on noix
 * (pg_table_size() opens the table; so does planning the statement): a lock timeout
 * is a database error, and a cancel request ends the wait. Each time the call rolls
 * back and leaves nothing. */
static void test_enrich_verify_leave_nothing(planlint_conn *c, const char *sql, int hypopg)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    planlint_plan *p = capture(c, sql);
    planlint_conn *locker = open_conn();
    planlint_error err;
    int cancel, rc;

    check_plan(p);
    PQclear(PQexec(locker->pg, "BEGIN"));
    CHECK(query_long(locker, "LOCK TABLE noix IN ACCESS EXCLUSIVE MODE; SELECT 1") == 1);
    for (cancel = 0; cancel <= 1; cancel++) {
        PQclear(PQexec(c->pg, cancel ? "SET lock_timeout = 0" : "SET lock_timeout = '200ms'"));
        memset(&err, 0, sizeof(err));
        if (cancel)
            cancel_later(c);
        rc = planlint_enrich(p, c, &err);
        cancel_done();
        CHECK(rc == PLANLINT_EDATABASE);
        CHECK(strstr(err.text, cancel ? "canceling statement" : "lock timeout") != NULL);
        CHECK(p->catalog == NULL);
        CHECK(idle(c));
        memset(&err, 0, sizeof(err));
        if (cancel && hypopg)
            cancel_later(c);
        rc = planlint_verify_indexes(p, c, sql, &o, &err);
        cancel_done();
        CHECK(rc == (hypopg ? PLANLINT_EDATABASE : 0));
        CHECK(!hypopg || strstr(err.text, cancel ? "canceling statement" : "lock timeout") != NULL);
        CHECK(idle(c));
        CHECK(query_long(c, "SELECT count(*) FROM pg_extension WHERE extname = 'hypopg'") == 0);
    }
    PQclear(PQexec(c->pg, "RESET lock_timeout"));
    PQclear(PQexec(locker->pg, "ROLLBACK"));
    planlint_conn_close(locker);
    planlint_plan_free(p);
}

static void test_whole_path(planlint_conn *c, const char *sql)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    planlint_plan *p = capture(c, sql);
    const planlint_finding *f;
    planlint_error err;
    double before, after;
    const char *note = NULL;
    planlint_verification v;
    int hypopg = query_long(c, "SELECT count(*) FROM pg_available_extensions WHERE name = 'hypopg'") == 1;

    memset(&err, 0, sizeof(err));
    CHECK(planlint_enrich(p, c, &err) == 0);
    CHECK(p->catalog != NULL && p->catalog->ntables == 1);
    check_plan(p);
    f = suggestion(p);
    CHECK(f != NULL);
    CHECK_STR(planlint_finding_index_sql(f), "CREATE INDEX ON public.noix (k);");
    CHECK(planlint_finding_verification(f, NULL, NULL, NULL) == PLANLINT_VERIFY_NONE);
    CHECK(planlint_verify_indexes(p, c, sql, &o, &err) == 0);
    v = planlint_finding_verification(f, &before, &after, &note);
    if (hypopg) {
        CHECK(v == PLANLINT_VERIFY_CHOSEN);
        CHECK(before > 0 && after > 0 && after < before);
        CHECK(note && strstr(note, "btree_noix_k") != NULL);
    } else {
        CHECK(v == PLANLINT_VERIFY_UNAVAILABLE);
        CHECK(note && strstr(note, "not installed") != NULL);
    }
    CHECK_STR(planlint_verification_name(v), hypopg ? "chosen" : "unavailable");
    CHECK(planlint_verification_name((planlint_verification)99) == NULL);
    CHECK(query_long(c, "SELECT count(*) FROM pg_extension WHERE extname = 'hypopg'") == 0);
    CHECK(idle(c));
    planlint_plan_free(p);
}

/* Every allocation failure, one at a time: PLANLINT_ENOMEM, the connection left idle,
 * and in the end success. */
static void test_out_of_memory(planlint_conn *c, const char *sql, const char *many_tables)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    planlint_plan *p = capture(c, many_tables);
    planlint_error err;
    long n;
    int rc = -1, only_nomem = 1;

    for (n = 0; n < 10000 && rc != 0; n++) {
        memset(&err, 0, sizeof(err));
        pl_alloc_fail_after(n);
        rc = planlint_enrich(p, c, &err);
        pl_alloc_fail_after(-1);
        only_nomem &= rc == 0 || rc == PLANLINT_ENOMEM;
        only_nomem &= idle(c);
    }
    CHECK(rc == 0 && only_nomem && n > 1 && p->catalog && p->catalog->ntables == 40);
    printf("enrich: succeeded after %ld injected failures\n", n - 1);
    planlint_plan_free(p);
    p = capture(c, sql);
    check_plan(p);
    for (n = 0, rc = -1; n < 10000 && rc != 0; n++) {
        memset(&err, 0, sizeof(err));
        pl_alloc_fail_after(n);
        rc = planlint_verify_indexes(p, c, sql, &o, &err);
        pl_alloc_fail_after(-1);
        only_nomem &= rc == 0 || rc == PLANLINT_ENOMEM;
        only_nomem &= idle(c);
    }
    CHECK(rc == 0 && only_nomem);
    printf("verify: succeeded after %ld injected failures\n", n - 1);
    planlint_plan_free(p);
}

/* The backend dies under planlint: one-line errors, nothing changed in the plan. */
static void test_lost_connection(planlint_conn *c, const char *sql)
{
    planlint_capture_options o = PLANLINT_CAPTURE_OPTIONS_INIT;
    planlint_plan *p = capture(c, sql);
    planlint_conn *killer = open_conn();
    planlint_error err;
    char kill[96], *json = NULL;

    check_plan(p);
    snprintf(kill, sizeof(kill), "SELECT pg_terminate_backend(%d)::int",
             PQbackendPID(c->pg));
    CHECK(query_long(killer, kill) == 1);
    memset(&err, 0, sizeof(err));
    CHECK(planlint_enrich(p, c, &err) == PLANLINT_EDATABASE);
    CHECK(err.text[0] != '\0' && strchr(err.text, '\n') == NULL);
    CHECK(p->catalog == NULL);
    CHECK(planlint_verify_indexes(p, c, sql, &o, &err) == PLANLINT_EDATABASE);
    CHECK(planlint_finding_verification(suggestion(p), NULL, NULL, NULL) == PLANLINT_VERIFY_NONE);
    CHECK(planlint_conn_capture(&json, NULL, c, sql, &o, &err) == PLANLINT_EDATABASE);
    CHECK(json == NULL);
    planlint_conn_close(killer);
    planlint_plan_free(p);
}

int main(int argc, char **argv)
{
    static const char sql[] = "SELECT * FROM noix WHERE k = 5";
    char many[4096];
    size_t used = 0;
    int i;
    planlint_conn *c;
    planlint_plan *p;

    if (argc != 2) {
        fprintf(stderr, "usage: test_live_api CONNINFO\n");
        return 99;
    }
    conninfo = argv[1];
    c = open_conn();
    p = capture(c, sql);
    check_plan(p);
    test_bad_arguments(c, p);
    test_in_transaction(c, p, sql);
    test_refusals(c);
    test_prepared_cleanup(c);
    test_capture_leaves_nothing(c);
    test_enrich_verify_leave_nothing(c, sql, query_long(c, "SELECT count(*) FROM pg_available_extensions"
                                                          " WHERE name = 'hypopg'") == 1);
    test_whole_path(c, sql);
    for (i = 1; i <= 40; i++)   /* enough catalog data to need fresh arena memory */
        used += (size_t)snprintf(many + used, sizeof(many) - used, "%sSELECT a FROM w%d",
                                 i > 1 ? " UNION ALL " : "", i);
    test_out_of_memory(c, sql, many);
    test_lost_connection(c, sql);
    planlint_plan_free(p);
    planlint_conn_close(c);
    printf("%d checks, %d failed\n", tap_checks, tap_failures);
    return tap_failures ? 1 : 0;
}
