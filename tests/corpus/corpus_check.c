/* corpus_check.c - conformance on third-party plans: each file parses or fails
 * with the expected code, and exclusive times add up to the root's inclusive time.
 * Usage: corpus_check FILE...   prints one line per file; exit 1 on any mismatch. */
#include "planlint.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;

    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* The Pg::Explain invariant: the sum of exclusive times is the root's inclusive
 * time, within 1% or 0.002 ms. */
static int check_plan(const planlint_plan *p, char *why, size_t why_size)
{
    const planlint_node *root = planlint_plan_root(p);
    double total = planlint_node_metric(root, PLANLINT_M_INCLUSIVE_TIME), sum = 0;
    size_t i;

    if (isnan(total))
        return 0;   /* no timing: nothing to add up */
    for (i = 0; i < planlint_plan_node_count(p); i++)
        sum += planlint_node_metric(planlint_plan_node(p, i), PLANLINT_M_EXCLUSIVE_TIME);
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

int main(int argc, char **argv)
{
    int i, bad = 0;

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
        int rc, summed = 0, ok = 1, nplans = 0;

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
            int c = check_plan(p, why, sizeof(why));
            if (c < 0)
                ok = 0;
            summed += c > 0;
            nplans++;
        }
        if (ok)
            printf("OK %s plans=%d summed=%d\n", argv[i], nplans, summed);
        else {
            printf("SUMFAIL %s %s\n", argv[i], why);
            bad++;
        }
        planlint_plan_free(plan);
    }
    return bad ? 1 : 0;
}
