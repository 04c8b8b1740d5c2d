/* value.c - read access to the value tree kept from the input. */
#include "model.h"

#include <math.h>
#include <string.h>

planlint_value_type planlint_value_kind(const planlint_value *v)
{
    return v ? (planlint_value_type)v->type : PLANLINT_VALUE_NULL;
}

const char *planlint_value_string(const planlint_value *v)
{
    return v && v->type == PLANLINT_VALUE_STRING ? v->string : NULL;
}

double planlint_value_number(const planlint_value *v)
{
    double d;

    if (!v)
        return NAN;
    if (v->type == PLANLINT_VALUE_NUMBER)
        return v->number;
    if (v->type == PLANLINT_VALUE_STRING && pl_parse_double(v->string, strlen(v->string), &d) == 0)
        return d;
    return NAN;
}

int planlint_value_bool(const planlint_value *v)
{
    return v && v->type == PLANLINT_VALUE_BOOL ? v->boolean : -1;
}

size_t planlint_value_size(const planlint_value *v)
{
    if (!v || (v->type != PLANLINT_VALUE_ARRAY && v->type != PLANLINT_VALUE_OBJECT))
        return 0;
    return v->size;
}

const planlint_value *planlint_value_at(const planlint_value *v, size_t i)
{
    if (i >= planlint_value_size(v))
        return NULL;
    return &v->items[i];
}

const char *planlint_value_key(const planlint_value *v, size_t i)
{
    if (!v || v->type != PLANLINT_VALUE_OBJECT || i >= v->size)
        return NULL;
    return pl_value_keys(v)[i];
}

const planlint_value *pl_value_get(const planlint_value *obj, const char *key)
{
    const char **keys;
    size_t i;

    if (!obj || obj->type != PLANLINT_VALUE_OBJECT || !key)
        return NULL;
    keys = pl_value_keys(obj);
    for (i = 0; i < obj->size; i++)
        if (strcmp(keys[i], key) == 0)
            return &obj->items[i];
    return NULL;
}

const planlint_value *planlint_value_get(const planlint_value *v, const char *key)
{
    return pl_value_get(v, key);
}

double pl_value_num(const planlint_value *obj, const char *key)
{
    return planlint_value_number(pl_value_get(obj, key));
}

const char *pl_value_str(const planlint_value *obj, const char *key)
{
    return planlint_value_string(pl_value_get(obj, key));
}
