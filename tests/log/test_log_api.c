/* test_log_api.c - the log API entry by entry, as a pipeline would call it: every
 * entry of the captured stderr, csvlog and jsonlog files with its metadata, the same
 * groups from each, bad arguments, damaged plans, timestamps, detection. */
#include <planlint.h>

#include "../unit/tap.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *srcdir(void)
{
    const char *s = getenv("top_srcdir");
    return s ? s : ".";
}

typedef struct run_result {
    size_t entries, grouped, unsupported, groups;
    double total;
    char top_id[17];
    size_t top_count;
} run_result;

static void read_log(const char *name, run_result *res)
{
    planlint_group_options gopts = PLANLINT_GROUP_OPTIONS_INIT;
    planlint_log_reader *r = NULL;
    planlint_log_groups *g = NULL;
    planlint_log_entry *e;
    planlint_error err;
    char path[4096];
    int rc, checked_one = 0;

    memset(res, 0, sizeof(*res));
    memset(&err, 0, sizeof(err));
    snprintf(path, sizeof(path), "%s/fixtures/pg15/logs/%s", srcdir(), name);
    CHECK(planlint_log_reader_open(&r, path, NULL, &err) == 0);
    CHECK(planlint_log_groups_new(&g, &gopts, &err) == 0);
    if (!r || !g)
        return;
    while ((rc = planlint_log_reader_next(r, &e, &err)) == 1) {
        const char *app = planlint_log_entry_get(e, PLANLINT_LOG_APPLICATION);
        res->entries++;
        res->total += planlint_log_entry_duration(e);
        if (!checked_one && app && strcmp(app, "capture-json") == 0) {
            planlint_plan *plan = NULL;
            checked_one = 1;
            CHECK_STR(planlint_log_entry_get(e, PLANLINT_LOG_USER), "postgres");
            CHECK_STR(planlint_log_entry_get(e, PLANLINT_LOG_DATABASE), "shop");
            CHECK_STR(planlint_log_entry_get(e, PLANLINT_LOG_PLAN_FORMAT), "json");
            CHECK(strncmp(planlint_log_entry_get(e, PLANLINT_LOG_QUERY), "SELECT count(*) FROM orders", 27) == 0);
            CHECK(planlint_log_entry_pid(e) > 0);
            CHECK(!isnan(planlint_log_entry_time(e)));
            CHECK(planlint_log_entry_line(e) > 0);
            CHECK(planlint_log_entry_plan(e, &plan, NULL, &err) == 0 && plan != NULL);
            CHECK(planlint_log_entry_fingerprint(e) && strlen(planlint_log_entry_fingerprint(e)) == 16);
            CHECK(planlint_log_entry_shape(e) && strlen(planlint_log_entry_shape(e)) == 16);
        }
        memset(&err, 0, sizeof(err));
        rc = planlint_log_groups_add(g, e, NULL, &err);
        if (rc == 0)
            res->grouped++;
        else if (rc == PLANLINT_EFORMAT)
            res->unsupported++;
        else
            fprintf(stderr, "%s:%d: %s\n", name, err.line, err.text);
        planlint_log_entry_free(e);
    }
    CHECK(rc == 0);
    CHECK(checked_one);
    res->groups = planlint_log_groups_count(g);
    if (res->groups) {
        const planlint_log_group *top = planlint_log_groups_at(g, 0), *last = planlint_log_groups_at(g, res->groups - 1);
        snprintf(res->top_id, sizeof(res->top_id), "%s", planlint_log_group_id(top));
        res->top_count = planlint_log_group_count(top);
        CHECK(planlint_log_group_metric(top, PLANLINT_GROUP_TOTAL) >= planlint_log_group_metric(last, PLANLINT_GROUP_TOTAL));
        CHECK(planlint_log_group_metric(top, PLANLINT_GROUP_P95) <= planlint_log_group_metric(top, PLANLINT_GROUP_MAX));
        CHECK(planlint_log_group_metric(top, PLANLINT_GROUP_MIN) <= planlint_log_group_metric(top, PLANLINT_GROUP_MEAN));
        CHECK(planlint_log_group_shape_count(top) >= 1);
        CHECK(planlint_log_group_slowest(top, PLANLINT_LOG_QUERY) != NULL);
        CHECK(planlint_log_group_seen(top, 0) != NULL && planlint_log_group_seen(top, 1) != NULL);
    }
    planlint_log_groups_free(g);
    planlint_log_reader_close(r);
}

static void test_formats(void)
{
    run_result a, b, c;

    read_log("postgresql.stderr", &a);
    read_log("postgresql.csv", &b);
    read_log("postgresql.json", &c);
    CHECK(a.entries > 100);
    CHECK(a.entries == b.entries && a.entries == c.entries);
    CHECK(a.grouped == b.grouped && a.grouped == c.grouped);
    CHECK(a.unsupported == 0 && b.unsupported == 0 && c.unsupported == 0);   /* YAML and XML are read */
    CHECK(a.groups == b.groups && a.groups == c.groups);
    CHECK_NEAR(a.total, b.total, 1e-6);
    CHECK_NEAR(a.total, c.total, 1e-6);
    CHECK_STR(a.top_id, b.top_id);
    CHECK_STR(a.top_id, c.top_id);
    CHECK(a.top_count == b.top_count && a.top_count == c.top_count);
}

static void test_errors(void)
{
    planlint_log_options bad = PLANLINT_LOG_OPTIONS_INIT;
    planlint_log_reader *r = (planlint_log_reader *)&bad;
    planlint_error err;

    memset(&err, 0, sizeof(err));
    CHECK(planlint_log_reader_open(&r, "/nonexistent/planlint.log", NULL, &err) == PLANLINT_EIO && r == NULL);
    CHECK(err.code == PLANLINT_EIO);
    memset(&err, 0, sizeof(err));
    bad.version = 99;
    CHECK(planlint_log_reader_open(&r, "/dev/null", &bad, &err) == PLANLINT_EINVAL);
    CHECK(planlint_log_reader_next(NULL, NULL, NULL) == PLANLINT_EINVAL);
    CHECK(planlint_log_groups_add(NULL, NULL, NULL, NULL) == PLANLINT_EINVAL);
    planlint_log_reader_close(NULL);
    planlint_log_entry_free(NULL);
    planlint_log_groups_free(NULL);
    CHECK(planlint_log_group_id(NULL) == NULL);
}

/* A plan that does not parse gives its error code, and no plan, on every call, even
 * when the caller's err still holds an earlier error (the first error is kept). */
static void test_damaged_plan(void)
{
    static const char log[] = "2024-01-01 00:00:00 UTC [1] LOG:  duration: 1.000 ms  plan:\n"
                              "\t{\"Query Text\": \"select 1\", \"Plan\": [\n"
                              "2024-01-01 00:00:01 UTC [1] LOG:  duration: 2.000 ms  plan:\n"
                              "\t{\"Query Text\": \"select 2\", \"Plan\": 7}\n";
    planlint_log_options opts = PLANLINT_LOG_OPTIONS_INIT;
    planlint_log_reader *r = NULL;
    planlint_log_entry *e;
    planlint_plan *plan;
    planlint_error err;
    char path[] = "/tmp/planlint-test-log-XXXXXX";
    int fd = mkstemp(path), n = 0, rc;

    CHECK(fd >= 0);
    if (fd < 0)
        return;
    CHECK(write(fd, log, sizeof(log) - 1) == (ssize_t)(sizeof(log) - 1));
    close(fd);
    opts.format = PLANLINT_LOG_STDERR;
    memset(&err, 0, sizeof(err));
    CHECK(planlint_log_reader_open(&r, path, &opts, &err) == 0);
    unlink(path);
    while (r && (rc = planlint_log_reader_next(r, &e, &err)) == 1) {
        n++;
        memset(&err, 0, sizeof(err));
        plan = (planlint_plan *)r;
        CHECK(planlint_log_entry_plan(e, &plan, NULL, &err) < 0 && plan == NULL);
        CHECK(err.code < 0 && err.text[0] != '\0');
        err.code = 1;   /* what an uninitialised err may hold */
        plan = (planlint_plan *)r;
        CHECK(planlint_log_entry_plan(e, &plan, NULL, &err) < 0 && plan == NULL);
        CHECK(err.code == 1);
        planlint_log_entry_free(e);
    }
    CHECK(n == 2);
    planlint_log_reader_close(r);
}

static void test_time_and_detect(void)
{
    static const char csv[] = "2024-01-01 00:00:00.000 UTC,\"u\",\"d\",1,\"[local]\",x,1,\"SELECT\",,1/1,0,LOG,00000,"
                              "\"duration: 1.0 ms  plan:\n{}\"\n";
    static const char two[] = "2024-01-01 00:00:00 UTC [1] LOG:  duration: 1.000 ms  plan:\n\tQuery Text: x\n"
                              "2024-01-01 00:00:01 UTC [1] LOG:  duration: 2.000 ms  plan:\n\tQuery Text: y\n";

    CHECK_NEAR(planlint_log_time_parse("1970-01-02"), 86400, 0);
    CHECK_NEAR(planlint_log_time_parse("2024-05-01 10:00:00.5 UTC"), 1714557600.5, 1e-6);
    CHECK_NEAR(planlint_log_time_parse("2024-05-01T12:00:00+02"), 1714557600, 1e-6);
    CHECK(isnan(planlint_log_time_parse("yesterday")));
    CHECK(planlint_log_detect(csv, sizeof(csv) - 1) == PLANLINT_LOG_CSV);
    CHECK(planlint_log_detect(two, sizeof(two) - 1) == PLANLINT_LOG_STDERR);
    CHECK(planlint_log_detect(two, 60) == PLANLINT_LOG_AUTO);   /* one entry is not clearly a log */
    CHECK(planlint_log_detect("{\"Plan\": {}}", 12) == PLANLINT_LOG_AUTO);
    CHECK_STR(planlint_log_format_name(PLANLINT_LOG_JSON), "jsonlog");
}

int main(void)
{
    test_formats();
    test_errors();
    test_damaged_plan();
    test_time_and_detect();
    printf("%d checks, %d failed\n", tap_checks, tap_failures);
    return tap_failures ? 1 : 0;
}
