/* conn.c - connecting as psql does, cancel handles, and database errors that never
 * show a password or the conninfo string (libpq may echo parts of it). */
#include "live.h"
#include "alloc.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

/* Copies src into dst with every occurrence of needle replaced by with. */
static void pl_mask(char *dst, size_t size, const char *src, const char *needle, const char *with)
{
    size_t n = 0, nlen = strlen(needle), wlen = strlen(with);

    while (*src && n + 1 < size) {
        if (nlen && strncmp(src, needle, nlen) == 0) {
            size_t k = wlen < size - 1 - n ? wlen : size - 1 - n;

            memcpy(dst + n, with, k);
            n += k;
            src += nlen;
        } else {
            dst[n++] = *src++;
        }
    }
    dst[n] = '\0';
}

/* pl_db_error() with the code given: the message is built the same way. */
static int pl_db_error_code(planlint_error *err, int code, char *const *secrets, const char *what,
                            const char *msg)
{
    char a[PLANLINT_ERROR_TEXT_LENGTH * 2], b[sizeof(a)];
    size_t i, len;

    msg = msg && *msg ? msg : "unknown error";
    len = strcspn(msg, "\n");
    if (len >= sizeof(a))
        len = sizeof(a) - 1;
    memcpy(a, msg, len);
    a[len] = '\0';
    /* Longest first: the DSN holds the password, so masking the password first
     * would leave the rest of the DSN in place. */
    for (i = 0; secrets && i < PL_MAX_SECRETS; i++) {
        if (!secrets[i] || !*secrets[i])
            continue;
        pl_mask(b, sizeof(b), a, secrets[i], i == 0 ? "<connection string>" : "***");
        memcpy(a, b, sizeof(a));
    }
    return pl_error(err, code, 0, 0, NULL, "%s%s", what, a);
}

int pl_db_error(planlint_error *err, char *const *secrets, const char *what, const char *msg)
{
    return pl_db_error_code(err, PLANLINT_EDATABASE, secrets, what, msg);
}

static char *pl_dup(const char *s)
{
    return s ? pl_strndup(s, strlen(s)) : NULL;
}

/* secrets[0]: dbname when it is a conninfo string or URI; [1]: the password given;
 * [2]: a password inside the conninfo string. Returns 0 or -1 (out of memory). */
static int pl_collect_secrets(char **secrets, const planlint_connect_options *o)
{
    PQconninfoOption *opts, *it;
    int is_dsn = o->dbname && (strchr(o->dbname, '=') || strstr(o->dbname, "://"));

    secrets[0] = is_dsn ? pl_dup(o->dbname) : NULL;
    secrets[1] = pl_dup(o->password);
    secrets[2] = NULL;
    if (is_dsn && (opts = PQconninfoParse(o->dbname, NULL)) != NULL) {
        for (it = opts; it->keyword; it++)
            if (strcmp(it->keyword, "password") == 0 && it->val)
                secrets[2] = pl_dup(it->val);
        PQconninfoFree(opts);
    }
    if ((is_dsn && !secrets[0]) || (o->password && !secrets[1]))
        return -1;
    return 0;
}

static void pl_free_secrets(char **secrets)
{
    size_t i;

    for (i = 0; i < PL_MAX_SECRETS; i++) {
        pl_free(secrets[i]);
        secrets[i] = NULL;
    }
}

/* Server notices (WARNING: terminating connection ...) would otherwise go to stderr from
 * inside the library, breaking both "no printing from the library" and one-line errors. */
static void pl_ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

/* psql's order: the dbname string expands in place, later keywords override it. */
static PGconn *pl_connect(const planlint_connect_options *o)
{
    const char *keys[9], *vals[9];
    int n = 0;

    if (!getenv("PGCONNECT_TIMEOUT")) {
        keys[n] = "connect_timeout", vals[n++] = "10";
    }
    keys[n] = "dbname", vals[n++] = o->dbname;
    keys[n] = "host", vals[n++] = o->host;
    keys[n] = "port", vals[n++] = o->port;
    keys[n] = "user", vals[n++] = o->user;
    keys[n] = "password", vals[n++] = o->password;
    keys[n] = "fallback_application_name", vals[n++] = "planlint";
    keys[n] = NULL, vals[n] = NULL;
    return PQconnectdbParams(keys, vals, 1);
}

/* The server asked for a password and none was given (true only then: not for a wrong
 * one), so the caller may ask the user and try again, as psql does. */
static int pl_open_failed(planlint_error *err, const planlint_conn *c)
{
    int code = PQconnectionNeedsPassword(c->pg) ? PLANLINT_ENOPASSWORD : PLANLINT_EDATABASE;

    return pl_db_error_code(err, code, c->secrets, "", PQerrorMessage(c->pg));
}

int planlint_conn_open(planlint_conn **out, const planlint_connect_options *opts,
                       planlint_error *err)
{
    planlint_conn *c;

    if (!out || !opts || opts->version != PLANLINT_CONNECT_OPTIONS_VERSION)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "invalid connect options");
    *out = NULL;
    if (!(c = pl_malloc(sizeof(*c))))
        return pl_error_nomem(err);
    memset(c, 0, sizeof(*c));
    if (pl_collect_secrets(c->secrets, opts) != 0) {
        planlint_conn_close(c);
        return pl_error_nomem(err);
    }
    c->pg = pl_connect(opts);
    if (!c->pg || PQstatus(c->pg) != CONNECTION_OK) {
        int rc = c->pg ? pl_open_failed(err, c) : pl_error_nomem(err);

        planlint_conn_close(c);
        return rc;
    }
    PQsetNoticeProcessor(c->pg, pl_ignore_notice, NULL);
    *out = c;
    return 0;
}

void planlint_conn_close(planlint_conn *conn)
{
    if (!conn)
        return;
    if (conn->pg)
        PQfinish(conn->pg);
    pl_free_secrets(conn->secrets);
    pl_free(conn);
}

int planlint_conn_server_version(const planlint_conn *conn)
{
    return conn && conn->pg ? PQserverVersion(conn->pg) : 0;
}

planlint_cancel *planlint_conn_cancel_handle(planlint_conn *conn)
{
    return conn && conn->pg ? (planlint_cancel *)PQgetCancel(conn->pg) : NULL;
}

int planlint_cancel_send(planlint_cancel *cancel)
{
    char errbuf[256];

    if (!cancel)
        return -1;
    return PQcancel((PGcancel *)cancel, errbuf, (int)sizeof(errbuf)) ? 0 : -1;
}

void planlint_cancel_free(planlint_cancel *cancel)
{
    if (cancel)
        PQfreeCancel((PGcancel *)cancel);
}
