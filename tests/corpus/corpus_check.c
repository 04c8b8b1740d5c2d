/* corpus_check.c - conformance on third-party plans: each file parses or fails
 * with the expected code, and exclusive times add up to the root's inclusive time.
 * Usage: corpus_check FILE...   prints one line per file; exit 1 on any mismatch. */
#include "planlint.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../slurp.h"

/* The Pg::Explain invariant: the sum of exclusive times is the root's inclusive
 * time, within 1% or 0.002 ms. Returns 0 for a plan without timing, 1 when it
 * holds, -1 when not; *dev gets the relative difference. */
static int check_plan(const planlint_plan *p, double *dev, char *why, size_t why_size)
{
    const planlint_node *root = planlint_plan_root(p);
    double total = planlint_node_metric(root, PLANLINT_M_INCLUSIVE_TIME), sum = 0;
    size_t i;

    *dev = 0;
    if (isnan(total))
        return 0;   /* no timing: nothing to add up */
    for (i = 0; i < planlint_plan_node_count(p); i++)
        sum += planlint_node_metric(planlint_plan_node(p, i), PLANLINT_M_EXCLUSIVE_TIME);
    *dev = total > 0 ? fabs(sum - total) / total : 0;
    if (fabs(sum - total) > 0.002 && fabs(sum - total) > 0.01 * total) {
        snprintf(why, why_size, "plan %zu: exclusive sum %.3f != root %.3f", planlint_plan_index(p),
                 sum, total);
        return -1;
    }
    return 1;
}

/* --metric FILE NODE METRIC EXPECTED TOLERANCE: one derived number of plan 1. */
static int check_metric(char **a)
{
    planlint_plan *plan = NULL;
    planlint_error err;
    size_t len, node = (size_t)strtoul(a[1], NULL, 10);
    char *buf = slurp(a[0], &len);
    double want = strtod(a[3], NULL), tol = strtod(a[4], NULL), got = NAN;
    int m, metric = -1;

    for (m = 0; m < PLANLINT_M_COUNT_; m++)
        if (strcmp(planlint_metric_name((planlint_metric)m), a[2]) == 0)
            metric = m;
    memset(&err, 0, sizeof(err));
    if (buf && metric >= 0 && planlint_plan_parse(&plan, buf, len, NULL, &err) == 0)
        got = planlint_node_metric(planlint_plan_node(plan, node), (planlint_metric)metric);
    free(buf);
    planlint_plan_free(plan);
    printf("%s %s node %zu %s = %.4f (expected %s +- %s)\n", fabs(got - want) <= tol ? "OK" : "FAIL",
           a[0], node, a[2], got, a[3], a[4]);
    return fabs(got - want) <= tol ? 0 : 1;
}

static void print_cell(double v)
{
    if (isnan(v))
        fputs(" -", stdout);
    else
        printf(" %.3f", v);
}

/* --tuples FILE: per node of every plan, the numbers Pg::Explain keeps, in the
 * format tests/corpus/pg_explain_tuples.pl prints. */
static int print_tuples(const char *path)
{
    static const planlint_metric m[] = { PLANLINT_M_STARTUP_COST, PLANLINT_M_TOTAL_COST,
                                         PLANLINT_M_PLAN_ROWS, PLANLINT_M_PLAN_WIDTH,
                                         PLANLINT_M_ACTUAL_STARTUP_TIME, PLANLINT_M_ACTUAL_TOTAL_TIME,
                                         PLANLINT_M_ACTUAL_ROWS, PLANLINT_M_ACTUAL_LOOPS };
    planlint_plan *plan = NULL;
    const planlint_plan *p;
    planlint_error err;
    size_t len, i, k;
    char *buf = slurp(path, &len);

    memset(&err, 0, sizeof(err));
    if (!buf || planlint_plan_parse(&plan, buf, len, NULL, &err) != 0) {
        fprintf(stderr, "%s: %s\n", path, buf ? err.text : "cannot read");
        free(buf);
        return 1;
    }
    for (p = plan; p; p = planlint_plan_next(p))
        for (i = 0; i < planlint_plan_node_count(p); i++) {
            for (k = 0; k < sizeof(m) / sizeof(m[0]); k++)
                print_cell(planlint_node_metric(planlint_plan_node(p, i), m[k]));
            putchar('\n');
        }
    planlint_plan_free(plan);
    free(buf);
    return 0;
}

/* ------------------------------------------------------------ --subset */

static int same_value(const planlint_value *want, const planlint_value *got, char *why, size_t n);

static int same_number(double w, double g)
{
    return fabs(w - g) <= 1e-9 * (fabs(w) > 1 ? fabs(w) : 1);
}

/* pev2 keeps a list ("Output") as the text PostgreSQL printed: "a, b" against ["a", "b"]. */
static int same_joined(const char *want, const planlint_value *got)
{
    size_t i, l;

    if (planlint_value_kind(got) != PLANLINT_VALUE_ARRAY)
        return 0;
    for (i = 0; i < planlint_value_size(got); i++) {
        const char *item = planlint_value_string(planlint_value_at(got, i));
        if (!item || strncmp(want, item, l = strlen(item)) != 0)
            return 0;
        want += l;
        if (i + 1 < planlint_value_size(got) && strncmp(want, ", ", 2) != 0)
            return 0;
        want += i + 1 < planlint_value_size(got) ? 2 : 0;
    }
    return *want == '\0';
}

/* Every member of want is in got with the same value (pev2's toMatchObject). */
static int same_object(const planlint_value *want, const planlint_value *got, char *why, size_t n)
{
    size_t i;

    for (i = 0; i < planlint_value_size(want); i++) {
        const char *key = planlint_value_key(want, i);
        if (strcmp(key, "Plans") == 0)
            continue;   /* compared node by node by the caller */
        if (!same_value(planlint_value_at(want, i), planlint_value_get(got, key), why, n)) {
            size_t l = strlen(why);
            snprintf(why + l, n - l, " in \"%s\"", key);
            return 0;
        }
    }
    return 1;
}

static int same_value(const planlint_value *want, const planlint_value *got, char *why, size_t n)
{
    size_t i;

    if (!got && planlint_value_kind(want) == PLANLINT_VALUE_NUMBER && planlint_value_number(want) == 0)
        return 1;   /* pev2 fills in the zero counters that the text format leaves out */
    if (!got) {
        snprintf(why, n, "missing");
        return 0;
    }
    switch (planlint_value_kind(want)) {
    case PLANLINT_VALUE_OBJECT:
        return same_object(want, got, why, n);
    case PLANLINT_VALUE_ARRAY:
        if (planlint_value_size(want) != planlint_value_size(got)) {
            snprintf(why, n, "%zu elements, expected %zu", planlint_value_size(got), planlint_value_size(want));
            return 0;
        }
        for (i = 0; i < planlint_value_size(want); i++)
            if (!same_value(planlint_value_at(want, i), planlint_value_at(got, i), why, n))
                return 0;
        return 1;
    case PLANLINT_VALUE_NUMBER:
        if (same_number(planlint_value_number(want), planlint_value_number(got)))
            return 1;
        snprintf(why, n, "%g, expected %g", planlint_value_number(got), planlint_value_number(want));
        return 0;
    case PLANLINT_VALUE_STRING:
        if (planlint_value_kind(got) == PLANLINT_VALUE_STRING &&
            strcmp(planlint_value_string(want), planlint_value_string(got)) == 0)
            return 1;
        if (!isnan(planlint_value_number(want)) && same_number(planlint_value_number(want), planlint_value_number(got)))
            return 1;   /* "25" against 25 */
        if (same_joined(planlint_value_string(want), got))
            return 1;
        snprintf(why, n, "\"%s\", expected \"%s\"", planlint_value_string(got) ? planlint_value_string(got) : "?",
                 planlint_value_string(want));
        return 0;
    default:
        if (planlint_value_kind(want) == planlint_value_kind(got) && planlint_value_bool(want) == planlint_value_bool(got))
            return 1;
        snprintf(why, n, "a different literal");
        return 0;
    }
}

/* pev2 writes a few keys its own way, not PostgreSQL's: "Nested Loop Join", "Hash Semi Join",
 * "GroupAggregate", "Merge" (for a ModifyTable), quoted index names. */
static const char *pev2_spelling(const char *key, const char *v, char *buf, size_t n)
{
    static const char *const map[][2] = {
        { "Nested Loop Join", "Nested Loop" }, { "GroupAggregate", "Aggregate" },
        { "HashAggregate", "Aggregate" }, { "MixedAggregate", "Aggregate" }, { "Merge", "ModifyTable" },
        { "Hash Semi Join", "Hash Join" }, { "Hash Anti Join", "Hash Join" },
        { "Hash Left Join", "Hash Join" }, { "Hash Right Join", "Hash Join" },
        { "Merge Semi Join", "Merge Join" }, { "Merge Anti Join", "Merge Join" },
        { "Merge Left Join", "Merge Join" }, { "Merge Right Join", "Merge Join" },
    };
    size_t i, len = strlen(v);

    if (strcmp(key, "Node Type") == 0)
        for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
            if (strcmp(v, map[i][0]) == 0)
                return map[i][1];
    if (strcmp(key, "Index Name") == 0 && len >= 2 && v[0] == '"' && v[len - 1] == '"') {
        snprintf(buf, n, "%.*s", (int)(len - 2), v + 1);
        return buf;
    }
    return v;
}

/* pev2 writes "schema.name" as the Relation Name where PostgreSQL has a Schema key. */
static int same_qualified(const char *key, const char *ws, const planlint_node *got)
{
    const char *schema = planlint_value_string(planlint_node_get(got, "Schema"));
    const char *name = planlint_value_string(planlint_node_get(got, "Relation Name"));
    size_t l;

    if (strcmp(key, "Relation Name") != 0 || !schema || !name)
        return 0;
    l = strlen(schema);
    return strncmp(ws, schema, l) == 0 && ws[l] == '.' && strcmp(ws + l + 1, name) == 0;
}

static int same_tree(const planlint_node *want, const planlint_node *got, char *why, size_t n)
{
    size_t i, k;

    /* toMatchObject: an expected node without "Plans" leaves the children unchecked
     * (pev2's 46 and 48 stop at the node under test). */
    if (planlint_node_get(want, "Plans") &&
        planlint_node_child_count(want) != planlint_node_child_count(got)) {
        snprintf(why, n, "node %zu has %zu children, expected %zu", planlint_node_id(got),
                 planlint_node_child_count(got), planlint_node_child_count(want));
        return 0;
    }
    for (k = 0; k < planlint_node_key_count(want); k++) {
        const char *key = planlint_node_key_at(want, k);
        const char *ws = planlint_value_string(planlint_node_value_at(want, k)), *gs;
        char buf[256];
        if (strcmp(key, "Plans") == 0)
            continue;
        gs = planlint_value_string(planlint_node_get(got, key));
        if (ws && gs && strcmp(pev2_spelling(key, ws, buf, sizeof(buf)), gs) == 0)
            continue;
        if (ws && same_qualified(key, ws, got))
            continue;
        if (!same_value(planlint_node_value_at(want, k), planlint_node_get(got, key), why, n)) {
            size_t l = strlen(why);
            snprintf(why + l, n - l, " in \"%s\" of node %zu", key, planlint_node_id(got));
            return 0;
        }
    }
    for (i = 0; i < planlint_node_child_count(want); i++)
        if (!same_tree(planlint_node_child(want, i), planlint_node_child(got, i), why, n))
            return 0;
    return 1;
}

/* --subset PLAN EXPECT: the plan read from PLAN holds everything EXPECT (a JSON
 * plan, e.g. pev2's text-to-JSON expectation) says. */
static int check_subset(const char *plan_path, const char *expect_path)
{
    planlint_plan *plan = NULL, *want = NULL;
    planlint_error err;
    size_t len1, len2;
    char *b1 = slurp(plan_path, &len1), *b2 = slurp(expect_path, &len2), why[512] = "";
    int ok = 0;

    memset(&err, 0, sizeof(err));
    if (b1 && b2 && planlint_plan_parse(&plan, b1, len1, NULL, &err) == 0 &&
        planlint_plan_parse(&want, b2, len2, NULL, &err) == 0) {
        ok = same_tree(planlint_plan_root(want), planlint_plan_root(plan), why, sizeof(why));
        if (ok) {
            const planlint_value *top = planlint_plan_get(want, "Planning Time");
            if (top && !same_value(top, planlint_plan_get(plan, "Planning Time"), why, sizeof(why)))
                ok = 0;
            top = planlint_plan_get(want, "Execution Time");
            if (ok && top && !same_value(top, planlint_plan_get(plan, "Execution Time"), why, sizeof(why)))
                ok = 0;
        }
    } else {
        snprintf(why, sizeof(why), "%s", err.text[0] ? err.text : "cannot read");
    }
    printf("%s %s %s\n", ok ? "OK" : "DIFF", plan_path, why);
    planlint_plan_free(plan);
    planlint_plan_free(want);
    free(b1);
    free(b2);
    return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
    int i, bad = 0;

    if (argc == 4 && strcmp(argv[1], "--subset") == 0)
        return check_subset(argv[2], argv[3]);

    if (argc == 3 && strcmp(argv[1], "--tuples") == 0)
        return print_tuples(argv[2]);

    if (argc == 7 && strcmp(argv[1], "--metric") == 0)
        return check_metric(argv + 2);

    for (i = 1; i < argc; i++) {
        planlint_plan *plan = NULL;
        const planlint_plan *p;
        planlint_error err;
        char why[256] = "";
        size_t len;
        char *buf = slurp(argv[i], &len);
        int rc, summed = 0, within = 0, ok = 1, nplans = 0;
        double worst = 0;
        size_t at = 0;

        if (!buf) {
            printf("MISSING %s\n", argv[i]);
            bad++;
            continue;
        }
        memset(&err, 0, sizeof(err));
        rc = planlint_plan_parse(&plan, buf, len, NULL, &err);
        free(buf);
        if (rc != 0) {
            printf("REJECT %s %s %s\n", argv[i], planlint_strerror(rc), err.text);
            continue;
        }
        for (p = plan; p; p = planlint_plan_next(p)) {
            double dev;
            int c = check_plan(p, &dev, why, sizeof(why));
            if (c < 0)
                ok = 0;
            summed += c != 0;
            within += c > 0;
            if (c > 0 && dev > worst) {
                worst = dev;
                at = planlint_plan_index(p);
            }
            nplans++;
        }
        if (ok)
            printf("OK %s plans=%d timed=%d within=%d worst=%.6f at=plan%zu\n", argv[i], nplans, summed,
                   within, worst, at);
        else {
            printf("SUMFAIL %s %s timed=%d within=%d\n", argv[i], why, summed, within);
            bad++;
        }
        planlint_plan_free(plan);
    }
    return bad ? 1 : 0;
}
