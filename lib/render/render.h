/* render.h - the renderers behind planlint_render(). */
#ifndef PL_RENDER_H
#define PL_RENDER_H

#include "model.h"
#include "buf.h"

void pl_render_tree(pl_buf *b, const planlint_plan *plan, size_t nplans,
                    const planlint_render_options *opts);
int pl_render_json(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                   planlint_error *err);

#endif
