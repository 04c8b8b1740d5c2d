/* json_reader.c - JSON input -> plans: find each JSON value among the noise around
 * it, parse it into the arena (json_parse.c), and undo psql's or pgAdmin's wrapping
 * when the text as given does not parse. */
#include "model.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "json_parse.h"
#include "unwrap.h"
#include "reader.h"

#include <stdio.h>
#include <string.h>

/* JSON nesting allowed: two levels per plan level, under a hard cap that keeps the
 * recursive parser's stack use small whatever max_depth says. */
#define PL_JSON_DEPTH_CAP 10000u

typedef struct pl_reader {
    pl_arena *arena;
    pl_json_parser *parser;
    planlint_error *err;
    planlint_error noise_err;     /* why the first non-plan value was not a plan */
    const planlint_parse_options *opts;
} pl_reader;

/* ------------------------------------------------------------ finding values */

/* Can a plan document start at buf[pos]? '[' must open an array of objects or
 * arrays, '{' an object with a key: "[19963]" in a log line prefix is not one. */
static int pl_plausible_start(const char *buf, size_t len, size_t pos)
{
    char open = buf[pos];

    for (pos++; pos < len; pos++) {
        char c = buf[pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
            continue;
        return open == '[' ? (c == '{' || c == '[' || c == ']') : (c == '"' || c == '}');
    }
    return 0;
}

/* Where the next JSON value starts, skipping log prefixes and other noise. */
static size_t pl_skip_noise(const char *buf, size_t len, size_t pos)
{
    while (pos < len && !((buf[pos] == '[' || buf[pos] == '{') && pl_plausible_start(buf, len, pos)))
        pos++;
    return pos;
}

/* A document shaped like a plan: errors inside it are real errors. Anything else
 * is noise between plans, reported only if the input holds no plan at all. */
static int pl_looks_like_plan(const planlint_value *doc)
{
    const planlint_value *first = doc;

    while (first->type == PLANLINT_VALUE_ARRAY && first->size > 0)
        first = &first->items[0];
    return first->type == PLANLINT_VALUE_OBJECT &&
           (pl_value_get(first, "Plan") || pl_value_get(first, "Node Type"));
}

static int pl_read_value(pl_reader *r, const planlint_value *parsed, pl_plan_list *list)
{
    /* Plans point into the document: it must live in the arena, not on the stack. */
    planlint_value *doc = pl_arena_alloc(r->arena, sizeof(*doc));

    if (!doc)
        return pl_error_nomem(r->err);
    *doc = *parsed;
    if (!pl_looks_like_plan(doc)) {
        if (r->noise_err.code == 0)
            pl_plans_from_document(list, r->arena, doc, r->opts, &r->noise_err);
        return 0;
    }
    return pl_plans_from_document(list, r->arena, doc, r->opts, r->err);
}

/* ------------------------------------------------------------ errors */

static void pl_line_col(const char *buf, size_t pos, int *line, int *col)
{
    size_t i;

    *line = 1;
    *col = 1;
    for (i = 0; i < pos; i++) {
        if (buf[i] == '\n') {
            (*line)++;
            *col = 1;
        } else if (((unsigned char)buf[i] & 0xC0) != 0x80) {
            (*col)++;
        }
    }
}

/* Appends " near 'x'": the text at the error up to a blank, at most 20 bytes,
 * escaped as the tree escapes plan text; nothing at the end of the input. */
static void pl_near(pl_buf *near, const char *at, size_t avail)
{
    size_t n = 0;

    while (n < avail && n < 20 && at[n] != ' ' && at[n] != '\n' && at[n] != '\t' && at[n] != '\r')
        n++;
    if (n == 0)
        return;
    pl_buf_puts(near, " near '");
    pl_buf_add_visible(near, at, n, 0);
    pl_buf_putc(near, '\'');
}

static int pl_report(pl_reader *r, const char *buf, size_t len, size_t pos, const pl_json_error *je,
                     const pl_unwrapped *u)
{
    pl_buf near;
    int line, col, rc;

    if (je->code == PLANLINT_ENOMEM)
        return pl_error_nomem(r->err);
    pl_line_col(buf, pos + je->pos, &line, &col);
    if (u && line >= 1 && (size_t)line <= u->nlines) {
        col += u->orig_col_shift[line - 1];
        line = u->orig_line[line - 1];
    }
    pl_buf_init(&near);
    pl_near(&near, buf + pos + je->pos, len - pos - je->pos);
    rc = pl_error(r->err, je->code, line, col, NULL, "%s%s%s",
                  je->code == PLANLINT_EPARSE ? "invalid JSON: " : "", je->message,
                  near.failed || !near.data ? "" : near.data);
    pl_buf_release(&near);
    return rc;
}

/* ------------------------------------------------------------ reading */

/* Reads every JSON value of buf. Returns 0, or a negative code with err set. */
static int pl_read_all(pl_reader *r, const char *buf, size_t len, const pl_unwrapped *u,
                       pl_plan_list *list)
{
    size_t pos = pl_skip_noise(buf, len, 0);

    while (pos < len) {
        planlint_value doc;
        pl_json_error je;
        size_t used = 0;
        int rc;

        if (pl_json_parse_value(r->parser, buf + pos, len - pos, &doc, &used, &je) != 0)
            return pl_report(r, buf, len, pos, &je, u);
        if ((rc = pl_read_value(r, &doc, list)) < 0)
            return rc;
        pos = pl_skip_noise(buf, len, pos + used);
    }
    return 0;
}

/* Not plain JSON: maybe psql's or pgAdmin's wrapping around it. The unwrapped
 * reading's error wins only when unwrapping changed something. */
static int pl_read_unwrapped(pl_reader *r, pl_plan_list *list, const char *buf, size_t len,
                             planlint_error *first, int rc)
{
    planlint_error second;
    pl_plan_list retry;
    pl_unwrapped u;

    memset(&second, 0, sizeof(second));
    memset(&retry, 0, sizeof(retry));
    if (pl_unwrap(buf, len, &u) < 0)
        return pl_error_nomem(first);
    r->err = &second;
    if (pl_read_all(r, u.text, u.len, &u, &retry) == 0 && retry.count > 0) {
        *list = retry;
        rc = 0;
    } else if (u.changed || second.code == PLANLINT_ENOMEM || second.code == PLANLINT_ELIMIT) {
        *first = second;
        rc = second.code;
    }
    pl_unwrapped_free(&u);
    return rc;
}

int pl_json_read(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                 const planlint_parse_options *opts, planlint_error *err)
{
    unsigned int depth = opts->max_depth;
    planlint_error first;
    pl_reader r;
    int rc;

    memset(&r, 0, sizeof(r));
    memset(&first, 0, sizeof(first));
    r.arena = arena;
    r.opts = opts;
    r.err = &first;
    r.parser = pl_json_parser_new(arena, depth < PL_JSON_DEPTH_CAP / 2 ? 2 * depth + 4 : PL_JSON_DEPTH_CAP);
    if (!r.parser)
        return pl_error_nomem(err);
    rc = pl_read_all(&r, buf, len, NULL, list);
    if (rc == PLANLINT_EPARSE || (rc == 0 && list->count == 0))
        rc = pl_read_unwrapped(&r, list, buf, len, &first, rc);
    pl_json_parser_free(r.parser);
    if (rc == 0 && list->count == 0 && r.noise_err.code != 0) {
        first = r.noise_err;
        rc = first.code;
    }
    if (rc < 0 && err && err->code == 0)
        *err = first;
    return rc;
}
