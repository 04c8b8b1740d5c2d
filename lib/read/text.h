/* text.h - what the pieces of the text-format reader share: growing objects in the
 * arena, the line grammar, node names and detail lines. */
#ifndef PL_TEXT_H
#define PL_TEXT_H

#include "model.h"

/* ------------------------------------------------------------ text_build.c */

/* Objects and arrays grow by doubling inside the arena, giving their old arrays back
 * (pl_arena_recycle). The capacity is implied by the size (a power of two from 4 up)
 * until pl_tv_fit() trims it; then value->room counts the free slots. A value copied
 * into a parent must be complete: its struct is copied, not linked. */
int pl_tv_push(pl_arena *a, planlint_value *arr, const planlint_value *v);
/* Moves a value that is (nearly) complete to a block of exactly size + extra slots
 * (extra < 255), so the arena keeps no doubling slack for it; an object's keys become
 * the shared copy of its shape (pl_arena_shape). */
int pl_tv_fit(pl_arena *a, planlint_value *v, unsigned int extra);
/* Sets key (a literal or an arena string: it is not copied) replacing an old value. */
int pl_tv_set(pl_arena *a, planlint_value *obj, const char *key, const planlint_value *v);
/* Renames obj's member i to key (as in pl_tv_set, not copied); the shared keys of a
 * fitted object are first copied, so no other object of its shape is renamed. */
int pl_tv_rename(pl_arena *a, planlint_value *obj, size_t i, const char *key);
int pl_tv_set_str(pl_arena *a, planlint_value *obj, const char *key, const char *s, size_t n);
int pl_tv_set_num(pl_arena *a, planlint_value *obj, const char *key, double d);
int pl_tv_set_bool(pl_arena *a, planlint_value *obj, const char *key, int b);
/* A number written in the plan ("12", "0.438", "25kB", "1.2 ms"); a string when it is
 * not one. */
int pl_tv_set_numtext(pl_arena *a, planlint_value *obj, const char *key, const char *s, size_t n);
/* A comma-separated list ("Sort Key: a, (b + c) DESC") as an array of strings, into
 * *arr or under key. */
int pl_tv_list(pl_arena *a, planlint_value *arr, const char *s, size_t n);
int pl_tv_set_list(pl_arena *a, planlint_value *obj, const char *key, const char *s, size_t n);
/* 1 when s[0..n) is exactly lit. */
int pl_text_is(const char *s, size_t n, const char *lit);
/* Trims blanks at both ends of s[0..*n). */
const char *pl_tv_trim(const char *s, size_t *n);

/* ------------------------------------------------------------ text_lines.c */

typedef struct pl_tgrammar pl_tgrammar;

/* Estimates and actuals found at the end of a node line. */
typedef struct pl_ttail {
    size_t name_len;          /* the node name is line[0..name_len) */
    int has_cost, has_actual, has_time, never;
    double cost[2], rows, width;
    double time[2], arows, loops;
    int arows_int;            /* actual rows printed without a fraction */
    size_t bad_at;            /* where the tail stopped making sense, else 0 */
} pl_ttail;

pl_tgrammar *pl_tgrammar_new(void);
void pl_tgrammar_free(pl_tgrammar *g);
/* Splits a node line into its name and tail; 0, or -1 when the tail is malformed
 * (t->bad_at says where). */
int pl_tgrammar_node(pl_tgrammar *g, const char *s, size_t n, pl_ttail *t);
/* "InitPlan 1 (returns $0)", "SubPlan 2", "CTE name": 1 when s is such a header. */
int pl_tgrammar_header(pl_tgrammar *g, const char *s, size_t n);
/* "Worker 3:  actual time=..": 1 and the worker number and the rest, else 0. */
int pl_tgrammar_worker(pl_tgrammar *g, const char *s, size_t n, double *num, size_t *rest);
/* "actual time=a..b rows=r loops=l" (or without time): fills t's actual fields. */
int pl_tgrammar_actual(pl_tgrammar *g, const char *s, size_t n, pl_ttail *t);
/* The next "name=value" of a list like "shared hit=1 read=2": 1 with the name and
 * value spans, advancing *pos; 0 at the end. */
int pl_tgrammar_pair(pl_tgrammar *g, const char *s, size_t n, size_t *pos, const char **name,
                     size_t *nlen, const char **val, size_t *vlen);

/* ------------------------------------------------------------ text_input.c */

/* One logical line of a text plan, wrapping undone. */
typedef struct pl_tline {
    const char *s;            /* the content: after the indentation and any "->" */
    size_t n;
    int col;                  /* display column of the content (tabs to multiples of 8) */
    int arrow;                /* 1 when the line began with "->" */
    int arrow_col;            /* display column of the "->" */
    int lineno, colno;        /* where the content starts in the input (1-based) */
    int guessed;              /* joined from pieces that left no trace of where a line
                               * was broken, or of whether a blank was lost there */
    int broken_input;         /* the input shows lines broken by fold(1) or a terminal */
} pl_tline;

typedef int (*pl_tline_fn)(void *ctx, const pl_tline *line);

/* Undoes psql's or pgAdmin's wrapping around buf and calls fn on every non-blank
 * line. Returns 0, fn's first negative return, or PLANLINT_ENOMEM. */
int pl_text_each_line(const char *buf, size_t len, pl_tline_fn fn, void *ctx);

/* ------------------------------------------------------------ text_nodes.c */

/* Fills Node Type and what the name says (strategy, join type, relation, index, ...)
 * into obj. Returns 1 when the name is one PostgreSQL prints, 0 when it is kept as
 * given, negative on out of memory. */
int pl_text_node_name(pl_arena *a, planlint_value *obj, const char *s, size_t n);

/* ------------------------------------------------------------ text_details.c */

/* One detail line of a node or worker ("Buffers: shared hit=3", "Sort Method: ...")
 * into obj; type (the node's "Node Type", or NULL) decides ambiguous labels. 0, or
 * negative on out of memory. */
int pl_text_detail(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *type,
                   const char *s, size_t n);
/* Plan-level sections whose lines follow, indented: kept apart from the plan object
 * until the plan ends, because an object copied into its parent must be complete. */
enum { PL_SECT_PLANNING, PL_SECT_JIT, PL_SECT_SERIALIZATION, PL_SECT_COUNT_ };
extern const char *const pl_text_section_keys[PL_SECT_COUNT_];

/* Plan-level lines (Planning Time, Settings, Trigger, JIT:, ...) into the plan object
 * or sect[]; *section gets the section that deeper lines belong to, or -1. Returns 1
 * when the line was a plan-level line, 0 when it was not one, negative on error. */
int pl_text_plan_line(pl_arena *a, pl_tgrammar *g, planlint_value *plan, planlint_value *sect,
                      const char *s, size_t n, int *section);
/* A line under a plan-level section ("JIT:" lines are special). */
int pl_text_section_line(pl_arena *a, pl_tgrammar *g, planlint_value *sect, int section,
                         const char *s, size_t n);
/* "time=1.2 calls=3", "records=2 fpi=0 bytes=120" into obj's JSON keys. */
int pl_text_pairs(pl_arena *a, pl_tgrammar *g, planlint_value *obj, const char *s, size_t n);
/* Where the label of "Label: value" ends (the colon), or 0 when s has no label. */
size_t pl_text_label(const char *s, size_t n);

#endif
