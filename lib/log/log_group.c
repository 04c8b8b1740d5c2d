/* log_group.c - entries grouped by query fingerprint: counts, durations with a p95
 * from a bounded sample, when they ran, the plan shapes seen and the findings of the
 * slowest plan. Memory grows with the number of distinct queries (capped), never with
 * the number of entries. */
#include "log.h"
#include "alloc.h"
#include "error.h"
#include "model.h"

#include <math.h>
#include <pg_query.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PL_DEFAULT_MAX_GROUPS 10000u
#define PL_DEFAULT_MAX_SAMPLES 512u
#define PL_MAX_SHAPES 16u
#define PL_MAX_FINDINGS 16u
#define PL_QUERY_KEEP 4096u
#define PL_FP_CACHE 4096u

typedef struct pl_shape_seen {
    uint64_t hash;
    char hex[17];
    char *outline;
    size_t count;
} pl_shape_seen;

struct planlint_log_group {
    uint64_t fp;
    char id[17];
    size_t count;
    double total, max, min, p95;
    double *samples;
    size_t nsamples, cap;
    uint64_t rng;
    double first, last;
    char *first_ts, *last_ts;
    char *slow[PLANLINT_LOG_FIELD_COUNT_];
    size_t slow_line;
    pl_shape_seen shapes[PL_MAX_SHAPES];
    size_t nshapes;
    planlint_log_finding findings[PL_MAX_FINDINGS];
    size_t nfindings;
};

typedef struct pl_fp_slot {
    uint64_t key, fp;
    int used;
} pl_fp_slot;

/* A plan text's key (its bytes with every digit alike) and the shape it had. */
typedef struct pl_shape_slot {
    uint64_t key, hash;
    char hex[17];
    char *outline;
} pl_shape_slot;

#define PL_SHAPE_CACHE 1024u

struct planlint_log_groups {
    planlint_group_options opts;
    planlint_log_group **table;     /* open addressing on the fingerprint */
    size_t tcap;
    planlint_log_group **ranked;
    size_t n, rcap;
    size_t overflow;
    int sorted;
    pl_fp_slot *cache;
    pl_shape_slot *shapes;
    unsigned char *scratch;         /* pl_plan_key()'s */
    size_t scratch_size;
};

/* ------------------------------------------------------------ the accumulator */

int planlint_log_groups_new(planlint_log_groups **out, const planlint_group_options *opts, planlint_error *err)
{
    planlint_log_groups *g;

    if (!out)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out must not be NULL");
    *out = NULL;
    if (opts && opts->version != PLANLINT_GROUP_OPTIONS_VERSION)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unsupported options version %u", opts->version);
    if (!(g = pl_malloc(sizeof(*g))))
        return pl_error_nomem(err);
    memset(g, 0, sizeof(*g));
    if (opts)
        g->opts = *opts;
    else
        g->opts.version = PLANLINT_GROUP_OPTIONS_VERSION;
    if (!g->opts.max_groups)
        g->opts.max_groups = PL_DEFAULT_MAX_GROUPS;
    if (!g->opts.max_samples)
        g->opts.max_samples = PL_DEFAULT_MAX_SAMPLES;
    g->tcap = 64;
    g->table = pl_malloc(g->tcap * sizeof(*g->table));
    g->cache = pl_malloc(PL_FP_CACHE * sizeof(*g->cache));
    g->shapes = pl_malloc(PL_SHAPE_CACHE * sizeof(*g->shapes));
    if (g->shapes)
        memset(g->shapes, 0, PL_SHAPE_CACHE * sizeof(*g->shapes));
    if (!g->table || !g->cache || !g->shapes) {
        planlint_log_groups_free(g);
        return pl_error_nomem(err);
    }
    memset(g->table, 0, g->tcap * sizeof(*g->table));
    memset(g->cache, 0, PL_FP_CACHE * sizeof(*g->cache));
    *out = g;
    return 0;
}

static void pl_clear_slowest(planlint_log_group *grp)
{
    size_t i;

    for (i = 0; i < PLANLINT_LOG_FIELD_COUNT_; i++) {
        pl_free(grp->slow[i]);
        grp->slow[i] = NULL;
    }
    for (i = 0; i < grp->nfindings; i++) {
        pl_free((char *)grp->findings[i].message);
        pl_free((char *)grp->findings[i].advice);
    }
    grp->nfindings = 0;
}

static void pl_group_free(planlint_log_group *grp)
{
    size_t i;

    if (!grp)
        return;
    pl_clear_slowest(grp);
    for (i = 0; i < grp->nshapes; i++)
        pl_free(grp->shapes[i].outline);
    pl_free(grp->samples);
    pl_free(grp->first_ts);
    pl_free(grp->last_ts);
    pl_free(grp);
}

void planlint_log_groups_free(planlint_log_groups *g)
{
    size_t i;

    if (!g)
        return;
    for (i = 0; i < g->n; i++)
        pl_group_free(g->ranked[i]);
    pl_free(g->ranked);
    pl_free(g->table);
    pl_free(g->cache);
    for (i = 0; g->shapes && i < PL_SHAPE_CACHE; i++)
        pl_free(g->shapes[i].outline);
    pl_free(g->shapes);
    pl_free(g->scratch);
    pl_free(g);
}

/* ------------------------------------------------------------ fingerprints */

/* A key equal for texts that differ only in blanks and constants (numbers, '...'
 * strings), which libpg_query's fingerprint ignores too: texts with the same key get
 * the same fingerprint without parsing them again. 0 when the text has what this
 * scan does not follow (backslashes, dollar quotes, comments). */
static uint64_t pl_literal_key(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int space = 0, ident = 0;

    for (; *s; s++) {
        char c = *s, out;
        if (c == '\\' || (c == '$' && !ident) || (c == '-' && s[1] == '-') || (c == '/' && s[1] == '*'))
            return 0;
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            space = 1;
            ident = 0;
            continue;
        }
        if (space)
            h = (h ^ ' ') * 0x100000001b3ULL;
        space = 0;
        if (c == '\'') {
            for (s++; *s && !(*s == '\'' && s[1] != '\''); s += (*s == '\'' ? 2 : 1))
                ;
            if (!*s)
                return 0;
            out = 'S';
            ident = 0;
        } else if (c == '"') {
            for (h = (h ^ '"') * 0x100000001b3ULL, s++; *s && *s != '"'; s++)
                h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
            if (!*s)
                return 0;
            out = '"';
            ident = 1;
        } else if (c >= '0' && c <= '9' && !ident) {
            while (s[1] >= '0' && s[1] <= '9')
                s++;
            out = 'N';
        } else {
            out = c;
            ident = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                    c == '$' || (unsigned char)c >= 0x80;
        }
        h = (h ^ (unsigned char)out) * 0x100000001b3ULL;
    }
    return h ? h : 1;
}

static void pl_entry_fingerprint(planlint_log_groups *g, planlint_log_entry *e)
{
    const char *q = e->fields[PLANLINT_LOG_QUERY];
    uint64_t key = q ? pl_literal_key(q) : 0;
    pl_fp_slot *slot = &g->cache[key % PL_FP_CACHE];

    if (e->fingerprint[0])
        return;
    if (key && slot->used && slot->key == key) {
        e->fp_value = slot->fp;
    } else {
        e->fp_value = pl_log_fingerprint(q);
        if (key) {
            slot->key = key;
            slot->fp = e->fp_value;
            slot->used = 1;
        }
    }
    snprintf(e->fingerprint, sizeof(e->fingerprint), "%016llx", (unsigned long long)e->fp_value);
}

/* ------------------------------------------------------------ finding a group */

static int pl_grow_table(planlint_log_groups *g)
{
    size_t cap = g->tcap * 2, i, j;
    planlint_log_group **t = pl_malloc(cap * sizeof(*t));

    if (!t)
        return -1;
    memset(t, 0, cap * sizeof(*t));
    for (i = 0; i < g->tcap; i++) {
        if (!g->table[i])
            continue;
        for (j = g->table[i]->fp & (cap - 1); t[j]; j = (j + 1) & (cap - 1))
            ;
        t[j] = g->table[i];
    }
    pl_free(g->table);
    g->table = t;
    g->tcap = cap;
    return 0;
}

static planlint_log_group *pl_new_group(planlint_log_groups *g, uint64_t fp, size_t slot)
{
    planlint_log_group *grp;

    if (g->n == g->rcap) {
        size_t cap = g->rcap ? g->rcap * 2 : 64;
        planlint_log_group **r = pl_realloc(g->ranked, cap * sizeof(*r));
        if (!r)
            return NULL;
        g->ranked = r;
        g->rcap = cap;
    }
    if (!(grp = pl_malloc(sizeof(*grp))))
        return NULL;
    memset(grp, 0, sizeof(*grp));
    grp->fp = fp;
    grp->rng = fp | 1;
    grp->first = grp->last = NAN;
    snprintf(grp->id, sizeof(grp->id), "%016llx", (unsigned long long)fp);
    g->ranked[g->n++] = grp;
    g->table[slot] = grp;
    return grp;
}

/* The group of fp; NULL with *full set when max_groups is reached, NULL alone on
 * out of memory. */
static planlint_log_group *pl_find(planlint_log_groups *g, uint64_t fp, int *full)
{
    size_t j;

    *full = 0;
    if ((g->n + 1) * 2 > g->tcap && pl_grow_table(g) < 0)
        return NULL;
    for (j = fp & (g->tcap - 1); g->table[j]; j = (j + 1) & (g->tcap - 1))
        if (g->table[j]->fp == fp)
            return g->table[j];
    if (g->n >= g->opts.max_groups) {
        *full = 1;
        return NULL;
    }
    return pl_new_group(g, fp, j);
}

/* ------------------------------------------------------------ counting */

static uint64_t pl_next_random(planlint_log_group *grp)
{
    uint64_t x = grp->rng;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return grp->rng = x;
}

/* Every duration while there is room, then reservoir sampling (Algorithm R): each
 * execution is in the sample with the same chance, and the seed is the fingerprint,
 * so the same log gives the same p95. */
static int pl_sample(planlint_log_groups *g, planlint_log_group *grp, double d)
{
    if (grp->nsamples < g->opts.max_samples) {
        if (grp->nsamples == grp->cap) {
            size_t cap = grp->cap ? grp->cap * 2 : 8;
            double *s;
            if (cap > g->opts.max_samples)
                cap = g->opts.max_samples;
            if (!(s = pl_realloc(grp->samples, cap * sizeof(*s))))
                return -1;
            grp->samples = s;
            grp->cap = cap;
        }
        grp->samples[grp->nsamples++] = d;
    } else {
        uint64_t k = pl_next_random(grp) % grp->count;
        if (k < grp->nsamples)
            grp->samples[k] = d;
    }
    return 0;
}

static int pl_set_str(char **dst, const char *s)
{
    char *c;

    if (!s)
        return 0;
    if (!(c = pl_strndup(s, strlen(s))))
        return -1;
    pl_free(*dst);
    *dst = c;
    return 0;
}

static int pl_seen(planlint_log_group *grp, const planlint_log_entry *e)
{
    const char *ts = e->fields[PLANLINT_LOG_TIMESTAMP];
    double t = e->time;

    if (grp->count == 1 || (!isnan(t) && (isnan(grp->first) || t < grp->first))) {
        grp->first = t;
        if (pl_set_str(&grp->first_ts, ts) < 0)
            return -1;
    }
    if (grp->count == 1 || isnan(t) || isnan(grp->last) || t >= grp->last) {
        grp->last = t;
        if (pl_set_str(&grp->last_ts, ts) < 0)
            return -1;
    }
    return 0;
}

static int pl_shape_add(planlint_log_group *grp, const planlint_log_entry *e, const char *outline)
{
    size_t i;

    for (i = 0; i < grp->nshapes; i++)
        if (grp->shapes[i].hash == e->shape_value)
            break;
    if (i == grp->nshapes && grp->nshapes < PL_MAX_SHAPES) {
        pl_shape_seen *s = &grp->shapes[grp->nshapes];
        if (!(s->outline = pl_strndup(outline, strlen(outline))))
            return -1;
        s->hash = e->shape_value;
        memcpy(s->hex, e->shape, sizeof(s->hex));
        grp->nshapes++;
    }
    grp->shapes[i < grp->nshapes ? i : grp->nshapes - 1].count++;
    /* most frequent first: one step of insertion is enough per count */
    for (; i > 0 && i < grp->nshapes && grp->shapes[i].count > grp->shapes[i - 1].count; i--) {
        pl_shape_seen t = grp->shapes[i];
        grp->shapes[i] = grp->shapes[i - 1];
        grp->shapes[i - 1] = t;
    }
    return 0;
}

/* The slowest entry so far: its metadata, its query (cut), its findings. */
static int pl_keep_slowest(planlint_log_groups *g, planlint_log_group *grp, planlint_log_entry *e,
                           planlint_error *err)
{
    planlint_plan *plan;
    static const planlint_log_field keep[] = { PLANLINT_LOG_TIMESTAMP, PLANLINT_LOG_USER, PLANLINT_LOG_DATABASE,
                                               PLANLINT_LOG_APPLICATION, PLANLINT_LOG_FILE, PLANLINT_LOG_PLAN_FORMAT };
    const char *q = e->fields[PLANLINT_LOG_QUERY];
    size_t i, n;
    int rc;

    if ((rc = planlint_log_entry_plan(e, &plan, g->opts.parse, err)) < 0)
        return rc;
    if (!plan->checked && (rc = planlint_check(plan, g->opts.check, err)) < 0)
        return rc;
    pl_clear_slowest(grp);
    for (i = 0; i < sizeof(keep) / sizeof(keep[0]); i++)
        if (pl_set_str(&grp->slow[keep[i]], e->fields[keep[i]]) < 0)
            return pl_error_nomem(err);
    if (q) {
        n = strlen(q);
        if (n > PL_QUERY_KEEP) {
            n = PL_QUERY_KEEP - 3;
            while (n > 0 && ((unsigned char)q[n] & 0xC0) == 0x80)
                n--;
        }
        if (!(grp->slow[PLANLINT_LOG_QUERY] = pl_malloc(n + 4)))
            return pl_error_nomem(err);
        memcpy(grp->slow[PLANLINT_LOG_QUERY], q, n);
        memcpy(grp->slow[PLANLINT_LOG_QUERY] + n, strlen(q) > n ? "..." : "", strlen(q) > n ? 4 : 1);
    }
    grp->slow_line = e->line;
    for (i = 0; i < planlint_plan_finding_count(plan) && i < PL_MAX_FINDINGS; i++) {
        const planlint_finding *f = planlint_plan_finding(plan, i);
        planlint_log_finding *lf = &grp->findings[i];
        const char *msg = planlint_finding_message(f), *adv = planlint_finding_advice(f);
        lf->rule_id = planlint_rule_id(planlint_finding_rule(f));
        lf->rule_name = planlint_rule_name(planlint_finding_rule(f));
        lf->severity = planlint_finding_severity(f);
        lf->time_at_stake = planlint_finding_time_at_stake(f);
        lf->share_at_stake = planlint_finding_share_at_stake(f);
        lf->message = pl_strndup(msg, strlen(msg));
        lf->advice = pl_strndup(adv, strlen(adv));
        grp->nfindings++;
        if (!lf->message || !lf->advice)
            return pl_error_nomem(err);
    }
    return 0;
}

static int pl_count(planlint_log_groups *g, planlint_log_group *grp, planlint_log_entry *e, const char *outline,
                    planlint_error *err)
{
    double d = e->duration;
    int slowest = grp->count == 0 || d > grp->max;

    grp->count++;
    grp->total += d;
    if (grp->count == 1 || d < grp->min)
        grp->min = d;
    if (slowest)
        grp->max = d;
    if (pl_sample(g, grp, d) < 0 || pl_seen(grp, e) < 0 || pl_shape_add(grp, e, outline) < 0)
        return pl_error_nomem(err);
    g->sorted = 0;
    return slowest ? pl_keep_slowest(g, grp, e, err) : 0;
}

/* A key equal for plan texts that differ only in their numbers (times, row counts,
 * costs, constants): such plans have the same shape. Each run of digits is written as
 * one '0' into scratch space (without branches), which is then mixed in eight bytes
 * at a time. */
static uint64_t pl_mix(uint64_t h, uint64_t w)
{
    h = (h ^ w) * 0x9E3779B97F4A7C15ULL;
    return h ^ (h >> 29);
}

static int pl_plan_key(planlint_log_groups *g, const char *s, uint64_t *key)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t n = strlen(s), i, j = 0;
    uint64_t h = 0x243F6A8885A308D3ULL, w;
    unsigned char *out;
    int prev = 0;

    if (n + 8 > g->scratch_size) {
        unsigned char *b = pl_realloc(g->scratch, n + 8);
        if (!b)
            return -1;
        g->scratch = b;
        g->scratch_size = n + 8;
    }
    out = g->scratch;
    for (i = 0; i < n;) {
        if (i + 8 <= n) {   /* a word without digits is copied whole */
            uint64_t x;
            memcpy(&w, u + i, 8);
            x = w ^ 0x3030303030303030ULL;
            if (!((x - 0x0A0A0A0A0A0A0A0AULL) & ~x & 0x8080808080808080ULL)) {
                memcpy(out + j, &w, 8);
                j += 8;
                i += 8;
                prev = 0;
                continue;
            }
        }
        do {
            int digit = (unsigned)(u[i] - '0') < 10u;
            out[j] = digit ? '0' : u[i];
            j += !(digit & prev);
            prev = digit;
        } while (++i & 7 && i < n);
    }
    memset(out + j, 0, 8);
    for (i = 0; i < j; i += 8) {
        memcpy(&w, out + i, 8);
        h = pl_mix(h, w);
    }
    *key = pl_mix(h, j) | 1;
    return 0;
}

/* The entry's shape: from the cache when a plan with the same text but for its digits
 * was read before (no parsing then), else from its parsed plan. *outline is borrowed
 * from the cache or the entry. */
static int pl_entry_shape(planlint_log_groups *g, planlint_log_entry *e, const char **outline, planlint_error *err)
{
    const char *text = e->fields[PLANLINT_LOG_PLAN_TEXT];
    pl_shape_slot *slot;
    planlint_plan *plan;
    uint64_t key;
    char *copy;
    int rc;

    if (pl_plan_key(g, text ? text + e->plan_offset : "", &key) < 0)
        return pl_error_nomem(err);
    slot = &g->shapes[key % PL_SHAPE_CACHE];
    if (slot->key == key && slot->outline) {
        e->shape_value = slot->hash;
        memcpy(e->shape, slot->hex, sizeof(e->shape));
        *outline = slot->outline;
        return 0;
    }
    if ((rc = planlint_log_entry_plan(e, &plan, g->opts.parse, err)) < 0)
        return rc;
    if (!planlint_log_entry_shape(e))
        return pl_error_nomem(err);
    *outline = e->outline;
    if (!(copy = pl_strndup(e->outline, strlen(e->outline))))
        return pl_error_nomem(err);
    pl_free(slot->outline);
    slot->outline = copy;
    slot->key = key;
    slot->hash = e->shape_value;
    memcpy(slot->hex, e->shape, sizeof(slot->hex));
    return 0;
}

int planlint_log_groups_add(planlint_log_groups *g, planlint_log_entry *e, const planlint_log_group **group,
                            planlint_error *err)
{
    planlint_log_group *grp;
    const char *outline = NULL;
    int rc, full;

    if (group)
        *group = NULL;
    if (!g || !e)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "groups and entry must not be NULL");
    if ((rc = pl_entry_shape(g, e, &outline, err)) < 0)
        return rc;
    pl_entry_fingerprint(g, e);
    if (!(grp = pl_find(g, e->fp_value, &full))) {
        if (!full)
            return pl_error_nomem(err);
        g->overflow++;
        return 0;
    }
    if ((rc = pl_count(g, grp, e, outline, err)) < 0)
        return rc;
    if (group)
        *group = grp;
    return 0;
}

/* ------------------------------------------------------------ ranking and reading */

static int pl_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

static int pl_cmp_total(const void *a, const void *b)
{
    const planlint_log_group *x = *(planlint_log_group *const *)a, *y = *(planlint_log_group *const *)b;

    if (x->total != y->total)
        return x->total > y->total ? -1 : 1;
    return strcmp(x->id, y->id);
}

/* The sample is sorted in place: reservoir replacement picks slots at random, so
 * their order does not matter. p95 is the nearest rank, ceil(0.95 n). */
static void pl_rank(planlint_log_groups *g)
{
    size_t i;

    if (g->sorted)
        return;
    for (i = 0; i < g->n; i++) {
        planlint_log_group *grp = g->ranked[i];
        size_t k = (size_t)ceil(0.95 * (double)grp->nsamples);
        qsort(grp->samples, grp->nsamples, sizeof(double), pl_cmp_double);
        grp->p95 = grp->nsamples ? grp->samples[k ? k - 1 : 0] : NAN;
    }
    qsort(g->ranked, g->n, sizeof(*g->ranked), pl_cmp_total);
    g->sorted = 1;
}

size_t planlint_log_groups_count(planlint_log_groups *g)
{
    return g ? g->n : 0;
}

const planlint_log_group *planlint_log_groups_at(planlint_log_groups *g, size_t i)
{
    if (!g || i >= g->n)
        return NULL;
    pl_rank(g);
    return g->ranked[i];
}

size_t planlint_log_groups_overflow(const planlint_log_groups *g)
{
    return g ? g->overflow : 0;
}

const char *planlint_log_group_id(const planlint_log_group *grp)
{
    return grp ? grp->id : NULL;
}

size_t planlint_log_group_count(const planlint_log_group *grp)
{
    return grp ? grp->count : 0;
}

double planlint_log_group_metric(const planlint_log_group *grp, planlint_group_metric m)
{
    if (!grp || grp->count == 0)
        return NAN;
    switch (m) {
    case PLANLINT_GROUP_TOTAL: return grp->total;
    case PLANLINT_GROUP_MEAN: return grp->total / (double)grp->count;
    case PLANLINT_GROUP_P95: return grp->p95;
    case PLANLINT_GROUP_MAX: return grp->max;
    case PLANLINT_GROUP_MIN: return grp->min;
    case PLANLINT_GROUP_FIRST_SEEN: return grp->first;
    case PLANLINT_GROUP_LAST_SEEN: return grp->last;
    }
    return NAN;
}

int planlint_log_group_p95_sampled(const planlint_log_group *grp)
{
    return grp && grp->count > grp->nsamples;
}

const char *planlint_log_group_slowest(const planlint_log_group *grp, planlint_log_field f)
{
    if (!grp || (int)f < 0 || f >= PLANLINT_LOG_FIELD_COUNT_)
        return NULL;
    return grp->slow[f];
}

size_t planlint_log_group_slowest_line(const planlint_log_group *grp)
{
    return grp ? grp->slow_line : 0;
}

const char *planlint_log_group_seen(const planlint_log_group *grp, int last)
{
    return grp ? (last ? grp->last_ts : grp->first_ts) : NULL;
}

size_t planlint_log_group_shape_count(const planlint_log_group *grp)
{
    return grp ? grp->nshapes : 0;
}

const char *planlint_log_group_shape(const planlint_log_group *grp, size_t i, const char **outline, size_t *count)
{
    if (!grp || i >= grp->nshapes)
        return NULL;
    if (outline)
        *outline = grp->shapes[i].outline;
    if (count)
        *count = grp->shapes[i].count;
    return grp->shapes[i].hex;
}

size_t planlint_log_group_finding_count(const planlint_log_group *grp)
{
    return grp ? grp->nfindings : 0;
}

const planlint_log_finding *planlint_log_group_finding(const planlint_log_group *grp, size_t i)
{
    return grp && i < grp->nfindings ? &grp->findings[i] : NULL;
}
