/* config.c - .planlint.json: which rules, their thresholds, the failing severity, the
 * minimum query time. */
#include "model.h"
#include "alloc.h"
#include "error.h"
#include "json_parse.h"

#include <stdio.h>
#include <string.h>

struct planlint_config {
    pl_arena *arena;
    const char **lists[3];          /* enable, disable, set */
    size_t counts[3];
    const char *fail_on, *min_severity;
    const char *min_time_ms;        /* the number as text, "." for decimals */
};

static const char *const pl_list_keys[3] = { "enable", "disable", "set" };

static int pl_cfg_error(planlint_error *err, const char *key, const char *msg)
{
    char path[80];

    snprintf(path, sizeof(path), "/%s", key);
    return pl_error(err, PLANLINT_ESCHEMA, 0, 0, path, "%s", msg);
}

static int pl_cfg_strings(planlint_config *cfg, int k, const planlint_value *v, planlint_error *err)
{
    size_t i;

    if (v->type != PLANLINT_VALUE_ARRAY)
        return pl_cfg_error(err, pl_list_keys[k], "expected an array of strings");
    if (!(cfg->lists[k] = pl_arena_array(cfg->arena, v->size + 1, sizeof(char *))))
        return pl_error_nomem(err);
    for (i = 0; i < v->size; i++) {
        if (v->items[i].type != PLANLINT_VALUE_STRING)
            return pl_cfg_error(err, pl_list_keys[k], "expected an array of strings");
        cfg->lists[k][i] = v->items[i].string;
    }
    cfg->counts[k] = v->size;
    return 0;
}

/* "set": { "rule.param": number } becomes "rule.param=number" strings. */
static int pl_cfg_settings(planlint_config *cfg, const planlint_value *v, planlint_error *err)
{
    size_t i;

    if (v->type == PLANLINT_VALUE_ARRAY)
        return pl_cfg_strings(cfg, 2, v, err);
    if (v->type != PLANLINT_VALUE_OBJECT)
        return pl_cfg_error(err, "set", "expected an object of \"rule.param\": number");
    if (!(cfg->lists[2] = pl_arena_array(cfg->arena, v->size + 1, sizeof(char *))))
        return pl_error_nomem(err);
    for (i = 0; i < v->size; i++) {
        char num[64];
        size_t n;
        char *s;
        if (v->items[i].type != PLANLINT_VALUE_NUMBER)
            return pl_cfg_error(err, "set", "expected an object of \"rule.param\": number");
        snprintf(num, sizeof(num), "%.17g", v->items[i].number);
        for (n = 0; num[n]; n++)
            if (num[n] == ',')
                num[n] = '.';   /* whatever LC_NUMERIC says */
        n = strlen(pl_value_keys(v)[i]) + strlen(num) + 2;
        if (!(s = pl_arena_alloc(cfg->arena, n)))
            return pl_error_nomem(err);
        snprintf(s, n, "%s=%s", pl_value_keys(v)[i], num);
        cfg->lists[2][i] = s;
    }
    cfg->counts[2] = v->size;
    return 0;
}

/* A number >= 0, kept as text (planlint_config_string()), "." whatever LC_NUMERIC says. */
static int pl_cfg_number(planlint_config *cfg, const char *key, const planlint_value *v, const char **out,
                         planlint_error *err)
{
    char num[64], *s;
    size_t n;

    if (v->type != PLANLINT_VALUE_NUMBER || !(v->number >= 0))
        return pl_cfg_error(err, key, "expected a number, 0 or more");
    snprintf(num, sizeof(num), "%.17g", v->number);
    for (n = 0; num[n]; n++)
        if (num[n] == ',')
            num[n] = '.';
    if (!(s = pl_arena_strndup(cfg->arena, num, strlen(num))))
        return pl_error_nomem(err);
    *out = s;
    return 0;
}

static int pl_cfg_member(planlint_config *cfg, const char *key, const planlint_value *v, planlint_error *err)
{
    if (strcmp(key, "enable") == 0)
        return pl_cfg_strings(cfg, 0, v, err);
    if (strcmp(key, "disable") == 0)
        return pl_cfg_strings(cfg, 1, v, err);
    if (strcmp(key, "set") == 0)
        return pl_cfg_settings(cfg, v, err);
    if (strcmp(key, "fail_on") == 0 || strcmp(key, "min_severity") == 0) {
        if (v->type != PLANLINT_VALUE_STRING)
            return pl_cfg_error(err, key, "expected \"info\", \"warning\" or \"error\"");
        *(key[0] == 'f' ? &cfg->fail_on : &cfg->min_severity) = v->string;
        return 0;
    }
    if (strcmp(key, "min_time_ms") == 0)
        return pl_cfg_number(cfg, key, v, &cfg->min_time_ms, err);
    return pl_cfg_error(err, key, "unknown key (expected enable, disable, set, fail_on, min_severity, min_time_ms)");
}

static int pl_cfg_read(planlint_config *cfg, const char *buf, size_t len, planlint_error *err)
{
    planlint_value doc;
    size_t i;
    int rc;

    if ((rc = pl_json_parse_doc(cfg->arena, 16, buf, len, &doc, err)) < 0)
        return rc;
    if (doc.type != PLANLINT_VALUE_OBJECT)
        return pl_cfg_error(err, "", "expected a JSON object");
    for (i = 0; i < doc.size; i++)
        if ((rc = pl_cfg_member(cfg, pl_value_keys(&doc)[i], &doc.items[i], err)) < 0)
            return rc;
    return 0;
}

int planlint_config_parse(planlint_config **out, const char *buf, size_t len, planlint_error *err)
{
    planlint_config *cfg;
    pl_arena *a;
    int rc;

    if (!out || !buf)
        return pl_error(err, PLANLINT_EINVAL, 0, 0, NULL, "out and buf must not be NULL");
    *out = NULL;
    if (!(a = pl_arena_new()) || !(cfg = pl_arena_alloc(a, sizeof(*cfg)))) {
        pl_arena_free(a);
        return pl_error_nomem(err);
    }
    cfg->arena = a;
    if ((rc = pl_cfg_read(cfg, buf, len, err)) < 0) {
        pl_arena_free(a);
        return rc;
    }
    *out = cfg;
    return 0;
}

void planlint_config_free(planlint_config *cfg)
{
    if (cfg)
        pl_arena_free(cfg->arena);
}

size_t planlint_config_list(const planlint_config *cfg, const char *key, const char *const **items)
{
    int k;

    for (k = 0; cfg && key && k < 3; k++)
        if (strcmp(key, pl_list_keys[k]) == 0) {
            if (items)
                *items = cfg->lists[k];
            return cfg->counts[k];
        }
    if (items)
        *items = NULL;
    return 0;
}

const char *planlint_config_string(const planlint_config *cfg, const char *key)
{
    if (!cfg || !key)
        return NULL;
    if (strcmp(key, "fail_on") == 0)
        return cfg->fail_on;
    if (strcmp(key, "min_severity") == 0)
        return cfg->min_severity;
    if (strcmp(key, "min_time_ms") == 0)
        return cfg->min_time_ms;
    return NULL;
}
