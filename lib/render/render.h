/* render.h - the renderers behind planlint_render(). */
#ifndef PL_RENDER_H
#define PL_RENDER_H

#include "model.h"
#include "buf.h"

void pl_render_tree(pl_buf *b, const planlint_plan *plan, size_t nplans,
                    const planlint_render_options *opts);
int pl_render_json(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                   planlint_error *err);
/* Each of these renders every plan of the list that starts at head into b; 0 or a
 * negative PLANLINT_E* code with err filled. One file each in lib/render/. */
int pl_render_markdown(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                       planlint_error *err);
int pl_render_sarif(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                    planlint_error *err);
int pl_render_html(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                   planlint_error *err);
int pl_render_speedscope(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                         planlint_error *err);
int pl_render_folded(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                     planlint_error *err);

/* json.c: a JSON string (valid UTF-8 whatever s holds), and a number planlint computed,
 * rounded to what the input carried (is_time: three decimals); for lib/diff/ too. */
void pl_json_string(pl_buf *b, const char *s);
void pl_json_derived_number(pl_buf *b, double d, int is_time);

#endif
