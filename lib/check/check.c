/* check.c - planlint_check(): choose rules, resolve their parameters, run them on
 * every plan, keep warnings for what matters, fold findings about one problem, rank by
 * severity then time at stake, and count each stretch of time once. */
#include "finding.h"
#include "alloc.h"
#include "error.h"
#include "buf.h"

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

/* Most severe first, then most time at stake. */
static int pl_rank_cmp(const void *a, const void *b)
{
    const planlint_finding *x = *(const planlint_finding *const *)a, *y = *(const planlint_finding *const *)b;
    double tx = isnan(x->time_at_stake) ? -1 : x->time_at_stake;
    double ty = isnan(y->time_at_stake) ? -1 : y->time_at_stake;
    size_t nx = x->node ? x->node->id : 0, ny = y->node ? y->node->id : 0;

    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if (tx != ty)
        return tx > ty ? -1 : 1;
    if (nx != ny)
        return nx < ny ? -1 : 1;
    return strcmp(x->rule->id, y->rule->id);
}

/* The plan's query time, execution plus planning (ms); NaN without timing. */
static double pl_query_time(const planlint_plan *plan)
{
    double exec = plan->pm[PLANLINT_PLAN_EXECUTION_TIME], plan_ms = plan->pm[PLANLINT_PLAN_PLANNING_TIME];

    return isnan(exec) ? NAN : exec + (isnan(plan_ms) ? 0 : plan_ms);
}

static int pl_keep(const planlint_plan *plan, planlint_finding *f, planlint_severity min, double min_time_ms)
{
    double q = pl_query_time(plan);

    if (f->severity == 0 || (!isnan(f->share_at_stake) && f->share_at_stake < PL_DROP_SHARE)) {
        f->severity = (planlint_severity)0;   /* below every minimum (or folded): dropped */
        return 0;
    }
    if (f->severity > PLANLINT_SEVERITY_INFO && !isnan(f->share_at_stake) && f->share_at_stake < PL_NOISE_SHARE)
        f->severity = PLANLINT_SEVERITY_INFO;
    /* A query this fast is not worth a warning, whatever its shares. */
    if (f->severity > PLANLINT_SEVERITY_INFO && min_time_ms > 0 && !isnan(q) && q < min_time_ms)
        f->severity = PLANLINT_SEVERITY_INFO;
    return f->severity >= min;
}

/* ------------------------------------------------------------ one problem, one finding */

static int pl_rule_named(const planlint_finding *f, const char *a, const char *b)
{
    return strcmp(f->rule->name, a) == 0 || (b && strcmp(f->rule->name, b) == 0);
}

/* read-efficiency and cache-misses on a scan that seq-scan-filter or index-filter already
 * reports describe the same rows read to be thrown away: their numbers go into that
 * finding (evidence, and one sentence), and they are dropped. */
static int pl_fold_into(pl_arena *arena, planlint_finding *into, planlint_finding *f)
{
    size_t i;
    int rc = 0;
    pl_buf b;
    char *msg;

    for (i = 0; i < f->nev && into->nev < PL_MAX_EVIDENCE; i++, into->nev++) {
        into->ev_names[into->nev] = f->ev_names[i];
        into->ev_values[into->nev] = f->ev_values[i];
    }
    pl_buf_init(&b);
    pl_buf_printf(&b, "%s. Same cause (%s): %s", into->message, f->rule->name, f->message);
    if (!b.failed && b.data && (msg = pl_arena_strndup(arena, b.data, b.len)) != NULL)
        into->message = msg;
    else
        rc = -1;
    pl_buf_release(&b);
    f->severity = (planlint_severity)0;
    return rc;
}

/* 0, or -1 when out of memory. */
static int pl_fold(pl_arena *arena, planlint_finding *all)
{
    planlint_finding *f, *g;

    for (f = all; f; f = f->next) {
        if (!f->node || !pl_rule_named(f, "read-efficiency", "cache-misses"))
            continue;
        for (g = all; g; g = g->next)
            if (g->node == f->node && g->severity && pl_rule_named(g, "seq-scan-filter", "index-filter")) {
                if (pl_fold_into(arena, g, f) < 0)
                    return -1;
                break;
            }
    }
    return 0;
}

/* Whether a finding's time takes in the node's children (inclusive time: a SubPlan, a
 * misestimate priced by the operator above it) rather than the node's own time only. */
static int pl_covers_children(const planlint_finding *f)
{
    double excl = f->node ? f->node->m[PLANLINT_M_EXCLUSIVE_TIME] : NAN;
    double raw = f->time_at_stake + f->time_shared;

    return !isnan(excl) && raw > excl * 1.001 + 0.001;
}

static int pl_is_ancestor(const planlint_node *a, const planlint_node *n)
{
    const planlint_node *p;

    for (p = n ? n->parent : NULL; p; p = p->parent)
        if (p == a)
            return 1;
    return 0;
}

/* Two findings speak of the same time when they sit on the same node, or on a node and
 * an ancestor whose finding takes in its children's time. */
static int pl_overlap(const planlint_finding *f, const planlint_finding *g)
{
    if (!f->node || !g->node)
        return 0;
    if (f->node == g->node)
        return 1;
    if (pl_is_ancestor(g->node, f->node))
        return pl_covers_children(g);
    if (pl_is_ancestor(f->node, g->node))
        return pl_covers_children(f);
    return 0;
}

/* Time at stake is at most the time in the node: what ranks above has counted its part
 * already, so each finding keeps only what is left, and the shares never add past 100%. */
static void pl_count_once(const planlint_plan *plan, const planlint_finding **ranked, size_t n)
{
    double total = plan->pm[PLANLINT_PLAN_TOTAL_TIME], sum = 0;
    size_t i, j;

    for (i = 0; i < n; i++) {
        planlint_finding *f = (planlint_finding *)ranked[i];
        double before = 0, t = f->time_at_stake;

        if (isnan(t))
            continue;
        for (j = 0; j < i; j++)
            if (!isnan(ranked[j]->time_at_stake) && pl_overlap(f, ranked[j])) {
                before += ranked[j]->time_at_stake;
                if (!f->shared_with)
                    f->shared_with = ranked[j];
            }
        t = fmax(0, t - before);
        if (total > 0 && sum + t > total)
            t = fmax(0, total - sum);
        sum += t;
        f->time_shared = f->time_at_stake - t;
        if (f->time_shared <= 0)
            f->shared_with = NULL;
        f->time_at_stake = t;
        f->share_at_stake = total > 0 ? t / total : NAN;
    }
}

static int pl_check_plan_rules(planlint_plan *plan, const pl_selection *s, planlint_severity min,
                               double min_time_ms, planlint_error *err)
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
    if (pl_fold(plan->arena, all) < 0)
        return pl_error_nomem(err);
    for (f = all; f; f = f->next)
        n += pl_keep(plan, f, min, min_time_ms);
    ranked = n ? pl_arena_array(plan->arena, n, sizeof(*ranked)) : NULL;
    if (n && !ranked)
        return pl_error_nomem(err);
    for (f = all, i = 0; f; f = f->next)
        if (f->severity >= min)
            ranked[i++] = f;
    if (n > 1)
        qsort((void *)ranked, n, sizeof(*ranked), pl_rank_cmp);
    pl_count_once(plan, ranked, n);
    if (n > 1)
        qsort((void *)ranked, n, sizeof(*ranked), pl_rank_cmp);
    plan->findings = ranked;
    plan->nfindings = n;
    plan->nsuppressed = 0;
    plan->checked = 1;
    return 0;
}

int planlint_check(planlint_plan *plan, const planlint_check_options *opts, planlint_error *err)
{
    planlint_check_options defaults = PLANLINT_CHECK_OPTIONS_INIT;
    pl_selection s;
    planlint_plan *p;
    double min_time;
    int rc = 0;

    if (!plan)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "plan must not be NULL");
    if (!opts)
        opts = &defaults;
    if (opts->version < 1 || opts->version > PLANLINT_CHECK_OPTIONS_VERSION)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unsupported options version %u", opts->version);
    /* Version 1 has no min_time_ms: those callers keep every severity. */
    min_time = opts->version >= 2 ? opts->min_time_ms : 0;
    if (isnan(min_time) || min_time < 0)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "min_time_ms must be a number >= 0");
    memset(&s, 0, sizeof(s));
    rc = pl_selection_init(&s, opts, err);
    for (p = plan; rc == 0 && p; p = p->next)
        rc = pl_check_plan_rules(p, &s, opts->min_severity ? opts->min_severity : PLANLINT_SEVERITY_INFO, min_time,
                                 err);
    pl_selection_free(&s);
    return rc;
}
