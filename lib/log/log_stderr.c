/* log_stderr.c - stderr logs with any log_line_prefix: an entry is the line holding
 * "LEVEL:  duration: N ms  plan:" and the lines after it that start with a tab (the
 * server indents every further line of a message). The prefix is whatever precedes
 * LEVEL; its timestamp, pid, user, database and application are found in its text. */
#define _GNU_SOURCE 1   /* memmem */
#include "log.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"

#include <string.h>

struct pl_stderr_state {
    pl_buf msg;          /* the open entry's message, "duration: ..." on */
    pl_buf head;         /* its first line up to the level, for the metadata */
    int open, too_long;
    long pid;
    size_t line;
    pl_buf pending;      /* a line read that ends the open entry: handled next */
    int has_pending;
    size_t pending_lineno;
};

pl_stderr_state *pl_stderr_new(void)
{
    pl_stderr_state *st = pl_malloc(sizeof(*st));

    if (st) {
        memset(st, 0, sizeof(*st));
        pl_buf_init(&st->msg);
        pl_buf_init(&st->head);
        pl_buf_init(&st->pending);
    }
    return st;
}

void pl_stderr_free(pl_stderr_state *st)
{
    if (!st)
        return;
    pl_buf_release(&st->msg);
    pl_buf_release(&st->head);
    pl_buf_release(&st->pending);
    pl_free(st);
}

/* ------------------------------------------------------------ the prefix */

static int pl_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int pl_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

int pl_stderr_marker(const char *s, size_t n, size_t *level_at, size_t *msg_at)
{
    const char *m = memmem(s, n, ":  duration: ", 13);
    size_t at, lv;
    double d;
    size_t body;

    if (!m)
        return 0;
    at = (size_t)(m - s);
    lv = at;
    while (lv > 0 && (pl_upper(s[lv - 1]) || pl_digit(s[lv - 1])))
        lv--;
    if (lv == at || (lv > 0 && s[lv - 1] != ' ' && s[lv - 1] != ']' && s[lv - 1] != ':'))
        return 0;
    if (!pl_log_is_entry(m + 3, n - at - 3, &d, &body))
        return 0;
    *level_at = lv;
    *msg_at = at + 3;
    return 1;
}

/* "2024-05-01 10:00:00[.123][ UTC|+02]" at s[i]: its length, or 0. */
static size_t pl_ts_len(const char *s, size_t n, size_t i)
{
    static const char shape[] = "dddd-dd-dd dd:dd:dd";
    size_t k, j;

    if (n - i < sizeof(shape) - 1)
        return 0;
    for (k = 0; k < sizeof(shape) - 1; k++)
        if (shape[k] == 'd' ? !pl_digit(s[i + k]) : s[i + k] != shape[k] && !(k == 10 && s[i + k] == 'T'))
            return 0;
    j = i + k;
    if (j < n && s[j] == '.')
        for (j++; j < n && pl_digit(s[j]); j++)
            ;
    if (j + 1 < n && s[j] == ' ' && (pl_upper(s[j + 1]) || s[j + 1] == '+' || s[j + 1] == '-')) {
        size_t z = j + 1;
        while (z < n && (pl_upper(s[z]) || pl_digit(s[z]) || s[z] == '+' || s[z] == '-' || s[z] == ':'))
            z++;
        if (z - j - 1 <= 6)
            j = z;
    }
    return j - i;
}

/* The value of "key=" at a token start, up to ',', ' ', ']' or the end. */
static int pl_key(const char *s, size_t n, const char *key, const char **v, size_t *vn)
{
    size_t kn = strlen(key), i = 0;
    const char *p;

    while ((p = memmem(s + i, n - i, key, kn)) != NULL) {
        size_t at = (size_t)(p - s), e;
        i = at + 1;
        if (at > 0 && s[at - 1] != ' ' && s[at - 1] != ',' && s[at - 1] != '[' && s[at - 1] != '(' &&
            s[at - 1] != ':' && s[at - 1] != ';')
            continue;
        for (e = at + kn; e < n && s[e] != ',' && s[e] != ' ' && s[e] != ']' && s[e] != ';'; e++)
            ;
        *v = s + at + kn;
        *vn = e - at - kn;
        return 1;
    }
    return 0;
}

static void pl_keep(const char **dst, size_t *dn, const char *v, size_t vn)
{
    if (vn == 0 || (vn == 9 && memcmp(v, "[unknown]", 9) == 0))
        return;
    *dst = v;
    *dn = vn;
}

static long pl_number(const char *s, size_t n)
{
    long v = 0;
    size_t i;

    for (i = 0; i < n && pl_digit(s[i]) && v < 100000000L; i++)
        v = v * 10 + (s[i] - '0');
    return i ? v : 0;
}

/* The pid: the first "[123" or "pid=123". */
static long pl_pid(const char *s, size_t n)
{
    const char *v;
    size_t i, vn;

    if (pl_key(s, n, "pid=", &v, &vn))
        return pl_number(v, vn);
    for (i = 0; i + 1 < n; i++)
        if (s[i] == '[' && pl_digit(s[i + 1]))
            return pl_number(s + i + 1, n - i - 1);
    return 0;
}

/* "user@db": the token around the first '@' after the timestamp and pid. */
static void pl_at_form(const char *s, size_t n, size_t from, pl_log_meta *m)
{
    const char *at = from < n ? memchr(s + from, '@', n - from) : NULL;
    size_t a, b, e;

    if (!at)
        return;
    a = b = (size_t)(at - s);
    while (a > from && s[a - 1] != ' ' && s[a - 1] != ']' && s[a - 1] != ':')
        a--;
    for (e = b + 1; e < n && s[e] != ' ' && s[e] != ']' && s[e] != ':' && s[e] != ','; e++)
        ;
    pl_keep(&m->user, &m->user_n, s + a, b - a);
    pl_keep(&m->db, &m->db_n, s + b + 1, e - b - 1);
}

void pl_stderr_prefix(const char *s, size_t n, pl_log_meta *m)
{
    const char *v;
    size_t i, vn, after = 0, tl;

    memset(m, 0, sizeof(*m));
    while (n > 0 && s[n - 1] == ' ')
        n--;
    m->prefix = s;
    m->prefix_n = n;
    for (i = 0; i + 19 <= n; i++)
        if (pl_digit(s[i]) && (tl = pl_ts_len(s, n, i)) > 0) {
            m->ts = s + i;
            m->ts_n = tl;
            after = i + tl;
            break;
        }
    m->pid = pl_pid(s + after, n - after);
    if (pl_key(s, n, "user=", &v, &vn))
        pl_keep(&m->user, &m->user_n, v, vn);
    if (pl_key(s, n, "db=", &v, &vn) || pl_key(s, n, "database=", &v, &vn) || pl_key(s, n, "dbname=", &v, &vn))
        pl_keep(&m->db, &m->db_n, v, vn);
    if (pl_key(s, n, "app=", &v, &vn) || pl_key(s, n, "application=", &v, &vn) ||
        pl_key(s, n, "application_name=", &v, &vn) || pl_key(s, n, "appname=", &v, &vn))
        pl_keep(&m->app, &m->app_n, v, vn);
    if (!m->user && !m->db)
        pl_at_form(s, n, after, m);
}

/* ------------------------------------------------------------ entries */

/* A JSON or XML plan is known to be whole when its last line closes it; until then a
 * line of another backend does not end it (long messages of several backends can
 * interleave when no logging collector reassembles them). */
static int pl_looks_complete(const pl_buf *msg)
{
    const char *s = msg->data, *last;
    size_t n = msg->len;
    double d;
    size_t body;

    if (!s || !pl_log_is_entry(s, n, &d, &body))
        return 1;
    while (body < n && (s[body] == ' ' || s[body] == '\n'))
        body++;
    if (body >= n || (s[body] != '{' && s[body] != '[' && s[body] != '<'))
        return 1;
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\n'))
        n--;
    last = n ? (const char *)memrchr(s, '\n', n) : NULL;
    last = last ? last + 1 : s;
    n -= (size_t)(last - s);
    while (n > 0 && last[0] == ' ') {
        last++;
        n--;
    }
    return (n == 1 && (last[0] == '}' || last[0] == ']')) || (n == 10 && memcmp(last, "</explain>", 10) == 0);
}

static int pl_start(pl_stderr_state *st, const char *s, size_t n, size_t level_at, size_t msg_at, size_t lineno)
{
    pl_log_meta m;

    st->msg.len = st->head.len = 0;
    st->too_long = 0;
    pl_buf_add(&st->head, s, level_at);
    pl_buf_add(&st->msg, s + msg_at, n - msg_at);
    if (st->msg.failed || st->head.failed)
        return PLANLINT_ENOMEM;
    pl_stderr_prefix(s, level_at, &m);
    st->pid = m.pid;
    st->line = lineno;
    st->open = 1;
    return 0;
}

static int pl_finish(pl_stderr_state *st, pl_log_src *src, planlint_log_entry **out, planlint_error *err)
{
    pl_log_meta m;
    double duration = 0;
    size_t body = 0;

    st->open = 0;
    if (st->too_long) {
        src->stats->damaged++;
        return pl_error(err, PLANLINT_ELIMIT, (int)st->line, 0, NULL,
                        "auto_explain entry longer than %zu bytes skipped", src->max_entry);
    }
    pl_stderr_prefix(st->head.data ? st->head.data : "", st->head.len, &m);
    if (!pl_log_is_entry(st->msg.data, st->msg.len, &duration, &body))
        return 0;
    *out = pl_log_entry_new(&m, st->msg.data, st->msg.len, body, duration, src->name, st->line, st->line + 1);
    if (!*out)
        return pl_error_nomem(err);
    src->stats->entries++;
    return 1;
}

static int pl_keep_pending(pl_stderr_state *st, const char *s, size_t n, size_t lineno)
{
    st->pending.len = 0;
    pl_buf_add(&st->pending, s, n);
    pl_buf_add(&st->pending, "", 0);
    if (st->pending.failed)
        return PLANLINT_ENOMEM;
    st->has_pending = 1;
    st->pending_lineno = lineno;
    return 0;
}

/* One line of the log: continues, ends or starts an entry, or is skipped. Returns 1
 * when the line ended the open entry (it is then kept as pending). */
static int pl_line(pl_stderr_state *st, pl_log_src *src, const char *s, size_t n, size_t lineno)
{
    size_t level_at, msg_at;
    int marker;

    if (n == 0 || s[0] == '\t' || s[0] == ' ') {
        if (!st->open) {
            src->stats->skipped_lines++;
        } else if (!st->too_long) {
            pl_buf_putc(&st->msg, '\n');
            if (n)
                pl_buf_add(&st->msg, s + (s[0] == '\t'), n - (s[0] == '\t'));
            if (st->msg.len > src->max_entry)
                st->too_long = 1;
            if (st->msg.failed)
                return PLANLINT_ENOMEM;
        }
        return 0;
    }
    marker = pl_stderr_marker(s, n, &level_at, &msg_at);
    if (st->open) {
        pl_log_meta m;
        int ends = marker || pl_looks_complete(&st->msg);
        if (!ends) {
            pl_stderr_prefix(s, n < 200 ? n : 200, &m);
            ends = m.pid == st->pid;
        }
        if (ends)
            return pl_keep_pending(st, s, n, lineno) < 0 ? PLANLINT_ENOMEM : 1;
        src->stats->skipped_lines++;   /* another backend's line inside the entry */
        return 0;
    }
    if (!marker) {
        src->stats->skipped_lines++;
        return 0;
    }
    return pl_start(st, s, n, level_at, msg_at, lineno);
}

int pl_stderr_next(pl_stderr_state *st, pl_log_src *src, planlint_log_entry **out, planlint_error *err)
{
    const char *s;
    size_t n, lineno;
    int rc;

    *out = NULL;
    for (;;) {
        if (st->has_pending) {
            st->has_pending = 0;
            rc = pl_line(st, src, st->pending.data, st->pending.len, st->pending_lineno);
            if (rc == 1)   /* cannot happen: nothing is open before a pending line */
                rc = 0;
            if (rc < 0)
                return pl_error_nomem(err);
            continue;
        }
        rc = pl_log_input_line(src->in, &s, &n);
        lineno = pl_log_input_lineno(src->in);
        src->stats->lines = lineno;
        if (rc == 0)
            return st->open ? pl_finish(st, src, out, err) : 0;
        if (rc == PLANLINT_ELIMIT) {
            if (st->open)
                st->too_long = 1;
            else
                src->stats->skipped_lines++;
            continue;
        }
        if (rc < 0)
            return rc == PLANLINT_EIO ? pl_error(err, rc, (int)lineno, 0, NULL, "read error") : pl_error_nomem(err);
        rc = pl_line(st, src, s, n, lineno);
        if (rc < 0)
            return pl_error_nomem(err);
        if (rc == 1) {
            rc = pl_finish(st, src, out, err);
            if (rc != 0)
                return rc;
        }
    }
}
