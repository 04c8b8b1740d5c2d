/* test_predicate.c - Filter and Index Cond texts as PostgreSQL prints them, and the
 * CREATE INDEX planlint derives from them. */
#include "predicate.h"
#include "finding.h"
#include "tap.h"

static pl_pred_patterns *pp;

/* Runs pl_index_suggestion for one filter on a fake scan of public.t. */
static const char *suggest(pl_check *c, const char *filter, const char **why)
{
    static planlint_node node;
    static pl_predicate pred;
    const pl_predicate *preds[1] = { &pred };

    memset(&node, 0, sizeof(node));
    node.fields[PLANLINT_FIELD_RELATION] = "t";
    node.fields[PLANLINT_FIELD_SCHEMA] = "public";
    pl_predicate_parse(pp, filter, 0, &pred);
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
    pp = pl_pred_patterns_new();
    CHECK(pp != NULL);
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
    pl_pred_patterns_free(pp);
    pl_arena_free(a);
    return tap_done("test_predicate");
}
