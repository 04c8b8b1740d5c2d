/* diff_sarif.c - the diff as SARIF 2.1.0 for code scanning: the findings that appeared
 * in the after plan, as the single-plan SARIF writes them (same rule ids, same
 * fingerprints, so an alert opened on the after plan is the same alert), then one
 * result per regression, of rule PLDIFF (docs/diff.md). */
#include "diff.h"
#include "render.h"
#include "finding.h"

#include <stdio.h>
#include <string.h>

#define PL_DIFF_RULE_ID "PLDIFF"

static void pl_diff_sarif_rule(pl_buf *b, const planlint_diff *d)
{
    pl_buf_puts(b, ",{\"id\":\"" PL_DIFF_RULE_ID "\",\"name\":\"regression\",");
    pl_sarif_message(b, "shortDescription", "The plan got worse between two captures of the same query.");
    pl_buf_putc(b, ',');
    pl_sarif_message(b, "fullDescription",
                     "planlint diff compares a plan captured before a change with one captured after "
                     "it. A regression is an execution time or a node's own time grown by the factor, "
                     "a relation read through an index before and by a Seq Scan now, or a node that "
                     "now spills to disk.");
    pl_buf_putc(b, ',');
    pl_sarif_message(b, "help",
                     "Compare the two plans (planlint diff BEFORE AFTER) to see which node changed, "
                     "then undo or adjust the change that caused it: restore the index, raise "
                     "work_mem for the sort or hash, refresh the statistics (ANALYZE).\n\n"
                     "Parameters:\n- factor (default 1.5): --fail-on-regression=FACTOR");
    pl_buf_printf(b, ",\"defaultConfiguration\":{\"level\":\"%s\"}", d->failing ? "error" : "warning");
    pl_buf_puts(b, ",\"properties\":{\"category\":\"regression\",\"tags\":[\"regression\"]}}");
}

static void pl_diff_sarif_location(pl_buf *b, const planlint_diff *d, const planlint_node *n)
{
    pl_buf_puts(b, ",\"locations\":[{");
    if (d->after_name) {
        pl_buf_puts(b, "\"physicalLocation\":{\"artifactLocation\":{\"uri\":");
        pl_sarif_uri(b, d->after_name);
        pl_buf_puts(b, "}},");
    }
    pl_sarif_logical(b, d->after, n, 1);
    pl_buf_puts(b, "}]");
}

/* A regression's fingerprint: the rule and its kind, on the node's shape (as findings
 * get theirs), so that the same regression seen again is the same alert. */
static void pl_diff_sarif_reason(pl_buf *b, const planlint_diff *d, const pl_diff_reason *r)
{
    char id[64];

    snprintf(id, sizeof(id), "%s/%s", PL_DIFF_RULE_ID, pl_diff_kind_name(r->kind));
    pl_buf_printf(b, "{\"ruleId\":\"" PL_DIFF_RULE_ID "\",\"ruleIndex\":%zu,\"level\":\"%s\",",
                  planlint_rule_count(), d->failing ? "error" : "warning");
    pl_sarif_message(b, "message", r->text);
    pl_diff_sarif_location(b, d, r->node);
    pl_buf_putc(b, ',');
    pl_sarif_fingerprint(b, id, r->node);
    pl_buf_puts(b, ",\"properties\":{\"kind\":");
    pl_json_string(b, pl_diff_kind_name(r->kind));
    if (r->node)
        pl_buf_printf(b, ",\"node_id\":%zu", r->node->id);
    pl_buf_puts(b, "}}");
}

void pl_diff_render_sarif(pl_buf *b, const planlint_diff *d)
{
    size_t i;

    pl_sarif_open(b);
    pl_diff_sarif_rule(b, d);
    pl_buf_puts(b, "]}},\"results\":[");
    for (i = 0; i < d->nappeared; i++) {
        if (i)
            pl_buf_putc(b, ',');
        pl_sarif_result(b, d->after, d->appeared[i], 1, d->after_name, 0);
    }
    for (i = 0; i < d->nreasons; i++) {
        if (i || d->nappeared)
            pl_buf_putc(b, ',');
        pl_diff_sarif_reason(b, d, &d->reasons[i]);
    }
    pl_buf_puts(b, "],\"properties\":{\"verdict\":");
    pl_json_string(b, d->verdict);
    pl_buf_printf(b, ",\"regressed\":%s,\"before\":", d->regressions ? "true" : "false");
    d->before_name ? pl_json_string(b, d->before_name) : pl_buf_puts(b, "null");
    pl_buf_puts(b, "}}]}\n");
}
