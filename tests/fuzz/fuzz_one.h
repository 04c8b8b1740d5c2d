/* fuzz_one.h - what every fuzz target does with its bytes: read them as the given
 * format, run every rule, render every output format, write the plan back as JSON and
 * as text and read that text again, diff the plan with itself, then anonymize it and
 * write it once more. Crashes and sanitizer reports fail. */
#ifndef PL_FUZZ_ONE_H
#define PL_FUZZ_ONE_H

#include "planlint.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Every output format, with the tree's layouts (narrow, folded, top N, stats). */
static void pl_fuzz_render_all(const planlint_plan *plan)
{
    static const planlint_output_format formats[] = {
        PLANLINT_OUTPUT_TREE, PLANLINT_OUTPUT_JSON, PLANLINT_OUTPUT_MARKDOWN, PLANLINT_OUTPUT_SARIF,
        PLANLINT_OUTPUT_HTML, PLANLINT_OUTPUT_SPEEDSCOPE, PLANLINT_OUTPUT_FOLDED,
    };
    planlint_render_options ro = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_error err;
    char *out = NULL;
    size_t i;

    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        ro.format = formats[i];
        ro.width = i ? 100 : 60;
        ro.stats = 1;
        if (planlint_render(&out, NULL, plan, &ro, &err) == 0)
            planlint_free(out);
    }
    ro.format = PLANLINT_OUTPUT_TREE;
    ro.stats = 0;
    ro.fold = 1;
    ro.top = 3;
    ro.width = 0;
    if (planlint_render(&out, NULL, plan, &ro, &err) == 0)
        planlint_free(out);
    ro.top = 0;
    ro.findings_only = 1;
    if (planlint_render(&out, NULL, plan, &ro, &err) == 0)
        planlint_free(out);
}

/* The plan written back as EXPLAIN's JSON and text, and the text read again. */
static void pl_fuzz_write_all(const planlint_plan *plan)
{
    planlint_parse_options po = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_plan *again = NULL;
    planlint_error err;
    char *out = NULL;
    size_t n = 0;

    if (planlint_plan_write(&out, NULL, plan, &err) == 0)
        planlint_free(out);
    if (planlint_plan_write_text(&out, &n, plan, &err) != 0)
        return;
    po.format = PLANLINT_INPUT_TEXT;
    if (planlint_plan_parse(&again, out, n, &po, &err) == 0)
        (void)planlint_check(again, NULL, &err);
    planlint_plan_free(again);
    planlint_free(out);
}

static void pl_fuzz_diff_self(const planlint_plan *plan)
{
    planlint_diff_options dopts = PLANLINT_DIFF_OPTIONS_INIT;
    planlint_render_options ro = PLANLINT_RENDER_OPTIONS_INIT;
    static const planlint_output_format formats[] = {
        PLANLINT_OUTPUT_TREE, PLANLINT_OUTPUT_JSON, PLANLINT_OUTPUT_MARKDOWN, PLANLINT_OUTPUT_SARIF,
    };
    planlint_diff *d = NULL;
    planlint_error err;
    char *out = NULL;
    size_t i;

    if (planlint_diff_new(&d, plan, plan, &dopts, &err) != 0)
        return;
    for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        ro.format = formats[i];
        if (planlint_diff_render(&out, NULL, d, &ro, &err) == 0)
            planlint_free(out);
    }
    planlint_diff_free(d);
}

static void pl_fuzz_anonymized(const uint8_t *data, size_t size, planlint_input_format format)
{
    planlint_parse_options po = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_anonymize_options ao = PLANLINT_ANONYMIZE_OPTIONS_INIT;
    planlint_anonymizer *anon = NULL;
    planlint_plan *plan = NULL;
    planlint_error err;
    char *out = NULL;

    po.format = format;
    ao.what = PLANLINT_ANONYMIZE_NAMES;
    if (planlint_anonymizer_new(&anon, &ao, &err) != 0)
        return;
    if (planlint_plan_parse(&plan, (const char *)data, size, &po, &err) == 0 &&
        planlint_plan_anonymize(plan, anon, &err) == 0) {
        if (planlint_plan_write_text(&out, NULL, plan, &err) == 0)
            planlint_free(out);
        if (planlint_check(plan, NULL, &err) == 0 && planlint_plan_write(&out, NULL, plan, &err) == 0)
            planlint_free(out);
    }
    planlint_plan_free(plan);
    planlint_anonymizer_free(anon);
}

static int pl_fuzz_one(const uint8_t *data, size_t size, planlint_input_format format)
{
    planlint_parse_options po = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_plan *plan = NULL;
    planlint_error err;
    int read = 0;

    memset(&err, 0, sizeof(err));
    po.format = format;
    if (planlint_plan_parse(&plan, (const char *)data, size, &po, &err) == 0) {
        read = 1;
        if (planlint_check(plan, NULL, &err) == 0) {
            pl_fuzz_render_all(plan);
            pl_fuzz_write_all(plan);
            pl_fuzz_diff_self(plan);
        }
    }
    planlint_plan_free(plan);
    if (read)
        pl_fuzz_anonymized(data, size, format);
    return 0;
}

#endif
