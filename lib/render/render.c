/* render.c - planlint_render(): options, dispatch, ownership of the result. */
#include "render.h"
#include "error.h"

#include <stddef.h>
#include <string.h>

int planlint_render(char **out, size_t *out_len, const planlint_plan *plan,
                    const planlint_render_options *opts, planlint_error *err)
{
    planlint_render_options defaults = PLANLINT_RENDER_OPTIONS_INIT;
    planlint_render_options upgraded = PLANLINT_RENDER_OPTIONS_INIT;
    const planlint_plan *p;
    size_t nplans = 0;
    pl_buf b;
    int rc = 0;

    if (!out || !plan)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out and plan must not be NULL");
    *out = NULL;
    if (!opts)
        opts = &defaults;
    if (opts->version == 1) {
        /* A version 1 struct ends before fold: read only what it has. */
        memcpy(&upgraded, opts, offsetof(planlint_render_options, fold));
        upgraded.version = PLANLINT_RENDER_OPTIONS_VERSION;
        opts = &upgraded;
    } else if (opts->version != PLANLINT_RENDER_OPTIONS_VERSION) {
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unsupported options version %u", opts->version);
    }
    for (p = plan; p; p = p->next)
        nplans++;
    pl_buf_init(&b);
    switch (opts->format) {
    case PLANLINT_OUTPUT_TREE:
        for (p = plan; p; p = p->next)
            pl_render_tree(&b, p, nplans, opts);
        break;
    case PLANLINT_OUTPUT_JSON: rc = pl_render_json(&b, plan, opts, err); break;
    case PLANLINT_OUTPUT_MARKDOWN: rc = pl_render_markdown(&b, plan, opts, err); break;
    case PLANLINT_OUTPUT_SARIF: rc = pl_render_sarif(&b, plan, opts, err); break;
    case PLANLINT_OUTPUT_HTML: rc = pl_render_html(&b, plan, opts, err); break;
    case PLANLINT_OUTPUT_SPEEDSCOPE: rc = pl_render_speedscope(&b, plan, opts, err); break;
    case PLANLINT_OUTPUT_FOLDED: rc = pl_render_folded(&b, plan, opts, err); break;
    default:
        rc = pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "unknown output format %d", (int)opts->format);
    }
    if (rc < 0) {
        pl_buf_release(&b);
        return rc;
    }
    return pl_buf_hand_over(&b, out, out_len, err);
}
