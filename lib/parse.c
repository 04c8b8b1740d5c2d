/* parse.c - planlint_plan_parse(): limits, format detection, reading, derivation. */
#include "reader.h"
#include "alloc.h"
#include "error.h"

#include <string.h>

#define PL_DEFAULT_MAX_INPUT ((size_t)1 << 30)

const char *planlint_version(void)
{
    return PLANLINT_VERSION;
}

void planlint_free(void *p)
{
    pl_free(p);
}

void planlint_plan_free(planlint_plan *plan)
{
    if (plan)
        pl_arena_free(plan->arena);
}

/* JSON when the first thing that is not blank, a psql header or frame is a bracket,
 * a quote (pgAdmin) or a brace; text otherwise. */
static planlint_input_format pl_detect_format(const char *buf, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)buf[i];
        if (c == '[' || c == '{' || c == '"')
            return PLANLINT_INPUT_JSON;
        if (c == '-' && i + 1 < len && buf[i + 1] == '>')
            return PLANLINT_INPUT_TEXT;
        if (c == '(' && i + 5 < len && memcmp(buf + i, "(cost=", 6) == 0)
            return PLANLINT_INPUT_TEXT;
    }
    return PLANLINT_INPUT_AUTO;
}

static int pl_read_input(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                         const planlint_parse_options *opts, planlint_error *err)
{
    planlint_input_format fmt = opts->format;
    int rc;

    if (fmt == PLANLINT_INPUT_AUTO)
        fmt = pl_detect_format(buf, len);
    if (fmt == PLANLINT_INPUT_TEXT)
        return pl_error(err, PLANLINT_EFORMAT, 0, 0, NULL,
                        "text-format plans are not supported yet; capture the plan with "
                        "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)");
    rc = pl_json_read(list, arena, buf, len, opts, err);
    if (rc == 0 && list->count == 0)
        return pl_error(err, PLANLINT_EPARSE, 0, 0, NULL,
                        opts->format == PLANLINT_INPUT_JSON || fmt == PLANLINT_INPUT_JSON
                            ? "no EXPLAIN plan found in the input"
                            : "no JSON EXPLAIN plan found in the input (text-format plans are not supported yet)");
    return rc;
}

static int pl_check_args(planlint_plan **out, const char *buf, const planlint_parse_options *opts,
                         planlint_error *err)
{
    if (!out)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out must not be NULL");
    *out = NULL;
    if (!buf)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "buf must not be NULL");
    if (opts && opts->version != PLANLINT_PARSE_OPTIONS_VERSION)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unsupported options version %u",
                        opts->version);
    return 0;
}

int planlint_plan_parse(planlint_plan **out, const char *buf, size_t len,
                        const planlint_parse_options *opts, planlint_error *err)
{
    planlint_parse_options defaults = PLANLINT_PARSE_OPTIONS_INIT;
    pl_plan_list list;
    pl_arena *arena;
    planlint_plan *p;
    size_t max_input;
    int rc;

    if ((rc = pl_check_args(out, buf, opts, err)) < 0)
        return rc;
    if (!opts)
        opts = &defaults;
    max_input = opts->max_input_bytes ? opts->max_input_bytes : PL_DEFAULT_MAX_INPUT;
    if (len > max_input)
        return pl_error(err, PLANLINT_ELIMIT, 0, 0, NULL, "input of %zu bytes exceeds the limit of %zu",
                        len, max_input);
    if (!(arena = pl_arena_new()))
        return pl_error_nomem(err);
    memset(&list, 0, sizeof(list));
    rc = pl_read_input(&list, arena, buf, len, opts, err);
    for (p = list.head; rc == 0 && p; p = p->next)
        rc = pl_plan_derive(p, err);
    if (rc < 0) {
        pl_arena_free(arena);
        return rc;
    }
    for (p = list.head; p; p = p->next)
        p->arena = arena;
    *out = list.head;
    return 0;
}
