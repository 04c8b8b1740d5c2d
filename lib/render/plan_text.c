/* plan_text.c - planlint_plan_write_text(): the plans of a list written as EXPLAIN
 * (FORMAT TEXT) prints them, from the value tree that any input format read into: the
 * node lines with "->", costs and actuals, then each node's detail lines in the order
 * of its keys, the way PostgreSQL's explain.c words them (lib/planlint.h). What
 * planlint_plan_anonymize() replaced is written replaced. */
#include "render.h"
#include "build.h"
#include "error.h"

#include <math.h>
#include <string.h>

typedef struct pl_text {
    pl_buf *b;
    int verbose;     /* EXPLAIN VERBOSE: some lines show only then (Inner Unique) */
} pl_text;

static const planlint_value *pl_get(const planlint_value *o, const char *key)
{
    return o && o->type == PLANLINT_VALUE_OBJECT ? pl_value_get(o, key) : NULL;
}

static const char *pl_str(const planlint_value *o, const char *key)
{
    const planlint_value *v = pl_get(o, key);

    return v && v->type == PLANLINT_VALUE_STRING ? v->string : NULL;
}

/* The number under key, NaN when there is none. */
static double pl_num(const planlint_value *o, const char *key)
{
    const planlint_value *v = pl_get(o, key);

    return v && v->type == PLANLINT_VALUE_NUMBER ? v->number : NAN;
}

static int pl_positive(const planlint_value *o, const char *key)
{
    return pl_num(o, key) > 0;
}

/* Text from the plan: controls made visible, as in every text planlint writes. */
static void pl_put(pl_buf *b, const char *s)
{
    pl_buf_add_visible(b, s, strlen(s), 0);
}

/* What tmp holds, as pl_put() writes it; tmp is released. */
static void pl_put_buf(pl_buf *b, pl_buf *tmp)
{
    pl_buf_putc(tmp, '\0');
    if (tmp->failed)
        b->failed = 1;
    else
        pl_put(b, tmp->data);
    pl_buf_release(tmp);
}

/* A name as quote_identifier() prints it ("*VALUES*", "Order Items"), controls visible. */
static void pl_ident(pl_buf *b, const char *name)
{
    pl_buf q;

    pl_buf_init(&q);
    pl_sql_put_ident(&q, name);
    pl_put_buf(b, &q);
}

/* A count as explain.c prints it: "%.0f", or two decimals when it has a fraction (rows
 * since PostgreSQL 18 are averages printed "10.00"). */
static void pl_count(pl_buf *b, const planlint_value *v)
{
    if (!v || v->type != PLANLINT_VALUE_NUMBER)
        return;
    pl_buf_fixed(b, v->number, v->is_integer ? 0 : 2);
}

static void pl_indent(pl_buf *b, unsigned int indent)
{
    if (b->len == 0 || b->data[b->len - 1] == '\n')
        pl_buf_repeat(b, "  ", indent);
}

static void pl_value_text(pl_buf *b, const planlint_value *v);

/* ---------------------------------------------------------------- the node line */

/* "Hash Left Join", "Partial HashAggregate", "HashSetOp Except", "Delete", ... */
static void pl_node_name(pl_buf *b, const planlint_value *n)
{
    const char *type = pl_str(n, "Node Type"), *s, *mode = pl_str(n, "Partial Mode"), *op = pl_str(n, "Operation");
    const char *join = pl_str(n, "Join Type");

    if (!type)
        type = "?";
    if (strcmp(type, "Aggregate") == 0 && mode && strcmp(mode, "Simple") != 0)
        pl_buf_printf(b, "%s ", mode);
    if (strcmp(type, "Aggregate") == 0 && (s = pl_str(n, "Strategy")) != NULL)
        pl_buf_puts(b, !strcmp(s, "Sorted") ? "GroupAggregate" : !strcmp(s, "Hashed") ? "HashAggregate"
                       : !strcmp(s, "Mixed") ? "MixedAggregate" : "Aggregate");
    else if (strcmp(type, "SetOp") == 0)
        pl_buf_puts(b, (s = pl_str(n, "Strategy")) && !strcmp(s, "Hashed") ? "HashSetOp" : "SetOp");
    else if (strcmp(type, "ModifyTable") == 0 && op)
        pl_buf_puts(b, op);
    else if (strcmp(type, "Foreign Scan") == 0 && op && strcmp(op, "Select") != 0)
        pl_buf_printf(b, "Foreign %s", op);
    else if (strcmp(type, "Custom Scan") == 0 && (s = pl_str(n, "Custom Plan Provider")) != NULL)
        pl_buf_printf(b, "Custom Scan (%s)", s);
    else if (join && strcmp(join, "Inner") != 0 && strcmp(type, "Nested Loop") == 0)
        pl_buf_printf(b, "Nested Loop %s Join", join);
    else if (join && strcmp(join, "Inner") != 0 && strlen(type) > 5)
        pl_buf_printf(b, "%.*s %s Join", (int)(strlen(type) - 5), type, join);
    else
        pl_buf_puts(b, type);
    if (strcmp(type, "SetOp") == 0 && (s = pl_str(n, "Command")) != NULL)
        pl_buf_printf(b, " %s", s);
}

/* The node's name from the plan's strings, controls made visible. */
static void pl_node_label(pl_buf *b, const planlint_value *n)
{
    pl_buf name;

    pl_buf_init(&name);
    pl_node_name(&name, n);
    pl_put_buf(b, &name);
}

/* The object a scan reads, under the key its kind uses. */
static const char *pl_scan_object(const planlint_value *n)
{
    static const char *const keys[] = { "Relation Name", "Function Name", "Table Function Name", "CTE Name",
                                        "Tuplestore Name" };
    size_t i;

    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (pl_str(n, keys[i]))
            return pl_str(n, keys[i]);
    return NULL;
}

/* " Backward using idx on schema.rel alias", " on idx" for a Bitmap Index Scan. */
static void pl_node_target(pl_buf *b, const planlint_value *n)
{
    const char *index = pl_str(n, "Index Name"), *alias = pl_str(n, "Alias"), *dir = pl_str(n, "Scan Direction");
    const char *object = pl_scan_object(n), *schema = pl_str(n, "Schema");

    if (dir && strcmp(dir, "Backward") == 0)
        pl_buf_puts(b, " Backward");
    if (index) {
        pl_buf_puts(b, alias ? " using " : " on ");
        pl_ident(b, index);
    }
    if (!alias)
        return;
    pl_buf_puts(b, " on");
    if (object) {
        pl_buf_putc(b, ' ');
        if (schema) {
            pl_ident(b, schema);
            pl_buf_putc(b, '.');
        }
        pl_ident(b, object);
    }
    if (!object || strcmp(object, alias) != 0) {
        pl_buf_putc(b, ' ');
        pl_ident(b, alias);
    }
}

/* "actual time=0.010..1.000 rows=5 loops=1" (no timing: "actual rows=5 loops=1"). */
static void pl_actuals(pl_buf *b, const planlint_value *n)
{
    double start = pl_num(n, "Actual Startup Time"), total = pl_num(n, "Actual Total Time");

    pl_buf_puts(b, "actual ");
    if (!isnan(start) && !isnan(total)) {
        pl_buf_puts(b, "time=");
        pl_buf_fixed(b, start, 3);
        pl_buf_puts(b, "..");
        pl_buf_fixed(b, total, 3);
        pl_buf_putc(b, ' ');
    }
    pl_buf_puts(b, "rows=");
    pl_count(b, pl_get(n, "Actual Rows"));
    pl_buf_puts(b, " loops=");
    pl_count(b, pl_get(n, "Actual Loops"));
}

static void pl_node_numbers(pl_buf *b, const planlint_value *n)
{
    double loops = pl_num(n, "Actual Loops");

    if (pl_get(n, "Startup Cost")) {
        pl_buf_puts(b, "  (cost=");
        pl_buf_fixed(b, pl_num(n, "Startup Cost"), 2);
        pl_buf_puts(b, "..");
        pl_buf_fixed(b, pl_num(n, "Total Cost"), 2);
        pl_buf_puts(b, " rows=");
        pl_count(b, pl_get(n, "Plan Rows"));
        pl_buf_puts(b, " width=");
        pl_count(b, pl_get(n, "Plan Width"));
        pl_buf_putc(b, ')');
    }
    if (loops == 0) {
        pl_buf_puts(b, " (never executed)");
    } else if (!isnan(loops)) {
        pl_buf_puts(b, " (");
        pl_actuals(b, n);
        pl_buf_putc(b, ')');
    }
}

/* ---------------------------------------------------------------- detail lines */

static int pl_any_positive(const planlint_value *o, const char *const *keys, size_t n)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (pl_positive(o, keys[i]))
            return 1;
    return 0;
}

/* " shared hit=1 read=2": the prefix and each positive counter of keys[0..n). */
static void pl_counters(pl_buf *b, const planlint_value *o, const char *prefix, const char *const *keys,
                        const char *const *names, size_t n, int decimals)
{
    size_t i;

    if (*prefix)
        pl_buf_printf(b, " %s", prefix);
    for (i = 0; i < n; i++)
        if (pl_positive(o, keys[i])) {
            pl_buf_printf(b, " %s=", names[i]);
            pl_buf_fixed(b, pl_num(o, keys[i]), decimals);
        }
}

/* One part of a "Buffers:" or "I/O Timings:" line: "shared hit=1 read=2". */
typedef struct pl_part {
    const char *prefix;
    const char *const *keys, *const *names;
    size_t n;
} pl_part;

/* label, then each part with a counter above 0, parts separated by ','; no line when
 * none has one. */
static void pl_parts_line(pl_buf *b, const planlint_value *o, unsigned int indent, const char *label,
                          const pl_part *parts, size_t n, int decimals)
{
    size_t i;
    int any = 0;

    for (i = 0; i < n; i++)
        if (pl_any_positive(o, parts[i].keys, parts[i].n)) {
            if (!any) {
                pl_indent(b, indent);
                pl_buf_puts(b, label);
            }
            pl_buf_puts(b, any ? "," : "");
            pl_counters(b, o, parts[i].prefix, parts[i].keys, parts[i].names, parts[i].n, decimals);
            any = 1;
        }
    if (any)
        pl_buf_putc(b, '\n');
}

static void pl_line_buffers(pl_buf *b, const planlint_value *o, unsigned int indent)
{
    static const char *const shared[] = { "Shared Hit Blocks", "Shared Read Blocks", "Shared Dirtied Blocks",
                                          "Shared Written Blocks" };
    static const char *const local[] = { "Local Hit Blocks", "Local Read Blocks", "Local Dirtied Blocks",
                                         "Local Written Blocks" };
    static const char *const temp[] = { "Temp Read Blocks", "Temp Written Blocks" };
    static const char *const names[] = { "hit", "read", "dirtied", "written" }, *const tnames[] = { "read", "written" };
    const pl_part parts[] = { { "shared", shared, names, 4 }, { "local", local, names, 4 }, { "temp", temp, tnames, 2 } };

    pl_parts_line(b, o, indent, "Buffers:", parts, 3, 0);
}

/* PostgreSQL 14 and older print "read=1.2" alone; 15 and 16 "shared read=" beside the
 * temp timings; 17 and later shared, local and temp each. */
static void pl_line_io(pl_buf *b, const planlint_value *o, unsigned int indent)
{
    static const char *const old[] = { "I/O Read Time", "I/O Write Time" };
    static const char *const shared[] = { "Shared I/O Read Time", "Shared I/O Write Time" };
    static const char *const local[] = { "Local I/O Read Time", "Local I/O Write Time" };
    static const char *const temp[] = { "Temp I/O Read Time", "Temp I/O Write Time" };
    static const char *const names[] = { "read", "write" };
    const pl_part parts[] = { { pl_get(o, temp[0]) ? "shared" : "", old, names, 2 }, { "shared", shared, names, 2 },
                              { "local", local, names, 2 }, { "temp", temp, names, 2 } };

    pl_parts_line(b, o, indent, "I/O Timings:", parts, 4, 3);
}

static void pl_line_wal(pl_buf *b, const planlint_value *o, unsigned int indent)
{
    static const char *const keys[] = { "WAL Records", "WAL FPI", "WAL Bytes", "WAL Buffers Full" };
    static const char *const names[] = { "records", "fpi", "bytes", "buffers full" };
    size_t i;

    if (!pl_any_positive(o, keys, 4))
        return;
    pl_indent(b, indent);
    pl_buf_puts(b, "WAL:");
    for (i = 0; i < 4; i++)
        if (pl_positive(o, keys[i])) {
            pl_buf_printf(b, " %s=", names[i]);
            pl_buf_fixed(b, pl_num(o, keys[i]), 0);
        }
    pl_buf_putc(b, '\n');
}

static void pl_kb(pl_buf *b, const char *label, double kb)
{
    pl_buf_printf(b, "%s: ", label);
    pl_buf_fixed(b, kb, 0);
    pl_buf_puts(b, "kB");
}

static void pl_line_sort(pl_buf *b, const planlint_value *o, unsigned int indent)
{
    const char *type = pl_str(o, "Sort Space Type");

    pl_indent(b, indent);
    pl_buf_puts(b, "Sort Method: ");
    pl_put(b, pl_str(o, "Sort Method") ? pl_str(o, "Sort Method") : "?");
    if (type && !isnan(pl_num(o, "Sort Space Used"))) {
        pl_buf_puts(b, "  ");
        pl_kb(b, type, pl_num(o, "Sort Space Used"));
    }
    pl_buf_putc(b, '\n');
}

/* "Buckets: 1024", or "Buckets: 1024 (originally 512)" when orig is given. */
static void pl_with_original(pl_buf *b, const planlint_value *o, const char *label, const char *key,
                             const char *orig)
{
    pl_buf_printf(b, "%s: ", label);
    pl_buf_fixed(b, pl_num(o, key), 0);
    if (orig) {
        pl_buf_puts(b, " (originally ");
        pl_buf_fixed(b, pl_num(o, orig), 0);
        pl_buf_putc(b, ')');
    }
}

static void pl_line_hash(pl_buf *b, const planlint_value *o, unsigned int indent)
{
    int changed = pl_num(o, "Hash Buckets") != pl_num(o, "Original Hash Buckets") ||
                  pl_num(o, "Hash Batches") != pl_num(o, "Original Hash Batches");

    pl_indent(b, indent);
    if (changed) {
        pl_with_original(b, o, "Buckets", "Hash Buckets", "Original Hash Buckets");
        pl_buf_puts(b, "  ");
        pl_with_original(b, o, "Batches", "Hash Batches", "Original Hash Batches");
    } else {
        pl_with_original(b, o, "Buckets", "Hash Buckets", NULL);
        pl_buf_puts(b, "  ");
        pl_with_original(b, o, "Batches", "Hash Batches", NULL);
    }
    pl_buf_puts(b, "  ");
    pl_kb(b, "Memory Usage", pl_num(o, "Peak Memory Usage"));
    pl_buf_putc(b, '\n');
}

/* "Planned Partitions: 8  Batches: 41  Memory Usage: 561kB  Disk Usage: 15728kB"; the
 * disk only after a spill, the partitions only when planned. */
static void pl_line_hashagg(pl_buf *b, const planlint_value *o, unsigned int indent)
{
    int planned = pl_positive(o, "Planned Partitions"), batches = pl_get(o, "HashAgg Batches") != NULL;

    if (!planned && !batches)
        return;
    pl_indent(b, indent);
    if (planned) {
        pl_buf_puts(b, "Planned Partitions: ");
        pl_buf_fixed(b, pl_num(o, "Planned Partitions"), 0);
    }
    if (batches) {
        pl_buf_puts(b, planned ? "  Batches: " : "Batches: ");
        pl_buf_fixed(b, pl_num(o, "HashAgg Batches"), 0);
        pl_buf_puts(b, "  ");
        pl_kb(b, "Memory Usage", pl_num(o, "Peak Memory Usage"));
    }
    if (pl_num(o, "HashAgg Batches") > 1) {
        pl_buf_puts(b, "  ");
        pl_kb(b, "Disk Usage", pl_num(o, "Disk Usage"));
    }
    pl_buf_putc(b, '\n');
}

static void pl_line_heap_blocks(pl_buf *b, const planlint_value *o, unsigned int indent)
{
    static const char *const keys[] = { "Exact Heap Blocks", "Lossy Heap Blocks" }, *const names[] = { "exact", "lossy" };

    if (!pl_any_positive(o, keys, 2))
        return;
    pl_indent(b, indent);
    pl_buf_puts(b, "Heap Blocks:");
    pl_counters(b, o, "", keys, names, 2, 0);
    pl_buf_putc(b, '\n');
}

/* Memoize: shown once the cache missed at least once. */
static void pl_line_cache(pl_buf *b, const planlint_value *o, unsigned int indent)
{
    static const char *const keys[] = { "Cache Hits", "Cache Misses", "Cache Evictions", "Cache Overflows" };
    static const char *const names[] = { "Hits", "Misses", "Evictions", "Overflows" };
    size_t i;

    if (!pl_positive(o, "Cache Misses"))
        return;
    pl_indent(b, indent);
    for (i = 0; i < 4; i++) {
        pl_buf_printf(b, "%s: ", names[i]);
        pl_buf_fixed(b, pl_num(o, keys[i]), 0);
        pl_buf_puts(b, "  ");
    }
    pl_kb(b, "Memory Usage", pl_num(o, "Peak Memory Usage"));
    pl_buf_putc(b, '\n');
}

/* "Sampling: system ('10'::real) REPEATABLE ('42'::double precision)" */
static void pl_line_sampling(pl_buf *b, const planlint_value *o, unsigned int indent)
{
    const planlint_value *params = pl_get(o, "Sampling Parameters"), *seed = pl_get(o, "Repeatable Seed");

    pl_indent(b, indent);
    pl_buf_puts(b, "Sampling: ");
    pl_put(b, pl_str(o, "Sampling Method") ? pl_str(o, "Sampling Method") : "?");
    pl_buf_puts(b, " (");
    if (params)
        pl_value_text(b, params);
    pl_buf_putc(b, ')');
    if (seed) {
        pl_buf_puts(b, " REPEATABLE (");
        pl_value_text(b, seed);
        pl_buf_putc(b, ')');
    }
    pl_buf_putc(b, '\n');
}

/* "Full-sort Groups: 59  Sort Method: quicksort  Average Memory: 27kB  Peak Memory: 27kB" */
static void pl_line_sort_groups(pl_buf *b, const char *label, const planlint_value *g, unsigned int indent)
{
    static const char *const spaces[][2] = { { "Sort Space Memory", "Memory" }, { "Sort Space Disk", "Disk" } };
    const planlint_value *m = pl_get(g, "Sort Methods Used");
    size_t i;

    pl_indent(b, indent);
    pl_buf_printf(b, "%s Groups: ", label);
    pl_count(b, pl_get(g, "Group Count"));
    pl_buf_printf(b, "  Sort Method%s: ", m && m->size > 1 ? "s" : "");
    for (i = 0; m && m->type == PLANLINT_VALUE_ARRAY && i < m->size; i++) {
        if (i)
            pl_buf_puts(b, ", ");
        if (m->items[i].type == PLANLINT_VALUE_STRING)
            pl_put(b, m->items[i].string);
    }
    for (i = 0; i < 2; i++) {
        const planlint_value *sp = pl_get(g, spaces[i][0]);
        if (!pl_positive(sp, "Peak Sort Space Used"))
            continue;
        pl_buf_printf(b, "  Average %s: ", spaces[i][1]);
        pl_buf_fixed(b, pl_num(sp, "Average Sort Space Used"), 0);
        pl_buf_printf(b, "kB  Peak %s: ", spaces[i][1]);
        pl_buf_fixed(b, pl_num(sp, "Peak Sort Space Used"), 0);
        pl_buf_puts(b, "kB");
    }
    pl_buf_putc(b, '\n');
}

/* The lines explain.c builds from several keys, printed where the first of them is. */
enum { PL_G_NONE, PL_G_SKIP, PL_G_BUFFERS, PL_G_IO, PL_G_WAL, PL_G_SORT, PL_G_HASH, PL_G_HASHAGG, PL_G_HEAP,
       PL_G_CACHE, PL_G_SAMPLING };

typedef struct pl_key_group {
    const char *key;
    int group;
} pl_key_group;

static const pl_key_group pl_groups[] = {
    /* in the node's line, or not in the text format at all */
    { "Node Type", PL_G_SKIP }, { "Parent Relationship", PL_G_SKIP }, { "Subplan Name", PL_G_SKIP },
    { "Parallel Aware", PL_G_SKIP }, { "Async Capable", PL_G_SKIP }, { "Startup Cost", PL_G_SKIP },
    { "Total Cost", PL_G_SKIP }, { "Plan Rows", PL_G_SKIP }, { "Plan Width", PL_G_SKIP },
    { "Actual Startup Time", PL_G_SKIP }, { "Actual Total Time", PL_G_SKIP }, { "Actual Rows", PL_G_SKIP },
    { "Actual Loops", PL_G_SKIP }, { "Relation Name", PL_G_SKIP }, { "Schema", PL_G_SKIP },
    { "Alias", PL_G_SKIP }, { "Index Name", PL_G_SKIP }, { "Scan Direction", PL_G_SKIP },
    { "Join Type", PL_G_SKIP }, { "Strategy", PL_G_SKIP }, { "Partial Mode", PL_G_SKIP },
    { "Operation", PL_G_SKIP }, { "Command", PL_G_SKIP }, { "Custom Plan Provider", PL_G_SKIP },
    { "Function Name", PL_G_SKIP }, { "Table Function Name", PL_G_SKIP }, { "CTE Name", PL_G_SKIP },
    { "Tuplestore Name", PL_G_SKIP }, { "Plans", PL_G_SKIP }, { "Worker Number", PL_G_SKIP },
    { "Sort Space Used", PL_G_SKIP }, { "Sort Space Type", PL_G_SKIP }, { "Peak Memory Usage", PL_G_SKIP },
    { "Disk Usage", PL_G_SKIP }, { "Original Hash Buckets", PL_G_SKIP }, { "Original Hash Batches", PL_G_SKIP },
    { "Hash Batches", PL_G_SKIP },
    { "Shared Hit Blocks", PL_G_BUFFERS }, { "Shared Read Blocks", PL_G_BUFFERS },
    { "Shared Dirtied Blocks", PL_G_BUFFERS }, { "Shared Written Blocks", PL_G_BUFFERS },
    { "Local Hit Blocks", PL_G_BUFFERS }, { "Local Read Blocks", PL_G_BUFFERS },
    { "Local Dirtied Blocks", PL_G_BUFFERS }, { "Local Written Blocks", PL_G_BUFFERS },
    { "Temp Read Blocks", PL_G_BUFFERS }, { "Temp Written Blocks", PL_G_BUFFERS },
    { "I/O Read Time", PL_G_IO }, { "I/O Write Time", PL_G_IO }, { "Shared I/O Read Time", PL_G_IO },
    { "Shared I/O Write Time", PL_G_IO }, { "Local I/O Read Time", PL_G_IO }, { "Local I/O Write Time", PL_G_IO },
    { "Temp I/O Read Time", PL_G_IO }, { "Temp I/O Write Time", PL_G_IO },
    { "WAL Records", PL_G_WAL }, { "WAL FPI", PL_G_WAL }, { "WAL Bytes", PL_G_WAL }, { "WAL Buffers Full", PL_G_WAL },
    { "Sort Method", PL_G_SORT }, { "Hash Buckets", PL_G_HASH },
    { "Planned Partitions", PL_G_HASHAGG }, { "HashAgg Batches", PL_G_HASHAGG },
    { "Exact Heap Blocks", PL_G_HEAP }, { "Lossy Heap Blocks", PL_G_HEAP },
    { "Sampling Method", PL_G_SAMPLING }, { "Sampling Parameters", PL_G_SAMPLING },
    { "Repeatable Seed", PL_G_SAMPLING },
    { "Cache Hits", PL_G_CACHE }, { "Cache Misses", PL_G_CACHE }, { "Cache Evictions", PL_G_CACHE },
    { "Cache Overflows", PL_G_CACHE },
};

static int pl_group_of(const char *key)
{
    size_t i;

    for (i = 0; i < sizeof(pl_groups) / sizeof(pl_groups[0]); i++)
        if (strcmp(key, pl_groups[i].key) == 0)
            return pl_groups[i].group;
    return PL_G_NONE;
}

typedef void (*pl_group_fn)(pl_buf *b, const planlint_value *o, unsigned int indent);

static void pl_group(pl_buf *b, int group, const planlint_value *o, unsigned int indent)
{
    static const pl_group_fn fns[] = { NULL, NULL, pl_line_buffers, pl_line_io, pl_line_wal, pl_line_sort,
                                       pl_line_hash, pl_line_hashagg, pl_line_heap_blocks, pl_line_cache,
                                       pl_line_sampling };

    fns[group](b, o, indent);
}

/* A flag, as JSON has it or as the text reader kept it ("true"). */
static int pl_true(const planlint_value *v)
{
    return (v->type == PLANLINT_VALUE_BOOL && v->boolean) ||
           (v->type == PLANLINT_VALUE_STRING && strcmp(v->string, "true") == 0);
}

/* Lines the text format leaves out: a count of 0 removed rows, a flag that is off. */
static int pl_omitted(const pl_text *t, const char *key, const planlint_value *v)
{
    if (strncmp(key, "Rows Removed by ", 16) == 0 || strcmp(key, "Subplans Removed") == 0)
        return v->type == PLANLINT_VALUE_NUMBER && v->number == 0;
    if (strcmp(key, "Inner Unique") == 0)
        return !t->verbose || !pl_true(v);
    if (strcmp(key, "Single Copy") == 0 || strcmp(key, "Disabled") == 0)
        return !pl_true(v);
    return v->type == PLANLINT_VALUE_NULL;
}

/* A value as explain.c prints a property: text, a number, true/false, a list "a, b". */
static void pl_value_text(pl_buf *b, const planlint_value *v)
{
    size_t i;

    switch (v->type) {
    case PLANLINT_VALUE_STRING: pl_put(b, v->string); break;
    case PLANLINT_VALUE_NUMBER:
        if (v->is_integer)
            pl_buf_fixed(b, v->number, 0);
        else
            pl_json_number(b, v->number, 0);
        break;
    case PLANLINT_VALUE_BOOL: pl_buf_puts(b, v->boolean ? "true" : "false"); break;
    case PLANLINT_VALUE_ARRAY:
        for (i = 0; i < v->size; i++) {
            if (i)
                pl_buf_puts(b, ", ");
            pl_value_text(b, &v->items[i]);
        }
        break;
    default: break;
    }
}

/* "Options: Inlining true, Optimization false" and "Timing: Generation 0.430 ms, ..."
 * (a phase with parts, PostgreSQL 17: "Generation 0.5 ms (Deform 0.1 ms)"). */
static void pl_jit_pairs(pl_buf *b, const char *key, const planlint_value *o, unsigned int indent)
{
    size_t i;

    pl_indent(b, indent);
    pl_put(b, key);
    pl_buf_puts(b, ": ");
    for (i = 0; i < o->size; i++) {
        const planlint_value *v = &o->items[i];
        pl_buf_puts(b, i ? ", " : "");
        pl_put(b, pl_value_keys(o)[i]);
        pl_buf_putc(b, ' ');
        if (v->type == PLANLINT_VALUE_OBJECT && v->size > 0) {
            pl_buf_fixed(b, pl_num(v, "Total"), 3);
            pl_buf_puts(b, " ms (");
            pl_put(b, pl_value_keys(v)[0]);
            pl_buf_putc(b, ' ');
            pl_buf_fixed(b, v->items[0].number, 3);
            pl_buf_puts(b, " ms)");
        } else if (v->type == PLANLINT_VALUE_NUMBER) {
            pl_buf_fixed(b, v->number, 3);
            pl_buf_puts(b, " ms");
        } else {
            pl_value_text(b, v);
        }
    }
    pl_buf_putc(b, '\n');
}

static void pl_jit(pl_buf *b, const planlint_value *jit, unsigned int indent)
{
    size_t i;

    pl_indent(b, indent);
    pl_buf_puts(b, "JIT:\n");
    for (i = 0; i < jit->size; i++) {
        if (jit->items[i].type == PLANLINT_VALUE_OBJECT) {
            pl_jit_pairs(b, pl_value_keys(jit)[i], &jit->items[i], indent + 1);
        } else {
            pl_indent(b, indent + 1);
            pl_put(b, pl_value_keys(jit)[i]);
            pl_buf_puts(b, ": ");
            pl_value_text(b, &jit->items[i]);
            pl_buf_putc(b, '\n');
        }
    }
}

static void pl_details(const pl_text *t, const planlint_value *n, unsigned int indent);

/* "Worker 0:  actual time=... rows=... loops=1", its other lines under it. */
static void pl_workers(const pl_text *t, const planlint_value *workers, unsigned int indent)
{
    size_t i;

    for (i = 0; workers->type == PLANLINT_VALUE_ARRAY && i < workers->size; i++) {
        const planlint_value *w = &workers->items[i];
        pl_indent(t->b, indent);
        pl_buf_puts(t->b, "Worker ");
        pl_count(t->b, pl_get(w, "Worker Number"));
        pl_buf_puts(t->b, ":  ");
        if (pl_num(w, "Actual Loops") > 0) {
            pl_actuals(t->b, w);
            pl_buf_putc(t->b, '\n');
        }
        pl_details(t, w, indent + 1);
    }
}

/* A nested object ("Planning") as a heading and its lines, when it has any. */
static void pl_object(const pl_text *t, const char *key, const planlint_value *v, unsigned int indent)
{
    pl_buf sub;
    pl_text st = *t;

    pl_buf_init(&sub);
    st.b = &sub;
    pl_details(&st, v, indent + 1);
    if (sub.failed)
        t->b->failed = 1;
    if (sub.len > 0 && !sub.failed) {
        pl_indent(t->b, indent);
        pl_put(t->b, key);
        pl_buf_puts(t->b, ":\n");
        pl_buf_add(t->b, sub.data, sub.len);
    }
    pl_buf_release(&sub);
}

/* "Group Key: a, b" per set, "Group Key: ()" for the empty one, "Hash Key: a" per hashed
 * set; a sorted group of sets has its "Sort Key" above them, and they under it. */
static void pl_key_sets(pl_buf *b, const char *label, const planlint_value *sets, unsigned int indent)
{
    size_t i;

    for (i = 0; sets && sets->type == PLANLINT_VALUE_ARRAY && i < sets->size; i++) {
        pl_indent(b, indent);
        pl_buf_printf(b, "%s: ", label);
        if (sets->items[i].type == PLANLINT_VALUE_ARRAY && sets->items[i].size == 0)
            pl_buf_puts(b, "()");
        else
            pl_value_text(b, &sets->items[i]);
        pl_buf_putc(b, '\n');
    }
}

static void pl_grouping_sets(pl_buf *b, const planlint_value *v, unsigned int indent)
{
    size_t i;

    for (i = 0; v->type == PLANLINT_VALUE_ARRAY && i < v->size; i++) {
        const planlint_value *set = &v->items[i], *sort = pl_get(set, "Sort Key");
        if (sort) {
            pl_indent(b, indent);
            pl_buf_puts(b, "Sort Key: ");
            pl_value_text(b, sort);
            pl_buf_putc(b, '\n');
        }
        pl_key_sets(b, "Group Key", pl_get(set, "Group Keys"), indent + (sort != NULL));
        pl_key_sets(b, "Hash Key", pl_get(set, "Hash Keys"), indent + (sort != NULL));
    }
}

static void pl_detail(const pl_text *t, const char *key, const planlint_value *v, unsigned int indent)
{
    if (pl_omitted(t, key, v))
        return;
    if (strcmp(key, "Grouping Sets") == 0)
        pl_grouping_sets(t->b, v, indent);
    else if (strcmp(key, "Workers") == 0)
        pl_workers(t, v, indent);
    else if (strcmp(key, "Full-sort Groups") == 0 || strcmp(key, "Pre-sorted Groups") == 0)
        pl_line_sort_groups(t->b, strcmp(key, "Full-sort Groups") == 0 ? "Full-sort" : "Pre-sorted", v, indent);
    else if (strcmp(key, "JIT") == 0 && v->type == PLANLINT_VALUE_OBJECT)
        pl_jit(t->b, v, indent);
    else if (v->type == PLANLINT_VALUE_OBJECT)
        pl_object(t, key, v, indent);
    else {
        pl_indent(t->b, indent);
        pl_put(t->b, key);
        pl_buf_puts(t->b, ": ");
        pl_value_text(t->b, v);
        pl_buf_putc(t->b, '\n');
    }
}

static void pl_details(const pl_text *t, const planlint_value *n, unsigned int indent)
{
    unsigned int done = 0;
    size_t i;

    for (i = 0; n->type == PLANLINT_VALUE_OBJECT && i < n->size; i++) {
        int g = pl_group_of(pl_value_keys(n)[i]);
        if (g == PL_G_SKIP || (g != PL_G_NONE && (done & (1u << g))))
            continue;
        if (g != PL_G_NONE) {
            done |= 1u << g;
            pl_group(t->b, g, n, indent);
        } else {
            pl_detail(t, pl_value_keys(n)[i], &n->items[i], indent);
        }
    }
}

/* ---------------------------------------------------------------- nodes and plans */

static void pl_node(const pl_text *t, const planlint_value *n, unsigned int indent)
{
    const planlint_value *plans = pl_get(n, "Plans");
    const char *subplan = pl_str(n, "Subplan Name");
    size_t i;

    if (subplan) {
        pl_indent(t->b, indent);
        pl_put(t->b, subplan);
        pl_buf_putc(t->b, '\n');
        indent++;
    }
    if (indent) {
        pl_indent(t->b, indent);
        pl_buf_puts(t->b, "->  ");
        indent += 2;
    }
    if (pl_get(n, "Parallel Aware") && pl_get(n, "Parallel Aware")->boolean)
        pl_buf_puts(t->b, "Parallel ");
    if (pl_get(n, "Async Capable") && pl_get(n, "Async Capable")->boolean)
        pl_buf_puts(t->b, "Async ");
    pl_node_label(t->b, n);
    pl_node_target(t->b, n);
    pl_node_numbers(t->b, n);
    pl_buf_putc(t->b, '\n');
    pl_details(t, n, indent + 1);
    for (i = 0; plans && plans->type == PLANLINT_VALUE_ARRAY && i < plans->size; i++)
        pl_node(t, &plans->items[i], indent + 1);
}

/* "Settings: jit = 'off', work_mem = '256kB'" */
static void pl_settings(pl_buf *b, const planlint_value *o)
{
    size_t i;

    if (o->type != PLANLINT_VALUE_OBJECT || o->size == 0)
        return;
    pl_buf_puts(b, "Settings: ");
    for (i = 0; i < o->size; i++) {
        pl_buf_puts(b, i ? ", " : "");
        pl_put(b, pl_value_keys(o)[i]);
        pl_buf_puts(b, " = '");
        pl_value_text(b, &o->items[i]);
        pl_buf_putc(b, '\'');
    }
    pl_buf_putc(b, '\n');
}

/* "Trigger RI_ConstraintTrigger_a_1 for constraint fk on orders: time=1.270 calls=200";
 * the trigger's name with VERBOSE or without a constraint, the relation when the
 * triggers are on several. */
static void pl_triggers(pl_buf *b, const planlint_value *list, int verbose)
{
    const char *first = list->size ? pl_str(&list->items[0], "Relation") : NULL;
    int several = 0;
    size_t i;

    for (i = 1; first && i < list->size; i++)
        several |= !pl_str(&list->items[i], "Relation") || strcmp(pl_str(&list->items[i], "Relation"), first) != 0;
    for (i = 0; i < list->size; i++) {
        const planlint_value *tr = &list->items[i];
        pl_buf_puts(b, "Trigger");
        if (verbose || !pl_str(tr, "Constraint Name")) {   /* the name, when it says more */
            pl_buf_putc(b, ' ');
            pl_put(b, pl_str(tr, "Trigger Name") ? pl_str(tr, "Trigger Name") : "?");
        }
        if (pl_str(tr, "Constraint Name")) {
            pl_buf_puts(b, " for constraint ");
            pl_put(b, pl_str(tr, "Constraint Name"));
        }
        if (several && pl_str(tr, "Relation")) {
            pl_buf_puts(b, " on ");
            pl_put(b, pl_str(tr, "Relation"));
        }
        pl_buf_puts(b, ": ");
        if (!isnan(pl_num(tr, "Time"))) {
            pl_buf_puts(b, "time=");
            pl_buf_fixed(b, pl_num(tr, "Time"), 3);
            pl_buf_putc(b, ' ');
        }
        pl_buf_puts(b, "calls=");
        pl_count(b, pl_get(tr, "Calls"));
        pl_buf_putc(b, '\n');
    }
}

static void pl_plan_key(const pl_text *t, const char *key, const planlint_value *v)
{
    if (strcmp(key, "Plan") == 0 && v->type == PLANLINT_VALUE_OBJECT) {
        pl_node(t, v, 0);
    } else if (strcmp(key, "Settings") == 0) {
        pl_settings(t->b, v);
    } else if (strcmp(key, "Triggers") == 0 && v->type == PLANLINT_VALUE_ARRAY) {
        pl_triggers(t->b, v, t->verbose);
    } else if ((strcmp(key, "Planning Time") == 0 || strcmp(key, "Execution Time") == 0) &&
               v->type == PLANLINT_VALUE_NUMBER) {
        pl_buf_printf(t->b, "%s: ", key);
        pl_buf_fixed(t->b, v->number, 3);
        pl_buf_puts(t->b, " ms\n");
    } else {
        pl_detail(t, key, v, 0);
    }
}

/* The plan's keys in the order explain.c prints them, whatever order a reader kept them
 * in; keys it does not know after them. */
static void pl_plan_keys(const pl_text *t, const planlint_value *obj)
{
    static const char *const order[] = { "Query Text", "Plan", "Settings", "Planning", "Planning Time",
                                         "Triggers", "JIT", "Serialization", "Execution Time" };
    size_t i, k;

    for (k = 0; k < sizeof(order) / sizeof(order[0]); k++)
        if (pl_get(obj, order[k]))
            pl_plan_key(t, order[k], pl_get(obj, order[k]));
    for (i = 0; obj && obj->type == PLANLINT_VALUE_OBJECT && i < obj->size; i++) {
        for (k = 0; k < sizeof(order) / sizeof(order[0]) && strcmp(pl_value_keys(obj)[i], order[k]) != 0; k++)
            ;
        if (k == sizeof(order) / sizeof(order[0]))
            pl_plan_key(t, pl_value_keys(obj)[i], &obj->items[i]);
    }
}

/* VERBOSE shows every node's Output: one is enough to tell. */
static int pl_is_verbose(const planlint_plan *p)
{
    size_t i;

    for (i = 0; i < p->nnodes; i++)
        if (pl_get(p->nodes[i]->obj, "Output"))
            return 1;
    return 0;
}

int planlint_plan_write_text(char **out, size_t *out_len, const planlint_plan *plan, planlint_error *err)
{
    const planlint_plan *p;
    pl_text t;
    pl_buf b;

    if (!out || !plan)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out and plan must not be NULL");
    *out = NULL;
    pl_buf_init(&b);
    t.b = &b;
    for (p = plan; p; p = p->next) {
        if (p != plan)
            pl_buf_putc(&b, '\n');
        t.verbose = pl_is_verbose(p);
        pl_plan_keys(&t, p->obj);
    }
    if (!b.failed && !b.data)
        pl_buf_add(&b, "", 0);
    if (b.failed) {
        pl_buf_release(&b);
        return pl_error_nomem(err);
    }
    *out = b.data;
    if (out_len)
        *out_len = b.len;
    return 0;
}
