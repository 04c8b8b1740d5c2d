/* json.c - the versioned JSON output (docs/json-output.md): raw keys as they
 * came in, derived numbers beside them. Written straight into the buffer. */
#include "render.h"
#include "finding.h"
#include "alloc.h"
#include "stats.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define PL_JSON_SCHEMA_VERSION 1

/* Always valid JSON in valid UTF-8, whatever the string holds: text from the database
 * or a file name can be in any encoding. Control characters, DEL and the C1 controls
 * are written as \u00XX (JSON needs it only for C0; the rest keeps a terminal that
 * shows the output safe), invalid UTF-8 as U+FFFD. */
void pl_json_string(pl_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    const char *run = s;
    size_t k;

    pl_buf_putc(b, '"');
    while (*u) {
        unsigned int c = *u;
        /* 4 is enough: the validator stops at the terminating NUL, no continuation byte */
        k = c < 0x80 ? 1 : pl_utf8_valid(u, 4);
        if (k == 2 && c == 0xC2 && u[1] <= 0x9f)
            c = u[1];   /* a C1 control */
        else if (k > 1 || (k == 1 && c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)) {
            u += k;
            continue;
        }
        pl_buf_add(b, run, (size_t)((const char *)u - run));
        u += k ? k : 1;
        run = (const char *)u;
        switch (c) {
        case '"': pl_buf_puts(b, "\\\""); break;
        case '\\': pl_buf_puts(b, "\\\\"); break;
        case '\n': pl_buf_puts(b, "\\n"); break;
        case '\t': pl_buf_puts(b, "\\t"); break;
        case '\r': pl_buf_puts(b, "\\r"); break;
        default:
            if (k == 0) {
                pl_buf_puts(b, "\xEF\xBF\xBD");
            } else {
                char e[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };
                pl_buf_add(b, e, 6);
            }
        }
    }
    pl_buf_add(b, run, (size_t)((const char *)u - run));
    pl_buf_putc(b, '"');
}

void pl_json_put_string(pl_buf *b, const char *s)
{
    pl_json_string(b, s);
}

/* Shortest faithful form, '.' whatever the locale; NaN and infinities become null. */
void pl_json_number(pl_buf *b, double d, int is_integer)
{
    char tmp[40];
    int n, i;

    if (isnan(d) || isinf(d)) {
        pl_buf_puts(b, "null");
        return;
    }
    if (is_integer || (d == floor(d) && fabs(d) < 9007199254740992.0)) {
        /* Below 2^52, pl_buf_fixed's rounding is exact: the digits of "%.0f" without
         * printf's cost, which was most of the JSON output's time. */
        if (fabs(d) < 4503599627370496.0 && !(d == 0 && signbit(d))) {
            pl_buf_fixed(b, d, 0);
            return;
        }
        n = snprintf(tmp, sizeof(tmp), "%.0f", d);
    } else {
        n = snprintf(tmp, sizeof(tmp), "%.15g", d);
        if (n > 0 && n < (int)sizeof(tmp)) {
            double back;
            for (i = 0; i < n; i++)
                if (tmp[i] == ',')
                    tmp[i] = '.';
            if (pl_parse_double(tmp, (size_t)n, &back) == 0 && back != d)
                n = snprintf(tmp, sizeof(tmp), "%.17g", d);
        }
    }
    for (i = 0; i < n && i < (int)sizeof(tmp); i++)
        if (tmp[i] == ',')
            tmp[i] = '.';
    if (n > 0)
        pl_buf_add(b, tmp, (size_t)n < sizeof(tmp) ? (size_t)n : sizeof(tmp) - 1);
}

/* A number planlint computed (sums, differences, ratios of the plan's numbers), rounded
 * to what the input carried: EXPLAIN prints times to 0.001 ms, so a time keeps three
 * decimals; anything else keeps 12 significant digits, which is below the precision of
 * every input number and above the float noise of the arithmetic (10.476000000000028
 * is 10.476). Raw values from the input are written as they came (pl_json_number). */
void pl_json_derived_number(pl_buf *b, double d, int is_time)
{
    char tmp[40];
    double back;
    int n;

    if (isnan(d) || isinf(d) || d == floor(d)) {
        pl_json_number(b, d, 0);
        return;
    }
    if (is_time)
        d = round(d * 1000.0) / 1000.0;
    n = snprintf(tmp, sizeof(tmp), "%.12g", d);
    if (n <= 0 || n >= (int)sizeof(tmp) || strchr(tmp, ',') ||
        pl_parse_double(tmp, (size_t)n, &back) != 0) {
        pl_json_number(b, d, 0);   /* a locale with ',' decimals: the slow, exact path */
        return;
    }
    pl_buf_add(b, tmp, (size_t)n);
}

/* Whether a derived metric's name says it is a time in milliseconds. */
static int pl_is_time_name(const char *name)
{
    return strstr(name, "time") != NULL;
}

static void pl_json_value(pl_buf *b, const planlint_value *v, const char *skip_key);

static void pl_json_object(pl_buf *b, const planlint_value *v, const char *skip_key)
{
    size_t i;
    int first = 1;

    pl_buf_putc(b, '{');
    for (i = 0; i < v->size; i++) {
        if (skip_key && strcmp(pl_value_keys(v)[i], skip_key) == 0)
            continue;
        if (!first)
            pl_buf_putc(b, ',');
        first = 0;
        pl_json_string(b, pl_value_keys(v)[i]);
        pl_buf_putc(b, ':');
        pl_json_value(b, &v->items[i], NULL);
    }
    pl_buf_putc(b, '}');
}

static void pl_json_value(pl_buf *b, const planlint_value *v, const char *skip_key)
{
    size_t i;

    switch (v->type) {
    case PLANLINT_VALUE_NULL: pl_buf_puts(b, "null"); break;
    case PLANLINT_VALUE_BOOL: pl_buf_puts(b, v->boolean ? "true" : "false"); break;
    case PLANLINT_VALUE_NUMBER: pl_json_number(b, v->number, v->is_integer); break;
    case PLANLINT_VALUE_STRING: pl_json_string(b, v->string); break;
    case PLANLINT_VALUE_ARRAY:
        pl_buf_putc(b, '[');
        for (i = 0; i < v->size; i++) {
            if (i)
                pl_buf_putc(b, ',');
            pl_json_value(b, &v->items[i], NULL);
        }
        pl_buf_putc(b, ']');
        break;
    case PLANLINT_VALUE_OBJECT: pl_json_object(b, v, skip_key); break;
    }
}

static void pl_json_key(pl_buf *b, const char *key, int *first)
{
    if (!*first)
        pl_buf_putc(b, ',');
    *first = 0;
    pl_json_string(b, key);
    pl_buf_putc(b, ':');
}

static void pl_json_derived(pl_buf *b, const planlint_node *n)
{
    int m, first = 1;

    pl_buf_putc(b, '{');
    for (m = PLANLINT_M_INCLUSIVE_TIME; m < PLANLINT_M_COUNT_; m++) {
        if (isnan(n->m[m]))
            continue;
        pl_json_key(b, planlint_metric_name((planlint_metric)m), &first);
        pl_json_derived_number(b, n->m[m], pl_is_time_name(planlint_metric_name((planlint_metric)m)));
    }
    pl_buf_putc(b, '}');
}

/* Nodes are written iteratively so that deep plans cost no stack. */
static void pl_json_nodes(pl_buf *b, const planlint_plan *plan)
{
    size_t i;

    for (i = 0; i < plan->nnodes; i++) {
        const planlint_node *n = plan->nodes[i], *a;
        int first = 1;

        if (n->parent && n->parent->children[0] != n)
            pl_buf_putc(b, ',');
        pl_buf_putc(b, '{');
        pl_json_key(b, "id", &first);
        pl_buf_printf(b, "%zu", n->id);
        pl_json_key(b, "node_type", &first);
        pl_json_string(b, n->fields[PLANLINT_FIELD_NODE_TYPE]);
        pl_json_key(b, "never_executed", &first);
        pl_buf_puts(b, n->never_executed ? "true" : "false");
        pl_json_key(b, "derived", &first);
        pl_json_derived(b, n);
        pl_json_key(b, "raw", &first);
        pl_json_object(b, n->obj, "Plans");
        pl_json_key(b, "children", &first);
        pl_buf_putc(b, '[');
        if (n->nchildren)
            continue;
        /* Close this leaf and every ancestor whose last child it ends. */
        pl_buf_puts(b, "]}");
        for (a = n; a->parent && a->parent->children[a->parent->nchildren - 1] == a; a = a->parent)
            pl_buf_puts(b, "]}");
        pl_buf_flush(b);
    }
}

/* The ids from the root down to the node, e.g. [0, 1, 3]; null at plan level. The
 * ancestors are collected in one walk up: finding each one afresh from the node
 * made deep plans with many findings quadratic. */
static void pl_json_node_path(pl_buf *b, const planlint_node *n)
{
    const planlint_node **chain, *a;
    size_t len, i;

    if (!n) {
        pl_buf_puts(b, "null");
        return;
    }
    len = (size_t)n->depth + 1;
    if (!(chain = pl_malloc(len * sizeof(*chain)))) {
        b->failed = 1;
        return;
    }
    for (a = n, i = len; i > 0; a = a->parent)
        chain[--i] = a;
    pl_buf_putc(b, '[');
    for (i = 0; i < len; i++)
        pl_buf_printf(b, i ? ",%zu" : "%zu", chain[i]->id);
    pl_buf_putc(b, ']');
    pl_free((void *)chain);
}

static void pl_json_string_or_null(pl_buf *b, const char *s)
{
    if (s)
        pl_json_string(b, s);
    else
        pl_buf_puts(b, "null");
}

/* null, or what planlint_verify_indexes() found. */
static void pl_json_verification(pl_buf *b, const planlint_finding *f)
{
    int first = 1;

    if (f->verification == PLANLINT_VERIFY_NONE) {
        pl_buf_puts(b, "null");
        return;
    }
    pl_buf_putc(b, '{');
    pl_json_key(b, "status", &first);
    pl_json_string(b, planlint_verification_name(f->verification));
    pl_json_key(b, "cost_before", &first);
    pl_json_derived_number(b, f->cost_before, 0);
    pl_json_key(b, "cost_after", &first);
    pl_json_derived_number(b, f->cost_after, 0);
    pl_json_key(b, "note", &first);
    pl_json_string_or_null(b, f->verify_note);
    pl_json_key(b, "together", &first);
    if (f->together > 1) {
        int tfirst = 1;

        pl_buf_putc(b, '{');
        pl_json_key(b, "indexes", &tfirst);
        pl_buf_printf(b, "%zu", f->together);
        pl_json_key(b, "cost_after", &tfirst);
        pl_json_derived_number(b, f->together_cost, 0);
        pl_json_key(b, "uses_this_index", &tfirst);
        pl_buf_puts(b, f->together_uses ? "true" : "false");
        pl_buf_putc(b, '}');
    } else
        pl_buf_puts(b, "null");
    pl_buf_putc(b, '}');
}

static void pl_json_finding(pl_buf *b, const planlint_finding *f)
{
    int first = 1, ev_first = 1;
    size_t i;

    pl_buf_putc(b, '{');
    pl_json_key(b, "rule_id", &first);
    pl_json_string(b, f->rule->id);
    pl_json_key(b, "rule_name", &first);
    pl_json_string(b, f->rule->name);
    pl_json_key(b, "category", &first);
    pl_json_string(b, f->rule->category);
    pl_json_key(b, "severity", &first);
    pl_json_string(b, planlint_severity_name(f->severity));
    pl_json_key(b, "fingerprint", &first);
    pl_json_string(b, f->fingerprint);
    pl_json_key(b, "node_id", &first);
    if (f->node)
        pl_buf_printf(b, "%zu", f->node->id);
    else
        pl_buf_puts(b, "null");
    pl_json_key(b, "node_path", &first);
    pl_json_node_path(b, f->node);
    pl_json_key(b, "time_at_stake_ms", &first);
    pl_json_derived_number(b, f->time_at_stake, 1);
    pl_json_key(b, "share_at_stake", &first);
    pl_json_derived_number(b, f->share_at_stake, 0);
    pl_json_key(b, "message", &first);
    pl_json_string(b, f->message);
    pl_json_key(b, "advice", &first);
    pl_json_string(b, f->advice);
    pl_json_key(b, "index_sql", &first);
    pl_json_string_or_null(b, f->index_sql);
    pl_json_key(b, "verification", &first);
    pl_json_verification(b, f);
    pl_json_key(b, "evidence", &first);
    pl_buf_putc(b, '{');
    for (i = 0; i < f->nev; i++) {
        pl_json_key(b, f->ev_names[i], &ev_first);
        pl_json_derived_number(b, f->ev_values[i], 0);
    }
    pl_buf_puts(b, "}}");
}

static void pl_json_findings(pl_buf *b, const planlint_plan *p)
{
    size_t i;

    pl_buf_putc(b, '[');
    for (i = 0; i < p->nfindings; i++) {
        if (i)
            pl_buf_putc(b, ',');
        pl_json_finding(b, p->findings[i]);
        pl_buf_flush(b);
    }
    pl_buf_putc(b, ']');
}

static const char *const pl_flag_names[] = {
    "analyze", "timing", "buffers", "verbose", "costs", "settings", "io_timing", "wal"
};

static const char *const pl_plan_metric_names[PLANLINT_PLAN_METRIC_COUNT_] = {
    "planning_time", "execution_time", "trigger_time", "jit_time", "jit_functions",
    "serialization_time", "planning_shared_hit", "planning_shared_read", "total_time"
};

/* "stats": sums per table, index and node type (docs/json-output.md). */
static void pl_json_stats(pl_buf *b, const planlint_plan *p)
{
    static const char *const kinds[] = { "tables", "indexes", "node_types" };
    pl_stats st;
    size_t i;
    int k;

    if (pl_stats_compute(&st, p) < 0) {
        b->failed = 1;
        return;
    }
    pl_buf_putc(b, '{');
    for (k = 0; k < PL_STAT_KINDS_; k++) {
        pl_buf_printf(b, "%s\"%s\":[", k ? "," : "", kinds[k]);
        for (i = 0; i < st.n[k]; i++) {
            const pl_stat_row *r = &st.rows[k][i];
            pl_buf_puts(b, i ? ",{\"name\":" : "{\"name\":");
            pl_json_string(b, r->key);
            pl_buf_printf(b, ",\"nodes\":%zu,\"exclusive_time\":", r->nodes);
            pl_json_derived_number(b, r->excl, 1);
            pl_buf_puts(b, ",\"total_rows\":");
            pl_json_derived_number(b, r->rows, 0);
            pl_buf_puts(b, ",\"shared_hit\":");
            pl_json_derived_number(b, r->hit, 0);
            pl_buf_puts(b, ",\"shared_read\":");
            pl_json_derived_number(b, r->read, 0);
            pl_buf_puts(b, ",\"temp_blocks\":");
            pl_json_derived_number(b, r->temp, 0);
            pl_buf_putc(b, '}');
        }
        pl_buf_putc(b, ']');
    }
    pl_buf_putc(b, '}');
    pl_stats_free(&st);
}

static void pl_json_plan(pl_buf *b, const planlint_plan *p, int stats)
{
    int first = 1, f, flag_first = 1;
    unsigned int m;

    pl_buf_putc(b, '{');
    pl_json_key(b, "index", &first);
    pl_buf_printf(b, "%zu", p->index);
    pl_json_key(b, "node_count", &first);
    pl_buf_printf(b, "%zu", p->nnodes);
    pl_json_key(b, "captured_with", &first);
    pl_buf_putc(b, '[');
    for (f = 0; f < 8; f++)
        if (p->flags & (1u << f)) {
            if (!flag_first)
                pl_buf_putc(b, ',');
            flag_first = 0;
            pl_json_string(b, pl_flag_names[f]);
        }
    pl_buf_putc(b, ']');
    if (p->flags & (PLANLINT_PLAN_WRAP_UNSURE | PLANLINT_PLAN_INCOMPLETE)) {
        pl_json_key(b, "warnings", &first);
        pl_buf_putc(b, '[');
        if (p->flags & PLANLINT_PLAN_WRAP_UNSURE)
            pl_json_string(b, "wrap_unsure");
        if ((p->flags & PLANLINT_PLAN_WRAP_UNSURE) && (p->flags & PLANLINT_PLAN_INCOMPLETE))
            pl_buf_putc(b, ',');
        if (p->flags & PLANLINT_PLAN_INCOMPLETE)
            pl_json_string(b, "incomplete");
        pl_buf_putc(b, ']');
    }
    pl_json_key(b, "metrics", &first);
    pl_buf_putc(b, '{');
    for (m = 0, flag_first = 1; m < PLANLINT_PLAN_METRIC_COUNT_; m++)
        if (!isnan(p->pm[m])) {
            pl_json_key(b, pl_plan_metric_names[m], &flag_first);
            pl_json_derived_number(b, p->pm[m], pl_is_time_name(pl_plan_metric_names[m]));
        }
    pl_buf_putc(b, '}');
    pl_json_key(b, "raw", &first);
    if (p->obj == p->root->obj)   /* a bare node was given: no plan-level keys */
        pl_buf_puts(b, "{}");
    else
        pl_json_object(b, p->obj, "Plan");
    pl_json_key(b, "root", &first);
    pl_json_nodes(b, p);
    if (p->checked) {
        pl_json_key(b, "findings", &first);
        pl_json_findings(b, p);
    }
    if (stats) {
        pl_json_key(b, "stats", &first);
        pl_json_stats(b, p);
    }
    pl_buf_putc(b, '}');
}

/* Totals over every plan the rules ran on; absent when none did (--no-rules). */
static void pl_json_summary(pl_buf *b, const planlint_plan *head)
{
    static const planlint_severity order[] = { PLANLINT_SEVERITY_ERROR, PLANLINT_SEVERITY_WARNING,
                                               PLANLINT_SEVERITY_INFO };
    size_t count[4] = { 0, 0, 0, 0 }, total = 0, suppressed = 0, i;
    planlint_severity worst = (planlint_severity)0;
    const planlint_plan *p;
    int checked = 0;

    for (p = head; p; p = p->next) {
        checked |= p->checked;
        suppressed += p->nsuppressed;
        for (i = 0; i < p->nfindings; i++) {
            planlint_severity s = p->findings[i]->severity;
            count[(unsigned)s < 4 ? s : 0]++;
            total++;
            if (s > worst)
                worst = s;
        }
    }
    if (!checked)
        return;
    pl_buf_printf(b, ",\"summary\":{\"findings\":%zu,\"by_severity\":{", total);
    for (i = 0; i < 3; i++)
        pl_buf_printf(b, "%s\"%s\":%zu", i ? "," : "", planlint_severity_name(order[i]), count[order[i]]);
    pl_buf_puts(b, "},\"worst_severity\":");
    pl_json_string_or_null(b, worst ? planlint_severity_name(worst) : NULL);
    pl_buf_printf(b, ",\"suppressed_by_baseline\":%zu}", suppressed);
}

int pl_render_json(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                   planlint_error *err)
{
    const planlint_plan *p;

    (void)err;
    pl_buf_puts(b, "{\"planlint\":{\"version\":");
    pl_json_string(b, PLANLINT_VERSION);
    pl_buf_printf(b, ",\"schema_version\":%d", PL_JSON_SCHEMA_VERSION);
    if (opts->source_name) {
        pl_buf_puts(b, ",\"source\":");
        pl_json_string(b, opts->source_name);
    }
    pl_buf_puts(b, "},\"plans\":[");
    for (p = head; p; p = p->next) {
        if (p != head)
            pl_buf_putc(b, ',');
        pl_json_plan(b, p, opts->stats);
    }
    pl_buf_putc(b, ']');
    pl_json_summary(b, head);
    pl_buf_puts(b, "}\n");
    return 0;
}
