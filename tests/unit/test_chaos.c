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

static void chaos_buf(const char *name, const char *buf, size_t len, planlint_output_format fmt)
{
    long n;
    int rc = -1;

    for (n = 0; n < 200000 && rc != 0; n++) {
        pl_alloc_fail_after(n);
        rc = run_once(buf, len, fmt);
    }
    pl_alloc_fail_after(-1);
    CHECK(rc == 0);
    printf("%s: succeeded after %ld injected failures\n", name, n - 1);
}

static void chaos(const char *rel, planlint_output_format fmt)
{
    size_t len;
    char *buf = tap_slurp(rel, &len);

    chaos_buf(rel, buf, len, fmt);
    free(buf);
}

/* planlint_plan_anonymize(), planlint_plan_write() and planlint_plan_write_text():
 * parse, anonymize (names too), check, write both ways; the anonymizer's table, the
 * rewritten strings and the quoted names of the text fail too. */
static int run_anon_once(const char *buf, size_t len)
{
    planlint_anonymize_options ao = PLANLINT_ANONYMIZE_OPTIONS_INIT;
    planlint_anonymizer *a = NULL;
    planlint_plan *p = NULL;
    planlint_error err;
    char *out = NULL, *text = NULL;
    int rc;

    memset(&err, 0, sizeof(err));
    ao.what = PLANLINT_ANONYMIZE_NAMES;
    rc = planlint_plan_parse(&p, buf, len, NULL, &err);
    if (rc == 0)
        rc = planlint_anonymizer_new(&a, &ao, &err);
    if (rc == 0)
        rc = planlint_plan_anonymize(p, a, &err);
    if (rc == 0)
        rc = planlint_check(p, NULL, &err);
    if (rc == 0)
        rc = planlint_plan_write(&out, NULL, p, &err);
    if (rc == 0)
        rc = planlint_plan_write_text(&text, NULL, p, &err);
    CHECK(rc == 0 || (rc == PLANLINT_ENOMEM && err.code == PLANLINT_ENOMEM));
    CHECK(rc != 0 || (out != NULL && text != NULL));
    planlint_free(out);
    planlint_free(text);
    planlint_anonymizer_free(a);
    planlint_plan_free(p);
    return rc;
}

static void chaos_anonymize(const char *rel)
{
    size_t len;
    char *buf = tap_slurp(rel, &len);
    long n;
    int rc = -1;

    for (n = 0; n < 200000 && rc != 0; n++) {
        pl_alloc_fail_after(n);
        rc = run_anon_once(buf, len);
    }
    pl_alloc_fail_after(-1);
    CHECK(rc == 0);
    printf("%s, anonymized: succeeded after %ld injected failures\n", rel, n - 1);
    free(buf);
}

/* planlint_html_*: one page of two inputs; the page's buffers fail too. */
static int run_html_once(const char *a, size_t alen, const char *b, size_t blen)
{
    planlint_html *page = NULL;
    planlint_plan *pa = NULL, *pb = NULL;
    planlint_error err;
    char *out = NULL;
    int rc;

    memset(&err, 0, sizeof(err));
    rc = planlint_plan_parse(&pa, a, alen, NULL, &err);
    if (rc == 0)
        rc = planlint_plan_parse(&pb, b, blen, NULL, &err);
    if (rc == 0)
        rc = planlint_check(pa, NULL, &err);
    if (rc == 0)
        rc = planlint_html_new(&page, &err);
    if (rc == 0)
        rc = planlint_html_add(page, pa, "a.json", &err);
    if (rc == 0)
        rc = planlint_html_add(page, pb, NULL, &err);
    if (rc == 0)
        rc = planlint_html_finish(&out, NULL, page, &err);
    CHECK(rc == 0 || (rc == PLANLINT_ENOMEM && err.code == PLANLINT_ENOMEM));
    CHECK(rc != 0 || (out != NULL && strstr(out, "id=\"p2\"") != NULL));
    planlint_free(out);
    planlint_html_free(page);
    planlint_plan_free(pa);
    planlint_plan_free(pb);
    return rc;
}

static void chaos_html(const char *rel_a, const char *rel_b)
{
    size_t alen, blen;
    char *a = tap_slurp(rel_a, &alen), *b = tap_slurp(rel_b, &blen);
    long n;
    int rc = -1;

    for (n = 0; n < 200000 && rc != 0; n++) {
        pl_alloc_fail_after(n);
        rc = run_html_once(a, alen, b, blen);
    }
    pl_alloc_fail_after(-1);
    CHECK(rc == 0);
    printf("%s + %s, one HTML page: succeeded after %ld injected failures\n", rel_a, rel_b, n - 1);
    free(a);
    free(b);
}

/* A text plan big enough to need many arena chunks, so that failures land inside
 * the text reader's object growth and not only in its first allocations. */
static void chaos_big_text(void)
{
    size_t cap = 1u << 20, len = 0, i;
    char *buf = malloc(cap);

    CHECK(buf != NULL);
    if (!buf)
        return;
    len += (size_t)snprintf(buf, cap, "Append  (cost=0.00..9.00 rows=9 width=4) (actual time=0.1..9.0 rows=9 loops=1)\n");
    for (i = 0; i < 1500 && len + 400 < cap; i++)
        len += (size_t)snprintf(buf + len, cap - len,
                                "  ->  Seq Scan on t%zu  (cost=0.00..1.00 rows=1 width=4) (actual time=0.001..0.002 rows=1 loops=1)\n"
                                "        Filter: (a > %zu)\n        Rows Removed by Filter: 3\n"
                                "        Buffers: shared hit=2 read=1\n", i, i);
    len += (size_t)snprintf(buf + len, cap - len, "Planning Time: 0.1 ms\nExecution Time: 9.5 ms\n");
    chaos_buf("synthesized text plan, 1501 nodes", buf, len, PLANLINT_OUTPUT_JSON);
    free(buf);
}

int main(void)
{
    chaos("fixtures/pg15/init_plan.json", PLANLINT_OUTPUT_TREE);
    chaos("fixtures/pg15/cte_materialized.json", PLANLINT_OUTPUT_JSON);
    chaos("fixtures/pg15/wrapped/psql-unicode-border2.txt", PLANLINT_OUTPUT_TREE);
    chaos("fixtures/pg15/seq_scan_filter.json", PLANLINT_OUTPUT_TREE);
    chaos("fixtures/pg15/hash_join_batches.json", PLANLINT_OUTPUT_JSON);
    /* The text reader: workers, subplans, Incremental Sort's group objects, and grouping
     * sets (hashed ones, sorted rollups under their Sort Key). */
    chaos("fixtures/pg15/parallel_hash_join.txt", PLANLINT_OUTPUT_TREE);
    chaos("fixtures/pg15/subplan_correlated.txt", PLANLINT_OUTPUT_JSON);
    chaos("fixtures/pg15/incremental_sort.txt", PLANLINT_OUTPUT_TREE);
    chaos("fixtures/pg15/parity/grouping_sets_sorted.txt", PLANLINT_OUTPUT_JSON);
    /* The flame graphs, which allocate buffers of their own beside the output. */
    chaos("fixtures/pg15/cte_materialized.json", PLANLINT_OUTPUT_FOLDED);
    chaos("fixtures/pg15/parallel_hash_join.txt", PLANLINT_OUTPUT_SPEEDSCOPE);
    chaos_big_text();
    chaos_html("fixtures/pg15/hash_join_batches.json", "fixtures/pg15/init_plan.txt");
    chaos_anonymize("fixtures/pg15/subplan_correlated.json");
    chaos_anonymize("tests/golden/anonymize-query/stdin");
    CHECK(planlint_plan_write_text(NULL, NULL, NULL, NULL) == PLANLINT_EINVAL);
    return tap_done("test_chaos");
}
