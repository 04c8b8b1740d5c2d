/* text_parity.c - a plan captured in two of EXPLAIN's formats must read into the same
 * tree: node by node, the parts that do not change between two executions (types,
 * names, relationships, estimates, loops, and rows where they are deterministic).
 * Usage: text_parity [--tree] DIR A B NAME...  (reads DIR/NAME.A and DIR/NAME.B, A and B
 * among json, txt, yaml, xml); a NAME written ~NAME skips the estimates: its statement
 * changed the data, or ANALYZE sampled anew, between captures. --tree also compares
 * every key of every node and of the plan: the same keys in the same order, the same
 * types, the same strings (numbers are the executions' own). */
#include "planlint.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;

    if (!f)
        return NULL;
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
        (buf = malloc((size_t)n + 1)) != NULL) {
        *len = fread(buf, 1, (size_t)n, f);
        buf[*len] = '\0';
    }
    fclose(f);
    return buf;
}

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
    }
    if (!bad)
        printf("OK %s %s/%s nodes=%zu\n", name, fa, fb, n);
    planlint_plan_free(a);
    planlint_plan_free(b);
    return bad;
}

int main(int argc, char **argv)
{
    int i, bad = 0, tree = argc > 1 && strcmp(argv[1], "--tree") == 0;

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
