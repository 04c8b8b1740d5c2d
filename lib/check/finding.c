/* finding.c - building findings from rule code, and reading them through the API. */
#include "finding.h"
#include "buf.h"
#include "build.h"
#include "planlint.h"

#include <stdarg.h>
#include <stdio.h>

void pl_check_fail(pl_check *c)
{
    c->failed = 1;
}

const planlint_plan *pl_check_plan(const pl_check *c)
{
    return c->plan;
}

double pl_param(const pl_check *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->rule->nparams; i++)
        if (strcmp(c->rule->params[i].name, name) == 0)
            return c->params[i];
    return NAN;   /* a rule asking for a parameter it does not declare: a bug */
}

pl_finding *pl_finding_new(pl_check *c, const planlint_node *node, double time_at_stake)
{
    pl_finding *f = pl_arena_alloc(c->arena, sizeof(*f));
    double total = c->plan->pm[PLANLINT_PLAN_TOTAL_TIME];

    if (!f) {
        c->failed = 1;
        return NULL;
    }
    f->rule = c->rule;
    f->severity = c->rule->severity;
    f->node = node;
    f->time_at_stake = time_at_stake;
    f->share_at_stake = !isnan(time_at_stake) && total > 0 ? time_at_stake / total : NAN;
    f->message = "";
    f->advice = "";
    f->cost_before = f->cost_after = NAN;
    f->builder = c;
    pl_finding_fingerprint_set(f);
    if (c->tail)
        c->tail->next = f;
    else
        c->head = f;
    c->tail = f;
    return f;
}

void pl_finding_severity(pl_finding *f, planlint_severity s)
{
    if (f)
        f->severity = s;
}

/* Formats into the plan's arena; an allocation failure marks the run failed. */
/* s into b, a line break written as the two characters \n or \r. */
static void pl_add_one_line(pl_buf *b, const char *s, size_t n)
{
    size_t i, from = 0;

    for (i = 0; i < n; i++)
        if (s[i] == '\n' || s[i] == '\r') {
            pl_buf_add(b, s + from, i - from);
            pl_buf_puts(b, s[i] == '\n' ? "\\n" : "\\r");
            from = i + 1;
        }
    pl_buf_add(b, s + from, n - from);
}

/* The rules' format strings are literals checked by the compiler (PL_RULE_PRINTF);
 * one conversion of them is passed on here with its argument. */
#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#endif
/* One conversion of a rule's format (at *fmt, past its '%') with its argument, into b.
 * A string argument comes from the plan: a line break in it is written as \n or \r, so
 * that it can never pass for a line of planlint's own (the rules break their lines
 * with '\n' in the format itself); the renderers escape every other control character. */
static void pl_format_one(pl_buf *b, const char **fmt, va_list *ap, int one_line)
{
    char spec[32] = "%", conv;
    const char *p = *fmt;
    size_t n = 1;
    int star[2] = { 0, 0 }, nstar = 0, longs = 0, sized = 0;
    pl_buf tmp;

    for (; *p && !strchr("diouxXeEfFgGaAcsp%", *p); p++) {
        if (*p == '*' && nstar < 2)
            star[nstar++] = va_arg(*ap, int);
        longs += *p == 'l';
        sized |= *p == 'z' || *p == 'j' || *p == 't';
        if (n < sizeof(spec) - 2)
            spec[n++] = *p;
    }
    conv = *p ? *p++ : '%';
    spec[n++] = conv;
    spec[n] = '\0';
    *fmt = p;
    if (conv == '%') {
        pl_buf_puts(b, "%");
        return;
    }
    if (conv != 's') {
        if (strchr("eEfFgGaA", conv))
            pl_buf_printf(b, spec, va_arg(*ap, double));
        else if (conv == 'p')
            pl_buf_printf(b, spec, va_arg(*ap, void *));
        else if (sized)
            pl_buf_printf(b, spec, va_arg(*ap, size_t));
        else if (longs)
            longs > 1 ? pl_buf_printf(b, spec, va_arg(*ap, long long)) : pl_buf_printf(b, spec, va_arg(*ap, long));
        else
            pl_buf_printf(b, spec, va_arg(*ap, int));
        return;
    }
    pl_buf_init(&tmp);
    if (nstar == 2)
        pl_buf_printf(&tmp, spec, star[0], star[1], va_arg(*ap, const char *));
    else if (nstar == 1)
        pl_buf_printf(&tmp, spec, star[0], va_arg(*ap, const char *));
    else
        pl_buf_printf(&tmp, spec, va_arg(*ap, const char *));
    if (tmp.data && one_line)
        pl_add_one_line(b, tmp.data, tmp.len);
    else if (tmp.data)
        pl_buf_add(b, tmp.data, tmp.len);
    b->failed |= tmp.failed;
    pl_buf_release(&tmp);
}
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/* fmt with its arguments, in the arena. one_line: a message or advice, where a line
 * break in a string argument is written as \n or \r (pl_format_one); otherwise (SQL
 * and other text a rule builds to quote) the arguments go in as they are. */
static const char *pl_vformat(pl_check *c, int one_line, const char *fmt, va_list ap) PL_RULE_PRINTF(3, 0);
static const char *pl_vformat(pl_check *c, int one_line, const char *fmt, va_list ap)
{
    va_list copy;
    pl_buf b;
    char *out;

    pl_buf_init(&b);
    va_copy(copy, ap);
    while (*fmt) {
        const char *pct = strchr(fmt, '%');
        size_t lit = pct ? (size_t)(pct - fmt) : strlen(fmt);

        pl_buf_add(&b, fmt, lit);
        fmt += lit;
        if (*fmt == '%') {
            fmt++;
            pl_format_one(&b, &fmt, &copy, one_line);
        }
    }
    va_end(copy);
    out = b.failed || !b.data ? NULL : pl_arena_strndup(c->arena, b.data, b.len);
    if (!out && (b.failed || b.data))
        c->failed = 1;
    pl_buf_release(&b);
    return out ? out : "";
}

void pl_finding_message(pl_finding *f, const char *fmt, ...)
{
    va_list ap;

    if (!f)
        return;
    va_start(ap, fmt);
    f->message = pl_vformat(f->builder, 1, fmt, ap);
    va_end(ap);
}

void pl_finding_advice(pl_finding *f, const char *fmt, ...)
{
    va_list ap;

    if (!f)
        return;
    va_start(ap, fmt);
    f->advice = pl_vformat(f->builder, 1, fmt, ap);
    va_end(ap);
}

void pl_finding_evidence(pl_finding *f, const char *name, double value)
{
    if (!f || f->nev >= PL_MAX_EVIDENCE)
        return;
    f->ev_names[f->nev] = name;
    f->ev_values[f->nev] = value;
    f->nev++;
}

const char pl_no_safe_sql[] = "No safe statement could be built: a name in it does not read back as "
                               "itself in PostgreSQL's grammar (longer than the server keeps, or not one "
                               "identifier), so none is shown.";

static const char *pl_fmt_buf(pl_check *c, pl_buf *b);

/* Keeps a statement that was parsed back with the finding, for the tests that parse
 * every shown statement once more. */
static const char *pl_sql_keep(pl_finding *f, const char *kind, const char *text)
{
    pl_sql_shown *s = pl_arena_alloc(f->builder->arena, sizeof(*s));

    if (!s) {
        f->builder->failed = 1;
        return NULL;
    }
    s->kind = kind;
    s->text = text;
    if (f->sql_tail)
        f->sql_tail->next = s;
    else
        f->sql = s;
    f->sql_tail = s;
    return text;
}

/* A build's result: kept when it read back as meant, NULL when not. */
static const char *pl_sql_result(pl_finding *f, const char *kind, pl_buf *b, int rc)
{
    if (rc == PLANLINT_ENOMEM)
        f->builder->failed = 1;
    if (rc < 0) {
        pl_buf_release(b);
        return NULL;
    }
    return pl_sql_keep(f, kind, pl_fmt_buf(f->builder, b));
}

const char *pl_finding_sql(pl_finding *f, const char *kind, const char *fmt, ...)
{
    va_list ap;
    pl_buf b;
    int rc;

    if (!f)
        return NULL;
    pl_buf_init(&b);
    va_start(ap, fmt);
    rc = pl_sql_build(&b, kind, fmt, ap);
    va_end(ap);
    return pl_sql_result(f, kind, &b, rc);
}

const char *pl_finding_index(pl_finding *f, const char *create_index_sql)
{
    int rc;

    if (!f || !create_index_sql)
        return NULL;
    if ((rc = pl_sql_verify(create_index_sql, "IndexStmt")) < 0) {
        if (rc == PLANLINT_ENOMEM)
            f->builder->failed = 1;
        return NULL;
    }
    return f->index_sql = pl_sql_keep(f, "IndexStmt", create_index_sql);
}

/* ------------------------------------------------------------ number text */

static const char *pl_fmt_buf(pl_check *c, pl_buf *b)
{
    const char *s;

    if (b->failed || !b->data) {
        pl_buf_release(b);
        c->failed = 1;
        return "?";
    }
    s = pl_arena_strndup(c->arena, b->data, b->len);
    pl_buf_release(b);
    if (!s) {
        c->failed = 1;
        return "?";
    }
    return s;
}

const char *pl_fmt_num(pl_check *c, double v, int decimals)
{
    pl_buf b;

    pl_buf_init(&b);
    pl_buf_fixed(&b, v, decimals);
    return pl_fmt_buf(c, &b);
}

const char *pl_fmt_ms(pl_check *c, double ms)
{
    pl_buf b;

    pl_buf_init(&b);
    pl_buf_fixed(&b, ms, ms >= 100 ? 0 : (ms >= 1 ? 1 : 3));
    pl_buf_puts(&b, " ms");
    return pl_fmt_buf(c, &b);
}

const char *pl_fmt_count(pl_check *c, double n)
{
    pl_buf b;

    pl_buf_init(&b);
    pl_buf_count(&b, n);
    return pl_fmt_buf(c, &b);
}

const char *pl_fmt_pct(pl_check *c, double ratio)
{
    pl_buf b;

    pl_buf_init(&b);
    /* 99.9% must not print as 100%, nor 0.4% as 0%. */
    pl_buf_fixed(&b, ratio * 100, (ratio > 0 && ratio < 0.1) || (ratio > 0.99 && ratio < 1) ? 1 : 0);
    pl_buf_putc(&b, '%');
    return pl_fmt_buf(c, &b);
}

const char *pl_fmt_text(pl_check *c, const char *fmt, ...)
{
    const char *s;
    va_list ap;

    va_start(ap, fmt);
    s = pl_vformat(c, 0, fmt, ap);
    va_end(ap);
    return s;
}

const char *pl_fmt_literal(pl_check *c, const char *s)
{
    pl_buf b;

    pl_buf_init(&b);
    pl_sql_put_literal(&b, s);
    return pl_fmt_buf(c, &b);
}

const char *pl_fmt_ident(pl_check *c, const char *name)
{
    pl_buf b;

    pl_buf_init(&b);
    pl_sql_put_ident(&b, name);
    return pl_fmt_buf(c, &b);
}

const char *pl_fmt_unquote(pl_check *c, const char *s, size_t n)
{
    pl_buf b;

    pl_buf_init(&b);
    if (pl_sql_unquote(&b, s, n) < 0) {
        pl_buf_release(&b);
        return NULL;
    }
    return pl_fmt_buf(c, &b);
}

/* ------------------------------------------------------------ node helpers */

const char *pl_node_type(const planlint_node *n)
{
    return n->fields[PLANLINT_FIELD_NODE_TYPE];
}

int pl_node_is(const planlint_node *n, const char *type)
{
    return strcmp(n->fields[PLANLINT_FIELD_NODE_TYPE], type) == 0;
}

const char *pl_node_label(pl_check *c, const planlint_node *n)
{
    const char *rel = n->fields[PLANLINT_FIELD_RELATION], *schema = n->fields[PLANLINT_FIELD_SCHEMA];
    const char *alias = n->fields[PLANLINT_FIELD_ALIAS];
    pl_buf b;

    pl_buf_init(&b);
    pl_buf_printf(&b, "#%zu %s", n->id, pl_node_type(n));
    if (rel)
        pl_buf_printf(&b, " on %s%s%s", schema ? schema : "", schema ? "." : "", rel);
    if (rel && alias && strcmp(alias, rel) != 0)
        pl_buf_printf(&b, " %s", alias);
    return pl_fmt_buf(c, &b);
}

const char *pl_node_table(pl_check *c, const planlint_node *n)
{
    const char *rel = n->fields[PLANLINT_FIELD_RELATION], *schema = n->fields[PLANLINT_FIELD_SCHEMA];

    if (!rel || !schema)
        return rel;
    return pl_fmt_text(c, "%s.%s", schema, rel);
}

/* ------------------------------------------------------------ public accessors */

size_t planlint_plan_finding_count(const planlint_plan *plan)
{
    return plan ? plan->nfindings : 0;
}

const planlint_finding *planlint_plan_finding(const planlint_plan *plan, size_t i)
{
    return plan && i < plan->nfindings ? plan->findings[i] : NULL;
}

const planlint_rule *planlint_finding_rule(const planlint_finding *f)
{
    return f ? f->rule : NULL;
}

planlint_severity planlint_finding_severity(const planlint_finding *f)
{
    return f ? f->severity : (planlint_severity)0;
}

const planlint_node *planlint_finding_node(const planlint_finding *f)
{
    return f ? f->node : NULL;
}

double planlint_finding_time_at_stake(const planlint_finding *f)
{
    return f ? f->time_at_stake : NAN;
}

double planlint_finding_share_at_stake(const planlint_finding *f)
{
    return f ? f->share_at_stake : NAN;
}

const char *planlint_finding_message(const planlint_finding *f)
{
    return f ? f->message : NULL;
}

const char *planlint_finding_advice(const planlint_finding *f)
{
    return f ? f->advice : NULL;
}

const char *planlint_finding_index_sql(const planlint_finding *f)
{
    return f ? f->index_sql : NULL;
}

size_t planlint_finding_verification_together(const planlint_finding *f, double *cost_after, int *uses)
{
    if (cost_after)
        *cost_after = f && f->together > 1 ? f->together_cost : NAN;
    if (uses)
        *uses = f && f->together > 1 ? f->together_uses : 0;
    return f && f->together > 1 ? f->together : 0;
}

planlint_verification planlint_finding_verification(const planlint_finding *f, double *cost_before,
                                                    double *cost_after, const char **note)
{
    if (cost_before)
        *cost_before = f ? f->cost_before : NAN;
    if (cost_after)
        *cost_after = f ? f->cost_after : NAN;
    if (note)
        *note = f ? f->verify_note : NULL;
    return f ? f->verification : PLANLINT_VERIFY_NONE;
}

const char *planlint_verification_name(planlint_verification v)
{
    static const char *const names[] = { "none", "unavailable", "failed", "chosen", "not_chosen" };

    return (unsigned)v < sizeof(names) / sizeof(names[0]) ? names[v] : NULL;
}

size_t planlint_finding_evidence_count(const planlint_finding *f)
{
    return f ? f->nev : 0;
}

const char *planlint_finding_evidence_name(const planlint_finding *f, size_t i)
{
    return f && i < f->nev ? f->ev_names[i] : NULL;
}

double planlint_finding_evidence_value(const planlint_finding *f, size_t i)
{
    return f && i < f->nev ? f->ev_values[i] : NAN;
}
