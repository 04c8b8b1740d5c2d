/* render.h - the renderers behind planlint_render(). */
#ifndef PL_RENDER_H
#define PL_RENDER_H

#include "model.h"
#include "buf.h"

void pl_render_tree(pl_buf *b, const planlint_plan *plan, size_t nplans,
                    const planlint_render_options *opts);
/* The tree's words without colour, columns or guides, for the other renderers:
 * the node's title ("#3 Seq Scan on t"); its detail lines, each ending in '\n';
 * ", up to 1.000 ms at stake (3.0%)" (nothing without timing); what hypopg said.
 * Text from the plan comes out as pl_buf_add_visible() writes it. */
void pl_tree_node_title(pl_buf *b, const planlint_node *n);
void pl_tree_node_details(pl_buf *b, const planlint_node *n);
void pl_tree_finding_stake(pl_buf *b, const planlint_plan *plan, const planlint_finding *f);
void pl_tree_verification(pl_buf *b, const planlint_finding *f);
int pl_render_json(pl_buf *b, const planlint_plan *head, const planlint_render_options *opts,
                   planlint_error *err);
/* json.c: s as a JSON string, always valid UTF-8 (the baseline file uses it too). */
void pl_json_put_string(pl_buf *b, const char *s);
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

/* markdown.c, shared with the diff's Markdown (lib/diff/diff_markdown.c): text from the
 * plan or a rule escaped for inline Markdown (a table cell; paragraph = 1: a paragraph,
 * line breaks kept); a node's label escaped ("(plan)" for NULL); the findings table;
 * finding number k with its advice and its SQL in ```sql blocks; the plan's tree without
 * colour in a <details> block headed summary (raw HTML: pass a literal). */
void pl_md_text(pl_buf *b, const char *s, int paragraph);
void pl_md_node(pl_buf *b, const planlint_node *n);
void pl_md_findings_table(pl_buf *b, const planlint_finding *const *findings, size_t n);
void pl_md_finding(pl_buf *b, const planlint_finding *f, size_t k);
void pl_md_tree(pl_buf *b, const planlint_plan *p, size_t nplans, const planlint_render_options *opts,
                const char *summary);
/* sarif.c, shared with the diff's SARIF (lib/diff/diff_sarif.c): the document's opening
 * up to the tool's rule catalog, left open ("...,\"rules\":[{...},{...}") so the caller
 * can add rules, then close it with "]}}"; one result for finding f of plan p
 * (source is its artifact, line its first line when not 0); "\"key\":{\"text\":s}"; the partialFingerprints
 * member for what id says about node n (NULL: the plan), as findings get them. */
void pl_sarif_open(pl_buf *b);
void pl_sarif_result(pl_buf *b, const planlint_plan *p, const planlint_finding *f, size_t nplans,
                     const char *source, size_t line);
void pl_sarif_message(pl_buf *b, const char *key, const char *s);
void pl_sarif_uri(pl_buf *b, const char *name);
void pl_sarif_fingerprint(pl_buf *b, const char *id, const planlint_node *n);
void pl_sarif_logical(pl_buf *b, const planlint_plan *p, const planlint_node *n, size_t nplans);
/* json.c: a JSON string, valid UTF-8 whatever s holds, controls as \u00XX; a number
 * planlint computed, rounded to what the input carried (null when NaN). */
void pl_json_string(pl_buf *b, const char *s);
void pl_json_derived_number(pl_buf *b, double d, int is_time);
/* label.c: "#3 Seq Scan on public.t", and "Plan/Plans/0", the node's place in the
 * EXPLAIN document; raw text from the plan, the caller escapes it. */
void pl_render_node_label(pl_buf *b, const planlint_node *n);
void pl_node_doc_path(pl_buf *b, const planlint_node *n);
/* tree.c: what hypopg said of a finding's suggested index, as one sentence (nothing
 * when it was not checked); raw text, the caller escapes it. */
void pl_verification_text(pl_buf *b, const planlint_finding *f);
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
/* json.c: a number in its shortest faithful form ('.' whatever the locale; NaN as null). */
void pl_json_number(pl_buf *b, double d, int is_integer);

#endif
