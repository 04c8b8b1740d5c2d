/* parse.c - planlint_plan_parse(): limits, format detection, reading, derivation. */
#include "reader.h"
#include "alloc.h"
#include "error.h"

#include <string.h>

/* The defaults of planlint_parse_options' limits, settled here once: the readers
 * get options with every limit filled in. */
#define PL_DEFAULT_MAX_INPUT ((size_t)1 << 30)
#define PL_DEFAULT_MAX_DEPTH 1000u
#define PL_DEFAULT_MAX_NODES 2000000u

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

/* JSON when a bracket, a quote (pgAdmin) or a brace comes before anything that only
 * text plans have ("->", "(cost="); text otherwise. Either way the other reader gets
 * a try when the first finds nothing. */
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

/* Tries the other reader after a failed first attempt; its plans win only if it found
 * some, else the first error stands. Out of memory and limits are never retried. */
static int pl_read_fallback(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                            const planlint_parse_options *opts, planlint_error *err, int json_first,
                            int first_rc)
{
    planlint_error second;
    int rc;

    if (first_rc == PLANLINT_ENOMEM || first_rc == PLANLINT_ELIMIT)
        return first_rc;
    memset(&second, 0, sizeof(second));
    memset(list, 0, sizeof(*list));
    rc = json_first ? pl_text_read(list, arena, buf, len, opts, &second)
                    : pl_json_read(list, arena, buf, len, opts, &second);
    if (rc == 0 && list->count > 0) {
        memset(err, 0, sizeof(*err));
        return 0;
    }
    memset(list, 0, sizeof(*list));
    if (second.code == PLANLINT_ENOMEM)
        return pl_error_nomem(err);
    return first_rc;
}

/* EXPLAIN's other two formats: "- Plan:" (YAML) or "<explain xmlns=...>" (XML),
 * looked for near the start, where psql's header may come first. */
static const char *pl_other_format(const char *buf, size_t len)
{
    size_t i, n = len < 65536 ? len : 65536;

    for (i = 0; i + 8 <= n; i++) {
        if (memcmp(buf + i, "- Plan:", 7) == 0 && (i == 0 || buf[i - 1] == ' ' || buf[i - 1] == '\n'))
            return "YAML";
        if (memcmp(buf + i, "<explain", 8) == 0)
            return "XML";
    }
    return NULL;
}

static int pl_read_input(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                         const planlint_parse_options *opts, planlint_error *err)
{
    planlint_input_format fmt = opts->format;
    const char *other;
    int rc, json_first;

    if (fmt == PLANLINT_INPUT_AUTO)
        fmt = pl_detect_format(buf, len);
    json_first = fmt != PLANLINT_INPUT_TEXT;
    rc = json_first ? pl_json_read(list, arena, buf, len, opts, err)
                    : pl_text_read(list, arena, buf, len, opts, err);
    if (opts->format == PLANLINT_INPUT_AUTO && (rc < 0 || list->count == 0))
        rc = pl_read_fallback(list, arena, buf, len, opts, err, json_first, rc);
    if (rc == 0 && list->count == 0 && (other = pl_other_format(buf, len)) != NULL)
        return pl_error(err, PLANLINT_EFORMAT, 0, 0, NULL,
                        "%s plans are not supported: capture the plan with FORMAT JSON or FORMAT TEXT", other);
    if (rc == 0 && list->count == 0)
        return pl_error(err, PLANLINT_EPARSE, 1, 1, NULL,
                        opts->format == PLANLINT_INPUT_JSON ? "no JSON EXPLAIN plan found in the input"
                        : opts->format == PLANLINT_INPUT_TEXT ? "no text EXPLAIN plan found in the input"
                                                              : "no EXPLAIN plan found in the input");
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
    planlint_parse_options o = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_error local;
    pl_plan_list list;
    pl_arena *arena;
    planlint_plan *p;
    int rc;

    if ((rc = pl_check_args(out, buf, opts, err)) < 0)
        return rc;
    if (!err) {   /* the readers compare codes: give them somewhere to keep one */
        memset(&local, 0, sizeof(local));
        err = &local;
    }
    if (opts)
        o = *opts;
    o.max_input_bytes = o.max_input_bytes ? o.max_input_bytes : PL_DEFAULT_MAX_INPUT;
    o.max_depth = o.max_depth ? o.max_depth : PL_DEFAULT_MAX_DEPTH;
    o.max_nodes = o.max_nodes ? o.max_nodes : PL_DEFAULT_MAX_NODES;
    if (len > o.max_input_bytes)
        return pl_error(err, PLANLINT_ELIMIT, 0, 0, NULL, "input of %zu bytes exceeds the limit of %zu",
                        len, o.max_input_bytes);
    if (!(arena = pl_arena_new()))
        return pl_error_nomem(err);
    memset(&list, 0, sizeof(list));
    rc = pl_read_input(&list, arena, buf, len, &o, err);
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
