/* stats.c - sums per table, index and node type, as depesz's and pev2's stats tabs
 * show them. Keys are gathered, sorted and summed in runs: O(n log n) for any plan. */
#include "stats.h"
#include "alloc.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int pl_str_is(const char *s, const char *v)
{
    return s && strcmp(s, v) == 0;
}

/* "Hash Join" + Semi -> "Hash Semi Join"; "Nested Loop" + Left -> "Nested Loop Left Join". */
static void pl_join_name(pl_buf *b, const char *type, const char *join)
{
    size_t len = strlen(type);

    if (!join || strcmp(join, "Inner") == 0) {
        pl_buf_puts(b, type);
    } else if (len > 5 && strcmp(type + len - 5, " Join") == 0) {
        pl_buf_add(b, type, len - 5);
        pl_buf_printf(b, " %s Join", join);
    } else {
        pl_buf_printf(b, "%s %s Join", type, join);
    }
}

void pl_node_pg_name(pl_buf *b, const planlint_node *n)
{
    const char *type = n->fields[PLANLINT_FIELD_NODE_TYPE], *strat = n->fields[PLANLINT_FIELD_STRATEGY];
    const char *mode = pl_value_str(n->obj, "Partial Mode");

    if (!type)
        type = "?";
    if (planlint_value_bool(pl_value_get(n->obj, "Parallel Aware")) == 1)
        pl_buf_puts(b, "Parallel ");
    if (planlint_value_bool(pl_value_get(n->obj, "Async Capable")) == 1)
        pl_buf_puts(b, "Async ");
    if (mode && strcmp(mode, "Simple") != 0)
        pl_buf_printf(b, "%s ", mode);
    if (strcmp(type, "Aggregate") == 0 && strat && strcmp(strat, "Plain") != 0)
        pl_buf_puts(b, pl_str_is(strat, "Sorted") ? "GroupAggregate"
                       : pl_str_is(strat, "Hashed") ? "HashAggregate" : "MixedAggregate");
    else if (strcmp(type, "SetOp") == 0 && pl_str_is(strat, "Hashed"))
        pl_buf_puts(b, "HashSetOp");
    else
        pl_join_name(b, type, n->fields[PLANLINT_FIELD_JOIN_TYPE]);
}

typedef struct pl_stat_entry {
    size_t off;                    /* the key's offset in the keys buffer, while it grows */
    const char *key;
    const planlint_node *node;
} pl_stat_entry;

static int pl_entry_cmp(const void *a, const void *b)
{
    const pl_stat_entry *x = a, *y = b;
    int c = strcmp(x->key, y->key);

    if (c)
        return c;
    return x->node->id < y->node->id ? -1 : (x->node->id > y->node->id ? 1 : 0);
}

static int pl_row_cmp(const void *a, const void *b)
{
    const pl_stat_row *x = a, *y = b;
    double ex = isnan(x->excl) ? -1 : x->excl, ey = isnan(y->excl) ? -1 : y->excl;

    if (ex != ey)
        return ex > ey ? -1 : 1;
    if (x->nodes != y->nodes)
        return x->nodes > y->nodes ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Appends the node's key of this kind, NUL-terminated; 0 when it has none. */
static int pl_key(pl_buf *b, const planlint_node *n, pl_stat_kind kind)
{
    const char *rel = n->fields[PLANLINT_FIELD_RELATION], *schema = n->fields[PLANLINT_FIELD_SCHEMA];

    if (kind == PL_STAT_TABLE) {
        if (!rel)
            return 0;
        if (schema) {
            pl_buf_puts(b, schema);
            pl_buf_putc(b, '.');
        }
        pl_buf_puts(b, rel);
    } else if (kind == PL_STAT_INDEX) {
        if (!n->fields[PLANLINT_FIELD_INDEX])
            return 0;
        pl_buf_puts(b, n->fields[PLANLINT_FIELD_INDEX]);
    } else {
        pl_node_pg_name(b, n);
    }
    pl_buf_putc(b, '\0');
    return 1;
}

static double pl_add(double sum, double v)
{
    if (isnan(v))
        return sum;
    return isnan(sum) ? v : sum + v;
}

static void pl_row_add(pl_stat_row *r, const planlint_node *n)
{
    r->nodes++;
    r->excl = pl_add(r->excl, n->m[PLANLINT_M_EXCLUSIVE_TIME]);
    r->rows = pl_add(r->rows, n->m[PLANLINT_M_TOTAL_ROWS]);
    r->hit = pl_add(r->hit, n->m[PLANLINT_M_EXCL_SHARED_HIT]);
    r->read = pl_add(r->read, n->m[PLANLINT_M_EXCL_SHARED_READ]);
    r->temp = pl_add(r->temp, n->m[PLANLINT_M_EXCL_TEMP_READ]);
    r->temp = pl_add(r->temp, n->m[PLANLINT_M_EXCL_TEMP_WRITTEN]);
}

/* Sorted entries -> one row per run of equal keys. */
static int pl_stats_rows(pl_stats *s, pl_stat_kind kind, pl_stat_entry *e, size_t n)
{
    pl_stat_row *rows;
    size_t i, k = 0;

    if (n == 0)
        return 0;
    qsort(e, n, sizeof(*e), pl_entry_cmp);
    if (!(rows = pl_malloc(n * sizeof(*rows))))
        return -1;
    for (i = 0; i < n; i++) {
        if (i == 0 || strcmp(e[i].key, e[i - 1].key) != 0) {
            memset(&rows[k], 0, sizeof(rows[k]));
            rows[k].key = e[i].key;
            rows[k].excl = rows[k].rows = rows[k].hit = rows[k].read = rows[k].temp = NAN;
            k++;
        }
        pl_row_add(&rows[k - 1], e[i].node);
    }
    qsort(rows, k, sizeof(*rows), pl_row_cmp);
    s->rows[kind] = rows;
    s->n[kind] = k;
    return 0;
}

int pl_stats_compute(pl_stats *s, const planlint_plan *p)
{
    pl_stat_entry *e;
    size_t i, n[PL_STAT_KINDS_] = { 0 }, total = p->nnodes;
    int kind, rc = 0;

    memset(s, 0, sizeof(*s));
    pl_buf_init(&s->keys);
    if (total == 0)
        return 0;
    if (total > SIZE_MAX / PL_STAT_KINDS_ / sizeof(*e) || !(e = pl_malloc(PL_STAT_KINDS_ * total * sizeof(*e))))
        return -1;
    for (kind = 0; kind < PL_STAT_KINDS_; kind++)
        for (i = 0; i < total; i++) {
            pl_stat_entry *x = &e[kind * total + n[kind]];
            x->off = s->keys.len;
            if (pl_key(&s->keys, p->nodes[i], (pl_stat_kind)kind))
                x->node = p->nodes[i], n[kind]++;
        }
    rc = s->keys.failed ? -1 : 0;
    /* The buffer no longer grows: offsets become pointers. */
    for (kind = 0; kind < PL_STAT_KINDS_ && rc == 0; kind++) {
        for (i = 0; i < n[kind]; i++)
            e[kind * total + i].key = s->keys.data + e[kind * total + i].off;
        rc = pl_stats_rows(s, (pl_stat_kind)kind, e + kind * total, n[kind]);
    }
    pl_free(e);
    if (rc < 0)
        pl_stats_free(s);
    return rc;
}

void pl_stats_free(pl_stats *s)
{
    int kind;

    for (kind = 0; kind < PL_STAT_KINDS_; kind++) {
        pl_free(s->rows[kind]);
        s->rows[kind] = NULL;
        s->n[kind] = 0;
    }
    pl_buf_release(&s->keys);
}
