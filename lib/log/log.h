/* log.h - server logs: the line source, the three log formats, the entries they give. */
#ifndef PL_LOG_H
#define PL_LOG_H

#include "planlint.h"

#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------ log_input.c */

/* Lines of a file, plain or gzip-compressed, read in large blocks. */
typedef struct pl_log_input pl_log_input;

pl_log_input *pl_log_input_new(int fd, size_t max_line);
void pl_log_input_free(pl_log_input *in);
/* The start of the file, read ahead without consuming it (for detection). */
int pl_log_input_peek(pl_log_input *in, const char **s, size_t *n);
/* 1 with the next line (without its newline; valid until the next call), 0 at the
 * end, PLANLINT_EIO on a read error, PLANLINT_ELIMIT when the line was longer than
 * max_line (it is skipped). */
int pl_log_input_line(pl_log_input *in, const char **s, size_t *n);
size_t pl_log_input_lineno(const pl_log_input *in);
unsigned long long pl_log_input_bytes(const pl_log_input *in);
unsigned long long pl_log_input_raw_bytes(const pl_log_input *in);

/* ------------------------------------------------------------ log_entry.c */

enum pl_plan_kind { PL_PLAN_JSON = 0, PL_PLAN_TEXT, PL_PLAN_YAML, PL_PLAN_XML };

struct planlint_log_entry {
    char *fields[PLANLINT_LOG_FIELD_COUNT_];   /* in the entry's block but QUERY (owned), NULL when absent */
    long pid;
    double duration, time;
    size_t line;              /* where the entry starts in the file */
    size_t body_line;         /* file line of the plan text's first line; 0: the record's line */
    enum pl_plan_kind kind;
    size_t plan_offset;       /* where the plan starts in PLAN_TEXT (after a text Query Text) */
    size_t plan_line_skip;    /* lines of PLAN_TEXT before plan_offset */
    /* filled on demand */
    planlint_plan *plan;
    int plan_rc;              /* 1 until parsed; then 0 or the error code */
    planlint_error plan_err;
    char fingerprint[17], shape[17];
    uint64_t fp_value, shape_value;
    char *outline;            /* owned: "Sort(Seq Scan orders)" */
};

/* The parts of a record every format yields. Strings point into the record. */
typedef struct pl_log_meta {
    const char *ts, *user, *db, *app, *prefix;
    size_t ts_n, user_n, db_n, app_n, prefix_n;
    long pid;
} pl_log_meta;

/* Is msg auto_explain's "duration: N ms  plan:..."? Sets the duration and where the
 * plan starts (after "plan:" and one newline). */
int pl_log_is_entry(const char *msg, size_t n, double *duration, size_t *body);
/* A new entry from a record's metadata and its message (with its "duration:" head).
 * NULL on out of memory. */
planlint_log_entry *pl_log_entry_new(const pl_log_meta *m, const char *msg, size_t n, size_t body,
                                     double duration, const char *file, size_t line, size_t body_line);
/* Fingerprint of a query text (libpg_query's, or a hash of the normalized text). */
uint64_t pl_log_fingerprint(const char *query);

/* ------------------------------------------------------------ log_time.c */

double pl_log_time(const char *s, size_t n);

/* ------------------------------------------------------------ the formats */

typedef struct pl_log_src {
    pl_log_input *in;
    const char *name;
    size_t max_entry;
    planlint_log_stats *stats;
} pl_log_src;

typedef struct pl_stderr_state pl_stderr_state;
typedef struct pl_csv_state pl_csv_state;

/* Each returns 1 with *out, 0 at the end, or a negative code with err (see
 * planlint_log_reader_next()). */
pl_stderr_state *pl_stderr_new(void);
void pl_stderr_free(pl_stderr_state *st);
int pl_stderr_next(pl_stderr_state *st, pl_log_src *src, planlint_log_entry **out, planlint_error *err);

pl_csv_state *pl_csv_new(void);
void pl_csv_free(pl_csv_state *st);
int pl_csv_next(pl_csv_state *st, pl_log_src *src, planlint_log_entry **out, planlint_error *err);

int pl_jsonlog_next(pl_log_src *src, planlint_log_entry **out, planlint_error *err);

/* Fields of a stderr line prefix, found from its text (log_line_prefix is unknown). */
void pl_stderr_prefix(const char *s, size_t n, pl_log_meta *m);
/* Where auto_explain's "LEVEL:  duration: N ms  plan:" starts in a stderr line
 * (level_at) and its message (msg_at); 0 when the line holds none. */
int pl_stderr_marker(const char *s, size_t n, size_t *level_at, size_t *msg_at);

#endif
