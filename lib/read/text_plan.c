/* text_plan.c - the lines after the plan tree ("Planning Time: 0.4 ms", "Settings:
 * ...", "Trigger t: time=1 calls=2", "JIT:") into the plan object's JSON keys. */
#include "text.h"

#include <string.h>

const char *const pl_text_section_keys[PL_SECT_COUNT_] = { "Planning", "JIT", "Serialization" };

/* Sets one member of obj from a list item: 0, negative on error, 1 when the item
 * does not have the list's shape. */
typedef int (*pl_member_fn)(pl_arena *a, planlint_value *obj, const char *item);

/* A comma-separated list as an object under key, one member per item; nothing is
 * set when an item does not have the list's shape. */
static int pl_list_object(pl_arena *a, planlint_value *parent, const char *key, const char *v, size_t n,
                          pl_member_fn fn)
{
    planlint_value obj, list;
    size_t i;
    int rc;

    memset(&obj, 0, sizeof(obj));
    obj.type = PLANLINT_VALUE_OBJECT;
    if (pl_tv_list(a, &list, v, n) < 0)
        return -1;
    for (i = 0; i < list.size; i++)
        if ((rc = fn(a, &obj, list.items[i].string)) != 0)
            return rc < 0 ? -1 : 0;
    return pl_tv_set(a, parent, key, &obj);
}

/* "work_mem = '64MB'" of "Settings: jit = 'off', work_mem = '64MB'" */
static int pl_setting(pl_arena *a, planlint_value *obj, const char *item)
{
    const char *eq = strstr(item, " = ");
    size_t vl;
    char *key;

    if (!eq)
        return 0;
    if (!(key = pl_arena_strndup(a, item, (size_t)(eq - item))))
        return -1;
    eq += 3;
    vl = strlen(eq);
    if (vl >= 2 && eq[0] == '\'' && eq[vl - 1] == '\'')
        eq++, vl -= 2;
    return pl_tv_set_str(a, obj, key, eq, vl) < 0 ? -1 : 0;
}

/* "RI_x for constraint fk on t"; without VERBOSE a constraint's trigger is printed
 * without its name: "for constraint fk on t" (no "Trigger Name" then). */
static int pl_trigger_name(pl_arena *a, planlint_value *t, const char *s, size_t n)
{
    const char *con = NULL, *on = NULL;
    size_t i, name_end = n;

    if (n > 15 && memcmp(s, "for constraint ", 15) == 0)
        con = s - 1;
    for (i = 0; i + 4 <= n; i++) {
        if (!con && i + 16 <= n && memcmp(s + i, " for constraint ", 16) == 0)
            con = s + i;
        else if (!on && memcmp(s + i, " on ", 4) == 0)
            on = s + i;
    }
    if (con)
        name_end = (size_t)(con - s);
    else if (on)
        name_end = (size_t)(on - s);
    if (con != s - 1 && pl_tv_set_str(a, t, "Trigger Name", s, name_end) < 0)
        return -1;
    if (con && pl_tv_set_str(a, t, "Constraint Name", con + 16,
                             (on && on > con ? (size_t)(on - con) : n - (size_t)(con - s)) - 16) < 0)
        return -1;
    if (on && pl_tv_set_str(a, t, "Relation", on + 4, n - (size_t)(on - s) - 4) < 0)
        return -1;
    return 0;
}

/* "Trigger RI_x for constraint fk on t: time=1.2 calls=3" */
static int pl_trigger(pl_arena *a, pl_tgrammar *g, planlint_value *plan, const char *s, size_t n)
{
    const planlint_value *old = pl_value_get(plan, "Triggers");
    planlint_value arr, t;
    size_t colon;

    for (colon = n; colon > 8; colon--)
        if (s[colon - 1] == ':')
            break;
    if (colon <= 9)
        return 0;
    memset(&t, 0, sizeof(t));
    t.type = PLANLINT_VALUE_OBJECT;
    if (pl_trigger_name(a, &t, s + 8, colon - 9) < 0 || pl_text_pairs(a, g, &t, s + colon, n - colon) < 0)
        return -1;
    memset(&arr, 0, sizeof(arr));
    if (old)
        arr = *old;
    if (pl_tv_push(a, &arr, &t) < 0)
        return -1;
    return pl_tv_set(a, plan, "Triggers", &arr) < 0 ? -1 : 1;
}

/* "time=1.234 ms  output=12kB  format=text" (PG 17). */
static int pl_serialization(pl_arena *a, planlint_value *sect, const char *s, size_t n)
{
    static const char *const map[][2] = {
        { "time=", "Time" }, { "output=", "Output Volume" }, { "format=", "Format" },
    };
    size_t i, k;

    for (i = 0; i < n; i++) {
        for (k = 0; k < 3; k++) {
            size_t l = strlen(map[k][0]), e;
            if (n - i < l || memcmp(s + i, map[k][0], l) != 0 || (i && s[i - 1] != ' '))
                continue;
            for (e = i + l; e < n && s[e] != ' '; e++)
                ;
            if (pl_tv_set_numtext(a, sect, map[k][1], s + i + l, e - i - l) < 0)
                return -1;
        }
    }
    sect->type = PLANLINT_VALUE_OBJECT;
    return 0;
}

/* Labels that open a section of indented lines. */
static int pl_section_of(const char *label, size_t ln)
{
    int i;

    for (i = 0; i < PL_SECT_COUNT_; i++)
        if (pl_text_is(label, ln, pl_text_section_keys[i]))
            return i;
    return -1;
}

static int pl_plan_value(pl_arena *a, planlint_value *plan, const char *label, size_t ln,
                         const char *v, size_t vn)
{
    static const char *const numeric[] = { "Planning Time", "Execution Time", "Query Identifier" };
    char *key;
    size_t i;

    for (i = 0; i < sizeof(numeric) / sizeof(numeric[0]); i++)
        if (pl_text_is(label, ln, numeric[i]))
            return pl_tv_set_numtext(a, plan, numeric[i], v, vn);
    if (pl_text_is(label, ln, "Total runtime"))   /* before PG 9.4 */
        return pl_tv_set_numtext(a, plan, "Execution Time", v, vn);
    if (pl_text_is(label, ln, "Settings"))
        return pl_list_object(a, plan, "Settings", v, vn, pl_setting);
    if (!(key = pl_arena_strndup(a, label, ln)))
        return -1;
    return pl_tv_set_str(a, plan, key, v, vn);
}

int pl_text_plan_line(pl_arena *a, pl_tgrammar *g, planlint_value *plan, planlint_value *sect,
                      const char *s, size_t n, int *section)
{
    size_t ln, vn;
    const char *v;

    s = pl_tv_trim(s, &n);
    *section = -1;
    if (n > 8 && memcmp(s, "Trigger ", 8) == 0)
        return pl_trigger(a, g, plan, s, n);
    if (!(ln = pl_text_label(s, n)))
        return 0;
    vn = n - ln - 1;
    v = pl_tv_trim(s + ln + 1, &vn);
    if ((*section = pl_section_of(s, ln)) >= 0) {
        sect[*section].type = PLANLINT_VALUE_OBJECT;
        if (*section == PL_SECT_SERIALIZATION)
            return pl_serialization(a, &sect[*section], v, vn) < 0 ? -1 : 1;
        return 1;
    }
    return pl_plan_value(a, plan, s, ln, v, vn) < 0 ? -1 : 1;
}

/* "Inlining true" of "Options: Inlining true, Optimization true", or "Generation
 * 0.4 ms" of "Timing: Generation 0.4 ms, Inlining 5.1 ms, Total 9 ms". */
static int pl_jit_member(pl_arena *a, planlint_value *obj, const char *item)
{
    const char *sp = strchr(item, ' '), *paren;
    char *name;
    size_t vl;

    if (!sp)
        return 1;
    if (!(name = pl_arena_strndup(a, item, (size_t)(sp - item))))
        return -1;
    paren = strchr(sp, '(');   /* PG 17: "Generation 1.2 ms (Deform 0.3 ms)" */
    vl = paren ? (size_t)(paren - sp) : strlen(sp);
    if (strncmp(sp + 1, "true", 4) == 0 || strncmp(sp + 1, "false", 5) == 0)
        return pl_tv_set_bool(a, obj, name, sp[1] == 't') < 0 ? -1 : 0;
    return pl_tv_set_numtext(a, obj, name, sp, vl) < 0 ? -1 : 0;
}

int pl_text_section_line(pl_arena *a, pl_tgrammar *g, planlint_value *sect, int section,
                         const char *s, size_t n)
{
    size_t ln, vn;
    const char *v;

    s = pl_tv_trim(s, &n);
    if (section != PL_SECT_JIT)
        return pl_text_detail(a, g, &sect[section], NULL, s, n);
    if (!(ln = pl_text_label(s, n)))
        return 0;
    vn = n - ln - 1;
    v = pl_tv_trim(s + ln + 1, &vn);
    if (pl_text_is(s, ln, "Options") || pl_text_is(s, ln, "Timing"))
        return pl_list_object(a, &sect[section], pl_text_is(s, ln, "Options") ? "Options" : "Timing", v, vn,
                              pl_jit_member);
    return pl_text_detail(a, g, &sect[section], NULL, s, n);
}
