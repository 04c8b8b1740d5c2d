/* tree.c - the annotated tree: numbers in fixed columns on the left, the plan
 * drawn on the right, details under each node. Fits 100 columns; deep plans are
 * drawn with their indentation folded so the text never walks off the screen. */
#include "render.h"
#include "finding.h"
#include "alloc.h"
#include "stats.h"

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
    int hold;                    /* offsets into b are kept: no flushing */
    unsigned int max_levels;     /* tree levels drawn before indentation folds */
    unsigned int cols;           /* number columns shown (bits of pl_columns[]) */
    size_t colw;                 /* their width, with the two blanks before the tree */
    size_t *fold;                /* by node id: siblings folded into one line from here */
    int bare;                    /* for other renderers: no columns, no guides */
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

/* The number columns, left to right, and the order a narrow terminal drops them in
 * (0: kept): the node text stays readable, exclusive time and share stay. */
enum { PL_COL_EXCL, PL_COL_SELF, PL_COL_INCL, PL_COL_ROWS, PL_COL_EST, PL_COL_LOOPS, PL_NCOLS_ANALYZE };
enum { PL_COL_STARTUP, PL_COL_TOTAL, PL_COL_EST_ROWS, PL_COL_WIDTH, PL_NCOLS_PLAIN };

static const struct {
    const char *label;
    size_t width;
    int drop;
} pl_cols_analyze[] = {
    { "excl ms", 10, 0 }, { "self", 7, 0 }, { "incl ms", 11, 3 },
    { "rows", 12, 4 }, { " vs est  ", 9, 1 }, { "loops", 6, 2 },
}, pl_cols_plain[] = {
    { "startup cost", 14, 2 }, { "total cost", 14, 0 }, { "est rows", 12, 3 }, { "width", 7, 1 },
};

/* Columns left for the guides and the node text before columns are dropped: what the
 * full set leaves at 100 columns. */
#define PL_NODE_ROOM 43

#define PL_SHOWN(t, c) (((t)->cols >> (c)) & 1u)

static void pl_layout(pl_tree *t)
{
    size_t n = t->analyze ? PL_NCOLS_ANALYZE : PL_NCOLS_PLAIN, i;
    int step;

    t->cols = (1u << n) - 1;
    t->colw = 2;
    if (!t->analyze && !(t->plan->flags & PLANLINT_PLAN_HAS_COSTS)) {
        t->cols = 0;   /* EXPLAIN (COSTS OFF): no numbers at all, so no columns */
        return;
    }
    for (i = 0; i < n; i++)
        t->colw += t->analyze ? pl_cols_analyze[i].width : pl_cols_plain[i].width;
    for (step = 1; t->o->width && t->o->width < t->colw + PL_NODE_ROOM; step++) {
        for (i = 0; i < n && (t->analyze ? pl_cols_analyze[i].drop : pl_cols_plain[i].drop) != step; i++)
            ;
        if (i == n)
            break;
        t->cols &= ~(1u << i);
        t->colw -= t->analyze ? pl_cols_analyze[i].width : pl_cols_plain[i].width;
    }
}

static void pl_hcell(pl_tree *t, const char *label, size_t width)
{
    size_t start = t->b->len;

    pl_buf_puts(t->b, label);
    pl_buf_align_right(t->b, start, width);
}

static void pl_columns_header(pl_tree *t)
{
    size_t i;

    pl_color(t, PL_C_DIM);
    for (i = 0; t->analyze && i < PL_NCOLS_ANALYZE; i++)
        if (PL_SHOWN(t, i)) {
            if (i == PL_COL_EST)
                pl_buf_puts(t->b, pl_cols_analyze[i].label);
            else
                pl_hcell(t, pl_cols_analyze[i].label, pl_cols_analyze[i].width);
        }
    for (i = 0; !t->analyze && i < PL_NCOLS_PLAIN; i++)
        if (PL_SHOWN(t, i))
            pl_hcell(t, pl_cols_plain[i].label, pl_cols_plain[i].width);
    pl_buf_puts(t->b, "  node");
    pl_color(t, PL_C_RESET);
    pl_line_end(t);
}

static void pl_node_numbers(pl_tree *t, const planlint_node *n)
{
    if (!t->analyze) {
        if (PL_SHOWN(t, PL_COL_STARTUP))
            pl_cell_fixed(t, n->m[PLANLINT_M_STARTUP_COST], 2, 14);
        if (PL_SHOWN(t, PL_COL_TOTAL))
            pl_cell_fixed(t, n->m[PLANLINT_M_TOTAL_COST], 2, 14);
        if (PL_SHOWN(t, PL_COL_EST_ROWS))
            pl_cell_count(t, n->m[PLANLINT_M_PLAN_ROWS], 12);
        if (PL_SHOWN(t, PL_COL_WIDTH))
            pl_cell_count(t, n->m[PLANLINT_M_PLAN_WIDTH], 7);
        pl_buf_puts(t->b, "  ");
        return;
    }
    if (n->never_executed) {
        size_t start = t->b->len;
        pl_color(t, PL_C_DIM);
        pl_buf_puts(t->b, "    never executed");
        pl_color(t, PL_C_RESET);
        pl_pad_to(t, start, t->colw);
        return;
    }
    pl_cell_fixed(t, n->m[PLANLINT_M_EXCLUSIVE_TIME], 3, 10);
    pl_cell_share(t, n->m[PLANLINT_M_EXCLUSIVE_SHARE]);
    if (PL_SHOWN(t, PL_COL_INCL))
        pl_cell_fixed(t, n->m[PLANLINT_M_INCLUSIVE_TIME], 3, 11);
    if (PL_SHOWN(t, PL_COL_ROWS))
        pl_cell_count(t, n->m[PLANLINT_M_ACTUAL_ROWS], 12);
    if (PL_SHOWN(t, PL_COL_EST))
        pl_cell_estimate(t, n);
    if (PL_SHOWN(t, PL_COL_LOOPS))
        pl_cell_count(t, n->m[PLANLINT_M_ACTUAL_LOOPS], 6);
    pl_buf_puts(t->b, "  ");
}

/* ------------------------------------------------------------ tree drawing */

static int pl_is_last_child(const planlint_node *n)
{
    return !n->parent || n->parent->children[n->parent->nchildren - 1] == n;
}

/* The guide drawn as for n, except that `last` says whether n ends its siblings (a
 * folded run draws as one node: the last of the run decides). */
static void pl_tree_prefix_as(pl_tree *t, const planlint_node *n, int self, int last)
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
        pl_buf_puts(t->b, last ? t->elbow : t->tee);
    else
        pl_buf_puts(t->b, last ? t->blank : t->vert);
}

/* The guide before a node or its detail lines; `self` is 1 on the node's own line. */
static void pl_tree_prefix(pl_tree *t, const planlint_node *n, int self)
{
    pl_tree_prefix_as(t, n, self, pl_is_last_child(n));
}

/* Guide for detail lines: the node's own column continues if it has children. */
static void pl_detail_prefix(pl_tree *t, const planlint_node *n)
{
    if (t->bare)
        return;
    pl_buf_repeat(t->b, " ", t->colw);
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

static void pl_marker(pl_tree *t, const planlint_finding *f, int *first)
{
    pl_buf_puts(t->b, *first ? " [" : " ");
    pl_color(t, pl_severity_color(f->severity));
    pl_buf_puts(t->b, f->rule->id);
    pl_color(t, PL_C_RESET);
    *first = 0;
}

/* " [PL007 PL005]": the findings about this node, after its title. Nodes are drawn
 * in id order, so a cursor over the findings sorted by node finds them. */
static void pl_node_markers(pl_tree *t, const planlint_node *n)
{
    int first = 1;

    while (t->by_node && t->marker < t->plan->nfindings && t->by_node[t->marker]->node &&
           t->by_node[t->marker]->node->id <= n->id) {
        const planlint_finding *f = t->by_node[t->marker++];
        if (f->node == n)
            pl_marker(t, f, &first);
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
        pl_buf_puts(t->b, p->flags & PLANLINT_PLAN_HAS_COSTS
                              ? "No ANALYZE: estimates only. Re-run with EXPLAIN (ANALYZE, BUFFERS) for real numbers."
                              : "No ANALYZE, COSTS OFF: no numbers. Re-run with EXPLAIN (ANALYZE, BUFFERS) for real ones.");
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

/* What hypopg said of the suggested index, as one sentence (render.h). */
void pl_verification_text(pl_buf *b, const planlint_finding *f)
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
        if (f->together > 1) {
            pl_buf_printf(b, " With all %zu suggested indexes together: estimated cost ", f->together);
            pl_buf_fixed(b, f->together_cost, 2);
            pl_buf_puts(b, f->together_uses ? ", and the planner uses this one." : ", and the planner does NOT use this one then.");
        }
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

static unsigned int pl_max_levels(const pl_tree *t)
{
    unsigned int w = t->o->width ? t->o->width : 240;
    /* Keep at least ~30 columns for the node text after the guides; the plain
     * layout counts as the analyze one, as it always did. */
    size_t cols = t->analyze ? t->colw : t->colw + 8;
    return w > cols + 30 + 8 ? (unsigned int)(w - cols - 30) / 2 : 4;
}

/* ------------------------------------------------------------ folding */

/* Equal but for their runs of digits: readings_20240101 and readings_20240102,
 * big_p7_idx and big_p12_idx (partitions and their indexes). NULL only with NULL. */
static int pl_same_but_digits(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    while (*a && *b) {
        if (*a >= '0' && *a <= '9' && *b >= '0' && *b <= '9') {
            while (*a >= '0' && *a <= '9')
                a++;
            while (*b >= '0' && *b <= '9')
                b++;
        } else if (*a++ != *b++) {
            return 0;
        }
    }
    return *a == *b;
}

/* A node that may vanish into a folded line: nothing above info is said of it, and it
 * does not hold a tenth of the time on its own. */
static int pl_foldable(const pl_tree *t, const planlint_node *n)
{
    size_t i;

    if (n->m[PLANLINT_M_EXCLUSIVE_SHARE] >= 0.1)
        return 0;
    for (i = 0; i < t->plan->nfindings; i++)
        if (t->plan->findings[i]->node == n && t->plan->findings[i]->severity > PLANLINT_SEVERITY_INFO)
            return 0;
    return 1;
}

static int pl_same_str(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Same shape: the same node, the same relation and index but for their numbers, the
 * same children, all foldable. */
static int pl_same_shape(const pl_tree *t, const planlint_node *a, const planlint_node *b, int depth)
{
    static const planlint_node_field same[] = {
        PLANLINT_FIELD_NODE_TYPE, PLANLINT_FIELD_STRATEGY, PLANLINT_FIELD_JOIN_TYPE,
        PLANLINT_FIELD_OPERATION, PLANLINT_FIELD_SCHEMA, PLANLINT_FIELD_CTE,
        PLANLINT_FIELD_FUNCTION, PLANLINT_FIELD_SUBPLAN, PLANLINT_FIELD_PARENT_RELATIONSHIP,
    };
    size_t i;

    if (depth > 8 || a->nchildren != b->nchildren || a->never_executed != b->never_executed)
        return 0;
    for (i = 0; i < sizeof(same) / sizeof(same[0]); i++)
        if (!pl_same_str(a->fields[same[i]], b->fields[same[i]]))
            return 0;
    if (planlint_value_bool(pl_value_get(a->obj, "Parallel Aware")) !=
            planlint_value_bool(pl_value_get(b->obj, "Parallel Aware")) ||
        !pl_same_but_digits(a->fields[PLANLINT_FIELD_RELATION], b->fields[PLANLINT_FIELD_RELATION]) ||
        !pl_same_but_digits(a->fields[PLANLINT_FIELD_INDEX], b->fields[PLANLINT_FIELD_INDEX]) ||
        !pl_foldable(t, a) || !pl_foldable(t, b))
        return 0;
    for (i = 0; i < a->nchildren; i++)
        if (!pl_same_shape(t, a->children[i], b->children[i], depth + 1))
            return 0;
    return 1;
}

/* Marks the runs of more than o->fold siblings of one shape: the first two are drawn,
 * t->fold[id of the third] = how many follow in one line. */
static void pl_plan_folds(pl_tree *t)
{
    const planlint_plan *p = t->plan;
    size_t i, k, run;

    if (!t->o->fold || p->nnodes == 0 || !(t->fold = pl_malloc(p->nnodes * sizeof(*t->fold))))
        return;
    memset(t->fold, 0, p->nnodes * sizeof(*t->fold));
    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        if (n->nchildren <= t->o->fold)
            continue;
        for (k = 0; k < n->nchildren; k += run) {
            for (run = 1; k + run < n->nchildren &&
                          pl_same_shape(t, n->children[k], n->children[k + run], 0); run++)
                ;
            if (run > t->o->fold)
                t->fold[n->children[k + 2]->id] = run - 2;
        }
    }
}

static const planlint_node *pl_last_descendant(const planlint_node *n)
{
    while (n->nchildren)
        n = n->children[n->nchildren - 1];
    return n;
}

/* The part of the names the run shares, then "*": readings_2024*. */
static void pl_fold_name(pl_tree *t, const planlint_node *first, size_t count, planlint_node_field f)
{
    const char *name = first->fields[f];
    size_t len = strlen(name), i, k;

    for (i = 0; i < first->parent->nchildren; i++)
        if (first->parent->children[i] == first)
            break;
    for (k = i + 1; k < i + count && k < first->parent->nchildren; k++) {
        const char *o = first->parent->children[k]->fields[f];
        size_t j = 0;
        while (o && j < len && o[j] == name[j])
            j++;
        len = j;
    }
    pl_buf_add_visible(t->b, name, len, 0);
    if (name[len])
        pl_buf_putc(t->b, '*');
}

/* Sums over the folded siblings and everything under them. */
static void pl_fold_sums(const planlint_node *first, const planlint_node *end, double *excl, double *share,
                         double *bufs)
{
    const planlint_node *const *nodes = (const planlint_node *const *)first->plan->nodes;
    size_t i, c;

    for (i = first->id; i <= end->id; i++) {
        const planlint_node *n = nodes[i];
        if (!isnan(n->m[PLANLINT_M_EXCLUSIVE_TIME]))
            *excl = (isnan(*excl) ? 0 : *excl) + n->m[PLANLINT_M_EXCLUSIVE_TIME];
        if (!isnan(n->m[PLANLINT_M_EXCLUSIVE_SHARE]))
            *share = (isnan(*share) ? 0 : *share) + n->m[PLANLINT_M_EXCLUSIVE_SHARE];
        for (c = 0; c < PL_NBUFCOLS; c++)
            if (n->m[pl_buffer_columns[c].excl] > 0)
                bufs[c] += n->m[pl_buffer_columns[c].excl];
    }
}

static double pl_sum_top(const planlint_node *first, size_t count, planlint_metric m)
{
    const planlint_node *parent = first->parent;
    double sum = NAN;
    size_t i, k;

    for (i = 0; parent->children[i] != first; i++)
        ;
    for (k = i; k < i + count; k++)
        if (!isnan(parent->children[k]->m[m]))
            sum = (isnan(sum) ? 0 : sum) + parent->children[k]->m[m];
    return sum;
}

static void pl_fold_numbers(pl_tree *t, const planlint_node *first, size_t count, double excl, double share)
{
    if (!t->analyze) {
        if (PL_SHOWN(t, PL_COL_STARTUP))
            pl_buf_repeat(t->b, " ", 14);
        if (PL_SHOWN(t, PL_COL_TOTAL))
            pl_cell_fixed(t, pl_sum_top(first, count, PLANLINT_M_TOTAL_COST), 2, 14);
        if (PL_SHOWN(t, PL_COL_EST_ROWS))
            pl_cell_count(t, pl_sum_top(first, count, PLANLINT_M_PLAN_ROWS), 12);
        if (PL_SHOWN(t, PL_COL_WIDTH))
            pl_buf_repeat(t->b, " ", 7);
        pl_buf_puts(t->b, "  ");
        return;
    }
    pl_cell_fixed(t, excl, 3, 10);
    pl_cell_share(t, share);
    if (PL_SHOWN(t, PL_COL_INCL))
        pl_cell_fixed(t, pl_sum_top(first, count, PLANLINT_M_INCLUSIVE_TIME), 3, 11);
    if (PL_SHOWN(t, PL_COL_ROWS))
        pl_cell_count(t, pl_sum_top(first, count, PLANLINT_M_TOTAL_ROWS), 12);
    if (PL_SHOWN(t, PL_COL_EST))
        pl_buf_repeat(t->b, " ", 9);
    if (PL_SHOWN(t, PL_COL_LOOPS))
        pl_buf_repeat(t->b, " ", 6);
    pl_buf_puts(t->b, "  ");
}

/* One line for `count` siblings from first on, with their subtrees:
 * "×363 Seq Scan on public.readings_2024* (#5..#367)", the sums in the columns. */
/* The last sibling of a fold of count siblings from first. */
static const planlint_node *pl_fold_last(const planlint_node *first, size_t count)
{
    const planlint_node *parent = first->parent;
    size_t i;

    for (i = 0; parent->children[i] != first; i++)
        ;
    return parent->children[i + count - 1];
}

static size_t pl_render_fold(pl_tree *t, const planlint_node *first, size_t count)
{
    const planlint_node *last = pl_fold_last(first, count), *end = pl_last_descendant(last);
    double excl = NAN, share = NAN, bufs[PL_NBUFCOLS] = { 0 };
    size_t c;

    pl_fold_sums(first, end, &excl, &share, bufs);
    pl_fold_numbers(t, first, count, excl, share);
    pl_tree_prefix_as(t, first, 1, pl_is_last_child(last));
    pl_color(t, PL_C_BOLD);
    pl_buf_printf(t->b, "%s%zu ", t->o->unicode ? "\xc3\x97" : "x", count);
    pl_node_pg_name(t->b, first);
    pl_color(t, PL_C_RESET);
    if (first->fields[PLANLINT_FIELD_INDEX]) {
        pl_buf_puts(t->b, " using ");
        pl_fold_name(t, first, count, PLANLINT_FIELD_INDEX);
    }
    if (first->fields[PLANLINT_FIELD_RELATION]) {
        pl_buf_puts(t->b, " on ");
        if (first->fields[PLANLINT_FIELD_SCHEMA])
            pl_word_text(t, "", first->fields[PLANLINT_FIELD_SCHEMA]), pl_buf_putc(t->b, '.');
        pl_fold_name(t, first, count, PLANLINT_FIELD_RELATION);
    }
    pl_color(t, PL_C_DIM);
    pl_buf_printf(t->b, " (#%zu..#%zu)", first->id, end->id);
    pl_color(t, PL_C_RESET);
    pl_line_end(t);
    for (c = 0; c < PL_NBUFCOLS && !(bufs[c] > 0); c++)
        ;
    if (c < PL_NBUFCOLS) {
        pl_buf_repeat(t->b, " ", t->colw);
        pl_tree_prefix_as(t, first, 0, pl_is_last_child(last));
        pl_buf_puts(t->b, t->blank);
        pl_color(t, PL_C_DIM);
        pl_buf_puts(t->b, "Buffers:");
        for (c = 0; c < PL_NBUFCOLS; c++)
            if (bufs[c] > 0)
                pl_kv(t, pl_buffer_columns[c].label, bufs[c]);
        pl_detail_end(t);
    }
    return end->id + 1;
}

/* ------------------------------------------------------------ top nodes */

static int pl_by_time_cmp(const void *a, const void *b)
{
    const planlint_node *x = *(const planlint_node *const *)a, *y = *(const planlint_node *const *)b;
    double tx = x->m[PLANLINT_M_EXCLUSIVE_TIME], ty = y->m[PLANLINT_M_EXCLUSIVE_TIME];

    tx = isnan(tx) ? -1 : tx;
    ty = isnan(ty) ? -1 : ty;
    if (tx != ty)
        return tx > ty ? -1 : 1;
    return x->id < y->id ? -1 : (x->id > y->id ? 1 : 0);
}

static void pl_top_markers(pl_tree *t, const planlint_node *n)
{
    size_t i;
    int first = 1;

    for (i = 0; i < t->plan->nfindings; i++) {
        if (t->plan->findings[i]->node == n)
            pl_marker(t, t->plan->findings[i], &first);
    }
    if (!first)
        pl_buf_putc(t->b, ']');
}

/* "in #0 Aggregate > #1 Append": where the node sits, root first. */
static void pl_top_path(pl_tree *t, const planlint_node *n)
{
    const planlint_node *chain[64], *a;
    size_t k = 0, skipped = 0;

    for (a = n->parent; a; a = a->parent) {
        if (k < 64)
            chain[k++] = a;
        else
            skipped++;
    }
    if (k == 0)
        return;
    pl_buf_repeat(t->b, " ", t->colw);
    pl_color(t, PL_C_DIM);
    pl_buf_puts(t->b, "  in ");
    while (k > 0) {
        a = chain[--k];
        pl_buf_printf(t->b, "#%zu ", a->id);
        pl_node_pg_name(t->b, a);
        if (k > 0)
            pl_buf_puts(t->b, skipped && k == 63 ? " > ... > " : " > ");
    }
    pl_detail_end(t);
}

static void pl_render_top(pl_tree *t)
{
    const planlint_plan *p = t->plan;
    const planlint_node **order;
    size_t n = t->o->top < p->nnodes ? t->o->top : p->nnodes, i;

    if (!(order = pl_malloc(p->nnodes * sizeof(*order)))) {
        t->b->failed = 1;
        return;
    }
    memcpy((void *)order, p->nodes, p->nnodes * sizeof(*order));
    qsort((void *)order, p->nnodes, sizeof(*order), pl_by_time_cmp);
    pl_buf_printf(t->b, "The %zu of %zu nodes with the most exclusive time:", n, p->nnodes);
    pl_line_end(t);
    pl_columns_header(t);
    for (i = 0; i < n; i++) {
        pl_node_numbers(t, order[i]);
        pl_node_title(t, order[i]);
        pl_top_markers(t, order[i]);
        pl_line_end(t);
        pl_top_path(t, order[i]);
    }
    pl_free((void *)order);
}

/* ------------------------------------------------------------ stats */

static void pl_stats_table(pl_tree *t, const pl_stats *st, pl_stat_kind kind, const char *title,
                           const char *what)
{
    static const size_t max_rows = 15;
    size_t i, start;

    if (st->n[kind] == 0)
        return;
    pl_line_end(t);
    pl_color(t, PL_C_BOLD);
    pl_buf_printf(t->b, "%s (%zu):", title, st->n[kind]);
    pl_color(t, PL_C_RESET);
    pl_line_end(t);
    pl_color(t, PL_C_DIM);
    pl_hcell(t, "excl ms", 10);
    pl_hcell(t, "self", 7);
    pl_hcell(t, "rows", 14);
    pl_hcell(t, "hit", 11);
    pl_hcell(t, "read", 11);
    pl_hcell(t, "temp", 9);
    pl_hcell(t, "nodes", 7);
    pl_buf_printf(t->b, "  %s", what);
    pl_color(t, PL_C_RESET);
    pl_line_end(t);
    for (i = 0; i < st->n[kind] && i < max_rows; i++) {
        const pl_stat_row *r = &st->rows[kind][i];
        double total = t->plan->pm[PLANLINT_PLAN_TOTAL_TIME];
        pl_cell_fixed(t, r->excl, 3, 10);
        pl_cell_share(t, total > 0 && !isnan(r->excl) ? r->excl / total : NAN);
        pl_cell_count(t, r->rows, 14);
        pl_cell_count(t, r->hit, 11);
        pl_cell_count(t, r->read, 11);
        pl_cell_count(t, r->temp, 9);
        start = t->b->len;
        pl_buf_printf(t->b, "%zu", r->nodes);
        pl_buf_align_right(t->b, start, 7);
        pl_buf_puts(t->b, "  ");
        pl_text(t, r->key);
        pl_line_end(t);
    }
    if (st->n[kind] > max_rows) {
        pl_color(t, PL_C_DIM);
        pl_buf_printf(t->b, "%s and %zu more (--format json --stats lists them all)", t->ellipsis,
                      st->n[kind] - max_rows);
        pl_color(t, PL_C_RESET);
        pl_line_end(t);
    }
}

static void pl_render_stats(pl_tree *t)
{
    pl_stats st;

    if (pl_stats_compute(&st, t->plan) < 0) {
        t->b->failed = 1;
        return;
    }
    pl_stats_table(t, &st, PL_STAT_TABLE, "Per table", "table");
    pl_stats_table(t, &st, PL_STAT_INDEX, "Per index", "index");
    pl_stats_table(t, &st, PL_STAT_NODE_TYPE, "Per node type", "node type");
    pl_stats_free(&st);
}

/* ------------------------------------------------------------ the whole plan */

/* Trees longer than this get a line on the findings before them: the top of a long
 * output is what a pager shows first. */
#define PL_LONG_TREE_LINES 60

/* "Findings: 3 (1 warning, 2 info), listed after the tree; first: PL004 ... on #5". */
static void pl_findings_summary(pl_tree *t)
{
    size_t i, count[PLANLINT_SEVERITY_ERROR + 1] = { 0 };
    const planlint_finding *f;
    int sev, first = 1;

    if (!t->plan->checked)
        return;
    if (t->plan->nfindings == 0) {
        pl_buf_puts(t->b, "Findings: none.");
        pl_line_end(t);
        return;
    }
    for (i = 0; i < t->plan->nfindings; i++)
        if ((int)t->plan->findings[i]->severity <= PLANLINT_SEVERITY_ERROR)
            count[t->plan->findings[i]->severity]++;
    pl_color(t, PL_C_BOLD);
    pl_buf_printf(t->b, "Findings: %zu", t->plan->nfindings);
    pl_color(t, PL_C_RESET);
    pl_buf_puts(t->b, " (");
    for (sev = PLANLINT_SEVERITY_ERROR; sev >= PLANLINT_SEVERITY_INFO; sev--)
        if (count[sev]) {
            pl_buf_printf(t->b, "%s%zu %s", first ? "" : ", ", count[sev],
                          planlint_severity_name((planlint_severity)sev));
            first = 0;
        }
    f = t->plan->findings[0];
    pl_buf_printf(t->b, "), listed after the tree; first: %s %s", f->rule->id, f->rule->name);
    if (f->node)
        pl_buf_printf(t->b, " on #%zu", f->node->id);
    pl_line_end(t);
}

/* At a line's start between nodes: with a sink, the text so far may go out. */
static void pl_tree_flush(pl_tree *t)
{
    if (t->hold || t->line_start != t->b->len)
        return;
    pl_buf_flush(t->b);
    t->line_start = t->b->len;
}

/* The nodes after pl_plan_folds(). */
static void pl_render_nodes(pl_tree *t)
{
    const planlint_plan *plan = t->plan;
    size_t i;

    for (i = 0; i < plan->nnodes;) {
        if (t->fold && t->fold[i])
            i = pl_render_fold(t, plan->nodes[i], t->fold[i]);
        else
            pl_render_node(t, plan->nodes[i++]);
        pl_tree_flush(t);
    }
}

/* Lines the tree draws at least: one per node or fold of nodes. */
static size_t pl_node_lines(const pl_tree *t)
{
    const planlint_plan *plan = t->plan;
    size_t i, lines = 0;

    for (i = 0; i < plan->nnodes; lines++)
        i = t->fold && t->fold[i]
                ? pl_last_descendant(pl_fold_last(plan->nodes[i], t->fold[i]))->id + 1
                : i + 1;
    return lines;
}

/* A long tree gets a summary of the findings before it. When its node lines alone
 * make it long, the summary comes first and the tree may go out as it is drawn;
 * else the tree is held, its lines counted, and the summary put in before it. */
static void pl_render_body(pl_tree *t)
{
    pl_buf *out = t->b, sum;
    size_t i, lines = 0, from;
    int surely_long;

    if (t->o->findings_only)
        return;
    if (t->o->top) {
        pl_render_top(t);
        return;
    }
    pl_plan_folds(t);
    if ((surely_long = pl_node_lines(t) > PL_LONG_TREE_LINES))
        pl_findings_summary(t);
    from = out->len;
    t->hold = !surely_long;
    pl_columns_header(t);
    pl_render_nodes(t);
    t->hold = 0;
    pl_free(t->fold);
    t->fold = NULL;
    for (i = from; !surely_long && i < out->len; i++)
        lines += out->data[i] == '\n';
    if (lines <= PL_LONG_TREE_LINES || out->failed)
        return;
    pl_buf_init(&sum);
    t->b = &sum;
    t->line_start = 0;
    pl_findings_summary(t);
    t->b = out;
    if (sum.failed)
        out->failed = 1;
    else if (sum.len)
        pl_buf_insert(out, from, sum.data, sum.len);
    t->line_start = out->len;
    pl_buf_release(&sum);
}

void pl_render_tree(pl_buf *b, const planlint_plan *plan, size_t nplans,
                    const planlint_render_options *opts)
{
    pl_tree t;

    memset(&t, 0, sizeof(t));
    t.b = b;
    t.plan = plan;
    t.o = opts;
    t.analyze = (plan->flags & PLANLINT_PLAN_HAS_ANALYZE) != 0;
    t.line_start = b->len;
    pl_layout(&t);
    t.max_levels = pl_max_levels(&t);
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
    pl_sort_markers(&t);
    pl_render_body(&t);
    pl_free((void *)t.by_node);
    if (opts->stats)
        pl_render_stats(&t);
    pl_render_findings(&t);
}

/* ------------------------------------------------------------ shared words */

/* A tree with no colour, no width and no guides: the same words for other renderers. */
static void pl_tree_bare(pl_tree *t, pl_buf *b, const planlint_plan *plan)
{
    static const planlint_render_options plain = { PLANLINT_RENDER_OPTIONS_VERSION, PLANLINT_OUTPUT_TREE,
                                                   0, 0, 1, NULL, 0, 0, 0, 0 };

    memset(t, 0, sizeof(*t));
    t->b = b;
    t->plan = plan;
    t->o = &plain;
    t->analyze = (plan->flags & PLANLINT_PLAN_HAS_ANALYZE) != 0;
    t->line_start = b->len;
    t->bare = 1;
    t->vert = t->tee = t->elbow = t->blank = "";
    t->ellipsis = "\xe2\x80\xa6";
}

void pl_tree_node_title(pl_buf *b, const planlint_node *n)
{
    pl_tree t;

    pl_tree_bare(&t, b, n->plan);
    pl_node_title(&t, n);
}

void pl_tree_node_details(pl_buf *b, const planlint_node *n)
{
    pl_tree t;

    pl_tree_bare(&t, b, n->plan);
    pl_node_details(&t, n);
}

void pl_tree_finding_stake(pl_buf *b, const planlint_plan *plan, const planlint_finding *f)
{
    pl_tree t;

    pl_tree_bare(&t, b, plan);
    if (!isnan(f->time_at_stake))
        pl_render_stake(&t, f);
}

void pl_tree_verification(pl_buf *b, const planlint_finding *f)
{
    pl_verification_text(b, f);
}
