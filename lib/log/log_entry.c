/* log_entry.c - one auto_explain entry: its metadata, the plan and the query text cut
 * out of the message, the plan parsed on demand, its fingerprint and plan shape. */
#define _GNU_SOURCE 1   /* memmem */
#include "log.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "model.h"

#include <math.h>
#include <pg_query.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

/* ------------------------------------------------------------ the message */

static int pl_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* "123.456" as the server prints durations: digits, at most one '.'; NaN otherwise.
 * By hand: strtod() would follow LC_NUMERIC. */
static double pl_decimal(const char *s, size_t n)
{
    double v = 0, scale = 1;
    size_t i;
    int dot = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '.') {
            if (dot++)
                return NAN;
        } else if (dot) {
            scale /= 10;
            v += (s[i] - '0') * scale;
        } else {
            v = v * 10 + (s[i] - '0');
        }
    }
    return v;
}

int pl_log_is_entry(const char *msg, size_t n, double *duration, size_t *body)
{
    size_t i = 10, start;

    if (n < 25 || memcmp(msg, "duration: ", 10) != 0)
        return 0;
    start = i;
    while (i < n && (pl_is_digit(msg[i]) || msg[i] == '.'))
        i++;
    if (i == start || n - i < 10 || memcmp(msg + i, " ms  plan:", 10) != 0)
        return 0;
    *duration = pl_decimal(msg + start, i - start);
    if (*duration != *duration)
        return 0;
    i += 10;
    while (i < n && (msg[i] == ' ' || msg[i] == '\r'))
        i++;
    if (i < n && msg[i] == '\n')
        i++;
    *body = i;
    return 1;
}

static enum pl_plan_kind pl_plan_kind(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i < n && (s[i] == '{' || s[i] == '['))
        return PL_PLAN_JSON;
    if (n - i >= 8 && (memcmp(s + i, "<explain", 8) == 0 || memcmp(s + i, "<?xml", 5) == 0))
        return PL_PLAN_XML;
    /* YAML quotes its strings, a text plan does not: Query Text: "..." */
    if ((n - i >= 7 && memcmp(s + i, "- Plan:", 7) == 0) || (n - i >= 13 && memcmp(s + i, "Query Text: \"", 13) == 0) ||
        (n - i >= 6 && memcmp(s + i, "Plan:", 5) == 0 && (s[i + 5] == ' ' || s[i + 5] == '\n')))
        return PL_PLAN_YAML;
    return PL_PLAN_TEXT;
}

/* Appends the UTF-8 of code point c. */
static void pl_put_utf8(pl_buf *b, unsigned long c)
{
    char u[4];

    if (c < 0x80) {
        pl_buf_putc(b, (char)c);
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | (c >> 6)); u[1] = (char)(0x80 | (c & 0x3F));
        pl_buf_add(b, u, 2);
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | (c >> 12)); u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        pl_buf_add(b, u, 3);
    } else {
        u[0] = (char)(0xF0 | (c >> 18)); u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F)); u[3] = (char)(0x80 | (c & 0x3F));
        pl_buf_add(b, u, 4);
    }
}

static unsigned long pl_hex4(const char *s)
{
    unsigned long v = 0;
    int k;

    for (k = 0; k < 4; k++) {
        char c = s[k];
        v = v * 16 + (unsigned long)(pl_is_digit(c) ? c - '0' : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10 : 0);
    }
    return v;
}

/* The JSON string that starts at s (after its opening quote), unescaped. */
static void pl_json_unescape(pl_buf *b, const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && s[i] != '"') {
        size_t run = i;
        while (i < n && s[i] != '"' && s[i] != '\\')
            i++;
        pl_buf_add(b, s + run, i - run);
        if (i >= n || s[i] != '\\')
            continue;
        if (++i >= n)
            break;   /* a backslash ends the input: the string is cut short */
        switch (s[i]) {
        case 'n': pl_buf_putc(b, '\n'); break;
        case 't': pl_buf_putc(b, '\t'); break;
        case 'r': pl_buf_putc(b, '\r'); break;
        case 'b': pl_buf_putc(b, '\b'); break;
        case 'f': pl_buf_putc(b, '\f'); break;
        case 'u':
            if (i + 4 < n) {
                unsigned long c = pl_hex4(s + i + 1);
                i += 4;
                if (c >= 0xD800 && c < 0xDC00 && i + 6 < n && s[i + 1] == '\\' && s[i + 2] == 'u') {
                    unsigned long lo = pl_hex4(s + i + 3);
                    if (lo >= 0xDC00 && lo < 0xE000) {
                        c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                        i += 6;
                    }
                }
                pl_put_utf8(b, c ? c : 0xFFFD);
            }
            break;
        default: pl_buf_putc(b, s[i]); break;
        }
        i++;
    }
}

/* A text plan's root node line: auto_explain always prints costs. */
static int pl_is_node_line(const char *s, size_t n)
{
    size_t i;

    for (i = 0; i + 6 <= n; i++)
        if (s[i] == '(' && (memcmp(s + i, "(cost=", 6) == 0 || (i + 8 <= n && memcmp(s + i, "(actual ", 8) == 0)))
            return 1;
    return 0;
}

static char *pl_dup(const char *s, size_t n)
{
    return pl_strndup(s, n);
}

/* "Query Text: ..." of a text plan, up to the root node line, which is where the plan
 * starts. */
static char *pl_text_query(planlint_log_entry *e, const char *s, size_t n)
{
    size_t pos, qend, lines = 1;
    const char *nl;

    if (n < 12 || memcmp(s, "Query Text: ", 12) != 0)
        return NULL;
    pos = 12;
    nl = memchr(s + pos, '\n', n - pos);
    qend = nl ? (size_t)(nl - s) : n;
    for (pos = qend; nl && pos < n; lines++) {
        const char *line = s + pos + 1;
        size_t len;
        nl = memchr(line, '\n', n - (size_t)(line - s));
        len = nl ? (size_t)(nl - line) : n - (size_t)(line - s);
        if (pl_is_node_line(line, len)) {
            e->plan_offset = (size_t)(line - s);
            e->plan_line_skip = lines;
            return pl_dup(s + 12, qend - 12);
        }
        if (!(len >= 18 && memcmp(line, "Query Parameters: ", 18) == 0))
            qend = (size_t)(line - s) + len;
        pos = (size_t)(line - s) + len;
    }
    /* no node line: the query is its first line, the plan the rest */
    nl = memchr(s, '\n', n);
    qend = nl ? (size_t)(nl - s) : n;
    e->plan_offset = nl ? qend + 1 : n;
    e->plan_line_skip = 1;
    return pl_dup(s + 12, qend - 12);
}

static char *pl_between(const char *s, size_t n, const char *open, const char *close)
{
    const char *a = memmem(s, n, open, strlen(open)), *b;

    if (!a)
        return NULL;
    a += strlen(open);
    b = memmem(a, n - (size_t)(a - s), close, strlen(close));
    return pl_dup(a, b ? (size_t)(b - a) : 0);
}

static char *pl_query_of(planlint_log_entry *e, const char *s, size_t n)
{
    const char *q;
    pl_buf b;

    switch (e->kind) {
    case PL_PLAN_JSON:
        q = memmem(s, n, "\"Query Text\": \"", 15);
        if (!q)
            return NULL;
        pl_buf_init(&b);
        q += 15;
        pl_json_unescape(&b, q, n - (size_t)(q - s));
        if (b.failed) {
            pl_buf_release(&b);
            return NULL;
        }
        return b.data ? b.data : pl_dup("", 0);
    case PL_PLAN_TEXT:
        return pl_text_query(e, s, n);
    case PL_PLAN_YAML:
        q = memmem(s, n, "Query Text: \"", 13);
        if (!q)
            return pl_between(s, n, "Query Text: ", "\n");
        pl_buf_init(&b);
        q += 13;
        pl_json_unescape(&b, q, n - (size_t)(q - s));   /* YAML's double quotes escape as JSON does */
        if (b.failed) {
            pl_buf_release(&b);
            return NULL;
        }
        return b.data ? b.data : pl_dup("", 0);
    case PL_PLAN_XML:
        return pl_between(s, n, "<Query-Text>", "</Query-Text>");
    }
    return NULL;
}

/* The entry with its strings (but the query, found later) in one block: the reader
 * thread allocates entries and the analyzing one frees them, and each free of another
 * thread's memory takes a lock of malloc's; one free an entry costs far less than nine. */
static planlint_log_entry *pl_entry_block(const char *const *src, const size_t *len)
{
    size_t total = sizeof(planlint_log_entry), i;
    planlint_log_entry *e;
    char *p;

    for (i = 0; i < PLANLINT_LOG_FIELD_COUNT_; i++)
        if (src[i]) {
            if (len[i] > SIZE_MAX / 2 - total)
                return NULL;
            total += len[i] + 1;
        }
    if (!(e = pl_malloc(total)))
        return NULL;
    memset(e, 0, sizeof(*e));
    p = (char *)(e + 1);
    for (i = 0; i < PLANLINT_LOG_FIELD_COUNT_; i++)
        if (src[i]) {
            memcpy(p, src[i], len[i]);
            p[len[i]] = '\0';
            e->fields[i] = p;
            p += len[i] + 1;
        }
    return e;
}

planlint_log_entry *pl_log_entry_new(const pl_log_meta *m, const char *msg, size_t n, size_t body,
                                     double duration, const char *file, size_t line, size_t body_line)
{
    static const char *kinds[] = { "json", "text", "yaml", "xml" };
    const char *src[PLANLINT_LOG_FIELD_COUNT_] = { NULL };
    size_t len[PLANLINT_LOG_FIELD_COUNT_] = { 0 };
    enum pl_plan_kind kind = pl_plan_kind(msg + body, n - body);
    planlint_log_entry *e;
    int bad;

    src[PLANLINT_LOG_TIMESTAMP] = m->ts, len[PLANLINT_LOG_TIMESTAMP] = m->ts_n;
    src[PLANLINT_LOG_USER] = m->user, len[PLANLINT_LOG_USER] = m->user_n;
    src[PLANLINT_LOG_DATABASE] = m->db, len[PLANLINT_LOG_DATABASE] = m->db_n;
    src[PLANLINT_LOG_APPLICATION] = m->app, len[PLANLINT_LOG_APPLICATION] = m->app_n;
    src[PLANLINT_LOG_PREFIX] = m->prefix, len[PLANLINT_LOG_PREFIX] = m->prefix_n;
    src[PLANLINT_LOG_PLAN_TEXT] = msg + body, len[PLANLINT_LOG_PLAN_TEXT] = n - body;
    src[PLANLINT_LOG_PLAN_FORMAT] = kinds[kind], len[PLANLINT_LOG_PLAN_FORMAT] = strlen(kinds[kind]);
    src[PLANLINT_LOG_FILE] = file, len[PLANLINT_LOG_FILE] = strlen(file);
    if (!(e = pl_entry_block(src, len)))
        return NULL;
    e->pid = m->pid;
    e->duration = duration;
    e->line = line;
    e->body_line = body_line;
    e->plan_rc = 1;
    e->time = m->ts ? pl_log_time(m->ts, m->ts_n) : NAN;
    e->kind = kind;
    e->fields[PLANLINT_LOG_QUERY] = pl_query_of(e, msg + body, n - body);
    bad = !e->fields[PLANLINT_LOG_QUERY] && e->plan_offset == 0 && e->kind == PL_PLAN_JSON &&
          memmem(msg + body, n - body, "\"Query Text\": \"", 15) != NULL;
    if (bad) {
        planlint_log_entry_free(e);
        return NULL;
    }
    return e;
}

void planlint_log_entry_free(planlint_log_entry *e)
{
    if (!e)
        return;
    pl_free(e->fields[PLANLINT_LOG_QUERY]);   /* the only field outside the entry's block */
    planlint_plan_free(e->plan);
    pl_free(e->outline);
    pl_free(e);
}

const char *planlint_log_entry_get(const planlint_log_entry *e, planlint_log_field f)
{
    if (!e || (int)f < 0 || f >= PLANLINT_LOG_FIELD_COUNT_)
        return NULL;
    return e->fields[f];
}

long planlint_log_entry_pid(const planlint_log_entry *e)
{
    return e ? e->pid : 0;
}

double planlint_log_entry_duration(const planlint_log_entry *e)
{
    return e ? e->duration : NAN;
}

double planlint_log_entry_time(const planlint_log_entry *e)
{
    return e ? e->time : NAN;
}

size_t planlint_log_entry_line(const planlint_log_entry *e)
{
    return e ? e->line : 0;
}

/* ------------------------------------------------------------ the plan */

int planlint_log_entry_plan(planlint_log_entry *e, planlint_plan **plan, const planlint_parse_options *opts,
                            planlint_error *err)
{
    planlint_parse_options o = PLANLINT_PARSE_OPTIONS_INIT;
    const char *text;

    if (!e || !plan)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "entry and plan must not be NULL");
    *plan = NULL;
    if (e->plan_rc == 1) {
        if (opts)
            o = *opts;
        o.format = e->kind == PL_PLAN_JSON ? PLANLINT_INPUT_JSON
                   : e->kind == PL_PLAN_TEXT ? PLANLINT_INPUT_TEXT : PLANLINT_INPUT_AUTO;
        text = e->fields[PLANLINT_LOG_PLAN_TEXT] + e->plan_offset;
        memset(&e->plan_err, 0, sizeof(e->plan_err));
        e->plan_rc = planlint_plan_parse(&e->plan, text, strlen(text), &o, &e->plan_err);
        if (e->plan_rc < 0 && e->plan_rc != PLANLINT_ENOMEM && (e->kind == PL_PLAN_YAML || e->kind == PL_PLAN_XML)) {
            memset(&e->plan_err, 0, sizeof(e->plan_err));
            e->plan_rc = pl_error(&e->plan_err, PLANLINT_EFORMAT, 0, 0, NULL, "%s plans are not supported",
                                  e->kind == PL_PLAN_YAML ? "YAML" : "XML");
        }
        if (e->plan_rc < 0 && e->plan_err.code != PLANLINT_ENOMEM) {
            if (e->body_line && e->plan_err.line > 0) {
                e->plan_err.line = (int)(e->body_line + e->plan_line_skip) + e->plan_err.line - 1;
            } else {
                e->plan_err.line = (int)e->line;
                e->plan_err.column = 0;
            }
        }
    }
    if (e->plan_rc < 0) {
        int rc = e->plan_rc;
        /* The first error wins, as with pl_error(): a caller's earlier one is kept. */
        if (err && err->code == 0)
            *err = e->plan_err;
        if (rc == PLANLINT_ENOMEM)
            e->plan_rc = 1;   /* may succeed on a later call */
        return rc;
    }
    *plan = e->plan;
    return 0;
}

/* ------------------------------------------------------------ fingerprint and shape */

#define PL_FNV_OFFSET 0xcbf29ce484222325ULL
#define PL_FNV_PRIME 0x100000001b3ULL

static uint64_t pl_fnv(uint64_t h, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * PL_FNV_PRIME;
    return h;
}

static int pl_is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* A hash of the text with each run of blanks as one space, none at the ends. */
static uint64_t pl_ws_hash(const char *s)
{
    uint64_t h = PL_FNV_OFFSET;
    int pending = 0;

    for (; *s; s++) {
        if (pl_is_space(*s)) {
            pending = h != PL_FNV_OFFSET;
            continue;
        }
        if (pending)
            h = pl_fnv(h, " ", 1);
        pending = 0;
        h = pl_fnv(h, s, 1);
    }
    return h;
}

uint64_t pl_log_fingerprint(const char *query)
{
    PgQueryFingerprintResult r;
    uint64_t fp;

    if (!query)
        return pl_fnv(PL_FNV_OFFSET, "", 0);
    r = pg_query_fingerprint(query);
    fp = r.error ? pl_ws_hash(query) : r.fingerprint;
    pg_query_free_fingerprint_result(r);
    return fp;
}

const char *planlint_log_entry_fingerprint(planlint_log_entry *e)
{
    if (!e)
        return NULL;
    if (!e->fingerprint[0]) {
        e->fp_value = pl_log_fingerprint(e->fields[PLANLINT_LOG_QUERY]);
        snprintf(e->fingerprint, sizeof(e->fingerprint), "%016llx", (unsigned long long)e->fp_value);
    }
    return e->fingerprint;
}

#define PL_OUTLINE_MAX 400

static void pl_outline_node(pl_buf *b, const planlint_node *n)
{
    const char *type = planlint_node_field_get(n, PLANLINT_FIELD_NODE_TYPE);
    const char *rel = planlint_node_field_get(n, PLANLINT_FIELD_RELATION);
    const char *idx = planlint_node_field_get(n, PLANLINT_FIELD_INDEX);
    size_t i;

    pl_buf_puts(b, type ? type : "?");
    if (rel) {
        pl_buf_putc(b, ' ');
        pl_buf_puts(b, rel);
    }
    if (idx) {
        pl_buf_putc(b, ' ');
        pl_buf_puts(b, idx);
    }
    if (planlint_node_child_count(n) == 0)
        return;
    pl_buf_putc(b, '(');
    for (i = 0; i < planlint_node_child_count(n); i++) {
        if (i)
            pl_buf_puts(b, ", ");
        pl_outline_node(b, planlint_node_child(n, i));
    }
    pl_buf_putc(b, ')');
}

const char *planlint_log_entry_shape(planlint_log_entry *e)
{
    planlint_plan *plan;
    pl_buf b;
    size_t n;

    if (!e)
        return NULL;
    if (e->shape[0])
        return e->shape;
    if (planlint_log_entry_plan(e, &plan, NULL, NULL) < 0)
        return NULL;
    pl_buf_init(&b);
    pl_outline_node(&b, planlint_plan_root(plan));
    if (b.failed || !b.data) {
        pl_buf_release(&b);
        return NULL;
    }
    e->shape_value = pl_fnv(PL_FNV_OFFSET, b.data, b.len);
    n = b.len;
    if (n > PL_OUTLINE_MAX) {   /* cut on a UTF-8 boundary */
        n = PL_OUTLINE_MAX - 3;
        while (n > 0 && ((unsigned char)b.data[n] & 0xC0) == 0x80)
            n--;
        memcpy(b.data + n, "...", 4);
    }
    e->outline = b.data;
    snprintf(e->shape, sizeof(e->shape), "%016llx", (unsigned long long)e->shape_value);
    return e->shape;
}
