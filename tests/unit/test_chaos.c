/* test_chaos.c - every allocation failure, one at a time, comes back as
 * PLANLINT_ENOMEM: no crash, no partial result (leaks are LeakSanitizer's job). */
#include "planlint.h"
#include "alloc.h"
#include "tap.h"

static int run_once(const char *buf, size_t len, planlint_output_format fmt)
{
    planlint_render_options ro = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_plan *p = NULL;
    planlint_error err;
    char *out = NULL;
    int rc;

    memset(&err, 0, sizeof(err));
    rc = planlint_plan_parse(&p, buf, len, NULL, &err);
    if (rc == 0)
        rc = planlint_check(p, NULL, &err);
    if (rc == 0) {
        CHECK(p != NULL);
        ro.format = fmt;
        rc = planlint_render(&out, NULL, p, &ro, &err);
        CHECK(rc != 0 || out != NULL);
    }
    CHECK(rc == 0 || (rc == PLANLINT_ENOMEM && err.code == PLANLINT_ENOMEM));
    if (rc != 0 && rc != PLANLINT_ENOMEM)
        fprintf(stderr, "  got %s: %s\n", planlint_strerror(rc), err.text);
    planlint_free(out);
    planlint_plan_free(p);
    return rc;
}

static void chaos(const char *rel, planlint_output_format fmt)
{
    size_t len;
    char *buf = tap_slurp(rel, &len);
    long n;
    int rc = -1;

    for (n = 0; n < 200000 && rc != 0; n++) {
        pl_alloc_fail_after(n);
        rc = run_once(buf, len, fmt);
    }
    pl_alloc_fail_after(-1);
    CHECK(rc == 0);
    printf("%s: succeeded after %ld injected failures\n", rel, n - 1);
    free(buf);
}

int main(void)
{
    chaos("fixtures/pg15/init_plan.json", PLANLINT_OUTPUT_TREE);
    chaos("fixtures/pg15/cte_materialized.json", PLANLINT_OUTPUT_JSON);
    chaos("fixtures/pg15/wrapped/psql-unicode-border2.txt", PLANLINT_OUTPUT_TREE);
    chaos("fixtures/pg15/seq_scan_filter.json", PLANLINT_OUTPUT_TREE);
    chaos("fixtures/pg15/hash_join_batches.json", PLANLINT_OUTPUT_JSON);
    return tap_done("test_chaos");
}
