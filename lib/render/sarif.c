/* sarif.c - SARIF 2.1.0 for code scanning: one run, the whole rule catalog in
 * tool.driver.rules, one result per finding. The mapping is in docs/sarif.md. */
#include "render.h"
#include "finding.h"
#include "alloc.h"
#include "error.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

static const char *pl_sarif_level(planlint_severity s)
{
    return s >= PLANLINT_SEVERITY_ERROR ? "error" : (s >= PLANLINT_SEVERITY_WARNING ? "warning" : "note");
}

/* {"text": s} */
void pl_sarif_message(pl_buf *b, const char *key, const char *s)
{
    pl_buf_printf(b, "\"%s\":{\"text\":", key);
    pl_json_string(b, s);
    pl_buf_putc(b, '}');
}

/* The explanation, then the tunable thresholds with their defaults. */
static void pl_sarif_help(pl_buf *b, const planlint_rule *r)
{
    size_t i, n = planlint_rule_param_count(r);
    pl_buf h;

    pl_buf_init(&h);
    pl_buf_puts(&h, planlint_rule_explanation(r));
    for (i = 0; i < n; i++) {
        pl_buf_puts(&h, i ? "\n" : "\n\nParameters:\n");
        pl_buf_printf(&h, "- %s (default ", planlint_rule_param_name(r, i));
        pl_json_derived_number(&h, planlint_rule_param_default(r, i), 0);
        pl_buf_printf(&h, "): %s", planlint_rule_param_help(r, i));
    }
    if (h.failed)
        b->failed = 1;
    else
        pl_sarif_message(b, "help", h.data);
    pl_buf_release(&h);
}

static void pl_sarif_rule(pl_buf *b, const planlint_rule *r)
{
    pl_buf_puts(b, "{\"id\":");
    pl_json_string(b, planlint_rule_id(r));
    pl_buf_puts(b, ",\"name\":");
    pl_json_string(b, planlint_rule_name(r));
    pl_buf_putc(b, ',');
    pl_sarif_message(b, "shortDescription", planlint_rule_summary(r));
    pl_buf_putc(b, ',');
    pl_sarif_message(b, "fullDescription", planlint_rule_explanation(r));
    pl_buf_putc(b, ',');
    pl_sarif_help(b, r);
    pl_buf_printf(b, ",\"defaultConfiguration\":{\"level\":\"%s\"}", pl_sarif_level(planlint_rule_severity(r)));
    pl_buf_puts(b, ",\"properties\":{\"category\":");
    pl_json_string(b, planlint_rule_category(r));
    pl_buf_puts(b, ",\"tags\":[");
    pl_json_string(b, planlint_rule_category(r));
    pl_buf_puts(b, "]}}");
}

void pl_sarif_open(pl_buf *b)
{
    size_t i, n = planlint_rule_count();

    pl_buf_puts(b, "{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
                   "\"runs\":[{");
    pl_buf_puts(b, "\"tool\":{\"driver\":{\"name\":\"planlint\",\"version\":");
    pl_json_string(b, PLANLINT_VERSION);
    pl_buf_putc(b, ',');
    pl_sarif_message(b, "shortDescription",
                     "planlint reads PostgreSQL query plans and shows, with numbers, where a query "
                     "spends its time: a linter for EXPLAIN ANALYZE.");
    pl_buf_puts(b, ",\"rules\":[");
    for (i = 0; i < n; i++) {
        if (i)
            pl_buf_putc(b, ',');
        pl_sarif_rule(b, planlint_rule_at(i));
    }
}

/* A file name as a URI reference: unreserved characters, '/' and the sub-delimiters
 * stay, everything else (blanks, ':', '%', controls, non-ASCII bytes) is %XX. */
void pl_sarif_uri(pl_buf *b, const char *name)
{
    static const char keep[] = "-._~/!$&'()*+,;=@";
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u;

    pl_buf_putc(b, '"');
    for (u = (const unsigned char *)name; *u; u++) {
        if ((*u >= 'a' && *u <= 'z') || (*u >= 'A' && *u <= 'Z') || (*u >= '0' && *u <= '9') ||
            (*u < 0x80 && strchr(keep, *u) && *u != '\\'))
            pl_buf_putc(b, (char)*u);
        else {
            char e[3] = { '%', hex[*u >> 4], hex[*u & 15] };
            pl_buf_add(b, e, 3);
        }
    }
    pl_buf_putc(b, '"');
}

/* FNV-1a, 64 bits: stable across runs, platforms and planlint versions. */
static uint64_t pl_fnv(uint64_t h, const char *s)
{
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ULL;
    }
    return h ^ 0xff;   /* a separator, so that "ab"+"c" differs from "a"+"bc" */
}

/* What stays the same when the same problem is seen again in another capture of the
 * plan: the rule, the node's type and relation, and the types on the way from the
 * root; not the node ids, the numbers or the order of the findings. */
void pl_sarif_fingerprint(pl_buf *b, const char *id, const planlint_node *n)
{
    uint64_t h = pl_fnv(0xcbf29ce484222325ULL, id);
    const planlint_node *a;
    const char *rel;

    if (n) {
        h = pl_fnv(h, n->fields[PLANLINT_FIELD_NODE_TYPE]);
        rel = n->fields[PLANLINT_FIELD_RELATION];
        h = pl_fnv(h, n->fields[PLANLINT_FIELD_SCHEMA] ? n->fields[PLANLINT_FIELD_SCHEMA] : "");
        h = pl_fnv(h, rel ? rel : "");
        for (a = n->parent; a; a = a->parent)
            h = pl_fnv(h, a->fields[PLANLINT_FIELD_NODE_TYPE]);
    }
    pl_buf_printf(b, "\"partialFingerprints\":{\"planlintFingerprint/v1\":\"%016llx\"}", (unsigned long long)h);
}

/* The node as a logical location: its place in the EXPLAIN document and its label. */
void pl_sarif_logical(pl_buf *b, const planlint_plan *p, const planlint_node *n, size_t nplans)
{
    pl_buf t;

    pl_buf_init(&t);
    if (nplans > 1)
        pl_buf_printf(&t, "%zu/", p->index);
    if (n)
        pl_node_doc_path(&t, n);
    else
        pl_buf_puts(&t, "Plan");
    pl_buf_putc(&t, '\0');
    if (n)
        pl_render_node_label(&t, n);
    else
        pl_buf_puts(&t, "the plan");
    if (t.failed) {
        b->failed = 1;
    } else {
        pl_buf_puts(b, "\"logicalLocations\":[{\"name\":");
        pl_json_string(b, t.data);
        pl_buf_puts(b, ",\"fullyQualifiedName\":");
        pl_json_string(b, t.data + strlen(t.data) + 1);
        pl_buf_puts(b, ",\"kind\":\"object\"}]");
    }
    pl_buf_release(&t);
}

static void pl_sarif_text(pl_buf *b, const planlint_finding *f)
{
    pl_buf t;

    pl_buf_init(&t);
    pl_buf_puts(&t, f->message);
    pl_buf_puts(&t, "\n\n");
    pl_buf_puts(&t, f->advice);
    if (f->verification != PLANLINT_VERIFY_NONE) {
        pl_buf_puts(&t, "\n\n");
        pl_verification_text(&t, f);
    }
    if (t.failed)
        b->failed = 1;
    else
        pl_sarif_message(b, "message", t.data);
    pl_buf_release(&t);
}

static size_t pl_sarif_rule_index(const planlint_rule *r)
{
    size_t i, n = planlint_rule_count();

    for (i = 0; i < n && planlint_rule_at(i) != r; i++)
        ;
    return i;
}

void pl_sarif_result(pl_buf *b, const planlint_plan *p, const planlint_finding *f, size_t nplans,
                     const char *source, size_t line)
{
    pl_buf_puts(b, "{\"ruleId\":");
    pl_json_string(b, f->rule->id);
    if (pl_sarif_rule_index(f->rule) < planlint_rule_count())
        pl_buf_printf(b, ",\"ruleIndex\":%zu", pl_sarif_rule_index(f->rule));
    pl_buf_printf(b, ",\"level\":\"%s\",", pl_sarif_level(f->severity));
    pl_sarif_text(b, f);
    pl_buf_puts(b, ",\"locations\":[{");
    if (source) {
        pl_buf_puts(b, "\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
        pl_sarif_uri(b, source);
        pl_buf_putc(b, '}');
        if (line > 0)
            pl_buf_printf(b, ",\"region\":{\"startLine\":%zu}", line);
        pl_buf_puts(b, "},");
    }
    pl_sarif_logical(b, p, f->node, nplans);
    pl_buf_puts(b, "}],");
    pl_sarif_fingerprint(b, f->rule->id, f->node);
    pl_buf_puts(b, ",\"properties\":{\"time_at_stake_ms\":");
    pl_json_derived_number(b, f->time_at_stake, 1);
    pl_buf_puts(b, ",\"share\":");
    pl_json_derived_number(b, f->share_at_stake, 0);
    pl_buf_printf(b, ",\"plan_index\":%zu", p->index);
    if (f->node)
        pl_buf_printf(b, ",\"node_id\":%zu", f->node->id);
    pl_buf_puts(b, "}}");
}

/* Results for every finding of every plan of the list, each after a ',' unless first. */
static void pl_sarif_results(pl_buf *b, const planlint_plan *head, const char *source, size_t line,
                             int *first)
{
    const planlint_plan *p;
    size_t i, nplans = 0;

    for (p = head; p; p = p->next)
        nplans++;
    for (p = head; p; p = p->next)
        for (i = 0; p->checked && i < p->nfindings; i++) {
            if (!*first)
                pl_buf_putc(b, ',');
            *first = 0;
            pl_sarif_result(b, p, p->findings[i], nplans, source, line);
        }
}

/* The document up to its results array, left open. */
static void pl_sarif_head(pl_buf *b)
{
    pl_sarif_open(b);
    pl_buf_puts(b, "]}},\"results\":[");
}

int pl_render_sarif(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                    planlint_error *err)
{
    int first = 1;

    (void)err;
    pl_sarif_head(b);
    pl_sarif_results(b, head, opts->source_name, 0, &first);
    pl_buf_puts(b, "]}]}\n");
    return 0;
}

/* ---------------------------------------------------------------- one log, several inputs */

struct planlint_sarif {
    pl_buf results;
    int first;
};

int planlint_sarif_new(planlint_sarif **out, planlint_error *err)
{
    if (!out)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out must not be NULL");
    if (!(*out = pl_malloc(sizeof(**out))))
        return pl_error_nomem(err);
    pl_buf_init(&(*out)->results);
    (*out)->first = 1;
    return 0;
}

int planlint_sarif_add(planlint_sarif *log, const planlint_plan *plan, const char *source, size_t line,
                       planlint_error *err)
{
    if (!log || !plan)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "log and plan must not be NULL");
    pl_sarif_results(&log->results, plan, source, line, &log->first);
    return log->results.failed ? pl_error_nomem(err) : 0;
}

int planlint_sarif_finish(char **out, size_t *out_len, const planlint_sarif *log, planlint_error *err)
{
    pl_buf b;

    if (!out || !log)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out and log must not be NULL");
    *out = NULL;
    pl_buf_init(&b);
    pl_sarif_head(&b);
    if (log->results.len)
        pl_buf_add(&b, log->results.data, log->results.len);
    pl_buf_puts(&b, "]}]}\n");
    return pl_buf_hand_over(&b, out, out_len, err);
}

void planlint_sarif_free(planlint_sarif *log)
{
    if (!log)
        return;
    pl_buf_release(&log->results);
    pl_free(log);
}
