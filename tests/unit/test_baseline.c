/* test_baseline.c - fingerprints and baselines through the public API only: two
 * captures of one query agree, a baseline hides what it knows and round-trips through
 * its file, and bad baseline files are refused with a path. */
#include "planlint.h"
#include "tap.h"

/* The fixture parsed and checked with the default options. */
static planlint_plan *checked(const char *rel)
{
    planlint_error err;
    planlint_plan *p = NULL;
    size_t len;
    char *buf = tap_slurp(rel, &len);

    memset(&err, 0, sizeof(err));
    CHECK(planlint_plan_parse(&p, buf, len, NULL, &err) == 0);
    free(buf);
    CHECK(p && planlint_check(p, NULL, &err) == 0);
    return p;
}

static int is_hex16(const char *s)
{
    size_t i;

    for (i = 0; s && i < 16; i++)
        if (!strchr("0123456789abcdef", s[i]))
            return 0;
    return s && s[16] == '\0';
}

static void test_fingerprints(void)
{
    planlint_plan *a = checked("fixtures/pg15/hash_join_batches.json");
    planlint_plan *b = checked("fixtures/pg15/hash_join_batches.txt");
    size_t i, k;

    CHECK(planlint_finding_fingerprint(NULL) == NULL);
    CHECK(planlint_plan_finding_count(a) == 2 && planlint_plan_finding_count(b) == 2);
    for (i = 0; i < planlint_plan_finding_count(a); i++) {
        const planlint_finding *fa = planlint_plan_finding(a, i);
        int same = 0;
        CHECK(is_hex16(planlint_finding_fingerprint(fa)));
        for (k = 0; k < planlint_plan_finding_count(b); k++) {
            const planlint_finding *fb = planlint_plan_finding(b, k);
            if (planlint_finding_rule(fa) == planlint_finding_rule(fb))
                same = strcmp(planlint_finding_fingerprint(fa), planlint_finding_fingerprint(fb)) == 0;
        }
        CHECK(same);
    }
    CHECK(strcmp(planlint_finding_fingerprint(planlint_plan_finding(a, 0)),
                 planlint_finding_fingerprint(planlint_plan_finding(a, 1))) != 0);
    planlint_plan_free(a);
    planlint_plan_free(b);
}

static void test_round_trip(void)
{
    planlint_plan *a = checked("fixtures/pg15/hash_join_batches.json");
    planlint_plan *b = checked("fixtures/pg15/hash_join_batches.yaml");
    planlint_baseline *bl = NULL, *back = NULL;
    planlint_render_options ro = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_error err;
    char *text = NULL, *json = NULL;
    size_t len = 0;

    memset(&err, 0, sizeof(err));
    CHECK(planlint_baseline_new(&bl, &err) == 0);
    CHECK(planlint_baseline_add(bl, a, &err) == 0);
    CHECK(planlint_baseline_add(bl, a, &err) == 0);   /* kept once */
    CHECK(planlint_baseline_count(bl) == 2);
    CHECK(planlint_baseline_contains(bl, planlint_finding_fingerprint(planlint_plan_finding(a, 0))));
    CHECK(!planlint_baseline_contains(bl, "0000000000000000"));
    CHECK(planlint_baseline_render(&text, &len, bl, &err) == 0 && text && strlen(text) == len);
    CHECK(text && strstr(text, "\"version\": 1") != NULL);
    CHECK(text && planlint_baseline_parse(&back, text, len, &err) == 0);
    CHECK(planlint_baseline_count(back) == 2);
    CHECK(planlint_plan_apply_baseline(b, back) == 2);
    CHECK(planlint_plan_finding_count(b) == 0 && planlint_plan_suppressed_count(b) == 2);
    ro.format = PLANLINT_OUTPUT_JSON;
    CHECK(planlint_render(&json, NULL, b, &ro, &err) == 0);
    CHECK(json && strstr(json, "\"suppressed_by_baseline\":2}") != NULL);
    CHECK(json && strstr(json, "\"worst_severity\":null") != NULL);
    CHECK(planlint_check(b, NULL, &err) == 0);   /* a new check starts over */
    CHECK(planlint_plan_finding_count(b) == 2 && planlint_plan_suppressed_count(b) == 0);
    CHECK(planlint_plan_apply_baseline(b, NULL) == 0 && planlint_plan_suppressed_count(NULL) == 0);
    planlint_free(json);
    planlint_free(text);
    planlint_baseline_free(back);
    planlint_baseline_free(bl);
    planlint_baseline_free(NULL);
    planlint_plan_free(a);
    planlint_plan_free(b);
}

/* A file that is not a baseline: its code and the path of what is wrong. */
static void refused(const char *text, int code, const char *path)
{
    planlint_baseline *bl = (planlint_baseline *)&bl;
    planlint_error err;

    memset(&err, 0, sizeof(err));
    CHECK(planlint_baseline_parse(&bl, text, strlen(text), &err) == code);
    CHECK(bl == NULL && err.code == code);
    CHECK_STR(err.path, path);
}

static void test_bad_files(void)
{
    refused("", PLANLINT_EPARSE, "");
    refused("{\"version\": 1, ", PLANLINT_EPARSE, "");
    refused("[]", PLANLINT_ESCHEMA, "");
    refused("{}", PLANLINT_ESCHEMA, "/version");
    refused("{\"version\": 2, \"findings\": []}", PLANLINT_ESCHEMA, "/version");
    refused("{\"version\": 1}", PLANLINT_ESCHEMA, "/findings");
    refused("{\"version\": 1, \"findings\": [\"x\"]}", PLANLINT_ESCHEMA, "/findings/0");
    refused("{\"version\": 1, \"findings\": [{\"fingerprint\": \"7F3A4D69A92F1268\"}]}", PLANLINT_ESCHEMA,
            "/findings/0/fingerprint");
    refused("{\"version\": 1, \"findings\": [{\"fingerprint\": \"7f3a\"}]}", PLANLINT_ESCHEMA,
            "/findings/0/fingerprint");
    CHECK(planlint_baseline_parse(NULL, "{}", 2, NULL) == PLANLINT_EINVAL);
    CHECK(planlint_baseline_contains(NULL, "7f3a4d69a92f1268") == 0);
    CHECK(planlint_baseline_count(NULL) == 0);
}

int main(void)
{
    test_fingerprints();
    test_round_trip();
    test_bad_files();
    return tap_done("test_baseline");
}
