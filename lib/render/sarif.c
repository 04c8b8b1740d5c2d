/* sarif.c - SARIF 2.1.0 for code scanning. */
#include "render.h"
#include "error.h"

int pl_render_sarif(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                    planlint_error *err)
{
    (void)b, (void)head, (void)opts;
    return pl_error(err, PLANLINT_EFORMAT, 0, 0, NULL, "the sarif output is not built yet");
}
