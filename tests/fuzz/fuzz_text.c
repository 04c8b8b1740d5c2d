/* fuzz_text.c - libFuzzer target: any bytes through the text reader and both renderers. */
#include "planlint.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    planlint_parse_options po = PLANLINT_PARSE_OPTIONS_INIT;
    planlint_render_options ro = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_plan *plan = NULL;
    planlint_error err;
    char *out = NULL;

    memset(&err, 0, sizeof(err));
    po.format = PLANLINT_INPUT_TEXT;
    if (planlint_plan_parse(&plan, (const char *)data, size, &po, &err) == 0) {
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
