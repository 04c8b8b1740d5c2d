/* test_predicate.c - Filter and Index Cond texts as PostgreSQL prints them, and the
 * CREATE INDEX planlint derives from them. */
#include "predicate.h"
#include "finding.h"
#include "tap.h"

static pl_pred_patterns *pp;
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
    pl_predicate_parse(c, pp, filter, 0, &pred);
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
        pl_predicate_parse(chk, pp, cond, 1, &pc), preds[np++] = &pc;
    pl_predicate_parse(chk, pp, filter, 0, &pf), preds[np++] = &pf;
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
    pl_predicate_parse(chk, pp, filter, 0, &pf);
    nk = pl_index_keys(preds, 1, keys, PL_SUGGEST_MAX_KEYS);
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
    pp = pl_pred_patterns_new();
    CHECK(pp != NULL);
    test_trigger_sql_literal(&c);
    expect(&c, "(order_items.unit_price > 999.00)", "CREATE INDEX ON public.t (unit_price);");
    expect(&c, "((o.status_id = 3) AND (o.ordered_at >= '2023-01-01'::date))",
           "CREATE INDEX ON public.t (status_id, ordered_at);");
    expect(&c, "((ordered_at >= '2023-01-01'::date) AND (status_id = 3))", "CREATE INDEX ON public.t (status_id, ordered_at);");
    expect(&c, "((status)::text = 'shipped'::text)", "CREATE INDEX ON public.t (status);");
    expect(&c, "(lower((email)::text) = 'a@b.c'::text)", "CREATE INDEX ON public.t ((lower(email)));");
    expect(&c, "((ordered_at)::date = '2023-01-01'::date)", "CREATE INDEX ON public.t (((ordered_at::date)));");
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
    test_implies();
    test_existing();
    pl_pred_patterns_free(pp);
    pl_arena_free(a);
    return tap_done("test_predicate");
}
