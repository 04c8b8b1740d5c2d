/* live.c - live mode: read the statement, connect, capture its plan through the
 * library, then analyze the captured JSON exactly as a file (several statements:
 * batch.c). SIGINT, SIGTERM and SIGHUP cancel the query on the server instead of
 * leaving it running. */
#include "cli.h"

#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

/* Only the signal handlers and the code around the library calls touch these. */
static planlint_cancel *volatile cli_cancel;
static volatile sig_atomic_t cli_cancel_ready;
static volatile sig_atomic_t cli_signal;   /* the first SIGINT, SIGTERM or SIGHUP */
static volatile sig_atomic_t cli_deferred; /* a batch: a signal between statements stops it */

static const int cli_stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

static const char *cli_signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
}

/* write(2) only: this runs inside a signal handler. */
static void cli_say_cancelled(int sig)
{
    const char *head = "planlint: cancelled by ", *name = cli_signal_name(sig);

    (void)!write(STDERR_FILENO, head, strlen(head));
    (void)!write(STDERR_FILENO, name, strlen(name));
    (void)!write(STDERR_FILENO, "\n", 1);
}

/* A cancel request reaches only the query running when it arrives: one sent between two
 * statements of a library call is lost. So it is sent again every 200 ms until the call
 * returns. */
static void cli_resend_timer(int on)
{
    struct itimerval t;

    memset(&t, 0, sizeof(t));
    t.it_interval.tv_usec = t.it_value.tv_usec = on ? 200000 : 0;
    setitimer(ITIMER_REAL, &t, NULL);
}

static void cli_on_alarm(int sig)
{
    (void)sig;
    if (cli_cancel_ready)
        planlint_cancel_send(cli_cancel);   /* async-signal safe (PQcancel) */
}

/* The first signal cancels what runs on the server and lets the library call end (with
 * its ROLLBACK); the caller then exits 128 + the signal. With nothing running, or on a
 * second signal, planlint ends at once; in a batch, the first signal between two
 * statements stops it before the next one, so that the reports so far are written. */
static void cli_on_stop_signal(int sig)
{
    if (cli_signal || (!cli_cancel_ready && !cli_deferred)) {
        cli_say_cancelled(sig);
        _exit(PL_EXIT_SIGNAL + sig);
    }
    cli_signal = sig;
    if (!cli_cancel_ready)
        return;
    planlint_cancel_send(cli_cancel);
    cli_resend_timer(1);
}

void cli_defer_signals(void)
{
    cli_deferred = 1;
}

int cli_stop_requested(void)
{
    if (!cli_signal)
        return 0;
    fprintf(stderr, "planlint: cancelled by %s\n", cli_signal_name(cli_signal));
    return PL_EXIT_SIGNAL + cli_signal;
}

void cli_catch_signals(void)
{
    struct sigaction sa;
    size_t i;

    memset(&sa, 0, sizeof(sa));
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = cli_on_alarm;
    sigaction(SIGALRM, &sa, NULL);
    sa.sa_handler = cli_on_stop_signal;
    for (i = 0; i < sizeof(cli_stop_signals) / sizeof(cli_stop_signals[0]); i++)
        sigaction(cli_stop_signals[i], &sa, NULL);
}

/* The statement from -c, -f or the one positional argument. Owned: free(). */
static char *cli_statement(const cli_settings *s)
{
    char why[256], *buf;
    size_t len;

    if ((s->command != NULL) + (s->sql_file != NULL) + (s->nfiles > 0) != 1) {
        cli_error("live mode needs exactly one statement: -c SQL, -f FILE or one argument");
        return NULL;
    }
    if (s->command)
        return strdup(s->command);
    if (s->nfiles)
        return strdup(s->files[0]);
    if (strcmp(s->sql_file, "-") == 0 && isatty(STDIN_FILENO))
        fputs("planlint: reading the statement from standard input (end it with Ctrl-D)\n", stderr);
    if (!(buf = cli_read_input(s->sql_file, &len, why, sizeof(why))))
        cli_error("%s: %s", cli_input_name(s->sql_file), why);
    else if (memchr(buf, '\0', len))
        cli_error("%s: contains a NUL byte", s->sql_file), free(buf), buf = NULL;
    return buf;
}

/* The name libpq logs in with, when the options settle it: -U, else (unless a conninfo
 * string or a service may name another) PGUSER or the OS user. NULL: not known here. */
static const char *cli_login_name(const cli_settings *s)
{
    const char *d = s->dbname, *u = getenv("PGUSER"), *service = getenv("PGSERVICE");
    struct passwd *pw;

    if (s->user && *s->user)
        return s->user;
    if ((d && (strchr(d, '=') || strstr(d, "://"))) || (service && *service))
        return NULL;
    if (u && *u)
        return u;
    return (pw = getpwuid(geteuid())) != NULL ? pw->pw_name : NULL;
}

/* psql's prompt once the server asked for a password. Owned: cli_password_free(). */
static char *cli_ask_password(const cli_settings *s)
{
    char prompt[300];
    const char *user = cli_login_name(s);

    if (user)
        snprintf(prompt, sizeof(prompt), "Password for user %s: ", user);
    else
        snprintf(prompt, sizeof(prompt), "Password: ");
    return cli_prompt_password(prompt);
}

static int cli_open(const cli_settings *s, const char *password, planlint_conn **conn,
                    planlint_error *err)
{
    planlint_connect_options o = PLANLINT_CONNECT_OPTIONS_INIT;

    memset(err, 0, sizeof(*err));
    o.host = s->host, o.port = s->port, o.user = s->user, o.dbname = s->dbname;
    o.password = password;
    return planlint_conn_open(conn, &o, err);
}

/* As psql: -W asks before connecting; otherwise, when the server wants a password that
 * nothing supplied, ask once and retry, unless -w or stdin is not a terminal (a script). */
int cli_connect(const cli_settings *s, planlint_conn **conn)
{
    planlint_error err;
    char *password = NULL;
    int rc;

    if (s->password_prompt && !s->no_password && !(password = cli_prompt_password("Password: "))) {
        cli_error("cannot read a password from the terminal");
        return PL_EXIT_DATABASE;
    }
    rc = cli_open(s, password, conn, &err);
    if (rc == PLANLINT_ENOPASSWORD && !password && !s->no_password && isatty(STDIN_FILENO) &&
        (password = cli_ask_password(s)) != NULL)
        rc = cli_open(s, password, conn, &err);
    cli_password_free(password);
    if (rc == 0)
        return 0;
    cli_error("could not connect: %s", err.text);
    return cli_exit_code(rc);
}

void cli_capture_options(const cli_settings *s, planlint_capture_options *o)
{
    planlint_capture_options init = PLANLINT_CAPTURE_OPTIONS_INIT;

    *o = init;
    o->no_analyze = s->no_analyze;
    o->allow_writes = s->allow_writes;
    o->allow_side_effects = s->allow_side_effects;
    o->timeout_ms = s->timeout_ms;
    o->params = s->params;
    o->nparams = s->nparams;
}

/* While the server works for us, a signal becomes a cancel request; one that came just
 * before (in a batch) is sent now, and again until the call returns. */
static void cli_cancel_arm(planlint_conn *conn)
{
    cli_cancel = planlint_conn_cancel_handle(conn);
    cli_cancel_ready = cli_cancel != NULL;
    if (cli_signal && cli_cancel_ready) {
        planlint_cancel_send(cli_cancel);
        cli_resend_timer(1);
    }
}

/* After a library call: 0, or the exit code once a signal cancelled it. */
static int cli_cancel_disarm(void)
{
    cli_cancel_ready = 0;
    cli_resend_timer(0);
    planlint_cancel_free(cli_cancel);
    cli_cancel = NULL;
    if (!cli_signal)
        return 0;
    fprintf(stderr, "planlint: cancelled by %s\n", cli_signal_name(cli_signal));
    return PL_EXIT_SIGNAL + cli_signal;
}

int cli_capture(const cli_settings *s, planlint_conn *conn, const char *name, const char *sql, char **json,
                size_t *len)
{
    planlint_capture_options o;
    planlint_error err;
    int rc, stopped;

    memset(&err, 0, sizeof(err));
    cli_capture_options(s, &o);
    cli_cancel_arm(conn);
    rc = planlint_conn_capture(json, len, conn, sql, &o, &err);
    if ((stopped = cli_cancel_disarm()) != 0)
        return stopped;
    if (rc == 0)
        return 0;
    if (name)
        cli_error("%s: %s", name, err.text[0] ? err.text : planlint_strerror(rc));
    else
        cli_error("%s", err.text[0] ? err.text : planlint_strerror(rc));
    return cli_exit_code(rc);
}

/* What the catalog adds is a bonus: without it the plan is still analyzed, as a file is. */
int cli_live_before_check(const cli_settings *s, planlint_plan *plan, const cli_live *live)
{
    planlint_error err;
    int rc, stopped;

    if (!s->no_analyze && !(planlint_plan_flags(plan) & PLANLINT_PLAN_HAS_ANALYZE))
        fprintf(stderr, "planlint: note: with $n and no --param values, this is a generic plan: "
                        "estimates only, the statement did not run; give --param values to run it\n");
    if (s->no_rules || s->no_enrich)
        return 0;
    memset(&err, 0, sizeof(err));
    cli_cancel_arm(live->conn);
    rc = planlint_enrich(plan, live->conn, &err);
    if ((stopped = cli_cancel_disarm()) != 0)
        return stopped;
    if (rc != 0)
        cli_warning("findings not enriched from the catalog: %s", err.text);
    return 0;
}

/* Like the enrichment, a bonus: when it fails the findings stand as they are. */
int cli_verify(const cli_settings *s, planlint_plan *plan, const cli_live *live)
{
    planlint_capture_options o;
    planlint_error err;
    int rc, stopped;

    memset(&err, 0, sizeof(err));
    cli_capture_options(s, &o);
    cli_cancel_arm(live->conn);
    rc = planlint_verify_indexes(plan, live->conn, live->sql, &o, &err);
    if ((stopped = cli_cancel_disarm()) != 0)
        return stopped;
    if (rc != 0)
        cli_warning("suggested indexes not verified: %s", err.text);
    return 0;
}

/* The captured plan with its statement as "Query Text": self-describing, as
 * auto_explain logs it. Owned: planlint_free(); NULL after saying why. */
char *cli_with_query(const char *name, const char *json, size_t len, const char *sql, size_t *out_len)
{
    planlint_error err;
    char *out = NULL;
    int rc;

    memset(&err, 0, sizeof(err));
    if ((rc = planlint_explain_set_query(&out, out_len, json, len, sql, &err)) != 0)
        cli_report(name, &err, rc);
    return out;
}

int cli_save(const char *path, const char *json, size_t len)
{
    FILE *f = fopen(path, "w");
    int failed;

    if (!f) {
        cli_error("%s: %s", path, strerror(errno));
        return PL_EXIT_USAGE;
    }
    failed = fwrite(json, 1, len, f) != len || fputc('\n', f) == EOF;
    if (fclose(f) != 0 || failed) {
        cli_error("write error on %s: %s", path, strerror(errno ? errno : EIO));
        return PL_EXIT_INTERNAL;
    }
    return 0;
}

/* --save FILE: the plan and its statement. An exit code. */
static int cli_save_with_query(const char *path, const char *name, const char *json, size_t len,
                               const char *sql)
{
    size_t saved_len = 0;
    char *saved = cli_with_query(name, json, len, sql, &saved_len);
    int rc;

    if (!saved)
        return PL_EXIT_INTERNAL;
    rc = cli_save(path, saved, saved_len);
    planlint_free(saved);
    return rc;
}

int cli_run_live(const cli_settings *s, FILE *out, int color, unsigned int width)
{
    planlint_conn *conn = NULL;
    planlint_error err;
    char *sql, *json = NULL;
    size_t len = 0;
    cli_live live = { NULL, NULL, NULL, NULL, 0, NULL };
    planlint_capture_options opts;
    int rc;

    memset(&err, 0, sizeof(err));
    cli_catch_signals();
    if (s->sql_file && !s->command && !s->nfiles && cli_is_directory(s->sql_file))
        return cli_run_batch(s, NULL, 0, out, color, width);
    if (!(sql = cli_statement(s)))
        return PL_EXIT_USAGE;
    /* -f with several statements: a batch, each under its name. */
    if (s->sql_file && (rc = cli_run_batch(s, sql, strlen(sql), out, color, width)) != CLI_NOT_A_BATCH) {
        free(sql);
        return rc;
    }
    /* Refused statements are refused before connecting, let alone running. */
    cli_capture_options(s, &opts);
    if (planlint_capture_check(sql, &opts, &err) != 0) {
        cli_error("%s", err.text);
        free(sql);
        return PL_EXIT_USAGE;
    }
    if ((rc = cli_connect(s, &conn)) == 0)
        rc = cli_capture(s, conn, NULL, sql, &json, &len);
    if (rc == 0 && s->save)
        rc = cli_save_with_query(s->save, "<capture>", json, len, sql);
    /* The connection stays open for the enrichment and the hypopg check. */
    live.conn = conn;
    live.sql = sql;
    if (rc == 0)
        rc = cli_analyze(s, "<capture>", json, len, &live, out, color, width);
    free(sql);
    planlint_conn_close(conn);
    planlint_free(json);
    return rc;
}
