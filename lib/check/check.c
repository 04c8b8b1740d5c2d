/* check.c - planlint_check(): choose rules, resolve their parameters, run them on
 * every plan, keep warnings for what matters, rank by time at stake. */
#include "finding.h"
#include "alloc.h"
#include "error.h"

#include <stdlib.h>
#include <strings.h>

/* A finding about less than this share of the execution time is not worth a
 * warning: it is kept as info, so healthy plans stay quiet. */
#define PL_NOISE_SHARE 0.01
/* Below this share it is not kept at all: a plan over 2,000 partitions would
 * otherwise list the same tiny finding 2,000 times. */
#define PL_DROP_SHARE 0.001

typedef struct pl_selection {
    unsigned char *enabled;     /* per rule */
    double *values;             /* all rules' parameters, rule after rule */
    size_t *offset;             /* per rule: index of its first parameter in values */
} pl_selection;

static int pl_matches(const planlint_rule *r, const char *word)
{
    return strcasecmp(word, r->id) == 0 || strcasecmp(word, r->name) == 0 ||
           strcasecmp(word, r->category) == 0;
}

static int pl_known_word(const char *word)
{
    size_t i;

    for (i = 0; i < pl_nrules; i++)
        if (pl_matches(pl_rules[i], word))
            return 1;
    return 0;
}

static int pl_select(pl_selection *s, const planlint_check_options *o, planlint_error *err)
{
    size_t i, k;

    for (k = 0; k < o->nenable; k++)
        if (!pl_known_word(o->enable[k]))
            return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unknown rule or category \"%s\"", o->enable[k]);
    for (k = 0; k < o->ndisable; k++)
        if (!pl_known_word(o->disable[k]))
            return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unknown rule or category \"%s\"", o->disable[k]);
    for (i = 0; i < pl_nrules; i++) {
        int on = o->nenable == 0;
        for (k = 0; k < o->nenable; k++)
            on |= pl_matches(pl_rules[i], o->enable[k]);
        for (k = 0; k < o->ndisable; k++)
            if (pl_matches(pl_rules[i], o->disable[k]))
                on = 0;
        s->enabled[i] = (unsigned char)on;
    }
    return 0;
}

/* "RULE.PARAM=VALUE" */
static int pl_apply_setting(pl_selection *s, const char *setting, planlint_error *err)
{
    const char *dot = strchr(setting, '.'), *eq = strchr(setting, '=');
    char rule[64];
    const planlint_rule *r;
    size_t i, ri;
    double v;

    if (!dot || !eq || eq < dot || (size_t)(dot - setting) >= sizeof(rule))
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "setting \"%s\" is not RULE.PARAM=VALUE", setting);
    memcpy(rule, setting, (size_t)(dot - setting));
    rule[dot - setting] = '\0';
    if (!(r = planlint_rule_find(rule)))
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unknown rule \"%s\" in \"%s\"", rule, setting);
    for (ri = 0; pl_rules[ri] != r; ri++)
        ;
    for (i = 0; i < r->nparams; i++)
        if (strlen(r->params[i].name) == (size_t)(eq - dot - 1) &&
            strncmp(r->params[i].name, dot + 1, (size_t)(eq - dot - 1)) == 0)
            break;
    if (i == r->nparams)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "rule %s has no parameter \"%.*s\"", r->name,
                        (int)(eq - dot - 1), dot + 1);
    if (pl_parse_double(eq + 1, strlen(eq + 1), &v) != 0 || v < 0)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "\"%s\": the value must be a number >= 0", setting);
    s->values[s->offset[ri] + i] = v;
    return 0;
}

static int pl_selection_init(pl_selection *s, const planlint_check_options *o, planlint_error *err)
{
    size_t i, k, total = 0;
    int rc;

    s->enabled = pl_malloc(pl_nrules);
    s->offset = pl_malloc(pl_nrules * sizeof(*s->offset));
    for (i = 0; i < pl_nrules; i++)
        total += pl_rules[i]->nparams;
    s->values = pl_malloc((total ? total : 1) * sizeof(double));
    if (!s->enabled || !s->offset || !s->values)
        return pl_error_nomem(err);
    for (i = 0, total = 0; i < pl_nrules; i++) {
        s->offset[i] = total;
        for (k = 0; k < pl_rules[i]->nparams; k++)
            s->values[total++] = pl_rules[i]->params[k].default_value;
    }
    if ((rc = pl_select(s, o, err)) < 0)
        return rc;
    for (k = 0; k < o->nsettings; k++)
        if ((rc = pl_apply_setting(s, o->settings[k], err)) < 0)
            return rc;
    return 0;
}

static void pl_selection_free(pl_selection *s)
{
    pl_free(s->enabled);
    pl_free(s->offset);
    pl_free(s->values);
}

/* ------------------------------------------------------------ running */

static int pl_rank_cmp(const void *a, const void *b)
{
    const planlint_finding *x = *(const planlint_finding *const *)a, *y = *(const planlint_finding *const *)b;
    double tx = isnan(x->time_at_stake) ? -1 : x->time_at_stake;
    double ty = isnan(y->time_at_stake) ? -1 : y->time_at_stake;
    size_t nx = x->node ? x->node->id : 0, ny = y->node ? y->node->id : 0;

    if (tx != ty)
        return tx > ty ? -1 : 1;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if (nx != ny)
        return nx < ny ? -1 : 1;
    return strcmp(x->rule->id, y->rule->id);
}

static int pl_keep(planlint_finding *f, planlint_severity min)
{
    if (!isnan(f->share_at_stake) && f->share_at_stake < PL_DROP_SHARE) {
        f->severity = (planlint_severity)0;   /* below every minimum: dropped */
        return 0;
    }
    if (f->severity > PLANLINT_SEVERITY_INFO && !isnan(f->share_at_stake) && f->share_at_stake < PL_NOISE_SHARE)
        f->severity = PLANLINT_SEVERITY_INFO;
    return f->severity >= min;
}

static int pl_check_plan_rules(planlint_plan *plan, const pl_selection *s, planlint_severity min,
                               planlint_error *err)
{
    planlint_finding *all = NULL, **tail = &all, *f;
    const planlint_finding **ranked;
    size_t i, n = 0;

    for (i = 0; i < pl_nrules; i++) {
        pl_check c;
        if (!s->enabled[i])
            continue;
        memset(&c, 0, sizeof(c));
        c.plan = plan;
        c.rule = pl_rules[i];
        c.params = s->values + s->offset[i];
        c.arena = plan->arena;
        pl_rules[i]->check(&c);
        if (c.failed)
            return pl_error_nomem(err);
        *tail = c.head;
        if (c.tail)
            tail = &c.tail->next;
    }
    for (f = all; f; f = f->next)
        n += pl_keep(f, min);
    ranked = n ? pl_arena_array(plan->arena, n, sizeof(*ranked)) : NULL;
    if (n && !ranked)
        return pl_error_nomem(err);
    for (f = all, i = 0; f; f = f->next)
        if (f->severity >= min)
            ranked[i++] = f;
    if (n > 1)
        qsort((void *)ranked, n, sizeof(*ranked), pl_rank_cmp);
    plan->findings = ranked;
    plan->nfindings = n;
    plan->checked = 1;
    return 0;
}

int planlint_check(planlint_plan *plan, const planlint_check_options *opts, planlint_error *err)
{
    planlint_check_options defaults = PLANLINT_CHECK_OPTIONS_INIT;
    pl_selection s;
    planlint_plan *p;
    int rc = 0;

    if (!plan)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "plan must not be NULL");
    if (!opts)
        opts = &defaults;
    if (opts->version != PLANLINT_CHECK_OPTIONS_VERSION)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unsupported options version %u", opts->version);
    memset(&s, 0, sizeof(s));
    rc = pl_selection_init(&s, opts, err);
    for (p = plan; rc == 0 && p; p = p->next)
        rc = pl_check_plan_rules(p, &s, opts->min_severity ? opts->min_severity : PLANLINT_SEVERITY_INFO, err);
    pl_selection_free(&s);
    return rc;
}
