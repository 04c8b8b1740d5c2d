/* common.c - small helpers several rules share (memory sizes, plan settings, join keys). */
#include "cond.h"
#include "buf.h"
#include "build.h"

double pl_nz(double v)
{
    return isnan(v) ? 0 : v;
}

const char *pl_fmt_work_mem(pl_check *c, double kb)
{
    long mb = 1;

    while ((double)mb * 1024 < kb && mb < 1048576)
        mb *= 2;
    if (mb >= 1024)
        return pl_fmt_text(c, "%ldGB", mb / 1024);
    return pl_fmt_text(c, "%ldMB", mb);
}

const char *pl_plan_setting(const planlint_plan *plan, const char *name)
{
    return planlint_value_string(pl_value_get(pl_value_get(plan->obj, "Settings"), name));
}

double pl_hash_mem_multiplier(const planlint_plan *plan)
{
    const char *v = pl_plan_setting(plan, "hash_mem_multiplier");
    double d;

    if (v && pl_parse_double(v, strlen(v), &d) == 0 && d > 0)
        return d;
    return 2.0;
}

const char *pl_set_work_mem(pl_finding *f, int local, const char *value)
{
    const char *sql = pl_finding_sql(f, "VariableSetStmt", local ? "SET LOCAL work_mem = %L;" : "SET work_mem = %L;",
                                     value);

    return sql ? sql : "a higher work_mem";
}

pl_procs pl_node_processes(const planlint_node *n, planlint_metric m)
{
    pl_procs p = { 0, 0, 0 };
    size_t i;

    for (i = 0; i <= planlint_value_size(n->workers); i++) {
        double v = i == 0 ? n->m[m] : pl_object_metric(planlint_value_at(n->workers, i - 1), m);
        if (isnan(v))
            continue;
        p.sum += v;
        p.max = fmax(p.max, v);
        p.n++;
    }
    return p;
}

double pl_hash_participants(const planlint_plan *plan, const planlint_node *n)
{
    const char *lead = pl_plan_setting(plan, "parallel_leader_participation");
    const planlint_node *g;

    for (g = n->parent; g && g->kind != PL_KIND_GATHER; g = g->parent)
        ;
    if (!g || isnan(g->m[PLANLINT_M_WORKERS_LAUNCHED]))
        return 1;
    return g->m[PLANLINT_M_WORKERS_LAUNCHED] + (lead && strcmp(lead, "off") == 0 ? 0 : 1);
}

const char *pl_spill_not_bottleneck(pl_check *c, double own, double whole, double temp_io_ms)
{
    if (isnan(own) || isnan(whole) || whole <= 0 || own >= 0.25 * whole)
        return NULL;
    return pl_fmt_text(c, "The spill is not the bottleneck: of the %s the spilling node took, %s was its own work%s%s%s "
                          "and %s was spent producing its input; speed up the input first.",
                       pl_fmt_ms(c, whole), pl_fmt_ms(c, own), isnan(temp_io_ms) ? "" : " (temporary-file I/O: ",
                       isnan(temp_io_ms) ? "" : pl_fmt_ms(c, temp_io_ms), isnan(temp_io_ms) ? "" : ")",
                       pl_fmt_ms(c, whole - own));
}

const char pl_plan_may_change[] = "More memory can change the plan itself (a hash instead of a sort, another join "
                                  "method or order, fewer workers): EXPLAIN ANALYZE again after the change.";

/* ------------------------------------------------ conditions and plain-column indexes */

/* The end of the parenthesis or quote that opens at s[i], or n when it is not closed. */
static size_t pl_cond_skip(const char *s, size_t n, size_t i)
{
    char open = s[i];
    int depth = 0;

    if (open == '\'' || open == '"') {
        for (i++; i < n; i++)
            if (s[i] == open) {
                if (i + 1 < n && s[i + 1] == open)
                    i++;
                else
                    return i;
            }
        return n;
    }
    for (; i < n; i++) {
        if (s[i] == '\'' || s[i] == '"')
            i = pl_cond_skip(s, n, i);
        else if (s[i] == '(')
            depth++;
        else if (s[i] == ')' && --depth == 0)
            return i;
        if (i >= n)
            break;
    }
    return n;
}

static pl_span pl_cond_trim(pl_span x)
{
    for (;;) {
        while (x.n > 0 && x.s[0] == ' ')
            x.s++, x.n--;
        while (x.n > 0 && x.s[x.n - 1] == ' ')
            x.n--;
        if (x.n < 2 || x.s[0] != '(' || pl_cond_skip(x.s, x.n, 0) != x.n - 1)
            return x;
        x.s++, x.n -= 2;
    }
}

size_t pl_cond_split(const char *cond, size_t len, const char *word, pl_span *out, size_t max)
{
    size_t wl = strlen(word), i, from, k = 0;
    pl_span all;

    if (!cond || max == 0)
        return 0;
    all.s = cond, all.n = len;
    all = pl_cond_trim(all);
    for (i = from = 0; i < all.n && k < max; i++) {
        if (all.s[i] == '(' || all.s[i] == '\'' || all.s[i] == '"') {
            i = pl_cond_skip(all.s, all.n, i);
            continue;
        }
        if (i + wl <= all.n && memcmp(all.s + i, word, wl) == 0) {
            out[k].s = all.s + from, out[k].n = i - from;
            out[k] = pl_cond_trim(out[k]);
            k++;
            from = i + wl;
            i = from - 1;
        }
    }
    if (k < max) {
        out[k].s = all.s + from, out[k].n = all.n - from;
        out[k] = pl_cond_trim(out[k]);
        k++;
    }
    return k;
}

/* The length of one identifier at s (plain or "quoted"), 0 when there is none. */
static size_t pl_ident_len(const char *s, size_t n)
{
    size_t i = 0;

    if (n > 0 && s[0] == '"') {
        i = pl_cond_skip(s, n, 0);
        return i < n ? i + 1 : 0;
    }
    while (i < n && (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
                     (i > 0 && ((s[i] >= '0' && s[i] <= '9') || s[i] == '$'))))
        i++;
    return i;
}

int pl_span_column(pl_check *c, pl_span x, const char **qual, const char **col)
{
    size_t a, b;

    x = pl_cond_trim(x);
    if ((a = pl_ident_len(x.s, x.n)) == 0)
        return 0;
    *qual = NULL;
    if (a == x.n) {
        *col = pl_fmt_unquote(c, x.s, a);
        return *col != NULL;
    }
    if (x.s[a] != '.' || (b = pl_ident_len(x.s + a + 1, x.n - a - 1)) != x.n - a - 1)
        return 0;
    *qual = pl_fmt_unquote(c, x.s, a);
    *col = pl_fmt_unquote(c, x.s + a + 1, b);
    return *qual && *col;
}

int pl_qual_is_scan(const planlint_node *scan, const char *qual)
{
    const char *alias = scan->fields[PLANLINT_FIELD_ALIAS], *rel = scan->fields[PLANLINT_FIELD_RELATION];

    if (!qual)
        return 0;
    return alias ? strcmp(alias, qual) == 0 : rel && strcmp(rel, qual) == 0;
}

const char *pl_index_on_columns(pl_check *c, const char *schema, const char *rel, const char *const *cols,
                                size_t n)
{
    pl_sql_index_key keys[PL_CAT_MAX_KEYS];
    const char *sql;
    pl_buf b;
    size_t i;
    int rc;

    if (!rel || n == 0 || n > PL_CAT_MAX_KEYS)
        return NULL;
    for (i = 0; i < n; i++) {
        memset(&keys[i], 0, sizeof(keys[i]));
        keys[i].column = cols[i];
    }
    pl_buf_init(&b);
    if ((rc = pl_sql_create_index(&b, schema, rel, keys, n)) < 0) {
        if (rc == PLANLINT_ENOMEM)
            pl_check_fail(c);
        pl_buf_release(&b);
        return NULL;
    }
    sql = pl_fmt_text(c, "%s", b.data);
    pl_buf_release(&b);
    return sql;
}

const pl_cat_index *pl_cat_index_leading(const pl_cat_table *t, const char *const *cols, size_t n)
{
    size_t i, j, k;

    for (i = 0; t && i < t->nindexes; i++) {
        const pl_cat_index *ix = &t->indexes[i];
        size_t found = 0;

        if (!ix->btree || ix->partial || ix->nkeys < n)
            continue;
        for (j = 0; j < n; j++)
            for (k = 0; k < n; k++)
                if (ix->keys[j] && strcmp(ix->keys[j], cols[k]) == 0) {
                    found++;
                    break;
                }
        if (found == n)
            return ix;
    }
    return NULL;
}
