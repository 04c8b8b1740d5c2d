/* text_parity.c - a plan captured in two of EXPLAIN's formats must read into the same
 * tree: node by node, the parts that do not change between two executions (types,
 * names, relationships, estimates, loops, and rows where they are deterministic).
 * Usage: text_parity [--tree] DIR A B NAME...  (reads DIR/NAME.A and DIR/NAME.B, A and B
 * among json, txt, yaml, xml); a NAME written ~NAME skips the estimates: its statement
 * changed the data, or ANALYZE sampled anew, between captures. --tree also compares
 * every key of every node and of the plan: the same keys in the same order, the same
 * types, the same strings (numbers are the executions' own).
 *   text_parity --fold FROM TO STEP FILE...: every FILE broken as fold -w N and
 *     fold -s -w N break it, for N from FROM to TO by STEP, must read into exactly the
 *     tree of the unbroken FILE (compared as planlint's JSON output), or be flagged
 *     PLANLINT_PLAN_WRAP_UNSURE.
 *   text_parity --same PLAIN FILE...: every FILE reads into the tree of PLAIN.
 *   text_parity --cut FILE...: every FILE (an EXPLAIN ANALYZE plan) cut after any of
 *     its lines but the last, or in the middle of one, is flagged
 *     PLANLINT_PLAN_INCOMPLETE or refused; the whole FILE is not flagged.
 *   text_parity --emit DIR NAME...: DIR/NAME.json written as text
 *     (planlint_plan_write_text) must read back into the JSON's tree, every raw number
 *     the same (a 0 the text format leaves out reads as absent); and it must equal the
 *     captured DIR/NAME.txt once the numbers are masked and the Buffers and
 *     I/O Timings lines (shown only for counters above 0) are left out: the two were
 *     captured in two executions. The NAME.txt read and written again must give
 *     NAME.txt back byte for byte. Prints how many came out byte for byte. */
#include "planlint.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../slurp.h"

static const planlint_node_field fields[] = {
    PLANLINT_FIELD_NODE_TYPE, PLANLINT_FIELD_STRATEGY, PLANLINT_FIELD_JOIN_TYPE,
    PLANLINT_FIELD_OPERATION, PLANLINT_FIELD_RELATION, PLANLINT_FIELD_SCHEMA, PLANLINT_FIELD_ALIAS,
    PLANLINT_FIELD_INDEX, PLANLINT_FIELD_CTE, PLANLINT_FIELD_FUNCTION, PLANLINT_FIELD_SUBPLAN,
    PLANLINT_FIELD_PARENT_RELATIONSHIP, PLANLINT_FIELD_SCAN_DIRECTION, PLANLINT_FIELD_FILTER,
    PLANLINT_FIELD_INDEX_COND, PLANLINT_FIELD_HASH_COND, PLANLINT_FIELD_SORT_METHOD,
};
static const planlint_metric metrics[] = {
    PLANLINT_M_STARTUP_COST, PLANLINT_M_TOTAL_COST, PLANLINT_M_PLAN_ROWS, PLANLINT_M_PLAN_WIDTH,
    PLANLINT_M_ACTUAL_LOOPS, PLANLINT_M_WORKERS_PLANNED,
};

static const char *const exts[] = { "", "json", "txt", "yaml", "xml" };  /* planlint_input_format */

static planlint_plan *load(const char *dir, const char *name, const char *ext)
{
    planlint_parse_options po = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_plan *p = NULL;
    planlint_error err;
    char path[4096];
    size_t len = 0, i;
    char *buf;

    snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
    memset(&err, 0, sizeof(err));
    for (i = 1; i < sizeof(exts) / sizeof(exts[0]); i++)
        if (strcmp(ext, exts[i]) == 0)
            po.format = (planlint_input_format)i;
    if (!(buf = slurp(path, &len)))
        return NULL;
    if (planlint_plan_parse(&p, buf, len, &po, &err) != 0)
        printf("ERROR %s: %d:%d: %s\n", path, err.line, err.column, err.text);
    free(buf);
    return p;
}

static const char *fa = "json", *fb = "text";

/* Same keys, types and strings under a and b; the first difference goes to why. */
static int same_tree(const planlint_value *a, const planlint_value *b, char *why, size_t n)
{
    planlint_value_type t = planlint_value_kind(a);
    size_t i;

    if (t != planlint_value_kind(b) || planlint_value_size(a) != planlint_value_size(b)) {
        snprintf(why, n, "type %d with %zu members in %s, type %d with %zu in %s", (int)t,
                 planlint_value_size(a), fa, (int)planlint_value_kind(b), planlint_value_size(b), fb);
        return 0;
    }
    if ((t == PLANLINT_VALUE_STRING && strcmp(planlint_value_string(a), planlint_value_string(b)) != 0) ||
        (t == PLANLINT_VALUE_BOOL && planlint_value_bool(a) != planlint_value_bool(b))) {
        snprintf(why, n, "different values");
        return 0;
    }
    for (i = 0; i < planlint_value_size(a); i++) {
        const char *ka = planlint_value_key(a, i), *kb = planlint_value_key(b, i);
        if (t == PLANLINT_VALUE_OBJECT && strcmp(ka, kb) != 0) {
            snprintf(why, n, "key \"%s\" in %s, \"%s\" in %s", ka, fa, kb, fb);
            return 0;
        }
        if (!same_tree(planlint_value_at(a, i), planlint_value_at(b, i), why, n)) {
            size_t l = strlen(why);
            if (t == PLANLINT_VALUE_OBJECT)
                snprintf(why + l, n - l, " in \"%s\"", ka);
            return 0;
        }
    }
    return 1;
}

/* The node's own keys ("Plans" is compared node by node) and the plan's keys. */
static int compare_keys(const char *name, const planlint_plan *pa, const planlint_plan *pb, size_t i)
{
    static const char *const top[] = { "Planning", "Planning Time", "Triggers", "JIT", "Settings",
                                       "Serialization", "Execution Time", "Query Text" };
    const planlint_node *a = planlint_plan_node(pa, i), *b = planlint_plan_node(pb, i);
    size_t k, nk = planlint_node_key_count(a);
    char why[512] = "";

    if (nk != planlint_node_key_count(b))
        snprintf(why, sizeof(why), "%zu keys in %s, %zu in %s", nk, fa, planlint_node_key_count(b), fb);
    for (k = 0; !why[0] && k < nk; k++) {
        const char *key = planlint_node_key_at(a, k);
        if (strcmp(key, planlint_node_key_at(b, k)) != 0)
            snprintf(why, sizeof(why), "key \"%s\" in %s, \"%s\" in %s", key, fa, planlint_node_key_at(b, k), fb);
        else if (strcmp(key, "Plans") != 0 &&
                 !same_tree(planlint_node_value_at(a, k), planlint_node_value_at(b, k), why, sizeof(why)))
            snprintf(why + strlen(why), sizeof(why) - strlen(why), " in \"%s\"", key);
    }
    for (k = 0; !why[0] && i == 0 && k < sizeof(top) / sizeof(top[0]); k++)
        same_tree(planlint_plan_get(pa, top[k]), planlint_plan_get(pb, top[k]), why, sizeof(why));
    if (why[0])
        printf("DIFF %s node %zu: %s\n", name, i, why);
    return why[0] != 0;
}

/* Rows of a node under a Gather are split among workers differently on each run. */
static int deterministic_rows(const planlint_node *n)
{
    for (; n; n = planlint_node_parent(n)) {
        const char *t = planlint_node_field_get(n, PLANLINT_FIELD_NODE_TYPE);
        if (t && (!strcmp(t, "Gather") || !strcmp(t, "Gather Merge")))
            return 0;
    }
    return 1;
}

static int same_num(double a, double b)
{
    return (isnan(a) && isnan(b)) || a == b;
}

static int compare_node(const char *name, size_t i, const planlint_node *a, const planlint_node *b,
                        int loose)
{
    size_t k;
    int bad = 0;

    for (k = 0; k < sizeof(fields) / sizeof(fields[0]); k++) {
        const char *x = planlint_node_field_get(a, fields[k]), *y = planlint_node_field_get(b, fields[k]);
        if ((x || y) && (!x || !y || strcmp(x, y) != 0)) {
            printf("DIFF %s node %zu field %d: %s '%s' %s '%s'\n", name, i, (int)fields[k], fa,
                   x ? x : "(none)", fb, y ? y : "(none)");
            bad = 1;
        }
    }
    for (k = 0; k < sizeof(metrics) / sizeof(metrics[0]); k++) {
        double x = planlint_node_metric(a, metrics[k]), y = planlint_node_metric(b, metrics[k]);
        if (loose && metrics[k] != PLANLINT_M_ACTUAL_LOOPS)
            continue;
        if (!same_num(x, y)) {
            printf("DIFF %s node %zu metric %d: %s %g %s %g\n", name, i, (int)metrics[k], fa, x, fb, y);
            bad = 1;
        }
    }
    if (deterministic_rows(a) &&
        !same_num(planlint_node_metric(a, PLANLINT_M_ACTUAL_ROWS), planlint_node_metric(b, PLANLINT_M_ACTUAL_ROWS))) {
        printf("DIFF %s node %zu actual rows\n", name, i);
        bad = 1;
    }
    if (planlint_node_depth(a) != planlint_node_depth(b) ||
        planlint_node_child_count(a) != planlint_node_child_count(b)) {
        printf("DIFF %s node %zu: shape\n", name, i);
        bad = 1;
    }
    return bad;
}

/* What the text format prints whole: every list and group of the JSON node (Output,
 * Sort Key, Group Key, Grouping Sets, ...) must read back under the same key, the same
 * strings in the same shape (same_tree(): numbers are the executions' own); and every
 * string or list the text gives must be a key of the JSON node too. Numbers and
 * booleans are left out: the text leaves out counters of 0, and it names I/O timings
 * as PostgreSQL 17 does ("shared read" is "Shared I/O Read Time"), which older
 * servers' JSON calls "I/O Read Time". */
static int known_gap(const char *key)
{
    /* The text reader keeps a Sample Scan's "Sampling: system ('1'::real) REPEATABLE
     * (...)" as one string; JSON splits it into Sampling Method, Sampling Parameters
     * and Repeatable Seed. */
    return strcmp(key, "Sampling") == 0 || strcmp(key, "Sampling Parameters") == 0;
}

static int compare_lists(const char *name, const planlint_node *a, const planlint_node *b, size_t i)
{
    size_t k, nk = planlint_node_key_count(a);
    char why[512] = "";

    for (k = 0; !why[0] && k < nk; k++) {
        const char *key = planlint_node_key_at(a, k);
        const planlint_value *va = planlint_node_value_at(a, k), *vb = planlint_node_get(b, key);
        planlint_value_type t = planlint_value_kind(va);
        if (strcmp(key, "Plans") == 0 || strcmp(key, "Workers") == 0 || known_gap(key) ||
            (t != PLANLINT_VALUE_ARRAY && t != PLANLINT_VALUE_OBJECT))
            continue;
        if (!vb)
            snprintf(why, sizeof(why), "\"%s\" in %s, not in %s", key, fa, fb);
        else if (!same_tree(va, vb, why, sizeof(why)))
            snprintf(why + strlen(why), sizeof(why) - strlen(why), " in \"%s\"", key);
    }
    for (k = 0; !why[0] && k < planlint_node_key_count(b); k++)
        if (planlint_value_kind(planlint_node_value_at(b, k)) != PLANLINT_VALUE_NUMBER &&
            !known_gap(planlint_node_key_at(b, k)) && !planlint_node_get(a, planlint_node_key_at(b, k)))
            snprintf(why, sizeof(why), "\"%s\" in %s, not in %s", planlint_node_key_at(b, k), fb, fa);
    if (why[0])
        printf("DIFF %s node %zu: %s\n", name, i, why);
    return why[0] != 0;
}

static int compare(const char *dir, const char *name, int tree)
{
    int loose = name[0] == '~';
    planlint_plan *a = load(dir, name + loose, fa), *b = load(dir, name + loose, fb);
    size_t i, n;
    int bad = 0;

    if (!a || !b) {
        planlint_plan_free(a);
        planlint_plan_free(b);
        return 1;
    }
    n = planlint_plan_node_count(a);
    if (n != planlint_plan_node_count(b)) {
        printf("DIFF %s: %zu nodes in %s, %zu in %s\n", name, n, fa, planlint_plan_node_count(b), fb);
        bad = 1;
    }
    for (i = 0; !bad && i < n; i++) {
        bad |= compare_node(name, i, planlint_plan_node(a, i), planlint_plan_node(b, i), loose);
        if (tree && !bad)
            bad |= compare_keys(name, a, b, i);
        else if (!bad)
            bad |= compare_lists(name, planlint_plan_node(a, i), planlint_plan_node(b, i), i);
    }
    if (!bad)
        printf("OK %s %s/%s nodes=%zu\n", name, fa, fb, n);
    planlint_plan_free(a);
    planlint_plan_free(b);
    return bad;
}

/* ------------------------------------------------------------ fold(1) */

/* GNU fold's column rule: tab to the next multiple of 8, backspace back one, CR to 0. */
static size_t fold_column(size_t col, char c)
{
    if (c == '\b')
        return col ? col - 1 : 0;
    if (c == '\r')
        return 0;
    if (c == '\t')
        return col + 8 - col % 8;
    return col + 1;
}

/* What `fold -w width` (blanks: `fold -s -w width`) prints for text; owned: free(). */
static char *fold_text(const char *text, size_t len, size_t width, int blanks, size_t *out_len)
{
    char *out = malloc(len * 2 + 2), *line = malloc(len + 1);
    size_t o = 0, n = 0, col = 0, i, k;

    if (!out || !line) {
        free(out);
        free(line);
        return NULL;
    }
    for (i = 0; i < len; i++) {
        char c = text[i];
        if (c == '\n') {
            memcpy(out + o, line, n);
            o += n;
            out[o++] = '\n';
            n = col = 0;
            continue;
        }
        for (;;) {
            size_t next = fold_column(col, c);
            if (next <= width || n == 0)
                break;
            k = n;
            if (blanks)
                while (k > 0 && line[k - 1] != ' ' && line[k - 1] != '\t')
                    k--;
            if (k == 0)
                k = n;
            memcpy(out + o, line, k);
            o += k;
            out[o++] = '\n';
            memmove(line, line + k, n - k);
            n -= k;
            for (col = 0, k = 0; k < n; k++)
                col = fold_column(col, line[k]);
        }
        col = fold_column(col, c);
        line[n++] = c;
    }
    memcpy(out + o, line, n);
    o += n;
    free(line);
    *out_len = o;
    return out;
}

/* The plan in buf as planlint's JSON output (no rules); *flags gets every plan's flags
 * ORed. Owned: planlint_free(); NULL when it does not parse. */
static char *as_json(const char *buf, size_t len, unsigned int *flags, planlint_error *err)
{
    planlint_parse_options po = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_render_options ro = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_plan *p = NULL;
    const planlint_plan *q;
    char *out = NULL;

    memset(err, 0, sizeof(*err));
    po.format = PLANLINT_INPUT_TEXT;
    ro.format = PLANLINT_OUTPUT_JSON;
    *flags = 0;
    if (planlint_plan_parse(&p, buf, len, &po, err) != 0)
        return NULL;
    for (q = p; q; q = planlint_plan_next(q))
        *flags |= planlint_plan_flags(q);
    if (planlint_render(&out, NULL, p, &ro, err) != 0)
        out = NULL;
    planlint_plan_free(p);
    return out;
}

/* Prints where two renderings part. */
static void show_diff(const char *what, const char *a, const char *b)
{
    size_t i = 0, from;

    while (a[i] && a[i] == b[i])
        i++;
    from = i > 60 ? i - 60 : 0;
    printf("DIFF %s at byte %zu:\n  plain  ...%.120s\n  broken ...%.120s\n", what, i, a + from, b + from);
}

typedef struct fold_tally {
    unsigned long same, unsure, bad, failed;
} fold_tally;

/* One file broken at one width: same tree, flagged, or silently different. */
static void fold_one(const char *path, const char *text, size_t len, const char *want, size_t width,
                     int blanks, fold_tally *t)
{
    size_t flen;
    char *folded = fold_text(text, len, width, blanks, &flen), *got, what[4200];
    unsigned int flags = 0;
    planlint_error err;

    snprintf(what, sizeof(what), "%s fold %s-w %zu", path, blanks ? "-s " : "", width);
    got = folded ? as_json(folded, flen, &flags, &err) : NULL;
    if (!got) {
        printf("ERROR %s: %d:%d: %s\n", what, err.line, err.column, err.text);
        t->failed++;
    } else if (strcmp(got, want) == 0) {
        t->same++;
    } else if (flags & PLANLINT_PLAN_WRAP_UNSURE) {
        t->unsure++;
    } else {
        show_diff(what, want, got);
        t->bad++;
    }
    planlint_free(got);
    free(folded);
}

static int fold_files(long from, long to, long step, char **files, int n)
{
    fold_tally t = { 0, 0, 0, 0 };
    unsigned int flags;
    planlint_error err;
    long w;
    int i, bad = 0;

    for (i = 0; i < n; i++) {
        size_t len = 0;
        char *text = slurp(files[i], &len), *want;
        if (!text || !(want = as_json(text, len, &flags, &err))) {
            printf("ERROR %s: does not read unbroken\n", files[i]);
            free(text);
            bad = 1;
            continue;
        }
        if (flags & (PLANLINT_PLAN_WRAP_UNSURE | PLANLINT_PLAN_INCOMPLETE)) {
            printf("DIFF %s: the unbroken plan is flagged (0x%x)\n", files[i], flags);
            bad = 1;
        }
        for (w = from; w <= to; w += step) {
            fold_one(files[i], text, len, want, (size_t)w, 0, &t);
            fold_one(files[i], text, len, want, (size_t)w, 1, &t);
        }
        planlint_free(want);
        free(text);
    }
    printf("fold: %d files x widths %ld..%ld by %ld x 2 modes: %lu same tree, %lu flagged unsure, "
           "%lu silently different, %lu not read\n", n, from, to, step, t.same, t.unsure, t.bad, t.failed);
    return bad || t.bad || t.failed;
}

/* Each of files reads into the tree plain reads into. */
static int same_files(const char *plain, char **files, int n)
{
    size_t len = 0;
    char *text = slurp(plain, &len), *want = NULL, *got;
    unsigned int flags;
    planlint_error err;
    int i, bad = 0;

    if (!text || !(want = as_json(text, len, &flags, &err))) {
        printf("ERROR %s: does not read\n", plain);
        free(text);
        return 1;
    }
    for (i = 0; i < n; i++) {
        char *buf = slurp(files[i], &len);
        got = buf ? as_json(buf, len, &flags, &err) : NULL;
        if (!got) {
            printf("ERROR %s: %d:%d: %s\n", files[i], err.line, err.column, err.text);
            bad = 1;
        } else if (strcmp(got, want) != 0) {
            show_diff(files[i], want, got);
            bad = 1;
        } else {
            printf("OK %s reads as %s\n", files[i], plain);
        }
        planlint_free(got);
        free(buf);
    }
    planlint_free(want);
    free(text);
    return bad;
}

/* 1 when buf[0..len) reads as a plan flagged incomplete, or does not read; also when
 * what is left has no actuals at all: then it is a whole plain EXPLAIN ("Result
 * (cost=1.49..7.21 rows=98 width=8)" cut before its "(actual"). */
static int cut_noticed(const char *buf, size_t len)
{
    unsigned int flags = 0;
    planlint_error err;
    char *json = as_json(buf, len, &flags, &err);

    planlint_free(json);
    return !json || (flags & PLANLINT_PLAN_INCOMPLETE) || !(flags & PLANLINT_PLAN_HAS_ANALYZE);
}

static int whole_is_analyze(const char *buf, size_t len)
{
    unsigned int flags = 0;
    planlint_error err;
    char *json = as_json(buf, len, &flags, &err);

    planlint_free(json);
    return json && (flags & PLANLINT_PLAN_HAS_ANALYZE);
}

static void cut_one(const char *path, const char *text, size_t k, unsigned long *cuts,
                    unsigned long *missed)
{
    (*cuts)++;
    if (!cut_noticed(text, k)) {
        printf("MISSED %s cut at byte %zu: ...%.40s\n", path, k, text + (k > 40 ? k - 40 : 0));
        (*missed)++;
    }
}

static int cut_files(char **files, int n)
{
    unsigned long cuts = 0, missed = 0;
    int i, bad = 0;

    for (i = 0; i < n; i++) {
        size_t len = 0, start = 0, last;
        char *text = slurp(files[i], &len), *nl;
        if (!text || cut_noticed(text, len) || !whole_is_analyze(text, len)) {
            printf("DIFF %s: the whole plan is flagged incomplete or does not read\n", files[i]);
            free(text);
            bad = 1;
            continue;
        }
        for (last = len; last > 0 && text[last - 1] == '\n'; last--)
            ;
        /* half-way through every line, and after every line but the last */
        while ((nl = memchr(text + start, '\n', len - start)) != NULL && (size_t)(nl - text) < last) {
            size_t end = (size_t)(nl - text);
            if (end > start + 1)
                cut_one(files[i], text, start + (end - start) / 2, &cuts, &missed);
            cut_one(files[i], text, end + 1, &cuts, &missed);
            start = end + 1;
        }
        if (last > start + 1)
            cut_one(files[i], text, start + (last - start) / 2, &cuts, &missed);
        free(text);
    }
    printf("cut: %d files, %lu cuts: %lu read as complete\n", n, cuts, missed);
    return bad || missed;
}

/* ------------------------------------------------------------ --emit */

/* The plan as EXPLAIN's text; owned: planlint_free(). */
static char *emit_text(const planlint_plan *p)
{
    planlint_error err;
    char *out = NULL;

    memset(&err, 0, sizeof(err));
    if (planlint_plan_write_text(&out, NULL, p, &err) != 0)
        printf("ERROR writing text: %s\n", err.text);
    return out;
}

static planlint_plan *read_text(const char *text)
{
    planlint_parse_options po = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_plan *p = NULL;
    planlint_error err;

    memset(&err, 0, sizeof(err));
    po.format = PLANLINT_INPUT_TEXT;
    if (text && planlint_plan_parse(&p, text, strlen(text), &po, &err) != 0)
        printf("ERROR reading the written text: %d:%d: %s\n", err.line, err.column, err.text);
    return p;
}

/* Every raw number of every node: the same, or 0 on one side and left out (NaN) on the
 * other, as the text format leaves out a counter of 0. */
static int compare_exact(const char *name, const planlint_plan *a, const planlint_plan *b)
{
    size_t i, n = planlint_plan_node_count(a);
    int m, bad = 0;

    if (n != planlint_plan_node_count(b)) {
        printf("DIFF %s: %zu nodes in %s, %zu in %s\n", name, n, fa, planlint_plan_node_count(b), fb);
        return 1;
    }
    for (i = 0; !bad && i < n; i++) {
        const planlint_node *x = planlint_plan_node(a, i), *y = planlint_plan_node(b, i);
        bad |= compare_node(name, i, x, y, 0);
        for (m = 0; m <= (int)PLANLINT_M_WAL_BYTES; m++) {
            double u = planlint_node_metric(x, (planlint_metric)m), v = planlint_node_metric(y, (planlint_metric)m);
            if (!same_num(u, v) && !(isnan(u) && v == 0) && !(u == 0 && isnan(v))) {
                printf("DIFF %s node %zu metric %d: %s %g %s %g\n", name, i, m, fa, u, fb, v);
                bad = 1;
            }
        }
    }
    return bad;
}

/* text with every number as '#' and without the Buffers and I/O Timings lines; owned. */
static char *mask(const char *text)
{
    char *out = malloc(strlen(text) + 1), *o = out;
    const char *line = text, *end;

    if (!out)
        return NULL;
    for (; *line; line = *end ? end + 1 : end) {
        const char *p = line + strspn(line, " ");
        end = strchr(line, '\n');
        if (!end)
            end = line + strlen(line);
        if (strncmp(p, "Buffers:", 8) == 0 || strncmp(p, "I/O Timings:", 12) == 0)
            continue;
        for (p = line; p < end; p++) {
            if (*p >= '0' && *p <= '9') {
                while (p + 1 < end && ((p[1] >= '0' && p[1] <= '9') || (p[1] == '.' && p[2] >= '0' && p[2] <= '9')))
                    p++;
                *o++ = '#';
            } else {
                *o++ = *p;
            }
        }
        *o++ = '\n';
    }
    *o = '\0';
    return out;
}

typedef struct emit_tally {
    int n, bad, bytes, masked, again;
} emit_tally;

/* The captured text: equal once masked (a failure if not), equal byte for byte (counted);
 * read and written again: byte for byte, and a fixed point (a failure if not). */
static int compare_with_captured(const char *name, const char *written, const char *captured,
                                 const planlint_plan *captured_plan, emit_tally *t)
{
    char *mw = mask(written), *mc = mask(captured), *again = emit_text(captured_plan), *twice = NULL;
    planlint_plan *reread = read_text(again);
    int bad = 0;

    t->bytes += strcmp(written, captured) == 0;
    if (!mw || !mc || strcmp(mw, mc) != 0) {
        show_diff(name, mc ? mc : "", mw ? mw : "");
        bad = 1;
    }
    t->masked += !bad;
    if (again && strcmp(again, captured) == 0) {
        t->again++;
    } else {
        printf("DIFF %s: the captured text read and written again is not the captured text\n", name);
        show_diff(name, captured, again ? again : "");
        bad = 1;
    }
    if (!reread || !(twice = emit_text(reread)) || strcmp(twice, again) != 0) {
        printf("DIFF %s: the captured text read and written twice changes\n", name);
        bad = 1;
    }
    free(mw);
    free(mc);
    planlint_free(again);
    planlint_free(twice);
    planlint_plan_free(reread);
    return bad;
}

static int emit_one(const char *dir, const char *name, emit_tally *t)
{
    planlint_plan *json = load(dir, name, "json"), *captured = load(dir, name, "txt"), *back = NULL;
    char *written = json ? emit_text(json) : NULL, *text = NULL, path[4096];
    size_t len = 0;
    int bad = !json || !captured || !written;

    snprintf(path, sizeof(path), "%s/%s.txt", dir, name);
    if (!bad && !(back = read_text(written)))
        bad = 1;
    fa = "json", fb = "written text";
    if (!bad)
        bad = compare_exact(name, json, back);
    if (!bad && (text = slurp(path, &len)) != NULL)
        bad = compare_with_captured(name, written, text, captured, t);
    t->n++;
    t->bad += bad;
    free(text);
    planlint_free(written);
    planlint_plan_free(json);
    planlint_plan_free(captured);
    planlint_plan_free(back);
    return bad;
}

static int emit_files(const char *dir, char **names, int n)
{
    emit_tally t = { 0, 0, 0, 0, 0 };
    int i, bad = 0;

    for (i = 0; i < n; i++)
        bad |= emit_one(dir, names[i], &t);
    printf("emit %s: %d JSON plans written as text, %d not read back into their tree, unlike the captured "
           "text or not given back by it; %d equal the captured text but for the execution's numbers, %d byte for byte; the captured "
           "text read and written again: %d byte for byte\n", dir, t.n, t.bad, t.masked, t.bytes, t.again);
    return bad;
}

int main(int argc, char **argv)
{
    int i, bad = 0, tree = argc > 1 && strcmp(argv[1], "--tree") == 0;

    if (argc >= 6 && strcmp(argv[1], "--fold") == 0)
        return fold_files(atol(argv[2]), atol(argv[3]), atol(argv[4]) > 0 ? atol(argv[4]) : 1,
                          argv + 5, argc - 5);
    if (argc >= 4 && strcmp(argv[1], "--emit") == 0)
        return emit_files(argv[2], argv + 3, argc - 3);
    if (argc >= 3 && strcmp(argv[1], "--cut") == 0)
        return cut_files(argv + 2, argc - 2);
    if (argc >= 4 && strcmp(argv[1], "--same") == 0)
        return same_files(argv[2], argv + 3, argc - 3);
    argv += tree;
    argc -= tree;
    if (argc < 5) {
        fprintf(stderr, "usage: text_parity [--tree] DIR A B NAME...\n");
        return 2;
    }
    fa = argv[2];
    fb = argv[3];
    for (i = 4; i < argc; i++)
        bad |= compare(argv[1], argv[i], tree);
    return bad;
}
