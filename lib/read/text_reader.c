/* text_reader.c - text-format plans (EXPLAIN as psql prints it, PostgreSQL 9.6-18)
 * into the same value tree the JSON reader builds, so that everything after reading
 * is shared: document.c turns the tree into plans. Nesting comes from indentation:
 * a node owns the lines indented deeper than its name. */
#include "text.h"
#include "reader.h"
#include "error.h"
#include "buf.h"

#include <math.h>
#include <string.h>

#define PL_TEXT_DEPTH_CAP 10000u

typedef struct pl_tnode {
    planlint_value obj;
    planlint_value workers;            /* complete worker objects */
    struct pl_tnode *parent, *first, *last, *next;
    const char *rel;                   /* "InitPlan" or "SubPlan" from a header */
    int col;                           /* display column of the node's name */
    unsigned int depth;
    int fitted;                        /* obj was trimmed to its size (pl_close_node) */
} pl_tnode;

typedef struct pl_tread {
    pl_arena *arena;
    pl_arena *scratch;                 /* the pl_tnodes: gone when the text is read */
    pl_tgrammar *g;
    planlint_error *err;
    unsigned int max_depth;
    size_t max_nodes, nodes;
    planlint_value doc;                /* the array of plan objects */
    /* the plan being read */
    pl_tnode *root, *cur;
    planlint_value plan, sect[PL_SECT_COUNT_];
    int section, after_tree;
    /* a "SubPlan 1" header waiting for its node */
    const char *hdr;
    int hdr_col;
    pl_tnode *hdr_owner;
    /* the "Worker N:" block being read */
    planlint_value worker;
    pl_tnode *worker_node;
    int worker_col;
    /* doubts about the plan being read, and then one byte of PL_DOUBT_* per plan */
    int unsure, hdr_pending, from_log;
    pl_buf doubts;
} pl_tread;

enum { PL_DOUBT_WRAP = 1, PL_DOUBT_INCOMPLETE = 2 };

static int pl_nomem(pl_tread *r)
{
    return pl_error_nomem(r->err);
}

/* ------------------------------------------------------------ nodes */

static int pl_set_numbers(pl_tread *r, planlint_value *obj, const pl_ttail *t)
{
    pl_arena *a = r->arena;

    if (t->has_cost && (pl_tv_set_num(a, obj, "Startup Cost", t->cost[0]) < 0 ||
                        pl_tv_set_num(a, obj, "Total Cost", t->cost[1]) < 0 ||
                        pl_tv_set_num(a, obj, "Plan Rows", t->rows) < 0 ||
                        pl_tv_set_num(a, obj, "Plan Width", t->width) < 0))
        return -1;
    if (t->has_time && (pl_tv_set_num(a, obj, "Actual Startup Time", t->time[0]) < 0 ||
                        pl_tv_set_num(a, obj, "Actual Total Time", t->time[1]) < 0))
        return -1;
    if (t->has_actual && (pl_tv_set_num(a, obj, "Actual Rows", t->arows) < 0 ||
                          pl_tv_set_num(a, obj, "Actual Loops", t->loops) < 0))
        return -1;
    if (t->never && (pl_tv_set_num(a, obj, "Actual Startup Time", 0) < 0 ||
                     pl_tv_set_num(a, obj, "Actual Total Time", 0) < 0 ||
                     pl_tv_set_num(a, obj, "Actual Rows", 0) < 0 ||
                     pl_tv_set_num(a, obj, "Actual Loops", 0) < 0))
        return -1;
    return 0;
}

/* A node from its line; NULL with r->err set on failure. */
static pl_tnode *pl_new_node(pl_tread *r, const pl_tline *l, const pl_ttail *t, pl_tnode *parent)
{
    pl_tnode *n;

    if (++r->nodes > r->max_nodes) {
        pl_error(r->err, PLANLINT_ELIMIT, l->lineno, l->colno, NULL, "more than %zu plan nodes",
                 r->max_nodes);
        return NULL;
    }
    if (parent && parent->depth + 1 >= r->max_depth) {
        pl_error(r->err, PLANLINT_ELIMIT, l->lineno, l->colno, NULL,
                 "plan nested deeper than %u levels", r->max_depth);
        return NULL;
    }
    if (!(n = pl_arena_alloc(r->scratch, sizeof(*n))) ||
        pl_text_node_name(r->arena, &n->obj, l->s, t->name_len) < 0 || pl_set_numbers(r, &n->obj, t) < 0) {
        pl_nomem(r);
        return NULL;
    }
    n->col = l->col;
    n->parent = parent;
    n->depth = parent ? parent->depth + 1 : 0;
    if (parent) {
        if (parent->last)
            parent->last->next = n;
        else
            parent->first = n;
        parent->last = n;
    }
    return n;
}

/* A node line follows the node read so far, so its detail lines are over: its object
 * gets exactly the room it needs, plus what pl_freeze() adds: Parent Relationship,
 * Plans when the node line that follows is its child (its children follow its details
 * at once), Workers when it has some. A stray detail line later still finds room
 * (pl_tv_set grows it). */
static int pl_close_node(pl_tread *r, pl_tnode *n, int gets_child)
{
    unsigned int extra;

    if (!n || n->fitted)
        return 0;
    extra = 1 + (gets_child != 0) + (n->workers.size || r->worker_node == n);
    n->fitted = 1;
    return pl_tv_fit(r->arena, &n->obj, extra) < 0 ? pl_nomem(r) : 0;
}

/* The text quoted is at most 20 bytes of the line, escaped as the tree escapes it. */
static int pl_tail_error(pl_tread *r, const pl_tline *l, const pl_ttail *t)
{
    size_t n = l->n - t->bad_at;
    pl_buf near;
    int rc;

    pl_buf_init(&near);
    pl_buf_add_visible(&near, l->s + t->bad_at, n < 20 ? n : 20, 0);
    rc = pl_error(r->err, PLANLINT_EPARSE, l->lineno, l->colno + (int)t->bad_at, NULL,
                  "unexpected text after the node's estimates near '%s'",
                  near.failed || !near.data ? "" : near.data);
    pl_buf_release(&near);
    return rc;
}

/* ------------------------------------------------------------ workers */

static int pl_flush_worker(pl_tread *r)
{
    int rc = 0;

    if (r->worker_node && (rc = pl_tv_fit(r->arena, &r->worker, 0)) == 0)
        rc = pl_tv_push(r->arena, &r->worker_node->workers, &r->worker);
    r->worker_node = NULL;
    memset(&r->worker, 0, sizeof(r->worker));
    return rc < 0 ? pl_nomem(r) : 0;
}

/* "Worker 1:  actual time=0.1..2.0 rows=5 loops=1", or a detail after the colon. */
static int pl_start_worker(pl_tread *r, const pl_tline *l, double num, size_t rest)
{
    pl_ttail t;
    int rc = 0;

    if (pl_flush_worker(r) < 0)
        return PLANLINT_ENOMEM;
    r->worker.type = PLANLINT_VALUE_OBJECT;
    r->worker_node = r->cur;
    r->worker_col = l->col;
    memset(&t, 0, sizeof(t));
    t.arows = t.loops = NAN;
    if (pl_tv_set_num(r->arena, &r->worker, "Worker Number", num) < 0)
        return pl_nomem(r);
    if (rest < l->n && pl_tgrammar_actual(r->g, l->s + rest, l->n - rest, &t))
        rc = pl_set_numbers(r, &r->worker, &t);
    else if (rest < l->n)
        rc = pl_text_detail(r->arena, r->g, &r->worker, pl_value_str(&r->cur->obj, "Node Type"),
                            l->s + rest, l->n - rest);
    return rc < 0 ? pl_nomem(r) : 0;
}

/* ------------------------------------------------------------ finishing a plan */

/* Who a child is to its parent, as explain.c labels it. */
static const char *pl_relationship(const pl_tnode *parent, size_t index, size_t regular)
{
    const char *type = pl_value_str(&parent->obj, "Node Type");

    if (!strcmp(type, "Append") || !strcmp(type, "Merge Append") || !strcmp(type, "BitmapAnd") ||
        !strcmp(type, "BitmapOr") || (!strcmp(type, "ModifyTable") && regular > 1))
        return "Member";
    if (!strcmp(type, "Subquery Scan"))
        return "Subquery";
    if (!strcmp(type, "Custom Scan"))
        return regular == 1 ? "child" : "children";
    return index == 0 ? "Outer" : "Inner";
}

static int pl_freeze(pl_tread *r, pl_tnode *n)
{
    planlint_value plans;
    size_t regular = 0, index = 0;
    pl_tnode *c;

    memset(&plans, 0, sizeof(plans));
    for (c = n->first; c; c = c->next)
        regular += c->rel == NULL;
    for (c = n->first; c; c = c->next) {
        const char *rel = c->rel ? c->rel : pl_relationship(n, index++, regular);
        if (pl_tv_set_str(r->arena, &c->obj, "Parent Relationship", rel, strlen(rel)) < 0 ||
            pl_freeze(r, c) < 0 || pl_tv_push(r->arena, &plans, &c->obj) < 0)
            return -1;
    }
    if (plans.size && (pl_tv_fit(r->arena, &plans, 0) < 0 || pl_tv_set(r->arena, &n->obj, "Plans", &plans) < 0))
        return -1;
    if (n->workers.size && (pl_tv_fit(r->arena, &n->workers, 0) < 0 ||
                            pl_tv_set(r->arena, &n->obj, "Workers", &n->workers) < 0))
        return -1;
    return pl_tv_fit(r->arena, &n->obj, 0);   /* complete: its keys become a shared shape */
}

/* ------------------------------------------------------------ doubts */

/* Regular children (subplans aside) a node of this type always has. */
static size_t pl_children_needed(const char *type)
{
    static const char *const one[] = {
        "Hash", "Sort", "Incremental Sort", "Limit", "Materialize", "Memoize", "Gather",
        "Gather Merge", "Unique", "Aggregate", "WindowAgg", "Group", "SetOp", "LockRows",
        "Subquery Scan", "ProjectSet", "Bitmap Heap Scan",
    };
    size_t i;

    if (!strcmp(type, "Nested Loop") || !strcmp(type, "Hash Join") || !strcmp(type, "Merge Join"))
        return 2;
    for (i = 0; i < sizeof(one) / sizeof(one[0]); i++)
        if (!strcmp(type, one[i]))
            return 1;
    return 0;
}

typedef struct pl_shape {
    size_t with_actuals, without, timed, short_of_children;
} pl_shape;

static void pl_measure(const pl_tnode *n, pl_shape *sh)
{
    const pl_tnode *c;
    size_t regular = 0;

    if (pl_value_get(&n->obj, "Actual Loops"))
        sh->with_actuals++;
    else
        sh->without++;
    sh->timed += pl_value_get(&n->obj, "Actual Total Time") != NULL;
    for (c = n->first; c; c = c->next) {
        regular += c->rel == NULL;
        pl_measure(c, sh);
    }
    sh->short_of_children += regular < pl_children_needed(pl_value_str(&n->obj, "Node Type"));
}

/* A plan cut short: ANALYZE nodes without actuals, timed nodes and no Execution Time
 * (auto_explain's log entries have none), a node missing a child its type always
 * has, or a subplan header with no node under it. */
static int pl_incomplete(pl_tread *r)
{
    pl_shape sh = { 0, 0, 0, 0 };

    pl_measure(r->root, &sh);
    return (sh.with_actuals && sh.without) || sh.short_of_children || r->hdr_pending ||
           (sh.timed && !r->from_log && !pl_value_get(&r->plan, "Execution Time"));
}

static int pl_finish_plan(pl_tread *r)
{
    planlint_value obj;
    size_t i;
    int k;

    if (!r->root)
        return 0;
    if (pl_flush_worker(r) < 0)
        return PLANLINT_ENOMEM;
    pl_buf_putc(&r->doubts, (char)((r->unsure ? PL_DOUBT_WRAP : 0) |
                                   (pl_incomplete(r) ? PL_DOUBT_INCOMPLETE : 0)));
    if (r->doubts.failed)
        return pl_nomem(r);
    memset(&obj, 0, sizeof(obj));
    if (pl_freeze(r, r->root) < 0 || pl_tv_set(r->arena, &obj, "Plan", &r->root->obj) < 0)
        return pl_nomem(r);
    for (i = 0; i < r->plan.size; i++)
        if (pl_tv_set(r->arena, &obj, pl_value_keys(&r->plan)[i], &r->plan.items[i]) < 0)
            return pl_nomem(r);
    for (k = 0; k < PL_SECT_COUNT_; k++)
        if (r->sect[k].type == PLANLINT_VALUE_OBJECT &&
            pl_tv_set(r->arena, &obj, pl_text_section_keys[k], &r->sect[k]) < 0)
            return pl_nomem(r);
    if (pl_tv_push(r->arena, &r->doc, &obj) < 0)
        return pl_nomem(r);
    r->root = r->cur = NULL;
    r->hdr_owner = NULL;
    r->hdr = NULL;
    r->unsure = r->hdr_pending = r->from_log = 0;
    r->after_tree = 0;
    r->section = -1;
    memset(&r->plan, 0, sizeof(r->plan));
    memset(r->sect, 0, sizeof(r->sect));
    return 0;
}

/* ------------------------------------------------------------ lines */

/* Before the tree: skip noise (SQL, log prefixes) until a line that is a node. */
static int pl_maybe_root(pl_tread *r, const pl_tline *l)
{
    planlint_value probe;
    pl_ttail t;
    int known;

    if (l->n >= 11 && memcmp(l->s, "Query Text:", 11) == 0)
        r->from_log = 1;             /* auto_explain: no Execution Time follows */
    if (pl_tgrammar_node(r->g, l->s, l->n, &t) < 0 || t.name_len == 0)
        return 0;
    if (!t.has_cost && !t.has_actual && !t.never) {
        /* COSTS OFF: only a name PostgreSQL prints, on a line that is not "Label: x" */
        if (pl_text_label(l->s, l->n))
            return 0;
        memset(&probe, 0, sizeof(probe));
        if ((known = pl_text_node_name(r->arena, &probe, l->s, t.name_len)) < 0)
            return pl_nomem(r);
        if (!known)
            return 0;
    }
    if (!(r->root = r->cur = pl_new_node(r, l, &t, NULL)))
        return r->err->code;
    r->section = -1;
    return 0;
}

static int pl_child(pl_tread *r, const pl_tline *l)
{
    pl_tnode *p = r->cur, *n;
    pl_ttail t;

    if (pl_tgrammar_node(r->g, l->s, l->n, &t) < 0)
        return pl_tail_error(r, l, &t);
    while (p && p->col >= l->arrow_col)
        p = p->parent;
    if (!p)
        p = r->root;
    if (pl_flush_worker(r) < 0 || pl_close_node(r, r->cur, p == r->cur) < 0)
        return PLANLINT_ENOMEM;
    if (!(n = pl_new_node(r, l, &t, p)))
        return r->err->code;
    if (r->hdr && r->hdr_owner == p && l->arrow_col > r->hdr_col) {
        r->hdr_pending = 0;
        n->rel = r->hdr[0] == 'S' ? "SubPlan" : "InitPlan";   /* CTEs are InitPlans */
        if (pl_tv_set_str(r->arena, &n->obj, "Subplan Name", r->hdr, strlen(r->hdr)) < 0)
            return pl_nomem(r);
        /* Before 9.0 one bare "SubPlan" header stood over all the subplans below it;
         * a numbered header owns exactly one node. */
        if (strpbrk(r->hdr, "0123456789"))
            r->hdr = NULL;
    } else if (l->arrow_col <= r->hdr_col) {
        r->hdr = NULL;   /* back at the header's level: its subplans are over */
    }
    r->cur = n;
    return 0;
}

static int pl_detail_line(pl_tread *r, const pl_tline *l)
{
    pl_tnode *p = r->cur;
    double num = 0;
    size_t rest;

    while (p != r->root && p->col >= l->col)
        p = p->parent;
    r->cur = p;
    if (r->worker_node == p && l->col > r->worker_col)
        return pl_text_detail(r->arena, r->g, &r->worker, pl_value_str(&p->obj, "Node Type"), l->s, l->n) < 0
                   ? pl_nomem(r) : 0;
    if (pl_tgrammar_worker(r->g, l->s, l->n, &num, &rest))
        return pl_start_worker(r, l, num, rest);
    if (pl_flush_worker(r) < 0)
        return PLANLINT_ENOMEM;
    if (pl_tgrammar_header(r->g, l->s, l->n)) {
        if (!(r->hdr = pl_arena_strndup(r->arena, l->s, l->n)))
            return pl_nomem(r);
        r->hdr_col = l->col;
        r->hdr_owner = p;
        r->hdr_pending = 1;
        return 0;
    }
    if (l->broken_input && !pl_text_label(l->s, l->n))
        r->unsure = 1;               /* a piece of a broken line, read as a detail */
    return pl_text_detail(r->arena, r->g, &p->obj, pl_value_str(&p->obj, "Node Type"), l->s, l->n) < 0
               ? pl_nomem(r) : 0;
}

static int pl_label_in(const pl_tline *l, const char *const *labels, size_t count)
{
    size_t ln = pl_text_label(l->s, l->n), i;

    for (i = 0; ln && i < count; i++)
        if (pl_text_is(l->s, ln, labels[i]))
            return 1;
    return 0;
}

/* Labels that only follow the tree. Anything else met at the root's column while the
 * tree is still open is a detail that a tool (or an old psql) left unindented: in
 * Pg::Explain's 28 and 29 "Filter:" and "SubPlan 1" stand at column 0 under the root. */
static int pl_root_detail(pl_tread *r, const pl_tline *l)
{
    static const char *const plan_level[] = {
        "Planning Time", "Execution Time", "Total runtime", "Settings", "JIT", "Planning",
        "Serialization", "Query Identifier", "Query Text",
    };

    if (pl_tgrammar_header(r->g, l->s, l->n))
        return 1;
    if (!pl_text_label(l->s, l->n) || (l->n > 8 && memcmp(l->s, "Trigger ", 8) == 0))
        return 0;
    return !pl_label_in(l, plan_level, sizeof(plan_level) / sizeof(plan_level[0]));
}

/* Times no node has: they end the tree at whatever indentation a tool left them
 * (pev2's 39 indents "Execution Time" by one under a root at column 0). */
static int pl_ends_tree(const pl_tline *l)
{
    static const char *const times[] = { "Planning Time", "Execution Time", "Total runtime" };

    return !l->arrow && pl_label_in(l, times, sizeof(times) / sizeof(times[0]));
}

/* After the tree: Planning Time, Settings, Triggers, JIT, ... or the next plan. */
static int pl_plan_level(pl_tread *r, const pl_tline *l)
{
    int rc;

    if (l->arrow)
        return 0;
    if (l->col > r->root->col && r->section >= 0)
        return pl_text_section_line(r->arena, r->g, r->sect, r->section, l->s, l->n) < 0 ? pl_nomem(r) : 0;
    if (l->col > r->root->col && !pl_ends_tree(l))
        return 0;
    rc = pl_text_plan_line(r->arena, r->g, &r->plan, r->sect, l->s, l->n, &r->section);
    if (rc < 0)
        return pl_nomem(r);
    if (rc > 0)
        return 0;
    if ((rc = pl_finish_plan(r)) < 0)
        return rc;
    return pl_maybe_root(r, l);
}

static int pl_on_line(void *ctx, const pl_tline *l)
{
    pl_tread *r = ctx;

    if (l->guessed)
        r->unsure = 1;
    if (!r->root)
        return pl_maybe_root(r, l);
    if (r->after_tree)
        return pl_plan_level(r, l);
    if (l->arrow)
        return pl_child(r, l);
    if (pl_ends_tree(l) || (l->col <= r->root->col && !pl_root_detail(r, l))) {
        if (pl_flush_worker(r) < 0)
            return PLANLINT_ENOMEM;
        r->after_tree = 1;
        return pl_plan_level(r, l);
    }
    return pl_detail_line(r, l);
}

/* The doubts of each plan read, as flags on the plans the document became. */
static void pl_mark_doubts(const pl_tread *r, planlint_plan *p, const planlint_value *doc)
{
    for (; p; p = p->next) {
        size_t k = (size_t)(p->obj - doc->items);
        unsigned char d;
        if (p->obj < doc->items || k >= r->doubts.len)
            continue;
        d = (unsigned char)r->doubts.data[k];
        if (d & PL_DOUBT_WRAP)
            p->flags |= PLANLINT_PLAN_WRAP_UNSURE;
        if (d & PL_DOUBT_INCOMPLETE)
            p->flags |= PLANLINT_PLAN_INCOMPLETE;
    }
}

int pl_text_read(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                 const planlint_parse_options *opts, planlint_error *err)
{
    planlint_value *doc;
    planlint_plan *before = list->tail;
    pl_tread r;
    int rc;

    memset(&r, 0, sizeof(r));
    r.arena = arena;
    r.err = err;
    r.max_depth = opts->max_depth < PL_TEXT_DEPTH_CAP ? opts->max_depth : PL_TEXT_DEPTH_CAP;
    r.max_nodes = opts->max_nodes;
    r.section = -1;
    pl_buf_init(&r.doubts);
    if (!(r.g = pl_tgrammar_new()) || !(r.scratch = pl_arena_new())) {
        pl_tgrammar_free(r.g);
        return pl_error_nomem(err);
    }
    rc = pl_text_each_line(buf, len, pl_on_line, &r);
    if (rc == 0)
        rc = pl_finish_plan(&r);
    pl_tgrammar_free(r.g);
    pl_arena_free(r.scratch);
    if (rc == 0 && r.doc.size && !(doc = pl_arena_alloc(arena, sizeof(*doc))))
        rc = PLANLINT_ENOMEM;
    if (rc == 0 && r.doc.size) {
        *doc = r.doc;
        rc = pl_plans_from_document(list, arena, doc, opts, err);
        if (rc == 0)
            pl_mark_doubts(&r, before ? before->next : list->head, doc);
    }
    pl_buf_release(&r.doubts);
    if (rc == PLANLINT_ENOMEM && err->code == 0)
        return pl_error_nomem(err);
    return rc;
}
