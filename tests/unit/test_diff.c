/* test_diff.c - planlint_diff_*: node matching, regressions and findings on the captured
 * before/after pairs, argument checks, and every allocation failure inside the diff. */
#include "planlint.h"
#include "alloc.h"
#include "tap.h"

#define DIR "fixtures/pg15/diff/"

static planlint_plan *load(const char *rel)
{
    planlint_plan *p = NULL;
    planlint_error err;
    size_t len;
    char *buf = tap_slurp(rel, &len);

    memset(&err, 0, sizeof(err));
    CHECK(planlint_plan_parse(&p, buf, len, NULL, &err) == 0);
    CHECK(p && planlint_check(p, NULL, &err) == 0);
    free(buf);
    return p;
}

static unsigned int regressions(const char *before, const char *after)
{
    planlint_plan *a = load(before), *b = load(after);
    planlint_diff *d = NULL;
    unsigned int r;

    CHECK(planlint_diff_new(&d, a, b, NULL, NULL) == 0);
    r = planlint_diff_regressions(d);
    planlint_diff_free(d);
    planlint_plan_free(a);
    planlint_plan_free(b);
    return r;
}

static void test_index_drop(void)
{
    planlint_plan *a = load(DIR "index_drop.before.json"), *b = load(DIR "index_drop.after.txt");
    const planlint_node *ra = planlint_plan_root(a), *rb = planlint_plan_root(b);
    planlint_diff *d = NULL;
    unsigned int kind = 0;

    CHECK(planlint_diff_new(&d, a, b, NULL, NULL) == 0);
    CHECK(planlint_diff_match(d, ra) == rb);
    CHECK(planlint_diff_match(d, rb) == ra);
    CHECK(planlint_diff_match(d, planlint_node_child(ra, 0)) == NULL);   /* the Bitmap Index Scan */
    CHECK(planlint_diff_regressions(d) == (PLANLINT_REGRESSION_EXECUTION_TIME | PLANLINT_REGRESSION_NODE_TIME |
                                           PLANLINT_REGRESSION_SEQ_SCAN));
    CHECK(planlint_diff_reason_count(d) == 3);
    CHECK_STR(planlint_diff_reason(d, 2, &kind), "Bitmap Heap Scan on orders became Seq Scan");
    CHECK(kind == PLANLINT_REGRESSION_SEQ_SCAN);
    CHECK(planlint_diff_reason(d, 3, NULL) == NULL);
    CHECK(planlint_diff_finding_count(d, 1) == 1);
    CHECK_STR(planlint_rule_id(planlint_finding_rule(planlint_diff_finding(d, 1, 0))), "PL001");
    CHECK(planlint_diff_finding_count(d, 0) == 0 && planlint_diff_finding(d, 0, 0) == NULL);
    CHECK(strncmp(planlint_diff_verdict(d), "slower: 0.108 ms -> 30.473 ms", 29) == 0);
    planlint_diff_free(d);
    planlint_plan_free(a);
    planlint_plan_free(b);
}

static void test_arguments(void)
{
    planlint_diff_options o = PLANLINT_DIFF_OPTIONS_INIT;
    planlint_render_options ro = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_plan *a = load(DIR "work_mem.before.json");
    planlint_diff *d = NULL;
    planlint_error err;
    char *out = NULL;

    memset(&err, 0, sizeof(err));
    CHECK(planlint_diff_new(&d, a, NULL, NULL, &err) == PLANLINT_EINVAL && d == NULL);
    o.version = 99;
    CHECK(planlint_diff_new(&d, a, a, &o, NULL) == PLANLINT_EINVAL);
    CHECK(planlint_diff_new(&d, a, a, NULL, NULL) == 0);
    CHECK(planlint_diff_regressions(d) == 0 && planlint_diff_finding_count(d, 1) == 0);
    ro.format = PLANLINT_OUTPUT_HTML;
    CHECK(planlint_diff_render(&out, NULL, d, &ro, NULL) == PLANLINT_EINVAL && out == NULL);
    planlint_diff_free(d);
    planlint_diff_free(NULL);
    CHECK(planlint_diff_match(NULL, NULL) == NULL && planlint_diff_verdict(NULL) == NULL);
    CHECK(planlint_diff_regressions(NULL) == 0 && planlint_diff_reason_count(NULL) == 0);
    planlint_plan_free(a);
}

/* A regression is a SARIF error when the caller fails on it, a warning otherwise; a
 * version 1 options struct (without fail_on_regression) reads as not failing. */
static int sarif_level_is(unsigned int version, int failing, const char *level)
{
    planlint_render_options ro = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_diff_options o = PLANLINT_DIFF_OPTIONS_INIT;
    planlint_plan *a = load(DIR "work_mem.before.json"), *b = load(DIR "work_mem.after.json");
    planlint_diff *d = NULL;
    char *out = NULL, want[64];
    int ok;

    o.version = version;
    o.fail_on_regression = failing;
    ro.format = PLANLINT_OUTPUT_SARIF;
    snprintf(want, sizeof(want), "\"ruleId\":\"PLDIFF\",\"ruleIndex\":%zu,\"level\":\"%s\"",
             planlint_rule_count(), level);
    ok = planlint_diff_new(&d, a, b, &o, NULL) == 0 && planlint_diff_render(&out, NULL, d, &ro, NULL) == 0 &&
         strstr(out, want) != NULL;
    planlint_free(out);
    planlint_diff_free(d);
    planlint_plan_free(a);
    planlint_plan_free(b);
    return ok;
}

/* Every allocation of planlint_diff_new() and planlint_diff_render() failed in turn. */
static void test_chaos(planlint_output_format fmt)
{
    planlint_render_options ro = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_diff_options o = PLANLINT_DIFF_OPTIONS_INIT;
    planlint_plan *a = load(DIR "index_drop.before.json"), *b = load(DIR "index_drop.after.json");
    planlint_error err;
    long n;
    int rc = -1;

    ro.format = fmt;
    o.before_name = "before";
    o.after_name = "after";
    for (n = 0; n < 10000 && rc != 0; n++) {
        planlint_diff *d = NULL;
        char *out = NULL;
        memset(&err, 0, sizeof(err));
        pl_alloc_fail_after(n);
        rc = planlint_diff_new(&d, a, b, &o, &err);
        if (rc == 0)
            rc = planlint_diff_render(&out, NULL, d, &ro, &err);
        pl_alloc_fail_after(-1);
        CHECK(rc == 0 || (rc == PLANLINT_ENOMEM && err.code == PLANLINT_ENOMEM));
        CHECK(rc != 0 || out != NULL);
        planlint_free(out);
        planlint_diff_free(d);
    }
    printf("diff chaos: succeeded after %ld injected failures\n", n - 1);
    planlint_plan_free(a);
    planlint_plan_free(b);
}

int main(void)
{
    test_index_drop();
    test_arguments();
    CHECK(regressions(DIR "work_mem.before.json", DIR "work_mem.after.json") == PLANLINT_REGRESSION_SPILL);
    CHECK(regressions(DIR "same_plan.before.json", DIR "same_plan.after.json") == 0);
    test_chaos(PLANLINT_OUTPUT_TREE);
    test_chaos(PLANLINT_OUTPUT_JSON);
    test_chaos(PLANLINT_OUTPUT_MARKDOWN);
    test_chaos(PLANLINT_OUTPUT_SARIF);
    CHECK(sarif_level_is(PLANLINT_DIFF_OPTIONS_VERSION, 1, "error"));
    CHECK(sarif_level_is(PLANLINT_DIFF_OPTIONS_VERSION, 0, "warning"));
    CHECK(sarif_level_is(1, 1, "warning"));
    return tap_done("test_diff");
}
