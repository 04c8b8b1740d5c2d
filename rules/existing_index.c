/* existing_index.c - compares the index seq-scan-filter and index-filter would suggest
 * with the indexes planlint_enrich() found, so an existing one is never suggested again. */
#include "predicate.h"

#include <ctype.h>
#include <stdio.h>

/* Plans and pg_get_indexdef() spell the same key differently: "(ordered_at)::date" vs
 * "((ordered_at)::date)", quoted identifiers, spaces. Compare what is left without them,
 * whole, however long. */
static int pl_key_skipped(char c)
{
    return isspace((unsigned char)c) || c == '"' || c == '(' || c == ')';
}

static int pl_key_eq(const char *a, const char *b)
{
    for (;; a++, b++) {
        while (*a && pl_key_skipped(*a))
            a++;
        while (*b && pl_key_skipped(*b))
            b++;
        if (*a != *b)
            return 0;
        if (!*a)
            return 1;
    }
}

static int pl_key_in(const pl_cat_index *ix, size_t n, const char *key)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (pl_key_eq(key, ix->keys[i] ? ix->keys[i] : ""))
            return 1;
    return 0;
}

static int pl_pinned(const pl_term *const *pinned, size_t npinned, const char *key)
{
    size_t i;

    for (i = 0; i < npinned; i++)
        if (pl_key_eq(key ? key : "", pinned[i]->key ? pinned[i]->key : ""))
            return 1;
    return 0;
}

/* The index's leading keys hold the suggested ones: equality columns serve in any order,
 * and a longer index still serves its leading columns. A key that the predicate of a
 * partial index pins to one value (status in WHERE status = 'open') is the same in every
 * entry, so it need not be a key at all, and where it is one it takes no place that
 * counts: the other suggested keys must be the index's leading keys once pinned ones are
 * skipped. So (customer_id) WHERE status = 'open' serves status = 'open' AND
 * customer_id = 7, and so does (status, customer_id) WHERE status = 'open'. Only
 * equalities pin: a range term in the predicate still leaves its key wanted. */
static int pl_index_matches(const pl_cat_index *ix, const char *const *keys, size_t n,
                            const pl_term *const *pinned, size_t npinned)
{
    size_t i, want = 0, lead = 0, slots = 0;

    if (!ix->btree)
        return 0;
    for (i = 0; i < n; i++)
        want += !pl_pinned(pinned, npinned, keys[i]);
    while (lead < ix->nkeys && slots < want)
        slots += !pl_pinned(pinned, npinned, ix->keys[lead++]);
    if (slots < want)
        return 0;
    for (i = 0; i < n; i++)
        if (!pl_pinned(pinned, npinned, keys[i]) && !pl_key_in(ix, lead, keys[i]))
            return 0;
    return 1;
}

/* A full index, or a partial one whose predicate the scan's conditions imply. */
static int pl_index_fits(const pl_cat_index *ix, const planlint_node *scan, const pl_predicate *const *preds,
                         size_t npreds, const char *const *keys, size_t n)
{
    const pl_term *pinned[PL_PRED_MAX_TERMS];
    size_t npinned = 0;

    if (ix->partial && !pl_predicate_implies(scan, preds, npreds, ix->predicate, pinned, &npinned))
        return 0;
    return pl_index_matches(ix, keys, n, pinned, npinned);
}

static const pl_cat_index *pl_find(const planlint_node *scan, const pl_predicate *const *preds, size_t npreds,
                                   const pl_term *const *keys, size_t n, int rewritten)
{
    const pl_cat_table *t = pl_catalog_table(scan);
    const char *names[PL_SUGGEST_MAX_KEYS];
    size_t i;

    if (!t || n == 0 || n > PL_SUGGEST_MAX_KEYS)
        return NULL;
    for (i = 0; i < n; i++)   /* a rewritten term's key is its bare column */
        names[i] = rewritten && keys[i]->rewrite ? keys[i]->column : keys[i]->key;
    for (i = 0; i < t->nindexes; i++)
        if (pl_index_fits(&t->indexes[i], scan, preds, npreds, names, n))
            return &t->indexes[i];
    return NULL;
}

const pl_cat_index *pl_existing_index(const planlint_node *scan,
                                      const pl_predicate *const *preds, size_t npreds,
                                      const pl_term *const *keys, size_t n)
{
    return pl_find(scan, preds, npreds, keys, n, 0);
}

const pl_cat_index *pl_existing_index_rewritten(const planlint_node *scan, const pl_predicate *const *preds,
                                                size_t npreds, const pl_term *const *keys, size_t n)
{
    return pl_find(scan, preds, npreds, keys, n, 1);
}

const char *pl_index_key_list(pl_check *c, const pl_cat_index *ix)
{
    char buf[600];
    size_t i, used = 0;

    buf[0] = '\0';
    for (i = 0; i < ix->nkeys && used < sizeof(buf); i++) {
        int w = snprintf(buf + used, sizeof(buf) - used, "%s%s", i ? ", " : "", ix->keys[i] ? ix->keys[i] : "?");
        used += w > 0 ? (size_t)w : 0;
    }
    return pl_fmt_text(c, "(%s)", buf);
}

/* "orders_status_idx on (status)"; a partial index says so, with its WHERE. */
static const char *pl_index_label(pl_check *c, const pl_cat_index *ix)
{
    if (ix->partial)
        return pl_fmt_text(c, "Partial index %s on %s WHERE %s", ix->name, pl_index_key_list(c, ix),
                           ix->predicate ? ix->predicate : "?");
    return pl_fmt_text(c, "%s on %s", ix->name, pl_index_key_list(c, ix));
}

int pl_existing_index_advice(pl_check *c, pl_finding *f, const planlint_node *scan,
                             const pl_predicate *const *preds, size_t npreds, const pl_term **first_key)
{
    const pl_term *keys[PL_SUGGEST_MAX_KEYS];
    const char *used = scan->fields[PLANLINT_FIELD_INDEX], *filter = scan->fields[PLANLINT_FIELD_FILTER];
    size_t nk = pl_index_keys(scan, preds, npreds, keys, PL_SUGGEST_MAX_KEYS, 0);
    const pl_cat_index *ix;

    *first_key = nk ? keys[0] : NULL;
    if (!(ix = pl_existing_index(scan, preds, npreds, keys, nk)))
        return 0;
    if (used && strcmp(used, ix->name) == 0)
        pl_finding_advice(f, "%s already holds the Filter's columns, yet the scan filters instead of "
                             "searching: check whether the Filter %s compares a column with a value of "
                             "another type.", pl_index_label(c, ix), filter);
    else
        pl_finding_advice(f, "%s already exists and was not used: check its selectivity and the "
                             "table's statistics (ANALYZE), or whether the Filter %s compares a column "
                             "with a value of another type.", pl_index_label(c, ix), filter);
    pl_finding_evidence(f, "existing_index_keys", (double)ix->nkeys);
    if (ix->partial)
        pl_finding_evidence(f, "existing_index_partial", 1);
    return 1;
}

static const pl_cat_column *pl_column(const pl_cat_table *t, const char *name)
{
    size_t i;

    for (i = 0; i < t->ncolumns; i++)
        if (t->columns[i].name && strcmp(t->columns[i].name, name) == 0)
            return &t->columns[i];
    return NULL;
}

void pl_catalog_evidence(pl_check *c, pl_finding *f, const planlint_node *scan, const pl_term *first_key)
{
    const pl_cat_table *t = pl_catalog_table(scan);
    const pl_cat_column *col;

    if (!t)
        return;
    pl_finding_evidence(f, "table_reltuples", t->reltuples);
    pl_finding_evidence(f, "table_bytes", t->size_bytes);
    pl_finding_evidence(f, "table_indexes", (double)t->nindexes);
    if (first_key && !first_key->expression && (col = pl_column(t, first_key->column)) != NULL) {
        pl_finding_evidence(f, "first_key_n_distinct", col->n_distinct);
        pl_finding_evidence(f, "first_key_correlation", col->correlation);
    }
}
