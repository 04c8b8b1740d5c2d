/* lossy_bitmap.c - PL008: a bitmap too big for work_mem degraded to whole-page (lossy) entries. */
#include "rule.h"

/* PostgreSQL 15 tidbitmap.c: one exact page entry is a 48-byte PagetableEntry plus two
 * pointers of hash-table overhead, and work_mem / 64 bytes is the entry budget. */
#define PL_EXACT_PAGE_BYTES 64.0

static const pl_rule_param params[] = {
    { "min_lossy_blocks", 1,
      "report a Bitmap Heap Scan with at least this many lossy heap blocks (rows removed by "
      "index recheck alone also come from lossy index types such as BRIN; they are not reported)" },
};

/* "256kB": a power of two kB, at least 64kB, holding kb. */
static const char *fmt_kb_setting(pl_check *c, double kb)
{
    long v = 64;

    if (kb > 1024)
        return pl_fmt_work_mem(c, kb);
    while ((double)v < kb)
        v *= 2;
    return pl_fmt_text(c, "%ldkB", v);
}

static void report(pl_check *c, const planlint_node *n, double exact, double lossy)
{
    double blocks = exact + lossy, recheck = n->m[PLANLINT_M_ROWS_REMOVED_RECHECK];
    double need_kb = blocks * PL_EXACT_PAGE_BYTES / 1024;
    const char *wm = pl_plan_setting(pl_check_plan(c), "work_mem");
    /* Rechecking is the extra work, and it happens on the lossy pages only. */
    pl_finding *f = pl_finding_new(c, n, n->m[PLANLINT_M_EXCLUSIVE_TIME] * lossy / blocks);

    pl_finding_message(f, "%s read %s of its %s heap blocks lossily and rechecked every row on them "
                          "(%s rows removed by index recheck): the bitmap did not fit in work_mem%s%s%s",
                       pl_node_label(c, n), pl_fmt_count(c, lossy), pl_fmt_count(c, blocks),
                       pl_fmt_count(c, isnan(recheck) ? 0 : recheck * n->m[PLANLINT_M_ACTUAL_LOOPS]),
                       wm ? " (" : "", wm ? wm : "", wm ? ")" : "");
    pl_finding_advice(f, "An exact bitmap of %s heap pages needs about %s kB (about %s bytes per page). "
                         "%s for this query (SET LOCAL in its transaction) keeps it "
                         "exact, with room to spare; if lossy blocks remain, double it again. A more "
                         "selective index condition makes the bitmap smaller.",
                      pl_fmt_count(c, blocks), pl_fmt_count(c, ceil(need_kb)),
                      pl_fmt_num(c, PL_EXACT_PAGE_BYTES, 0), pl_set_work_mem(f, 0, fmt_kb_setting(c, need_kb * 2)));
    pl_finding_evidence(f, "exact_heap_blocks", exact);
    pl_finding_evidence(f, "lossy_heap_blocks", lossy);
    pl_finding_evidence(f, "rows_removed_by_recheck", recheck);
    pl_finding_evidence(f, "exact_bitmap_kb", need_kb);
}

static void check(pl_check *c)
{
    const planlint_plan *p = pl_check_plan(c);
    size_t i;

    for (i = 0; i < p->nnodes; i++) {
        const planlint_node *n = p->nodes[i];
        double exact = n->m[PLANLINT_M_EXACT_HEAP_BLOCKS], lossy = n->m[PLANLINT_M_LOSSY_HEAP_BLOCKS];

        if (!pl_node_is(n, "Bitmap Heap Scan") || isnan(lossy) || lossy <= 0 ||
            lossy < pl_param(c, "min_lossy_blocks"))
            continue;
        report(c, n, pl_nz(exact), lossy);
    }
}

const planlint_rule pl_rule_lossy_bitmap = {
    "PL008", "lossy-bitmap", "index", PLANLINT_SEVERITY_WARNING,
    "A Bitmap Heap Scan went lossy: its bitmap did not fit in work_mem",
    "A bitmap index scan collects the matching row positions in a bitmap held in work_mem. "
    "When it grows too big, PostgreSQL keeps only the page number for some pages (lossy "
    "blocks): the heap scan then reads every row of those pages and rechecks the condition "
    "(Heap Blocks: lossy=N, Rows Removed by Index Recheck).\n\n"
    "Fix: raise work_mem for the query so that the bitmap stays exact - about 64 bytes per "
    "heap page (exact + lossy blocks), doubled for headroom - or make the index condition more "
    "selective so the bitmap is smaller. Rows removed by recheck on a scan with no lossy "
    "blocks come from the index type (BRIN, some GIN operator classes), not from work_mem.",
    params, PL_NPARAMS(params), check
};
