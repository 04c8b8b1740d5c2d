/* fuzz_one.h - what every fuzz target does with its bytes: read them as the given
 * format, run every rule, render both outputs. Crashes and sanitizer reports fail. */
#ifndef PL_FUZZ_ONE_H
#define PL_FUZZ_ONE_H

#include "planlint.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static int pl_fuzz_one(const uint8_t *data, size_t size, planlint_input_format format)
{
    planlint_parse_options po = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_render_options ro = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_plan *plan = NULL;
    planlint_error err;
    char *out = NULL;

    memset(&err, 0, sizeof(err));
    po.format = format;
    if (planlint_plan_parse(&plan, (const char *)data, size, &po, &err) == 0 &&
        planlint_check(plan, NULL, &err) == 0) {
        ro.width = 80;
        if (planlint_render(&out, NULL, plan, &ro, &err) == 0)
            planlint_free(out);
        ro.format = PLANLINT_OUTPUT_JSON;
        if (planlint_render(&out, NULL, plan, &ro, &err) == 0)
            planlint_free(out);
    }
    planlint_plan_free(plan);
    return 0;
}

#endif
