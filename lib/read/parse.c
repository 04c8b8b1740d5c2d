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

/* Only blanks, psql's frames and YAML's "- " before buf[i] on its line: a marker there
 * starts a line of the plan, not the inside of a JSON string. */
static int pl_at_line_start(const char *buf, size_t i)
{
    size_t back = 0;

    while (i > 0 && back++ < 256) {
        unsigned char c = (unsigned char)buf[--i];
        if (c == '\n')
            return 1;
        if (c != ' ' && c != '\t' && c != '|' && c != '-' && c < 0x80)
            return 0;
    }
    return i == 0;
}

/* EXPLAIN's YAML and XML, by what only they have near the start (psql's header may
 * come first): "<explain" or "<Node-Type>" (XML), a Node Type key without JSON's quotes
 * (YAML). A JSON "Node Type" key first means neither. */
static planlint_input_format pl_detect_markup(const char *buf, size_t len)
{
    size_t i, n = len < 65536 ? len : 65536;

    for (i = 0; i < n; i++) {
        if (buf[i] == '"' && n - i >= 11 && memcmp(buf + i, "\"Node Type\"", 11) == 0)
            return PLANLINT_INPUT_AUTO;
        if (buf[i] == '<' && ((n - i >= 9 && memcmp(buf + i, "<explain", 8) == 0) ||
                              (n - i >= 11 && memcmp(buf + i, "<Node-Type>", 11) == 0)) &&
            pl_at_line_start(buf, i))
            return PLANLINT_INPUT_XML;
        if (buf[i] == 'N' && n - i >= 10 && memcmp(buf + i, "Node Type:", 10) == 0 && pl_at_line_start(buf, i))
            return PLANLINT_INPUT_YAML;
    }
    return PLANLINT_INPUT_AUTO;
}

static int pl_read_json_or_text(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                                const planlint_parse_options *opts, planlint_error *err,
                                planlint_input_format fmt)
{
    int rc, json_first = fmt != PLANLINT_INPUT_TEXT;

    rc = json_first ? pl_json_read(list, arena, buf, len, opts, err)
                    : pl_text_read(list, arena, buf, len, opts, err);
    if (opts->format == PLANLINT_INPUT_AUTO && (rc < 0 || list->count == 0))
        rc = pl_read_fallback(list, arena, buf, len, opts, err, json_first, rc);
    return rc;
}

/* YAML or XML, as forced or detected. Detected only: when it finds no plan, JSON and
 * text get their try (a file of several formats, a marker inside a plan's text), and
 * its error stands when they find none either. */
static int pl_read_markup(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                          const planlint_parse_options *opts, planlint_error *err,
                          planlint_input_format fmt)
{
    planlint_error other;
    int rc = fmt == PLANLINT_INPUT_YAML ? pl_yaml_read(list, arena, buf, len, opts, err)
                                        : pl_xml_read(list, arena, buf, len, opts, err);

    if (opts->format != PLANLINT_INPUT_AUTO || (rc == 0 && list->count > 0) || rc == PLANLINT_ENOMEM ||
        rc == PLANLINT_ELIMIT)
        return rc;
    memset(&other, 0, sizeof(other));
    memset(list, 0, sizeof(*list));
    if (pl_read_json_or_text(list, arena, buf, len, opts, &other, pl_detect_format(buf, len)) == 0 &&
        list->count > 0) {
        memset(err, 0, sizeof(*err));
        return 0;
    }
    memset(list, 0, sizeof(*list));
    return other.code == PLANLINT_ENOMEM ? pl_error_nomem(err) : rc;
}

static int pl_read_input(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                         const planlint_parse_options *opts, planlint_error *err)
{
    static const char *const names[] = { "", "JSON ", "text ", "YAML ", "XML " };
    planlint_input_format fmt = opts->format;
    int rc;

    if ((int)fmt < 0 || fmt > PLANLINT_INPUT_XML)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unknown input format %d", (int)fmt);
    if (fmt == PLANLINT_INPUT_AUTO && (fmt = pl_detect_markup(buf, len)) == PLANLINT_INPUT_AUTO)
        fmt = pl_detect_format(buf, len);
    if (fmt == PLANLINT_INPUT_YAML || fmt == PLANLINT_INPUT_XML)
        rc = pl_read_markup(list, arena, buf, len, opts, err, fmt);
    else
        rc = pl_read_json_or_text(list, arena, buf, len, opts, err, fmt);
    if (rc == 0 && list->count == 0)
        return pl_error(err, PLANLINT_EPARSE, 1, 1, NULL, "no %sEXPLAIN plan found in the input",
                        names[opts->format]);
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

/* The readers work on an error of their own, which starts clean: their return codes
 * and their "is this the first error" checks never see what the caller's err held.
 * It reaches the caller's err as pl_error() does: only when that holds none yet. */
static int pl_parse_failed(planlint_error *err, const planlint_error *local, int rc)
{
    if (err && err->code == 0) {
        *err = *local;
        if (err->code == 0)
            err->code = rc;
    }
    return rc;
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
    memset(&local, 0, sizeof(local));
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
    rc = pl_read_input(&list, arena, buf, len, &o, &local);
    for (p = list.head; rc == 0 && p; p = p->next)
        rc = pl_plan_derive(p, &local);
    if (rc < 0) {
        pl_arena_free(arena);
        return pl_parse_failed(err, &local, rc);
    }
    for (p = list.head; p; p = p->next)
        p->arena = arena;
    *out = list.head;
    return 0;
}
