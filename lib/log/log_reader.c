/* log_reader.c - planlint_log_reader_*: opening a log, telling its format from its
 * first line, and handing out its auto_explain entries one at a time. */
#define _GNU_SOURCE 1   /* memmem */
#include "log.h"
#include "alloc.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#define PL_DEFAULT_MAX_ENTRY ((size_t)64 << 20)

struct planlint_log_reader {
    pl_log_input *in;
    char *name;
    planlint_log_format format;
    planlint_log_stats stats;
    pl_log_src src;
    pl_stderr_state *stderr_state;
    pl_csv_state *csv_state;
};

const char *planlint_log_format_name(planlint_log_format f)
{
    switch (f) {
    case PLANLINT_LOG_STDERR: return "stderr";
    case PLANLINT_LOG_CSV: return "csvlog";
    case PLANLINT_LOG_JSON: return "jsonlog";
    default: return NULL;
    }
}

/* The first line that is not empty. */
static void pl_first_line(const char *buf, size_t len, const char **s, size_t *n)
{
    const char *nl;

    while (len > 0 && (buf[0] == '\n' || buf[0] == '\r')) {
        buf++;
        len--;
    }
    nl = memchr(buf, '\n', len);
    *s = buf;
    *n = nl ? (size_t)(nl - buf) : len;
}

/* The shape of the first line: jsonlog's object, csvlog's "timestamp," or else stderr. */
static planlint_log_format pl_shape(const char *buf, size_t len)
{
    const char *s;
    size_t n, i;

    pl_first_line(buf, len, &s, &n);
    if (n > 0 && s[0] == '{' && memmem(s, n, "\"timestamp\":", 12))
        return PLANLINT_LOG_JSON;
    /* csvlog starts with the bare timestamp: digits, '-', ':', '.', ' ', a zone */
    for (i = 0; i < n && i < 48 && s[i] != ','; i++)
        if (!strchr("0123456789-:. +ABCDEFGHIJKLMNOPQRSTUVWXYZ", s[i]))
            return PLANLINT_LOG_STDERR;
    if (i >= 19 && i < n && s[i] == ',' && s[4] == '-' && s[7] == '-' && s[13] == ':' &&
        pl_log_time(s, i) == pl_log_time(s, i))   /* not NaN */
        return PLANLINT_LOG_CSV;
    return PLANLINT_LOG_STDERR;
}

planlint_log_format planlint_log_detect(const char *buf, size_t len)
{
    planlint_log_format f;
    size_t pos = 0, found = 0, level_at, msg_at;

    if (!buf || len == 0)
        return PLANLINT_LOG_AUTO;
    f = pl_shape(buf, len);
    if (f == PLANLINT_LOG_JSON)
        return memmem(buf, len, "\"message\":\"duration: ", 21) ? f : PLANLINT_LOG_AUTO;
    if (f == PLANLINT_LOG_CSV)
        return memmem(buf, len, ",\"duration: ", 12) ? f : PLANLINT_LOG_AUTO;
    while (pos < len && found < 2) {
        const char *nl = memchr(buf + pos, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - buf) - pos : len - pos;
        if (n > 0 && buf[pos] != '\t' && buf[pos] != ' ' && pl_stderr_marker(buf + pos, n, &level_at, &msg_at) &&
            level_at > 0)
            found++;
        pos += n + 1;
    }
    return found >= 2 ? PLANLINT_LOG_STDERR : PLANLINT_LOG_AUTO;
}

static int pl_check_opts(const planlint_log_options *opts, planlint_error *err)
{
    if (opts && opts->version != PLANLINT_LOG_OPTIONS_VERSION)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unsupported options version %u", opts->version);
    if (opts && (opts->format < PLANLINT_LOG_AUTO || opts->format > PLANLINT_LOG_JSON))
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unknown log format %d", (int)opts->format);
    return 0;
}

int planlint_log_reader_open_fd(planlint_log_reader **out, int fd, const char *name,
                                const planlint_log_options *opts, planlint_error *err)
{
    planlint_log_reader *r;
    size_t max_entry;
    int rc;

    if (!out)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out must not be NULL");
    *out = NULL;
    if ((rc = pl_check_opts(opts, err)) < 0 || fd < 0) {
        if (fd >= 0)
            close(fd);
        return rc < 0 ? rc : pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "bad file descriptor");
    }
    max_entry = opts && opts->max_entry_bytes ? opts->max_entry_bytes : PL_DEFAULT_MAX_ENTRY;
    if (!(r = pl_malloc(sizeof(*r)))) {
        close(fd);
        return pl_error_nomem(err);
    }
    memset(r, 0, sizeof(*r));
    r->name = pl_strndup(name ? name : "", name ? strlen(name) : 0);
    r->in = r->name ? pl_log_input_new(fd, max_entry) : NULL;
    if (!r->in) {
        close(fd);
        planlint_log_reader_close(r);
        return pl_error_nomem(err);
    }
    r->format = opts ? opts->format : PLANLINT_LOG_AUTO;
    r->src.in = r->in;
    r->src.name = r->name;
    r->src.max_entry = max_entry;
    r->src.stats = &r->stats;
    *out = r;
    return 0;
}

int planlint_log_reader_open(planlint_log_reader **out, const char *path, const planlint_log_options *opts,
                             planlint_error *err)
{
    int fd;

    if (out)
        *out = NULL;
    if (!path)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "path must not be NULL");
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return pl_error(err, PLANLINT_EIO, 0, 0, NULL, "%s", strerror(errno));
    return planlint_log_reader_open_fd(out, fd, path, opts, err);
}

void planlint_log_reader_close(planlint_log_reader *r)
{
    if (!r)
        return;
    pl_log_input_free(r->in);
    pl_stderr_free(r->stderr_state);
    pl_csv_free(r->csv_state);
    pl_free(r->name);
    pl_free(r);
}

static int pl_decide_format(planlint_log_reader *r, planlint_error *err)
{
    const char *s;
    size_t n;
    int rc;

    if (r->format == PLANLINT_LOG_AUTO) {
        if ((rc = pl_log_input_peek(r->in, &s, &n)) < 0)
            return rc == PLANLINT_EIO ? pl_error(err, rc, 0, 0, NULL, "read error") : pl_error_nomem(err);
        r->format = pl_shape(s, n);
    }
    if (r->format == PLANLINT_LOG_STDERR && !r->stderr_state && !(r->stderr_state = pl_stderr_new()))
        return pl_error_nomem(err);
    if (r->format == PLANLINT_LOG_CSV && !r->csv_state && !(r->csv_state = pl_csv_new()))
        return pl_error_nomem(err);
    return 0;
}

int planlint_log_reader_next(planlint_log_reader *r, planlint_log_entry **out, planlint_error *err)
{
    int rc;

    if (out)
        *out = NULL;
    if (!r || !out)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "reader and out must not be NULL");
    if ((rc = pl_decide_format(r, err)) < 0)
        return rc;
    switch (r->format) {
    case PLANLINT_LOG_CSV:
        rc = pl_csv_next(r->csv_state, &r->src, out, err);
        break;
    case PLANLINT_LOG_JSON:
        rc = pl_jsonlog_next(&r->src, out, err);
        break;
    default:
        rc = pl_stderr_next(r->stderr_state, &r->src, out, err);
        break;
    }
    r->stats.bytes = pl_log_input_bytes(r->in);
    r->stats.raw_bytes = pl_log_input_raw_bytes(r->in);
    return rc;
}

void planlint_log_reader_stats(const planlint_log_reader *r, planlint_log_stats *out)
{
    if (!out)
        return;
    if (!r) {
        memset(out, 0, sizeof(*out));
        return;
    }
    *out = r->stats;
}

planlint_log_format planlint_log_reader_format(const planlint_log_reader *r)
{
    return r ? r->format : PLANLINT_LOG_AUTO;
}
