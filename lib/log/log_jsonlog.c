/* log_jsonlog.c - jsonlog (PostgreSQL 15+): one JSON object per line. Lines whose
 * message cannot be auto_explain's are skipped unparsed; the others are read with the
 * library's own JSON parser into a scratch arena freed with the line. */
#define _GNU_SOURCE 1   /* memmem */
#include "log.h"
#include "arena.h"
#include "error.h"
#include "json_parse.h"
#include "model.h"

#include <math.h>
#include <string.h>

static const char *pl_str(const planlint_value *obj, const char *key, size_t *n)
{
    const char *s = pl_value_str(obj, key);

    *n = s ? strlen(s) : 0;
    return *n ? s : NULL;
}

static int pl_object(pl_log_src *src, const planlint_value *obj, size_t lineno, planlint_log_entry **out,
                     planlint_error *err)
{
    const char *msg;
    pl_log_meta m;
    double duration, pid;
    size_t msg_n, body;

    msg = pl_str(obj, "message", &msg_n);
    if (!msg || !pl_log_is_entry(msg, msg_n, &duration, &body)) {
        src->stats->skipped_lines++;
        return 0;
    }
    memset(&m, 0, sizeof(m));
    m.ts = pl_str(obj, "timestamp", &m.ts_n);
    m.user = pl_str(obj, "user", &m.user_n);
    m.db = pl_str(obj, "dbname", &m.db_n);
    m.app = pl_str(obj, "application_name", &m.app_n);
    pid = pl_value_num(obj, "pid");
    m.pid = isnan(pid) || pid < 0 || pid > 1e9 ? 0 : (long)pid;
    *out = pl_log_entry_new(&m, msg, msg_n, body, duration, src->name, lineno, 0);
    if (!*out)
        return pl_error_nomem(err);
    src->stats->entries++;
    return 1;
}

static int pl_jsonlog_line(pl_log_src *src, const char *s, size_t n, size_t lineno, planlint_log_entry **out,
                           planlint_error *err)
{
    pl_arena *arena;
    pl_json_parser *p = NULL;
    planlint_value v;
    pl_json_error je;
    size_t used;
    int rc;

    if (!(arena = pl_arena_new()) || !(p = pl_json_parser_new(arena, 64))) {
        pl_arena_free(arena);
        return pl_error_nomem(err);
    }
    rc = pl_json_parse_value(p, s, n, &v, &used, &je);
    if (rc != 0 || v.type != PLANLINT_VALUE_OBJECT) {
        rc = rc != 0 && je.code == PLANLINT_ENOMEM ? pl_error_nomem(err)
             : pl_error(err, PLANLINT_EPARSE, (int)lineno, rc != 0 ? (int)je.pos + 1 : 1, NULL,
                        "jsonlog line is not a JSON object%s%s", rc != 0 ? ": " : "", rc != 0 ? je.message : "");
        if (rc != PLANLINT_ENOMEM)
            src->stats->damaged++;
    } else {
        rc = pl_object(src, &v, lineno, out, err);
    }
    pl_json_parser_free(p);
    pl_arena_free(arena);
    return rc;
}

int pl_jsonlog_next(pl_log_src *src, planlint_log_entry **out, planlint_error *err)
{
    const char *s;
    size_t n, lineno;
    int rc;

    *out = NULL;
    for (;;) {
        rc = pl_log_input_line(src->in, &s, &n);
        lineno = pl_log_input_lineno(src->in);
        src->stats->lines = lineno;
        if (rc == 0)
            return 0;
        if (rc == PLANLINT_ELIMIT) {
            src->stats->damaged++;
            return pl_error(err, rc, (int)lineno, 0, NULL, "jsonlog line over the size limit skipped");
        }
        if (rc < 0)
            return rc == PLANLINT_EIO ? pl_error(err, rc, (int)lineno, 0, NULL, "read error") : pl_error_nomem(err);
        if (n == 0)
            continue;
        if (!memmem(s, n, "\"message\":\"duration: ", 21)) {
            src->stats->skipped_lines++;
            continue;
        }
        if ((rc = pl_jsonlog_line(src, s, n, lineno, out, err)) != 0)
            return rc;
    }
}
