/* reader.h - what the input readers share: the list of plans being built. */
#ifndef PL_READER_H
#define PL_READER_H

#include "model.h"

typedef struct pl_plan_list {
    planlint_plan *head, *tail;
    size_t count;
    size_t nodes;            /* over all plans, for the node limit */
} pl_plan_list;

/* The readers' opts come from planlint_plan_parse() with every limit filled in. */

/* document.c: turn one parsed JSON document into zero or more plans. */
int pl_plans_from_document(pl_plan_list *list, pl_arena *arena, const planlint_value *doc,
                           const planlint_parse_options *opts, planlint_error *err);

/* json_reader.c */
int pl_json_read(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                 const planlint_parse_options *opts, planlint_error *err);

/* text_reader.c: text-format plans (psql's output, pasted or captured). Returns 0
 * with no plan added when the input holds no text plan. */
int pl_text_read(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                 const planlint_parse_options *opts, planlint_error *err);

/* yaml_reader.c, xml_reader.c: EXPLAIN's YAML and XML formats, bare or as psql or a
 * server log shows them, into the tree the same plan gives in JSON. Return 0 with no
 * plan added when the input holds none. */
int pl_yaml_read(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                 const planlint_parse_options *opts, planlint_error *err);
int pl_xml_read(pl_plan_list *list, pl_arena *arena, const char *buf, size_t len,
                const planlint_parse_options *opts, planlint_error *err);

/* plan.c: the expected JSON type of a known key ("number", "string") or NULL. */
const char *pl_key_expected_type(const char *key, const planlint_value *v);

#endif
