/* baseline.c - fingerprints that stay the same across captures of one query, and the
 * baseline files that hold them, so that CI can fail on new findings only. */
#include "finding.h"
#include "alloc.h"
#include "buf.h"
#include "error.h"
#include "json_parse.h"
#include "render.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bumped only if the canonical string changes, which changes every fingerprint. */
#define PL_FINGERPRINT_SCHEME "planlint-fingerprint-1"
#define PL_BASELINE_VERSION 1

/* ------------------------------------------------------------ fingerprints */

static uint64_t pl_fnv1a(uint64_t h, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

/* One field of the canonical string and its separator (0x1f, which no name holds
 * unescaped); a missing field is empty. */
static uint64_t pl_fnv_field(uint64_t h, const char *s)
{
    if (s)
        h = pl_fnv1a(h, s, strlen(s));
    return pl_fnv1a(h, "\x1f", 1);
}

/* The node with its names, then the node types from its parent up to the root (the
 * walk up needs no stack, however deep the plan). Ids, times and counts stay out: they
 * change from one capture to the next. */
static uint64_t pl_fnv_node(uint64_t h, const planlint_node *n)
{
    static const planlint_node_field names[] = { PLANLINT_FIELD_NODE_TYPE, PLANLINT_FIELD_SCHEMA,
                                            PLANLINT_FIELD_RELATION, PLANLINT_FIELD_ALIAS,
                                            PLANLINT_FIELD_INDEX };
    const planlint_node *a;
    size_t i;

    if (!n)
        return pl_fnv_field(h, "plan");
    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        h = pl_fnv_field(h, n->fields[names[i]]);
    for (a = n->parent; a; a = a->parent) {
        h = pl_fnv1a(h, "\x1e", 1);
        h = pl_fnv_field(h, a->fields[PLANLINT_FIELD_NODE_TYPE]);
    }
    return h;
}

void pl_finding_fingerprint_set(pl_finding *f)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    int i;

    h = pl_fnv_field(h, PL_FINGERPRINT_SCHEME);
    h = pl_fnv_field(h, f->rule->id);
    h = pl_fnv_node(h, f->node);
    for (i = 15; i >= 0; i--, h >>= 4)
        f->fingerprint[i] = hex[h & 15];
    f->fingerprint[16] = '\0';
}

const char *planlint_finding_fingerprint(const planlint_finding *f)
{
    return f ? f->fingerprint : NULL;
}

/* ------------------------------------------------------------ the set */

typedef struct pl_bl_entry {
    const char *fingerprint, *rule, *label;
} pl_bl_entry;

struct planlint_baseline {
    pl_arena *arena;
    pl_bl_entry *entries;          /* sorted by fingerprint */
    size_t n, cap;
};

int planlint_baseline_new(planlint_baseline **out, planlint_error *err)
{
    planlint_baseline *bl;
    pl_arena *a;

    if (!out)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out must not be NULL");
    *out = NULL;
    if (!(a = pl_arena_new()) || !(bl = pl_arena_alloc(a, sizeof(*bl)))) {
        pl_arena_free(a);
        return pl_error_nomem(err);
    }
    memset(bl, 0, sizeof(*bl));
    bl->arena = a;
    *out = bl;
    return 0;
}

void planlint_baseline_free(planlint_baseline *bl)
{
    if (!bl)
        return;
    pl_free(bl->entries);
    pl_arena_free(bl->arena);
}

size_t planlint_baseline_count(const planlint_baseline *bl)
{
    return bl ? bl->n : 0;
}

/* The position of fp in the sorted entries, or where it would go; *found says which. */
static size_t pl_bl_find(const planlint_baseline *bl, const char *fp, int *found)
{
    size_t lo = 0, hi = bl->n;

    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(bl->entries[mid].fingerprint, fp);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

int planlint_baseline_contains(const planlint_baseline *bl, const char *fingerprint)
{
    int found = 0;

    if (bl && fingerprint)
        pl_bl_find(bl, fingerprint, &found);
    return found;
}

/* Copies the three strings into the arena; a fingerprint already there is kept once. */
static int pl_bl_insert(planlint_baseline *bl, const char *fp, const char *rule, const char *label)
{
    pl_bl_entry e;
    size_t at;
    int found;

    at = pl_bl_find(bl, fp, &found);
    if (found)
        return 0;
    if (bl->n == bl->cap) {
        size_t cap = bl->cap ? bl->cap * 2 : 32;
        pl_bl_entry *grown = cap < ((size_t)-1) / sizeof(*grown) ? pl_realloc(bl->entries, cap * sizeof(*grown)) : NULL;
        if (!grown)
            return PLANLINT_ENOMEM;
        bl->entries = grown;
        bl->cap = cap;
    }
    e.fingerprint = pl_arena_strndup(bl->arena, fp, strlen(fp));
    e.rule = pl_arena_strndup(bl->arena, rule, strlen(rule));
    e.label = pl_arena_strndup(bl->arena, label, strlen(label));
    if (!e.fingerprint || !e.rule || !e.label)
        return PLANLINT_ENOMEM;
    memmove(bl->entries + at + 1, bl->entries + at, (bl->n - at) * sizeof(*bl->entries));
    bl->entries[at] = e;
    bl->n++;
    return 0;
}

/* "PL001 seq-scan-filter: Seq Scan on public.orders o", for the people who read the
 * file: what the finding is about, without the id a new capture may change. */
static void pl_bl_label(pl_buf *b, const planlint_finding *f)
{
    const planlint_node *n = f->node;
    const char *rel, *schema, *alias, *index;

    pl_buf_printf(b, "%s %s: ", f->rule->id, f->rule->name);
    if (!n) {
        pl_buf_puts(b, "the plan");
        return;
    }
    rel = n->fields[PLANLINT_FIELD_RELATION];
    schema = n->fields[PLANLINT_FIELD_SCHEMA];
    alias = n->fields[PLANLINT_FIELD_ALIAS];
    index = n->fields[PLANLINT_FIELD_INDEX];
    pl_buf_puts(b, n->fields[PLANLINT_FIELD_NODE_TYPE]);
    if (index)
        pl_buf_printf(b, " using %s", index);
    if (rel)
        pl_buf_printf(b, " on %s%s%s", schema ? schema : "", schema ? "." : "", rel);
    if (rel && alias && strcmp(alias, rel) != 0)
        pl_buf_printf(b, " %s", alias);
    if (n->parent)
        pl_buf_printf(b, " (under %s)", n->parent->fields[PLANLINT_FIELD_NODE_TYPE]);
}

int planlint_baseline_add(planlint_baseline *bl, const planlint_plan *plan, planlint_error *err)
{
    const planlint_plan *p;
    size_t i;

    if (!bl)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "bl must not be NULL");
    for (p = plan; p; p = p->next)
        for (i = 0; i < p->nfindings; i++) {
            const planlint_finding *f = p->findings[i];
            pl_buf b;
            int rc;
            pl_buf_init(&b);
            pl_bl_label(&b, f);
            pl_buf_putc(&b, '\0');
            rc = b.failed ? PLANLINT_ENOMEM : pl_bl_insert(bl, f->fingerprint, f->rule->id, b.data);
            pl_buf_release(&b);
            if (rc < 0)
                return pl_error_nomem(err);
        }
    return 0;
}

/* ------------------------------------------------------------ the file */

static int pl_bl_error(planlint_error *err, const char *path, const char *msg)
{
    return pl_error(err, PLANLINT_ESCHEMA, 0, 0, path, "%s", msg);
}

static int pl_is_fingerprint(const char *s)
{
    size_t i;

    for (i = 0; i < 16; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return s[16] == '\0';
}

/* One member of "findings": an object with a fingerprint; rule and label are kept
 * when they are strings. Other keys are allowed, for notes people add. */
static int pl_bl_entry_read(planlint_baseline *bl, const planlint_value *v, size_t k, planlint_error *err)
{
    const char *fp, *rule, *label;
    char path[64];

    snprintf(path, sizeof(path), "/findings/%zu", k);
    if (v->type != PLANLINT_VALUE_OBJECT)
        return pl_bl_error(err, path, "expected an object with a \"fingerprint\"");
    fp = pl_value_str(v, "fingerprint");
    rule = pl_value_str(v, "rule");
    label = pl_value_str(v, "label");
    snprintf(path, sizeof(path), "/findings/%zu/fingerprint", k);
    if (!fp || !pl_is_fingerprint(fp))
        return pl_bl_error(err, path, "expected 16 lowercase hex digits");
    if (pl_bl_insert(bl, fp, rule ? rule : "", label ? label : "") < 0)
        return pl_error_nomem(err);
    return 0;
}

static int pl_bl_read(planlint_baseline *bl, const char *buf, size_t len, planlint_error *err)
{
    const planlint_value *version, *findings;
    planlint_value doc;
    size_t i;
    int rc;

    if ((rc = pl_json_parse_doc(bl->arena, 8, buf, len, &doc, err)) < 0)
        return rc;
    if (doc.type != PLANLINT_VALUE_OBJECT)
        return pl_bl_error(err, "", "expected a JSON object (a file --write-baseline wrote)");
    version = pl_value_get(&doc, "version");
    if (!version || version->type != PLANLINT_VALUE_NUMBER || version->number != PL_BASELINE_VERSION)
        return pl_bl_error(err, "/version", "expected 1 (a file --write-baseline wrote)");
    findings = pl_value_get(&doc, "findings");
    if (!findings || findings->type != PLANLINT_VALUE_ARRAY)
        return pl_bl_error(err, "/findings", "expected an array");
    for (i = 0; i < findings->size; i++)
        if ((rc = pl_bl_entry_read(bl, &findings->items[i], i, err)) < 0)
            return rc;
    return 0;
}

int planlint_baseline_parse(planlint_baseline **out, const char *buf, size_t len, planlint_error *err)
{
    int rc;

    if (!out || !buf)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out and buf must not be NULL");
    if ((rc = planlint_baseline_new(out, err)) < 0)
        return rc;
    if ((rc = pl_bl_read(*out, buf, len, err)) < 0) {
        planlint_baseline_free(*out);
        *out = NULL;
    }
    return rc;
}

/* Rule, then label, then fingerprint: a file that reads well and diffs well. */
static int pl_bl_cmp(const void *a, const void *b)
{
    const pl_bl_entry *x = *(const pl_bl_entry *const *)a, *y = *(const pl_bl_entry *const *)b;
    int c = strcmp(x->rule, y->rule);

    if (c == 0)
        c = strcmp(x->label, y->label);
    return c ? c : strcmp(x->fingerprint, y->fingerprint);
}

int planlint_baseline_render(char **out, size_t *out_len, const planlint_baseline *bl, planlint_error *err)
{
    const pl_bl_entry **order;
    pl_buf b;
    size_t i;

    if (!out || !bl)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out and bl must not be NULL");
    *out = NULL;
    if (!(order = pl_malloc((bl->n ? bl->n : 1) * sizeof(*order))))
        return pl_error_nomem(err);
    for (i = 0; i < bl->n; i++)
        order[i] = &bl->entries[i];
    qsort((void *)order, bl->n, sizeof(*order), pl_bl_cmp);
    pl_buf_init(&b);
    pl_buf_printf(&b, "{\n  \"version\": %d,\n  \"findings\": [", PL_BASELINE_VERSION);
    for (i = 0; i < bl->n; i++) {
        pl_buf_puts(&b, i ? ",\n    {\"fingerprint\": " : "\n    {\"fingerprint\": ");
        pl_json_put_string(&b, order[i]->fingerprint);
        pl_buf_puts(&b, ", \"rule\": ");
        pl_json_put_string(&b, order[i]->rule);
        pl_buf_puts(&b, ", \"label\": ");
        pl_json_put_string(&b, order[i]->label);
        pl_buf_putc(&b, '}');
    }
    pl_buf_puts(&b, bl->n ? "\n  ]\n}\n" : "]\n}\n");
    pl_free((void *)order);
    return pl_buf_hand_over(&b, out, out_len, err);
}

/* ------------------------------------------------------------ suppression */

size_t planlint_plan_apply_baseline(planlint_plan *plan, const planlint_baseline *bl)
{
    planlint_plan *p;
    size_t i, kept, dropped = 0;

    for (p = plan; bl && p; p = p->next) {
        for (i = kept = 0; i < p->nfindings; i++)
            if (planlint_baseline_contains(bl, p->findings[i]->fingerprint))
                p->nsuppressed++;
            else
                p->findings[kept++] = p->findings[i];
        dropped += p->nfindings - kept;
        p->nfindings = kept;
    }
    return dropped;
}

size_t planlint_plan_suppressed_count(const planlint_plan *plan)
{
    return plan ? plan->nsuppressed : 0;
}
