/* tree.c - the annotated tree: numbers in fixed columns on the left, the plan
 * drawn on the right, details under each node. Fits 100 columns; deep plans are
 * drawn with their indentation folded so the text never walks off the screen. */
#include "render.h"
#include "finding.h"
#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>

#include <math.h>
#include <string.h>

#define PL_C_RESET "\033[0m"
#define PL_C_BOLD "\033[1m"
#define PL_C_DIM "\033[2m"
#define PL_C_RED "\033[31m"
#define PL_C_YELLOW "\033[33m"
#define PL_C_CYAN "\033[36m"

typedef struct pl_tree {
    pl_buf *b;
    const planlint_plan *plan;
    const planlint_finding **by_node;   /* findings in node order, for the markers */
    size_t marker;                      /* next entry of by_node to show */
    const planlint_render_options *o;
    int analyze;                 /* the plan has actual numbers */
    size_t line_start;           /* where the current line began in b */
    unsigned int max_levels;     /* tree levels drawn before indentation folds */
    const char *vert, *tee, *elbow, *blank, *ellipsis;
} pl_tree;

static void pl_color(pl_tree *t, const char *code)
{
    if (t->o->color)
        pl_buf_puts(t->b, code);
}

/* Text from the plan, the database or the command line: never written raw, so that
 * no control character in it reaches the terminal (pl_buf_add_visible()). */
static void pl_text(pl_tree *t, const char *s)
{
    pl_buf_add_visible(t->b, s, strlen(s), 0);
}

/* " on x", " using y": a fixed word, then text from the plan. */
static void pl_word_text(pl_tree *t, const char *word, const char *s)
{
    pl_buf_puts(t->b, word);
    pl_text(t, s);
}

/* Ends the current line, cutting it to the width between two units of text (never
 * inside a character or an escape). */
static void pl_line_end(pl_tree *t)
{
    pl_buf *b = t->b;
    size_t w, i, k, uw, used, budget;

    if (b->failed)
        return;
    w = t->o->width ? pl_text_width(b->data + t->line_start, b->len - t->line_start) : 0;
    if (w > t->o->width) {
        budget = t->o->width - 1;
        for (i = t->line_start, used = 0; i < b->len; i += k) {
            k = pl_text_unit(b->data + i, b->len - i, &uw);
            if (used + uw > budget)
                break;
            used += uw;
        }
        b->len = i;
        pl_buf_puts(b, t->ellipsis);
        if (t->o->color)
            pl_buf_puts(b, PL_C_RESET);
    }
    pl_buf_putc(b, '\n');
    t->line_start = b->len;
}

static void pl_pad_to(pl_tree *t, size_t from, size_t width)
{
    size_t w = pl_text_width(t->b->data ? t->b->data + from : "", t->b->len - from);
    if (w < width)
        pl_buf_repeat(t->b, " ", width - w);
}

/* Right-aligned cells: the formatted number padded on the left; blank when NaN. */
static void pl_cell_fixed(pl_tree *t, double v, int decimals, size_t width)
{
    size_t start = t->b->len;

    if (!isnan(v))
        pl_buf_fixed(t->b, v, decimals);
    pl_buf_align_right(t->b, start, width);
}

static void pl_cell_count(pl_tree *t, double v, size_t width)
{
    size_t start = t->b->len;

    if (!isnan(v))
        pl_buf_count(t->b, v);
    pl_buf_align_right(t->b, start, width);
}

static const char *pl_share_color(double share)
{
    if (share >= 0.5)
        return PL_C_RED;
    if (share >= 0.1)
        return PL_C_YELLOW;
    return NULL;
}

static void pl_cell_share(pl_tree *t, double share)
{
    const char *c = isnan(share) ? NULL : pl_share_color(share);

    if (c)
        pl_color(t, c);
    if (isnan(share))
        pl_buf_puts(t->b, "       ");
    else {
        pl_cell_fixed(t, share * 100, 1, 6);
        pl_buf_putc(t->b, '%');
    }
    if (c)
        pl_color(t, PL_C_RESET);
}

static void pl_cell_estimate(pl_tree *t, const planlint_node *n)
{
    double f = n->m[PLANLINT_M_ESTIMATE_FACTOR], dir = n->m[PLANLINT_M_ESTIMATE_DIRECTION];
    size_t start = t->b->len;
    int warn = !isnan(f) && f >= 10;

    pl_buf_putc(t->b, ' ');
    if (isnan(f) || dir == 0 || f < 1.05) {
        pl_buf_puts(t->b, isnan(f) ? "" : "=");
    } else {
        if (warn)
            pl_color(t, f >= 1000 ? PL_C_RED : PL_C_YELLOW);
        pl_buf_puts(t->b, dir > 0 ? (t->o->unicode ? "\xe2\x86\x91" : "^") : (t->o->unicode ? "\xe2\x86\x93" : "v"));
        pl_buf_fixed(t->b, f, f < 10 ? 1 : 0);
        pl_buf_puts(t->b, "x");
        if (warn)
            pl_color(t, PL_C_RESET);
    }
    pl_pad_to(t, start, 9);
}

/* Widths of the number columns; detail lines are indented by their sum. */
#define PL_COLS_ANALYZE 57
#define PL_COLS_PLAIN 49

static void pl_hcell(pl_tree *t, const char *label, size_t width)
{
    size_t start = t->b->len;

    pl_buf_puts(t->b, label);
    pl_buf_align_right(t->b, start, width);
}

static void pl_columns_header(pl_tree *t)
{
    pl_color(t, PL_C_DIM);
    if (t->analyze) {
        pl_hcell(t, "excl ms", 10);
        pl_hcell(t, "self", 7);
        pl_hcell(t, "incl ms", 11);
        pl_hcell(t, "rows", 12);
        pl_buf_puts(t->b, " vs est  ");
        pl_hcell(t, "loops", 6);
    } else {
        pl_hcell(t, "startup cost", 14);
        pl_hcell(t, "total cost", 14);
        pl_hcell(t, "est rows", 12);
        pl_hcell(t, "width", 7);
    }
    pl_buf_puts(t->b, "  node");
    pl_color(t, PL_C_RESET);
    pl_line_end(t);
}

static void pl_node_numbers(pl_tree *t, const planlint_node *n)
{
    if (!t->analyze) {
        pl_cell_fixed(t, n->m[PLANLINT_M_STARTUP_COST], 2, 14);
        pl_cell_fixed(t, n->m[PLANLINT_M_TOTAL_COST], 2, 14);
        pl_cell_count(t, n->m[PLANLINT_M_PLAN_ROWS], 12);
        pl_cell_count(t, n->m[PLANLINT_M_PLAN_WIDTH], 7);
        pl_buf_puts(t->b, "  ");
        return;
    }
    if (n->never_executed) {
        size_t start = t->b->len;
        pl_color(t, PL_C_DIM);
        pl_buf_puts(t->b, "    never executed");
        pl_color(t, PL_C_RESET);
        pl_pad_to(t, start, PL_COLS_ANALYZE);
        return;
    }
    pl_cell_fixed(t, n->m[PLANLINT_M_EXCLUSIVE_TIME], 3, 10);
    pl_cell_share(t, n->m[PLANLINT_M_EXCLUSIVE_SHARE]);
    pl_cell_fixed(t, n->m[PLANLINT_M_INCLUSIVE_TIME], 3, 11);
    pl_cell_count(t, n->m[PLANLINT_M_ACTUAL_ROWS], 12);
    pl_cell_estimate(t, n);
    pl_cell_count(t, n->m[PLANLINT_M_ACTUAL_LOOPS], 6);
    pl_buf_puts(t->b, "  ");
}

/* ------------------------------------------------------------ tree drawing */

static int pl_is_last_child(const planlint_node *n)
{
    return !n->parent || n->parent->children[n->parent->nchildren - 1] == n;
}

/* The guide before a node or its detail lines; `self` is 1 on the node's own line. */
static void pl_tree_prefix(pl_tree *t, const planlint_node *n, int self)
{
    const planlint_node *chain[64];
    unsigned int levels = n->depth, shown, i;
    const planlint_node *a;

    if (levels == 0)
        return;
    shown = levels > t->max_levels ? t->max_levels : levels;
    if (shown > 64)
        shown = 64;
    for (a = n, i = shown; i > 0; a = a->parent)
        chain[--i] = a;
    if (shown < levels) {
        pl_color(t, PL_C_DIM);
        pl_buf_printf(t->b, "%s[%u]", t->ellipsis, levels - shown);
        pl_color(t, PL_C_RESET);
    }
    for (i = 0; i + 1 < shown; i++)
        pl_buf_puts(t->b, pl_is_last_child(chain[i]) ? t->blank : t->vert);
    if (self)
        pl_buf_puts(t->b, pl_is_last_child(n) ? t->elbow : t->tee);
    else
        pl_buf_puts(t->b, pl_is_last_child(n) ? t->blank : t->vert);
}

/* Guide for detail lines: the node's own column continues if it has children. */
static void pl_detail_prefix(pl_tree *t, const planlint_node *n)
{
    pl_buf_repeat(t->b, " ", t->analyze ? PL_COLS_ANALYZE : PL_COLS_PLAIN);
    pl_tree_prefix(t, n, 0);
    pl_buf_puts(t->b, n->nchildren ? t->vert : t->blank);
}

static void pl_node_title(pl_tree *t, const planlint_node *n)
{
    const char *sub = n->fields[PLANLINT_FIELD_SUBPLAN];
    const char *rel = n->fields[PLANLINT_FIELD_RELATION], *idx = n->fields[PLANLINT_FIELD_INDEX];
    const char *alias = n->fields[PLANLINT_FIELD_ALIAS], *schema = n->fields[PLANLINT_FIELD_SCHEMA];
    const char *join = n->fields[PLANLINT_FIELD_JOIN_TYPE], *strat = n->fields[PLANLINT_FIELD_STRATEGY];

    if (sub) {
        pl_color(t, PL_C_CYAN);
        pl_text(t, sub);
        pl_buf_puts(t->b, ": ");
        pl_color(t, PL_C_RESET);
    }
    pl_color(t, PL_C_BOLD);
    pl_buf_printf(t->b, "#%zu %s", n->id,
                  planlint_value_bool(pl_value_get(n->obj, "Parallel Aware")) == 1 ? "Parallel " : "");
    pl_text(t, n->fields[PLANLINT_FIELD_NODE_TYPE]);
    pl_color(t, PL_C_RESET);
    if (join && strcmp(join, "Inner") != 0)
        pl_word_text(t, " ", join);
    if (strat && strcmp(strat, "Plain") != 0) {
        pl_word_text(t, " (", strat);
        pl_buf_putc(t->b, ')');
    }
    /* The relation before the index: when a narrow terminal cuts the line, the
     * table is the part worth keeping. */
    if (rel) {
        if (schema) {
            pl_word_text(t, " on ", schema);
            pl_word_text(t, ".", rel);
        } else {
            pl_word_text(t, " on ", rel);
        }
    } else if (n->fields[PLANLINT_FIELD_CTE]) {
        pl_word_text(t, " on ", n->fields[PLANLINT_FIELD_CTE]);
    } else if (n->fields[PLANLINT_FIELD_FUNCTION]) {
        pl_word_text(t, " on ", n->fields[PLANLINT_FIELD_FUNCTION]);
        pl_buf_puts(t->b, "()");
    }
    if (alias && (!rel || strcmp(alias, rel) != 0) &&
        (!n->fields[PLANLINT_FIELD_CTE] || strcmp(alias, n->fields[PLANLINT_FIELD_CTE]) != 0))
        pl_word_text(t, " ", alias);
    if (idx)
        pl_word_text(t, " using ", idx);
}

/* ------------------------------------------------------------ details */

static void pl_detail_begin(pl_tree *t, const planlint_node *n)
{
    pl_detail_prefix(t, n);
    pl_color(t, PL_C_DIM);
}

static void pl_detail_end(pl_tree *t)
{
    pl_color(t, PL_C_RESET);
    pl_line_end(t);
}

static void pl_detail_removed(pl_tree *t, const planlint_node *n, planlint_metric removed)
{
    double r = n->m[removed], ratio = n->m[PLANLINT_M_ROWS_REMOVED_RATIO];

    if (isnan(r))
        return;
    pl_buf_puts(t->b, "  removed ");
    pl_buf_count(t->b, r);
    pl_buf_puts(t->b, " rows/loop");
    if (!isnan(ratio) && removed != PLANLINT_M_ROWS_REMOVED_RECHECK) {
        int warn = ratio >= 0.9;
        if (warn)
            pl_color(t, PL_C_YELLOW);
        pl_buf_puts(t->b, " (");
        pl_buf_fixed(t->b, ratio * 100, 1);
        pl_buf_puts(t->b, "%)");
        if (warn)
            pl_color(t, PL_C_DIM);
    }
}

static void pl_detail_cond(pl_tree *t, const planlint_node *n, planlint_node_field f,
                           const char *label, planlint_metric removed)
{
    const char *s = n->fields[f];

    if (!s)
        return;
    pl_detail_begin(t, n);
    pl_buf_puts(t->b, label);
    pl_word_text(t, ": ", s);
    if ((int)removed >= 0)
        pl_detail_removed(t, n, removed);
    pl_detail_end(t);
}

static int pl_has(const planlint_node *n, planlint_metric m)
{
    return !isnan(n->m[m]);
}

static void pl_kv(pl_tree *t, const char *label, double v)
{
    pl_buf_puts(t->b, label);
    pl_buf_count(t->b, v);
}

static const struct {
    planlint_metric incl, excl;
    const char *label;
} pl_buffer_columns[] = {
    { PLANLINT_M_SHARED_HIT, PLANLINT_M_EXCL_SHARED_HIT, " hit=" },
    { PLANLINT_M_SHARED_READ, PLANLINT_M_EXCL_SHARED_READ, " read=" },
    { PLANLINT_M_SHARED_DIRTIED, PLANLINT_M_EXCL_SHARED_DIRTIED, " dirtied=" },
    { PLANLINT_M_SHARED_WRITTEN, PLANLINT_M_EXCL_SHARED_WRITTEN, " written=" },
    { PLANLINT_M_LOCAL_HIT, PLANLINT_M_EXCL_LOCAL_HIT, " local hit=" },
    { PLANLINT_M_LOCAL_READ, PLANLINT_M_EXCL_LOCAL_READ, " local read=" },
    { PLANLINT_M_TEMP_READ, PLANLINT_M_EXCL_TEMP_READ, " temp read=" },
    { PLANLINT_M_TEMP_WRITTEN, PLANLINT_M_EXCL_TEMP_WRITTEN, " temp written=" },
};
#define PL_NBUFCOLS (sizeof(pl_buffer_columns) / sizeof(pl_buffer_columns[0]))

/* The node's own buffers (exclusive); the plan header has the totals. */
static void pl_detail_buffers(pl_tree *t, const planlint_node *n)
{
    size_t i;
    int any = 0;

    for (i = 0; i < PL_NBUFCOLS; i++)
        any |= n->m[pl_buffer_columns[i].excl] > 0;
    if (!any)
        return;
    pl_detail_begin(t, n);
    pl_buf_puts(t->b, "Buffers:");
    for (i = 0; i < PL_NBUFCOLS; i++)
        if (n->m[pl_buffer_columns[i].excl] > 0)
            pl_kv(t, pl_buffer_columns[i].label, n->m[pl_buffer_columns[i].excl]);
    pl_detail_end(t);
}

static void pl_detail_io(pl_tree *t, const planlint_node *n)
{
    static const struct {
        planlint_metric excl;
        const char *label;
    } io[] = {
        { PLANLINT_M_EXCL_IO_READ_TIME, " read=" },
        { PLANLINT_M_EXCL_IO_WRITE_TIME, " write=" },
        { PLANLINT_M_EXCL_TEMP_IO_READ_TIME, " temp read=" },
        { PLANLINT_M_EXCL_TEMP_IO_WRITE_TIME, " temp write=" },
    };
    size_t i;
    int any = 0;

    for (i = 0; i < sizeof(io) / sizeof(io[0]); i++)
        any |= n->m[io[i].excl] >= 0.0005;
    if (!any)
        return;
    pl_detail_begin(t, n);
    pl_buf_puts(t->b, "I/O Timings:");
    for (i = 0; i < sizeof(io) / sizeof(io[0]); i++)
        if (n->m[io[i].excl] >= 0.0005) {
            pl_buf_puts(t->b, io[i].label);
            pl_buf_fixed(t->b, n->m[io[i].excl], 3);
        }
    pl_buf_puts(t->b, " ms");
    pl_detail_end(t);
}

static void pl_detail_sort(pl_tree *t, const planlint_node *n)
{
    const char *method = n->fields[PLANLINT_FIELD_SORT_METHOD];
    const char *space = n->fields[PLANLINT_FIELD_SORT_SPACE_TYPE];
    int disk = space && strcmp(space, "Disk") == 0;

    if (!method)
        return;
    pl_detail_begin(t, n);
    if (disk)
        pl_color(t, PL_C_RED);
    pl_word_text(t, "Sort: ", method);
    pl_word_text(t, ", ", space ? space : "space");
    pl_buf_putc(t->b, ' ');
    pl_buf_count(t->b, n->m[PLANLINT_M_SORT_SPACE_USED]);
    pl_buf_puts(t->b, " kB");
    pl_detail_end(t);
}

static void pl_detail_hash(pl_tree *t, const planlint_node *n)
{
    double batches = n->m[PLANLINT_M_HASH_BATCHES], orig = n->m[PLANLINT_M_ORIGINAL_HASH_BATCHES];

    if (isnan(batches) && isnan(n->m[PLANLINT_M_HASH_BUCKETS]))
        return;
    pl_detail_begin(t, n);
    if (batches > 1)
        pl_color(t, PL_C_RED);
    pl_kv(t, "Hash: batches=", batches);
    if (!isnan(orig) && orig != batches) {
        pl_kv(t, " (planned ", orig);
        pl_buf_putc(t->b, ')');
    }
    pl_kv(t, " buckets=", n->m[PLANLINT_M_HASH_BUCKETS]);
    pl_kv(t, " memory=", n->m[PLANLINT_M_PEAK_MEMORY_USAGE]);
    pl_buf_puts(t->b, " kB");
    pl_detail_end(t);
}

static void pl_detail_hashagg(pl_tree *t, const planlint_node *n)
{
    double batches = n->m[PLANLINT_M_HASHAGG_BATCHES], disk = n->m[PLANLINT_M_DISK_USAGE];

    if (isnan(batches) && isnan(disk))
        return;
    pl_detail_begin(t, n);
    if (disk > 0)
        pl_color(t, PL_C_RED);
    pl_kv(t, "HashAgg: batches=", batches);
    pl_kv(t, " memory=", n->m[PLANLINT_M_PEAK_MEMORY_USAGE]);
    pl_kv(t, " kB disk=", disk);
    pl_buf_puts(t->b, " kB");
    pl_detail_end(t);
}

static void pl_detail_scan(pl_tree *t, const planlint_node *n)
{
    if (pl_has(n, PLANLINT_M_HEAP_FETCHES) && n->m[PLANLINT_M_HEAP_FETCHES] > 0) {
        pl_detail_begin(t, n);
        pl_kv(t, "Heap Fetches: ", n->m[PLANLINT_M_HEAP_FETCHES]);
        pl_detail_end(t);
    }
    if (pl_has(n, PLANLINT_M_EXACT_HEAP_BLOCKS) || pl_has(n, PLANLINT_M_LOSSY_HEAP_BLOCKS)) {
        pl_detail_begin(t, n);
        pl_kv(t, "Heap Blocks: exact=", n->m[PLANLINT_M_EXACT_HEAP_BLOCKS]);
        if (n->m[PLANLINT_M_LOSSY_HEAP_BLOCKS] > 0)
            pl_color(t, PL_C_YELLOW);
        pl_kv(t, " lossy=", n->m[PLANLINT_M_LOSSY_HEAP_BLOCKS]);
        pl_detail_end(t);
    }
}

static void pl_detail_misc(pl_tree *t, const planlint_node *n)
{
    double planned = n->m[PLANLINT_M_WORKERS_PLANNED], launched = n->m[PLANLINT_M_WORKERS_LAUNCHED];

    if (!isnan(planned)) {
        pl_detail_begin(t, n);
        if (!isnan(launched) && launched < planned)
            pl_color(t, PL_C_YELLOW);
        pl_kv(t, "Workers: planned=", planned);
        if (!isnan(launched))
            pl_kv(t, " launched=", launched);
        pl_detail_end(t);
    }
    if (pl_has(n, PLANLINT_M_CACHE_HITS)) {
        pl_detail_begin(t, n);
        pl_kv(t, "Cache: hits=", n->m[PLANLINT_M_CACHE_HITS]);
        pl_kv(t, " misses=", n->m[PLANLINT_M_CACHE_MISSES]);
        pl_kv(t, " evictions=", n->m[PLANLINT_M_CACHE_EVICTIONS]);
        pl_detail_end(t);
    }
}

/* The node whose own time holds the JIT compilation (derive.c decides which). */
static void pl_detail_jit(pl_tree *t, const planlint_node *n)
{
    if (!(n->dflags & PL_NODE_INCLUDES_JIT))
        return;
    pl_detail_begin(t, n);
    pl_buf_puts(t->b, "includes JIT compilation: ");
    pl_buf_fixed(t->b, n->plan->jit_compile, 3);
    pl_buf_puts(t->b, " ms");
    pl_detail_end(t);
}

static void pl_node_details(pl_tree *t, const planlint_node *n)
{
    pl_detail_jit(t, n);
    pl_detail_cond(t, n, PLANLINT_FIELD_INDEX_COND, "Index Cond", (planlint_metric)-1);
    pl_detail_cond(t, n, PLANLINT_FIELD_RECHECK_COND, "Recheck Cond", PLANLINT_M_ROWS_REMOVED_RECHECK);
    pl_detail_cond(t, n, PLANLINT_FIELD_HASH_COND, "Hash Cond", (planlint_metric)-1);
    pl_detail_cond(t, n, PLANLINT_FIELD_MERGE_COND, "Merge Cond", (planlint_metric)-1);
    pl_detail_cond(t, n, PLANLINT_FIELD_JOIN_FILTER, "Join Filter", PLANLINT_M_ROWS_REMOVED_JOIN_FILTER);
    pl_detail_cond(t, n, PLANLINT_FIELD_FILTER, "Filter", PLANLINT_M_ROWS_REMOVED_FILTER);
    pl_detail_scan(t, n);
    pl_detail_sort(t, n);
    pl_detail_hash(t, n);
    pl_detail_hashagg(t, n);
    pl_detail_misc(t, n);
    pl_detail_buffers(t, n);
    pl_detail_io(t, n);
}

static const char *pl_severity_color(planlint_severity s)
{
    return s >= PLANLINT_SEVERITY_ERROR ? PL_C_RED : (s >= PLANLINT_SEVERITY_WARNING ? PL_C_YELLOW : PL_C_CYAN);
}

/* " [PL007 PL005]": the findings about this node, after its title. Nodes are drawn
 * in id order, so a cursor over the findings sorted by node finds them. */
static void pl_node_markers(pl_tree *t, const planlint_node *n)
{
    int first = 1;

    while (t->by_node && t->marker < t->plan->nfindings && t->by_node[t->marker]->node &&
           t->by_node[t->marker]->node->id <= n->id) {
        const planlint_finding *f = t->by_node[t->marker++];
        if (f->node != n)
            continue;
        pl_buf_puts(t->b, first ? " [" : " ");
        pl_color(t, pl_severity_color(f->severity));
        pl_buf_puts(t->b, f->rule->id);
        pl_color(t, PL_C_RESET);
        first = 0;
    }
    if (!first)
        pl_buf_putc(t->b, ']');
}

/* Node findings first, by node id then rank; plan-level findings last. */
static int pl_by_node_cmp(const void *a, const void *b)
{
    const planlint_finding *x = *(const planlint_finding *const *)a, *y = *(const planlint_finding *const *)b;
    size_t nx = x->node ? x->node->id : (size_t)-1, ny = y->node ? y->node->id : (size_t)-1;

    if (nx != ny)
        return nx < ny ? -1 : 1;
    return x < y ? -1 : (x > y ? 1 : 0);
}

/* The sorted copy; on out of memory the markers are left out, not the tree. */
static void pl_sort_markers(pl_tree *t)
{
    size_t n = t->plan->nfindings;

    if (n == 0 || n > SIZE_MAX / sizeof(*t->by_node) || !(t->by_node = pl_malloc(n * sizeof(*t->by_node))))
        return;
    memcpy((void *)t->by_node, t->plan->findings, n * sizeof(*t->by_node));
    qsort((void *)t->by_node, n, sizeof(*t->by_node), pl_by_node_cmp);
}

static void pl_render_node(pl_tree *t, const planlint_node *n)
{
    pl_node_numbers(t, n);
    pl_tree_prefix(t, n, 1);
    pl_node_title(t, n);
    pl_node_markers(t, n);
    pl_line_end(t);
    pl_node_details(t, n);
}

/* ------------------------------------------------------------ plan header */

static void pl_header_metric(pl_tree *t, const char *label, double v, int *first)
{
    if (isnan(v))
        return;
    pl_buf_puts(t->b, *first ? "" : ", ");
    pl_buf_printf(t->b, "%s ", label);
    pl_buf_fixed(t->b, v, 3);
    pl_buf_puts(t->b, " ms");
    *first = 0;
}

/* auto_explain logs the statement with the plan: its first line helps find it. */
static void pl_header_query(pl_tree *t)
{
    const char *q = pl_value_str(t->plan->obj, "Query Text");

    if (!q)
        return;
    while (*q == ' ' || *q == '\n' || *q == '\t')
        q++;
    pl_buf_puts(t->b, "query: ");
    pl_buf_add_visible(t->b, q, strcspn(q, "\n"), 0);
    pl_line_end(t);
}

static void pl_header_buffers(pl_tree *t)
{
    const planlint_node *root = t->plan->root;
    size_t i;
    int any = 0;

    for (i = 0; i < PL_NBUFCOLS; i++)
        any |= root->m[pl_buffer_columns[i].incl] > 0;
    if (!any)
        return;
    pl_buf_puts(t->b, "buffers:");
    for (i = 0; i < PL_NBUFCOLS; i++)
        if (root->m[pl_buffer_columns[i].incl] > 0)
            pl_kv(t, pl_buffer_columns[i].label, root->m[pl_buffer_columns[i].incl]);
    pl_line_end(t);
}

static void pl_header_triggers(pl_tree *t)
{
    const planlint_value *trig = pl_value_get(t->plan->obj, "Triggers");
    size_t i;

    for (i = 0; i < planlint_value_size(trig); i++) {
        const planlint_value *tr = planlint_value_at(trig, i);
        const char *name = pl_value_str(tr, "Trigger Name"), *rel = pl_value_str(tr, "Relation");
        pl_word_text(t, "trigger ", name ? name : "?");
        if (rel)
            pl_word_text(t, " on ", rel);
        pl_buf_puts(t->b, ": ");
        pl_buf_fixed(t->b, pl_value_num(tr, "Time"), 3);
        pl_kv(t, " ms, calls=", pl_value_num(tr, "Calls"));
        pl_line_end(t);
    }
}

static void pl_plan_header(pl_tree *t, size_t nplans)
{
    const planlint_plan *p = t->plan;
    int first = 1;

    pl_color(t, PL_C_BOLD);
    pl_buf_printf(t->b, "Plan %zu of %zu", p->index + 1, nplans);
    if (t->o->source_name)
        pl_word_text(t, " from ", t->o->source_name);
    pl_color(t, PL_C_RESET);
    pl_buf_printf(t->b, ": %zu node%s", p->nnodes, p->nnodes == 1 ? "" : "s");
    pl_line_end(t);
    pl_header_query(t);
    pl_header_metric(t, "execution", p->pm[PLANLINT_PLAN_EXECUTION_TIME], &first);
    pl_header_metric(t, "planning", p->pm[PLANLINT_PLAN_PLANNING_TIME], &first);
    pl_header_metric(t, "triggers", p->pm[PLANLINT_PLAN_TRIGGER_TIME], &first);
    pl_header_metric(t, "JIT", p->pm[PLANLINT_PLAN_JIT_TIME], &first);
    pl_header_metric(t, "serialization", p->pm[PLANLINT_PLAN_SERIALIZATION_TIME], &first);
    if (!first)
        pl_line_end(t);
    pl_header_buffers(t);
    pl_header_triggers(t);
    if (!t->analyze) {
        pl_buf_puts(t->b, "No ANALYZE: estimates only. Re-run with EXPLAIN (ANALYZE, BUFFERS) for real numbers.");
        pl_line_end(t);
    } else if (!(p->flags & PLANLINT_PLAN_HAS_TIMING)) {
        pl_buf_puts(t->b, "TIMING OFF: no per-node times.");
        pl_line_end(t);
    }
}

/* ------------------------------------------------------------ findings */

/* How much of the line s[0..n) fits in avail columns: up to the last blank that fits
 * (or the blank just after), else as many whole units as fit; never nothing. */
static size_t pl_wrap_at(const char *s, size_t n, size_t avail)
{
    size_t i = 0, k, uw, w = 0, fit = 0, blank = 0;

    while (i < n && w <= avail) {
        if (s[i] == ' ' && i > 0)
            blank = i;
        k = pl_text_unit(s + i, n - i, &uw);
        if (w + uw <= avail)
            fit = i + k;
        w += uw;
        i += k;
    }
    if (i >= n && w <= avail)
        return n;
    if (blank)
        return blank;
    return fit ? fit : pl_text_unit(s, n, &uw);
}

/* Text that may span lines, each line indented; long lines wrap at the width. The
 * rule's line breaks stay, everything else is escaped first, so wrapping counts
 * the columns that are shown. */
static void pl_indented(pl_tree *t, const char *text, const char *first, const char *indent)
{
    unsigned int width = t->o->width ? t->o->width : 0;
    size_t ind = strlen(indent), pos = 0;
    pl_buf esc;

    pl_buf_init(&esc);
    pl_buf_add_visible(&esc, text, strlen(text), 1);
    if (esc.failed)
        t->b->failed = 1;
    while (!esc.failed && pos < esc.len) {
        const char *s = esc.data + pos;
        size_t n = strcspn(s, "\n"), take = n;
        if (width > ind + 20)
            take = pl_wrap_at(s, n, width - ind);
        pl_buf_puts(t->b, first);
        first = indent;
        pl_buf_add(t->b, s, take);
        pl_line_end(t);
        pos += take;
        while (pos < esc.len && esc.data[pos] == ' ')
            pos++;
        if (pos < esc.len && esc.data[pos] == '\n')
            pos++;
    }
    pl_buf_release(&esc);
}

/* What hypopg said of the suggested index, as one sentence. */
static void pl_verification_text(pl_buf *b, const planlint_finding *f)
{
    switch (f->verification) {
    case PLANLINT_VERIFY_CHOSEN:
    case PLANLINT_VERIFY_NOT_CHOSEN:
        pl_buf_puts(b, f->verification == PLANLINT_VERIFY_CHOSEN
                           ? "Verified with hypopg: the planner uses the index; estimated cost "
                           : "Verified with hypopg: the planner would NOT use the index with the "
                             "current statistics and settings; estimated cost ");
        pl_buf_fixed(b, f->cost_before, 2);
        pl_buf_puts(b, " -> ");
        pl_buf_fixed(b, f->cost_after, 2);
        if (f->cost_before > 0) {
            pl_buf_puts(b, " (");
            pl_buf_fixed(b, (f->cost_after / f->cost_before - 1) * 100, 1);
            pl_buf_puts(b, "%)");
        }
        pl_buf_puts(b, ".");
        break;
    case PLANLINT_VERIFY_FAILED:
        pl_buf_printf(b, "Not verified: hypopg could not try the index: %s.",
                      f->verify_note ? f->verify_note : "unknown error");
        break;
    case PLANLINT_VERIFY_UNAVAILABLE:
        pl_buf_printf(b, "Not verified with hypopg: %s.", f->verify_note ? f->verify_note : "it cannot be used");
        break;
    default:
        break;
    }
}

static void pl_render_verification(pl_tree *t, const planlint_finding *f)
{
    pl_buf b;

    if (f->verification == PLANLINT_VERIFY_NONE)
        return;
    pl_buf_init(&b);
    pl_verification_text(&b, f);
    if (b.failed)
        t->b->failed = 1;
    else
        pl_indented(t, b.data, "   -> ", "      ");
    pl_buf_release(&b);
}

/* Time at stake: an upper bound, the time in the node, which a fix may not save
 * entirely. The share is what is left after the findings ranked above counted theirs:
 * "up to 40.000 ms at stake (3.0%), 30.000 ms of it counted under 1". */
static void pl_render_stake(pl_tree *t, const planlint_finding *f)
{
    size_t k;

    for (k = 0; f->shared_with && k < t->plan->nfindings && t->plan->findings[k] != f->shared_with; k++)
        ;
    pl_buf_puts(t->b, ", up to ");
    pl_buf_fixed(t->b, f->time_at_stake + f->time_shared, 3);
    pl_buf_puts(t->b, " ms at stake");
    if (f->shared_with && f->time_shared > 0 && k < t->plan->nfindings && !(f->time_at_stake > 0)) {
        pl_buf_printf(t->b, ", counted under %zu", k + 1);
        return;
    }
    if (!isnan(f->share_at_stake)) {
        pl_buf_puts(t->b, " (");
        pl_buf_fixed(t->b, f->share_at_stake * 100, 1);
        pl_buf_puts(t->b, "%)");
    }
    if (f->shared_with && f->time_shared > 0 && k < t->plan->nfindings) {
        pl_buf_puts(t->b, ", ");
        pl_buf_fixed(t->b, f->time_shared, 3);
        pl_buf_printf(t->b, " ms of it counted under %zu", k + 1);
    }
}

static void pl_render_finding(pl_tree *t, const planlint_finding *f, size_t k)
{
    pl_buf_printf(t->b, "%zu. ", k);
    pl_color(t, pl_severity_color(f->severity));
    pl_buf_puts(t->b, planlint_severity_name(f->severity));
    pl_color(t, PL_C_RESET);
    pl_buf_printf(t->b, " %s %s", f->rule->id, f->rule->name);
    if (f->node)
        pl_buf_printf(t->b, " on #%zu", f->node->id);
    if (!isnan(f->time_at_stake))
        pl_render_stake(t, f);
    pl_line_end(t);
    pl_indented(t, f->message, "   ", "   ");
    pl_color(t, PL_C_DIM);
    pl_indented(t, f->advice, "   -> ", "      ");
    pl_render_verification(t, f);
    pl_color(t, PL_C_RESET);
}

static void pl_render_findings(pl_tree *t)
{
    size_t i;

    if (!t->plan->checked)
        return;
    pl_line_end(t);
    pl_color(t, PL_C_BOLD);
    if (t->plan->nfindings == 0)
        pl_buf_puts(t->b, t->plan->nsuppressed ? "No new findings." : "No findings.");
    else
        pl_buf_printf(t->b, "Findings (%zu), most severe first, then most time at stake:", t->plan->nfindings);
    pl_color(t, PL_C_RESET);
    pl_line_end(t);
    if (t->plan->nsuppressed) {
        pl_buf_printf(t->b, "%zu known finding%s suppressed by the baseline.", t->plan->nsuppressed,
                      t->plan->nsuppressed == 1 ? "" : "s");
        pl_line_end(t);
    }
    for (i = 0; i < t->plan->nfindings; i++)
        pl_render_finding(t, t->plan->findings[i], i + 1);
}

static unsigned int pl_max_levels(const planlint_render_options *o)
{
    unsigned int w = o->width ? o->width : 240;
    /* Keep at least ~30 columns for the node text after the guides. */
    return w > PL_COLS_ANALYZE + 30 + 8 ? (w - PL_COLS_ANALYZE - 30) / 2 : 4;
}

void pl_render_tree(pl_buf *b, const planlint_plan *plan, size_t nplans,
                    const planlint_render_options *opts)
{
    pl_tree t;
    size_t i;

    memset(&t, 0, sizeof(t));
    t.b = b;
    t.plan = plan;
    t.o = opts;
    t.analyze = (plan->flags & PLANLINT_PLAN_HAS_ANALYZE) != 0;
    t.line_start = b->len;
    t.max_levels = pl_max_levels(opts);
    if (opts->unicode) {
        t.vert = "\xe2\x94\x82 ";
        t.tee = "\xe2\x94\x9c ";
        t.elbow = "\xe2\x94\x94 ";
        t.ellipsis = "\xe2\x80\xa6";
    } else {
        t.vert = "| ";
        t.tee = "|-";
        t.elbow = "`-";
        t.ellipsis = "~";
    }
    t.blank = "  ";
    if (plan->index > 0)
        pl_line_end(&t);
    pl_plan_header(&t, nplans);
    pl_columns_header(&t);
    pl_sort_markers(&t);
    for (i = 0; i < plan->nnodes; i++)
        pl_render_node(&t, plan->nodes[i]);
    pl_free((void *)t.by_node);
    pl_render_findings(&t);
}
