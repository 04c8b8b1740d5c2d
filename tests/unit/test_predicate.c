/* test_predicate.c - Filter and Index Cond texts as PostgreSQL prints them, and the
 * CREATE INDEX planlint derives from them. */
#include "predicate.h"
#include "finding.h"
#include "tap.h"

static pl_check *chk;   /* for the tests that build no suggestion */

/* Runs pl_index_suggestion for one filter on a fake scan of public.t. */
static const char *suggest(pl_check *c, const char *filter, const char **why)
{
    static planlint_node node;
    static pl_predicate pred;
    const pl_predicate *preds[1] = { &pred };

    memset(&node, 0, sizeof(node));
    node.fields[PLANLINT_FIELD_RELATION] = "t";
    node.fields[PLANLINT_FIELD_SCHEMA] = "public";
    pl_predicate_parse(c, &node, filter, 0, &pred);
    *why = NULL;
    return pl_index_suggestion(c, &node, preds, 1, why);
}

static void expect(pl_check *c, const char *filter, const char *want)
{
    const char *why, *got = suggest(c, filter, &why);

    tap_checks++;
    if (!got || strcmp(got, want) != 0) {
        tap_failures++;
        fprintf(stderr, "filter %s\n  got  %s (%s)\n  want %s\n", filter, got ? got : "(none)", why ? why : "", want);
    }
}

static void expect_none(pl_check *c, const char *filter, const char *why_part)
{
    const char *why, *got = suggest(c, filter, &why);

    tap_checks++;
    if (got || !why || !strstr(why, why_part)) {
        tap_failures++;
        fprintf(stderr, "filter %s\n  got %s (%s), want no suggestion because \"%s\"\n", filter,
                got ? got : "(none)", why ? why : "", why_part);
    }
}

/* One filter on a scan of public.t aliased alias: the first term, read. */
static const pl_term *term_of(const char *alias, const char *filter, int outer_values)
{
    static planlint_node node;
    static pl_predicate pred;

    memset(&node, 0, sizeof(node));
    node.fields[PLANLINT_FIELD_RELATION] = "t";
    node.fields[PLANLINT_FIELD_SCHEMA] = "public";
    node.fields[PLANLINT_FIELD_ALIAS] = alias;
    pl_predicate_parse(chk, &node, filter, outer_values, &pred);
    return pred.nterms ? &pred.terms[0] : NULL;
}

/* Columns of another alias are outer references: values for an index probe. */
static void test_outer(void)
{
    const pl_term *t = term_of("o", "(o.user_id = u.id)", 0);

    CHECK(t && t->kind == PL_TERM_EQUALITY && t->outer && strcmp(t->column, "user_id") == 0);
    t = term_of("o", "(u.id = o.user_id)", 0);   /* swapped */
    CHECK(t && t->kind == PL_TERM_EQUALITY && t->outer && strcmp(t->column, "user_id") == 0);
    t = term_of("o", "(o.user_id = o.other_id)", 0);
    CHECK(t && t->kind == PL_TERM_UNUSABLE && strstr(t->why, "another column"));
    t = term_of("o", "(o.created_at > (u.created_at + '1 day'::interval))", 0);
    CHECK(t && t->kind == PL_TERM_RANGE && t->outer);
    t = term_of("o", "(u.id = 5)", 0);
    CHECK(t && t->kind == PL_TERM_UNUSABLE && strstr(t->why, "no column of this table"));
    /* no alias: other qualifiers are outer ones only for an Index Cond */
    t = term_of(NULL, "(customer_id = c.id)", 1);
    CHECK(t && t->kind == PL_TERM_EQUALITY && t->outer && strcmp(t->column, "customer_id") == 0);
    t = term_of(NULL, "(o.customer_id = c.id)", 0);
    CHECK(t && t->kind == PL_TERM_UNUSABLE);
    /* quoted aliases and columns come back as stored */
    t = term_of("My O", "(\"My O\".\"User Id\" = u.id)", 0);
    CHECK(t && t->kind == PL_TERM_EQUALITY && strcmp(t->column, "User Id") == 0 && strcmp(t->key, "\"User Id\"") == 0);
}

static void expect_rewrite(const char *filter, const char *want)
{
    const pl_term *t = term_of("e", filter, 0);

    tap_checks++;
    if (!t || (want ? !t->rewrite || strcmp(t->rewrite, want) != 0 : t->rewrite != NULL)) {
        tap_failures++;
        fprintf(stderr, "filter %s\n  rewrite %s, want %s\n", filter, t && t->rewrite ? t->rewrite : "(none)",
                want ? want : "(none)");
    }
}

/* Casts and arithmetic that hide a column from its index, and how to write them instead. */
static void test_rewrites(void)
{
    const pl_term *t;

    expect_rewrite("((e.recorded_at)::date = '2024-02-01'::date)",
                   "recorded_at >= '2024-02-01'::date AND recorded_at < '2024-02-01'::date + 1");
    expect_rewrite("((e.recorded_at)::date >= '2024-02-01'::date)", "recorded_at >= '2024-02-01'::date");
    expect_rewrite("((e.recorded_at)::date > '2024-02-01'::date)", "recorded_at >= '2024-02-01'::date + 1");
    expect_rewrite("((e.recorded_at)::date <= '2024-02-01'::date)", "recorded_at < '2024-02-01'::date + 1");
    expect_rewrite("('2024-02-01'::date > (e.recorded_at)::date)", "recorded_at < '2024-02-01'::date");
    expect_rewrite("((e.recorded_at)::date = (u.day + 1))", "recorded_at >= (u.day + 1) AND recorded_at < (u.day + 1) + 1");
    expect_rewrite("((e.id)::numeric = '42'::numeric)", "id = 42");
    expect_rewrite("((e.id)::numeric < '-7.000'::numeric)", "id < -7");
    expect_rewrite("((e.id)::numeric = 42.5)", NULL);
    expect_rewrite("((e.\"Id\")::bigint = '42'::bigint)", "\"Id\" = 42");
    expect_rewrite("((e.recorded_at + '1 day'::interval) > now())", "recorded_at > now() - '1 day'::interval");
    expect_rewrite("((e.n - 5) <= $1)", "n <= $1 + 5");
    expect_rewrite("((5 + e.n) = 7)", "n = 7 - 5");
    expect_rewrite("((e.n * 2) = 8)", NULL);
    expect_rewrite("((e.n + e.m) = 8)", NULL);
    expect_rewrite("(e.n = 8)", NULL);
    t = term_of("e", "((e.id)::numeric = '42'::numeric)", 0);
    CHECK(t && t->kind == PL_TERM_UNUSABLE && t->rewrite_kind == PL_TERM_EQUALITY && strcmp(t->column, "id") == 0 &&
          strstr(t->why, "cast to numeric"));
    t = term_of("e", "((e.k)::integer = 4)", 0);   /* another cast: no rewrite, no expression index */
    CHECK(t && t->kind == PL_TERM_UNUSABLE && !t->rewrite);
    t = term_of("e", "((e.payload)::text = 'x'::text)", 0);   /* text types: the column itself */
    CHECK(t && t->kind == PL_TERM_EQUALITY && !t->rewrite && strcmp(t->key, "payload") == 0);
}

/* Equality keys, the most selective first when the catalog has n_distinct for all. */
static void test_key_order(void)
{
    static pl_predicate pf;
    static pl_cat_table tab;
    static pl_cat_column cols[3];
    static planlint_node node;
    const pl_predicate *preds[1] = { &pf };
    const pl_term *keys[PL_SUGGEST_MAX_KEYS];
    const char *filter = "((o.created_at >= '2023-06-01'::timestamp with time zone) AND (o.status = 'open'::text) "
                         "AND (o.user_id = 4242))";
    size_t nk;

    memset(&node, 0, sizeof(node));
    node.fields[PLANLINT_FIELD_RELATION] = "orders";
    node.fields[PLANLINT_FIELD_ALIAS] = "o";
    pl_predicate_parse(chk, &node, filter, 0, &pf);
    nk = pl_index_keys(&node, preds, 1, keys, PL_SUGGEST_MAX_KEYS, 0);
    CHECK(nk == 3 && strcmp(keys[0]->key, "status") == 0 && strcmp(keys[1]->key, "user_id") == 0 &&
          strcmp(keys[2]->key, "created_at") == 0);
    memset(&tab, 0, sizeof(tab));
    cols[0].name = "status", cols[0].n_distinct = 4;
    cols[1].name = "user_id", cols[1].n_distinct = -0.15;   /* 15% of 300,000 rows */
    cols[2].name = "created_at", cols[2].n_distinct = -1;
    tab.schema = "shop", tab.name = "orders", tab.reltuples = 300000, tab.columns = cols, tab.ncolumns = 3;
    node.catalog = &tab;
    nk = pl_index_keys(&node, preds, 1, keys, PL_SUGGEST_MAX_KEYS, 0);
    CHECK(nk == 3 && strcmp(keys[0]->key, "user_id") == 0 && strcmp(keys[1]->key, "status") == 0 &&
          strcmp(keys[2]->key, "created_at") == 0);
    cols[1].n_distinct = NAN;   /* one unknown: the printed order */
    nk = pl_index_keys(&node, preds, 1, keys, PL_SUGGEST_MAX_KEYS, 0);
    CHECK(nk == 3 && strcmp(keys[0]->key, "status") == 0);
}

/* ---- partial indexes: does a scan's condition imply an index's WHERE? Conditions are
 * spelled as EXPLAIN VERBOSE prints them, predicates as pg_get_expr(indpred, indrelid,
 * false) does (both copied from PostgreSQL 15). */

static planlint_node *scan_of(const char *alias)
{
    static planlint_node node;

    memset(&node, 0, sizeof(node));
    node.fields[PLANLINT_FIELD_RELATION] = "pt";
    node.fields[PLANLINT_FIELD_SCHEMA] = "public";
    node.fields[PLANLINT_FIELD_ALIAS] = alias;
    return &node;
}

/* pl_predicate_implies on a scan of pt aliased alias with an Index Cond (or NULL) and a
 * Filter; want_pins: the pinned keys, comma-separated, or NULL when not implied. */
static void expect_implies(const char *alias, const char *cond, const char *filter, const char *pred,
                           const char *want_pins)
{
    static pl_predicate pc, pf;
    const pl_predicate *preds[2];
    const pl_term *pinned[PL_PRED_MAX_TERMS];
    size_t np = 0, npinned = 99, i;
    char pins[300] = "";
    int got;

    if (cond)
        pl_predicate_parse(chk, scan_of(alias), cond, 1, &pc), preds[np++] = &pc;
    pl_predicate_parse(chk, scan_of(alias), filter, 0, &pf), preds[np++] = &pf;
    got = pl_predicate_implies(scan_of(alias), preds, np, pred, pinned, &npinned);
    for (i = 0; got && i < npinned; i++)
        snprintf(pins + strlen(pins), sizeof(pins) - strlen(pins), "%s%s", i ? "," : "", pinned[i]->key);
    tap_checks++;
    if (want_pins ? !got || strcmp(pins, want_pins) != 0 : got || npinned != 0) {
        tap_failures++;
        fprintf(stderr, "filter %s%s%s, index WHERE %s\n  got %s (pinned: %s), want %s (pinned: %s)\n",
                filter, cond ? ", index cond " : "", cond ? cond : "", pred ? pred : "(null)",
                got ? "implied" : "not implied", pins, want_pins ? "implied" : "not implied",
                want_pins ? want_pins : "");
    }
}

static void test_implies(void)
{
    /* the same terms, extra ones, another order, qualifiers and quoted aliases */
    expect_implies("pt", NULL, "((pt.status = 'open'::text) AND (pt.n = 5))", "(status = 'open'::text)", "status");
    expect_implies("pt", NULL, "((pt.status = 'open'::text) AND (pt.n = 5) AND (pt.id > 3))",
                   "((n = 5) AND (status = 'open'::text))", "n,status");
    expect_implies("My T", NULL, "(\"My T\".flag AND ((\"My T\".kind)::text = 'y'::text))",
                   "((kind)::text = 'y'::text)", "kind");
    expect_implies("pt", NULL, "((status = 'open'::text) AND (n = 5))", "(status = 'open'::text)", "status");
    /* nested ANDs in the predicate, boolean columns, IS NULL, ranges (which pin nothing) */
    expect_implies("pt", NULL, "(pt.flag AND (pt.n = 1) AND ((pt.kind)::text = 'a'::text))",
                   "((n = 1) AND (((kind)::text = 'a'::text) AND flag))", "n,kind");
    expect_implies("o", NULL, "((o.deleted_at IS NULL) AND (o.customer_id = 7))", "(deleted_at IS NULL)", "deleted_at");
    expect_implies("pt", NULL, "((pt.d > '2022-01-01'::date) AND (pt.id = 4))", "(d > '2022-01-01'::date)", "");
    expect_implies("pt", NULL, "(NOT pt.flag)", "(NOT flag)", "");
    /* the Index Cond counts too; an = ANY term is implied but pins nothing */
    expect_implies("pt", "(pt.id = 4)", "(pt.status = 'open'::text)", "((id = 4) AND (status = 'open'::text))", "id,status");
    expect_implies("pt", NULL, "((pt.n = ANY ('{1,2}'::integer[])) AND (pt.id = 4))",
                   "(n = ANY ('{1,2}'::integer[]))", "");
    /* spaces and OR inside a literal are the literal's */
    expect_implies("pt", NULL, "(pt.status = 'a  OR b'::text)", "(status = 'a  OR b'::text)", "status");
    expect_implies("pt", NULL, "(pt.status = 'a OR b'::text)", "(status = 'a  OR b'::text)", NULL);

    /* not implied: a missing term, another constant, operator, cast or column */
    expect_implies("pt", NULL, "(pt.status = 'open'::text)", "((status = 'open'::text) AND (n = 5))", NULL);
    expect_implies("pt", NULL, "((pt.status = 'closed'::text) AND (pt.n = 5))", "(status = 'open'::text)", NULL);
    expect_implies("pt", NULL, "(pt.n >= 5)", "(n > 5)", NULL);
    expect_implies("pt", NULL, "(pt.n = 5)", "(n = '5'::bigint)", NULL);
    expect_implies("pt", NULL, "(pt.m = 5)", "(n = 5)", NULL);
    /* OR anywhere in the predicate, or the scan's condition is an OR */
    expect_implies("pt", NULL, "((pt.status = 'open'::text) AND (pt.n > 5))", "((status = 'open'::text) OR (n > 5))", NULL);
    expect_implies("pt", NULL, "((pt.n = 1) AND ((pt.a = 1) OR (pt.b = 2)))", "((n = 1) AND ((a = 1) OR (b = 2)))", NULL);
    expect_implies("pt", NULL, "((pt.status = 'open'::text) OR (pt.n = 1))", "(status = 'open'::text)", NULL);
    /* a qualifier that is not the scan's: another table's column (a parameter) */
    expect_implies("pt", "(pt.id = o.id)", "(pt.n = 1)", "(id = id)", NULL);
    expect_implies("pt", NULL, "(ptx.n = 5)", "(n = 5)", NULL);
    /* the same condition spelled differently: not recognised (conservative) */
    expect_implies("pt", NULL, "(pt.n = ANY ('{1,2}'::integer[]))", "(n = ANY (ARRAY[1, 2]))", NULL);
    expect_implies("pt", NULL, "('open'::text = pt.status)", "(status = 'open'::text)", NULL);
    expect_implies("pt", NULL, "pt.flag", "(flag = true)", NULL);
    /* no predicate text (not read) */
    expect_implies("pt", NULL, "(pt.status = 'open'::text)", NULL, NULL);
    expect_implies("pt", NULL, "(pt.status = 'open'::text)", "", NULL);
}

/* pl_existing_index on a catalog with one index of public.pt: found or not. */
static void expect_existing(const char *filter, const char *ixkeys, const char *pred, int want)
{
    static pl_predicate pf;
    static pl_cat_index ix;
    static pl_cat_table t;
    static char keybuf[200];
    planlint_node *scan = scan_of("pt");
    const pl_predicate *preds[1] = { &pf };
    const pl_term *keys[PL_SUGGEST_MAX_KEYS];
    char *k;
    size_t nk;
    int got;

    memset(&ix, 0, sizeof(ix));
    snprintf(keybuf, sizeof(keybuf), "%s", ixkeys);
    for (k = keybuf; k && ix.nkeys < PL_CAT_MAX_KEYS; k = strchr(k, ',') ? strchr(k, ',') + 1 : NULL)
        ix.keys[ix.nkeys++] = k;
    for (k = keybuf; (k = strchr(k, ',')) != NULL; )
        *k++ = '\0';
    ix.name = "pt_idx", ix.btree = 1, ix.partial = pred != NULL, ix.predicate = pred;
    memset(&t, 0, sizeof(t));
    t.schema = "public", t.name = "pt", t.indexes = &ix, t.nindexes = 1;
    scan->catalog = &t;   /* as planlint_enrich() attaches it */
    pl_predicate_parse(chk, scan, filter, 0, &pf);
    nk = pl_index_keys(scan, preds, 1, keys, PL_SUGGEST_MAX_KEYS, 0);
    got = pl_existing_index(scan, preds, 1, keys, nk) != NULL;
    tap_checks++;
    if (got != want) {
        tap_failures++;
        fprintf(stderr, "filter %s, index (%s) WHERE %s: got %d, want %d\n", filter, ixkeys, pred ? pred : "-", got, want);
    }
}

static void test_existing(void)
{
    const char *open_n5 = "((pt.status = 'open'::text) AND (pt.n = 5))", *open = "(status = 'open'::text)";

    expect_existing(open_n5, "status,n", NULL, 1);       /* full indexes as before */
    expect_existing(open_n5, "n,status,id", NULL, 1);
    expect_existing(open_n5, "n", NULL, 0);
    expect_existing(open_n5, "n", open, 1);              /* status pinned by the predicate */
    expect_existing(open_n5, "status,n", open, 1);       /* pinned and a key: still fine */
    expect_existing(open_n5, "n,id", open, 1);
    expect_existing(open_n5, "id,n", open, 0);           /* n not leading */
    expect_existing(open_n5, "id", open, 0);             /* n missing */
    expect_existing("(pt.status = 'open'::text)", "id", open, 1);   /* the predicate is all the query asks */
    expect_existing("((pt.status = 'closed'::text) AND (pt.n = 5))", "n", open, 0);
    expect_existing(open_n5, "n", "((status = 'open'::text) OR (n = 5))", 0);
    expect_existing(open_n5, "n", "?", 0);
    /* a range in the predicate pins nothing: its column is still wanted as a key */
    expect_existing("((pt.d > '2022-01-01'::date) AND (pt.n = 5))", "n", "(d > '2022-01-01'::date)", 0);
    expect_existing("((pt.d > '2022-01-01'::date) AND (pt.n = 5))", "n,d", "(d > '2022-01-01'::date)", 1);
}

/* trigger-time quotes the constraint name it puts into SQL: the captured FK-trigger
 * plan, with its constraint renamed to hold a quote. */
static void test_trigger_sql_literal(pl_check *c)
{
    static const char from[] = "order_items_product_id_fkey", to[] = "it's_xxxxxxxxxxxxxxxxx_fkey";
    planlint_check_options o = PLANLINT_CHECK_OPTIONS_INIT;
    planlint_plan *p = NULL;
    planlint_error err;
    size_t len, i;
    char *buf = tap_slurp("fixtures/pg15/delete_fk_triggers.json", &len), *at = NULL;
    int found = 0;

    CHECK_STR(pl_fmt_literal(c, "it's"), "'it''s'");
    CHECK_STR(pl_fmt_literal(c, ""), "''");
    memset(&err, 0, sizeof(err));
    CHECK(sizeof(from) == sizeof(to) && (at = strstr(buf, from)) != NULL);
    if (sizeof(from) != sizeof(to) || !at) {
        free(buf);
        return;
    }
    memcpy(at, to, sizeof(to) - 1);
    CHECK(planlint_plan_parse(&p, buf, len, NULL, &err) == 0 && planlint_check(p, &o, &err) == 0);
    for (i = 0; i < planlint_plan_finding_count(p); i++)
        found |= strstr(planlint_finding_advice(planlint_plan_finding(p, i)),
                        "WHERE conname = 'it''s_xxxxxxxxxxxxxxxxx_fkey';") != NULL;
    CHECK(found);
    planlint_plan_free(p);
    free(buf);
}

int main(void)
{
    pl_arena *a = pl_arena_new();
    planlint_plan plan;
    planlint_rule rule;
    pl_check c;

    memset(&plan, 0, sizeof(plan));
    memset(&rule, 0, sizeof(rule));
    memset(&c, 0, sizeof(c));
    c.plan = &plan;
    c.rule = &rule;
    c.arena = a;
    chk = &c;
    test_trigger_sql_literal(&c);
    expect(&c, "(order_items.unit_price > 999.00)", "CREATE INDEX ON public.t (unit_price);");
    expect(&c, "((o.status_id = 3) AND (o.ordered_at >= '2023-01-01'::date))",
           "CREATE INDEX ON public.t (status_id, ordered_at);");
    expect(&c, "((ordered_at >= '2023-01-01'::date) AND (status_id = 3))", "CREATE INDEX ON public.t (status_id, ordered_at);");
    expect(&c, "((status)::text = 'shipped'::text)", "CREATE INDEX ON public.t (status);");
    expect(&c, "(lower((email)::text) = 'a@b.c'::text)", "CREATE INDEX ON public.t ((lower(email)));");
    /* a cast to date is no index key: timestamptz::date is not immutable */
    expect_none(&c, "((ordered_at)::date = '2023-01-01'::date)", "cast to date");
    expect(&c, "(customer_id = ANY ('{1,2,3}'::integer[]))", "CREATE INDEX ON public.t (customer_id);");
    expect(&c, "(deleted_at IS NULL)", "CREATE INDEX ON public.t (deleted_at);");
    expect(&c, "((name)::text ~~ 'abc%'::text)", "CREATE INDEX ON public.t (name text_pattern_ops);");
    expect(&c, "(\"Weird Col\" = 1)", "CREATE INDEX ON public.t (\"Weird Col\");");
    expect(&c, "(total > $0)", "CREATE INDEX ON public.t (total);");
    expect(&c, "((a = 1) AND (b <> 2))", "CREATE INDEX ON public.t (a);");
    expect(&c, "((x > 1) AND (y < 5))", "CREATE INDEX ON public.t (x);");
    expect_none(&c, "((name)::text ~~ '%abc'::text)", "leading wildcard");
    expect_none(&c, "((a = 1) OR (b = 2))", "ORs");
    expect_none(&c, "(a <> 5)", "inequality");
    expect_none(&c, "(t.a = t.b)", "another column");
    expect_none(&c, "(NOT (hashed SubPlan 1))", "negation");
    expect_none(&c, "(deleted_at IS NOT NULL)", "IS NOT NULL");
    expect_none(&c, "(lower(a) = upper(b))", "another column");
    expect_none(&c, "(date_trunc('day'::text, at) = '2024-01-01'::timestamp)", "an expression on the column");
    expect_none(&c, "(to_char(at, 'YYYY'::text) = '2024'::text)", "an expression on the column");
    expect_none(&c, "(date_part('year'::text, at) = '2024'::double precision)", "an expression on the column");
    expect_none(&c, "(soundex(name) = 'A100'::text)", "the function soundex() of the column");
    expect_none(&c, "(tags @> '{a}'::text[])", "operator @>");
    expect_none(&c, "(random() > a)", "not a comparison");
    expect_none(&c, "((a = 1) OR (b = 2)) garbage", "could not read");
    expect_none(&c, "(name ~~* 'abc%'::text)", "ILIKE");
    expect_none(&c, "(a = (SubPlan 1))", "subquery");
    expect(&c, "(5 < a)", "CREATE INDEX ON public.t (a);");
    expect(&c, "((a = $1) AND (b > (InitPlan 1).col1))", "CREATE INDEX ON public.t (a, b);");
    expect(&c, "((a = 1) AND ((b = 2) OR (c = 3)))", "CREATE INDEX ON public.t (a);");
    expect(&c, "(btrim((code)::text) = 'x'::text)", "CREATE INDEX ON public.t ((btrim(code)));");
    test_outer();
    test_rewrites();
    test_key_order();
    test_implies();
    test_existing();
    pl_arena_free(a);
    return tap_done("test_predicate");
}
