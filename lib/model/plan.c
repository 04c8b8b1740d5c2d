/* plan.c - typed access to plans and nodes: known keys mapped to fields and metrics. */
#include "model.h"
#include "reader.h"
#include "enrich.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum pl_slot_type { PL_SLOT_FIELD, PL_SLOT_METRIC, PL_SLOT_ADD } pl_slot_type;

typedef struct pl_key_slot {
    const char *key;
    pl_slot_type type;
    int index;
} pl_key_slot;

#include "keys.inc"

static const char *const pl_metric_names[PLANLINT_M_COUNT_] = {
#include "metric_names.inc"
};

#define PL_NSLOTS (sizeof(pl_key_slots) / sizeof(pl_key_slots[0]))

static int pl_slot_cmp(const void *key, const void *slot)
{
    return strcmp((const char *)key, ((const pl_key_slot *)slot)->key);
}

static const pl_key_slot *pl_slot_find(const char *key)
{
    return bsearch(key, pl_key_slots, PL_NSLOTS, sizeof(pl_key_slots[0]), pl_slot_cmp);
}

/* Used by the unit test that guards the table's order. */
int pl_key_table_sorted(void);
int pl_key_table_sorted(void)
{
    size_t i;

    for (i = 1; i < PL_NSLOTS; i++)
        if (strcmp(pl_key_slots[i - 1].key, pl_key_slots[i].key) >= 0)
            return 0;
    return 1;
}

static void pl_metrics_clear(double *m, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        m[i] = NAN;
}

/* What v should have been for slot ("expected a number"), or NULL when it fits. */
static const char *pl_slot_want(const pl_key_slot *slot, const planlint_value *v)
{
    if (v->type == PLANLINT_VALUE_NULL)
        return NULL;
    if (slot->type == PL_SLOT_FIELD)
        return v->type == PLANLINT_VALUE_STRING ? NULL : "expected a string";
    return isnan(planlint_value_number(v)) ? "expected a number" : NULL;
}

static void pl_slot_apply(planlint_node *node, const pl_key_slot *slot, const planlint_value *v)
{
    double d;

    switch (slot->type) {
    case PL_SLOT_FIELD:
        node->fields[slot->index] = planlint_value_string(v);
        break;
    case PL_SLOT_METRIC:
        node->m[slot->index] = planlint_value_number(v);
        break;
    case PL_SLOT_ADD:
        d = planlint_value_number(v);
        if (!isnan(d))
            node->m[slot->index] = (isnan(node->m[slot->index]) ? 0 : node->m[slot->index]) + d;
        break;
    }
}

size_t pl_node_fill(planlint_node *node, const char **want)
{
    const planlint_value *obj = node->obj;
    size_t i;

    pl_metrics_clear(node->m, PLANLINT_M_COUNT_);
    for (i = 0; i < obj->size; i++) {
        const pl_key_slot *slot = pl_slot_find(pl_value_keys(obj)[i]);

        if (slot && (*want = pl_slot_want(slot, &obj->items[i])) != NULL)
            return i;
        if (slot)
            pl_slot_apply(node, slot, &obj->items[i]);
        else if (strcmp(pl_value_keys(obj)[i], "Workers") == 0 && obj->items[i].type == PLANLINT_VALUE_ARRAY)
            node->workers = &obj->items[i];
    }
    return i;
}

void pl_node_refresh_fields(planlint_node *node)
{
    const planlint_value *obj = node->obj;
    size_t i;

    for (i = 0; i < obj->size; i++) {
        const pl_key_slot *slot = pl_slot_find(pl_value_keys(obj)[i]);

        if (slot && slot->type == PL_SLOT_FIELD && obj->items[i].type == PLANLINT_VALUE_STRING)
            node->fields[slot->index] = obj->items[i].string;
    }
}

double pl_object_metric(const planlint_value *obj, planlint_metric m)
{
    double sum = NAN;
    size_t i;

    for (i = 0; i < PL_NSLOTS; i++) {
        const pl_key_slot *s = &pl_key_slots[i];
        double d;

        if (s->type == PL_SLOT_FIELD || s->index != (int)m)
            continue;
        d = pl_value_num(obj, s->key);
        if (isnan(d))
            continue;
        if (s->type == PL_SLOT_METRIC)
            return d;
        sum = (isnan(sum) ? 0 : sum) + d;
    }
    return sum;
}

/* ------------------------------------------------------------ plan level */

static double pl_trigger_time(const planlint_value *triggers)
{
    double total = NAN;
    size_t i;

    for (i = 0; i < planlint_value_size(triggers); i++) {
        double t = pl_value_num(&triggers->items[i], "Time");
        if (!isnan(t))
            total = (isnan(total) ? 0 : total) + t;
    }
    return total;
}

static unsigned int pl_node_flags(const planlint_node *n)
{
    unsigned int f = 0;

    if (!isnan(n->m[PLANLINT_M_ACTUAL_LOOPS]) || !isnan(n->m[PLANLINT_M_ACTUAL_ROWS]))
        f |= PLANLINT_PLAN_HAS_ANALYZE;
    if (!isnan(n->m[PLANLINT_M_ACTUAL_TOTAL_TIME]))
        f |= PLANLINT_PLAN_HAS_TIMING;
    if (!isnan(n->m[PLANLINT_M_SHARED_HIT]) || !isnan(n->m[PLANLINT_M_TEMP_READ]))
        f |= PLANLINT_PLAN_HAS_BUFFERS;
    if (pl_value_get(n->obj, "Output"))
        f |= PLANLINT_PLAN_HAS_VERBOSE;
    if (!isnan(n->m[PLANLINT_M_TOTAL_COST]))
        f |= PLANLINT_PLAN_HAS_COSTS;
    if (!isnan(n->m[PLANLINT_M_IO_READ_TIME]) || !isnan(n->m[PLANLINT_M_TEMP_IO_READ_TIME]))
        f |= PLANLINT_PLAN_HAS_IO_TIMING;
    if (!isnan(n->m[PLANLINT_M_WAL_RECORDS]))
        f |= PLANLINT_PLAN_HAS_WAL;
    return f;
}

void pl_plan_fill(planlint_plan *plan)
{
    const planlint_value *o = plan->obj, *planning = pl_value_get(o, "Planning");
    const planlint_value *jit = pl_value_get(o, "JIT");
    size_t i;

    pl_metrics_clear(plan->pm, PLANLINT_PLAN_METRIC_COUNT_);
    plan->pm[PLANLINT_PLAN_PLANNING_TIME] = pl_value_num(o, "Planning Time");
    if (isnan(plan->pm[PLANLINT_PLAN_PLANNING_TIME]))  /* a PostgreSQL 13 beta put it inside */
        plan->pm[PLANLINT_PLAN_PLANNING_TIME] = pl_value_num(planning, "Planning Time");
    plan->pm[PLANLINT_PLAN_EXECUTION_TIME] = pl_value_num(o, "Execution Time");
    if (isnan(plan->pm[PLANLINT_PLAN_EXECUTION_TIME]))
        plan->pm[PLANLINT_PLAN_EXECUTION_TIME] = pl_value_num(o, "Total Runtime");
    plan->pm[PLANLINT_PLAN_TRIGGER_TIME] = pl_trigger_time(pl_value_get(o, "Triggers"));
    plan->pm[PLANLINT_PLAN_JIT_FUNCTIONS] = pl_value_num(jit, "Functions");
    plan->pm[PLANLINT_PLAN_JIT_TIME] = pl_value_num(pl_value_get(jit, "Timing"), "Total");
    plan->pm[PLANLINT_PLAN_SERIALIZATION_TIME] = pl_value_num(pl_value_get(o, "Serialization"), "Time");
    plan->pm[PLANLINT_PLAN_PLANNING_SHARED_HIT] = pl_value_num(planning, "Shared Hit Blocks");
    plan->pm[PLANLINT_PLAN_PLANNING_SHARED_READ] = pl_value_num(planning, "Shared Read Blocks");
    plan->flags = 0;
    for (i = 0; i < plan->nnodes; i++)
        plan->flags |= pl_node_flags(plan->nodes[i]);
    if (pl_value_get(o, "Settings"))
        plan->flags |= PLANLINT_PLAN_HAS_SETTINGS;
}

/* ------------------------------------------------------------ public accessors */

const planlint_plan *planlint_plan_next(const planlint_plan *plan)
{
    return plan ? plan->next : NULL;
}

size_t planlint_plan_index(const planlint_plan *plan)
{
    return plan ? plan->index : 0;
}

const planlint_node *planlint_plan_root(const planlint_plan *plan)
{
    return plan ? plan->root : NULL;
}

size_t planlint_plan_node_count(const planlint_plan *plan)
{
    return plan ? plan->nnodes : 0;
}

const planlint_node *planlint_plan_node(const planlint_plan *plan, size_t id)
{
    return plan && id < plan->nnodes ? plan->nodes[id] : NULL;
}

const planlint_value *planlint_plan_get(const planlint_plan *plan, const char *key)
{
    return plan ? pl_value_get(plan->obj, key) : NULL;
}

double planlint_plan_metric_get(const planlint_plan *plan, planlint_plan_metric m)
{
    if (!plan || (int)m < 0 || m >= PLANLINT_PLAN_METRIC_COUNT_)
        return NAN;
    return plan->pm[m];
}

unsigned int planlint_plan_flags(const planlint_plan *plan)
{
    return plan ? plan->flags : 0;
}

size_t planlint_node_id(const planlint_node *node)
{
    return node ? node->id : 0;
}

unsigned int planlint_node_depth(const planlint_node *node)
{
    return node ? node->depth : 0;
}

const planlint_node *planlint_node_parent(const planlint_node *node)
{
    return node ? node->parent : NULL;
}

size_t planlint_node_child_count(const planlint_node *node)
{
    return node ? node->nchildren : 0;
}

const planlint_node *planlint_node_child(const planlint_node *node, size_t i)
{
    return node && i < node->nchildren ? node->children[i] : NULL;
}

const planlint_value *planlint_node_get(const planlint_node *node, const char *key)
{
    return node ? pl_value_get(node->obj, key) : NULL;
}

size_t planlint_node_key_count(const planlint_node *node)
{
    return node ? node->obj->size : 0;
}

const char *planlint_node_key_at(const planlint_node *node, size_t i)
{
    return node ? planlint_value_key(node->obj, i) : NULL;
}

const planlint_value *planlint_node_value_at(const planlint_node *node, size_t i)
{
    return node ? planlint_value_at(node->obj, i) : NULL;
}

const char *planlint_node_field_get(const planlint_node *node, planlint_node_field f)
{
    if (!node || (int)f < 0 || f >= PLANLINT_FIELD_COUNT_)
        return NULL;
    return node->fields[f];
}

double planlint_node_metric(const planlint_node *node, planlint_metric m)
{
    if (!node || (int)m < 0 || m >= PLANLINT_M_COUNT_)
        return NAN;
    return node->m[m];
}

const char *planlint_metric_name(planlint_metric m)
{
    if ((int)m < 0 || m >= PLANLINT_M_COUNT_)
        return NULL;
    return pl_metric_names[m];
}

int planlint_node_never_executed(const planlint_node *node)
{
    return node ? node->never_executed : 0;
}

size_t planlint_node_worker_count(const planlint_node *node)
{
    return node ? planlint_value_size(node->workers) : 0;
}

double planlint_node_worker_metric(const planlint_node *node, size_t i, planlint_metric m)
{
    const planlint_value *w;

    if (!node || (int)m < 0 || m >= PLANLINT_M_INCLUSIVE_TIME)
        return NAN;
    w = planlint_value_at(node->workers, i);
    return w ? pl_object_metric(w, m) : NAN;
}

const char *pl_key_expected_type(const char *key, const planlint_value *v)
{
    const pl_key_slot *slot = pl_slot_find(key);

    return slot ? pl_slot_want(slot, v) : NULL;
}

/* What live mode's enrichment attached (enrich.h); the data is the model's, its reading
 * is lib/live/enrich.c's. */
const pl_cat_table *pl_catalog_table(const planlint_node *scan)
{
    return scan->catalog;
}

const char *pl_cat_last_analyze(const pl_cat_table *t)
{
    if (!t->last_analyze)
        return t->last_autoanalyze;
    if (!t->last_autoanalyze)
        return t->last_analyze;
    /* Same format and time zone from the same query: text order is time order. */
    return strcmp(t->last_analyze, t->last_autoanalyze) >= 0 ? t->last_analyze : t->last_autoanalyze;
}

const pl_cat_fk *pl_catalog_fk_in(const struct pl_catalog *cat, const char *constraint,
                                  const char *relation)
{
    size_t i;

    for (i = 0; cat && constraint && relation && i < cat->nfks; i++)
        if (strcmp(cat->fks[i].constraint, constraint) == 0 && strcmp(cat->fks[i].referenced, relation) == 0)
            return &cat->fks[i];
    return NULL;
}

const pl_cat_fk *pl_catalog_fk(const planlint_plan *plan, const char *constraint, const char *relation)
{
    return pl_catalog_fk_in(plan->catalog, constraint, relation);
}
