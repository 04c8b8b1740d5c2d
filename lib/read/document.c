/* document.c - what counts as a plan in a JSON document, and building its node tree. */
#include "reader.h"
#include "error.h"
#include "alloc.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A JSON-pointer-like location, grown and shrunk as the walk descends. */
typedef struct pl_path {
    char buf[PLANLINT_ERROR_PATH_LENGTH];
    size_t len;
} pl_path;

static size_t pl_path_push(pl_path *p, const char *seg)
{
    size_t saved = p->len, n = strlen(seg);

    if (p->len + n + 2 < sizeof(p->buf)) {
        p->buf[p->len++] = '/';
        memcpy(p->buf + p->len, seg, n);
        p->len += n;
    }
    p->buf[p->len] = '\0';
    return saved;
}

static size_t pl_path_push_index(pl_path *p, size_t i)
{
    char seg[24];
    snprintf(seg, sizeof(seg), "%zu", i);
    return pl_path_push(p, seg);
}

static void pl_path_pop(pl_path *p, size_t saved)
{
    p->len = saved;
    p->buf[saved] = '\0';
}

typedef struct pl_builder {
    pl_arena *arena;
    planlint_error *err;
    pl_path path;
    unsigned int max_depth;
    size_t max_nodes;
    size_t nodes_before;   /* nodes of earlier plans of the same input */
    planlint_plan *plan;
    planlint_node **nodes; /* the plan's nodes in preorder while it is built (pl_malloc) */
    size_t nnodes, cap;
} pl_builder;

static int pl_schema_error(pl_builder *b, const char *msg)
{
    return pl_error(b->err, PLANLINT_ESCHEMA, 0, 0, b->path.buf[0] ? b->path.buf : "/", "%s", msg);
}

static int pl_key_error(pl_builder *b, const char *key, const char *want)
{
    size_t saved = pl_path_push(&b->path, key);
    int rc = pl_schema_error(b, want);

    pl_path_pop(&b->path, saved);
    return rc;
}

static int pl_push_node(pl_builder *b, planlint_node *n)
{
    if (b->nnodes == b->cap) {
        size_t ncap = b->cap ? b->cap * 2 : 64;
        planlint_node **nv;
        if (ncap > SIZE_MAX / sizeof(*nv) || !(nv = pl_realloc(b->nodes, ncap * sizeof(*nv))))
            return -1;
        b->nodes = nv;
        b->cap = ncap;
    }
    n->id = b->nnodes;
    b->nodes[b->nnodes++] = n;
    return 0;
}

/* One walk in preorder: checks obj's shape and limits, in the order a reader meets
 * them (object, depth, "Node Type", key types, node count), and creates its node and
 * those below it. */
static int pl_build_node(pl_builder *b, const planlint_value *obj, planlint_node *parent,
                         planlint_node **out)
{
    const planlint_value *plans, *type;
    unsigned int depth = parent ? parent->depth + 1 : 0;
    planlint_node *n;
    const char *want;
    size_t i, bad, saved;
    int rc;

    if (obj->type != PLANLINT_VALUE_OBJECT)
        return pl_schema_error(b, "expected a plan node object");
    if (depth >= b->max_depth)
        return pl_error(b->err, PLANLINT_ELIMIT, 0, 0, b->path.buf,
                        "plan nested deeper than %u levels", b->max_depth);
    type = pl_value_get(obj, "Node Type");
    if (!type || type->type != PLANLINT_VALUE_STRING)
        return pl_schema_error(b, "expected a \"Node Type\" string in a plan node");
    if (!(n = pl_arena_alloc(b->arena, sizeof(*n))))
        return pl_error_nomem(b->err);
    n->obj = obj;
    if ((bad = pl_node_fill(n, &want)) < obj->size)
        return pl_key_error(b, pl_value_keys(obj)[bad], want);
    if (b->nnodes + 1 + b->nodes_before > b->max_nodes)
        return pl_error(b->err, PLANLINT_ELIMIT, 0, 0, b->path.buf,
                        "more than %zu plan nodes", b->max_nodes);
    if (pl_push_node(b, n) < 0)
        return pl_error_nomem(b->err);
    n->plan = b->plan;
    n->parent = parent;
    n->depth = depth;
    *out = n;
    plans = pl_value_get(obj, "Plans");
    if (!plans)
        return 0;
    saved = pl_path_push(&b->path, "Plans");
    if (plans->type != PLANLINT_VALUE_ARRAY)
        return pl_schema_error(b, "expected an array of plan nodes");
    n->nchildren = plans->size;
    if (n->nchildren && !(n->children = pl_arena_array(b->arena, n->nchildren, sizeof(*n->children))))
        return pl_error_nomem(b->err);
    for (i = 0; i < n->nchildren; i++) {
        size_t s2 = pl_path_push_index(&b->path, i);
        if ((rc = pl_build_node(b, &plans->items[i], n, &n->children[i])) < 0)
            return rc;
        pl_path_pop(&b->path, s2);
    }
    pl_path_pop(&b->path, saved);
    return 0;
}

static int pl_add_plan(pl_builder *b, pl_plan_list *list, const planlint_value *plan_obj,
                       const planlint_value *root_obj)
{
    planlint_plan *plan = pl_arena_alloc(b->arena, sizeof(*plan));
    int rc;

    if (!plan)
        return pl_error_nomem(b->err);
    plan->obj = plan_obj;
    b->plan = plan;
    b->nnodes = 0;
    if ((rc = pl_build_node(b, root_obj, NULL, &plan->root)) < 0)
        return rc;
    plan->nodes = pl_arena_array(b->arena, b->nnodes, sizeof(*plan->nodes));
    if (!plan->nodes)
        return pl_error_nomem(b->err);
    memcpy(plan->nodes, b->nodes, b->nnodes * sizeof(*plan->nodes));
    plan->nnodes = b->nnodes;
    pl_plan_fill(plan);
    plan->index = list->count;
    if (list->tail)
        list->tail->next = plan;
    else
        list->head = plan;
    list->tail = plan;
    list->count++;
    list->nodes += plan->nnodes;
    b->nodes_before += plan->nnodes;
    return 0;
}

/* An element of the top-level array, or the document itself. */
static int pl_read_plan_object(pl_builder *b, pl_plan_list *list, const planlint_value *v, int nested)
{
    const planlint_value *root;
    size_t i, saved;
    int rc;

    if (v->type == PLANLINT_VALUE_ARRAY && !nested) {
        if (v->size == 0)
            return pl_schema_error(b, "expected an EXPLAIN plan, found an empty array");
        for (i = 0; i < v->size; i++) {
            saved = pl_path_push_index(&b->path, i);
            if ((rc = pl_read_plan_object(b, list, &v->items[i], 1)) < 0)
                return rc;
            pl_path_pop(&b->path, saved);
        }
        return 0;
    }
    if (v->type != PLANLINT_VALUE_OBJECT)
        return pl_schema_error(b, "expected an EXPLAIN plan: an object with a \"Plan\" key");
    root = pl_value_get(v, "Plan");
    if (root) {
        saved = pl_path_push(&b->path, "Plan");
        rc = pl_add_plan(b, list, v, root);
        pl_path_pop(&b->path, saved);
        return rc;
    }
    if (pl_value_get(v, "Node Type"))  /* just the "Plan" object, pasted alone */
        return pl_add_plan(b, list, v, v);
    return pl_schema_error(b, "expected an EXPLAIN plan: an object with a \"Plan\" key");
}

/* Several EXPLAIN outputs concatenated into one array of arrays, or one. */
static int pl_read_document(pl_builder *b, pl_plan_list *list, const planlint_value *doc)
{
    size_t i;

    if (doc->type != PLANLINT_VALUE_ARRAY)
        return pl_read_plan_object(b, list, doc, 0);
    for (i = 0; i < doc->size && doc->items[i].type == PLANLINT_VALUE_ARRAY; i++)
        ;
    if (doc->size == 0 || i < doc->size)
        return pl_read_plan_object(b, list, doc, 0);
    for (i = 0; i < doc->size; i++) {
        size_t saved = pl_path_push_index(&b->path, i);
        int rc = pl_read_plan_object(b, list, &doc->items[i], 0);
        if (rc < 0)
            return rc;
        pl_path_pop(&b->path, saved);
    }
    return 0;
}

int pl_plans_from_document(pl_plan_list *list, pl_arena *arena, const planlint_value *doc,
                           const planlint_parse_options *opts, planlint_error *err)
{
    pl_builder b;
    int rc;

    memset(&b, 0, sizeof(b));
    b.arena = arena;
    b.err = err;
    b.max_depth = opts->max_depth;
    b.max_nodes = opts->max_nodes;
    b.nodes_before = list->nodes;
    rc = pl_read_document(&b, list, doc);
    pl_free(b.nodes);
    return rc;
}
