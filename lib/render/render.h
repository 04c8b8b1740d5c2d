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

/* JSON string writer of json.c: always valid JSON in valid UTF-8. */
void pl_json_string(pl_buf *b, const char *s);

/* Shared by the flame graph formats (folded.c): a node's label, and its exclusive
 * time in whole microseconds, taken in preorder with one pl_flame_walk per plan
 * (start it zeroed). */
typedef struct pl_flame_walk {
    double sum_ms;
    long long rounded;
} pl_flame_walk;
void pl_flame_label(pl_buf *b, const planlint_node *n);
long long pl_flame_next_weight(pl_flame_walk *w, const planlint_node *n);
int pl_flame_has_timing(const planlint_plan *p);
int pl_flame_check(const planlint_plan *head, const char *format, planlint_error *err);

#endif
