/* text_details.c - a node's detail lines ("Buffers: shared hit=3 read=1",
 * "Sort Method: quicksort  Memory: 25kB") into the keys and types of the JSON format.
 * Labels the table does not know are kept as strings under their own label. */
#include "text.h"

#include <string.h>

typedef int (*pl_detail_fn)(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                            const char *v, size_t n);

typedef struct pl_detail {
    const char *label;
    const char *key;          /* the JSON key, for the generic kinds */
    enum { PL_D_STR, PL_D_NUM, PL_D_LIST, PL_D_FN } kind;
    pl_detail_fn fn;
    int splits;               /* further "  Label: value" segments may follow */
} pl_detail;

size_t pl_text_label(const char *s, size_t n)
{
    size_t i;

    if (n == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z')))
        return 0;
    for (i = 1; i < n && i < 80; i++) {
        char c = s[i];
        if (c == ':')
            return i + 1 == n || s[i + 1] == ' ' ? i : 0;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == ' ' || c == '-' || c == '_' || c == '/' || c == '(' || c == ')' || c == '.'))
            return 0;
    }
    return 0;
}

/* ------------------------------------------------------------ name=value lists */

/* "shared hit" -> "Shared Hit Blocks". */
static const char *pl_buffer_key(const char *prefix, size_t pl, const char *op, size_t ol)
{
    static const char *const keys[3][4] = {
        { "Shared Hit Blocks", "Shared Read Blocks", "Shared Dirtied Blocks", "Shared Written Blocks" },
        { "Local Hit Blocks", "Local Read Blocks", "Local Dirtied Blocks", "Local Written Blocks" },
        { "Temp Hit Blocks", "Temp Read Blocks", "Temp Dirtied Blocks", "Temp Written Blocks" },
    };
    static const char *const prefixes[3] = { "shared", "local", "temp" };
    static const char *const ops[4] = { "hit", "read", "dirtied", "written" };
    int i, j;

    for (i = 0; i < 3; i++)
        if (pl_text_is(prefix, pl, prefixes[i]))
            for (j = 0; j < 4; j++)
                if (pl_text_is(op, ol, ops[j]))
                    return keys[i][j];
    return NULL;
}

/* "shared/local read=1.2 write=3", "read=1.2" (PG 14 and older), "temp read=1". */
static const char *pl_io_key(const char *prefix, size_t pl, const char *op, size_t ol)
{
    int write = pl_text_is(op, ol, "write");

    if (!write && !pl_text_is(op, ol, "read"))
        return NULL;
    if (pl == 0 || pl_text_is(prefix, pl, "shared/local"))
        return write ? "I/O Write Time" : "I/O Read Time";
    if (pl_text_is(prefix, pl, "shared"))
        return write ? "Shared I/O Write Time" : "Shared I/O Read Time";
    if (pl_text_is(prefix, pl, "local"))
        return write ? "Local I/O Write Time" : "Local I/O Read Time";
    if (pl_text_is(prefix, pl, "temp"))
        return write ? "Temp I/O Write Time" : "Temp I/O Read Time";
    return NULL;
}

static const char *pl_simple_pair_key(const char *name, size_t nl)
{
    static const char *const map[][2] = {
        { "records", "WAL Records" }, { "fpi", "WAL FPI" }, { "bytes", "WAL Bytes" },
        { "buffers full", "WAL Buffers Full" }, { "exact", "Exact Heap Blocks" },
        { "lossy", "Lossy Heap Blocks" }, { "time", "Time" }, { "calls", "Calls" },
    };
    size_t i;

    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (pl_text_is(name, nl, map[i][0]))
            return map[i][1];
    return NULL;
}

/* Walks "prefix op=value op=value, prefix op=value", the prefix carried over. */
static int pl_pairs(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *v, size_t n,
                    const char *(*keyfn)(const char *, size_t, const char *, size_t))
{
    const char *prefix = "", *name, *val;
    size_t pl = 0, pos = 0, nl, vl;

    while (pl_tgrammar_pair(g, v, n, &pos, &name, &nl, &val, &vl)) {
        const char *sp = memchr(name, ' ', nl), *key;
        if (sp) {
            prefix = name;
            pl = (size_t)(sp - name);
            nl -= pl + 1;
            name = sp + 1;
        }
        key = keyfn ? keyfn(prefix, pl, name, nl) : pl_simple_pair_key(name, nl);
        if (!key && keyfn == NULL && sp)
            key = pl_simple_pair_key(prefix, nl + pl + 1);
        if (key && pl_tv_set_numtext(a, obj, key, val, vl) < 0)
            return -1;
    }
    return 0;
}

/* Sets keys to 0 before the line's own numbers: the text leaves out what JSON
 * prints as 0. One such line per node or worker, so nothing earlier is lost. */
static int pl_zero_keys(pl_arena *a, planlint_value *obj, const char *const *keys, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (pl_tv_set_num(a, obj, keys[i], 0) < 0)
            return -1;
    return 0;
}

static int pl_d_buffers(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                        const char *v, size_t n)
{
    static const char *const keys[] = {
        "Shared Hit Blocks", "Shared Read Blocks", "Shared Dirtied Blocks", "Shared Written Blocks",
        "Local Hit Blocks", "Local Read Blocks", "Local Dirtied Blocks", "Local Written Blocks",
        "Temp Read Blocks", "Temp Written Blocks",
    };

    (void)type;
    if (pl_zero_keys(a, obj, keys, sizeof(keys) / sizeof(keys[0])) < 0)
        return -1;
    return pl_pairs(a, g, obj, v, n, pl_buffer_key);
}

static int pl_d_heap(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                     const char *v, size_t n)
{
    static const char *const keys[] = { "Exact Heap Blocks", "Lossy Heap Blocks" };

    (void)type;
    if (pl_zero_keys(a, obj, keys, 2) < 0)
        return -1;
    return pl_pairs(a, g, obj, v, n, NULL);
}

static int pl_d_io(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                   const char *v, size_t n)
{
    (void)type;
    return pl_pairs(a, g, obj, v, n, pl_io_key);
}

int pl_text_pairs(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *s, size_t n)
{
    return pl_pairs(a, g, obj, s, n, NULL);
}

static int pl_d_pairs(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                      const char *v, size_t n)
{
    (void)type;
    return pl_pairs(a, g, obj, v, n, NULL);
}

/* ------------------------------------------------------------ sizes and counts */

/* "1024 (originally 512)": the number, and the original one (or the same). */
static int pl_with_original(pl_arena *a, planlint_value *obj, const char *key, const char *okey,
                            const char *v, size_t n)
{
    const char *paren = memchr(v, '(', n);
    size_t first = paren ? (size_t)(paren - v) : n;

    if (pl_tv_set_numtext(a, obj, key, v, first) < 0)
        return -1;
    if (paren && n - first > 12 && memcmp(paren, "(originally ", 12) == 0)
        return pl_tv_set_numtext(a, obj, okey, paren + 12, n - first - 13);
    return pl_tv_set_numtext(a, obj, okey, v, first);
}

static int pl_d_buckets(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                        const char *v, size_t n)
{
    (void)g, (void)type;
    return pl_with_original(a, obj, "Hash Buckets", "Original Hash Buckets", v, n);
}

/* Batches of a Hash node, or of a hash aggregate (PG 13+). */
static int pl_d_batches(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                        const char *v, size_t n)
{
    (void)g;
    if (type && strcmp(type, "Hash") != 0)
        return pl_tv_set_numtext(a, obj, "HashAgg Batches", v, n);
    return pl_with_original(a, obj, "Hash Batches", "Original Hash Batches", v, n);
}

/* The "Memory: 25kB" or "Disk: 1024kB" after a Sort Method. */
static int pl_sort_space(pl_arena *a, planlint_value *obj, const char *kind, const char *v, size_t n)
{
    double d;
    size_t m = n;

    v = pl_tv_trim(v, &m);
    if (m > 2 && memcmp(v + m - 2, "kB", 2) == 0 && pl_parse_double(v, m - 2, &d) == 0)
        return pl_tv_set_num(a, obj, "Sort Space Used", d) < 0 ||
                       pl_tv_set_str(a, obj, "Sort Space Type", kind, strlen(kind)) < 0 ? -1 : 0;
    return pl_tv_set_str(a, obj, kind, v, m);
}

static int pl_d_memory(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                       const char *v, size_t n)
{
    (void)g, (void)type;
    return pl_sort_space(a, obj, "Memory", v, n);
}

static int pl_d_disk(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                     const char *v, size_t n)
{
    (void)g, (void)type;
    return pl_sort_space(a, obj, "Disk", v, n);
}

/* "Disabled: true" (PostgreSQL 18): a boolean in JSON. */
static int pl_d_bool(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                     const char *v, size_t n)
{
    (void)g, (void)type;
    if (pl_text_is(v, n, "true") || pl_text_is(v, n, "false"))
        return pl_tv_set_bool(a, obj, "Disabled", v[0] == 't');
    return pl_tv_set_str(a, obj, "Disabled", v, n);
}

static size_t pl_next_segment(const char *s, size_t n);

/* One "Average Memory: 123kB" or "Peak Disk: 9kB" of an Incremental Sort group into
 * space[0] (memory) or space[1] (disk); 0 when the label is not one of those. */
static int pl_group_space(pl_arena *a, planlint_value *space, const char *s, size_t ln,
                          const char *v, size_t vn)
{
    static const char *const labels[4] = { "Average Memory", "Peak Memory", "Average Disk", "Peak Disk" };
    int i;

    for (i = 0; i < 4; i++)
        if (pl_text_is(s, ln, labels[i])) {
            space[i / 2].type = PLANLINT_VALUE_OBJECT;
            return pl_tv_set_numtext(a, &space[i / 2], i % 2 ? "Peak Sort Space Used" : "Average Sort Space Used",
                                     v, vn) < 0 ? -1 : 1;
        }
    return 0;
}

/* "1  Sort Method: quicksort  Average Memory: 26kB  Peak Memory: 26kB" after
 * "Full-sort Groups:" or "Pre-sorted Groups:" becomes the object explain.c's
 * show_incremental_sort_group_info() prints in JSON. */
static int pl_groups(pl_arena *a, planlint_value *obj, const char *key, const char *v, size_t n)
{
    planlint_value grp, space[2];
    size_t end = pl_next_segment(v, n), ln, vn;
    const char *val;
    int rc = 0;

    memset(&grp, 0, sizeof(grp));
    memset(space, 0, sizeof(space));
    grp.type = PLANLINT_VALUE_OBJECT;
    if (pl_tv_set_numtext(a, &grp, "Group Count", v, end) < 0)
        return -1;
    while (rc >= 0 && end < n) {
        v += end, n -= end;
        v = pl_tv_trim(v, &n);
        if (!(ln = pl_text_label(v, n)))
            break;
        end = ln + 1 + pl_next_segment(v + ln + 1, n - ln - 1);
        vn = end - ln - 1;
        val = pl_tv_trim(v + ln + 1, &vn);
        if ((rc = pl_group_space(a, space, v, ln, val, vn)) == 0 &&
            ln >= 11 && memcmp(v, "Sort Method", 11) == 0)
            rc = pl_tv_set_list(a, &grp, "Sort Methods Used", v + ln + 1, end - ln - 1);
    }
    if (rc < 0 || (space[0].type && pl_tv_set(a, &grp, "Sort Space Memory", &space[0]) < 0) ||
        (space[1].type && pl_tv_set(a, &grp, "Sort Space Disk", &space[1]) < 0))
        return -1;
    return pl_tv_set(a, obj, key, &grp);
}

static int pl_d_full_groups(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                            const char *v, size_t n)
{
    (void)g, (void)type;
    return pl_groups(a, obj, "Full-sort Groups", v, n);
}

static int pl_d_presorted_groups(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                                 const char *v, size_t n)
{
    (void)g, (void)type;
    return pl_groups(a, obj, "Pre-sorted Groups", v, n);
}

/* ------------------------------------------------------------ grouping sets */

/* Grouping sets (explain.c's show_grouping_set_keys()) print one line per set: "Hash
 * Key: a" for each hashed set, each its own Grouping Set; "Group Key: a, b" for each
 * set of a sorted rollup, "Group Key: ()" for the empty set, under the rollup's own
 * "Sort Key: a, b" when it has one. JSON has them as "Grouping Sets": [{"Hash Keys":
 * [["a"]]}, {"Sort Key": ["a", "b"], "Group Keys": [["a", "b"], []]}]. A lone
 * "Group Key: a, b" is a plain aggregate's "Group Key": ["a", "b"]: it turns into a
 * Grouping Set when another key line follows it. */

/* The member of obj under key, to change in place; NULL when there is none. */
static planlint_value *pl_member(planlint_value *obj, const char *key)
{
    const char **keys = obj->type == PLANLINT_VALUE_OBJECT ? pl_value_keys(obj) : NULL;
    size_t i;

    for (i = 0; keys && i < obj->size; i++)
        if (strcmp(keys[i], key) == 0)
            return &obj->items[i];
    return NULL;
}

/* One set's keys: "()" is the empty set. */
static int pl_gset_list(pl_arena *a, planlint_value *arr, const char *v, size_t n)
{
    if (!pl_text_is(v, n, "()"))
        return pl_tv_list(a, arr, v, n);
    memset(arr, 0, sizeof(*arr));
    arr->type = PLANLINT_VALUE_ARRAY;
    return 0;
}

/* Appends list to the array under key in obj, creating it. */
static int pl_push_under(pl_arena *a, planlint_value *obj, const char *key, const planlint_value *list)
{
    const planlint_value *old = pl_value_get(obj, key);
    planlint_value arr;

    memset(&arr, 0, sizeof(arr));
    if (old)
        arr = *old;
    return pl_tv_push(a, &arr, list) < 0 ? -1 : pl_tv_set(a, obj, key, &arr);
}

/* The node's "Grouping Sets", made when missing: a plain "Group Key" read before
 * becomes its first set, in the place it had among the node's keys. */
static planlint_value *pl_gsets(pl_arena *a, planlint_value *obj)
{
    planlint_value *gs = pl_member(obj, "Grouping Sets"), *plain, set, none;

    if (gs)
        return gs;
    memset(&set, 0, sizeof(set));
    set.type = PLANLINT_VALUE_OBJECT;
    memset(&none, 0, sizeof(none));
    none.type = PLANLINT_VALUE_ARRAY;
    if ((plain = pl_member(obj, "Group Key")) != NULL) {
        if (pl_push_under(a, &set, "Group Keys", plain) < 0)
            return NULL;
        memset(plain, 0, sizeof(*plain));
        if (pl_tv_push(a, plain, &set) < 0 || pl_tv_rename(a, obj, (size_t)(plain - obj->items), "Grouping Sets") < 0)
            return NULL;
        return plain;
    }
    if (pl_tv_set(a, obj, "Grouping Sets", &none) < 0)
        return NULL;
    return pl_member(obj, "Grouping Sets");
}

/* A new Grouping Set holding key: list ("Hash Keys": [list], or a rollup's "Sort Key"). */
static int pl_gset_new(pl_arena *a, planlint_value *obj, const char *key, const planlint_value *list,
                       int nested)
{
    planlint_value *gs = pl_gsets(a, obj), set;

    memset(&set, 0, sizeof(set));
    set.type = PLANLINT_VALUE_OBJECT;
    if (!gs || (nested ? pl_push_under(a, &set, key, list) : pl_tv_set(a, &set, key, list)) < 0)
        return -1;
    return pl_tv_push(a, gs, &set);
}

static int pl_d_hash_key(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                         const char *v, size_t n)
{
    planlint_value list;

    (void)g, (void)type;
    return pl_gset_list(a, &list, v, n) < 0 ? -1 : pl_gset_new(a, obj, "Hash Keys", &list, 1);
}

/* In an Aggregate, a "Sort Key" belongs to a sorted rollup of grouping sets. */
static int pl_d_sort_key(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                         const char *v, size_t n)
{
    planlint_value list;

    (void)g;
    if (!type || strcmp(type, "Aggregate") != 0)
        return pl_tv_set_list(a, obj, "Sort Key", v, n);
    return pl_tv_list(a, &list, v, n) < 0 ? -1 : pl_gset_new(a, obj, "Sort Key", &list, 0);
}

/* In an Aggregate, a second "Group Key" line, or "Group Key: ()", means grouping sets:
 * the sorted rollup being read goes on; after a hashed set, a new one starts. */
static int pl_d_group_key(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                          const char *v, size_t n)
{
    planlint_value list, *gs, *last;
    int empty = pl_text_is(v, n, "()");

    (void)g;
    if (!type || strcmp(type, "Aggregate") != 0 ||
        (!empty && !pl_value_get(obj, "Group Key") && !pl_value_get(obj, "Grouping Sets")))
        return pl_tv_set_list(a, obj, "Group Key", v, n);
    if (pl_gset_list(a, &list, v, n) < 0 || !(gs = pl_gsets(a, obj)))
        return -1;
    last = gs->size ? &gs->items[gs->size - 1] : NULL;
    if (last && !pl_value_get(last, "Hash Keys"))
        return pl_push_under(a, last, "Group Keys", &list);
    return pl_gset_new(a, obj, "Group Keys", &list, 1);
}

static const pl_detail pl_details[] = {
    { "Full-sort Groups", NULL, PL_D_FN, pl_d_full_groups, 0 },
    { "Pre-sorted Groups", NULL, PL_D_FN, pl_d_presorted_groups, 0 },
    { "Disabled", NULL, PL_D_FN, pl_d_bool, 0 },
    { "Buffers", NULL, PL_D_FN, pl_d_buffers, 0 },
    { "I/O Timings", NULL, PL_D_FN, pl_d_io, 0 },
    { "WAL", NULL, PL_D_FN, pl_d_pairs, 0 },
    { "Heap Blocks", NULL, PL_D_FN, pl_d_heap, 0 },
    { "Buckets", NULL, PL_D_FN, pl_d_buckets, 1 },
    { "Batches", NULL, PL_D_FN, pl_d_batches, 1 },
    { "Memory", NULL, PL_D_FN, pl_d_memory, 1 },
    { "Disk", NULL, PL_D_FN, pl_d_disk, 1 },
    { "Sort Method", "Sort Method", PL_D_STR, NULL, 1 },
    { "Memory Usage", "Peak Memory Usage", PL_D_NUM, NULL, 1 },
    { "Disk Usage", "Disk Usage", PL_D_NUM, NULL, 1 },
    { "Hits", "Cache Hits", PL_D_NUM, NULL, 1 },
    { "Misses", "Cache Misses", PL_D_NUM, NULL, 1 },
    { "Evictions", "Cache Evictions", PL_D_NUM, NULL, 1 },
    { "Overflows", "Cache Overflows", PL_D_NUM, NULL, 1 },
    { "Storage", "Storage", PL_D_STR, NULL, 1 },
    { "Maximum Storage", "Maximum Storage", PL_D_NUM, NULL, 1 },
    { "Planned Partitions", "Planned Partitions", PL_D_NUM, NULL, 1 },
    { "Output", "Output", PL_D_LIST, NULL, 0 },
    { "Sort Key", NULL, PL_D_FN, pl_d_sort_key, 0 },
    { "Group Key", NULL, PL_D_FN, pl_d_group_key, 0 },
    { "Hash Key", NULL, PL_D_FN, pl_d_hash_key, 0 },
    { "Presorted Key", "Presorted Key", PL_D_LIST, NULL, 0 },
    { "Rows Removed by Filter", "Rows Removed by Filter", PL_D_NUM, NULL, 0 },
    { "Rows Removed by Join Filter", "Rows Removed by Join Filter", PL_D_NUM, NULL, 0 },
    { "Rows Removed by Index Recheck", "Rows Removed by Index Recheck", PL_D_NUM, NULL, 0 },
    { "Rows Removed by Conflict Filter", "Rows Removed by Conflict Filter", PL_D_NUM, NULL, 0 },
    { "Heap Fetches", "Heap Fetches", PL_D_NUM, NULL, 0 },
    { "Functions", "Functions", PL_D_NUM, NULL, 0 },
    { "Index Searches", "Index Searches", PL_D_NUM, NULL, 0 },
    { "Workers Planned", "Workers Planned", PL_D_NUM, NULL, 0 },
    { "Workers Launched", "Workers Launched", PL_D_NUM, NULL, 0 },
    { "Subplans Removed", "Subplans Removed", PL_D_NUM, NULL, 0 },
    { "Tuples Inserted", "Tuples Inserted", PL_D_NUM, NULL, 0 },
    { "Conflicting Tuples", "Conflicting Tuples", PL_D_NUM, NULL, 0 },
};

static const pl_detail *pl_detail_find(const char *label, size_t n)
{
    size_t i;

    for (i = 0; i < sizeof(pl_details) / sizeof(pl_details[0]); i++)
        if (pl_text_is(label, n, pl_details[i].label))
            return &pl_details[i];
    return NULL;
}

/* Where the next "  Label: value" segment starts in s, or n. */
static size_t pl_next_segment(const char *s, size_t n)
{
    size_t i = 0;

    /* Old servers print "Sort Method:  quicksort": the value's own leading blanks
     * do not start a new segment. */
    while (i < n && s[i] == ' ')
        i++;
    for (; i + 2 < n; i++)
        if (s[i] == ' ' && s[i + 1] == ' ' && s[i + 2] != ' ' && pl_text_label(s + i + 2, n - i - 2))
            return i;
    return n;
}

static int pl_apply(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                    const pl_detail *d, const char *label, size_t ln, const char *v, size_t vn)
{
    const char *key;

    v = pl_tv_trim(v, &vn);
    if (d && d->kind == PL_D_FN)
        return d->fn(a, g, obj, type, v, vn);
    if (d && d->kind == PL_D_LIST)
        return pl_tv_set_list(a, obj, d->key, v, vn);
    if (d && d->kind == PL_D_NUM)
        return pl_tv_set_numtext(a, obj, d->key, v, vn);
    key = d ? d->key : pl_arena_strndup(a, label, ln);
    return key ? pl_tv_set_str(a, obj, key, v, vn) : -1;
}

/* Lines without a label ("Update on t1" under a ModifyTable) are kept in order. */
static int pl_unlabelled(pl_arena *a, planlint_value *obj, const char *s, size_t n)
{
    const planlint_value *old = pl_value_get(obj, "Details");
    planlint_value arr, item;

    memset(&arr, 0, sizeof(arr));
    if (old)
        arr = *old;
    memset(&item, 0, sizeof(item));
    item.type = PLANLINT_VALUE_STRING;
    if (!(item.string = pl_arena_strndup(a, s, n)) || pl_tv_push(a, &arr, &item) < 0)
        return -1;
    return pl_tv_set(a, obj, "Details", &arr);
}

int pl_text_detail(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                   const char *s, size_t n)
{
    size_t ln = pl_text_label(s, n);

    s = pl_tv_trim(s, &n);
    if (!ln)
        return pl_unlabelled(a, obj, s, n);
    while (ln) {
        const pl_detail *d = pl_detail_find(s, ln);
        size_t vstart = ln + 1, end = d && d->splits ? vstart + pl_next_segment(s + vstart, n - vstart) : n;
        if (pl_apply(a, g, obj, type, d, s, ln, s + vstart, end - vstart) < 0)
            return -1;
        if (end >= n)
            break;
        s += end;
        n -= end;
        s = pl_tv_trim(s, &n);
        ln = pl_text_label(s, n);
    }
    return 0;
}
