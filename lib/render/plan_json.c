/* plan_json.c - planlint_plan_write(): the plans of a list written back as EXPLAIN
 * (FORMAT JSON) prints them, from the value tree: the same keys in the same order, the
 * same numbers; what planlint_plan_anonymize() replaced is written replaced. */
#include "render.h"
#include "alloc.h"
#include "error.h"

#include <string.h>

static void pl_indent(pl_buf *b, unsigned int depth)
{
    pl_buf_putc(b, '\n');
    pl_buf_repeat(b, "  ", depth);
}

static void pl_write_value(pl_buf *b, const planlint_value *v, unsigned int depth)
{
    size_t i;

    switch (v->type) {
    case PLANLINT_VALUE_NULL: pl_buf_puts(b, "null"); return;
    case PLANLINT_VALUE_BOOL: pl_buf_puts(b, v->boolean ? "true" : "false"); return;
    case PLANLINT_VALUE_NUMBER: pl_json_number(b, v->number, v->is_integer); return;
    case PLANLINT_VALUE_STRING: pl_json_string(b, v->string); return;
    case PLANLINT_VALUE_ARRAY:
    case PLANLINT_VALUE_OBJECT: break;
    }
    if (v->size == 0) {
        pl_buf_puts(b, v->type == PLANLINT_VALUE_ARRAY ? "[]" : "{}");
        return;
    }
    pl_buf_putc(b, v->type == PLANLINT_VALUE_ARRAY ? '[' : '{');
    for (i = 0; i < v->size; i++) {
        if (i > 0)
            pl_buf_putc(b, ',');
        pl_indent(b, depth + 1);
        if (v->type == PLANLINT_VALUE_OBJECT) {
            pl_json_string(b, pl_value_keys(v)[i]);
            pl_buf_puts(b, ": ");
        }
        pl_write_value(b, &v->items[i], depth + 1);
    }
    pl_indent(b, depth);
    pl_buf_putc(b, v->type == PLANLINT_VALUE_ARRAY ? ']' : '}');
}

int planlint_plan_write(char **out, size_t *out_len, const planlint_plan *plan, planlint_error *err)
{
    const planlint_plan *p;
    pl_buf b;

    if (!out || !plan)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out and plan must not be NULL");
    *out = NULL;
    pl_buf_init(&b);
    pl_buf_putc(&b, '[');
    for (p = plan; p; p = p->next) {
        if (p != plan)
            pl_buf_putc(&b, ',');
        pl_indent(&b, 1);
        pl_write_value(&b, p->obj, 1);
    }
    pl_buf_puts(&b, "\n]\n");
    if (b.failed) {
        pl_buf_release(&b);
        return pl_error_nomem(err);
    }
    *out = b.data;
    if (out_len)
        *out_len = b.len;
    return 0;
}
