/* test_script.c - a SQL file cut into statements by PostgreSQL's grammar
 * (planlint_script_split), the statement put into a saved plan as "Query Text"
 * (planlint_explain_set_query), and one SARIF log over several inputs. */
#include "planlint.h"
#include "alloc.h"
#include "tap.h"

#include <jansson.h>

/* Splits sql and checks the count; the script is the caller's to free. */
static planlint_script *split(const char *sql, size_t want)
{
    planlint_script *s = NULL;
    planlint_error err;

    memset(&err, 0, sizeof(err));
    CHECK(planlint_script_split(&s, sql, strlen(sql), &err) == 0);
    CHECK(planlint_script_count(s) == want);
    if (planlint_script_count(s) != want)
        fprintf(stderr, "  in: %s\n  (%zu statements, %s)\n", sql, planlint_script_count(s), err.text);
    return s;
}

static void check_stmt(const planlint_script *s, size_t i, const char *text, size_t line)
{
    size_t len = 0, at = 0;
    const char *t = planlint_script_statement(s, i, &len, &at);

    CHECK_STR(t, text);
    CHECK(t && len == strlen(text));
    CHECK(at == line);
    if (at != line)
        fprintf(stderr, "  statement %zu: line %zu, expected %zu\n", i, at, line);
}

/* The ';' that only the grammar knows is not an end: in strings, quoted names, dollar
 * quotes, comments, E'' escapes and BEGIN ATOMIC bodies. */
static void test_semicolons_inside(void)
{
    planlint_script *s = split("SELECT 'a;b' AS \"x;y\", $$;$$, $f$ ; $f$ /* ; */ -- ;\n"
                               ", E'\\';' FROM t;\n"
                               "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\n"
                               "SELECT 3", 3);

    check_stmt(s, 0, "SELECT 'a;b' AS \"x;y\", $$;$$, $f$ ; $f$ /* ; */ -- ;\n, E'\\';' FROM t", 1);
    check_stmt(s, 1, "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END", 3);
    check_stmt(s, 2, "SELECT 3", 4);
    planlint_script_free(s);
}

/* Comments before a statement are its own; its line is its first word's. Blanks around
 * it and empty statements go. */
static void test_lines_and_comments(void)
{
    planlint_script *s = split("\n\n-- the first\nSELECT 1;;\n ; \n/* two\n * lines /* nested */ */\n\n"
                               "  SELECT\n2 ;  -- after\nTABLE t\n-- end\n", 3);

    check_stmt(s, 0, "-- the first\nSELECT 1", 4);
    check_stmt(s, 1, "/* two\n * lines /* nested */ */\n\n  SELECT\n2", 9);
    check_stmt(s, 2, "-- after\nTABLE t\n-- end", 11);
    CHECK(planlint_script_statement(s, 3, NULL, NULL) == NULL);
    planlint_script_free(s);
    planlint_script_free(split("", 0));
    planlint_script_free(split("  -- nothing\n/* at all */ ;\n;", 0));
    s = split("SELECT 1", 1);
    check_stmt(s, 0, "SELECT 1", 1);
    planlint_script_free(s);
}

/* Where the grammar stopped: its line, and its column in characters (not bytes). */
static void test_errors(void)
{
    planlint_script *s = NULL;
    planlint_error err;
    const char *bad = "SELECT 'é';\nSELECT 1;\nSELECT 'é', 2 FRM t;\n";

    memset(&err, 0, sizeof(err));
    CHECK(planlint_script_split(&s, bad, strlen(bad), &err) == PLANLINT_EPARSE);
    CHECK(s == NULL);
    CHECK(err.line == 3 && err.column == 19);
    CHECK(strstr(err.text, "syntax error at or near \"t\"") != NULL);
    memset(&err, 0, sizeof(err));
    CHECK(planlint_script_split(&s, "SELECT 1; SELECT 'open", 22, &err) == PLANLINT_EPARSE);
    CHECK(strstr(err.text, "unterminated quoted string") != NULL);
    memset(&err, 0, sizeof(err));
    CHECK(planlint_script_split(&s, "SELECT 1;\0SELECT 2", 18, &err) == PLANLINT_EPARSE);
    CHECK(strstr(err.text, "NUL") != NULL);
    CHECK(planlint_script_split(NULL, "x", 1, &err) == PLANLINT_EINVAL);
    CHECK(planlint_script_count(NULL) == 0);
    planlint_script_free(NULL);
    /* Not NUL-terminated: only len bytes count. */
    memset(&err, 0, sizeof(err));
    CHECK(planlint_script_split(&s, "SELECT 1; SELECT 2; garbage", 19, &err) == 0);
    CHECK(planlint_script_count(s) == 2);
    planlint_script_free(s);
}

static const char explain[] = "[\n  {\n    \"Plan\": {\n      \"Node Type\": \"Result\",\n"
                              "      \"Total Cost\": 0.01\n    },\n    \"Planning Time\": 0.116\n  }\n]";

/* The statement goes first into the top-level object, escaped by JSON's rules; the
 * plan's own text is left as it was. */
static void test_query_text(void)
{
    const char *q = "SELECT '\"quoted\"', E'tab\\t' -- \xc3\xa9\n\t\x01;";
    planlint_error err;
    json_error_t jerr;
    json_t *doc;
    char *out = NULL;
    size_t len = 0;

    memset(&err, 0, sizeof(err));
    CHECK(planlint_explain_set_query(&out, &len, explain, strlen(explain), q, &err) == 0);
    CHECK(out && len == strlen(out));
    CHECK(out && strncmp(out, "[\n  {\n    \"Query Text\": \"SELECT", 31) == 0);
    CHECK(out && strstr(out, explain + 6) != NULL);   /* "    \"Plan\": ..." to the end */
    doc = out ? json_loads(out, 0, &jerr) : NULL;
    CHECK(doc != NULL);
    CHECK_STR(json_string_value(json_object_get(json_array_get(doc, 0), "Query Text")), q);
    json_decref(doc);
    planlint_free(out);
    /* Not EXPLAIN's JSON, or a Query Text already there. */
    CHECK(planlint_explain_set_query(&out, NULL, "[1", 2, q, &err) == PLANLINT_EPARSE);
    CHECK(planlint_explain_set_query(&out, NULL, "[{\"x\": 1}]", 10, q, &err) == PLANLINT_ESCHEMA);
    CHECK(planlint_explain_set_query(&out, NULL, "{\"Query Text\": \"a\", \"Plan\": {}}", 31, q, &err) ==
          PLANLINT_ESCHEMA);
    CHECK(out == NULL);
    /* A bare object, as auto_explain logs it, works too. */
    CHECK(planlint_explain_set_query(&out, NULL, "{\"Plan\": {\"Node Type\": \"Result\"}}", 33, "TABLE t", &err) == 0);
    CHECK_STR(out, "{\"Query Text\": \"TABLE t\",\"Plan\": {\"Node Type\": \"Result\"}}");
    planlint_free(out);
}

/* Every allocation that fails comes back as PLANLINT_ENOMEM, leaking nothing. */
static void test_chaos(void)
{
    const char *sql = "-- a\nSELECT 1; SELECT 'x;y';\nTABLE t";
    planlint_script *s;
    planlint_error err;
    char *out;
    long n;
    int rc = -1;

    for (n = 0; rc != 0 && n < 1000; n++) {
        memset(&err, 0, sizeof(err));
        s = NULL;
        pl_alloc_fail_after(n);
        rc = planlint_script_split(&s, sql, strlen(sql), &err);
        pl_alloc_fail_after(-1);
        CHECK(rc == 0 || (rc == PLANLINT_ENOMEM && s == NULL));
        planlint_script_free(s);
    }
    CHECK(rc == 0);
    for (rc = -1, n = 0; rc != 0 && n < 1000; n++) {
        out = NULL;
        pl_alloc_fail_after(n);
        rc = planlint_explain_set_query(&out, NULL, explain, strlen(explain), sql, &err);
        pl_alloc_fail_after(-1);
        CHECK(rc == 0 || (rc == PLANLINT_ENOMEM && out == NULL));
        planlint_free(out);
    }
    CHECK(rc == 0);
}

/* Two inputs, one log: each result names its own file and line. */
static void test_sarif(void)
{
    static const char plan[] = "[{\"Plan\": {\"Node Type\": \"Seq Scan\", \"Relation Name\": \"t\", "
                               "\"Schema\": \"public\", \"Alias\": \"t\", \"Actual Rows\": 10, \"Actual Loops\": 1, "
                               "\"Plan Rows\": 10, \"Actual Total Time\": 100.0, \"Rows Removed by Filter\": 1000000, "
                               "\"Filter\": \"(k = 5)\"}, \"Execution Time\": 100.5}]";
    planlint_plan *p = NULL;
    planlint_sarif *log = NULL;
    planlint_error err;
    json_error_t jerr;
    json_t *doc, *results, *loc;
    char *out = NULL;

    memset(&err, 0, sizeof(err));
    CHECK(planlint_plan_parse(&p, plan, strlen(plan), NULL, &err) == 0);
    CHECK(p && planlint_check(p, NULL, &err) == 0);
    CHECK(p && planlint_plan_finding_count(p) > 0);
    CHECK(planlint_sarif_new(&log, &err) == 0);
    CHECK(log && planlint_sarif_add(log, p, "queries.sql", 12, &err) == 0);
    CHECK(log && planlint_sarif_add(log, p, "dir/b c.sql", 0, &err) == 0);
    CHECK(log && planlint_sarif_finish(&out, NULL, log, &err) == 0);
    doc = out ? json_loads(out, 0, &jerr) : NULL;
    CHECK(doc != NULL);
    CHECK(json_array_size(json_object_get(doc, "runs")) == 1);
    results = json_object_get(json_array_get(json_object_get(doc, "runs"), 0), "results");
    CHECK(json_array_size(results) == 2 * planlint_plan_finding_count(p));
    loc = json_object_get(json_object_get(json_array_get(json_object_get(json_array_get(results, 0), "locations"), 0),
                                          "physicalLocation"), "region");
    CHECK(json_integer_value(json_object_get(loc, "startLine")) == 12);
    CHECK(out && strstr(out, "\"uri\":\"queries.sql\"},\"region\":{\"startLine\":12}") != NULL);
    CHECK(out && strstr(out, "\"uri\":\"dir/b%20c.sql\"}}") != NULL);
    json_decref(doc);
    planlint_free(out);
    planlint_sarif_free(log);
    planlint_plan_free(p);
}

int main(void)
{
    test_semicolons_inside();
    test_lines_and_comments();
    test_errors();
    test_query_text();
    test_chaos();
    test_sarif();
    return tap_done("test_script");
}
