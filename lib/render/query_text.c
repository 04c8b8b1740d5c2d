/* query_text.c - planlint_explain_set_query(): EXPLAIN's JSON with the statement in it as
 * "Query Text", where auto_explain logs it, so that a saved capture says what it is of.
 * The plan's own text is kept byte for byte: its numbers are not read and written back. */
#include "render.h"
#include "alloc.h"
#include "error.h"

#include <jansson.h>
#include <string.h>

/* EXPLAIN (FORMAT JSON) is an array holding one object; auto_explain logs the object. */
static int pl_explain_shape(const char *json, size_t len, planlint_error *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(json, len, 0, &jerr), *top;
    int rc = 0;

    if (!doc)
        return pl_error(err, strstr(jerr.text, "memory") ? PLANLINT_ENOMEM : PLANLINT_EPARSE, jerr.line,
                        jerr.column, NULL, "invalid JSON: %s", jerr.text);
    top = json_is_array(doc) ? json_array_get(doc, 0) : doc;
    if (!json_is_object(top) || !json_object_get(top, "Plan"))
        rc = pl_error(err, PLANLINT_ESCHEMA, 0, 0, NULL, "not EXPLAIN's JSON: no \"Plan\" object");
    else if (json_object_get(top, "Query Text"))
        rc = pl_error(err, PLANLINT_ESCHEMA, 0, 0, NULL, "the plan holds a \"Query Text\" already");
    json_decref(doc);
    return rc;
}

int planlint_explain_set_query(char **out, size_t *out_len, const char *json, size_t len, const char *query,
                               planlint_error *err)
{
    const char *open, *key;
    pl_buf b;
    int rc;

    if (!out || !json || !query)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out, json and query must not be NULL");
    *out = NULL;
    if ((rc = pl_explain_shape(json, len, err)) != 0)
        return rc;
    /* Valid JSON whose first object has a key: before its '{' there is only '[' and
     * blanks, and between the '{' and the first key only blanks, which the new member
     * copies so that it is indented like the others. */
    open = memchr(json, '{', len);
    key = memchr(open, '"', len - (size_t)(open - json));
    pl_buf_init(&b);
    pl_buf_add(&b, json, (size_t)(key - json));
    pl_buf_puts(&b, "\"Query Text\": ");
    pl_json_string(&b, query);
    pl_buf_putc(&b, ',');
    pl_buf_add(&b, open + 1, (size_t)(key - open - 1));
    pl_buf_add(&b, key, len - (size_t)(key - json));
    return pl_buf_hand_over(&b, out, out_len, err);
}
