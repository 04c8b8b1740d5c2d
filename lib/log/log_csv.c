/* log_csv.c - csvlog: one record per log message, fields quoted with doubled quotes
 * inside and newlines kept, so a record spans as many lines as its message. A small
 * state machine joins the lines of a record; only records whose message starts with
 * "duration: " are split into fields. */
#define _GNU_SOURCE 1   /* memmem */
#include "log.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"

#include <string.h>

/* csvlog's columns (PostgreSQL 9.0 to 17 keep these positions). */
enum { PL_CSV_TIME = 0, PL_CSV_USER = 1, PL_CSV_DB = 2, PL_CSV_PID = 3, PL_CSV_MESSAGE = 13,
       PL_CSV_APP = 22, PL_CSV_FIELDS = 23 };

struct pl_csv_state {
    pl_buf rec;          /* the record's raw text, lines joined by '\n' */
    pl_buf val;          /* its fields, unquoted, each NUL-terminated */
    int in_quote, damaged;
    size_t start, nlines;
};

pl_csv_state *pl_csv_new(void)
{
    pl_csv_state *st = pl_malloc(sizeof(*st));

    if (st) {
        memset(st, 0, sizeof(*st));
        pl_buf_init(&st->rec);
        pl_buf_init(&st->val);
    }
    return st;
}

void pl_csv_free(pl_csv_state *st)
{
    if (!st)
        return;
    pl_buf_release(&st->rec);
    pl_buf_release(&st->val);
    pl_free(st);
}

/* Flips the quote state once per '"': a doubled quote flips it twice. */
static int pl_quote_parity(const char *s, size_t n, int in_quote)
{
    const char *q;

    while ((q = memchr(s, '"', n)) != NULL) {
        in_quote = !in_quote;
        n -= (size_t)(q - s) + 1;
        s = q + 1;
    }
    return in_quote;
}

typedef struct pl_csv_fields {
    size_t off[PL_CSV_FIELDS], len[PL_CSV_FIELDS];   /* in st->val */
    size_t raw_at[PL_CSV_FIELDS];                    /* where each starts in st->rec */
    size_t n;
} pl_csv_fields;

/* Splits the record into its first PL_CSV_FIELDS fields. */
static int pl_split(pl_csv_state *st, pl_csv_fields *f)
{
    const char *s = st->rec.data;
    size_t n = st->rec.len, i = 0;

    st->val.len = 0;
    f->n = 0;
    while (f->n < PL_CSV_FIELDS) {
        f->raw_at[f->n] = i;
        f->off[f->n] = st->val.len;
        if (i < n && s[i] == '"') {
            for (i++; i < n; i++) {
                if (s[i] == '"' && i + 1 < n && s[i + 1] == '"') {
                    pl_buf_putc(&st->val, '"');
                    i++;
                } else if (s[i] == '"') {
                    i++;
                    break;
                } else {
                    size_t run = i;
                    while (i + 1 < n && s[i + 1] != '"')
                        i++;
                    pl_buf_add(&st->val, s + run, i + 1 - run);
                }
            }
        } else {
            size_t run = i;
            while (i < n && s[i] != ',')
                i++;
            pl_buf_add(&st->val, s + run, i - run);
        }
        f->len[f->n] = st->val.len - f->off[f->n];
        pl_buf_putc(&st->val, '\0');
        f->n++;
        if (i >= n || s[i] != ',')
            break;
        i++;
    }
    return st->val.failed ? PLANLINT_ENOMEM : 0;
}

static const char *pl_field(const pl_csv_state *st, const pl_csv_fields *f, int k, size_t *len)
{
    if ((size_t)k >= f->n || f->len[k] == 0) {
        *len = 0;
        return NULL;
    }
    *len = f->len[k];
    return st->val.data + f->off[k];
}

/* A whole record: an entry, or skipped. */
static int pl_record(pl_csv_state *st, pl_log_src *src, planlint_log_entry **out, planlint_error *err)
{
    pl_csv_fields f;
    pl_log_meta m;
    const char *msg, *pid;
    double duration;
    size_t msg_n, pid_n, body, k, nl_before = 0;

    if (!st->rec.data || !memmem(st->rec.data, st->rec.len, ",\"duration: ", 12)) {
        src->stats->skipped_lines += st->nlines;
        return 0;
    }
    if (pl_split(st, &f) < 0)
        return pl_error_nomem(err);
    msg = pl_field(st, &f, PL_CSV_MESSAGE, &msg_n);
    if (!msg || !pl_log_is_entry(msg, msg_n, &duration, &body)) {
        src->stats->skipped_lines += st->nlines;
        return 0;
    }
    memset(&m, 0, sizeof(m));
    m.ts = pl_field(st, &f, PL_CSV_TIME, &m.ts_n);
    m.user = pl_field(st, &f, PL_CSV_USER, &m.user_n);
    m.db = pl_field(st, &f, PL_CSV_DB, &m.db_n);
    m.app = pl_field(st, &f, PL_CSV_APP, &m.app_n);
    pid = pl_field(st, &f, PL_CSV_PID, &pid_n);
    for (k = 0; pid && k < pid_n && pid[k] >= '0' && pid[k] <= '9' && m.pid < 100000000L; k++)
        m.pid = m.pid * 10 + (pid[k] - '0');
    for (k = 0; k < f.raw_at[PL_CSV_MESSAGE]; k++)
        nl_before += st->rec.data[k] == '\n';
    *out = pl_log_entry_new(&m, msg, msg_n, body, duration, src->name, st->start,
                            st->start + nl_before + 1);
    if (!*out)
        return pl_error_nomem(err);
    src->stats->entries++;
    return 1;
}

static int pl_damaged(pl_csv_state *st, pl_log_src *src, planlint_error *err, int code, const char *why)
{
    src->stats->damaged++;
    st->damaged = 0;
    st->in_quote = 0;
    st->rec.len = 0;
    return pl_error(err, code, (int)st->start, 0, NULL, "%s", why);
}

int pl_csv_next(pl_csv_state *st, pl_log_src *src, planlint_log_entry **out, planlint_error *err)
{
    const char *s;
    size_t n;
    int rc;

    *out = NULL;
    for (;;) {
        rc = pl_log_input_line(src->in, &s, &n);
        src->stats->lines = pl_log_input_lineno(src->in);
        if (rc == 0) {
            if (st->in_quote)
                return pl_damaged(st, src, err, PLANLINT_EPARSE, "csvlog record with an unterminated quoted field");
            return 0;
        }
        if (rc == PLANLINT_EIO)
            return pl_error(err, rc, (int)src->stats->lines, 0, NULL, "read error");
        if (rc == PLANLINT_ENOMEM)
            return pl_error_nomem(err);
        if (!st->in_quote) {
            st->rec.len = 0;
            st->start = src->stats->lines;
            st->nlines = 0;
        } else {
            pl_buf_putc(&st->rec, '\n');
        }
        st->nlines++;
        if (rc == PLANLINT_ELIMIT || st->rec.len + n > src->max_entry) {
            st->damaged = 1;    /* the rest of the line is unknown: assume it ended the record */
            st->in_quote = 0;
        } else {
            pl_buf_add(&st->rec, s, n);
            st->in_quote = pl_quote_parity(s, n, st->in_quote);
        }
        if (st->rec.failed)
            return pl_error_nomem(err);
        if (st->in_quote)
            continue;
        if (st->damaged)
            return pl_damaged(st, src, err, PLANLINT_ELIMIT, "csvlog record over the size limit skipped");
        if ((rc = pl_record(st, src, out, err)) != 0)
            return rc;
    }
}
