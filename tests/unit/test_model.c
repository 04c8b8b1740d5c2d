/* test_model.c - the plan model on real captured plans: raw keys, derived numbers,
 * errors and limits, wrappings, number formatting. */
#include "planlint.h"
#include "buf.h"
#include "model.h"
#include "tap.h"

#include <dirent.h>

int pl_key_table_sorted(void);

static planlint_plan *load(const char *rel)
{
    planlint_error err;
    planlint_plan *p = NULL;
    size_t len;
    char *buf = tap_slurp(rel, &len);

    memset(&err, 0, sizeof(err));
    if (planlint_plan_parse(&p, buf, len, NULL, &err) != 0)
        fprintf(stderr, "%s: %s (%s)\n", rel, err.text, err.path);
    free(buf);
    CHECK(p != NULL);
    return p;
}

static int parse_text(const char *text, const planlint_parse_options *o, planlint_error *err)
{
    planlint_plan *p = NULL;
    int rc;

    memset(err, 0, sizeof(*err));
    rc = planlint_plan_parse(&p, text, strlen(text), o, err);
    planlint_plan_free(p);
    return rc;
}

static const planlint_node *find_type(const planlint_plan *p, const char *type, int nth)
{
    size_t i;

    for (i = 0; i < planlint_plan_node_count(p); i++) {
        const planlint_node *n = planlint_plan_node(p, i);
        if (strcmp(planlint_node_field_get(n, PLANLINT_FIELD_NODE_TYPE), type) == 0 && nth-- == 0)
            return n;
    }
    return NULL;
}

/* Exclusive times over all nodes add up to the root's inclusive time. */
static void check_sum(const planlint_plan *p, double eps)
{
    double sum = 0;
    size_t i;

    for (i = 0; i < planlint_plan_node_count(p); i++)
        sum += planlint_node_metric(planlint_plan_node(p, i), PLANLINT_M_EXCLUSIVE_TIME);
    CHECK_NEAR(sum, planlint_node_metric(planlint_plan_root(p), PLANLINT_M_INCLUSIVE_TIME), eps);
}

static void test_seq_scan(void)
{
    planlint_plan *p = load("fixtures/pg15/seq_scan_filter.json");
    const planlint_node *scan;

    if (!p)
        return;
    scan = find_type(p, "Seq Scan", 0);
    CHECK(scan != NULL);
    CHECK_STR(planlint_node_field_get(scan, PLANLINT_FIELD_RELATION), "order_items");
    CHECK(planlint_node_metric(scan, PLANLINT_M_ROWS_REMOVED_FILTER) > 0);
    CHECK(planlint_node_metric(scan, PLANLINT_M_ROWS_REMOVED_RATIO) > 0.99);
    CHECK(planlint_plan_flags(p) & PLANLINT_PLAN_HAS_BUFFERS);
    CHECK(planlint_plan_flags(p) & PLANLINT_PLAN_HAS_VERBOSE);
    CHECK(planlint_plan_flags(p) & PLANLINT_PLAN_HAS_SETTINGS);
    CHECK(!isnan(planlint_plan_metric_get(p, PLANLINT_PLAN_EXECUTION_TIME)));
    CHECK(planlint_value_kind(planlint_node_get(scan, "Output")) == PLANLINT_VALUE_ARRAY);
    CHECK(planlint_plan_get(p, "Settings") != NULL);
    check_sum(p, 0.01);
    planlint_plan_free(p);
}

static void test_loops(void)
{
    planlint_plan *p = load("fixtures/pg15/nested_loop_many_loops.json");
    const planlint_node *inner;
    double t, loops;

    if (!p)
        return;
    inner = planlint_node_child(find_type(p, "Nested Loop", 0), 1);
    loops = planlint_node_metric(inner, PLANLINT_M_ACTUAL_LOOPS);
    t = planlint_node_metric(inner, PLANLINT_M_ACTUAL_TOTAL_TIME);
    CHECK(loops > 1000);
    CHECK_NEAR(planlint_node_metric(inner, PLANLINT_M_INCLUSIVE_TIME), t * loops, 1e-9);
    CHECK_NEAR(planlint_node_metric(inner, PLANLINT_M_TOTAL_ROWS),
               planlint_node_metric(inner, PLANLINT_M_ACTUAL_ROWS) * loops, 1e-9);
    check_sum(p, 0.05);
    planlint_plan_free(p);
}

static void test_parallel(void)
{
    planlint_plan *p = load("fixtures/pg15/parallel_seq_scan.json");
    const planlint_node *gather, *scan;
    double w;

    if (!p)
        return;
    gather = find_type(p, "Gather", 0);
    scan = find_type(p, "Seq Scan", 0);
    w = planlint_node_metric(gather, PLANLINT_M_WORKERS_LAUNCHED);
    CHECK(w >= 1);
    CHECK_NEAR(planlint_node_metric(scan, PLANLINT_M_PARALLEL_DIVISOR), w + 1, 0);
    CHECK_NEAR(planlint_node_metric(scan, PLANLINT_M_INCLUSIVE_TIME),
               planlint_node_metric(scan, PLANLINT_M_ACTUAL_TOTAL_TIME) *
                   planlint_node_metric(scan, PLANLINT_M_ACTUAL_LOOPS) / (w + 1), 1e-9);
    CHECK(planlint_node_worker_count(scan) == (size_t)w);
    CHECK(!isnan(planlint_node_worker_metric(scan, 0, PLANLINT_M_ACTUAL_ROWS)));
    CHECK(planlint_node_metric(gather, PLANLINT_M_INCLUSIVE_TIME) >=
          planlint_node_metric(scan, PLANLINT_M_INCLUSIVE_TIME));
    check_sum(p, 0.05);
    planlint_plan_free(p);
}

static void test_cte(void)
{
    planlint_plan *p = load("fixtures/pg15/cte_materialized.json");
    const planlint_node *outer, *inner;

    if (!p)
        return;
    outer = find_type(p, "CTE Scan", 0);
    inner = find_type(p, "CTE Scan", 1);
    /* The second scan (inside InitPlan 2) ran the CTE: it pays for it. */
    CHECK(planlint_node_metric(inner, PLANLINT_M_EXCLUSIVE_TIME) <
          planlint_node_metric(inner, PLANLINT_M_INCLUSIVE_TIME) * 0.5);
    CHECK(planlint_node_metric(outer, PLANLINT_M_EXCLUSIVE_TIME) >= 0);
    check_sum(p, 0.01);
    planlint_plan_free(p);
}

static void test_initplan(void)
{
    planlint_plan *p = load("fixtures/pg15/init_plan.json");
    const planlint_node *root;
    double sub;

    if (!p)
        return;
    root = planlint_plan_root(p);
    sub = planlint_node_metric(planlint_node_child(root, 0), PLANLINT_M_INCLUSIVE_TIME);
    CHECK_STR(planlint_node_field_get(planlint_node_child(root, 0), PLANLINT_FIELD_PARENT_RELATIONSHIP),
              "InitPlan");
    /* The scan's filter uses $0: the InitPlan's time is not the scan's own. */
    CHECK_NEAR(planlint_node_metric(root, PLANLINT_M_EXCLUSIVE_TIME),
               planlint_node_metric(root, PLANLINT_M_INCLUSIVE_TIME) - sub, 1e-6);
    check_sum(p, 0.01);
    planlint_plan_free(p);
}

/* Exclusive time of the nth node of a type. */
static double excl(const planlint_plan *p, const char *type, int nth)
{
    const planlint_node *n = find_type(p, type, nth);

    CHECK(n != NULL);
    return n ? planlint_node_metric(n, PLANLINT_M_EXCLUSIVE_TIME) : NAN;
}

/* Rounding: a Memoize of 15,000 loops printed "0.000 ms" holds its index scan's
 * 1,950 loops of "0.001 ms" (1.95 ms), so the Nested Loop keeps 7.571 - 1.683 - 1.95
 * ms, no more; 180,000 loops of "0.001 ms" claim 180 ms inside a Nested Loop of
 * 185.751 ms whose outer side, run once, took 25.155: the inner scan gives way. */
static void test_rounding(void)
{
    planlint_plan *p = load("fixtures/pg15/memoize.txt");

    if (p) {
        CHECK_NEAR(excl(p, "Nested Loop", 0), 7.571 - 1.683 - 1.95, 1e-6);
        CHECK_NEAR(excl(p, "Memoize", 0), 0, 1e-9);
        CHECK_NEAR(excl(p, "Index Scan", 0), 1.95, 1e-6);
        check_sum(p, 1e-6);
        planlint_plan_free(p);
    }
    p = load("fixtures/pg15/stale_statistics.txt");
    if (p) {
        const planlint_node *outer = planlint_node_child(planlint_plan_root(p), 0);
        CHECK_NEAR(planlint_node_metric(outer, PLANLINT_M_EXCLUSIVE_TIME), 25.155, 0.0005);
        CHECK_NEAR(excl(p, "Index Scan", 1), 185.751 - 25.155, 0.0005);
        CHECK_NEAR(planlint_node_metric(planlint_node_child(planlint_plan_root(p), 1), PLANLINT_M_INCLUSIVE_TIME),
                   180, 1e-9);   /* the inclusive time stays as printed */
        check_sum(p, 1e-6);
        planlint_plan_free(p);
    }
    p = load("fixtures/pg15/nested_loop_materialize.txt");
    if (p) {
        CHECK_NEAR(excl(p, "Nested Loop", 0), 0.378 - 0.284 - 0.007, 1e-6);
        check_sum(p, 1e-6);
        planlint_plan_free(p);
    }
}

/* The Append whose partitions never ran pruned them with InitPlan 2's $1: it pays
 * for the InitPlan, not a partition that never ran. */
static void test_initplan_pruning(void)
{
    planlint_plan *p = load("fixtures/pg15/partition_pruning_runtime.txt");

    if (!p)
        return;
    CHECK_NEAR(excl(p, "Append", 1), 0.711 - 0.399 - 0.034, 1e-6);
    CHECK_NEAR(excl(p, "Aggregate", 0), 0.907 - 0.711, 1e-6);
    check_sum(p, 1e-6);
    planlint_plan_free(p);
}

/* Scan a started the CTE (startup 167.754 ms against the CTE's 0.093): it holds the
 * CTE's first row; scan b, in InitPlan 2, read past the stored rows and ran the rest. */
static void test_cte_startup(void)
{
    planlint_plan *p = load("fixtures/pg15/cte_materialized.txt");

    if (!p)
        return;
    CHECK_NEAR(excl(p, "CTE Scan", 0), 171.336 - 167.653 - 0.093, 1e-6);
    CHECK_NEAR(excl(p, "CTE Scan", 1), 162.484 - (151.361 - 0.093), 1e-6);
    check_sum(p, 1e-6);
    planlint_plan_free(p);
}

/* The leader alone runs a Gather's InitPlan: no parallel divisor there. */
static void test_gather_initplan(void)
{
    static const char plan[] =
        "Gather  (cost=1.00..2.00 rows=1 width=4) (actual time=30.000..50.000 rows=1 loops=1)\n"
        "  Workers Planned: 3\n"
        "  Params Evaluated: $0\n"
        "  Workers Launched: 3\n"
        "  InitPlan 1 (returns $0)\n"
        "    ->  Aggregate  (cost=1.00..1.01 rows=1 width=4) (actual time=20.000..20.000 rows=1 loops=1)\n"
        "          ->  Seq Scan on b  (cost=0.00..1.00 rows=10 width=4) (actual time=0.010..12.000 rows=10 loops=1)\n"
        "  ->  Parallel Seq Scan on a  (cost=0.00..1.00 rows=1 width=4) (actual time=5.000..24.000 rows=0 loops=4)\n"
        "        Filter: (x = $0)\n"
        "Execution Time: 50.100 ms\n";
    planlint_plan *p = NULL;
    planlint_error err;

    memset(&err, 0, sizeof(err));
    CHECK(planlint_plan_parse(&p, plan, sizeof(plan) - 1, NULL, &err) == 0);
    if (!p)
        return;
    CHECK_NEAR(excl(p, "Gather", 0), 50 - 24 - 20, 1e-6);
    CHECK_NEAR(excl(p, "Aggregate", 0), 8, 1e-6);
    CHECK_NEAR(planlint_node_metric(find_type(p, "Seq Scan", 0), PLANLINT_M_PARALLEL_DIVISOR), 1, 0);
    CHECK_NEAR(planlint_node_metric(find_type(p, "Seq Scan", 1), PLANLINT_M_PARALLEL_DIVISOR), 4, 0);
    check_sum(p, 1e-6);
    planlint_plan_free(p);
}

/* JIT compiled at the Seq Scan's first evaluation: its startup (109.469 ms) and own
 * time hold the 110.019 - 0.574 ms of inlining, optimization and emission. */
static void test_jit(void)
{
    planlint_plan *p = load("fixtures/pg15/jit.json");
    size_t i, marked = 0;

    if (!p)
        return;
    CHECK(find_type(p, "Seq Scan", 0)->dflags & PL_NODE_INCLUDES_JIT);
    for (i = 0; i < planlint_plan_node_count(p); i++)
        marked += (planlint_plan_node(p, i)->dflags & PL_NODE_INCLUDES_JIT) != 0;
    CHECK(marked == 1);
    CHECK_NEAR(p->jit_compile, 110.019 - 0.574, 1e-6);
    planlint_plan_free(p);
    p = load("fixtures/pg15/memoize.json");   /* jit = off */
    if (!p)
        return;
    for (i = 0; i < planlint_plan_node_count(p); i++)
        CHECK(!(planlint_plan_node(p, i)->dflags & PL_NODE_INCLUDES_JIT));
    CHECK(isnan(p->jit_compile));
    planlint_plan_free(p);
}

/* Every timed plan of the fixtures: the exclusive times add up to the root's
 * inclusive time within 1% (docs/derived-numbers.md). */
static void test_fixture_sums(void)
{
    const char *top = getenv("top_srcdir");
    char dir[4096], rel[600];
    struct dirent *e;
    DIR *d;
    int n = 0;

    snprintf(dir, sizeof(dir), "%s/fixtures/pg15", top ? top : ".");
    d = opendir(dir);
    CHECK(d != NULL);
    while (d && (e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        planlint_plan *p;
        const planlint_plan *q;
        if (l < 5 || (strcmp(e->d_name + l - 5, ".json") != 0 && strcmp(e->d_name + l - 4, ".txt") != 0))
            continue;
        snprintf(rel, sizeof(rel), "fixtures/pg15/%s", e->d_name);
        p = load(rel);
        for (q = p; q; q = planlint_plan_next(q)) {
            double total = planlint_node_metric(planlint_plan_root(q), PLANLINT_M_INCLUSIVE_TIME);
            if (isnan(total))
                continue;
            n++;
            check_sum(q, total * 0.01 > 0.002 ? total * 0.01 : 0.002);
        }
        planlint_plan_free(p);
    }
    if (d)
        closedir(d);
    CHECK(n >= 100);
}

static void test_never_executed(void)
{
    planlint_plan *p = load("fixtures/pg15/never_executed.json");
    const planlint_node *n;

    if (!p)
        return;
    n = find_type(p, "Bitmap Heap Scan", 0);
    CHECK(planlint_node_never_executed(n));
    CHECK_NEAR(planlint_node_metric(n, PLANLINT_M_INCLUSIVE_TIME), 0, 0);
    CHECK(isnan(planlint_node_metric(n, PLANLINT_M_ESTIMATE_FACTOR)));
    CHECK(!planlint_node_never_executed(planlint_plan_root(p)));
    planlint_plan_free(p);
}

static void test_no_analyze(void)
{
    planlint_plan *p = load("fixtures/pg15/no_analyze.json");

    if (!p)
        return;
    CHECK(!(planlint_plan_flags(p) & PLANLINT_PLAN_HAS_ANALYZE));
    CHECK(isnan(planlint_node_metric(planlint_plan_root(p), PLANLINT_M_EXCLUSIVE_TIME)));
    CHECK(!isnan(planlint_node_metric(planlint_plan_root(p), PLANLINT_M_TOTAL_COST)));
    planlint_plan_free(p);
}

static void test_estimate(void)
{
    planlint_plan *p = load("fixtures/pg15/stale_statistics.json");
    size_t i;
    double worst = 0;

    if (!p)
        return;
    for (i = 0; i < planlint_plan_node_count(p); i++) {
        double f = planlint_node_metric(planlint_plan_node(p, i), PLANLINT_M_ESTIMATE_FACTOR);
        if (f > worst)
            worst = f;
    }
    CHECK(worst >= 1000);
    planlint_plan_free(p);
}

static void test_errors(void)
{
    planlint_parse_options o = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_error err;
    char deep[8192];
    size_t i, n = 0;

    CHECK(parse_text("[{\"Plan\": {\"Node Type\": \"Result\",}}]", NULL, &err) == PLANLINT_EPARSE);
    CHECK(err.line == 1 && err.column > 30);
    CHECK(parse_text("[\n{\"Plan\": 3}]", NULL, &err) == PLANLINT_ESCHEMA);
    CHECK_STR(err.path, "/0/Plan");
    CHECK(parse_text("[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Actual Rows\": \"many\"}}]", NULL, &err) ==
          PLANLINT_ESCHEMA);
    CHECK_STR(err.path, "/0/Plan/Actual Rows");
    CHECK(parse_text("[{\"Plan\": {\"Node Type\": \"X\", \"Plans\": [{\"Plan Rows\": 1}]}}]", NULL, &err) ==
          PLANLINT_ESCHEMA);
    CHECK_STR(err.path, "/0/Plan/Plans/0");
    CHECK(parse_text("{\"a\": 1}", NULL, &err) == PLANLINT_ESCHEMA);
    CHECK(parse_text("[]", NULL, &err) == PLANLINT_ESCHEMA);
    CHECK(parse_text("", NULL, &err) == PLANLINT_EPARSE);
    CHECK(parse_text("hello", NULL, &err) == PLANLINT_EPARSE);
    /* An err the caller did not clear changes neither the code nor the plan; the first
     * error is kept, as documented. */
    {
        static const char *const bad[] = {
            "Seq Scan on t  (cost=0.00..1.00 rows=1 width=4)\n  ->  Hash  (cost=oops",
            "[{\"Plan\": {\"Node Type\": \"Result\",}}]", "hello",
        };
        planlint_plan *p;
        for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
            memset(&err, 0, sizeof(err));
            err.code = 1;
            p = (planlint_plan *)&err;
            CHECK(planlint_plan_parse(&p, bad[i], strlen(bad[i]), NULL, &err) < 0 && p == NULL);
            CHECK(err.code == 1);
            err.code = PLANLINT_EIO;
            CHECK(planlint_plan_parse(&p, bad[i], strlen(bad[i]), NULL, &err) < 0 && p == NULL);
            CHECK(err.code == PLANLINT_EIO);
        }
    }
    /* limits */
    n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{\"Plan\":");
    for (i = 0; i < 40; i++)
        n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{\"Node Type\":\"L\",\"Plans\":[");
    n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{\"Node Type\":\"S\"}");
    for (i = 0; i < 40; i++)
        n += (size_t)snprintf(deep + n, sizeof(deep) - n, "]}");
    snprintf(deep + n, sizeof(deep) - n, "}");
    CHECK(parse_text(deep, NULL, &err) == 0);
    o.max_depth = 10;
    CHECK(parse_text(deep, &o, &err) == PLANLINT_ELIMIT);
    o.max_depth = 0;
    o.max_nodes = 5;
    CHECK(parse_text(deep, &o, &err) == PLANLINT_ELIMIT);
    o.max_nodes = 0;
    o.max_input_bytes = 10;
    CHECK(parse_text(deep, &o, &err) == PLANLINT_ELIMIT);
    CHECK(planlint_plan_parse(NULL, "x", 1, NULL, &err) == PLANLINT_EINVAL);
}

static void test_several_plans(void)
{
    size_t len;
    char *one = tap_slurp("fixtures/pg15/hash_join.json", &len), *two = malloc(2 * len + 2);
    planlint_plan *p = NULL;
    planlint_error err;

    memcpy(two, one, len);
    two[len] = '\n';
    memcpy(two + len + 1, one, len);
    memset(&err, 0, sizeof(err));
    CHECK(planlint_plan_parse(&p, two, 2 * len + 1, NULL, &err) == 0);
    CHECK(planlint_plan_next(p) != NULL);
    CHECK(planlint_plan_next(planlint_plan_next(p)) == NULL);
    CHECK(planlint_plan_index(planlint_plan_next(p)) == 1);
    planlint_plan_free(p);
    free(one);
    free(two);
}

static void test_format(void)
{
    pl_buf b;

    pl_buf_init(&b);
    pl_buf_fixed(&b, 12.3456, 3);
    pl_buf_putc(&b, ' ');
    pl_buf_fixed(&b, 0.0005, 3);
    pl_buf_putc(&b, ' ');
    pl_buf_count(&b, 1234567);
    pl_buf_putc(&b, ' ');
    pl_buf_count(&b, 0.4);
    pl_buf_putc(&b, ' ');
    pl_buf_fixed(&b, -2.5, 1);
    CHECK_STR(b.data, "12.346 0.001 1,234,567 0.40 -2.5");
    pl_buf_release(&b);
    CHECK(pl_key_table_sorted());
}

/* What the tree writes for text from a plan, and how wide it counts it. */
/* Two nodes with the same keys share one key list once read; a "Hash Key" line that
 * turns one's "Group Key" into "Grouping Sets" (here under its child, where EXPLAIN
 * never puts it) renames that node's key, not the other's. */
static void test_shared_keys(void)
{
    static const char text[] =
        "Append  (cost=1.00..2.00 rows=1 width=8) (actual time=0.010..0.020 rows=1 loops=1)\n"
        "  ->  HashAggregate  (cost=1.00..2.00 rows=1 width=8) (actual time=0.010..0.020 rows=1 loops=1)\n"
        "        Group Key: x\n"
        "        ->  Seq Scan on u  (cost=0.00..1.00 rows=1 width=8) (actual time=0.001..0.002 rows=1 loops=1)\n"
        "  ->  HashAggregate  (cost=1.00..2.00 rows=1 width=8) (actual time=0.010..0.020 rows=1 loops=1)\n"
        "        Group Key: a\n"
        "        ->  Seq Scan on t  (cost=0.00..1.00 rows=1 width=8) (actual time=0.001..0.002 rows=1 loops=1)\n"
        "        Hash Key: b\n"
        "Execution Time: 0.2 ms\n";
    planlint_parse_options o = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_plan *p = NULL;
    planlint_error err;

    memset(&err, 0, sizeof(err));
    o.format = PLANLINT_INPUT_TEXT;
    CHECK(planlint_plan_parse(&p, text, sizeof(text) - 1, &o, &err) == 0);
    if (!p)
        return;
    CHECK(planlint_plan_node_count(p) == 5);
    CHECK(planlint_node_get(planlint_plan_node(p, 1), "Group Key") != NULL);
    CHECK(planlint_node_get(planlint_plan_node(p, 1), "Grouping Sets") == NULL);
    CHECK(planlint_node_get(planlint_plan_node(p, 3), "Group Key") == NULL);
    CHECK(planlint_node_get(planlint_plan_node(p, 3), "Grouping Sets") != NULL);
    planlint_plan_free(p);
}

static void test_visible(void)
{
    static const char in[] = "a\x1b[2J\r\n\t\x07\x7f\xc2\x9b\xff\xe4\xb8\xad\xc3\xa9\\x";
    pl_buf b;
    size_t w;

    pl_buf_init(&b);
    pl_buf_add_visible(&b, in, sizeof(in) - 1, 0);
    CHECK_STR(b.data, "a\\x1b[2J\\r\\n\\t\\x07\\x7f\\x9b\xef\xbf\xbd\xe4\xb8\xad\xc3\xa9\\x");
    /* 1 + 4+3 + 2+2+2 + 4+4+4 + 1 (U+FFFD) + 2 (wide) + 1 + 2 */
    CHECK(pl_text_width(b.data, b.len) == 32);
    CHECK(pl_text_unit("\\x1b", 4, &w) == 4 && w == 4);
    CHECK(pl_text_unit("\033[1;31mx", 8, &w) == 7 && w == 0);
    CHECK(pl_text_unit("\xe4\xb8\xad", 3, &w) == 3 && w == 2);
    b.len = 0;
    pl_buf_add_visible(&b, "x\ny", 3, 1);
    CHECK_STR(b.data, "x\ny");
    b.len = 0;
    pl_buf_add_utf8(&b, "a\0b\xc0\xaf" "c\xed\xa0\x80", 9);   /* overlong, surrogate */
    CHECK_STR(b.data, "a\xef\xbf\xbd" "b\xef\xbf\xbd\xef\xbf\xbd" "c\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
    CHECK(pl_utf8_valid((const unsigned char *)"\xf0\x9f\x98\x80", 4) == 4);
    CHECK(pl_utf8_valid((const unsigned char *)"\xf0\x9f\x98", 3) == 0);
    pl_buf_release(&b);
}

int main(void)
{
    test_seq_scan();
    test_loops();
    test_parallel();
    test_cte();
    test_initplan();
    test_rounding();
    test_initplan_pruning();
    test_cte_startup();
    test_gather_initplan();
    test_jit();
    test_fixture_sums();
    test_never_executed();
    test_no_analyze();
    test_estimate();
    test_errors();
    test_several_plans();
    test_format();
    test_shared_keys();
    test_visible();
    return tap_done("test_model");
}
