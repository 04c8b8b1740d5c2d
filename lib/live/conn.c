/* conn.c - connecting as psql does, cancel handles, and database errors that never
 * show a password or the conninfo string (libpq may echo parts of it). */
#include "live.h"
#include "alloc.h"
#include "error.h"

#include <stdlib.h>
#include <string.h>

/* A piece of the conninfo string or URI that holds a secret: offset and length. */
typedef struct pl_span {
    size_t at, len;
} pl_span;

#define PL_MAX_SPANS 8

static void pl_add_span(pl_span *spans, size_t *n, const char *dsn, const char *from, size_t len)
{
    if (len > 0 && *n < PL_MAX_SPANS) {
        spans[*n].at = (size_t)(from - dsn);
        spans[(*n)++].len = len;
    }
}

/* A URI's userinfo (between "://" and the last '@' before the query), the password in it
 * (after the first ':'), and every password= value of its query. */
static size_t pl_uri_spans(const char *dsn, const char *rest, pl_span *spans)
{
    size_t n = 0, end = strcspn(rest, "?"), at = end, colon;
    const char *q;

    while (at > 0 && rest[at - 1] != '@')
        at--;
    if (at > 0) {
        pl_add_span(spans, &n, dsn, rest, at - 1);
        if ((colon = strcspn(rest, ":")) < at - 1)
            pl_add_span(spans, &n, dsn, rest + colon + 1, at - 2 - colon);
    }
    for (q = rest + end; *q; q += strcspn(q + 1, "&") + 1)
        if (strncmp(q + 1, "password=", 9) == 0)
            pl_add_span(spans, &n, dsn, q + 10, strcspn(q + 10, "&"));
    return n;
}

static int pl_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static const char *pl_skip_space(const char *p)
{
    while (pl_is_space(*p))
        p++;
    return p;
}

/* The end of a conninfo value as libpq reads it: up to a blank, or the closing quote,
 * with backslash escapes; an unterminated quote runs to the end. */
static const char *pl_value_end(const char *v, int quoted)
{
    while (*v && (quoted ? *v != '\'' : !pl_is_space(*v))) {
        if (*v == '\\' && v[1])
            v++;
        v++;
    }
    return v;
}

/* Every password= value of a conninfo string, as written (quotes and escapes kept). */
static size_t pl_conninfo_spans(const char *dsn, pl_span *spans)
{
    const char *p = dsn, *key, *v;
    size_t n = 0, klen;

    while (*(p = pl_skip_space(p))) {
        key = p;
        while (*p && *p != '=' && !pl_is_space(*p))
            p++;
        klen = (size_t)(p - key);
        if (*(p = pl_skip_space(p)) != '=')
            continue;   /* libpq refuses it; the next word is read as a keyword */
        v = pl_skip_space(p + 1);
        p = pl_value_end(v + (*v == '\''), *v == '\'');
        if (klen == 8 && strncmp(key, "password", 8) == 0)
            pl_add_span(spans, &n, dsn, v + (*v == '\''), (size_t)(p - v) - (*v == '\''));
        if (*p == '\'')
            p++;
    }
    return n;
}

/* Where the DSN holds secrets, found without libpq, which may fail to parse it. */
static size_t pl_secret_spans(const char *dsn, pl_span *spans)
{
    const char *scheme = strstr(dsn, "://");

    if (strncmp(dsn, "postgresql://", 13) == 0 || strncmp(dsn, "postgres://", 11) == 0)
        return pl_uri_spans(dsn, scheme + 3, spans);
    return pl_conninfo_spans(dsn, spans);
}

/* Copies src into dst with every occurrence of the nlen bytes at needle replaced by with. */
static void pl_mask(char *dst, size_t size, const char *src, const char *needle, size_t nlen,
                    const char *with)
{
    size_t n = 0, wlen = strlen(with);

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

/* Whether the len bytes at q occur in dsn overlapping a secret span. */
static int pl_in_secret(const char *dsn, const pl_span *spans, size_t nspans, const char *q, size_t len)
{
    size_t at, i, dlen = strlen(dsn);

    for (at = 0; len && at + len <= dlen; at++)
        for (i = 0; i < nspans; i++)
            if (at < spans[i].at + spans[i].len && at + len > spans[i].at &&
                memcmp(dsn + at, q, len) == 0)
                return 1;
    return 0;
}

/* libpq quotes the piece of a conninfo string or URI it complains about, and may cut it
 * anywhere ("invalid percent-encoded token: "Secret%zzPass""): a quoted part that occurs
 * in the DSN across a secret is masked, whichever piece it is. */
static void pl_mask_quoted(char *dst, size_t size, const char *src, const char *dsn,
                           const pl_span *spans, size_t nspans)
{
    const char *open, *close;
    size_t n = 0;

    while ((open = strchr(src, '"')) != NULL && (close = strchr(open + 1, '"')) != NULL) {
        const char *keep = pl_in_secret(dsn, spans, nspans, open + 1, (size_t)(close - open - 1))
                               ? "\"***\"" : NULL;

        n += (size_t)snprintf(dst + n, size - n, "%.*s%.*s", (int)(open - src), src,
                              keep ? 5 : (int)(close + 1 - open), keep ? keep : open);
        if (n >= size)
            return;
        src = close + 1;
    }
    snprintf(dst + n, size - n, "%s", src);
}

/* The longest secret not yet masked, or -1. A password is part of the DSN, so masking
 * it first would leave the rest of the DSN in place. */
static int pl_longest(const size_t *lens, const int *done, int n)
{
    int i, best = -1;

    for (i = 0; i < n; i++)
        if (!done[i] && lens[i] > 0 && (best < 0 || lens[i] > lens[best]))
            best = i;
    return best;
}

/* Every secret and every secret span of the DSN masked in a (of size bytes). */
static void pl_mask_secrets(char *a, char *b, size_t size, char *const *secrets)
{
    const char *dsn = secrets ? secrets[0] : NULL, *needle[PL_MAX_SECRETS + PL_MAX_SPANS];
    size_t lens[PL_MAX_SECRETS + PL_MAX_SPANS], nspans = 0;
    pl_span spans[PL_MAX_SPANS];
    int done[PL_MAX_SECRETS + PL_MAX_SPANS] = { 0 }, n = 0, i, k;

    for (i = 0; secrets && i < PL_MAX_SECRETS; i++, n++) {
        needle[n] = secrets[i];
        lens[n] = secrets[i] ? strlen(secrets[i]) : 0;
    }
    if (dsn)
        nspans = pl_secret_spans(dsn, spans);
    for (k = 0; k < (int)nspans; k++, n++) {
        needle[n] = dsn + spans[k].at;
        lens[n] = spans[k].len;
    }
    while ((k = pl_longest(lens, done, n)) >= 0) {
        pl_mask(b, size, a, needle[k], lens[k], k == 0 ? "<connection string>" : "***");
        memcpy(a, b, size);
        done[k] = 1;
    }
    if (nspans) {
        pl_mask_quoted(b, size, a, dsn, spans, nspans);
        memcpy(a, b, size);
    }
}

/* pl_db_error() with the code given: the message is built the same way. */
static int pl_db_error_code(planlint_error *err, int code, char *const *secrets, const char *what,
                            const char *msg)
{
    char a[PLANLINT_ERROR_TEXT_LENGTH * 2], b[sizeof(a)];
    size_t len;

    msg = msg && *msg ? msg : "unknown error";
    len = strcspn(msg, "\n");
    if (len >= sizeof(a))
        len = sizeof(a) - 1;
    memcpy(a, msg, len);
    a[len] = '\0';
    pl_mask_secrets(a, b, sizeof(a), secrets);
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
 * [2]: a password inside the conninfo string; [3]: PGPASSWORD, which libpq reads (a
 * message cannot tell where a word came from). Returns 0 or -1 (out of memory). */
static int pl_collect_secrets(char **secrets, const planlint_connect_options *o)
{
    PQconninfoOption *opts, *it;
    int is_dsn = o->dbname && (strchr(o->dbname, '=') || strstr(o->dbname, "://"));

    secrets[0] = is_dsn ? pl_dup(o->dbname) : NULL;
    secrets[1] = pl_dup(o->password);
    secrets[2] = NULL;
    secrets[3] = pl_dup(getenv("PGPASSWORD"));
    if (is_dsn && (opts = PQconninfoParse(o->dbname, NULL)) != NULL) {
        for (it = opts; it->keyword; it++)
            if (strcmp(it->keyword, "password") == 0 && it->val)
                secrets[2] = pl_dup(it->val);
        PQconninfoFree(opts);
    }
    if ((is_dsn && !secrets[0]) || (o->password && !secrets[1]) || (getenv("PGPASSWORD") && !secrets[3]))
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
