/* text_parity.c - a plan captured as JSON and as text must read into the same tree:
 * node by node, the parts that do not change between two executions (types, names,
 * relationships, estimates, loops, and rows where they are deterministic).
 * Usage: text_parity DIR NAME...  (reads DIR/NAME.json and DIR/NAME.txt); a NAME
 * written ~NAME skips the estimates: its statement changed the data between captures. */
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

static planlint_plan *load(const char *dir, const char *name, const char *ext)
{
    planlint_parse_options po = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_plan *p = NULL;
    planlint_error err;
    char path[4096];
    size_t len = 0;
    char *buf;

    snprintf(path, sizeof(path), "%s/%s.%s", dir, name, ext);
    memset(&err, 0, sizeof(err));
    po.format = strcmp(ext, "txt") == 0 ? PLANLINT_INPUT_TEXT : PLANLINT_INPUT_JSON;
    if (!(buf = slurp(path, &len)))
        return NULL;
    if (planlint_plan_parse(&p, buf, len, &po, &err) != 0)
        printf("ERROR %s: %d:%d: %s\n", path, err.line, err.column, err.text);
    free(buf);
    return p;
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
            printf("DIFF %s node %zu field %d: json '%s' text '%s'\n", name, i, (int)fields[k],
                   x ? x : "(none)", y ? y : "(none)");
            bad = 1;
        }
    }
    for (k = 0; k < sizeof(metrics) / sizeof(metrics[0]); k++) {
        double x = planlint_node_metric(a, metrics[k]), y = planlint_node_metric(b, metrics[k]);
        if (loose && metrics[k] != PLANLINT_M_ACTUAL_LOOPS)
            continue;
        if (!same_num(x, y)) {
            printf("DIFF %s node %zu metric %d: json %g text %g\n", name, i, (int)metrics[k], x, y);
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

static int compare(const char *dir, const char *name)
{
    int loose = name[0] == '~';
    planlint_plan *a = load(dir, name + loose, "json"), *b = load(dir, name + loose, "txt");
    size_t i, n;
    int bad = 0;

    if (!a || !b) {
        planlint_plan_free(a);
        planlint_plan_free(b);
        return 1;
    }
    n = planlint_plan_node_count(a);
    if (n != planlint_plan_node_count(b)) {
        printf("DIFF %s: %zu nodes in JSON, %zu in text\n", name, n, planlint_plan_node_count(b));
        bad = 1;
    }
    for (i = 0; !bad && i < n; i++)
        bad |= compare_node(name, i, planlint_plan_node(a, i), planlint_plan_node(b, i), loose);
    if (!bad)
        printf("OK %s nodes=%zu\n", name, n);
    planlint_plan_free(a);
    planlint_plan_free(b);
    return bad;
}

int main(int argc, char **argv)
{
    int i, bad = 0;

    if (argc < 3) {
        fprintf(stderr, "usage: text_parity DIR NAME...\n");
        return 2;
    }
    for (i = 2; i < argc; i++)
        bad |= compare(argv[1], argv[i]);
    return bad;
}
